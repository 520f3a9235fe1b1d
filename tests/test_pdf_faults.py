"""The PDF export under faults (issue 11, "Nothing hangs"): a browser that
never answers, a page that never finishes loading, a page that opens a
dialog, a page that asks for another host, no browser at all.

Each test prints a tiny site written into a temporary folder (a print page
and the handout page, as the real mkdocs.yml names them), not the full build,
so the file runs in seconds plus the deadlines it waits out.
"""
import os
import pathlib
import shutil
import subprocess
import sys
import uuid

import pytest
from pypdf import PdfReader

import export_pdf
from conftest import ROOT
from guidekit import browser, config

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1 id="top">{title}</h1>{body}
<details><summary>More</summary><p>Text inside a collapsed block.</p></details>
</body></html>
"""


def write_site(folder, print_body="", handout_body=""):
    """A site with the two pages the export prints; returns its folder."""
    folder.mkdir(parents=True, exist_ok=True)
    extra = config.load()["extra"]["pdf"]
    (folder / config.print_page()).write_text(
        PAGE.format(title="Tiny guide", body=print_body), encoding="utf-8")
    (folder / config.html_name(extra["handout_page"])).write_text(
        PAGE.format(title="Tiny handout", body=handout_body), encoding="utf-8")
    return folder


def text_of(path):
    return " ".join((page.extract_text() or "") for page in PdfReader(str(path)).pages)


def processes_with(marker):
    """Command lines of running processes that contain marker."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cmdline = pathlib.Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if marker.encode() in cmdline:
            found.append(cmdline.replace(b"\0", b" ").decode(errors="replace"))
    return found


needs_chromium = pytest.mark.skipif(
    not browser.chromium_path(), reason=f"no Chromium ({browser.INSTALL_HINT})")


@pytest.fixture
def launches(monkeypatch):
    """The marker of every Chromium the export starts, to look for leftovers."""
    markers = []

    class Recorded(browser.Chromium):
        def __enter__(self):
            markers.append(self.marker)
            return super().__enter__()

    monkeypatch.setattr(export_pdf.browser, "Chromium", Recorded)
    return markers


def test_a_browser_that_never_answers_fails_naming_the_step(tmp_path, monkeypatch):
    token = uuid.uuid4().hex
    fake = tmp_path / f"fake-chromium-{token}"
    # Ignores SIGTERM, and its child too: only a real kill stops them.
    fake.write_text(f"#!/bin/sh\ntrap '' TERM INT HUP\nsleep 1000.{int(token[:8], 16)}\n")
    fake.chmod(0o755)
    monkeypatch.setenv("GUIDE_CHROMIUM", str(fake))
    monkeypatch.setitem(export_pdf.DEADLINES, "launch", 2)  # it never answers: any deadline is reached
    site = write_site(tmp_path / "site")
    with pytest.raises(export_pdf.ExportError) as err:
        export_pdf.export(site)
    assert "starting Chromium" in str(err.value), str(err.value)
    assert str(fake) in str(err.value), "the message does not name the browser binary"
    assert not processes_with(token) and not processes_with(f"1000.{int(token[:8], 16)}"), \
        f"the fake browser outlived the export: {processes_with(token)}"
    assert not list(site.glob("*.pdf")), "a PDF was written although the browser never answered"


@needs_chromium
@pytest.mark.parametrize("script, steps", [
    # The parser never gets past this script, so the load event never comes.
    ("for (;;) {}", ["loading"]),
    # Loads, then the page is busy for ever: preparing or printing never ends.
    ('addEventListener("load", () => setTimeout(() => { for (;;) {} }, 0))', ["preparing", "printing"]),
], ids=["while-loading", "after-loading"])
def test_a_page_that_never_finishes_is_stopped_at_its_deadline(tmp_path, monkeypatch, launches, script, steps):
    site = write_site(tmp_path / "site", print_body=f"<script>{script}</script>")
    for step in ("load", "prepare", "print"):
        monkeypatch.setitem(export_pdf.DEADLINES, step, 3)
    with pytest.raises(export_pdf.ExportError) as err:
        export_pdf.export(site)
    message = str(err.value)
    assert any(f"{step} {config.print_page()}" in message for step in steps), message
    assert "no answer" in message, message
    assert launches, "the export started no browser"
    for marker in launches:
        assert not processes_with(marker), f"Chromium outlived the export: {processes_with(marker)[:3]}"


@needs_chromium
def test_dialogs_do_not_block_printing(tmp_path):
    site = write_site(tmp_path / "site",
                      print_body='<p>Printed after the dialogs.</p>'
                                 '<script>alert("hello"); confirm("sure?"); prompt("name?");</script>',
                      handout_body='<script>window.addEventListener("load", () => alert("loaded"))</script>'
                                   '<p>Handout text.</p>')
    written = export_pdf.export(site)
    extra = config.load()["extra"]["pdf"]
    assert [p.name for p in written] == [extra["file"], extra["handout"]]
    assert "Printed after the dialogs." in text_of(written[0])
    assert "Text inside a collapsed block." in text_of(written[0]), "the collapsed block printed closed"
    assert "Handout text." in text_of(written[1])


@needs_chromium
@pytest.mark.parametrize("markup", [
    '<img src="http://example.org/x" alt="remote">',
    '<script>fetch("http://example.org/x").catch(() => {})</script>',
])
def test_a_request_to_another_host_is_refused_and_named(tmp_path, markup):
    site = write_site(tmp_path / "site", handout_body=markup)
    with pytest.raises(export_pdf.ExportError) as err:
        export_pdf.export(site)
    message = str(err.value)
    assert "http://example.org/x" in message, message
    assert config.html_name(config.load()["extra"]["pdf"]["handout_page"]) in message, message
    assert not (site / config.load()["extra"]["pdf"]["handout"]).exists()


@needs_chromium
def test_a_cover_that_runs_over_onto_page_2_is_reported(tmp_path, capsys):
    """A hospital's long texts can push the cover onto a second page, before
    the contents list: the export still writes the PDF, and warns, naming
    the file and what to shorten. A cover of one page gives no warning."""
    def site_with_cover(height_mm):
        return write_site(tmp_path / f"site-{height_mm}", print_body=(
            f'<div style="height: {height_mm}mm">The cover</div>'
            '<div style="break-before: page"><p class="print-page-toc-title">Contents</p></div>'))

    export_pdf.export(site_with_cover(100))
    assert "cover" not in capsys.readouterr().err
    written = export_pdf.export(site_with_cover(300))  # taller than A4's text area
    err = capsys.readouterr().err
    name = config.load()["extra"]["pdf"]["file"]
    assert f"warning: {name}: the cover runs over onto page 2" in err, err
    assert "reviewed_by" in err, err
    assert [p.name for p in written][0] == name and written[0].exists()


@needs_chromium
@pytest.mark.parametrize("question_pages", [2, 3])
def test_the_urgent_sheet_starts_on_a_front_page_whatever_follows_it(tmp_path, question_pages):
    """The handout's urgent-care sheet starts on an odd page (the front of a
    sheet): after an odd number of pages of questions the export adds a
    page that says why it is blank. A hospital's box after the sheet does
    not count among the pages before it (it did: four pages of questions
    and the box made five, so the sheet went on the back of a sheet)."""
    questions = "".join(f'<div style="break-before: page"><p>Question page {n}?</p></div>'
                        for n in range(2, question_pages + 1))
    # The guide's print.css: it makes the sheet and the blank page start pages.
    site = write_site(tmp_path / "site", handout_body=(
        '<link rel="stylesheet" href="print.css"><div class="md-typeset">'
        f'<p>Question page 1?</p>{questions}'
        '<div class="urgent-card--print"><p>URGENT SHEET</p></div>'
        '<div style="break-before: page"><p>The hospital box</p></div></div>'))
    shutil.copy(ROOT / "docs" / "assets" / "stylesheets" / "print.css", site)
    handout = [p for p in export_pdf.export(site)
               if p.name == config.load()["extra"]["pdf"]["handout"]][0]
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(str(handout)).pages]
    first = next(i for i, text in enumerate(pages) if "URGENT SHEET" in text)
    assert first % 2 == 0, f"{question_pages} pages of questions: the urgent sheet starts on page {first + 1}"
    padded = question_pages % 2 == 1
    assert first == question_pages + padded, f"the urgent sheet starts on page {first + 1}: {pages}"
    if padded:
        assert export_pdf.BLANK_PAGE_NOTE in pages[first - 1], pages[first - 1]
    assert "The hospital box" in pages[-1], "what follows the urgent sheet was not put back"


def test_no_chromium_is_an_error_that_says_how_to_install_it(tmp_path, monkeypatch):
    for var in browser.ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no browser on it
    site = write_site(tmp_path / "site")
    with pytest.raises(export_pdf.NoChromiumError) as err:
        export_pdf.export(site)
    assert "apt-get install" in str(err.value) and "GUIDE_CHROMIUM" in str(err.value), str(err.value)


def test_a_browser_variable_naming_no_file_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("GUIDE_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(export_pdf.NoChromiumError) as err:
        export_pdf.export(write_site(tmp_path / "site"))
    assert "GUIDE_CHROMIUM" in str(err.value) and "no-such-browser" in str(err.value), str(err.value)


def test_unknown_paper_and_missing_pages_are_named(tmp_path):
    with pytest.raises(export_pdf.ExportError, match="unknown paper size 'a3'"):
        export_pdf.export(write_site(tmp_path / "site"), paper="a3")
    with pytest.raises(export_pdf.ExportError, match="build the site first") as err:
        export_pdf.export(tmp_path / "empty")
    assert config.print_page() in str(err.value)


@needs_chromium
def test_command_line_reports_the_failed_step(tmp_path):
    """The script itself: exit status 1 and one line naming the address."""
    site = write_site(tmp_path / "site", handout_body='<img src="https://example.org/y.png" alt="">')
    result = subprocess.run([sys.executable, str(export_pdf.ROOT / "scripts" / "export_pdf.py"), str(site)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.startswith("PDF export failed: ") and "https://example.org/y.png" in result.stderr, \
        result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
