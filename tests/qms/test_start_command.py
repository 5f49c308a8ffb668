"""The one-command start, run for real in a subprocess against a temporary data folder."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.demo_database import child_env
from tests.sqlite_files import row_counts

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(data_dir: Path, port: int) -> dict:
    # Run from the environment of these tests when it matches uv.lock instead of installing another one.
    return child_env(data_dir, QMS_PORT=str(port), DJANGO_SETTINGS_MODULE="qms.settings.dev", QMS_VENV=sys.prefix)


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 420) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("start exited early:\n" + log.read_text(errors="replace")[-4000:])
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    pytest.fail("no healthy answer:\n" + log.read_text(errors="replace")[-4000:])


def _stop_like_ctrl_c(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGINT)
    proc.wait(timeout=90)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail("some of web/worker/beat survived Ctrl-C")


def _run(data_dir: Path, port: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(ROOT / "start.sh")],
        cwd=ROOT,
        env=_env(data_dir, port),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@pytest.mark.timeout(1800)  # two full starts, each bounded below by its own waits
def test_start_serves_runs_tasks_and_loads_nothing_twice(tmp_path, migrated_sqlite_file):
    """A first start on an empty data folder, then a restart on the same folder.

    When the run has a migrated template (the same migrations, applied once per
    run), the data folder starts from a copy of it, so the first start's
    ``migrate`` has nothing to apply and the time goes to what the start itself does.
    """
    if migrated_sqlite_file is not None:
        shutil.copyfile(migrated_sqlite_file, tmp_path / "qms.sqlite3")
    port = _free_port()
    log = tmp_path / "start-1.log"
    proc = _run(tmp_path, port, log)
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/healthz", proc, log)
        output = log.read_text()
        assert "does not match uv.lock" not in output
        assert f"http://127.0.0.1:{port}/admin/" in output
        assert "iso.lam" in output and "iso-demo-2026" in output
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=10) as response:
            assert "Đăng nhập" in response.read().decode()
        check = subprocess.run(
            [sys.executable, "manage.py", "check_worker", "--timeout", "120"],
            cwd=ROOT,
            env=_env(tmp_path, port),
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert check.returncode == 0, check.stdout + check.stderr
        assert "worker ok" in check.stdout
    finally:
        _stop_like_ctrl_c(proc)
    first = row_counts(tmp_path / "qms.sqlite3")
    assert first["units_commune"] == 120
    assert first["units_administrativeunit"] == 34 + 3321 + 63 + 696 + 10035 + 9

    log2 = tmp_path / "start-2.log"
    proc = _run(tmp_path, port, log2)
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/healthz", proc, log2)
    finally:
        _stop_like_ctrl_c(proc)
    second = row_counts(tmp_path / "qms.sqlite3")
    assert {t: n for t, n in second.items() if n != first.get(t)} == {}
