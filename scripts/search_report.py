#!/usr/bin/env python3
"""How well the built site's search finds the guide's sections by their titles.

    python3 scripts/search_report.py [SITE] [--baseline OTHER_SITE] [--every N]

Types section titles of the built site (SITE, default site/) into its search
box in headless Chromium, one after another as a reader would, and reports
the rank at which each section itself is listed: how many at rank 1 or 2,
how many within 5, and how many not shown. The theme draws the results of
the first ten pages and adds more only as the reader scrolls, so "not
shown" (rank 99) means not among those, not always absent.

The titles come from the search index: its entries with an anchor, less the
glossary's words (they have a test of their own), the Sources lists, the
Key points boxes and the notes' title, and titles of 60 characters or more.
--every N types every Nth of them (default: N is chosen so that at most
100 are typed, spread over the whole guide, the same ones for the same
index); --every 1 types them all.

With --baseline, the same titles are typed into another built site (for
example one built from the last release) and each title whose rank changed
is listed. A change to the words of one page, or to the search code
(docs/assets/javascripts/lazy-search.js), can push another page's section
down: the link text "when the cancer grows in the brain" on Living with
progression took that section from rank 2 to 10.

A report, not a test: ranks depend on every page's words, so there is no
fixed pass mark. Exit status 0, or 2 when a site or the browser is
missing, or the search gives no answer in time. About 25 s a site for 100
titles on two cores.
"""
import argparse
import contextlib
import json
import math
import pathlib
import re
import sys

from playwright.sync_api import Error as PlaywrightError

from guidekit import ROOT, browser, config, search_box
from guidekit.server import Server

LEFT_OUT = re.compile(r"^(key points|notes?)$", re.I)
MAX_TITLE = 60
SEARCH_TIMEOUT_MS = 10_000


def section_titles(index, sources_heading, glossary_page, every=None):
    """[(title, location)] of the index's sections a reader could ask for
    by their title, every Nth of them (at most 100 when every is None)."""
    glossary = config.html_name(glossary_page) if glossary_page else None
    found = []
    for doc in index["docs"]:
        title = re.sub(r"<[^>]+>", "", doc["title"]).strip()
        page, _, anchor = doc["location"].partition("#")
        if (not anchor or not title or page == glossary or len(title) >= MAX_TITLE
                or title.lower() == sources_heading.lower() or LEFT_OUT.match(title)):
            continue
        found.append((title.replace("?", ""), doc["location"]))
    step = every or max(1, math.ceil(len(found) / 100))
    return found[::step]


def ranks(site, titles, chromium=None):
    """{(title, location): rank} in the site's search (99: not listed).
    chromium: an open guidekit.browser.Chromium (left open), or None to
    start one."""
    result = {}
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(Server(site, "/search-report/"))
        chromium = chromium or stack.enter_context(browser.Chromium())
        context = chromium.browser.new_context()
        stack.callback(context.close)
        page = context.new_page()
        page.goto(server.url + "index.html", wait_until="load")
        field, meta = search_box.open_search(page, timeout_ms=SEARCH_TIMEOUT_MS)
        for title, location in titles:
            listed = [href.split("/search-report/")[1]
                      for href in search_box.ask(page, field, meta, title, SEARCH_TIMEOUT_MS)]
            result[(title, location)] = listed.index(location) + 1 if location in listed else 99
    return result


def summary(found):
    values = list(found.values())
    return (f"{len(values)} titles: {sum(r <= 2 for r in values)} at rank 1-2, "
            f"{sum(r <= 5 for r in values)} within 5, {sum(r == 99 for r in values)} not shown")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", nargs="?", default=str(ROOT / "site"))
    parser.add_argument("--baseline", help="another built site to compare with")
    parser.add_argument("--every", type=int, help="type every Nth title (default: at most 100 titles)")
    args = parser.parse_args(argv)
    site = pathlib.Path(args.site)
    index_file = site / "search" / "search_index.json"
    for built in [site] + ([pathlib.Path(args.baseline)] if args.baseline else []):
        if not (built / "search" / "search_index.json").is_file():
            print(f"search_report: {built / 'search' / 'search_index.json'} is missing: "
                  "build the site first (scripts/build.py)", file=sys.stderr)
            return 2
    extra = config.load().extra
    titles = section_titles(json.loads(index_file.read_text(encoding="utf-8")),
                            extra.get("sources_heading", "Sources"), extra.get("glossary_page"), args.every)
    try:
        now = ranks(site, titles)
        before = ranks(pathlib.Path(args.baseline), titles) if args.baseline else None
    except (browser.BrowserError, PlaywrightError) as err:  # a Playwright timeout is an Error
        print(f"search_report: {err}", file=sys.stderr)
        return 2
    print(f"{site}: {summary(now)}")
    for (title, location), rank in now.items():
        if rank > 2:
            print(f"  {rank:>3}  {title}  ({location})")
    if before is not None:
        print(f"{args.baseline}: {summary(before)}")
        changed = [(key, before[key], now[key]) for key in now if before[key] != now[key]]
        print(f"{len(changed)} titles changed rank:" if changed else "No title changed rank.")
        for (title, location), old, new in changed:
            print(f"  {old:>3} -> {new:<3} {title}  ({location})")
    return 0


if __name__ == "__main__":
    import bootstrap

    bootstrap.run_inside(["requirements.txt"])
    sys.exit(main())
