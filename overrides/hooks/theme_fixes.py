"""Theme fixes: small, named edits of the HTML Material for MkDocs writes.

Each fix says which theme line it works around, and the upstream issue
about it (or that we found none). When a fix's pattern matches nothing in a
whole build, the theme has changed under it: the build stops and names the
fix, so a theme update cannot quietly undo it. (Then check the theme's new
HTML: drop the fix if the theme now does the right thing, or update its
pattern.)

Theme lines are those of Material 9.8.1 (requirements.txt), in
https://github.com/squidfunk/mkdocs-material/tree/9.8.1/src/templates.

What the site carries beyond that (print-only stylesheets, the theme's
unused CSS and files) is overrides/hooks/lean_site.py.

Priority -50 on on_post_page and on_post_template (the 404 page): after the
guide's own hooks have built the page, before overrides/hooks/strict_csp.py
(-100) moves inline scripts; the print page gets the same on_post_page from
overrides/hooks/print_page.py (-10 on on_post_build). on_post_build (-20),
after that: a fix needed somewhere that matched nowhere fails the build.
"""
import pathlib
import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

THEME = "https://github.com/squidfunk/mkdocs-material/blob/9.8.1/src/templates/"
# For a fix whose problem has no upstream issue or discussion that we found.
NO_ISSUE = "no upstream issue found (searched 2026-11-25)"


class Fix:
    """A regular expression and its replacement. `needed`, when given, says
    which pages need the fix (a function of the page's HTML): the fix is
    made there only, and must match there. Without it, the fix is made on
    every page and must match somewhere in the build."""

    def __init__(self, name, reference, pattern, replacement, needed=None, upstream=NO_ISSUE):
        self.name, self.reference, self.upstream = name, reference, upstream
        self.pattern = re.compile(pattern, re.S)
        self.replacement = replacement
        self.needed = needed
        self.matched = 0

    def apply(self, html, where):
        if self.needed and not self.needed(html):
            return html
        new, count = self.pattern.subn(self.replacement, html)
        self.matched += count
        if self.needed and not count:
            raise self.error(f"{where} needs it, but its pattern matched nothing there")
        return new

    def error(self, what):
        return PluginError(
            f"theme fix '{self.name}' (overrides/hooks/theme_fixes.py, working around "
            f"{self.reference}; upstream: {self.upstream}): {what}. The theme's HTML has changed: "
            "check whether it now does this itself (then remove the fix) or update the fix's pattern.")


def _button(name, title=None, visible=False):
    """A header button's name: text inside the <label> (HTML allows no
    aria-label there), visible or for screen readers only (guide.css), and
    a tooltip."""
    if visible:  # after the icon
        return rf'\1 title="{title or name}">\2<span class="guide-button-text">{name}</span></label>'
    # Before the icons. The theme's CSS picks the search icons with
    # svg:first-child (hidden on a phone) and svg:last-child (hidden on a
    # desktop): the name breaks the first, which guide.css restates as
    # svg:first-of-type.
    return rf'\1 title="{title or name}"><span class="guide-sr-only">{name}</span>\2</label>'


HEADER_LABELS = "squidfunk/mkdocs-material#4006 (the labels stay: they work without JavaScript)"

FIXES = [
    # The toggles carry autocomplete="off", which HTML does not allow on a
    # checkbox (Nu Html Checker error).
    Fix("autocomplete on toggles", THEME + "base.html",
        r'(<input class="md-toggle"[^>]*?) autocomplete="off"', r"\1",
        upstream="squidfunk/mkdocs-material#1513"),
    # The contents title is a <label for="__toc"> (partials/toc.html), but the
    # __toc toggle exists only on pages in the nav (partials/nav-item.html):
    # elsewhere (the hosting guide, the print page) it points at nothing.
    Fix("__toc label without its toggle", THEME + "partials/toc.html (label for=\"__toc\")",
        r'<label class="md-nav__title" for="__toc">', '<label class="md-nav__title">',
        needed=lambda html: 'for="__toc"' in html and 'id="__toc"' not in html),
    # Task-list boxes (pymdownx.tasklist, `- [ ]`) are tick boxes for paper,
    # not controls: screen readers skip them.
    Fix("task-list boxes", "pymdownx.tasklist (<input type=\"checkbox\" disabled/>)",
        r'<input type="checkbox" disabled\s*/?>', '<input type="checkbox" disabled aria-hidden="true">',
        needed=lambda html: 'class="task-list-item' in html,
        upstream="facelessuser/pymdown-extensions#1109 (declined: the boxes are not real inputs)"),
    # Header buttons are <label for=...> around an icon with no text
    # (partials/header.html, partials/search.html; upstream: #4006, where
    # the labels are kept so the buttons work without JavaScript, and
    # #659): give each a name. The menu button's name is shown beside its
    # icon; docs/assets/javascripts/header-buttons.js makes them reachable
    # and usable by keyboard.
    Fix("name of the menu button", THEME + "partials/header.html (label for=\"__drawer\")",
        r'(<label class="md-header__button md-icon" for="__drawer")>(.*?)</label>',
        _button("Menu", "Open the list of pages", visible=True), upstream=HEADER_LABELS),
    Fix("name of the search button", THEME + "partials/header.html (label for=\"__search\")",
        r'(<label class="md-header__button md-icon" for="__search")>(.*?)</label>', _button("Search"),
        upstream=HEADER_LABELS),
    Fix("name of the close-search button", THEME + "partials/search.html (md-search__icon label)",
        r'(<label class="md-search__icon md-icon" for="__search")>(.*?)</label>', _button("Close search"),
        upstream="squidfunk/mkdocs-material#6434"),
    # The search dialog has role="dialog" and no name (Lighthouse:
    # "ARIA dialog elements do not have accessible names";
    # squidfunk/mkdocs-material#6433).
    Fix("name of the search dialog", THEME + "partials/search.html (div.md-search role=dialog)",
        r'<div class="md-search" data-md-component="search" role="dialog">',
        '<div class="md-search" data-md-component="search" role="dialog" aria-label="Search">',
        upstream="squidfunk/mkdocs-material#6433"),
]

# The logo image (partials/logo.html, shown in the header and at the top of
# the menu drawer by partials/nav.html) has no width and height, so the
# header shifts when it loads (Lighthouse: "Image elements do not have explicit
# width and height").
LOGO_REFERENCE = THEME + "partials/logo.html"
LOGO_LINK = re.compile(r'class="md-(?:header|nav)__button md-logo"')
LOGO = re.compile(r'(<(?:a|label) [^>]*class="md-(?:header|nav)__button md-logo"[^>]*>\s*<img src="[^"]*")( alt=)')
VIEWBOX = re.compile(r'viewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)\s*"')
LOGO_HEIGHT = 24  # px: the theme shows the logo 1.2rem high, 24 px at its 20 px root size

_logo = {}


def logo_size(config):
    """(width, height) in px of the theme's logo at the height the theme shows it."""
    path = pathlib.Path(config.docs_dir) / (config.theme.get("logo") or "")
    if path.suffix.lower() == ".svg" and path.is_file():
        m = VIEWBOX.search(path.read_text(encoding="utf-8", errors="replace"))
        if m and float(m.group(2)):
            return round(LOGO_HEIGHT * float(m.group(1)) / float(m.group(2))), LOGO_HEIGHT
    if path.suffix.lower() == ".png" and path.is_file():
        head = path.read_bytes()[:24]
        if head[12:16] == b"IHDR":
            w, h = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
            return round(LOGO_HEIGHT * w / h), LOGO_HEIGHT
    return None


def fix(html, where, config):
    for f in FIXES:
        html = f.apply(html, where)
    size = _logo.get("size")
    links = len(LOGO_LINK.findall(html))
    if size and links:
        html, count = LOGO.subn(rf'\1 width="{size[0]}" height="{size[1]}"\2', html)
        if count != links:
            raise PluginError(f"theme fix 'size of the logo' (overrides/hooks/theme_fixes.py, "
                              f"working around {LOGO_REFERENCE}; upstream: {NO_ISSUE}): {where} has {links} logo links "
                              f"but the pattern found an <img> in {count}. Update the fix's pattern.")
    return html


@event_priority(0)
def on_pre_build(config, **kwargs):
    for f in FIXES:
        f.matched = 0
    _logo.clear()
    _logo["size"] = logo_size(config)


@event_priority(-50)
def on_post_page(output, page, config, **kwargs):
    return fix(output, page.file.dest_uri, config)


@event_priority(-50)
def on_post_template(output, template_name, config, **kwargs):
    return fix(output, template_name, config) if template_name.endswith(".html") else output


@event_priority(-20)
def on_post_build(config, **kwargs):
    for f in FIXES:
        if not f.needed and not f.matched:
            raise f.error("its pattern matched nothing in the whole build")
