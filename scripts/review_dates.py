#!/usr/bin/env python3
"""List every page's review dates and flag the pages that are due.

    python3 scripts/review_dates.py [--today YYYY-MM-DD] [--soon DAYS] [--check] [--docs DIR]

Reads the front matter (`last_reviewed`, `next_review`) of every Markdown
page under docs/ (snippets in docs/includes/ are not pages) and prints a
table, soonest review first. A page is:

- DUE       when its next_review is today or has passed;
- due soon  when its next_review falls within --soon days (default 30);
- ok        otherwise;
- MISSING   when a date is absent or not written as YYYY-MM-DD (or the
            front matter cannot be read: the reason is printed below).

It then lists the treatment entries of the treatment table
(docs/includes/treatments.yml, read by scripts/guidekit/treatments.py)
whose check date is more than six months old (STALE), or missing or not
written as YYYY-MM-DD (MISSING).

--today sets the date to compare with (default: the real date), so the
output can be checked for any day. With --check the exit code is 1 when any
page is DUE or MISSING, or any treatment entry is STALE or MISSING (for a
scheduled job); "due soon" alone does not fail.

The front matter is read by guidekit.frontmatter, as the build reads it.
"""
import argparse
import datetime
import pathlib
import sys

from guidekit import ROOT, dates, frontmatter

DOCS = ROOT / "docs"

DUE, SOON, OK, MISSING = "DUE", "due soon", "ok", "MISSING"
STALE = "STALE"
TREATMENT_MONTHS = 6  # a treatment entry is re-checked at least this often


def parse_date(value):
    try:
        return dates.as_date(value)
    except (TypeError, ValueError):
        return None


def pages(docs=DOCS):
    return frontmatter.pages(docs)


def review_table(docs=DOCS, today=None, soon=30):
    """Return one dict per page: path, last_reviewed, next_review, days_left, status."""
    today = today or datetime.date.today()
    docs = pathlib.Path(docs)
    rows = []
    for page in pages(docs):
        problem = ""
        try:
            meta = frontmatter.read(page, page.relative_to(docs.parent).as_posix())
        except frontmatter.FrontMatterError as err:
            meta, problem = {}, str(err)
        last = parse_date(meta.get("last_reviewed"))
        nxt = parse_date(meta.get("next_review"))
        if last is None or nxt is None:
            status, days_left = MISSING, None
        else:
            days_left = (nxt - today).days
            status = DUE if days_left <= 0 else SOON if days_left <= soon else OK
        rows.append({
            "path": page.relative_to(docs.parent).as_posix(),
            "last_reviewed": meta.get("last_reviewed", ""),
            "next_review": meta.get("next_review", ""),
            "days_left": days_left,
            "status": status,
            "problem": problem,
        })
    # Missing dates first, then the soonest review.
    rows.sort(key=lambda r: (r["days_left"] is not None,
                             r["days_left"] if r["days_left"] is not None else 0, r["path"]))
    return rows


def add_months(day, months):
    """day plus whole months (the last day of the month when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue


def treatment_rows(path, today=None, months=TREATMENT_MONTHS):
    """One dict per drug entry of the treatment data at path: name, checked,
    recheck (the date it falls due), status (STALE, ok or MISSING).
    [] when the file does not exist; ValueError when it cannot be read.
    Read as the build reads it (guidekit.data, guidekit.treatments), but not
    checked: an entry without a date is listed as MISSING here."""
    from mkdocs.exceptions import PluginError

    from guidekit import treatments
    from guidekit.data import read_yaml

    today = today or datetime.date.today()
    path = pathlib.Path(path)
    if not path.exists():
        return []
    try:
        data = read_yaml(path, "the treatment options") or {}
    except PluginError as err:
        raise ValueError(str(err)) from None
    rows = []
    for driver, drug in treatments.entries(data):
        name = f"{drug.get('generic', '?')} ({driver.get('change', '?')})"
        checked = parse_date(drug.get("checked"))
        if checked is None:
            rows.append({"name": name, "checked": str(drug.get("checked") or "-"),
                         "recheck": None, "status": MISSING})
            continue
        recheck = add_months(checked, months)
        rows.append({"name": name, "checked": checked.isoformat(), "recheck": recheck,
                     "status": STALE if today > recheck else OK})
    return rows


def format_table(rows):
    head = ("page", "last reviewed", "next review", "days left", "status")
    body = [(r["path"], r["last_reviewed"] or "-", r["next_review"] or "-",
             "-" if r["days_left"] is None else str(r["days_left"]), r["status"]) for r in rows]
    widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
    line = lambda row: "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()
    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, body)])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--today", type=datetime.date.fromisoformat, default=None,
                    help="compare with this date (YYYY-MM-DD) instead of the real date")
    ap.add_argument("--soon", type=int, default=30, metavar="DAYS",
                    help="flag pages due within this many days as 'due soon' (default 30)")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 when any page is due or has no valid dates")
    ap.add_argument("--docs", type=pathlib.Path, default=DOCS, help="the docs folder")
    ap.add_argument("--treatments", type=pathlib.Path, default=None, metavar="FILE",
                    help="the treatment data (default: includes/treatments.yml in the docs folder)")
    args = ap.parse_args(argv)
    today = args.today or datetime.date.today()
    rows = review_table(args.docs, today, args.soon)
    if not rows:
        print(f"review_dates: no pages under {args.docs}")
        return 1 if args.check else 0
    print(format_table(rows))
    for r in rows:
        if r["problem"]:
            print(r["problem"])
    count = lambda s: sum(r["status"] == s for r in rows)
    print(f"\n{len(rows)} pages on {today.isoformat()}: {count(DUE)} due, "
          f"{count(SOON)} due within {args.soon} days, {count(MISSING)} without valid dates.")
    from guidekit import treatments

    treatments_file = args.treatments or args.docs / treatments.DATA
    try:
        entries = treatment_rows(treatments_file, today)
    except ValueError as err:
        print(f"\nTreatment entries: cannot read {err}")
        return 1 if args.check else 0
    flagged = [e for e in entries if e["status"] != OK]
    if entries:
        print(f"\nTreatment entries ({treatments_file.name}) checked more than "
              f"{TREATMENT_MONTHS} months ago, or without a valid check date:")
        for e in flagged:
            due = e["recheck"].isoformat() if e["recheck"] else "-"
            print(f"  {e['status']:<8} {e['name']}: checked {e['checked']}, re-check due {due}")
        if not flagged:
            print("  none")
        print(f"{len(entries)} treatment entries: {sum(e['status'] == STALE for e in entries)} "
              f"stale, {sum(e['status'] == MISSING for e in entries)} without a valid check date.")
    if args.check and (count(DUE) or count(MISSING) or flagged):
        return 1
    return 0


if __name__ == "__main__":
    import bootstrap

    bootstrap.run_inside(["requirements.txt"])
    sys.exit(main())
