"""Migrate, load reference + demo data, then run web, Celery worker and beat together.

Ctrl-C (SIGINT) or SIGTERM stops all three; if one of them dies the others
are stopped too and the command exits non-zero.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from qms.demo import DEMO_ACCOUNTS
from qms.files.pdf import libreoffice_path


class Command(BaseCommand):
    help = "Start the whole system (web + Celery worker + beat) with demo data."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("QMS_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("QMS_PORT", "8000")))
        parser.add_argument("--no-demo", action="store_true")

    def handle(self, *args, host, port, no_demo, **options):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("setup_demo", no_demo=no_demo)
        self._banner(host, port, no_demo)
        python = sys.executable
        pool = os.environ.get("QMS_WORKER_POOL", "solo")
        commands = {
            "web": [python, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
            "worker": [python, "-m", "celery", "-A", "qms", "worker", "-P", pool, "-l", "INFO"],
            "beat": [
                python,
                "-m",
                "celery",
                "-A",
                "qms",
                "beat",
                "-l",
                "INFO",
                "-s",
                str(settings.DATA_DIR / "celerybeat-schedule"),
            ],
        }
        children = {name: subprocess.Popen(cmd, cwd=settings.BASE_DIR) for name, cmd in commands.items()}
        stopping = {"flag": False}

        def stop(signum, frame):
            stopping["flag"] = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        try:
            while not stopping["flag"]:
                dead = [name for name, proc in children.items() if proc.poll() is not None]
                if dead:
                    self.stderr.write(f"{', '.join(dead)} stopped; shutting down the others.")
                    exit_code = 1
                    break
                time.sleep(0.5)
        finally:
            self._stop_all(children)
        if exit_code:
            sys.exit(exit_code)
        self.stdout.write("Stopped web, worker and beat.")

    def _stop_all(self, children):
        for proc in children.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for proc in children.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def _banner(self, host, port, no_demo):
        url = f"http://{host}:{port}"
        lines = [
            "",
            "=" * 68,
            f"  Public site : {url}/",
            f"  Admin       : {url}/admin/",
            f"  Health      : {url}/healthz",
            f"  Data folder : {settings.DATA_DIR}",
            f"  {pdf_line()}",
        ]
        if not no_demo:
            lines.append("  Demo accounts (username / password — role):")
            lines += [f"    {a.username:<14} {a.password:<20} {a.full_name} — {a.role}" for a in DEMO_ACCOUNTS]
        lines += ["  Ctrl-C stops web, worker and beat.", "=" * 68, ""]
        self.stdout.write("\n".join(lines))
        self.stdout.flush()


def pdf_line() -> str:
    """Whether PDF downloads are offered beside the Word ones (LibreOffice found or not)."""
    soffice = libreoffice_path()
    if soffice:
        return f"PDF downloads: on (LibreOffice at {soffice})"
    return "PDF downloads: off (LibreOffice not found; apt-get install libreoffice-writer-nogui fonts-liberation2)"
