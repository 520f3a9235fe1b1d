"""The print page (mkdocs-print-site-plugin): the whole guide on one page,
which scripts/export_pdf.py prints as the PDF.

The plugin writes it in its own on_post_build, so it is fixed here, after
the plugin (priority -10; plugins without a priority run at 0):

1. It works at any path: the plugin renders it with the 404 page's context
   (mkdocs_print_site_plugin/plugin.py, on_template_context), whose base is
   the server root when site_url is empty (mkdocs/mkdocs#1598).
   overrides/hooks/not_found_page.py makes that context relative; here any
   root-absolute base left (a site_url set) is made relative, since the print
   page is printed from a local server and opened from file shares.
2. Its table of contents is written into the HTML (each chapter's h1 and
   its h2s), and the plugin's run-time script that would build it, and hide
   the sidebars print.css already hides, is removed: a strict policy blocks
   inline scripts and readers without JavaScript would see no contents.
3. No search on the one long page: the browser's find serves better, and
   the page stays within its weight budget (the theme fetches the search
   index only when a form named "search" is on the page; guide.css then
   hides the search box).
4. The plugin numbers sections with a `heading-number` attribute, which
   HTML does not have (mkdocs_print_site_plugin/renderer.py, the
   <section class='print-page'> it writes): renamed data-heading-number.
5. Every id is unique, and every link inside the guide lands: the plugin
   rewrites each chapter's links to "#<chapter>-<id>" (urls.py,
   fix_internal_links) but prefixes only some ids (headings, footnotes), so
   the rest (the urgent-care card's, footnote back-links "fnref:...") would
   repeat from chapter to chapter and their links would lead nowhere. They
   get the chapter's prefix here, with the references to them inside the
   chapter (aria-labelledby, aria-describedby, aria-controls, for).

Each edit fails the build, naming it, when its pattern is no longer found
(the plugin or the theme changed).
"""
import html
import pathlib
import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

PLUGIN = "mkdocs-print-site-plugin 2.9"
SCOPE = re.compile(r'__md_scope=new URL\("(/[^"]*)",location\)')
BASE = re.compile(r'("base":\s*)"(/[^"]*)"')
TOC_TITLE = re.compile(r"(<h1 class='print-page-toc-title'>.*?</h1>)", re.S)
RUNTIME_TOC = re.compile(r"<script type=\"text/javascript\">\s*document\.addEventListener\('DOMContentLoaded'"
                         r"[^<]*?generate_toc\(\);.*?</script>", re.S)
SEARCH_FORM = '<form class="md-search__form" name="search">'
HEADING_NUMBER = " heading-number="
CHAPTER = re.compile(r'<section class="print-page" id="([^"]+)"[^>]*>')
ID = re.compile(r'\bid="([^"]+)"')
REFERENCES = re.compile(r'\b(aria-labelledby|aria-describedby|aria-controls|for)="([^"]+)"')


def page_name(config):
    return config.plugins["print-site"].config["print_page_basename"] + ".html"


def _edit(text, what, pattern, replacement, count=0):
    new, n = pattern.subn(replacement, text, count=count)
    if not n:
        raise PluginError(f"print page: '{what}' (overrides/hooks/print_page.py) found nothing to "
                          f"change; {PLUGIN} or the theme has changed. Check the built print page "
                          "and update the pattern.")
    return new


def chapters(text):
    """(name, start, end) of each chapter's body on the print page. A
    chapter runs from its <section class="print-page" id=...> to the next
    one: pages hold <section>s of their own (the urgent-care card), so a
    chapter's end cannot be found by looking for "</section>"."""
    starts = [(m.group(1), m.end(), m.start()) for m in CHAPTER.finditer(text)]
    if not starts:
        return []
    # The last chapter ends at the page's last </section>: nothing after the
    # chapters (the footer, the theme's scripts and __config) is a section.
    last_end = text.rfind("</section>") + len("</section>")
    if last_end < starts[-1][1]:
        raise PluginError(f"print page: the last chapter has no closing </section> "
                          f"(overrides/hooks/print_page.py); {PLUGIN} has changed.")
    return [(name, body_start, starts[i + 1][2] if i + 1 < len(starts) else last_end)
            for i, (name, body_start, _) in enumerate(starts)]


def static_toc(text, leave_out=("Sources",)):
    """A <ul> of each chapter's h1 and its h2s (h2s named in leave_out skipped)."""
    items = []
    for _, start, end in chapters(text):
        heads = re.findall(r'<h([12]) id="([^"]+)"[^>]*>(.*?)</h\1>', text[start:end], re.S)
        chapter, subs = None, []
        for level, hid, inner in heads:
            label = html.escape(html.unescape(re.sub(r"<[^>]+>|¶", "", inner).replace("&para;", "")).strip())
            if level == "1" and chapter is None:
                chapter = (hid, label)
            elif level == "2" and label not in leave_out:
                subs.append(f'<li><a href="#{hid}">{label}</a></li>')
        if chapter:
            sub = f'<ul>{"".join(subs)}</ul>' if subs else ""
            items.append(f'<li><a href="#{chapter[0]}">{chapter[1]}</a>{sub}</li>')
    if not items:
        raise PluginError(f"print page: no chapter found for its contents list (overrides/hooks/"
                          f"print_page.py); {PLUGIN} has changed how it writes <section "
                          "class=\"print-page\">. Update the pattern.")
    return f'<ul class="guide-print-toc">{"".join(items)}</ul>'


def unique_ids(text):
    """Give each chapter's unprefixed ids the chapter's prefix (see 5. above)."""
    found = chapters(text)
    if not found:
        raise PluginError(f"print page: no chapter <section class=\"print-page\" id=...> found "
                          f"(overrides/hooks/print_page.py, unique ids); {PLUGIN} has changed.")
    parts, last = [], 0
    for name, start, end in found:
        body, prefix = text[start:end], f"{name}-"
        # The theme's own ids ("__..."), which its scripts look up, are left alone.
        renamed = {old: prefix + old for old in ID.findall(body)
                   if not old.startswith(prefix) and not old.startswith("__")}
        body = ID.sub(lambda i: f'id="{renamed.get(i.group(1), i.group(1))}"', body)
        body = REFERENCES.sub(lambda r: f'{r.group(1)}="' + " ".join(
            renamed.get(t, t) for t in r.group(2).split()) + '"', body)
        parts += [text[last:start], body]
        last = end
    return "".join(parts) + text[last:]


@event_priority(-10)
def on_post_build(config, **kwargs):
    path = pathlib.Path(config.site_dir) / page_name(config)
    if not path.exists():
        raise PluginError(f"{path.name} was not written by the print-site plugin")
    text = path.read_text(encoding="utf-8")
    # 1. Relative to its own folder (a no-op when not_found_page.py already did it).
    text = SCOPE.sub('__md_scope=new URL(".",location)', text)
    text = BASE.sub(r'\1"."', text)
    if '__md_scope=new URL(".",location)' not in text or not re.search(r'"base":\s*"\."', text):
        raise PluginError("print page: its scope script or its config no longer has the form "
                          "overrides/hooks/print_page.py makes relative; the theme has changed. "
                          "Check base.html's __md_scope script and __config.")
    # 2. Contents written at build time, the plugin's run-time script gone.
    toc = static_toc(text)
    text = _edit(text, "contents list", TOC_TITLE, lambda m: m.group(1) + toc, count=1)
    text = _edit(text, "plugin's contents script", RUNTIME_TOC, "")
    # 3. No search.
    text = _edit(text, "no search", re.compile(re.escape(SEARCH_FORM)), '<form class="md-search__form">')
    # 4. Valid HTML.
    text = _edit(text, "heading-number", re.compile(re.escape(HEADING_NUMBER)), " data-heading-number=")
    # 5. Unique ids; links inside the guide land.
    text = unique_ids(text)
    path.write_text(text, encoding="utf-8")
