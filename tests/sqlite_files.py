"""Reading the SQLite database file of a real run (start command, upgrade) from the tests."""

import sqlite3
from pathlib import Path

#: Tables whose rows come and go with the run itself (results, schedules, sessions, SQLite's own).
VOLATILE_PREFIXES = ("django_celery_results_", "django_celery_beat_", "django_session", "sqlite_")


def row_counts(db: Path) -> dict:
    """Rows per table of the database file ``db``, the volatile tables left out."""
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
            for t in tables
            if not t.startswith(VOLATILE_PREFIXES)
        }
