"""Shared fixtures and helpers for the guide's tests.

- The pages: NAV_MD / NAV_PAGES / ALL_PAGES come from the configuration
  (guidekit.config: the nav, the pages left out of it, the print page), so a
  new page is tested without editing a list here.
- `site`: the guide built once per session (site and PDFs), by the README's
  build command (`run_build`).
- `server` / `root_server`: the built site served under SUBPATH (as a
  hospital intranet would) or at a server root (guidekit.server).
- `chromium`: one headless Chromium per test module (guidekit.browser,
  Playwright on Debian's chromium). `open_page(url, ...)` opens a page in a
  fresh browser context, waits until it has settled (load event, then no
  request in flight, bounded) and records what it asked for, what failed and
  what it logged as an error.
- `run_axe(page)`: axe-core's violations on an open page (`load_axe(page)`
  only loads it).
- `screenshot(page, name)`: a picture in this session's screenshot folder
  (its path is printed at the end of the run).
"""
import dataclasses
import fcntl
import html
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata

import pytest

from guidekit import config as guide_config
from guidekit import frontmatter
from guidekit.browser import BrowserError, Chromium, InFlight
from guidekit.server import Server

ROOT = pathlib.Path(__file__).resolve().parent.parent
SUBPATH = "/intranet/patient-guides/nsclc/"

# The guide's pages, from mkdocs.yml (INHERIT honoured): the nav in reading
# order (Markdown and built names), then the published pages left out of the
# nav (the hosting guide), then the print page.
NAV_MD = guide_config.nav_pages()
NAV_PAGES = [guide_config.html_name(md) for md in NAV_MD]
NOT_IN_NAV_MD = guide_config.not_in_nav_pages()
PRINT_PAGE = guide_config.print_page()
ALL_PAGES = NAV_PAGES + [guide_config.html_name(md) for md in NOT_IN_NAV_MD] + [PRINT_PAGE]

NODE_MODULES = ROOT / "tests" / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# How long a page may take: to load, and then to fall quiet on the network.
LOAD_TIMEOUT_MS = 60_000
SETTLE_TIMEOUT_S = 10


def need(path):
    """path, or a test failure saying how to get it (tests/node_modules)."""
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: run `npm ci --prefix tests` "
                    "(python3 scripts/test.py does it)")
    return path


def run_build(site_dir, config_file=ROOT / "mkdocs.yml", pdf=True, extra=()):
    """Run the README's build command into site_dir; return the CompletedProcess."""
    cmd = [sys.executable, str(ROOT / "scripts" / "build.py"), "--config-file", str(config_file),
           "--site-dir", str(site_dir), *extra]
    if not pdf:
        cmd.append("--no-pdf")
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)


def build_with_overlay(tmp_path, body, pdf=False):
    """Build with a temporary overlay beside mkdocs.yml (overlays must sit
    there: INHERIT and their paths are relative to them), as a hospital
    would write one: "INHERIT: mkdocs.yml" and then body. Returns
    (CompletedProcess, overlay file name); the site is tmp_path / "site"."""
    overlay = ROOT / f".test-overlay-{os.getpid()}-{tmp_path.name}.yml"
    overlay.write_text("INHERIT: mkdocs.yml\n" + body, encoding="utf-8")
    try:
        return run_build(tmp_path / "site", config_file=overlay, pdf=pdf), overlay.name
    finally:
        overlay.unlink()


def hook(name):
    """The hook module overrides/hooks/<name>.py as MkDocs loaded it (listed
    under hooks: in mkdocs.yml), for unit tests of its functions."""
    hooks = guide_config.load()["hooks"]
    found = [mod for path, mod in hooks.items() if path.replace("\\", "/").endswith(f"/{name}.py")]
    assert len(found) == 1, f"overrides/hooks/{name}.py is not listed under hooks: in mkdocs.yml"
    return found[0]


@pytest.fixture
def project(tmp_path):
    """A private copy of the guide's sources (mkdocs.yml, docs/, overrides/),
    for tests that break one thing; returns its folder."""
    copy = tmp_path / "project"
    copy.mkdir()
    shutil.copy2(ROOT / "mkdocs.yml", copy / "mkdocs.yml")
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, copy / name)
    return copy


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The guide, built once per session (site and PDFs), as a pathlib.Path.
    With several pytest-xdist workers the first one to get here builds it,
    under a lock, and the others wait for it and share it."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the folder all workers' temporary folders are in
    folder = shared / "shared-build"
    folder.mkdir(exist_ok=True)
    out, outcome = folder / "site", folder / "outcome.json"
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not outcome.exists():
            result = run_build(out)
            outcome.write_text(json.dumps({"status": result.returncode,
                                           "output": f"{result.stdout}\n{result.stderr}"}))
    built = json.loads(outcome.read_text())
    assert built["status"] == 0, f"build failed:\n{built['output']}"
    return out


# --- the last good site (tests of a build that fails or is stopped) ----------------

MARKER = "PREVIOUS GOOD SITE 7f3a9c"


def make_previous_site(site):
    """A stand-in for the last good site: the files by which scripts/build.py
    recognises a site it made (build.SITE_SIGNATURE), index.html saying
    MARKER, and marker.txt."""
    import build

    site.mkdir(parents=True)
    for name in build.SITE_SIGNATURE:
        if "." in name:
            (site / name).write_text("<p>stand-in</p>\n", encoding="utf-8")
        else:
            (site / name).mkdir()
    (site / "index.html").write_text(f"<p>{MARKER}</p>\n", encoding="utf-8")
    (site / "marker.txt").write_text(MARKER, encoding="utf-8")
    return site


def assert_previous_site_untouched(site):
    import build

    assert (site / "index.html").read_text(encoding="utf-8") == f"<p>{MARKER}</p>\n"
    assert (site / "marker.txt").read_text(encoding="utf-8") == MARKER
    assert sorted(p.name for p in site.iterdir()) == sorted({*build.SITE_SIGNATURE, "marker.txt"})


def leftovers(site):
    """Temporary build folders the build script left beside the site."""
    return sorted(p.name for p in site.parent.iterdir() if p.name.startswith(f".{site.name}."))


# --- reading text back (HTML, Markdown, PDF) --------------------------------------

def norm(text):
    """Text to compare regardless of ligatures, soft hyphens, curly quotes
    and line breaks: NFKC, quotes straightened, one space between words."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    for a, b in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(a, b)
    return " ".join(text.split())


def squash(text):
    """norm(text) with no spaces at all: for text that pdftotext or a
    drawing may break anywhere, even inside a word."""
    return "".join(norm(text).split())


def clean(text):
    """Markdown as it reads: links' text kept, emphasis and code marks and
    entities removed, then norm."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`]", "", html.unescape(text))
    return norm(text)


def h1_of(md_file):
    """A page's title: its '# ' heading, as it reads (a '#' line of the
    front matter is a YAML comment, not the title)."""
    text = frontmatter.split((ROOT / "docs" / md_file).read_text(encoding="utf-8"), md_file)[1]
    m = re.search(r"^# (.+)$", text, re.M)
    assert m, f"{md_file} has no '# ' title"
    return clean(m.group(1))


def chapter_title(md_file):
    """A chapter's H1 as printed: its number (guidekit.config.chapters), then its text."""
    return f"{guide_config.chapters().index(md_file) + 1}. {h1_of(md_file)}"


def built_pdf(site, key):
    """The PDF named by extra.pdf.<key> (file, handout, large_print) in the built site."""
    path = site / guide_config.load()["extra"]["pdf"][key]
    assert path.is_file(), f"{path.name} was not written by the build (extra.pdf.{key} in mkdocs.yml)"
    return path


def page_texts(pdf, layout=False, first=None, last=None):
    """The text of each page of pdf (from page first to last, counted from
    1, when given), as poppler's pdftotext reads it: a list of strings."""
    pages = ["-f", str(first)] if first else []
    pages += ["-l", str(last)] if last else []
    out = subprocess.run(["pdftotext", *(["-layout"] if layout else []), *pages, "-enc", "UTF-8",
                          str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    texts = out.split("\f")
    return texts[:-1] if texts and not texts[-1].strip() else texts


# --- the local web server (guidekit.server) -------------------------------------

def serve(directory, prefix="/", headers=None):
    """Serve directory at http://127.0.0.1:PORT{prefix}; a guidekit Server
    (.url, .close(), context manager)."""
    return Server(directory, prefix, headers)


@pytest.fixture(scope="session")
def server(site):
    """The built site under a subpath, as a hospital intranet would host it (base URL)."""
    with Server(site, SUBPATH) as srv:
        yield srv.url


@pytest.fixture(scope="session")
def root_server(site):
    """The built site at a server root (base URL)."""
    with Server(site, "/") as srv:
        yield srv.url


# --- headless Chromium (guidekit.browser, Playwright) ----------------------------

@pytest.fixture(scope="module")
def chromium():
    """An open headless Chromium (guidekit.browser.Chromium), shared by the
    tests of a module. Module-scoped, not session-scoped: Playwright's sync
    API allows one running instance per thread, so code under test that
    starts its own Chromium in-process (export_pdf.export in test_pdf*.py)
    must run while no other is open; each module that asks for this fixture
    pays one launch (about a second)."""
    try:
        with Chromium() as browser:
            yield browser
    except BrowserError as err:
        pytest.fail(f"Chromium could not be started: {err}")


CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@dataclasses.dataclass
class Loaded:
    """What one page load did."""
    page: object                                      # the Playwright Page, loaded and settled
    requests: list = dataclasses.field(default_factory=list)   # URLs asked for, in order
    failures: list = dataclasses.field(default_factory=list)   # (url, reason): failed or HTTP >= 400
    console: list = dataclasses.field(default_factory=list)    # console errors and page errors

    def foreign(self, allowed_prefixes):
        """Requests to anything but allowed_prefixes (data:, blob:, about: aside)."""
        return [u for u in self.requests
                if not u.startswith(tuple(allowed_prefixes)) and not u.startswith(("data:", "blob:", "about:"))]


class Tab:
    """A browser context with one page whose requests, failures and console
    errors are recorded. goto(url) opens a page and returns a Loaded whose
    lists hold only what that load (and whatever follows it) did."""

    def __init__(self, chromium, width=1280, height=900, color_scheme=None, javascript=True,
                 media=None, csp_listener=False):
        options = {"viewport": {"width": width, "height": height}, "java_script_enabled": javascript}
        if color_scheme:
            options["color_scheme"] = color_scheme
        self.context = chromium.browser.new_context(**options)
        self.context.set_default_timeout(30_000)
        if csp_listener:
            self.context.add_init_script(CSP_LISTENER)
        self.page = self.context.new_page()
        if media:
            self.page.emulate_media(media=media)
        self.loaded = Loaded(self.page)
        # Context events also cover what the page's workers ask for (the search index).
        self.in_flight = InFlight(self.context)
        self.context.on("request", self._request)
        self.context.on("requestfailed", self._request_failed)
        self.context.on("response", self._response)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda err: self.loaded.console.append(f"page error: {err}"))

    def _request(self, request):
        self.loaded.requests.append(request.url)

    def _request_failed(self, request):
        self.loaded.failures.append((request.url, request.failure or "failed"))

    def _response(self, response):
        if response.status >= 400:
            self.loaded.failures.append((response.url, f"HTTP {response.status}"))

    def _console(self, msg):
        if msg.type == "error":
            self.loaded.console.append(msg.text)

    def goto(self, url, settle=True):
        """Open url and wait for its load event, then (settle=True) for the
        network to fall quiet; return a fresh Loaded."""
        self.loaded = Loaded(self.page)
        self.page.goto(url, wait_until="load", timeout=LOAD_TIMEOUT_MS)
        if settle:
            self.settle()
        return self.loaded

    def settle(self, timeout_s=SETTLE_TIMEOUT_S):
        """Wait, bounded, until no request of the page or its workers is in
        flight (guidekit.browser.InFlight.settle). A page that never falls
        quiet is still looked at after timeout_s: its tests judge what they
        see."""
        self.in_flight.settle(self.page, timeout_s)

    def close(self):
        try:
            self.context.close()
        except Exception:  # the browser may already be gone (a step's deadline)
            pass


@pytest.fixture
def new_tab(chromium):
    """A factory of Tabs (a browser context each), closed at the end of the test."""
    tabs = []

    def make(**options):
        tab = Tab(chromium, **options)
        tabs.append(tab)
        return tab

    yield make
    for tab in tabs:
        tab.close()


@pytest.fixture
def open_page(new_tab):
    """open_page(url, width=1280, height=900, color_scheme=None, javascript=True,
    media=None, csp_listener=False) -> Loaded: the page opened in a fresh
    browser context (viewport exactly width x height; color_scheme "light" or
    "dark" sets prefers-color-scheme; media "screen" or "print" emulates it;
    csp_listener records Content-Security-Policy violations in
    window.__cspViolations), loaded and settled. Contexts close at the end of
    the test."""
    def open_(url, width=1280, height=900, color_scheme=None, javascript=True, media=None,
              csp_listener=False):
        tab = new_tab(width=width, height=height, color_scheme=color_scheme, javascript=javascript,
                      media=media, csp_listener=csp_listener)
        return tab.goto(url)

    return open_


# --- axe-core -----------------------------------------------------------------------

AXE_RUN = """
tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
  .then(r => r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
      targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
      summary: v.nodes[0] ? v.nodes[0].failureSummary : ''})))
"""


def load_axe(page):
    """axe-core into the open page (once); evaluate() runs outside the
    page's Content-Security-Policy."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(need(AXE_JS).read_text(encoding="utf-8"))


def run_axe(page, tags=AXE_TAGS):
    """axe-core's violations of tags on the open page: a list of dicts
    {id, impact, help, count, targets, summary} (empty when there are none)."""
    load_axe(page)
    result = page.evaluate(AXE_RUN, list(tags))
    assert isinstance(result, list), f"{page.url}: axe-core did not run: {result}"
    return result


def format_axe(page_name, violations, label=""):
    return [f"{page_name}{label} {v['id']} ({v['impact']}, {v['count']}x): {v['help']}\n"
            f"    at {'; '.join(v['targets'])}\n    {v['summary'][:300]}" for v in violations]


# --- screenshots to look at ------------------------------------------------------------

SHOTS_VARIABLE = "GUIDE_SCREENSHOTS"


def pytest_configure(config):
    # One screenshot folder for the session, made before pytest-xdist starts
    # its workers, which inherit the variable.
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        os.environ[SHOTS_VARIABLE] = tempfile.mkdtemp(prefix="guide-screenshots-")


def pytest_collection_modifyitems(config, items):
    """Run the test files in an order that keeps both cores busy under
    pytest-xdist (pytest.ini: --dist loadfile, --no-loadscope-reorder): the
    largest file that needs the built site first (its worker builds the
    site), then the files that do not need it (the other worker runs them
    meanwhile instead of waiting for the build), then the rest, largest
    first. Within a file the order stays as written."""
    files = {}
    for item in items:
        files.setdefault(item.path, []).append(item)
    needs_site = {path: any("site" in item.fixturenames for item in group)
                  for path, group in files.items()}
    by_size = sorted(files, key=lambda path: -len(files[path]))
    first = [path for path in by_size if needs_site[path]][:1]
    order = first + [p for p in by_size if not needs_site[p]] + \
        [p for p in by_size if needs_site[p] and p not in first]
    items[:] = [item for path in order for item in files[path]]


def screenshot_dir():
    """This session's screenshot folder."""
    return pathlib.Path(os.environ[SHOTS_VARIABLE])


def screenshot(page, name, full_page=False):
    """Save a PNG of page as NAME.png in the session's screenshot folder; return its path."""
    path = screenshot_dir() / (name if name.endswith(".png") else name + ".png")
    page.screenshot(path=str(path), full_page=full_page)
    return path


def pytest_terminal_summary(terminalreporter):
    folder = pathlib.Path(os.environ.get(SHOTS_VARIABLE, ""))
    if os.environ.get(SHOTS_VARIABLE) and folder.is_dir():
        count = len(list(folder.glob("*.png")))
        if count:
            terminalreporter.write_line(f"screenshots ({count}): {folder}")
        else:
            folder.rmdir()
