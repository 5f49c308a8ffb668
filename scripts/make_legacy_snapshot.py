"""Build fixtures/legacy/qms-3a67b16.sqlite3.gz: the database of the previous release with its demo data.

A temporary checkout of that release migrates a fresh SQLite file and loads its demo
data, then rows the demo lacks but later migrations move are added (the old
notification tables, read and unread, e-mailed and not). The file is vacuumed and
gzip-compressed so that tests/qms/test_upgrade.py can migrate it with the current code.

Usage: python scripts/make_legacy_snapshot.py [--python PATH]
"""

import argparse
import gzip
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RELEASE = "3a67b16"
OUTPUT = ROOT / "fixtures" / "legacy" / f"qms-{RELEASE}.sqlite3.gz"
# Fixed timestamps: the added rows are the same on every build.
CREATED = "2026-11-20 01:00:00"
READ = "2026-11-21 02:30:00"


def _run(cmd: list[str], cwd: Path, env: dict) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=cwd, env=env, check=True)


def _add_old_notifications(db: Path) -> None:
    with sqlite3.connect(db) as conn:

        def user(username: str) -> tuple[int, str]:
            return conn.execute("SELECT id, email FROM auth_user WHERE username = ?", (username,)).fetchone()

        iso, iso_email = user("iso.lam")
        leader, leader_email = user("lanhdao.lam")
        assert iso_email and leader_email, "demo users have addresses"
        # A user without an address: the old reminder job never e-mailed them.
        conn.execute(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff,"
            " is_active, date_joined) VALUES ('!', 0, 'legacy.noemail', '', '', '', 1, 1, ?)",
            (CREATED,),
        )
        no_email = conn.execute("SELECT id FROM auth_user WHERE username = 'legacy.noemail'").fetchone()[0]
        commune = conn.execute("SELECT id FROM units_commune WHERE name = 'Thị trấn Lâm'").fetchone()[0]
        ct_action = conn.execute(
            "SELECT id FROM django_content_type WHERE app_label = 'audits' AND model = 'correctiveaction'"
        ).fetchone()[0]
        action = conn.execute("SELECT MIN(id) FROM audits_correctiveaction").fetchone()[0]
        audits_rows = [
            (iso, "action_due_soon", "Hành động khắc phục sắp đến hạn\nCòn 7 ngày.", None),
            (leader, "action_escalated", "Hành động khắc phục quá hạn 7 ngày", READ),
            (no_email, "action_overdue", "Hành động khắc phục đã quá hạn", None),
        ]
        for recipient, kind, message, read_at in audits_rows:
            conn.execute(
                "INSERT INTO audits_notification (recipient_id, commune_id, kind, content_type_id, object_id,"
                " message, url, created_at, read_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    recipient,
                    commune,
                    kind,
                    ct_action,
                    action,
                    message,
                    f"/admin/audits/correctiveaction/edit/{action}/",
                    CREATED,
                    read_at,
                ),
            )
        certification_rows = [
            (iso, "late_item", "legacy:late:1", "Hạng mục trễ hạn: công bố", READ, 1),
            (iso, "late_item", "legacy:late:2", "Hạng mục trễ hạn: đánh giá nội bộ", None, 0),
            (leader, "escalation", "legacy:escalation:1", "Xã có nhiều hạng mục trễ hạn", None, 1),
            (leader, "late_item", "legacy:late:3", "Hạng mục trễ hạn: xem xét lãnh đạo", READ, 0),
        ]
        for recipient, kind, key, subject, read_at, emailed in certification_rows:
            conn.execute(
                "INSERT INTO certification_notification (user_id, commune_id, kind, dedup_key, subject, body, url,"
                " created_at, read_at, emailed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    recipient,
                    commune,
                    kind,
                    key,
                    subject,
                    subject + ".",
                    "/admin/certification/",
                    CREATED,
                    read_at,
                    emailed,
                ),
            )
    with sqlite3.connect(db) as conn:
        conn.execute("VACUUM")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter whose packages run the old release")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qms-legacy-") as tmp:
        tmp_path = Path(tmp)
        checkout, data = tmp_path / "checkout", tmp_path / "data"
        data.mkdir()
        _run(["git", "worktree", "add", "--detach", str(checkout), RELEASE], ROOT, dict(os.environ))
        try:
            env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
            env.update({"DJANGO_SETTINGS_MODULE": "qms.settings.test", "QMS_DATA_DIR": str(data)})
            _run([args.python, "manage.py", "migrate", "--noinput", "-v", "0"], checkout, env)
            _run([args.python, "manage.py", "setup_demo"], checkout, env)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(checkout)], cwd=ROOT, check=False)
        db = data / "qms.sqlite3"
        _add_old_notifications(db)
        OUTPUT.parent.mkdir(parents=True, exist_ok=True)
        with db.open("rb") as src, gzip.GzipFile(OUTPUT, "wb", compresslevel=9, mtime=0) as dst:
            shutil.copyfileobj(src, dst)
    print(f"{OUTPUT.relative_to(ROOT)}: {OUTPUT.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
