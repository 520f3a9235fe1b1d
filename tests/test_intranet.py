"""Issue 5: ready for hospital intranets.

Branding by configuration, at home in a frame on another origin, a strict
Content-Security-Policy that every page works under, and server files.
"""
import pathlib
import shutil
import time
import xml.etree.ElementTree as ET

import pytest
import yaml
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ALL_PAGES, NAV_PAGES, ROOT, SUBPATH, collect, drain_logs, make_driver, run_build, serve

OVERLAY = ROOT / "hospital-overlay.example.yml"


def overlay_settings():
    with open(OVERLAY, encoding="utf-8") as fh:
        text = fh.read()
    return yaml.safe_load(text)["extra"]["institution"]


@pytest.fixture(scope="module")
def branded_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("branded") / "site"
    result = run_build(out, config_file=OVERLAY)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def page_text(path):
    import html
    import re
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", raw, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", raw))


# --- branding ---------------------------------------------------------------------

def test_overlay_starts_with_inherit():
    first = [ln for ln in OVERLAY.read_text().splitlines() if ln.strip() and not ln.startswith("#")][0]
    assert first == "INHERIT: mkdocs.yml"


@pytest.mark.parametrize("page", ALL_PAGES)
def test_branded_name_and_phone_on_every_page(branded_site, page):
    inst = overlay_settings()
    text = " ".join(page_text(branded_site / page).split())
    assert inst["name"] in text, f"{page} does not show the institution's name"
    assert inst["phone"] in text, f"{page} does not show the care team's phone number"


def test_branded_logo_published(branded_site):
    html = (branded_site / "index.html").read_text()
    assert 'src="assets/branding/example-hospital-logo.svg"' in html
    assert (branded_site / "assets/branding/example-hospital-logo.svg").is_file()


def test_branded_pdf_cover_names_institution(branded_site):
    from pypdf import PdfReader
    pdf = branded_site / "nsclc-after-first-line-treatment-guide.pdf"
    if not pdf.exists():
        pytest.fail("the branded build wrote no PDF (is Chromium installed?)")
    cover = " ".join(PdfReader(str(pdf)).pages[0].extract_text().split())
    assert overlay_settings()["name"] in cover


def test_unbranded_site_names_no_institution(site):
    inst = overlay_settings()
    for page in ALL_PAGES:
        html = (site / page).read_text()
        assert "guide-institution" not in html, f"{page} has an institution box without branding"
        assert inst["name"] not in html and inst["phone"] not in html


def build_with_overlay(tmp_path, body):
    """Build (HTML only) with a temporary overlay beside mkdocs.yml, as a
    hospital would write one; return (result, overlay file name)."""
    overlay = ROOT / f".test-overlay-{tmp_path.name}.yml"
    overlay.write_text("INHERIT: mkdocs.yml\n" + body)
    try:
        return run_build(tmp_path / "site", config_file=overlay, pdf=False), overlay.name
    finally:
        overlay.unlink()


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
    import re
    for page in site.rglob("*.html"):
        for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", page.read_text(), re.S):
            if "src=" in attrs or "application/json" in attrs:
                continue
            assert not body.strip(), f"{page.name} still has an inline script"


def test_web_config_parses_and_sends_the_policy(site):
    root = ET.parse(site / "web.config").getroot()
    headers = {e.get("name"): e.get("value") for e in root.iter("add") if e.get("name")}
    assert headers["Content-Security-Policy"] == policy(site)
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_htaccess_sends_the_policy(site):
    text = (site / ".htaccess").read_text()
    assert f'Header always set Content-Security-Policy "{policy(site)}"' in text


def test_hosting_guide_shows_the_same_headers_for_nginx(site):
    guide = (ROOT / "docs" / "hosting.md").read_text()
    assert "add_header Content-Security-Policy" in guide
    for directive in ("script-src 'self'", "object-src 'none'", "base-uri 'self'"):
        assert directive in guide


CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@pytest.fixture(scope="module")
def csp_server(site):
    from conftest import _Handler  # noqa: F401  (the same handler, with headers)
    headers = {"Content-Security-Policy": policy(site)}
    base, srv = serve(site, SUBPATH, headers)
    yield base
    srv.shutdown()


@pytest.fixture(scope="module")
def csp_driver():
    drv = make_driver()
    drv.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_LISTENER})
    yield drv
    drv.quit()


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_works_under_the_policy(csp_server, csp_driver, page):
    drain_logs(csp_driver)
    csp_driver.get(csp_server + page)
    time.sleep(0.5)
    violations = csp_driver.execute_script("return window.__cspViolations")
    load = collect(csp_driver)
    assert violations == [], f"{page}: {violations}"
    assert not [m for m in load.console if "Content Security Policy" in m], load.console
    assert load.failures == [], load.failures
    # The theme's script ran: the palette toggle and search are wired up.
    assert csp_driver.execute_script("return document.body.dataset.mdColorScheme") in ("default", "slate")


def test_search_works_under_the_policy(csp_server, csp_driver):
    csp_driver.get(csp_server + "index.html")
    box = WebDriverWait(csp_driver, 10).until(EC.element_to_be_clickable((By.CSS_SELECTOR, "input.md-search__input")))
    box.click()
    box.send_keys("hospice")
    WebDriverWait(csp_driver, 20).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, ".md-search-result__item")))
    assert csp_driver.execute_script("return window.__cspViolations") == []


# --- at home in a frame, on another origin -------------------------------------------

PORTAL = """<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Hospital portal</title></head>
<body><h1>Portal</h1><iframe id="guide" title="Patient guide" src="{src}" width="1000" height="700"
{sandbox}></iframe></body></html>"""


@pytest.fixture(scope="module")
def portal(site, tmp_path_factory):
    """A portal page on one origin (localhost) embedding the guide served,
    with its policy, from another (127.0.0.1)."""
    guide_base, guide_srv = serve(site, SUBPATH, {"Content-Security-Policy": policy(site)})
    portal_dir = tmp_path_factory.mktemp("portal")
    portal_base, portal_srv = serve(portal_dir, "/")
    portal_base = portal_base.replace("127.0.0.1", "localhost")

    def make(page="index.html", sandbox=""):
        name = f"portal-{page.replace('.html', '')}-{len(sandbox)}.html"
        (portal_dir / name).write_text(PORTAL.format(src=guide_base + page, sandbox=sandbox))
        return portal_base + name

    yield make
    guide_srv.shutdown()
    portal_srv.shutdown()


def test_framed_page_drops_chrome_and_keeps_content(portal, driver):
    drain_logs(driver)
    driver.get(portal("faq.html"))
    frame = WebDriverWait(driver, 10).until(EC.presence_of_element_located((By.ID, "guide")))
    driver.switch_to.frame(frame)
    try:
        WebDriverWait(driver, 10).until(lambda d: d.execute_script(
            "return document.documentElement.classList.contains('guide-in-frame')"))
        header = driver.find_element(By.CSS_SELECTOR, ".md-header")
        nav = driver.find_element(By.CSS_SELECTOR, ".md-sidebar--primary")
        assert not header.is_displayed() and not nav.is_displayed()
        assert driver.find_element(By.CSS_SELECTOR, "article h1").is_displayed()
        assert driver.find_element(By.CSS_SELECTOR, ".md-footer__link--next").is_displayed()
        # Links to other sites open in a new tab; the guide's own stay in the frame.
        for a in driver.find_elements(By.CSS_SELECTOR, "article a[href^='http']"):
            assert a.get_attribute("target") == "_blank", a.get_attribute("href")
        for a in driver.find_elements(By.CSS_SELECTOR, "article a[href$='.html']"):
            assert a.get_attribute("target") in (None, "")
        # Navigating moves the frame, not the portal.
        top_before = driver.execute_script("return 1")
        driver.find_element(By.CSS_SELECTOR, ".md-footer__link--next").click()
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return location.pathname").endswith("glossary.html"))
        assert top_before == 1
    finally:
        driver.switch_to.default_content()
    assert driver.current_url.startswith("http://localhost:"), "the portal page was replaced"
    assert driver.title == "Hospital portal"
    load = collect(driver)
    assert load.console == [], load.console
    assert load.failures == [], load.failures


def test_sandboxed_frame_with_allow_same_origin_works(portal, driver):
    """The hosting guide's iframe code (sandbox with allow-same-origin): the
    theme's scripts run without an error and frame mode applies."""
    drain_logs(driver)
    driver.get(portal("index.html", 'sandbox="allow-scripts allow-same-origin allow-popups '
                                    'allow-popups-to-escape-sandbox allow-downloads"'))
    driver.switch_to.frame(driver.find_element(By.ID, "guide"))
    try:
        WebDriverWait(driver, 10).until(lambda d: d.execute_script(
            "return document.documentElement.classList.contains('guide-in-frame')"))
        assert driver.find_element(By.CSS_SELECTOR, "article h1").is_displayed()
        assert driver.execute_script("return document.body.dataset.mdColorScheme") in ("default", "slate")
    finally:
        driver.switch_to.default_content()
    load = collect(driver)
    assert load.console == [], load.console


def test_frame_mode_can_be_turned_off(tmp_path):
    result, _ = build_with_overlay(tmp_path, "extra:\n  frame_mode: false\n")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "index.html").read_text()
    assert "frame.js" not in html


def test_about_page_states_privacy(site):
    text = " ".join(page_text(site / "about.html").split()).lower()
    assert "cookies" in text and "analytics" in text
