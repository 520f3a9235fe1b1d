"""Headless Chromium, driven by Playwright for Python: the one browser
launcher of the PDF export, the page-weight report and the tests.

Playwright is launched on the system's Chromium (Debian's `chromium`) through
`executable_path`; it never downloads a browser. Which binary: $GUIDE_CHROMIUM
first (tests and hospitals point it at another one), then $CHROMIUM or
$CHROME_PATH, then chromium, chromium-browser or google-chrome on the PATH.

Every host name but the loopback resolves to nothing, so no request can leave
the machine. Every step has a deadline that really fires: a watchdog kills
the browser's processes (found by a marker switch on their command line), the
pending call fails, and BrowserError names the step.

The address bar's popups, which Chromium 156 builds for every new browser
context, are switched off (SKIPPED_FEATURES): they doubled the CPU cost of
each fresh context the tests and the PDF export open.
"""
import contextlib
import functools
import os
import pathlib
import re
import shutil
import signal
import threading
import time
import uuid

ENV_VARS = ("GUIDE_CHROMIUM", "CHROMIUM", "CHROME_PATH")
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
    "--no-default-browser-check", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-extensions",
    "--disable-quic", "--mute-audio", "--allow-file-access-from-files",
    # Every host name resolves to nothing: a request to another host fails
    # (and is recorded by whoever listens), it never leaves the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
# Chromium 156 builds the address bar's two popups (chrome://omnibox-popup
# WebUI pages, each in a renderer process of its own) for every new window,
# and Playwright opens a window for each browser context: about half a
# second of CPU a context, twice what loading one of the guide's pages
# costs, for popups a headless browser never shows. And it keeps a spare
# renderer process started in advance for the next page, which a new
# browser context cannot use (a context's pages need processes of their
# own), so one is started and thrown away per context: about 75 ms of CPU
# each (30 contexts: 58 renderers, 271 -> 195 ms a context). Both are
# switched off here; tests/test_browser.py counts what a context starts.
SKIPPED_FEATURES = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "SpareRendererForSitePerProcess")
INSTALL_HINT = "on Debian, as root: apt-get install -y chromium (or set GUIDE_CHROMIUM=/path/to/chromium)"


class BrowserError(RuntimeError):
    """A browser step failed or ran past its deadline."""


def chromium_path():
    """The Chromium binary to use, or None. A variable that names no
    executable file is an error, not a silent fallback."""
    for var in ENV_VARS:
        path = os.environ.get(var)
        if path:
            if os.path.isfile(path) and os.access(path, os.X_OK):
                return path
            raise BrowserError(f"${var} is set to {path}, which is not an executable file")
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@functools.lru_cache(maxsize=None)
def playwright_disabled_features():
    """The features Playwright itself switches off with --disable-features,
    read from its installed driver (playwright-core's chromiumSwitches), or
    () when they cannot be found there.

    Chromium honours only the last --disable-features switch, and Playwright
    puts the caller's switches after its own; so the list this module passes
    must repeat Playwright's or they would be switched back on."""
    try:
        import playwright
    except ImportError:
        return ()
    bundle = pathlib.Path(playwright.__file__).parent / "driver" / "package" / "lib" / "coreBundle.js"
    try:
        text = bundle.read_text(encoding="utf-8")
    except OSError:
        return ()
    block = re.search(r"\bdisabledFeatures = \[(.*?)\]", text, re.S)
    if not block:
        return ()
    return tuple(re.findall(r'^\s*"([A-Za-z0-9_]+)"', block.group(1), re.M))


def launch_args():
    """Chromium's command-line switches: ARGS, and the features to switch
    off (SKIPPED_FEATURES with Playwright's own, see
    playwright_disabled_features). When Playwright's list cannot be read,
    no --disable-features is added (slower, but Playwright's choices stand);
    tests/test_browser.py checks the launched browser."""
    own = playwright_disabled_features()
    if not own:
        return list(ARGS)
    features = list(dict.fromkeys(own + SKIPPED_FEATURES))
    return ARGS + ["--disable-features=" + ",".join(features)]


def _pids_with(marker):
    """Processes whose command line carries marker (Linux /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                if marker.encode() in fh.read():
                    found.append(int(entry))
        except OSError:
            continue
    return found


class Chromium:
    """A running headless Chromium. Use `with Chromium() as c:`; c.browser is
    the Playwright Browser; `with c.step("name", seconds):` bounds one step."""

    def __init__(self, launch_timeout=60, binary=None):
        self.binary = binary or chromium_path()
        if not self.binary:
            raise BrowserError(f"no Chromium was found ({INSTALL_HINT})")
        self.launch_timeout = launch_timeout
        self.marker = f"--guide-run={uuid.uuid4().hex}"
        self.expired = None
        self._pw = None
        self.browser = None

    def kill(self):
        """Kill every process of this browser at once (the watchdog's way)."""
        for pid in _pids_with(self.marker):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    @contextlib.contextmanager
    def step(self, name, seconds):
        """Run a block with a deadline: past it, the browser is killed and
        BrowserError names the step."""
        def expire():
            self.expired = name
            self.kill()

        timer = threading.Timer(seconds, expire)
        timer.daemon = True
        timer.start()
        try:
            yield
        except Exception as err:
            if self.expired == name:
                raise BrowserError(f"{name}: no answer from Chromium within {seconds:g} s, "
                                   "so the browser was stopped") from None
            if isinstance(err, BrowserError):
                raise
            raise BrowserError(f"{name}: {str(err).splitlines()[0] if str(err) else type(err).__name__}") from err
        finally:
            timer.cancel()
        if self.expired == name:
            raise BrowserError(f"{name}: no answer from Chromium within {seconds:g} s, "
                               "so the browser was stopped")

    def __enter__(self):
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        try:
            with self.step("starting Chromium", self.launch_timeout + 5):
                self.browser = self._pw.chromium.launch(
                    executable_path=self.binary, args=launch_args() + [self.marker],
                    timeout=self.launch_timeout * 1000, handle_sigterm=False, handle_sigint=False)
        except BaseException:
            self.close()
            raise
        return self

    def close(self):
        if self.browser is not None:
            try:
                with self.step("closing Chromium", 15):
                    self.browser.close()
            except BrowserError:
                pass
            self.browser = None
        if self._pw is not None:
            try:
                self._pw.stop()
            except Exception:
                pass
            self._pw = None
        self.kill()  # nothing of this run outlives it

    def __exit__(self, *exc):
        self.close()


# One animation frame and one task: what a page's scripts start on load has
# been started by then.
NEXT_FRAME_AND_TASK = "() => new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)))"


class InFlight:
    """The requests of a browser context (its pages and their workers, such
    as the search worker) that have not finished yet. settle(page) waits
    until there are none."""

    def __init__(self, context):
        self.requests = set()
        # Playwright wants Python functions as handlers, not built-in methods.
        context.on("request", lambda request: self.requests.add(request))
        context.on("requestfinished", lambda request: self.requests.discard(request))
        context.on("requestfailed", lambda request: self.requests.discard(request))

    def settle(self, page, timeout_s=10):
        """Wait, bounded, until no request is in flight, twice in a row, each
        look one animation frame and one task after the last (Playwright
        delivers the request events meanwhile). A page that never falls quiet
        is let go after timeout_s: whoever waits judges what it sees. Returns
        True when the network fell quiet."""
        from playwright.sync_api import Error as PlaywrightError

        deadline = time.monotonic() + timeout_s
        quiet = 0
        while quiet < 2 and time.monotonic() < deadline:
            try:
                page.evaluate(NEXT_FRAME_AND_TASK)
            except PlaywrightError:  # the page went away (navigated, closed): nothing to wait for
                return True
            quiet = quiet + 1 if not self.requests else 0
        return quiet >= 2
