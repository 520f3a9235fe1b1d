"""Dates for people: the `guide_date` template filter prints a page's review
dates (front matter, read by guidekit.frontmatter) as "23 November 2026",
the way the guide writes dates (guidekit.dates; used by
overrides/partials/page-info.html).

on_env at priority 0: it only adds a filter, so its order does not matter.
"""
from mkdocs.plugins import event_priority

from guidekit import dates


def guide_date(value):
    """23 November 2026; a value that is not a date as it is (the front
    matter checks have failed the build on it already)."""
    try:
        return dates.written(value)
    except (TypeError, ValueError):
        return str(value)


@event_priority(0)
def on_env(env, config, files, **kwargs):
    env.filters["guide_date"] = guide_date
    return env
