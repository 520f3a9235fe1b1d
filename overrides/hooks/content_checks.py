"""Content checks: the build fails on a page that breaks the guide's rules.

Each check names the file and says what to fix, one line per problem:

- front matter (guidekit.frontmatter): the required keys `title`,
  `description`, `last_reviewed`, `next_review` (dates as YYYY-MM-DD, the next
  review after the last one), no unknown keys, a closed block;
- admonitions (`!!! type`) of the types the guide's stylesheet knows;
- images with alt text;
- no script in page content: no <script> element, no inline event handler
  (onclick=...), no javascript: address. Only the theme's and the guide's own
  scripts are published (overrides/hooks/strict_csp.py moves the inline ones
  to files); a script in a page would be made trusted the same way.

Abbreviations are checked by overrides/hooks/abbreviations.py; broken links,
missing anchors and pages left out of the nav by MkDocs itself
(`validation:` in mkdocs.yml with `strict: true`).

Priorities: on_page_markdown at 0 (front matter and admonitions, before the
Markdown is rendered); on_page_content at 100, the first of every hook, so
it sees the HTML made from the page's own Markdown before any hook adds the
guide's own parts (which may carry scripts of their own making).
"""
import os
import pathlib
import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from guidekit import frontmatter

# The admonition types guide.css styles (`danger`: urgent-care warnings).
ADMONITIONS = ("note", "abstract", "question", "tip", "warning", "info", "danger")

FENCE = re.compile(r"^([ \t]*)(```|~~~).*?^\1\2[ \t]*$", re.S | re.M)
ADMONITION = re.compile(r"^[ \t]*(?:!!!|\?\?\?\+?)[ \t]+([^\s\"]+)", re.M)

IMG = re.compile(r"<img\b[^>]*>", re.I)
ALT = re.compile(r"""\salt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
SRC = re.compile(r"""\ssrc\s*=\s*["']?([^"'\s>]+)""", re.I)
SCRIPT_TAG = re.compile(r"<script\b", re.I)
TAG = re.compile(r"<[a-zA-Z][^>]*>")
HANDLER = re.compile(r"""\s(on[a-z]+)\s*=""", re.I)
JS_URL = re.compile(r"""\s(?:href|src|action|formaction|xlink:href)\s*=\s*["']?\s*javascript:""", re.I)


def _name(config, path):
    """A source file's path as the reader of a message knows it (docs/faq.md)."""
    base = os.path.dirname(config.config_file_path or ".")
    return pathlib.Path(os.path.relpath(path, base)).as_posix()


def check_markdown(markdown, name):
    """Problems of a page's Markdown: admonition types."""
    problems = []
    text = FENCE.sub("", markdown)
    for m in ADMONITION.finditer(text):
        kind = m.group(1).lower()
        if kind not in ADMONITIONS:
            guess = [a for a in ADMONITIONS if a.startswith(kind[:2])]
            hint = f" Did you mean '{guess[0]}'?" if guess else ""
            problems.append(f"{name}: unknown admonition type '{m.group(1)}'.{hint} "
                            f"Use one of: {', '.join(ADMONITIONS)}.")
    return problems


def check_html(html, name):
    """Problems of a page's HTML (from its Markdown): scripts and alt text."""
    problems = []
    if SCRIPT_TAG.search(html):
        problems.append(f"{name}: the page contains a <script> element. Pages may not carry "
                        "scripts: remove it (the guide's own scripts live in docs/assets/).")
    for tag in TAG.finditer(html):
        handler = HANDLER.search(tag.group(0))
        if handler:
            problems.append(f"{name}: the page contains an inline event handler "
                            f"({handler.group(1)}=...). Remove it: pages may not carry scripts.")
            break
    if JS_URL.search(html):
        problems.append(f"{name}: the page contains a javascript: address. Remove it: pages may "
                        "not carry scripts.")
    for img in IMG.finditer(html):
        alt = ALT.search(img.group(0))
        if not alt or not "".join(v for v in alt.groups() if v).strip():
            src = SRC.search(img.group(0))
            what = f" ({src.group(1)})" if src else ""
            problems.append(f"{name}: an image{what} has no alt text. Say what it shows: "
                            "![What the figure shows](file.svg).")
    return problems


@event_priority(0)
def on_page_markdown(markdown, page, config, files, **kwargs):
    problems = []
    if page.file.abs_src_path:
        name = _name(config, page.file.abs_src_path)
        problems += frontmatter.check(page.file.abs_src_path, name)
    else:
        name = page.file.src_uri
    problems += check_markdown(markdown, name)
    if problems:
        raise PluginError("\n".join(problems))
    return markdown


@event_priority(100)
def on_page_content(html, page, config, files, **kwargs):
    name = _name(config, page.file.abs_src_path) if page.file.abs_src_path else page.file.src_uri
    problems = check_html(html, name)
    if problems:
        raise PluginError("\n".join(problems))
    return html
