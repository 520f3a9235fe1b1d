#!/usr/bin/env python3
"""Print the guide to PDF with headless Chromium: the whole guide from the
print page, one page (extra.pdf.handout_page) as a short handout, and both
again in large print (extra.pdf.large_print, extra.pdf.handout_large_print).

    python3 scripts/export_pdf.py [SITE_DIR] [--paper a4|letter] [-f CONFIG]

SITE_DIR defaults to site/. The files are written into SITE_DIR with the names
set in mkdocs.yml under extra.pdf (file, handout, large_print,
handout_large_print: guidekit.config.PDF_KEYS); the handout's page, its
title and the PDF keywords are set there too. Chromium is launched through
guidekit.browser (Playwright on the system's Chromium; $GUIDE_CHROMIUM names
another binary). Only file: and data: addresses may load: any other request
is refused and fails the export, naming the address.

Every browser step (starting Chromium, loading a page, preparing it, each
print pass, reading the headings) has a deadline; past it the browser is
killed and ExportError names the step.

What the export adds to what print.css does:
- every collapsed block opened; a class on <html> that print.css reads:
  guide-pdf-book (the whole guide), guide-large-print (and its body size),
  guide-handout (the handout's compact layout);
- page numbers in the contents list, and "(chapter C, page N)" after each
  link to another chapter: printed once, the link targets' pages are read
  back and written into the page, then printed again until they stop
  changing;
- the web addresses of a table's links printed after it, numbered, not in
  its cells (LINK_NOTES);
- every printed web address in pieces a line may end between (ADDRESSES);
- a warning when the cover runs over onto a second page (a hospital's
  long texts, on US Letter): the contents list should start on page 2;
- a chapter starts on a new page, unless the page before it would be less
  than 40% full (RUN_ON): then it follows on that page, under a rule;
- the handout's urgent-care sheet starts on an odd page, a sheet of its own
  when printed on both sides: a blank page goes before it when needed
  (URGENT_SHEET);
- a running footer, drawn after printing (guidekit.pdf.stamp_footers, as
  artifacts): the chapter's number and name (the contents pages: the
  contents list's title; the handout: its one line of disclaimer and
  sources) and "Page N of M"; none on the cover; on each page of the
  urgent-care card before the one where its list of sources starts,
  extra.pdf.urgent_continues after the name;
- after printing, guidekit.pdf sets the metadata, repairs the bookmarks'
  titles, rewrites links to local files and renumbers the structure tree's
  IDs, so the same site always gives the same PDF apart from its dates.
"""
import argparse
import os
import pathlib
import re
import sys
import time

from guidekit import ROOT, browser, config  # stdlib only: importable before the venv

PAPER = {  # inches
    "a4": (8.27, 11.69),
    "letter": (8.5, 11.0),
}
MARGINS = {"top": "0.63in", "bottom": "0.71in", "left": "0.63in", "right": "0.63in"}
# Seconds each step may take before the browser is killed. Generous: on a
# busy two-core machine the whole guide prints in a few seconds a pass.
DEADLINES = {"launch": 30, "load": 60, "prepare": 60, "print": 120, "read": 30, "close": 15}
# Print passes for the page numbers to settle, and one more for each
# chapter that follows on the page before it (RUN_ON): that moves every
# page after it, so a later chapter may follow on in the next pass. Each
# chapter follows on at most once, so the passes stay bounded (the guide on
# US Letter took 6).
MAX_PASSES = 5
# A chapter follows on the page before it when that page is filled less than
# this (a fraction of the text area's height), instead of leaving it so empty.
RUN_ON = 0.4


class ExportError(browser.BrowserError):
    """The PDF could not be made; the message names the step."""


class NoChromiumError(ExportError):
    """No Chromium to print with (the HTML site is complete without it)."""


# Run in the page before printing: open every collapsed block, mark the
# edition on <html> for print.css, in large print put each figure's
# large-print drawing in place of the wide one (overrides/hooks/figures.py,
# data-guide-large), drop the corner page number of print.css (the PDF gets
# its own footer), wait for images and fonts. A constructed style sheet: no
# inline <style>, which a strict policy would block.
PREPARE = """
async (classes) => {
  document.querySelectorAll('details').forEach(d => d.open = true);
  document.documentElement.classList.add(...classes);
  if (classes.includes('guide-large-print')) {
    document.querySelectorAll('img[data-guide-large]').forEach(img => {
      const [width, height] = img.dataset.guideLargeSize.split(' ');
      img.closest('picture')?.querySelectorAll('source').forEach(s => s.remove());
      img.width = +width;
      img.height = +height;
      img.src = img.dataset.guideLarge;
    });
  }
  const sheet = new CSSStyleSheet();
  sheet.replaceSync('@page { @bottom-right { content: none } @bottom-left { content: none } }');
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  await Promise.all([document.fonts.ready, ...Array.from(document.images)
    .filter(i => !i.complete).map(i => new Promise(r => { i.onload = i.onerror = r; }))]);
  return true;
}
"""

# The whole guide: a table with several web links prints their addresses
# after it, numbered ("[3]" after the link), not inside its narrow cells,
# where they made the treatment table run over seven pages.
LINK_NOTES = """
() => {
  let tables = 0;
  document.querySelectorAll('section.print-page table').forEach(table => {
    const links = Array.from(table.querySelectorAll('a[href^="http"]'));
    if (links.length < 3) return;
    const numbers = new Map();
    const list = document.createElement('ol');
    list.className = 'guide-link-notes';
    links.forEach(a => {
      if (!numbers.has(a.href)) {
        numbers.set(a.href, numbers.size + 1);
        const item = document.createElement('li');
        item.textContent = a.getAttribute('href');
        list.appendChild(item);
      }
      a.classList.add('guide-link-noted');
      const mark = document.createElement('span');
      mark.className = 'guide-link-note';
      mark.textContent = ' [' + numbers.get(a.href) + ']';
      a.after(mark);
    });
    const title = document.createElement('p');
    title.className = 'guide-link-notes__title';
    title.textContent = 'Web addresses of the links in this table:';
    (table.closest('.md-typeset__scrollwrap') || table).after(title, list);
    tables += 1;
  });
  return tables;
}
"""

# The chapters of the print page: [{id of its h1, footer label}], in order,
# and the contents list's title (the contents pages' footer label).
CHAPTERS = """
() => ({
  chapters: Array.from(document.querySelectorAll('section.print-page[data-chapter]')).map(s => {
    const h1 = s.querySelector('h1[id]');
    return {section: s.id, heading: h1 ? h1.id : s.id, label: s.dataset.chapter};
  }),
  contents: ((document.querySelector('.print-page-toc-title') || {}).textContent || '').trim(),
})
"""

# Every web address printed on paper, after its link (in place of
# print.css's a::after) and in a table's list of addresses (LINK_NOTES): in
# pieces that a line may end between, after "/" and before ".", "-", "?",
# "&", "=", "_" or "#" (before the first of a run such as "---"), each piece
# kept whole (print.css), so a line never ends inside a word or on a hyphen
# that reads like a split word (PDF reader review). Returns how many
# addresses.
ADDRESSES = """
() => {
  const address = url => {
    const whole = document.createElement('span');
    whole.className = 'guide-address';
    url.replace(/(\\/+)(?!\\/)/g, '$1\\n').replace(/([^\\n.\\-?&=_#])(?=[.\\-?&=_#])/g, '$1\\n')
      .split('\\n').filter(Boolean).forEach((text, i) => {
        if (i) whole.append(document.createElement('wbr'));
        const piece = document.createElement('span');
        piece.textContent = text;
        whole.append(piece);
      });
    return whole;
  };
  let count = 0;
  document.querySelectorAll('.md-typeset a[href^="http"]:not(.guide-link-noted)').forEach(a => {
    const after = document.createElement('span');
    after.className = 'guide-address-after';
    after.append(' (', address(a.getAttribute('href')), ')');
    a.classList.add('guide-address-printed');
    a.after(after);
    count += 1;
  });
  document.querySelectorAll('ol.guide-link-notes > li').forEach(item => {
    item.replaceChildren(address(item.textContent));
    count += 1;
  });
  return count;
}
"""

# The words on the blank page before the handout's urgent-care sheet, so
# that a reader does not think a page is missing (hospital review).
BLANK_PAGE_NOTE = ("This page is blank on purpose. The warning signs start on a new sheet of "
                   "paper, so that you can keep them apart.")

# The handout's urgent-care sheet (.urgent-card--print, which print.css
# starts on a new page) must start a sheet of its own: on the front of a
# page printed on both sides, an odd page. Chromium ignores
# `break-before: right`, so the export counts the pages before the card
# (printed once with the card and all that follows it left out: a
# hospital's care-team box comes after the card, and counting it made a
# handout of four pages of questions pad the wrong way) and, when that
# count is odd, puts a blank page before it. hide: true leaves the card
# and what follows it out, false puts them back; pad: add the blank page,
# with the words note on it. Returns whether the page has such a sheet.
URGENT_SHEET = """
([hide, pad, note]) => {
  const card = document.querySelector('.urgent-card--print');
  if (!card) return false;
  if (hide) {  // each element's own display kept, to be put back
    const from = [card];
    for (let el = card; el && el !== document.body; el = el.parentElement)
      for (let next = el.nextElementSibling; next; next = next.nextElementSibling) from.push(next);
    window.guideLeftOut = from.map(el => {
      const kept = [el, el.style.getPropertyValue('display'), el.style.getPropertyPriority('display')];
      el.style.setProperty('display', 'none', 'important');
      return kept;
    });
  } else {
    for (const [el, value, priority] of window.guideLeftOut || []) {
      if (value) el.style.setProperty('display', value, priority);
      else el.style.removeProperty('display');
    }
    window.guideLeftOut = [];
  }
  if (pad) {
    const blank = document.createElement('p');
    blank.className = 'guide-blank-page';
    blank.textContent = note;
    card.before(blank);
  }
  return true;
}
"""

# The headings' text as the reader sees it (for the bookmarks' titles).
HEADINGS = """
() => Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6')).map(h => {
  const c = h.cloneNode(true);
  c.querySelectorAll('.headerlink').forEach(a => a.remove());
  return c.textContent.replace(/\\s+/g, ' ').trim();
})
"""

# Write page numbers into the contents list (print.css shows data-page) and
# after each link to another chapter: data-see-page on the link, and the
# words "(chapter C, page N)" in a span right after it (span.guide-see-page), not
# in the link, so they are not underlined, and not an inline-block, which
# would let the full stop after them start a new line. Let the chapters
# named in runOn follow on the page before them. Returns how many changed,
# so the caller knows when they have settled.
SET_PAGES = """
([pages, runOn]) => {
  let changed = 0;
  const set = (a, key, page) => {
    if (page !== undefined && a.dataset[key] !== String(page)) {
      a.dataset[key] = String(page);
      changed += 1;
    }
  };
  document.querySelectorAll('#print-page-toc a[href^="#"]').forEach(a => {
    set(a, 'page', pages[decodeURIComponent(a.getAttribute('href').slice(1))]);
  });
  document.querySelectorAll('section.print-page a[href^="#"]').forEach(a => {
    if (a.closest('.footnote, .headerlink, sup, #print-page-toc') || a.classList.contains('headerlink')) return;
    const id = decodeURIComponent(a.getAttribute('href').slice(1));
    const target = document.getElementById(id);
    const here = a.closest('section.print-page'), there = target && target.closest('section.print-page');
    if (!there || there === here) return;
    set(a, 'seePage', pages[id] !== undefined ? pages[id] : pages[there.id]);
    if (a.dataset.seePage === undefined) return;
    let words = a.nextSibling;
    if (!(words && words.classList && words.classList.contains('guide-see-page'))) {
      words = document.createElement('span');
      words.className = 'guide-see-page';
      a.after(words);
    }
    // The chapter's number ties the link's words (the menu's name for the
    // chapter) to the contents, which list chapters by their questions.
    const number = (there.dataset.chapter || '').match(/^(\\d+)\\./);
    words.textContent = '\u00a0(' + (number ? 'chapter ' + number[1] + ', page ' : 'see page ')
      + a.dataset.seePage + ')';
  });
  runOn.forEach(id => {
    const s = document.getElementById(id);
    if (s && !s.classList.contains('guide-run-on')) { s.classList.add('guide-run-on'); changed += 1; }
  });
  return changed;
}
"""


def settings(config_file):
    """What the export needs from the configuration (INHERIT honoured)."""
    cfg = config.load(config_file)
    extra_pdf = cfg.extra.get("pdf") or {}
    missing = [k for k in ("file", "handout", "handout_page", "handout_title") if not extra_pdf.get(k)]
    if missing:
        raise ExportError(f"{config_file}: extra.pdf lacks {', '.join(missing)} "
                          "(see the extra.pdf block of mkdocs.yml)")
    keywords = extra_pdf.get("keywords") or []
    if isinstance(keywords, str):
        keywords = [keywords]
    inst = cfg.extra.get("institution") or {}
    title = cfg.plugins["print-site"].config.get("print_page_title")
    handout_page = str(extra_pdf["handout_page"])
    # The handout page's chapter number, as overrides/hooks/print_page.py
    # counts them.
    chapters = config.chapters(config_file)
    if handout_page not in chapters:
        raise ExportError(f"{config_file}: extra.pdf.handout_page {handout_page} is not a chapter "
                          "of the printed guide (a page of the nav that the print page holds)")
    # The footer is on every page: the disclaimer, and on the questions'
    # pages where their sources are (extra.pdf.handout_sources, {chapter}:
    # the handout page's chapter number). The urgent-care sheet at the end
    # says itself where its own sources are, so its pages have the
    # disclaimer alone (carer review: "Question sources: chapter 10" under
    # the warning signs, which come from chapter 1).
    sources = str(extra_pdf.get("handout_sources") or "")
    try:
        sources = sources.format(chapter=chapters.index(handout_page) + 1)
    except (KeyError, IndexError, ValueError) as err:
        raise ExportError(f"{config_file}: extra.pdf.handout_sources {sources!r} cannot be filled in "
                          f"({err}); the only placeholder it may hold is {{chapter}}") from None
    handout_footer = " ".join(f"{extra_pdf.get('handout_footer') or ''} {sources}".split())
    continues = " ".join(str(extra_pdf.get("urgent_continues") or "").split())
    jobs = [
        # mode "book": the print page, chapter footers; "handout": one page
        {"page": config.print_page(config_file), "file": extra_pdf["file"], "title": title,
         "mode": "book", "classes": ["guide-pdf", "guide-pdf-book"], "continues": continues},
        {"page": config.html_name(handout_page), "file": extra_pdf["handout"],
         "title": f"{extra_pdf['handout_title']} - {title}", "mode": "handout",
         "classes": ["guide-pdf", "guide-handout"],
         "footer": handout_footer, "continues": continues,
         "sheet_footer": " ".join(str(extra_pdf.get("handout_footer") or "").split())},
    ]
    if extra_pdf.get("large_print"):
        jobs.append({"page": config.print_page(config_file), "file": extra_pdf["large_print"],
                     "title": f"{title} (large print)", "mode": "book", "large": True,
                     "continues": continues,
                     "classes": ["guide-pdf", "guide-pdf-book", "guide-large-print"]})
    if extra_pdf.get("handout_large_print"):
        jobs.append(dict(jobs[1], file=extra_pdf["handout_large_print"], large=True,
                         title=f"{extra_pdf['handout_title']} (large print) - {title}",
                         classes=["guide-pdf", "guide-handout", "guide-large-print"]))
    return {
        "title": title,
        "print_page": config.print_page(config_file),
        "author": str(inst.get("name") or cfg.site_author or ""),
        "subject": " ".join((cfg.site_description or "").split()),
        "site_url": cfg.site_url or "",
        "keywords": [str(k) for k in keywords],
        "jobs": jobs,
    }


# The language a built page says it is in; the PDF says the same (/Lang).
# (theme.language is "custom": the theme's English with the guide's words.)
HTML_LANG = re.compile(r'<html\b[^>]*\blang="([^"]+)"')


def page_language(path):
    """The language of the built page at path, from its <html lang>."""
    found = HTML_LANG.search(path.read_text(encoding="utf-8", errors="replace")[:4000])
    if not found:
        raise ExportError(f"{path} names no language (<html lang=...>), which the PDF needs")
    return found.group(1)


URGENT_CARD = re.compile(r"(?:^|-)urgent-care$")
URGENT_CARD_SOURCE = re.compile(r"(?:^|-)urgent-care-source-\d+$")


def urgent_card_pages(pages):
    """(first, last) page of the urgent-care card's advice (overrides/
    partials/urgent-card.html) from {anchor id: page}: its own id, and the
    first of its sources, listed after the advice; (None, None) when the
    PDF has no card."""
    first = [p for a, p in pages.items() if URGENT_CARD.search(a)]
    sources = [p for a, p in pages.items() if URGENT_CARD_SOURCE.search(a)]
    if not first:
        return None, None
    return min(first), min(sources or first)


def _print_page(c, source, job, paper):
    """Load one page in a fresh context, print it (page numbers settled, see
    the module's docstring) and return (pdf bytes, headings, footer labels:
    one per page, None for none)."""
    from guidekit import pdf

    name = source.name
    width, height = PAPER[paper]
    refused = []

    def refuse(route):
        refused.append(route.request.url)
        route.abort("blockedbyclient")

    def check_refused():
        if refused:
            raise ExportError(f"{name} asked for addresses that are not local files: "
                              f"{', '.join(dict.fromkeys(refused))} (the printed pages may load "
                              "only file: and data: addresses; remove the reference from the page)")

    with c.step(f"opening a tab for {name}", DEADLINES["load"]):
        context = c.browser.new_context()
        # Everything but local files is refused, and listed. Dialogs (alert,
        # confirm) are dismissed by Playwright, as no handler is set.
        context.route(lambda url: not url.startswith(("file:", "data:")), refuse)
        page = context.new_page()
    try:
        with c.step(f"loading {name}", DEADLINES["load"]):
            # Playwright's own timeout is a backstop: the step's deadline
            # comes first, stops the browser and names the step.
            page.goto(source.as_uri(), wait_until="load", timeout=(DEADLINES["load"] + 10) * 1000)
        with c.step(f"preparing {name} (opening collapsed blocks, waiting for fonts and images)",
                    DEADLINES["prepare"]):
            page.evaluate(PREPARE, job["classes"])
            chapters, contents, sheet_from = [], "", None
            if job["mode"] == "book":
                page.evaluate(LINK_NOTES)
                found = page.evaluate(CHAPTERS)
                chapters, contents = found["chapters"], found["contents"]
            page.evaluate(ADDRESSES)
        check_refused()
        options = dict(width=f"{width}in", height=f"{height}in", margin=MARGINS,
                       print_background=True, prefer_css_page_size=False,
                       display_header_footer=False, tagged=True, outline=True)
        if job["mode"] == "handout":
            with c.step(f"counting the pages of {name} before its urgent-care sheet", DEADLINES["print"]):
                if page.evaluate(URGENT_SHEET, [True, False, ""]):
                    before = pdf.page_count(page.pdf(**options))
                    page.evaluate(URGENT_SHEET, [False, before % 2 == 1, BLANK_PAGE_NOTE])
                    sheet_from = before + 1 + before % 2  # after the blank page, if any
        # The contents list and the links to other chapters get their page
        # numbers from the printed PDF's link targets, and a chapter after a
        # nearly empty page follows on it; print again until nothing changes.
        run_on, n = [], 0
        while True:
            n += 1
            with c.step(f"printing {name}, pass {n}", DEADLINES["print"]):
                data = page.pdf(**options)
            if n > MAX_PASSES + len(run_on):
                print(f"warning: {name}: the page numbers did not settle after {n - 1} "
                      "passes", file=sys.stderr)
                break
            pages = pdf.destination_pages(data)
            if chapters:
                # Only the page before each chapter's first page matters.
                fill = pdf.page_fill(data, [pages[ch["heading"]] - 2 for ch in chapters[1:]
                                            if pages.get(ch["heading"])])
                for ch in chapters[1:]:
                    start = pages.get(ch["heading"])
                    if start and start > 2 and fill[start - 2] < RUN_ON and ch["section"] not in run_on:
                        run_on.append(ch["section"])
            with c.step(f"writing page numbers into {name}, pass {n}", DEADLINES["read"]):
                changed = page.evaluate(SET_PAGES, [pages, run_on])
            if not changed:
                break
        with c.step(f"reading the headings of {name}", DEADLINES["read"]):
            headings = page.evaluate(HEADINGS)
        check_refused()
        if contents and contents not in pdf.page_text(data, 1):
            print(f"warning: {job['file']}: the cover runs over onto page 2, so the contents "
                  "list starts on page 3. Shorten what the cover shows (in an overlay: "
                  "extra.institution's name, url_text and reviewed_by, or site_url, which the cover "
                  "prints as \"Newest edition online\"), or print on A4 "
                  "(--paper a4), which is taller than US Letter", file=sys.stderr)
    finally:
        try:
            with c.step(f"closing {name}", DEADLINES["close"]):
                context.close()
        except browser.BrowserError:
            pass  # the browser is closed (or killed) right after anyway
    count = pdf.page_count(data)
    if job["mode"] == "book":
        # Each page names the chapter it is in: the last one that starts on
        # or before it. The cover has no footer; the contents pages say so
        # (the title, on the cover, is too long for a footer in large print).
        labels = [None] + [contents or job["title"]] * (count - 1)
        pages = pdf.destination_pages(data)
        for ch in chapters:
            start = pages.get(ch["heading"])
            if start:
                labels[start - 1:] = [ch["label"]] * (count - start + 1)
        # The urgent-care card runs over more than one page: the footer of
        # each of its pages before the one where its sources start says
        # that it goes on.
        first, last = urgent_card_pages(pages)
        if job.get("continues") and first and last and last > first:
            for n in range(first, last):
                labels[n - 1] = f"{labels[n - 1]} · {job['continues']}"
    else:
        labels = [job.get("footer") or job["title"]] * count
        if sheet_from and job.get("sheet_footer"):
            labels[sheet_from - 1:] = [job["sheet_footer"]] * (count - sheet_from + 1)
        # In large print the urgent-care sheet takes both sides of its
        # paper: its first side says that it goes on.
        if sheet_from and job.get("continues"):
            for n in range(sheet_from, count):
                labels[n - 1] = f"{labels[n - 1]} · {job['continues']}"
    return data, headings, labels


FOOTER_SHEET = """<!doctype html><html lang="en"><head><meta charset="utf-8"><style>
@page {{ size: {w}in {h}in; margin: 0 }}
html, body {{ margin: 0; padding: 0 }}
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, "DejaVu Sans", sans-serif;
  font-size: {size}pt; color: #333 }}
.p {{ position: relative; height: {h}in; width: {w}in; overflow: hidden; break-after: page }}
.p:last-child {{ break-after: auto }}
.f {{ position: absolute; left: {side}; right: {side}; bottom: {bottom}; display: flex;
  justify-content: space-between; gap: 6mm; align-items: baseline; border-top: 0.5pt solid #999;
  padding-top: 1.6mm }}
.n {{ white-space: nowrap }}
</style></head><body>{pages}</body></html>"""


def _footer_sheet(c, labels, paper, large=False):
    """A PDF of blank pages, each with its footer (label and "Page N of M")
    or nothing, drawn onto the printed pages by guidekit.pdf.stamp_footers."""
    from html import escape

    width, height = PAPER[paper]
    total = len(labels)
    pages = "".join(
        '<div class="p">' + ("" if label is None else
                             f'<div class="f"><span>{escape(label)}</span>'
                             f'<span class="n">Page {i} of {total}</span></div>') + "</div>"
        for i, label in enumerate(labels, start=1))
    doc = FOOTER_SHEET.format(w=width, h=height, size=11 if large else 9, side=MARGINS["left"],
                              bottom="7mm", pages=pages)
    with c.step("drawing the running footers", DEADLINES["print"]):
        context = c.browser.new_context()
        try:
            context.route(lambda url: not url.startswith(("data:", "about:")),
                          lambda route: route.abort("blockedbyclient"))
            tab = context.new_page()
            tab.set_content(doc, wait_until="load")
            return tab.pdf(width=f"{width}in", height=f"{height}in", print_background=False,
                           prefer_css_page_size=True, margin={"top": "0", "bottom": "0",
                                                              "left": "0", "right": "0"})
        finally:
            context.close()


def export(site_dir, config_file=ROOT / "mkdocs.yml", paper="a4", large_print=False):
    """Write the guide PDF and the handout into site_dir, and with
    large_print the large-print guide and handout (extra.pdf.large_print,
    handout_large_print) after them; return their paths. Raises
    ExportError (NoChromiumError when there is no browser) naming the step
    that failed."""
    site_dir = pathlib.Path(site_dir).resolve()
    if paper not in PAPER:
        raise ExportError(f"unknown paper size '{paper}': use one of {', '.join(PAPER)}")
    cfg = settings(config_file)
    jobs = [j for j in cfg["jobs"] if large_print or not j.get("large")]
    for job in jobs:
        if not (site_dir / job["page"]).exists():
            raise ExportError(f"{site_dir / job['page']} is missing: build the site first")
    try:
        binary = browser.chromium_path()
    except browser.BrowserError as err:
        raise NoChromiumError(f"{err}; the PDF was not made") from None
    if not binary:
        raise NoChromiumError(f"no Chromium was found, so the PDF was not made "
                              f"({browser.INSTALL_HINT})")
    from guidekit import pdf

    written = []
    try:
        with browser.Chromium(launch_timeout=DEADLINES["launch"], binary=binary) as c:
            for job in jobs:
                data, headings, labels = _print_page(c, site_dir / job["page"], job, paper)
                footers = _footer_sheet(c, labels, paper, large=job.get("large", False))
                written.append(pdf.finish(
                    data, site_dir / job["file"], title=job["title"], author=cfg["author"],
                    subject=cfg["subject"], language=page_language(site_dir / job["page"]),
                    keywords=cfg["keywords"],
                    headings=headings, site_url=cfg["site_url"], site_dir=site_dir,
                    footers=footers))
    except ExportError:
        raise
    except browser.BrowserError as err:
        raise ExportError(f"{err} (browser: {binary})") from None
    return written


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", nargs="?", default=str(ROOT / "site"))
    ap.add_argument("--paper", choices=sorted(PAPER), default=os.environ.get("GUIDE_PAPER", "a4"))
    ap.add_argument("-f", "--config-file", default=str(ROOT / "mkdocs.yml"))
    ap.add_argument("--no-large-print", action="store_true",
                    help="leave out the large-print editions (extra.pdf.large_print, "
                         "handout_large_print)")
    args = ap.parse_args(argv)
    started = time.monotonic()
    try:
        written = export(args.site, args.config_file, args.paper, large_print=not args.no_large_print)
    except ExportError as err:
        print(f"PDF export failed: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("PDF export interrupted", file=sys.stderr)
        return 130
    for path in written:
        print(f"PDF: {path} ({path.stat().st_size // 1024} KiB, {args.paper})")
    print(f"PDF export took {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    import bootstrap

    bootstrap.run_inside(["requirements.txt"])
    sys.exit(main())
