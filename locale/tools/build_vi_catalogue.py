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
from dataclasses import dataclass, field
from pathlib import Path

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
# Minimal .po reader / writer
# --------------------------------------------------------------------------
@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=lambda: [""])
    flags: set[str] = field(default_factory=set)
    comments: list[str] = field(default_factory=list)  # "#." / "# " lines
    sources: list[str] = field(default_factory=list)

    @property
    def key(self):
        return (self.msgctxt, self.msgid)

    @property
    def translated(self):
        return "fuzzy" not in self.flags and all(self.msgstr) and bool(self.msgstr)


def _unquote(s: str) -> str:
    s = s.strip()
    assert s.startswith('"') and s.endswith('"'), s
    s = s[1:-1]
    out, i = [], 0
    esc = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            out.append(esc.get(s[i + 1], "\\" + s[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def parse_po(path: Path) -> tuple[str, list[Entry]]:
    """Return (header msgstr, entries). Obsolete (#~) entries are skipped."""
    entries: list[Entry] = []
    header = ""
    cur: dict | None = None
    field_name = None

    def flush():
        nonlocal cur, header
        if cur is None or "msgid" not in cur:
            cur = None
            return
        strs = cur.get("msgstr", {})
        n = max(strs) + 1 if strs else 1
        msgstr = [strs.get(i, "") for i in range(n)]
        if cur["msgid"] == "" and cur.get("msgctxt") is None:
            header = msgstr[0]
        else:
            entries.append(
                Entry(
                    msgid=cur["msgid"],
                    msgctxt=cur.get("msgctxt"),
                    msgid_plural=cur.get("msgid_plural"),
                    msgstr=msgstr,
                    flags=cur.get("flags", set()),
                    comments=cur.get("comments", []),
                )
            )
        cur = None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            field_name = None
            continue
        if line.startswith("#~") or line.startswith("#|"):
            continue
        if line.startswith("#"):
            if cur is not None and "msgid" in cur and field_name is not None:
                flush()
            if cur is None:
                cur = {}
            if line.startswith("#,"):
                cur.setdefault("flags", set()).update(
                    f.strip() for f in line[2:].split(",") if f.strip()
                )
            elif line.startswith("#.") or line.startswith("# "):
                cur.setdefault("comments", []).append(line)
            continue
        m = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if m:
            kw = m.group(1)
            if kw in ("msgctxt",) or (kw == "msgid" and cur is not None and "msgstr" in cur):
                flush()
            if kw == "msgid" and cur is not None and "msgid" in cur:
                flush()
            if cur is None:
                cur = {}
            val = _unquote(m.group(3))
            if kw.startswith("msgstr"):
                idx = int(m.group(2)) if m.group(2) is not None else 0
                cur.setdefault("msgstr", {})[idx] = val
                field_name = ("msgstr", idx)
            else:
                cur[kw] = val
                field_name = kw
            continue
        if line.startswith('"') and cur is not None and field_name is not None:
            val = _unquote(line)
            if isinstance(field_name, tuple):
                cur["msgstr"][field_name[1]] += val
            else:
                cur[field_name] += val
            continue
        raise ValueError(f"{path}: cannot parse line: {raw!r}")
    flush()
    return header, entries


def _quote(s: str) -> str:
    s = (
        s.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\t", "\\t")
        .replace("\r", "\\r")
    )
    parts = s.split("\n")
    if len(parts) == 1:
        return f'"{s}"'
    chunks = [p + "\\n" for p in parts[:-1]]
    if parts[-1]:
        chunks.append(parts[-1])
    return '""\n' + "\n".join(f'"{c}"' for c in chunks)


def format_entry(e: Entry) -> str:
    lines = list(e.comments)
    if e.sources:
        lines.append("#: " + " ".join(e.sources))
    if e.flags:
        lines.append("#, " + ", ".join(sorted(e.flags)))
    if e.msgctxt is not None:
        lines.append("msgctxt " + _quote(e.msgctxt))
    lines.append("msgid " + _quote(e.msgid))
    if e.msgid_plural is not None:
        lines.append("msgid_plural " + _quote(e.msgid_plural))
        lines.append("msgstr[0] " + _quote(e.msgstr[0] if e.msgstr else ""))
    else:
        lines.append("msgstr " + _quote(e.msgstr[0] if e.msgstr else ""))
    return "\n".join(lines)


def placeholders(s: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER_RE.finditer(s.replace("%%", "")))


def placeholder_problem(e: Entry, msgstr: str) -> str | None:
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

    required = relevant(e.msgid_plural if e.msgid_plural is not None else e.msgid)
    allowed = set(relevant(e.msgid)) | set(relevant(e.msgid_plural or ""))
    have = relevant(msgstr)
    if set(have) - allowed:
        return f"unknown placeholders {sorted(set(have) - allowed)}"
    if set(required) - set(have):
        return f"missing placeholders {sorted(set(required) - set(have))}"
    unnamed = lambda lst: sorted(p for p in lst if not p.startswith("%(") and p not in ("{}",) and not p.startswith("{"))
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
    _, entries = parse_po(p)
    return {e.key: e for e in entries if e.translated}


def load_memory(paths: list[Path]) -> dict:
    mem: dict = {}
    for p in paths:
        if not p.exists():
            continue
        _, entries = parse_po(p)
        for e in entries:
            if e.translated and e.key not in mem:
                mem[e.key] = e
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


def header_block(revision_date: str) -> str:
    lines = HEADER.splitlines()
    if revision_date:
        lines.insert(2, f"PO-Revision-Date: {revision_date}")
    return 'msgid ""\nmsgstr ""\n' + "\n".join(
        '"' + l.replace("\\", "\\\\").replace('"', '\\"') + '\\n"' for l in lines
    )


def build(domain: str, imports: list[Path], dry_run: bool, untranslated_out: Path | None,
          verbose: bool) -> int:
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
        _, src_entries = parse_po(tpl)
        vi = upstream_vi(root, domain)
        n_total = n_done = 0
        for src in src_entries:
            if gaps_only and src.key in vi:
                continue  # Django itself already translates it
            n_total += 1
            if src.key in merged:
                ent = merged[src.key]
                if label not in ent.sources:
                    ent.sources.append(label)
                if ent.msgid_plural is None and src.msgid_plural is not None:
                    ent.msgid_plural = src.msgid_plural
                ent.flags |= {f for f in src.flags if f.endswith("-format") and not f.startswith("no-")}
                n_done += ent.translated
                continue
            ent = Entry(
                msgid=src.msgid,
                msgctxt=src.msgctxt,
                msgid_plural=src.msgid_plural,
                flags={f for f in src.flags if f.endswith("-format")},
                comments=[c for c in src.comments if c.startswith("#.")],
                sources=[label],
            )
            tr = None
            if src.key in memory:
                tr = memory[src.key].msgstr[0]
            elif src.key in vi:
                tr = vi[src.key].msgstr[0]
                upstream_used.append((label, src))
            if tr:
                prob = placeholder_problem(ent, tr)
                if prob:
                    problems.append((label, src.msgid, prob, tr))
                    tr = None
            ent.msgstr = [tr or ""]
            merged[src.key] = ent
            order.append(src.key)
            n_done += bool(tr)
        stats.append((label, "src" if tpl.parent.parent.name == "xx" else tpl.parent.parent.name, n_total, n_done))

    entries = [merged[k] for k in order]
    done = sum(1 for e in entries if e.translated)
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
    missing = [e for e in entries if not e.translated]
    if missing and verbose:
        print(f"   untranslated ({len(missing)}):")
        for e in missing:
            ctx = f"[{e.msgctxt}] " if e.msgctxt else ""
            print(f"     ({e.sources[0]}) {ctx}{e.msgid!r}")
    if untranslated_out:
        body = "\n\n".join(format_entry(e) for e in missing)
        untranslated_out.write_text(header_block("") + "\n\n" + body + "\n", encoding="utf-8")
        print(f"   wrote {len(missing)} untranslated entries to {untranslated_out}")
    if dry_run:
        return 0
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    intro = (
        "# Vietnamese overrides for third-party apps (Wagtail, Django admin gaps,\n"
        "# django-simple-history, django-guardian, django-celery-beat/results).\n"
        "# Bản dịch tiếng Việt cho giao diện quản trị (các gói bên thứ ba).\n"
        "# Generated/merged by locale/tools/build_vi_catalogue.py - edit msgstr\n"
        "# values here, then re-run the script to re-sort and compile.\n"
    )
    body = "\n\n".join(format_entry(e) for e in entries) + "\n"
    old_text = out_po.read_text(encoding="utf-8") if out_po.exists() else ""
    m = re.search(r'"PO-Revision-Date: ([^"\\]+)\\n"', old_text)
    if m and old_text == intro + header_block(m.group(1)) + "\n\n" + body:
        print(f"   {out_po.name}: no change")
    else:
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M+0000")
        out_po.write_text(intro + header_block(stamp) + "\n\n" + body, encoding="utf-8")
    mo = out_po.with_suffix(".mo")
    res = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(mo), str(out_po)],
        capture_output=True, text=True,
    )
    sys.stdout.write(res.stdout)
    sys.stdout.write(res.stderr)
    return res.returncode or (1 if problems else 0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--import", dest="imports", action="append", type=Path, default=[],
                    help="extra .po file(s) with translations (take precedence)")
    ap.add_argument("--domain", choices=["django", "djangojs", "all"], default="all")
    ap.add_argument("--dry-run", action="store_true", help="report only, write nothing")
    ap.add_argument("--untranslated", type=Path, default=None,
                    help="write untranslated entries to this .po file (suffix -js added for djangojs)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list untranslated msgids")
    args = ap.parse_args()
    rc = 0
    for dom in (["django", "djangojs"] if args.domain == "all" else [args.domain]):
        unt = None
        if args.untranslated:
            unt = args.untranslated if dom == "django" else args.untranslated.with_name(
                args.untranslated.stem + "-js" + args.untranslated.suffix)
        rc |= build(dom, args.imports, args.dry_run, unt, args.verbose)
    return rc


if __name__ == "__main__":
    sys.exit(main())
