"""A short contents list at the top of each long page ("On this page"), so
a reader on a phone can jump to the part they need.

Shown after the Key points box (and after the urgent-care card, when the
page has one) on pages with at least MIN_SECTIONS sections. It lists the
page's H2 headings from MkDocs' own table of contents (page.toc), the
sources section aside (its heading: `extra.sources_heading`). It runs after
the print-site plugin has saved the page for the PDF (lower event
priority), so the PDF keeps its own contents.
A long page with neither box fails the build, naming the file: the list
has no place to go (and the content guide asks every page for Key points).
"""
import html
import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

MIN_SECTIONS = 4
AFTER = [re.compile(r'<section class="urgent-card[ "].*?</section>\n?', re.S),
         re.compile(r'<div class="admonition abstract">.*?</div>\n?', re.S)]


@event_priority(-20)  # after print-site (0) saved the page: the PDF has its own contents
def on_page_content(html_text, page, config, files, **kwargs):
    sections = [item for top in page.toc for item in ([top] if top.level == 2 else top.children)
                if item.level == 2 and item.title != config.extra["sources_heading"]]
    if len(sections) < MIN_SECTIONS:
        return html_text
    for pattern in AFTER:
        match = pattern.search(html_text)
        if match:
            break
    else:
        raise PluginError(
            f"docs/{page.file.src_uri}: it has {len(sections)} sections, so it gets an 'On this page' "
            "list after its Key points box, and it has none: open the page with "
            '!!! abstract "Key points" (overrides/hooks/page_contents.py)')
    links = "".join(f'<li><a href="{html.escape(item.url, quote=True)}">{html.escape(html.unescape(item.title))}</a></li>'
                    for item in sections)
    block = (f'<nav class="guide-page-contents" aria-labelledby="guide-page-contents-title">'
             f'<p class="guide-page-contents__title" id="guide-page-contents-title">On this page</p>'
             f'<ul>{links}</ul></nav>\n')
    return html_text[:match.end()] + block + html_text[match.end():]
