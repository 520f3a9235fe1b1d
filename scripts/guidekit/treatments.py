"""The treatment options by driver change (docs/includes/treatments.yml):
read and checked, and written out as the guide shows them, in one place
for the hooks that show them: the table of "Choosing the next treatment"
(overrides/hooks/treatments.py) and the drugs of "My situation"
(overrides/hooks/my_situation.py), and for scripts/review_dates.py, which
lists the entries due for a new check.

Each drug has its regulatory status, the source that status was checked
against and the date it was checked. The reader's region picks the brand
names and the status shown: us shows the US brand and the FDA status; uk
shows the EU/UK brand and the EU status where one has been confirmed
(otherwise it says so and shows the US status); international shows the US
status and says that other countries decide for themselves. load() fails,
naming the file and the entry, on an entry without a status, a dated
source or a check date.
"""
import datetime
import html
import pathlib
import re

from mkdocs.exceptions import PluginError

from guidekit import dates
from guidekit.data import read_yaml

DATA = "includes/treatments.yml"
LABELS = {
    "full": "full approval",
    "accelerated": "accelerated approval",
    "approved": "approved",
    "conditional": "conditional marketing authorization",
    "authorised": "marketing authorization",
}
STATUS_FIELDS = ("regulator", "label", "date", "source")
SOURCE_FIELDS = ("title", "publisher", "date", "url")


def esc(value):
    return html.escape(str(value), quote=True)


def entries(data):
    """(driver, drug) for every drug entry of the data."""
    for driver in (data or {}).get("drivers") or []:
        for drug in (driver or {}).get("drugs") or []:
            yield driver, drug


def problems(data):
    """Every problem of the data, one line each naming the entry and the fix."""
    found = []
    if not isinstance(data, dict):
        return ["the file must hold 'sources:' and 'drivers:'"]
    sources = data.get("sources") or {}
    for key, src in sources.items():
        for field in SOURCE_FIELDS:
            if not str((src or {}).get(field) or "").strip():
                found.append(f"source '{key}' has no {field}: add '{field}:'")
        date = (src or {}).get("date")
        if date and not dates.PARTIAL.match(str(date.isoformat() if isinstance(date, datetime.date) else date)):
            found.append(f"source '{key}' has the date '{date}': write it as YYYY, YYYY-MM or YYYY-MM-DD")
        url = str((src or {}).get("url") or "")
        if url and not url.startswith(("https://", "http://")):
            found.append(f"source '{key}' has the address '{url}': give a full web address")
    drivers = data.get("drivers") or []
    if not drivers:
        found.append("there are no 'drivers:' entries")
    for driver in drivers:
        for field in ("change", "drug_type"):
            if not str((driver or {}).get(field) or "").strip():
                found.append(f"a driver entry has no '{field}:'")
        if not (driver or {}).get("drugs"):
            found.append(f"driver '{(driver or {}).get('change', '?')}' lists no drugs")
    for driver, drug in entries(data):
        name = f"'{drug.get('generic', '?')}' ({driver.get('change', '?')})"
        for field in ("generic", "used"):
            if not str(drug.get(field) or "").strip():
                found.append(f"{name} has no '{field}:'")
        if not str((drug.get("brand") or {}).get("us") or "").strip():
            found.append(f"{name} has no US brand: add 'brand: {{us: ...}}'")
        statuses = drug.get("status") or {}
        if not statuses.get("us"):
            found.append(f"{name} has no status: add 'status: {{us: {{regulator: US FDA, label: "
                         "full or accelerated, date: YYYY-MM-DD, source: <key>}}}}'")
        for region, status in statuses.items():
            if region not in ("us", "eu_uk"):
                found.append(f"{name} has a status for '{region}': use us or eu_uk")
                continue
            for field in STATUS_FIELDS:
                if not str((status or {}).get(field) or "").strip():
                    found.append(f"{name}: its {region} status has no '{field}:'")
            label = (status or {}).get("label")
            if label and label not in LABELS:
                found.append(f"{name}: its {region} status label '{label}' is not one of "
                             f"{', '.join(LABELS)}")
            date = (status or {}).get("date")
            if date:
                try:
                    dates.written(date)
                except ValueError:
                    found.append(f"{name}: its {region} status date '{date}' is not a date "
                                 "(write YYYY, YYYY-MM or YYYY-MM-DD)")
            key = (status or {}).get("source")
            if key and key not in sources:
                found.append(f"{name}: its {region} status cites the unknown source '{key}' "
                             "(add it under 'sources:')")
        if drug.get("checked") in (None, ""):
            found.append(f"{name} has no check date: add 'checked: YYYY-MM-DD'")
        else:
            try:
                dates.as_date(drug["checked"])
            except ValueError:
                found.append(f"{name}: 'checked: {drug['checked']}' is not a date (write YYYY-MM-DD)")
    return found


def load(path):
    """The data at path, checked; PluginError naming the file and every problem."""
    path = pathlib.Path(path)
    data = read_yaml(path, "the treatment options")
    found = problems(data)
    if found:
        raise PluginError(f"{path}: " + "; ".join(found) + ".")
    return data


def md_text(value):
    """Text for a Markdown span: HTML-escaped, and Markdown's own marks
    (emphasis, links, code) taken as the characters they are."""
    return re.sub(r"([\\`*_\[\]])", r"\\\1", html.escape(str(value), quote=False))


def _source_link(src):
    return (f'<a href="{esc(src["url"])}">{esc(src["title"])}</a> '
            f'({esc(src["publisher"])}, {esc(dates.written(src["date"]))})')


def note_key(source_key):
    """The footnote label of a source cited by the table."""
    return f"drug-{source_key}"


def note_definition(source_key, src):
    """The source as a footnote of the page: title (linked), publisher, date."""
    url = str(src["url"]).replace("(", "%28").replace(")", "%29")
    return (f'[^{note_key(source_key)}]: [{md_text(src["title"])}]({url}) '
            f'({md_text(src["publisher"])}, {md_text(dates.written(src["date"]))}).')


def _status_text(status, sources, text=esc, cite=False):
    """The status in words, then its source: inline (a link with title,
    publisher and date; plain HTML), or with cite=True a footnote reference
    (Markdown: `text` is md_text)."""
    label = LABELS[status["label"]]
    words = (f'<span class="guide-treatments__status">{text(status["regulator"])}: {text(label)}, '
             f'{text(dates.written(status["date"]))}.')
    if cite:
        return words + f'[^{note_key(status["source"])}]</span>'
    return (words + '</span> <span class="guide-treatments__source">Source: '
            f'{_source_link(sources[status["source"]])}.</span>')


def drug_item(drug, sources, region, cite=False, show_checked=True):
    """One drug as a list item. By default plain HTML with its source inline
    and its check date (the My situation page). With cite=True a Markdown span
    (md_in_html) whose status cites its source as a footnote of the page, and
    the check date only if show_checked (the table says the common one once)."""
    text = md_text if cite else esc
    brands = drug["brand"]
    us_brand, eu_brand = brands["us"], brands.get("eu_uk") or brands["us"]
    if region == "uk":
        brand = eu_brand
    elif region == "us" or eu_brand == us_brand:
        brand = us_brand
    else:
        brand = f"{us_brand}; {eu_brand} in the EU and UK"
    name = f'<strong>{text(drug["generic"][:1].upper() + drug["generic"][1:])}</strong> ({text(brand)})'
    statuses = drug["status"]
    if region == "uk" and statuses.get("eu_uk"):
        status = _status_text(statuses["eu_uk"], sources, text, cite)
    elif region == "uk":
        status = ('<span class="guide-treatments__status">EU/UK status not confirmed here: '
                  'ask your team.</span> ' + _status_text(statuses["us"], sources, text, cite))
    else:
        status = _status_text(statuses["us"], sources, text, cite)
    checked = ""
    if show_checked:
        checked = f' <span class="guide-treatments__checked">Checked {dates.written(dates.as_date(drug["checked"]))}.</span>'
    tag = '<li markdown="span">' if cite else "<li>"
    return f'{tag}{name}, {text(drug["used"])}. {status}{checked}</li>'


CAPTIONS = {
    "international": ("Drugs used for common driver changes. The status shown is the US one "
                      "(FDA); other countries decide for themselves, so it may differ where you live."),
    "us": "Drugs used for common driver changes, with their US (FDA) status.",
    "uk": ("Drugs used for common driver changes, with EU and UK brand names. The EU status "
           "is shown where it has been confirmed; the UK regulator (MHRA) and NICE decide for the UK."),
}


def common_check_date(data):
    """The date most entries were checked on (the latest, on a tie)."""
    counts = {}
    for _, drug in entries(data):
        day = dates.as_date(drug["checked"])
        counts[day] = counts.get(day, 0) + 1
    return max(counts, key=lambda day: (counts[day], day))


def caption(data, region):
    day = common_check_date(data)
    others = any(dates.as_date(d["checked"]) != day for _, d in entries(data))
    return (f'{CAPTIONS[region]} We checked each status against its source on '
            + dates.written(day) + ("; a drug checked on another day says so." if others else "."))


def cited_sources(data, region):
    """The keys of the sources the table cites, in the order it cites them."""
    keys = []
    for _, drug in entries(data):
        statuses = drug["status"]
        shown = [statuses["eu_uk"]] if region == "uk" and statuses.get("eu_uk") else [statuses["us"]]
        for status in shown:
            if status["source"] not in keys:
                keys.append(status["source"])
    return keys


def row_id(change):
    """The id of a driver's row: "treatment-" and its name in lower case,
    runs of other characters as one hyphen."""
    return "treatment-" + re.sub(r"[^a-z0-9]+", "-", change.lower()).strip("-")


def render_driver_table(data, region):
    """The table as Markdown (md_in_html): each status cites its source as a
    footnote of the page, so the sources join the page's numbered notes and
    the table keeps to the drugs. The caption is added in on_page_content
    (md_in_html does not carry a <caption>); the notes' definitions follow
    the table, and overrides/hooks/note_numbers.py numbers every note of the
    page in the order the text cites it."""
    sources = data["sources"]
    day = common_check_date(data)
    rows, jumps = [], []
    for driver in data["drivers"]:
        items = "".join(drug_item(drug, sources, region, cite=True,
                                  show_checked=dates.as_date(drug["checked"]) != day)
                        for drug in driver["drugs"])
        anchor = row_id(driver["change"])
        rows.append(f'<tr id="{anchor}" markdown="1"><td>{esc(driver["change"])}</td>'
                    f'<td>{esc(driver["drug_type"])}</td>'
                    f'<td markdown="1"><ul class="guide-treatments__drugs" markdown="1">{items}</ul></td></tr>')
        jumps.append(f'<li><a href="#{anchor}">{esc(driver["change"])}</a></li>')
    notes = "\n".join(note_definition(key, sources[key]) for key in cited_sources(data, region))
    # On screen, links to each driver's row: on a phone the rows are cards,
    # about ten screens in all (phone reader review). Not printed.
    jump = ('\n\n<nav class="guide-treatments__jump print-site-plugin-ignore" '
            'aria-labelledby="guide-treatments-jump">\n'
            '<p id="guide-treatments-jump">Go straight to a driver change in the table:</p>\n'
            '<ul>' + "".join(jumps) + '</ul>\n</nav>\n')
    return (jump + '\n<div class="guide-treatments" markdown="1">\n<table markdown="1">\n'
            '<thead><tr><th>Driver change</th><th>Type of drug</th>'
            '<th>Example drugs: when used and status</th></tr></thead>\n'
            '<tbody markdown="1">\n' + "\n".join(rows) + '\n</tbody>\n</table>\n</div>\n\n'
            + notes + "\n\n")
