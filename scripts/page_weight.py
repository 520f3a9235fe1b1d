#!/usr/bin/env python3
"""What a first visit to each page transfers, gzip-compressed, against a stock
Material build of the same pages; optionally Lighthouse's scores.

    python3 scripts/page_weight.py [SITE_DIR] [--budget 100] [--print-budget 200]
                                   [--no-stock] [--lighthouse [RUNS]] [--page PAGE ...]

How it measures: each page of the built site (default: site/) is opened in
headless Chromium (guidekit.browser), served by guidekit.server under a
subpath, in a fresh browser context each time (an empty cache), so every page
is measured as if it were the first one a reader opens. Every request the
page (or a worker it starts) makes is recorded until none is in flight, twice
in a row, one animation frame and one task apart (guidekit.browser.InFlight):
the HTML, style sheets, scripts and images; the search worker and index wait
until the reader searches (docs/assets/javascripts/lazy-search.js). Each file
is then compressed with gzip at level 6, as a web server would send it, and
the sizes are added up per page. data: URLs are inside files already
counted; a request to another host is listed (there should be none; it never
leaves the machine).

Stock comparison: in the same run the same docs/ are built with a stock
Material configuration (theme defaults: no custom_dir, hooks, extra CSS or
JavaScript, palette or plugins but search; the same nav and Markdown
extensions) into a temporary folder and measured the same way; the report
gives each page's ratio, this build / stock. --no-stock skips it. The stock
theme asks Google Fonts for its font: that request is listed, not counted.

Lighthouse (--lighthouse, 3 runs per page unless a number follows): Lighthouse
12 (tests/package.json; scripts/test.py or `npm ci --prefix tests` installs
it), mobile preset (simulated slow 4G and a 4x slower CPU), on Debian's
Chromium (guidekit.browser.chromium_path()), headless. The site is served as
the shipped server files make a host serve it: compressed (a gzip copy of
the site in a temporary folder, sent with Content-Encoding: gzip by
guidekit.server). The report gives the median of the runs for performance,
accessibility and the main timings. Slow: about 15 s a run on two cores,
and the timings move with the machine's load.

It also prints the build times that scripts/build.py wrote beside the site
(guidekit.build_report_path: SITE_DIR-build-report.json).

Budgets (KiB, gzip): BUDGET_KIB for every page; the print page, which is
the whole guide on one page for the PDF, has its own, PRINT_BUDGET_KIB.

Exit status: 0 when every page is within its budget (KiB, gzip), 1 when a
page is over it, 2 when the site, the browser or Lighthouse is missing or
failed.
"""
import argparse
import contextlib
import gzip
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.parse

from guidekit import ROOT, browser, build_report_path, config
from guidekit.server import Server

SUBPATH = "/page-weight/"
KIB = 1024
# Seconds a page may take to load, then to go quiet, before the browser is
# stopped and the measurement fails naming the page.
DEADLINES = {"load": 30, "idle": 30, "close": 15}
# Budgets of a first visit (KiB, gzip), issue 16: 100 for every page, the
# print page (the whole guide) apart.
BUDGET_KIB = 100
PRINT_BUDGET_KIB = 200
# Lighthouse: where npm puts it (tests/package.json), runs per page, and the
# seconds one run may take before it is stopped and the report fails.
LIGHTHOUSE = ROOT / "tests" / "node_modules" / "lighthouse" / "cli" / "index.js"
LIGHTHOUSE_RUNS = 3
LIGHTHOUSE_DEADLINE = 240
# What the report shows of each run: Lighthouse's audit id, the column, the unit.
LIGHTHOUSE_METRICS = [("first-contentful-paint", "FCP", "s"), ("largest-contentful-paint", "LCP", "s"),
                      ("total-blocking-time", "TBT", "ms"), ("cumulative-layout-shift", "CLS", "")]


class LighthouseError(RuntimeError):
    """Lighthouse is missing or a run failed; the message says which and what to do."""


def budget_for(page, budget=BUDGET_KIB, print_budget=PRINT_BUDGET_KIB):
    """The print page (the whole guide on one page) has its own budget."""
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
    """Open url in a fresh context (empty cache); return every URL it (or a
    worker it started) asked for until the network fell quiet."""
    seen = []
    with c.step(f"opening a tab for {url}", DEADLINES["load"]):
        context = c.browser.new_context(viewport={"width": 1280, "height": 900})
        in_flight = browser.InFlight(context)
        context.on("request", lambda request: seen.append(request.url))
        page = context.new_page()
    try:
        with c.step(f"loading {url}", DEADLINES["load"]):
            # Playwright's timeouts are backstops: the step's deadline comes
            # first, stops the browser and names the step.
            page.goto(url, wait_until="load", timeout=(DEADLINES["load"] + 10) * 1000)
        with c.step(f"waiting for {url} to go quiet", DEADLINES["idle"] + 5):
            if not in_flight.settle(page, DEADLINES["idle"]):
                raise browser.BrowserError(f"{url} was still loading after {DEADLINES['idle']} s")
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


# --- the stock build ----------------------------------------------------------

def stock_config(config_file, site_dir):
    """A stock Material configuration (a dict) for the same docs: theme
    defaults, the same nav, page lists and Markdown extensions, search the
    only plugin, no hooks, overrides, extra CSS or JavaScript."""
    cfg = config.load(config_file)
    extensions = []
    for ext in cfg["markdown_extensions"]:
        name = ext if isinstance(ext, str) else getattr(ext, "__module__", str(ext))
        options = cfg["mdx_configs"].get(name)
        extensions.append({name: _plain(options)} if options else name)
    stock = {
        "site_name": cfg["site_name"],
        "docs_dir": str(pathlib.Path(cfg["docs_dir"]).resolve()),
        "site_dir": str(site_dir),
        "use_directory_urls": cfg["use_directory_urls"],
        "theme": {"name": "material"},
        "markdown_extensions": extensions,
        "plugins": ["search"],
    }
    if cfg["nav"]:
        stock["nav"] = _plain(cfg["nav"])
    for key in ("exclude_docs", "not_in_nav"):
        if cfg[key]:
            stock[key] = str(cfg[key])
    return stock


def _plain(value):
    """value with MkDocs' path placeholders (!relative, !ENV) as plain text,
    so it can be written as YAML."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return value


def build_stock(config_file, folder):
    """Build the stock configuration into folder/site; return the site's path.
    Raises RuntimeError with MkDocs' last lines when the build fails."""
    import yaml

    folder = pathlib.Path(folder)
    site = folder / "site"
    cfg_path = folder / "mkdocs-stock.yml"
    cfg_path.write_text(yaml.safe_dump(stock_config(config_file, site), sort_keys=False), encoding="utf-8")
    done = config.mkdocs_build(cfg_path, args=["--quiet"], cwd=folder, capture_output=True, text=True,
                               timeout=600)
    if done.returncode != 0 or not (site / "index.html").exists():
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-5:])
        raise RuntimeError(f"the stock Material build ({cfg_path}) failed:\n{tail}")
    return site


# --- Lighthouse ---------------------------------------------------------------

def gzip_copy(site, folder):
    """A copy of the site with every file gzip-compressed (level 6) under its
    own name, to be served with Content-Encoding: gzip."""
    site, folder = pathlib.Path(site), pathlib.Path(folder)
    for path in site.rglob("*"):
        if path.is_file():
            target = folder / path.relative_to(site)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(gzip.compress(path.read_bytes(), compresslevel=6))
    return folder


def lighthouse_once(url, out_json, chromium_binary):
    """One Lighthouse run (mobile preset, performance and accessibility);
    returns its JSON report as a dict. Raises LighthouseError."""
    flags = " ".join(["--headless=new"] + [a for a in browser.ARGS if not a.startswith("--host-resolver-rules")]
                     + ['--host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"'])
    cmd = [shutil.which("node") or "node", str(LIGHTHOUSE), url, "--quiet", "--output=json",
           f"--output-path={out_json}", "--only-categories=performance,accessibility",
           f"--chrome-flags={flags}", f"--max-wait-for-load={LIGHTHOUSE_DEADLINE * 500}"]
    env = dict(os.environ, CHROME_PATH=chromium_binary)
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=LIGHTHOUSE_DEADLINE)
    except subprocess.TimeoutExpired:
        raise LighthouseError(f"Lighthouse on {url}: no result within {LIGHTHOUSE_DEADLINE} s, "
                              "so it was stopped") from None
    if done.returncode != 0 or not pathlib.Path(out_json).exists():
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise LighthouseError(f"Lighthouse on {url} failed (exit {done.returncode}): {last[0]}")
    report = json.loads(pathlib.Path(out_json).read_text(encoding="utf-8"))
    if report.get("runtimeError"):
        raise LighthouseError(f"Lighthouse on {url}: {report['runtimeError'].get('message')}")
    return report


def lighthouse_summary(report):
    """{performance, accessibility (0-100), FCP, LCP, TBT, CLS, failed
    accessibility audits} of one Lighthouse report."""
    cats = report["categories"]
    summary = {name: round(100 * cats[name]["score"]) if cats[name]["score"] is not None else None
               for name in ("performance", "accessibility")}
    for audit, column, unit in LIGHTHOUSE_METRICS:
        value = report["audits"][audit].get("numericValue")
        summary[column] = None if value is None else (value / 1000 if unit == "s" else value)
    refs = [ref["id"] for ref in cats["accessibility"]["auditRefs"] if ref.get("weight")]
    summary["a11y_failed"] = sorted(a for a in refs if report["audits"][a].get("score") == 0)
    return summary


def lighthouse(site, pages=None, runs=LIGHTHOUSE_RUNS, progress=None):
    """{page: medians of `runs` Lighthouse runs} for the built site, served
    compressed under SUBPATH. Raises LighthouseError."""
    if not LIGHTHOUSE.exists():
        raise LighthouseError(f"Lighthouse is not installed ({LIGHTHOUSE} is missing): run "
                              "python3 scripts/test.py once, or npm ci --prefix tests")
    binary = browser.chromium_path()
    if not binary:
        raise LighthouseError(f"no Chromium was found ({browser.INSTALL_HINT})")
    site = pathlib.Path(site).resolve()
    pages = pages or pages_of(site)
    results = {}
    with tempfile.TemporaryDirectory(prefix="page-weight-lh-") as tmp:
        served = gzip_copy(site, pathlib.Path(tmp) / "site")
        with Server(served, SUBPATH, {"Content-Encoding": "gzip"}) as server:
            for page in pages:
                summaries = []
                for n in range(runs):
                    if progress:
                        progress(f"Lighthouse: {page}, run {n + 1} of {runs}")
                    report = lighthouse_once(server.url + page, pathlib.Path(tmp) / "report.json", binary)
                    summaries.append(lighthouse_summary(report))
                results[page] = median_of(summaries)
    return results


def median_of(summaries):
    out = {}
    for key in summaries[0]:
        values = [s[key] for s in summaries]
        if key == "a11y_failed":
            out[key] = sorted({a for v in values for a in v})
        elif any(v is None for v in values):
            out[key] = None
        else:
            out[key] = statistics.median(values)
    out["runs"] = len(summaries)
    return out


# --- the report ---------------------------------------------------------------

def build_times(site):
    """The timings scripts/build.py kept beside the site, or None."""
    report = build_report_path(site)
    if not report.exists():
        return None
    return json.loads(report.read_text())


def format_report(records, budget_kib=BUDGET_KIB, times=None, print_budget_kib=PRINT_BUDGET_KIB,
                  stock=None, scores=None):
    """The report's text. stock: the stock build's records (adds a column and
    the ratio); scores: lighthouse() results (adds a table)."""
    stock_by_page = {r["page"]: r for r in stock or []}
    lines = [f"First visit, gzip level 6 (budget {budget_kib:g} KiB per page, "
             f"{print_budget_kib:g} KiB for the whole guide on the print page):", ""]
    header = f"{'page':34} {'files':>5} {'HTML KiB':>9} {'total KiB':>10}"
    if stock is not None:
        header += f" {'stock KiB':>10} {'ratio':>6}"
    lines.append(header)
    for r in records:
        html = next((f[2] for f in r["files"] if f[0] == r["page"]), 0)
        total = r["total_gzip"] / KIB
        flag = "OVER BUDGET" if total > budget_for(r["page"], budget_kib, print_budget_kib) else ""
        line = f"{r['page']:34} {len(r['files']):5d} {html / KIB:9.1f} {total:10.1f}"
        if stock is not None:
            other = stock_by_page.get(r["page"])
            if other and other["total_gzip"]:
                line += f" {other['total_gzip'] / KIB:10.1f} {r['total_gzip'] / other['total_gzip']:6.2f}"
            else:
                line += f" {'-':>10} {'-':>6}"
        lines.append(f"{line}  {flag}".rstrip())
        for url in r["foreign"]:
            lines.append(f"    request to another host: {url}")
    if stock is not None:
        both = [(r["total_gzip"], stock_by_page[r["page"]]["total_gzip"]) for r in records
                if stock_by_page.get(r["page"], {}).get("total_gzip")]
        if both:
            lines += ["", f"Against stock Material (theme defaults, same pages; 'stock KiB'): this build is "
                          f"{sum(a for a, _ in both) / sum(b for _, b in both):.2f} of it in total, "
                          f"{min(a / b for a, b in both):.2f} to {max(a / b for a, b in both):.2f} a page."]
        foreign = sorted({u for r in stock for u in r["foreign"]})
        if foreign:
            lines.append("  The stock pages also ask another host (not counted): "
                         + ", ".join(sorted({urllib.parse.urlsplit(u).netloc for u in foreign})))
        missing = [r["page"] for r in records if r["page"] not in stock_by_page]
        if missing:
            lines.append(f"  Not in the stock build (made by this build's plugins): {', '.join(missing)}")
    shared = {}
    for r in records:
        for rel, raw, gz in r["files"]:
            if not rel.endswith(".html"):
                shared[rel] = (raw, gz)
    lines += ["", "Files loaded with the pages, largest first (KiB raw / gzip):"]
    for rel, (raw, gz) in sorted(shared.items(), key=lambda kv: -kv[1][1])[:12]:
        lines.append(f"  {raw / KIB:8.1f} / {gz / KIB:6.1f}  {rel}")
    if scores:
        runs = max(s["runs"] for s in scores.values())
        lines += ["", f"Lighthouse 12, mobile preset, served compressed (median of {runs} runs; "
                      "targets: performance 95, accessibility 100):", "",
                  f"{'page':34} {'perf':>5} {'a11y':>5} {'FCP s':>6} {'LCP s':>6} {'TBT ms':>7} {'CLS':>6}"]
        for page, s in scores.items():
            def num(v, fmt):
                return format(v, fmt) if v is not None else "-"
            lines.append(f"{page:34} {num(s['performance'], '5.0f')} {num(s['accessibility'], '5.0f')} "
                         f"{num(s['FCP'], '6.1f')} {num(s['LCP'], '6.1f')} {num(s['TBT'], '7.0f')} "
                         f"{num(s['CLS'], '6.3f')}")
            if s["a11y_failed"]:
                lines.append(f"    accessibility audits failed: {', '.join(s['a11y_failed'])}")
        perf = [s["performance"] for s in scores.values() if s["performance"] is not None]
        if perf:
            lines.append(f"  performance {min(perf):.0f} to {max(perf):.0f}; "
                         f"{sum(p >= 95 for p in perf)} of {len(perf)} pages at 95 or more")
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
    ap.add_argument("--config-file", default=str(ROOT / "mkdocs.yml"),
                    help="the configuration the site was built from, for the stock build (default: mkdocs.yml)")
    ap.add_argument("--no-stock", action="store_true", help="skip the stock Material build and its ratio")
    ap.add_argument("--lighthouse", nargs="?", type=int, const=LIGHTHOUSE_RUNS, default=0, metavar="RUNS",
                    help=f"also run Lighthouse, RUNS times a page (default {LIGHTHOUSE_RUNS}); slow")
    ap.add_argument("--page", action="append", default=None,
                    help="measure only this page (e.g. faq.html); may be repeated")
    args = ap.parse_args(argv)
    site = pathlib.Path(args.site)
    if not (site / "index.html").exists():
        print(f"page_weight: no built site at {site} (run python3 scripts/build.py)", file=sys.stderr)
        return 2
    pages = args.page
    if pages:
        missing = [p for p in pages if not (site / p).is_file()]
        if missing:
            print(f"page_weight: no such page in {site}: {', '.join(missing)}", file=sys.stderr)
            return 2
    stock = scores = None
    try:
        with browser.Chromium() as c:
            records = measure(site, pages, c)
            if not args.no_stock:
                with tempfile.TemporaryDirectory(prefix="page-weight-stock-") as tmp:
                    stock_site = build_stock(args.config_file, tmp)
                    stock_pages = [p for p in (pages or pages_of(site)) if (stock_site / p).is_file()]
                    stock = measure(stock_site, stock_pages, c)
    except browser.BrowserError as err:
        print(f"page_weight: {err}", file=sys.stderr)
        return 2
    except (RuntimeError, subprocess.TimeoutExpired) as err:
        print(f"page_weight: {err}", file=sys.stderr)
        return 2
    if args.lighthouse:
        try:
            scores = lighthouse(site, pages, args.lighthouse,
                                progress=lambda msg: print(msg, file=sys.stderr, flush=True))
        except LighthouseError as err:
            print(f"page_weight: {err}", file=sys.stderr)
            return 2
    print(format_report(records, args.budget, build_times(site), args.print_budget, stock, scores))
    over = over_budget(records, args.budget, args.print_budget)
    if over:
        print(f"\nover their budget: {', '.join(f'{p} ({k} KiB)' for p, k in over.items())}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    import bootstrap

    bootstrap.run_inside(["requirements.txt"])
    sys.exit(main())
