"""Search: a page's Sources section comes after the sections that explain.

Each page ends with its list of sources (`extra.sources_heading`), and the
theme indexes it as a section like any other. A source's title holds the
words of its subject ("Do-not-resuscitate (DNR) orders", "docetaxel ...
side effects"), so that list came before the section that answers the
question: "hospice", "docetaxel", "side effects" and "DNR" each listed a
page's Sources second, above what a reader was looking for. on_post_build
gives each Sources entry of the search index the theme's per-entry boost
SOURCES_BOOST: it stays findable (a search for "ESMO" or "NICE guidance"
still finds it) but comes after the page's other sections.

The build fails, naming this file, when the index has no Sources entry: the
theme has changed how it names sections, or no page has the heading any
more (then extra.sources_heading is out of date).

Priorities: on_post_build at -40, after the search plugin wrote its index
(0), before the offline plugin copies it into search_index.js for file://
(-100).
"""
import html

from guidekit import search_index
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

# 0.3 moved Sources below the explaining sections for the queries above and
# changed no rank of a 146-query probe of section titles; at 0.1 the pages
# whose Sources held the only mention (NICE guidance) fell behind others.
SOURCES_BOOST = 0.3


@event_priority(-40)
def on_post_build(config, **kwargs):
    heading = str(config.extra.get("sources_heading") or "").strip()
    if not heading or "material/search" not in config.plugins:
        return
    who = "sources in search (overrides/hooks/sources_in_search.py)"
    index = search_index.load(config.site_dir, who)
    title = html.escape(heading, quote=False)
    found = [doc for doc in index["docs"] if "#" in doc.get("location", "") and doc.get("title") == title]
    if not found:
        raise PluginError(f"{who}: {search_index.PATH} has no section titled '{heading}' "
                          "(extra.sources_heading); the search plugin has changed how it names "
                          "sections, or no page has that heading any more.")
    for doc in found:
        doc["boost"] = round(doc.get("boost", 1) * SOURCES_BOOST, 6)
    search_index.save(config.site_dir, index)
