"""The printed guide (issue 4): the PDF of the whole guide, the questions
handout, and any single page printed from the browser.

Everything is read back from the real files: pypdf for structure (outline,
metadata, tags, links, font sizes), poppler (pdftotext, pdftoppm) for what a
reader sees.
"""
import html
import io
import math
import pathlib
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from conftest import (NAV_PAGES, ROOT, build_with_overlay, built_pdf, chapter_title, clean, h1_of, norm,
                      page_texts, squash)
from guidekit import config as guide_config
from guidekit import frontmatter
from guidekit.dates import as_date

import export_pdf

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
LETTER = (8.5 * 72, 11 * 72)
# Text of the site's chrome: present in every page's HTML, never on paper.
CHROME = ["Skip to content", "Initializing search", "Type to start searching",
          "Table of contents", "Switch to dark mode", "Switch to light mode",
          "Download the whole guide"]


# --- reading the config and the markdown -----------------------------------------

def config():
    """The guide's configuration, as MkDocs reads it (guidekit.config)."""
    return guide_config.load()


def print_site_options():
    return config().plugins["print-site"].config


def collapsed_block_sentences(md_file):
    """The first sentence of each `???` (collapsed) block of a page."""
    lines = (ROOT / "docs" / md_file).read_text(encoding="utf-8").splitlines()
    sentences = []
    for i, line in enumerate(lines):
        if line.startswith("??? "):
            body = next(l.strip() for l in lines[i + 1:] if l.strip())
            sentences.append(clean(re.split(r"(?<=[.!?])\s", body, maxsplit=1)[0]))
    return sentences


# --- reading PDFs -----------------------------------------------------------------

def outline_entries(reader):
    """[(depth, title, page number from 1)] in document order."""
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, norm(item.title), reader.get_destination_page_number(item) + 1))
    walk(reader.outline, 0)
    return found


def word_sizes(reader, pages):
    """(words at >= 11 pt, words below) outside the footer band of the pages."""
    counts = [0, 0]

    def visit(text, cm, tm, font, size):
        if not text.strip():
            return
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if y < 16 * MM:  # the running footer (title and page number)
            return
        pt = size * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
        counts[0 if pt >= 10.95 else 1] += len(text.split())

    for page in pages:
        reader.pages[page].extract_text(visitor_text=visit)
    return counts


def ink_per_page(pdf, dpi=20):
    """Dark pixels per page, above the footer band, from pdftoppm -gray."""
    import tempfile
    result = []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(pdf), f"{tmp}/p"], check=True)
        for f in sorted(pathlib.Path(tmp).glob("p-*.pgm"), key=lambda p: int(p.stem.split("-")[1])):
            data = f.read_bytes()
            magic, dims, maxval, pixels = data.split(b"\n", 3)
            w, h = map(int, dims.split())
            body = pixels[: w * int(h * 0.92)]  # leave out the footer band
            result.append(sum(1 for b in body if b < 160))
    return result


def size_of(reader, index=0):
    box = reader.pages[index].mediabox
    return float(box.width), float(box.height)


def same_size(a, b):
    return abs(a[0] - b[0]) < 2 and abs(a[1] - b[1]) < 2


def without_dates(data):
    data = re.sub(rb"/(CreationDate|ModDate)\s*\((?:\\.|[^\\)])*\)", b"", data)
    return re.sub(rb"/ID\s*\[[^\]]*\]", b"", data)


# --- fixtures ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def guide(site):
    return built_pdf(site, "file")


@pytest.fixture(scope="module")
def reader(guide):
    return PdfReader(str(guide))


@pytest.fixture(scope="module")
def texts(guide):
    return page_texts(guide)


@pytest.fixture(scope="module")
def handout(site):
    return built_pdf(site, "handout")


@pytest.fixture(scope="module")
def print_page_headings(site):
    """[(level, id, text)] of the chapters' h1 and h2 on the print page."""
    text = (site / "print_page.html").read_text(encoding="utf-8")
    # Sections left out of print (class print-site-plugin-ignore) have no bookmark.
    text = re.sub(r'<div class="print-site-plugin-ignore[^"]*">.*?</div>', "", text, flags=re.S)
    found = []
    for sec in re.finditer(r'<section class="print-page" id="([^"]+)"[^>]*>(.*?)</section>', text, re.S):
        for level, hid, inner in re.findall(r'<h([12]) id="([^"]+)"[^>]*>(.*?)</h\1>', sec.group(2), re.S):
            found.append((int(level), hid, norm(html.unescape(re.sub(r"<[^>]+>", "", inner)).replace("¶", ""))))
    assert found, "no chapter headings found on the print page"
    return found


@pytest.fixture(scope="module")
def exported_again(site, tmp_path_factory):
    """The built site, copied to another folder and exported there once more
    (the same paper; the guide and the handout): {file name: path}."""
    copy = tmp_path_factory.mktemp("again") / "site"
    shutil.copytree(site, copy)
    written = export_pdf.export(copy)
    assert written, "no Chromium for the export"
    return {p.name: p for p in written}


def print_from_browser(open_page, url, paper=LETTER):
    """Print a page as a reader would from Chromium: no background graphics,
    no export script, the reader's paper, Chromium's default margins
    (0.4 in). Returns a PdfReader and the bytes."""
    page = open_page(url).page
    page.evaluate("() => document.fonts.ready.then(() => true)")
    margin = "0.4in"
    data = page.pdf(width=f"{paper[0] / 72}in", height=f"{paper[1] / 72}in", print_background=False,
                    prefer_css_page_size=False,
                    margin={"top": margin, "right": margin, "bottom": margin, "left": margin})
    return PdfReader(io.BytesIO(data)), data


# --- the whole guide -------------------------------------------------------------

def test_page_count_is_sensible(reader):
    chapters = len(guide_config.chapters())
    # Cover, contents and a new page for every chapter; no runaway layout.
    assert chapters + 2 <= len(reader.pages) <= 150, len(reader.pages)


def test_cover_page(texts):
    cover = norm(texts[0])
    cfg = config()
    assert norm(print_site_options()["print_page_title"]) in cover
    assert norm(cfg["extra"]["disclaimer"]) in cover, "the disclaimer is not on the cover"
    assert norm(cfg["site_description"]) in cover, "the subtitle is not on the cover"
    newest = max(as_date(frontmatter.read(ROOT / "docs" / f)["last_reviewed"])
                 for f in guide_config.chapters())
    edition = f"{newest.day} {newest:%B %Y}"
    assert f"Edition: {edition}" in cover, f"edition date {edition} (newest last_reviewed) not on the cover"
    # No institution is configured, so none is named.
    assert "Questions about your care?" not in cover


def cover_text(site):
    page = (site / "print_page.html").read_text(encoding="utf-8")
    cover = re.search(r'<section id="print-site-cover-page">(.*?)</section>', page, re.S)
    assert cover, "no cover section on the print page"
    return norm(re.sub(r"<[^>]+>", " ", cover.group(1)))


def test_cover_gives_no_address_when_the_guide_has_none(site):
    """site_url is empty by default (the folder works at any path): no
    address is printed, so none can be wrong."""
    assert "Newest edition online" not in cover_text(site)


def test_cover_names_the_institution_and_a_set_edition(tmp_path):
    """With extra.institution and extra.pdf.edition set in an overlay, the
    cover names the hospital and shows that edition; with site_url, the
    address where the newest edition is (a paper copy has no other way to
    find it)."""
    result, _ = build_with_overlay(
        tmp_path,
        "site_url: https://guide.example.org/nsclc/\n"
        "extra:\n"
        "  institution:\n"
        "    name: Test Valley Cancer Centre\n"
        "    phone: 0100 000 0001\n"
        "    url: https://example.org/cancer\n"
        "    urgent_phone: 0100 000 0098\n"
        "  pdf:\n"
        "    edition: 2031-02-14\n")
    assert result.returncode == 0, result.stdout + result.stderr
    text = cover_text(tmp_path / "site")
    assert "Test Valley Cancer Centre" in text
    assert "Newest edition online: https://guide.example.org/nsclc/" in text
    assert "0100 000 0001" in text
    assert "Edition: 14 February 2031" in text
    # The hospital's 24-hour line is printed into "My care team".
    assert "My 24-hour line: 0100 000 0098" in text
    # With an address, the build writes a sitemap of the pages (without
    # one it writes none: overrides/hooks/lean_site.py).
    sitemap = (tmp_path / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://guide.example.org/nsclc/faq.html</loc>" in sitemap, sitemap[:300]


def test_outline_has_every_chapter_and_section(reader, print_page_headings):
    entries = outline_entries(reader)
    titles = [t for _, t, _ in entries]
    for level, _, text in print_page_headings:
        assert text in titles, f"no bookmark for {'chapter' if level == 1 else 'section'} '{text}'"
    # Chapters are top-level bookmarks, numbered, in the order of the nav.
    top = [t for depth, t, _ in entries if depth == 0]
    chapters = [chapter_title(f) for f in guide_config.chapters()]
    assert [t for t in top if t in chapters] == chapters


def test_chapters_numbered_in_nav_order(reader, texts):
    """Each chapter's H1 starts with its number; a chapter starts a page, or
    (when the page before would be mostly empty) follows on it."""
    entries = {t: page for depth, t, page in outline_entries(reader) if depth == 0}
    last = 0
    for md in guide_config.chapters():
        title = chapter_title(md)
        page = entries.get(title)
        assert page, f"no bookmark for '{title}'"
        assert page >= last, f"'{title}' is out of nav order"
        assert title in norm(texts[page - 1]), f"'{title}' is not on page {page}"
        last = page


def test_contents_list_has_page_numbers_that_match(reader, guide):
    entries = {t: page for depth, t, page in outline_entries(reader) if depth == 0}
    first_chapter = entries[chapter_title(guide_config.chapters()[0])]
    contents = norm(" ".join(page_texts(guide, layout=True)[1:first_chapter - 1]))
    assert contents.startswith(print_site_options().get("toc_title", "Contents"))
    for md in guide_config.chapters():
        title = chapter_title(md)
        m = re.search(re.escape(title) + r" (\d+)\b", contents)
        assert m, f"'{title}' is not in the contents list with a page number"
        assert int(m.group(1)) == entries[title], \
            f"contents says '{title}' is on page {m.group(1)}, it starts on page {entries[title]}"


def test_page_numbers_are_printed(reader, texts):
    total = len(reader.pages)
    assert f"Page 1 of {total}" not in norm(texts[0]), "the cover has a footer"
    for i, text in enumerate(texts[1:], start=2):
        assert f"Page {i} of {total}" in norm(text), f"no page number on page {i}"


def test_metadata(reader, site):
    cfg = config()
    meta = reader.metadata
    assert meta.title == print_site_options()["print_page_title"]
    assert meta.author and meta.author.strip()
    assert norm(meta.subject) == norm(cfg["site_description"])
    # The language the print page says it is in (theme.language is
    # "custom", the theme's English with a few words of the guide's).
    lang = re.search(r'<html\b[^>]*\blang="([^"]+)"', (site / "print_page.html").read_text(encoding="utf-8"))
    assert lang and re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)*", lang.group(1)), "the print page names no language"
    assert reader.trailer["/Root"]["/Lang"] == lang.group(1)


def test_tagged_for_accessibility(reader):
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    tree = root["/StructTreeRoot"].get_object()
    assert tree.get("/K"), "the structure tree is empty"
    assert root["/Lang"]


def test_no_site_chrome(site, texts):
    html_page = (site / "print_page.html").read_text(encoding="utf-8")
    text = norm(" ".join(texts))
    for chrome in CHROME:
        assert chrome not in text, f"site chrome '{chrome}' printed"
    # The checks above mean something: the print page does carry chrome.
    assert sum(c in html_page for c in CHROME) >= 4


def test_collapsed_blocks_printed_open(texts):
    sentences = collapsed_block_sentences("living-with-progression.md")
    assert sentences, "no ??? block in living-with-progression.md"
    text = norm(" ".join(texts))
    for sentence in sentences:
        assert sentence in text, f"collapsed block text missing: {sentence!r}"


def test_no_blank_page(guide):
    ink = ink_per_page(guide)
    blank = [i for i, n in enumerate(ink, start=1) if n < 15]
    assert not blank, f"pages without content: {blank} (dark pixels: {[ink[i - 1] for i in blank]})"


def test_body_text_at_least_11pt(reader):
    big, small = word_sizes(reader, range(2, len(reader.pages)))
    # Link addresses and labels inside figures may be smaller; body text,
    # admonitions, tables and collapsed blocks may not.
    assert small / (big + small) < 0.03, f"{small} of {big + small} words below 11 pt"


def test_internal_links_work(reader, texts, print_page_headings):
    """Every link inside the PDF lands on a destination that exists, and
    every chapter's entry in the contents list lands on its heading's page."""
    headings = {hid: text for _, hid, text in print_page_headings}
    named = reader.named_destinations
    landed = set()
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            dest = annot.get("/Dest")
            action = annot.get("/A")
            if dest is None and action is not None and action.get("/S") == "/GoTo":
                dest = action.get("/D")
            if dest is None:
                continue
            name = str(dest)
            assert name in named, f"link to a destination that does not exist: {name}"
            hid = name.lstrip("/")
            if hid in headings:
                target = reader.get_destination_page_number(named[name])
                assert headings[hid] in norm(texts[target]), \
                    f"link to #{hid} lands on page {target + 1}, which lacks its heading"
                landed.add(hid)
    missing = [hid for level, hid, text in print_page_headings if level == 1 and hid not in landed]
    assert not missing, f"chapters no link in the PDF goes to: {missing[:5]}"


def test_no_links_to_local_files(guide, handout):
    for pdf in (guide, handout):
        for page in PdfReader(str(pdf)).pages:
            for ref in page.get("/Annots") or []:
                action = ref.get_object().get("/A") or {}
                uri = str(action.get("/URI", ""))
                assert not uri.startswith("file:"), f"{pdf.name} links to a build folder: {uri}"


def test_external_links_show_their_address(reader, texts):
    uris = set()
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            action = ref.get_object().get("/A") or {}
            if action.get("/S") == "/URI" and str(action["/URI"]).startswith("http"):
                uris.add(str(action["/URI"]))
    assert uris, "no external links in the guide"
    # pdftotext drops the hyphen where an address breaks across lines at
    # one ("fda-grants-|accelerated"), so hyphens are compared away.
    text = squash(" ".join(texts)).replace("-", "")
    missing = [u for u in uris if squash(u).replace("-", "") not in text]
    assert not missing, f"addresses not printed: {missing[:5]}"


def test_a4_by_default(reader, handout):
    assert all(same_size(size_of(reader, i), A4) for i in range(len(reader.pages)))
    assert same_size(size_of(PdfReader(str(handout))), A4)


def test_same_content_same_pdf(site, exported_again):
    """The PDFs the build published and a second export of the published
    site, in another folder, differ only in their dates: the same site
    always gives the same PDFs, and the PDFs match the pages they sit
    beside. (US Letter is tested on the branded build, test_intranet.py.)"""
    assert len(exported_again) == 2, sorted(exported_again)
    for name, again in exported_again.items():
        a, b = (site / name).read_bytes(), again.read_bytes()
        assert without_dates(a) == without_dates(b), f"{name} differs between two exports"
        assert b"/CreationDate" in a  # the dates were there to remove


# --- the handout ---------------------------------------------------------------------

def test_handout_is_short_and_complete(handout):
    r = PdfReader(str(handout))
    texts = page_texts(handout)
    # The questions on two sheets; the urgent-care card on a third of its own
    # (tests/test_urgent_care.py reads it).
    card = next((i for i, t in enumerate(texts) if "Urgent help" in t), len(texts))
    assert 1 <= card <= 4, f"{handout.name}: the questions take {card} pages, at most 4 (two sheets)"
    assert len(r.pages) <= card + 2, f"{handout.name}: {len(r.pages)} pages; the card takes more than one sheet"
    handout_page = config()["extra"]["pdf"]["handout_page"]
    title = h1_of(handout_page)
    assert norm(texts[0]).startswith(title)
    assert "Questions" in r.metadata.title
    md = (ROOT / "docs" / handout_page).read_text(encoding="utf-8")
    # Every question and every notes space is there.
    questions = [clean(q) for q in re.findall(r"^- \[ \] (.+)$", md, re.M)]
    assert questions
    text = norm(" ".join(texts))
    for q in questions:
        assert q in text, f"question missing from the handout: {q}"
    assert text.count("My notes") == md.count("{ .notes }")
    # The disclaimer and the sources: one footer line on every page.
    extra_pdf = config()["extra"]["pdf"]
    footer = norm(extra_pdf["handout_footer"])
    sources = norm(extra_pdf["handout_sources"].format(chapter=guide_config.chapters().index(handout_page) + 1))
    assert re.search(r"chapter \d+", sources), f"extra.pdf.handout_sources names no chapter: {sources!r}"
    for i, page in enumerate(texts[:card], start=1):
        assert footer in norm(page) and sources in norm(page), \
            f"{handout.name} page {i}: no footer line (the disclaimer, and where the questions' sources are)"
    # The urgent-care sheet says where its own sources are: its pages'
    # footer is the disclaimer alone, not the questions' chapter.
    for i, page in enumerate(texts[card:], start=card + 1):
        assert footer in norm(page) and sources not in norm(page), \
            f"{handout.name} page {i} (the urgent-care sheet): its footer should be the disclaimer alone"
    for chrome in CHROME + ["Next:"]:
        assert chrome not in text
    assert not [i for i, n in enumerate(ink_per_page(handout), 1) if n < 15]


# --- a single page printed from the browser ------------------------------------------

def test_single_page_prints_clean(server, open_page):
    url = server + "next-treatment.html"
    r, data = print_from_browser(open_page, url)
    # The reader's paper is used (print.css does not force A4).
    assert all(same_size(size_of(r, i), LETTER) for i in range(len(r.pages)))
    text = norm(" ".join(p.extract_text() or "" for p in r.pages))
    assert h1_of("next-treatment.md") in text[:80], text[:120]
    for chrome in CHROME + ["Previous"]:
        assert chrome not in text, f"site chrome '{chrome}' printed"
    assert config()["site_name"] not in text, "the header's site name printed"
    big, small = word_sizes(r, range(len(r.pages)))
    assert small / (big + small) < 0.03, f"{small} of {big + small} words below 11 pt"
    # Page numbers in the corner (print.css @page).
    for i, page in enumerate(r.pages, start=1):
        lines = [l.strip() for l in (page.extract_text() or "").splitlines() if l.strip()]
        assert str(i) in lines, f"no page number on page {i}"


def test_single_page_prints_collapsed_blocks_open(server, open_page):
    r, _ = print_from_browser(open_page, server + "living-with-progression.html", paper=A4)
    assert all(same_size(size_of(r, i), A4) for i in range(len(r.pages)))
    text = norm(" ".join(p.extract_text() or "" for p in r.pages))
    for sentence in collapsed_block_sentences("living-with-progression.md"):
        assert sentence in text, f"collapsed block printed closed: {sentence!r}"


def test_a_page_printed_alone_says_where_it_came_from(server, open_page, new_tab, guide, handout):
    """A page printed from the browser ends with the address it was printed
    from (no site_url here: printed-from.js writes in the one the reader
    opened, without its ?query or #part). Without JavaScript the line is
    left out, not printed empty; the PDFs, whose cover says where the
    guide lives, have none."""
    url = server + "faq.html"
    r, _ = print_from_browser(open_page, url + "?q=fever#did-i-do-something-wrong")
    text = squash(" ".join(p.extract_text() or "" for p in r.pages))
    assert squash(f"Printed from: {url}") in text, "no 'Printed from' line with the page's address"
    assert "?q=" not in text and "fever#" not in text, "the printed address keeps its ?query or #part"
    page = new_tab(javascript=False).goto(url, settle=False).page  # nothing to settle without scripts
    data = page.pdf(width="8.5in", height="11in", print_background=False)
    bare = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    assert "Printed from" not in bare, "without JavaScript an empty 'Printed from' line prints"
    for pdf in (guide, handout):
        assert "Printedfrom" not in squash(" ".join(page_texts(pdf))), f"{pdf.name} has a 'Printed from' line"


def test_every_nav_page_has_print_rules(site):
    # print.css is linked from every page, so any page prints clean.
    for page in NAV_PAGES:
        assert 'assets/stylesheets/print.css?v=' in (site / page).read_text(encoding="utf-8"), page


# --- the post-processing alone (guidekit.pdf, no browser) ---------------------------

def handmade_pdf(site_dir):
    """A two-page PDF with what Chromium writes and guidekit.pdf repairs: a
    bookmark title without its space, links to files of site_dir and
    elsewhere, a named destination, table cells whose structure IDs are DOM
    node numbers."""
    site = pathlib.Path(site_dir).resolve().as_uri()
    objects = [
        "<< /Type /Catalog /Pages 2 0 R /Outlines 5 0 R /Dests 8 0 R /StructTreeRoot 9 0 R"
        " /MarkInfo << /Marked true >> >>",
        "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [12 0 R 13 0 R 14 0 R] >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        "<< /Type /Outlines /First 6 0 R /Last 6 0 R /Count 2 >>",
        "<< /Title (When treatment stops workingforadvanced cancer) /Parent 5 0 R /First 7 0 R"
        " /Last 7 0 R /Count 1 /Dest [3 0 R /Fit] >>",
        "<< /Title (Sideeffects) /Parent 6 0 R /Dest [4 0 R /Fit] >>",
        "<< /sec-a [4 0 R /XYZ 0 800 0] /top [3 0 R /XYZ 0 800 0] >>",
        "<< /Type /StructTreeRoot /K [10 0 R 11 0 R] /IDTree << /Names [(node00000561) 10 0 R] >> >>",
        "<< /Type /StructElem /S /TH /P 9 0 R /ID (node00000561) >>",
        "<< /Type /StructElem /S /TD /P 9 0 R /A << /O /Table /Headers [(node00000561)] >> >>",
        f"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI ({site}/faq.html#side-effects) >> >>",
        "<< /Type /Annot /Subtype /Link /Rect [0 20 10 30] /A << /S /URI /URI (file:///elsewhere/x.html) >> >>",
        "<< /Type /Annot /Subtype /Link /Rect [0 40 10 50] /A << /S /URI /URI (https://www.cancer.gov/) >> >>",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def finished(tmp_path, site_url="", **changes):
    from guidekit import pdf
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    args = dict(title="A guide", author="The editors", subject="About it", language="en-GB",
                keywords=["lung cancer", "NSCLC"],
                headings=["When treatment stops working for advanced cancer", "Side effects"],
                site_url=site_url)
    args.update(changes)
    out = pdf.finish(handmade_pdf(site), site / "out.pdf", **args)
    return PdfReader(str(out)), out


def link_uris(reader):
    return [str(ref.get_object()["/A"]["/URI"]) if "/A" in ref.get_object() else None
            for ref in reader.pages[0]["/Annots"]]


def test_destination_pages_read_from_named_destinations(tmp_path):
    from guidekit import pdf
    assert pdf.destination_pages(handmade_pdf(tmp_path)) == {"sec-a": 2, "top": 1}


def test_post_processing_sets_metadata_language_and_viewer_preferences(tmp_path):
    reader, _ = finished(tmp_path)
    meta = reader.metadata
    assert (meta.title, meta.author, meta.subject) == ("A guide", "The editors", "About it")
    assert meta["/Keywords"] == "lung cancer, NSCLC"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert root["/ViewerPreferences"].get_object()["/DisplayDocTitle"].value is True
    assert root["/PageMode"] == "/UseOutlines"


def test_post_processing_repairs_bookmark_titles(tmp_path):
    reader, _ = finished(tmp_path)
    top = reader.outline
    assert top[0].title == "When treatment stops working for advanced cancer"
    assert top[1][0].title == "Side effects"


def test_post_processing_points_local_links_at_the_published_site(tmp_path):
    reader, _ = finished(tmp_path, site_url="https://guide.example.org/nsclc/")
    # The link into the site goes to the published page; one to a file
    # outside the site is dropped; a web address stays.
    assert link_uris(reader) == ["https://guide.example.org/nsclc/faq.html#side-effects", None,
                                 "https://www.cancer.gov/"]


def test_post_processing_drops_local_links_without_a_site_url(tmp_path):
    reader, _ = finished(tmp_path, site_url="")
    assert link_uris(reader) == [None, None, "https://www.cancer.gov/"]


def test_post_processing_renumbers_structure_ids(tmp_path):
    reader, _ = finished(tmp_path)
    tree = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    th, td = (kid.get_object() for kid in tree["/K"])
    assert th["/ID"] == "id00001"
    assert list(td["/A"]["/Headers"]) == ["id00001"]
    names = tree["/IDTree"].get_object()["/Names"]
    assert names[0] == "id00001" and names[1].get_object()["/S"] == "/TH"
    assert b"node00000561" not in (tmp_path / "site" / "out.pdf").read_bytes()


def test_post_processing_same_input_same_bytes(tmp_path):
    _, first = finished(tmp_path)
    a = first.read_bytes()
    _, second = finished(tmp_path)
    assert second.read_bytes() == a
    assert not list((tmp_path / "site").glob("*.tmp")), "a temporary file was left behind"
