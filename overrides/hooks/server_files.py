"""Server files: what a web server needs to serve the guide fast and safely.

After the build, writes into the site:
- content-security-policy.txt: the policy, one line (for hosts that set
  headers elsewhere);
- .htaccess (Apache) and web.config (IIS): the policy and the other headers,
  compression, cache lifetimes and the 404 page.
docs/hosting.md shows the same for nginx; tests/test_server_files.py and
tests/test_intranet.py compare all of them with what is defined here, once:
policy(), HEADERS, COMPRESSED_TYPES and the cache lifetimes.

It also removes what neither readers nor servers need: the theme's source
maps (*.map, 1 MB, only a developer's tools read them).

A new edition reaches readers at once: the files under assets/ that keep
their name from one edition to the next (the guide's own stylesheets,
scripts, figures, logo and favicon) are cached for an hour, so every page
asks for them with a version in the address, "guide.css?v=<10 hex>", the
start of the SHA-256 of the file as built (on_post_page, on_post_template;
the print page gets it through overrides/hooks/print_page.py). A changed
file gets a new address, which no browser has kept; an unchanged one keeps
its address and its cached copy. Files with a hash in their name
(FINGERPRINTED) need none. An address under assets/ that names no built
file fails the build.

Priorities: -110 on on_post_page and on_post_template, after
overrides/hooks/strict_csp.py (-100) has written the last files pages link
to; -100 on on_post_build, after every other hook's on_post_build (the print
page and its moved scripts are written by then), so the site is complete
when the file list for web.config is taken.
"""
import hashlib
import html
import pathlib
import posixpath
import re
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority


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

# Compressed on the way out (gzip/deflate): every text format the site has.
COMPRESSED_TYPES = ("text/html", "text/css", "application/javascript", "text/javascript",
                    "application/json", "image/svg+xml", "application/xml", "text/xml",
                    "text/plain")

# Cache lifetimes. A fingerprinted file's name changes whenever its content
# does, so a browser may keep it for a year without asking again; any other
# file under assets/ may change under the same name in the next build (an
# hour); pages, the search index and the PDFs are checked every time.
IMMUTABLE = "public, max-age=31536000, immutable"
ASSETS = "public, max-age=3600"
NO_CACHE = "no-cache"
# Fingerprinted: the theme's bundle, search worker and stylesheets
# (name.<8 hex>.min.js|css) and the moved inline scripts (assets/inline/<16 hex>).
FINGERPRINTED = re.compile(r"(^|/)[a-z]+\.[0-9a-f]{8}\.min\.(js|css)$|(^|/)assets/inline/[0-9a-f]{16}\.(js|css)$")
SOURCE_MAPS = "*.map"


def fingerprinted_files(site):
    """Paths (from the site's root) of the files that may be kept for a year."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*")
                  if p.is_file() and FINGERPRINTED.search(p.relative_to(site).as_posix()))


# Attributes that hold the address of a file: one address, or (srcset) a
# comma-separated list of addresses, each maybe followed by a size.
ADDRESS_ATTRIBUTE = re.compile(r'(?<=\s)(src|href|srcset|data-guide-large)="([^"]*)"')
VERSION_LENGTH = 10
_versions = {}


def site_path(address, page_uri, config):
    """The file (its path from the site's root) an address on the built page
    page_uri names, or None when it names no file of the site's own
    (another host, a query, a fragment, a data: address)."""
    if not address or "?" in address or "#" in address or ":" in address.split("/")[0]:
        return None
    if address.startswith("//"):
        return None
    if address.startswith("/"):  # the 404 page's addresses start from site_url's path
        base = urlsplit(config.site_url or "").path.rstrip("/") + "/"
        if not address.startswith(base):
            return None
        return posixpath.normpath(address[len(base):])
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page_uri), address))
    return None if path.startswith("../") else path


def version(site, path):
    """The version an address of the file at path carries (cached per build)."""
    if path not in _versions:
        _versions[path] = hashlib.sha256((site / path).read_bytes()).hexdigest()[:VERSION_LENGTH]
    return _versions[path]


def versioned(text, page_uri, config):
    """text with "?v=<version>" after every address of a file under assets/
    that keeps its name between editions."""
    site = pathlib.Path(config.site_dir)

    def one(address):
        path = site_path(address, page_uri, config)
        if not path or not path.startswith("assets/") or FINGERPRINTED.search(path):
            return address
        if not (site / path).is_file():
            raise PluginError(f"{page_uri}: links to {address}, but the build wrote no {path}. "
                              "Fix the address (in the page, a template in overrides/, or "
                              "mkdocs.yml's extra_css, extra_javascript or theme) or add the file "
                              "under docs/assets/.")
        return f"{address}?v={version(site, path)}"

    def attribute(m):
        name, value = m.group(1), m.group(2)
        if name != "srcset":
            return f'{name}="{one(value)}"'
        candidates = []
        for candidate in value.split(","):
            address, _, size = candidate.strip().partition(" ")
            candidates.append(" ".join(filter(None, [one(address), size.strip()])))
        return f'{name}="{", ".join(candidates)}"'

    return ADDRESS_ATTRIBUTE.sub(attribute, text)


@event_priority(0)
def on_pre_build(config, **kwargs):
    _versions.clear()


@event_priority(-110)
def on_post_page(output, page, config, **kwargs):
    return versioned(output, page.file.dest_uri, config)


@event_priority(-110)
def on_post_template(output, template_name, config, **kwargs):
    if not template_name.endswith(".html"):  # sitemap.xml: no page asks for an asset there
        return output
    return versioned(output, template_name, config)


def error_page_path(config):
    """The 404 page's path from the server's root, when site_url says where the
    guide lives; None when it does not (then only a relative setting works)."""
    if not config.site_url:
        return None
    return urlsplit(config.site_url).path.rstrip("/") + "/404.html"


def htaccess(config, headers):
    error_page = error_page_path(config)
    lines = ["# Written by the guide's build (overrides/hooks/server_files.py) for Apache 2.4.",
             "# Security headers (mod_headers).",
             "<IfModule mod_headers.c>"]
    lines += [f'  Header always set {k} "{v}"' for k, v in headers.items()]
    lines += [
        "  # Cache lifetimes: pages, the search index and the PDFs are checked every",
        "  # time; other files under assets/ are kept an hour; fingerprinted files",
        "  # (a hash in the name) a year.",
        f'  Header set Cache-Control "{NO_CACHE}"',
        '  <FilesMatch "^(?!search_index\\.).*\\.(css|js|svg|png|jpe?g|webp|gif|ico|woff2?)$">',
        f'    Header set Cache-Control "{ASSETS}"',
        "  </FilesMatch>",
        '  <FilesMatch "^([a-z]+\\.[0-9a-f]{8}\\.min|[0-9a-f]{16})\\.(js|css)$">',
        f'    Header set Cache-Control "{IMMUTABLE}"',
        "  </FilesMatch>",
        "</IfModule>",
        "# Compression (mod_deflate, with mod_filter).",
        "<IfModule mod_deflate.c>",
        "  <IfModule mod_filter.c>",
        f"    AddOutputFilterByType DEFLATE {' '.join(COMPRESSED_TYPES)}",
        "  </IfModule>",
        "</IfModule>",
        "<IfModule mod_mime.c>",
        "  AddType application/pdf .pdf",
        "  AddType image/svg+xml .svg",
        "  AddType application/javascript .js",
        "  AddType application/json .json",
        "</IfModule>",
        "DirectoryIndex index.html",
        "# The guide's own page for addresses that do not exist. Apache needs its",
        "# path from the server's root: set site_url in the overlay and the build",
        "# writes it here, or write the guide's path yourself (see docs/hosting.md).",
    ]
    lines.append(f"ErrorDocument 404 {error_page}" if error_page
                 else "# ErrorDocument 404 /path/of/the/guide/404.html")
    return "\n".join(lines) + "\n"


def web_config(config, headers, site):
    # Each header is removed before it is added: a server that sends the
    # same header for every site would otherwise make IIS refuse the file
    # (error 500.19, a duplicate collection entry).
    custom = "\n".join(f'        <remove name="{k}" />\n'
                       f'        <add name="{k}" value="{html.escape(v, quote=True)}" />'
                       for k, v in headers.items())
    year = '<clientCache cacheControlMode="UseMaxAge" cacheControlMaxAge="365.00:00:00" ' \
           'cacheControlCustom="public, immutable" />'
    locations = [("assets", '<clientCache cacheControlMode="UseMaxAge" cacheControlMaxAge="01:00:00" '
                            'cacheControlCustom="public" />')]
    locations += [(path, year) for path in fingerprinted_files(site)]
    located = "\n".join(f"""  <location path="{html.escape(path, quote=True)}">
    <system.webServer>
      <staticContent>
        {cache}
      </staticContent>
    </system.webServer>
  </location>""" for path, cache in locations)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<!-- Written by the guide's build (overrides/hooks/server_files.py) for IIS.
     Compression: IIS compresses the types listed in the server's
     httpCompression settings (applicationHost.config); add
     {", ".join(COMPRESSED_TYPES)} there (see docs/hosting.md). -->
<configuration>
  <system.webServer>
    <defaultDocument enabled="true">
      <files>
        <clear />
        <add value="index.html" />
      </files>
    </defaultDocument>
    <urlCompression doStaticCompression="true" doDynamicCompression="true" />
    <staticContent>
      <remove fileExtension=".json" />
      <mimeMap fileExtension=".json" mimeType="application/json" />
      <remove fileExtension=".svg" />
      <mimeMap fileExtension=".svg" mimeType="image/svg+xml" />
      <!-- Pages, the search index and the PDFs: checked every time. -->
      <clientCache cacheControlMode="DisableCache" />
    </staticContent>
    <!-- The guide's own page for addresses that do not exist (a file path,
         relative to this folder). -->
    <httpErrors errorMode="Custom" existingResponse="Replace">
      <remove statusCode="404" subStatusCode="-1" />
      <error statusCode="404" path="404.html" responseMode="File" />
    </httpErrors>
    <httpProtocol>
      <customHeaders>
{custom}
      </customHeaders>
    </httpProtocol>
  </system.webServer>
  <!-- Files under assets/ are kept an hour; fingerprinted files (a hash in
       the name, listed by the build) a year. -->
{located}
</configuration>
"""


@event_priority(-100)
def on_post_build(config, **kwargs):
    site = pathlib.Path(config.site_dir)
    for path in site.rglob(SOURCE_MAPS):
        path.unlink()
    csp = policy(config)
    (site / "content-security-policy.txt").write_text(csp + "\n", encoding="utf-8")
    headers = {"Content-Security-Policy": csp, **HEADERS}
    (site / ".htaccess").write_text(htaccess(config, headers), encoding="utf-8")
    (site / "web.config").write_text(web_config(config, headers, site), encoding="utf-8")
