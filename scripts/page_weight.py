#!/usr/bin/env python3
"""What a first visit to each page transfers, gzip-compressed, and how long the
build took.

    python3 scripts/page_weight.py [SITE_DIR] [--budget 110] [--print-budget 200]

How it measures: each page of the built site (default: site/) is opened in
headless Chromium (guidekit.browser), served by guidekit.server under a
subpath, in a fresh browser context each time (an empty cache), so every page
is measured as if it were the first one a reader opens. Every request the
page makes until the network has been idle for half a second is recorded
(the HTML, style sheets, scripts, images and the search worker; the search
index waits until the reader searches: docs/assets/javascripts/lazy-search.js). Each file is then compressed with
gzip at level 6, as a web server would send it, and the sizes are added up
per page. data: URLs are inside files already counted; a request to another
host is listed (there should be none; it never leaves the machine).

It also prints the build times that scripts/build.py wrote beside the site
(guidekit.build_report_path: SITE_DIR-build-report.json).

Budgets (KiB, gzip): BUDGET_KIB for every page; the print page, which is
the whole guide on one page for the PDF, has its own, PRINT_BUDGET_KIB.

Exit status: 0 when every page is within its budget (KiB, gzip), 1 when a
page is over it, 2 when the site or the browser is missing or the browser
failed.
"""
import argparse
import contextlib
import gzip
import json
import pathlib
import sys
import urllib.parse

from guidekit import ROOT, browser, build_report_path
from guidekit.server import Server

SUBPATH = "/page-weight/"
KIB = 1024
# Seconds a page may take to load, then to go quiet, before the browser is
# stopped and the measurement fails naming the page.
DEADLINES = {"load": 30, "idle": 30, "close": 15}
# Budgets of a first visit (KiB, gzip). Issue 16 aims at 100 for every page.
BUDGET_KIB = 110
PRINT_BUDGET_KIB = 200


def budget_for(page, budget=BUDGET_KIB, print_budget=PRINT_BUDGET_KIB):
    """The print page (the whole guide on one page) has its own budget."""
    from guidekit import config
    return print_budget if page == config.print_page() else budget


def over_budget(records, budget=BUDGET_KIB, print_budget=PRINT_BUDGET_KIB):
    """{page: KiB} of the pages over their budget."""
    return {r["page"]: round(r["total_gzip"] / KIB, 1) for r in records
            if r["total_gzip"] / KIB > budget_for(r["page"], budget, print_budget)}


def gzip_size(data):
    return len(gzip.compress(data, compresslevel=6))


def pages_of(site):
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if p.name != "404.html")


def _first_visit(c, url):
    """Open url in a fresh context (empty cache); return every URL it asked
    for until the network was idle."""
    seen = []
    with c.step(f"opening a tab for {url}", DEADLINES["load"]):
        context = c.browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.on("request", lambda request: seen.append(request.url))
    try:
        with c.step(f"loading {url}", DEADLINES["load"]):
            # Playwright's timeouts are backstops: the step's deadline comes
            # first, stops the browser and names the step.
            page.goto(url, wait_until="load", timeout=(DEADLINES["load"] + 10) * 1000)
        with c.step(f"waiting for {url} to go quiet", DEADLINES["idle"]):
            page.wait_for_load_state("networkidle", timeout=(DEADLINES["idle"] + 10) * 1000)
    finally:
        try:
            with c.step(f"closing {url}", DEADLINES["close"]):
                context.close()
        except browser.BrowserError:
            pass
    return seen


def measure(site, pages=None, chromium=None):
    """Return one record per page: {page, files: [(path, bytes, gzip bytes)],
    foreign: [urls], total_gzip}. chromium: an open guidekit.browser.Chromium
    (left open), or None to start one. Raises browser.BrowserError naming
    the step when the browser fails."""
    site = pathlib.Path(site).resolve()
    pages = pages or pages_of(site)
    records = []
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(Server(site, SUBPATH))
        c = chromium or stack.enter_context(browser.Chromium())
        base = server.url
        for page in pages:
            files, foreign, seen = [], [], set()
            for url in _first_visit(c, base + page):
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
    return records


def build_times(site):
    """The timings scripts/build.py kept beside the site, or None."""
    report = build_report_path(site)
    if not report.exists():
        return None
    return json.loads(report.read_text())


def format_report(records, budget_kib=BUDGET_KIB, times=None, print_budget_kib=PRINT_BUDGET_KIB):
    lines = [f"First visit, gzip level 6 (budget {budget_kib:g} KiB per page, "
             f"{print_budget_kib:g} KiB for the whole guide on the print page):", "",
             f"{'page':34} {'files':>5} {'HTML KiB':>9} {'total KiB':>10}  "]
    for r in records:
        html = next((f[2] for f in r["files"] if f[0] == r["page"]), 0)
        total = r["total_gzip"] / KIB
        flag = "OVER BUDGET" if total > budget_for(r["page"], budget_kib, print_budget_kib) else ""
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
        lines += ["", "Build time (the build report beside the site):",
                  f"  site: {times.get('site_seconds', '?')} s",
                  f"  PDF:  {times.get('pdf_seconds', 'not built')}"
                  + (" s" if "pdf_seconds" in times else "")]
    elif times is None:
        lines += ["", "Build time: no build report beside the site (build with scripts/build.py)."]
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", nargs="?", default=str(ROOT / "site"), help="the built site (default: site/)")
    ap.add_argument("--budget", type=float, default=BUDGET_KIB,
                    help=f"KiB per page, gzip (default {BUDGET_KIB})")
    ap.add_argument("--print-budget", type=float, default=PRINT_BUDGET_KIB,
                    help=f"KiB for the print page, the whole guide (default {PRINT_BUDGET_KIB})")
    args = ap.parse_args(argv)
    site = pathlib.Path(args.site)
    if not (site / "index.html").exists():
        print(f"page_weight: no built site at {site} (run python3 scripts/build.py)", file=sys.stderr)
        return 2
    try:
        records = measure(site)
    except browser.BrowserError as err:
        print(f"page_weight: {err}", file=sys.stderr)
        return 2
    print(format_report(records, args.budget, build_times(site), args.print_budget))
    over = over_budget(records, args.budget, args.print_budget)
    if over:
        print(f"\nover their budget: {', '.join(f'{p} ({k} KiB)' for p, k in over.items())}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    import bootstrap

    bootstrap.run_inside(["requirements.txt"])
    sys.exit(main())
