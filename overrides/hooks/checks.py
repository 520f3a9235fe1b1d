"""Build-time checks of the guide's content, and small page helpers.

Each check fails the build with one line per problem that names the file
and says what to fix:

- front matter (guidekit.frontmatter): the required keys `title`,
  `description`, `last_reviewed`, `next_review` (dates as YYYY-MM-DD, the next
  review after the last one), no unknown keys, a closed block;
- admonitions (`!!! type`) of the types the guide's stylesheet knows;
- images with alt text;
- no script in page content: no <script> element, no inline event handler
  (onclick=...), no javascript: address. Only the theme's and the guide's own
  scripts are published (overrides/hooks/postbuild.py moves them to files);
  a script in a page would be made trusted the same way;
- each abbreviation defined once (docs/includes/abbreviations.md, and pages
  that define their own): a second meaning would replace the first on every
  page.

Broken links, missing anchors and pages left out of the nav are caught by
MkDocs itself (`validation:` in mkdocs.yml with `strict: true`).

Helpers: the `guide_date` template filter prints dates for people, and
abbreviations become reachable by keyboard (tabindex="0").
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
ABBR_DEF = re.compile(r"^\*\[([^\]]+)\]:[ \t]*(.*)$")

IMG = re.compile(r"<img\b[^>]*>", re.I)
ALT = re.compile(r"""\salt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
SRC = re.compile(r"""\ssrc\s*=\s*["']?([^"'\s>]+)""", re.I)
SCRIPT_TAG = re.compile(r"<script\b", re.I)
TAG = re.compile(r"<[a-zA-Z][^>]*>")
HANDLER = re.compile(r"""\s(on[a-z]+)\s*=""", re.I)
JS_URL = re.compile(r"""\s(?:href|src|action|formaction|xlink:href)\s*=\s*["']?\s*javascript:""", re.I)

_state = {}


def _name(config, path):
    """A source file's path as the reader of a message knows it (docs/faq.md)."""
    base = os.path.dirname(config.config_file_path or ".")
    return pathlib.Path(os.path.relpath(path, base)).as_posix()


def abbreviation_files(config):
    """The snippet files appended to every page (docs/includes/abbreviations.md)."""
    snippets = config.mdx_configs.get("pymdownx.snippets", {})
    bases = snippets.get("base_path") or ["."]
    if isinstance(bases, str):
        bases = [bases]
    found = []
    for name in snippets.get("auto_append") or []:
        for base in bases:
            path = pathlib.Path(base) / name
            if path.is_file():
                found.append(path)
                break
    return found


def abbreviations(text):
    """{abbreviation: [line numbers]} of the definitions in a text."""
    defs = {}
    for number, line in enumerate(text.splitlines(), 1):
        m = ABBR_DEF.match(line)
        if m:
            defs.setdefault(m.group(1).strip(), []).append(number)
    return defs


def on_config(config, **kwargs):
    known, problems = {}, []
    for path in abbreviation_files(config):
        name = _name(config, path)
        for abbr, lines in abbreviations(path.read_text(encoding="utf-8")).items():
            if len(lines) > 1:
                problems.append(f"{name}: the abbreviation '{abbr}' is defined more than once, "
                                f"on lines {' and '.join(map(str, lines))}. Keep one meaning "
                                "(the later one would replace the first on every page).")
            known.setdefault(abbr, f"{name} line {lines[0]}")
    if problems:
        raise PluginError("\n".join(problems))
    _state["abbreviations"] = known
    return config


def check_markdown(markdown, name, known_abbreviations=None):
    """Problems of a page's Markdown: admonition types and abbreviations."""
    problems = []
    text = FENCE.sub("", markdown)
    for m in ADMONITION.finditer(text):
        kind = m.group(1).lower()
        if kind not in ADMONITIONS:
            guess = [a for a in ADMONITIONS if a.startswith(kind[:2])]
            hint = f" Did you mean '{guess[0]}'?" if guess else ""
            problems.append(f"{name}: unknown admonition type '{m.group(1)}'.{hint} "
                            f"Use one of: {', '.join(ADMONITIONS)}.")
    for abbr, lines in abbreviations(text).items():
        if len(lines) > 1:
            problems.append(f"{name}: the abbreviation '{abbr}' is defined more than once in "
                            "this page. Keep one meaning.")
        elif known_abbreviations and abbr in known_abbreviations:
            problems.append(f"{name}: the abbreviation '{abbr}' is already defined in "
                            f"{known_abbreviations[abbr]}. Remove the page's own definition "
                            "(it would change the meaning on this page only).")
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


def on_page_markdown(markdown, page, config, files, **kwargs):
    problems = []
    if page.file.abs_src_path:
        name = _name(config, page.file.abs_src_path)
        problems += frontmatter.check(page.file.abs_src_path, name)
    else:
        name = page.file.src_uri
    problems += check_markdown(markdown, name, _state.get("abbreviations"))
    if problems:
        raise PluginError("\n".join(problems))
    return markdown


ABBR = re.compile(r"<abbr title=")
LINK = re.compile(r"<a\b[^>]*>.*?</a>", re.S)


# First of every hook: it sees the HTML made from the page's own Markdown,
# before any hook adds the guide's own parts.
@event_priority(100)
def on_page_content(html, page, config, files, **kwargs):
    name = _name(config, page.file.abs_src_path) if page.file.abs_src_path else page.file.src_uri
    problems = check_html(html, name)
    if problems:
        raise PluginError("\n".join(problems))
    # Keyboard users reach an abbreviation's meaning by tabbing to it,
    # except inside a link: the link takes the focus (HTML allows no
    # focusable element inside an <a>).
    html = ABBR.sub('<abbr tabindex="0" title=', html)
    return LINK.sub(lambda m: m.group(0).replace('<abbr tabindex="0" title=', "<abbr title="), html)


def guide_date(value):
    """23 November 2026, the way the guide writes dates."""
    try:
        d = frontmatter.as_date(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{d.day} {d:%B %Y}"


def on_env(env, config, files, **kwargs):
    env.filters["guide_date"] = guide_date
    return env
