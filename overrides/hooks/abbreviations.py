"""Abbreviations: one meaning each, and reachable by keyboard.

1. Each abbreviation is defined once: in docs/includes/abbreviations.md
   (appended to every page by pymdownx.snippets) or in a page of its own,
   never both and never twice. A second meaning would silently replace the
   first on every page. The build fails naming the file and the lines.
2. Keyboard users reach an abbreviation's meaning by tabbing to it: the
   first occurrence of each abbreviation on a page gets tabindex="0" (the
   theme then shows its meaning as a tooltip). Only the first, so a page
   with a hundred abbreviations does not get a hundred extra tab stops
   (IBM Equal Access checker), and never inside a link, which takes the
   focus itself (HTML allows no focusable element inside an <a>).
3. A page whose front matter says `abbreviations: first` (the glossary,
   where every term is explained in place and 130 tooltips cost the theme
   about half a second of script on a slow phone) keeps the meaning on the
   first occurrence of each abbreviation only; the later ones stay <abbr>
   without a title, so the theme makes no tooltip for them. So does the
   print page (the whole guide on one page, opened only to print it and
   the PDFs, where no tooltip shows): its 500 repeated meanings were 3 KiB
   of its weight, gzip, and the guide's new parts had taken it over its
   budget (scripts/page_weight.py).

Priorities: on_config and on_page_markdown at 0 (checks, in the order of
hooks: in mkdocs.yml). on_post_page at -40: on the finished page, before
overrides/hooks/strict_csp.py (-100). The print page gets the same
on_post_page from overrides/hooks/print_page.py.
"""
import os
import pathlib
import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

DEFINITION = re.compile(r"^\*\[([^\]]+)\]:[ \t]*(.*)$")
FENCE = re.compile(r"^([ \t]*)(```|~~~).*?^\1\2[ \t]*$", re.S | re.M)
# An <abbr> from the abbr extension, or a whole link (whose abbreviations
# stay out of the tab order).
ABBR_OR_LINK = re.compile(r'<a\b[^>]*>.*?</a>|<abbr title="([^"]*)">(.*?)</abbr>', re.S)

ABBR_IN_LINK = re.compile(r'<abbr title="([^"]*)">(.*?)</abbr>', re.S)

_known = {}


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
        m = DEFINITION.match(line)
        if m:
            defs.setdefault(m.group(1).strip(), []).append(number)
    return defs


def check_markdown(markdown, name, known=None):
    """Problems of a page's own abbreviation definitions."""
    problems = []
    for abbr, lines in abbreviations(FENCE.sub("", markdown)).items():
        if len(lines) > 1:
            problems.append(f"{name}: the abbreviation '{abbr}' is defined more than once in "
                            "this page. Keep one meaning.")
        elif known and abbr in known:
            problems.append(f"{name}: the abbreviation '{abbr}' is already defined in "
                            f"{known[abbr]}. Remove the page's own definition "
                            "(it would change the meaning on this page only).")
    return problems


def first_occurrences_tabbable(html, first_only=False):
    """tabindex="0" on the first <abbr> of each abbreviation outside links;
    with first_only, the later ones (links' too) lose their title."""
    seen = set()

    def mark(m):
        short = m.group(2)
        if short is None:  # a link: its abbreviations stay out of the tab order
            if not first_only:
                return m.group(0)
            return ABBR_IN_LINK.sub(lambda a: a.group(0) if a.group(2) not in seen
                                    else f"<abbr>{a.group(2)}</abbr>", m.group(0))
        if short in seen:
            return f"<abbr>{short}</abbr>" if first_only else m.group(0)
        seen.add(short)
        return f'<abbr tabindex="0" title="{m.group(1)}">{short}</abbr>'

    return ABBR_OR_LINK.sub(mark, html)


@event_priority(0)
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
    _known.clear()
    _known.update(known)
    return config


@event_priority(0)
def on_page_markdown(markdown, page, config, files, **kwargs):
    name = _name(config, page.file.abs_src_path) if page.file.abs_src_path else page.file.src_uri
    problems = check_markdown(markdown, name, _known)
    if problems:
        raise PluginError("\n".join(problems))
    return markdown


@event_priority(-40)
def on_post_page(output, page, config, **kwargs):
    plugin = config.plugins.get("print-site")
    whole_guide = plugin is not None and page is getattr(plugin, "print_page", None)
    return first_occurrences_tabbable(output, page.meta.get("abbreviations") == "first" or whole_guide)

