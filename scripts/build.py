#!/usr/bin/env python3
"""Build everything: the site into site/, then the PDF of the whole guide, its
large-print edition and the "Questions to ask" handout into it, and the site
once more so that its PDF links show each file's pages and size.

    python3 scripts/build.py [-f OVERLAY.yml] [--paper a4|letter] [--site-dir DIR] [--no-pdf]

Sets up .venv/ with the pinned requirements on first use. The site is built
into a new folder beside the target and swapped in only when everything
succeeded, so a failed, stopped or killed build never leaves a half-written
site where the last good one was.

Safe with any input:
- the target must be a new or empty folder, or a site this build made: the
  repository, docs/, overrides/, scripts/, tests/, .git, the config file's
  folder, and any other folder with files in it are refused (exit 2);
- the PDF needs Chromium (guidekit.browser; $GUIDE_CHROMIUM names the
  binary): as root on Debian it is installed, otherwise the build fails and
  the last good site stays. With --no-pdf the last good site's PDFs are
  carried over into the new one;
- SIGTERM or Ctrl-C stops the build at once and removes its temporary
  folders; folders left by killed builds are removed by the next one;
- the build's timings go to <site>-build-report.json beside the site
  (guidekit.build_report_path), never into what is published.
"""
import argparse
import errno
import glob
import json
import os
import pathlib
import re
import shutil
import signal
import sys
import tempfile
import time

import bootstrap
from guidekit import PDF_FACTS_VARIABLE  # stdlib only: importable before the venv

ROOT = pathlib.Path(__file__).resolve().parent.parent
# Folders of the project a target may never be, nor contain.
SOURCES = ("docs", "overrides", "scripts", "tests", ".git", ".ci", ".venv")
# What every site of this guide has (the theme writes the 404 page and the
# assets, overrides/hooks/server_files.py the policy file).
SITE_SIGNATURE = ("index.html", "404.html", "assets", "content-security-policy.txt")
# Temporary browser profiles of earlier, killed runs (Playwright's, and the
# older DevTools export's).
BROWSER_LEFTOVERS = ("playwright_chromiumdev_profile-*", "guide-pdf-chromium-*")
STALE_AFTER = 120  # seconds: a folder younger than this may be about to be used


class BuildError(Exception):
    """The build cannot go on; the message is one line for the user."""

    def __init__(self, message, status=1):
        super().__init__(message)
        self.status = status


# --- where the site may go ----------------------------------------------------

def _inside(path, folder):
    return path == folder or folder in path.parents


def looks_like_site(folder):
    """A site this build made (so it may be replaced)."""
    return all((folder / name).exists() for name in SITE_SIGNATURE)


def target_problem(site_dir, config_file, docs_dir=None):
    """Why site_dir may not be replaced by a build (None when it may)."""
    config_dir = config_file.parent
    protected = {config_dir: "the config file's folder"}
    protected[ROOT] = "the guide's repository"
    for base in (ROOT, config_dir):
        for name in SOURCES:
            protected.setdefault(base / name, f"the guide's {name}/ folder")
    if docs_dir:
        protected.setdefault(docs_dir, "the guide's docs folder")
    for folder, what in protected.items():
        if site_dir == folder:
            return f"it is {what} ({folder})"
        if _inside(folder, site_dir):
            return f"it contains {what} ({folder})"
    for folder, what in protected.items():
        if folder not in (ROOT, config_dir) and _inside(site_dir, folder):
            return f"it is inside {what} ({folder})"
    if site_dir.is_symlink():
        return "it is a symbolic link (the build would replace the link, not the folder it " \
               "points to): give the folder itself"
    if site_dir.exists() and not site_dir.is_dir():
        return "it is a file, not a folder"
    if site_dir.is_dir() and any(site_dir.iterdir()) and not looks_like_site(site_dir):
        return ("it already holds files that are not a site built by this guide "
                f"(a built site has {', '.join(SITE_SIGNATURE)})")
    return None


# --- leftovers of earlier builds -----------------------------------------------

def _alive(pid):
    """A running build.py with this process id."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return b"build.py" in fh.read()
    except OSError:
        return True  # no /proc: trust the signal


def _age(path):
    try:
        return time.time() - path.lstat().st_mtime
    except OSError:
        return 0


def _remove(path):
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            path.unlink()
        except OSError:
            pass
    return not path.exists()


TEMP_NAME = re.compile(r"^\.(?P<site>.+)\.(?:building|old)-(?P<rest>.*)$")


def stale_build_folders(site_dir):
    """Temporary folders beside site_dir whose build is no longer running."""
    found = []
    try:
        entries = list(site_dir.parent.iterdir())
    except OSError:
        return found
    for path in entries:
        m = TEMP_NAME.match(path.name)
        if not m or m.group("site") != site_dir.name:
            continue
        pid = re.match(r"(\d+)(?:-|$)", m.group("rest"))
        if pid:
            if not _alive(int(pid.group(1))):
                found.append(path)
        elif _age(path) > 3600:  # an older build's name, without its process id
            found.append(path)
    return sorted(found)


def _paths_in_use():
    """Everything named on the command line of a running process."""
    text = []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as fh:
                    text.append(fh.read().replace(b"\0", b" ").decode("utf-8", "replace"))
            except OSError:
                continue
    return "\n".join(text)


def stale_browser_profiles(tmp=None):
    """Temporary Chromium profiles no running process uses (killed PDF runs)."""
    tmp = pathlib.Path(tmp or tempfile.gettempdir())
    candidates = [pathlib.Path(p) for pattern in BROWSER_LEFTOVERS
                  for p in glob.glob(str(tmp / pattern))]
    candidates = [p for p in candidates if p.is_dir() and not p.is_symlink()
                  and p.lstat().st_uid == os.geteuid() and _age(p) > STALE_AFTER]
    if not candidates:
        return []
    in_use = _paths_in_use()
    return sorted(p for p in candidates if str(p) not in in_use)


def clean_leftovers(site_dir):
    stale = stale_build_folders(site_dir)
    # A build killed between its two renames left the last good site as
    # .<site>.old-<pid> and no site: put it back first.
    olds = [p for p in stale if ".old-" in p.name]
    if olds and not os.path.lexists(site_dir):
        newest = max(olds, key=lambda p: p.lstat().st_mtime)
        os.replace(newest, site_dir)
        stale.remove(newest)
        print(f"cleanup: restored the last good site from {newest.name} (a build was killed "
              "while swapping it)")
    removed = [p for p in stale + stale_browser_profiles() if _remove(p)]
    if removed:
        print(f"cleanup: removed {len(removed)} folder(s) left by earlier builds that were "
              f"stopped: {', '.join(p.name for p in removed)}")


# --- stopping -------------------------------------------------------------------

_stopped = []  # the signal that stopped the build, once one has


def _descendants(pid):
    """Every process started by pid, and theirs (Linux /proc)."""
    children = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _stop(signum, frame):
    _stopped.append(signum)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)  # one stop is enough
    # Whatever the build waits on (MkDocs, the browser and its driver) ends
    # now, so the wait returns at once ...
    for pid in _descendants(os.getpid()):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    # ... and every `finally:` on the way out runs: the temporary site goes,
    # the last good site stays.
    raise SystemExit(128 + signum)


def stopped_message():
    return f"\nbuild stopped ({signal.Signals(_stopped[0]).name}): nothing was changed."


def install_signal_handlers():
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, _stop)


# --- the configuration ---------------------------------------------------------

def overlay_problem(config_file):
    """An overlay that does not start with INHERIT (and so has no site_name)."""
    try:
        text = config_file.read_text(encoding="utf-8")
    except OSError as err:
        return f"cannot read {config_file}: {err.strerror}"
    keys = set(re.findall(r"^([A-Za-z_]+)\s*:", text, re.M))
    if "INHERIT" not in keys and "site_name" not in keys:
        return (f"{config_file} has no 'INHERIT:' line. Start a hospital overlay with the line "
                "`INHERIT: mkdocs.yml` (the path of the guide's mkdocs.yml from the overlay), "
                "as hospital-overlay.example.yml does.")
    return None


def read_config(config_file):
    """The parts of the configuration the build itself needs (None when
    MkDocs cannot read it: the build then shows MkDocs' own message)."""
    import logging

    from guidekit import config

    logging.getLogger("mkdocs").setLevel(logging.CRITICAL)
    try:
        cfg = config.load(config_file)
    except BaseException as err:  # MkDocs exits on a bad config
        if isinstance(err, KeyboardInterrupt):
            raise
        return None
    finally:
        logging.getLogger("mkdocs").setLevel(logging.NOTSET)
    pdf = cfg.extra.get("pdf") or {}
    return {
        "docs_dir": pathlib.Path(cfg["docs_dir"]).resolve(),
        "pdf_files": [str(pdf[k]) for k in config.PDF_KEYS if pdf.get(k)],
    }


# --- the browser ---------------------------------------------------------------

def need_chromium():
    """The Chromium to print with; installed when we may (root with apt-get)."""
    from guidekit import browser

    hint = ("install Chromium (Debian, as root: apt-get install -y chromium), set "
            "GUIDE_CHROMIUM=/path/to/chromium, or build without the PDF: --no-pdf")
    try:
        found = browser.chromium_path()
    except browser.BrowserError as err:
        raise BuildError(f"{err}: point it at Chromium, or build without the PDF: --no-pdf") from None
    if found:
        return found
    if bootstrap.can_install() and bootstrap.apt_install(["chromium"], "the PDF needs Chromium"):
        found = browser.chromium_path()
        if found:
            return found
    raise BuildError(f"no Chromium was found to print the PDF with: {hint}")


# --- the build -----------------------------------------------------------------

def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _relative(path):
    path = pathlib.Path(path).resolve()
    return path.relative_to(ROOT).as_posix() if _inside(path, ROOT) else path.name


def _cannot_write(err, folder):
    reason = {errno.EROFS: "the file system is read-only",
              errno.EACCES: "permission denied", errno.EPERM: "permission denied",
              errno.ENOSPC: "the disk is full"}.get(err.errno, err.strerror or str(err))
    return BuildError(f"cannot write the site to {folder}: {reason}. Choose a --site-dir in a "
                      "folder you can write to, or make that folder writable.")


def _mkdocs(config_file, folder, facts=None):
    """mkdocs build --strict into folder; facts: the PDFs' pages and sizes
    for the links (overrides/hooks/pdf_links.py reads $GUIDE_PDF_FACTS)."""
    # No --quiet: it hides warnings from MkDocs' count, and --strict then
    # lets a broken link through.
    from guidekit import config

    env = {PDF_FACTS_VARIABLE: json.dumps(facts, sort_keys=True) if facts else None}
    if config.mkdocs_build(config_file, folder, ["--strict"], env=env, cwd=ROOT).returncode != 0:
        raise BuildError("see the messages above")


def pdf_facts(paths):
    """{file name: {"pages": N, "bytes": N}} of the PDFs (unreadable ones left out)."""
    from guidekit import pdf

    facts = {}
    for path in paths:
        try:
            facts[path.name] = {"pages": pdf.page_count(path.read_bytes()),
                                "bytes": path.stat().st_size}
        except Exception as err:  # a damaged file: its link shows no figures
            print(f"note: could not read {path.name} ({err}); its link shows no page count")
    return facts


def build(config_file, site_dir, paper="a4", pdf=True, settings=None):
    """Build into a temporary folder, then swap it in. Returns 0 on success."""
    settings = settings or {}
    site_dir = pathlib.Path(site_dir)
    try:
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        work = pathlib.Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.building-{os.getpid()}-",
                                             dir=site_dir.parent))
    except OSError as err:
        raise _cannot_write(err, site_dir.parent) from None
    # mkdtemp makes a private (0700) folder: give the site the normal umask,
    # so a web server's account can read it.
    os.chmod(work, 0o777 & ~_umask())
    report = {"config": _relative(config_file), "paper": paper}
    old = None
    try:
        started = time.monotonic()
        if pdf:
            # The PDF links show each file's pages and size, known only once
            # the PDFs exist: build, print the PDFs, keep them aside, and
            # build the site again with their figures ($GUIDE_PDF_FACTS, read
            # by overrides/hooks/pdf_links.py). The PDFs never depend on the
            # figures (the links are not printed), so they stay valid.
            _mkdocs(config_file, work)
            report["site_seconds"] = round(time.monotonic() - started, 2)
            print(f"site: built in {report['site_seconds']} s")
            import export_pdf
            started = time.monotonic()
            try:
                written = export_pdf.export(work, config_file, paper, large_print=True)
            except export_pdf.ExportError as err:
                raise BuildError(f"PDF export: {err}") from None
            report["pdf_seconds"] = round(time.monotonic() - started, 2)
            report["pdf_files"] = {p.name: p.stat().st_size for p in written}
            facts = pdf_facts(written)
            for p in written:
                print(f"pdf: {p.name} ({facts[p.name]['pages']} pages, "
                      f"{p.stat().st_size // 1024} KiB, {paper})")
            print(f"pdf: printed in {report['pdf_seconds']} s")
            hold = pathlib.Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.building-{os.getpid()}-pdf-",
                                                 dir=site_dir.parent))
            try:
                for p in written:
                    os.replace(p, hold / p.name)
                started = time.monotonic()
                _mkdocs(config_file, work, facts)
                report["site_again_seconds"] = round(time.monotonic() - started, 2)
                print(f"site: built again with the PDFs' pages and sizes in "
                      f"{report['site_again_seconds']} s")
                for p in written:
                    os.replace(hold / p.name, work / p.name)
            finally:
                shutil.rmtree(hold, ignore_errors=True)
        else:
            carried = []
            for name in settings.get("pdf_files", []):
                if (site_dir / name).is_file():
                    carried.append(site_dir / name)
            facts = pdf_facts(carried)
            _mkdocs(config_file, work, facts)
            report["site_seconds"] = round(time.monotonic() - started, 2)
            print(f"site: built in {report['site_seconds']} s")
            for path in carried:
                if not (work / path.name).exists():
                    shutil.copy2(path, work / path.name)
            if carried:
                print(f"pdf: kept the last build's {', '.join(p.name for p in carried)} (--no-pdf)")
            elif settings.get("pdf_files"):
                print("pdf: none made (--no-pdf), so the site's 'Download the PDF' links will "
                      "not work until a full build (without --no-pdf)")
        # Swap in the new site; the old one goes only after the new one is there.
        try:
            if site_dir.exists():
                old = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
                os.replace(site_dir, old)
            os.replace(work, site_dir)
        except OSError as err:
            if old is not None and old.exists() and not site_dir.exists():
                os.replace(old, site_dir)
            old = None
            raise _cannot_write(err, site_dir) from None
        work = None
        report_path = _report_path(site_dir)
        try:
            report_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        except OSError as err:
            print(f"note: the build report {report_path} was not written ({err.strerror})")
        print(f"done: {site_dir}")
        return 0
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
        if old is not None and os.path.lexists(old):
            if os.path.lexists(site_dir):
                shutil.rmtree(old, ignore_errors=True)
            else:  # stopped between the two renames: the last good site goes back
                os.replace(old, site_dir)


def _report_path(site_dir):
    from guidekit import build_report_path

    return build_report_path(site_dir)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-f", "--config-file", default=str(ROOT / "mkdocs.yml"),
                    help="mkdocs.yml (the default), or a hospital overlay that INHERITs it")
    ap.add_argument("--site-dir", default=None,
                    help="where the site goes (default: site/); a new or empty folder, or "
                         "one that holds a site built before")
    ap.add_argument("--paper", choices=["a4", "letter"], default=os.environ.get("GUIDE_PAPER", "a4"),
                    help="paper size of the PDFs (default a4; or set GUIDE_PAPER=letter)")
    ap.add_argument("--no-pdf", action="store_true",
                    help="build the HTML only (the last build's PDFs are kept)")
    args = ap.parse_args(argv)
    config_file = pathlib.Path(args.config_file)
    if not config_file.is_absolute():
        config_file = (pathlib.Path.cwd() / config_file).resolve()
    site_dir = (pathlib.Path(args.site_dir).expanduser().absolute() if args.site_dir
                else ROOT / "site")
    # A target that is a link is refused below, not followed.
    site_dir = site_dir.parent.resolve() / site_dir.name if site_dir.is_symlink() else site_dir.resolve()
    install_signal_handlers()
    try:
        if not config_file.is_file():
            raise BuildError(f"config file {config_file} not found", 2)
        problem = overlay_problem(config_file)
        if problem:
            raise BuildError(problem, 2)
        settings = read_config(config_file) or {}
        problem = target_problem(site_dir, config_file, settings.get("docs_dir"))
        if problem:
            raise BuildError(f"refusing --site-dir {site_dir}: {problem}. The build replaces "
                             "that folder with the site. Give a new or empty folder, e.g. "
                             "--site-dir site", 2)
        clean_leftovers(site_dir)
        if not args.no_pdf:
            need_chromium()
        return build(config_file, site_dir, args.paper, pdf=not args.no_pdf, settings=settings)
    except BaseException as err:
        if not _stopped:
            if isinstance(err, BuildError):
                kept = f" {site_dir} was left as it was." if site_dir.exists() else ""
                print(f"\nbuild failed: {str(err).rstrip('.')}.{kept}", file=sys.stderr)
                return err.status
            raise
        # Stopped by a signal: whatever failed after it, say so and stop.
        print(stopped_message(), file=sys.stderr)
        return 128 + _stopped[0]


if __name__ == "__main__":
    bootstrap.run_inside(["requirements.txt"])
    sys.exit(main())
