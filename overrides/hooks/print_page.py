"""The print page (mkdocs-print-site-plugin): the whole guide on one page,
which scripts/export_pdf.py prints as the PDF.

The plugin writes it in its own on_post_build, without the on_post_page
event every other page goes through, so it is fixed here, after the plugin
(priority -10; plugins without a priority run at 0), and then given that
event: the other hooks' page edits (theme fixes, abbreviations,
stylesheets, the strict policy) reach it the way they reach every page,
and no other hook rewrites it after the build.

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

6. Chapters (the nav's pages that the print page holds, not those in the
   plugin's exclude) are numbered the same way everywhere (issue 14):
   the menu (each nav page's title), the page's H1 (a number before its
   text, on screen, on the print page and so in the PDF's bookmarks) and
   the print page's contents list. The print page's chapter <section>s carry
   data-chapter (number and menu title) for the PDF's running footer.
7. Print-only adjustments to the pages: "Next:" lines and the sections
   listed in extra.pdf.leave_out ("page.md#heading-id": web-only
   instructions, notes for web staff) get the class print-site-plugin-ignore,
   which print.css hides; the handout page (extra.pdf.handout_page) gets a
   print-only block of fields to fill in (date, who I saw, next
   appointment, medicines, contact numbers).

The links to the PDFs, with their pages and sizes, are
overrides/hooks/pdf_links.py.

Priorities: on_nav at -10 (after the plugins, which read the
nav first: the print-site plugin keeps the nav's items, not copies, so the
numbered titles reach its print page too); on_page_content at 10, before
the print-site plugin (0) keeps each page's HTML for the print page, so the
print page has the same numbers and classes; on_post_build at -10, after the
plugin wrote the print page.

Each edit fails the build, naming it, when its pattern is no longer found
(the plugin or the theme changed).
"""
import html
import pathlib
import re

from guidekit import dates, urgent_care
from guidekit import config as guide_config
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


OWN_URGENT_CARD = re.compile(rf'href="#([\w-]+)-{urgent_care.ANCHOR}"')
H1_OPEN = re.compile(r"<h1\b[^>]*>")
NEXT_LINE = re.compile(r"<p>(<strong>Next:</strong>)")
# The handout's fields, (label, lines): the first four side by side in pairs
# (print.css), the rest across the page.
HANDOUT_FIELDS = [("Date", 1), ("Who I saw", 1), ("Next appointment", 1), ("Who came with me", 1),
                  ("My medicines", 2), ("My 24-hour number", 1), ("Other numbers", 1)]
# Chapter number by the page's source file, and (number, menu title) by the
# print page's section id; filled by on_nav for each build.
_numbers = {}
_sections = {}


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


def _label(inner):
    return html.unescape(re.sub(r"<[^>]+>|¶", "", inner).replace("&para;", "")).strip()


def static_toc(text, urgent_title, urgent_home):
    """A <ul> of the chapters (each chapter's h1, its number apart), one line
    each with a dot leader; scripts/export_pdf.py writes the page numbers in
    (data-page, shown by print.css). urgent_home: the print-page section key
    ("index") of the page that carries the urgent-care card."""
    items = []
    for name, start, end in chapters(text):
        # The urgent-care card first of all: a reader in trouble opens the
        # contents to find it (reader review of the large print).
        if name == urgent_home and f'id="{urgent_care.ANCHOR}"' in text[start:end]:
            items.append(f'<li class="guide-print-toc__urgent"><a href="#{urgent_home}-{urgent_care.ANCHOR}">'
                         f'<span class="guide-print-toc__title">{html.escape(urgent_title)}</span>'
                         f'<span class="guide-print-toc__dots" aria-hidden="true"></span></a></li>')
        m = re.search(r'<h1 id="([^"]+)"[^>]*>(.*?)</h1>', text[start:end], re.S)
        if not m:
            continue
        hid, inner = m.groups()
        number = re.search(r'<span class="guide-chapter-number">(.*?)</span>', inner)
        title = _label(inner.replace(number.group(0), "") if number else inner)
        num = (f'<span class="guide-print-toc__number">{html.escape(_label(number.group(1)))}</span> '
               if number else "")
        items.append(f'<li><a href="#{hid}">{num}<span class="guide-print-toc__title">'
                     f'{html.escape(title)}</span><span class="guide-print-toc__dots" '
                     f'aria-hidden="true"></span></a></li>')
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
    card = urgent_care.load(config["docs_dir"])
    card_home = card["home"].removesuffix(".md")  # its print-page section key ("index")
    toc = static_toc(text, card["title"], card_home)
    text = _edit(text, "contents list", TOC_TITLE, lambda m: m.group(1) + toc, count=1)
    text = _edit(text, "plugin's contents script", RUNTIME_TOC, "")
    # 3. No search.
    text = _edit(text, "no search", re.compile(re.escape(SEARCH_FORM)), '<form class="md-search__form">')
    # 4. Valid HTML.
    text = _edit(text, "heading-number", re.compile(re.escape(HEADING_NUMBER)), " data-heading-number=")
    # 5. Unique ids; links inside the guide land.
    text = unique_ids(text)
    # In the PDF only the first chapter's urgent-care card is printed in full
    # (overrides/hooks/urgent_care.py); a link to a chapter's own card goes
    # to that one, so the PDF prints its page number after the link.
    text = OWN_URGENT_CARD.sub(lambda m: m.group(0) if m.group(1) == card_home
                               else f'href="#{card_home}-{urgent_care.ANCHOR}"', text)
    # 6. Each chapter's number and menu title, for the PDF's running footer.
    text = _edit(text, "chapter names", CHAPTER, _name_chapter)
    # The plugin skips on_post_page for its page: the page-level edits every
    # other page gets (theme fixes, abbreviations, stylesheets, the strict
    # policy's moved scripts) run here, by the same event, in its order.
    text = config.plugins.on_post_page(text, page=config.plugins["print-site"].print_page, config=config)
    path.write_text(text, encoding="utf-8")


def _name_chapter(m):
    number, title = _sections.get(m.group(1), (None, None))
    if number is None:
        return m.group(0)
    label = html.escape(f"{number}. {title}", quote=True)
    return m.group(0)[:-1] + f' data-chapter="{label}">'


@event_priority(-10)
def on_nav(nav, config, files, **kwargs):
    """Number the chapters in nav order; the menu shows "N. Title" (see 6.)."""
    from mkdocs_print_site_plugin.urls import get_page_key

    _numbers.clear()
    _sections.clear()
    # Only the pages the print page holds are chapters (an interactive page
    # left out of print has no number, so the PDF's numbers have no gaps).
    held = set(guide_config.printed([page.file.src_path for page in nav.pages], config))
    printed = [page for page in nav.pages if page.file.src_path in held]
    for number, page in enumerate(printed, start=1):
        title = page.title
        _numbers[page.file.src_uri] = number
        _sections[get_page_key(page.url)] = (number, title)
        if title and not title.startswith(f"{number}. "):
            page.title = f"{number}. {title}"
    return nav


def _leave_out(config):
    found = {}
    for entry in (config.extra.get("pdf") or {}).get("leave_out") or []:
        page, _, anchor = str(entry).partition("#")
        if not anchor:
            raise PluginError(f"extra.pdf.leave_out: '{entry}' names no heading; write it as "
                              "page.md#heading-id (mkdocs.yml)")
        found.setdefault(page, []).append(anchor)
    return found


def _hide_section(text, anchor, where):
    m = re.search(rf'<h([1-6]) id="{re.escape(anchor)}"', text)
    if not m:
        raise PluginError(f"extra.pdf.leave_out: {where} has no heading with the id '{anchor}' "
                          "(mkdocs.yml); correct or remove the entry")
    level = int(m.group(1))
    end = re.compile(rf'<h[1-{level}]\b|<div class="footnote"').search(text, m.end())
    stop = end.start() if end else len(text)
    return (text[:m.start()] + '<div class="print-site-plugin-ignore guide-web-only">'
            + text[m.start():stop] + "</div>\n" + text[stop:])


def handout_fields(config, page):
    """The print-only block at the top of the handout (see 7.): the fields,
    then which guide the sheets come from (a handout travels alone)."""
    # The hospital's own 24-hour line, when its overlay gives one, is
    # printed in, as on the cover of the guide.
    urgent = ((config.extra.get("institution") or {}).get("urgent_phone") or "").strip()

    def field(label):
        if label == "My 24-hour number" and urgent:
            return f'<span class="guide-handout-fields__value">{html.escape(urgent)}</span>'
        return '<span class="guide-handout-fields__line"></span>'

    rows = "".join(
        f'<div class="guide-handout-fields__row guide-handout-fields__row--{lines}">'
        f'<span class="guide-handout-fields__label">{html.escape(label)}:</span>'
        f'{field(label)}</div>'
        for label, lines in HANDOUT_FIELDS)
    title = config.plugins["print-site"].config.get("print_page_title") or config.site_name
    reviewed = (page.meta or {}).get("last_reviewed")
    source = (f'<p class="guide-handout-from guide-print-only">From the guide “{html.escape(title)}”'
              + (f'; these questions last reviewed {html.escape(dates.written(reviewed))}' if reviewed else "")
              + "." + (f" {html.escape(config.extra['review_note'])}" if config.extra.get("review_note") else "")
              + "</p>")
    return (f'<div class="guide-handout-fields" role="group" aria-label="About this appointment">'
            f'{rows}</div>{source}')


# mkdocs-print-site-plugin 2.9 prefixes each id with str.replace on the
# text 'id="x"', so an id that is a piece of 'id' itself ("i", "d", "id")
# comes out as 'iglossary-d="d"' (urls.py, fix_internal_links).
BROKEN_BY_PRINT_SITE = re.compile(r'\bid="(i|d|id)"')


@event_priority(10)
def on_page_content(html_text, page, config, files, **kwargs):
    """Chapter number in the H1; print-only classes and blocks (see 6. and 7.)."""
    bad = BROKEN_BY_PRINT_SITE.search(html_text)
    if bad:
        raise PluginError(f"docs/{page.file.src_uri}: a heading has the id '{bad.group(1)}', which "
                          f"{PLUGIN} breaks on the print page. Give it another id, for example "
                          f"'## {bad.group(1).upper()} {{ #letter-{bad.group(1)} }}'.")
    number = _numbers.get(page.file.src_uri)
    if number is not None and 'class="guide-chapter-number"' not in html_text:
        html_text = H1_OPEN.sub(lambda m: m.group(0) + f'<span class="guide-chapter-number">'
                                f'{number}.</span> ', html_text, count=1)
    html_text = NEXT_LINE.sub(r'<p class="guide-next print-site-plugin-ignore">\1', html_text)
    for anchor in _leave_out(config).get(page.file.src_uri, []):
        html_text = _hide_section(html_text, anchor, page.file.src_uri)
    pdf = config.extra.get("pdf") or {}
    if page.file.src_uri == pdf.get("handout_page"):
        html_text = html_text.replace("</h1>", "</h1>" + handout_fields(config, page), 1)
    return html_text
