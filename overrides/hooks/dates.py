"""Dates for people: the `guide_date` template filter prints a page's review
dates (front matter, read by guidekit.frontmatter) as "23 November 2026",
the way the guide writes dates (overrides/partials/page-info.html).

on_env at priority 0: it only adds a filter, so its order does not matter.
"""
from mkdocs.plugins import event_priority

from guidekit import frontmatter


def guide_date(value):
    """23 November 2026, the way the guide writes dates."""
    try:
        d = frontmatter.as_date(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{d.day} {d:%B %Y}"


@event_priority(0)
def on_env(env, config, files, **kwargs):
    env.filters["guide_date"] = guide_date
    return env
