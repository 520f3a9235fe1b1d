"""The evidence trail (issue 13), read from the pages' Markdown: every entry
in every page's Sources list names its year, edition or version, and points
at a specific document, never at a site's home page. And on the built
pages, a reader meets the raised note numbers in order: 1, 2, 3."""
import re
import urllib.parse

import pytest

from conftest import NAV_MD, NAV_PAGES, ROOT

DOCS = ROOT / "docs"
ENTRY = re.compile(r"^- \[(?P<text>.+)\]\((?P<url>[^)\s]+)\)\s*$")


def sources(md):
    text = (DOCS / md).read_text(encoding="utf-8")
    section = re.search(r"^## Sources\n(.*?)(?=^#{1,2} |\Z)", text, re.M | re.S)
    if not section:
        return None
    return [line for line in section.group(1).splitlines() if line.startswith("- ")]


@pytest.mark.parametrize("md", NAV_MD)
def test_sources_are_dated_and_specific(md):
    entries = sources(md)
    if entries is None:
        pytest.skip(f"{md} has no Sources section (tests/test_content.py says which pages need one)")
    assert entries, f"docs/{md}: the Sources section lists nothing"
    problems = []
    for line in entries:
        m = ENTRY.match(line)
        if not m:
            problems.append(f"not a '- [title, year](address)' entry: {line[:80]}")
            continue
        if not re.search(r"\b(19|20)\d\d\b|\bversion\b|\bedition\b", m["text"], re.I):
            problems.append(f"no year, edition or version: {m['text'][:80]}")
        parts = urllib.parse.urlsplit(m["url"])
        if not (parts.path.strip("/") or parts.query):
            problems.append(f"a site's home page, not a document: {m['url']}")
    assert not problems, f"docs/{md}:\n  " + "\n  ".join(problems)


NOTE_REF = re.compile(r'<a class="footnote-ref" href="#fn:[^"]+">(\d+)</a>')


@pytest.mark.parametrize("page", NAV_PAGES)
def test_notes_are_numbered_in_reading_order(site, page):
    """A page's raised note numbers, in the order a reader meets them, go
    1, 2, 3 (a note cited again may come back later). They jumped
    ("6, 12, 13, 7") on seven pages: overrides/hooks/note_numbers.py."""
    met = []
    for number in map(int, NOTE_REF.findall((site / page).read_text(encoding="utf-8"))):
        if number not in met:
            met.append(number)
    assert met == list(range(1, len(met) + 1)), f"{page}: notes are met in the order {met}"
