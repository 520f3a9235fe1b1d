"""Theme fixes: small, named edits of the HTML Material for MkDocs writes.

Each fix says which theme line (or upstream issue) it works around. When a
fix's pattern matches nothing in a whole build, the theme has changed under
it: the build stops and names the fix, so a theme update cannot quietly undo
it. (Then check the theme's new HTML: drop the fix if the theme now does the
right thing, or update its pattern.)

Theme lines are those of Material 9.8.1 (requirements.txt), in
https://github.com/squidfunk/mkdocs-material/tree/9.8.1/src/templates.

Page weight and render-blocking (issue 16): print-only stylesheets are
linked with media="print", the print-site plugin's script only on the print
page, and the theme's stylesheet loses the rules no page can use (see
purge_theme_css).

Priority -50 on on_post_page and on_post_template (the 404 page): after the
guide's own hooks have built the page, before overrides/hooks/strict_csp.py
(-100) moves inline scripts. on_post_build (-20) fixes the print page, which
the print-site plugin writes in its own on_post_build and
overrides/hooks/print_page.py (-10) has prepared, then trims the theme's
stylesheet, before overrides/hooks/strict_csp.py (-90) and
overrides/hooks/server_files.py (-100) list the site's files.
"""
import hashlib
import pathlib
import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

THEME = "https://github.com/squidfunk/mkdocs-material/blob/9.8.1/src/templates/"


class Fix:
    """A regular expression and its replacement. `needed`, when given, says
    which pages need the fix (a function of the page's HTML): the fix is
    made there only, and must match there. Without it, the fix is made on
    every page and must match somewhere in the build."""

    def __init__(self, name, reference, pattern, replacement, needed=None):
        self.name, self.reference = name, reference
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
            f"{self.reference}): {what}. The theme's HTML has changed: check whether it now does "
            "this itself (then remove the fix) or update the fix's pattern.")


def _button(name, title=None, visible=False):
    """A header button's name: text inside the <label> (HTML allows no
    aria-label there), visible or for screen readers only (guide.css), and
    a tooltip."""
    if visible:  # after the icon
        return rf'\1 title="{title or name}">\2<span class="guide-button-text">{name}</span></label>'
    # Before the icons: the theme's CSS picks the search icons with
    # svg:first-child and svg:last-child.
    return rf'\1 title="{title or name}"><span class="guide-sr-only">{name}</span>\2</label>'


FIXES = [
    # The toggles carry autocomplete="off", which HTML does not allow on a
    # checkbox (Nu Html Checker error).
    Fix("autocomplete on toggles", "squidfunk/mkdocs-material#1513 (" + THEME + "base.html)",
        r'(<input class="md-toggle"[^>]*?) autocomplete="off"', r"\1"),
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
        needed=lambda html: 'class="task-list-item' in html),
    # Header buttons are <label for=...> around an icon with no text
    # (partials/header.html, partials/search.html; upstream discussion in
    # squidfunk/mkdocs-material#659): give each a name. The menu button's
    # is shown beside its icon; docs/assets/javascripts/header-buttons.js
    # makes them reachable and usable by keyboard.
    Fix("name of the menu button", THEME + "partials/header.html (label for=\"__drawer\")",
        r'(<label class="md-header__button md-icon" for="__drawer")>(.*?)</label>',
        _button("Menu", "Open the list of pages", visible=True)),
    Fix("name of the search button", THEME + "partials/header.html (label for=\"__search\")",
        r'(<label class="md-header__button md-icon" for="__search")>(.*?)</label>', _button("Search")),
    Fix("name of the close-search button", THEME + "partials/search.html (md-search__icon label)",
        r'(<label class="md-search__icon md-icon" for="__search")>(.*?)</label>', _button("Close search")),
    # The search dialog has role="dialog" and no name (Lighthouse:
    # "ARIA dialog elements do not have accessible names";
    # squidfunk/mkdocs-material#6433).
    Fix("name of the search dialog", THEME + "partials/search.html (div.md-search role=dialog)",
        r'<div class="md-search" data-md-component="search" role="dialog">',
        '<div class="md-search" data-md-component="search" role="dialog" aria-label="Search">'),
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


# Render-blocking (issue 16): a stylesheet the screen never uses is fetched
# without holding the first paint when its <link> says media="print".
# - The guide's own stylesheets (extra_css) whose every rule is @media print
#   or @page (print_only() reads them at the start of each build);
# - the print-site plugin's two stylesheets on every page but the print page:
#   their screen rules are all for #print-site-page, which only the print page
#   has, and in print they still hide .print-site-plugin-ignore.
# The plugin's script (js/print-site.js) only defines functions that the
# print page's own script calls: other pages do not load it.
PRINT_SITE_CSS = ("css/print-site.css", "css/print-site-material.css")
PRINT_SITE_JS = re.compile(r'\s*<script src="(?:\.{1,2}/)*js/print-site\.js"></script>')
_print_css = {"paths": (), "matched": 0}


def print_only(css):
    """True when every top-level rule of the stylesheet's text is an
    @media print block or an @page rule."""
    text = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    depth, start, preludes = 0, 0, []
    for i, ch in enumerate(text):
        if ch == "{":
            if depth == 0:
                preludes.append(text[start:i].strip())
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                start = i + 1
        elif ch == ";" and depth == 0:  # @import, @charset: not print-only
            return False
    if text[start:].strip():
        return False
    return bool(preludes) and all(re.match(r"@page\b|@media\s+print\b(?!\s*,)", p, re.I) for p in preludes)


def _print_css_paths(config):
    found = []
    for path in config.extra_css:
        source = pathlib.Path(config.docs_dir) / str(path)
        if source.suffix == ".css" and source.is_file() and print_only(source.read_text(encoding="utf-8")):
            found.append(str(path))
    return tuple(found)


def screen_free(html, where, config):
    """Print-only stylesheets as media="print"; the print-site script only on
    the print page."""
    if where == _print_css.get("print_page"):
        return html
    paths = _print_css["paths"] + PRINT_SITE_CSS
    pattern = r'(<link rel="stylesheet" href="(?:\.{1,2}/)*(?:%s)")>' % "|".join(re.escape(p) for p in paths)
    html, count = re.subn(pattern, r'\1 media="print">', html)
    _print_css["matched"] += count
    return PRINT_SITE_JS.sub("", html)


# The theme's stylesheet (assets/stylesheets/main.*.min.css, 134 KiB, 22 KiB
# gzip) is render-blocking on every page, and most of it styles features
# the guide does not use (Lighthouse: about 16 KiB gzip unused on a page).
# After the build, rules whose selectors need a class that appears nowhere
# in the built site are dropped: "appears" means the class name is a word of
# a class attribute in some HTML file, or any word of some JavaScript file
# of the site (the theme's bundle and worker included, so classes its
# scripts add stay; a word ending in - or _ keeps every class it begins, for
# names the bundle assembles). Only classes
# outside parentheses decide (:not(), :is(), :where(), :has() never drop a
# rule); at-rules other than @media, @supports, @layer and @container are
# kept whole. The smaller file gets a new fingerprinted name (the server
# files keep fingerprinted files a year), and every page links it.
THEME_CSS = re.compile(r"main\.[0-9a-f]{8}\.min\.css")
WORD = re.compile(r"[A-Za-z0-9_-]+")
CLASS_ATTRIBUTE = re.compile(r"""\sclass=(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
GROUPING = ("@media", "@supports", "@layer", "@container")


def _css_items(css):
    """Split CSS text into its top-level items: (prelude, body) for a block,
    (text, None) for a statement, comment or whitespace. Strings and
    comments are skipped over, so braces inside them do not count."""
    items, i, start, n = [], 0, 0, len(css)
    depth, open_at = 0, None
    while i < n:
        ch = css[i]
        if ch in "\"'":
            j = i + 1
            while j < n and css[j] != ch:
                j += 2 if css[j] == "\\" else 1
            i = j + 1
            continue
        if css.startswith("/*", i):
            end = css.find("*/", i + 2)
            end = n if end < 0 else end + 2
            if depth == 0 and not css[start:i].strip():
                items.append((css[start:end], None))
                start = end
            i = end
            continue
        if ch == "{":
            if depth == 0:
                open_at = i
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                items.append((css[start:open_at], css[open_at + 1:i]))
                start = i + 1
        elif ch == ";" and depth == 0:
            items.append((css[start:i + 1], None))
            start = i + 1
        i += 1
    if css[start:].strip():
        items.append((css[start:], None))
    return items


def _split_selectors(prelude):
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(prelude):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(prelude[start:i])
            start = i + 1
    parts.append(prelude[start:])
    return parts


def _outside_parentheses(selector):
    out, depth = [], 0
    for ch in selector:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def unused_rules_dropped(css, alive):
    """css without the rules whose every selector needs a class for which
    alive(name) is False."""
    out = []
    for prelude, body in _css_items(css):
        if body is None:
            out.append(prelude)
            continue
        head = prelude.strip()
        if head.startswith("@"):
            if head.lower().startswith(GROUPING):
                inner = unused_rules_dropped(body, alive)
                if inner.strip():
                    out.append(f"{prelude}{{{inner}}}")
            else:
                out.append(f"{prelude}{{{body}}}")
            continue
        keep = [sel for sel in _split_selectors(prelude)
                if "\\" in sel or all(alive(c) for c in re.findall(r"\.(-?[_a-zA-Z][\w-]*)", _outside_parentheses(sel)))]
        if keep:
            out.append(f"{','.join(keep)}{{{body}}}")
    return "".join(out)


def purge_theme_css(site):
    """Replace the theme's stylesheet with one without the rules the site
    cannot use, under a new fingerprinted name; returns (old, new) names."""
    folder = site / "assets" / "stylesheets"
    found = [p for p in folder.glob("main.*.min.css") if THEME_CSS.fullmatch(p.name)]
    if len(found) != 1:
        raise PluginError(
            "theme fix 'unused theme CSS' (overrides/hooks/theme_fixes.py, working around "
            f"{THEME}base.html, which links assets/stylesheets/main.*.min.css): expected one such "
            f"file in {folder}, found {len(found)}. Update the fix's pattern.")
    words = set()
    for path in site.rglob("*"):
        if path.suffix == ".html" and path.is_file():
            for groups in CLASS_ATTRIBUTE.findall(path.read_text(encoding="utf-8", errors="replace")):
                words.update(WORD.findall(" ".join(groups)))
        elif path.suffix == ".js" and path.is_file():
            words.update(WORD.findall(path.read_text(encoding="utf-8", errors="replace")))
    prefixes = tuple(w for w in words if len(w) > 3 and w.endswith(("-", "_")))

    def alive(name):
        return name in words or name.startswith(prefixes)

    old = found[0]
    css = unused_rules_dropped(old.read_text(encoding="utf-8"), alive)
    css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)  # the map is the old file's
    new = folder / f"main.{hashlib.sha256(css.encode()).hexdigest()[:8]}.min.css"
    old.unlink()
    new.write_text(css, encoding="utf-8")
    for extra in (old.with_name(old.name + ".map"),):
        if extra.exists():
            extra.unlink()
    linked = 0
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if old.name in html:
            page.write_text(html.replace(f"assets/stylesheets/{old.name}",
                                         f"assets/stylesheets/{new.name}"), encoding="utf-8")
            linked += 1
    if not linked:
        raise PluginError(
            "theme fix 'unused theme CSS' (overrides/hooks/theme_fixes.py): no page links "
            f"assets/stylesheets/{old.name}. The theme's HTML has changed: update the fix.")
    return old.name, new.name


def fix(html, where, config):
    for f in FIXES:
        html = f.apply(html, where)
    html = screen_free(html, where, config)
    size = _logo.get("size")
    links = len(LOGO_LINK.findall(html))
    if size and links:
        html, count = LOGO.subn(rf'\1 width="{size[0]}" height="{size[1]}"\2', html)
        if count != links:
            raise PluginError(f"theme fix 'size of the logo' (overrides/hooks/theme_fixes.py, "
                              f"working around {LOGO_REFERENCE}): {where} has {links} logo links "
                              f"but the pattern found an <img> in {count}. Update the fix's pattern.")
    return html


@event_priority(0)
def on_pre_build(config, **kwargs):
    for f in FIXES:
        f.matched = 0
    _logo.clear()
    _logo["size"] = logo_size(config)
    _print_css.update(paths=_print_css_paths(config), matched=0,
                      print_page=config.plugins["print-site"].config["print_page_basename"] + ".html")


@event_priority(-50)
def on_post_page(output, page, config, **kwargs):
    return fix(output, page.file.dest_uri, config)


@event_priority(-50)
def on_post_template(output, template_name, config, **kwargs):
    return fix(output, template_name, config) if template_name.endswith(".html") else output


@event_priority(-20)
def on_post_build(config, **kwargs):
    name = config.plugins["print-site"].config["print_page_basename"] + ".html"
    path = pathlib.Path(config.site_dir) / name
    path.write_text(fix(path.read_text(encoding="utf-8"), name, config), encoding="utf-8")
    for f in FIXES:
        if not f.needed and not f.matched:
            raise f.error("its pattern matched nothing in the whole build")
    purge_theme_css(pathlib.Path(config.site_dir))
    if not _print_css["matched"]:
        raise PluginError(
            "theme fix 'print-only stylesheets' (overrides/hooks/theme_fixes.py, working around "
            f"{THEME}base.html, which links every extra_css file for all media): no <link> of "
            f"{', '.join(_print_css['paths'] + PRINT_SITE_CSS)} was found in the whole build. "
            "Update the fix's pattern.")
