"""After the build: make every page self-contained and ready for strict hosting.

1. The print page (mkdocs-print-site-plugin) is rendered with the 404 page's
   context, so it points at the server root ("/"). Point it at its own folder,
   so it works under any subpath and from file://, and write its table of
   contents into the HTML at build time (the plugin builds it with an inline
   script at run time, which a strict policy blocks and no-JS readers miss).
2. Move every inline <script> and <style> into a file under
   assets/inline/ (named by content hash), so a Content-Security-Policy with
   no 'unsafe-inline' works. JSON data blocks (type="application/json") do
   not run and stay.
3. Write the policy to content-security-policy.txt, and server configuration
   that sends it with other sensible headers: .htaccess (Apache) and
   web.config (IIS). docs/hosting.md shows the nginx lines.
"""
import hashlib
import html
import logging
import os
import pathlib
import posixpath
import re

from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.hooks.postbuild")

INLINE_DIR = "assets/inline"
SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)
STYLE = re.compile(r"<style(?P<attrs>[^>]*)>(?P<body>.*?)</style>", re.S)


def policy(config):
    """The site's Content-Security-Policy, one line as a server sends it."""
    ancestors = (config.extra.get("frame_ancestors") or "*").strip()
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "frame-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {ancestors}",
    ])


# Headers sent with every file. No X-Frame-Options: portals embed the guide
# (frame-ancestors in the policy says who may).
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def fix_print_page(site, config):
    name = config.plugins["print-site"].config.get("print_page_basename") + ".html"
    path = site / name
    if not path.exists():
        raise PluginError(f"{name} was not written by the print-site plugin")
    text = path.read_text(encoding="utf-8")
    text = text.replace('__md_scope=new URL("/",location)', '__md_scope=new URL(".",location)')
    text = re.sub(r'("base":\s*)"/"', r'\1"."', text)
    # Static table of contents: each chapter's h1, and its h2s.
    items = []
    for sec in re.finditer(r'<section class="print-page" id="([^"]+)"[^>]*>(.*?)</section>', text, re.S):
        heads = re.findall(r'<h([12]) id="([^"]+)"[^>]*>(.*?)</h\1>', sec.group(2), re.S)
        chapter, subs = None, []
        for level, hid, inner in heads:
            label = html.escape(html.unescape(re.sub(r"<[^>]+>|¶", "", inner).replace("&para;", "")).strip())
            if level == "1" and chapter is None:
                chapter = (hid, label)
            elif level == "2" and label != "Sources":
                subs.append(f'<li><a href="#{hid}">{label}</a></li>')
        if chapter:
            sub = f'<ul>{"".join(subs)}</ul>' if subs else ""
            items.append(f'<li><a href="#{chapter[0]}">{chapter[1]}</a>{sub}</li>')
    toc = f'<ul class="guide-print-toc">{"".join(items)}</ul>'
    text = re.sub(r"(<h1 class='print-page-toc-title'>.*?</h1>)", lambda m: m.group(1) + toc, text, count=1)
    # The plugin's run-time script would add a second contents list and
    # hides the sidebars, which print.css already hides.
    text = re.sub(r'<script type="text/javascript">\s*document\.addEventListener\(\'DOMContentLoaded\'.*?</script>',
                  "", text, flags=re.S)
    # The whole guide on one page: the browser's find serves better than
    # search, and without it the page stays within its weight budget (the
    # theme fetches the search index only when a form named "search" is on
    # the page; guide.css then hides the search box).
    text = text.replace('<form class="md-search__form" name="search">', '<form class="md-search__form">')
    path.write_text(text, encoding="utf-8")


def externalise(site):
    """Move inline scripts and styles of every page into hashed files."""
    out = site / INLINE_DIR
    out.mkdir(parents=True, exist_ok=True)

    def save(body, ext):
        digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]
        target = out / f"{digest}.{ext}"
        if not target.exists():
            target.write_text(body, encoding="utf-8")
        return f"{INLINE_DIR}/{digest}.{ext}"

    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        rel_root = posixpath.relpath(".", posixpath.dirname(page.relative_to(site).as_posix()) or ".")

        def href(target):
            return posixpath.normpath(posixpath.join(rel_root, target))

        def script(m):
            attrs, body = m.group("attrs"), m.group("body")
            if "src=" in attrs or "application/json" in attrs or not body.strip():
                return m.group(0)
            return f'<script src="{href(save(body, "js"))}"></script>'

        def style(m):
            return f'<link rel="stylesheet" href="{href(save(m.group("body"), "css"))}">'

        new = SCRIPT.sub(script, text)
        new = STYLE.sub(style, new)
        if new != text:
            page.write_text(new, encoding="utf-8")


def write_server_config(site, config):
    csp = policy(config)
    (site / "content-security-policy.txt").write_text(csp + "\n", encoding="utf-8")
    headers = {"Content-Security-Policy": csp, **HEADERS}
    apache = ["# Written by the guide's build (overrides/hooks/postbuild.py). Needs mod_headers.",
              "<IfModule mod_headers.c>"]
    apache += [f'  Header always set {k} "{v}"' for k, v in headers.items()]
    apache += ["</IfModule>",
               "<IfModule mod_mime.c>",
               "  AddType application/pdf .pdf",
               "  AddType image/svg+xml .svg",
               "  AddType application/javascript .js",
               "</IfModule>",
               "DirectoryIndex index.html", ""]
    (site / ".htaccess").write_text("\n".join(apache), encoding="utf-8")
    custom = "\n".join(f'        <add name="{k}" value="{html.escape(v, quote=True)}" />'
                       for k, v in headers.items())
    web_config = f"""<?xml version="1.0" encoding="utf-8"?>
<!-- Written by the guide's build (overrides/hooks/postbuild.py) for IIS. -->
<configuration>
  <system.webServer>
    <defaultDocument enabled="true">
      <files>
        <clear />
        <add value="index.html" />
      </files>
    </defaultDocument>
    <staticContent>
      <remove fileExtension=".json" />
      <mimeMap fileExtension=".json" mimeType="application/json" />
      <remove fileExtension=".svg" />
      <mimeMap fileExtension=".svg" mimeType="image/svg+xml" />
    </staticContent>
    <httpProtocol>
      <customHeaders>
{custom}
      </customHeaders>
    </httpProtocol>
  </system.webServer>
</configuration>
"""
    (site / "web.config").write_text(web_config, encoding="utf-8")


# The theme's header buttons are <label for=...> around an icon: give them
# a name screen readers read (text hidden on screen, guide.css
# .guide-sr-only; HTML allows no aria-label on a <label>) and a tooltip.
BUTTON_NAMES = {
    '<label class="md-header__button md-icon" for="__drawer">': "Open the list of pages",
    '<label class="md-header__button md-icon" for="__search">': "Search",
    '<label class="md-search__icon md-icon" for="__search">': "Close search",
}


def fix_theme_html(site):
    """Valid HTML (Nu Html Checker) and named header buttons on every page."""
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        # The theme's toggles: autocomplete is not allowed on checkboxes.
        new = re.sub(r'(<input class="md-toggle"[^>]*?) autocomplete="off"', r"\1", text)
        # print-site: heading-number is not an HTML attribute.
        new = new.replace(" heading-number=", " data-heading-number=")
        # The contents title points at the __toc toggle, which only pages in
        # the nav have.
        if 'id="__toc"' not in new:
            new = new.replace('<label class="md-nav__title" for="__toc">', '<label class="md-nav__title">')
        # Task-list boxes are tick boxes for paper, not controls.
        new = re.sub(r'<input type="checkbox" disabled\s*/?>', '<input type="checkbox" disabled aria-hidden="true">', new)
        for tag, name in BUTTON_NAMES.items():
            new = new.replace(tag, tag[:-1] + f' title="{name}"><span class="guide-sr-only">{name}</span>')
        if new != text:
            page.write_text(new, encoding="utf-8")


def on_post_build(config, **kwargs):
    site = pathlib.Path(config.site_dir)
    fix_print_page(site, config)
    fix_theme_html(site)
    externalise(site)
    write_server_config(site, config)
