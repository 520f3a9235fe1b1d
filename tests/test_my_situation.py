"""My situation (issue 15), in headless Chromium: the reader's answers
narrow the page to the parts of the guide, the treatment entries and the
questions that fit, on the device only.

The expected results of each combination of answers are written here by
hand from the rules in docs/includes/my-situation.yml (not computed by the
code that renders the page). Only the full question list is read from
docs/questions-to-ask.md, with a regular expression of this file's own.
"""
import io
import re

import pytest
from pypdf import PdfReader

from conftest import ROOT, format_axe, norm, run_axe, screenshot
from guidekit import config as guide_config
from guidekit import urgent_care

PAGE = "my-situation.html"
# The margins of print.css (@page), as a browser prints them.
PRINT_MARGINS = {"top": "16mm", "right": "16mm", "bottom": "18mm", "left": "16mm"}
QUESTIONS_MD = ROOT / "docs" / "questions-to-ask.md"


def all_guide_questions():
    """Every question of docs/questions-to-ask.md, in order (Sources aside)."""
    text = QUESTIONS_MD.read_text(encoding="utf-8").split("\n## Sources", 1)[0]
    return [" ".join(q.split()) for q in re.findall(r"^- \[ \] (.+)$", text, re.M)]


# The questions that fit only some answers: key -> words of the question.
CONDITIONAL = {
    "brain scan": "Do I need a brain scan?",
    "tests why": "What tests will you do to find out why the cancer is growing?",
    "tissue or blood": "Should we test a new tumor sample, my blood",
    "resistance": "causes resistance to my drug",
    "many genes": "Will the test check many genes at once",
    "results show": "What could the results show",
    "blood finds nothing": "If the blood test finds nothing",
    "unclear": "What happens if the results are unclear?",
    "biopsy risks": "What are the risks of another biopsy",
    "few or many": "just one or a few spots, or in many places",
    "treat spots": "Could the growing spots be treated",
    "stay on drug": "can I stay on the drug that is still working",
    "brain help": "If the cancer is in my brain",
    "bones": "If the cancer is in my bones",
    "chemo after immuno": "I have had immunotherapy already",
    "late immuno effects": "late side effect of the immunotherapy",
}
# Listed for everyone, whatever the answers (docs/includes/my-situation.yml):
# never first "for your situation", never hidden.
FOR_EVERYONE = ("chose to stop cancer treatment", "When would hospice care make sense")
TESTING = {"tests why", "tissue or blood", "many genes", "results show", "blood finds nothing",
           "unclear", "biopsy risks"}

# answers (question -> choice, or a list of choices for question 3, which
# takes several; a question left out is not answered),
# then the expected sections (links, in order), drugs (generic names, in
# order) and the conditional questions shown.
COMBINATIONS = {
    "EGFR common after a targeted drug, a few spots, more time": (
        {"driver": "egfr", "first": "targeted", "where": "few", "matters": "time"},
        ["understanding-progression.html#why-a-treatment-stops-working",
         "re-testing.html#the-two-ways-to-re-test",
         "patterns-of-progression.html#when-only-a-few-spots-grow",
         "next-treatment.html#what-your-team-weighs",
         "next-treatment.html#if-your-cancer-has-a-driver-change",
         "next-treatment.html#some-points-about-egfr",
         "next-treatment.html#what-to-expect-from-later-treatments",
         "clinical-trials.html#why-trials-are-worth-asking-about-now",
         "supportive-care.html#why-it-helps-to-start-early"],
        ["amivantamab with platinum chemotherapy", "datopotamab deruxtecan"],
        {"brain scan", "resistance", "treat spots", "stay on drug"} | TESTING),
    "no driver change after immunotherapy with chemotherapy, many places, fewer side effects": (
        {"driver": "none", "first": "immuno", "where": "many", "matters": "side-effects"},
        ["understanding-progression.html#things-that-can-look-like-progression",
         "re-testing.html#the-two-ways-to-re-test",
         "patterns-of-progression.html#when-the-cancer-grows-in-many-places",
         "next-treatment.html#what-your-team-weighs",
         "next-treatment.html#if-your-cancer-has-no-driver-change",
         "next-treatment.html#if-you-have-already-had-immunotherapy",
         "next-treatment.html#new-side-effects-to-watch-for",
         "clinical-trials.html#why-trials-are-worth-asking-about-now",
         "supportive-care.html#why-it-helps-to-start-early",
         "supportive-care.html#what-it-can-help-with"],
        ["telisotuzumab vedotin"],
        {"brain scan", "bones", "chemo after immuno", "late immuno effects"} | TESTING),
    "ALK after a targeted drug, in the brain, last question skipped": (
        {"driver": "alk", "first": "targeted", "where": "brain"},
        ["understanding-progression.html#why-a-treatment-stops-working",
         "re-testing.html#the-two-ways-to-re-test",
         "patterns-of-progression.html#when-the-cancer-grows-in-the-brain",
         "next-treatment.html#what-your-team-weighs",
         "next-treatment.html#if-your-cancer-has-a-driver-change",
         "clinical-trials.html#why-trials-are-worth-asking-about-now",
         "supportive-care.html#why-it-helps-to-start-early"],
        ["lorlatinib"],
        {"resistance", "treat spots", "brain help"} | TESTING),
    "EGFR exon 20 after immunotherapy, many places and the brain (question 3 takes both), more time": (
        {"driver": "egfr-ex20", "first": "immuno", "where": ["many", "brain"], "matters": "time"},
        # Both places' sections, in the order of the guide.
        ["understanding-progression.html#things-that-can-look-like-progression"]
        + [f"patterns-of-progression.html#when-the-cancer-grows-in-{place}" for place in ("many-places", "the-brain")]
        + [f"next-treatment.html#{part}" for part in ("what-your-team-weighs", "if-your-cancer-has-a-driver-change",
                                                     "what-to-expect-from-later-treatments")]
        + ["clinical-trials.html#why-trials-are-worth-asking-about-now",
           "supportive-care.html#why-it-helps-to-start-early"],
        ["amivantamab with platinum chemotherapy", "amivantamab alone", "sunvozertinib"],
        # "Do I need a brain scan?" is left out: the reader said the brain.
        # Chemotherapy after immunotherapy is the question of a cancer
        # without a driver change.
        {"treat spots", "brain help", "bones", "late immuno effects"}),
    "I don't know, to everything": (
        {"driver": "unknown", "first": "unknown", "where": "unknown", "matters": "skip"},
        ["understanding-progression.html#things-that-can-look-like-progression",
         "re-testing.html#the-two-ways-to-re-test",
         "patterns-of-progression.html",
         "next-treatment.html#what-your-team-weighs",
         "clinical-trials.html#why-trials-are-worth-asking-about-now",
         "supportive-care.html#why-it-helps-to-start-early"],
        [],
        set(CONDITIONAL) - {"resistance", "chemo after immuno"}),
    "KRAS G12C after chemotherapy alone, place not answered, staying at home": (
        {"driver": "kras-g12c", "first": "chemo", "matters": "home"},
        ["patterns-of-progression.html",
         "next-treatment.html#what-your-team-weighs",
         "next-treatment.html#if-your-cancer-has-a-driver-change",
         "next-treatment.html#if-you-have-not-had-immunotherapy-yet",
         "clinical-trials.html#why-trials-are-worth-asking-about-now",
         "supportive-care.html#why-it-helps-to-start-early",
         "supportive-care.html#planning-ahead"],
        ["sotorasib", "adagrasib"],
        {"brain scan", "few or many", "treat spots", "brain help", "bones"}),
    "HER2 after immunotherapy, a few spots": (
        {"driver": "her2", "first": "immuno", "where": "few"},
        ["understanding-progression.html#things-that-can-look-like-progression",
         "patterns-of-progression.html#when-only-a-few-spots-grow",
         "next-treatment.html#what-your-team-weighs",
         "next-treatment.html#if-your-cancer-has-a-driver-change",
         "clinical-trials.html#why-trials-are-worth-asking-about-now",
         "supportive-care.html#why-it-helps-to-start-early"],
        ["trastuzumab deruxtecan", "zongertinib", "sevabertinib"],
        {"brain scan", "treat spots", "late immuno effects"}),
}

SHOWN = """() => {
  const visible = el => !!el && el.checkVisibility({visibilityProperty: true});
  const items = list => [...document.querySelectorAll(`[data-ms-list=${list}] li`)].filter(visible);
  const empty = list => visible(document.querySelector(`[data-ms-list=${list}] .ms-empty`));
  const prompt = list => visible(document.querySelector(`[data-ms-list=${list}] .ms-prompt`));
  return {
    sections: items('sections').map(li => li.querySelector('a').getAttribute('href')),
    drugs: items('treatments').map(li => li.querySelector('strong').textContent.trim().toLowerCase()),
    questions: items('questions').map(li => li.textContent.trim().replace(/\\s+/g, ' ')),
    situation: items('situation').map(li => li.textContent.trim().replace(/\\s+/g, ' ')),
    noDrugs: empty('treatments'),
    notes: [...document.querySelectorAll('[data-ms-list=treatments] .ms-note')].filter(visible)
      .map(p => p.querySelector('a').getAttribute('href')),
    prompts: ['sections', 'treatments', 'questions'].filter(prompt),
    drugCaption: visible(document.querySelector('[data-ms-list=treatments] .ms-caption')),
    status: document.getElementById('ms-status').textContent,
  };
}"""

STORED = "() => Object.keys(localStorage).filter(k => k.startsWith('guide-my-situation'))"


def is_conditional(question):
    return any(w in question for w in CONDITIONAL.values())


def in_page_order(questions):
    """questions as the page lists them: first the conditional ones ("for
    your situation"), then those for everyone, each part in the guide's order."""
    return [q for q in questions if is_conditional(q)] + [q for q in questions if not is_conditional(q)]


def expected_questions(keys):
    words = [CONDITIONAL[k] for k in keys]
    return in_page_order([q for q in all_guide_questions()
                          if not is_conditional(q) or any(w in q for w in words)])


def printed_pages(page, paper):
    """The open page printed on paper ("A4", "Letter") with print.css's
    margins: the text of each printed page, as norm reads it."""
    return [norm(p.extract_text()) for p in
            PdfReader(io.BytesIO(page.pdf(format=paper, margin=PRINT_MARGINS))).pages]


def answer(page, answers):
    for question, choices in answers.items():
        for choice in [choices] if isinstance(choices, str) else choices:
            page.locator(f'label[for="ms-{question}-{choice}"]').click()
    # The status line is rewritten on every change: wait for the count to settle.
    page.wait_for_function("() => document.getElementById('ms-status').textContent.startsWith('Showing ')"
                           " && !document.getElementById('ms-status').textContent.includes('everything')")


def open_tool(tab, url):
    loaded = tab.goto(url)
    loaded.page.locator("#ms-tool").wait_for(state="visible")
    return loaded


def test_the_guide_questions_are_read(site):
    assert len(all_guide_questions()) > 40, f"{QUESTIONS_MD}: the test's reading found too few questions"
    for key, words in CONDITIONAL.items():
        hits = [q for q in all_guide_questions() if words in q]
        assert len(hits) == 1, (f"tests/test_my_situation.py: '{words}' ({key}) matches {len(hits)} "
                                f"questions of {QUESTIONS_MD.name}; update CONDITIONAL")


@pytest.mark.parametrize("name", COMBINATIONS)
def test_answers_show_exactly_what_fits(server, new_tab, name):
    answers, sections, drugs, conditional = COMBINATIONS[name]
    tab = new_tab()
    loaded = open_tool(tab, server + PAGE)
    page = loaded.page
    before = len(loaded.requests)
    answer(page, answers)
    shown = page.evaluate(SHOWN)
    assert shown["sections"] == sections, f"{name}: sections shown {shown['sections']}"
    assert shown["drugs"] == drugs, f"{name}: drugs shown {shown['drugs']}"
    assert shown["noDrugs"] == (not drugs), f"{name}: the 'no drug matches' line is wrong"
    # With no driver change, a note says the table's drug needs a protein
    # test and leads to the usual options; after a targeted drug, one says
    # the list may hold the drug already had and names chemotherapy (phone
    # reader review).
    want_notes = (["next-treatment.html#if-your-cancer-has-no-driver-change"]
                  if answers.get("driver") == "none" else
                  ["next-treatment.html#if-your-cancer-has-a-driver-change"]
                  if answers.get("driver") not in (None, "unknown") and answers.get("first") == "targeted"
                  else [])
    assert shown["notes"] == want_notes, f"{name}: notes over the drugs {shown['notes']}"
    assert shown["prompts"] == [], f"{name}: the 'pick an answer' line still shows in {shown['prompts']}"
    want = expected_questions(conditional)
    assert shown["questions"] == want, (
        f"{name}: questions shown but not expected {sorted(set(shown['questions']) - set(want))}; "
        f"expected but not shown {sorted(set(want) - set(shown['questions']))}")
    assert len(set(shown["questions"])) == len(shown["questions"]), f"{name}: a question shows twice"
    # What the answers picked is listed apart, first: every conditional
    # question shown, and nothing else.
    picked = [q for q in want if is_conditional(q)]
    assert shown["situation"] == picked, \
        f"{name}: 'Questions for your situation' lists {shown['situation']}, expected {picked}"
    for words in FOR_EVERYONE:
        assert any(words in q for q in shown["questions"]) and \
            not any(words in q for q in shown["situation"]), \
            f"{name}: {words!r} should be listed for everyone, not hidden or put first"
    # Results are announced politely, with the counts the reader sees.
    status = page.locator("#ms-status")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    for n, word in ((len(sections), "part"), (len(drugs), "drug"), (len(want), "question"),
                    (len(picked), "of them for your situation")):
        assert re.search(rf"\b{n} {word}s?\b", shown["status"]), f"{name}: status says {shown['status']!r}"
    # Private: nothing was asked for after the page settled, and nothing is
    # in the address or in a cookie.
    assert loaded.requests[before:] == [], f"{name}: answering made requests {loaded.requests[before:]}"
    assert all(u.startswith(server) for u in loaded.requests), loaded.foreign([server])
    assert page.url == server + PAGE, f"the address changed to {page.url}"
    assert page.context.cookies() == []


def assert_waiting_for_an_answer(shown, when):
    """Before any answer (or after Forget): no drug and no section listed,
    a line asking for an answer in their place, every question shown."""
    where = f"{PAGE} {when} (overrides/hooks/my_situation.py, my-situation.js)"
    assert shown["drugs"] == [] and not shown["drugCaption"], \
        f"{where}: drugs are listed before any answer is picked: {shown['drugs'][:4]}..."
    assert shown["sections"] == [], f"{where}: parts of the guide are listed before any answer"
    assert not shown["noDrugs"], f"{where}: the 'no drug matches these answers' line shows with no answer"
    assert shown["prompts"] == ["sections", "treatments"], \
        f"{where}: the 'pick an answer' line shows in {shown['prompts']}, not in sections and treatments"
    assert shown["questions"] == in_page_order(all_guide_questions()), \
        f"{where}: not every question of the guide shows"
    assert "Pick an answer" in shown["status"], f"{where}: the status line says {shown['status']!r}"


def test_before_any_answer_no_drug_or_section_is_listed(server, new_tab):
    """A reader who has picked nothing sees a line asking for an answer, not
    every drug of the table (mostly first-line ones, which would read like
    advice); "I don't know" is an answer and shows the broader sets (see
    COMBINATIONS)."""
    page = open_tool(new_tab(), server + PAGE).page
    assert_waiting_for_an_answer(page.evaluate(SHOWN), "with no answer picked")
    # One answer is enough to list what fits it.
    answer(page, {"driver": "alk"})
    shown = page.evaluate(SHOWN)
    assert shown["drugs"] == ["lorlatinib"] and shown["prompts"] == [], \
        f"after one answer: drugs {shown['drugs']}, prompts {shown['prompts']}"
    assert len(shown["sections"]) > 0, "after one answer no part of the guide is listed"


def test_answers_are_kept_on_this_device_until_forgotten(server, new_tab):
    tab = new_tab()
    loaded = open_tool(tab, server + PAGE)
    page = loaded.page
    answers = COMBINATIONS["ALK after a targeted drug, in the brain, last question skipped"][0]
    answer(page, answers)
    assert page.evaluate(STORED), "the answers were not kept in localStorage"
    # Back later: the answers and the narrowed lists are still there.
    open_tool(tab, server + PAGE)
    assert page.locator("#ms-driver-alk").is_checked()
    assert page.evaluate(SHOWN)["drugs"] == ["lorlatinib"]
    page.get_by_role("button", name="Forget my answers").click()
    assert page.evaluate(STORED) == [], "Forget my answers left the answers in localStorage"
    assert page.evaluate("() => document.querySelectorAll('#ms-tool input:checked').length") == 0
    assert_waiting_for_an_answer(page.evaluate(SHOWN), "after Forget my answers")
    assert "forgotten" in page.locator("#ms-status").text_content()
    open_tool(tab, server + PAGE)
    assert not page.locator("#ms-driver-alk").is_checked(), "a forgotten answer came back"
    assert page.context.cookies() == []


def test_where_it_grows_takes_several_answers_but_not_with_i_dont_know(server, new_tab):
    """Question 3 (where the cancer grows) has check boxes: a few spots and
    the brain can both be true. "I don't know" clears the places, and a
    place clears "I don't know". What is picked is kept, as a list."""
    tab = new_tab()
    page = open_tool(tab, server + PAGE).page
    boxes = page.locator('fieldset[data-ms-question="where"] input')
    assert boxes.count() == 4 and all(t == "checkbox" for t in boxes.evaluate_all("l => l.map(i => i.type)"))
    assert page.locator('fieldset[data-ms-question="driver"] input[type="radio"]').count() > 10
    checked = "() => [...document.querySelectorAll('fieldset[data-ms-question=where] input:checked')].map(i => i.value)"
    answer(page, {"where": ["few", "brain"]})
    assert page.evaluate(checked) == ["few", "brain"]
    page.locator('label[for="ms-where-unknown"]').click()
    assert page.evaluate(checked) == ["unknown"], "I don't know left a place picked"
    assert "patterns-of-progression.html" in page.evaluate(SHOWN)["sections"]
    page.locator('label[for="ms-where-many"]').click()
    assert page.evaluate(checked) == ["many"], "a place left I don't know picked"
    page.locator('label[for="ms-where-brain"]').click()
    open_tool(tab, server + PAGE)
    assert page.evaluate(checked) == ["many", "brain"], "the two answers were not kept"
    sections = page.evaluate(SHOWN)["sections"]
    assert {"patterns-of-progression.html#when-the-cancer-grows-in-many-places",
            "patterns-of-progression.html#when-the-cancer-grows-in-the-brain"} <= set(sections), sections
    # Answers kept by the earlier page, one value a question, still restore.
    page.evaluate("""() => localStorage.setItem('guide-my-situation:' + new URL('.', location.href).pathname,
                                               JSON.stringify({driver: 'alk', where: 'brain'}))""")
    open_tool(tab, server + PAGE)
    assert page.evaluate(checked) == ["brain"] and page.locator("#ms-driver-alk").is_checked()
    page.get_by_role("button", name="Forget my answers").click()


def test_print_view_holds_the_chosen_list_and_the_record(server, new_tab):
    tab = new_tab()
    page = open_tool(tab, server + PAGE).page
    answers, sections, drugs, conditional = COMBINATIONS[
        "EGFR common after a targeted drug, a few spots, more time"]
    answer(page, answers)
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    page.get_by_role("button", name="Print my list").click()
    assert page.evaluate("() => window.__printed") == 1, "Print my list did not call window.print()"
    date = page.locator("#ms-date").text_content()
    assert re.search(r"\b20\d\d\b", date), f"the printout's date was not filled in: {date!r}"
    page.emulate_media(media="print")
    visible = lambda sel: page.locator(sel).first.is_visible()
    assert visible(".ms-print-head"), "the printout has no heading with the date"
    head = " ".join(page.locator(".ms-print-head").inner_text().split())
    for key in ("disclaimer", "not_reviewed"):
        words = " ".join(guide_config.load()["extra"][key].split())
        assert words in head, f"the printout lacks the guide's extra.{key}: {words}"
    assert not visible("#ms-tool"), "the answer form prints"
    assert not visible(".admonition.abstract"), "the Key points box prints"
    for q in expected_questions(conditional):
        assert page.get_by_text(q, exact=True).is_visible(), f"a chosen question does not print: {q}"
    assert not page.get_by_text(CONDITIONAL["bones"]).is_visible(), "a question not chosen prints"
    for label in ("Diagnosis and cell type", "Stage, and where the cancer is now"):
        assert page.locator(".ms-record__field", has_text=label).is_visible(), f"record field missing: {label}"
    heads = page.locator(".ms-record table th").all_inner_texts()
    for col in ("Date", "Result", "Treatment", "How well it worked", "Side effects"):
        assert col in heads, f"the record's table lacks '{col}' in print: {heads}"
    for href in sections:
        assert page.locator(f'[data-ms-list=sections] a[href="{href}"]').is_visible()
    screenshot(page, "my-situation-print", full_page=True)
    # The list on two sheets printed on both sides, on either paper size;
    # then the urgent-care signs on one page of their own, to keep by the
    # phone (urgent_care: sheet; patient review: the list went home without
    # them).
    card = urgent_care.load(ROOT / "docs")
    first_sign = norm(urgent_care.text_of(card["tiers"][0]["items"][0]))
    for paper in ("A4", "Letter"):
        texts = printed_pages(page, paper)
        # A page's text opens with its number (print.css @page), then the title.
        starts = [n for n, text in enumerate(texts, 1)
                  if re.match(rf"(\d+ )?{re.escape(norm(card['title']))}", text)]
        assert starts == [len(texts)], \
            f"{paper}: the urgent-care signs should start the last page alone; they start on {starts} of {len(texts)}"
        assert first_sign in texts[-1] and "Where this advice comes from" in texts[-1], \
            f"{paper}: the urgent-care signs do not fit on one page"
        assert len(texts) - 1 <= 4, \
            f"the printed list takes {len(texts) - 1} {paper} pages; it must fit on two sheets (4 pages)"
    # The space to write prints as on the questions page: one style of
    # ruled lines in the guide, not two.
    notes_height = "sel => document.querySelector(sel).getBoundingClientRect().height"
    here = page.evaluate(notes_height, "[data-ms-list=questions] .notes")
    tab.goto(server + "questions-to-ask.html")
    page.emulate_media(media="print")
    there = page.evaluate(notes_height, ".md-typeset .notes")
    assert abs(here - there) <= 2, \
        f"My situation's notes space prints {here:.0f} px high, the questions page's {there:.0f} px"


def test_the_record_prints_whole_when_the_list_is_long(server, new_tab):
    """The longest list (a driver change with four drugs, everything else
    unknown) does not leave room for the treatment record on its last
    sheet: the record then starts a page of its own instead of being split
    between two, on either paper size."""
    tab = new_tab()
    page = open_tool(tab, server + PAGE).page
    answer(page, {"driver": "egfr", "first": "unknown", "where": "unknown", "matters": "skip"})
    assert len(page.evaluate(SHOWN)["drugs"]) >= 4, "this case is meant to list the most drugs"
    page.emulate_media(media="print")
    for paper in ("A4", "Letter"):
        texts = printed_pages(page, paper)
        ends = [next((i for i, t in enumerate(texts) if words in t), None)
                for words in ("Your treatment record", "Diagnosis and cell type", "Each treatment so far")]
        assert None not in ends and len(set(ends)) == 1, \
            f"{paper}: the treatment record is split across pages {ends} (print.css, .ms-record)"


def test_print_heading_names_the_hospital_when_the_overlay_sets_one():
    """The printout's heading has the institution's name and number
    (extra.institution), and nothing of the kind without one."""
    hooks = guide_config.load()["hooks"]
    hook = next(m for p, m in hooks.items() if p.replace("\\", "/").endswith("/my_situation.py"))

    class Config:
        extra = {"disclaimer": "Not medical advice. Talk to your team.",
                 "institution": {"name": "St Example's", "phone": "0100 000 0000",
                                 "tel": {"phone": "01000000000"}}}
    head = hook.render_print_head(Config())
    assert "St Example&#x27;s" in head and 'href="tel:01000000000"' in head and "0100 000 0000" in head
    assert "Not medical advice. Talk to your team." in head, "the printout lacks the guide's disclaimer"
    Config.extra = {"disclaimer": "Not medical advice.", "institution": {}}
    assert "tel:" not in hook.render_print_head(Config())


def test_without_javascript_the_full_list_and_record_show(server, new_tab):
    tab = new_tab(javascript=False)
    page = tab.goto(server + PAGE, settle=False).page
    assert not page.locator("#ms-tool").is_visible(), "the answer form shows, but it needs JavaScript"
    assert page.locator(".ms-noscript").is_visible(), "no line says why the questions are not there"
    questions = [" ".join(t.split()) for t in page.locator("[data-ms-list=questions] li").all_inner_texts()]
    assert questions == in_page_order(all_guide_questions())
    assert page.locator("[data-ms-list=questions] li").filter(visible=True).count() == len(questions)
    # The full lists are the no-JavaScript fallback: every part and every
    # drug, and no line asking for an answer that cannot be given.
    for name, least in (("sections", 15), ("treatments", 20)):
        items = page.locator(f"[data-ms-list={name}] li")
        assert items.count() >= least and items.filter(visible=True).count() == items.count(), \
            f"{PAGE} without JavaScript: not every item of the {name} list shows"
        assert not page.locator(f"[data-ms-list={name}] .ms-prompt").is_visible(), \
            f"{PAGE} without JavaScript: the {name} list shows the 'pick an answer' line"
    assert page.locator(".ms-record__field").filter(visible=True).count() == 2
    assert page.locator(".ms-record table").filter(visible=True).count() == 2
    page.emulate_media(media="print")
    assert page.locator("[data-ms-list=questions] li").filter(visible=True).count() == len(questions)
    assert page.locator(".ms-record table").filter(visible=True).count() == 2


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_passes_with_results_shown(server, new_tab, scheme):
    tab = new_tab(color_scheme=scheme)
    page = open_tool(tab, server + PAGE).page
    answer(page, COMBINATIONS["no driver change after immunotherapy with chemotherapy, many places, "
                              "fewer side effects"][0])
    problems = format_axe(PAGE, run_axe(page), f" [{scheme}]")
    assert not problems, "axe-core violations:\n" + "\n".join(problems)
    page.locator("#ms-tool").scroll_into_view_if_needed()
    screenshot(page, f"my-situation-1280-{scheme}")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_works_at_360px(server, new_tab, scheme):
    tab = new_tab(width=360, height=740, color_scheme=scheme)
    page = open_tool(tab, server + PAGE).page
    answers, sections, drugs, _ = COMBINATIONS["KRAS G12C after chemotherapy alone, place not answered, "
                                               "staying at home"]
    answer(page, answers)
    assert page.evaluate(SHOWN)["drugs"] == drugs
    width, client = page.evaluate("() => [document.documentElement.scrollWidth, "
                                  "document.documentElement.clientWidth]")
    assert width <= client, f"{PAGE} scrolls sideways at 360 px ({width} > {client})"
    page.locator("[data-ms-list=treatments]").scroll_into_view_if_needed()
    screenshot(page, f"my-situation-360-{scheme}")


def test_the_count_is_in_sight_while_answering_on_a_phone(server, new_tab):
    """The line that counts what fits sits below the last question, four
    phone screens down from the first (phone reader review): while the
    questions are on screen it stays at the foot of the screen, and a
    keyboard user's focus is never scrolled in under it."""
    tab = new_tab(width=390, height=844)
    page = open_tool(tab, server + PAGE).page
    first = page.locator('label[for="ms-driver-egfr"]')
    first.click()
    first.scroll_into_view_if_needed()
    status = page.locator("#ms-status")
    page.wait_for_function("() => document.getElementById('ms-status').textContent.startsWith('Showing ')")
    box, height = status.bounding_box(), page.viewport_size["height"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= height + 1, f"the count is off screen at {box}"
    assert box["height"] < height / 5, f"the count covers {box['height']:.0f} of {height} px"
    assert status.is_visible() and "Showing" in status.text_content()
    # Focus an answer below the screen: it ends up above the count. (Chromium
    # scrolls a focused element to the middle; guide.css's scroll-margin is
    # for browsers that scroll it only as far as the edge.)
    for choice in ("ms-where-few", "ms-matters-time"):
        page.locator(f"#{choice}").focus()
        target = page.locator(f"#{choice}").bounding_box()
        status_top = status.bounding_box()["y"]
        assert target["y"] + target["height"] <= status_top, f"#{choice} is under the count"


# Each table of the treatment record: its caption's box against the table's.
CAPTION_BOXES = """() => [...document.querySelectorAll('.ms-record table')].map(t => {
  const table = t.getBoundingClientRect(), caption = t.querySelector('caption').getBoundingClientRect();
  return {caption: t.querySelector('caption').textContent, table: table.width,
          width: caption.width, left: caption.left - table.left};
})"""


def test_record_captions_span_their_tables_on_phones(server, new_tab):
    """On phones the record's tables are cards; a caption left as a table
    caption there shrank to its longest word ("Each / treatment / so far").
    Each caption must be as wide as its table, on screen and in print."""
    tab = new_tab(width=390, height=800)
    page = open_tool(tab, server + PAGE).page
    answer(page, COMBINATIONS["HER2 after immunotherapy, a few spots"][0])
    page.locator(".ms-record").scroll_into_view_if_needed()
    screenshot(page, "my-situation-390-record")
    for width, media in ((390, "screen"), (360, "screen"), (390, "print")):
        page.set_viewport_size({"width": width, "height": 800})
        page.emulate_media(media=media)
        boxes = page.evaluate(CAPTION_BOXES)
        assert len(boxes) == 2, f"{PAGE}: the record has {len(boxes)} tables, expected 2"
        for box in boxes:
            assert box["width"] >= box["table"] - 8 and abs(box["left"]) <= 8, (
                f"{PAGE} at {width} px ({media}): the caption '{box['caption']}' is {box['width']:.0f} px "
                f"wide under a {box['table']:.0f} px table; fix the .ms-record caption rules in "
                "docs/assets/stylesheets/guide.css (or print.css)")


def test_works_from_a_file(site, new_tab):
    url = (site / PAGE).as_uri()
    tab = new_tab()
    loaded = open_tool(tab, url)
    page = loaded.page
    answers, sections, drugs, _ = COMBINATIONS["EGFR common after a targeted drug, a few spots, more time"]
    answer(page, answers)
    shown = page.evaluate(SHOWN)
    assert shown["sections"] == sections and shown["drugs"] == drugs
    assert page.evaluate(STORED), "the answers were not kept under file://"
    assert all(u.startswith("file://") for u in loaded.requests), \
        [u for u in loaded.requests if not u.startswith("file://")]
    assert loaded.console == [], f"{PAGE} logged errors under file://: {loaded.console}"
