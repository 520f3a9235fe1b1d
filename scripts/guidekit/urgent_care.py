"""The urgent-care advice's data (docs/includes/urgent-care.yml), read and
checked in one place: for the hook that shows the card
(overrides/hooks/urgent_care.py) and for the print page's contents, which
lists the card first (overrides/hooks/print_page.py).
"""
import pathlib

from mkdocs.exceptions import PluginError

from guidekit.data import read_yaml

DATA = "includes/urgent-care.yml"  # under the docs folder
ANCHOR = "urgent-care"              # the card's id on its home page


def text_of(entry):
    """An item's or a note's words, placeholders unfilled (a note may be
    plain text, with no sources)."""
    return entry if isinstance(entry, str) else entry["text"]


def load(docs_dir):
    """The checked data; a PluginError naming the file and every problem.
    Its `home` is the page that carries the whole card, which pointers on
    other pages link to."""
    path = pathlib.Path(docs_dir) / DATA
    data = read_yaml(path, "the urgent-care advice")
    problems = []
    home = data.get("home")
    if not (isinstance(home, str) and home.endswith(".md")):
        problems.append("'home' must name the page that carries the whole card (e.g. index.md)")
    sources = data.get("sources") or {}
    for key, src in sources.items():
        for field in ("title", "publisher", "date", "url"):
            if not str((src or {}).get(field) or "").strip():
                problems.append(f"source '{key}' has no {field}")
    entries = [item for tier in data.get("tiers") or [] for item in tier.get("items") or []]
    entries += [note for note in data.get("notes") or [] if isinstance(note, dict)]
    for item in entries:
        # search: other words readers type for this sign (search finds it
        # by them too; overrides/hooks/urgent_care.py, search_entries).
        words = item.get("search", [])
        if not (isinstance(words, list) and all(isinstance(w, str) and w.strip() for w in words)):
            problems.append(f"item '{item.get('text', '?')[:40]}': 'search' must be a list of words "
                            "or phrases, e.g. [stroke, blood in phlegm]")
        # sources_<region> replaces sources in that region's build
        # (a threshold that differs by country cites that country's source).
        for key in [k for k in item if k == "sources" or k.startswith("sources_")]:
            cited = item.get(key) or []
            if not cited:
                problems.append(f"item '{item.get('text', '?')[:40]}' cites no source ({key})")
            problems += [f"item '{item.get('text', '?')[:40]}' cites unknown source '{c}'"
                         for c in cited if c not in sources]
    if len(data.get("tiers") or []) != 2:
        problems.append("there must be exactly two tiers (emergency number; 24-hour line)")
    if problems:
        raise PluginError(f"{path}: " + "; ".join(problems) + ".")
    return data
