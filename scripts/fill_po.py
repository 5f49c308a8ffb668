"""Fill msgstr entries of a .po file from a JSON dict {msgid: msgstr}.

Usage: python scripts/fill_po.py path/to/django.po translations.json
Keeps existing translations; prints msgids still untranslated. No third-party
packages; handles multi-line msgids, msgctxt and plural entries.
"""

import json
import re
import sys


def unquote(lines):
    return "".join(json.loads(line) for line in lines)


def quote(text):
    return json.dumps(text, ensure_ascii=False)


def main(po_path, json_path):
    translations = json.load(open(json_path, encoding="utf-8"))
    blocks = open(po_path, encoding="utf-8").read().split("\n\n")
    missing = []
    out = []
    for block in blocks:
        lines = block.split("\n")
        msgid_lines, i = [], 0
        while i < len(lines) and not lines[i].startswith("msgid "):
            i += 1
        if i == len(lines):
            out.append(block)
            continue
        msgid_lines.append(lines[i][6:])
        i += 1
        while i < len(lines) and lines[i].startswith('"'):
            msgid_lines.append(lines[i])
            i += 1
        msgid = unquote(msgid_lines)
        rest = lines[i:]
        head = lines[: i]
        if not msgid:
            out.append(block)
            continue
        head = [line for line in head if line != "#, fuzzy"]
        plural = any(r.startswith("msgid_plural") for r in rest)
        current = "".join(json.loads(r.split(" ", 1)[1]) if r.startswith("msgstr") else json.loads(r) for r in rest if r.startswith("msgstr") or (r.startswith('"') and not plural))
        if current and "#, fuzzy" not in block:
            out.append(block)
            continue
        if msgid not in translations:
            missing.append(msgid)
            out.append(block)
            continue
        value = translations[msgid]
        if plural:
            plural_line = next(r for r in rest if r.startswith("msgid_plural"))
            out.append("\n".join(head + [plural_line, "msgstr[0] " + quote(value)]))
        else:
            out.append("\n".join(head + ["msgstr " + quote(value)]))
    open(po_path, "w", encoding="utf-8").write("\n\n".join(out))
    for msgid in missing:
        print("untranslated:", msgid)


if __name__ == "__main__":
    main(*sys.argv[1:3])
