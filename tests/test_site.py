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
import os
import pathlib
import re
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest
import yaml
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ALL_PAGES, NAV_PAGES, ROOT, SUBPATH, load, make_driver, serve

MODES = ["subpath", "root", "file"]


def mkdocs_config():
    # The theme's own tags (!!python/name:...) are not needed here.
    class Loader(yaml.SafeLoader):
        pass
    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)


CONFIG = mkdocs_config()


def front_matter(md_path):
    text = md_path.read_text(encoding="utf-8")
    m = re.match(r"---\s*\n(.*?)\n---\s*\n", text, re.S)
    assert m, f"{md_path.name} has no front matter"
    return yaml.safe_load(m.group(1))


def squash(text):
    return " ".join(text.split())


# --- one browser per way of opening the site ----------------------------------

@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module", params=MODES)
def mode(request, site):
    """(name, base URL of the site, Chromium) for one way of opening the site."""
    name = request.param
    srv = None
    if name == "subpath":
        base, srv = serve(site, SUBPATH)
    elif name == "root":
        base, srv = serve(site, "/")
    else:
        base = site.as_uri() + "/"
    drv = make_driver()
    yield name, base, drv
    drv.quit()
    if srv:
        srv.shutdown()


@pytest.fixture(scope="module")
def sub_driver():
    drv = make_driver()
    yield drv
    drv.quit()


def wait_loaded(drv, timeout=20):
    WebDriverWait(drv, timeout).until(
        lambda d: d.execute_script("return document.readyState") == "complete")


# --- 1. every page loads cleanly, three ways ------------------------------------

@pytest.mark.parametrize("page", ALL_PAGES)
def test_page_loads_without_foreign_or_failed_requests(mode, page, site, screenshots):
    name, base, drv = mode
    url = base + page
    # Settle long enough for the search worker to ask for its index.
    result = load(drv, url, settle=1.0)
    wait_loaded(drv)
    assert result.requests, f"{page} ({name}): no request recorded at all"
    assert result.requests[0].startswith(base), result.requests[0]
    foreign = result.foreign([base])
    assert not foreign, f"{page} ({name}) asked for something outside the site: {foreign}"
    assert not result.failures, f"{page} ({name}) had failed requests: {result.failures}"
    assert not result.console, f"{page} ({name}) logged errors: {result.console}"
    # The theme's stylesheet is applied (not bare HTML): the layout grid has
    # the theme's maximum width.
    grid_width = drv.execute_script(
        "const g = document.querySelector('.md-grid');"
        "return g ? getComputedStyle(g).maxWidth : null;")
    assert grid_width not in (None, "none"), f"{page} ({name}) is not styled by the theme"
    if page in ("index.html", "faq.html", "print_page.html"):
        drv.save_screenshot(str(screenshots / f"{name}-{page}.png"))


# --- 2. search ----------------------------------------------------------------

def search_for(drv, url, word):
    drv.get(url)
    wait_loaded(drv)
    # On a wide screen the search box is in the header; on a narrow one a
    # search button (a label for the toggle) opens it.
    box = drv.find_element(By.CSS_SELECTOR, "input.md-search__input")
    if not box.is_displayed():
        [label.click() for label in drv.find_elements(By.CSS_SELECTOR, "label[for='__search']")
         if label.is_displayed()][:1]
    box = WebDriverWait(drv, 20).until(
        EC.element_to_be_clickable((By.CSS_SELECTOR, "input.md-search__input")))
    box.click()
    box.send_keys(word)
    try:
        WebDriverWait(drv, 20).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, ".md-search-result__item"))
    except Exception:
        meta = drv.find_elements(By.CSS_SELECTOR, ".md-search-result__meta")
        pytest.fail(f"no search results for {word!r} at {url}; "
                    f"search says: {meta[0].text if meta else '(nothing)'}")
    return drv.find_elements(By.CSS_SELECTOR, ".md-search-result__item a")


@pytest.mark.parametrize("how", ["file", "subpath"])
def test_search_finds_pages(how, site, server, sub_driver, screenshots):
    base = site.as_uri() + "/" if how == "file" else server
    links = search_for(sub_driver, base + "index.html", "biopsy")
    sub_driver.save_screenshot(str(screenshots / f"search-{how}.png"))
    assert links, "no result links"
    for link in links:
        href = link.get_attribute("href")
        assert href.startswith(base), f"result {href} is outside the guide ({base})"
        rel = urllib.parse.unquote(urllib.parse.urlsplit(href[len(base):]).path)
        assert (site / rel).is_file(), f"result {href} points at no page"
    pages = {urllib.parse.urlsplit(a.get_attribute("href")).path.rsplit("/", 1)[-1] for a in links}
    assert "re-testing.html" in pages, f"the re-testing page is not among the results: {pages}"


# --- 3. the disclaimer ------------------------------------------------------------

def disclaimer_state(drv, expected):
    """(text, visible) of each innermost element that holds the disclaimer.
    On screen that is the disclaimer box; in print the print page carries it
    on its cover instead."""
    return drv.execute_script("""
        const expected = arguments[0];
        const squash = t => t.split(/\\s+/).filter(Boolean).join(' ');
        const holds = el => squash(el.innerText || '').includes(expected);
        return [...document.body.querySelectorAll('*')]
            .filter(el => holds(el) && ![...el.children].some(holds))
            .map(el => {
                const r = el.getBoundingClientRect();
                return [el.innerText,
                        r.width > 0 && r.height > 0
                        && el.checkVisibility({opacityProperty: true, visibilityProperty: true})];
            });""", expected)


@pytest.mark.parametrize("page", ALL_PAGES)
def test_disclaimer_on_screen_and_in_print(page, server, sub_driver):
    expected = squash(CONFIG["extra"]["disclaimer"])
    assert expected, "extra.disclaimer is empty in mkdocs.yml"
    sub_driver.get(server + page)
    wait_loaded(sub_driver)
    try:
        for media in ("screen", "print"):
            sub_driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": media})
            found = [(squash(text), visible) for text, visible in disclaimer_state(sub_driver, expected)]
            assert any(visible for _, visible in found), \
                f"{page} ({media}): disclaimer not visible; found {found}"
            # It is also in the page's visible text as a whole.
            assert expected in squash(sub_driver.find_element(By.TAG_NAME, "body").text), \
                f"{page} ({media}): disclaimer text not in the rendered page"
    finally:
        sub_driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


# --- 4. front matter shown --------------------------------------------------------

def parse_shown_date(text):
    text = text.strip().rstrip(".")
    for fmt in ("%d %B %Y", "%Y-%m-%d", "%B %d, %Y", "%d %b %Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    return None


@pytest.mark.parametrize("page", NAV_PAGES)
def test_front_matter_shown(page, site, server, sub_driver):
    meta = front_matter(ROOT / "docs" / page.replace(".html", ".md"))
    sub_driver.get(server + page)
    wait_loaded(sub_driver)
    body = squash(sub_driver.find_element(By.TAG_NAME, "body").text)
    assert squash(str(meta["description"])) in body, f"{page}: description not shown"

    times = {t.get_attribute("datetime"): t.text
             for t in sub_driver.find_elements(By.CSS_SELECTOR, "article time[datetime]")}
    for key, label in (("last_reviewed", "Last reviewed"), ("next_review", "Next review")):
        value = meta[key]
        iso = value.isoformat() if isinstance(value, datetime.date) else str(value)
        assert iso in times, f"{page}: no <time datetime={iso}> for {key}; found {times}"
        assert times[iso].strip() and parse_shown_date(times[iso]) == datetime.date.fromisoformat(iso), \
            f"{page}: {key} {iso} shown as {times[iso]!r}"
        assert label.lower() in body.lower(), f"{page}: no '{label}' label"
        assert times[iso] in body, f"{page}: {key} date not visible"

    pdf_name = CONFIG["extra"]["pdf"]["file"]
    links = [a.get_attribute("href") for a in sub_driver.find_elements(By.CSS_SELECTOR, "article a[href]")
             if urllib.parse.urlsplit(a.get_attribute("href")).path.endswith(".pdf")]
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
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    warnings = [line for line in output.splitlines() if "WARNING" in line]
    assert not warnings, "\n".join(warnings)


ROOT_REFERENCES = [re.compile(r'"base"\s*:\s*"/"'), re.compile(r"new URL\(\s*[\"']/[\"']")]


def test_print_page_does_not_point_at_server_root(site):
    page = site / "print_page.html"
    html = page.read_text(encoding="utf-8")
    # The page and every local script it loads (inline scripts are moved to files).
    sources = {"print_page.html": html}
    for src in re.findall(r'<script[^>]*\ssrc="([^"]+)"', html):
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
