"""One cached database per size: a SQLite file under the data folder, or a PostgreSQL database."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db import connections

BENCH_DIR = Path(settings.DATA_DIR) / "bench"


def vendor() -> str:
    return connections["default"].vendor


def _marker(size: str) -> Path:
    return BENCH_DIR / f"{size}.{vendor()}.json"


def database_name(size: str) -> str:
    """What the size's database is called on the current engine."""
    original = connections["default"].settings_dict["NAME"]
    if vendor() == "sqlite":
        return str(BENCH_DIR / f"{size}.sqlite3")
    return f"{Path(str(original)).name}_bench_{size.lower()}"


def is_built(size: str) -> bool:
    return _marker(size).exists()


def built_info(size: str) -> dict:
    return json.loads(_marker(size).read_text(encoding="utf-8")) if is_built(size) else {}


def mark_built(size: str, info: dict) -> None:
    _marker(size).write_text(json.dumps(info, indent=2), encoding="utf-8")


def forget(size: str) -> None:
    """Drop the cached database of ``size`` (it is built again next time)."""
    _marker(size).unlink(missing_ok=True)
    name = database_name(size)
    if vendor() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(name + suffix).unlink(missing_ok=True)
    else:
        connection = connections["default"]
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def switch_to(size: str) -> str:
    """Point the default connection at the size's database (created empty when missing)."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    connection = connections["default"]
    name = database_name(size)
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    connection.settings_dict["NAME"] = name
    return name
