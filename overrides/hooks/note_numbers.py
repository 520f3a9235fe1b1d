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
a definition stands does not change where the notes are shown). A
definition that nothing cites keeps its place after the cited ones. A
definition in this guide is one line; one with indented lines after it,
or a label written down twice, fails the build, naming the page and the
note, rather than being split or lost.

Priority: on_page_markdown at 40, after treatments.py (50) has written the
drug table and its notes in, and before abbreviations.py and
content_checks.py (0) read the Markdown.
"""
import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

DEFINITION = re.compile(r"^\[\^([^\]\s]+)\]:")
REFERENCE = re.compile(r"\[\^([^\]\s]+)\](?!:)")


def in_reading_order(markdown, name="the page"):
    """The Markdown with its note definitions sorted by first citation."""
    lines = markdown.split("\n")
    definitions, first_at = {}, None
    for i, line in enumerate(lines):
        m = DEFINITION.match(line)
        if not m:
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if nxt.startswith(("    ", "\t")) and nxt.strip():
            raise PluginError(f"{name}: note [^{m.group(1)}] runs onto an indented line; write "
                              "each note on one line (overrides/hooks/note_numbers.py sorts them)")
        if m.group(1) in definitions:
            raise PluginError(f"{name}: note [^{m.group(1)}] is written down twice; keep one")
        definitions[m.group(1)] = line
        first_at = i if first_at is None else first_at
    if len(definitions) < 2:
        return markdown
    body = "\n".join(line for line in lines if not DEFINITION.match(line))
    cited = []
    for m in REFERENCE.finditer(body):
        if m.group(1) in definitions and m.group(1) not in cited:
            cited.append(m.group(1))
    order = cited + [label for label in definitions if label not in cited]
    if order == list(definitions):
        return markdown
    kept = []
    for i, line in enumerate(lines):
        if i == first_at:
            kept.extend(definitions[label] for label in order)
        elif not DEFINITION.match(line):
            kept.append(line)
    return "\n".join(kept)


@event_priority(40)  # after treatments.py (50) writes its notes in; before the checks (0)
def on_page_markdown(markdown, page, config, files, **kwargs):
    return in_reading_order(markdown, f"docs/{page.file.src_uri}")
