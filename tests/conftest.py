"""Shared fixtures: the site built once per test session, a local web server
that can put it under any path (and send any headers), and headless Chromium
(Debian's chromium + chromium-driver) that records every request, failure
and console message of a page.
"""
import functools
import http.server
import json
import os
import pathlib
import shutil
import subprocess
import sys
import threading
import urllib.parse

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from bootstrap import find_chromium  # noqa: E402

SUBPATH = "/intranet/patient-guides/nsclc/"
NAV_PAGES = [
    "index.html", "understanding-progression.html", "re-testing.html",
    "patterns-of-progression.html", "next-treatment.html", "clinical-trials.html",
    "supportive-care.html", "living-with-progression.html", "myths-and-facts.html",
    "questions-to-ask.html", "faq.html", "glossary.html", "about.html",
]
# Every page a reader can open: the guide's pages, the hosting guide, the print page.
ALL_PAGES = NAV_PAGES + ["hosting.html", "print_page.html"]


def run_build(site_dir, config_file=ROOT / "mkdocs.yml", pdf=True, extra=()):
    """Run the README's build command into site_dir; return the CompletedProcess."""
    cmd = [sys.executable, str(ROOT / "scripts" / "build.py"), "--config-file", str(config_file),
           "--site-dir", str(site_dir), *extra]
    if not pdf:
        cmd.append("--no-pdf")
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The guide, built once per session (site and PDFs), as a pathlib.Path."""
    out = tmp_path_factory.mktemp("build") / "site"
    result = run_build(out)
    assert result.returncode == 0, f"build failed:\n{result.stdout}\n{result.stderr}"
    return out


# --- a local web server -------------------------------------------------------

class _Handler(http.server.SimpleHTTPRequestHandler):
    prefix = "/"
    headers_to_send = {}

    def translate_path(self, path):
        parsed = urllib.parse.urlsplit(path).path
        if not parsed.startswith(self.prefix):
            return "/nonexistent-outside-prefix"
        return super().translate_path("/" + parsed[len(self.prefix):])

    def end_headers(self):
        for k, v in self.headers_to_send.items():
            self.send_header(k, v)
        super().end_headers()

    def log_message(self, *args):
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A browser that drops a connection it no longer needs is not an error.
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


def serve(directory, prefix="/", headers=None):
    """Serve directory at http://127.0.0.1:PORT{prefix}; return (base_url, server)."""
    handler = type("Handler", (_Handler,), {"prefix": prefix, "headers_to_send": headers or {}})
    server = _QuietServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}{prefix}", server


@pytest.fixture(scope="session")
def server(site):
    """The built site under a subpath, as a hospital intranet would host it."""
    base, srv = serve(site, SUBPATH)
    yield base
    srv.shutdown()


@pytest.fixture(scope="session")
def root_server(site):
    """The built site at a server root."""
    base, srv = serve(site, "/")
    yield base
    srv.shutdown()


# --- headless Chromium --------------------------------------------------------

def chromium_paths():
    browser = find_chromium()
    driver = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    return browser, driver


def make_driver(width=1280, height=900, javascript=True, color_scheme=None):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver_path = chromium_paths()
    if not browser or not driver_path:
        pytest.fail("Chromium and chromedriver are needed: as root, "
                    "apt-get install -y chromium chromium-driver")
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--disable-quic",
                f"--window-size={width},{height}", "--allow-file-access-from-files",
                # Every host name resolves to nothing: a request to another
                # host fails and is recorded, it never leaves the machine.
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"):
        opts.add_argument(arg)
    if color_scheme:
        opts.add_argument(f"--blink-settings=preferredColorScheme={1 if color_scheme == 'light' else 0}")
    if not javascript:
        opts.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    os.environ.setdefault("SE_OFFLINE", "true")
    drv = webdriver.Chrome(options=opts, service=Service(executable_path=driver_path))
    drv.set_page_load_timeout(60)
    return drv


@pytest.fixture(scope="session")
def driver():
    drv = make_driver()
    yield drv
    drv.quit()


class PageLoad:
    """What one page load did: its requests, failures and console errors."""

    def __init__(self, requests, failures, console):
        self.requests = requests      # list of URLs asked for
        self.failures = failures      # list of (url, reason)
        self.console = console        # list of console messages at SEVERE level

    def foreign(self, allowed_prefixes):
        return [u for u in self.requests
                if not u.startswith(tuple(allowed_prefixes)) and not u.startswith(("data:", "blob:", "about:"))]


def drain_logs(drv):
    drv.get_log("performance")
    drv.get_log("browser")


def load(drv, url, settle=0.3):
    """Open url, wait for it to settle, and return a PageLoad."""
    import time

    drain_logs(drv)
    drv.get(url)
    time.sleep(settle)
    return collect(drv)


def collect(drv):
    requests, failures, status = [], [], {}
    urls = {}
    for entry in drv.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        method, params = msg.get("method"), msg.get("params", {})
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            urls[params["requestId"]] = url
            requests.append(url)
        elif method == "Network.responseReceived":
            code = params["response"].get("status", 0)
            if code >= 400:
                failures.append((params["response"]["url"], f"HTTP {code}"))
        elif method == "Network.loadingFailed":
            failures.append((urls.get(params["requestId"], "?"), params.get("errorText", "")))
    console = [e["message"] for e in drv.get_log("browser") if e["level"] == "SEVERE"]
    return PageLoad(requests, failures, console)
