"""The guide's figures (issue 7): each SVG is on its page with alt text, loads
in Chromium, is a clean self-contained SVG (title, desc, no outside
references, no script, small), and is printed in the PDF."""
import re
import xml.etree.ElementTree as ET

import pytest

from conftest import ALL_PAGES, ROOT, built_pdf, page_texts, squash
from guidekit import config as guide_config

FIGURES = [
    # (file in docs/assets/figures, page it illustrates)
    ("path-after-progression.svg", "index.html"),
    ("tissue-vs-liquid-biopsy.svg", "re-testing.html"),
    ("oligo-vs-widespread.svg", "patterns-of-progression.html"),
]
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
MAX_BYTES = 30 * 1024

ids = [f for f, _ in FIGURES]


def svg_path(name):
    return ROOT / "docs" / "assets" / "figures" / name


def img_tags(html, name):
    return re.findall(r'<img\b[^>]*\bsrc="[^"]*assets/figures/' + re.escape(name) + r'(?:\?v=[0-9a-f]+)?"[^>]*>', html)


def test_every_figure_is_listed():
    """Each SVG in docs/assets/figures is checked here, on a page that exists."""
    files = sorted(p.name for p in (ROOT / "docs" / "assets" / "figures").glob("*.svg"))
    assert files, "docs/assets/figures holds no SVG"
    unlisted = sorted(set(files) - set(ids))
    assert not unlisted, f"figures not in FIGURES (tests/test_figures.py): {unlisted}; add each with its page"
    for name, page in FIGURES:
        assert page in ALL_PAGES, f"FIGURES: {name} is listed on {page}, which is not a page of mkdocs.yml"


@pytest.fixture(scope="module")
def guide_text(site):
    return squash(" ".join(page_texts(built_pdf(site, "file")))).lower()


@pytest.mark.parametrize("name,page", FIGURES, ids=ids)
def test_on_its_page_with_alt_text(site, name, page):
    html = (site / page).read_text(encoding="utf-8")
    tags = img_tags(html, name)
    assert tags, f"{name} is not shown on {page}"
    for tag in tags:
        alt = re.search(r'\balt="([^"]*)"', tag)
        assert alt and len(alt.group(1).split()) >= 5, f"{name} on {page} lacks a real alt text: {tag[:160]}"
    # The print page carries it too, so the PDF can.
    assert img_tags((site / guide_config.print_page()).read_text(encoding="utf-8"), name), \
        f"{name} is not on the print page"


@pytest.mark.parametrize("name,page", FIGURES, ids=ids)
def test_loads_in_chromium(server, open_page, name, page):
    loaded = open_page(server + page)
    state = loaded.page.evaluate("""name => {
        const img = Array.from(document.images).find(i => i.getAttribute('src').split('?')[0].endsWith(name));
        if (!img) return null;
        const report = () => ({natural: img.naturalWidth, shown: img.getBoundingClientRect().width, alt: img.alt});
        if (img.complete) return report();
        return new Promise(r => { img.onload = img.onerror = () => r(report()); });
    }""", name)
    assert state, f"no <img> for {name} on {page}"
    assert state["natural"] > 0, f"{name} did not load on {page}"
    assert state["shown"] > 100, f"{name} is shown {state['shown']} px wide"
    assert state["alt"].strip()
    assert not [f for f in loaded.failures if name in f[0]], f"{name} failed to load: {loaded.failures}"


@pytest.mark.parametrize("name", ids)
def test_svg_is_clean_and_self_contained(name):
    path = svg_path(name)
    data = path.read_bytes()
    assert len(data) < MAX_BYTES, f"{name} is {len(data)} bytes (budget {MAX_BYTES})"
    root = ET.fromstring(data)  # parses as XML
    assert root.tag == f"{SVG}svg"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and (title.text or "").strip(), f"{name} has no <title>"
    assert desc is not None and (desc.text or "").strip(), f"{name} has no <desc>"
    for el in root.iter():
        assert el.tag not in (f"{SVG}script", f"{SVG}foreignObject"), f"{name} has <{el.tag}>"
        for attr, value in el.attrib.items():
            if attr in ("href", f"{XLINK}href", "src"):
                assert not re.match(r"\s*(https?:)?//", value), f"{name} refers to {value}"
                assert value.startswith("#") or value.startswith("data:"), f"{name} refers to file {value}"
            assert not attr.startswith("on"), f"{name} has an event handler {attr}"
            assert "url(http" not in value.replace(" ", "") and "url(//" not in value.replace(" ", "")
    text = data.decode("utf-8")
    assert "@import" not in text, f"{name} imports a stylesheet"
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", text), f"{name} loads something from outside"


@pytest.mark.parametrize("name", ids)
def test_printed_in_the_pdf(guide_text, name):
    root = ET.parse(svg_path(name)).getroot()
    labels = [" ".join("".join(t.itertext()).split()) for t in root.iter(f"{SVG}text")]
    labels = [l for l in labels if sum(c.isalpha() for c in l) >= 4]
    assert labels, f"{name} has no text to look for"
    found = [l for l in labels if squash(l).lower() in guide_text]
    # Every label of the figure is in the PDF's text, so the figure is drawn
    # there as vector graphics (text stays text: sharp at any size).
    assert len(found) == len(labels), f"{name}: not in the PDF: {sorted(set(labels) - set(found))[:5]}"
