"""Issue 5: ready for hospital intranets.

Branding by configuration, at home in a frame on another origin, a strict
Content-Security-Policy that every page works under, and server files.
"""
import html
import pathlib
import re
import xml.etree.ElementTree as ET

import pytest

import export_pdf

from conftest import (ALL_PAGES, NAV_PAGES, ROOT, SUBPATH, Tab, build_with_overlay, format_axe, page_texts,
                      run_axe, run_build, screenshot, serve)
from guidekit import config as guide_config
from guidekit import urgent_care
from guidekit.phone import tel_address

OVERLAY = ROOT / "hospital-overlay.example.yml"


def overlay_settings():
    """extra.institution of the example overlay, read as the build reads it."""
    return guide_config.load(OVERLAY)["extra"]["institution"]


@pytest.fixture(scope="module")
def branded_build(tmp_path_factory):
    """The example overlay built as a hospital in North America would build
    it: on US Letter (build.py --paper letter). (site folder, CompletedProcess)."""
    out = tmp_path_factory.mktemp("branded") / "site"
    result = run_build(out, config_file=OVERLAY, extra=("--paper", "letter"))
    assert result.returncode == 0, result.stdout + result.stderr
    return out, result


@pytest.fixture(scope="module")
def branded_site(branded_build):
    return branded_build[0]


def page_text(path):
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", raw, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", raw))


# --- branding ---------------------------------------------------------------------

def test_overlay_starts_with_inherit():
    first = [ln for ln in OVERLAY.read_text().splitlines() if ln.strip() and not ln.startswith("#")][0]
    assert first == "INHERIT: mkdocs.yml"


BANNER = re.compile(r'<aside class="md-banner">.*?</aside>', re.S)


@pytest.mark.parametrize("page", ALL_PAGES)
def test_branded_name_and_phone_on_every_page(branded_site, page):
    """The hospital's name and care-team number are on every page, in the
    line above the header as well as in the box at the foot."""
    inst = overlay_settings()
    raw = (branded_site / page).read_text(encoding="utf-8")
    text = " ".join(page_text(branded_site / page).split())
    assert inst["name"] in text, f"{page} does not show the institution's name"
    assert inst["phone"] in text, f"{page} does not show the care team's phone number"
    banner = BANNER.search(raw)
    assert banner, f"{page} has no line above its header with the hospital's name " \
                   "(overrides/partials/institution-banner.html)"
    assert html.escape(inst["name"]) in banner.group(0) and \
        f'href="tel:{tel_address(inst["phone"])}"' in banner.group(0), banner.group(0)


def test_branded_banner_on_a_phone_and_on_paper(branded_site, open_page):
    """On a phone the line sits above the header, within the screen, passes
    axe-core's checks (its link's colour on the bar), and is not printed."""
    with serve(branded_site, SUBPATH) as srv:
        page = open_page(srv.url + "index.html", width=360, height=740).page
        banner, header = page.locator(".md-banner"), page.locator(".md-header")
        assert banner.is_visible(), "the hospital's line is not shown"
        assert banner.bounding_box()["y"] + banner.bounding_box()["height"] <= header.bounding_box()["y"] + 1
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
        violations = run_axe(page)
        assert not violations, "\n".join(format_axe("index.html (branded, 360 px)", violations))
        screenshot(page, "branded-banner-360")
        page.emulate_media(media="print")
        assert not banner.is_visible(), "the hospital's line above the header is printed"


def test_branded_logo_published(branded_site):
    logo = "assets/branding/" + pathlib.PurePosixPath(overlay_settings()["logo"]).name
    text = (branded_site / "index.html").read_text()
    assert f'src="{logo}?v=' in text, f"index.html does not show the overlay's logo ({logo})"
    assert (branded_site / logo).is_file(), f"{logo} was not published"


def test_branded_pdf_cover_names_institution(branded_site):
    """A hospital's cover holds the most (its name, its contact box): on
    Letter, the shorter paper, it still ends on page 1 with the licence
    line, in both editions (the large print's cover: print.css, @page
    guide-large-cover)."""
    from pypdf import PdfReader
    pdf = guide_config.load(OVERLAY)["extra"]["pdf"]
    copyright_ = " ".join(guide_config.load(OVERLAY)["copyright"].split())
    for key in ("file", "large_print"):
        path = branded_site / pdf[key]
        if not path.exists():
            pytest.fail(f"the branded build wrote no {path.name} (is Chromium installed?)")
        cover = " ".join(PdfReader(str(path)).pages[0].extract_text().split())
        assert overlay_settings()["name"] in cover, f"{path.name}: the cover does not name the institution"
        assert copyright_ in cover, f"{path.name}: the cover runs over onto page 2 (print.css, .guide-cover)"


def test_branded_letter_pdfs_settle_their_page_numbers(branded_build):
    """The export prints until the page numbers settle, with no warning
    that they did not (scripts/export_pdf.py, MAX_PASSES: one more pass
    for each chapter that follows on the page before it). With a limit of
    5 passes this build warned: on US Letter a chapter more followed on in
    each pass, and the numbers settled in the sixth."""
    output = branded_build[1].stdout + branded_build[1].stderr
    assert "did not settle" not in output, output


def test_branded_pdfs_on_letter_paper(branded_site):
    """--paper letter: every page of the four PDFs is US Letter (8.5 x 11 in)."""
    from pypdf import PdfReader
    pdf = guide_config.load(OVERLAY)["extra"]["pdf"]
    for key in guide_config.PDF_KEYS:
        reader = PdfReader(str(branded_site / pdf[key]))
        sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
        assert sizes == {(612, 792)}, f"{pdf[key]}: pages of {sizes} pt, not US Letter (612 x 792)"


def test_branded_letter_handout_starts_its_urgent_sheet_on_a_front_page(branded_site):
    """On US Letter, with the hospital's box after it, the urgent-care sheet
    still starts on the front of a sheet of its own, after a page left blank
    when the questions take an odd number of pages (the count depends on
    the fonts: scripts/export_pdf.py, URGENT_SHEET)."""
    title = urgent_care.load(ROOT / "docs")["title"]
    handout = branded_site / guide_config.load(OVERLAY)["extra"]["pdf"]["handout"]
    pages = [" ".join(p.split()) for p in page_texts(handout)]
    first = next(i for i, p in enumerate(pages) if title in p)
    assert first % 2 == 0, f"{handout.name}: the urgent-care sheet starts on page {first + 1}, the back of a sheet"
    before = pages[first - 1]
    if "?" not in before:  # the blank page: its footer, and a line saying why it is blank
        assert export_pdf.BLANK_PAGE_NOTE in before and len(before) < 300, \
            f"page {first} is neither questions nor blank but for the note: {before}"


def test_branded_handout_prints_the_hospital_s_24_hour_line(branded_site):
    """The handout's fields to fill in at the top: with the overlay's
    urgent_phone, "My 24-hour number" is printed in, not left to write."""
    handout = branded_site / guide_config.load(OVERLAY)["extra"]["pdf"]["handout"]
    first = " ".join(page_texts(handout)[0].split())
    number = overlay_settings()["urgent_phone"]
    assert f"My 24-hour number: {number}" in first, f"{handout.name}, page 1: {first[:400]}"


def test_a_hospital_s_review_replaces_the_not_reviewed_line(site, branded_site):
    """Until a hospital states who reviewed the guide, the disclaimer says
    that no doctor or nurse has checked it (extra.not_reviewed): on every
    page, on the cover and on the handout's first page, so a reader does not
    take the review dates for a doctor's check (carer review). An overlay
    with extra.institution.reviewed_by shows that statement instead, and the
    line goes."""
    note = " ".join(guide_config.load()["extra"]["not_reviewed"].split())
    reviewed_by = " ".join(overlay_settings()["reviewed_by"].split())
    assert note, "extra.not_reviewed is empty in mkdocs.yml"
    for page in ALL_PAGES:
        assert note in " ".join(page_text(site / page).split()), f"{page} does not say: {note}"
        assert note not in " ".join(page_text(branded_site / page).split()), \
            f"{page} of the reviewed (branded) build still says: {note}"
    plain_pdfs = guide_config.load()["extra"]["pdf"]
    branded_pdfs = guide_config.load(OVERLAY)["extra"]["pdf"]

    def first_page(path):
        return " ".join(page_texts(path, last=1)[0].split())

    for key in guide_config.PDF_KEYS:
        assert note in first_page(site / plain_pdfs[key]), f"{plain_pdfs[key]}, page 1, does not say: {note}"
        assert note not in first_page(branded_site / branded_pdfs[key]), \
            f"the branded {branded_pdfs[key]}, page 1, still says: {note}"
    assert reviewed_by in first_page(branded_site / branded_pdfs["file"]), \
        "the branded cover does not show the hospital's review (institution.reviewed_by)"


def test_unbranded_site_names_no_institution(site):
    inst = overlay_settings()
    for page in ALL_PAGES:
        text = (site / page).read_text()
        assert "guide-institution" not in text, f"{page} has an institution box without branding"
        assert "md-banner" not in text, f"{page} has a line above its header without branding"
        assert inst["name"] not in text and inst["phone"] not in text


def test_bad_branding_fails_with_a_clear_message(tmp_path):
    result, name = build_with_overlay(tmp_path, "extra:\n  institution:\n    name: Somewhere\n")
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert "extra.institution needs phone, url" in out and name in out


# --- server files and the policy ---------------------------------------------------

def policy(site):
    return (site / "content-security-policy.txt").read_text().strip()


def test_policy_is_strict(site):
    csp = policy(site)
    assert "\n" not in csp
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'", "scripts: the site's own origin only"
    for name, value in directives.items():
        if name == "frame-ancestors":
            continue  # who may embed the guide, not what it loads
        assert "unsafe-inline" not in value and "unsafe-eval" not in value, name
        assert "http" not in value and "*" not in value, f"{name} allows another host"


def test_no_inline_scripts_left(site):
    for page in site.rglob("*.html"):
        for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", page.read_text(), re.S):
            if "src=" in attrs or "application/json" in attrs:
                continue
            assert not body.strip(), f"{page.name} still has an inline script"


def hook_headers():
    """The headers the build's server files send besides the policy: the
    HEADERS mapping of the hook (listed under hooks: in mkdocs.yml) that
    writes them."""
    hooks = guide_config.load()["hooks"]
    found = {name: mod.HEADERS for name, mod in hooks.items() if isinstance(getattr(mod, "HEADERS", None), dict)}
    assert len(found) == 1, (f"expected one hook in mkdocs.yml with a HEADERS mapping (the server files' "
                             f"headers), found {sorted(found) or 'none'} among {sorted(hooks)}")
    return next(iter(found.values()))


def expected_headers(site):
    """Every header a server should send: the built policy, then the hook's list."""
    return {"Content-Security-Policy": policy(site), **hook_headers()}


def test_web_config_parses_and_sends_the_policy(site):
    root = ET.parse(site / "web.config").getroot()
    custom = root.find("system.webServer/httpProtocol/customHeaders")
    headers = {e.get("name"): e.get("value") for e in custom.iter("add")}
    assert headers == expected_headers(site), "web.config does not send exactly the build's headers"
    assert headers["X-Content-Type-Options"] == "nosniff"
    # Each header is removed right before it is added, so that one the
    # server already sends is not a duplicate entry (IIS error 500.19).
    entries = [(e.tag, e.get("name")) for e in custom]
    assert entries == [pair for name in headers for pair in (("remove", name), ("add", name))], entries


HTACCESS_HEADER = re.compile(r'^\s*Header always set (\S+) "(.*)"\s*$', re.M)


def test_htaccess_sends_the_policy(site):
    text = (site / ".htaccess").read_text()
    assert f'Header always set Content-Security-Policy "{policy(site)}"' in text
    headers = dict(HTACCESS_HEADER.findall(text))
    assert headers == expected_headers(site), ".htaccess does not send exactly the build's headers"


NGINX_HEADER = re.compile(r'^\s*add_header\s+(\S+)\s+"(.*)"\s+always;\s*$', re.M)


def test_hosting_guide_shows_the_same_headers_for_nginx(site):
    """docs/hosting.md's nginx lines, its default policy and its list of
    other headers are the ones the build writes (the site fixture is built
    with the default configuration)."""
    guide = (ROOT / "docs" / "hosting.md").read_text()
    blocks = re.findall(r"^```nginx\n(.*?)^```", guide, re.S | re.M)
    assert len(blocks) == 1, f"docs/hosting.md should show one ```nginx block, found {len(blocks)}"
    shown = dict(NGINX_HEADER.findall(blocks[0]))
    expected = expected_headers(site)
    missing = {k: v for k, v in expected.items() if shown.get(k) != v}
    extra = sorted(set(shown) - set(expected))
    assert not missing and not extra, (
        "docs/hosting.md: the nginx lines must be `add_header NAME \"VALUE\" always;` for exactly the "
        f"headers the build writes; missing or different: {missing}; not sent by the build: {extra}")
    text_blocks = re.findall(r"^```text\n(.*?)^```", guide, re.S | re.M)
    assert policy(site) in [b.strip() for b in text_blocks], \
        "docs/hosting.md: the default policy shown (```text block) is not the one the build writes"
    for name, value in hook_headers().items():
        assert f"`{name}: {value}`" in guide, f"docs/hosting.md does not list the header `{name}: {value}`"


@pytest.fixture(scope="module")
def csp_server(site):
    """The site under SUBPATH, sent with the built policy as a header."""
    with serve(site, SUBPATH, {"Content-Security-Policy": policy(site)}) as srv:
        yield srv.url


@pytest.fixture(scope="module")
def csp_tab(chromium):
    """A browser context that records Content-Security-Policy violations."""
    tab = Tab(chromium, csp_listener=True)
    yield tab
    tab.close()


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_works_under_the_policy(csp_server, csp_tab, page):
    loaded = csp_tab.goto(csp_server + page)
    violations = loaded.page.evaluate("() => window.__cspViolations")
    assert violations == [], f"{page}: {violations}"
    assert not [m for m in loaded.console if "Content Security Policy" in m], loaded.console
    assert loaded.console == [], f"{page} logged errors under the policy: {loaded.console}"
    assert loaded.failures == [], loaded.failures
    # The theme's script ran: the palette toggle and search are wired up.
    assert loaded.page.evaluate("() => document.body.dataset.mdColorScheme") in ("default", "slate")


def test_search_works_under_the_policy(csp_server, csp_tab):
    loaded = csp_tab.goto(csp_server + "index.html")
    page = loaded.page
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially("hospice")
    page.locator(".md-search-result__item").first.wait_for(state="attached", timeout=20_000)
    assert page.evaluate("() => window.__cspViolations") == []
    assert loaded.console == [], loaded.console


# --- at home in a frame, on another origin -------------------------------------------

PORTAL = """<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Hospital portal</title></head>
<body><h1>Portal</h1><iframe id="guide" title="Patient guide" src="{src}" width="1000" height="700"
{sandbox}></iframe></body></html>"""


@pytest.fixture(scope="module")
def portal(site, tmp_path_factory):
    """A portal page on one origin (localhost) embedding the guide served,
    with its policy, from another (127.0.0.1)."""
    portal_dir = tmp_path_factory.mktemp("portal")
    with serve(site, SUBPATH, {"Content-Security-Policy": policy(site)}) as guide_srv, \
            serve(portal_dir, "/") as portal_srv:
        portal_base = portal_srv.url.replace("127.0.0.1", "localhost")

        def make(page="index.html", sandbox=""):
            name = f"portal-{page.replace('.html', '')}-{len(sandbox)}.html"
            (portal_dir / name).write_text(PORTAL.format(src=guide_srv.url + page, sandbox=sandbox))
            return portal_base + name

        yield make


# Playwright's browser contexts are private windows, which block
# third-party storage: inside the cross-site frame the theme's own storage
# reads (palette, bundle) then throw this SecurityError. A reader's normal
# window allows it (the old Selenium profile did, and saw only the portal's
# own console). Every other error, from the portal or the frame, fails.
THIRD_PARTY_STORAGE_BLOCKED = "property from 'Window': Access is denied for this document"


def errors_besides_blocked_storage(console):
    return [m for m in console if THIRD_PARTY_STORAGE_BLOCKED not in m]


def guide_frame(page):
    """The guide's frame in the portal, once frame mode has applied."""
    frame = page.wait_for_selector("#guide", timeout=10_000).content_frame()
    assert frame is not None, "the portal's iframe has no document"
    frame.wait_for_function("() => document.documentElement.classList.contains('guide-in-frame')",
                            timeout=10_000)
    return frame


def test_framed_page_drops_chrome_and_keeps_content(portal, open_page):
    start = "faq.html"
    following = NAV_PAGES[NAV_PAGES.index(start) + 1]
    url = portal(start)
    loaded = open_page(url)
    page = loaded.page
    frame = guide_frame(page)
    assert not frame.locator(".md-header").first.is_visible(), "the header shows in the frame"
    assert not frame.locator(".md-sidebar--primary").first.is_visible(), "the navigation shows in the frame"
    assert frame.locator("article h1").first.is_visible()
    assert frame.locator(".md-footer__link--next").first.is_visible()
    # Links to other sites open in a new tab; the guide's own stay in the frame.
    external = frame.eval_on_selector_all(
        "article a[href^='http']", "els => els.map(a => [a.href, a.getAttribute('target')])")
    for href, target in external:
        assert target == "_blank", f"{href} opens inside the frame"
    own = frame.eval_on_selector_all(
        "article a[href$='.html']:not([href^='http'])",
        "els => els.map(a => [a.href, a.getAttribute('target')])")
    assert own, "the framed page has no links to the guide's own pages"
    for href, target in own:
        assert target in (None, ""), f"{href} leaves the frame (target={target})"
    # Navigating moves the frame, not the portal: the portal keeps its own
    # document (a mark set in it survives) and its address.
    mark = page.evaluate("() => (window.__portalMark = String(Math.random()))")
    top_navigations = []
    page.on("framenavigated", lambda f: top_navigations.append(f.url) if f == page.main_frame else None)
    frame.locator(".md-footer__link--next").first.click()
    frame.wait_for_url(f"**/{following}", timeout=10_000)
    frame.wait_for_load_state("load")
    assert frame.evaluate("() => location.pathname").endswith("/" + following)
    assert page.url == url, f"the portal page was replaced by {page.url}"
    assert top_navigations == [], f"the portal navigated: {top_navigations}"
    assert page.evaluate("() => window.__portalMark") == mark, "the portal's document was replaced"
    assert page.url.startswith("http://localhost:"), "the portal page was replaced"
    assert page.title() == "Hospital portal"
    assert page.locator("#guide").count() == 1
    assert errors_besides_blocked_storage(loaded.console) == [], loaded.console
    assert loaded.failures == [], loaded.failures


def hosting_sandbox():
    """The sandbox attribute of the iframe code in docs/hosting.md."""
    found = re.search(r'<iframe\b[^>]*?\s(sandbox="[^"]*")', (ROOT / "docs" / "hosting.md").read_text(), re.S)
    assert found, "docs/hosting.md has no iframe code with a sandbox attribute"
    return found.group(1)


def test_sandboxed_frame_with_allow_same_origin_works(portal, open_page):
    """The hosting guide's iframe code (sandbox with allow-same-origin): the
    theme's scripts run without an error and frame mode applies."""
    loaded = open_page(portal("index.html", hosting_sandbox()))
    frame = guide_frame(loaded.page)
    assert frame.locator("article h1").first.is_visible()
    assert frame.evaluate("() => document.body.dataset.mdColorScheme") in ("default", "slate")
    assert errors_besides_blocked_storage(loaded.console) == [], loaded.console


def test_print_my_list_prints_in_the_sandboxed_frame(portal, open_page):
    """"Print my list" on My situation calls the browser's print, which a
    sandbox without allow-modals ignores (the button then does nothing):
    the hosting guide's iframe code lets it through."""
    loaded = open_page(portal("my-situation.html", hosting_sandbox()))
    frame = guide_frame(loaded.page)
    frame.evaluate("() => { window.__printed = 0; window.addEventListener('beforeprint', () => window.__printed++); }")
    frame.locator("#ms-print").click()
    frame.wait_for_function("() => window.__printed > 0", timeout=10_000)
    ignored = [m for m in loaded.console if "print()" in m]
    assert ignored == [], ignored


def test_frame_mode_can_be_turned_off(tmp_path):
    result, _ = build_with_overlay(tmp_path, "extra:\n  frame_mode: false\n")
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "site" / "index.html").read_text()
    assert "frame.js" not in text


def test_a_renamed_handout_renames_every_link_to_it(tmp_path):
    """An overlay that names the handout PDF otherwise: the links in the
    pages (marked data-guide-pdf="handout") and the page footers all lead to
    the new name, none to the old one."""
    old = guide_config.load()["extra"]["pdf"]["handout"]
    result, _ = build_with_overlay(tmp_path, "extra:\n  pdf:\n    handout: st-elsewhere-questions.pdf\n")
    assert result.returncode == 0, result.stdout + result.stderr
    for page in ("index.html", "questions-to-ask.html", "faq.html"):
        text = (tmp_path / "site" / page).read_text(encoding="utf-8")
        assert 'href="st-elsewhere-questions.pdf"' in text, f"{page} has no link to the renamed handout"
        assert old not in text, f"{page} still links to {old}"


def test_about_page_states_privacy(site):
    text = " ".join(page_text(site / "about.html").split()).lower()
    assert "cookies" in text and "analytics" in text
