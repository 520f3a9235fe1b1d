"""Quality gates a hospital web team runs before publishing the guide.

- Accessibility: axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on every page in
  the light and the dark palette; and what axe cannot judge alone: a skip
  link on every page, visible keyboard focus, search and abbreviations from
  the keyboard, colour contrast measured from computed styles, named header
  buttons, and no single-key shortcuts (WCAG 2.1.4).
- Valid HTML: the Nu Html Checker on every built page.
- Reading without JavaScript: every page readable, every nav page reachable.
- Small screens (360 px): nothing scrolls sideways; tables scroll in a box.
- Page weight: a first visit to any page stays within its budget (scripts/page_weight.py: 100 KiB gzip a page, 200 KiB for the print page), and the search worker and index wait until the reader searches.

axe-core and vnu-jar come from tests/package.json (exact pins, locked):
scripts/test.py runs `npm ci --prefix tests`. run_axe, AXE_TAGS and the
browser fixtures live in tests/conftest.py.
"""
import json
import pathlib
import re
import subprocess
import urllib.parse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import (ALL_PAGES, NAV_PAGES, PRINT_PAGE, ROOT, Tab, format_axe, hook, need, run_axe,
                      screenshot, screenshot_dir)
from guidekit import config as guide_config

VNU_JAR = ROOT / "tests" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCHEMES = ["default", "slate"]  # Material's light and dark palettes


def scheme_of(page):
    return page.get_attribute("body", "data-md-color-scheme")


@pytest.fixture(scope="module", params=SCHEMES)
def palette(request, server, chromium):
    """(tab, scheme): a browser context with the reader's palette choice made
    by clicking the theme's palette toggle (stored by the theme, so it holds
    on every page)."""
    scheme = request.param
    tab = Tab(chromium)
    try:
        tab.goto(server + "index.html")
        if scheme_of(tab.page) != scheme:
            toggles = tab.page.locator("[data-md-component=palette] label").filter(visible=True)
            assert toggles.count(), "no visible palette toggle in the header"
            toggles.first.click()
            tab.page.wait_for_function(
                "s => document.body.getAttribute('data-md-color-scheme') === s", arg=scheme, timeout=5000)
        tab.goto(server + "faq.html")
        assert scheme_of(tab.page) == scheme, "the palette choice did not carry over to the next page"
        yield tab, scheme
    finally:
        tab.close()


def open_in(tab, url, scheme):
    loaded = tab.goto(url)
    assert scheme_of(tab.page) == scheme, f"{url}: palette is {scheme_of(tab.page)}, expected {scheme}"
    return loaded


# --- axe-core -----------------------------------------------------------------

def test_axe_finds_no_violations(palette, server):
    tab, scheme = palette
    problems = []
    for page in ALL_PAGES:
        open_in(tab, server + page, scheme)
        problems += format_axe(page, run_axe(tab.page), f" [{scheme}]")
    assert not problems, "axe-core violations:\n" + "\n".join(problems)


# --- colour contrast from computed styles -------------------------------------

CONTRAST_JS = """() => {
const canvas = document.createElement('canvas');
canvas.width = canvas.height = 1;
const ctx = canvas.getContext('2d', {willReadFrequently: true});
function rgba(css) {
  const m = css.match(/^rgba?\\(([\\d.]+),\\s*([\\d.]+),\\s*([\\d.]+)(?:,\\s*([\\d.]+))?\\)$/);
  if (m) return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]];
  ctx.clearRect(0, 0, 1, 1); ctx.fillStyle = css; ctx.fillRect(0, 0, 1, 1);
  const d = ctx.getImageData(0, 0, 1, 1).data;
  return [d[0], d[1], d[2], d[3] / 255];
}
function over(top, bottom) {  // alpha compositing, bottom opaque
  const a = top[3];
  return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]);
}
function background(el) {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor);
    if (c[3] > 0) layers.push(c);
    if (c[3] >= 1) break;
  }
  let bg = [255, 255, 255, 1];  // the canvas behind everything
  for (const layer of layers.reverse()) bg = over(layer, bg);
  return bg;
}
function lum(c) {
  const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
}
function ratio(a, b) {
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}
const article = document.querySelector('article');
const groups = {
  'body text': [...article.querySelectorAll('p')].filter(p => !p.closest('.admonition, details, .guide-page-info')).slice(0, 5),
  'link': [...article.querySelectorAll('a[href]')].filter(a => !a.classList.contains('headerlink')),
  'admonition title': [...article.querySelectorAll('.admonition-title, details > summary')],
  'admonition text': [...article.querySelectorAll('.admonition > p:not(.admonition-title), details > p')],
  'page info': [...article.querySelectorAll('.guide-page-info__dates')],
};
const out = [];
for (const [kind, els] of Object.entries(groups)) {
  for (const el of els) {
    if (!el.textContent.trim() || !el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const bg = background(el);
    const fg = over(rgba(getComputedStyle(el).color), bg);
    out.push({kind, text: el.textContent.trim().slice(0, 40), ratio: ratio(fg, bg),
              fg: fg.slice(0, 3).map(Math.round), bg: bg.slice(0, 3).map(Math.round)});
  }
}
return out;
}"""


def test_text_contrast_from_computed_styles(palette, server):
    """Body text, links, admonition titles and text: at least 4.5:1 against
    the background they sit on, in both palettes (computed styles, with
    semi-transparent colours blended the way the browser paints them)."""
    tab, scheme = palette
    failures, kinds = {}, set()
    pages = ["index.html", "understanding-progression.html", "next-treatment.html",
             "myths-and-facts.html", "faq.html", "questions-to-ask.html", "glossary.html", PRINT_PAGE]
    assert set(pages) <= set(ALL_PAGES), f"pages no longer in mkdocs.yml: {set(pages) - set(ALL_PAGES)}"
    for page in pages:
        open_in(tab, server + page, scheme)
        for item in tab.page.evaluate(CONTRAST_JS):
            kinds.add(item["kind"])
            if item["ratio"] < 4.5:
                key = (item["kind"], tuple(item["fg"]), tuple(item["bg"]))
                failures.setdefault(key, (page, item["text"], item["ratio"]))
    # The check must have had something to measure.
    assert {"body text", "link", "admonition title"} <= kinds, f"measured only {sorted(kinds)}"
    assert not failures, f"contrast below 4.5:1 [{scheme}]:\n" + "\n".join(
        f"  {kind}: rgb{fg} on rgb{bg} = {r:.2f}:1 ({page}: {text!r})"
        for (kind, fg, bg), (page, text, r) in failures.items())


# --- keyboard -----------------------------------------------------------------

SKIP_LINK_SHOWN = """() => {
    const a = document.activeElement, r = a.getBoundingClientRect();
    return a.classList.contains('md-skip')
        && a.checkVisibility({opacityProperty: true, visibilityProperty: true})
        && r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight;
}"""
SKIP_LINK_INFO = """() => {
    const a = document.activeElement, r = a.getBoundingClientRect();
    const href = a.getAttribute('href') || '';
    return {cls: a.className, text: a.textContent.trim(), href: href,
            visible: a.checkVisibility({opacityProperty: true, visibilityProperty: true})
                     && r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight,
            target: href.startsWith('#') && !!document.getElementById(decodeURIComponent(href.slice(1)))};
}"""


def test_skip_link_on_every_page(new_tab, server):
    """The first Tab on every page reaches a "Skip to content" link that
    becomes visible and points at an element that exists."""
    tab = new_tab()
    problems = []
    for page in ALL_PAGES:
        tab.goto(server + page, settle=False)
        tab.page.keyboard.press("Tab")
        try:  # the theme fades the link in
            tab.page.wait_for_function(SKIP_LINK_SHOWN, timeout=3000)
        except PlaywrightTimeout:
            pass  # reported below from what the page shows
        info = tab.page.evaluate(SKIP_LINK_INFO)
        if "md-skip" not in info["cls"]:
            problems.append(f"{page}: the first Tab reaches {info['cls']!r} {info['text'][:30]!r}, not a skip link")
        elif not info["visible"]:
            problems.append(f"{page}: the skip link does not become visible on focus")
        elif not info["target"]:
            problems.append(f"{page}: the skip link points at {info['href']!r}, which is not on the page")
    assert not problems, "\n".join(problems)


RECORD_FOCUS = """() => {
document.getAnimations().forEach(a => a.finish());  // fade-ins end at once
let el = document.activeElement;
// The palette switch is a pair of hidden radio buttons: the visible label
// shows the focus.
if (el.matches('input.md-option')) el = el.closest('form').querySelector('label:not([hidden])');
window.__focused = window.__focused || [];
window.__focused.push(el);
const s = getComputedStyle(el), r = el.getBoundingClientRect();
return {desc: el.tagName.toLowerCase() + '.' + el.className + ' ' + el.textContent.trim().slice(0, 30),
        inArticle: !!document.activeElement.closest('article') && document.activeElement.matches('a[href]'),
        visible: el.checkVisibility({opacityProperty: true, visibilityProperty: true}) && r.width > 0 && r.height > 0,
        style: [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.backgroundColor, s.color]};
}"""
UNFOCUSED = """() => {
document.activeElement.blur();
document.getAnimations().forEach(a => a.finish());
return window.__focused.map(el => { const s = getComputedStyle(el);
  return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.backgroundColor, s.color]; });
}"""


def visible_indicator(focused, unfocused):
    o_style, o_width, o_color, shadow, bg, _ = focused
    outline = (o_style != "none" and float(o_width.rstrip("px") or 0) >= 2
               and o_color not in ("transparent", "rgba(0, 0, 0, 0)"))
    return outline or (shadow != "none" and shadow != unfocused[3]) or bg != unfocused[4]


@pytest.mark.parametrize("page", ["index.html", "next-treatment.html"])
def test_keyboard_focus_is_always_visible(palette, server, page):
    """Tab from the top of the page to the first link in the text: every
    stop is visible and shows a focus indicator (outline, shadow or
    background) it does not have without focus."""
    tab, scheme = palette
    assert page in NAV_PAGES, f"{page} is no longer in the nav of mkdocs.yml"
    open_in(tab, server + page, scheme)
    stops = []
    for _ in range(80):
        tab.page.keyboard.press("Tab")
        stops.append(tab.page.evaluate(RECORD_FOCUS))
        if stops[-1]["inArticle"]:
            break
    assert stops[-1]["inArticle"], f"{page}: 80 Tabs did not reach a link in the text"
    unfocused = tab.page.evaluate(UNFOCUSED)
    problems = []
    for stop, plain in zip(stops, unfocused):
        if not stop["visible"]:
            problems.append(f"focus on something not visible: {stop['desc']}")
        elif not visible_indicator(stop["style"], plain):
            problems.append(f"no visible focus indicator on {stop['desc']}: focused {stop['style']}, "
                            f"unfocused {plain}")
    assert not problems, f"{page} [{scheme}]:\n" + "\n".join(problems)


def active_is(page, selector):
    return page.evaluate("s => document.activeElement.matches(s)", selector)


def test_search_works_from_the_keyboard(open_page, server):
    """Tab to the search field, type, and reach a result with the arrow key;
    Enter opens it."""
    start = server + "index.html"
    page = open_page(start).page
    for _ in range(20):
        page.keyboard.press("Tab")
        if active_is(page, ".md-search__input"):
            break
    else:
        pytest.fail("20 Tabs did not reach the search field")
    page.keyboard.type("biopsy")
    # Each key released asks the theme for results ("b", "bi", ... "biopsy"),
    # and each answer redraws the list: an arrow key pressed between two
    # answers focuses a link that the next answer removes (focus falls to
    # <body>). A reader pauses to see the results: wait, as they do, until
    # the list for the whole word has stood unchanged for 300 ms.
    try:
        page.wait_for_function("""() => {
            const list = document.querySelector('.md-search-result__list');
            const html = document.querySelector('.md-search__input').value === 'biopsy'
                && list && list.querySelector('a[href]') ? list.innerHTML : null;
            const now = performance.now();
            if (html === null || html !== window.__guideList) {
                window.__guideList = html; window.__guideSince = now; return false;
            }
            return now - window.__guideSince >= 300;
        }""", polling=100, timeout=15_000)
    except PlaywrightTimeout:
        pytest.fail("no search results for 'biopsy' (or they kept changing) within 15 s")
    page.keyboard.press("ArrowDown")
    active = page.evaluate("""() => { const a = document.activeElement, r = a.getBoundingClientRect();
        return {result: !!a.closest('.md-search-result') && a.matches('a[href]'), href: a.href || '',
                html: a.outerHTML.slice(0, 120),
                visible: a.checkVisibility({opacityProperty: true, visibilityProperty: true})
                         && r.width > 0 && r.height > 0}; }""")
    assert active["result"], f"the arrow key did not move to a result (focus on {active['html']})"
    assert active["visible"], f"the focused result is not visible: {active['html']}"
    page.keyboard.press("Enter")
    try:
        page.wait_for_url(lambda url: url != start, timeout=10_000)
    except PlaywrightTimeout:
        pytest.fail("Enter on a result did not open it")
    assert page.url.split("#")[0] == active["href"].split("#")[0]
    assert "biopsy" in page.inner_text("article").lower()


def test_abbreviations_reachable_without_a_mouse(open_page, server, site):
    """Tab reaches an abbreviation in the text, and its meaning is then shown
    and tied to it (the theme's tooltip, linked by aria-describedby)."""
    name = "index.html"
    page = open_page(server + name).page
    for _ in range(150):
        page.keyboard.press("Tab")
        if active_is(page, "article abbr"):
            break
    else:
        pytest.fail(f"{name}: 150 Tabs did not reach an abbreviation")
    short = page.evaluate("() => document.activeElement.innerText.trim()")
    built = (site / name).read_text(encoding="utf-8")
    meanings = set(re.findall(rf'<abbr tabindex="0" title="([^"]+)">{re.escape(short)}</abbr>', built))
    assert meanings, f"{short!r} has no title in the built {name}"
    # One look at both attributes: the theme's tooltip script may take the
    # title away and set aria-describedby between two separate looks.
    state = page.wait_for_function(
        "() => { const a = document.activeElement;"
        " const s = {tip: a.getAttribute('aria-describedby'), title: a.getAttribute('title')};"
        " return (s.tip || s.title) ? s : null; }", timeout=5000).json_value()
    tip_id = state["tip"]
    if tip_id:
        tip = page.locator(f"[id='{tip_id}']")
        try:
            tip.wait_for(state="visible", timeout=5000)
        except PlaywrightTimeout:
            pytest.fail(f"the meaning of {short} is not shown on focus")
        assert tip.get_attribute("role") == "tooltip"
        assert tip.inner_text().strip() in meanings, f"tooltip says {tip.inner_text()!r}, expected one of {meanings}"
    else:  # no theme tooltip (yet): the title is the description
        assert state["title"] in meanings, f"{short}: title {state['title']!r}, expected one of {meanings}"


def announced(page, locator):
    """What a screen reader gets for each element of locator, from
    Chromium's accessibility tree: (role, text), the text being the
    element's accessible name or else the text of what it contains; None
    when it is left out of the tree (ignored)."""
    locator.evaluate_all("els => els.forEach((e, i) => e.setAttribute('data-qa-ax', i))")
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        ids = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-qa-ax]"})["nodeIds"]
        nodes = cdp.send("Accessibility.getFullAXTree", {})["nodes"]
        by_id = {n["nodeId"]: n for n in nodes}
        by_backend = {n.get("backendDOMNodeId"): n for n in nodes}

        def text(node):  # ignored wrappers (a <span>) still pass on their text
            name = "" if node.get("ignored") else (node.get("name") or {}).get("value") or ""
            return name.strip() or " ".join(filter(None, (text(by_id[c]) for c in node.get("childIds", [])
                                                           if c in by_id))).strip()

        out = []
        for nid in ids:
            described = cdp.send("DOM.describeNode", {"nodeId": nid})["node"]
            node = by_backend.get(described["backendNodeId"])
            if node is None or node.get("ignored"):
                out.append(None)
            else:
                out.append(((node.get("role") or {}).get("value"), text(node)))
        return out
    finally:
        cdp.detach()


def test_header_buttons_have_names(open_page, server):
    """The theme's icon buttons (menu, search, palette) and the logo link
    give a screen reader something to read, on a phone-sized screen where
    they all show. (The buttons are <label> elements, which HTML lets carry
    no aria-label: their name is text inside them.)"""
    page = open_page(server + "index.html", width=360, height=740).page
    buttons = page.locator(".md-header .md-header__button").filter(visible=True)
    count = buttons.count()
    assert count >= 3, f"expected menu, search and palette buttons, found {count}"
    html = buttons.evaluate_all("els => els.map(e => e.outerHTML.slice(0, 100))")
    spoken = announced(page, buttons)
    assert len(spoken) == count, f"{count} buttons, {len(spoken)} found in the accessibility tree"
    silent = [f"{h} -> {ax}" for h, ax in zip(html, spoken) if ax is not None and not ax[1]]
    assert not silent, "header buttons a screen reader reads as nothing:\n" + "\n".join(silent)


NAVIGATIONS_AFTER_A_FRAME = """() => new Promise(done =>
    requestAnimationFrame(() => requestAnimationFrame(() => done(window.__navigations))))"""


def test_no_single_key_shortcuts(open_page, server):
    """WCAG 2.1.4: pressing a letter with focus on the page neither opens
    search nor moves to another page (the theme binds f, s, /, p, n, .);
    typing those letters in the search field still works."""
    url = server + "next-treatment.html"
    page = open_page(url).page
    assert page.locator("link[rel=next]").count(), "the page has no next page to go to"
    # Every navigation the page starts (a link followed, location set) fires
    # the Navigation API's navigate event at once, inside the key's handler.
    assert page.evaluate("""() => {
        if (typeof navigation === 'undefined') return false;
        window.__navigations = [];
        navigation.addEventListener('navigate', e => window.__navigations.push(e.destination.url));
        return true; }"""), "this Chromium has no Navigation API"
    for key in ["s", "f", "/", "n", ".", "p", ","]:
        page.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
        page.keyboard.press(key)
        try:
            started = page.evaluate(NAVIGATIONS_AFTER_A_FRAME)
        except Exception as err:  # the page was replaced under us
            pytest.fail(f"pressing {key!r} moved away from {url}: {err}")
        assert started == [], f"pressing {key!r} started a navigation to {started}"
        assert page.url == url, f"pressing {key!r} moved to {page.url}"
        state = page.evaluate("() => [document.getElementById('__search').checked, "
                              "document.activeElement === document.querySelector('.md-search__input')]")
        assert state == [False, False], f"pressing {key!r} opened search"
    field = page.locator(".md-search__input")
    field.click()
    page.keyboard.type("sn/")
    assert field.input_value() == "sn/"
    assert page.evaluate("() => window.__navigations") == [], "typing in the search field navigated"


# --- valid HTML ---------------------------------------------------------------

# Errors that cannot be fixed at build time: (file name pattern, message
# fragment, reason). Keep it short; every entry needs its reason.
VNU_ALLOWED = []


def test_html_is_valid(site):
    """The Nu Html Checker finds no errors in any built page."""
    pages = sorted(str(p) for p in site.rglob("*.html"))
    assert len(pages) >= len(ALL_PAGES)
    proc = subprocess.run(["java", "-jar", str(need(VNU_JAR)), "--format", "json", "--errors-only", *pages],
                          capture_output=True, text=True, timeout=600)
    report = json.loads(proc.stderr or proc.stdout)
    errors = []
    for m in report["messages"]:
        name = pathlib.Path(urllib.parse.urlsplit(m.get("url", "")).path).name
        if any(re.fullmatch(p, name) and frag in m["message"] for p, frag, _ in VNU_ALLOWED):
            continue
        errors.append(f"{name}:{m.get('lastLine', '?')}: {m['message']}\n    {(m.get('extract') or '').strip()[:160]}")
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors[:40])


# --- reading without JavaScript -----------------------------------------------

@pytest.fixture(scope="module")
def nojs_tab(chromium):
    tab = Tab(chromium, javascript=False)
    yield tab
    tab.close()


HIDDEN_TEXT = """() => [...document.querySelectorAll('article p, article li')]
  // folded boxes, and the print page's contents list (print only:
  // on screen the sidebar has it); the urgent-care card's line for the PDF
  // (shown only on the print page), and on the print page the cards of
  // chapters after Start here, which show only that line (one full card
  // per book); and on the print page what is for the screen only and left
  // out of the PDF on purpose (print-site-plugin-ignore: Next lines,
  // website help, notes for web staff); what is for paper only (class
  // guide-print-only: the handout's copy of the card, whose pointer leads to
  // the card on screen, and the line naming the guide it comes from)
  .filter(e => e.textContent.trim() && !e.closest('details:not([open]), #print-page-toc, '
      + '.urgent-card__print-pointer, #print-site-page .urgent-card:not(.urgent-card--home), '
      + '.guide-print-only, '
      + '#print-site-page .print-site-plugin-ignore'))
  .filter(e => !e.checkVisibility({opacityProperty: true, visibilityProperty: true})).length"""


def test_pages_readable_without_javascript(nojs_tab, server):
    page = nojs_tab.page
    problems = []
    for name in ALL_PAGES:
        nojs_tab.goto(server + name, settle=False)  # no script: nothing comes after the load
        assert page.evaluate("() => typeof window.__md_scope") == "undefined", \
            "JavaScript ran: the no-JavaScript browser is not set up right"
        h1 = page.locator("article h1").first
        article = page.locator("article").first
        if not h1.count() or not h1.is_visible() or not h1.inner_text().strip():
            problems.append(f"{name}: the H1 is not shown")
        shown = article.inner_text() if article.count() and article.is_visible() else ""
        if len(shown) < 300:
            problems.append(f"{name}: the article text is not shown ({len(shown)} characters visible)")
        hidden = page.evaluate(HIDDEN_TEXT)
        if hidden:
            problems.append(f"{name}: {hidden} paragraphs or list items are hidden")
    assert not problems, "\n".join(problems)


def test_every_nav_page_reachable_without_javascript(nojs_tab, server):
    """Following only visible links in the navigation (sidebar, footer)
    from the start page reaches every page in the nav."""
    page = nojs_tab.page
    base_path = urllib.parse.urlsplit(server).path
    seen, queue = set(), [NAV_PAGES[0]]
    while queue:
        name = queue.pop(0)
        if name in seen:
            continue
        seen.add(name)
        nojs_tab.goto(server + name, settle=False)
        for href in page.locator("nav a[href]").filter(visible=True).evaluate_all("els => els.map(a => a.href)"):
            if not href.startswith(server):
                continue
            target = urllib.parse.urlsplit(href).path[len(base_path):] or "index.html"
            if target.endswith(".html") and target not in seen:
                queue.append(target)
    missing = sorted(set(NAV_PAGES) - seen)
    assert not missing, f"not reachable through visible nav links without JavaScript: {missing}"


# --- small screens --------------------------------------------------------------

SIDEWAYS = """() => {
    const w = document.documentElement.clientWidth;
    return [...document.querySelectorAll('body *')]
      .filter(e => e.getBoundingClientRect().right > w + 1 && e.checkVisibility())
      .slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + e.className); }"""
TABLE_BOXES = """() => {
    const w = document.documentElement.clientWidth;
    return [...document.querySelectorAll('article table')].map(t => {
      let box = t.parentElement;
      while (box && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) box = box.parentElement;
      return {width: t.getBoundingClientRect().width,
              box: box ? box.getBoundingClientRect().right <= w && box.clientWidth <= w : false,
              // or laid out as cards (guide.css): every cell within the screen
              fits: [...t.querySelectorAll('td, th')].filter(c => c.checkVisibility())
                      .every(c => c.getBoundingClientRect().right <= w + 1)};
    }); }"""


def test_no_sideways_scrolling_at_360px(new_tab, server):
    tab = new_tab(width=360, height=740)
    problems, tables = [], 0
    for name in ALL_PAGES:
        tab.goto(server + name, settle=False)
        assert tab.page.evaluate("() => innerWidth") == 360, "the page is not 360 px wide"
        scroll_width, client_width = tab.page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if scroll_width > client_width:
            problems.append(f"{name}: scrolls sideways ({scroll_width} > {client_width} px), "
                            f"e.g. {tab.page.evaluate(SIDEWAYS)}")
        for t in tab.page.evaluate(TABLE_BOXES):
            tables += 1
            if not (t["box"] or t["fits"]):
                problems.append(f"{name}: a table ({t['width']:.0f} px wide) neither fits the screen "
                                "nor sits in a box that scrolls sideways within it")
    assert tables, "no tables were checked"
    assert not problems, "\n".join(problems)
    # Pictures to look at: pages with tables, in both palettes (the dark one
    # chosen through the system setting the theme follows).
    for scheme in ["light", "dark"]:
        tab = new_tab(width=360, height=740, color_scheme=scheme)
        for name in ["next-treatment.html", "re-testing.html"]:
            tab.goto(server + name, settle=False)
            assert scheme_of(tab.page) == {"light": "default", "dark": "slate"}[scheme]
            tab.page.evaluate("() => document.querySelector('article table').scrollIntoView({block: 'center'})")
            screenshot(tab.page, name.replace(".html", f"-360-{scheme}"))
    print(f"\nscreenshots at 360 px: {screenshot_dir()}")


# --- page weight ----------------------------------------------------------------

def test_published_stylesheets_are_their_sources_without_comments(site):
    """The guide's own stylesheets are published without their comments
    (overrides/hooks/lean_site.py, strip_css_comments): every rule is kept,
    character for character but for blank lines."""
    def rules(css):
        return [line.strip() for line in re.sub(r"/\*.*?\*/", "", css, flags=re.S).splitlines() if line.strip()]

    for path in guide_config.load().extra_css:
        source = (ROOT / "docs" / str(path)).read_text(encoding="utf-8")
        built = (site / str(path)).read_text(encoding="utf-8")
        assert "/*" in source, f"docs/{path} has no comment: the test compares nothing"
        assert "/*" not in built, f"{path} is published with its comments"
        assert rules(built) == rules(source), f"{path}: the published rules differ from docs/{path}'s"


def test_page_weight_within_budget(site, chromium, capsys):
    """A first visit to any page (HTML and everything it loads before the
    reader acts) is within page_weight.BUDGET_KIB, gzip; the print page (the
    whole guide on one page) within PRINT_BUDGET_KIB. The search index is not
    part of it, nor the search worker: they wait until the reader searches
    (lazy-search.js)."""
    import page_weight

    records = page_weight.measure(site, ALL_PAGES, chromium)
    with capsys.disabled():
        print("\n" + page_weight.format_report(records, times=page_weight.build_times(site)))
    for r in records:  # the measurement itself must have worked
        names = [f[0] for f in r["files"]]
        assert r["page"] in names and any(n.startswith("assets/javascripts/bundle.") for n in names), \
            f"{r['page']}: the measurement missed the page or the theme bundle: {names}"
        assert not r["foreign"], f"{r['page']} asks another host: {r['foreign']}"
        assert not any(n.startswith("search/search_index") for n in names), \
            f"{r['page']}: the search index was fetched before the reader searched"
        assert not any(n.startswith("assets/javascripts/workers/search") for n in names), \
            (f"{r['page']}: the search worker was fetched before the reader searched "
             "(docs/assets/javascripts/lazy-search.js holds it back)")
    assert {r["page"] for r in records} == set(ALL_PAGES), "page_weight did not measure every page"
    over = page_weight.over_budget(records)
    assert not over, (f"pages over their budget ({page_weight.BUDGET_KIB} KiB, print page "
                      f"{page_weight.PRINT_BUDGET_KIB} KiB, gzip) on a first visit: {over}")


def test_unused_theme_css_rules_are_dropped_and_used_ones_kept():
    """The page-weight fix for the theme's stylesheet drops a rule only when
    every selector needs a class the site never uses."""
    lean = hook("lean_site")
    css = ('/*! licence */.a{color:red}.gone,.c .d{x:y}.gone>.a{z:1}'
           '@media screen{.gone{q:"}"}.a:not(.gone){q:r}}@media print{.gone{p:1}}'
           '@keyframes spin{0%{a:b}}:root{--v:1}.x:is(.gone,.a){w:1}[data-md-x]{u:1}')
    out = lean.unused_rules_dropped(css, lambda name: name in {"a", "c", "d", "x"})
    assert out == ('/*! licence */.a{color:red}.c .d{x:y}@media screen{.a:not(.gone){q:r}}'
                   '@keyframes spin{0%{a:b}}:root{--v:1}.x:is(.gone,.a){w:1}[data-md-x]{u:1}'), out
    assert lean.unused_rules_dropped(css, lambda name: True) == css


def test_print_only_stylesheets_are_recognised():
    lean = hook("lean_site")
    assert lean.print_only("/* c */ @page { margin: 1cm } @media print { a { b: c } }")
    assert not lean.print_only("@media print { a { b: c } } p { color: red }")
    assert not lean.print_only("@media print, screen { a { b: c } }")
    assert not lean.print_only('@import "x.css"; @media print { a { b: c } }')


def test_theme_css_keeps_a_rule_for_every_class_the_site_uses(site):
    """Every class of the built pages that the theme's original stylesheet
    styles is still styled by the smaller one the site links, and every page
    links that one."""
    import material

    lean = hook("lean_site")
    theme_css = pathlib.Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
    original = next(p for p in theme_css.glob("main.*.min.css") if lean.THEME_CSS.fullmatch(p.name))
    built = [p for p in (site / "assets" / "stylesheets").glob("main.*.min.css")]
    assert len(built) == 1, f"expected one theme stylesheet in the site, found {[p.name for p in built]}"
    built = built[0]
    assert built.name != original.name and built.stat().st_size < original.stat().st_size, \
        "the theme's stylesheet was not made smaller (overrides/hooks/lean_site.py, purge_theme_css)"
    classes = set()
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "stylesheets/main." not in html or f"stylesheets/{built.name}" in html, \
            f"{page.name} does not link the site's theme stylesheet {built.name}"
        for groups in lean.CLASS_ATTRIBUTE.findall(html):
            classes.update(" ".join(groups).split())
    styled = lambda css, name: re.search(r"\." + re.escape(name) + r"(?![\w-])", css)
    before, after = original.read_text(encoding="utf-8"), built.read_text(encoding="utf-8")
    lost = sorted(c for c in classes if styled(before, c) and not styled(after, c))
    assert not lost, f"classes the pages use lost every theme rule: {lost[:20]}"


def test_the_site_carries_no_theme_file_that_nothing_loads(site):
    """The search's language packs (an English-only search loads none), the
    theme's default favicon (the guide names its own) and a sitemap that
    lists no address (no site_url) are not in the published folder."""
    lean = hook("lean_site")
    assert lean.lunr_files(["en"]) == set()
    leftover = sorted(p.relative_to(site).as_posix() for p in (site / "assets" / "javascripts" / "lunr").rglob("*")
                      if p.is_file()) if (site / "assets" / "javascripts" / "lunr").exists() else []
    assert not leftover, f"language packs an English search never loads: {leftover[:5]}"
    assert not (site / lean.DEFAULT_FAVICON).exists(), f"{lean.DEFAULT_FAVICON} is in the site; no page links it"
    assert not [p.name for p in site.glob("sitemap.xml*")], "an empty sitemap is in the site (no site_url)"
    favicon = guide_config.load()["theme"]["favicon"]
    assert (site / favicon).is_file() and f'href="{favicon}?v=' in (site / "index.html").read_text(encoding="utf-8")


def test_search_languages_keep_the_files_their_worker_loads():
    """What Material's search worker imports for each language setting
    (src/templates/assets/javascripts/workers/search)."""
    lean = hook("lean_site")
    assert lean.lunr_files(["de"]) == {"min/lunr.de.min.js", "min/lunr.stemmer.support.min.js"}
    assert lean.lunr_files(["en", "ja"]) == {"min/lunr.ja.min.js", "min/lunr.multi.min.js", "tinyseg.js",
                                             "min/lunr.stemmer.support.min.js"}
    assert "wordcut.js" in lean.lunr_files(["th"])
    assert lean.unused_theme_file("assets/javascripts/lunr/min/lunr.de.min.js", ["en"], "assets/favicon.svg")
    assert not lean.unused_theme_file("assets/javascripts/lunr/min/lunr.de.min.js", ["de"], "assets/favicon.svg")
    assert not lean.unused_theme_file("assets/images/favicon.png", ["en"], "assets/images/favicon.png")
    assert not lean.unused_theme_file("assets/javascripts/bundle.js", ["en"], "assets/favicon.svg")
