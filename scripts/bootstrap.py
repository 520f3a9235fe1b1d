"""Set up what the build and the tests need, then run them inside it.

Used by scripts/build.py and scripts/test.py, so each of the README's two
commands works on a fresh Debian machine with only Python 3: it makes a local
virtual environment in .venv/, installs the pinned requirements into it (again
only when a requirements file changes), and re-runs the calling script with
the environment's Python. Standard library only.
"""
import hashlib
import os
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"


def _fail(message):
    sys.exit(f"\nsetup: {message}")


def _is_root():
    return hasattr(os, "geteuid") and os.geteuid() == 0


def apt_install(packages, why):
    """Install Debian packages when we may (root with apt-get); else say how."""
    command = "apt-get update && apt-get install -y " + " ".join(packages)
    if _is_root() and shutil.which("apt-get"):
        print(f"setup: installing {' '.join(packages)} ({why})", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        ok = subprocess.run(["apt-get", "update", "-qq"], env=env).returncode == 0
        ok = ok and subprocess.run(["apt-get", "install", "-y", "-qq", *packages], env=env).returncode == 0
        if ok:
            return True
    print(f"setup: {why}. To get it, run as root: {command}", flush=True)
    return False


def _requirements_hash(files):
    digest = hashlib.sha256()
    for name in files:
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
            if line.startswith("-r "):
                digest.update((ROOT / line[3:].strip()).read_bytes())
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_venv(requirements):
    """Make .venv with the given requirements files installed; return its python."""
    if not PY.exists():
        print("setup: creating a virtual environment in .venv/", flush=True)
        made = subprocess.run([sys.executable, "-m", "venv", str(VENV)]).returncode == 0
        if not made:
            shutil.rmtree(VENV, ignore_errors=True)
            minor = f"python3.{sys.version_info.minor}-venv"
            if apt_install(["python3-venv", minor], "Python's venv module is missing"):
                made = subprocess.run([sys.executable, "-m", "venv", str(VENV)]).returncode == 0
            if not made:
                _fail("could not create .venv (install python3-venv, then run this again)")
    stamp = VENV / ".requirements-installed"
    wanted = _requirements_hash(requirements)
    have = stamp.read_text().split() if stamp.exists() else []
    if wanted not in have:
        print(f"setup: installing {', '.join(requirements)} into .venv/", flush=True)
        args = [str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
        for name in requirements:
            args += ["-r", str(ROOT / name)]
        if subprocess.run(args).returncode != 0:
            _fail("pip could not install the requirements (see the messages above)")
        stamp.write_text("\n".join([wanted] + have[:4]) + "\n")
    install_guidekit()
    return PY


def install_guidekit():
    """Put scripts/ (the guidekit package) on .venv's import path with a .pth
    file, so hooks, scripts and tests import it by name."""
    for site_packages in (VENV / "lib").glob("python3*/site-packages"):
        pth = site_packages / "guidekit.pth"
        want = str(ROOT / "scripts") + "\n"
        if not pth.exists() or pth.read_text() != want:
            pth.write_text(want)


def run_inside(requirements):
    """Re-run the calling script with .venv's Python (once the venv is ready)."""
    py = ensure_venv(requirements)
    if pathlib.Path(sys.prefix).resolve() != VENV.resolve():
        os.environ["NO_MKDOCS_2_WARNING"] = "1"
        os.execv(str(py), [str(py), *sys.argv])
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def find_chromium():
    """Chromium or Chrome: $CHROMIUM (or $CHROME_PATH) first, then the PATH."""
    for var in ("CHROMIUM", "CHROME_PATH"):
        path = os.environ.get(var)
        if path:
            if os.access(path, os.X_OK):
                return path
            print(f"setup: ${var} is set to {path}, which is not an executable file", flush=True)
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None
