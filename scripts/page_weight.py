#!/usr/bin/env python3
"""What a first visit to each page transfers, gzip-compressed, and how long the
build took.

    python3 scripts/page_weight.py [SITE_DIR] [--budget 150]

How it measures: each page of the built site (default: site/) is opened in
headless Chromium, served from a local web server under a subpath, with the
browser cache disabled, so every page is measured as if it were the first
one a reader opens. Every request the page makes until the network goes
quiet is recorded (the HTML, style sheets, scripts, images, the search
worker and the search index, which the theme fetches on load). Each file is
then compressed with gzip at level 6, as a web server would send it, and
the sizes are added up per page. data: URLs are inside files already
counted; a request to another host would be listed (there should be none).

It also prints the build times that scripts/build.py wrote to
SITE_DIR/build-report.json (the site, the PDF).

Exit status: 0 when every page is within the budget (KiB, gzip), 1 when a
page is over it, 2 when the site or the browser is missing.
"""
import argparse
import functools
import gzip
import http.server
import json
import os
import pathlib
import shutil
import sys
import threading
import time
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import bootstrap  # noqa: E402

SUBPATH = "/page-weight/"
KIB = 1024


def gzip_size(data):
    return len(gzip.compress(data, compresslevel=6))


class _Handler(http.server.SimpleHTTPRequestHandler):
    def translate_path(self, path):
        parsed = urllib.parse.urlsplit(path).path
        if not parsed.startswith(SUBPATH):
            return "/nonexistent-outside-prefix"
        return super().translate_path("/" + parsed[len(SUBPATH):])

    def log_message(self, *args):
        pass


def _serve(site):
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}{SUBPATH}", server


def make_driver():
    """Headless Chromium that logs network events and reaches no other host."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser = bootstrap.find_chromium()
    chromedriver = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    if not browser or not chromedriver:
        raise SystemExit("page_weight: Chromium and chromedriver are needed "
                         "(apt-get install chromium chromium-driver)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--window-size=1280,900",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    os.environ.setdefault("SE_OFFLINE", "true")
    return webdriver.Chrome(options=opts, service=Service(executable_path=chromedriver))


def _requests(driver):
    urls = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    return urls


def _first_visit(driver, url, quiet=0.75, limit=10.0):
    """Open url with an empty cache; return every URL it asked for."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    driver.get("about:blank")
    driver.get_log("performance")
    driver.get(url)
    seen, last_new, started = [], time.monotonic(), time.monotonic()
    while time.monotonic() - started < limit:
        new = _requests(driver)
        if new:
            seen += new
            last_new = time.monotonic()
        elif (time.monotonic() - last_new >= quiet
              and driver.execute_script("return document.readyState") == "complete"):
            break
        time.sleep(0.15)
    return seen


def pages_of(site):
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if p.name != "404.html")


def measure(site, pages=None, driver=None):
    """Return one record per page: {page, files: [(path, bytes, gzip bytes)],
    foreign: [urls], total_gzip}. Uses driver if given (left open)."""
    site = pathlib.Path(site).resolve()
    pages = pages or pages_of(site)
    base, server = _serve(site)
    own = driver is None
    driver = driver or make_driver()
    records = []
    try:
        for page in pages:
            files, foreign, seen = [], [], set()
            for url in _first_visit(driver, base + page):
                if url.startswith(("data:", "blob:", "about:")):
                    continue
                if not url.startswith(base):
                    foreign.append(url)
                    continue
                rel = urllib.parse.unquote(urllib.parse.urlsplit(url).path[len(SUBPATH):]) or "index.html"
                if rel in seen:
                    continue
                seen.add(rel)
                path = site / rel
                data = path.read_bytes() if path.is_file() else b""
                files.append((rel, len(data), gzip_size(data) if data else 0))
            records.append({"page": page, "files": files, "foreign": foreign,
                            "total_gzip": sum(f[2] for f in files)})
    finally:
        server.shutdown()
        if own:
            driver.quit()
    return records


def build_times(site):
    report = pathlib.Path(site) / "build-report.json"
    if not report.exists():
        return None
    return json.loads(report.read_text())


def format_report(records, budget_kib, times=None):
    lines = [f"First visit, gzip level 6 (budget {budget_kib} KiB per page):", "",
             f"{'page':34} {'files':>5} {'HTML KiB':>9} {'total KiB':>10}  "]
    for r in records:
        html = next((f[2] for f in r["files"] if f[0] == r["page"]), 0)
        total = r["total_gzip"] / KIB
        flag = "OVER BUDGET" if total > budget_kib else ""
        lines.append(f"{r['page']:34} {len(r['files']):5d} {html / KIB:9.1f} {total:10.1f}  {flag}")
        for url in r["foreign"]:
            lines.append(f"    request to another host: {url}")
    shared = {}
    for r in records:
        for rel, raw, gz in r["files"]:
            if not rel.endswith(".html"):
                shared[rel] = (raw, gz)
    lines += ["", "Files loaded with the pages, largest first (KiB raw / gzip):"]
    for rel, (raw, gz) in sorted(shared.items(), key=lambda kv: -kv[1][1])[:12]:
        lines.append(f"  {raw / KIB:8.1f} / {gz / KIB:6.1f}  {rel}")
    if times:
        lines += ["", "Build time (build-report.json):",
                  f"  site: {times.get('site_seconds', '?')} s",
                  f"  PDF:  {times.get('pdf_seconds', 'not built')}"
                  + (" s" if "pdf_seconds" in times else "")]
    elif times is None:
        lines += ["", "Build time: no build-report.json in the site (build with scripts/build.py)."]
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", nargs="?", default=str(ROOT / "site"), help="the built site (default: site/)")
    ap.add_argument("--budget", type=float, default=150, help="KiB per page, gzip (default 150)")
    args = ap.parse_args(argv)
    site = pathlib.Path(args.site)
    if not (site / "index.html").exists():
        print(f"page_weight: no built site at {site} (run python3 scripts/build.py)", file=sys.stderr)
        return 2
    records = measure(site)
    print(format_report(records, args.budget, build_times(site)))
    over = [r["page"] for r in records if r["total_gzip"] / KIB > args.budget]
    if over:
        print(f"\nover the budget of {args.budget:g} KiB: {', '.join(over)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    bootstrap.run_inside(["requirements-test.txt"])
    sys.exit(main())
