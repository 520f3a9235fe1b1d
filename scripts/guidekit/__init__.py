"""The guide's shared tooling: one home for each concern the build hooks,
the scripts and the tests all need.

- guidekit.config       the MkDocs configuration (INHERIT honoured), the nav's pages
- guidekit.frontmatter  each page's front matter, read and checked
- guidekit.data         the data files (docs/includes/*.yml)
- guidekit.dates        dates, read and written one way ("23 November 2026")
- guidekit.urgent_care  the urgent-care advice's data, read and checked
- guidekit.treatments   the treatment data, read, checked and written out
- guidekit.phone        tel: addresses for every phone number the guide shows
- guidekit.browser      headless Chromium through Playwright (Debian's chromium)
- guidekit.server       a small local web server (any subpath, any headers)
- guidekit.search_box   the built site's search box, typed into as a reader does
- guidekit.pdf          what the PDF export does to a PDF after printing it

scripts/bootstrap.py installs this package into .venv (a link to this folder),
so hooks, scripts and tests import it by name; nothing edits sys.path.
"""
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
# scripts/build.py passes the PDFs' pages and sizes to the second site build
# in this variable (JSON); overrides/hooks/pdf_links.py puts them on the links.
PDF_FACTS_VARIABLE = "GUIDE_PDF_FACTS"


def build_report_path(site_dir):
    """Where scripts/build.py keeps its timings for scripts/page_weight.py:
    beside the site folder, never inside what is published."""
    site_dir = pathlib.Path(site_dir).resolve()
    return site_dir.with_name(site_dir.name + "-build-report.json")
