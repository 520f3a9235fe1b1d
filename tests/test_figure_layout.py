"""Figures that fit the screen, the palette and the page (issue 14).

Each figure docs/assets/figures/NAME.svg (the wide, light drawing: shown on
wider screens and printed) has four variants in docs/assets/figures/variants/
(NAME-dark, NAME-phone, NAME-phone-dark, NAME-large), and
overrides/hooks/figures.py makes the page choose: the phone layout below
45em, the dark drawing when the page's palette is dark (slate); the
large-print PDF prints NAME-large. These tests check:

- the variants: present, clean and self-contained like the figures
  themselves, the same words as the printed figure, the dark drawings the
  light ones with only their colors changed, light or dark backgrounds;
- on a 360 x 740 phone, in both palettes: the figure shown is inside the
  screen and its smallest label is drawn at 14 CSS px or more (the image's
  width / the SVG's viewBox width x the smallest font size of the file the
  page actually shows, its currentSrc);
- in the dark palette the dark drawing is shown (its pixels are dark, its
  background is dark), and the palette toggle switches it back to light;
  also from file://;
- in the PDF each figure spans at least 90% of the text width and its
  smallest label prints at 9 pt or more (the page rendered with pdftoppm,
  the figure found by its own background color); in the large-print PDF the
  large drawing is printed (its shape), its smallest label at 16 pt or more,
  the size of that edition's text, with its caption on the same page;
- the hook refuses a figure without alt text.
"""
import re
import subprocess
import urllib.parse
import xml.etree.ElementTree as ET

import pytest
from mkdocs.exceptions import PluginError
from pypdf import PdfReader

import export_pdf
from conftest import ROOT, built_pdf, hook, page_texts, squash

FIGURES = [
    # (figure in docs/assets/figures, page that shows it)
    ("path-after-progression.svg", "index.html"),
    ("tissue-vs-liquid-biopsy.svg", "re-testing.html"),
    ("oligo-vs-widespread.svg", "patterns-of-progression.html"),
]
ids = [name for name, _ in FIGURES]
FIGURE_DIR = ROOT / "docs" / "assets" / "figures"
VARIANT_DIR = FIGURE_DIR / "variants"
VARIANTS = ("dark", "phone", "phone-dark", "large")
SVG = "{http://www.w3.org/2000/svg}"
MAX_BYTES = 30 * 1024

PHONE = {"width": 360, "height": 740}
MIN_LABEL_PX = 14
MIN_LABEL_PT = 9
MIN_LARGE_LABEL_PT = 16   # the large-print edition's body text (tests/test_pdf_book.py)
MIN_PRINT_SHARE = 0.90      # of the text width
PDF_DPI = 50
DARK_MAX, LIGHT_MIN = 0.25, 0.75   # relative luminance of a figure's background


def variant_path(name, kind):
    return FIGURE_DIR / name if not kind else VARIANT_DIR / f"{name[:-4]}-{kind}.svg"


def luminance(color):
    """WCAG relative luminance of #rgb or #rrggbb."""
    color = color.lstrip("#")
    if len(color) == 3:
        color = "".join(c * 2 for c in color)
    channels = [int(color[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


class Figure:
    """What the tests need to know of one SVG file."""

    def __init__(self, path):
        self.path = path
        self.root = ET.parse(path).getroot()
        box = [float(v) for v in self.root.get("viewBox").replace(",", " ").split()]
        self.width, self.height = box[2], box[3]
        parents = {child: parent for parent in self.root.iter() for child in parent}
        sizes = []
        for text in self.root.iter(f"{SVG}text"):
            el, size = text, None
            while el is not None and size is None:
                size = el.get("font-size")
                el = parents.get(el)
            sizes.append(float(re.match(r"[\d.]+", size or "16").group(0)))  # 16: the browser's default
        self.min_font = min(sizes)
        self.labels = [" ".join("".join(t.itertext()).split()) for t in self.root.iter(f"{SVG}text")]
        first_rect = self.root.find(f".//{SVG}rect")
        self.background = first_rect.get("fill")

    @property
    def words(self):
        return sorted(set(w.strip(".,:;()").lower() for label in self.labels for w in label.split()) - {""})


# --- the drawings themselves ---------------------------------------------------------

@pytest.mark.parametrize("name", ids)
def test_variants_are_complete_clean_and_say_the_same(name):
    main = Figure(variant_path(name, ""))
    assert luminance(main.background) >= LIGHT_MIN, \
        f"{name}: its background {main.background} is not light; the main file is the light, printed drawing"
    for kind in VARIANTS:
        path = variant_path(name, kind)
        rel = path.relative_to(ROOT)
        assert path.is_file(), f"{rel} is missing: draw the {kind} variant of {name}"
        data = path.read_bytes()
        assert len(data) < MAX_BYTES, f"{rel} is {len(data)} bytes (budget {MAX_BYTES}): simplify it"
        fig = Figure(path)
        assert (fig.root.findtext(f"{SVG}title") or "").strip(), f"{rel} has no <title>: add one"
        assert (fig.root.findtext(f"{SVG}desc") or "").strip(), f"{rel} has no <desc>: add one"
        for el in fig.root.iter():
            assert el.tag not in (f"{SVG}script", f"{SVG}foreignObject", f"{SVG}style"), \
                f"{rel} has <{el.tag.split('}')[1]}>: colors as attributes only, no scripts"
            for attr, value in el.attrib.items():
                assert not attr.startswith("on"), f"{rel} has an event handler {attr}: remove it"
                assert attr != "style", f"{rel} has a style attribute: use presentation attributes"
                if attr.endswith("href"):
                    assert value.startswith("#"), f"{rel} refers to {value}: keep the file self-contained"
        assert fig.words == main.words, \
            f"{rel} does not say the same words as {name}: " \
            f"{sorted(set(fig.words) ^ set(main.words))[:6]}; keep the labels' words in every variant"
        if kind.endswith("dark"):
            assert luminance(fig.background) <= DARK_MAX, \
                f"{rel}: its background {fig.background} is not dark"
            light = variant_path(name, kind[:-len("-dark")].rstrip("-"))
            colorless = [re.sub(r'"#[0-9a-fA-F]{3,6}"', '"#"', p.read_text(encoding="utf-8")) for p in (light, path)]
            assert colorless[0] == colorless[1], \
                f"{rel} differs from {light.relative_to(ROOT)} in more than its colors: " \
                "make the dark drawing from the light one by changing colors only"
        else:
            assert luminance(fig.background) >= LIGHT_MIN, f"{rel}: its background {fig.background} is not light"


def test_hook_refuses_a_figure_without_alt_text():
    figures = hook("figures")
    for tag in ('<img src="assets/figures/path-after-progression.svg" />',
                '<img alt="  " src="assets/figures/path-after-progression.svg" />'):
        with pytest.raises(PluginError, match=r"docs/index\.md: the figure .* has no alt text"):
            figures.picture_markup(tag, "index.md", "", files=None)


# --- on screen ---------------------------------------------------------------------

SHOWN = """() => {
  const shown = Array.from(document.querySelectorAll('figure picture img'))
    .filter(i => i.getClientRects().length > 0);
  return shown.map(i => {
    const r = i.getBoundingClientRect();
    const f = i.closest('figure').getBoundingClientRect();
    return {src: i.currentSrc, complete: i.complete, width: r.width, left: r.left, right: r.right,
            figure_right: f.right, picture: i.parentElement.className, viewport: window.innerWidth};
  });
}"""
IMAGES_LOADED = """() => Array.from(document.querySelectorAll('figure picture img'))
  .filter(i => i.getClientRects().length > 0).every(i => i.complete && i.naturalWidth > 0)"""
# The shown image's pixels as drawn by the browser: mean relative luminance.
MEAN_LUMINANCE = """img => {
  const c = document.createElement('canvas');
  c.width = 96; c.height = Math.max(1, Math.round(96 * img.naturalHeight / img.naturalWidth));
  const g = c.getContext('2d');
  g.drawImage(img, 0, 0, c.width, c.height);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  const lin = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  let sum = 0, n = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] < 128) continue;
    sum += 0.2126 * lin(d[i]) + 0.7152 * lin(d[i + 1]) + 0.0722 * lin(d[i + 2]); n++;
  }
  return n ? sum / n : null;
}"""


def shown_figure(loaded, page, name):
    """The one figure image shown on the page: its facts from the browser and the file it shows."""
    loaded.page.wait_for_function(IMAGES_LOADED, timeout=15_000)
    shown = loaded.page.evaluate(SHOWN)
    assert len(shown) == 1, \
        f"{page}: {len(shown)} figure images are shown, expected 1 ({[s['src'] for s in shown]}); " \
        "one of the light and dark pictures must be hidden (guide.css, Figures)"
    info = shown[0]
    file_name = urllib.parse.unquote(urllib.parse.urlsplit(info["src"]).path).rsplit("/", 1)[-1]
    stem = name[:-4]
    assert file_name == name or file_name.startswith(stem + "-"), f"{page}: shows {file_name}, not a drawing of {name}"
    kind = file_name[len(stem) + 1:-4] if file_name != name else ""
    return info, kind, Figure(variant_path(name, kind))


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name,page", FIGURES, ids=ids)
def test_phone_labels_are_large_and_fit(server, open_page, name, page, scheme):
    loaded = open_page(server + page, color_scheme=scheme, **PHONE)
    info, kind, fig = shown_figure(loaded, page, name)
    where = f"{page} at {PHONE['width']} px ({scheme}), {fig.path.name}"
    smallest = info["width"] / fig.width * fig.min_font
    assert smallest >= MIN_LABEL_PX, \
        f"{where}: the smallest label is drawn at {smallest:.1f} px (under {MIN_LABEL_PX}): " \
        "enlarge the phone layout's smallest font-size or narrow its viewBox"
    assert info["left"] >= 0 and info["right"] <= info["viewport"] + 0.5 and info["figure_right"] <= info["viewport"] + 0.5, \
        f"{where}: the figure runs off the screen ({info['left']:.0f} to {info['right']:.0f} px)"
    assert ("dark" in kind) == (scheme == "dark"), f"{where}: the {scheme} palette shows the {kind or 'light'} drawing"


@pytest.mark.parametrize("name,page", FIGURES, ids=ids)
def test_desktop_labels_are_as_large(server, open_page, name, page):
    """On a wide screen the wide drawing is shown, and it is not smaller print than the phone's."""
    loaded = open_page(server + page, width=1280, height=900)
    info, kind, fig = shown_figure(loaded, page, name)
    smallest = info["width"] / fig.width * fig.min_font
    assert kind == "", f"{page} at 1280 px shows {fig.path.name}, not the wide light drawing {name}"
    assert smallest >= MIN_LABEL_PX, \
        f"{page} at 1280 px: {name}'s smallest label is drawn at {smallest:.1f} px (under {MIN_LABEL_PX}): " \
        "enlarge its smallest font-size"


def assert_palette(loaded, page, name, scheme):
    info, kind, fig = shown_figure(loaded, page, name)
    where = f"{page} in the {scheme} palette"
    picture = "guide-figure--dark" if "guide-figure--dark" in info["picture"] else "guide-figure--light"
    drawn = loaded.page.locator(f"figure picture.{picture} img").first.evaluate(MEAN_LUMINANCE)
    bg = luminance(fig.background)
    if scheme == "dark":
        assert "dark" in kind and bg <= DARK_MAX and drawn is not None and drawn <= DARK_MAX, \
            f"{where}: shows {fig.path.name} (background {fig.background}, mean luminance {drawn}); " \
            "the dark drawing must be shown (guide.css, Figures; overrides/hooks/figures.py)"
    else:
        assert "dark" not in kind and bg >= LIGHT_MIN and drawn is not None and drawn >= LIGHT_MIN - 0.15, \
            f"{where}: shows {fig.path.name} (background {fig.background}, mean luminance {drawn}); " \
            "the light drawing must be shown"


@pytest.mark.parametrize("name,page", FIGURES, ids=ids)
def test_dark_palette_shows_the_dark_drawing(server, open_page, name, page):
    loaded = open_page(server + page, color_scheme="dark")
    scheme = loaded.page.evaluate("() => document.body.dataset.mdColorScheme")
    assert scheme == "slate", f"{page}: a reader whose system asks for dark gets the '{scheme}' palette, not slate"
    assert_palette(loaded, page, name, "dark")


def test_palette_toggle_switches_the_figure(server, open_page):
    name, page = FIGURES[0]
    loaded = open_page(server + page, color_scheme="dark")
    assert_palette(loaded, page, name, "dark")
    loaded.page.locator('form[data-md-component="palette"] label:visible').first.click()
    loaded.page.wait_for_function("() => document.body.dataset.mdColorScheme === 'default'", timeout=10_000)
    assert_palette(loaded, page, name, "light")
    loaded.page.locator('form[data-md-component="palette"] label:visible').first.click()
    loaded.page.wait_for_function("() => document.body.dataset.mdColorScheme === 'slate'", timeout=10_000)
    assert_palette(loaded, page, name, "dark")


def test_dark_drawing_from_a_file_share(site, open_page):
    name, page = FIGURES[0]
    loaded = open_page((site / page).as_uri(), color_scheme="dark", **PHONE)
    assert_palette(loaded, page, name, "dark")


# --- in the PDF ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def pdf_pages(site):
    """(path of the guide's PDF, [each page's squashed text])."""
    pdf = built_pdf(site, "file")
    return pdf, [squash(p).lower() for p in page_texts(pdf)]


def read_ppm(path):
    """(width, height, bytes) of a binary PPM (P6, 8 bit)."""
    data = path.read_bytes()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    assert fields[0] == b"P6" and fields[3] == b"255", f"{path}: not an 8-bit PPM"
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[pos + 1:pos + 1 + width * height * 3]


def inches(css_length):
    value = re.fullmatch(r"([\d.]+)in", css_length)
    assert value, f"scripts/export_pdf.py MARGINS: {css_length} is not in inches"
    return float(value.group(1))


def printed_figure(pdf, pages, fig, name, tmp_path):
    """Where and how large fig (a drawing of name) is printed in pdf:
    (page number, shown width and height in inches, text width in inches).
    The page is the first that holds every label of fig; the figure is found
    on it by its own background color (pdftoppm at PDF_DPI)."""
    labels = [squash(l).lower() for l in fig.labels if sum(c.isalpha() for c in l) >= 4]
    found = [i for i, text in enumerate(pages, 1) if all(l in text for l in labels)]
    assert found, f"{pdf.name}: no page holds every label of {fig.path.name}"
    number = found[0]
    page_width_in = float(PdfReader(str(pdf)).pages[number - 1].mediabox.width) / 72
    text_width_in = page_width_in - inches(export_pdf.MARGINS["left"]) - inches(export_pdf.MARGINS["right"])

    out = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", str(PDF_DPI), "-f", str(number), "-l", str(number), "-singlefile",
                    str(pdf), str(out)], check=True, capture_output=True)
    width, height, pixels = read_ppm(out.with_suffix(".ppm"))
    target = bytes(int(fig.background[i:i + 2], 16) for i in (1, 3, 5))
    columns, rows = set(), set()
    for y in range(height):
        row = pixels[y * width * 3:(y + 1) * width * 3]
        for x in range(width):
            px = row[x * 3:x * 3 + 3]
            if all(abs(px[i] - target[i]) <= 2 for i in range(3)):
                columns.add(x)
                rows.add(y)
    assert columns, f"{pdf.name} page {number}: no pixel of {name}'s background {fig.background}; " \
                    "is the light drawing printed (print.css, Figures)?"
    shown_w = (max(columns) - min(columns) + 1) / PDF_DPI
    shown_h = (max(rows) - min(rows) + 1) / PDF_DPI
    ratio, expected = shown_h / shown_w, fig.height / fig.width
    assert abs(ratio - expected) <= 0.05 * expected, \
        f"{pdf.name} page {number}: the printed figure is {shown_w:.2f} x {shown_h:.2f} in, not shaped like " \
        f"{fig.path.name} ({fig.width:g} x {fig.height:g}); print.css (Figures) and, in large print, " \
        "scripts/export_pdf.py (PREPARE) choose the drawing"
    return number, shown_w, shown_h, text_width_in


@pytest.mark.parametrize("name", ids)
def test_printed_across_the_text_width(pdf_pages, tmp_path, name):
    pdf, pages = pdf_pages
    fig = Figure(variant_path(name, ""))
    number, shown_w, _, text_width_in = printed_figure(pdf, pages, fig, name, tmp_path)
    share = shown_w / text_width_in
    assert share >= MIN_PRINT_SHARE, \
        f"{pdf.name} page {number}: {name} is {share:.0%} of the text width (under {MIN_PRINT_SHARE:.0%}): " \
        "let it span the text width (print.css, Figures)"
    label_pt = fig.min_font * shown_w * 72 / fig.width
    assert label_pt >= MIN_LABEL_PT, \
        f"{pdf.name} page {number}: {name}'s smallest label prints at {label_pt:.1f} pt (under {MIN_LABEL_PT})"


@pytest.fixture(scope="module")
def large_pages(site):
    """(path of the large-print PDF, [each page's squashed text])."""
    pdf = built_pdf(site, "large_print")
    return pdf, [squash(p).lower() for p in page_texts(pdf)]


@pytest.mark.parametrize("name,page", FIGURES, ids=ids)
def test_large_print_prints_the_large_drawing_with_its_caption(large_pages, site, tmp_path, name, page):
    """The wide drawing's labels would print at about 10.5 pt in large print;
    the edition prints the large drawing, its labels as large as its text."""
    pdf, pages = large_pages
    fig = Figure(variant_path(name, "large"))
    number, shown_w, _, _ = printed_figure(pdf, pages, fig, name, tmp_path)
    label_pt = fig.min_font * shown_w * 72 / fig.width
    assert label_pt >= MIN_LARGE_LABEL_PT, \
        f"{pdf.name} page {number}: {fig.path.name}'s smallest label prints at {label_pt:.1f} pt " \
        f"(under {MIN_LARGE_LABEL_PT}, the edition's text size): enlarge it or narrow its viewBox"
    caption = re.search(r"<figcaption>(.*?)</figcaption>", (site / page).read_text(encoding="utf-8"), re.S)
    assert caption, f"{page}: the figure {name} has no caption to look for"
    words = squash(re.sub(r"<[^>]+>", "", caption.group(1))).lower()
    assert words in pages[number - 1], \
        f"{pdf.name} page {number}: {name}'s caption is not on the figure's page: make the large drawing " \
        "shorter, so that the heading before it, the drawing and the caption fit on one page"
