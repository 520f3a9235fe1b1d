"""No command a hospital's IT person can type deletes their files, and a
stopped, killed or broken build leaves nothing behind.

The data-loss cases run the build of a temporary copy of the project (its
own scripts/, docs/, .git and an uncommitted draft), never the real one: a
build that deleted its target would only delete the copy. That copy gets a
small .venv of its own that borrows the real one's packages, so the copy's
build.py runs exactly as `python3 scripts/build.py` does in a checkout.
"""
import hashlib
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pytest

from conftest import MARKER, ROOT, assert_previous_site_untouched, leftovers, make_previous_site, run_build
from guidekit import config as guide_config

import bootstrap

PDF_NAMES = tuple(guide_config.load().extra["pdf"][key] for key in ("file", "handout"))
COPY = ("mkdocs.yml", "requirements.txt", "requirements-test.txt", "docs", "overrides", "scripts")
DRAFT = "An uncommitted draft the editor has not saved anywhere else.\n"


def snapshot(folder):
    """{relative path: sha256} of every file under folder (.venv aside)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and ".venv" not in p.relative_to(folder).parts}


def borrowed_venv(project):
    """A .venv for the copy whose packages are the real .venv's (a .pth file),
    with the copy's own guidekit installed as scripts/bootstrap.py does it,
    marked as installed."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(project / ".venv")],
                   check=True)
    site_packages = next((project / ".venv" / "lib").glob("python3*/site-packages"))
    # The packages of the Python running the tests (the real .venv's).
    real = [p for p in sys.path if p.endswith("site-packages") and pathlib.Path(p).is_dir()]
    (site_packages / "borrowed.pth").write_text("".join(f"{p}\n" for p in real))
    (site_packages / "guidekit").symlink_to(project / "scripts" / "guidekit")
    hashes = subprocess.run(
        [str(project / ".venv" / "bin" / "python"), "-c",
         "import bootstrap; print(bootstrap._requirements_hash(['requirements.txt']));"
         "print(bootstrap._requirements_hash(['requirements-test.txt']))"],
        capture_output=True, text=True, check=True, cwd=project / "scripts").stdout
    (project / ".venv" / ".requirements-installed").write_text(hashes)


@pytest.fixture
def checkout(tmp_path):
    """A temporary copy of the project, committed to its own git repository,
    with an uncommitted draft and a .venv."""
    project = tmp_path / "guide"
    project.mkdir()
    for name in COPY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, project / name)
    (project / "tests").mkdir()
    (project / "tests" / "test_example.py").write_text("def test_nothing():\n    pass\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(git + ["init", "-q"], cwd=project, check=True)
    subprocess.run(git + ["add", "."], cwd=project, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "copy"], cwd=project, check=True)
    (project / "docs" / "draft-uncommitted.md").write_text(DRAFT, encoding="utf-8")
    borrowed_venv(project)
    return project


def build_in(project, *args, python=None, env=None, **kwargs):
    """`python3 scripts/build.py ARGS` run inside the copy, as a user would."""
    python = python or str(project / ".venv" / "bin" / "python")
    run_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    run_env.update(env or {})
    return subprocess.run([python, "scripts/build.py", *args], cwd=project, capture_output=True,
                          text=True, timeout=600, env=run_env, **kwargs)


# --- data loss --------------------------------------------------------------------

@pytest.mark.parametrize("target, what", [
    (".", "the guide's repository"),
    ("docs", "docs/"),
    ("overrides", "overrides/"),
    ("scripts", "scripts/"),
    ("tests", "tests/"),
    (".git", ".git/"),
    ("..", "contains the guide's repository"),
    ("docs/site", "inside the guide's docs/"),
    ("notes", "not a site built by this guide"),
], ids=["repository", "docs", "overrides", "scripts", "tests", "git", "parent", "inside-docs",
        "other-folder"])
def test_a_target_holding_files_that_are_not_a_site_is_refused(checkout, target, what):
    notes = checkout / "notes"
    notes.mkdir()
    (notes / "minutes.txt").write_text("Meeting notes.\n", encoding="utf-8")
    before = snapshot(checkout)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=checkout, capture_output=True,
                          text=True, check=True).stdout
    result = build_in(checkout, "--no-pdf", "--site-dir", target)
    output = result.stdout + result.stderr
    assert result.returncode == 2, f"the build should refuse:\n{output}"
    folder = str((checkout / target).resolve())
    assert f"refusing --site-dir {folder}" in output, output
    assert what in output, f"the message does not say why ({what!r}):\n{output}"
    assert "new or empty folder" in output, f"the message does not say what to do:\n{output}"
    assert "Traceback" not in output and "setup:" not in output, output
    # Nothing was touched: every file, the draft, the repository.
    assert snapshot(checkout) == before
    assert (checkout / "docs" / "draft-uncommitted.md").read_text(encoding="utf-8") == DRAFT
    assert subprocess.run(["git", "rev-parse", "HEAD"], cwd=checkout, capture_output=True,
                          text=True).stdout == head
    assert not [p for p in checkout.parent.iterdir() if ".building-" in p.name or ".old-" in p.name]


def test_a_file_as_target_is_refused(tmp_path):
    target = tmp_path / "guide.html"
    target.write_text("<p>keep me</p>\n", encoding="utf-8")
    result = run_build(target, pdf=False)
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "is a file, not a folder" in output, output
    assert target.read_text(encoding="utf-8") == "<p>keep me</p>\n"


def test_an_empty_folder_and_a_built_site_are_accepted(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_build(empty, pdf=False)
    assert result.returncode == 0, result.stdout + result.stderr
    again = run_build(empty, pdf=False)  # now it holds a site this build made
    assert again.returncode == 0, again.stdout + again.stderr
    assert (empty / "faq.html").is_file()


# --- the PDF and Chromium -----------------------------------------------------------

def previous_site_with_pdfs(tmp_path):
    site = make_previous_site(tmp_path / "out" / "site")
    for name in PDF_NAMES:
        (site / name).write_bytes(b"%PDF-1.7 last good " + name.encode() + b"\n%%EOF\n")
    return site


def no_chromium_env(tmp_path):
    """No Chromium anywhere: an empty PATH (so no apt-get either) and no
    variable naming one."""
    empty = tmp_path / "empty-path"
    empty.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("GUIDE_CHROMIUM", "CHROMIUM", "CHROME_PATH")}
    env["PATH"] = str(empty)
    return env


def run_with_env(site, env, pdf=True, config_file=ROOT / "mkdocs.yml", **kwargs):
    cmd = [sys.executable, str(ROOT / "scripts" / "build.py"), "--config-file", str(config_file),
           "--site-dir", str(site)] + ([] if pdf else ["--no-pdf"])
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, env=env,
                          **kwargs)


def test_missing_chromium_fails_and_keeps_the_last_good_site(tmp_path):
    site = previous_site_with_pdfs(tmp_path)
    before = snapshot(site)
    result = run_with_env(site, no_chromium_env(tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, f"not one clear line:\n{output}"
    assert "no Chromium" in output and "apt-get install -y chromium" in output, output
    assert "--no-pdf" in output, output
    assert snapshot(site) == before, "the last good site (and its PDFs) changed"
    assert not leftovers(site)


def test_a_chromium_variable_naming_nothing_fails_clearly(tmp_path):
    site = previous_site_with_pdfs(tmp_path)
    before = snapshot(site)
    env = dict(os.environ, GUIDE_CHROMIUM=str(tmp_path / "no-such-browser"))
    result = run_with_env(site, env)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "GUIDE_CHROMIUM" in output and "no-such-browser" in output, output
    assert snapshot(site) == before


def test_no_pdf_keeps_the_last_good_pdfs(tmp_path):
    site = previous_site_with_pdfs(tmp_path)
    pdfs = {name: (site / name).read_bytes() for name in PDF_NAMES}
    result = run_with_env(site, no_chromium_env(tmp_path), pdf=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert MARKER not in (site / "index.html").read_text(encoding="utf-8"), "site not rebuilt"
    for name, data in pdfs.items():
        assert (site / name).read_bytes() == data, f"{name} was not carried over"
    assert "kept the last build's" in output, output


def test_no_pdf_without_earlier_pdfs_says_the_links_are_dead(tmp_path):
    site = tmp_path / "site"
    result = run_with_env(site, no_chromium_env(tmp_path), pdf=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "links will not work until a full build" in output, output
    assert not any((site / name).exists() for name in PDF_NAMES)


# --- what the build writes ------------------------------------------------------------

@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_the_site_gets_the_normal_umask(tmp_path, umask):
    site = tmp_path / "site"
    result = run_with_env(site, dict(os.environ), pdf=False, preexec_fn=lambda: os.umask(umask))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (site.stat().st_mode & 0o777) == 0o777 & ~umask
    assert ((site / "index.html").stat().st_mode & 0o777) == 0o666 & ~umask


def test_build_report_is_beside_the_site_without_absolute_paths(tmp_path):
    from guidekit import build_report_path

    site = tmp_path / "site"
    result = run_build(site, pdf=False)
    assert result.returncode == 0, result.stdout + result.stderr
    report = build_report_path(site)
    assert report.parent == site.parent and report.is_file()
    assert not list(site.rglob("*build-report*")), "the report was published with the site"
    text = report.read_text(encoding="utf-8")
    assert str(ROOT) not in text and str(tmp_path) not in text, text
    assert '"config": "mkdocs.yml"' in text, text


def _nobody_can_run(python):
    """Whether the 'nobody' account can start this interpreter (a venv made
    from a Python under /root cannot be reached by other accounts)."""
    probe = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", python, "-c",
             "import os, sys; os.stat(sys.argv[1], follow_symlinks=True)", python]
    try:
        return subprocess.run(probe, capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def test_a_read_only_target_gives_one_line(tmp_path):
    """A folder the build may not write to gives one line naming it. Root may
    write anywhere, so as root the build runs as 'nobody' when that account
    can start the interpreter; otherwise the folder is a read-only file
    system (a tmpfs mounted read-only)."""
    base = pathlib.Path(tempfile.mkdtemp(prefix="guide-ro-"))
    mounted = False
    try:
        base.chmod(0o755)
        locked = base / "web"
        locked.mkdir()
        locked.chmod(0o555)
        cmd = [sys.executable, str(ROOT / "scripts" / "build.py"), "--no-pdf",
               "--site-dir", str(locked / "guide")]
        reason = "permission denied"
        if os.geteuid() == 0:
            if _nobody_can_run(sys.executable):
                cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] + cmd
            else:
                mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(locked)],
                                       capture_output=True, text=True)
                if mount.returncode != 0:
                    pytest.skip("as root, with an interpreter 'nobody' cannot start and no way to "
                                f"mount a read-only folder ({mount.stderr.strip()}), no folder here "
                                "is unwritable for the build")
                mounted = True
                reason = "the file system is read-only"
        env = dict(os.environ, HOME=str(base), PYTHONDONTWRITEBYTECODE="1")
        result = subprocess.run(cmd, cwd=base, capture_output=True, text=True, timeout=600, env=env)
        output = result.stdout + result.stderr
        assert result.returncode == 1, output
        assert "Traceback" not in output, output
        lines = [line for line in output.splitlines() if line.strip()]
        assert len(lines) == 1, f"not one line:\n{output}"
        assert f"cannot write the site to {locked}" in output, output
        assert reason in output, output
        assert list(locked.iterdir()) == []
    finally:
        if mounted:
            subprocess.run(["umount", str(base / "web")], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


# --- stopped and killed builds ----------------------------------------------------------

HANGING_BROWSER = """#!{python}
# A browser that starts and never answers: says it started, then waits.
import os, sys, threading
open({started!r}, "a").write(str(os.getpid()) + "\\n")
threading.Event().wait()
"""


def hanging_browser(tmp_path):
    started = tmp_path / "browser-started"
    fake = tmp_path / "fake-chromium"
    fake.write_text(HANGING_BROWSER.format(python=sys.executable, started=str(started)))
    fake.chmod(0o755)
    return fake, started


def wait_for(condition, timeout, what):
    """Wait for a condition (checked every 50 ms) or fail naming it."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def pids_of(started):
    return [int(x) for x in started.read_text().split()] if started.exists() else []


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


def start_build_into_pdf_step(tmp_path, site):
    fake, started = hanging_browser(tmp_path)
    env = dict(os.environ, GUIDE_CHROMIUM=str(fake), TMPDIR=str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir(exist_ok=True)
    cmd = [sys.executable, str(ROOT / "scripts" / "build.py"), "--site-dir", str(site)]
    # Output to a file, not a pipe: a killed build's orphans may hold a pipe open.
    with open(tmp_path / "build.log", "w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    wait_for(started.exists, 300, "the build to start the browser")
    return proc, started


def test_sigterm_during_the_pdf_step_cleans_up_at_once(tmp_path):
    site = make_previous_site(tmp_path / "out" / "site")
    proc, started = start_build_into_pdf_step(tmp_path, site)
    try:
        assert leftovers(site), "the build should be working in a temporary folder"
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        output = (tmp_path / "build.log").read_text()
    finally:
        proc.kill()
        for pid in pids_of(started):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert proc.returncode != 0, output
    assert "stopped (SIGTERM)" in output, output
    assert not leftovers(site), f"left behind: {leftovers(site)}"
    assert_previous_site_untouched(site)
    assert not [pid for pid in pids_of(started) if alive(pid)], "the browser outlived the build"


def test_the_next_build_removes_what_a_killed_build_left(tmp_path):
    site = make_previous_site(tmp_path / "out" / "site")
    proc, started = start_build_into_pdf_step(tmp_path, site)
    try:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        for pid in pids_of(started):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
    left = leftovers(site)
    assert left, "a killed build leaves its temporary folder (else this test tests nothing)"
    # A browser profile a killed run left, and one a running browser uses.
    tmp = tmp_path / "tmp"
    stale = tmp / "playwright_chromiumdev_profile-killed"
    in_use = tmp / "playwright_chromiumdev_profile-running"
    for folder in (stale, in_use):
        folder.mkdir()
        (folder / "Local State").write_text("{}")
        old = time.time() - 3600
        os.utime(folder, (old, old))
    # A build that is still running (its process is alive) keeps its folder.
    holder = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()", "build.py",
                               f"--user-data-dir={in_use}"], stdin=subprocess.PIPE)
    running = site.parent / f".{site.name}.building-{holder.pid}-abcd"
    running.mkdir()
    try:
        result = run_with_env(site, dict(os.environ, TMPDIR=str(tmp)), pdf=False)
        output = result.stdout + result.stderr
        assert result.returncode == 0, output
        assert "removed" in output and left[0] in output, output
        assert not stale.exists(), "a stale browser profile was not removed"
        assert in_use.exists(), "a browser profile in use was removed"
        assert running.exists(), "the folder of a running build was removed"
        assert leftovers(site) == [running.name]
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
        shutil.rmtree(running, ignore_errors=True)


# --- the environment ----------------------------------------------------------------------

def test_the_venv_holds_guidekit_and_not_the_scripts_beside_it(tmp_path):
    """The setup installs the guidekit package into .venv, and only it: from
    any folder, .venv's Python imports guidekit (this repository's), while the
    scripts beside it (export_pdf, build) are not on its import path."""
    probe = ("import importlib.util, guidekit; print(guidekit.ROOT); "
             "print([m for m in ('export_pdf', 'build', 'bootstrap') if importlib.util.find_spec(m)])")
    out = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c", probe], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, f"guidekit cannot be imported from .venv: {out.stderr[-500:]}"
    root, importable = out.stdout.splitlines()
    assert root == str(ROOT), f"guidekit comes from {root}, not this repository"
    assert importable == "[]", f"scripts on .venv's import path besides guidekit: {importable}"


@pytest.mark.parametrize("damage, reason", [
    ("interpreter", "its Python is missing"),
    ("package", "cannot import"),
], ids=["interpreter-removed", "packages-removed"])
def test_a_damaged_venv_is_rebuilt(checkout, damage, reason, tmp_path):
    venv = checkout / ".venv"
    if damage == "interpreter":
        for py in (venv / "bin").glob("python*"):
            py.unlink()
    else:
        next((venv / "lib").glob("python3*/site-packages/borrowed.pth")).unlink()
    site = make_previous_site(tmp_path / "out" / "site")
    # No package index: the rebuild starts, then pip stops at once (offline).
    result = build_in(checkout, "--no-pdf", "--site-dir", str(site),
                      python=shutil.which("python3") or sys.executable,
                      env={"PIP_NO_INDEX": "1"})
    output = result.stdout + result.stderr
    assert "setup: .venv/ is damaged" in output and reason in output, output
    assert "rebuilding it from scratch" in output, output
    assert (venv / "bin" / "python").exists(), "no new .venv was made"
    assert not (next((venv / "lib").glob("python3*/site-packages")) / "borrowed.pth").exists(), \
        "the old .venv was not removed"
    assert result.returncode != 0, "pip cannot install offline, so the build must fail"
    assert "pip could not install" in output, output
    assert_previous_site_untouched(site)


def test_a_python_too_old_is_named_with_the_one_needed(capsys):
    with pytest.raises(SystemExit) as stop:
        bootstrap.suitable_python((3, 9), which=lambda name: None)
    message = str(stop.value)
    assert "Python 3.9" in message and "3.11 or newer" in message, message


def test_a_python_too_old_finds_a_newer_one():
    found = {"python3.12": "/opt/py/bin/python3.12"}
    newer = bootstrap.suitable_python((3, 9), which=found.get,
                                      version_of=lambda path: (3, 12))
    assert newer == "/opt/py/bin/python3.12"
    assert bootstrap.suitable_python((3, 11)) is None


def test_as_root_a_missing_chromium_is_installed_and_the_build_goes_on(monkeypatch):
    import build
    from guidekit import browser

    installed = []
    answers = iter([None, "/usr/bin/chromium"])  # none before apt-get, one after
    monkeypatch.setattr(browser, "chromium_path", lambda: next(answers))
    monkeypatch.setattr(build.bootstrap, "can_install", lambda: True)
    monkeypatch.setattr(build.bootstrap, "apt_install",
                        lambda packages, why: installed.append(packages) or True)
    assert build.need_chromium() == "/usr/bin/chromium"
    assert installed == [["chromium"]]


def test_a_build_killed_while_swapping_gets_the_last_site_back(tmp_path):
    """Killed between moving the last site aside and moving the new one in:
    the next build puts the last good site back, it does not delete it."""
    site = tmp_path / "out" / "site"
    make_previous_site(tmp_path / "out" / "aside")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    aside = site.parent / f".{site.name}.old-{dead.pid}"
    (tmp_path / "out" / "aside").rename(aside)
    result = run_with_env(site, no_chromium_env(tmp_path))  # fails: no Chromium
    output = result.stdout + result.stderr
    assert "restored the last good site" in output, output
    assert result.returncode == 1, output
    assert_previous_site_untouched(site)
    assert not aside.exists()
