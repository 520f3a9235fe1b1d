#!/usr/bin/env python3
"""Print the guide to PDF with headless Chromium: the whole guide from the
print page, and one page (extra.pdf.handout_page) as a short handout.

    python3 scripts/export_pdf.py [SITE_DIR] [--paper a4|letter] [-f CONFIG]

SITE_DIR defaults to site/. The files are written into SITE_DIR with the names
set in mkdocs.yml under extra.pdf (file, handout); the handout's page, its
title and the PDF keywords are set there too. Chromium is launched through
guidekit.browser (Playwright on the system's Chromium; $GUIDE_CHROMIUM names
another binary). Only file: and data: addresses may load: any other request
is refused and fails the export, naming the address.

Every browser step (starting Chromium, loading a page, preparing it, each
print pass, reading the headings) has a deadline; past it the browser is
killed and ExportError names the step.

What the export adds to what print.css does:
- every collapsed block opened, and a footer with the title and "Page N of M";
- page numbers in the contents list: printed once, the link targets' pages
  are read back and written into the list, then printed again (at most
  three passes, until they stop changing);
- after printing, guidekit.pdf sets the metadata, repairs the bookmarks'
  titles, rewrites links to local files and renumbers the structure tree's
  IDs, so the same site always gives the same PDF apart from its dates.
"""
import argparse
import os
import pathlib
import sys
import time

from guidekit import ROOT, browser, config  # stdlib only: importable before the venv

PAPER = {  # inches
    "a4": (8.27, 11.69),
    "letter": (8.5, 11.0),
}
MARGINS = {"top": "0.63in", "bottom": "0.71in", "left": "0.63in", "right": "0.63in"}
# Seconds each step may take before the browser is killed. Generous: on a
# busy two-core machine the whole guide prints in a few seconds a pass.
DEADLINES = {"launch": 30, "load": 60, "prepare": 60, "print": 120, "read": 30, "close": 15}
MAX_PASSES = 3


class ExportError(browser.BrowserError):
    """The PDF could not be made; the message names the step."""


class NoChromiumError(ExportError):
    """No Chromium to print with (the HTML site is complete without it)."""


# Run in the page before printing: open every collapsed block, drop the corner
# page number of print.css (the PDF has its own footer), wait for images and
# fonts.
PREPARE = """
async () => {
  document.querySelectorAll('details').forEach(d => d.open = true);
  const style = document.createElement('style');
  style.textContent = '@page { @bottom-right { content: none } }';
  document.head.appendChild(style);
  await Promise.all([document.fonts.ready, ...Array.from(document.images)
    .filter(i => !i.complete).map(i => new Promise(r => { i.onload = i.onerror = r; }))]);
  return true;
}
"""

# The headings' text as the reader sees it (for the bookmarks' titles).
HEADINGS = """
() => Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6')).map(h => {
  const c = h.cloneNode(true);
  c.querySelectorAll('.headerlink').forEach(a => a.remove());
  return c.textContent.replace(/\\s+/g, ' ').trim();
})
"""

# Write page numbers into the contents list (print.css shows data-page).
# Returns how many changed, so the caller knows when they have settled.
SET_TOC_PAGES = """
(pages) => {
  let changed = 0;
  document.querySelectorAll('#print-page-toc a[href^="#"]').forEach(a => {
    const page = pages[decodeURIComponent(a.getAttribute('href').slice(1))];
    if (page !== undefined && a.dataset.page !== String(page)) {
      a.dataset.page = String(page);
      changed += 1;
    }
  });
  return changed;
}
"""


def settings(config_file):
    """What the export needs from the configuration (INHERIT honoured)."""
    cfg = config.load(config_file)
    extra_pdf = cfg.extra.get("pdf") or {}
    missing = [k for k in ("file", "handout", "handout_page", "handout_title") if not extra_pdf.get(k)]
    if missing:
        raise ExportError(f"{config_file}: extra.pdf lacks {', '.join(missing)} "
                          "(see the extra.pdf block of mkdocs.yml)")
    keywords = extra_pdf.get("keywords") or []
    if isinstance(keywords, str):
        keywords = [keywords]
    inst = cfg.extra.get("institution") or {}
    title = cfg.plugins["print-site"].config.get("print_page_title")
    return {
        "title": title,
        "print_page": config.print_page(config_file),
        "author": str(inst.get("name") or cfg.site_author or ""),
        "subject": " ".join((cfg.site_description or "").split()),
        "language": cfg.theme.get("language") or "en",
        "site_url": cfg.site_url or "",
        "keywords": [str(k) for k in keywords],
        "jobs": [
            # (page to print, file to write, PDF title, footer title)
            (config.print_page(config_file), extra_pdf["file"], title, title),
            (config.html_name(extra_pdf["handout_page"]), extra_pdf["handout"],
             f"{extra_pdf['handout_title']} - {title}", extra_pdf["handout_title"]),
        ],
    }


def _print_page(c, source, footer_title, paper):
    """Load one page in a fresh context, print it (contents page numbers
    settled) and return (pdf bytes, headings)."""
    from guidekit import pdf

    name = source.name
    width, height = PAPER[paper]
    refused = []

    def refuse(route):
        refused.append(route.request.url)
        route.abort("blockedbyclient")

    def check_refused():
        if refused:
            raise ExportError(f"{name} asked for addresses that are not local files: "
                              f"{', '.join(dict.fromkeys(refused))} (the printed pages may load "
                              "only file: and data: addresses; remove the reference from the page)")

    with c.step(f"opening a tab for {name}", DEADLINES["load"]):
        context = c.browser.new_context()
        # Everything but local files is refused, and listed. Dialogs (alert,
        # confirm) are dismissed by Playwright, as no handler is set.
        context.route(lambda url: not url.startswith(("file:", "data:")), refuse)
        page = context.new_page()
    try:
        with c.step(f"loading {name}", DEADLINES["load"]):
            # Playwright's own timeout is a backstop: the step's deadline
            # comes first, stops the browser and names the step.
            page.goto(source.as_uri(), wait_until="load", timeout=(DEADLINES["load"] + 10) * 1000)
        with c.step(f"preparing {name} (opening collapsed blocks, waiting for fonts and images)",
                    DEADLINES["prepare"]):
            page.evaluate(PREPARE)
        check_refused()
        options = dict(width=f"{width}in", height=f"{height}in", margin=MARGINS,
                       print_background=True, prefer_css_page_size=False,
                       display_header_footer=True, header_template="<span></span>",
                       footer_template=pdf.footer(footer_title), tagged=True, outline=True)
        # The contents list gets its page numbers from the printed PDF's link
        # targets; print again until they stop changing.
        for n in range(1, MAX_PASSES + 2):
            with c.step(f"printing {name}, pass {n}", DEADLINES["print"]):
                data = page.pdf(**options)
            if n > MAX_PASSES:
                print(f"warning: {name}: the contents list's page numbers did not settle "
                      f"after {MAX_PASSES} passes", file=sys.stderr)
                break
            with c.step(f"writing page numbers into the contents of {name}, pass {n}",
                        DEADLINES["read"]):
                changed = page.evaluate(SET_TOC_PAGES, pdf.destination_pages(data))
            if not changed:
                break
        with c.step(f"reading the headings of {name}", DEADLINES["read"]):
            headings = page.evaluate(HEADINGS)
        check_refused()
    finally:
        try:
            with c.step(f"closing {name}", DEADLINES["close"]):
                context.close()
        except browser.BrowserError:
            pass  # the browser is closed (or killed) right after anyway
    return data, headings


def export(site_dir, config_file=ROOT / "mkdocs.yml", paper="a4"):
    """Write the guide PDF and the handout into site_dir; return their paths.
    Raises ExportError (NoChromiumError when there is no browser) naming
    the step that failed."""
    site_dir = pathlib.Path(site_dir).resolve()
    if paper not in PAPER:
        raise ExportError(f"unknown paper size '{paper}': use one of {', '.join(PAPER)}")
    cfg = settings(config_file)
    for page, *_ in cfg["jobs"]:
        if not (site_dir / page).exists():
            raise ExportError(f"{site_dir / page} is missing: build the site first")
    try:
        binary = browser.chromium_path()
    except browser.BrowserError as err:
        raise NoChromiumError(f"{err}; the PDF was not made") from None
    if not binary:
        raise NoChromiumError(f"no Chromium was found, so the PDF was not made "
                              f"({browser.INSTALL_HINT})")
    from guidekit import pdf

    written = []
    try:
        with browser.Chromium(launch_timeout=DEADLINES["launch"], binary=binary) as c:
            for page, name, title, footer_title in cfg["jobs"]:
                data, headings = _print_page(c, site_dir / page, footer_title, paper)
                written.append(pdf.finish(
                    data, site_dir / name, title=title, author=cfg["author"],
                    subject=cfg["subject"], language=cfg["language"], keywords=cfg["keywords"],
                    headings=headings, site_url=cfg["site_url"], site_dir=site_dir))
    except ExportError:
        raise
    except browser.BrowserError as err:
        raise ExportError(f"{err} (browser: {binary})") from None
    return written


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", nargs="?", default=str(ROOT / "site"))
    ap.add_argument("--paper", choices=sorted(PAPER), default=os.environ.get("GUIDE_PAPER", "a4"))
    ap.add_argument("-f", "--config-file", default=str(ROOT / "mkdocs.yml"))
    args = ap.parse_args(argv)
    started = time.monotonic()
    try:
        written = export(args.site, args.config_file, args.paper)
    except ExportError as err:
        print(f"PDF export failed: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("PDF export interrupted", file=sys.stderr)
        return 130
    for path in written:
        print(f"PDF: {path} ({path.stat().st_size // 1024} KiB, {args.paper})")
    print(f"PDF export took {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    import bootstrap

    bootstrap.run_inside(["requirements.txt"])
    sys.exit(main())
