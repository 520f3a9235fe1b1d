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
After printing, pypdf sets the document's metadata: title, author, subject,
keywords and language.
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

    def print_page(self, url, paper):
        """Load url (file://) and return (pdf bytes, list of blocked requests)."""
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
        # Open every collapsed block, and wait for images and fonts.
        self.send("Runtime.evaluate", {"expression": (
            "document.querySelectorAll('details').forEach(d => d.open = true);"
            "Promise.all([document.fonts.ready, ...Array.from(document.images)"
            ".filter(i => !i.complete).map(i => new Promise(r => { i.onload = i.onerror = r; }))])"
            ".then(() => true)"), "awaitPromise": True}, session=session)
        self.send("Fetch.disable", session=session)
        width, height = PAPER[paper]
        result = self.send("Page.printToPDF", {
            "paperWidth": width, "paperHeight": height,
            "marginTop": 0.6, "marginBottom": 0.7, "marginLeft": 0.6, "marginRight": 0.6,
            "printBackground": True, "preferCSSPageSize": False,
            "displayHeaderFooter": True,
            "headerTemplate": "<span></span>",
            "footerTemplate": ('<div style="font-size:9pt;width:100%;text-align:center;'
                               'font-family:sans-serif;color:#333">'
                               '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'),
            "generateTaggedPDF": True, "generateDocumentOutline": True,
        }, session=session, timeout=180)
        self.send("Target.closeTarget", {"targetId": target})
        self.events.clear()
        return base64.b64decode(result["data"]), blocked


def set_metadata(pdf_path, title, author, subject, language, keywords):
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(str(pdf_path)))
    writer.add_metadata({
        "/Title": title, "/Author": author, "/Subject": subject,
        "/Keywords": keywords, "/Creator": "MkDocs, Material for MkDocs, Chromium",
    })
    writer._root_object[NameObject("/Lang")] = TextStringObject(language)
    # Show the document title (not the file name) in PDF readers' title bars.
    from pypdf.generic import BooleanObject, DictionaryObject
    prefs = writer._root_object.get("/ViewerPreferences") or DictionaryObject()
    prefs[NameObject("/DisplayDocTitle")] = BooleanObject(True)
    writer._root_object[NameObject("/ViewerPreferences")] = prefs
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
        (cfg["print_page"], cfg["pdf"], cfg["title"]),
        ("questions-to-ask.html", cfg["handout"], f"Questions to ask your care team - {cfg['title']}"),
    ]
    browser = Chromium(chromium)
    written = []
    try:
        for page, name, title in jobs:
            source = site_dir / page
            if not source.exists():
                raise ExportError(f"{source} is missing: build the site first")
            pdf, blocked = browser.print_page(source.as_uri(), paper)
            if blocked:
                raise ExportError(f"{page} asked for other hosts while printing: {', '.join(blocked)}")
            out = site_dir / name
            out.write_bytes(pdf)
            set_metadata(out, title, cfg["author"], cfg["subject"], cfg["language"],
                         "non-small cell lung cancer, NSCLC, progression, patient guide")
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
