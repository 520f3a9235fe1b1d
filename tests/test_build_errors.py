"""Bad input fails the build with a message that names the file and says what
to fix, and the last good site stays where it was.

Each case copies mkdocs.yml, docs/ and overrides/ into a temporary folder,
breaks one thing, and runs the README's build command (scripts/build.py)
into a site folder that already holds a "previous good site".
"""
import re
import shutil

import pytest

from conftest import ROOT, run_build

MARKER = "PREVIOUS GOOD SITE 7f3a9c"


@pytest.fixture
def project(tmp_path):
    """A private copy of the guide's sources; returns its folder."""
    copy = tmp_path / "project"
    copy.mkdir()
    shutil.copy2(ROOT / "mkdocs.yml", copy / "mkdocs.yml")
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, copy / name)
    return copy


@pytest.fixture
def previous_site(tmp_path):
    """A folder holding a stand-in for the last good site."""
    site = tmp_path / "out" / "site"
    site.mkdir(parents=True)
    (site / "index.html").write_text(f"<p>{MARKER}</p>\n", encoding="utf-8")
    (site / "marker.txt").write_text(MARKER, encoding="utf-8")
    return site


def append(path, text):
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def set_front_matter(path, key, value):
    """Replace (value) or remove (value None) one front matter line."""
    text = path.read_text(encoding="utf-8")
    line = re.compile(rf"^{key}:.*\n", re.M)
    assert line.search(text), f"{path.name} has no '{key}' line to change"
    text = line.sub("" if value is None else f"{key}: {value}\n", text, count=1)
    path.write_text(text, encoding="utf-8")


NEW_PAGE = """---
title: A new page
description: A page someone added but forgot to list in the navigation.
last_reviewed: 2026-11-23
next_review: 2027-05-23
---

# A new page

Text.
"""


def break_link(docs):
    append(docs / "faq.md", "\n\nSee [the missing page](no-such-page.md).\n")


def break_anchor(docs):
    append(docs / "faq.md", "\n\nSee [a missing section](glossary.md#no-such-section).\n")


def add_page_outside_nav(docs):
    (docs / "new-page.md").write_text(NEW_PAGE, encoding="utf-8")


# (case id, how to break the copy, the file the message must name,
#  words the message must contain that say what to fix)
CASES = [
    ("broken-link", break_link, "faq.md", ["no-such-page.md", "not found"]),
    ("missing-anchor", break_anchor, "faq.md", ["anchor", "#no-such-section"]),
    ("page-not-in-nav", add_page_outside_nav, "new-page.md", ['not included in the "nav"']),
    ("missing-description", lambda d: set_front_matter(d / "faq.md", "description", None),
     "faq.md", ["description"]),
    ("missing-last-reviewed", lambda d: set_front_matter(d / "faq.md", "last_reviewed", None),
     "faq.md", ["last_reviewed"]),
    ("date-not-iso", lambda d: set_front_matter(d / "faq.md", "last_reviewed", "23/11/2026"),
     "faq.md", ["last_reviewed", "YYYY-MM-DD"]),
    ("date-impossible", lambda d: set_front_matter(d / "faq.md", "last_reviewed", "2026-13-45"),
     "faq.md", ["last_reviewed", "YYYY-MM-DD"]),
]


def leftovers(site):
    """Temporary build folders the build script left beside the site."""
    return sorted(p.name for p in site.parent.iterdir() if p.name.startswith(f".{site.name}."))


@pytest.mark.parametrize("breaks, filename, fix_words",
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_fails_clearly_and_keeps_previous_site(project, previous_site, breaks,
                                                         filename, fix_words):
    breaks(project / "docs")
    result = run_build(previous_site, config_file=project / "mkdocs.yml", pdf=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the build should fail:\n{output}"
    assert filename in output, f"the message does not name {filename}:\n{output}"
    for words in fix_words:
        assert words in output, f"the message does not say {words!r}:\n{output}"
    assert "Traceback" not in output, f"a crash, not a message:\n{output}"
    # The last good site is untouched and nothing half-built is left about.
    assert (previous_site / "index.html").read_text(encoding="utf-8") == f"<p>{MARKER}</p>\n"
    assert (previous_site / "marker.txt").read_text(encoding="utf-8") == MARKER
    assert sorted(p.name for p in previous_site.iterdir()) == ["index.html", "marker.txt"]
    assert not leftovers(previous_site), f"left behind: {leftovers(previous_site)}"


def test_good_build_replaces_previous_site(project, previous_site):
    result = run_build(previous_site, config_file=project / "mkdocs.yml", pdf=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    index = (previous_site / "index.html").read_text(encoding="utf-8")
    assert MARKER not in index
    assert "md-content" in index, "index.html is not a page of the guide"
    assert not (previous_site / "marker.txt").exists(), "the old site was not replaced"
    assert (previous_site / "faq.html").is_file()
    assert not leftovers(previous_site), f"left behind: {leftovers(previous_site)}"
