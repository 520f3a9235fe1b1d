#!/usr/bin/env python3
"""Print the Flesch-Kincaid reading grade of each page's prose.

    python3 scripts/reading_grade.py [PAGE.md ...] [--max GRADE]

With no pages, every page under docs/ is scored (not the snippets in
docs/includes/). Only the prose a
reader reads is scored: front matter, headings, tables, code, HTML tags, link
targets, abbreviation definitions and admonition markers are left out. Each
paragraph and each list item counts as at least one sentence. Offline:
syllables are counted with a vowel-group rule; the front matter is read by
guidekit.frontmatter, as the build reads it.

Exits 1 when --max is given and a page scores above it.
"""
import argparse
import pathlib
import re
import sys

from guidekit import ROOT, frontmatter

DOCS = ROOT / "docs"
# The ceiling the test suite holds (tests/test_content.py). The target in the
# content guide is 8; this leaves a little room for unavoidable drug names.
CEILING = 9.0

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def prose(markdown):
    """Return the page's readable prose as a list of text blocks."""
    text = frontmatter.body(markdown)
    text = re.sub(r"^(```|~~~).*?^\1", "", text, flags=re.S | re.M)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    blocks = []
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith(("#", "|", "*[", "--8<--", "<")):
            blocks.append("")
            continue
        s = re.sub(r"^(!!!|\?\?\?\+?)\s*\w+(\s+\".*?\")?.*$", "", s)  # admonition line
        if not s:
            blocks.append("")
            continue
        s = re.sub(r"!\[[^\]]*\]\([^)]*\)(\{[^}]*\})?", "", s)        # images
        s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)                  # links
        s = re.sub(r"\{[:#.][^}]*\}", "", s)                              # attr_list
        s = re.sub(r"<[^>]+>", "", s)
        s = re.sub(r"[*_`]", "", s)
        item = re.match(r"^([-+*]|\d+\.)\s+(\[[ xX]\]\s+)?", s)
        if item:
            blocks.append("")
            s = s[item.end():]
        blocks.append(s)
    paragraphs, current = [], []
    for b in blocks:
        if b:
            current.append(b)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def syllables(word):
    w = word.lower().strip("'’-")
    if not w:
        return 0
    if len(w) <= 3:
        return 1
    w = re.sub(r"(?:[^laeiouy]es|ed|[^laeiouy]e)$", "", w)
    w = re.sub(r"^y", "", w)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", w)))


def score(paragraphs):
    """Return (grade, words, sentences) for a list of paragraphs."""
    n_words = n_sentences = n_syllables = 0
    for p in paragraphs:
        words = WORD.findall(p)
        if not words:
            continue
        n_words += len(words)
        n_syllables += sum(syllables(w) for w in words)
        n_sentences += max(1, len(re.findall(r"[.!?]+(\s|$)", p)))
    if not n_words:
        return 0.0, 0, 0
    grade = 0.39 * n_words / n_sentences + 11.8 * n_syllables / n_words - 15.59
    return round(grade, 1), n_words, n_sentences


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pages", nargs="*", type=pathlib.Path)
    ap.add_argument("--max", type=float, default=None, help="fail above this grade")
    args = ap.parse_args(argv)
    pages = args.pages or frontmatter.pages(DOCS)
    worst = 0
    for page in pages:
        grade, words, sentences = score(prose(page.read_text(encoding="utf-8")))
        flag = ""
        if args.max is not None and grade > args.max:
            flag = f"  ABOVE {args.max}"
            worst = 1
        print(f"{grade:5.1f}  {words:5d} words  {sentences:4d} sentences  {page}{flag}")
    return worst


if __name__ == "__main__":
    import bootstrap

    bootstrap.run_inside(["requirements.txt"])
    sys.exit(main())
