"""Bad input fails the build with a message that names the file and says what
to fix, and the last good site stays where it was.

Each case copies mkdocs.yml, docs/ and overrides/ into a temporary folder,
breaks one thing (in a page, or in a hospital overlay beside mkdocs.yml),
and runs the README's build command (scripts/build.py) into a site folder
that already holds a "previous good site". The sources must come out of a
failed build exactly as they went in.
"""
import hashlib
import json
import re

import pytest

from conftest import ROOT, assert_previous_site_untouched, leftovers, make_previous_site, run_build
from guidekit import frontmatter

@pytest.fixture
def previous_site(tmp_path):
    """A folder holding a stand-in for the last good site."""
    return make_previous_site(tmp_path / "out" / "site")


def snapshot(folder):
    """{relative path: sha256} of every file under folder."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


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


def unclosed_front_matter(docs):
    text = (docs / "faq.md").read_text(encoding="utf-8")
    head, rest = text.split("\n---\n", 1)   # drop the closing line
    (docs / "faq.md").write_text(head + "\n\n" + rest, encoding="utf-8")


def rename_key(docs):
    text = (docs / "faq.md").read_text(encoding="utf-8")
    (docs / "faq.md").write_text(text.replace("\ntitle:", "\ntitel:", 1), encoding="utf-8")


def image_without_alt(docs):
    append(docs / "faq.md", "\n\n![](assets/figures/path-after-progression.svg)\n")


def unknown_admonition(docs):
    append(docs / "faq.md", "\n\n!!! tipp\n\n    A tip with a typo in its type.\n")


def duplicate_abbreviation(docs):
    append(docs / "includes" / "abbreviations.md", "*[CT]: Connecticut\n")


def script_in_page(docs):
    append(docs / "faq.md", "\n\n<script>document.title = 'changed';</script>\n")


def handler_in_page(docs):
    append(docs / "faq.md", '\n\n<p onmouseover="document.title = 1">Hover here.</p>\n')


def duplicate_glossary_term(docs):
    append(docs / "glossary.md", "\n\n**Biomarker**\n:   Written twice by mistake.\n")


def abbreviation_line(docs, name):
    lines = (docs / "includes" / "abbreviations.md").read_text(encoding="utf-8").splitlines()
    return [str(i) for i, line in enumerate(lines, 1) if line.startswith(f"*[{name}]:")]


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
    ("front-matter-not-closed", unclosed_front_matter, "docs/faq.md",
     ["front matter", "is not closed", "'---'"]),
    ("unknown-front-matter-key", rename_key, "docs/faq.md",
     ["unknown key 'titel'", "Did you mean 'title'?"]),
    ("next-review-before-last", lambda d: set_front_matter(d / "faq.md", "next_review", "2026-01-01"),
     "docs/faq.md", ["'next_review' (2026-01-01)",
                     f"'last_reviewed' ({frontmatter.read(ROOT / 'docs' / 'faq.md')['last_reviewed']})"]),
    ("image-without-alt", image_without_alt, "docs/faq.md",
     ["path-after-progression.svg", "no alt text", "![What the figure shows]"]),
    ("unknown-admonition", unknown_admonition, "docs/faq.md",
     ["unknown admonition type 'tipp'", "Did you mean 'tip'?"]),
    ("duplicate-abbreviation", duplicate_abbreviation, "docs/includes/abbreviations.md",
     ["'CT' is defined more than once", "Keep one meaning"]),
    ("script-in-page", script_in_page, "docs/faq.md", ["<script>", "remove it"]),
    ("event-handler-in-page", handler_in_page, "docs/faq.md",
     ["inline event handler", "onmouseover", "Remove it"]),
    ("glossary-term-twice", duplicate_glossary_term, "docs/glossary.md",
     ["'Biomarker' and 'Biomarker'", "#term-biomarker", "give one of them other words"]),
    ("handout-without-urgent-signs",
     lambda d: set_front_matter(d / "questions-to-ask.md", "urgent_care", "pointer"),
     "docs/questions-to-ask.md", ["handout", "urgent_care: sheet"]),
]


@pytest.mark.parametrize("breaks, filename, fix_words",
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_fails_clearly_and_keeps_previous_site(project, previous_site, breaks,
                                                         filename, fix_words):
    breaks(project / "docs")
    sources = snapshot(project)
    result = run_build(previous_site, config_file=project / "mkdocs.yml", pdf=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the build should fail:\n{output}"
    assert filename in output, f"the message does not name {filename}:\n{output}"
    for words in fix_words:
        assert words in output, f"the message does not say {words!r}:\n{output}"
    assert "Traceback" not in output, f"a crash, not a message:\n{output}"
    # The last good site and the sources are untouched, and nothing
    # half-built is left about.
    assert_previous_site_untouched(previous_site)
    assert snapshot(project) == sources, "the build changed its sources"
    assert not leftovers(previous_site), f"left behind: {leftovers(previous_site)}"


def test_duplicate_abbreviation_names_both_lines(project, previous_site):
    duplicate_abbreviation(project / "docs")
    first, second = abbreviation_line(project / "docs", "CT")
    result = run_build(previous_site, config_file=project / "mkdocs.yml", pdf=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert f"on lines {first} and {second}" in output, output
    assert_previous_site_untouched(previous_site)


# --- a hospital's overlay ---------------------------------------------------------

OVERLAY = """INHERIT: mkdocs.yml
extra:
  institution:
    name: {name}
    phone: {phone}
    url: https://www.example-hospital.org/cancer-care
"""


def write_overlay(project, text):
    overlay = project / "hospital.yml"
    overlay.write_text(text, encoding="utf-8")
    return overlay


@pytest.mark.parametrize("phone, read_as", [("01000000000", "134217728"),
                                            ("+442071234567", "442071234567")],
                         ids=["leading-zero", "leading-plus"])
def test_unquoted_phone_number_fails_with_how_to_quote_it(project, previous_site, phone, read_as):
    overlay = write_overlay(project, OVERLAY.format(name="St Elsewhere", phone=phone))
    sources = snapshot(project)
    result = run_build(previous_site, config_file=overlay, pdf=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "hospital.yml" in output and "extra.institution.phone" in output, output
    assert read_as in output, f"the message does not show what YAML made of it:\n{output}"
    assert 'phone: "0100 000 0000"' in output, f"the message does not show how to quote:\n{output}"
    assert "Traceback" not in output, output
    assert_previous_site_untouched(previous_site)
    assert snapshot(project) == sources


def test_quoted_phone_number_keeps_its_plus(project, tmp_path):
    overlay = write_overlay(project, OVERLAY.format(name="St Elsewhere", phone='"+44 20 7123 4567"'))
    site = tmp_path / "branded"
    result = run_build(site, config_file=overlay, pdf=False)
    assert result.returncode == 0, result.stdout + result.stderr
    page = (site / "faq.html").read_text(encoding="utf-8")
    assert 'href="tel:+442071234567"' in page
    assert "tel:442071234567" not in page


def test_overlay_without_inherit_says_how_to_start_it(project, previous_site):
    overlay = write_overlay(project, OVERLAY.replace("INHERIT: mkdocs.yml\n", "").format(
        name="St Elsewhere", phone='"0100 000 0000"'))
    result = run_build(previous_site, config_file=overlay, pdf=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "hospital.yml" in output, output
    assert "INHERIT: mkdocs.yml" in output, output
    assert "Required configuration not provided" not in output, output
    assert len(output.strip().splitlines()) == 1, f"not one clear line:\n{output}"
    assert_previous_site_untouched(previous_site)


def test_an_overlay_that_keeps_the_examples_numbers_fails_naming_them(project, previous_site):
    """A hospital that copies the example and changes only its name and
    phone would give patients the example's 24-hour line, feedback address
    and "reviewed by" line: the build fails, naming each, and the last good
    site stays. (The example itself builds: tests/test_intranet.py.)"""
    example = (ROOT / "hospital-overlay.example.yml").read_text(encoding="utf-8")
    mine = example.replace("name: St Elsewhere Cancer Centre", "name: Test Valley Hospital").replace(
        'phone: "0100 000 0000"', 'phone: "0100 000 0007"')
    assert mine.count("Test Valley") == 1 and "0100 000 0007" in mine, "the example's lines have changed"
    overlay = write_overlay(project, mine)
    (project / "docs" / "includes").mkdir(exist_ok=True)
    result = run_build(previous_site, config_file=overlay, pdf=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert ("hospital.yml: extra.institution.urgent_phone, extra.institution.feedback_email, "
            "extra.institution.reviewed_by are still the example's") in output, output
    assert "0100 000 0099" in output and "put your hospital's own" in output, output
    assert "extra.institution.name" not in output and "extra.institution.phone," not in output, output
    assert "Traceback" not in output, output
    assert_previous_site_untouched(previous_site)


MARKUP = "<b>Bold</b> & <i>Co</i>"
IMAGE = "<img src=x>"


def test_institution_values_are_escaped_everywhere(project, tmp_path):
    """Markup in an overlay's values is shown as text on every page and on
    the print page (the PDF's source), never as markup."""
    overlay = write_overlay(project, f"""INHERIT: mkdocs.yml
extra:
  institution:
    name: "{MARKUP}"
    phone: "0100 000 0001"
    url: https://www.example-hospital.org/cancer-care
    url_text: "{IMAGE}"
    reviewed_by: "{MARKUP}"
""")
    site = tmp_path / "branded"
    result = run_build(site, config_file=overlay, pdf=False)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("faq.html", "index.html", "print_page.html"):
        page = (site / name).read_text(encoding="utf-8")
        assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;i&gt;Co&lt;/i&gt;" in page, \
            f"{name} does not show the name as text"
        assert "&lt;img src=x&gt;" in page, f"{name} does not show url_text as text"
        assert MARKUP not in page and IMAGE not in page, f"{name} carries the overlay's markup"


@pytest.mark.parametrize("key, value, shown", [
    ("institution.name", "<script>document.title='INJECTED'</script>", "<script"),
    ("institution.reviewed_by", "<img src=x onerror=alert(1)>", "onerror="),
    ("disclaimer", "Read <a href='javascript:alert(1)'>this</a>.", "javascript:"),
], ids=["script", "event-handler", "javascript-address"])
def test_a_script_in_an_overlay_fails_naming_the_setting(project, previous_site, key, value, shown):
    institution = {"name": "St Elsewhere", "phone": "0100 000 0001",
                   "url": "https://www.example-hospital.org/"}
    extra = {"institution": institution}
    if key.startswith("institution."):
        institution[key.split(".", 1)[1]] = value
    else:
        extra[key] = value
    lines = ["INHERIT: mkdocs.yml", "extra:", "  institution:"]
    lines += [f"    {k}: {json.dumps(v)}" for k, v in institution.items()]
    lines += [f"  {k}: {json.dumps(v)}" for k, v in extra.items() if k != "institution"]
    overlay = write_overlay(project, "\n".join(lines) + "\n")
    result = run_build(previous_site, config_file=overlay, pdf=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert f"hospital.yml: extra.{key} contains '{shown}'" in output, output
    assert "Write plain text there" in output, output
    assert_previous_site_untouched(previous_site)
    assert not leftovers(previous_site)
