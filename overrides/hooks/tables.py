"""Tables that read on a phone: below 30em each row becomes a card whose
cells carry their column's name (guide.css, "Tables on phones").

Each body cell gets `data-label` = its column header's text, which the
stylesheet shows in front of the cell on narrow screens, so the headers never
scroll away. Tables keep their table semantics for screen readers: the
narrow layout draws cells as blocks, and Chromium keeps the table's roles
(table, row, columnheader, cell) for such tables: tests/test_reading_design.py
reads its accessibility tree to hold that. No ARIA roles are added: HTML does
not allow them on the cells of a table (the Nu Html Checker fails them).

The tables here are Markdown tables (python-markdown's `tables` extension)
and the treatment table rendered by overrides/hooks/treatments.py: plain
<table><thead><tr><th>...</th></tr></thead><tbody>... markup. A table of
another shape fails the build loudly rather than being half-labelled.

Priority 40: after the hooks that render tables of their own (50:
treatments.py), before the print-site plugin (0) saves each page for the PDF.
"""
import html
import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

TABLE = re.compile(r"<table\b[^>]*>.*?</table>", re.S)
HEAD = re.compile(r"<thead>\s*<tr>(.*?)</tr>\s*</thead>", re.S)
TH = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
ROW = re.compile(r"(<tr\b[^>]*>)(.*?)</tr>", re.S)
TD = re.compile(r"<td\b([^>]*)>", re.S)


def _text(fragment):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def label_table(table, where):
    head = HEAD.search(table)
    if not head:
        raise PluginError(f"{where}: a table without a header row (<thead>): "
                          "give every table a header row so phones can label its cells.")
    labels = [_text(th) for th in TH.findall(head.group(1))]
    body_start = table.index("</thead>")

    def row(match):
        cells = iter(labels)

        def cell(m):
            label = next(cells, "")
            if "data-label=" in m.group(1) or not label:
                return m.group(0)
            return f'<td{m.group(1)} data-label="{html.escape(label, quote=True)}">'
        return match.group(1) + TD.sub(cell, match.group(2)) + "</tr>"  # the row keeps its id

    return table[:body_start] + ROW.sub(row, table[body_start:])


@event_priority(40)  # after the tables other hooks render (50), before print-site saves pages (0)
def on_page_content(html_text, page, config, files, **kwargs):
    where = f"docs/{page.file.src_uri}"
    return TABLE.sub(lambda m: label_table(m.group(0), where), html_text)
