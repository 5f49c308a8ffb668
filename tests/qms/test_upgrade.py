"""A database of the previous release (commit 3a67b16, built by scripts/make_legacy_snapshot.py) migrates without loss."""

import gzip
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.demo_database import child_env
from tests.sqlite_files import row_counts

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "fixtures" / "legacy" / "qms-3a67b16.sqlite3.gz"
# Django's own bookkeeping gains the rows of the new migrations and models; it keeps every old one.
GROWING = {"django_migrations", "django_content_type", "auth_permission"}
# Quy trình documents, their revisions and workflow states, and the audit records.
KEPT_AS_THEY_WERE = (
    "processes_communeprocedure",
    "processes_processdocument",
    "processes_processversion",
    "processes_documentupdateflag",
    "wagtailcore_revision",
    "wagtailcore_workflowstate",
    "wagtailcore_taskstate",
    "wagtailcore_modellogentry",
    "wagtailcore_pagelogentry",
)

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite"),
    reason="the previous release's database is a SQLite file; DATABASE_URL points to another server",
)


def _manage(data_dir: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=child_env(data_dir),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _counts(db: Path) -> dict:
    return {t: n for t, n in row_counts(db).items() if not t.startswith("axes_")}


def _rows(db: Path, table: str, columns: list[str] | None = None) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        if columns is None:
            columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
        quoted = ", ".join(f'"{c}"' for c in columns)
        return conn.execute(f'SELECT {quoted} FROM "{table}" ORDER BY 1').fetchall()


def _columns(db: Path, table: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


def _query(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory):
    """The snapshot as it was, the same file after the current migrate, and its counts after setup_demo."""
    data_dir = tmp_path_factory.mktemp("upgrade")
    before = data_dir / "before.sqlite3"
    with gzip.open(SNAPSHOT, "rb") as src, before.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    after = data_dir / "qms.sqlite3"
    shutil.copyfile(before, after)
    migrate_output = _manage(data_dir, "migrate", "--noinput")
    migrated = data_dir / "migrated.sqlite3"
    shutil.copyfile(after, migrated)
    _manage(data_dir, "setup_demo")  # adds the demo data of what this release brings
    upgraded_demo = data_dir / "upgraded-demo.sqlite3"
    shutil.copyfile(after, upgraded_demo)
    _manage(data_dir, "setup_demo")
    return {
        "before": before,
        "migrated": migrated,
        "upgraded_demo": upgraded_demo,
        "demo_again": after,
        "migrate_output": migrate_output,
    }


def test_the_snapshot_is_the_previous_release_with_old_notifications(upgraded):
    before = upgraded["before"]
    assert "notifications_notification" not in _counts(before)
    assert _query(before, "SELECT COUNT(*) FROM audits_notification") == [(3,)]
    assert _query(before, "SELECT COUNT(*) FROM certification_notification") == [(4,)]
    assert "Applying notifications.0002_move_old_notifications... OK" in upgraded["migrate_output"]


def test_every_table_keeps_its_rows(upgraded):
    before, after = _counts(upgraded["before"]), _counts(upgraded["migrated"])
    common = (set(before) & set(after)) - GROWING
    assert len(common) > 100
    assert {t: (before[t], after[t]) for t in common if before[t] != after[t]} == {}
    for table in GROWING:
        old_ids = {row[0] for row in _rows(upgraded["before"], table, ["id"])}
        new_ids = {row[0] for row in _rows(upgraded["migrated"], table, ["id"])}
        assert old_ids - new_ids == set(), table
    assert set(before) - set(after) == {"audits_notification", "certification_notification"}


@pytest.mark.parametrize(
    "table",
    [
        *KEPT_AS_THEY_WERE,
        *(
            "audits_historicalauditplan audits_historicalcorrectiveaction audits_historicalfinding "
            "audits_historicalmanagementreview certification_historicalcommunelifecycle "
            "certification_historicalevidence processes_historicalcommuneprocedure "
            "processes_historicalprocessversion"
        ).split(),
    ],
)
def test_documents_workflows_and_audit_records_are_kept_as_they_were(upgraded, table):
    before, after = upgraded["before"], upgraded["migrated"]
    columns = [c for c in _columns(before, table) if c in _columns(after, table)]
    old = _rows(before, table, columns)
    assert old, f"{table} is empty in the snapshot"
    assert _rows(after, table, columns) == old


def test_all_history_tables_keep_their_rows(upgraded):
    before, after = _counts(upgraded["before"]), _counts(upgraded["migrated"])
    history = [t for t in before if "_historical" in t]
    assert len(history) >= 20
    assert {t: (before[t], after.get(t)) for t in history if before[t] != after.get(t)} == {}


def test_old_notifications_are_notices_with_their_read_and_emailed_state(upgraded):
    notices = _query(
        upgraded["migrated"],
        "SELECT u.username, n.kind, n.subject, n.read_at, n.emailed_at IS NOT NULL, n.mail_done, n.link"
        " FROM notifications_notification n JOIN auth_user u ON u.id = n.recipient_id ORDER BY u.username, n.subject",
    )
    assert notices == [
        (
            "iso.lam",
            "audits.action_due_soon",
            "Hành động khắc phục sắp đến hạn",
            None,
            1,
            1,
            "/admin/audits/correctiveaction/edit/1/",
        ),
        (
            "iso.lam",
            "certification.late_item",
            "Hạng mục trễ hạn: công bố",
            "2026-11-21 02:30:00",
            1,
            1,
            "/admin/certification/",
        ),
        (
            "iso.lam",
            "certification.late_item",
            "Hạng mục trễ hạn: đánh giá nội bộ",
            None,
            0,
            1,
            "/admin/certification/",
        ),
        (
            "lanhdao.lam",
            "audits.action_escalated",
            "Hành động khắc phục quá hạn 7 ngày",
            "2026-11-21 02:30:00",
            1,
            1,
            "/admin/audits/correctiveaction/edit/1/",
        ),
        (
            "lanhdao.lam",
            "certification.late_item",
            "Hạng mục trễ hạn: xem xét lãnh đạo",
            "2026-11-21 02:30:00",
            0,
            1,
            "/admin/certification/",
        ),
        (
            "lanhdao.lam",
            "certification.escalation",
            "Xã có nhiều hạng mục trễ hạn",
            None,
            1,
            1,
            "/admin/certification/",
        ),
        (
            "legacy.noemail",
            "audits.action_overdue",
            "Hành động khắc phục đã quá hạn",
            None,
            0,
            1,
            "/admin/audits/correctiveaction/edit/1/",
        ),
    ]
    assert _query(
        upgraded["migrated"],
        "SELECT n.message, c.name FROM notifications_notification n JOIN units_commune c ON c.id = n.commune_id"
        " WHERE n.kind = 'audits.action_due_soon'",
    ) == [("Hành động khắc phục sắp đến hạn\nCòn 7 ngày.", "Thị trấn Lâm")]


def test_setup_demo_afterwards_adds_nothing_twice(upgraded):
    """After the upgrade, setup_demo adds the new features' demo data, keeps every row there was,
    and a second run adds nothing."""
    # SQLite's full-text index keeps its own segment tables, which a re-index may merge: the entries are the rows.
    migrated, first, again = (
        {t: n for t, n in _counts(upgraded[k]).items() if not t.startswith("wagtailsearch_indexentry_fts_")}
        for k in ("migrated", "upgraded_demo", "demo_again")
    )
    assert {t: (migrated[t], first.get(t)) for t in migrated if first.get(t, 0) < migrated[t]} == {}
    assert first["audits_risk"] > 0 and first["processes_citizenfeedback"] > 0
    assert {t: (first.get(t), again.get(t)) for t in set(first) | set(again) if first.get(t) != again.get(t)} == {}
