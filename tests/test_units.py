"""Unit tests of the pure parts: no build, no browser.

guidekit.frontmatter is the one reader of a page's front matter (the build's
checks, review_dates.py, reading_grade.py); these pin what it says.
"""
import pytest

import reading_grade
import review_dates
from conftest import ROOT
from guidekit import frontmatter

GOOD = """---
title: A page
description: One plain sentence.
last_reviewed: 2026-11-23
next_review: 2027-05-23
---

# A page

Text.
"""


def test_a_good_page_has_no_problems():
    block, body = frontmatter.split(GOOD, "docs/a.md")
    meta = frontmatter.parse(block, "docs/a.md")
    assert meta == {"title": "A page", "description": "One plain sentence.",
                    "last_reviewed": "2026-11-23", "next_review": "2027-05-23"}
    assert body.startswith("\n# A page")
    assert frontmatter.problems(meta, "docs/a.md") == []


def test_a_block_that_is_not_closed_is_named_as_such():
    with pytest.raises(frontmatter.FrontMatterError) as err:
        frontmatter.split(GOOD.replace("---\n\n# A page", "\n# A page"), "docs/a.md")
    assert str(err.value).startswith("docs/a.md: the front matter that starts on line 1 is not closed")


def test_a_block_that_runs_into_the_text_is_not_closed():
    text = GOOD.replace("---\n\n# A page", "\n# A page") + "\n---\n\nMore text.\n"
    with pytest.raises(frontmatter.FrontMatterError) as err:
        frontmatter.split(text, "docs/a.md")
    assert "is not closed" in str(err.value) and "heading on line 7" in str(err.value)


def test_invalid_yaml_names_the_line():
    with pytest.raises(frontmatter.FrontMatterError) as err:
        frontmatter.parse("title: A page\ndescription: [unclosed\n", "docs/a.md")
    assert "docs/a.md" in str(err.value) and "not valid YAML" in str(err.value)


def test_an_unknown_key_gets_a_suggestion():
    meta = frontmatter.parse(frontmatter.split(GOOD.replace("title:", "titel:"))[0])
    found = frontmatter.problems(meta, "docs/a.md")
    assert any("unknown key 'titel'. Did you mean 'title'?" in p for p in found), found
    assert any("missing 'title'" in p for p in found), found


def test_next_review_before_last_reviewed_shows_both():
    meta = {"title": "t", "description": "d", "last_reviewed": "2026-11-23",
            "next_review": "2026-11-01"}
    assert frontmatter.problems(meta, "docs/a.md") == [
        "docs/a.md: front matter 'next_review' (2026-11-01) must come after 'last_reviewed' "
        "(2026-11-23). Correct one of the two dates."]


@pytest.mark.parametrize("value, ok", [("full", True), ("pointer", True), ("none", True),
                                       ("yes", False)])
def test_urgent_care_values(value, ok):
    meta = {"title": "t", "description": "d", "last_reviewed": "2026-11-23",
            "next_review": "2027-05-23", "urgent_care": value}
    assert (frontmatter.problems(meta, "docs/a.md") == []) is ok


def test_every_page_of_the_guide_passes():
    problems = [p for page in frontmatter.pages(ROOT / "docs")
                for p in frontmatter.check(page, page.relative_to(ROOT).as_posix())]
    assert problems == []


def test_snippets_are_not_pages():
    pages = [p.relative_to(ROOT / "docs").as_posix() for p in frontmatter.pages(ROOT / "docs")]
    assert "index.md" in pages
    assert not [p for p in pages if p.startswith("includes/")]


def test_reading_grade_scores_pages_not_snippets(capsys):
    reading_grade.main([])
    out = capsys.readouterr().out
    assert "index.md" in out
    assert "includes" not in out, out


def test_review_dates_and_the_build_read_the_same_front_matter():
    page = ROOT / "docs" / "faq.md"
    assert review_dates.read_front_matter(page) == frontmatter.read(page)
