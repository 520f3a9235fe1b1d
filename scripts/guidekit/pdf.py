"""What the PDF export does to a PDF after Chromium printed it: pure pypdf
work, no browser, so it can be tested on its own (tests/test_pdf.py).

- destination_pages(): the page of each named destination (the contents
  list's page numbers come from these);
- page_fill(), page_count(): how far down each page the printed content
  reaches (the export lets a chapter follow on a nearly empty page);
- page_text(): one page's text (the export checks that the contents list
  starts on page 2, after a cover of one page);
- finish(): metadata, language, viewer preferences, bookmark titles repaired,
  links to local files turned into links to site_url (or dropped), the
  running footers drawn (stamp_footers), the structure tree's IDs
  renumbered (so the same site gives the same PDF but for its dates), and
  what PDF/UA-1 asks that Chromium's tagged output lacks (make_accessible):
  XMP metadata naming PDF/UA part 1, a RoleMap for the tags PDF 1.7 does not
  define, /Alt on every Figure, an LBody in every list item, /Contents on
  every link annotation, and tab order by structure.

Only pypdf's public API is used (PdfWriter.root_object, viewer_preferences,
page_mode, add_metadata, xmp_metadata, PageObject.merge_page and
replace_contents, ContentStream.operations, PdfObject.clone).
"""
import io
import os
import pathlib
import re
from html import escape
from urllib.parse import unquote, urljoin, urlsplit

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, ContentStream, DictionaryObject, IndirectObject,
                           NameObject, TextStringObject)

CREATOR = "MkDocs, Material for MkDocs, Chromium"
# The page margins the export prints with (points), for page_fill.
TOP_MARGIN = 0.63 * 72
BOTTOM_MARGIN = 0.71 * 72
# The structure types of PDF 1.7 (ISO 32000-1, 14.8.4); any other a file uses
# must be mapped to one of them (PDF/UA-1, 7.1). Chromium writes these two
# PDF 2.0 types for <strong> and <em>.
STANDARD_TYPES = set("""Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct
Private P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note
Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP Figure Formula Form""".split())
ROLE_MAP = {"Strong": "Span", "Em": "Span", "Mark": "Span", "Sub": "Span", "Title": "H1",
            "FENote": "Note", "Aside": "Div"}


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


def page_count(pdf_bytes):
    return len(PdfReader(io.BytesIO(pdf_bytes)).pages)


def page_text(pdf_bytes, index):
    """The text of one page (0-based), its white space collapsed; "" for a
    page the PDF lacks."""
    reader = PdfReader(io.BytesIO(pdf_bytes))
    if not 0 <= index < len(reader.pages):
        return ""
    return " ".join(reader.pages[index].extract_text().split())


# page_fill reads content streams with these (PDF 1.7, 7.8 and 9.4) rather
# than pypdf's extract_text, which decodes every glyph: a tenth of the time
# (the guide: 0.6 s against 5 s for its 101 pages), the same fills.
# Strings and inline images are blanked first, so that their bytes are never
# read as operators. _STRING is a string with no string in it (brackets in a
# string come in pairs or escaped): drawn_heights blanks the innermost first.
_STRING = re.compile(rb"\((?:\\.|[^\\()])*\)", re.S)
_INLINE_IMAGE = re.compile(rb"(?<![^\s])BI\s.*?\sID\s.*?\sEI(?=\s|\Z)", re.S)
# The operators that move the drawing or show text or an image; each starts
# after white space or a delimiter and ends before one.
_OPERATOR = re.compile(rb"(?<![^\s\])>])(cm|Tm|Td|TD|TL|T\*|q|Q|BT|Tj|TJ|'|\"|Do)(?=[\s\[(</]|\Z)")
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _times(m, n):
    """The matrix product m x n, matrices as PDF writes them (a b c d e f)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _operands(data, end, count):
    """The count numbers written just before data[end] (an operator's)."""
    found = data[max(0, end - 40 * count):end].split()[-count:]
    try:
        if len(found) == count:
            return [float(x) for x in found]
    except ValueError:
        pass
    raise ValueError(f"a content stream operator at byte {end} lacks its {count} operands "
                     f"(found {b' '.join(found).decode('latin-1')!r})")


def drawn_heights(content):
    """From a page's content stream (bytes): the height above the page's
    foot of each line of text (its baseline, where a text-showing operator
    starts) and of the foot of each image or form drawn (as the unit square
    under the current matrix). Every text-showing operator counts, including
    one that shows only spaces."""
    data = _INLINE_IMAGE.sub(b" ", content)
    while True:  # innermost first: a string may hold a pair of brackets
        data, n = _STRING.subn(b"<>", data)
        if not n:
            break
    cm, tm, line, leading, saved, heights = _IDENTITY, _IDENTITY, _IDENTITY, 0.0, [], []
    for match in _OPERATOR.finditer(data):
        op, at = match.group(1), match.start()
        if op == b"cm":
            cm = _times(_operands(data, at, 6), cm)
        elif op == b"q":
            saved.append(cm)
        elif op == b"Q":
            cm = saved.pop() if saved else cm
        elif op == b"BT":
            tm = line = _IDENTITY
        elif op == b"Tm":
            tm = line = tuple(_operands(data, at, 6))
        elif op in (b"Td", b"TD"):
            x, y = _operands(data, at, 2)
            if op == b"TD":
                leading = -y
            tm = line = _times((1, 0, 0, 1, x, y), line)
        elif op == b"TL":
            leading = _operands(data, at, 1)[0]
        elif op == b"Do":
            heights.append(cm[5] + min(cm[3], 0))
        else:  # T*, ' and " go to the next line; all but T* show text
            if op in (b"T*", b"'", b'"'):
                tm = line = _times((1, 0, 0, 1, 0, -leading), line)
            if op != b"T*":
                heights.append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])
    return heights


def page_fill(pdf_bytes, indexes=None):
    """{page index (0-based): how far down its text area the content reaches
    (0 to 1)}: the lowest text or image above the bottom margin (boxes are
    left out: Chromium paints each page's white background as one). Only the
    pages in indexes when given."""
    reader = PdfReader(io.BytesIO(pdf_bytes))
    wanted = range(len(reader.pages)) if indexes is None else sorted(
        {i for i in indexes if 0 <= i < len(reader.pages)})
    fills = {}
    for index in wanted:
        page = reader.pages[index]
        contents = page.get_contents()
        height = float(page.mediabox.height)
        drawn = drawn_heights(contents.get_data() if contents is not None else b"")
        area = height - TOP_MARGIN - BOTTOM_MARGIN
        lowest = min([y for y in drawn if y >= BOTTOM_MARGIN - 2] or [height])
        fills[index] = max(0.0, min(1.0, (height - TOP_MARGIN - lowest) / area))
    return fills


def stamp_footers(writer, sheet_bytes):
    """Draw each page of sheet_bytes (blank but for a footer) over the same
    page of writer, marked as a pagination artifact (not part of the text a
    screen reader reads)."""
    sheet = PdfWriter(clone_from=PdfReader(io.BytesIO(sheet_bytes)))
    if len(sheet.pages) != len(writer.pages):
        raise ValueError(f"the footer sheet has {len(sheet.pages)} pages, the PDF "
                         f"{len(writer.pages)}")
    for page, footer in zip(writer.pages, sheet.pages):
        content = ContentStream(footer.get_contents(), sheet)
        ops = content.operations
        if not ops:
            continue
        props = DictionaryObject({NameObject("/Type"): NameObject("/Pagination"),
                                  NameObject("/Subtype"): NameObject("/Footer")})
        content.operations = ([([NameObject("/Artifact"), props], b"BDC")] + ops + [([], b"EMC")])
        footer.replace_contents(content)
        page.merge_page(footer)
        page.compress_content_streams()  # merge_page leaves them uncompressed


def _kids(node):
    kids = node.get("/K")
    if kids is None:
        return []
    if isinstance(kids, IndirectObject) and isinstance(kids.get_object(), list):
        kids = kids.get_object()
    return list(kids) if isinstance(kids, list) else [kids]


def _elements(tree):
    """(reference, element) of every structure element, in document order."""
    found, stack = [], list(reversed(_kids(tree)))
    while stack:
        kid = stack.pop()
        if not isinstance(kid, IndirectObject):
            continue  # marked-content ids and direct references
        node = kid.get_object()
        if isinstance(node, dict) and node.get("/Type") in (None, "/StructElem") and "/S" in node:
            found.append((kid, node))
            stack.extend(reversed(_kids(node)))
    return found


def _text_of(element):
    """The /Alt or /ActualText of an element or of the first descendant that has one."""
    stack = [element]
    while stack:
        node = stack.pop(0)
        for key in ("/Alt", "/ActualText"):
            if node.get(key):
                return str(node[key])
        stack.extend(k.get_object() for k in _kids(node) if isinstance(k, IndirectObject)
                     and isinstance(k.get_object(), dict) and "/S" in k.get_object())
    return ""


XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>
   <pdf:Keywords>{keywords}</pdf:Keywords>
   <xmp:CreatorTool>{creator}</xmp:CreatorTool>
   <pdfuaid:part>1</pdfuaid:part>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def make_accessible(writer, *, title, author, subject, language, keywords):
    """What PDF/UA-1 asks that Chromium's tagged PDF lacks (see the module's
    docstring). Returns what it changed, by kind, for the tests and reports."""
    changed = {"rolemap": 0, "figure_alt": 0, "figure_regrouped": 0, "lbody": 0,
               "link_contents": 0}
    writer.xmp_metadata = XMP.format(
        title=escape(title), author=escape(author), subject=escape(subject),
        language=escape(language), keywords=escape(keywords), creator=escape(CREATOR)).encode()
    # pypdf writes the stream bare; a metadata stream names its type (PDF 1.7,
    # 14.3.2; without it poppler warns "Unknown Metadata type").
    stream = writer.root_object["/Metadata"].get_object()
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    for page in writer.pages:
        if page.get("/Annots"):
            page[NameObject("/Tabs")] = NameObject("/S")
    tree = writer.root_object.get("/StructTreeRoot")
    if tree is None:
        return changed
    tree = tree.get_object()
    elements = _elements(tree)
    # The parent tree: key -> (its /Nums array, index of the value); a page's
    # value is an array (marked-content id -> element), an annotation's the
    # element itself. Entries move with content that moves into an LBody.
    parents = {}
    nums = tree.get("/ParentTree")
    if nums is not None:
        stack = [nums.get_object()]
        while stack:
            node = stack.pop()
            stack.extend(k.get_object() for k in node.get("/Kids", []))
            pairs = node.get("/Nums")
            if pairs is not None:
                pairs = pairs.get_object()
                for i in range(0, len(pairs) - 1, 2):
                    parents[int(pairs[i])] = (pairs, i + 1)
    # 1. Tags PDF 1.7 does not define are mapped to ones it does.
    role_map = tree.get("/RoleMap")
    role_map = role_map.get_object() if role_map is not None else DictionaryObject()
    for _, node in elements:
        kind = str(node["/S"]).lstrip("/")
        if kind not in STANDARD_TYPES and f"/{kind}" not in role_map:
            role_map[NameObject(f"/{kind}")] = NameObject("/" + ROLE_MAP.get(kind, "Span"))
            changed["rolemap"] += 1
    if role_map:
        tree[NameObject("/RoleMap")] = role_map
    for ref, node in elements:
        kind = node["/S"]
        # 2. Figures: a <figure> around a described image and its caption is
        # a group (Div), not a second picture; any other gets the text of
        # what it holds.
        if kind == "/Figure" and not node.get("/Alt"):
            inner = [k.get_object() for k in _kids(node) if isinstance(k, IndirectObject)
                     and isinstance(k.get_object(), dict) and k.get_object().get("/S") == "/Figure"]
            if inner or any(isinstance(k, IndirectObject) and isinstance(k.get_object(), dict)
                            and k.get_object().get("/S") == "/Caption" for k in _kids(node)):
                node[NameObject("/S")] = NameObject("/Div")
                changed["figure_regrouped"] += 1
            else:
                node[NameObject("/Alt")] = TextStringObject(_text_of(node) or "Figure")
                changed["figure_alt"] += 1
        # 3. A list item: its label (Lbl), then its body (LBody).
        elif kind == "/LI":
            kids = _kids(node)
            kinds = [k.get_object().get("/S") if isinstance(k, IndirectObject)
                     and isinstance(k.get_object(), dict) else None for k in kids]
            if "/LBody" in kinds:
                continue
            body_kids = [k for k, t in zip(kids, kinds) if t != "/Lbl"]
            if not body_kids:
                continue
            # A new indirect object through the public clone(); then made an LBody.
            body = node.clone(writer, force_duplicate=True,
                              ignore_fields=[k for k in node.keys() if k not in ("/Type", "/S")])
            body[NameObject("/S")] = NameObject("/LBody")
            body[NameObject("/P")] = ref
            if "/Pg" in node:
                body[NameObject("/Pg")] = node["/Pg"]
            body[NameObject("/K")] = ArrayObject(body_kids)
            body_ref = body.indirect_reference
            for kid in body_kids:
                obj = kid.get_object() if isinstance(kid, IndirectObject) else kid
                if isinstance(obj, dict) and "/S" in obj:
                    obj[NameObject("/P")] = body_ref
                elif isinstance(obj, dict) and obj.get("/Type") == "/OBJR":
                    key = obj["/Obj"].get_object().get("/StructParent")
                    if key is not None and int(key) in parents:
                        array, i = parents[int(key)]
                        array[i] = body_ref
                else:
                    mcid = int(obj.get("/MCID")) if isinstance(obj, dict) else int(obj)
                    page_ref = (obj.get("/Pg") if isinstance(obj, dict) else None) or node.get("/Pg")
                    key = page_ref.get_object().get("/StructParents") if page_ref is not None else None
                    if key is None or int(key) not in parents:
                        continue
                    array, i = parents[int(key)]
                    table = array[i].get_object()
                    if isinstance(table, list) and mcid < len(table):
                        table[mcid] = body_ref
            new_kids = ArrayObject([k for k, t in zip(kids, kinds) if t == "/Lbl"] + [body_ref])
            node[NameObject("/K")] = new_kids
            changed["lbody"] += 1
    # 4. Every link says where it goes.
    for page in writer.pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Link" or annot.get("/Contents"):
                continue
            action = annot.get("/A") or {}
            if action.get("/S") == "/URI":
                text = f"Link to {action['/URI']}"
            else:
                text = "Link to another part of this document"
            annot[NameObject("/Contents")] = TextStringObject(text)
            changed["link_contents"] += 1
    return changed


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
           site_url="", site_dir=None, footers=None):
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
    if footers:
        stamp_footers(writer, footers)
    stable_struct_ids(writer)
    make_accessible(writer, title=title, author=author, subject=subject, language=language,
                    keywords=keywords)
    tmp = pdf_path.with_name(f".{pdf_path.name}.tmp")
    try:
        with open(tmp, "wb") as fh:
            writer.write(fh)
        os.replace(tmp, pdf_path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return pdf_path
