"""Search that forgives (issue 16), tried the way a reader does it: in a real
browser, the query typed into the search box, the theme's own results read
from the page.

- A misspelled drug or word ("osimertinb", "pallative"), or another form of
  a word ("vomited", "surgeries"), finds the same first
  page as the right spelling (docs/assets/javascripts/lazy-search.js asks
  again with lunr's edit distance, and the word's stem, when a word matches
  nothing).
- An answer that arrives after the reader has typed on is not shown under
  the newer query (lazy-search.js drops it).
- A word written in brackets or quotes, "(fever)", "(Tagrisso),",
  "“scanxiety”", is found on every page that has it (the search
  separator in mkdocs.yml splits at punctuation).
- A drug's name puts the drug table's page first, not My situation's copy.
- "liquid biopsy" puts the re-testing page first.
- The hosting guide for IT staff is not in the patient search (front matter
  `search: exclude: true`).
- Questions in everyday words ("who do i call", "is it my fault") lead to
  their answers: lazy-search.js leaves lunr's stop words, which the index
  does not hold, out of a query.
- "how long will I live" leads to the guide's honest answer (the FAQ's
  "How long do I have?"), not to the hosting guide.
- Each word of the glossary is a search result of its own, and opens the
  glossary at that word (overrides/hooks/glossary.py).
- Lighthouse (mobile preset) on one page: accessibility 100 (the scores of
  every page are in scripts/page_weight.py --lighthouse; no timing is
  asserted here).
"""
import json
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import ROOT, SUBPATH
from guidekit import config as guide_config
from guidekit import search_box, treatments, urgent_care

START = "index.html"
RESULTS_TIMEOUT_MS = 20_000
# The honest answer to "how long will I live": the FAQ's section.
HONEST_ANSWER = "faq.html#how-long-do-i-have"



def search(open_page, server, query):
    """Type query into the search box of a freshly opened page and return
    the result links in the order shown, as paths from the site's root
    ("faq.html#how-long-do-i-have"); [] when the theme says nothing matches."""
    page = open_page(server + START).page
    field, meta = open_search(page)
    return ask(page, field, meta, query)


def ask(page, field, meta, query):
    """Type query into the open search box (open_search) and return the
    result links in the order shown (see search)."""
    try:
        hrefs = search_box.ask(page, field, meta, query, RESULTS_TIMEOUT_MS)
    except PlaywrightTimeout:
        pytest.fail(f"searching {query!r} on {START}: no results shown within "
                    f"{RESULTS_TIMEOUT_MS // 1000} s (the theme says: {meta.text_content()!r})")
    return [h.split(SUBPATH, 1)[1] if SUBPATH in h else h for h in hrefs]


def open_search(page, opener=search_box.FIELD):
    """guidekit.search_box.open_search, failing the test when search is not
    ready in time. Returns the box and the results' line."""
    try:
        return search_box.open_search(page, opener, RESULTS_TIMEOUT_MS)
    except PlaywrightTimeout:
        pytest.fail(f"search on {START} was not ready within {RESULTS_TIMEOUT_MS // 1000} s "
                    f"(the theme says: {page.locator(search_box.META).text_content()!r})")


def first_page(results):
    return results[0].split("#")[0] if results else None


def pages_of(results):
    return {r.split("#")[0] for r in results}


# Misspelled, and (the index keeps words whole) another form of a word:
# lazy-search.js asks again with the word spelt loosely and its stem.
@pytest.mark.parametrize("typed, meant", [("osimertinb", "osimertinib"), ("pallative", "palliative"),
                                          ("vomited", "vomiting"), ("surgeries", "surgery")])
def test_a_misspelled_word_finds_the_same_page(typed, meant, open_page, server, site):
    right = search(open_page, server, meant)
    assert right, f"searching {meant!r} finds nothing: the test needs a word the guide uses"
    wrong = search(open_page, server, typed)
    assert wrong, (f"searching {typed!r} (for {meant!r}) finds nothing: lazy-search.js should ask "
                   "again with lunr's edit distance and the word's stem "
                   "(docs/assets/javascripts/lazy-search.js)")
    assert first_page(wrong) == first_page(right), (
        f"searching {typed!r} puts {first_page(wrong)} first, {meant!r} puts {first_page(right)} first")
    text = (site / first_page(wrong)).read_text(encoding="utf-8").lower()
    assert meant in text, f"{first_page(wrong)}, first for {typed!r}, never says {meant!r}"


# Put before the theme's search worker (served through a route): it holds
# back its answer to "zqx" until the next query reaches it, as a busy
# machine may, so that answer arrives after the reader has typed on.
HOLD_ONE_ANSWER = """
(() => {
  const post = self.postMessage.bind(self);
  let hold = false, held = null;
  self.addEventListener('message', event => {
    const m = event.data;
    if (!m || m.type !== 2) return;  // the theme's query message
    if (held) { post(held); held = null; }
    hold = m.data === 'zqx';
  });
  self.postMessage = message => {
    if (hold && message && message.type === 3) { held = message; hold = false; return; }
    post(message);
  };
})();
"""


def test_an_answer_to_an_earlier_query_is_not_shown(open_page, server):
    """An answer that arrives after the reader has typed on is not shown
    under the newer query: the answer to "zqx" said "No matching documents"
    under "fever" until fever's own came (lazy-search.js drops it). Every
    change of the results while the box says "fever" is read."""
    page = open_page(server + START).page

    def with_hold(route):
        response = route.fetch()
        route.fulfill(response=response, body=HOLD_ONE_ANSWER + response.text())

    page.route("**/workers/search.*.js", with_hold)
    field, meta = open_search(page)
    for key in "zqx":
        field.press(key)
    page.evaluate("""() => {
      window.guideSeen = [];
      new MutationObserver(() => window.guideSeen.push({
        box: document.querySelector('.md-search__input').value,
        says: document.querySelector('.md-search-result__meta').textContent,
        items: document.querySelectorAll('.md-search-result__item').length,
      })).observe(document.querySelector('.md-search-result'),
                  {subtree: true, childList: true, characterData: true});
    }""")
    field.fill("feve")
    field.press("r")
    # Wait for fever's own results to be drawn, as the observer saw them:
    # the box may say "fever" while the results drawn for "z" or "zq" are
    # still shown (the answer to "zqx" is held), so counting the results
    # on the page could end the wait before any answer under "fever".
    try:
        page.wait_for_function(
            "() => window.guideSeen.some(s => s.box === 'fever' && s.items > 0)",
            timeout=RESULTS_TIMEOUT_MS)
    except PlaywrightTimeout:
        pytest.fail(f"no results were drawn under 'fever' within {RESULTS_TIMEOUT_MS // 1000} s; "
                    f"seen: {page.evaluate('() => window.guideSeen')[-5:]}")
    seen = [s for s in page.evaluate("() => window.guideSeen") if s["box"] == "fever"]
    wrong = [s for s in seen if not s["items"]]
    assert not wrong, (f"under 'fever' the results said {wrong[0]['says']!r}: the answer to 'zqx' "
                       "(docs/assets/javascripts/lazy-search.js should drop an answer to an earlier query)")


def test_a_loose_search_invents_nothing(open_page, server):
    """The second, loose try finds only words near the one typed: a word far
    from every word of the guide still finds nothing."""
    results = search(open_page, server, "zqxwvjkyb")
    assert results == [], f"'zqxwvjkyb', like no word of the guide, still found {results[:3]}"


@pytest.mark.parametrize("word", ["fever", "tagrisso", "scanxiety"])
def test_a_word_in_brackets_or_quotes_is_found_on_every_page_that_has_it(word, open_page, server, site):
    """Every page whose indexed text has the word, in whatever brackets,
    quotes or punctuation, is among the results (the urgent-care card's
    "(fever)" was found on no page)."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    whole = re.compile(rf"(?<![\w-]){word}(?![\w-])", re.I)
    having = {doc["location"].split("#")[0] for doc in index["docs"] if whole.search(doc["text"])}
    assert any(re.search(rf"[(“\"]{word}", doc["text"], re.I) for doc in index["docs"]), \
        f"the guide no longer writes {word!r} after a bracket or quote: choose another word for this test"
    found = pages_of(search(open_page, server, word))
    assert having <= found, (f"searching {word!r} misses {sorted(having - found)}, which have it "
                             "(the search separator in mkdocs.yml must split at brackets, quotes "
                             f"and punctuation); found {sorted(found)}")


def test_a_drug_s_name_leads_to_the_drug_table_not_to_its_copy(open_page, server, site):
    """My situation copies the drug table's drugs and the question list; the
    copies are out of the search index (data-search-exclude, set by
    overrides/hooks/my_situation.py), so a drug's name leads first to
    Choosing the next treatment (phone reader review: "osimertinib" put My
    situation first)."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    mine = " ".join(doc["text"] for doc in index["docs"] if doc["location"].startswith("my-situation.html"))
    assert mine, "My situation is not in the search index"
    data = treatments.load(ROOT / "docs" / treatments.DATA)
    drugs = sorted({drug["generic"] for driver in data["drivers"] for drug in driver["drugs"]})
    copied = [d for d in drugs if re.search(rf"\b{re.escape(d)}\b", mine, re.I)]
    assert not copied, f"My situation's search entries still hold the drug table's drugs: {copied}"
    results = search(open_page, server, "osimertinib")
    assert first_page(results) == "next-treatment.html", \
        f"searching 'osimertinib' puts {first_page(results)} first; results: {results[:4]}"


def test_liquid_biopsy_puts_re_testing_first(open_page, server):
    results = search(open_page, server, "liquid biopsy")
    assert first_page(results) == "re-testing.html", (
        f"searching 'liquid biopsy' puts {first_page(results)} first, not re-testing.html: give "
        "docs/re-testing.md a heading with the words 'liquid biopsy' (the theme's search weighs "
        f"titles 1000 times the text); results: {results[:4]}")


@pytest.mark.parametrize("query", ["hosting", "nginx", "IIS"])
def test_hosting_guide_not_in_patient_search(query, open_page, server, site):
    assert (site / "hosting.html").exists(), "the hosting guide is no longer built: update this test"
    results = search(open_page, server, query)
    assert "hosting.html" not in pages_of(results), (
        f"searching {query!r} shows the hosting guide for IT staff: docs/hosting.md needs "
        f"`search: exclude: true` in its front matter; results: {results[:4]}")


@pytest.mark.parametrize("query", ["how long will I live", "life expectancy", "prognosis", "am I dying",
                                   "will I die", "how long do I have"])
def test_how_long_will_i_live_leads_to_the_honest_answer(query, open_page, server):
    """However a reader puts it (patient review: "life expectancy" found six
    copies of the urgent card's crisis line, "prognosis" nothing)."""
    results = search(open_page, server, query)
    assert "hosting.html" not in pages_of(results), (
        f"{query!r} shows the hosting guide: docs/hosting.md needs "
        f"`search: exclude: true`; results: {results[:4]}")
    assert first_page(results) == HONEST_ANSWER.split("#")[0], (
        f"{query!r} puts {first_page(results)} first, not the FAQ; results: {results[:4]}")
    first_group = [r for r in results if r.split("#")[0] == first_page(results)]
    assert HONEST_ANSWER in first_group[:3], (
        f"{query!r} does not show {HONEST_ANSWER} among the FAQ's first results "
        f"({first_group[:3]}): give that answer the words people type (e.g. 'How long will I "
        "live?') in docs/faq.md")


def test_each_part_of_the_card_is_indexed_once_on_its_own(site):
    """Six pages show the card; search indexes none of them as page text
    (overrides/partials/urgent-card.html: data-search-exclude). Instead each
    sign, each line after a tier's signs and each note of the card on its
    home page is an entry of its own (overrides/hooks/urgent_care.py), at an
    id the page has, in the index the server sends and in the one a page
    opened from a file reads (search_index.js, the offline plugin's)."""
    card = urgent_care.load(ROOT / "docs")
    home = guide_config.html_name(card["home"])
    page = (site / home).read_text(encoding="utf-8")
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    own = [doc for doc in index["docs"] if doc["location"].startswith(f"{home}#{urgent_care.ANCHOR}-")]
    expected = sum(len(t["items"]) + len(t.get("after") or []) for t in card["tiers"]) + len(card.get("notes") or [])
    assert len(own) == expected, f"{len(own)} entries of the card in the search index, not {expected}"
    for doc in own:
        anchor = doc["location"].split("#", 1)[1]
        assert f'id="{anchor}"' in page, f"search leads to {doc['location']}, but {home} has no such id"
    first = card["tiers"][0]["items"][0]["text"]
    holding = sorted(doc["location"] for doc in index["docs"] if first in doc["text"])
    assert holding == [f"{home}#{urgent_care.ANCHOR}-{card['tiers'][0]['id']}-1"], \
        f"the card's first sign is indexed under {holding}, not once on its own"
    offline = (site / "search" / "search_index.js").read_text(encoding="utf-8")
    assert f"{home}#{urgent_care.ANCHOR}-{card['tiers'][0]['id']}-1" in offline, \
        "the index read from a file (search_index.js) lacks the card's entries"


@pytest.mark.parametrize("query", ["fever", "chest pain", "coughing up blood", "back pain", "seizure"])
def test_a_warning_sign_leads_first_to_the_sign_and_whom_to_call(query, open_page, server, site):
    """A reader who types a warning sign sees Start here first, and under it
    the sign itself, titled with what to do ("Call ... now ... if you
    have:"). Before, "coughing up blood" and "back pain" listed other pages
    first: a word of the query in a heading ("Check-ups", "come back")
    outranked the card; lazy-search.js now lists results that hold every
    word of the query first (patient reviews)."""
    home = guide_config.html_name(urgent_care.load(ROOT / "docs")["home"])
    titles = {doc["location"]: doc["title"] for doc in
              json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]}
    results = search(open_page, server, query)
    assert first_page(results) == home, f"searching {query!r} puts {results[:3]} first, not {home}"
    sign = results[1] if len(results) > 1 else ""
    assert sign.startswith(f"{home}#{urgent_care.ANCHOR}-") and re.search(r"\bnow\b.*if you have:$", titles.get(sign, "")), \
        f"searching {query!r}: the first part shown under {home} is {sign!r} ({titles.get(sign)!r}), not a sign of the card"


def test_every_sign_is_found_by_the_other_words_it_lists(open_page, server):
    """Readers type words the card does not use: "blood in phlegm",
    "stroke", "suicidal" and "shortness of breath" found nothing or other
    pages first (patient reviews). Each sign and note lists such words in
    docs/includes/urgent-care.yml (`search`); searching any of them shows
    Start here first and that sign among the first three results under it."""
    card = urgent_care.load(ROOT / "docs")
    home = guide_config.html_name(card["home"])
    listed = [(f"{urgent_care.ANCHOR}-{tier['id']}-{n}", item) for tier in card["tiers"]
              for n, item in enumerate(tier["items"], start=1)]
    listed += [(f"{urgent_care.ANCHOR}-note-{n}", note) for n, note in enumerate(card.get("notes") or [], start=1)
               if isinstance(note, dict)]
    queries = [(word, anchor) for anchor, entry in listed for word in entry.get("search", [])]
    assert len(queries) >= 20, f"only {len(queries)} other words in the card's data: the test needs them"
    page = open_page(server + START).page
    field, meta = open_search(page)
    missed = []
    for word, anchor in queries:
        results = ask(page, field, meta, word)
        ours = [r for r in results if r.split("#")[0] == home]
        if first_page(results) != home or f"{home}#{anchor}" not in ours[:4]:
            missed.append(f"{word!r}: {results[:4]}")
    assert not missed, (f"words that do not lead first to {home} and their sign ({len(missed)} of "
                        f"{len(queries)}):\n  " + "\n  ".join(missed))


def test_a_sign_opened_from_search_shows_what_to_do(open_page, server):
    """On a phone the tier's heading ("Call ... now ... if you have:") can
    be screens above a sign. Opened at the sign's id, as a search result
    opens it, the sign shows that heading over itself, in view; the other
    signs do not, and on paper none does (overrides/partials/urgent-card.html,
    guide.css, print.css)."""
    card = urgent_care.load(ROOT / "docs")
    home = guide_config.html_name(card["home"])
    tier = card["tiers"][1]
    target = f"{urgent_care.ANCHOR}-{tier['id']}-{len(tier['items']) // 2}"
    page = open_page(f"{server}{home}#{target}", width=390, height=844).page
    shown = page.evaluate("""id => [...document.querySelectorAll('.urgent-card__tier-tag')]
        .filter(tag => tag.getClientRects().length)
        .map(tag => { const box = tag.getBoundingClientRect();
                      return {sign: tag.parentElement.id, text: tag.innerText.trim(),
                              inView: box.top >= 0 && box.bottom <= innerHeight}; })""", target)
    heading = page.locator(f".urgent-card--home .urgent-card__tier--{tier['id']} .urgent-card__heading").inner_text()
    assert [s["sign"] for s in shown] == [target], f"signs showing their tier's heading: {shown}, not only {target}"
    assert shown[0]["text"] == heading.strip() and shown[0]["inView"], (
        f"{home}#{target}: the sign shows {shown[0]['text']!r} (in view: {shown[0]['inView']}), "
        f"not its tier's heading {heading.strip()!r} in view")
    page.emulate_media(media="print")
    printed = page.evaluate("() => [...document.querySelectorAll('.urgent-card__tier-tag')]"
                            ".filter(tag => tag.getClientRects().length).length")
    assert printed == 0, f"printed from {home}#{target}, the sign still shows its tier's heading over it"


@pytest.mark.parametrize("width, icon", [(390, "last"), (1280, "first")])
def test_the_open_search_box_shows_one_icon_at_its_start(width, icon, open_page, server):
    """The button at the start of the open search box shows one icon: on a
    phone the back arrow (its last), on a desktop the magnifier (its
    first). Its name for screen readers, put before the icons
    (overrides/hooks/theme_fixes.py), had left both showing on a phone,
    one over the other (patient review)."""
    page = open_page(server + START, width=width, height=844).page
    opener = page.locator('.md-header__button[for="__search"]').first
    (opener if opener.is_visible() else page.locator(".md-search__input")).click()
    page.wait_for_function("() => document.getElementById('__search').checked")
    shown = page.evaluate("""() => [...document.querySelectorAll('.md-search__icon[for="__search"] svg')]
        .map((svg, i, all) => ({first: i === 0, last: i === all.length - 1,
                                shown: svg.getClientRects().length > 0}))
        .filter(svg => svg.shown)""")
    assert len(shown) == 1 and shown[0][icon], (
        f"at {width} px the open search box shows {len(shown)} icons at its start, not only its {icon}: {shown}")


# Questions as readers type them, and the part that answers each (patient
# review: the first two listed the docetaxel section and the About page
# first, the third the urgent-care card).
EVERYDAY_QUESTIONS = {
    "who do i call": "index.html#urgent-care-",
    "is it my fault": "faq.html#did-i-do-something-wrong",
    "what if i am too ill for treatment": "faq.html#what-if-i-am-not-well-enough-for-more-treatment",
    # A number beside a word is whole: "20" matched every "2026" of What changed.
    "exon 20": "next-treatment.html",
    # Words a reader brings from a scan report or a worry, that found nothing
    # (the index has no stemmer: "depressed" is not "depression").
    "stable disease": "understanding-progression.html#the-words-you-may-hear",
    "remission": "glossary.html#term-complete-response",
    "depression": "living-with-progression.html#looking-after-your-feelings",
    "maintenance": "glossary.html#term-maintenance-treatment",
    "sex": "living-with-progression.html#your-partner-sex-and-closeness",
    # Questions the guide had no answer to (search found nothing useful).
    "vaccine": "supportive-care.html#vaccines-such-as-flu-and-covid-19",
    "covid": "supportive-care.html#vaccines-such-as-flu-and-covid-19",
    "signs of dying": "supportive-care.html#the-last-days-of-life",
    "holiday": "living-with-progression.html#travel-and-holidays",
    "wine": "supportive-care.html#eating-well-and-staying-active",
    "morphine": "myths-and-facts.html#about-care-and-support",
}


def test_questions_in_everyday_words_find_their_answer(open_page, server):
    """The index leaves lunr's stop words out, so a query's "do", "i" or
    "who" could only match the start of other words ("do": docetaxel);
    lazy-search.js leaves them out of the query. Each question shows its
    answer among the first four results."""
    page = open_page(server + START).page
    field, meta = open_search(page)
    missed = []
    for query, answer in EVERYDAY_QUESTIONS.items():
        results = ask(page, field, meta, query)
        if not any(r.startswith(answer) for r in results[:4]):
            missed.append(f"{query!r}: {results[:4]}, not {answer}")
    assert not missed, "questions that do not lead to their answer:\n  " + "\n  ".join(missed)


# Queries whose answer is a section of a page that also cites sources on it.
ANSWERED_BEFORE_SOURCES = ("hospice", "docetaxel", "side effects")


def test_a_page_s_sources_come_after_the_sections_that_answer(open_page, server):
    """A page's Sources list names its subjects in the sources' titles, so
    search listed it second, above the section that answers the question
    (overrides/hooks/sources_in_search.py weighs it less). For each query,
    the first page listed shows two of its sections before its Sources."""
    heading = guide_config.load().extra["sources_heading"]
    slug = heading.lower()
    page = open_page(server + START).page
    field, meta = open_search(page)
    late = []
    for query in ANSWERED_BEFORE_SOURCES:
        results = ask(page, field, meta, query)
        top = results[0].split("#")[0]
        sections = [r.split("#", 1)[1] for r in results if r.startswith(top + "#")]
        first = next((i for i, s in enumerate(sections) if re.fullmatch(rf"{slug}(_\d+)?", s)), None)
        if len(sections) < 3 or first is not None and first < 2:
            late.append(f"{query!r}: {top} lists {sections[:4]}")
    assert not late, f"{heading} listed before the sections that answer:\n  " + "\n  ".join(late)


def test_a_result_says_which_words_it_lacks_in_plain_words(open_page, server):
    """Under a result that lacks a word of the query the theme wrote
    "Missing:", which reads like a fault (patient review);
    overrides/partials/languages/custom.html says it another way."""
    page = open_page(server + START).page
    field, meta = open_search(page)
    ask(page, field, meta, "steroids dexamethasone")
    lines = page.eval_on_selector_all(".md-search-result__terms", "ps => ps.map(p => p.textContent.trim())")
    assert lines, "no result lacked a word of 'steroids dexamethasone': choose another query"
    assert all(line.startswith("Not found here: ") for line in lines), lines[:3]


def test_the_stop_words_left_out_of_a_query_are_the_index_s(site):
    """lazy-search.js keeps its own copy of lunr's stop words (it runs
    before the theme's search worker, which has them); a theme update that
    changed the list would make the copy wrong. The built worker's list and
    the copy are the same."""
    worker = next((site / "assets" / "javascripts" / "workers").glob("search.*.js")).read_text(encoding="utf-8")
    theirs = re.search(r"generateStopWordFilter\(\[([^\]]*)\]\)", worker)
    assert theirs, "the theme's search worker has no generateStopWordFilter([...]): has lunr changed?"
    ours = re.search(r'STOP_WORDS = \(((?:\s*"[^"]*"\s*\+?)+)\)', (ROOT / "docs" / "assets" / "javascripts" /
                                                                   "lazy-search.js").read_text(encoding="utf-8"))
    assert ours, "docs/assets/javascripts/lazy-search.js has no STOP_WORDS = (\"...\" + ...)"
    assert "".join(re.findall(r'"([^"]*)"', ours.group(1))).split() == re.findall(r'"([^"]*)"', theirs.group(1)), \
        "lazy-search.js: STOP_WORDS differs from the stop words of the theme's search worker: copy them again"


def glossary_terms(site):
    """(id, words) of each term of the built glossary page, in order."""
    name = guide_config.html_name(guide_config.load().extra["glossary_page"])
    page = (site / name).read_text(encoding="utf-8")
    terms = [(m.group(1), " ".join(re.sub(r"<[^>]+>", " ", m.group(2)).split()))
             for m in re.finditer(r"<dt(?: id=\"([^\"]*)\")?>(.*?)</dt>", page, re.S)]
    return name, terms


def test_each_glossary_word_is_a_search_result_of_its_own(site):
    """The theme indexes a page by its headings: "biopsy" opened the
    glossary at the top of its B block, and on a phone the reader saw
    "Biomarker" (patient review). Each term now has an id and one entry
    of its own, titled with the term (overrides/hooks/glossary.py), and the
    letter blocks have none."""
    name, terms = glossary_terms(site)
    assert len(terms) > 50, f"{name}: only {len(terms)} terms found; is it still a definition list?"
    assert all(anchor for anchor, _ in terms), \
        f"{name}: terms without an id: {[w for a, w in terms if not a][:5]}"
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    entries = {doc["location"]: doc["title"] for doc in index["docs"] if doc["location"].startswith(name + "#")}
    wrong = [f"{anchor} ({words}): {entries.get(f'{name}#{anchor}')!r}" for anchor, words in terms
             if entries.get(f"{name}#{anchor}") != words]
    assert not wrong, "terms without their own search entry, titled with the term:\n  " + "\n  ".join(wrong[:10])
    letters = [loc for loc in entries if re.search(r"#letter-", loc)]
    assert not letters, f"the letter blocks are still search results too: {letters[:5]}"


def test_a_glossary_word_opens_at_its_meaning(open_page, server, site):
    """Searched on a phone, a word the glossary explains is among the
    results, and its result opens the glossary with that word at the top
    of the screen, under the header, not another word."""
    name, terms = glossary_terms(site)
    anchor, words = next((a, w) for a, w in terms if w == "Pneumonitis")
    page = open_page(server + START, width=390, height=844).page
    field, meta = open_search(page, opener='.md-header__button[for="__search"]')
    results = ask(page, field, meta, "pneumonitis")
    assert f"{name}#{anchor}" in results, f"searching 'pneumonitis' does not list {name}#{anchor}: {results}"
    page.locator(f'.md-search-result__item a[href$="{name}#{anchor}"]').click()
    page.wait_for_url(f"**/{name}#{anchor}")
    seen = page.evaluate("""id => {
        const term = document.getElementById(id).getBoundingClientRect();
        const header = document.querySelector('.md-header').getBoundingClientRect();
        const top = document.elementFromPoint(innerWidth / 2, header.bottom + 4);
        return {top: term.top, below: header.bottom, first: top && top.closest('dt, dd, h2')
                && top.closest('dt, dd, h2').textContent.trim().slice(0, 40)};
    }""", anchor)
    assert seen["below"] <= seen["top"] < 844 / 3, (
        f"the result for 'pneumonitis' opened {name} with its term at {seen['top']:.0f} px "
        f"(header ends at {seen['below']:.0f} px; want the top third of the screen); "
        f"at the top: {seen['first']!r}")


def test_fatigue_finds_the_help_for_tiredness(open_page, server):
    results = search(open_page, server, "fatigue")
    assert first_page(results) == "supportive-care.html", (
        f"searching 'fatigue' puts {first_page(results)} first, not supportive-care.html "
        f"(the table of symptoms says 'Tiredness (fatigue)'): {results[:4]}")


def test_lighthouse_accessibility_on_one_page(site):
    """Lighthouse 12, mobile preset, one run on one page: accessibility 100.
    (Performance depends on the machine's load: it is reported by
    scripts/page_weight.py --lighthouse, not asserted.)"""
    import page_weight

    if not page_weight.LIGHTHOUSE.exists():
        pytest.fail(f"Lighthouse is not installed ({page_weight.LIGHTHOUSE}): run python3 scripts/test.py "
                    "(npm ci --prefix tests)")
    page = "faq.html"
    try:
        scores = page_weight.lighthouse(site, [page], runs=1)
    except page_weight.LighthouseError as err:
        pytest.fail(str(err))
    result = scores[page]
    assert result["accessibility"] == 100, (
        f"Lighthouse accessibility on {page} is {result['accessibility']}: failed audits "
        f"{result['a11y_failed']}")


def test_the_search_report_finds_a_section_by_its_title(site, chromium):
    """scripts/search_report.py (a report of how the guide's sections rank
    for their own titles) types titles into the built site's search and
    reads each section's rank: a part titled in words found nowhere else is
    listed right after its page, and a made-up location is not shown. Two
    titles in a row, so a stale answer to the first would show."""
    import search_report

    found = search_report.ranks(site, [("Travel and holidays", "living-with-progression.html#travel-and-holidays"),
                                       ("The last days of life", "supportive-care.html#the-last-days-of-life"),
                                       ("Travel and holidays", "nowhere.html#travel")], chromium)
    assert found == {("Travel and holidays", "living-with-progression.html#travel-and-holidays"): 2,
                     ("The last days of life", "supportive-care.html#the-last-days-of-life"): 2,
                     ("Travel and holidays", "nowhere.html#travel"): 99}, found
    assert search_report.summary(found) == "3 titles: 2 at rank 1-2, 2 within 5, 1 not shown"
