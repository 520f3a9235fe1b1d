"""What the PDF export does to a PDF after Chromium printed it: pure pypdf
work, no browser, so it can be tested on its own (tests/test_pdf.py).

- destination_pages(): the page of each named destination (the contents
  list's page numbers come from these);
- finish(): metadata, language, viewer preferences, bookmark titles repaired,
  links to local files turned into links to site_url (or dropped), and the
  structure tree's IDs renumbered, so the same site gives the same PDF but
  for its dates.

Only pypdf's public API is used (PdfWriter.root_object, viewer_preferences,
page_mode, add_metadata).
"""
import io
import os
import pathlib
from html import escape
from urllib.parse import unquote, urljoin, urlsplit

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, DictionaryObject, IndirectObject, NameObject,
                           TextStringObject)

CREATOR = "MkDocs, Material for MkDocs, Chromium"


def footer(title):
    """Chromium's footer template: the guide's title, and Page N of M."""
    return ('<div style="font-family:system-ui,Arial,\'DejaVu Sans\',sans-serif;font-size:8.5pt;color:#333;'
            'width:100%;margin:0 16mm;display:flex;justify-content:space-between;gap:8mm">'
            f'<span>{escape(title)}</span>'
            '<span style="white-space:nowrap">Page <span class="pageNumber"></span> '
            'of <span class="totalPages"></span></span></div>')


def destination_pages(pdf_bytes):
    """{anchor id: page number (1-based)} from the PDF's named destinations."""
    reader = PdfReader(io.BytesIO(pdf_bytes))
    pages = {}
    for name, dest in reader.named_destinations.items():
        try:
            pages[str(name).lstrip("/")] = reader.get_destination_page_number(dest) + 1
        except Exception:  # a destination on no page: not a contents entry
            continue
    return pages


def fix_outline_titles(writer, headings):
    """Chromium drops the spaces at line breaks in bookmark titles
    ("...treatment foradvanced lung cancer..."). Put back each heading's
    own text, matched by its letters without the spaces."""
    by_letters = {}
    for text in headings:
        by_letters.setdefault("".join(text.split()), text)
    outlines = writer.root_object.get("/Outlines")
    stack = [outlines.get_object().get("/First")] if outlines else []
    while stack:
        ref = stack.pop()
        while ref is not None:
            item = ref.get_object()
            title = str(item.get("/Title", ""))
            fixed = by_letters.get("".join(title.split()))
            if fixed and fixed != title:
                item[NameObject("/Title")] = TextStringObject(fixed)
            if "/First" in item:
                stack.append(item["/First"])
            ref = item.get("/Next")


def fix_local_links(writer, site_dir, site_url):
    """A page printed on its own (the handout) links to other pages as
    file:// addresses of the build folder, which mean nothing to a reader.
    With site_url set they point at the published page; without it the link
    is dropped (its text stays)."""
    root = pathlib.Path(site_dir).resolve()
    for page in writer.pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            action = annot.get("/A")
            if not action or action.get("/S") != "/URI":
                continue
            uri = str(action.get("/URI"))
            if not uri.startswith("file:"):
                continue
            parts = urlsplit(uri)
            try:
                rel = pathlib.Path(unquote(parts.path)).resolve().relative_to(root).as_posix()
            except ValueError:
                rel = None
            if site_url and rel is not None:
                target = urljoin(site_url.rstrip("/") + "/", rel)
                if parts.fragment:
                    target += "#" + parts.fragment
                action[NameObject("/URI")] = TextStringObject(target)
            else:
                del annot["/A"]


def stable_struct_ids(writer):
    """Chromium names table headers in the structure tree after its DOM node
    numbers (/ID (node00000561)), which vary from run to run. Renumber them in
    document order, with the cells' /Headers and the /IDTree to match, so the
    same site always gives the same PDF."""
    tree = writer.root_object.get("/StructTreeRoot")
    if tree is None:
        return
    tree = tree.get_object()
    elements = []  # (indirect reference or None, element) in document order
    stack = [tree.get("/K")]
    while stack:
        kid = stack.pop()
        if kid is None:
            continue
        ref = kid if isinstance(kid, IndirectObject) else None
        node = kid.get_object()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict) and "/S" in node:
            elements.append((ref, node))
            stack.append(node.get("/K"))
    renamed = {}
    for ref, node in elements:
        if "/ID" in node:
            new = f"id{len(renamed) + 1:05d}"
            renamed[str(node["/ID"])] = (new, ref)
            node[NameObject("/ID")] = TextStringObject(new)
    if not renamed:
        return
    for _, node in elements:
        attrs = node.get("/A")
        if attrs is None:
            continue
        attrs = attrs.get_object()
        for attr in (attrs if isinstance(attrs, list) else [attrs]):
            attr = attr.get_object()
            if isinstance(attr, dict) and "/Headers" in attr:
                attr[NameObject("/Headers")] = ArrayObject(
                    TextStringObject(renamed.get(str(h), (str(h),))[0]) for h in attr["/Headers"])
    names = ArrayObject()
    for new, ref in sorted(renamed.values()):
        if ref is not None:
            names.extend([TextStringObject(new), ref])
    # Rewrite the ID tree in place: every old node emptied (the writer keeps
    # them as objects even when nothing refers to them), the root holding all.
    old = tree.get("/IDTree")
    if old is None:
        # A name tree's root may be a direct dictionary.
        tree[NameObject("/IDTree")] = DictionaryObject({NameObject("/Names"): names})
        return
    old = old.get_object()
    nodes = [old]
    for node in nodes:
        nodes.extend(kid.get_object() for kid in node.get("/Kids", []))
    for node in nodes:
        node.clear()
    old[NameObject("/Names")] = names


def finish(pdf_bytes, pdf_path, *, title, author, subject, language, keywords, headings=(),
           site_url="", site_dir=None):
    """Write pdf_bytes to pdf_path with the document's metadata, language and
    bookmark titles set (see the module's docstring). Links to files under
    site_dir (default: pdf_path's folder) are rewritten. The output depends
    only on its input (pypdf adds no random /ID); the file is replaced
    atomically."""
    pdf_path = pathlib.Path(pdf_path)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes)))
    if not isinstance(keywords, str):
        keywords = ", ".join(keywords or [])
    writer.add_metadata({
        "/Title": title, "/Author": author, "/Subject": subject,
        "/Keywords": keywords, "/Creator": CREATOR,
    })
    writer.root_object[NameObject("/Lang")] = TextStringObject(language)
    # Show the document title (not the file name) in PDF readers' title bars,
    # and open with the bookmarks shown.
    prefs = writer.viewer_preferences or writer.create_viewer_preferences()
    prefs.display_doctitle = True
    if "/Outlines" in writer.root_object:
        writer.page_mode = "/UseOutlines"
    fix_outline_titles(writer, headings)
    fix_local_links(writer, site_dir or pdf_path.parent, site_url)
    stable_struct_ids(writer)
    tmp = pdf_path.with_name(f".{pdf_path.name}.tmp")
    try:
        with open(tmp, "wb") as fh:
            writer.write(fh)
        os.replace(tmp, pdf_path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return pdf_path
