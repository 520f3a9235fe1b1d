"""The site's configuration, read once, the way MkDocs reads it, and the
one way to run MkDocs on it.

Everything that needs a setting (the build, the PDF export, the scripts and
the tests) goes through here, so an overlay's `INHERIT:` and `extra:` are
honoured everywhere and nothing keeps a hand copy of the nav.
"""
import functools
import os
import pathlib
import subprocess
import sys

from guidekit import ROOT

DEFAULT = ROOT / "mkdocs.yml"
# The PDFs the build writes, by their key under extra.pdf in mkdocs.yml: the
# whole guide, the same in large print, the questions handout, and the
# handout in large print. Only `file` and `handout` are required.
PDF_KEYS = ("file", "large_print", "handout", "handout_large_print")


@functools.lru_cache(maxsize=8)
def _load(path):
    from mkdocs.config import load_config

    return load_config(str(path))


def load(config_file=DEFAULT):
    """The validated MkDocs config (a MkDocsConfig), INHERIT merged in."""
    return _load(str(pathlib.Path(config_file).resolve()))


def _walk(items):
    for item in items or []:
        if isinstance(item, dict):
            for value in item.values():
                yield from _walk(value) if isinstance(value, list) else [value]
        elif isinstance(item, str):
            yield item


def nav_pages(config_file=DEFAULT):
    """The Markdown files of the nav, in reading order ("index.md", ...)."""
    return [p for p in _walk(load(config_file)["nav"]) if p.endswith(".md") and "://" not in p]


def html_name(md):
    """The built file of a page (use_directory_urls is off)."""
    return md[:-3] + ".html"


def print_page(config_file=DEFAULT):
    """The print page's file name (print-site plugin)."""
    cfg = load(config_file)
    return cfg.plugins["print-site"].config.get("print_page_basename") + ".html"


def printed(md_files, cfg):
    """Of md_files (nav order), the pages the print page holds: those not in
    the print-site plugin's exclude. These are the chapters, numbered from 1
    in this order on screen, in print and in the PDFs."""
    from mkdocs_print_site_plugin.exclude import exclude

    left_out = list(cfg.plugins["print-site"].config.get("exclude") or [])
    return [md for md in md_files if not exclude(md, left_out)]


def chapters(config_file=DEFAULT):
    """The chapters' Markdown files, in order (see printed)."""
    return printed(nav_pages(config_file), load(config_file))


def not_in_nav_pages(config_file=DEFAULT):
    """Published pages deliberately left out of the nav (the hosting guide)."""
    cfg = load(config_file)
    spec = cfg.get("not_in_nav")
    if not spec:
        return []
    docs = pathlib.Path(cfg["docs_dir"])
    return sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")
                  if spec.match_file(p.relative_to(docs).as_posix()))


def mkdocs_build(config_file, site_dir=None, args=(), env=None, **run):
    """Run `mkdocs build` on config_file (into site_dir when given, with
    args such as --strict or --quiet) as a child process; env: variables to
    add (None as a value removes one); run: passed to subprocess.run.
    Returns the CompletedProcess."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "--config-file", str(config_file), *args]
    if site_dir is not None:
        cmd += ["--site-dir", str(site_dir)]
    child = dict(os.environ)
    # The theme prints an end-of-life notice whenever `mkdocs` runs as a
    # program, unless this is set.
    child["NO_MKDOCS_2_WARNING"] = "1"
    for key, value in (env or {}).items():
        if value is None:
            child.pop(key, None)
        else:
            child[key] = value
    return subprocess.run(cmd, env=child, **run)
