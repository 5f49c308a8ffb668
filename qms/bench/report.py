"""One table of every metric: the value at each size, the ratio of the larger to the smaller, the target of issue 14."""

from __future__ import annotations

import json
import os
import platform
import shutil
import sqlite3
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

#: (suffix or name, target text, check(values, ratio) -> met)
LIMITS = [
    (": queries", "≤ 25 and equal", lambda v, r: max(v) <= 25 and len(set(v)) == 1),
    (": p50 ms", "ratio ≤ 2", lambda v, r: None if r is None else r <= 2),
    (": p95 ms", "ratio ≤ 2", lambda v, r: None if r is None else r <= 2),
    ("Word export: docs/s", "≥ 40", lambda v, r: min(v) >= 40),
    ("Word export: cost vs plain (×)", "≤ 1.5", lambda v, r: max(v) <= 1.5),
    ("history overhead: insert (×)", "≤ 2.5", lambda v, r: max(v) <= 2.5),
    ("history overhead: update (×)", "≤ 2.5", lambda v, r: max(v) <= 2.5),
    ("reminder planning: s", "≤ 5 at N", lambda v, r: v[-1] <= 5),
    ("reminder planning again: new rows", "0", lambda v, r: max(v) == 0),
    ("reminder sending: messages/s", "≥ 2,000", lambda v, r: v[-1] >= 2000),
    ("rebuild_progress one commune: s", "≤ 1 at N", lambda v, r: v[-1] <= 1),
    ("rebuild_progress full: s", "≤ 60 at N", lambda v, r: v[-1] <= 60),
    ("setup_demo re-run: s", "≤ 20", lambda v, r: max(v) <= 20),
    ("start re-run to a healthy server: s", "≤ 20", lambda v, r: max(v) <= 20),
]


@dataclass
class Row:
    metric: str
    values: dict[str, float]
    ratio: float | None
    target: str
    met: bool | None


def rows(results: dict[str, dict[str, float]]) -> list[Row]:
    sizes = list(results)
    names = list(dict.fromkeys(name for values in results.values() for name in values))
    table = []
    for name in names:
        values = {size: results[size].get(name) for size in sizes}
        present = [v for v in values.values() if v is not None]
        ratio = None
        if len(present) == len(sizes) > 1 and present[0]:
            ratio = round(present[-1] / present[0], 2)
        target, met = "", None
        for key, text, check in LIMITS:
            if name.endswith(key) and present:
                target, met = text, check(present, ratio)
                break
        table.append(Row(name, values, ratio, target, met))
    return table


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer() and abs(value) >= 100:
        return f"{int(value):,}"
    return f"{value:,}" if isinstance(value, int | float) else str(value)


def markdown(table: list[Row], sizes: list[str]) -> str:
    ratio = f"{sizes[-1]}/{sizes[0]}" if len(sizes) > 1 else "ratio"
    lines = [
        "| metric | " + " | ".join(sizes) + f" | {ratio} | target | met? |",
        "|---|" + "---:|" * len(sizes) + "---:|---|---|",
    ]
    for row in table:
        met = {True: "yes", False: "**no**", None: ""}[row.met]
        cells = [_cell(row.values[s]) for s in sizes]
        lines.append(f"| {row.metric} | " + " | ".join(cells) + f" | {_cell(row.ratio)} | {row.target} | {met} |")
    return "\n".join(lines)


def machine() -> dict:
    disk = shutil.disk_usage(settings.DATA_DIR)
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "cpus": os.cpu_count(),
        "ram_gib": round(memory / 2**30, 1),
        "disk_free_gib": round(disk.free / 2**30),
        "python": platform.python_version(),
        "database": connection.vendor,
        "sqlite": sqlite3.sqlite_version if connection.vendor == "sqlite" else None,
        "postgresql": _pg_version() if connection.vendor == "postgresql" else None,
    }


def _pg_version() -> int | None:
    """The server's version; None when the settings' own database does not exist (only the
    sizes' databases were made)."""
    from django.db import OperationalError

    try:
        return connection.pg_version
    except OperationalError:
        return None


def as_json(table: list[Row], sizes: list[str], explain: dict, datasets: dict, statuses: dict) -> str:
    return json.dumps(
        {
            "sizes": sizes,
            "machine": machine(),
            "datasets": datasets,
            "metrics": [row.__dict__ for row in table],
            "statuses": statuses,
            "explain": explain,
        },
        ensure_ascii=False,
        indent=2,
    )
