#!/usr/bin/env python3
"""Print the guide to PDF with headless Chromium: the whole guide from the
print page, and the "Questions to ask" page as a short handout.

    python3 scripts/export_pdf.py [SITE_DIR] [--paper a4|letter]

SITE_DIR defaults to site/. The files are written into SITE_DIR with the names
set in mkdocs.yml (extra.pdf.file and extra.pdf.handout). Chromium is found on
the PATH (chromium, chromium-browser, google-chrome) or through $CHROMIUM.
It is driven over the DevTools protocol on a pipe (no driver, no network
port), with every host name resolving to nothing, so no request can leave
the machine; requests that are not file:// are also blocked and reported.

What the export adds to what print.css does:
- every collapsed block opened, and a footer with the title and "Page N of M";
- page numbers in the contents list: printed once, the link targets' pages
  are read back and written into the list, then printed again;
- after printing, pypdf sets the metadata (title, author, subject, keywords,
  language), repairs the bookmarks' titles (Chromium drops the spaces at line
  breaks), turns links to local files into links to site_url (or drops
  them), and renumbers the structure tree's IDs, so the same site always
  gives the same PDF apart from its dates.
"""
import argparse
import base64
import fcntl
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from bootstrap import find_chromium  # noqa: E402

PAPER = {  # inches, as the DevTools protocol wants them
    "a4": (8.27, 11.69),
    "letter": (8.5, 11.0),
}
NO_CHROMIUM = (
    "No Chromium or Chrome was found, so the PDF was not made (the HTML site is complete).\n"
    "To get the PDF: install Chromium (on Debian, as root: apt-get install -y chromium),\n"
    "or set CHROMIUM=/path/to/chrome, then run: python3 scripts/export_pdf.py site"
)


class ExportError(RuntimeError):
    pass


class Chromium:
    """A headless Chromium driven over --remote-debugging-pipe (fd 3 in, fd 4 out)."""

    def __init__(self, binary):
        self.profile = tempfile.mkdtemp(prefix="guide-pdf-chromium-")
        to_chrome_r, self._w = os.pipe()
        self._r, from_chrome_w = os.pipe()

        def fds():
            # Move both ends above 4 first: a pipe end may already be 3 or 4,
            # and dup2 onto itself would leave it close-on-exec.
            a = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--no-default-browser-check", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--disable-extensions",
             "--disable-dev-shm-usage", "--mute-audio", "--allow-file-access-from-files",
             f"--user-data-dir={self.profile}", '--host-resolver-rules=MAP * ~NOTFOUND',
             "--remote-debugging-pipe", "about:blank"],
            preexec_fn=fds, close_fds=False,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""
        self._id = 0
        self.events = []

    def _read_message(self, deadline):
        while b"\0" not in self._buf:
            if time.monotonic() > deadline:
                raise ExportError("Chromium did not answer in time")
            chunk = os.read(self._r, 1 << 20)
            if not chunk:
                raise ExportError("Chromium closed the connection (did it start?)")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def post(self, method, params=None, session=None):
        """Send a command without waiting for its reply; return its id."""
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        return self._id

    def send(self, method, params=None, session=None, timeout=120):
        self.post(method, params, session)
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise ExportError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            self.events.append(reply)

    def next_event(self, deadline):
        """The next event: first those that arrived while waiting for a reply."""
        if self.events:
            return self.events.pop(0)
        return self._read_message(deadline)

    def close(self):
        try:
            self.send("Browser.close", timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        for fd in (self._r, self._w):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def open(self, url):
        """Load url (file://) in a new tab, open every collapsed block and wait
        for images and fonts. Returns (target, session, blocked requests)."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.send("Page.enable", session=session)
        # Anything that is not a local file is refused, and listed.
        self.send("Fetch.enable", {"patterns": [{"urlPattern": "*"}]}, session=session)
        # Not waited for: its reply comes only once the paused request goes on.
        self.post("Page.navigate", {"url": url}, session=session)
        blocked = []
        deadline = time.monotonic() + 90
        while True:
            ev = self.next_event(deadline)
            method = ev.get("method")
            if ev.get("sessionId") != session or "id" in ev:
                continue
            if method == "Fetch.requestPaused":
                req = ev["params"]
                if req["request"]["url"].startswith(("file:", "data:")):
                    self.send("Fetch.continueRequest", {"requestId": req["requestId"]}, session=session)
                else:
                    blocked.append(req["request"]["url"])
                    self.send("Fetch.failRequest", {"requestId": req["requestId"],
                                                    "errorReason": "BlockedByClient"}, session=session)
            elif method == "Page.loadEventFired":
                break
        # Open every collapsed block, drop the corner page number of
        # print.css (the PDF has its own footer), wait for images and fonts.
        self.evaluate(session, PREPARE, await_promise=True)
        self.send("Fetch.disable", session=session)
        return target, session, blocked

    def evaluate(self, session, expression, await_promise=False):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": await_promise}, session=session)
        if "exceptionDetails" in result:
            raise ExportError(f"script failed in the page: {result['exceptionDetails'].get('text')}")
        return result.get("result", {}).get("value")

    def pdf(self, session, paper, footer_title):
        width, height = PAPER[paper]
        result = self.send("Page.printToPDF", {
            "paperWidth": width, "paperHeight": height,
            "marginTop": 0.63, "marginBottom": 0.71, "marginLeft": 0.63, "marginRight": 0.63,
            "printBackground": True, "preferCSSPageSize": False,
            "displayHeaderFooter": True,
            "headerTemplate": "<span></span>",
            "footerTemplate": footer(footer_title),
            "generateTaggedPDF": True, "generateDocumentOutline": True,
        }, session=session, timeout=180)
        return base64.b64decode(result["data"])

    def close_target(self, target):
        self.send("Target.closeTarget", {"targetId": target})
        self.events.clear()


# Run in the page before printing.
PREPARE = """
document.querySelectorAll('details').forEach(d => d.open = true);
const style = document.createElement('style');
style.textContent = '@page { @bottom-right { content: none } }';
document.head.appendChild(style);
Promise.all([document.fonts.ready, ...Array.from(document.images)
  .filter(i => !i.complete).map(i => new Promise(r => { i.onload = i.onerror = r; }))])
  .then(() => true)
"""

# The headings' text as the reader sees it (for the bookmarks' titles).
HEADINGS = """
Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6')).map(h => {
  const c = h.cloneNode(true);
  c.querySelectorAll('.headerlink').forEach(a => a.remove());
  return c.textContent.replace(/\\s+/g, ' ').trim();
})
"""

# Write page numbers into the contents list (print.css shows data-page).
# Returns how many changed, so the caller knows when they have settled.
SET_TOC_PAGES = """
((pages) => {
  let changed = 0;
  document.querySelectorAll('#print-page-toc a[href^="#"]').forEach(a => {
    const page = pages[decodeURIComponent(a.getAttribute('href').slice(1))];
    if (page !== undefined && a.dataset.page !== String(page)) {
      a.dataset.page = String(page);
      changed += 1;
    }
  });
  return changed;
})
"""


def footer(title):
    """Chromium's footer template: the guide's title, and Page N of M."""
    from html import escape
    return ('<div style="font-family:system-ui,Arial,\'DejaVu Sans\',sans-serif;font-size:8.5pt;color:#333;'
            'width:100%;margin:0 16mm;display:flex;justify-content:space-between;gap:8mm">'
            f'<span>{escape(title)}</span>'
            '<span style="white-space:nowrap">Page <span class="pageNumber"></span> '
            'of <span class="totalPages"></span></span></div>')


def destination_pages(pdf_bytes):
    """{anchor id: page number (1-based)} from the PDF's named destinations."""
    import io
    from pypdf import PdfReader
    reader = PdfReader(io.BytesIO(pdf_bytes))
    pages = {}
    for name, dest in reader.named_destinations.items():
        try:
            pages[str(name).lstrip("/")] = reader.get_destination_page_number(dest) + 1
        except Exception:
            continue
    return pages


def _fix_outline_titles(writer, headings):
    """Chromium drops the spaces at line breaks in bookmark titles
    ("...treatment foradvanced lung cancer..."). Put back each heading's
    own text, matched by its letters without the spaces."""
    from pypdf.generic import NameObject, TextStringObject

    by_letters = {}
    for text in headings:
        by_letters.setdefault("".join(text.split()), text)
    outlines = writer._root_object.get("/Outlines")
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


def _fix_local_links(writer, site_dir, site_url):
    """A page printed on its own (the handout) links to other pages as
    file:// addresses of the build folder, which mean nothing to a reader.
    With site_url set they point at the published page; without it the link
    is dropped (its text stays)."""
    from urllib.parse import unquote, urljoin, urlsplit
    from pypdf.generic import NameObject, TextStringObject

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


def _stable_struct_ids(writer):
    """Chromium names table headers in the structure tree after its DOM node
    numbers (/ID (node00000561)), which vary from run to run. Renumber them in
    document order, with the cells' /Headers and the /IDTree to match, so the
    same site always gives the same PDF."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, TextStringObject

    tree = writer._root_object.get("/StructTreeRoot")
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
        tree[NameObject("/IDTree")] = writer._add_object(DictionaryObject({NameObject("/Names"): names}))
        return
    old = old.get_object()
    nodes = [old]
    for node in nodes:
        nodes.extend(kid.get_object() for kid in node.get("/Kids", []))
    for node in nodes:
        node.clear()
    old[NameObject("/Names")] = names


def set_metadata(pdf_bytes, pdf_path, title, author, subject, language, keywords, headings=(),
                 site_url=""):
    """Write pdf_bytes to pdf_path with the document's metadata, language and
    bookmark titles set. The output depends only on its input (pypdf adds no
    random /ID), so the same site gives the same PDF but for its dates."""
    import io
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import BooleanObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes)))
    writer.add_metadata({
        "/Title": title, "/Author": author, "/Subject": subject,
        "/Keywords": keywords, "/Creator": "MkDocs, Material for MkDocs, Chromium",
    })
    writer._root_object[NameObject("/Lang")] = TextStringObject(language)
    # Show the document title (not the file name) in PDF readers' title bars,
    # and open with the bookmarks shown.
    prefs = writer._root_object.get("/ViewerPreferences") or DictionaryObject()
    prefs[NameObject("/DisplayDocTitle")] = BooleanObject(True)
    writer._root_object[NameObject("/ViewerPreferences")] = prefs
    if "/Outlines" in writer._root_object:
        writer._root_object[NameObject("/PageMode")] = NameObject("/UseOutlines")
    _fix_outline_titles(writer, headings)
    _fix_local_links(writer, pdf_path.parent, site_url)
    _stable_struct_ids(writer)
    tmp = pdf_path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        writer.write(fh)
    os.replace(tmp, pdf_path)


def load_config(config_file):
    """The few settings the export needs, read from the built site's config."""
    from mkdocs.config import load_config as mk_load
    cfg = mk_load(str(config_file))
    inst = cfg.extra.get("institution") or {}
    return {
        "title": cfg.plugins["print-site"].config.get("print_page_title"),
        "print_page": cfg.plugins["print-site"].config.get("print_page_basename") + ".html",
        "author": inst.get("name") or cfg.site_author or "",
        "subject": " ".join((cfg.site_description or "").split()),
        "language": cfg.theme.get("language") or "en",
        "site_url": cfg.site_url or "",
        "pdf": cfg.extra["pdf"]["file"],
        "handout": cfg.extra["pdf"]["handout"],
    }


def export(site_dir, config_file=ROOT / "mkdocs.yml", paper="a4", chromium=None):
    """Write the guide PDF and the handout into site_dir. Returns their paths,
    or None when no Chromium is available (after saying how to get one)."""
    site_dir = pathlib.Path(site_dir).resolve()
    chromium = chromium or find_chromium()
    if not chromium:
        print(NO_CHROMIUM, flush=True)
        return None
    if paper not in PAPER:
        raise ExportError(f"unknown paper size '{paper}': use one of {', '.join(PAPER)}")
    cfg = load_config(config_file)
    jobs = [
        (cfg["print_page"], cfg["pdf"], cfg["title"], cfg["title"]),
        ("questions-to-ask.html", cfg["handout"], f"Questions to ask your care team - {cfg['title']}",
         "Questions to ask your care team"),
    ]
    browser = Chromium(chromium)
    written = []
    try:
        for page, name, title, running_title in jobs:
            source = site_dir / page
            if not source.exists():
                raise ExportError(f"{source} is missing: build the site first")
            target, session, blocked = browser.open(source.as_uri())
            if blocked:
                raise ExportError(f"{page} asked for other hosts while printing: {', '.join(blocked)}")
            pdf = browser.pdf(session, paper, running_title)
            # The contents list gets its page numbers from the printed PDF's
            # link targets; print again until they stop changing.
            for _ in range(3):
                if not browser.evaluate(session, f"{SET_TOC_PAGES}({json.dumps(destination_pages(pdf))})"):
                    break
                pdf = browser.pdf(session, paper, running_title)
            else:
                print(f"warning: {page}: the contents list's page numbers did not settle",
                      file=sys.stderr)
            headings = browser.evaluate(session, HEADINGS)
            browser.close_target(target)
            out = site_dir / name
            set_metadata(pdf, out, title, cfg["author"], cfg["subject"], cfg["language"],
                         "non-small cell lung cancer, NSCLC, progression, patient guide", headings,
                         cfg["site_url"])
            written.append(out)
    finally:
        browser.close()
    return written


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", nargs="?", default=str(ROOT / "site"))
    ap.add_argument("--paper", choices=sorted(PAPER), default=os.environ.get("GUIDE_PAPER", "a4"))
    ap.add_argument("-f", "--config-file", default=str(ROOT / "mkdocs.yml"))
    args = ap.parse_args(argv)
    started = time.monotonic()
    try:
        written = export(args.site, args.config_file, args.paper)
    except ExportError as err:
        print(f"PDF export failed: {err}", file=sys.stderr)
        return 1
    for path in written or []:
        print(f"PDF: {path} ({path.stat().st_size // 1024} KiB, {args.paper})")
    if written:
        print(f"PDF export took {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
