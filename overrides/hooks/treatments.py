"""Treatment options by driver change: one data file, rendered as the table
of "Choosing the next treatment", each drug with its regulatory status, the
source that status was checked against and the date it was checked.

The data live in docs/includes/treatments.yml, read, checked and written
out by scripts/guidekit/treatments.py. A page asks for the table with a
marker on a line of its own:

    <!-- treatments: driver-table -->

The reader's region (`extra.region`, overrides/hooks/region.py) picks the
brand names and the status shown: us shows the US brand and the FDA status;
uk shows the EU/UK brand and the EU status where one has been confirmed
(otherwise it says so and shows the US status); international shows the
US status and says that other countries decide for themselves.

In the table each status cites its source as a footnote of the page (a
raised number), so the sources join the page's numbered notes and the
table keeps to the drugs; the caption gives the date the statuses were
checked (a drug checked on another day says its own). The My situation page
(overrides/hooks/my_situation.py) lists the same drugs through drug_item,
each with its source written out (it has no notes list), under the same
caption and check date.

The build fails, naming the file and the entry, on an entry without a
status, a dated source or a check date. scripts/review_dates.py lists the
entries whose check date is more than six months old.

Priorities: on_config at -10, after region.py (10) has chosen the region.
The table is written into the page's Markdown (on_page_markdown at 50; the
md_in_html extension renders the footnote references in its cells), and its
caption added in on_page_content at 50, before tables.py (40) labels its
cells and before the print-site plugin (0) saves the page for the PDF.
"""
import pathlib
import re

from guidekit import treatments
from guidekit.treatments import caption, esc, render_driver_table
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

MARKER = re.compile(r"<!--\s*treatments:\s*([\w-]+)\s*-->")
TABLES = ("driver-table",)
TABLE_START = re.compile(r'(<div class="guide-treatments">\s*<table>)')

_state = {}


@event_priority(-10)  # after overrides/hooks/region.py has checked extra.region
def on_config(config, **kwargs):
    _state["data"] = treatments.load(pathlib.Path(config["docs_dir"]) / treatments.DATA)
    return config


@event_priority(50)  # before abbreviations.py and content_checks.py (0) read the Markdown
def on_page_markdown(markdown, page, config, files, **kwargs):
    region = config.extra.get("region") or "international"

    def replace(match):
        name = match.group(1)
        if name not in TABLES:
            raise PluginError(f"docs/{page.file.src_uri}: unknown treatments marker '{name}'. "
                              f"Use one of: {', '.join(TABLES)}.")
        return render_driver_table(_state["data"], region)

    return MARKER.sub(replace, markdown)


@event_priority(50)  # before tables.py (40) labels the cells and print-site (0) saves the page
def on_page_content(html_text, page, config, files, **kwargs):
    """The table's caption, which the Markdown step cannot carry."""
    if 'class="guide-treatments"' not in html_text:
        return html_text
    region = config.extra.get("region") or "international"
    text, count = TABLE_START.subn(
        lambda m: m.group(1) + f"\n<caption>{esc(caption(_state['data'], region))}</caption>", html_text)
    if not count:
        raise PluginError(f"docs/{page.file.src_uri}: the treatment table was not rendered as "
                          "expected (no <table> right inside its <div>): check that md_in_html is "
                          "in markdown_extensions of mkdocs.yml.")
    return text
