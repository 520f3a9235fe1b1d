"""A lean published site (issues 12 and 16): the site carries what readers
and servers use, and the first paint waits for no stylesheet the screen
does not need.

- Print-only stylesheets are linked with media="print" (screen_free): the
  guide's own extra_css files whose every rule is @media print or @page,
  and the print-site plugin's two stylesheets on every page but the print
  page. The plugin's script is left out of the pages that never call it.
- The theme's stylesheet loses the rules no page can use (purge_theme_css).
- The guide's own stylesheets are published without their comments
  (strip_css_comments, on_files), which are for whoever edits them.
- Theme files nothing loads are not copied (on_files, unused_theme_file):
  the search's language packs for languages the search does not use, and
  the theme's default favicon when the site names its own.
- The sitemap is written only when site_url is set: without it, it would
  list no address (docs/hosting.md says what setting one adds).

Each edit of the theme's output fails the build, naming itself, when its
pattern no longer matches (the theme lines are those of Material 9.8.1,
requirements.txt).

Priorities: on_config and on_pre_build at 0 (they only read settings and
keep the sitemap from being rendered, which happens after every
on_config); on_files at -50, after the plugins have added their files;
-50 on on_post_page and on_post_template, with
overrides/hooks/theme_fixes.py, before overrides/hooks/strict_csp.py
(-100); the print page gets the same on_post_page from
overrides/hooks/print_page.py (-10 on on_post_build). on_post_build -30:
after that, so every page's classes are final when unused CSS is dropped,
and before overrides/hooks/server_files.py (-100) lists the site's files.
"""
import hashlib
import pathlib
import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

THEME = "https://github.com/squidfunk/mkdocs-material/blob/9.8.1/src/templates/"


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


def screen_free(html, where):
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
            "lean site: 'unused theme CSS' (overrides/hooks/lean_site.py, working around "
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
            "lean site: 'unused theme CSS' (overrides/hooks/lean_site.py): no page links "
            f"assets/stylesheets/{old.name}. The theme's HTML has changed: update the fix.")
    return old.name, new.name


# Theme files nothing loads. The search worker
# (src/templates/assets/javascripts/workers/search) imports from
# assets/javascripts/lunr/ only for a language other than English:
# lunr.stemmer.support, lunr.<lang> for each such language, lunr.multi for
# more than one language, tinyseg for Japanese, wordcut for Hindi and Thai.
LUNR = "assets/javascripts/lunr/"
DEFAULT_FAVICON = "assets/images/favicon.png"
SITEMAP = "sitemap.xml"


def lunr_files(langs):
    """The files under assets/javascripts/lunr/ the search worker loads for
    the search languages langs."""
    langs = list(langs or ["en"])
    needed = {f"min/lunr.{lang}.min.js" for lang in langs if lang != "en"}
    if len(langs) > 1:
        needed.add("min/lunr.multi.min.js")
    if "ja" in langs:
        needed.add("tinyseg.js")
    if {"hi", "th"} & set(langs):
        needed.add("wordcut.js")
    if needed:
        needed.add("min/lunr.stemmer.support.min.js")
    return needed


def unused_theme_file(uri, langs, favicon, site_url=None):
    """True for a theme file (its path in the site) that nothing uses."""
    if uri.startswith(LUNR):
        return uri[len(LUNR):] not in lunr_files(langs)
    if uri == SITEMAP:  # the template itself, once on_config has stopped its rendering
        return not site_url
    return uri == DEFAULT_FAVICON and favicon != DEFAULT_FAVICON


@event_priority(0)
def on_config(config, **kwargs):
    # MkDocs renders the theme's sitemap.xml (and its .gz copy) as a static
    # template; without site_url it would list no address. Not rendered, it
    # is an ordinary theme file, which on_files leaves out.
    if not config.site_url:
        config.theme.static_templates.discard(SITEMAP)
    return config


@event_priority(0)
def on_pre_build(config, **kwargs):
    _print_css.update(paths=_print_css_paths(config), matched=0,
                      print_page=config.plugins["print-site"].config["print_page_basename"] + ".html")


# The comments in docs/assets/stylesheets/ explain each rule to whoever
# edits it; every page loads both files (print.css too: a browser fetches a
# media="print" sheet all the same), so their published copies leave the
# comments out: about 8 KiB of a first visit's 100 KiB budget (gzip;
# scripts/page_weight.py). The File's content is replaced before MkDocs
# copies it, so every later step (the ?v= versions of server_files.py, the
# PDFs) sees the published bytes. No rule of ours has "/*" in a string.
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def strip_css_comments(files, extra_css):
    for path in extra_css:
        f = files.get_file_from_path(str(path))
        if f is not None and f.src_uri.endswith(".css"):
            text = CSS_COMMENT.sub("", f.content_string)
            f.content_string = re.sub(r"\n\s*\n+", "\n", text).strip() + "\n"


@event_priority(-50)
def on_files(files, config, **kwargs):
    strip_css_comments(files, config.extra_css)
    search = config.plugins.get("material/search")
    langs = search.config.lang if search else ["en"]
    favicon = config.theme.get("favicon")
    unused = [f for f in files if not f.is_documentation_page() and not f.generated_by
              and unused_theme_file(f.src_uri, langs, favicon, config.site_url) and f.abs_src_path
              and pathlib.Path(config.docs_dir) not in pathlib.Path(f.abs_src_path).parents]
    for f in unused:
        files.remove(f)
    return files


@event_priority(-50)
def on_post_page(output, page, **kwargs):
    return screen_free(output, page.file.dest_uri)


@event_priority(-50)
def on_post_template(output, template_name, **kwargs):
    return screen_free(output, template_name) if template_name.endswith(".html") else output


@event_priority(-30)
def on_post_build(config, **kwargs):
    purge_theme_css(pathlib.Path(config.site_dir))
    if not _print_css["matched"]:
        raise PluginError(
            "lean site: 'print-only stylesheets' (overrides/hooks/lean_site.py, working around "
            f"{THEME}base.html, which links every extra_css file for all media): no <link> of "
            f"{', '.join(_print_css['paths'] + PRINT_SITE_CSS)} was found in the whole build. "
            "Update the fix's pattern.")
