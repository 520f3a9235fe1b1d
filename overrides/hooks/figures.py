"""Figures that fit the reader's screen and palette (issue 14).

Each figure in docs/assets/figures/NAME.svg is the wide, light drawing: the
one shown on wider screens, the one printed (full text width, print.css) and
the fallback of every browser. Beside it, in docs/assets/figures/variants/:

    NAME-dark.svg         the same drawing in dark colors
    NAME-phone.svg        a narrow layout (steps stacked, large text) for phones
    NAME-phone-dark.svg   the narrow layout in dark colors
    NAME-large.svg        a layout for the large-print PDF (about 620 units
                          across, labels of 20 or more: 16 pt on the page)

A page's `<img src=".../figures/NAME.svg" alt="...">` (written in Markdown as
usual) becomes two <picture> elements, a light one and a dark one, each with a
<source> for the phone layout below PHONE_MAX. Which of the two is shown is
decided by the page's palette (guide.css, "Figures"): the theme puts
data-md-color-scheme="slate" on <body> when the reader chooses dark, or when
the system asks for dark on a first visit. An <img> cannot see that attribute,
and a `<source media="(prefers-color-scheme: dark)">` would follow the system
even after the reader switched the page to light, so the choice is made by
the page's stylesheet: no script, no inline style (the site's strict
Content-Security-Policy), works from file://. The dark picture carries the
`hidden` attribute, so without the stylesheet only the light one shows; print
always shows the light one (print.css). The dark image is not lazy-loaded: a
lazy image that is never shown never finishes loading, and the PDF export
waits for every image.

The phone <source> asks for `screen and`: in print the wide drawing is used.
The large-print PDF (scripts/export_pdf.py) prints the same page as the
whole guide, so no media query can tell them apart: the light <img> names
its large-print drawing in data-guide-large (and its size in
data-guide-large-size, "WIDTH HEIGHT"), and the export swaps it in for that
edition only. A reader's browser never loads it.
Sizes come from each SVG's own width/height, so the browser reserves the
right space before the file arrives.

A figure without alt text fails the build, naming the page and the file. A
figure with a dark variant and a phone variant must also have the phone-dark
one (the build says which file is missing).

Priority 45: before tables.py (40), and before the print-site plugin (0)
saves each page, so the PDF gets the same pictures.
"""
import html
import posixpath
import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

FIGURE_DIR = "assets/figures"
VARIANT_DIR = "variants"
PHONE_MAX = "44.99em"  # below 45em (720 px) the wide drawing's smallest labels would be under 14 px
PHONE_WIDTH_CAP = 1.25  # the phone layout is drawn at most 1.25x its own width (larger screens get the wide one)

IMG = re.compile(r"<img\b[^>]*>", re.I)
ATTR = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
SIZE = re.compile(r"<svg\b[^>]*>", re.S)


def _attributes(tag):
    """The attributes of an <img ...> tag, in order: [(name, value or None)]."""
    inner = re.sub(r"^<img\b|/?>$", "", tag, flags=re.I)
    out = []
    for m in ATTR.finditer(inner):
        value = next((v for v in m.group(2, 3, 4) if v is not None), None)
        out.append((m.group(1).lower(), value))
    return out


def _svg_size(path):
    """(width, height) from an SVG file's <svg width=... height=...>."""
    with open(path, encoding="utf-8") as fh:
        head = SIZE.search(fh.read(4096))
    width = re.search(r'\swidth="([\d.]+)"', head.group(0)) if head else None
    height = re.search(r'\sheight="([\d.]+)"', head.group(0)) if head else None
    if not (width and height):
        raise PluginError(f"{path}: the <svg> element needs width and height attributes "
                          "(the figure's size in its own units).")
    return float(width.group(1)), float(height.group(1))


def _fmt(number):
    """HTML width/height are whole CSS pixels (the Nu Html Checker rejects
    1287.5): round; the aspect ratio stays within a pixel."""
    return str(round(number))


def variant_paths(docs_path):
    """{'': NAME.svg, 'dark': ..., 'phone': ..., 'phone-dark': ..., 'large': ...} docs-relative
    paths of a figure and its possible variants."""
    folder, file = posixpath.split(docs_path)
    stem = file[:-4]
    paths = {"": docs_path}
    for kind in ("dark", "phone", "phone-dark", "large"):
        paths[kind] = posixpath.join(folder, VARIANT_DIR, f"{stem}-{kind}.svg")
    return paths


def picture_markup(tag, page_src, page_dir, files):
    """The <picture> markup for one figure <img> tag (or the tag unchanged when
    it has no variants)."""
    attrs = _attributes(tag)
    values = dict(attrs)
    src = values.get("src") or ""
    alt = (values.get("alt") or "").strip()
    if not alt:
        raise PluginError(f"docs/{page_src}: the figure {src} has no alt text. Say what it shows: "
                          "![What the figure shows](assets/figures/NAME.svg).")
    docs_path = posixpath.normpath(posixpath.join(page_dir, src))
    found = {kind: files.get_file_from_path(path) for kind, path in variant_paths(docs_path).items()}
    if found[""] is None:
        raise PluginError(f"docs/{page_src}: the figure {src} is not in docs/{FIGURE_DIR}.")
    if not any(found[k] for k in ("dark", "phone", "phone-dark", "large")):
        return tag
    missing = []
    if found["dark"] and found["phone"] and not found["phone-dark"]:
        missing.append("phone-dark")
    if found["phone-dark"] and not (found["dark"] and found["phone"]):
        missing += [k for k in ("dark", "phone") if not found[k]]
    if missing:
        names = ", ".join(f"docs/{variant_paths(docs_path)[k]}" for k in missing)
        raise PluginError(f"docs/{page_src}: the figure {src} has some variants but not {names}: "
                          "add the missing drawing (see overrides/hooks/figures.py).")

    prefix = src[: len(src) - len(posixpath.basename(src))]

    def url(kind):
        return prefix + posixpath.relpath(variant_paths(docs_path)[kind], posixpath.dirname(docs_path))

    def img(kind):
        width, height = _svg_size(found[kind].abs_src_path)
        keep = [(n, v) for n, v in attrs if n not in ("src", "width", "height", "loading", "srcset")]
        parts = [f'{n}="{v}"' if v is not None else n for n, v in keep]
        parts += [f'src="{html.escape(url(kind), quote=True)}"', f'width="{_fmt(width)}"', f'height="{_fmt(height)}"']
        if kind == "" and found["large"]:
            large_w, large_h = _svg_size(found["large"].abs_src_path)
            parts += [f'data-guide-large="{html.escape(url("large"), quote=True)}"',
                      f'data-guide-large-size="{_fmt(large_w)} {_fmt(large_h)}"']
        return "<img " + " ".join(parts) + " />"

    def phone_source(kind):
        if not found[kind]:
            return ""
        width, height = _svg_size(found[kind].abs_src_path)
        return (f'<source media="screen and (max-width: {PHONE_MAX})" '
                f'srcset="{html.escape(url(kind), quote=True)}" '
                f'width="{_fmt(width * PHONE_WIDTH_CAP)}" height="{_fmt(height * PHONE_WIDTH_CAP)}" />')

    light = (f'<picture class="guide-figure guide-figure--light">'
             f'{phone_source("phone")}{img("")}</picture>')
    if not found["dark"]:
        return light
    dark = (f'<picture class="guide-figure guide-figure--dark" hidden>'
            f'{phone_source("phone-dark")}{img("dark")}</picture>')
    return light + dark


def is_figure(tag):
    src = dict(_attributes(tag)).get("src") or ""
    return bool(re.search(r"(^|/)" + re.escape(FIGURE_DIR) + r"/[^/]+\.svg$", src))


@event_priority(45)  # before tables (40) and before print-site (0) saves the page for the PDF
def on_page_content(html_text, page, config, files, **kwargs):
    page_dir = posixpath.dirname(page.file.dest_uri)  # image addresses are relative to the built page

    def replace(match):
        tag = match.group(0)
        if not is_figure(tag):
            return tag
        return picture_markup(tag, page.file.src_uri, page_dir, files)

    return IMG.sub(replace, html_text)
