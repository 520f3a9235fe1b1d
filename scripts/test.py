#!/usr/bin/env python3
"""Run every test of the guide (pytest), after setting up what they need.

    python3 scripts/test.py [PYTEST ARGS...]

Sets up .venv/ with requirements-test.txt; the browser checks need Debian's
chromium (driven by Playwright through guidekit.browser; $GUIDE_CHROMIUM
names another binary), the PDF checks poppler-utils, the HTML checker Java,
and axe-core and vnu-jar come from the npm registry (tests/package.json,
locked). Run as root on Debian, it installs what is missing; otherwise it
says what to install. The tests build the site themselves, once per session.

One test (tests/test_content.py, copycheck) compares the pages with the
source notes in ../shared/sources; without that folder it is skipped, and
pytest's summary says so.
"""
import pathlib
import shutil
import subprocess
import sys

import bootstrap

ROOT = pathlib.Path(__file__).resolve().parent.parent

DEBIAN = {  # command -> Debian package
    "pdftoppm": "poppler-utils",
    "pdftotext": "poppler-utils",
    "java": "default-jre-headless",
    "npm": "npm",
}


def system_tools():
    missing = sorted({pkg for cmd, pkg in DEBIAN.items() if not shutil.which(cmd)})
    from guidekit import browser

    try:
        have_chromium = browser.chromium_path()
    except browser.BrowserError as err:  # $GUIDE_CHROMIUM names no program: say so
        sys.exit(f"setup: {err}")
    if not have_chromium:
        missing.append("chromium")
    if missing:
        bootstrap.apt_install(missing, "the tests need " + ", ".join(missing))


def node_tools():
    tests = ROOT / "tests"
    if not (tests / "package.json").exists() or not shutil.which("npm"):
        return
    stamp = tests / "node_modules" / ".installed-lock"
    lock = (tests / "package-lock.json").read_text() if (tests / "package-lock.json").exists() else ""
    if stamp.exists() and stamp.read_text() == lock:
        return
    print("setup: installing tests/package.json (axe-core, vnu-jar, lighthouse) from the npm registry", flush=True)
    cmd = ["npm", "ci" if lock else "install", "--no-audit", "--no-fund", "--prefix", str(tests)]
    if subprocess.run(cmd, cwd=tests).returncode == 0:
        stamp.write_text(lock)


def main():
    system_tools()
    node_tools()
    args = sys.argv[1:] or [str(ROOT / "tests")]
    return subprocess.call([sys.executable, "-m", "pytest", *args], cwd=ROOT)


if __name__ == "__main__":
    bootstrap.run_inside(["requirements-test.txt"])
    sys.exit(main())
