"""Urgent-care advice: one source, shown the same way wherever a page needs it.

The advice lives in one data file, docs/includes/urgent-care.yml (read and
checked by scripts/guidekit/urgent_care.py): two tiers
(call the emergency number now; call the 24-hour cancer line now), each item
with its sources. The words that differ by country (the emergency number,
the name of the after-hours line) come from the reader's region
(overrides/hooks/region.py, `extra.region`); a hospital's overlay sets it,
and its `extra.institution.phone` appears inside the card.

A page asks for the card in its front matter:

    urgent_care: full      # the whole card, right after the Key points box
    urgent_care: pointer   # one line that links to the card on its home page
                           # (the data file's `home`: Start here)
    urgent_care: sheet     # the pointer on screen; on paper, the card's words
                           # on a sheet of their own at the page's end

No page writes its own list of urgent signs: tests/test_urgent_care.py holds
that. The card is inserted before the print-site plugin saves each page for
the print page (higher event priority), so the PDF carries it too.

`sheet` is for pages that readers print on their own and take home: the
handout page (`extra.pdf.handout_page`, which must be `sheet` or `full`: the
handout PDF ends with the card) and My situation's printed list. A pointer
on screen, but a sheet taken home needs the signs themselves: the page gets
a print-only copy of the card at its end (class urgent-card--print, the same
partial and words, its sources left to the full guide; print.css starts it
on a new page). It is added in on_page_context, after the print-site plugin
saved the page for the print page, so the whole-guide PDF does not print the
card twice.

Search finds each warning sign on its own. Every card is left out of its
page's text in the search index (data-search-exclude); instead each sign of
the home card, each line after a tier's signs and each note has an id, and
on_post_build adds them to the theme's search index as results of their
own (search_entries): a sign titled with its tier's heading ("Call ... now
if you have:"), a note with the card's title. Searching "coughing up blood"
then shows the sign and whom to call, not a page of the whole card with the
heading out of sight (patient reviews). docs/assets/javascripts/
lazy-search.js lists results that hold every word of the query first, and
What changed, whose entries name the same signs, ranks below the pages it
describes (its front matter: search boost 0.2).
"""
import re

from guidekit import dates, frontmatter, search_index
from guidekit.urgent_care import ANCHOR, load, text_of
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

MODES = frontmatter.OPTIONAL["urgent_care"]  # full, pointer, sheet, none: one list, for every check
SIGN_BOOST = 2.5  # see search_entries

_state = {}


@event_priority(-10)  # after overrides/hooks/region.py has chosen the region's words
def on_config(config, **kwargs):
    _state["data"] = load(config["docs_dir"])
    # Pages are rendered before on_env: the card gets its own theme
    # environment (the same loaders, overrides/ first).
    _state["env"] = config.theme.get_env()
    return config


def search_entries(card):
    """The home card's search results: (id, title, text, boost) of each
    sign, each line after a tier's signs and each note, at the ids
    card_context gives them. A sign is short and its words are a symptom's:
    with the theme's boost of a page over its sections, "chest pain" or
    "seizure" listed the glossary first.
    SIGN_BOOST (the theme's per-entry `boost`, as front matter's search.boost
    writes it) lifts the signs above it; measured in a browser on symptom
    queries and on 82 queries made of the guide's section titles."""
    for tier in card["tiers"]:
        for item in tier["items"]:
            yield item["id"], tier["heading"], with_other_words(item), SIGN_BOOST
        for line in tier["after"]:
            yield line["id"], tier["heading"], line["text"], None
    for note in card["notes"]:
        yield note["id"], card["title"], with_other_words(note), None


def with_other_words(entry):
    """A sign's or a note's text for search, with the other words readers
    type for it (the data file's `search`: "blood in phlegm", "stroke",
    "suicidal"), which the card does not use. They are shown in the search
    result, so a reader sees why it was found."""
    if not entry["search"]:
        return entry["text"]
    return f"{entry['text']} Other words for this: {', '.join(entry['search'])}."


def card_context(config):
    """What the templates need: the region's words, the tiers with their
    sources numbered in order of first use, and the institution. Each sign,
    line after the signs and note has the id it carries on the home card
    (urgent-care-line-3, urgent-care-line-after-1, urgent-care-note-2),
    where search leads (search_entries)."""
    data = _state["data"]
    region = config.extra["region_words"]
    institution = config.extra.get("institution") or {}
    numbers, cited = {}, []

    def entry(item, anchor):
        """An item or a note: its text in the region's words, the numbers of
        its sources (sources_<region> replaces sources), numbered in order of
        first use, and its id. A note may be plain text, with no sources."""
        refs = []
        cites = [] if isinstance(item, str) else item.get(f"sources_{config.extra['region']}") or item["sources"]
        for key in cites:
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                cited.append(dict(data["sources"][key], number=numbers[key]))
            refs.append(numbers[key])
        return {"text": text_of(item).format(**region), "refs": refs, "id": anchor,
                "search": [] if isinstance(item, str) else item.get("search", [])}

    tiers = []
    for tier in data["tiers"]:
        items = [entry(item, f"{ANCHOR}-{tier['id']}-{n}") for n, item in enumerate(tier["items"], start=1)]
        # With the hospital's own 24-hour number on the card, the region's
        # advice for readers without one is left out.
        after = [line.format(**region) for line in tier.get("after") or []
                 if not (institution.get("urgent_phone") and line == "{line_missing}")]
        tiers.append({"id": tier["id"], "heading": tier["heading"].format(**region),
                      "lead": (tier.get("lead") or "").format(**region), "items": items,
                      "after": [{"text": line, "id": f"{ANCHOR}-{tier['id']}-after-{n}"}
                                for n, line in enumerate(after, start=1)]})
    notes = [entry(note, f"{ANCHOR}-note-{n}") for n, note in enumerate(data.get("notes") or [], start=1)]
    return {"region": region, "tiers": tiers, "sources": cited, "notes": notes,
            "title": data["title"], "checked": dates.written(data["checked"]),
            "institution": institution}


KEY_POINTS = re.compile(r'<div class="admonition abstract">.*?</div>\n?', re.S)


@event_priority(50)  # before the print-site plugin (0) saves the page for the PDF
def on_page_content(html, page, config, files, **kwargs):
    mode = (page.meta or {}).get("urgent_care", "none")
    if mode not in MODES:
        raise PluginError(f"docs/{page.file.src_uri}: front matter 'urgent_care' is '{mode}'. "
                          f"Use one of: {', '.join(MODES)}.")
    if mode == "none":
        return html
    if "<h1" not in html:
        return html
    match = KEY_POINTS.search(html)
    if not match or "<div" in match.group(0)[5:]:
        raise PluginError(f"docs/{page.file.src_uri}: 'urgent_care: {mode}' needs a "
                          "'!!! abstract \"Key points\"' box (a plain list) to follow.")
    env = _state["env"]
    context = card_context(config)
    home_md = _state["data"]["home"]
    home = files.get_file_from_path(home_md)
    href = f"{home.url_relative_to(page.file) if home else home_md}#{ANCHOR}"
    if mode == "full":
        if ANCHOR in (page.present_anchor_ids or set()):
            raise PluginError(f"docs/{page.file.src_uri}: the id '{ANCHOR}' is taken by the page itself.")
        if page.file.src_uri == home_md:  # where search leads to its signs (on_post_build)
            _state["home_url"] = page.url
        # In the PDF (the print page) only Start here's card is printed in
        # full; the other chapters' cards print as a line that points to it.
        block = env.get_template("partials/urgent-card.html").render(
            card=context, config=config, home=page.file.src_uri == home_md, href=href)
        if page.present_anchor_ids is not None:
            page.present_anchor_ids.add(ANCHOR)
    else:
        block = env.get_template("partials/urgent-pointer.html").render(
            card=context, config=config, href=href)
    return html[:match.end()] + block + html[match.end():]


@event_priority(0)  # after the print-site plugin saved the page (on_page_content)
def on_page_context(context, page, config, nav, **kwargs):
    if (page.meta or {}).get("urgent_care") != "sheet":
        return context
    page.content += _state["env"].get_template("partials/urgent-card.html").render(
        card=card_context(config), config=config, print_copy=True, href="")
    return context


@event_priority(0)  # a check only; its order among other hooks does not matter
def on_page_markdown(markdown, page, config, files, **kwargs):
    # The home of the card must carry it, or every pointer leads nowhere.
    home = _state["data"]["home"]
    mode = (page.meta or {}).get("urgent_care")
    if page.file.src_uri == home and mode != "full":
        raise PluginError(f"docs/{home}: pointers on other pages link to its urgent-care card: "
                          "add 'urgent_care: full' to its front matter.")
    # The handout PDF ends with the card's words: its page must print them.
    handout = (config.extra.get("pdf") or {}).get("handout_page")
    if page.file.src_uri == handout and mode not in ("sheet", "full"):
        raise PluginError(f"docs/{handout}: the handout (extra.pdf.handout_page) must print the "
                          "urgent-care signs: set 'urgent_care: sheet' in its front matter "
                          f"(it has '{mode or 'none'}').")
    return markdown


@event_priority(-40)  # after the search plugin wrote its index (0); before the
# offline plugin copies it into search_index.js for file:// (-100)
def on_post_build(config, **kwargs):
    """Each sign of the home card as a search result of its own (see above)."""
    if "material/search" not in config.plugins:
        return
    who = "urgent care (overrides/hooks/urgent_care.py)"
    home = _state.get("home_url")
    if home is None:
        raise PluginError(f"{who}: no home page of the card in this build.")
    index = search_index.load(config.site_dir, who)
    if not any(doc.get("location") == home for doc in index.get("docs", [])):
        raise PluginError(f"{who}: {search_index.PATH} has no entry for '{home}', the card's home "
                          "page; the search plugin has changed.")
    for anchor, title, text, boost in search_entries(card_context(config)):
        index["docs"].append(search_index.entry(f"{home}#{anchor}", title, text, boost))
    search_index.save(config.site_dir, index)
