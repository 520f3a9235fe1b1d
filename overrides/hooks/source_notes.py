"""A title over each page's numbered notes, so that they do not read as a
second, unexplained list of sources (carer's review of the PDF: each
chapter ended with "Sources" and then a numbered list with no heading).

Python-Markdown's footnotes extension writes the notes as
`<div class="footnote"><hr /><ol>...`, with no title and no option for one.
This hook puts a paragraph in front of the list: `extra.notes_title` in
bold, then `extra.notes_intro` (mkdocs.yml), which says what the numbers
are and how the notes differ from the Sources list. The paragraph is left
out of the search index (data-search-exclude): it is the same on every
page. A page with no notes is left as it is.

The build fails, naming the keys, when either is missing or empty, and
naming the page when its notes are not written the way NOTES expects.

Priorities: on_config at 0 (it only checks extra). on_page_content at 30:
before the print-site plugin (0) keeps each page for the print page and
the PDF.
"""
import html
import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

KEYS = ("notes_title", "notes_intro")
NOTES = re.compile(r'(<div class="footnote">\s*<hr\s*/?>)')


@event_priority(0)
def on_config(config, **kwargs):
    missing = [k for k in KEYS if not str(config.extra.get(k) or "").strip()]
    if missing:
        raise PluginError(f"mkdocs.yml: extra.{' and extra.'.join(missing)} must say what the numbered "
                          "notes at the end of a page are (overrides/hooks/source_notes.py)")
    return config


def notes_title_block(extra):
    title, intro = (html.escape(" ".join(str(extra[k]).split())) for k in KEYS)
    return f'<p class="guide-notes-title" data-search-exclude><strong>{title}</strong> {intro}</p>'


@event_priority(30)
def on_page_content(html_text, page, config, **kwargs):
    if '<div class="footnote">' not in html_text:
        return html_text
    block = notes_title_block(config.extra)
    out, found = NOTES.subn(lambda m: m.group(1) + block, html_text, count=1)
    if not found:  # the footnotes extension writes its notes another way now
        raise PluginError(f"docs/{page.file.src_uri}: its numbered notes do not start with "
                          '<div class="footnote"><hr />, so overrides/hooks/source_notes.py cannot '
                          "put their title in; update its NOTES pattern")
    return out
