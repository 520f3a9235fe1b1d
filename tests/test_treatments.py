"""The treatment table of "Choosing the next treatment" (issue 13): one data
file (docs/includes/treatments.yml) rendered by overrides/hooks/treatments.py,
every drug entry with its status, a dated source and a check date; the
reader's region picks brand names and status labels; the build refuses an
entry without a status; scripts/review_dates.py flags an entry checked more
than six months ago.
"""
import collections
import copy
import datetime
import html
import re
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT, build_with_overlay, run_build
from guidekit import dates, treatments
from guidekit.data import read_yaml

DOCS = ROOT / "docs"
DATA_FILE = DOCS / "includes" / "treatments.yml"
DATA = read_yaml(DATA_FILE, "the treatment options")
PAGE = "next-treatment.html"
YEAR = re.compile(r"\b(19|20)\d\d\b")


def drugs():
    return [(driver, drug) for driver in DATA["drivers"] for drug in driver["drugs"]]


def table_html(site):
    built = (site / PAGE).read_text(encoding="utf-8")
    tables = re.findall(r'<div class="guide-treatments">.*?</table>\s*</div>', built, re.S)
    assert len(tables) == 1, f"{PAGE}: expected one treatment table, found {len(tables)}"
    return tables[0]


def text(fragment):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def inline_text(fragment):
    """The text as read: tags inside a sentence (abbreviations) add no space."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def items(table):
    """The list item of each drug, in order."""
    return re.findall(r"<li>(.*?)</li>", table, re.S)


def overlay_build(tmp_path, region):
    result, _ = build_with_overlay(tmp_path, f"extra:\n  region: {region}\n")
    assert result.returncode == 0, result.stdout + result.stderr
    return tmp_path / "site"


# --- the data --------------------------------------------------------------------

@pytest.mark.parametrize("driver, drug", drugs(), ids=lambda v: v.get("generic", v.get("change")))
def test_every_entry_has_status_dated_source_and_check_date(driver, drug):
    statuses = drug.get("status") or {}
    assert statuses.get("us"), f"{drug['generic']}: no US status"
    for region, status in statuses.items():
        for field in ("regulator", "label", "date", "source"):
            assert str(status.get(field) or "").strip(), f"{drug['generic']} {region}: no {field}"
        src = DATA["sources"][status["source"]]
        assert YEAR.search(str(src["date"])), f"source {status['source']} has no year"
        assert str(src["url"]).startswith(("https://", "http://")), src["url"]
        assert src["title"].strip() and src["publisher"].strip()
    assert isinstance(drug.get("checked"), datetime.date), f"{drug['generic']}: no check date"


def test_the_table_holds_the_issue_s_corrections():
    """The clinical review's points (issue 13, item 2) are in the data."""
    by_name = {d["generic"]: d for _, d in drugs()}
    for name in ("sotorasib", "adagrasib", "trastuzumab deruxtecan", "telisotuzumab vedotin"):
        assert by_name[name]["status"]["us"]["label"] == "accelerated", name
    assert "non-squamous" in by_name["telisotuzumab vedotin"]["used"]
    exon20 = [d["generic"] for c, d in drugs() if "exon 20" in c["change"]]
    assert {"amivantamab with platinum chemotherapy", "amivantamab alone", "sunvozertinib"} <= set(exon20)
    assert "after an earlier one" in by_name["repotrectinib"]["used"]
    assert by_name["lorlatinib"]["brand"] == {"us": "Lorbrena", "eu_uk": "Lorviqua"}
    assert by_name["sotorasib"]["brand"] == {"us": "Lumakras", "eu_uk": "Lumykras"}
    assert by_name["selpercatinib"]["brand"] == {"us": "Retevmo", "eu_uk": "Retsevmo"}


# --- the rendered table ----------------------------------------------------------

def notes_of(site):
    """The page's numbered notes: {label: (number, html of the note)}."""
    built = (site / PAGE).read_text(encoding="utf-8")
    block = re.search(r'<div class="footnote">.*?</ol>\s*</div>', built, re.S)
    assert block, f"{PAGE}: no numbered notes at the end of the page"
    found = re.findall(r'<li id="fn:([^"]+)">(.*?)</li>', block.group(0), re.S)
    return {label: (number, note) for number, (label, note) in enumerate(found, 1)}


def test_rendered_table_shows_every_status_with_its_source_and_check_date(site):
    """Each drug: its name, status label and a raised number leading to a
    note that links to the source and names its title, publisher and date.
    The check date: once in the caption, or on the drug if it differs."""
    table = table_html(site)
    notes = notes_of(site)
    shown = items(table)
    assert len(shown) == len(drugs()), f"{len(shown)} drugs shown, {len(drugs())} in the data"
    common = common_day()
    caption = text(re.search(r"<caption>(.*?)</caption>", table, re.S).group(1))
    assert f"checked each status against its source on {common.day} {common:%B %Y}" in caption, caption
    for (driver, drug), item in zip(drugs(), shown):
        words = text(item)
        status = drug["status"]["us"]
        src = DATA["sources"][status["source"]]
        assert words.lower().startswith(drug["generic"].lower()), words[:80]
        assert {"full": "full approval", "accelerated": "accelerated approval"}.get(
            status["label"], "") in words, f"{drug['generic']}: its status label is not shown"
        refs = re.findall(r'<a class="footnote-ref" href="#fn:([^"]+)">(\d+)</a>', item)
        assert len(refs) == 1, f"{drug['generic']}: expected one raised number, found {refs}"
        label, number = refs[0]
        assert label in notes, f"{drug['generic']}: its raised number leads to no note ({label})"
        assert int(number) == notes[label][0], f"{drug['generic']}: shows {number}, the note is {notes[label][0]}"
        note = notes[label][1]
        assert f'href="{html.escape(src["url"], quote=True)}"' in note, f"{drug['generic']}: no link to its source"
        for field in ("title", "publisher"):
            assert src[field] in inline_text(note), f"{drug['generic']}: its note does not name the source's {field}"
        assert dates.written(src["date"]) in inline_text(note), f"{drug['generic']}: its note has no date"
        checked = drug["checked"]
        own_date = f"Checked {checked.day} {checked:%B %Y}" in words
        assert own_date == (checked != common), f"{drug['generic']}: check date shown {own_date}"
    # The table's notes are numbered one after another, in the order the
    # table cites them (overrides/hooks/note_numbers.py; the page's own
    # notes before the table come first: tests/test_evidence.py).
    numbers = [int(n) for n in re.findall(r'class="footnote-ref" href="#fn:drug-[^"]+">(\d+)</a>', table)]
    first_seen = list(dict.fromkeys(numbers))
    assert first_seen and first_seen == list(range(first_seen[0], first_seen[0] + len(first_seen))), \
        f"the table's notes are numbered {first_seen}"
    # The international default names the US status and says countries differ.
    assert "other countries decide" in text(table)
    # A plain, accessible table: a caption, a header row, cells labelled for phones.
    assert "<caption>" in table and "<thead" in table
    assert 'data-label="Driver change"' in table


def common_day():
    """The day most entries were checked on (the latest, on a tie)."""
    days = collections.Counter(drug["checked"] for _, drug in drugs())
    return max(days, key=lambda day: (days[day], day))


def test_my_situation_lists_each_drug_with_its_source_under_one_check_date(site):
    """My situation has no notes list: each drug names its source in full
    (linked), and the check date is said once, over the list, as in the
    table's caption (a drug checked on another day says its own)."""
    built = (site / "my-situation.html").read_text(encoding="utf-8")
    block = re.search(r'data-ms-list="treatments".*?<div class="ms-empty"', built, re.S)
    assert block, "my-situation.html: no drug list (data-ms-list=treatments)"
    caption = text(re.search(r'<div class="ms-caption">(.*?)</div>', block.group(0), re.S).group(1))
    common = common_day()
    assert f"checked each status against its source on {common.day} {common:%B %Y}" in caption, caption
    shown = re.findall(r"<li[^>]*>(.*?)</li>", block.group(0), re.S)
    assert len(shown) == len(drugs()), f"{len(shown)} drugs listed, {len(drugs())} in the data"
    for (_, drug), item in zip(drugs(), shown):
        src = DATA["sources"][drug["status"]["us"]["source"]]
        assert f'href="{html.escape(src["url"], quote=True)}"' in item, f"{drug['generic']}: no link to its source"
        assert src["publisher"] in inline_text(item), f"{drug['generic']}: its source's publisher is not named"
        checked = drug["checked"]
        own_date = f"Checked {checked.day} {checked:%B %Y}" in text(item)
        assert own_date == (checked != common), f"{drug['generic']}: check date shown {own_date}"


def test_a_drug_checked_on_another_day_says_so():
    """The caption gives the common check date; a drug checked on another
    day carries its own, and the caption says so."""

    data = copy.deepcopy(DATA)
    odd = data["drivers"][1]["drugs"][0]
    odd["checked"] = datetime.date(2026, 1, 5)
    markdown = treatments.render_driver_table(data, "international")
    rendered = treatments.drug_item(odd, data["sources"], "international", cite=True, show_checked=True)
    assert "Checked 5 January 2026." in rendered and rendered in markdown
    assert markdown.count("Checked ") == 1, "only the drug checked on another day shows its date"
    assert "a drug checked on another day says so" in treatments.caption(data, "international")
    one_day = len({d["checked"] for _, d in drugs()}) == 1
    assert ("says so" in treatments.caption(DATA, "international")) != one_day


@pytest.fixture(scope="module")
def region_sites(tmp_path_factory):
    return {region: overlay_build(tmp_path_factory.mktemp(f"treat-{region}"), region)
            for region in ("us", "uk")}


def test_region_build_shows_that_region_s_names_and_labels(region_sites):
    us, uk = (text(table_html(region_sites[r])) for r in ("us", "uk"))
    # The brand names shown beside each drug (source titles may name others).
    us_names, uk_names = (" ".join(re.findall(r"</strong> \(([^)]*)\)", table_html(region_sites[r])))
                          for r in ("us", "uk"))
    for us_brand, eu_brand in (("Lorbrena", "Lorviqua"), ("Retevmo", "Retsevmo"), ("Lumakras", "Lumykras")):
        assert us_brand in us_names and eu_brand not in us_names, f"US build: {us_brand}/{eu_brand}"
        assert eu_brand in uk_names and us_brand not in uk_names, f"UK build: {us_brand}/{eu_brand}"
    assert "conditional marketing authorization" in uk, "UK build: the EU label for sotorasib is missing"
    assert "conditional marketing authorization" not in us
    # Read as a sentence: "UK" is an abbreviation there (<abbr>), which adds no space.
    assert "EU/UK status not confirmed here" in inline_text(table_html(region_sites["uk"])), \
        "UK build must say where the EU status is unknown"


# --- the build refuses a bad entry ------------------------------------------------

@pytest.mark.parametrize("remove, words", [
    ("status", "has no status"),
    ("checked", "has no check date"),
])
def test_build_fails_clearly_on_an_entry_without_status_or_check_date(project, tmp_path, remove, words):
    path = project / "docs" / "includes" / "treatments.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["drivers"][0]["drugs"][0][remove]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = run_build(tmp_path / "site", config_file=project / "mkdocs.yml", pdf=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the build should fail:\n{output}"
    assert "treatments.yml" in output and words in output, output
    assert data["drivers"][0]["drugs"][0]["generic"] in output, output
    assert "Traceback" not in output, output


def test_build_fails_on_a_source_without_a_date(project, tmp_path):
    path = project / "docs" / "includes" / "treatments.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    key = next(iter(data["sources"]))
    del data["sources"][key]["date"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = run_build(tmp_path / "site", config_file=project / "mkdocs.yml", pdf=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0 and f"source '{key}' has no date" in output, output


# --- kept current: review_dates.py ------------------------------------------------

def run_review(*args):
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "review_dates.py"), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_review_report_flags_an_entry_checked_more_than_six_months_ago(tmp_path):
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    today = max(d["checked"] for _, d in drugs())
    old = data["drivers"][1]["drugs"][0]
    old["checked"] = today - datetime.timedelta(days=200)
    copy = tmp_path / "treatments.yml"
    copy.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = run_review("--today", today.isoformat(), "--treatments", str(copy), "--check")
    flagged = [line for line in result.stdout.splitlines() if line.strip().startswith("STALE")]
    assert len(flagged) == 1 and old["generic"] in flagged[0], result.stdout
    assert result.returncode == 1, "--check must fail when a treatment entry is stale"
    # The real data on its check date: nothing stale, and --check passes for it.
    fresh = run_review("--today", today.isoformat(), "--check")
    assert "0 stale" in fresh.stdout, fresh.stdout


def test_review_report_flags_the_real_data_once_six_months_have_passed():
    last = min(d["checked"] for _, d in drugs())
    month = last.month + 6
    due = last.replace(year=last.year + (month - 1) // 12, month=(month - 1) % 12 + 1)
    on_due = run_review("--today", due.isoformat())
    after = run_review("--today", (due + datetime.timedelta(days=1)).isoformat())
    assert "0 stale" in on_due.stdout, on_due.stdout
    assert re.search(r"\b[1-9]\d* stale", after.stdout), after.stdout
