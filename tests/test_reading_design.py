"""The reading design (issue 14), measured in Chromium: no small print where
it matters, and headings that lead.

- Boxes (Key points, questions, tips, the disclaimer; their titles too),
  collapsible blocks and tables are set at the body text's size.
- H1 and H2 are in the full text colour at weight 600 or more, and H1 > H2 > H3
  in size.
- On a phone, no heading ends in a blank line left by its permalink mark.
- Myths and facts lead with the fact; the glossary is A to Z with a row of
  letter links a finger can hit; the questions are numbered on screen and
  keep their tick boxes on paper; no table has an empty header; the handout
  PDF is linked from Start here and Questions to ask.
"""
import html
import re

import pytest

from conftest import NAV_PAGES, run_axe, screenshot
from guidekit import config as guide_config

MEASURE = """() => {
  const article = document.querySelector('article');
  const size = el => parseFloat(getComputedStyle(el).fontSize);
  const body = [...article.querySelectorAll(':scope > p:not([class])')]
      .find(p => !p.closest('.guide-page-info') && p.textContent.trim().length > 40);
  const small = [];
  const selectors = ['.admonition > p', '.admonition li', '.admonition-title', 'details > summary',
                     'details > p', 'table td', 'table th'];
  for (const sel of selectors) {
    for (const el of article.querySelectorAll(sel)) {
      if (el.closest('.urgent-card')) continue;          // measured in test_urgent_care.py
      if (size(el) < size(body) - 0.01) small.push(sel + ' ' + size(el) + 'px: ' + el.textContent.trim().slice(0, 40));
    }
  }
  const heads = ['h1', 'h2', 'h3'].map(t => article.querySelector(t)).map(h => h && {
      tag: h.tagName, weight: +getComputedStyle(h).fontWeight, color: getComputedStyle(h).color,
      size: size(h), lines: Math.round(h.getBoundingClientRect().height / parseFloat(getComputedStyle(h).lineHeight)),
      textLines: (() => { const r = document.createRange(); r.selectNodeContents(h.firstChild || h);
                          return Math.round(r.getBoundingClientRect().height / parseFloat(getComputedStyle(h).lineHeight)); })()});
  return {body: size(body), bodyColor: getComputedStyle(body).color, small: small.slice(0, 5),
          count: small.length, heads};
}"""

BLANK_LINES = """() => [...document.querySelectorAll('article h1, article h2, article h3')].filter(h => {
  const link = h.querySelector('.headerlink');
  if (!link || getComputedStyle(link).display === 'none') return false;
  const text = document.createRange(); text.selectNodeContents(h); text.setEndBefore(link);
  const last = [...text.getClientRects()].pop();
  return last && link.getBoundingClientRect().top > last.bottom - 1;
}).map(h => h.textContent.trim().slice(0, 50))"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_boxes_and_tables_at_body_size_and_headings_that_lead(server, new_tab, scheme):
    problems = []
    tab = new_tab(color_scheme=scheme)
    for page_name in NAV_PAGES:
        page = tab.goto(server + page_name).page
        m = page.evaluate(MEASURE)
        if m["count"]:
            problems.append(f"{page_name}: {m['count']} text blocks below the body's {m['body']} px, "
                            f"e.g. {m['small']}")
        sizes = []
        for h in m["heads"]:
            if not h:
                continue
            sizes.append(h["size"])
            if h["tag"] in ("H1", "H2") and h["weight"] < 600:
                problems.append(f"{page_name}: {h['tag']} weight {h['weight']}")
            if h["tag"] in ("H1", "H2") and h["color"] != m["bodyColor"]:
                problems.append(f"{page_name}: {h['tag']} colour {h['color']}, body {m['bodyColor']}")
        if sizes != sorted(sizes, reverse=True) or len(set(sizes)) != len(sizes):
            problems.append(f"{page_name}: heading sizes do not step down: {sizes}")
    assert not problems, f"[{scheme}]\n" + "\n".join(problems)


SMALL_TEXT_FLOOR_PX = 16  # the least a source note or a pop-up may be, on a phone


def test_source_notes_and_abbreviation_pop_ups_are_readable_on_a_phone(server, new_tab):
    """The numbered source notes and the pop-up that spells out a short form
    (PD-L1) are at least 16 px, the pop-up not bold (phone reader review:
    the theme's 12.8 px notes and bold 10 px pop-up)."""
    tab = new_tab(width=390, height=844)
    page = tab.goto(server + "next-treatment.html").page
    notes = page.evaluate("() => [...document.querySelectorAll('.footnote li')]"
                          ".map(li => parseFloat(getComputedStyle(li).fontSize))")
    assert notes, "next-treatment.html has no source notes to measure"
    assert min(notes) >= SMALL_TEXT_FLOOR_PX, f"source notes at {min(notes)} px on a phone"
    short_form = page.locator("article abbr[title]").first
    short_form.scroll_into_view_if_needed()
    short_form.hover()
    pop_up = page.locator("[role=tooltip] > .md-tooltip2__inner").first
    pop_up.wait_for(state="visible")
    size, weight = pop_up.evaluate("e => [parseFloat(getComputedStyle(e).fontSize), "
                                   "+getComputedStyle(e).fontWeight]")
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
    screenshot(page, "short-form-pop-up-390px")  # once it has faded in
    assert size >= SMALL_TEXT_FLOOR_PX, f"the short-form pop-up is {size} px on a phone"
    assert weight < 600, f"the short-form pop-up is bold ({weight})"


def test_no_blank_line_under_headings_on_a_phone(server, new_tab):
    problems = []
    tab = new_tab(width=360, height=740)
    for page_name in NAV_PAGES:
        page = tab.goto(server + page_name).page
        blank = page.evaluate(BLANK_LINES)
        problems += [f"{page_name}: '{h}' ends in a line holding only its permalink mark" for h in blank]
    assert not problems, "\n".join(problems)


FOOTER_LINKS = """() => [...document.querySelectorAll('.md-footer__link')].map(a => {
  const box = a.getBoundingClientRect();
  const title = a.querySelector('.md-footer__title');
  const text = title ? title.querySelector('.md-ellipsis') || title : null;
  return {
    label: a.getAttribute('aria-label') || '',
    shown: title && getComputedStyle(title).display !== 'none' ? title.innerText.replace(/\\s+/g, ' ').trim() : '',
    cut: text ? text.scrollWidth > text.clientWidth + 1 : true,
    height: box.height, left: box.left, right: box.right,
    width: document.documentElement.clientWidth,
  };
})"""


def nav_titles():
    """{Markdown file: its title in the nav}."""
    titles = {}
    for item in guide_config.load()["nav"]:
        for title, md in item.items():
            if isinstance(md, str):
                titles[md] = title
    return titles


def test_footer_shows_where_previous_and_next_lead_on_a_phone(server, new_tab):
    """At 360 px the footer's links to the chapters before and after show
    their direction and the chapter's whole name (the theme showed the
    previous one as a bare arrow, phone reader review), each a full-width
    target at least 44 px high. Checked on the page whose neighbours have
    the longest names in the nav."""
    titles = nav_titles()
    order = [md for md in guide_config.nav_pages() if md in titles]

    def neighbours(i):
        return [order[j] for j in (i - 1, i + 1) if 0 <= j < len(order)]

    here = max(range(len(order)), key=lambda i: min(len(titles[m]) for m in neighbours(i)))
    page = new_tab(width=360, height=740).goto(server + guide_config.html_name(order[here])).page
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    links = page.evaluate(FOOTER_LINKS)
    screenshot(page, "footer-360px")
    assert [link["label"].split(":")[0] for link in links] == ["Previous", "Next"], links
    for link, md in zip(links, neighbours(here)):
        direction = link["label"].split(":")[0]
        assert titles[md] in link["shown"], (
            f"{order[here]}: the footer's {direction} link shows {link['shown']!r}, not the name "
            f"of {md} ({titles[md]!r})")
        assert not link["cut"], f"{order[here]}: the footer's {direction} link cuts its name short"
        assert link["height"] >= 44, f"the footer's {direction} link is {link['height']:.0f} px high"
        assert link["left"] >= 0 and link["right"] <= link["width"] + 1, (
            f"the footer's {direction} link runs off the screen: {link}")


TABLE_CARDS = """() => [...document.querySelectorAll('article table')].map(t => {
  const heads = [...t.querySelectorAll('thead th')].map(th => th.textContent.trim());
  const w = document.documentElement.clientWidth;
  const cells = [...t.querySelectorAll('tbody td')];
  return {
    heads,
    rows: t.querySelectorAll('tbody tr').length,
    // Every cell shows its column's name before its text, on screen.
    unlabelled: cells.filter((td, i) => {
      const col = [...td.parentElement.children].indexOf(td);
      const label = getComputedStyle(td, '::before').content.replace(/^"|"$/g, '');
      return heads[col] && label !== heads[col];
    }).length,
    wider: cells.filter(td => td.getBoundingClientRect().right > w + 1).length,
    scrolls: t.closest('.md-typeset__scrollwrap') ?
      t.closest('.md-typeset__scrollwrap').scrollWidth > t.closest('.md-typeset__scrollwrap').clientWidth + 1 : false,
  };
})"""


def accessible_roles(page):
    """The roles in Chromium's own accessibility tree (what a screen reader gets)."""
    session = page.context.new_cdp_session(page)
    try:
        tree = session.send("Accessibility.getFullAXTree")
    finally:
        session.detach()
    return [n["role"]["value"] for n in tree["nodes"] if n.get("role") and not n.get("ignored")]


def test_tables_are_cards_on_a_phone(server, new_tab):
    """At 360 px every table row is a card whose cells carry their column's
    name, nothing scrolls sideways, and screen readers still get a table."""
    problems, tables = [], 0
    tab = new_tab(width=360, height=740)
    for page_name in NAV_PAGES:
        page = tab.goto(server + page_name).page
        found = page.evaluate(TABLE_CARDS)
        if found:
            roles = accessible_roles(page)
            if roles.count("table") < len(found) or "cell" not in roles or "columnheader" not in roles:
                problems.append(f"{page_name}: the cards lost their table roles for screen readers")
        for i, t in enumerate(found):
            tables += 1
            where = f"{page_name} table {i + 1}"
            if t["unlabelled"]:
                problems.append(f"{where}: {t['unlabelled']} cells without their column's name")
            if t["wider"] or t["scrolls"]:
                problems.append(f"{where}: cells reach past the screen or the table scrolls sideways")
    assert tables >= 3, f"only {tables} tables were checked"
    assert not problems, "\n".join(problems)


PAGE_CONTENTS = """() => {
  const nav = document.querySelector('article nav.guide-page-contents');
  const h2s = [...document.querySelectorAll('article h2')].filter(h => h.id && !/^Sources/.test(h.textContent.trim()));
  if (!nav) return {nav: false, sections: h2s.length};
  const first = document.querySelector('article h2');
  return {
    nav: true, sections: h2s.length,
    beforeFirstH2: !!(nav.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING),
    targets: [...nav.querySelectorAll('a')].map(a => decodeURIComponent(a.getAttribute('href').slice(1))),
    ids: h2s.map(h => h.id),
  };
}"""


def test_drug_table_links_to_each_driver_s_row_on_a_phone(server, new_tab):
    """Above the drug table, one link for each driver change leads to its
    row (a card on a phone: the cards run to about ten screens, phone reader
    review); the row jumped to starts below the sticky header, in view."""
    tab = new_tab(width=390, height=844)
    page = tab.goto(server + "next-treatment.html").page
    links = page.evaluate("""() => [...document.querySelectorAll('.guide-treatments__jump a')].map(a => ({
        text: a.textContent.trim(), target: a.getAttribute('href').slice(1)}))""")
    rows = page.evaluate("""() => [...document.querySelectorAll('.guide-treatments tbody tr')].map(tr => ({
        id: tr.id, change: tr.cells[0].textContent.trim()}))""")
    assert rows, "next-treatment.html: no drug table"
    assert [(l["text"], l["target"]) for l in links] == [(r["change"], r["id"]) for r in rows], \
        f"the links above the drug table {links} do not match its rows {rows}"
    header = page.evaluate("() => document.querySelector('.md-header').getBoundingClientRect().bottom")
    for link in (links[-1], links[len(links) // 2]):
        page.locator(f'.guide-treatments__jump a[href="#{link["target"]}"]').click()
        page.wait_for_function("id => { const r = document.getElementById(id).getBoundingClientRect();"
                               " return Math.abs(r.top) < innerHeight; }", arg=link["target"])
        top = page.evaluate("id => document.getElementById(id).getBoundingClientRect().top", link["target"])
        assert header <= top < 844 / 2, f"the row of {link['text']} starts at {top} px (header ends at {header})"
    screenshot(page, "drug-table-jump-390px")


def test_long_pages_open_with_a_contents_list(server, new_tab):
    """Every page with four or more sections lists them right at the top
    ("On this page"), each link landing on its section."""
    problems, listed = [], 0
    tab = new_tab(width=390, height=844)
    for page_name in NAV_PAGES:
        page = tab.goto(server + page_name).page
        c = page.evaluate(PAGE_CONTENTS)
        if c["sections"] < 4:
            continue
        if not c["nav"]:
            problems.append(f"{page_name}: {c['sections']} sections but no contents list")
            continue
        listed += 1
        if not c["beforeFirstH2"]:
            problems.append(f"{page_name}: the contents list comes after the first section")
        if c["targets"] != c["ids"]:
            problems.append(f"{page_name}: contents {c['targets']} do not match the sections {c['ids']}")
    assert listed >= 8, f"only {listed} pages have a contents list"
    assert not problems, "\n".join(problems)


# --- issue 14 leftovers: myths and facts, glossary letters, questions, handout -------

def built(site, page_name):
    return (site / page_name).read_text(encoding="utf-8")


def plain(fragment):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_myths_and_facts_lead_with_the_fact(site):
    """Each box's title is the fact; its first line names the myth, in plain
    (not bold) text, after the fact."""
    text = built(site, "myths-and-facts.html")
    boxes = re.findall(r'<div class="admonition info">\s*<p class="admonition-title">(.*?)</p>\s*<p>(.*?)</p>',
                       text, re.S)
    assert len(boxes) >= 10, (f"myths-and-facts.html: only {len(boxes)} myth boxes found; each should be "
                              '!!! info "Fact: ..." with "The myth: ..." as its first line')
    problems = []
    for title, first in boxes:
        if not plain(title).startswith("Fact: "):
            problems.append(f"title does not lead with the fact: '{plain(title)[:60]}'")
        if not plain(first).startswith("The myth: "):
            problems.append(f"'{plain(title)[:40]}': the first line does not name the myth: '{plain(first)[:60]}'")
        if re.search(r"<(strong|b)>", first):
            problems.append(f"'{plain(title)[:40]}': the myth is in bold")
    assert not re.search(r"<strong>\s*(Myth|Fact)", text), "myths-and-facts.html: a bold 'Myth'/'Fact' label is back"
    assert not problems, "docs/myths-and-facts.md:\n" + "\n".join(problems)


def test_no_table_has_an_empty_header(site):
    problems = []
    for page_name in NAV_PAGES:
        for i, table in enumerate(re.findall(r"<table\b.*?</table>", built(site, page_name), re.S)):
            heads = re.findall(r"<th\b[^>]*>(.*?)</th>", table, re.S)
            if any(not plain(h) for h in heads):
                problems.append(f"{page_name} table {i + 1}: a column header with no text: {[plain(h) for h in heads]}")
    assert not problems, "\n".join(problems) + "\nGive every header cell a word (the Markdown table's first row)."


GLOSSARY_LETTERS = """() => {
  const nav = document.querySelector('article nav.guide-page-contents');
  const links = nav ? [...nav.querySelectorAll('a')] : [];
  const heads = [...document.querySelectorAll('article h2')].filter(h => /^[A-Z]$/.test(h.textContent.replace('¶', '').trim()));
  const terms = heads.map(h => {
    const out = [];
    for (let el = h.nextElementSibling; el && el.tagName !== 'H2'; el = el.nextElementSibling)
      if (el.tagName === 'DL') out.push(...[...el.querySelectorAll('dt')].map(dt => dt.textContent.trim()));
    return {letter: h.textContent.replace('¶', '').trim(), id: h.id, terms: out};
  });
  const first = document.querySelector('article h2');
  return {
    nav: !!nav,
    beforeFirstH2: !!nav && !!(nav.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING),
    links: links.map(a => {
      const r = a.getBoundingClientRect();
      return {text: a.textContent.trim(), href: a.getAttribute('href'), w: r.width, h: r.height,
              right: r.right};
    }),
    width: document.documentElement.clientWidth,
    rows: new Set(links.map(a => Math.round(a.getBoundingClientRect().top))).size,
    terms,
  };
}"""


def test_glossary_has_a_to_z_letter_links_a_finger_can_hit(server, new_tab):
    """On a 360 px phone the glossary opens with one link per letter that has
    terms, in A to Z order, each at least 44 x 44 px, each landing on its
    letter's heading; the terms under each letter start with it."""
    page = new_tab(width=360, height=740).goto(server + "glossary.html").page
    g = page.evaluate(GLOSSARY_LETTERS)
    assert g["terms"], "glossary.html has no letter headings (## A, ## B, ...): docs/glossary.md is not A to Z"
    assert g["nav"] and g["beforeFirstH2"], "glossary.html: no row of letter links before the first letter"
    letters = [t["letter"] for t in g["terms"]]
    problems = []
    if letters != sorted(letters):
        problems.append(f"letter headings out of order: {letters}")
    for t in g["terms"]:
        if not t["terms"]:
            problems.append(f"letter {t['letter']} has no terms")
        wrong = [term for term in t["terms"] if not term.upper().startswith(t["letter"])]
        if wrong:
            problems.append(f"under {t['letter']}: {wrong}")
    if [(link["text"], link["href"]) for link in g["links"]] != [(t["letter"], "#" + t["id"]) for t in g["terms"]]:
        problems.append(f"the letter links {[link['text'] for link in g['links']]} do not match the letter "
                        f"headings {letters}")
    small = [f"{link['text']} ({link['w']:.0f} x {link['h']:.0f} px)" for link in g["links"]
             if link["w"] < 44 or link["h"] < 44]
    if small:
        problems.append(f"letter links under 44 x 44 px: {small}")
    if any(link["right"] > g["width"] + 1 for link in g["links"]):
        problems.append("letter links run past the screen's edge")
    if g["rows"] > 5:
        problems.append(f"the letters take {g['rows']} rows: they should wrap as a row of boxes, not a list")
    assert not problems, "glossary.html (docs/glossary.md, guide.css 'Glossary, A to Z'):\n" + "\n".join(problems)


QUESTIONS = """() => {
  const article = document.querySelector('article');
  const items = [...article.querySelectorAll('li.task-list-item')].map(li => {
    const box = li.querySelector('input[type=checkbox]');
    const r = box ? box.getBoundingClientRect() : null;
    const number = li.querySelector(':scope > .guide-question-number');
    const shown = !!number && number.checkVisibility() && number.getBoundingClientRect().width > 4;
    return {box: !!r && r.width > 4 && r.height > 4, number: shown ? number.textContent.trim() : null,
            left: shown ? number.getBoundingClientRect().left : null,
            listStyle: getComputedStyle(li).listStyleType,
            boxHeight: r ? r.height : 0, textSize: parseFloat(getComputedStyle(li).fontSize)};
  });
  return {items};
}"""


def test_questions_are_numbered_on_screen_and_keep_their_boxes_on_paper(server, new_tab):
    """On screen the questions are numbered 1, 2, 3 ... across the page, the
    number written in the page (overrides/hooks/question_numbers.py), so
    every browser shows the same count (Safari cannot draw a counter in a
    list marker: each section started again at 1); no box that cannot be
    ticked is shown (axe finds no unnamed control). In print (the handout)
    each question has its tick box and no number."""
    screen = new_tab(width=390, height=844).goto(server + "questions-to-ask.html").page
    items = screen.evaluate(QUESTIONS)["items"]
    assert len(items) >= 20, f"questions-to-ask.html: only {len(items)} questions found"
    problems = []
    if any(i["box"] for i in items):
        problems.append("tick boxes that cannot be ticked are shown")
    wrong = [(n, i["number"]) for n, i in enumerate(items, 1) if i["number"] != f"{n}."]
    if wrong:
        problems.append(f"questions not numbered 1 to {len(items)} down the page (position, number shown): {wrong[:5]}")
    if any(i["listStyle"] != "none" for i in items):
        problems.append("a list marker is drawn as well as the number")
    off = [i["number"] for i in items if i["left"] is not None and i["left"] < 0]
    if off:
        problems.append(f"numbers drawn off the left edge of a 390 px screen: {off[:5]}")
    unnamed = [v for v in run_axe(screen) if v["id"] in ("label", "aria-hidden-focus", "nested-interactive")]
    if unnamed:
        problems.append(f"axe: {unnamed}")
    assert not problems, "questions-to-ask.html on screen (guide.css 'Questions to ask, on screen'):\n" + \
        "\n".join(problems)
    paper = new_tab(width=794, height=1123, media="print").goto(server + "questions-to-ask.html").page
    items = paper.evaluate(QUESTIONS)["items"]
    assert all(i["box"] for i in items), "questions-to-ask.html in print: a question has no tick box"
    assert not any(i["number"] for i in items), \
        "questions-to-ask.html in print: the screen's numbers are printed beside the tick boxes"
    assert all(i["listStyle"] == "none" for i in items), \
        "questions-to-ask.html in print: list markers are printed beside the tick boxes"
    # The boxes grow with the text: in the large print as in the handout
    # (a form control keeps the browser's own small font unless told).
    for printed in ("guide-handout", "guide-large-print"):
        paper.evaluate("c => { document.documentElement.className = 'guide-pdf ' + c; }", printed)
        small = [i for i in paper.evaluate(QUESTIONS)["items"] if i["boxHeight"] < 0.85 * i["textSize"]]
        assert not small, (f"questions-to-ask.html printed as {printed}: {len(small)} tick boxes are "
                           f"smaller than the text beside them ({small[0]['boxHeight']:.1f} px "
                           f"for {small[0]['textSize']:.1f} px text)")


def test_handout_pdf_is_linked_from_start_here_and_questions(site):
    """Start here and Questions to ask link the handout PDF (extra.pdf.handout),
    on screen only (its paragraph is left out of print), and the file is there."""
    handout = guide_config.load()["extra"]["pdf"]["handout"]
    assert (site / handout).is_file(), f"the build wrote no {handout} (extra.pdf.handout in mkdocs.yml)"
    for page_name in ("index.html", "questions-to-ask.html"):
        text = built(site, page_name)
        links = [a for para in re.findall(r'<p class="print-site-plugin-ignore">(.*?)</p>', text, re.S)
                 for a in re.findall(r'<a ([^>]*data-guide-pdf="handout"[^>]*)>', para)]
        assert links, (f"{page_name}: no screen-only link to the handout (a paragraph with class "
                       f"print-site-plugin-ignore holding <a data-guide-pdf=\"handout\" ...>)")
        hrefs = [re.search(r'href="([^"]*)"', a).group(1) for a in links]
        assert all(h == handout for h in hrefs), \
            f"{page_name}: the handout link points at {hrefs}, not {handout} (extra.pdf.handout)"
