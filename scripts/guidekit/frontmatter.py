"""A page's front matter: the one reader and checker of the block between
the '---' lines at the top of every page.

Used by the build (overrides/hooks/content_checks.py), scripts/review_dates.py,
scripts/reading_grade.py and the tests, so they all read the same keys the
same way:

- split(text): the block's text and the page body; FrontMatterError when the
  block is opened but never closed;
- read(path): the keys as plain strings (dates are not converted, so an
  impossible date is reported, not dropped);
- problems(meta, name): what is wrong with them, one message per problem,
  each naming the file and saying what to write;
- pages(docs): the Markdown files that are pages (docs/includes/ holds
  snippets, not pages).
"""
import difflib
import pathlib
import re

from guidekit.dates import as_date

# Keys every page must have, with an example line for the message.
REQUIRED = {
    "title": "title: The page's title",
    "description": "description: One plain sentence saying what the page answers.",
    "last_reviewed": "last_reviewed: 2026-11-23",
    "next_review": "next_review: 2027-05-23",
}
# Keys a page may have besides those.
OPTIONAL = {
    # The urgent-care card (overrides/hooks/urgent_care.py).
    "urgent_care": ("full", "pointer", "sheet", "none"),
    # Tooltips on every abbreviation, or on the first of each only
    # (overrides/hooks/abbreviations.py).
    "abbreviations": ("all", "first"),
}
# Material's search plugin reads `search: {exclude: true}` (leave the page
# out of the search) and `search: {boost: 2}` (rank it higher).
SEARCH_EXAMPLE = "search: {exclude: true}` or `search: {boost: 2}"
ALLOWED = tuple(REQUIRED) + tuple(OPTIONAL) + ("search",)
DATE_KEYS = ("last_reviewed", "next_review")
SNIPPETS = "includes"  # docs/includes/ holds snippets, not pages

_OPEN = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M)
# A blank line, then a Markdown heading: the page's text, not front matter.
_RUNAWAY = re.compile(r"\n[ \t]*\r?\n(?:.*\n)*?#{1,6}[ \t]+\S")


class FrontMatterError(ValueError):
    """The front matter cannot be read; the message says where and why."""


def split(text, name="the page"):
    """(block, body): the front matter's text ('' when the page has none) and
    the rest of the page. A block opened by '---' on the first line but never
    closed raises FrontMatterError."""
    opened = _OPEN.match(text)
    if not opened:
        return "", text
    closed = _CLOSE.search(text, opened.end())
    if not closed:
        raise FrontMatterError(
            f"{name}: the front matter that starts on line 1 is not closed. Add a line "
            "with only '---' after its last 'key: value' line, before the page's text.")
    block = text[opened.end():closed.start()]
    runaway = _RUNAWAY.search(block)
    if runaway:  # the '---' found is a rule further down the page
        line = text.count("\n", 0, opened.end() + runaway.end()) + 1
        raise FrontMatterError(
            f"{name}: the front matter that starts on line 1 is not closed (it runs into the "
            f"page's text: a heading on line {line}). Add a line with only '---' after its "
            "last 'key: value' line.")
    body = text[closed.end():]
    return block, body[1:] if body.startswith("\n") else body


def parse(block, name="the page"):
    """The block's keys, every value as the text written (YAML's base loader:
    no dates or numbers are converted)."""
    import yaml

    if not block.strip():
        return {}
    try:
        data = yaml.load(block, Loader=yaml.BaseLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise FrontMatterError(
            f"{name}: the front matter at the top of the file is not valid YAML{where}: "
            f"{getattr(err, 'problem', None) or err}. Check its 'key: value' lines "
            "(quote a value that contains ': ').") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError(f"{name}: the front matter must be 'key: value' lines, "
                               "one per line.")
    return data


def read(path, name=None):
    """The front matter of the page at path, as a dict of strings."""
    path = pathlib.Path(path)
    name = name or path.as_posix()
    block, _ = split(path.read_text(encoding="utf-8-sig"), name)
    return parse(block, name)


def body(text, name="the page"):
    """The page without its front matter."""
    return split(text, name)[1]


def _search_ok(value):
    """Material's page-level search settings: exclude (true or false) and
    boost (a positive number), nothing else. Values are text (parse())."""
    if not isinstance(value, dict) or not value or set(value) - {"exclude", "boost"}:
        return False
    if "exclude" in value and str(value["exclude"]).lower() not in ("true", "false"):
        return False
    try:
        return float(value.get("boost", 1)) > 0
    except (TypeError, ValueError):
        return False


def problems(meta, name):
    """Every problem of a page's front matter, each one line naming the file
    and saying what to fix ([] when it is fine)."""
    found = []
    for key in meta:
        if key in ALLOWED:
            continue
        guess = difflib.get_close_matches(str(key), ALLOWED, n=1, cutoff=0.6)
        hint = f" Did you mean '{guess[0]}'?" if guess else ""
        found.append(f"front matter has an unknown key '{key}'.{hint} "
                     f"The keys a page may have: {', '.join(ALLOWED)}.")
    for key, example in REQUIRED.items():
        value = meta.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            found.append(f"front matter is missing '{key}'. Add a line such as "
                         f"`{example}` between the '---' lines at the top of the file.")
        elif not isinstance(value, str):
            found.append(f"front matter '{key}' must be one line of text. Write it as "
                         f"`{example}`.")
    read = {}
    for key in DATE_KEYS:
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            continue
        try:
            read[key] = as_date(meta[key])
        except ValueError:
            found.append(f"front matter '{key}' is '{meta[key]}', which is not a date. "
                         f"Write it as YYYY-MM-DD, for example `{REQUIRED[key]}`.")
    if len(read) == 2 and read["next_review"] <= read["last_reviewed"]:
        found.append(f"front matter 'next_review' ({meta['next_review']}) must come after "
                     f"'last_reviewed' ({meta['last_reviewed']}). Correct one of the two dates.")
    for key, values in OPTIONAL.items():
        if key in meta and meta[key] not in values:
            found.append(f"front matter '{key}' is '{meta[key]}'. Use one of: "
                         f"{', '.join(values)}.")
    if "search" in meta and not _search_ok(meta["search"]):
        found.append(f"front matter 'search' is '{meta['search']}'. Write it as "
                     f"`{SEARCH_EXAMPLE}`.")
    return [f"{name}: {p}" for p in found]


def check(path, name=None):
    """problems() of the page at path, reading errors included."""
    path = pathlib.Path(path)
    name = name or path.as_posix()
    try:
        meta = read(path, name)
    except FrontMatterError as err:
        return [str(err)]
    return problems(meta, name)


def pages(docs):
    """The pages under docs (every *.md but the snippets in docs/includes/)."""
    docs = pathlib.Path(docs)
    return sorted(p for p in docs.rglob("*.md")
                  if p.relative_to(docs).parts[0] != SNIPPETS)
