"""Server files and what is published (issue 16 items 3 and 4, issue 12).

- .htaccess, web.config and the nginx lines in docs/hosting.md compress the
  text formats and set cache lifetimes: a year for fingerprinted files, an
  hour for other assets, none for pages, the search index and the PDFs;
  each says so in its own syntax, checked against the rules the build
  defines once (overrides/hooks/server_files.py).
- Every page asks for a file under assets/ that keeps its name between
  editions by an address with its version (?v=, from its content), so a
  new edition's page never meets an hour-old copy; a fingerprinted file
  needs none; an address that names no built file fails the build.
- The published site holds what readers and servers need: no build report,
  no source maps, no path of the build machine.
- The 404 page works under a subpath, styled by the theme, under the policy.
- Served with that policy, the theme's header buttons work by keyboard at
  phone width, and the search dialog has a name.
"""
import hashlib
import html.parser
import posixpath
import re
import types
import xml.etree.ElementTree as ET

import pytest

from mkdocs.exceptions import PluginError

from conftest import ROOT, serve
from guidekit import build_report_path
from guidekit import config as guide_config

SUBPATH_404 = "/intranet/guide/"


def server_files_hook():
    """The hook (listed under hooks: in mkdocs.yml) that writes the server files."""
    hooks = guide_config.load()["hooks"]
    found = [mod for mod in hooks.values() if hasattr(mod, "COMPRESSED_TYPES")]
    assert len(found) == 1, f"expected one hook with COMPRESSED_TYPES among {sorted(hooks)}"
    return found[0]


@pytest.fixture(scope="module")
def rules():
    return server_files_hook()


@pytest.fixture(scope="module")
def fingerprinted(site, rules):
    files = rules.fingerprinted_files(site)
    kinds = {"bundle": r"assets/javascripts/bundle\.[0-9a-f]{8}\.min\.js",
             "stylesheet": r"assets/stylesheets/main\.[0-9a-f]{8}\.min\.css",
             "moved inline script": r"assets/inline/[0-9a-f]{16}\.js"}
    for what, pattern in kinds.items():
        assert any(re.fullmatch(pattern, f) for f in files), f"no fingerprinted {what} found in {files}"
    return files


def not_fingerprinted(site):
    """Files that keep their name from one build to the next."""
    names = ["index.html", "search/search_index.json", "search/search_index.js",
             "assets/stylesheets/guide.css", "assets/javascripts/shortcuts.js", "assets/logo.svg"]
    for name in names:
        assert (site / name).is_file(), f"{name} is not in the built site"
    return names


# --- Apache ------------------------------------------------------------------------

def test_htaccess_compresses_every_text_format(site, rules):
    text = (site / ".htaccess").read_text()
    m = re.search(r"<IfModule mod_deflate\.c>.*?AddOutputFilterByType DEFLATE ([^\n]+)", text, re.S)
    assert m, ".htaccess: no AddOutputFilterByType DEFLATE line inside <IfModule mod_deflate.c>"
    missing = set(rules.COMPRESSED_TYPES) - set(m.group(1).split())
    assert not missing, f".htaccess does not compress {sorted(missing)}"


def htaccess_cache_rules(text):
    """[(FilesMatch regex or None for the default, Cache-Control)] in order."""
    rules_ = [(None, v) for v in re.findall(r'^  Header set Cache-Control "([^"]+)"', text, re.M)]
    rules_ += re.findall(r'<FilesMatch "([^"]+)">\s*Header set Cache-Control "([^"]+)"', text)
    return rules_


def apache_cache_control(text, path):
    """What Apache sends for path: the last FilesMatch on the file name wins."""
    value = None
    for pattern, control in htaccess_cache_rules(text):
        if pattern is None or re.search(pattern, path.rsplit("/", 1)[-1]):
            value = control
    return value


def test_htaccess_cache_lifetimes(site, rules, fingerprinted):
    text = (site / ".htaccess").read_text()
    assert re.search(r"<IfModule mod_headers\.c>.*Header set Cache-Control.*</IfModule>", text, re.S)
    for path in fingerprinted:
        assert apache_cache_control(text, path) == rules.IMMUTABLE, f".htaccess: {path} is not kept a year"
    for path in not_fingerprinted(site):
        expected = rules.ASSETS if path.startswith("assets/") else rules.NO_CACHE
        assert apache_cache_control(text, path) == expected, f".htaccess: {path} should get {expected}"
    for pdf in guide_config.load().extra["pdf"].values():
        if str(pdf).endswith(".pdf"):
            assert apache_cache_control(text, pdf) == rules.NO_CACHE, f".htaccess: {pdf} is cached"


def test_htaccess_error_document_needs_the_path(site):
    """Without site_url the build cannot know the guide's path: the line is
    there, commented, for the host to complete (docs/hosting.md says how)."""
    text = (site / ".htaccess").read_text()
    assert re.search(r"^# ErrorDocument 404 /\S+/404\.html$", text, re.M), text
    assert not re.search(r"^ErrorDocument", text, re.M), ".htaccess sends a 404 path it cannot know"


# --- IIS -----------------------------------------------------------------------------

def test_web_config_compresses_caches_and_uses_the_404_page(site, rules, fingerprinted):
    root = ET.parse(site / "web.config").getroot()
    server = root.find("system.webServer")
    compression = server.find("urlCompression")
    assert compression is not None and compression.get("doStaticCompression") == "true", \
        "web.config: no <urlCompression doStaticCompression=\"true\">"
    default = server.find("staticContent/clientCache")
    assert default is not None and default.get("cacheControlMode") == "DisableCache", \
        "web.config: pages, the search index and the PDFs must be checked every time (DisableCache)"
    located = {loc.get("path"): loc.find("system.webServer/staticContent/clientCache")
               for loc in root.findall("location")}
    assets = located.get("assets")
    assert assets is not None and assets.get("cacheControlMaxAge") == "01:00:00", \
        "web.config: files under assets/ should be kept an hour"
    year = {path: cache for path, cache in located.items() if path != "assets"}
    assert sorted(year) == fingerprinted, "web.config: the year-long files are not the fingerprinted ones"
    for path, cache in year.items():
        assert cache.get("cacheControlMaxAge") == "365.00:00:00", path
        assert "immutable" in cache.get("cacheControlCustom", ""), path
    error = server.find("httpErrors/error[@statusCode='404']")
    assert error is not None and error.get("path") == "404.html" and error.get("responseMode") == "File", \
        "web.config: the 404 page is not used"
    assert (site / "404.html").is_file()


# --- nginx (docs/hosting.md) ---------------------------------------------------------

def nginx_block():
    guide = (ROOT / "docs" / "hosting.md").read_text()
    blocks = re.findall(r"^```nginx\n(.*?)^```", guide, re.S | re.M)
    assert len(blocks) == 1, f"docs/hosting.md should show one ```nginx block, found {len(blocks)}"
    return blocks[0]


def test_nginx_lines_compress_every_text_format(rules):
    block = nginx_block()
    assert re.search(r"^gzip on;", block, re.M), "docs/hosting.md: the nginx lines do not say `gzip on;`"
    m = re.search(r"^gzip_types ([^;]+);", block, re.M)
    assert m, "docs/hosting.md: no gzip_types line"
    # nginx always compresses text/html, and warns when it is listed.
    missing = set(rules.COMPRESSED_TYPES) - {"text/html"} - set(m.group(1).split())
    assert not missing, f"docs/hosting.md: the nginx lines do not compress {sorted(missing)}"


def test_nginx_lines_cache_lifetimes_and_404(site, rules, fingerprinted):
    block = nginx_block()
    m = re.search(r"map \$uri \$(\w+) \{(.*?)\}\n", block, re.S)
    assert m, "docs/hosting.md: no `map $uri $...` block for the cache lifetimes"
    variable, body = m.groups()
    assert re.search(rf"^\s*add_header Cache-Control \${variable} always;", block, re.M), \
        f"docs/hosting.md: no `add_header Cache-Control ${variable} always;`"
    default = re.search(r'^\s*default\s+"([^"]+)";', body, re.M).group(1)
    regexes = [(r[1:], v) for r, v in re.findall(r'^\s*"(~[^"]+)"\s+"([^"]+)";', body, re.M)]

    def nginx(uri):  # the first matching regex wins, then the default
        return next((v for r, v in regexes if re.search(r, uri)), default)

    prefix = "/patient-guides/nsclc/"
    for path in fingerprinted:
        assert nginx(prefix + path) == rules.IMMUTABLE, f"nginx: {path} is not kept a year"
    for path in not_fingerprinted(site):
        expected = rules.ASSETS if path.startswith("assets/") else rules.NO_CACHE
        assert nginx(prefix + path) == expected, f"nginx: {path} should get {expected}"
    assert nginx(prefix + "guide.pdf") == rules.NO_CACHE
    assert re.search(r"^\s*error_page 404 /\S+/404\.html;", block, re.M), "docs/hosting.md: no error_page line"


# --- what is published -----------------------------------------------------------------

def test_published_site_holds_only_what_readers_and_servers_need(site):
    assert not list(site.rglob("*.map")), "source maps are published"
    assert not list(site.rglob("*report*")), "a build report is published"
    assert build_report_path(site).parent != site
    machine = [str(ROOT), str(site)]
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".js", ".css", ".json", ".txt", ".xml", ".config", ""):
            text = path.read_text(encoding="utf-8", errors="replace")
            leaked = [m for m in machine if m in text]
            assert not leaked, f"{path.relative_to(site)} holds a path of the build machine: {leaked}"


# --- versions in the addresses of files that keep their name -----------------------------

class Addresses(html.parser.HTMLParser):
    """Every address in src, href, srcset and data-guide-large of a page."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href", "data-guide-large") and value:
                self.found.append(value)
            elif name == "srcset" and value:
                self.found += [c.strip().split(" ")[0] for c in value.split(",")]


def test_files_that_keep_their_name_are_asked_for_by_their_version(site, rules):
    """A page of a new edition gets the new guide.css, script or drawing,
    not the copy a browser kept for an hour: its address carries the start
    of the SHA-256 of the file as published (checked here from the file)."""
    seen, wrong = set(), []
    for page in sorted(site.rglob("*.html")):
        parser = Addresses()
        parser.feed(page.read_text(encoding="utf-8"))
        where = page.relative_to(site).as_posix()
        for address in parser.found:
            path, _, query = address.partition("?")
            if "://" in path or path.startswith(("#", "data:", "mailto:", "tel:")) or not path:
                continue
            if path.startswith("/"):  # the 404 page without site_url has none
                continue
            file = posixpath.normpath(posixpath.join(posixpath.dirname(where), path))
            if not file.startswith("assets/"):
                continue
            if rules.FINGERPRINTED.search(file):
                if query:
                    wrong.append(f"{where}: {address} has a hash in its name and needs no version")
                continue
            want = hashlib.sha256((site / file).read_bytes()).hexdigest()[:10]
            seen.add(file)
            if query != f"v={want}":
                wrong.append(f"{where}: {address} should end ?v={want}")
    assert not wrong, "overrides/hooks/server_files.py (versioned):\n" + "\n".join(wrong[:20])
    for kind in ("assets/stylesheets/guide.css", "assets/stylesheets/print.css",
                 "assets/javascripts/lazy-search.js", "assets/javascripts/my-situation.js",
                 "assets/logo.svg", "assets/favicon.svg"):
        assert kind in seen, f"no page asks for {kind}"
    assert any(f.startswith("assets/figures/variants/") for f in seen), "no page shows a figure's variant"


def test_versions_leave_other_addresses_alone_and_name_a_missing_file(tmp_path, rules):
    site = tmp_path / "site"
    (site / "assets" / "stylesheets").mkdir(parents=True)
    (site / "assets" / "stylesheets" / "guide.css").write_text("body{}")
    (site / "assets" / "stylesheets" / "main.0123abcd.min.css").write_text("x{}")
    v = hashlib.sha256(b"body{}").hexdigest()[:10]
    config = types.SimpleNamespace(site_dir=str(site), site_url="https://example.org/guide/")
    rules.on_pre_build(config)
    page = ('<link href="../assets/stylesheets/guide.css"><link href="../assets/stylesheets/main.0123abcd.min.css">'
            '<img srcset="../assets/stylesheets/guide.css 2x, https://example.org/x.svg 1x">'
            '<a href="https://other.example/assets/a.css"></a><a href="../faq.html#x"></a>'
            '<img src="data:image/png;base64,AA"><a href="../assets/stylesheets/guide.css#top"></a>')
    out = rules.versioned(page, "a/page.html", config)
    assert out == (f'<link href="../assets/stylesheets/guide.css?v={v}">'
                   '<link href="../assets/stylesheets/main.0123abcd.min.css">'
                   f'<img srcset="../assets/stylesheets/guide.css?v={v} 2x, https://example.org/x.svg 1x">'
                   '<a href="https://other.example/assets/a.css"></a><a href="../faq.html#x"></a>'
                   '<img src="data:image/png;base64,AA"><a href="../assets/stylesheets/guide.css#top"></a>')
    # The 404 page's addresses start from site_url's path.
    assert rules.versioned('<link href="/guide/assets/stylesheets/guide.css">', "404.html", config) == \
        f'<link href="/guide/assets/stylesheets/guide.css?v={v}">'
    with pytest.raises(PluginError, match=r"faq\.html: links to assets/stylesheets/gide\.css.*docs/assets/"):
        rules.versioned('<link href="assets/stylesheets/gide.css">', "faq.html", config)


# --- the 404 page under a subpath ------------------------------------------------------

@pytest.fixture(scope="module")
def policy_server(site):
    policy = (site / "content-security-policy.txt").read_text().strip()
    with serve(site, SUBPATH_404, {"Content-Security-Policy": policy}) as srv:
        yield srv.url


def test_404_page_works_under_a_subpath(policy_server, open_page):
    loaded = open_page(policy_server + "404.html", csp_listener=True)
    assert loaded.failures == [], f"404.html under {SUBPATH_404}: {loaded.failures}"
    assert loaded.console == [], f"404.html under {SUBPATH_404} logged: {loaded.console}"
    assert loaded.page.evaluate("() => window.__cspViolations") == []
    page = loaded.page
    # Styled by the theme: its stylesheet loaded, and its script ran.
    assert page.evaluate("() => getComputedStyle(document.querySelector('.md-header')).position") == "sticky", \
        "404.html is not styled by the theme"
    assert page.evaluate("() => document.body.dataset.mdColorScheme") in ("default", "slate")
    hrefs = page.evaluate("() => [...document.querySelectorAll('a[href], link[href], script[src]')]"
                          ".map(e => e.href || e.src)")
    local = [h for h in hrefs if h.startswith("http://127.0.0.1")]
    assert local, "404.html has no links"
    outside = [h for h in local if not h.startswith(policy_server)]
    assert not outside, f"404.html points outside {SUBPATH_404}: {outside}"


# --- the theme's header at phone width, under the policy ---------------------------------

def test_header_buttons_work_by_keyboard_on_a_phone(policy_server, open_page):
    loaded = open_page(policy_server + "index.html", width=360, height=740, csp_listener=True)
    page = loaded.page
    assert loaded.console == [] and page.evaluate("() => window.__cspViolations") == []
    menu = page.locator('.md-header button[for="__drawer"]')
    assert menu.is_visible() and page.locator('.md-header button[for="__drawer"] .guide-button-text').is_visible()
    assert menu.inner_text().strip() == "Menu", "the menu button does not say Menu"
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.getAttribute('for')") == "__drawer":
            break
    else:
        pytest.fail("10 Tabs did not reach the menu button")
    # A real button (ARIA allows no role on the theme's <label>): Tab and Enter are its own.
    assert menu.evaluate("e => e.tagName") == "BUTTON" and menu.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('__drawer').checked", timeout=5000)
    assert menu.get_attribute("aria-expanded") == "true"
    page.keyboard.press(" ")
    page.wait_for_function("() => !document.getElementById('__drawer').checked", timeout=5000)
    # Search: the next button; Enter opens it and the theme puts the focus in the field.
    search = page.locator('.md-header button.md-header__button[for="__search"]')
    assert search.is_visible()
    search.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('__search').checked", timeout=5000)
    dialog = page.locator(".md-search[role=dialog]")
    assert dialog.get_attribute("aria-label"), "the search dialog has no name"
    close = page.locator('button.md-search__icon[for="__search"]')
    assert close.inner_text().strip() == "Close search"
    close.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => !document.getElementById('__search').checked", timeout=5000)


def test_only_the_first_of_each_abbreviation_is_a_tab_stop(site):
    for name in ("glossary.html", "index.html"):
        built = (site / name).read_text(encoding="utf-8")
        article = built[built.index("<article"):built.index("</article>")]
        stops = re.findall(r'<abbr tabindex="0" title="[^"]*">([^<]*)</abbr>', article)
        assert stops, f"{name}: no abbreviation can be reached by keyboard"
        assert len(stops) == len(set(stops)), f"{name}: an abbreviation is a tab stop more than once"
        links = re.findall(r"<a\b[^>]*>.*?</a>", article, re.S)
        assert not [a for a in links if "<abbr tabindex" in a], f"{name}: a tab stop inside a link"
