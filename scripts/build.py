#!/usr/bin/env python3
"""Build everything: the site into site/, then the PDF of the whole guide and
the "Questions to ask" handout into it.

    python3 scripts/build.py [-f OVERLAY.yml] [--paper a4|letter] [--site-dir DIR] [--no-pdf]

Sets up .venv/ with the pinned requirements on first use. The site is built
into a new folder beside the target and swapped in only when everything
succeeded, so a failed build never leaves a half-written site where the last
good one was. Build times are printed (and kept in build-report.json in the
site) for scripts/page_weight.py to report.
"""
import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import bootstrap  # noqa: E402


def build(config_file, site_dir, paper="a4", pdf=True):
    """Build into a temporary folder, then swap it in. Returns 0 on success."""
    site_dir = pathlib.Path(site_dir).resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    work = pathlib.Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.building-", dir=site_dir.parent))
    report = {"config": str(config_file), "paper": paper}
    try:
        started = time.monotonic()
        # No --quiet: it hides warnings from MkDocs' count, and --strict then
        # lets a broken link through.
        cmd = [sys.executable, "-m", "mkdocs", "build", "--strict",
               "--config-file", str(config_file), "--site-dir", str(work)]
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        if subprocess.run(cmd, cwd=ROOT, env=env).returncode != 0:
            print(f"\nbuild failed: see the messages above. {site_dir} was left as it was.",
                  file=sys.stderr)
            return 1
        report["site_seconds"] = round(time.monotonic() - started, 2)
        print(f"site: built in {report['site_seconds']} s")
        if pdf:
            import export_pdf
            started = time.monotonic()
            try:
                written = export_pdf.export(work, config_file, paper)
            except export_pdf.ExportError as err:
                print(f"\nbuild failed: PDF export: {err}. {site_dir} was left as it was.",
                      file=sys.stderr)
                return 1
            if written:
                report["pdf_seconds"] = round(time.monotonic() - started, 2)
                report["pdf_files"] = {p.name: p.stat().st_size for p in written}
                for p in written:
                    print(f"pdf: {p.name} ({p.stat().st_size // 1024} KiB, {paper})")
                print(f"pdf: printed in {report['pdf_seconds']} s")
        (work / "build-report.json").write_text(json.dumps(report, indent=2) + "\n")
        # Swap in the new site; the old one goes only after the new one is there.
        old = None
        if site_dir.exists():
            old = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
            os.replace(site_dir, old)
        os.replace(work, site_dir)
        work = None
        if old:
            shutil.rmtree(old, ignore_errors=True)
        print(f"done: {site_dir}")
        return 0
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-f", "--config-file", default="mkdocs.yml",
                    help="mkdocs.yml, or a hospital overlay that INHERITs it")
    ap.add_argument("--site-dir", default=None, help="where the site goes (default: site/)")
    ap.add_argument("--paper", choices=["a4", "letter"], default=os.environ.get("GUIDE_PAPER", "a4"),
                    help="paper size of the PDFs (default a4; or set GUIDE_PAPER=letter)")
    ap.add_argument("--no-pdf", action="store_true", help="build the HTML only")
    args = ap.parse_args(argv)
    config_file = pathlib.Path(args.config_file)
    if not config_file.is_absolute():
        config_file = (pathlib.Path.cwd() / config_file).resolve()
    if not config_file.exists():
        print(f"build failed: config file {config_file} not found", file=sys.stderr)
        return 2
    site_dir = pathlib.Path(args.site_dir).resolve() if args.site_dir else ROOT / "site"
    return build(config_file, site_dir, args.paper, pdf=not args.no_pdf)


if __name__ == "__main__":
    bootstrap.run_inside(["requirements.txt"])
    sys.exit(main())
