"""The reader's country: one setting, `extra.region`, for every word of the
guide that differs by country.

Values: international (the default: right for any English reader, naming no
single country's emergency number), us, uk. The words live in
docs/includes/regions.yml: the emergency number and the after-hours line
(used by the urgent-care card, overrides/hooks/urgent_care.py), helplines and
where to look for clinical trials. A hospital sets `extra.region` in its
overlay (docs/hosting.md).

Pages ask for a region's list with a marker on a line of its own, which
other Markdown tools simply ignore:

    <!-- region: helplines -->
    <!-- region: trial-registers -->

Priorities: on_config at 10, so the region's words are chosen before the
hooks that use them read them (urgent_care.py, treatments.py: -10); the
markers are replaced at 50, before the print-site plugin (0) saves each page
for the PDF.
"""
import html
import pathlib
import re

from guidekit.data import read_yaml
from guidekit.phone import tel_address
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

DATA = "includes/regions.yml"
REGIONS = ("international", "us", "uk")
LISTS = ("helplines", "trial-registers")
MARKER = re.compile(r"<!--\s*region:\s*([\w-]+)\s*-->")
WORDS = ("emergency", "emergency_now", "emergency_department", "line_now", "line_missing",
         "fever", "paracetamol", "crisis", "pointer_lead", "pointer_link")


@event_priority(10)  # before urgent_care.py and treatments.py (-10) read the words
def on_config(config, **kwargs):
    region = config.extra.get("region") or "international"
    if region not in REGIONS:
        raise PluginError(f"{config.config_file_path}: extra.region is '{region}'. "
                          f"Use one of: {', '.join(REGIONS)} (see docs/hosting.md).")
    path = pathlib.Path(config["docs_dir"]) / DATA
    data = read_yaml(path, "the regions' words")
    problems = []
    for name in REGIONS:
        words = (data or {}).get(name) or {}
        problems += [f"{name} has no '{w}'" for w in WORDS if not str(words.get(w) or "").strip()]
        for lst in LISTS:
            entries = words.get(lst.replace("-", "_")) or []
            if not entries:
                problems.append(f"{name} has no {lst}")
            for entry in entries:
                problems += [f"{name} {lst}: '{entry.get('name', '?')}' has no {f}"
                             for f in ("name", "what", "url", "checked") if not str(entry.get(f) or "").strip()]
    if problems:
        raise PluginError(f"{path}: " + "; ".join(problems) + ".")
    config.extra["region"] = region
    # What the other hooks and the templates use: the chosen region's words.
    config.extra["region_words"] = data[region]
    return config


def _render_list(entries):
    items = []
    for e in entries:
        esc = lambda v: html.escape(str(v), quote=True)
        phone = ""
        if e.get("phone"):
            phone = f' Call <a href="tel:{tel_address(e["phone"])}">{esc(e["phone"])}</a>'
            phone += f", {esc(e['hours'])}." if e.get("hours") else "."
        items.append(f'<li><a href="{esc(e["url"])}">{esc(e["name"])}</a>: {esc(e["what"])}.{phone}</li>')
    return '<ul class="guide-region-list">' + "".join(items) + "</ul>"


@event_priority(50)  # before the print-site plugin saves the page for the PDF
def on_page_content(html, page, config, files, **kwargs):
    words = config.extra["region_words"]

    def replace(match):
        name = match.group(1)
        if name not in LISTS:
            raise PluginError(f"docs/{page.file.src_uri}: unknown region marker '{name}'. "
                              f"Use one of: {', '.join(LISTS)}.")
        return _render_list(words[name.replace("-", "_")])

    return MARKER.sub(replace, html)
