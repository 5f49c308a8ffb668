"""The TCVN ISO 9001:2015 clause catalogue (``fixtures/iso/``)."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

CLAUSES_FILE = Path(settings.BASE_DIR) / "fixtures" / "iso" / "tcvn_iso_9001_2015_clauses.json"


def sort_key(number: str) -> str:
    return ".".join(f"{int(part):03d}" for part in number.split("."))


def read_clauses(path: Path = CLAUSES_FILE) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["clauses"]


def load_clauses(model, path: Path = CLAUSES_FILE) -> tuple[int, int]:
    """Upsert the catalogue into ``model`` (the real or a migration's historical
    ``IsoClause``) by clause number; parents first. Returns (created, updated)."""
    existing = {clause.number: clause for clause in model.objects.all()}
    created = updated = 0
    for row in sorted(read_clauses(path), key=lambda r: sort_key(r["number"])):
        values = {
            "title": row["title"],
            "title_en": row["title_en"],
            "process_level": row["process_level"],
            "question": row["question"],
            "sort_key": sort_key(row["number"]),
            "parent": existing.get(row["parent"]) if row["parent"] else None,
        }
        clause = existing.get(row["number"])
        if clause is None:
            existing[row["number"]] = model.objects.create(number=row["number"], **values)
            created += 1
        elif any(getattr(clause, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(clause, key, value)
            clause.save()
            updated += 1
    return created, updated
