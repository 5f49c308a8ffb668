"""A database of the previous release (commit 3a67b16, built by scripts/make_legacy_snapshot.py) migrates without loss.

Its old rows also go through the data migrations: the notification move and the names cut short as
the release kept them, and, after the fee table migration is undone, fees typed as text. (On
PostgreSQL, ``tests/test_data_migrations.py`` runs the same migrations in a round trip on the test database.)
"""

import gzip
import json
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


def _query(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


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


def test_old_notifications_keep_their_dates_and_dedup_keys(upgraded):
    """Each old notice keeps when it was made, and a certification notice its dedup key (no second e-mail)."""
    before, after = upgraded["before"], upgraded["migrated"]
    old = _query(before, "SELECT recipient_id, message, created_at FROM audits_notification ORDER BY id")
    moved = _query(
        after,
        "SELECT recipient_id, message, created_at FROM notifications_notification"
        " WHERE kind LIKE 'audits.%' ORDER BY id",
    )
    assert sorted(moved) == sorted(old)
    old_keys = _query(before, "SELECT user_id, dedup_key FROM certification_notification ORDER BY id")
    new_keys = _query(
        after,
        "SELECT recipient_id, dedup_key FROM notifications_notification WHERE kind LIKE 'certification.%' ORDER BY id",
    )
    assert sorted(new_keys) == sorted(old_keys) and all(key for _, key in new_keys)


# -- the data migrations, run on the previous release's rows ------------------------------------------
#: The previous release's fee rows of the khai sinh quy trình (document 1, its latest revision 30), as text
#: once the fee table migration (processes 0003) is undone.
FEES_AS_TEXT = (
    "- Lệ phí đăng ký khai sinh đúng hạn: Miễn lệ phí (Luật Hộ tịch 2014, Điều 11)\n"
    "- Phí cấp bản sao Giấy khai sinh, bản sao trích lục hộ tịch: 8.000 đồng/bản (Thông tư số 281/2016/TT-BTC)"
)
#: Text typed in the old fee box, and the rows it becomes.
OLD_FEE_TEXT = (
    "- Lệ phí đăng ký khai sinh đúng hạn: Miễn lệ phí\n"
    "- Phí cấp bản sao Giấy khai sinh, bản sao trích lục hộ tịch: 8.000 đồng/bản"
)
OLD_FEE_ROWS = [
    {"item": "Lệ phí đăng ký khai sinh đúng hạn", "amount": "Miễn lệ phí", "notes": ""},
    {"item": "Phí cấp bản sao Giấy khai sinh, bản sao trích lục hộ tịch", "amount": "8.000 đồng/bản", "notes": ""},
]
#: A name longer than a scope gap kept (500 characters), for the gap restoring migration (certification 0005).
GAP_NAME = "Thủ tục thử nghiệm tên rất dài " + "của cơ quan, tổ chức có thẩm quyền " * 20


def _fee_rows(stored) -> list[dict]:
    value = json.loads(stored) if isinstance(stored, str) else stored
    value = json.loads(value) if isinstance(value, str) else value
    return [block["value"] for block in value]


@pytest.fixture(scope="module")
def old_rows_migrated(tmp_path_factory):
    """The previous release's database taken back before the fee table, with rows as older releases kept
    them (fee text, names cut short), then migrated through the data migrations; what each step showed."""
    data_dir = tmp_path_factory.mktemp("data-migrations")
    db = data_dir / "qms.sqlite3"
    with gzip.open(SNAPSHOT, "rb") as src, db.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    _manage(data_dir, "migrate", "processes", "0002_process_workflow", "--noinput")
    seen = {
        "fees_back": _query(db, "SELECT fees FROM processes_processdocument WHERE id = 1")[0][0],
        "fees_revision_back": _query(
            db, "SELECT json_extract(content, '$.fees') FROM wagtailcore_revision WHERE id = 30"
        )[0][0],
        "untouched": _query(db, "SELECT title FROM audits_auditedprocess WHERE id = 3")[0][0],
    }
    gap_code = _query(
        db, "SELECT code FROM processes_procedure WHERE code NOT IN ('1.001193', '2.000815') ORDER BY id LIMIT 1"
    )[0][0]
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE processes_processdocument SET fees = ? WHERE id = 1", [OLD_FEE_TEXT])
        conn.execute(
            "UPDATE wagtailcore_revision SET content = json_set(content, '$.fees', ?) WHERE id = 30", [OLD_FEE_TEXT]
        )
        conn.execute("UPDATE processes_procedure SET name = 'Thủ tục đăng ký' WHERE code = '1.001193'")
        conn.execute("UPDATE processes_procedure SET name = ? WHERE code = ?", [GAP_NAME, gap_code])
        conn.execute(
            "INSERT INTO certification_scopegap (procedure_code, procedure_name, detected_on, commune_id)"
            " VALUES (?, ?, '2026-05-04', 1)",
            [gap_code, GAP_NAME[:500]],
        )
    # As far as the last of the data migrations (the later ones change no row these tests read).
    _manage(data_dir, "migrate", "audits", "0007_restore_full_names", "--noinput")
    _manage(data_dir, "migrate", "certification", "0005_restore_full_names", "--noinput")
    seen["fees"] = _fee_rows(_query(db, "SELECT fees FROM processes_processdocument WHERE id = 1")[0][0])
    seen["fees_revision"] = _fee_rows(
        _query(db, "SELECT json_extract(content, '$.fees') FROM wagtailcore_revision WHERE id = 30")[0][0]
    )
    seen["db"] = db
    seen["gap_code"] = gap_code
    return seen


def test_the_fee_table_migration_turns_rows_into_text_and_text_into_rows(old_rows_migrated):
    seen = old_rows_migrated
    assert seen["fees_back"] == FEES_AS_TEXT
    assert seen["fees_revision_back"] == FEES_AS_TEXT
    assert seen["fees"] == OLD_FEE_ROWS
    assert seen["fees_revision"] == OLD_FEE_ROWS


def test_the_data_migrations_restore_names_cut_short(old_rows_migrated):
    db = old_rows_migrated["db"]
    full = _query(db, "SELECT name FROM processes_procedure WHERE code = '2.000815'")[0][0]
    assert len(full) > 255 and full.startswith("Chứng thực bản sao từ bản chính giấy tờ")
    assert _query(db, "SELECT name FROM processes_procedure WHERE code = '1.001193'") == [
        ("Thủ tục đăng ký khai sinh",)
    ]
    # Scopes and findings that kept 255 characters of it (the previous release's own rows) get it whole.
    assert _query(db, "SELECT id, title FROM audits_auditedprocess WHERE id IN (1, 4, 7) ORDER BY id") == [
        (1, full),
        (4, full),
        (7, full),
    ]
    assert _query(db, "SELECT process_document_title FROM audits_finding WHERE id = 1") == [(full,)]
    assert _query(db, "SELECT title FROM audits_auditedprocess WHERE id = 3") == [(old_rows_migrated["untouched"],)]
    gap = _query(
        db,
        "SELECT procedure_name FROM certification_scopegap WHERE procedure_code = ?",
        (old_rows_migrated["gap_code"],),
    )
    assert gap == [(GAP_NAME,)]
