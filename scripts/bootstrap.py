"""Set up what the build and the tests need, then run them inside it.

Used by scripts/build.py and scripts/test.py, so each of the README's two
commands works on a fresh Debian machine with only Python 3: it checks the
Python version first (and finds a newer python3.X on the PATH when the one
running is too old), makes a local virtual environment in .venv/, installs
the pinned requirements into it (again only when a requirements file
changes), and re-runs the calling script with the environment's Python.
A damaged .venv (its interpreter gone, or a package missing) is found and
rebuilt from scratch. Standard library only.
"""
import hashlib
import importlib.util
import os
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
# The oldest Python the pins in requirements.txt install on (mkdocs-material
# 9.8 needs 3.11; Debian 12 has 3.11.2), and newer ones to look for.
MIN_PYTHON = (3, 11)
CANDIDATES = ("python3.13", "python3.12", "python3.11")
# What .venv must be able to import for the build (and the tests).
MODULES = {
    "requirements.txt": ("mkdocs", "material", "pymdownx", "pypdf", "playwright", "guidekit"),
    "requirements-test.txt": ("mkdocs", "material", "pymdownx", "pypdf", "playwright",
                              "guidekit", "pytest"),
}


def _fail(message):
    sys.exit(f"\nsetup: {message}")


def _is_root():
    return hasattr(os, "geteuid") and os.geteuid() == 0


def can_install():
    """Whether apt_install can install packages here (root with apt-get)."""
    return _is_root() and shutil.which("apt-get") is not None


def apt_install(packages, why):
    """Install Debian packages when we may (root with apt-get); else say how."""
    command = "apt-get update && apt-get install -y " + " ".join(packages)
    if can_install():
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


def _version(python):
    """(major, minor) of a Python interpreter, or None when it does not run."""
    try:
        out = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    try:
        return tuple(int(x) for x in out.stdout.split()) if out.returncode == 0 else None
    except ValueError:
        return None


def suitable_python(version=None, which=shutil.which, version_of=_version):
    """None when this Python will do; else the path of a newer python3.X on
    the PATH to run instead. Exits with one line when there is none."""
    version = tuple(version or sys.version_info[:2])
    if version >= MIN_PYTHON:
        return None
    for name in CANDIDATES:
        found = which(name)
        if found and (version_of(found) or (0, 0)) >= MIN_PYTHON:
            return found
    need = ".".join(map(str, MIN_PYTHON))
    _fail(f"this is Python {version[0]}.{version[1]}, and the guide needs Python {need} or "
          f"newer. Install it (Debian 12: apt-get install python3) and run this command "
          f"with it, e.g. python{need} {pathlib.Path(sys.argv[0]).as_posix()}")


def check_python():
    """Re-run the calling script with a newer Python when this one is too old."""
    newer = suitable_python()
    if newer:
        print(f"setup: Python {sys.version_info[0]}.{sys.version_info[1]} is too old; "
              f"using {newer}", flush=True)
        os.execv(newer, [newer, *sys.argv])


def venv_problem(requirements):
    """Why .venv cannot be used as it is (None when it can)."""
    if not PY.exists():
        return "its Python is missing" if VENV.exists() else None
    modules = sorted({m for name in requirements for m in MODULES.get(name, ())})
    if pathlib.Path(sys.prefix).resolve() == VENV.resolve():
        missing = [m for m in modules if importlib.util.find_spec(m) is None]
        return f"it cannot import {', '.join(missing)}" if missing else None
    try:
        out = subprocess.run([str(PY), "-c", f"import {', '.join(modules)}"],
                             capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"its Python does not run ({err.__class__.__name__})"
    if out.returncode != 0:
        lines = (out.stderr or "").strip().splitlines()
        return f"it cannot import {', '.join(modules)}: {lines[-1] if lines else 'exit ' + str(out.returncode)}"
    return None


def _base_python():
    """The Python that makes .venv: this one, or the one .venv was made from
    when this is .venv's own (which a rebuild removes)."""
    if pathlib.Path(sys.prefix).resolve() == VENV.resolve():
        return getattr(sys, "_base_executable", None) or shutil.which("python3") or sys.executable
    return sys.executable


def ensure_venv(requirements):
    """Make .venv with the given requirements files installed; return its python."""
    if VENV.exists() and (not PY.exists() or _python_broken()):
        _rebuild("its Python is missing or does not run")
    if not PY.exists():
        print("setup: creating a virtual environment in .venv/", flush=True)
        base = _base_python()
        made = subprocess.run([base, "-m", "venv", str(VENV)]).returncode == 0
        if not made:
            shutil.rmtree(VENV, ignore_errors=True)
            minor = f"python3.{sys.version_info.minor}-venv"
            if apt_install(["python3-venv", minor], "Python's venv module is missing"):
                made = subprocess.run([base, "-m", "venv", str(VENV)]).returncode == 0
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
    problem = venv_problem(requirements)
    if problem:
        if getattr(ensure_venv, "_rebuilt", False):
            _fail(f".venv is still not usable after a rebuild ({problem}). Delete .venv/ "
                  "and run this again; if that fails, see the messages above.")
        _rebuild(problem)
        ensure_venv._rebuilt = True
        return ensure_venv(requirements)
    return PY


def _python_broken():
    if pathlib.Path(sys.prefix).resolve() == VENV.resolve():
        return False  # it is running this
    try:
        return subprocess.run([str(PY), "-c", "pass"], capture_output=True,
                              timeout=60).returncode != 0
    except (OSError, subprocess.TimeoutExpired):
        return True


def _rebuild(problem):
    print(f"setup: .venv/ is damaged ({problem}): rebuilding it from scratch", flush=True)
    shutil.rmtree(VENV, ignore_errors=True)
    if VENV.exists():
        _fail(f"could not remove the damaged {VENV}: delete it by hand, then run this again")


def install_guidekit():
    """Install the guidekit package into .venv as a link to scripts/guidekit,
    so hooks, scripts and tests import it by name. Only the package is
    installed: the scripts beside it are not on the import path (the tests
    reach them through pytest.ini's pythonpath). Replaces the .pth file of
    earlier versions, which put all of scripts/ on the path."""
    target = ROOT / "scripts" / "guidekit"
    for site_packages in (VENV / "lib").glob("python3*/site-packages"):
        (site_packages / "guidekit.pth").unlink(missing_ok=True)
        link = site_packages / "guidekit"
        if link.is_symlink() and pathlib.Path(os.readlink(link)) == target:
            continue
        if link.is_symlink() or link.is_file():
            link.unlink()
        elif link.exists():
            shutil.rmtree(link)
        link.symlink_to(target, target_is_directory=True)


def run_inside(requirements):
    """Re-run the calling script with .venv's Python (once the venv is ready)."""
    check_python()
    py = ensure_venv(requirements)
    # After a rebuild, even .venv's own Python starts again (its modules were replaced).
    if (pathlib.Path(sys.prefix).resolve() != VENV.resolve()
            or getattr(ensure_venv, "_rebuilt", False)):
        os.execv(str(py), [str(py), *sys.argv])

