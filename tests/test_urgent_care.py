"""Urgent-care advice (issue 10): one source, the same words on every page
that shows it, impossible to miss on a phone, right for the reader's country.

The advice lives in docs/includes/urgent-care.yml and is rendered by
overrides/hooks/urgent_care.py into the card `.urgent-card` (pages with
`urgent_care: full`) or a one-line pointer to it (`urgent_care: pointer`).
"""
import html
import re

import pytest

from conftest import NAV_MD, ROOT, build_with_overlay, built_pdf, load_axe, norm, page_texts, screenshot
from guidekit import config as guide_config
from guidekit import frontmatter, urgent_care
from guidekit.data import read_yaml

DOCS = ROOT / "docs"
DATA = urgent_care.load(DOCS)
REGION_NUMBERS = {"us": "911", "uk": "999"}
PHONE = (393, 852)  # a common phone viewport, CSS pixels


def front_matter(md):
    return frontmatter.read(DOCS / md)


def pages_with(mode):
    return [md for md in NAV_MD if front_matter(md).get("urgent_care") == mode]


FULL = pages_with("full")
# Pages printed on their own and taken home (the handout, My situation): a
# pointer on screen, the card's words on a sheet of their own on paper.
SHEET = pages_with("sheet")
POINTER = pages_with("pointer") + SHEET  # a one-line pointer on screen


def as_read(markup):
    """Text from the HTML as it reads: entities decoded, then norm."""
    return norm(html.unescape(markup))


def card_html(built, print_copy=False):
    """The page's card(s) for the screen, or (print_copy) the handout's copy for paper."""
    cards = re.findall(r'<section class="urgent-card[ "].*?</section>', built, re.S)
    return [c for c in cards if ("urgent-card--print" in c.split(">", 1)[0]) == print_copy]


def card_text(built, sources=True, print_copy=False):
    """The card's visible words, tags removed, one space between words
    (without its list of sources when sources is False)."""
    cards = card_html(built, print_copy)
    assert len(cards) == 1, f"expected one urgent-care card, found {len(cards)}"
    # The line that only the PDF shows (pointing to Start here's card) aside.
    card = re.sub(r'<div class="urgent-card__print-pointer">.*?</div>', " ", cards[0], flags=re.S)
    # The tier's heading over each sign, hidden but where search leads to it.
    card = re.sub(r'<span class="urgent-card__tier-tag[^"]*" hidden>.*?</span>', " ", card, flags=re.S)
    if not sources:
        card = re.sub(r'<details class="urgent-card__sources"[^>]*>.*?</details>', " ", card, flags=re.S)
        card = re.sub(r'<sup class="urgent-card__refs">.*?</sup>', " ", card, flags=re.S)
    return as_read(re.sub(r"<[^>]+>", " ", card))


def overlay_build(tmp_path, body):
    """The site built (HTML only) with a hospital's overlay."""
    result, _ = build_with_overlay(tmp_path, body)
    assert result.returncode == 0, result.stdout + result.stderr
    return tmp_path / "site"


# --- the one source ----------------------------------------------------------------

def test_pages_choose_the_card_or_a_pointer():
    assert "index.md" in FULL, "Start here, where a frightened reader begins, must carry the card"
    assert len(FULL) >= 4, f"pages with the full card: {FULL}"
    missing = [md for md in NAV_MD if md not in FULL + POINTER]
    assert not missing, f"every page of the guide shows the card or a pointer to it: {missing}"


def test_every_item_cites_a_dated_source():
    sources = DATA["sources"]
    for key, src in sources.items():
        assert re.search(r"\b(19|20)\d\d\b", str(src["date"])), f"source {key} has no year: {src['date']}"
        assert str(src["url"]).startswith("https://"), f"source {key}: {src['url']}"
    for tier in DATA["tiers"]:
        for item in tier["items"]:
            assert item["sources"], f"no source for: {item['text']}"
            for key in [k for k in item if k.startswith("sources")]:  # sources, sources_us, ...
                assert item[key] and all(s in sources for s in item[key]), (key, item)


def test_no_other_list_of_urgent_signs_in_the_pages():
    """Warning and danger boxes are gone from the pages (the card replaced
    them), and no item of the card is written again in a page."""
    problems = []
    for path in sorted(DOCS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"^\s*(!!!|\?\?\?\+?)\s*(warning|danger|caution|attention)\b.*$", text, re.M):
            problems.append(f"{path.name}: a '{m.group(2)}' box ({m.group(0).strip()[:60]}): use the urgent-care card")
        flat = " ".join(text.lower().split())
        for tier in DATA["tiers"]:
            for item in tier["items"]:
                # The first six words of each item are its fingerprint.
                words = re.sub(r"\{[^}]+\}", "", item["text"]).lower().split()[:6]
                if len(words) >= 4 and " ".join(words) in flat:
                    problems.append(f"{path.name} repeats a card item: {' '.join(words)}...")
    assert not problems, "\n".join(problems)


def test_card_identical_wherever_it_appears(site):
    texts = {md: card_text((site / guide_config.html_name(md)).read_text(encoding="utf-8"))
             for md in FULL}
    first = texts[FULL[0]]
    assert len(first.split()) > 80, f"the card is too short to be the whole card: {first[:200]}"
    for md, text in texts.items():
        assert text == first, f"{md}: the card differs from {FULL[0]}'s"
    # Every item of the data is in it.
    for tier in DATA["tiers"]:
        for item in tier["items"]:
            start = norm(" ".join(re.sub(r"\{[^}]+\}", "", item["text"]).split()[:4]))
            assert start in first, f"card item missing: {item['text']}"


def test_pointer_pages_link_to_the_card(site):
    for md in POINTER:
        built = (site / guide_config.html_name(md)).read_text(encoding="utf-8")
        assert not card_html(built), f"{md} is a pointer page but carries the card"
        pointer = re.search(r'<p class="urgent-pointer">(.*?)</p>', built, re.S)
        assert pointer, f"{md}: no pointer to the urgent-care card"
        assert 'href="index.html#urgent-care"' in pointer.group(1), pointer.group(1)
    assert 'id="urgent-care"' in (site / "index.html").read_text(encoding="utf-8")


def test_source_dates_read_as_sentences(site):
    """Each source in the card's list reads "Publisher. Title. Date.": the
    date starts a sentence, so it starts with a capital or a figure."""
    built = (site / "index.html").read_text(encoding="utf-8")
    dates = re.findall(r'<li id="urgent-care-source-\d+">.*?</a>\. (.*?)</li>', built, re.S)
    entries = [i for t in DATA["tiers"] for i in t["items"]] + [n for n in DATA["notes"] if isinstance(n, dict)]
    assert len(dates) == len(set(k for i in entries for k in i["sources"])), dates
    lower = [d for d in dates if not re.match(r"[A-Z0-9]", as_read(d))]
    assert not lower, f"source dates that start in lower case after a full stop: {lower}"


# --- the handout: the signs on paper, where the sheet goes home -----------------------

HANDOUT = guide_config.load()["extra"]["pdf"]["handout_page"]


def test_pages_taken_home_print_the_signs():
    """The handout and My situation's list are printed and taken home: on
    paper they carry the signs themselves, not a pointer to another page."""
    assert HANDOUT in SHEET, f"{HANDOUT} (extra.pdf.handout_page) must have 'urgent_care: sheet'"
    assert "my-situation.md" in SHEET, "My situation's printed list must carry the urgent-care signs"


@pytest.mark.parametrize("md", SHEET)
def test_sheet_pages_carry_a_print_copy_of_the_card(site, md):
    """A sheet page is a pointer page on screen; for paper it carries the
    card's own words (from the same partial and data), without the source
    numbers, and the whole-guide print page does not print it twice."""
    built = (site / guide_config.html_name(md)).read_text(encoding="utf-8")
    copy = card_text(built, sources=False, print_copy=True)
    card = card_text((site / "index.html").read_text(encoding="utf-8"), sources=False)
    note = "Where this advice comes from"
    assert note in copy, "the print copy does not say where its sources are"
    # A line to write the 24-hour number on: in both, for paper only in the card.
    write_in = "My 24-hour number:"
    assert copy.count(write_in) == 1, "the print copy has no line to write the 24-hour number on"
    assert card.count(write_in) == 1, "the card has no line to write the 24-hour number on, for paper"
    assert re.search(r'class="[^"]*\bguide-print-only\b[^"]*"><span class="guide-handout-fields__label">'
                     + write_in, card_html((site / "index.html").read_text(encoding="utf-8"))[0]), \
        "the card's line to write the 24-hour number on shows on screen (guide-print-only)"
    assert as_read(copy.split(note)[0]) == as_read(card), f"{md}'s print copy differs from the card"
    assert "urgent-card__refs" not in card_html(built, print_copy=True)[0]
    print_page = (site / guide_config.print_page()).read_text(encoding="utf-8")
    assert "urgent-card--print" not in print_page, f"the whole guide prints {md}'s copy too"


@pytest.mark.parametrize("md", SHEET)
def test_print_copy_shows_on_paper_only(server, open_page, md):
    url = server + guide_config.html_name(md)
    shown = """() => { const c = document.querySelector('.urgent-card--print');
        return !!c && c.checkVisibility() && c.getBoundingClientRect().height > 100; }"""
    assert not open_page(url, media="screen").page.evaluate(shown), "the print copy shows on screen"
    assert open_page(url, media="print").page.evaluate(shown), "the print copy is hidden on paper"


def test_handout_pdf_carries_the_warning_signs_on_a_sheet_of_its_own(site):
    pages = [" ".join(p.split()) for p in page_texts(built_pdf(site, "handout"))]
    first = next(i for i, p in enumerate(pages) if DATA["title"] in p)
    assert first % 2 == 0, f"the card starts on page {first + 1}, the back of a sheet"
    # The front of that sheet alone says what to do: both lists, where to
    # write the 24-hour number, what to do if no one answers, and the crisis line.
    front = pages[first]
    for words in ("My 24-hour number:", "If you cannot get through", urgent_care.text_of(DATA["notes"][0]).split(":")[0]):
        assert words in front, f"not on the front of the urgent-care sheet (page {first + 1}): {words}"
    for tier in DATA["tiers"]:
        for item in tier["items"]:
            start = norm(" ".join(re.sub(r"\{[^}]+\}", "", item["text"]).split()[:4]))
            assert start in front, f"not on the front of the urgent-care sheet (page {first + 1}): {item['text']}"


# --- on a phone: first thing after Key points, body-size text, both palettes -------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_card_on_a_phone(server, new_tab, scheme):
    problems, colours = [], set()
    tab = new_tab(width=PHONE[0], height=PHONE[1], color_scheme=scheme)
    for md in FULL:
        page_name = guide_config.html_name(md)
        page = tab.goto(server + page_name).page
        info = page.evaluate("""() => {
            const card = document.querySelector('article .urgent-card');
            if (!card) return null;
            const h2 = document.querySelector('article h2');
            const key = document.querySelector('article .admonition.abstract');
            const body = [...document.querySelectorAll('article > p')]
                .find(p => !p.closest('.guide-page-info') && p.textContent.trim().length > 40);
            const size = el => parseFloat(getComputedStyle(el).fontSize);
            const heads = [...card.querySelectorAll('.urgent-card__heading, .urgent-card__title')]
                .map(h => getComputedStyle(h).backgroundColor + ' / ' + getComputedStyle(h).color);
            return {
                beforeH2: !h2 || !!(card.compareDocumentPosition(h2) & Node.DOCUMENT_POSITION_FOLLOWING),
                afterKeyPoints: !!key && !!(key.compareDocumentPosition(card) & Node.DOCUMENT_POSITION_FOLLOWING),
                top: card.getBoundingClientRect().top + scrollY,
                width: card.getBoundingClientRect().width,
                article: document.querySelector('article').getBoundingClientRect().width,
                itemSize: Math.min(...[...card.querySelectorAll('li')].map(size)),
                bodySize: body ? size(body) : null,
                heads,
            };
        }""")
        if info is None:
            problems.append(f"{page_name}: no urgent-care card")
            continue
        if not info["beforeH2"]:
            problems.append(f"{page_name}: the card comes after the first H2")
        if not info["afterKeyPoints"]:
            problems.append(f"{page_name}: the card does not follow the Key points box")
        if info["top"] > 2 * PHONE[1]:
            problems.append(f"{page_name}: the card starts {info['top']:.0f} px down, past the second screen")
        if info["width"] < info["article"] - 2:
            problems.append(f"{page_name}: the card is not full width ({info['width']} of {info['article']} px)")
        if info["bodySize"] is None or info["itemSize"] < info["bodySize"]:
            problems.append(f"{page_name}: card text {info['itemSize']} px, body {info['bodySize']} px")
        colours.add(tuple(info["heads"]))
        if md == "index.md":
            screenshot(page, f"urgent-card-{scheme}-{PHONE[0]}")
    assert not problems, "\n".join(problems)
    assert len(colours) == 1, f"the card's headers differ between pages: {colours}"
    # The same solid headers in both palettes: remember this palette's.
    _HEADER_COLOURS[scheme] = colours.pop()
    if len(_HEADER_COLOURS) == 2:
        assert _HEADER_COLOURS["light"] == _HEADER_COLOURS["dark"], _HEADER_COLOURS


_HEADER_COLOURS = {}

AXE_CARD = """
tags => axe.run('.urgent-card, .urgent-pointer', {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
  .then(r => r.violations.map(v => v.id + ' (' + v.nodes.length + 'x): ' + v.help + ' at ' +
                              v.nodes.slice(0, 2).map(n => n.target.join(' ')).join('; ')))
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_card_passes_axe_in_both_palettes(server, new_tab, scheme):
    problems = []
    tab = new_tab(color_scheme=scheme)
    for md in ["index.md", FULL[-1], POINTER[0]]:
        page = tab.goto(server + guide_config.html_name(md)).page
        load_axe(page)
        problems += [f"{md}: {v}" for v in page.evaluate(AXE_CARD, ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])]
    assert not problems, "\n".join(problems)


# --- the reader's country ------------------------------------------------------------

def test_default_build_names_no_single_country_number(site):
    for md in FULL + POINTER:
        built = (site / guide_config.html_name(md)).read_text(encoding="utf-8")
        if card_html(built):
            # What the card tells the reader to do (its source titles aside:
            # a British charity's page may be called "When to dial 999").
            text = card_text(built, sources=False)
            assert "local emergency number" in text, f"{md}: {text[:200]}"
            # Examples are welcome (reader reviews: "112" alone left a US or UK
            # reader without theirs), but never one country's number alone:
            # every region's number, or none.
            named = [n for n in ("911", "999", "112", "000") if re.search(rf"(?<![\d.,]){n}\b", text)]
            assert len(named) != 1, f"{md}: the default card names only {named[0]}"
            if named:
                missing = set(REGION_NUMBERS.values()) - set(named)
                assert not missing, f"{md}: the default card gives examples but not {sorted(missing)}"


@pytest.fixture(scope="module")
def region_sites(tmp_path_factory):
    """Sites built with extra.region us and uk, each with a hospital: the
    us one with its phone only, the uk one with a 24-hour line as well."""
    sites = {}
    for region in ("us", "uk"):
        body = (f"extra:\n  region: {region}\n"
                "  institution:\n    name: Test Valley Cancer Centre\n"
                "    phone: \"+44 100 000 0002\"\n    url: https://example.org/cancer\n")
        if region == "uk":
            body += "    urgent_phone: \"0100 000 0098\"\n"
        sites[region] = overlay_build(tmp_path_factory.mktemp(f"region-{region}"), body)
    return sites


@pytest.mark.parametrize("region", ["us", "uk"])
def test_region_build_shows_its_own_number_only(region_sites, region):
    site = region_sites[region]
    own = REGION_NUMBERS[region]
    others = [n for r, n in REGION_NUMBERS.items() if r != region]
    for md in FULL:
        text = card_text((site / guide_config.html_name(md)).read_text(encoding="utf-8"), sources=False)
        assert re.search(rf"\bCall {own}\b", text), f"{region} {md}: no 'Call {own}' in {text[:200]}"
        assert "local emergency number" not in text, f"{region} {md}: generic wording left"
        for n in others:
            assert not re.search(rf"\b{n}\b", text), f"{region} {md}: names another region's number {n}"


CRISIS_NOTE = re.compile(r"Thoughts of ending your life or harming yourself need help today: (.*?\.)(?= Keep your|$)")


def crisis_numbers(site):
    """The phone numbers (digits only) the card's crisis note gives."""
    text = card_text((site / "index.html").read_text(encoding="utf-8"), sources=False)
    note = CRISIS_NOTE.search(text)
    assert note, f"the card has no crisis note: {text[-400:]}"
    found = [re.sub(r"\D", "", n) for n in re.findall(r"\d[\d\s-]*\d", note.group(1))]
    return note.group(1), [n for n in found if len(n) >= 3]


@pytest.mark.parametrize("build", ["default", "us", "uk"])
def test_crisis_note_gives_numbers_listed_with_their_source(build, site, region_sites):
    """The card's crisis note gives a number to call in every build (the
    default one said only "a local crisis line"), and each number is in the
    region's helplines list on Living with progression, with its address
    and the date it was checked."""
    built = site if build == "default" else region_sites[build]
    note, numbers = crisis_numbers(built)
    assert numbers, f"{build}: the crisis note gives no number to call: {note!r}"
    living = (built / "living-with-progression.html").read_text(encoding="utf-8")
    listed = set(re.findall(r'href="tel:(\d+)"', living))
    missing = [n for n in numbers if n not in listed]
    assert not missing, (f"{build}: the crisis note gives {missing}, which the helplines list "
                         "(docs/includes/regions.yml, helplines) does not have")
    # The card cites where the numbers come from, as it does for each sign.
    card = card_html((built / "index.html").read_text(encoding="utf-8"))[0]
    cited = re.search(r"Thoughts of ending your life[^<]*<sup class=\"urgent-card__refs\">(.*?)</sup>", card, re.S)
    assert cited and re.findall(r'href="#urgent-care-source-\d+"', cited.group(1)), \
        f"{build}: the crisis note cites no source (docs/includes/urgent-care.yml, notes)"


def test_institution_phone_is_inside_the_card(region_sites):
    """The hospital's phone is in the card, with a word to use the 24-hour
    number when it is closed; a 24-hour line (urgent_phone) replaces it."""
    card = card_html((region_sites["us"] / "index.html").read_text(encoding="utf-8"))[0]
    assert "Test Valley Cancer Centre" in card
    assert 'href="tel:+441000000002"' in card, "the hospital's number is not a working link in the card"
    assert "If this line is closed" in card
    card = card_html((region_sites["uk"] / "index.html").read_text(encoding="utf-8"))[0]
    assert 'href="tel:01000000098"' in card and "24-hour line" in card
    assert "tel:+441000000002" not in card
    # Under its heading, before the signs (a reader in trouble looks there),
    # on one line; and the region's advice for readers without a 24-hour
    # number is left out, since the card gives one.
    tier = re.search(r'urgent-card__tier--line">(.*?)</div>\s*</div>', card, re.S).group(1)
    assert tier.index("tel:01000000098") < tier.index("<li"), "the 24-hour number comes after the signs"
    assert "0100\u00a0000\u00a00098" in tier, "the 24-hour number can break across lines"
    uk_missing = read_yaml(DOCS / "includes" / "regions.yml", "regions")["uk"]["line_missing"]
    assert as_read(uk_missing) not in as_read(re.sub(r"<[^>]+>", " ", card))


def test_unknown_region_fails_clearly(tmp_path):
    result, _ = build_with_overlay(tmp_path, "extra:\n  region: mars\n")
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "extra.region" in out and "international, us, uk" in out, out[-600:]
    assert "Traceback" not in out


# --- on paper ---------------------------------------------------------------------------

def test_card_prints_from_the_browser(server, open_page):
    page = open_page(server + "supportive-care.html", media="print").page
    visible = page.evaluate("""() => { const c = document.querySelector('.urgent-card');
        return !!c && c.checkVisibility() && c.getBoundingClientRect().height > 100; }""")
    assert visible, "the card is hidden in print"
    pdf = page.pdf(format="A4")
    assert len(pdf) > 1000


def test_card_is_in_the_guide_pdf(site):
    text = norm(" ".join(page_texts(built_pdf(site, "file"))))
    card = card_text((site / "index.html").read_text(encoding="utf-8"))
    # Its headings and its items, in the printed words.
    for tier in DATA["tiers"]:
        for item in tier["items"]:
            start = norm(" ".join(re.sub(r"\{[^}]+\}", "", item["text"]).split()[:4]))
            assert start in text, f"not in the PDF: {item['text']}"
    assert card.split()[0] in text


def test_links_to_the_card_lead_to_the_printed_card_in_the_pdf(site):
    """In the PDF only the first chapter's card is printed in full, so every
    link to a chapter's card goes there and prints its page number: a reader
    on paper is never sent to "the box at the top of this page"."""
    page = (site / guide_config.print_page()).read_text(encoding="utf-8")
    targets = set(re.findall(r'href="#([\w-]+-urgent-care)"', page))
    assert targets == {"index-urgent-care"}, f"links to cards that are not printed in full: {targets}"
    text = norm(" ".join(page_texts(built_pdf(site, "file"))))
    assert "top of this page" not in text
    # Each link to the card from another chapter prints where the card is.
    printed = re.findall(r"(?:urgent help box(?: on Start here)?|and who to call) "
                         r"\(chapter 1, page (\d+)\)", text)
    assert len(printed) >= 5 and len(set(printed)) == 1, printed
