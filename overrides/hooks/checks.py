"""Build-time checks and small page helpers for the guide.

- Every page must carry the front matter the guide shows to its reader:
  `title`, `description`, `last_reviewed` and `next_review` (dates as
  YYYY-MM-DD). A page that lacks one fails the build, naming the file and
  the line to add.
- The `guide_date` template filter prints those dates for people.
- Abbreviations (from docs/includes/abbreviations.md) become reachable by
  keyboard: each gets tabindex="0", so its meaning shows on focus too.

Broken links, missing anchors and pages left out of the nav are caught by
MkDocs itself (`validation:` in mkdocs.yml with `strict: true`).
"""
import datetime
import logging
import pathlib
import re

from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.hooks.checks")

REQUIRED = {
    "title": "title: The page's title",
    "description": "description: One plain sentence saying what the page answers.",
    "last_reviewed": "last_reviewed: 2026-11-23",
    "next_review": "next_review: 2027-05-23",
}
DATE_KEYS = ("last_reviewed", "next_review")


def _as_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip())


def check_front_matter(src_path, meta):
    """Return a list of problems with a page's front matter (empty if fine)."""
    problems = []
    for key, example in REQUIRED.items():
        value = meta.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(f"front matter is missing '{key}'. Add a line such as "
                            f"`{example}` between the '---' lines at the top of the file.")
    for key in DATE_KEYS:
        if meta.get(key) is None:
            continue
        try:
            _as_date(meta[key])
        except ValueError:
            problems.append(f"front matter '{key}' is '{meta[key]}', which is not a date. "
                            f"Write it as YYYY-MM-DD, for example `{REQUIRED[key]}`.")
    if not problems and _as_date(meta["next_review"]) <= _as_date(meta["last_reviewed"]):
        problems.append("front matter 'next_review' must come after 'last_reviewed'.")
    return [f"docs/{src_path}: {p}" for p in problems]


def raw_front_matter(path):
    """The front matter read as plain strings. MkDocs drops the whole block
    when YAML cannot read it (an impossible date such as 2026-13-45 does
    that), so the checks read it again without converting dates."""
    import yaml

    text = pathlib.Path(path).read_text(encoding="utf-8-sig")
    match = re.match(r"\A---\s*\n(.*?\n)(---|\.\.\.)\s*\n", text, re.S)
    if not match:
        return {}
    try:
        data = yaml.load(match.group(1), Loader=yaml.BaseLoader)
    except yaml.YAMLError as err:
        raise PluginError(f"{path}: the front matter at the top of the file is not valid "
                          f"YAML ({err.problem or err}). Check its 'key: value' lines.") from err
    return data if isinstance(data, dict) else {}


def on_page_markdown(markdown, page, config, files, **kwargs):
    meta = page.meta or {}
    if not meta and page.file.abs_src_path:
        meta = raw_front_matter(page.file.abs_src_path)
    problems = check_front_matter(page.file.src_uri, meta)
    if problems:
        raise PluginError("\n".join(problems))
    return markdown


ABBR = re.compile(r"<abbr title=")


LINK = re.compile(r"<a\b[^>]*>.*?</a>", re.S)


def on_page_content(html, page, config, files, **kwargs):
    # Keyboard users reach an abbreviation's meaning by tabbing to it,
    # except inside a link: the link takes the focus (HTML allows no
    # focusable element inside an <a>).
    html = ABBR.sub('<abbr tabindex="0" title=', html)
    return LINK.sub(lambda m: m.group(0).replace('<abbr tabindex="0" title=', "<abbr title="), html)


def guide_date(value):
    """23 November 2026, the way the guide writes dates."""
    try:
        d = _as_date(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{d.day} {d:%B %Y}"


def on_env(env, config, files, **kwargs):
    env.filters["guide_date"] = guide_date
    return env
