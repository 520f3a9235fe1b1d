""""My situation" (docs/my-situation.md): the guide narrowed to the reader's
answers, with a question list and a blank treatment record to print.

Everything the page shows is rendered here, at build time, from data:

- the four questions and the rules (docs/includes/my-situation.yml);
- the treatment entries, from docs/includes/treatments.yml through the
  functions of scripts/guidekit/treatments.py (shared, not copied), so the
  status and source match the table on "Choosing the next treatment";
- the guide's own questions, read from the page the data file names
  (questions_page: docs/questions-to-ask.md);
- the sections' titles, from the pages themselves (their headings).

The page asks for each part with a marker on a line of its own:

    <!-- my-situation: form | sections | treatments | questions | record | print-head -->

Each item carries `data-ms-fit` (the answers it fits, see the YAML file);
docs/assets/javascripts/my-situation.js shows or hides items by it, on the
device only. The lists marked `data-ms-wait` (the guide's sections and the
drugs) wait for an answer: until the reader picks one, the script shows
their `.ms-prompt` line instead of their `.ms-results`, so the page never
opens on a list of drugs (mostly first-line ones) that reads like advice.
The question list shows in full until then, in two parts: the questions
that have a rule (question_rules) under "Questions for your situation",
then the others under "Questions for everyone". Without JavaScript every item
shows (the prompt keeps its `hidden`): the full lists and the blank record,
ready to print. The script is linked from this page
only, by a relative address (any subpath, file://), as a file (the site's
Content-Security-Policy allows no inline script).

The build fails, naming the file and the rule, on a rule that names a link,
a treatment row or a question that is not there.

Priorities: on_config at -20, after treatments.py (-10) has checked its
data. on_page_content at 45: after treatments.py (50), before tables.py
(40) labels the record's table cells for phones. on_page_context at 0:
the section titles need every page's headings, which exist only once all
pages are rendered (MkDocs renders them all before it builds the first
one). on_post_page at -50: the script tag goes in before strict_csp.py
(-100) looks at the finished page.
"""
import html
import pathlib
import re

import markdown as markdown_lib
from guidekit import dates, treatments
from guidekit.data import read_yaml
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

PAGE = "my-situation.md"
DATA = "includes/my-situation.yml"
SCRIPT = "assets/javascripts/my-situation.js"
MARKER = re.compile(r"<!--\s*my-situation:\s*([\w-]+)\s*-->")
PARTS = ("form", "sections", "treatments", "questions", "record", "print-head")

_state = {}
esc = treatments.esc


# --- rules -------------------------------------------------------------------------

class RuleError(ValueError):
    pass


def fit_attr(fits, questions):
    """The data-ms-fit value of a rule: alternatives joined by '|', each a
    list of parts joined by ';': 'question:value,value' (one of the reader's
    answers is one of these) or 'question!value,value' ({except: [..]}: none
    of the reader's answers is one of these; with one answer the same as
    listing every other value). '' means always."""
    if fits is None:
        return ""
    alternatives = fits if isinstance(fits, list) else [fits]
    out = []
    for alt in alternatives:
        if not isinstance(alt, dict) or not alt:
            raise RuleError(f"a rule must map questions to answers, not {alt!r}")
        parts = []
        for qid, values in alt.items():
            if qid not in questions:
                raise RuleError(f"unknown question '{qid}' (one of: {', '.join(questions)})")
            choices = questions[qid]
            sign = ":"
            if isinstance(values, dict) and set(values) == {"except"}:
                sign, values = "!", values["except"]
            if not isinstance(values, list) or not values:
                raise RuleError(f"'{qid}': give a list of answers, or {{except: [answers]}}")
            unknown = [v for v in values if v not in choices]
            if unknown:
                raise RuleError(f"'{qid}' has no answer {unknown} (one of: {', '.join(choices)})")
            if sign == "!" and set(values) == set(choices):
                raise RuleError(f"'{qid}': except names every answer, so the rule never holds")
            parts.append(f"{qid}{sign}{','.join(values)}")
        out.append(";".join(parts))
    return "|".join(out)


def fit(attr):
    return f' data-ms-fit="{esc(attr)}"' if attr else ""


# --- the guide's questions (questions_page) ----------------------------------------

H2 = re.compile(r"^## (.+?)\s*$")
TASK = re.compile(r"^- \[[ xX]\] (.+?)\s*$")


def guide_questions(text, sources_heading):
    """[(heading, [question, ...]), ...] of the questions page, in order,
    each question once (the first time it appears); the section headed
    sources_heading (its sources) left out."""
    groups, seen, current = [], set(), None
    for line in text.splitlines():
        h = H2.match(line)
        if h:
            current = None if h.group(1) == sources_heading else (h.group(1), [])
            if current:
                groups.append(current)
            continue
        t = TASK.match(line)
        if t and current is not None:
            key = " ".join(t.group(1).lower().split())
            if key not in seen:
                seen.add(key)
                current[1].append(t.group(1))
    return [g for g in groups if g[1]]


def inline(text):
    """A line of Markdown as inline HTML."""
    out = markdown_lib.markdown(text)
    return re.sub(r"^<p>(.*)</p>$", r"\1", out.strip(), flags=re.S)


# --- loading and checking ----------------------------------------------------------

def load(docs_dir, sources_heading):
    docs = pathlib.Path(docs_dir)
    path = docs / DATA
    where = f"docs/{DATA}"
    data = read_yaml(path, "the rules of the My situation page")
    tdata = treatments.load(docs / treatments.DATA)
    questions_page = data.get("questions_page")
    if not isinstance(questions_page, str) or not (docs / questions_page).is_file():
        raise PluginError(f"{where}: 'questions_page' must name the page of questions under docs/ "
                          f"(it is {questions_page!r})")
    qtext = (docs / questions_page).read_text(encoding="utf-8")
    problems = []

    questions = {}
    for q in data.get("questions") or []:
        ids = [c["id"] for c in q.get("choices") or []]
        if q.get("unanswered") not in ids:
            problems.append(f"question '{q.get('id')}': 'unanswered: {q.get('unanswered')}' is not one of its choices")
        for c in q.get("choices") or []:
            if not str(c.get("label") or "").strip():
                problems.append(f"question '{q.get('id')}': choice '{c['id']}' has no label")
        if q.get("multiple", False) not in (True, False):
            problems.append(f"question '{q.get('id')}': 'multiple: {q.get('multiple')}' must be true or false")
        questions[q["id"]] = ids
    if len(questions) != 4:
        problems.append(f"there must be four questions, found {len(questions)}")

    def attr(rule, what):
        try:
            return fit_attr(rule.get("fits"), questions)
        except RuleError as err:
            problems.append(f"{what}: {err}")
            return ""

    sections = [(s["link"], attr(s, f"section '{s.get('link')}'")) for s in data.get("sections") or []]

    rows = {d["change"]: d for d in tdata["drivers"]}
    by_answer = data.get("treatments") or {}
    named = set()
    for answer, changes in by_answer.items():
        if answer not in questions.get("driver", []):
            problems.append(f"treatments: '{answer}' is not an answer to the first question")
        for change in changes or []:
            if change not in rows:
                problems.append(f"treatments: '{answer}' names the row '{change}', which is not in "
                                f"docs/{treatments.DATA} (rows: {', '.join(rows)})")
            named.add(change)
    for change in rows:
        if change not in named:
            problems.append(f"treatments: the row '{change}' of docs/{treatments.DATA} is not named "
                            "for any answer; add it under the answer it fits")
    drug_attr = {}
    for rule in data.get("treatment_rules") or []:
        row = rows.get(rule.get("change"))
        generics = [d["generic"] for d in (row or {}).get("drugs", [])]
        if rule.get("generic") not in generics:
            problems.append(f"treatment_rules: no drug '{rule.get('generic')}' in the row "
                            f"'{rule.get('change')}' of docs/{treatments.DATA}")
            continue
        drug_attr[(rule["change"], rule["generic"])] = attr(rule, f"treatment rule '{rule['generic']}'")

    notes = []
    for note in data.get("treatment_notes") or []:
        if not all(str(note.get(k) or "").strip() for k in ("text", "link")):
            problems.append("treatment_notes: each note needs text and link")
            continue
        notes.append((attr(note, f"treatment note '{note['link']}'"), note["text"].strip(), note["link"]))

    groups = guide_questions(qtext, sources_heading)
    if not groups:
        problems.append(f"docs/{questions_page} has no '- [ ] question' lines under '## ' headings")
    q_attr = {}
    for rule in data.get("question_rules") or []:
        value = attr(rule, f"question rule {rule.get('group') or rule.get('match')!r}")
        if "group" in rule:
            group = [g for g in groups if g[0] == rule["group"]]
            if not group:
                problems.append(f"question_rules: no heading '## {rule['group']}' in docs/{questions_page}")
                continue
            for question in group[0][1]:
                q_attr.setdefault(question, value)  # a question's own rule ('match') wins
        elif "match" in rule:
            hits = [q for _, qs in groups for q in qs if rule["match"].lower() in q.lower()]
            if len(hits) != 1:
                problems.append(f"question_rules: '{rule['match']}' matches {len(hits)} questions of "
                                f"docs/{questions_page} (it must match exactly one); use other words")
                continue
            q_attr[hits[0]] = value
        else:
            problems.append("question_rules: each rule needs 'group:' or 'match:'")
    if problems:
        raise PluginError(f"{where}: " + "; ".join(problems) + ".")
    return {"data": data, "questions": questions, "sections": sections, "tdata": tdata,
            "by_answer": by_answer, "drug_attr": drug_attr, "groups": groups, "q_attr": q_attr,
            "notes": notes}


@event_priority(-20)  # after treatments.py (-10) has checked the treatment data
def on_config(config, **kwargs):
    _state.clear()
    _state.update(load(config["docs_dir"], config.extra["sources_heading"]))
    return config


# --- rendering ---------------------------------------------------------------------

def _hint(item, element_id):
    """(attribute, block): aria-describedby and the hint's own <div>, or two
    empty strings when the item has no hint."""
    if not item.get("hint"):
        return "", ""
    return (f' aria-describedby="{esc(element_id)}-hint"',
            f'<div class="ms-hint" id="{esc(element_id)}-hint">{esc(item["hint"])}</div>')


def render_form(state):
    out = ['<div class="ms-tool" id="ms-tool" hidden>']
    for n, q in enumerate(state["data"]["questions"], 1):
        qid = q["id"]
        described, hint_block = _hint(q, f"ms-{qid}")
        # `multiple: true`: check boxes, any number of answers (its
        # `unanswered` choice clears the others, and they clear it).
        kind = "checkbox" if q.get("multiple") else "radio"
        out.append(f'<fieldset class="ms-q" data-ms-question="{esc(qid)}" '
                   f'data-ms-unanswered="{esc(q["unanswered"])}"{described}>'
                   f'<legend>{n}. {esc(q["legend"])}</legend>{hint_block}')
        for c in q["choices"]:
            cid = f"ms-{qid}-{c['id']}"
            described, hint_block = _hint(c, cid)
            out.append(f'<div class="ms-choice"><input type="{kind}" name="ms-{esc(qid)}" '
                       f'id="{esc(cid)}" value="{esc(c["id"])}"{described}>'
                       f'<label for="{esc(cid)}">{esc(c["label"])}</label>{hint_block}</div>')
        out.append("</fieldset>")
    out.append('<div class="ms-actions">'
               '<button type="button" class="md-button md-button--primary" id="ms-print">Print my list</button> '
               '<button type="button" class="md-button" id="ms-forget">Forget my answers</button></div>'
               '<div class="ms-status" id="ms-status" role="status" aria-live="polite"></div>'
               '</div>'
               '<noscript><div class="ms-noscript">Your browser is not running this page\'s script, so '
               'the questions cannot narrow the lists. Everything is shown below instead: every '
               'question of the guide and a blank treatment record, ready to print.</div></noscript>')
    return "\n".join(out)


def _heading_title(page, anchor):
    def walk(items):
        for item in items:
            yield item
            yield from walk(item.children)
    for item in walk(page.toc):
        if item.id == anchor:
            return html.unescape(item.title)
    return None


def resolve(link, page, files):
    """(href from page, title) of a part of the guide named 'page.md#anchor';
    the build fails, naming the link, when there is no such page or heading."""
    src, _, anchor = link.partition("#")
    target = files.get_file_from_path(src)
    if target is None or target.page is None:
        raise PluginError(f"docs/{DATA}: the link '{link}' names a page that is not in the guide.")
    # The page's own title, without a chapter number in front (the
    # list is numbered in reading order already).
    title = re.sub(r"^\d+\.\s+", "", target.page.title or "")
    if anchor:
        heading = _heading_title(target.page, anchor)
        if heading is None:
            raise PluginError(f"docs/{DATA}: the link '{link}': docs/{src} has no heading with "
                              f"the anchor '#{anchor}'. Use the anchor of one of its headings.")
        title = f"{title}: {heading}"
    return get_relative_url(target.url, page.url) + (f"#{anchor}" if anchor else ""), title


def render_sections(state, page, files):
    items = []
    for link, attr in state["sections"]:
        href, title = resolve(link, page, files)
        items.append(f'<li{fit(attr)}><a href="{esc(href)}">{esc(title)}</a></li>')
    return ('<div class="ms-sections ms-print" data-ms-list="sections" data-ms-wait>'
            '<div class="ms-prompt" hidden>No answer is picked yet, so no part of the guide is listed '
            'here. Pick an answer under "Your answers" to see the parts that fit you.</div>'
            '<div class="ms-results"><ol>' + "".join(items) + "</ol>"
            '<div class="ms-empty" hidden>No section of the guide matches these answers. '
            'Start with the first page.</div></div></div>')


def render_notes(state, page, files):
    """The notes over the drugs (treatment_notes), each with its link."""
    out = []
    for attr, text, link in state["notes"]:
        href, title = resolve(link, page, files)
        out.append(f'<p class="ms-note"{fit(attr)}>{esc(text)} <a href="{esc(href)}">{esc(title)}</a>.</p>')
    return "".join(out)


def render_treatments(state, region):
    tdata = state["tdata"]
    sources = tdata["sources"]
    day = treatments.common_check_date(tdata)
    rows = {d["change"]: d for d in tdata["drivers"]}
    answers_of = {}
    for answer, changes in state["by_answer"].items():
        for change in changes or []:
            answers_of.setdefault(change, []).append(answer)
    out = [f'<div class="ms-treatments ms-print" data-ms-list="treatments" data-ms-wait>'
           '<div class="ms-prompt" hidden>No answer is picked yet, so no drug is listed here. Which '
           'drugs fit depends most on the first question, about a driver change.</div>'
           f'<div class="ms-results"><div class="ms-caption">{esc(treatments.caption(tdata, region))}</div>']
    # The notes link to headings of other pages: written in on_page_context.
    out.append("<!-- my-situation: treatment-notes -->")
    for change, row in rows.items():
        group = fit_attr({"driver": answers_of[change]}, state["questions"])
        items = []
        for drug in row["drugs"]:
            # The caption gives the common check date, as the table's does.
            item = treatments.drug_item(drug, sources, region,
                                        show_checked=dates.as_date(drug["checked"]) != day)
            own = state["drug_attr"].get((change, drug["generic"]), "")
            attr = "|".join(f"{a};{group}" for a in own.split("|")) if own else group
            items.append(item.replace("<li>", f'<li{fit(attr)}>', 1))
        # The drugs and the questions are left out of the search index
        # (data-search-exclude, Material's search; on elements with no
        # child of the same tag, which its parser needs): they are copies
        # of the drug table and the question list, whose pages a search
        # should find (phone reader review: a drug's name found My
        # situation first).
        out.append(f'<div class="ms-drugs" data-ms-group{fit(group)}>'
                   f'<div class="ms-drugs__change" data-search-exclude><strong>{esc(change)}</strong>: '
                   f'{esc(row["drug_type"])}</div>'
                   f'<ul class="guide-treatments__drugs" data-search-exclude>{"".join(items)}</ul></div>')
    out.append('<div class="ms-empty" hidden>No drug in the table matches these answers. The table '
               'lists drugs for known driver changes: ask your team whether the cancer has been '
               'tested for them.</div></div></div>')
    return "".join(out)


# The two parts of the question list: the questions with a rule
# (question_rules), then those that fit every answer.
QUESTION_PARTS = (
    ("situation", "Questions for your situation",
     "Which of these show depends on your answers."),
    ("everyone", "Questions for everyone", "These fit whatever your answers are."),
)


def render_questions(state):
    """The guide's questions in two parts, each grouped under the questions
    page's headings: first those that depend on the answers (they carry a
    rule), so the reader sees what the answers picked, then the rest."""
    out = ['<div class="ms-questions ms-print" data-ms-list="questions">']
    for part, title, lead in QUESTION_PARTS:
        groups = []
        for heading, questions in state["groups"]:
            mine = [q for q in questions if (q in state["q_attr"]) == (part == "situation")]
            if mine:
                items = "".join(f'<li{fit(state["q_attr"].get(q, ""))}>{inline(q)}</li>' for q in mine)
                groups.append(f'<div class="ms-qgroup" data-ms-group><h4>{esc(heading)}</h4>'
                              f'<ul class="ms-checklist" data-search-exclude>{items}</ul></div>')  # see render_treatments
        if groups:
            out.append(f'<div class="ms-qpart" data-ms-group data-ms-list="{part}"><h3>{esc(title)}</h3>'
                       f'<p class="ms-qpart__lead">{esc(lead)}</p>'
                       f'<div class="ms-qgroups">{"".join(groups)}</div></div>')
    # The same space to write as under each group of the questions page.
    out.append('<p class="notes"><strong>My notes:</strong></p></div>')
    return "".join(out)


def render_record(state):
    record = state["data"]["record"]

    def table(caption, columns, rows):
        head = "".join(f"<th>{esc(c)}</th>" for c in columns)
        body = "".join("<tr>" + "<td></td>" * len(columns) + "</tr>" for _ in range(rows))
        return (f'<table><caption>{esc(caption)}</caption>'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")

    about = "".join(f'<div class="ms-record__field"><strong>{esc(label)}:</strong></div>'
                    for label in record["about"])
    return ('<div class="ms-record ms-print">' + about
            + table("Every biomarker result so far", record["biomarkers"]["columns"], record["biomarkers"]["rows"])
            + table("Each treatment so far", record["treatments"]["columns"], record["treatments"]["rows"])
            + "</div>")


def render_print_head(config):
    """The printout's heading: title, date (filled in by the script when
    printing), the hospital's name and number when extra.institution sets
    them, and the guide's one disclaimer (extra.disclaimer, the same text
    every page prints, with extra.review_note: see overrides/hooks/branding.py)
    in a single paragraph."""
    disclaimer = " ".join(f'{config.extra.get("disclaimer") or ""} {config.extra.get("review_note") or ""}'.split())
    inst = config.extra.get("institution") or {}
    contact = ""
    if inst.get("name") and inst.get("phone"):
        tel = (inst.get("tel") or {}).get("phone", "")
        contact = (f' <span class="ms-print-head__contact">{esc(inst["name"])}: '
                   f'<a href="tel:{esc(tel)}">{esc(inst["phone"])}</a></span>')
    return ('<div class="ms-print-head ms-print">'
            '<div class="ms-print-head__title">My list for my next appointment</div>'
            f'<div>Date: <span id="ms-date">____________________</span>{contact}</div>'
            f'<div class="ms-print-head__disclaimer">{esc(disclaimer)} This list narrows what to '
            'read; it does not recommend a treatment.</div></div>')


@event_priority(45)  # after treatments.py (50), before tables.py (40) labels the record's cells
def on_page_content(html_text, page, config, files, **kwargs):
    if page.file.src_uri != PAGE:
        return html_text
    region = config.extra.get("region") or "international"
    state = _state

    def replace(match):
        name = match.group(1)
        if name not in PARTS:
            raise PluginError(f"docs/{PAGE}: unknown marker 'my-situation: {name}'. "
                              f"Use one of: {', '.join(PARTS)}.")
        if name == "form":
            return render_form(state)
        if name == "treatments":
            return render_treatments(state, region)
        if name == "questions":
            return render_questions(state)
        if name == "record":
            return render_record(state)
        if name == "print-head":
            return render_print_head(config)
        return match.group(0)  # sections: on_page_context, once every page has its headings

    out = MARKER.sub(replace, html_text)
    found = {m.group(1) for m in MARKER.finditer(html_text)}
    missing = [p for p in PARTS if p not in found]
    if missing:
        raise PluginError(f"docs/{PAGE}: the markers {', '.join(missing)} are missing; add "
                          "'<!-- my-situation: NAME -->' on a line of its own for each.")
    return out


@event_priority(0)  # every page is rendered by now, so every heading exists
def on_page_context(context, page, config, nav, **kwargs):
    if page.file.src_uri != PAGE:
        return context
    late = {"sections": render_sections, "treatment-notes": render_notes}
    page.content = MARKER.sub(lambda m: late[m.group(1)](_state, page, _state["files"])
                              if m.group(1) in late else m.group(0), page.content)
    return context


@event_priority(0)  # keep the Files for on_page_context (no other hook depends on this)
def on_files(files, config, **kwargs):
    _state["files"] = files
    return files


@event_priority(-50)  # before strict_csp.py (-100) reads the finished page
def on_post_page(output, page, config, **kwargs):
    if page.file.src_uri != PAGE:
        return output
    src = get_relative_url(SCRIPT, page.url)
    return output.replace("</body>", f'<script src="{esc(src)}" defer></script>\n</body>', 1)
