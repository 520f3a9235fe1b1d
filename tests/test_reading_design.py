"""The reading design (issue 14), measured in Chromium: no small print where
it matters, and headings that lead.

- Boxes (Key points, questions, tips, the disclaimer; their titles too),
  collapsible blocks and tables are set at the body text's size.
- H1 and H2 are in the full text colour at weight 600 or more, and H1 > H2 > H3
  in size.
- On a phone, no heading ends in a blank line left by its permalink mark.
"""
import pytest

from conftest import NAV_PAGES

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


def test_no_blank_line_under_headings_on_a_phone(server, new_tab):
    problems = []
    tab = new_tab(width=360, height=740)
    for page_name in NAV_PAGES:
        page = tab.goto(server + page_name).page
        blank = page.evaluate(BLANK_LINES)
        problems += [f"{page_name}: '{h}' ends in a line holding only its permalink mark" for h in blank]
    assert not problems, "\n".join(problems)


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
