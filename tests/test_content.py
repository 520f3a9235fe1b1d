"""Content quality checks for the guide's pages.

(a) every topic the issue asks for is in the built pages a reader sees;
(b) every short form used in the patient pages is explained in the one
    abbreviations file, and each one there is also in the glossary;
(c) every page has its front matter and the guide's page shape;
(d) every patient page reads at or below the reading-grade ceiling;
(e) no page copies a run of words from the source articles;
(f) no percentages, no doses, no withdrawn drug anywhere in docs/;
(g) scripts/review_dates.py flags a page once its review date has passed;
(h) the About page's privacy promise holds: search terms stay on the device.
"""
import datetime
import html
import re
import subprocess
import sys

import pytest

import reading_grade
from conftest import NAV_MD, NAV_PAGES, NOT_IN_NAV_MD, ROOT
from guidekit import frontmatter
from guidekit.dates import as_date

DOCS = ROOT / "docs"
ABBREVIATIONS = DOCS / "includes" / "abbreviations.md"
GLOSSARY = DOCS / "glossary.md"
COPYCHECK = ROOT.parent / "shared" / "tools" / "copycheck.py"

# The guide's pages in reading order, as Markdown files (the nav of mkdocs.yml).
PATIENT_PAGES = list(NAV_MD)
# The pages left out of the nav (not_in_nav: the hosting guide) are for the
# web staff who host the site, not for patients: they need front matter (the
# build and review_dates.py use it), but they are technical on purpose
# (config keys, server names, commands), so the patient rules on reading
# grade, page shape and short forms do not apply.
IT_PAGES = list(NOT_IN_NAV_MD)
ALL_MD = sorted(p for p in DOCS.rglob("*.md"))


def page_text(path):
    return path.read_text(encoding="utf-8")


# --- (a) the issue's topics, found in the built site ---------------------------

# Page -> topics a reader must find there. A tuple lists accepted wordings.
TOPICS = {
    "index.html": [
        "five steps", "not your fault", "clinical trials",
        "palliative care", ("bring someone", "family member or friend")],
    "understanding-progression.html": [
        "recurrence", "refractory", "resistance", "pseudoprogression",
        "histologic transformation", "T790M", "performance status",
        "regular times", "scan", ("call your care team right away", "warning signs"),
        ("help to stop", "stop smoking", "quit smoking")],
    "re-testing.html": [
        "re-biopsy", "liquid biopsy", "tumor DNA", "NGS", "immunohistochemistry",
        "PD-L1", "c-Met", "small cell lung cancer", "MET amplification",
        "does not rule a change out", "biomarker", "second opinion"],
    "patterns-of-progression.html": [
        "oligoprogression", "widespread progression", "SBRT", "SABR",
        "thermal ablation", "blood-brain barrier", "stereotactic radiosurgery",
        "whole-brain radiotherapy", "pleural effusion", "bronchoscopy", "palliative radiotherapy"],
    "next-treatment.html": [
        "osimertinib", "docetaxel", "ramucirumab", "pemetrexed", "histology",
        "non-squamous", "rechallenge", "checkpoint inhibitor", "KRAS G12C",
        "accelerated approval", "antibody-drug conjugate", "anti-angiogenic",
        "pneumonitis", "performance status", "country", "T790M"],
    "clinical-trials.html": [
        "ClinicalTrials.gov", "phase 1", "phase 3", "placebo", "eligibility criteria",
        "CAR T-cell", "second opinion", "leave at any time", "consent form"],
    "supportive-care.html": [
        "palliative care", "hospice", "advance care planning", "start early",
        ("quit smoking", "quitting smoking", "stop smoking", "stop-smoking"),
        ("call your care team now", "warning signs"), "emergency", "carers"],
    "living-with-progression.html": [
        "composites", "scanxiety", "second opinion", "financial counselor",
        "power of attorney", "helpline", "carers", "respite care"],
    "myths-and-facts.html": [
        "myth", "fact", "pseudoprogression", "oligoprogression", "CAR T-cell",
        "placebo", "hospice", ("stopping smoking", "stop smoking", "quit smoking")],
    "questions-to-ask.html": [
        "second opinion", "liquid biopsy", "hospice", "advance care plan",
        "my notes", "phase", "stop smoking"],
    "faq.html": [
        "warning signs", "second opinion", "how long do i have", "hospice",
        "ClinicalTrials.gov", "CAR T-cell"],
    "glossary.html": [
        "ctDNA", "immunohistochemistry", "oligoprogression", "pseudoprogression",
        "histologic transformation", "blood-brain barrier", "NTRK", "BRAF V600E",
        "placebo", "accelerated approval", "performance status", "rechallenge"],
    "what-changed.html": [
        "newest edition first", "emergency number", "24-hour cancer line",
        "printed copy", "treatment table", "first edition"],
    "my-situation.html": [
        "does not recommend a treatment", "i don't know", "forget my answers",
        "print my list", "treatment record", "no cookie", "care team weighs",
        "stay on this device"],
    "about.html": [
        "not medical advice", "emergency", "have not reviewed",
        "next review", "CC BY 4.0", ("MIT licence", "MIT license"), "no cookies",
        "nothing you type in the search box leaves your device", "hosting guide",
        "differs from country to country", "no doses"],
}


def article_text(html_text):
    """The readable text of a built page's article, lower-cased, one space between words."""
    m = re.search(r'<article class="md-content__inner[^"]*">(.*)</article>', html_text, re.S)
    assert m, "the built page has no <article> element"
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", m.group(1), flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    text = text.replace("\u00a0", " ").replace("\u2011", "-").replace("\u2019", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


@pytest.mark.parametrize("page", NAV_PAGES)
def test_every_nav_page_has_its_topics_listed(page):
    """Each page of the nav (mkdocs.yml) has the topics a reader must find
    there, so a new page cannot go unchecked."""
    assert TOPICS.get(page), (f"{page} is in the nav of mkdocs.yml but has no topics in TOPICS "
                              "(tests/test_content.py): list what a reader must find there")


def test_topics_name_only_pages_in_the_nav():
    stale = sorted(set(TOPICS) - set(NAV_PAGES))
    assert not stale, (f"TOPICS (tests/test_content.py) lists pages that are not in the nav of "
                       f"mkdocs.yml: {stale}; rename or remove them")


@pytest.mark.parametrize("page", NAV_PAGES)
def test_issue_topics_are_in_the_built_page(site, page):
    text = article_text((site / page).read_text(encoding="utf-8"))
    missing = []
    for topic in TOPICS[page]:
        options = topic if isinstance(topic, tuple) else (topic,)
        if not any(o.lower() in text for o in options):
            missing.append(" / ".join(options))
    assert not missing, f"{page}: topics not found in the page's text: {missing}"


# --- (b) short forms -----------------------------------------------------------

# Tokens that look like short forms but are not, with the reason.
NOT_ABBREVIATIONS = {
    "IV": "the Roman number four in 'Stage IV' (guideline titles); the glossary explains Stage IV",
}
ABBR_DEF = re.compile(r"^\*\[(?P<abbr>[^\]]+)\]:\s*(?P<meaning>.+)$")
# Two or more capitals/digits, hyphen-joined parts allowed: EGFR, PD-L1, T790M, ROS1.
CAPS_TOKEN = re.compile(r"\b[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)*\b")
# Lower-case prefix then capitals: ctDNA, c-Met.
MIXED_TOKEN = re.compile(r"\b[a-z]{1,2}(?:-[A-Z][a-z]+|[A-Z]{2,})\b")


def defined_abbreviations():
    defs = {}
    for line in page_text(ABBREVIATIONS).splitlines():
        if line.strip():
            m = ABBR_DEF.match(line.strip())
            assert m, f"abbreviations.md: not an '*[ABBR]: meaning' line: {line!r}"
            defs[m["abbr"]] = m["meaning"].strip()
    return defs


def reader_text(markdown):
    """What a reader sees of a Markdown page: link targets and code left out."""
    text = re.sub(r"^(```|~~~).*?^\1", " ", markdown, flags=re.S | re.M)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "] ", text)            # link and image targets
    text = re.sub(r"\{[^}]*\}", " ", text)                 # attr_list
    text = re.sub(r"<[^>]+>", " ", text)                   # HTML tags
    return text


def used_abbreviations(text, defined):
    # Multi-word short forms that are defined (such as "CC BY") count as one.
    for abbr in sorted((a for a in defined if " " in a), key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(abbr)}\b", " ", text)
    return set(CAPS_TOKEN.findall(text)) | set(MIXED_TOKEN.findall(text))


def test_abbreviations_file_is_well_formed():
    defs = defined_abbreviations()
    assert defs, "abbreviations.md defines nothing"
    for abbr, meaning in defs.items():
        assert abbr != abbr.lower(), f"'{abbr}' is an ordinary word: it would be marked in every page"
        assert len(meaning) <= 110, f"'{abbr}': keep the tooltip short ({len(meaning)} characters)"


@pytest.mark.parametrize("md", PATIENT_PAGES)
def test_every_abbreviation_used_is_defined(md):
    defs = defined_abbreviations()
    used = used_abbreviations(reader_text(page_text(DOCS / md)), defs)
    missing = sorted(used - set(defs) - set(NOT_ABBREVIATIONS))
    assert not missing, (f"docs/{md} uses short forms that docs/includes/abbreviations.md "
                         f"does not explain: {missing}")


def test_every_defined_abbreviation_is_in_the_glossary():
    terms = [line for line in page_text(GLOSSARY).splitlines() if line.startswith("**")]
    assert terms, "glossary.md has no terms (lines starting with **Term**)"
    missing = [a for a in defined_abbreviations()
               if not any(re.search(rf"(?<![\w-]){re.escape(a)}(?![\w-])", t) for t in terms)]
    assert not missing, f"short forms in abbreviations.md without a glossary term: {missing}"


def test_glossary_terms_are_in_a_to_z_order_within_each_group():
    """The glossary's Key points promise A to Z order inside each topic group."""
    key = lambda term: re.sub(r"[^a-z0-9 ]", "", term.lower())
    for group in re.split(r"^## ", page_text(GLOSSARY), flags=re.M)[1:]:
        name = group.splitlines()[0]
        terms = re.findall(r"^\*\*(.+?)\*\*$", group, re.M)
        if name == "Sources":
            continue
        assert terms, f"glossary group '{name}' has no terms"
        assert terms == sorted(terms, key=key), \
            f"glossary group '{name}' is not in A to Z order: {terms}"


# --- (c) page shape --------------------------------------------------------------

FRONT_MATTER = ("title", "description", "last_reviewed", "next_review")


@pytest.mark.parametrize("md", PATIENT_PAGES + IT_PAGES)
def test_front_matter(md):
    meta = frontmatter.read(DOCS / md, f"docs/{md}")
    assert not frontmatter.problems(meta, f"docs/{md}"), "\n".join(frontmatter.problems(meta, f"docs/{md}"))
    for key in FRONT_MATTER:
        assert meta.get(key), f"docs/{md}: front matter lacks '{key}'"
    try:
        last = as_date(meta["last_reviewed"])
        nxt = as_date(meta["next_review"])
    except ValueError:
        pytest.fail(f"docs/{md}: review dates must be YYYY-MM-DD")
    assert last < nxt, f"docs/{md}: next_review must come after last_reviewed"


@pytest.mark.parametrize("md", PATIENT_PAGES)
def test_page_shape(md):
    text = page_text(DOCS / md)
    body = frontmatter.body(text, f"docs/{md}")
    assert re.search(r"^# \S", body, re.M), f"docs/{md}: no H1"
    points = re.search(r'^!!! abstract "Key points"\n((?:    - .+\n)+)', body, re.M)
    assert points, f"docs/{md}: no '!!! abstract \"Key points\"' box with a list"
    # CONTENT-GUIDE: "three to five lines a reader could stop at".
    lines = points.group(1).count("\n")
    assert 3 <= lines <= 5, f"docs/{md}: its Key points box has {lines} lines; keep it to three to five"
    sources = re.search(r"^## Sources\n(.*?)(?=^#|\Z)", body, re.M | re.S)
    assert sources, f"docs/{md}: no '## Sources' section"
    assert re.search(r"^- \[.+\]\(https?://[^)]+\)$", sources.group(1), re.M), \
        f"docs/{md}: the Sources section lists no linked source"
    i = PATIENT_PAGES.index(md)
    nxt = re.findall(r"^\*\*Next:\*\* \[[^\]]+\]\(([^)#]+)\)", body, re.M)
    if i == len(PATIENT_PAGES) - 1:
        assert not nxt, f"docs/{md} is the last page: it has no next page to link to"
    else:
        assert nxt == [PATIENT_PAGES[i + 1]], \
            f"docs/{md}: needs one '**Next:** [...]({PATIENT_PAGES[i + 1]})' link, found {nxt}"


# --- (d) reading grade -------------------------------------------------------------

@pytest.mark.parametrize("md", PATIENT_PAGES)
def test_reading_grade(md):
    grade, words, _ = reading_grade.score(reading_grade.prose(page_text(DOCS / md)))
    assert words >= 100, f"docs/{md}: only {words} words of prose; is the page written?"
    assert grade <= reading_grade.CEILING, \
        f"docs/{md}: reading grade {grade} is above {reading_grade.CEILING}"


# --- (e) own words ---------------------------------------------------------------

def test_no_copied_runs_from_the_sources():
    if not COPYCHECK.exists():
        pytest.skip(f"{COPYCHECK} is absent: the source articles are not in this checkout")
    r = subprocess.run([sys.executable, str(COPYCHECK), "docs"], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    fails = [line for line in r.stdout.splitlines() if line.startswith("FAIL")]
    assert r.returncode == 0 and not fails, "\n".join(fails) or r.stdout + r.stderr


# --- (f) no numbers that promise, no doses, no withdrawn drugs --------------------

FORBIDDEN = {
    "a percentage": re.compile(r"\d+(?:[.,]\d+)?\s*%|\bper\s?cent\b", re.I),
    "a dose": re.compile(r"\bmg\b|mg/m2|\bmilligrams?\b|\bmcg\b|\bmicrograms?\b", re.I),
    "a withdrawn drug (mobocertinib)": re.compile(r"mobocertinib|exkivity", re.I),
}


@pytest.mark.parametrize("path", ALL_MD, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_no_percentages_doses_or_withdrawn_drugs(path):
    # Code blocks (server config in the hosting guide, e.g. width="100%") are
    # not statements about treatment; everything else counts.
    text = reader_text(page_text(path))
    found = [f"{what}: {m.group(0)!r}" for what, rx in FORBIDDEN.items() for m in rx.finditer(text)]
    assert not found, f"docs/{path.relative_to(DOCS)}: {found}"


# --- (g) review dates ------------------------------------------------------------

def run_review_dates(*args):
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "review_dates.py"), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)


def status_of(output, rel_path):
    for line in output.splitlines():
        if line.startswith(rel_path + " "):
            return re.split(r"\s{2,}", line.strip())[-1]
    raise AssertionError(f"{rel_path} is not in the review table:\n{output}")


def real_review_dates():
    dates = {}
    for md in PATIENT_PAGES + IT_PAGES:
        meta = frontmatter.read(DOCS / md)
        dates[f"docs/{md}"] = as_date(meta["next_review"])
    return dates


def test_review_dates_lists_every_page_and_skips_snippets():
    out = run_review_dates().stdout
    for rel in real_review_dates():
        status_of(out, rel)
    assert "docs/includes/" not in out


def test_review_dates_flags_a_page_after_its_next_review():
    dates = real_review_dates()
    page, due = min(dates.items(), key=lambda kv: (kv[1], kv[0]))
    after = run_review_dates("--today", (due + datetime.timedelta(days=1)).isoformat(), "--check")
    assert status_of(after.stdout, page) == "DUE"
    assert after.returncode == 1, "--check must fail when a page is past its review date"


def test_review_dates_does_not_flag_pages_before_their_next_review():
    dates = real_review_dates()
    first = min(dates.values())
    before = run_review_dates("--today", (first - datetime.timedelta(days=1)).isoformat(),
                              "--soon", "0", "--check")
    assert before.returncode == 0, before.stdout
    for page in dates:
        assert status_of(before.stdout, page) == "ok"


def test_review_dates_warns_when_a_review_is_soon():
    dates = real_review_dates()
    page, due = min(dates.items(), key=lambda kv: (kv[1], kv[0]))
    soon = run_review_dates("--today", (due - datetime.timedelta(days=5)).isoformat(),
                            "--soon", "10", "--check")
    assert status_of(soon.stdout, page) == "due soon"
    assert soon.returncode == 0, "a review that is only due soon must not fail --check"


# --- (h) the About page's privacy promise ------------------------------------------

def test_search_terms_stay_on_the_device(server, open_page):
    """about.md says nothing typed in search leaves the device, and that no cookies are set."""
    term = "pleurodesis"   # a word in the text of a few pages, in no file name
    loaded = open_page(server + "index.html")
    page = loaded.page
    # At desktop width the search box sits in the header.
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(term)
    # The result list is redrawn as each letter's query answers; the answer
    # to the whole word is in when a result marks the whole word.
    page.wait_for_function(
        """term => [...document.querySelectorAll('.md-search-result mark')]
              .some(m => m.textContent.toLowerCase().replace(/[^a-z]/g, '') === term)""",
        arg=term, timeout=20_000)
    hrefs = page.eval_on_selector_all("a.md-search-result__link", "els => els.map(a => a.href)")
    assert hrefs, f"no search results for {term!r}"
    before = page.url
    # Follow the last result (one that points into a section), as a reader would.
    page.evaluate("() => { const a = document.querySelectorAll('a.md-search-result__link');"
                  " a[a.length - 1].click(); }")
    page.wait_for_url(lambda url: url != before, timeout=20_000)
    page.wait_for_load_state("load")
    page.wait_for_load_state("networkidle")
    # The word or any start of it (a query sent while typing) is a leak,
    # anywhere but in an address's #fragment: a browser sends that to no
    # server, in no request and no Referer (the glossary opens a word at
    # #term-pleurodesis, as a heading opens at its own id).
    leaked = sorted({u for u in hrefs + loaded.requests + [page.url]
                     if term[:4] in u.split("#")[0].lower()})
    assert not leaked, ("search result links carry the search term to the server "
                        f"(theme feature search.highlight adds ?h=...): {leaked[:3]}. "
                        "The About page promises it never leaves the device.")
    assert page.context.cookies() == [], "the About page promises no cookies"
