"""Branding for a hospital, from configuration only.

A hospital's overlay config (see hospital-overlay.example.yml) sets
extra.institution. This hook checks it and, when `logo` names a file beside
the overlay (rather than inside docs/), publishes that file as
assets/branding/<name> so the templates can show it. The templates
(overrides/partials/institution.html, the PDF cover) do the rest; they
escape every value (`| e`), so a name such as "A & B" prints as written and
no value can add markup or a script to a page.

Every value must be text. YAML reads an unquoted phone number as a number
(01000000000 is octal, 134217728; +44... loses its +), so a phone number that
is not quoted fails the build with the line to write instead.

Who has checked the guide: until the overlay states its review
(`reviewed_by`), every page, the cover, the handout and the My situation
printout add extra.not_reviewed ("No doctor or nurse has checked this guide
yet") after the disclaimer. on_config puts the one line that applies (or
nothing) in extra.review_note, which the templates and hooks print.

An overlay copied from the example that still carries one of its
values that patients act on (a phone number they would call, the feedback
address, the hospital's name, the "reviewed by" line that claims a review)
fails the build, naming each; only hospital-overlay.example.yml itself may
carry them.

Priorities: all 0. Its checks and the logo file depend on no other hook,
and the templates use the logo and the tel: addresses only when pages are
rendered, after every hook's on_config and on_files.
"""
import pathlib
import re

import yaml
from guidekit import ROOT
from guidekit.phone import tel_address
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File


def review_note(extra):
    """What the disclaimer says about who has checked the guide:
    extra.not_reviewed, unless the hospital's overlay states its review
    (extra.institution.reviewed_by, shown in its own box and on the cover),
    then nothing."""
    inst = extra.get("institution") or {}
    if isinstance(inst, dict) and str(inst.get("reviewed_by") or "").strip():
        return ""
    return " ".join(str(extra.get("not_reviewed") or "").split())


# A phone number as people write it; its tel: address is the same without
# the separators (the templates drop them), so a leading + stays.
PHONE = re.compile(r"^\s*\+?[\d\s().-]*\d[\d\s().-]*$")
KNOWN = {"name", "phone", "urgent_phone", "url", "url_text", "logo", "feedback_email", "reviewed_by"}
PHONES = ("phone", "urgent_phone")  # urgent_phone: the 24-hour line, in the urgent-care card


# The worked example, and its values a hospital must replace (see above).
EXAMPLE = ROOT / "hospital-overlay.example.yml"
EXAMPLE_ONLY = ("name", "phone", "urgent_phone", "feedback_email", "reviewed_by")


def check_not_the_example(config, inst):
    """Fail when an overlay other than the example keeps one of the
    example's values in EXAMPLE_ONLY (white space aside)."""
    if not EXAMPLE.is_file() or pathlib.Path(config.config_file_path).resolve() == EXAMPLE.resolve():
        return
    # The example's own block (it sets extra.institution itself, so reading
    # its YAML, not the merged configuration, gives the example's values).
    example = ((yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")) or {}).get("extra") or {}).get(
        "institution") or {}

    def same(key):
        mine, theirs = inst.get(key), example.get(key)
        return bool(mine and theirs) and " ".join(str(mine).split()) == " ".join(str(theirs).split())

    kept = [key for key in EXAMPLE_ONLY if same(key)]
    if kept:
        raise PluginError(f"{config.config_file_path}: extra.institution."
                          + ", extra.institution.".join(kept)
                          + f" {'is' if len(kept) == 1 else 'are'} still the example's "
                          f"({'; '.join(repr(' '.join(str(inst[k]).split())[:60]) for k in kept)}), "
                          "from hospital-overlay.example.yml. Patients would call, write to or trust "
                          "it: put your hospital's own, or leave the key out.")


# What would run in a reader's browser if a template printed it unescaped
# (the theme prints copyright and site_description as they are).
ACTIVE = re.compile(r"<\s*script\b|\bon[a-z]+\s*=|javascript\s*:", re.I)
TEXT_SETTINGS = ("site_name", "site_description", "site_author", "copyright", "site_url")


def _texts(value, path):
    if isinstance(value, str):
        yield path, value
    elif hasattr(value, "items"):  # a dict, or MkDocs' config of `extra`
        for key, item in value.items():
            yield from _texts(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _texts(item, f"{path}[{i}]")


def check_no_script(config):
    """A setting that carries a script (or an event handler) fails the
    build: the theme prints some settings unescaped, and
    overrides/hooks/strict_csp.py would move an inline script into a file
    the Content-Security-Policy trusts."""
    settings = [(key, config.get(key)) for key in TEXT_SETTINGS]
    for key, value in settings + [("extra", config.extra)]:
        for path, text in _texts(value, key):
            found = ACTIVE.search(text)
            if found:
                raise PluginError(f"{config.config_file_path}: {path} contains "
                                  f"'{found.group(0)}', which would run as a script in the "
                                  "reader's browser. Write plain text there.")


@event_priority(0)
def on_config(config, **kwargs):
    check_no_script(config)
    inst = config.extra.get("institution") or {}
    config.extra["review_note"] = review_note(config.extra)
    if not isinstance(inst, dict):
        raise PluginError(f"{config.config_file_path}: extra.institution must be a mapping "
                          "of name, phone, url (and optionally logo, feedback_email).")
    if not inst:
        return config
    inst.pop("tel", None)  # written below; a config checked twice starts afresh
    unknown = sorted(set(inst) - KNOWN)
    if unknown:
        raise PluginError(f"{config.config_file_path}: extra.institution has unknown key(s) "
                          f"{', '.join(unknown)}. Known keys: {', '.join(sorted(KNOWN))}.")
    for key in PHONES:
        number = inst.get(key)
        if number is not None and not isinstance(number, str):
            raise PluginError(f"{config.config_file_path}: extra.institution.{key} must be in quotes: "
                              f"YAML read it as the number {number!r}, which would lose a leading "
                              f"0 or +. Write it as text, for example  {key}: \"0100 000 0000\"")
    for key, value in inst.items():
        if value is not None and not isinstance(value, str):
            raise PluginError(f"{config.config_file_path}: extra.institution.{key} must be text "
                              f"(it is {value!r}). Put the value in quotes, for example  "
                              f"{key}: \"...\"")
    for key in PHONES:
        number = inst.get(key)
        if number and number.strip() and not PHONE.match(number):
            raise PluginError(f"{config.config_file_path}: extra.institution.{key} is '{number}'. Write "
                              "only the number patients call (digits, spaces, - ( ) . and a leading "
                              f"+), for example  {key}: \"0100 000 0000\"")
    check_not_the_example(config, inst)
    missing = [k for k in ("name", "phone", "url") if not str(inst.get(k) or "").strip()]
    if missing:
        raise PluginError(f"{config.config_file_path}: extra.institution needs "
                          f"{', '.join(missing)} as well (name, phone and url go together).")
    url = str(inst["url"])
    if not url.startswith(("https://", "http://")):
        raise PluginError(f"{config.config_file_path}: extra.institution.url must start with "
                          f"https:// (it is '{url}').")
    # The tel: addresses the templates link to (guidekit.phone: one rule for
    # every number the guide writes). Every template has the config; not
    # every one has the theme's filters (the print page is rendered by the
    # print-site plugin in an environment of its own).
    inst["tel"] = {key: tel_address(inst[key]) for key in PHONES if inst.get(key)}
    return config


@event_priority(0)
def on_files(files, config, **kwargs):
    inst = config.extra.get("institution") or {}
    logo = inst.get("logo")
    if not logo:
        return files
    if files.get_file_from_path(logo):
        return files  # already a file in docs/
    source = pathlib.Path(config.config_file_path).parent / logo
    if not source.is_file():
        raise PluginError(f"{config.config_file_path}: extra.institution.logo '{logo}' was not "
                          "found, either in docs/ or beside the config file.")
    dest = f"assets/branding/{source.name}"
    files.append(File.generated(config, dest, abs_src_path=str(source)))
    inst["logo"] = dest
    return files

