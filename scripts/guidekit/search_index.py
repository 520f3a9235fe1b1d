"""The theme's search index, for the hooks that add results of their own to
it or weigh them (overrides/hooks/urgent_care.py: each warning sign;
glossary.py: each word; sources_in_search.py: each page's Sources). They
edit it after the search plugin wrote it (on_post_build 0) and before the
offline plugin copies it into search_index.js for file:// (-100).
"""
import html
import json
import pathlib

from mkdocs.exceptions import PluginError

# Where the theme's search plugin writes its index (material/plugins/search).
PATH = pathlib.Path("search") / "search_index.json"


def load(site_dir, who):
    """The index of the built site; a PluginError naming who (the hook) when
    the search plugin wrote none there."""
    path = pathlib.Path(site_dir) / PATH
    if not path.is_file():
        raise PluginError(f"{who}: no {PATH} in this build; the search plugin has changed. "
                          "Check where it writes its index.")
    return json.loads(path.read_text(encoding="utf-8"))


def save(site_dir, index):
    (pathlib.Path(site_dir) / PATH).write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")


def entry(location, title, text, boost=None):
    """One result: plain title and text (escaped as the theme's own are),
    with the theme's per-entry boost when one is given."""
    found = {"location": location, "title": html.escape(title, quote=False),
             "text": html.escape(text, quote=False)}
    return dict(found, boost=boost) if boost else found
