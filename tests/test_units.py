"""Unit tests of the pure parts: no build, no browser.

guidekit.frontmatter is the one reader of a page's front matter (the build's
checks, review_dates.py, reading_grade.py); these pin what it says.
"""
import pathlib
import re

import pytest

import reading_grade
from conftest import ROOT, hook
from guidekit import config as guide_config
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


@pytest.mark.parametrize("value, ok", [("{exclude: true}", True), ("{boost: 2}", True),
                                       ("{exclude: yes please}", False), ("{boost: 0}", False),
                                       ("{hide: true}", False), ("exclude", False)])
def test_search_values(value, ok):
    """Material's page-level search settings pass; anything else is named."""
    meta = frontmatter.parse("title: t\ndescription: d\nlast_reviewed: 2026-11-23\n"
                             f"next_review: 2027-05-23\nsearch: {value}\n")
    found = frontmatter.problems(meta, "docs/a.md")
    assert (found == []) is ok, found
    if not ok:
        assert "docs/a.md: front matter 'search'" in found[0] and "exclude: true" in found[0]


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


GRADED_PAGE = """---
title: T
---
# A heading is not prose

Some text with a [link](https://example.org/a-long-target) here.

| a table | is not prose |
|---|---|

!!! note "Careful"
    Inside the box.

- first item
- [ ] a question

*[NSCLC]: non-small cell lung cancer
<!-- a comment -->
![alt text](x.png){ width="5" }
"""


def test_reading_grade_reads_only_the_prose():
    assert reading_grade.prose(GRADED_PAGE) == [
        "Some text with a link here.", "Inside the box.", "first item", "a question"]


def test_reading_grade_golden_values():
    """Syllables by the vowel-group rule, and Flesch-Kincaid worked by hand:
    14 words, 15 syllables, 2 sentences: 0.39 * 7 + 11.8 * 15 / 14 - 15.59 = -0.2."""
    assert [reading_grade.syllables(w) for w in
            ("cat", "table", "cancer", "treatment", "progression", "checks", "about")] == [1, 2, 2, 2, 3, 1, 2]
    assert reading_grade.score(["Your team checks the scan. Then they talk with you about what it shows."]) \
        == (-0.2, 14, 2)
    assert reading_grade.score(["", "12 34"]) == (0.0, 0, 0)


# --- the build's hooks (overrides/hooks/, loaded as MkDocs loads them) -----------

# Every hook listed under hooks: in mkdocs.yml.
FEATURE_HOOKS = tuple(pathlib.Path(path).stem for path in guide_config.load()["hooks"])


@pytest.mark.parametrize("name", FEATURE_HOOKS)
def test_every_hook_event_has_an_explicit_priority(name):
    mod = hook(name)
    path = f"overrides/hooks/{name}.py"
    assert "priorit" in (mod.__doc__ or "").lower(), f"{path}: the docstring does not say why its priorities"
    events = [n for n in dir(mod) if n.startswith("on_")]
    assert events, f"{path}: no event"
    for event in events:
        assert hasattr(getattr(mod, event), "mkdocs_priority"), f"{path}: {event} has no @event_priority"


def test_urgent_care_data_names_its_home_page(tmp_path):
    """guidekit.urgent_care.load: the card's home page comes from the data
    file, and a file without one fails naming the file and the key."""
    import shutil

    from mkdocs.exceptions import PluginError

    from guidekit import urgent_care
    assert urgent_care.load(ROOT / "docs")["home"] == "index.md"
    (tmp_path / "includes").mkdir()
    copy = tmp_path / urgent_care.DATA
    shutil.copy(ROOT / "docs" / urgent_care.DATA, copy)
    copy.write_text(re.sub(r"(?m)^home: .*$", "", copy.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(PluginError, match=r"urgent-care\.yml: 'home' must name the page"):
        urgent_care.load(tmp_path)


def test_urgent_care_search_words_must_be_a_list(tmp_path):
    """A sign's `search` (other words readers type for it) written as one
    string fails the build naming the file, the sign and the form it needs."""
    import shutil

    from mkdocs.exceptions import PluginError

    from guidekit import urgent_care
    (tmp_path / "includes").mkdir()
    copy = tmp_path / urgent_care.DATA
    shutil.copy(ROOT / "docs" / urgent_care.DATA, copy)
    text = copy.read_text(encoding="utf-8")
    assert "        search: [stroke]\n" in text, "the stroke sign's search words have moved"
    copy.write_text(text.replace("        search: [stroke]\n", "        search: stroke\n"), encoding="utf-8")
    with pytest.raises(PluginError, match=r"urgent-care\.yml: .*item 'Sudden weakness.*'search' must be a list"):
        urgent_care.load(tmp_path)


def test_dates_are_written_one_way():
    import datetime

    from guidekit import dates
    assert [dates.written(v) for v in ("2021", "2021-05", "2021-05-28", datetime.date(2026, 11, 3))] == \
        ["2021", "May 2021", "28 May 2021", "3 November 2026"]
    for bad in ("21-05", "2021-13", "2021-02-30", "soon"):
        with pytest.raises(ValueError):
            dates.written(bad)
    assert dates.as_date(" 2026-11-23 ") == datetime.date(2026, 11, 23)


def fake_page(src_uri, markdown="", toc=()):
    """What the hooks read of a MkDocs Page."""
    from types import SimpleNamespace
    return SimpleNamespace(file=SimpleNamespace(src_uri=src_uri), markdown=markdown, toc=list(toc), meta={})


def test_questions_are_numbered_and_a_changed_task_list_fails_by_name():
    from mkdocs.exceptions import PluginError

    numbers = hook("question_numbers")
    page = fake_page("questions-to-ask.md", "## A\n\n- [ ] One?\n- [ ] Two?\n\n## B\n\n- [ ] Three?\n")
    html = '<ul><li class="task-list-item">One?</li><li class="task-list-item">Two?</li></ul>' \
           '<ul><li class="task-list-item">Three?</li></ul>'
    out = numbers.on_page_content(html, page=page, config=None, files=None)
    assert re.findall(r'guide-question-number">(\d+)\.', out) == ["1", "2", "3"]
    # The same questions written another way (as a newer tasklist might):
    changed = html.replace('<li class="task-list-item">', '<li class="task-list-item" data-x>')
    with pytest.raises(PluginError, match=r"docs/questions-to-ask\.md: 3 questions .* 0 found"):
        numbers.on_page_content(changed, page=page, config=None, files=None)
    plain = fake_page("faq.md", "Some text.\n")
    assert numbers.on_page_content("<p>Some text.</p>", page=plain, config=None, files=None) == "<p>Some text.</p>"


def test_a_long_page_without_key_points_fails_naming_it():
    from types import SimpleNamespace
    from mkdocs.exceptions import PluginError

    contents = hook("page_contents")
    config = SimpleNamespace(extra={"sources_heading": "Where this comes from"})
    toc = [SimpleNamespace(level=2, title=f"Part {n}", url=f"#part-{n}", children=[]) for n in range(1, 6)]
    toc.append(SimpleNamespace(level=2, title="Where this comes from", url="#sources", children=[]))
    boxed = '<div class="admonition abstract"><p>Key points</p></div>\n<h2 id="part-1">Part 1</h2>'
    out = contents.on_page_content(boxed, page=fake_page("faq.md", toc=toc), config=config, files=None)
    assert out.index("On this page") > out.index("Key points") and out.count('href="#part-') == 5
    assert 'href="#sources"' not in out, "the sources section (extra.sources_heading) is listed"
    with pytest.raises(PluginError, match=r"docs/faq\.md: it has 5 sections.*Key points"):
        contents.on_page_content('<h2 id="part-1">Part 1</h2>', page=fake_page("faq.md", toc=toc),
                                 config=config, files=None)
    short = toc[:2]
    assert contents.on_page_content("<p>x</p>", page=fake_page("a.md", toc=short), config=config,
                                    files=None) == "<p>x</p>"


def test_a_pdf_link_leads_to_the_file_its_mark_names():
    from mkdocs.exceptions import PluginError

    hrefs = hook("pdf_links")._pdf_hrefs
    pdf = {"file": "guide.pdf", "handout": "our-handout.pdf"}
    link = '<a class="guide-pdf-link" data-guide-pdf="handout" href="old-name.pdf" download>Handout</a>'
    assert hrefs(link, pdf, "index.md") == link.replace("old-name.pdf", "our-handout.pdf")
    assert hrefs(link.replace('href="', 'href="../'), pdf, "a/b.md").count('href="../our-handout.pdf"') == 1
    with pytest.raises(PluginError, match=r'docs/index\.md: a link is marked data-guide-pdf="large_print"'):
        hrefs(link.replace('"handout"', '"large_print"'), pdf, "index.md")


def test_moved_scripts_keep_their_attributes_and_data_blocks_stay(tmp_path):
    page = """<head>
<script type="module" defer id="boot">import "./x.js";</script>
<script>var a = 1;</script>
<script type="application/json" id="__config">{"base": "."}</script>
<script type="application/ld+json">{"@type": "MedicalWebPage"}</script>
<script type="text/template" id="tpl"><b>x</b></script>
<script src="kept.js"></script>
<style media="print" id="p">body { color: black }</style>
</head>"""
    out = hook("strict_csp").externalise(page, tmp_path, "../")
    assert re.search(r'<script type="module" defer id="boot" src="\.\./assets/inline/[0-9a-f]{16}\.js"></script>', out), out
    assert re.search(r'<script src="\.\./assets/inline/[0-9a-f]{16}\.js"></script>', out), out
    for kept in ('<script type="application/json" id="__config">{"base": "."}</script>',
                 '<script type="application/ld+json">{"@type": "MedicalWebPage"}</script>',
                 '<script type="text/template" id="tpl"><b>x</b></script>',
                 '<script src="kept.js"></script>'):
        assert kept in out, f"{kept} was changed"
    assert re.search(r'<link rel="stylesheet" media="print" id="p" href="\.\./assets/inline/[0-9a-f]{16}\.css">', out), out
    moved = sorted(p.read_text() for p in (tmp_path / "assets" / "inline").iterdir())
    assert moved == ["body { color: black }", 'import "./x.js";', "var a = 1;"]


def test_only_the_first_abbreviation_outside_links_is_a_tab_stop():
    text = ('<a href="x.html"><abbr title="computed tomography">CT</abbr></a> '
            '<abbr title="computed tomography">CT</abbr> <abbr title="computed tomography">CT</abbr> '
            '<abbr title="positron emission tomography">PET</abbr>')
    out = hook("abbreviations").first_occurrences_tabbable(text)
    assert out == ('<a href="x.html"><abbr title="computed tomography">CT</abbr></a> '
                   '<abbr tabindex="0" title="computed tomography">CT</abbr> '
                   '<abbr title="computed tomography">CT</abbr> '
                   '<abbr tabindex="0" title="positron emission tomography">PET</abbr>')


def test_first_only_keeps_the_meaning_on_the_first_of_each():
    """`abbreviations: first` (the glossary): later occurrences, in links or
    not, lose their title; the first of each keeps it and is the tab stop."""
    text = ('<abbr title="computed tomography">CT</abbr> '
            '<a href="x.html"><abbr title="computed tomography">CT</abbr> '
            '<abbr title="positron emission tomography">PET</abbr></a> '
            '<abbr title="computed tomography">CT</abbr> <abbr title="positron emission tomography">PET</abbr>')
    out = hook("abbreviations").first_occurrences_tabbable(text, first_only=True)
    assert out == ('<abbr tabindex="0" title="computed tomography">CT</abbr> '
                   '<a href="x.html"><abbr>CT</abbr> '
                   '<abbr title="positron emission tomography">PET</abbr></a> '
                   '<abbr>CT</abbr> <abbr tabindex="0" title="positron emission tomography">PET</abbr>')


def test_a_theme_fix_that_no_longer_matches_fails_the_build_by_name():
    from mkdocs.exceptions import PluginError

    fixes = hook("theme_fixes")
    fix = fixes.Fix("example", "theme line 1", r"<old>", "<new>")
    assert fix.apply("<p><old></p>", "a.html") == "<p><new></p>" and fix.matched == 1
    toc = next(f for f in fixes.FIXES if f.name == "__toc label without its toggle")
    with pytest.raises(PluginError) as err:
        toc.apply('<label class="md-nav__title changed" for="__toc">', "hosting.html")
    assert "theme fix '__toc label without its toggle'" in str(err.value)
    assert "hosting.html needs it" in str(err.value) and "partials/toc.html" in str(err.value)
    # Every fix names its upstream issue, or says that none was found.
    assert all(re.fullmatch(r"[\w.-]+/[\w.-]+#\d+.*", f.upstream) or f.upstream == fixes.NO_ISSUE
               for f in fixes.FIXES), [(f.name, f.upstream) for f in fixes.FIXES]
    assert "upstream: " in str(err.value)
    # A page that has the toggle does not need the fix.
    page = '<input id="__toc"><label class="md-nav__title" for="__toc">'
    assert toc.apply(page, "faq.html") == page


def test_a_print_page_edit_that_no_longer_matches_fails_the_build_by_name():
    from mkdocs.exceptions import PluginError

    printing = hook("print_page")
    with pytest.raises(PluginError) as err:
        printing._edit("<html></html>", "heading-number", re.compile(" heading-number="), "x")
    assert "'heading-number'" in str(err.value) and "overrides/hooks/print_page.py" in str(err.value)


def test_the_policy_follows_frame_ancestors():
    class Config:
        extra = {"frame_ancestors": "'self' https://portal.example.org"}
    policy = hook("server_files").policy(Config())
    assert policy.startswith("default-src 'self'; script-src 'self';")
    assert policy.endswith("; frame-ancestors 'self' https://portal.example.org")


def test_tel_address_keeps_the_plus_and_dials_the_digits_in_brackets():
    from guidekit.phone import tel_address
    assert tel_address("+44 20 7123 4567") == "+442071234567"
    assert tel_address("0100 000 0000") == "01000000000"
    assert tel_address("1-800-4-CANCER (1-800-422-6237)") == "18004226237"
    assert tel_address("(020) 7123 4567") == "02071234567"  # brackets only group the digits



def _pdf_with_text_at(heights):
    """A PDF (A4) whose page i carries one word with its baseline at
    heights[i] points from the bottom (None: an empty page)."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import ContentStream, DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                             NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    for y in heights:
        page = writer.add_blank_page(595, 842)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
        raw = DecodedStreamObject()
        raw.set_data(b"" if y is None else f"BT /F1 12 Tf 72 {y} Td (Word) Tj ET".encode())
        page.replace_contents(ContentStream(raw, writer))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_page_fill_measures_how_far_down_the_text_reaches():
    from guidekit import pdf

    top, bottom = 842 - pdf.TOP_MARGIN, pdf.BOTTOM_MARGIN
    middle = (top + bottom) / 2
    data = _pdf_with_text_at([top, middle, bottom + 1, None])
    fills = pdf.page_fill(data)
    assert sorted(fills) == [0, 1, 2, 3]
    assert fills[0] == pytest.approx(0, abs=0.01)
    assert fills[1] == pytest.approx(0.5, abs=0.01)
    assert fills[2] == pytest.approx(1, abs=0.01)
    assert fills[3] == 0  # nothing on it
    # Asked for some pages, it reads only those (and ignores pages it lacks).
    assert pdf.page_fill(data, [1, 9]) == {1: fills[1]}


def test_page_text_reads_one_page():
    from guidekit import pdf

    data = _pdf_with_text_at([700, None, 300])
    assert pdf.page_text(data, 0) == "Word"
    assert pdf.page_text(data, 1) == ""
    assert pdf.page_text(data, 2) == "Word"
    assert pdf.page_text(data, 3) == ""  # no such page


def test_drawn_heights_follows_the_matrices_and_skips_strings():
    """drawn_heights reads a content stream as a PDF reader draws it: text
    lines under cm (nested with q/Q), Tm, Td, TD, TL and T*, the ' and "
    operators, and images (Do) at the foot of their unit square. Bytes
    inside strings, however they are bracketed, are never operators."""
    from guidekit.pdf import drawn_heights

    assert drawn_heights(b"") == []
    # 0.5 scale and a 100 shift: a line at 60 in text space is at 130.
    assert drawn_heights(b"q .5 0 0 .5 0 100 cm BT 1 0 0 1 10 60 Tm <0036> Tj ET Q") == [130]
    # Q restores the matrix from before q: the same line, unscaled, at 60.
    assert drawn_heights(b"q 2 0 0 2 0 0 cm Q BT 1 0 0 1 0 60 Tm <01> Tj ET") == [60]
    # Td moves from the start of the line; TD also sets the leading (20)
    # by which T* moves down without showing text, and ' and " move down
    # and show it (" after its word and character spacing).
    assert drawn_heights(b"BT 0 700 Td (a) Tj 0 -20 TD [(b) 3 (c)] TJ T* (d) ' 1 0 (e) \" ET") \
        == [700, 680, 640, 620]
    assert drawn_heights(b"BT 14 TL 0 100 Td T* (x) Tj ET") == [86]
    # An image: the foot of the unit square, also when the matrix flips it.
    assert drawn_heights(b"q 50 0 0 40 10 300 cm /Im1 Do Q") == [300]
    assert drawn_heights(b"q 50 0 0 -40 10 300 cm /Im1 Do Q") == [260]
    # Operator names inside strings, escaped or paired brackets, and inline
    # image data are not read.
    assert drawn_heights(rb"BT 0 50 Td (q 9 9 9 9 9 9 cm \( Do) Tj ((a) (b (c)) 0 0 Td) Tj ET") == [50, 50]
    assert drawn_heights(b"BI /W 1 /H 1 ID \x00 Q 1 0 0 1 0 0 cm Tj EI BT 0 40 Td <00> Tj ET") == [40]
    with pytest.raises(ValueError, match="lacks its 6 operands"):
        drawn_heights(b"1 0 cm")


def test_a_rule_with_except_holds_when_no_answer_is_one_of_those():
    """my-situation.yml's {except: [..]} becomes 'question!answers' (none
    of the reader's answers is one of them: with several answers, not the
    same as listing the others); my-situation.js reads it
    (tests/test_my_situation.py checks it in the browser)."""
    fit_attr, RuleError = hook("my_situation").fit_attr, hook("my_situation").RuleError
    questions = {"where": ["few", "many", "brain", "unknown"], "first": ["targeted", "chemo"]}
    assert fit_attr({"where": {"except": ["brain"]}}, questions) == "where!brain"
    assert fit_attr([{"where": ["few"], "first": {"except": ["chemo"]}}, {"first": ["chemo"]}],
                    questions) == "where:few;first!chemo|first:chemo"
    assert fit_attr(None, questions) == ""
    for rule, says in [({"where": {"except": ["few", "many", "brain", "unknown"]}}, "never holds"),
                       ({"where": {"except": ["lungs"]}}, "has no answer ['lungs']"),
                       ({"where": {"except": []}}, "give a list of answers"),
                       ({"place": ["few"]}, "unknown question 'place'")]:
        with pytest.raises(RuleError, match=re.escape(says)):
            fit_attr(rule, questions)


@pytest.mark.parametrize("body, words", [
    ("    handout_sources: 'Sources: chapter {number}.'\n", "the only placeholder it may hold is {chapter}"),
    ("    handout_page: hosting.md\n", "extra.pdf.handout_page hosting.md is not a chapter"),
], ids=["unknown-placeholder", "handout-not-a-chapter"])
def test_handout_footer_settings_fail_naming_the_key(body, words, request):
    """scripts/export_pdf.py fills {chapter} of extra.pdf.handout_sources
    with the handout page's chapter number; a setting it cannot use stops
    the export, naming the key, before any browser starts."""
    import os

    import export_pdf

    footer = next(job["footer"] for job in export_pdf.settings(ROOT / "mkdocs.yml")["jobs"]
                  if job["mode"] == "handout")
    chapter = guide_config.chapters().index(guide_config.load()["extra"]["pdf"]["handout_page"]) + 1
    assert footer.endswith(f"chapter {chapter} of the full guide."), footer
    # A name of its own per case: guidekit.config caches a config by its path.
    overlay = ROOT / f".test-overlay-{os.getpid()}-{request.node.callspec.id}.yml"
    overlay.write_text("INHERIT: mkdocs.yml\nextra:\n  pdf:\n" + body, encoding="utf-8")
    try:
        with pytest.raises(export_pdf.ExportError) as err:
            export_pdf.settings(overlay)
    finally:
        overlay.unlink()
    assert words in str(err.value) and overlay.name in str(err.value)


def test_numbered_notes_get_their_title_once_and_missing_words_fail():
    """overrides/hooks/source_notes.py: the notes of a page (Python-Markdown's
    footnotes) start with extra.notes_title and extra.notes_intro; a page
    without notes is left alone; an empty setting fails the build by name."""
    from mkdocs.exceptions import PluginError

    mod = hook("source_notes")
    config = guide_config.load()
    notes = '<p>Text<sup id="fnref:a"><a href="#fn:a">1</a></sup></p>\n<div class="footnote">\n<hr />\n<ol>\n'
    out = mod.on_page_content(notes, page=None, config=config)
    title = " ".join(config.extra["notes_title"].split())
    assert out.count("guide-notes-title") == 1 and f"<strong>{title}</strong>" in out, out
    assert out.index("<hr />") < out.index("guide-notes-title") < out.index("<ol>")
    assert mod.on_page_content("<p>No notes.</p>", page=None, config=config) == "<p>No notes.</p>"

    class Config:
        extra = {"notes_title": "Notes.", "notes_intro": "  "}
    with pytest.raises(PluginError, match=r"extra\.notes_intro must say"):
        mod.on_config(Config())


def test_sources_sections_weigh_less_in_search_and_a_changed_index_fails(tmp_path):
    """overrides/hooks/sources_in_search.py: each section titled like
    extra.sources_heading gets its boost (other entries keep theirs); an
    index with no such section fails the build naming the hook."""
    import json
    from types import SimpleNamespace
    from mkdocs.exceptions import PluginError

    weigh = hook("sources_in_search")
    index_file = tmp_path / "search" / "search_index.json"
    index_file.parent.mkdir()
    docs = [{"location": "a.html", "title": "A", "text": ""},
            {"location": "a.html#care", "title": "Care", "text": "hospice"},
            {"location": "a.html#where-from", "title": "Where from", "text": "hospice"},
            {"location": "b.html#where-from_1", "title": "Where from", "text": "x", "boost": 0.5}]
    index_file.write_text(json.dumps({"config": {}, "docs": docs}))
    config = SimpleNamespace(extra={"sources_heading": "Where from"}, plugins={"material/search": None},
                             site_dir=str(tmp_path))
    weigh.on_post_build(config)
    boosts = {d["location"]: d.get("boost") for d in json.loads(index_file.read_text())["docs"]}
    assert boosts == {"a.html": None, "a.html#care": None, "a.html#where-from": weigh.SOURCES_BOOST,
                      "b.html#where-from_1": round(0.5 * weigh.SOURCES_BOOST, 6)}
    index_file.write_text(json.dumps({"config": {}, "docs": docs[:2]}))
    with pytest.raises(PluginError, match=r"sources_in_search\.py.*no section titled 'Where from'"):
        weigh.on_post_build(config)


def test_notes_are_sorted_by_where_they_are_first_cited():
    """overrides/hooks/note_numbers.py: the footnotes extension numbers
    notes in the order they are written down, so the definitions are
    sorted by first citation; a note cited only from another note comes
    after it; an uncited one stays after the cited ones; citations in code
    do not count and fenced code is left alone; a note that runs onto a
    further line, sits in a box, or is written twice fails the build
    naming the page and the note."""
    from mkdocs.exceptions import PluginError

    order = hook("note_numbers").in_reading_order
    page = ("Text.[^b] More[^a] and again[^b], see note[^d]: here.\n\n"
            "Code `[^z]` is not a citation.\n\n```\n[^z]: in a fence, left alone\nnor is [^z] here\n```\n\n"
            "| x |\n|---|\n| a cell[^c] |\n\n"
            "[^a]: Note A.\n[^z]: Not cited.\n\n[^c]: Note C, see[^e].\n[^e]: Cited by C only.\n\n"
            "## Sources\n\n[^b]: Note B.\n[^d]: Note D.\n")
    out = order(page, "docs/x.md")
    lines = out.split("\n")
    top = [line for line in lines if line.startswith("[^") and line != "[^z]: in a fence, left alone"]
    assert top == ["[^b]: Note B.", "[^a]: Note A.", "[^d]: Note D.", "[^c]: Note C, see[^e].",
                   "[^e]: Cited by C only.", "[^z]: Not cited."]
    fence = lines.index("```")
    assert lines[fence:fence + 4] == ["```", "[^z]: in a fence, left alone", "nor is [^z] here", "```"], \
        "the fenced code moved"
    assert lines[:fence] == page.split("\n")[:fence], "the text before the notes changed"
    assert order(out, "docs/x.md") == out, "sorting sorted notes changed them"
    assert order("No notes.[^a]\n\n[^a]: A.\n") == "No notes.[^a]\n\n[^a]: A.\n"
    for bad, why in [("[^a]: A.\n    more of A.\n[^b]: B.\n", r"note \[\^a\] runs onto a further line"),
                     ("[^a]: A.\n\n    A second paragraph.\n[^b]: B.\n", r"note \[\^a\] runs onto a further line"),
                     ("[^a]: A.\na lazy second line\n[^b]: B.\n", r"note \[\^a\] runs onto a further line"),
                     ("!!! note\n    [^a]: A.\n\n[^b]: B.\n", r"note \[\^a\] is written inside a box"),
                     ("[^a]: A.\n[^b]: B.\n[^a]: A again.\n", r"note \[\^a\] is written down twice")]:
        with pytest.raises(PluginError, match=rf"docs/x\.md: {why}"):
            order("A[^a] b[^b]\n\n" + bad, "docs/x.md")


def test_the_search_report_asks_for_sections_by_their_titles():
    """scripts/search_report.py types the titles of the index's sections:
    not a page's own entry, the glossary's words, the Sources lists, the
    Key points or the notes' title, nor a title of 60 characters or more."""
    import search_report

    docs = [{"location": "a.html", "title": "A page"},
            {"location": "a.html#what-helps", "title": "What <code>helps</code>?"},
            {"location": "a.html#sources", "title": "Sources"},
            {"location": "a.html#key-points", "title": "Key points"},
            {"location": "a.html#notes", "title": "Notes"},
            {"location": "glossary.html#term-x", "title": "X"},
            {"location": "b.html#long", "title": "L" * 60},
            {"location": "b.html#travel", "title": "Travel"}]
    titles = search_report.section_titles({"docs": docs}, "Sources", "glossary.md")
    assert titles == [("What helps", "a.html#what-helps"), ("Travel", "b.html#travel")]
    assert search_report.section_titles({"docs": docs}, "Sources", "glossary.md", every=2) == titles[:1]
