"""Glossary: search opens each word at its own meaning.

The glossary page (`extra.glossary_page`) is a definition list under a
heading for each letter. The theme's search indexes a page by its headings,
so "biopsy" led to the top of the B block: on a phone the reader saw
"Biomarker" and had to hunt for the word they asked about (patient review).

on_page_content gives each term of that page an id (term-biopsy-tissue-biopsy,
from the term's words as the toc extension makes heading ids), and
on_post_build puts one search result per term in place of the letter
sections: the term as its title, its meaning as its text, leading to the
term itself. The theme weighs a word in a title a thousand times a word in
the text (search_index.json, config.fields), so a term named like a symptom
("Pneumonitis", "Sepsis") would come before the urgent-care card's sign for
it; TERM_BOOST (the theme's per-entry `boost`) takes that back.

Priorities: on_config at 0 (it reads one setting); on_page_content at -20,
after the print-site plugin (0) kept the page for the print page, which
search does not serve; on_post_build at -40, after the search plugin wrote
its index (0), before the offline plugin copies it into search_index.js for
file:// (-100).
"""
import html as html_lib
import pathlib
import re

from guidekit import search_index
from markdown.extensions.toc import slugify
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

# A term's entry weighs this much against a section's (1), measured in a
# browser: at 0.005 "pneumonitis" and "seizure" listed the glossary before
# the urgent-care sign (tests/test_search.py); at 0.001 twenty word queries
# rank as before, with the glossary's result now at the term, and 145
# queries made of section titles move by a few places either way.
TERM_BOOST = 0.001
ID_PREFIX = "term-"
TERM = re.compile(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", re.S)
SECTION = re.compile(r'<h2 id="([^"]+)"[^>]*>.*?(?=<h2 |\Z)', re.S)

_state = {}


def text_of(fragment):
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


@event_priority(0)
def on_config(config, **kwargs):
    _state.clear()
    page = config.extra.get("glossary_page")
    if page is not None and not (pathlib.Path(config["docs_dir"]) / page).is_file():
        raise PluginError(f"mkdocs.yml: extra.glossary_page is '{page}', which is not a file in "
                          f"{config['docs_dir']}: name the glossary page (e.g. glossary.md), or "
                          "remove the key")
    _state["page"] = page
    return config


@event_priority(-20)
def on_page_content(html, page, config, **kwargs):
    """Each term of the glossary gets an id; its words and meaning are kept
    for the search index, with the letter sections they replace."""
    if page.file.src_uri != _state.get("page"):
        return html
    terms, seen = [], {}

    def with_id(match):
        term, meaning = text_of(match.group(1)), text_of(match.group(2))
        anchor = ID_PREFIX + slugify(term, "-")
        if anchor in seen:
            raise PluginError(f"docs/{page.file.src_uri}: the terms '{seen[anchor]}' and '{term}' "
                              f"would both open at #{anchor}: give one of them other words")
        seen[anchor] = term
        terms.append((anchor, term, meaning))
        return f'<dt id="{anchor}">{match.group(1)}</dt>\n<dd>{match.group(2)}</dd>'

    html = TERM.sub(with_id, html)
    if not terms:
        raise PluginError(f"docs/{page.file.src_uri} (extra.glossary_page) has no terms: write them "
                          "as a definition list (**Term** on one line, ':   meaning' under it)")
    _state.update(url=page.url, terms=terms,
                  sections={m.group(1) for m in SECTION.finditer(html) if "<dt" in m.group(0)})
    return html


@event_priority(-40)
def on_post_build(config, **kwargs):
    """One search result per term, in place of the letter sections."""
    if not _state.get("terms") or "material/search" not in config.plugins:
        return
    who = "glossary (overrides/hooks/glossary.py)"
    index = search_index.load(config.site_dir, who)
    url, sections = _state["url"], _state["sections"]
    letters = {f"{url}#{anchor}" for anchor in sections}
    if not letters & {doc.get("location") for doc in index["docs"]}:
        raise PluginError(f"{who}: {search_index.PATH} has none of the "
                          f"glossary's letter sections ({', '.join(sorted(letters)[:3])}...); the "
                          "search plugin has changed. Check how it names its entries.")
    docs = [doc for doc in index["docs"] if doc.get("location") not in letters]
    at = next((i + 1 for i, doc in enumerate(docs) if doc.get("location") == url), len(docs))
    docs[at:at] = [search_index.entry(f"{url}#{anchor}", term, meaning, TERM_BOOST)
                   for anchor, term, meaning in _state["terms"]]
    index["docs"] = docs
    search_index.save(config.site_dir, index)
