"""The one browser launcher (guidekit.browser): what Chromium is started
with, read back from the running browser's own command line.

Chromium honours only the last --disable-features switch, and Playwright
puts ours after its own, so ours must repeat Playwright's list; and every
new browser context must not build the address bar's popups (about half a
second of CPU each, twice the cost of loading a page of the guide) nor a
spare renderer process that it cannot use.
"""
from guidekit import browser

OMNIBOX_POPUP = "chrome://omnibox-popup"


def command_line(chromium):
    """The running browser process's switches (its /proc command line)."""
    pids = browser._pids_with(chromium.marker)
    assert pids, "the browser's process was not found by its marker"
    with open(f"/proc/{min(pids)}/cmdline", "rb") as fh:
        return [arg.decode() for arg in fh.read().split(b"\0") if arg]


def disabled_feature_lists(args):
    return [arg.split("=", 1)[1].split(",") for arg in args if arg.startswith("--disable-features=")]


def test_playwright_features_are_read_from_the_installed_driver():
    features = browser.playwright_disabled_features()
    # Names Playwright has switched off for years (see its chromiumSwitches):
    # if these are not found, the reading no longer matches its driver.
    assert {"MediaRouter", "PaintHolding"} <= set(features), features


def test_the_last_disable_features_keeps_playwright_s_and_adds_ours():
    with browser.Chromium() as chromium:
        lists = disabled_feature_lists(command_line(chromium))
    assert len(lists) >= 2, f"expected Playwright's --disable-features and ours: {lists}"
    effective = set(lists[-1])  # Chromium reads only the last one
    for earlier in lists[:-1]:
        dropped = set(earlier) - effective
        assert not dropped, f"Playwright's switched-off features would be switched back on: {dropped}"
    assert set(browser.SKIPPED_FEATURES) <= effective


def open_contexts(count, look):
    """Open count browser contexts in a fresh Chromium, each with one small
    page, and return what look(cdp) found after each (cdp: a DevTools
    session on the browser)."""
    looks = []
    with browser.Chromium() as chromium:
        cdp = chromium.browser.new_browser_cdp_session()
        opened = []
        for _ in range(count):
            context = chromium.browser.new_context()
            context.new_page().goto("data:text/html,<title>t</title><p>t</p>")
            opened.append(context)
            looks.append(look(cdp))
        for context in opened:
            context.close()
    return looks


def test_a_new_context_builds_no_address_bar_popup():
    """The popups are WebUI pages Chromium lists among its targets; none is
    made for any context (they were, one pair per context)."""
    targets = open_contexts(2, lambda cdp: cdp.send("Target.getTargets")["targetInfos"])[-1]
    pages = [t for t in targets if t["type"] == "page"]
    assert len(pages) >= 2, f"the pages opened are not among the targets: {targets}"
    popups = [t["url"] for t in targets if t["url"].startswith(OMNIBOX_POPUP)]
    assert not popups, f"Chromium built address-bar popups for the contexts: {popups}"


def test_each_context_starts_one_renderer_and_no_spare():
    """Chromium's own list of its processes, after each of three contexts
    has opened a page: one renderer per page, none waiting for a page that
    never comes (there was one more throughout, made again for each new
    context: 58 renderers for 30 contexts)."""
    counts = open_contexts(3, lambda cdp: sum(
        1 for p in cdp.send("SystemInfo.getProcessInfo")["processInfo"] if p["type"] == "renderer"))
    assert counts == [1, 2, 3], f"renderer processes after 1, 2 and 3 contexts: {counts}"
