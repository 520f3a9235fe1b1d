"""Questions to ask: numbered on screen, 1 to the last across the page, in
every browser.

A reader on a phone is told to jot down the numbers of the questions she
wants to ask ("7, 12, 31"), so a number must mean one question. The numbers
used to be drawn by a CSS counter in the list marker (`::marker { content:
counter(...) }`), which Safari does not support: on an iPhone each section's
list started again at 1. The number is now part of the page: a span at the
start of each question (an item of a task list, `- [ ]`), shown on screen
(docs/assets/stylesheets/guide.css) and hidden on paper, where the tick box
takes its place (print.css). Screen readers read it as part of the question.

Priority: on_page_content at -20, after the print-site plugin (0) saved the page for
the print page and the PDF, which have the tick boxes and no use for the
numbers. Pages without a task list are left as they are. A page whose
Markdown has task-list items that the pattern does not find in its HTML
fails the build: pymdownx.tasklist would have changed what it writes.
"""
import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

# What pymdownx.tasklist writes for each item (custom_checkbox off).
ITEM = re.compile(r'<li class="task-list-item">')
TASK = re.compile(r"^\s*[-*+] \[[ xX]\] ", re.M)


@event_priority(-20)
def on_page_content(html, page, config, files, **kwargs):
    count = iter(range(1, 10_000))
    html, found = ITEM.subn(lambda m: f'{m.group(0)}<span class="guide-question-number">{next(count)}.</span> ',
                            html)
    wanted = len(TASK.findall(page.markdown or ""))
    if found != wanted:
        raise PluginError(f"docs/{page.file.src_uri}: {wanted} questions (task-list items) in the "
                          f"Markdown, {found} found in the HTML as {ITEM.pattern}: pymdownx.tasklist "
                          "now writes them differently; update ITEM in overrides/hooks/question_numbers.py")
    return html
