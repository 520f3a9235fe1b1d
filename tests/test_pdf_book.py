"""The printed guide as a book (issue 14): the whole guide, its large-print
edition and the questions handout, read back from the files the build wrote
(the session's `site`): pypdf for structure and font sizes, poppler
(pdftotext, pdftoppm) for what a reader sees.

How full each page is, is measured by rendering it (pdftoppm, grey, 30 dpi):
the lowest row with ink above the footer, as a share of the text area. The
measures are written to pdf-fill-report.json beside the built site, and
printed when a test fails.
"""
import json
import math
import pathlib
import re
import subprocess
import tempfile
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject


from conftest import ROOT, built_pdf, chapter_title, clean, norm, page_texts
from guidekit import config as guide_config
from guidekit import treatments, urgent_care
from guidekit.data import read_yaml

MM = 72 / 25.4
EXTRA = guide_config.load()["extra"]["pdf"]
TOP_MARGIN_MM, BOTTOM_MARGIN_MM = 16, 18  # scripts/export_pdf.py MARGINS (0.63 in, 0.71 in)
FOOTER_BAND = 16 * MM  # the running footer sits below this (points from the bottom)
PDF_1_7_TYPES = set("""Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct
Private P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note
Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP Figure Formula Form""".split())


# --- fixtures -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def guide(site):
    return built_pdf(site, "file")


@pytest.fixture(scope="module")
def large(site):
    return built_pdf(site, "large_print")


@pytest.fixture(scope="module")
def handout(site):
    return built_pdf(site, "handout")


@pytest.fixture(scope="module", params=["handout", "handout_large_print"])
def each_handout(request, site):
    """The handout, and the same in large print."""
    return built_pdf(site, request.param)


@pytest.fixture(scope="module")
def guide_texts(guide):
    return page_texts(guide)


def fill_per_page(pdf, dpi=30):
    """How far down the text area each page's ink reaches (0 to 1)."""
    fills = []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(pdf), f"{tmp}/p"], check=True)
        for f in sorted(pathlib.Path(tmp).glob("p-*.pgm"), key=lambda p: int(p.stem.split("-")[1])):
            _, dims, _, pixels = f.read_bytes().split(b"\n", 3)
            w, h = map(int, dims.split())
            top, bottom = round(TOP_MARGIN_MM / 25.4 * dpi), h - round(BOTTOM_MARGIN_MM / 25.4 * dpi)
            last = next((y for y in range(bottom - 1, top - 1, -1)
                         if min(pixels[y * w:(y + 1) * w]) < 200), None)
            fills.append(0.0 if last is None else round((last - top + 1) / (bottom - top), 2))
    return fills


def footer_ink(pdf, page, dpi=30):
    """Dark pixels in the footer band (below the bottom margin) of one page."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page),
                        str(pdf), f"{tmp}/p"], check=True)
        f = next(pathlib.Path(tmp).glob("p-*.pgm"))
        _, dims, _, pixels = f.read_bytes().split(b"\n", 3)
        w, h = map(int, dims.split())
        band = pixels[w * (h - round(BOTTOM_MARGIN_MM / 25.4 * dpi)):]
        return sum(1 for b in band if b < 160)


def word_sizes(reader, pages):
    """{size in pt, rounded to 0.5: words} of the text above the footer band."""
    sizes = {}

    def visit(text, cm, tm, font, size):
        if not text.strip():
            return
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if y < FOOTER_BAND:
            return
        pt = round(2 * size * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])) / 2
        sizes[pt] = sizes.get(pt, 0) + len(text.split())

    for i in pages:
        reader.pages[i].extract_text(visitor_text=visit)
    return sizes


def chapter_pages(reader):
    """{numbered chapter title: first page} from the top-level bookmarks
    (the cover's and the contents' left out)."""
    chapters = {chapter_title(md) for md in guide_config.chapters()}
    found = {}
    for item in reader.outline:
        if not isinstance(item, list) and norm(item.title) in chapters:
            found[norm(item.title)] = reader.get_destination_page_number(item) + 1
    return found


# --- the whole guide ----------------------------------------------------------------

def test_guide_prints_no_web_only_lines(guide_texts, large):
    """No "Next:" lines, no instructions for the website's search and menu,
    for tapping or for the drug table's links (PDF reader review), and
    nothing that belongs to the handout alone (its fields, the line naming
    the guide it comes from)."""
    for name, texts in ((EXTRA["file"], guide_texts), (EXTRA["large_print"], page_texts(large))):
        for i, text in enumerate(texts, start=1):
            for web in ("Next:", "Use the search box", "open it with the menu button",
                        "tap a title to open", "rest the pointer on one",
                        "Go straight to a driver change",
                        "Who I saw:", "From the guide"):
                assert web not in text, f"{name} page {i} prints the web-only line '{web}'"


def test_the_printed_guide_tells_of_the_handout(site, guide_texts, large):
    """On screen Start here links the questions handout; that paragraph is
    left out of print, so the printed guide says in its own words (a
    paragraph with class guide-print-only) that the handout exists (carer
    review: the printed guide never mentioned it), in both editions."""
    start = (site / "index.html").read_text(encoding="utf-8")
    paras = [norm(re.sub(r"<[^>]+>", " ", p))
             for p in re.findall(r'<p class="guide-print-only">(.*?)</p>', start, re.S)]
    about = [p for p in paras if "handout" in p]
    assert about, "index.html has no print-only paragraph telling of the handout (class guide-print-only)"
    for name, texts in ((EXTRA["file"], guide_texts), (EXTRA["large_print"], page_texts(large))):
        whole = "".join("".join(norm(t).split()) for t in texts)
        for para in about:
            assert "".join(para.split()) in whole, f"{name} does not print: {para}"


def test_no_footer_on_the_cover(guide, guide_texts):
    assert footer_ink(guide, 1) == 0, f"{guide.name}: the cover (page 1) has a footer"
    assert footer_ink(guide, 3) > 0, f"{guide.name}: page 3 has no footer (the check sees nothing)"
    assert "Page 1 of" not in guide_texts[0]


def test_contents_is_one_page_of_numbered_chapters(guide, guide_texts):
    reader = PdfReader(str(guide))
    starts = chapter_pages(reader)
    contents = norm(page_texts(guide, layout=True)[1])
    assert contents.startswith("Contents"), f"{guide.name}: page 2 is not the contents list"
    for md in guide_config.chapters():
        title = chapter_title(md)
        m = re.search(re.escape(title) + r" (\d+)\b", contents)
        assert m, f"{guide.name}: page 2 lacks '{title}' with its page number (one page of chapters)"
        assert int(m.group(1)) == starts[title], f"'{title}': contents say {m.group(1)}, bookmark {starts[title]}"
    assert min(starts.values()) == 3, f"{guide.name}: the contents run past page 2"
    # First of all, the urgent-care card, with the page it is printed on.
    card_title = read_yaml(ROOT / "docs" / "includes" / "urgent-care.yml", "the urgent-care card")["title"]
    m = re.match(r"Contents " + re.escape(norm(card_title)) + r" (\d+)\b", contents)
    assert m, f"{guide.name}: the contents do not start with the urgent-care card ('{card_title}')"
    printed = next(i for i, t in enumerate(guide_texts, 1) if norm(card_title) in norm(t) and i > 2)
    assert int(m.group(1)) == printed, f"contents say the card is on page {m.group(1)}, it is on page {printed}"


def test_chapter_numbers_match_the_menu_and_the_pages(site):
    """The menu, each page's H1 and the PDF number the chapters alike."""
    for number, md in enumerate(guide_config.chapters(), start=1):
        page = (site / guide_config.html_name(md)).read_text(encoding="utf-8")
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)
        assert re.sub(r"<[^>]+>", "", h1).strip().startswith(f"{number}. "), \
            f"{md}: its H1 does not start with its chapter number {number}."
        menu = re.findall(r'<span class="md-ellipsis">\s*([^<]*?)\s*</span>', page)
        assert any(m.startswith(f"{number}. ") for m in menu), f"{md}: the menu has no '{number}. ' entry"


def menu_titles():
    """{chapter's Markdown file: its title in the menu (mkdocs.yml nav)}."""
    return {md: title for entry in guide_config.load()["nav"] for title, md in entry.items()}


def test_running_footer_names_the_chapter(guide, guide_texts):
    """Every page from a chapter's start to the next one's names it in its
    footer ("N. Menu title"), beside "Page P of T"."""
    reader = PdfReader(str(guide))
    starts = chapter_pages(reader)
    menu = menu_titles()
    total = len(reader.pages)
    chapters = [(chapter_title(md), f"{n}. {menu[md]}") for n, md in enumerate(guide_config.chapters(), start=1)]
    bounds = [starts[t] for t, _ in chapters] + [total + 1]
    for (title, label), start, end in zip(chapters, bounds, bounds[1:]):
        for page in range(start, max(end, start + 1)):
            text = norm(guide_texts[page - 1])
            assert label in text and f"Page {page} of {total}" in text, \
                f"{guide.name} page {page}: the footer does not name '{label}'"


def test_contents_pages_footer_says_contents_on_one_line(guide, large):
    """The pages between the cover and the first chapter are the contents:
    their footer says so, on one line with "Page P of T" (the guide's title
    did not fit one line in large print)."""
    for pdf in (guide, large):
        reader = PdfReader(str(pdf))
        first = chapter_pages(reader)[chapter_title(guide_config.chapters()[0])]
        assert first > 2, f"{pdf.name}: no contents page before the first chapter"
        for page in range(2, first):
            lines = page_texts(pdf, layout=True, first=page, last=page)[0].splitlines()
            footer = [ln for ln in lines if f"Page {page} of {len(reader.pages)}" in ln]
            assert footer, f"{pdf.name} page {page}: no 'Page {page} of' line"
            assert norm(footer[0]).startswith("Contents "), \
                f"{pdf.name} page {page}: the footer line is {footer[0].strip()!r}, not 'Contents ... Page N of M'"
            rest = [ln for ln in lines[lines.index(footer[0]) + 1:] if ln.strip()]
            assert not rest, f"{pdf.name} page {page}: the footer runs onto another line: {rest}"


SEE = re.compile(r"\(chapter (\d+), page (\d+)\)")


def contents_pages(pdf):
    """{chapter number: its first page}, read from the printed contents
    (page 2): "5.   What treatment could come next for me? .... 27"."""
    lines = page_texts(pdf, layout=True, first=2, last=2)[0].splitlines()
    found = (re.match(r"\s*(\d+)\.\s.*\s(\d+)\s*$", ln) for ln in lines)
    return {int(m[1]): int(m[2]) for m in found if m}


def test_links_to_other_chapters_print_their_chapter_and_page(guide, guide_texts):
    """A link to another chapter names it by its menu name; the printed
    "(chapter C, page N)" after it ties it to the contents, which list the
    chapters by number and question: page N lies in chapter C."""
    starts = contents_pages(guide)
    assert len(starts) >= 10, f"the contents list read back as {starts}"
    found = [(int(c), int(p)) for c, p in SEE.findall(norm(" ".join(guide_texts)))]
    assert len(found) >= 10, f"only {len(found)} '(chapter C, page N)' in the guide"
    assert "(see page" not in norm(" ".join(guide_texts)), "a link between chapters prints no chapter number"
    for chapter, page in found:
        assert chapter in starts, f"'(chapter {chapter}, page {page})': the contents list has no chapter {chapter}"
        end = starts.get(chapter + 1, len(guide_texts))
        assert starts[chapter] <= page <= end, \
            f"'(chapter {chapter}, page {page})': chapter {chapter} runs from page {starts[chapter]} to {end}"


def test_no_line_starts_with_a_stop_or_comma(guide, large):
    """Punctuation stays on the line of the word (or "(chapter C, page N)") before
    it: a line of the printed guide never starts with '.', ',', ';' or ':'."""
    for pdf in (guide, large):
        lines = "\n".join(page_texts(pdf, layout=True)).splitlines()
        bad = [ln.strip()[:60] for ln in lines if re.match(r"\s*[.,;:](\s|$)", ln)]
        assert not bad, f"{pdf.name}: lines start with punctuation: {bad[:5]}"


def test_see_page_numbers_are_right(guide, guide_texts):
    """Each "(chapter C, page N)" on a page belongs to a link on that page (or the
    one before, where a sentence runs over) that goes to page N."""
    reader = PdfReader(str(guide))
    named = reader.named_destinations
    targets = []  # per page: the pages its internal links go to
    for page in reader.pages:
        found = set()
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            dest = annot.get("/Dest")
            if dest is None and (annot.get("/A") or {}).get("/S") == "/GoTo":
                dest = annot["/A"]["/D"]
            if dest is not None and str(dest) in named:
                found.add(reader.get_destination_page_number(named[str(dest)]) + 1)
        targets.append(found)
    checked = 0
    for i, text in enumerate(guide_texts):
        for n in (int(p) for _, p in SEE.findall(norm(text))):
            near = targets[i] | (targets[i - 1] if i else set())
            assert n in near, (f"{guide.name} page {i + 1} says '(... page {n})', but no link there "
                               f"goes to page {n} (its links go to {sorted(near)})")
            checked += 1
    assert checked >= 10, f"only {checked} '(chapter C, page N)' checked"


def test_at_most_two_pages_under_40_percent_full(site, guide, large, handout):
    report = {}
    for pdf in (guide, large, handout):
        fills = fill_per_page(pdf)
        report[pdf.name] = {"pages": len(fills),
                            "under_40_percent": [(i, f) for i, f in enumerate(fills, 1) if f < 0.4],
                            "fill": fills}
    path = site.parent / "pdf-fill-report.json"
    path.write_text(json.dumps(report, indent=1), encoding="utf-8")
    cover = report[guide.name]["fill"][0]
    assert cover >= 0.6, f"{guide.name}: the cover's ink ends {cover:.0%} down the page (mostly blank)"
    low = report[guide.name]["under_40_percent"]
    assert len(low) <= 2, f"{guide.name}: {len(low)} pages under 40% full (page, fill): {low}; see {path}"
    low = report[large.name]["under_40_percent"]
    assert len(low) <= 2, f"{large.name}: {len(low)} pages under 40% full (page, fill): {low}; see {path}"


def first_line(text):
    return next((ln.strip() for ln in text.splitlines() if ln.strip()), "")


def test_notes_never_start_a_page_of_the_guide(guide_texts):
    """In the whole guide, "My notes" stays with the questions above it."""
    for i, text in enumerate(guide_texts, start=1):
        assert not first_line(text).startswith("My notes"), \
            f"{EXTRA['file']} page {i} starts with 'My notes', apart from its questions"


def test_handout_pages_start_with_a_heading_or_named_notes(each_handout):
    """On the handout, a section's questions are never split across pages:
    each page of questions after the first starts with a section's heading,
    or with the notes space of the section before, which names it ("My
    notes on testing:"). Split, its last questions sat under no heading."""
    md = (ROOT / "docs" / EXTRA["handout_page"]).read_text(encoding="utf-8")
    sections = [norm(h) for h in re.findall(r"^## (.+)$", md, re.M)]
    texts = page_texts(each_handout)
    for i, text in enumerate(texts[1:], start=2):
        first = norm(first_line(text))
        if first.startswith(("Urgent help", "This page is blank on purpose")):
            break  # the urgent-care sheet (tests/test_urgent_care.py)
        assert first in sections or re.match(r"My notes on [a-z ]+:$", first), \
            f"{each_handout.name} page {i} starts with {first!r}, not a section's heading or its notes"


TICK_BOXES = """() => Array.from(document.querySelectorAll('section.print-page li.task-list-item input'))
  .map(box => [box.getBoundingClientRect().left,
               box.closest('section.print-page').getBoundingClientRect().left])"""


def test_tick_boxes_sit_inside_the_text_area(site, chromium):
    """In print, no tick box hangs left of its chapter's text (Chromium clips
    what lies outside the page's text area: it printed as "]")."""
    context = chromium.browser.new_context(viewport={"width": 680, "height": 1000})
    try:
        page = context.new_page()
        page.emulate_media(media="print")
        page.goto((site / guide_config.print_page()).as_uri(), wait_until="load")
        boxes = page.evaluate(TICK_BOXES)
    finally:
        context.close()
    assert boxes, "no tick box found on the print page"
    outside = [b for b in boxes if b[0] < b[1] - 0.5]
    assert not outside, f"{len(outside)} of {len(boxes)} tick boxes start left of the text (x, text x): {outside[:3]}"


# --- the handout -----------------------------------------------------------------------

def test_handout_has_the_fields_to_fill_in(each_handout):
    handout = each_handout
    first = norm(page_texts(handout)[0])
    for field in ("Date:", "Who I saw:", "Next appointment:", "Who came with me:", "My medicines:",
                  "My 24-hour number:"):
        assert field in first, f"{handout.name}: page 1 lacks the field '{field}'"
    # A handout travels alone: it names the guide it comes from.
    title = guide_config.load().plugins["print-site"].config.get("print_page_title")
    assert norm(f"From the guide “{title}”") in first, f"{handout.name}: page 1 does not name the guide"
    every = page_texts(handout)
    assert not any("Next:" in t for t in every), f"{handout.name} prints a 'Next:' link"
    # No page holds only the footer (the disclaimer's old place); a page
    # left blank before the urgent-care sheet says so.
    for i, text in enumerate(every, start=1):
        if norm(text).startswith("This page is blank on purpose"):
            continue
        body = [l for l in text.splitlines() if l.strip() and "Page " not in l]
        assert len(body) >= 5, f"{handout.name} page {i} holds almost nothing: {body}"


# --- large print -------------------------------------------------------------------------

def test_large_print_handout_is_the_handout_at_16pt(site, handout):
    """The handout in large print (carer review): the same questions and
    notes spaces as the handout, its text at 16 pt or more, the urgent-care
    sheet on paper of its own (starting on a front page), and each of the
    sheet's pages but the last saying that the box goes on."""
    large = built_pdf(site, "handout_large_print")
    reader = PdfReader(str(large))
    sizes = word_sizes(reader, range(len(reader.pages)))
    total = sum(sizes.values())
    small = sum(n for pt, n in sizes.items() if pt < 16)
    assert total > 800, f"{large.name}: only {total} words read"
    assert small / total < 0.01, \
        f"{large.name}: {small} of {total} words below 16 pt (sizes: {sorted(sizes.items())[:8]})"
    assert "(large print)" in reader.metadata.title, f"{large.name}: its title does not say large print"

    def sheet_and_notes(pdf):
        """The index of the urgent-care sheet's first page; how many notes
        spaces come before it."""
        texts = page_texts(pdf)
        sheet = next(i for i, t in enumerate(texts) if norm(t).startswith("Urgent help"))
        return sheet, norm(" ".join(texts[:sheet])).count("My notes")

    md = (ROOT / "docs" / EXTRA["handout_page"]).read_text(encoding="utf-8")
    text = norm(" ".join(page_texts(large)))
    missing = [q for q in (clean(q) for q in re.findall(r"^- \[ \] (.+)$", md, re.M)) if q not in text]
    assert not missing, f"{large.name} lacks questions of the handout: {missing[:3]}"
    sheet, notes = sheet_and_notes(large)
    assert notes == sheet_and_notes(handout)[1], f"{large.name}: {notes} notes spaces, not the handout's"
    assert sheet % 2 == 0, f"{large.name}: the urgent-care sheet starts on page {sheet + 1}, the back of a sheet"
    # The footers: the box's own text never says it goes on.
    on_sheet = [norm(t) for t in page_texts(large)[sheet:]]
    goes_on = norm(EXTRA["urgent_continues"])
    assert len(on_sheet) > 1, f"{large.name}: the urgent-care sheet fits one page; this test expects two"
    assert all(goes_on in t for t in on_sheet[:-1]), \
        f"{large.name}: a page of the urgent-care sheet before its last does not say {goes_on!r}"
    assert goes_on not in on_sheet[-1], f"{large.name}: the sheet's last page says it goes on"

def test_large_print_body_text_is_16pt(large):
    reader = PdfReader(str(large))
    sizes = word_sizes(reader, range(2, len(reader.pages)))
    total = sum(sizes.values())
    small = sum(n for pt, n in sizes.items() if pt < 16)
    # Labels inside figures and footnote marks may be smaller; text may not.
    assert total > 10000, f"{large.name}: only {total} words read"
    assert small / total < 0.03, \
        f"{large.name}: {small} of {total} words below 16 pt (sizes: {sorted(sizes.items())[:8]})"


def test_large_print_cover_is_large_print_on_one_page(large):
    """Everything on the large-print cover is at body size or larger, except
    the line in capitals above the title; the licence line stays on it."""
    reader = PdfReader(str(large))
    sizes = word_sizes(reader, [0])
    small = {pt: n for pt, n in sizes.items() if pt < 16}
    kicker = len(reader.pages[0].extract_text().split("\n")[0].split())
    assert sum(small.values()) <= kicker, f"{large.name} cover: words below 16 pt {small}"
    copyright_ = norm(guide_config.load()["copyright"] or "")
    assert copyright_ and copyright_ in norm(reader.pages[0].extract_text()), \
        f"{large.name}: the cover runs over onto page 2 (its licence line is not on page 1)"


def test_large_print_has_every_chapter(large):
    starts = chapter_pages(PdfReader(str(large)))
    missing = [chapter_title(md) for md in guide_config.chapters() if chapter_title(md) not in starts]
    assert not missing, f"{large.name} lacks the chapters {missing}"


# --- PDF/UA, read back with pypdf ---------------------------------------------------------

def structure(reader):
    """(element, parent) of every structure element."""
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    found, stack = [], [(root.get("/K"), None)]
    while stack:
        kids, parent = stack.pop()
        if kids is None:
            continue
        obj = kids.get_object() if isinstance(kids, IndirectObject) else kids
        if isinstance(obj, list):
            stack.extend((k, parent) for k in obj)
        elif isinstance(obj, dict) and "/S" in obj:
            found.append((obj, parent))
            stack.append((obj.get("/K"), obj))
    return found


@pytest.mark.parametrize("key", guide_config.PDF_KEYS)
def test_pdf_ua(site, key):
    path = built_pdf(site, key)
    reader = PdfReader(str(path))
    root = reader.trailer["/Root"]
    # Identification: pdfuaid:part 1 in the XMP metadata.
    assert reader.xmp_metadata is not None, f"{path.name}: no XMP metadata"
    xmp = ET.fromstring(reader.xmp_metadata.stream.get_data())
    part = xmp.findall(".//{http://www.aiim.org/pdfua/ns/id/}part")
    assert [p.text for p in part] == ["1"], f"{path.name}: no pdfuaid:part 1 in the XMP metadata"
    stream = root["/Metadata"].get_object()
    assert (stream.get("/Type"), stream.get("/Subtype")) == ("/Metadata", "/XML"), \
        f"{path.name}: the XMP stream does not say it is /Type /Metadata /Subtype /XML"
    # poppler reads the file without a warning (it warned about that stream).
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True)
    assert info.returncode == 0 and not info.stderr.strip(), f"{path.name}: pdfinfo says {info.stderr}"
    assert root["/MarkInfo"]["/Marked"] is True or root["/MarkInfo"]["/Marked"].value is True
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    elements = structure(reader)
    role_map = root["/StructTreeRoot"].get_object().get("/RoleMap") or {}
    kinds = {str(e["/S"]).lstrip("/") for e, _ in elements}
    unmapped = [k for k in kinds if k not in PDF_1_7_TYPES and f"/{k}" not in role_map]
    assert not unmapped, f"{path.name}: tags PDF 1.7 lacks, not in the RoleMap: {unmapped}"
    figures = [e for e, _ in elements if e["/S"] == "/Figure"]
    assert all(str(e.get("/Alt", "")).strip() for e in figures), f"{path.name}: a Figure without /Alt"
    items = [e for e, _ in elements if e["/S"] == "/LI"]
    assert items, f"{path.name}: no list items in the structure"
    bodiless = [e for e in items if not any(isinstance(k, IndirectObject) and k.get_object().get("/S") == "/LBody"
                                           for k in (e["/K"] if isinstance(e["/K"], list) else [e["/K"]]))]
    assert not bodiless, f"{path.name}: {len(bodiless)} of {len(items)} list items without an LBody"
    links = [a.get_object() for page in reader.pages for a in page.get("/Annots") or []
             if a.get_object().get("/Subtype") == "/Link"]
    assert all(page.get("/Tabs") == "/S" for page in reader.pages if page.get("/Annots")), \
        f"{path.name}: a page with links does not take its tab order from the structure (/Tabs /S)"
    # The guide links its chapters and sources; the paper handout may have no link at all.
    assert links or key.startswith("handout"), f"{path.name}: no link annotations (the guide links its sources)"
    assert all(str(a.get("/Contents", "")).strip() for a in links), \
        f"{path.name}: a link annotation without /Contents"


def test_marked_content_still_points_at_its_element(guide):
    """After the list items got their LBody, each marked-content id on a page
    still leads (through the parent tree) to the element that holds it."""
    reader = PdfReader(str(guide))
    tree = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    table = {}
    stack = [tree["/ParentTree"].get_object()]
    while stack:
        node = stack.pop()
        stack.extend(k.get_object() for k in node.get("/Kids", []))
        nums = node.get("/Nums", [])
        for key, value in zip(nums[::2], nums[1::2]):
            table[int(key)] = value.get_object()
    checked = wrong = 0
    for element, _ in structure(reader):
        if element["/S"] != "/LBody":
            continue
        kids = element["/K"] if isinstance(element["/K"], list) else [element["/K"]]
        for kid in kids:
            if isinstance(kid, int) or hasattr(kid, "as_numeric"):
                page = element.get("/Pg") or element["/P"].get_object().get("/Pg")
                entry = table[int(page.get_object()["/StructParents"])][int(kid)]
                checked += 1
                wrong += entry.get_object() is not element and entry.get_object() != element
    assert wrong == 0, f"{guide.name}: {wrong} of {checked} marked contents point at another element"


def kids_of(node):
    """The children of a structure element (its /K, as a list)."""
    kids = node.get("/K")
    if kids is None:
        return []
    kids = kids.get_object() if isinstance(kids, IndirectObject) else kids
    return [k.get_object() if isinstance(k, IndirectObject) else k
            for k in (kids if isinstance(kids, list) else [kids])]


def pages_of(element, numbers, page=None):
    """The page numbers (from 1) that hold an element's marked content."""
    page = element.get("/Pg", page)
    found = set()
    for kid in kids_of(element):
        if isinstance(kid, dict) and "/S" in kid:
            found |= pages_of(kid, numbers, page)
        elif isinstance(kid, dict) and kid.get("/Type") == "/MCR":
            found.add(numbers[kid.get("/Pg", page).idnum])
        elif page is not None:  # a marked-content id on the element's page
            found.add(numbers[page.idnum])
    return found


def table_rows(table):
    """A Table's rows: (is a header row, its structure element)."""
    rows, stack = [], [table]
    while stack:
        node = stack.pop(0)
        for kid in kids_of(node):
            if not (isinstance(kid, dict) and "/S" in kid):
                continue
            if kid["/S"] == "/TR":
                cells = [c["/S"] for c in kids_of(kid) if isinstance(c, dict) and "/S" in c]
                rows.append((bool(cells) and all(c == "/TH" for c in cells), kid))
            elif kid["/S"] in ("/THead", "/TBody", "/TFoot"):
                stack.append(kid)
    return rows


@pytest.mark.parametrize("key", ["file", "large_print"])
def test_a_table_never_leaves_one_row_alone_on_a_page(site, key):
    """A table that runs over pages keeps at least two of its rows on each
    (print.css; PDF reader review: A4 pages 17 and 41 held one row each).
    Read from the PDF's tags: the pages each row's content is on. The
    large print's drug table, printed as cards with no header row, runs
    on card by card and is not held to this."""
    path = built_pdf(site, key)
    reader = PdfReader(str(path))
    numbers = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages, 1)}
    tables = [e for e, _ in structure(reader) if e["/S"] == "/Table"]
    assert tables, f"{path.name}: no Table in the tags"
    alone = []
    for table in tables:
        rows = table_rows(table)
        if not any(header for header, _ in rows):
            continue
        per_page = {}
        for header, row in rows:
            for page in ([] if header else pages_of(row, numbers)):
                per_page.setdefault(page, []).append(row)
        if len(per_page) > 1:
            alone += [f"page {page}: one row of a {len(rows) - 1}-row table"
                      for page, held in sorted(per_page.items()) if len(held) == 1]
    assert not alone, f"{path.name}: " + "; ".join(alone)


# A printed web address, in pdftotext's layout text: "(http...)", maybe over
# several lines (each continuation line's indent is dropped).
PRINTED_ADDRESS = re.compile(r"\((https?://[^)\s]*(?:\n[ \t]*[^)\s]+)*)\)")


@pytest.mark.parametrize("key", ["file", "large_print"])
def test_printed_web_addresses_break_only_at_their_punctuation(site, key):
    """A web address printed on paper runs onto the next line only after a
    "/" or before another punctuation mark, never inside a word or after a
    hyphen, so a reader can type it from paper (scripts/export_pdf.py,
    ADDRESSES; PDF reader review: addresses broken mid-word)."""
    path = built_pdf(site, key)
    text = "\n".join(page_texts(path, layout=True))
    addresses = [m.group(1) for m in PRINTED_ADDRESS.finditer(text)]
    assert len(addresses) > 20, f"{path.name}: only {len(addresses)} printed web addresses found"
    broken = [f"{line[-25:]}|{rest.strip()[:15]}" for address in addresses
              for line, rest in zip(address.split("\n"), address.split("\n")[1:])
              if line.endswith("-") or (line[-1].isalnum() and rest.strip()[:1].isalnum())]
    assert not broken, (f"{path.name}: {len(broken)} printed web addresses break inside a word "
                        f"or after a hyphen, which reads as a split word (| marks the line end): "
                        f"{broken[:5]}")



def test_a_printed_address_is_cut_only_at_its_punctuation(chromium):
    """export_pdf.ADDRESSES cuts a printed address into pieces a line may
    end between: after "/" and before ".", "-", "?", "&", "=", "_" or "#",
    a run of marks such as "---" being one cut, before its first mark (a
    Macmillan address broke as "cancer--|-what" in the large-print PDF)."""
    import export_pdf

    context = chromium.browser.new_context()
    try:
        page = context.new_page()
        page.set_content('<div class="md-typeset"><a href="https://ex.org/a/travel---what-to.go?x=1&y=2#top">'
                         'a source</a></div>')
        assert page.evaluate(export_pdf.ADDRESSES) == 1
        pieces = page.eval_on_selector_all(".guide-address > span", "spans => spans.map(s => s.textContent)")
    finally:
        context.close()
    assert pieces == ["https://", "ex", ".org/", "a/", "travel", "---what", "-to", ".go", "?x", "=1", "&y", "=2",
                      "#top"], pieces


# --- the site's PDF links -------------------------------------------------------------------

def test_pdf_links_show_pages_and_size(site):
    page = (site / "faq.html").read_text(encoding="utf-8")
    for key in guide_config.PDF_KEYS:
        path = site / EXTRA[key]
        pages = len(PdfReader(str(path)).pages)
        m = re.search(rf'href="{re.escape(EXTRA[key])}"[^>]*>[^<]*</a>\s*<span class="guide-pdf-facts">'
                      r"\(PDF, (\d+) pages?, ([\d.]+) (MB|KB)\)</span>", page)
        assert m, f"faq.html: the link to {path.name} shows no '(PDF, N pages, size)'"
        assert int(m.group(1)) == pages, f"faq.html says {path.name} has {m.group(1)} pages; it has {pages}"
        size = float(m.group(2)) * (1e6 if m.group(3) == "MB" else 1e3)
        assert abs(size - path.stat().st_size) <= (0.051e6 if m.group(3) == "MB" else 501), \
            f"faq.html says {path.name} is {m.group(2)} {m.group(3)}; it is {path.stat().st_size} bytes"


# --- the drug table on paper ------------------------------------------------------

DRIVER_CHANGES = [d["change"] for d in treatments.load(ROOT / "docs" / treatments.DATA)["drivers"]]
# The table's head, as printed on each page it runs onto: its first line
# (the column names may wrap), and the last word of its last line.
TABLE_HEAD = re.compile(r"^\s*Driver(\s+change)?\s{2,}Type of\b")
HEAD_END = "status"


def names_a_driver(line):
    """Whether the first cell of a printed line (layout text: cells apart by
    two or more spaces) is the start of one of the table's driver changes."""
    cell = re.split(r"\s{2,}", line.strip())[0]
    return bool(cell) and any(" ".join(change.split()).startswith(cell) for change in DRIVER_CHANGES)


@pytest.mark.parametrize("key", ["file", "large_print"])
def test_each_page_of_the_drug_table_starts_with_a_driver(site, key):
    """A page the drug table runs onto starts a driver's row (or card): a row
    run over a page went on with empty driver and type cells, as Chromium
    repeats only the table's head (A4: a table; large print: one card a
    driver; either is read). Read back from the PDF's layout text."""
    texts = page_texts(built_pdf(site, key), layout=True)
    starts = []
    for number, text in enumerate(texts, start=1):
        lines = [line for line in text.splitlines() if line.strip()]
        heads = [i for i, line in enumerate(lines) if TABLE_HEAD.match(line)]
        for i in heads:
            # As a table: each page has the head; the row under it comes first.
            end = next((j for j in range(i, min(i + 4, len(lines))) if HEAD_END in lines[j]), i)
            if end + 1 < len(lines):
                starts.append((number, lines[end + 1]))
        if not heads and any("Type of drug:" in line for line in lines) and not any(
                "Drugs used for common driver changes" in line for line in lines):
            # A page of cards after the first (where the caption leads in).
            starts.append((number, lines[0]))
    assert starts, f"{key}: no page of the drug table was found (the test's reading is out of date)"
    bad = [f"page {n}: {line.strip()[:70]!r}" for n, line in starts if not names_a_driver(line)]
    assert not bad, (f"{EXTRA[key]}: the drug table goes on without its driver at the top of "
                     + "; ".join(bad) + " (docs/assets/stylesheets/guide.css, the drug table's print rules)")


URGENT = urgent_care.load(ROOT / "docs")


@pytest.mark.parametrize("key", ["file", "large_print"])
def test_urgent_help_says_on_each_page_that_it_goes_on(site, key):
    """The urgent help box is longer than a page: the footer of each of its
    pages before the one where its list of sources starts says it goes on
    (extra.pdf.urgent_continues), and no other page's footer does; on paper
    the box has a line to write the 24-hour number on. Read back from the
    PDF."""
    cue = " ".join(EXTRA["urgent_continues"].split())
    texts = [" ".join(t.split()) for t in page_texts(built_pdf(site, key))]
    # The box's first page: its first warning sign; then its advice, its
    # notes (the crisis line first) and its list of sources.
    sign = " ".join(URGENT["tiers"][0]["items"][0]["text"].split())
    note = " ".join(urgent_care.text_of(URGENT["notes"][0]).split(":")[0].split())
    first = next((i for i, t in enumerate(texts) if sign in t), None)
    sources = next((i for i, t in enumerate(texts) if "Where this advice comes from (checked" in t), None)
    assert first is not None and sources is not None, f"{EXTRA[key]}: the urgent help box was not found"
    assert sources > first, f"{EXTRA[key]}: the box's advice fits on page {first + 1}; this test expects more"
    assert any(note in t for t in texts[first:sources + 1]), f"{EXTRA[key]}: the crisis note is not in the box"
    with_cue = [i + 1 for i, t in enumerate(texts) if cue in t]
    assert with_cue == list(range(first + 1, sources + 1)), (
        f"{EXTRA[key]}: the box runs from page {first + 1}, its sources from page {sources + 1}; "
        f"the footer says '{cue}' on pages {with_cue} (scripts/export_pdf.py, urgent_card_pages)")
    assert any("My 24-hour number:" in t for t in texts[first:sources + 1]), \
        f"{EXTRA[key]}: the printed box has no line to write the 24-hour number on"
