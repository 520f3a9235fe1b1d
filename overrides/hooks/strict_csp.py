"""Strict Content-Security-Policy: no inline script or style on any page.

The theme writes small inline scripts on every page (the storage scope, the
palette, the tab-from-hash script) and the print-site plugin adds an inline
style; a policy without 'unsafe-inline' (overrides/hooks/server_files.py)
would block them. Each one is moved into a file under assets/inline/, named
by a hash of its content (so it is fingerprinted, and pages share it), and
the tag keeps every attribute it had (type="module", defer, id, media, ...).

Only JavaScript moves: a block of data (type="application/json" such as the
theme's __config, "application/ld+json", "text/template", an import map)
never runs and stays where it is, untouched.

Priority -100 on on_post_page and on_post_template: after every other hook's
edits of the page, so nothing inline is added after the move. The print
page, which the print-site plugin writes in its on_post_build, gets the
same on_post_page from overrides/hooks/print_page.py.
"""
import hashlib
import pathlib
import posixpath
import re
from urllib.parse import urlsplit

from mkdocs.plugins import event_priority

INLINE_DIR = "assets/inline"
SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
STYLE = re.compile(r"<style(?P<attrs>[^>]*)>(?P<body>.*?)</style>", re.S | re.I)
TYPE = re.compile(r"""\stype\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
SRC = re.compile(r"\ssrc\s*=", re.I)
# The HTML standard's JavaScript types: no type, a JavaScript MIME type, or
# "module". Anything else is a data block the browser never runs.
JAVASCRIPT_TYPES = {"", "module", "text/javascript", "application/javascript",
                    "application/ecmascript", "application/x-javascript", "text/ecmascript",
                    "text/jscript", "text/livescript", "application/x-ecmascript"}


def is_javascript(attrs):
    m = TYPE.search(attrs)
    kind = "".join(v for v in m.groups() if v) if m else ""
    return kind.strip().lower().split(";")[0].strip() in JAVASCRIPT_TYPES


def externalise(text, site_dir, prefix):
    """The page with its inline scripts and styles moved into files under
    site_dir/assets/inline; prefix leads from the page to the site's root
    ("", "../" or an absolute path ending in "/")."""
    out = pathlib.Path(site_dir) / INLINE_DIR
    out.mkdir(parents=True, exist_ok=True)

    def save(body, ext):
        name = f"{hashlib.sha256(body.encode('utf-8')).hexdigest()[:16]}.{ext}"
        target = out / name
        if not target.exists():
            target.write_text(body, encoding="utf-8")
        return f"{prefix}{INLINE_DIR}/{name}"

    def script(m):
        attrs, body = m.group("attrs"), m.group("body")
        if SRC.search(attrs) or not body.strip() or not is_javascript(attrs):
            return m.group(0)
        return f'<script{attrs.rstrip()} src="{save(body, "js")}"></script>'

    def style(m):
        attrs = TYPE.sub("", m.group("attrs")).rstrip()
        return f'<link rel="stylesheet"{attrs} href="{save(m.group("body"), "css")}">'

    return STYLE.sub(style, SCRIPT.sub(script, text))


def to_root(dest_uri):
    """From a built file (faq.html, a/b.html) to the site's root ("", "../")."""
    up = posixpath.relpath(".", posixpath.dirname(dest_uri) or ".")
    return "" if up == "." else up + "/"


@event_priority(-100)
def on_post_page(output, page, config, **kwargs):
    return externalise(output, config.site_dir, to_root(page.file.dest_uri))


@event_priority(-100)
def on_post_template(output, template_name, config, **kwargs):
    if not template_name.endswith(".html"):
        return output
    # The 404 page is served at addresses of every depth: when site_url says
    # where the guide lives, its links start from there (as MkDocs does).
    prefix = urlsplit(config.site_url).path.rstrip("/") + "/" if config.site_url and \
        template_name == "404.html" else to_root(template_name)
    return externalise(output, config.site_dir, prefix)

