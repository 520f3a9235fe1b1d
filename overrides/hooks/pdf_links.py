"""Links to the PDFs (the whole guide, the handout, each also in large
print) lead to the files extra.pdf names, and say how many pages and how
big each is.

- A link in a page marked data-guide-pdf="KEY" (a key of
  guidekit.config.PDF_KEYS: file, large_print, handout,
  handout_large_print) gets its href from extra.pdf, so an overlay that
  renames a PDF renames its links; a mark that names no PDF fails the
  build, naming the page. (overrides/partials/page-info.html writes the
  download links from extra.pdf itself.)
- Each link to one of the PDFs shows the file's pages and size ("PDF, 98
  pages, 2.5 MB"). Those exist only after the PDF export, so
  scripts/build.py builds the site, exports the PDFs, and builds the site
  again with $GUIDE_PDF_FACTS (JSON: {file name: {"pages": N, "bytes": N}});
  on_config puts it in config.extra.pdf_facts, where page-info.html reads
  it too. Without it the links show no figures.

Priorities: on_config at -10, with the other hooks that read the
configuration after the plugins; on_page_content at 10, before the
print-site plugin (0) keeps each page's HTML for the print page, so the
print page's links are the same.
"""
import html
import json
import os
import re

from guidekit import PDF_FACTS_VARIABLE, config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority


@event_priority(-10)
def on_config(config, **kwargs):
    """The PDFs' pages and sizes, when scripts/build.py passes them."""
    raw = os.environ.get(PDF_FACTS_VARIABLE, "").strip()
    facts = {}
    if raw:
        try:
            facts = json.loads(raw)
        except ValueError as err:
            raise PluginError(f"${PDF_FACTS_VARIABLE} is not JSON ({err}); scripts/build.py sets it: "
                              "unset it to build without the PDFs' figures") from None
    for name, fact in facts.items():
        fact["label"] = facts_label(fact)
    config.extra["pdf_facts"] = facts
    return config


def facts_label(fact):
    """"PDF, 98 pages, 2.5 MB" (sizes in decimal units, as file managers show them)."""
    size = int(fact.get("bytes", 0))
    shown = f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{max(1, round(size / 1e3))} KB"
    pages = int(fact.get("pages", 0))
    return f"PDF, {pages} page{'s' if pages != 1 else ''}, {shown}"


PDF_LINK = re.compile(r'(<a\b[^>]*\bhref="(?:[^"]*/)?([^"/]+\.pdf)"[^>]*>.*?</a>)(?!\s*<span class="guide-pdf-facts">)',
                      re.S)


PDF_MARKED = re.compile(r'<a\b[^>]*\bdata-guide-pdf="([^"]*)"[^>]*>')
PDF_HREF = re.compile(r'\bhref="((?:[^"]*/)?)[^"/]*"')


def _pdf_hrefs(html_text, pdf, src_uri):
    """A link marked data-guide-pdf="KEY" leads to the file extra.pdf.KEY
    names."""
    def point(m):
        key, name = m.group(1), pdf.get(m.group(1))
        if key not in config.PDF_KEYS or not name:
            raise PluginError(f'docs/{src_uri}: a link is marked data-guide-pdf="{key}", which names '
                              f"no PDF of extra.pdf: use one of "
                              f"{', '.join(k for k in config.PDF_KEYS if pdf.get(k))}")
        tag, count = PDF_HREF.subn(lambda h: f'href="{h.group(1)}{html.escape(name, quote=True)}"', m.group(0), 1)
        if not count:
            raise PluginError(f'docs/{src_uri}: the link marked data-guide-pdf="{key}" has no href')
        return tag
    return PDF_MARKED.sub(point, html_text)


def _pdf_facts(html_text, facts):
    """After each link to one of the PDFs: its pages and size."""
    def add(m):
        fact = facts.get(m.group(2))
        if not fact:
            return m.group(0)
        label = fact["label"]
        if re.search(r"\bPDF\b", re.sub(r"<[^>]+>", "", m.group(1))):  # the link says PDF already
            label = label.removeprefix("PDF, ")
        return f'{m.group(1)} <span class="guide-pdf-facts">({html.escape(label)})</span>'
    return PDF_LINK.sub(add, html_text)


@event_priority(10)
def on_page_content(html_text, page, config, files, **kwargs):
    html_text = _pdf_hrefs(html_text, config.extra.get("pdf") or {}, page.file.src_uri)
    if config.extra.get("pdf_facts"):
        html_text = _pdf_facts(html_text, config.extra["pdf_facts"])
    return html_text
