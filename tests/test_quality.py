"""Quality gates a hospital web team runs before publishing the guide.

- Accessibility: axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on every page in
  the light and the dark palette; and what axe cannot judge alone: a skip
  link on every page, visible keyboard focus, search and abbreviations from
  the keyboard, colour contrast measured from computed styles, named header
  buttons, and no single-key shortcuts (WCAG 2.1.4).
- Valid HTML: the Nu Html Checker on every built page.
- Reading without JavaScript: every page readable, every nav page reachable.
- Small screens (360 px): nothing scrolls sideways; tables scroll in a box.
- Page weight: a first visit to any page transfers at most 150 KiB (gzip).

axe-core and vnu-jar come from tests/package.json (exact pins, locked):
scripts/test.py runs `npm ci --prefix tests`.
"""
import json
import pathlib
import re
import subprocess
import time
import urllib.parse

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ALL_PAGES, NAV_PAGES, ROOT, load, make_driver

NODE_MODULES = ROOT / "tests" / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCHEMES = ["default", "slate"]  # Material's light and dark palettes
BUDGET_KIB = 150


def need(path):
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: run `npm ci --prefix tests` "
                    "(python3 scripts/test.py does it)")
    return path


def scheme_of(drv):
    return drv.find_element(By.TAG_NAME, "body").get_attribute("data-md-color-scheme")


def press(drv, *keys):
    ActionChains(drv).send_keys(*keys).perform()


def phone(width=360, height=740, color_scheme=None):
    """Chromium with a 360 px wide page. (Headless Chromium keeps its window
    at least 500 px wide whatever --window-size says, so the page's size is
    set through the DevTools protocol.)"""
    drv = make_driver(width=width, height=height, color_scheme=color_scheme)
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    return drv


@pytest.fixture(scope="module", params=SCHEMES)
def palette(request, server):
    """(driver, scheme): Chromium with the reader's palette choice made by
    clicking the theme's palette toggle (stored by the theme, so it holds on
    every page)."""
    scheme = request.param
    drv = make_driver()
    drv.set_script_timeout(120)
    try:
        load(drv, server + "index.html")
        if scheme_of(drv) != scheme:
            toggles = [el for el in drv.find_elements(By.CSS_SELECTOR, "[data-md-component=palette] label")
                       if el.is_displayed()]
            assert toggles, "no visible palette toggle in the header"
            toggles[0].click()
            WebDriverWait(drv, 5).until(lambda d: scheme_of(d) == scheme)
        load(drv, server + "faq.html")
        assert scheme_of(drv) == scheme, "the palette choice did not carry over to the next page"
        yield drv, scheme
    finally:
        drv.quit()


def open_page(drv, url, scheme):
    load(drv, url)
    assert scheme_of(drv) == scheme, f"{url}: palette is {scheme_of(drv)}, expected {scheme}"


# --- axe-core -----------------------------------------------------------------

AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(r => done(r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
      targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
      summary: v.nodes[0] ? v.nodes[0].failureSummary : ''}))))
  .catch(e => done('axe failed: ' + e));
"""


def test_axe_finds_no_violations(palette, server):
    drv, scheme = palette
    axe = need(AXE_JS).read_text(encoding="utf-8")
    problems = []
    for page in ALL_PAGES:
        open_page(drv, server + page, scheme)
        drv.execute_script(axe)
        result = drv.execute_async_script(AXE_RUN, AXE_TAGS)
        assert isinstance(result, list), f"{page}: {result}"
        for v in result:
            problems.append(f"{page} [{scheme}] {v['id']} ({v['impact']}, {v['count']}x): {v['help']}\n"
                            f"    at {'; '.join(v['targets'])}\n    {v['summary'][:300]}")
    assert not problems, "axe-core violations:\n" + "\n".join(problems)


# --- colour contrast from computed styles -------------------------------------

CONTRAST_JS = """
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
"""


def test_text_contrast_from_computed_styles(palette, server):
    """Body text, links, admonition titles and text: at least 4.5:1 against
    the background they sit on, in both palettes (computed styles, with
    semi-transparent colours blended the way the browser paints them)."""
    drv, scheme = palette
    failures, kinds = {}, set()
    for page in ["index.html", "understanding-progression.html", "next-treatment.html",
                 "myths-and-facts.html", "faq.html", "questions-to-ask.html", "glossary.html",
                 "print_page.html"]:
        open_page(drv, server + page, scheme)
        for item in drv.execute_script(CONTRAST_JS):
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

def test_skip_link_on_every_page(driver, server):
    """The first Tab on every page reaches a "Skip to content" link that
    becomes visible and points at an element that exists."""
    problems = []
    for page in ALL_PAGES:
        load(driver, server + page)
        press(driver, Keys.TAB)
        time.sleep(0.4)  # the theme fades the link in
        info = driver.execute_script("""
            const a = document.activeElement, r = a.getBoundingClientRect();
            const href = a.getAttribute('href') || '';
            return {cls: a.className, text: a.textContent.trim(), href: href,
                    visible: a.checkVisibility({opacityProperty: true, visibilityProperty: true})
                             && r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight,
                    target: href.startsWith('#') && !!document.getElementById(decodeURIComponent(href.slice(1)))};
        """)
        if "md-skip" not in info["cls"]:
            problems.append(f"{page}: the first Tab reaches {info['cls']!r} {info['text'][:30]!r}, not a skip link")
        elif not info["visible"]:
            problems.append(f"{page}: the skip link does not become visible on focus")
        elif not info["target"]:
            problems.append(f"{page}: the skip link points at {info['href']!r}, which is not on the page")
    assert not problems, "\n".join(problems)


RECORD_FOCUS = """
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
"""
UNFOCUSED = """
document.activeElement.blur();
document.getAnimations().forEach(a => a.finish());
return window.__focused.map(el => { const s = getComputedStyle(el);
  return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.backgroundColor, s.color]; });
"""


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
    drv, scheme = palette
    open_page(drv, server + page, scheme)
    stops = []
    for _ in range(80):
        press(drv, Keys.TAB)
        stops.append(drv.execute_script(RECORD_FOCUS))
        if stops[-1]["inArticle"]:
            break
    assert stops[-1]["inArticle"], f"{page}: 80 Tabs did not reach a link in the text"
    unfocused = drv.execute_script(UNFOCUSED)
    problems = []
    for stop, plain in zip(stops, unfocused):
        if not stop["visible"]:
            problems.append(f"focus on something not visible: {stop['desc']}")
        elif not visible_indicator(stop["style"], plain):
            problems.append(f"no visible focus indicator on {stop['desc']}: focused {stop['style']}, "
                            f"unfocused {plain}")
    assert not problems, f"{page} [{scheme}]:\n" + "\n".join(problems)


def test_search_works_from_the_keyboard(driver, server):
    """Tab to the search field, type, and reach a result with the arrow key;
    Enter opens it."""
    load(driver, server + "index.html", settle=1.0)
    for _ in range(20):
        press(driver, Keys.TAB)
        if driver.execute_script("return document.activeElement.matches('.md-search__input')"):
            break
    else:
        pytest.fail("20 Tabs did not reach the search field")
    press(driver, "biopsy")
    WebDriverWait(driver, 15).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".md-search-result__item a[href]"),
        "no search results for 'biopsy'")
    press(driver, Keys.ARROW_DOWN)
    active = driver.switch_to.active_element
    assert driver.execute_script(
        "return !!arguments[0].closest('.md-search-result') && arguments[0].matches('a[href]')", active), \
        f"the arrow key did not move to a result (focus on {active.get_attribute('outerHTML')[:120]})"
    assert active.is_displayed()
    target = active.get_attribute("href")
    press(driver, Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: d.current_url != server + "index.html",
                                    "Enter on a result did not open it")
    assert driver.current_url.split("#")[0] == target.split("#")[0]
    assert "biopsy" in driver.find_element(By.TAG_NAME, "article").text.lower()


def test_abbreviations_reachable_without_a_mouse(driver, server, site):
    """Tab reaches an abbreviation in the text, and its meaning is then shown
    and tied to it (the theme's tooltip, linked by aria-describedby)."""
    page = "index.html"
    load(driver, server + page)
    for _ in range(150):
        press(driver, Keys.TAB)
        if driver.execute_script("return document.activeElement.matches('article abbr')"):
            break
    else:
        pytest.fail(f"{page}: 150 Tabs did not reach an abbreviation")
    abbr = driver.switch_to.active_element
    short = abbr.text.strip()
    built = (site / page).read_text(encoding="utf-8")
    meanings = set(re.findall(rf'<abbr tabindex="0" title="([^"]+)">{re.escape(short)}</abbr>', built))
    assert meanings, f"{short!r} has no title in the built {page}"
    WebDriverWait(driver, 5).until(lambda d: abbr.get_attribute("aria-describedby") or abbr.get_attribute("title"))
    tip_id = abbr.get_attribute("aria-describedby")
    if tip_id:
        tip = driver.find_element(By.ID, tip_id)
        WebDriverWait(driver, 5).until(lambda d: tip.is_displayed(), f"the meaning of {short} is not shown on focus")
        assert tip.get_attribute("role") == "tooltip"
        assert tip.text.strip() in meanings, f"tooltip says {tip.text!r}, expected one of {meanings}"
    else:  # no theme tooltip: the title is the description
        assert abbr.get_attribute("title") in meanings


def announced(drv, elements):
    """What a screen reader gets for each element, from Chromium's
    accessibility tree: (role, text), the text being the element's accessible
    name or else the text of what it contains; None when it is left out
    of the tree (ignored)."""
    drv.execute_script("arguments[0].forEach((e, i) => e.setAttribute('data-qa-ax', i))", elements)
    root = drv.execute_cdp_cmd("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    ids = drv.execute_cdp_cmd("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-qa-ax]"})["nodeIds"]
    nodes = drv.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]
    by_id = {n["nodeId"]: n for n in nodes}
    by_backend = {n.get("backendDOMNodeId"): n for n in nodes}

    def text(node):  # ignored wrappers (a <span>) still pass on their text
        name = "" if node.get("ignored") else (node.get("name") or {}).get("value") or ""
        return name.strip() or " ".join(filter(None, (text(by_id[c]) for c in node.get("childIds", [])
                                                       if c in by_id))).strip()

    out = []
    for nid in ids:
        described = drv.execute_cdp_cmd("DOM.describeNode", {"nodeId": nid})["node"]
        node = by_backend.get(described["backendNodeId"])
        if node is None or node.get("ignored"):
            out.append(None)
        else:
            out.append(((node.get("role") or {}).get("value"), text(node)))
    return out


def test_header_buttons_have_names(server):
    """The theme's icon buttons (menu, search, palette) and the logo link
    give a screen reader something to read, on a phone-sized screen where
    they all show. (The buttons are <label> elements, which HTML lets carry
    no aria-label: their name is text inside them.)"""
    drv = phone()
    try:
        load(drv, server + "index.html")
        buttons = [el for el in drv.find_elements(By.CSS_SELECTOR, ".md-header .md-header__button")
                   if el.is_displayed()]
        assert len(buttons) >= 3, f"expected menu, search and palette buttons, found {len(buttons)}"
        silent = [f"{el.get_attribute('outerHTML')[:100]} -> {ax}"
                  for el, ax in zip(buttons, announced(drv, buttons)) if ax is not None and not ax[1]]
        assert not silent, "header buttons a screen reader reads as nothing:\n" + "\n".join(silent)
    finally:
        drv.quit()


def test_no_single_key_shortcuts(driver, server):
    """WCAG 2.1.4: pressing a letter with focus on the page neither opens
    search nor moves to another page (the theme binds f, s, /, p, n, .);
    typing those letters in the search field still works."""
    page = server + "next-treatment.html"
    load(driver, page, settle=1.0)
    assert driver.find_elements(By.CSS_SELECTOR, "link[rel=next]"), "the page has no next page to go to"
    for key in ["s", "f", "/", "n", ".", "p", ","]:
        driver.execute_script("document.activeElement.blur(); window.scrollTo(0, 0)")
        press(driver, key)
        time.sleep(0.5)  # give a navigation the time to start
        assert driver.current_url == page, f"pressing {key!r} moved to {driver.current_url}"
        state = driver.execute_script(
            "return [document.getElementById('__search').checked, "
            "document.activeElement === document.querySelector('.md-search__input')]")
        assert state == [False, False], f"pressing {key!r} opened search"
    field = driver.find_element(By.CSS_SELECTOR, ".md-search__input")
    field.click()
    press(driver, "sn/")
    assert field.get_attribute("value") == "sn/"


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
def nojs_driver():
    drv = make_driver(javascript=False)
    yield drv
    drv.quit()


def test_pages_readable_without_javascript(nojs_driver, server):
    drv = nojs_driver
    problems = []
    for page in ALL_PAGES:
        load(drv, server + page)
        assert drv.execute_script("return typeof window.__md_scope") == "undefined", \
            "JavaScript ran: the no-JavaScript browser is not set up right"
        h1 = drv.find_elements(By.CSS_SELECTOR, "article h1")
        article = drv.find_elements(By.TAG_NAME, "article")
        if not h1 or not h1[0].is_displayed() or not h1[0].text.strip():
            problems.append(f"{page}: the H1 is not shown")
        if not article or not article[0].is_displayed() or len(article[0].text) < 300:
            problems.append(f"{page}: the article text is not shown "
                            f"({len(article[0].text) if article else 0} characters visible)")
        hidden = drv.execute_script("""
            return [...document.querySelectorAll('article p, article li')]
              // folded boxes, and the print page's contents list (print only:
              // on screen the sidebar has it)
              .filter(e => e.textContent.trim() && !e.closest('details:not([open]), #print-page-toc'))
              .filter(e => !e.checkVisibility({opacityProperty: true, visibilityProperty: true})).length""")
        if hidden:
            problems.append(f"{page}: {hidden} paragraphs or list items are hidden")
    assert not problems, "\n".join(problems)


def test_every_nav_page_reachable_without_javascript(nojs_driver, server):
    """Following only visible links in the navigation (sidebar, footer)
    from the start page reaches every page in the nav."""
    drv = nojs_driver
    seen, queue = set(), ["index.html"]
    while queue:
        page = queue.pop(0)
        if page in seen:
            continue
        seen.add(page)
        load(drv, server + page)
        for a in drv.find_elements(By.CSS_SELECTOR, "nav a[href]"):
            href = a.get_attribute("href") or ""
            if not href.startswith(server) or not a.is_displayed():
                continue
            target = urllib.parse.urlsplit(href).path[len(urllib.parse.urlsplit(server).path):] or "index.html"
            if target.endswith(".html") and target not in seen:
                queue.append(target)
    missing = sorted(set(NAV_PAGES) - seen)
    assert not missing, f"not reachable through visible nav links without JavaScript: {missing}"


# --- small screens --------------------------------------------------------------

def test_no_sideways_scrolling_at_360px(server, tmp_path_factory):
    drv = phone()
    shots = tmp_path_factory.mktemp("screenshots-360")
    try:
        load(drv, server + "index.html")
        assert drv.execute_script("return innerWidth") == 360
        problems, tables = [], 0
        for page in ALL_PAGES:
            load(drv, server + page)
            sizes = drv.execute_script(
                "const d = document.documentElement; return [d.scrollWidth, d.clientWidth]")
            if sizes[0] > sizes[1]:
                wide = drv.execute_script("""
                    const w = document.documentElement.clientWidth;
                    return [...document.querySelectorAll('body *')]
                      .filter(e => e.getBoundingClientRect().right > w + 1 && e.checkVisibility())
                      .slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + e.className)""")
                problems.append(f"{page}: scrolls sideways ({sizes[0]} > {sizes[1]} px), e.g. {wide}")
            for t in drv.execute_script("""
                const w = document.documentElement.clientWidth;
                return [...document.querySelectorAll('article table')].map(t => {
                  let box = t.parentElement;
                  while (box && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) box = box.parentElement;
                  return {width: t.getBoundingClientRect().width,
                          box: box ? box.getBoundingClientRect().right <= w && box.clientWidth <= w : false};
                });"""):
                tables += 1
                if not t["box"]:
                    problems.append(f"{page}: a table ({t['width']:.0f} px wide) is not inside a box "
                                    "that scrolls sideways within the screen")
        assert tables, "no tables were checked"
        assert not problems, "\n".join(problems)
    finally:
        drv.quit()
    # Pictures to look at: pages with tables, in both palettes (the dark one
    # chosen through the system setting the theme follows).
    for scheme in ["light", "dark"]:
        drv = phone(color_scheme=scheme)
        try:
            for page in ["next-treatment.html", "re-testing.html"]:
                load(drv, server + page)
                assert scheme_of(drv) == {"light": "default", "dark": "slate"}[scheme]
                drv.execute_script("document.querySelector('article table').scrollIntoView({block: 'center'})")
                drv.save_screenshot(str(shots / page.replace(".html", f"-360-{scheme}.png")))
        finally:
            drv.quit()
    print(f"\nscreenshots at 360 px: {shots}")


# --- page weight ----------------------------------------------------------------

def test_page_weight_within_budget(site, capsys):
    """A first visit to any page (HTML and everything it loads, the search
    index only where the page fetches it) is at most 150 KiB, gzip."""
    import page_weight

    drv = make_driver()
    try:
        records = page_weight.measure(site, ALL_PAGES, driver=drv)
    finally:
        drv.quit()
    with capsys.disabled():
        print("\n" + page_weight.format_report(records, BUDGET_KIB, page_weight.build_times(site)))
    for r in records:  # the measurement itself must have worked
        names = [f[0] for f in r["files"]]
        assert r["page"] in names and any(n.startswith("assets/javascripts/bundle.") for n in names), \
            f"{r['page']}: the measurement missed the page or the theme bundle: {names}"
        assert not r["foreign"], f"{r['page']} asks another host: {r['foreign']}"
    over = {r["page"]: round(r["total_gzip"] / 1024, 1) for r in records if r["total_gzip"] / 1024 > BUDGET_KIB}
    assert not over, f"pages over {BUDGET_KIB} KiB (gzip) on a first visit: {over}"
