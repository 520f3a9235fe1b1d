"""Notes are numbered in the order a reader meets them.

Python-Markdown's footnotes extension numbers a page's notes in the order
their definitions (`[^label]: ...`) are written down. Pages gained notes
over time, and the drug table's notes are written in by
overrides/hooks/treatments.py, so on seven pages the raised numbers ran
out of order ("6, 12, 13, 7" on Supportive care; carer's review of the
PDF). The extension's other mode (USE_DEFINITION_ORDER: false) follows
the order in which its tree processor meets the references, which is not
reading order when a note is cited inside a box or a table: tried, the
numbers still jumped on six pages.

So here each page's definitions are sorted by where the text first cites
them, and written back as one block where the first of them stood (where
a definition stands does not change where the notes are shown). A note
cited only from another note comes after that note; one that nothing cites
keeps its place after the cited ones. Citations in code (fenced blocks and
`code` spans) do not count, and nothing inside a fenced block is moved.

A definition in this guide is one line, at the page's top level. One that
runs onto a further line (indented, after a blank line, or the next line
of its paragraph), one inside a box (indented four spaces or more), or a
label written down twice fails the build, naming the page and the note,
rather than being split, left out of order or lost.

Priority: on_page_markdown at 40, after treatments.py (50) has written the
drug table and its notes in, and before abbreviations.py and
content_checks.py (0) read the Markdown.
"""
import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

# A note written down: at the page's top level when it is at most three
# spaces in (as Markdown allows), else inside a box.
WRITTEN = re.compile(r"^([ \t]*)\[\^([^\]\s]+)\]:")
# A citation of a note, anywhere in a line.
REFERENCE = re.compile(r"\[\^([^\]\s]+)\]")
# Code, where "[^x]" is only text: fenced blocks and `code` spans.
FENCE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN = re.compile(r"(`+).+?\1")
# A heading ends a note's paragraph (the next line is not part of the note).
HEADING = re.compile(r"^#{1,6}\s")


def _outside_fences(lines):
    """[bool]: whether each line is outside fenced code (fence lines count as inside)."""
    outside, fence = [], None
    for line in lines:
        m = FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)
            outside.append(False)
        elif fence is not None:
            outside.append(False)
            if m and m.group(1) == fence:
                fence = None
        else:
            outside.append(True)
    return outside


def _top_level(line):
    """Whether the line writes down a note at the page's top level."""
    m = WRITTEN.match(line)
    return bool(m) and "\t" not in m.group(1) and len(m.group(1)) <= 3


def _citations(text):
    return [m.group(1) for m in REFERENCE.finditer(CODE_SPAN.sub(" ", text))]


def in_reading_order(markdown, name="the page"):
    """The Markdown with its note definitions sorted by first citation."""
    lines = markdown.split("\n")
    outside = _outside_fences(lines)
    definitions, first_at = {}, None
    for i, line in enumerate(lines):
        if not outside[i]:
            continue
        m = WRITTEN.match(line)
        if not m:
            continue
        label = m.group(2)
        if not _top_level(line):
            raise PluginError(f"{name}: note [^{label}] is written inside a box (indented); "
                              "write notes at the page's top level (overrides/hooks/note_numbers.py)")
        if label in definitions:
            raise PluginError(f"{name}: note [^{label}] is written down twice; keep one")
        nxt = next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None)
        runs_on = nxt is not None and outside[nxt] and (
            lines[nxt].startswith(("    ", "\t"))
            or (nxt == i + 1 and not _top_level(lines[nxt]) and not HEADING.match(lines[nxt])))
        if runs_on:
            raise PluginError(f"{name}: note [^{label}] runs onto a further line; write each note on "
                              "one line (overrides/hooks/note_numbers.py sorts them)")
        definitions[label] = line
        first_at = i if first_at is None else first_at
    if len(definitions) < 2:
        return markdown
    body = "\n".join(line for i, line in enumerate(lines) if outside[i] and not _top_level(line))
    order = []
    for label in _citations(body):
        if label in definitions and label not in order:
            order.append(label)
    # A note cited only from another note comes after that one.
    for label in order:  # grows while it is read
        for cited in _citations(definitions[label].split(":", 1)[1]):
            if cited in definitions and cited not in order:
                order.insert(order.index(label) + 1, cited)
    order += [label for label in definitions if label not in order]
    if order == list(definitions):
        return markdown
    kept = []
    for i, line in enumerate(lines):
        if i == first_at:
            kept.extend(definitions[label] for label in order)
        elif not (outside[i] and _top_level(line)):
            kept.append(line)
    return "\n".join(kept)


@event_priority(40)  # after treatments.py (50) writes its notes in; before the checks (0)
def on_page_markdown(markdown, page, config, files, **kwargs):
    return in_reading_order(markdown, f"docs/{page.file.src_uri}")
