"""Dates, one way: read from the pages' front matter and the data files
(YYYY-MM-DD; a source's date may also be just YYYY or YYYY-MM), and
written for readers as "23 November 2026", "May 2021" or "2021".
"""
import datetime
import re

PARTIAL = re.compile(r"^(19|20)\d\d(-\d\d(-\d\d)?)?$")


def as_date(value):
    """A date from 'YYYY-MM-DD' (or a date); ValueError otherwise."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip())


def written(value):
    """A date ('2021', '2021-05', '2021-05-28', or a date) as the guide
    writes it for readers: '2021', 'May 2021', '28 May 2021'. ValueError
    on anything else, or on an impossible date."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        value = value.isoformat()
    text = str(value).strip()
    if not PARTIAL.match(text):
        raise ValueError(f"not a date: {text!r}")
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return str(parts[0])
    month = datetime.date(parts[0], parts[1], 1).strftime("%B")
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    day = datetime.date(*parts)  # raises ValueError on an impossible date
    return f"{day.day} {month} {day.year}"
