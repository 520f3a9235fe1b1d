"""The site engine (issue 2), checked in headless Chromium.

- Every page loads under a subpath, at a server root and from file:// with
  no request to another host, no failed request and no console error.
- Search works from file:// and under the subpath.
- The disclaimer (extra.disclaimer in mkdocs.yml) is on every page, on
  screen and in print.
- Each guide page shows its front matter: description, review dates and a
  link to the PDF that exists.
- `mkdocs build --strict` is clean; the print page never points at "/".
- The README's quick start is the build command and the test command, and
  CI runs that test command.
"""
import datetime
import html
import re
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest

from conftest import ALL_PAGES, NAV_MD, NAV_PAGES, PRINT_PAGE, ROOT, SUBPATH, Tab, screenshot, serve
from guidekit import config as guide_config
from guidekit import frontmatter

MODES = ["subpath", "root", "file"]
CONFIG = guide_config.load()


def squash(text):
    return " ".join(text.split())


@pytest.fixture(scope="module", params=MODES)
def mode(request, site):
    """(name, base URL of the site) for one way of opening the site."""
    name = request.param
    if name == "file":
        yield name, site.as_uri() + "/"
        return
    with serve(site, SUBPATH if name == "subpath" else "/") as srv:
        yield name, srv.url


SEARCH_META = re.compile(r'<div class="md-search-result__meta">\s*(.*?)\s*</div>', re.S)


def wait_for_search_ready(page, built_html, timeout_ms=20_000):
    """Wait until the theme's search has loaded its index: the result meta
    line no longer shows the text the page was built with ("Initializing
    search"). Pages without a search box return at once."""
    m = SEARCH_META.search(built_html)
    if not m:
        return
    initial = squash(html.unescape(m.group(1)))
    page.wait_for_function(
        """initial => { const m = document.querySelector('.md-search-result__meta');
                       return !!m && m.textContent.split(/\\s+/).filter(Boolean).join(' ') !== initial; }""",
        arg=initial, timeout=timeout_ms)


# --- 1. every page loads cleanly, three ways ------------------------------------

@pytest.mark.parametrize("page", ALL_PAGES)
def test_page_loads_without_foreign_or_failed_requests(mode, page, site, open_page):
    name, base = mode
    url = base + page
    result = open_page(url)
    # The search asks for its index after the page's load event: wait for the
    # index to be in, then for the network to fall quiet again. (The print
    # page's search never asks for its index: it stays at "Initializing
    # search", so there is nothing to wait for; reported to the lead.)
    built = (site / page).read_text(encoding="utf-8")
    # From file:// the theme loads the index only when search is used.
    searches = bool(SEARCH_META.search(built)) and page != PRINT_PAGE and name != "file"
    if searches:
        # The index waits until the reader turns to search (lazy-search.js);
        # then it comes from the site and search gets ready.
        assert not any("search/search_index" in u for u in result.requests), \
            f"{page} ({name}): the search index was fetched before anyone searched"
        result.page.locator("input.md-search__input").focus()
        wait_for_search_ready(result.page, built)
    assert result.requests, f"{page} ({name}): no request recorded at all"
    assert result.requests[0] == url, f"{page} ({name}): first request was {result.requests[0]}"
    foreign = result.foreign([base])
    assert not foreign, f"{page} ({name}) asked for something outside the site: {foreign}"
    assert not result.failures, f"{page} ({name}) had failed requests: {result.failures}"
    assert not result.console, f"{page} ({name}) logged errors: {result.console}"
    if searches:
        assert any(u.startswith(base + "search/search_index.json") for u in result.requests), \
            f"{page} ({name}): the search index was never asked for: {result.requests}"
    # The theme's stylesheet is applied (not bare HTML): the layout grid has
    # the theme's maximum width.
    grid_width = result.page.evaluate(
        "() => { const g = document.querySelector('.md-grid');"
        " return g ? getComputedStyle(g).maxWidth : null; }")
    assert grid_width not in (None, "none"), f"{page} ({name}) is not styled by the theme"
    if page in ("index.html", "faq.html", PRINT_PAGE):
        screenshot(result.page, f"{name}-{page}")


# --- 2. search ----------------------------------------------------------------

def search_for(page, word):
    """Type word into the theme's search on the open page; return the
    result links' absolute URLs."""
    box = page.locator("input.md-search__input")
    if not box.is_visible():
        # On a narrow screen a search button (a label for the toggle) opens it.
        labels = page.locator("label[for='__search']").filter(visible=True)
        if labels.count():
            labels.first.click()
    box.click()
    box.press_sequentially(word)
    try:
        page.locator(".md-search-result__item").first.wait_for(state="attached", timeout=20_000)
    except Exception:
        meta = page.locator(".md-search-result__meta")
        pytest.fail(f"no search results for {word!r} at {page.url}; "
                    f"search says: {meta.first.inner_text() if meta.count() else '(nothing)'}")
    return page.eval_on_selector_all(".md-search-result__item a", "els => els.map(a => a.href)")


@pytest.mark.parametrize("how", ["file", "subpath"])
def test_search_finds_pages(how, site, server, open_page):
    base = site.as_uri() + "/" if how == "file" else server
    loaded = open_page(base + "index.html")
    links = search_for(loaded.page, "biopsy")
    screenshot(loaded.page, f"search-{how}")
    assert links, "no result links"
    for href in links:
        assert href.startswith(base), f"result {href} is outside the guide ({base})"
        rel = urllib.parse.unquote(urllib.parse.urlsplit(href[len(base):]).path)
        assert (site / rel).is_file(), f"result {href} points at no page"
    pages = {urllib.parse.urlsplit(href).path.rsplit("/", 1)[-1] for href in links}
    assert "re-testing.html" in pages, f"the re-testing page is not among the results: {pages}"
    assert not loaded.console, f"search logged errors: {loaded.console}"


# --- 3. the disclaimer ------------------------------------------------------------

DISCLAIMER_STATE = """expected => {
    const squash = t => t.split(/\\s+/).filter(Boolean).join(' ');
    const holds = el => squash(el.innerText || '').includes(expected);
    return [...document.body.querySelectorAll('*')]
        .filter(el => holds(el) && ![...el.children].some(holds))
        .map(el => {
            const r = el.getBoundingClientRect();
            return [el.innerText,
                    r.width > 0 && r.height > 0
                    && el.checkVisibility({opacityProperty: true, visibilityProperty: true})];
        });
}"""


@pytest.fixture(scope="module")
def reader_tab(chromium):
    """One browser context for the checks of what each page shows (a reader
    going from page to page)."""
    tab = Tab(chromium)
    yield tab
    tab.close()


@pytest.mark.parametrize("page", ALL_PAGES)
def test_disclaimer_on_screen_and_in_print(page, server, reader_tab):
    """(text, visible) of each innermost element that holds the disclaimer.
    On screen that is the disclaimer box; in print the print page carries it
    on its cover instead."""
    expected = squash(CONFIG["extra"]["disclaimer"])
    assert expected, "extra.disclaimer is empty in mkdocs.yml"
    reader_tab.goto(server + page)
    tab = reader_tab.page
    try:
        for media in ("screen", "print"):
            tab.emulate_media(media=media)
            found = [(squash(text), visible) for text, visible in tab.evaluate(DISCLAIMER_STATE, expected)]
            assert any(visible for _, visible in found), \
                f"{page} ({media}): disclaimer not visible; found {found}"
            # It is also in the page's visible text as a whole.
            assert expected in squash(tab.inner_text("body")), \
                f"{page} ({media}): disclaimer text not in the rendered page"
    finally:
        tab.emulate_media(media="null")  # None would leave print on


# --- 4. front matter shown --------------------------------------------------------

def parse_shown_date(text):
    text = text.strip().rstrip(".")
    for fmt in ("%d %B %Y", "%Y-%m-%d", "%B %d, %Y", "%d %b %Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    return None


@pytest.mark.parametrize("md", NAV_MD)
def test_front_matter_shown(md, site, server, reader_tab):
    page = NAV_PAGES[NAV_MD.index(md)]
    meta = frontmatter.read(ROOT / "docs" / md)
    assert meta, f"docs/{md} has no front matter"
    reader_tab.goto(server + page)
    tab = reader_tab.page
    body = squash(tab.inner_text("body"))
    assert squash(str(meta["description"])) in body, f"{page}: description not shown"

    times = dict(tab.eval_on_selector_all(
        "article time[datetime]", "els => els.map(t => [t.getAttribute('datetime'), t.innerText])"))
    for key, label in (("last_reviewed", "Last reviewed"), ("next_review", "Next review")):
        value = meta[key]
        iso = value.isoformat() if isinstance(value, datetime.date) else str(value)
        assert iso in times, f"{page}: no <time datetime={iso}> for {key}; found {times}"
        assert times[iso].strip() and parse_shown_date(times[iso]) == datetime.date.fromisoformat(iso), \
            f"{page}: {key} {iso} shown as {times[iso]!r}"
        assert label.lower() in body.lower(), f"{page}: no '{label}' label"
        assert squash(times[iso]) in body, f"{page}: {key} date not visible"

    pdf_name = CONFIG["extra"]["pdf"]["file"]
    links = [href for href in tab.eval_on_selector_all("article a[href]", "els => els.map(a => a.href)")
             if urllib.parse.urlsplit(href).path.endswith(".pdf")]
    assert links, f"{page}: no link to the PDF"
    for href in links:
        assert href.startswith(server), f"{page}: PDF link {href} leaves the guide"
        rel = urllib.parse.unquote(urllib.parse.urlsplit(href).path[len(urllib.parse.urlsplit(server).path):])
        assert (site / rel).is_file(), f"{page}: PDF link {href} points at no file"
        with urllib.request.urlopen(href) as resp:
            assert resp.status == 200
            assert resp.read(5) == b"%PDF-", f"{href} is not a PDF"
    assert any(h.endswith("/" + pdf_name) for h in links), f"{page}: no link to {pdf_name}"


# --- 5. strict build, and a print page that works under any path ----------------

def test_strict_build_has_no_warnings(tmp_path):
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict",
           "--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(tmp_path / "out")]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    warnings = [line for line in output.splitlines() if "WARNING" in line]
    assert not warnings, "\n".join(warnings)


ROOT_REFERENCES = [re.compile(r'"base"\s*:\s*"/"'), re.compile(r"new URL\(\s*[\"']/[\"']")]


def test_print_page_does_not_point_at_server_root(site):
    name = guide_config.print_page()
    text = (site / name).read_text(encoding="utf-8")
    # The page and every local script it loads (inline scripts are moved to files).
    sources = {name: text}
    for src in re.findall(r'<script[^>]*\ssrc="([^"]+)"', text):
        path = site / urllib.parse.unquote(src)
        if path.is_file():
            sources[src] = path.read_text(encoding="utf-8", errors="replace")
    assert len(sources) > 1, "the print page loads no scripts at all?"
    for name, text in sources.items():
        for pattern in ROOT_REFERENCES:
            m = pattern.search(text)
            assert not m, f"{name} refers to the server root: {m.group(0)}"


# --- 6. README quick start and CI ---------------------------------------------

def quick_start_commands():
    readme = ROOT / "README.md"
    assert readme.is_file(), "README.md is missing"
    lines = readme.read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines)
                  if re.match(r"#{1,6}\s+Quick start\s*$", line, re.I)), None)
    assert start is not None, "README.md has no 'Quick start' heading"
    level = len(lines[start]) - len(lines[start].lstrip("#"))
    section = []
    for line in lines[start + 1:]:
        m = re.match(r"(#{1,6})\s", line)
        if m and len(m.group(1)) <= level:
            break
        section.append(line)
    blocks, current, fence = [], None, None
    for line in section:
        stripped = line.strip()
        if current is None and re.match(r"(```|~~~)", stripped):
            fence, current = stripped[:3], []
        elif current is not None and stripped.startswith(fence):
            blocks.append(current)
            current = None
        elif current is not None:
            current.append(stripped)
    assert len(blocks) == 1, f"'Quick start' should hold exactly one code block, found {len(blocks)}"
    commands = [line.lstrip("$ ").strip() for line in blocks[0]
                if line and not line.startswith("#")]
    assert len(commands) == 2, f"the quick start block should hold two commands: {commands}"
    return commands


def test_readme_quick_start_is_build_then_test():
    build, test = quick_start_commands()
    assert "scripts/build.py" in build, f"first command is not the build: {build}"
    assert "scripts/test.py" in test, f"second command is not the tests: {test}"


def test_ci_runs_the_readme_test_command():
    _, test = quick_start_commands()
    ci = ROOT / ".ci" / "run"
    assert ci.is_file(), ".ci/run is missing"
    lines = [squash(line) for line in ci.read_text(encoding="utf-8").splitlines()
             if not line.lstrip().startswith("#")]
    assert any(squash(test) in line for line in lines), \
        f".ci/run does not run the README's test command {test!r}"
