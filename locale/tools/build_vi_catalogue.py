#!/usr/bin/env python3
"""Build the project-level Vietnamese override catalogue for third-party apps.

Dựng lại catalogue tiếng Việt cấp dự án (locale/vi/LC_MESSAGES/django.po và
djangojs.po) cho các gói bên thứ ba: Wagtail, các chỗ còn thiếu của Django
admin/auth/core, django-simple-history, django-guardian, django-celery-beat,
django-celery-results.

How it works (no network access needed):

1. msgids are read from the catalogues shipped inside the virtualenv
   (``<package>/locale/en/LC_MESSAGES/<domain>.po``; when a package ships no
   ``en`` catalogue, any other locale is used as a template).
2. Translations are taken, in this order of priority, from
     a. ``--import FILE`` catalogues given on the command line (.po files),
     b. the existing project catalogue (``locale/vi/LC_MESSAGES/<domain>.po``),
        i.e. the reviewed translations already in the repository,
     c. the package's own ``vi`` catalogue (non-fuzzy entries only).
   For Django itself only the *gaps* are included: msgids Django's own ``vi``
   catalogue does not translate (or marks fuzzy).
3. Entries are de-duplicated on (msgctxt, msgid), placeholders are checked,
   the .po is rewritten and compiled with ``msgfmt --check``.

Usage::

    .venv/bin/python locale/tools/build_vi_catalogue.py            # rebuild + compile
    .venv/bin/python locale/tools/build_vi_catalogue.py --dry-run  # only report
    .venv/bin/python locale/tools/build_vi_catalogue.py --untranslated out.po
        # write every msgid still lacking a translation to out.po; translate
        # it, then re-run with  --import out.po

After a Wagtail (or other dependency) upgrade simply re-run the script: new
msgids are listed as untranslated (or as "taken from upstream vi, review"),
obsolete ones disappear from the catalogue.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent  # <project>/locale
OUT_DIR = LOCALE_DIR / "vi" / "LC_MESSAGES"

# (label, importable package, sub-path inside it, domain, django_gaps_only)
SOURCES = [
    ("wagtail.admin", "wagtail", "admin", "django", False),
    ("wagtail.snippets", "wagtail", "snippets", "django", False),
    ("wagtail", "wagtail", "", "django", False),
    ("wagtail.users", "wagtail", "users", "django", False),
    ("wagtail.documents", "wagtail", "documents", "django", False),
    ("wagtail.images", "wagtail", "images", "django", False),
    ("wagtail.search", "wagtail", "search", "django", False),
    ("wagtail.sites", "wagtail", "sites", "django", False),
    ("wagtail.locales", "wagtail", "locales", "django", False),
    ("wagtail.embeds", "wagtail", "embeds", "django", False),
    ("wagtail.contrib.forms", "wagtail", "contrib/forms", "django", False),
    ("wagtail.contrib.redirects", "wagtail", "contrib/redirects", "django", False),
    ("wagtail.contrib.settings", "wagtail", "contrib/settings", "django", False),
    ("wagtail.contrib.search_promotions", "wagtail", "contrib/search_promotions", "django", False),
    ("wagtail.contrib.simple_translation", "wagtail", "contrib/simple_translation", "django", False),
    ("wagtail.contrib.table_block", "wagtail", "contrib/table_block", "django", False),
    ("wagtail.contrib.typed_table_block", "wagtail", "contrib/typed_table_block", "django", False),
    ("simple_history", "simple_history", "", "django", False),
    ("guardian", "guardian", "", "django", False),
    ("django_celery_beat", "django_celery_beat", "", "django", False),
    ("django_celery_results", "django_celery_results", "", "django", False),
    ("taggit", "taggit", "", "django", False),
    ("axes", "axes", "", "django", False),
    ("django.contrib.admin", "django", "contrib/admin", "django", True),
    ("django.contrib.auth", "django", "contrib/auth", "django", True),
    ("django.contrib.contenttypes", "django", "contrib/contenttypes", "django", True),
    ("django", "django", "conf", "django", True),
    # JavaScript catalogues
    ("wagtail.admin", "wagtail", "admin", "djangojs", False),
    ("django.contrib.admin", "django", "contrib/admin", "djangojs", True),
]

TEMPLATE_LOCALES = ["en", "en_GB", "fr", "de", "es", "pt_BR", "ru", "ru_RU", "nl", "zh_Hans"]

PLACEHOLDER_RE = re.compile(
    r"%\((?P<name>[^)]+)\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]"  # %(name)s
    r"|%[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]"  # %s %d
    r"|\{[A-Za-z_][A-Za-z0-9_.\[\]]*(?:![rsa])?(?::[^{}]*)?\}"  # {name}
    r"|\{\d*\}"  # {} {0}
)


# --------------------------------------------------------------------------
# Catalogue entries (polib)
# --------------------------------------------------------------------------
def read_po(path: Path) -> list[polib.POEntry]:
    """The entries of a .po file, without the header and the obsolete (#~) ones."""
    return [entry for entry in polib.pofile(str(path), wrapwidth=0) if not entry.obsolete]


def key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def first_msgstr(entry: polib.POEntry) -> str:
    """The translation (Vietnamese has one plural form: msgstr[0] of a plural entry)."""
    return entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr


def set_msgstr(entry: polib.POEntry, text: str) -> None:
    if entry.msgid_plural:
        entry.msgstr_plural = {0: text}
    else:
        entry.msgstr = text


def catalogue(entries: list[polib.POEntry], *, header: str = "", revision_date: str = "") -> polib.POFile:
    po = polib.POFile(wrapwidth=0)
    po.header = header
    metadata = dict(line.split(": ", 1) for line in HEADER.splitlines())
    if revision_date:
        metadata["PO-Revision-Date"] = revision_date
    po.metadata = metadata
    for entry in entries:
        entry.flags = sorted(set(entry.flags))
        po.append(entry)
    return po


def placeholders(s: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER_RE.finditer(s.replace("%%", "")))


def placeholder_problem(e: polib.POEntry, msgstr: str) -> str | None:
    """Return a description if msgstr does not keep msgid's placeholders.

    Mirrors what ``msgfmt --check`` enforces: every placeholder of the msgid
    (of msgid_plural for plural entries, since Vietnamese has one form) must
    appear in the translation, and no unknown placeholder may be added.
    """

    def relevant(s: str) -> list[str]:
        out = []
        for p in placeholders(s):
            if p.startswith("%") and ("python-format" in e.flags or "%" in e.msgid):
                out.append(p)
            elif p.startswith("{") and "python-brace-format" in e.flags:
                out.append(p)
        return out

    required = relevant(e.msgid_plural or e.msgid)
    allowed = set(relevant(e.msgid)) | set(relevant(e.msgid_plural or ""))
    have = relevant(msgstr)
    if set(have) - allowed:
        return f"unknown placeholders {sorted(set(have) - allowed)}"
    if set(required) - set(have):
        return f"missing placeholders {sorted(set(required) - set(have))}"

    def unnamed(found: list[str]) -> list[str]:
        return sorted(p for p in found if not p.startswith("%(") and not p.startswith("{"))

    if unnamed(have) != unnamed(required):
        return f"positional placeholders differ: {unnamed(required)} vs {unnamed(have)}"
    if have.count("{}") != required.count("{}"):
        return "number of {} placeholders differs"
    return None


# --------------------------------------------------------------------------
# Discovery of source catalogues
# --------------------------------------------------------------------------
def package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def locale_root(pkg: str, sub: str) -> Path | None:
    base = package_dir(pkg)
    if base is None:
        return None
    return base / sub / "locale" if sub else base / "locale"


def extract_template(pkg_root: Path, domain: str) -> Path | None:
    """Extract msgids from a package's source with Django's makemessages.

    Used for packages that ship no ``en`` catalogue, whose other catalogues are
    often stale.  Works offline (needs GNU xgettext).  Returns a .po path in a
    temporary directory, or None on failure.
    """
    import shutil
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="vi-cat-"))
    work = tmp / pkg_root.name
    shutil.copytree(pkg_root, work, ignore=shutil.ignore_patterns("locale", "__pycache__", "tests", "migrations"))
    (work / "locale").mkdir()
    code = (
        "import django\n"
        "from django.conf import settings\n"
        "settings.configure(USE_I18N=True)\n"
        "django.setup()\n"
        "from django.core.management import call_command\n"
        f"call_command('makemessages', locale=['xx'], domain={domain!r}, verbosity=0, no_obsolete=True,"
        " ignore_patterns=['tests/*', 'static_src/*', 'node_modules/*'])\n"
    )
    res = subprocess.run([sys.executable, "-c", code], cwd=work, capture_output=True, text=True)
    out = work / "locale" / "xx" / "LC_MESSAGES" / f"{domain}.po"
    if res.returncode != 0 or not out.exists():
        print(f"  [warn] extraction failed for {pkg_root}: {res.stderr[-300:]}", file=sys.stderr)
        return None
    return out


def template_catalogue(root: Path, domain: str) -> Path | None:
    for loc in ("en", "en_GB", "en_US"):
        p = root / loc / "LC_MESSAGES" / f"{domain}.po"
        if p.exists():
            return p
    if not list(root.glob(f"*/LC_MESSAGES/{domain}.po")):
        return None  # package has no catalogue for this domain at all
    extracted = extract_template(root.parent, domain)
    if extracted is not None:
        return extracted
    for loc in TEMPLATE_LOCALES:
        p = root / loc / "LC_MESSAGES" / f"{domain}.po"
        if p.exists():
            return p
    cands = sorted(root.glob(f"*/LC_MESSAGES/{domain}.po"))
    return cands[0] if cands else None


def upstream_vi(root: Path, domain: str) -> dict:
    p = root / "vi" / "LC_MESSAGES" / f"{domain}.po"
    if not p.exists():
        return {}
    return {key(e): e for e in read_po(p) if e.translated()}


def load_memory(paths: list[Path]) -> dict:
    mem: dict = {}
    for p in paths:
        if not p.exists():
            continue
        for e in read_po(p):
            if e.translated() and key(e) not in mem:
                mem[key(e)] = e
    return mem


HEADER = (
    "Project-Id-Version: qms-xa third-party vi overrides\n"
    "Report-Msgid-Bugs-To: \n"
    "Last-Translator: QMS-XA\n"
    "Language-Team: Vietnamese\n"
    "Language: vi\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=UTF-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "Plural-Forms: nplurals=1; plural=0;\n"
)


def build(domain: str, imports: list[Path], dry_run: bool, untranslated_out: Path | None, verbose: bool) -> int:
    out_po = OUT_DIR / f"{domain}.po"
    memory = load_memory(imports + [out_po])
    merged: dict = {}
    order: list = []
    stats = []
    upstream_used = []
    problems = []
    for label, pkg, sub, dom, gaps_only in SOURCES:
        if dom != domain:
            continue
        root = locale_root(pkg, sub)
        if root is None or not root.exists():
            print(f"  [skip] {label}: package/locale not installed", file=sys.stderr)
            continue
        tpl = template_catalogue(root, domain)
        if tpl is None:
            continue
        src_entries = read_po(tpl)
        vi = upstream_vi(root, domain)
        n_total = n_done = 0
        for src in src_entries:
            if gaps_only and key(src) in vi:
                continue  # Django itself already translates it
            n_total += 1
            if key(src) in merged:
                ent = merged[key(src)]
                if (label, "") not in ent.occurrences:
                    ent.occurrences.append((label, ""))
                if not ent.msgid_plural and src.msgid_plural:
                    ent.msgid_plural = src.msgid_plural
                    ent.msgstr_plural = {0: ent.msgstr}
                    ent.msgstr = ""
                ent.flags = sorted(
                    set(ent.flags) | {f for f in src.flags if f.endswith("-format") and not f.startswith("no-")}
                )
                n_done += ent.translated()
                continue
            ent = polib.POEntry(
                msgid=src.msgid,
                msgctxt=src.msgctxt,
                msgid_plural=src.msgid_plural,
                flags=sorted({f for f in src.flags if f.endswith("-format")}),
                comment=src.comment,
                occurrences=[(label, "")],
            )
            tr = None
            if key(src) in memory:
                tr = first_msgstr(memory[key(src)])
            elif key(src) in vi:
                tr = first_msgstr(vi[key(src)])
                upstream_used.append((label, src))
            if tr:
                prob = placeholder_problem(ent, tr)
                if prob:
                    problems.append((label, src.msgid, prob, tr))
                    tr = None
            set_msgstr(ent, tr or "")
            merged[key(src)] = ent
            order.append(key(src))
            n_done += bool(tr)
        stats.append((label, "src" if tpl.parent.parent.name == "xx" else tpl.parent.parent.name, n_total, n_done))

    entries = [merged[k] for k in order]
    done = sum(1 for e in entries if e.translated())
    print(f"== {domain}: {done}/{len(entries)} entries translated")
    for label, loc, tot, dn in stats:
        print(f"   {label:38s} template={loc:6s} {dn:5d}/{tot:<5d}")
    if upstream_used:
        print(f"   {len(upstream_used)} translation(s) taken from upstream vi catalogues (review):")
        if verbose:
            for label, src in upstream_used:
                print(f"     [{label}] {src.msgid!r}")
    for label, msgid, prob, tr in problems:
        print(f"   PLACEHOLDER PROBLEM [{label}] {msgid!r}: {prob} in {tr!r}")
    missing = [e for e in entries if not e.translated()]
    if missing and verbose:
        print(f"   untranslated ({len(missing)}):")
        for e in missing:
            ctx = f"[{e.msgctxt}] " if e.msgctxt else ""
            print(f"     ({e.occurrences[0][0]}) {ctx}{e.msgid!r}")
    if untranslated_out:
        untranslated = catalogue(missing, header="Untranslated msgids: translate them, then merge with --import.")
        untranslated.save(str(untranslated_out))
        print(f"   wrote {len(missing)} untranslated entries to {untranslated_out}")
    if dry_run:
        return 0
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    intro = (
        "Vietnamese overrides for third-party apps (Wagtail, Django admin gaps,\n"
        "django-simple-history, django-guardian, django-celery-beat/results).\n"
        "Bản dịch tiếng Việt cho giao diện quản trị (các gói bên thứ ba).\n"
        "Generated/merged by locale/tools/build_vi_catalogue.py - edit msgstr\n"
        "values here, then re-run the script to re-sort and compile."
    )
    old = polib.pofile(str(out_po), wrapwidth=0) if out_po.exists() else None
    old_date = old.metadata.get("PO-Revision-Date", "") if old is not None else ""
    new = catalogue(entries, header=intro, revision_date=old_date)
    if old_date and out_po.read_text(encoding="utf-8") == str(new):
        print(f"   {out_po.name}: no change")
    else:
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M+0000")
        catalogue(entries, header=intro, revision_date=stamp).save(str(out_po))
    mo = out_po.with_suffix(".mo")
    res = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(mo), str(out_po)],
        capture_output=True,
        text=True,
    )
    sys.stdout.write(res.stdout)
    sys.stdout.write(res.stderr)
    return res.returncode or (1 if problems else 0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--import",
        dest="imports",
        action="append",
        type=Path,
        default=[],
        help="extra .po file(s) with translations (take precedence)",
    )
    ap.add_argument("--domain", choices=["django", "djangojs", "all"], default="all")
    ap.add_argument("--dry-run", action="store_true", help="report only, write nothing")
    ap.add_argument(
        "--untranslated",
        type=Path,
        default=None,
        help="write untranslated entries to this .po file (suffix -js added for djangojs)",
    )
    ap.add_argument("-v", "--verbose", action="store_true", help="list untranslated msgids")
    args = ap.parse_args()
    rc = 0
    for dom in ["django", "djangojs"] if args.domain == "all" else [args.domain]:
        unt = None
        if args.untranslated:
            unt = (
                args.untranslated
                if dom == "django"
                else args.untranslated.with_name(args.untranslated.stem + "-js" + args.untranslated.suffix)
            )
        rc |= build(dom, args.imports, args.dry_run, unt, args.verbose)
    return rc


if __name__ == "__main__":
    sys.exit(main())
