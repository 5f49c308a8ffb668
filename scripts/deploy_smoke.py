"""Deployment smoke test: the README's production steps on a fresh PostgreSQL database.

Run by scripts/deploy_smoke.sh (and .ci/run) with DATABASE_URL pointing to a
PostgreSQL server whose user may create databases, and CELERY_BROKER_URL to
Redis. It deploys with ``qms.settings.production`` (check --deploy, migrate,
collectstatic, load_reference_data, createsuperuser, two commune officers),
starts gunicorn on loopback, a Celery worker and beat, and an SMTP server on
loopback, then acts as the browser behind nginx (Host and X-Forwarded-Proto
headers) would. Everything it starts is stopped at the end; every wait is bounded.
"""

from __future__ import annotations

import email
import email.policy
import http.cookies
import json
import mailbox
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
HOST = "iso.smoke.test"
BASE_URL = f"https://{HOST}"
SMOKE_DB = "qms_deploy_smoke"
PASSWORD = "Smoke-" + secrets.token_urlsafe(12)
#: Two communes of the 2025 list (Phường Ba Đình, Phường Ngọc Hà — Hà Nội).
COMMUNE_A, COMMUNE_B = "00004", "00008"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
STEP_TIMEOUT = 300


class SmokeFailure(Exception):
    pass


def check(condition, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


STARTED = time.monotonic()


def step(title: str) -> None:
    print(f"--- [{time.monotonic() - STARTED:5.0f} s] {title}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_database(admin_url: str) -> str:
    """Drop and create SMOKE_DB on the server of ``admin_url``; return its URL."""
    parts = urlsplit(admin_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{SMOKE_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{SMOKE_DB}"')
    return urlunsplit(parts._replace(path=f"/{SMOKE_DB}"))


def drop_database(admin_url: str) -> None:
    parts = urlsplit(admin_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{SMOKE_DB}" WITH (FORCE)')


def redis_for_smoke(broker_url: str, database: int) -> str:
    """The same Redis, another database (15: the broker, 14: the shared cache): nothing else of CI
    uses them; emptied first."""
    import redis

    parts = urlsplit(broker_url)
    url = urlunsplit(parts._replace(path=f"/{database}"))
    redis.Redis.from_url(url).flushdb()
    return url


class Deployment:
    def __init__(self, env: dict, work: Path):
        self.env = env
        self.work = work
        self.processes: dict[str, tuple[subprocess.Popen, Path]] = {}

    def manage(
        self, *args: str, timeout: float = STEP_TIMEOUT, input: str | None = None, env: dict | None = None
    ) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise SmokeFailure(
                f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
            )
        return result.stdout

    def start(self, name: str, command: list[str]) -> None:
        log = self.work / f"{name}.log"
        handle = log.open("wb")
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes[name] = (process, log)

    def alive(self, name: str) -> None:
        process, log = self.processes[name]
        check(process.poll() is None, f"{name} exited ({process.returncode}):\n{self.tail(name)}")

    def tail(self, name: str, lines: int = 40) -> str:
        _process, log = self.processes[name]
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])

    def stop_all(self) -> None:
        for process, _log in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for process, _log in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


class Browser:
    """Reaches gunicorn as nginx forwards a browser's HTTPS request (Host, X-Forwarded-*).

    The TLS ends in the (simulated) proxy, so the cookies, all ``Secure``, are
    kept and sent back here by hand.
    """

    def __init__(self, port: int):
        self.origin = f"http://127.0.0.1:{port}"
        self.headers = {"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, headers: dict | None = None, **kwargs) -> requests.Response:
        sent = {**self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = requests.request(
            method, self.origin + path, headers=sent, allow_redirects=False, timeout=60, **kwargs
        )
        for raw in response.raw.headers.getlist("Set-Cookie"):
            cookie = http.cookies.SimpleCookie()
            cookie.load(raw)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    check(morsel["secure"], f"cookie {name} is not Secure")
                    self.cookies[name] = morsel.value
        return response

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> requests.Response:
        headers = {"Origin": BASE_URL, "Referer": BASE_URL + path}
        data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}
        return self.request("POST", path, data=data, headers=headers, **kwargs)

    def login(self, username: str, password: str) -> None:
        page = self.get("/admin/login/")
        check(page.status_code == 200, f"login page: {page.status_code}")
        check("csrftoken" in self.cookies, "no CSRF cookie on the login page")
        answer = self.post("/admin/login/", {"username": username, "password": password, "next": "/admin/"})
        check(answer.status_code == 302, f"login of {username}: {answer.status_code} {answer.text[:2000]}")
        check(
            answer.headers["Location"] in ("/admin/", f"{BASE_URL}/admin/"),
            f"login redirect: {answer.headers['Location']}",
        )
        check("sessionid" in self.cookies, "no session cookie after login")


def wait_for_health(browser: Browser, deployment: Deployment, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        deployment.alive("gunicorn")
        try:
            # A probe on loopback: plain HTTP, no proxy headers (healthz is exempt from the HTTPS redirect).
            last = requests.get(browser.origin + "/healthz", headers={"Host": HOST}, timeout=60)
            if last.status_code == 200:
                return last.json()
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(1)
    raise SmokeFailure(f"/healthz never answered 200: {last and (last.status_code, last.text)}")


def wait_for_log(deployment: Deployment, name: str, pattern: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        deployment.alive(name)
        if re.search(pattern, deployment.processes[name][1].read_text(errors="replace")):
            return
        time.sleep(1)
    raise SmokeFailure(f"{name} never logged {pattern!r}:\n{deployment.tail(name)}")


def wait_for_mail(maildir: Path, recipient: str, timeout: float = 120) -> email.message.EmailMessage:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for raw in mailbox.Maildir(maildir, create=False).values():
            message = email.message_from_bytes(raw.as_bytes(), policy=email.policy.default)
            if recipient in message.get("X-RcptTo", "") or recipient in message.get("To", ""):
                return message
        time.sleep(1)
    raise SmokeFailure(f"no e-mail to {recipient} reached the SMTP server")


SETUP = """
import json
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from audits.services import create_programme
from qms.units.models import Commune, Role
from qms.units.services import add_commune_member
User = get_user_model()
communes = {}
for key, code in (("a", "%(a)s"), ("b", "%(b)s")):
    call_command("provision_commune", code, era="2025")
    commune = Commune.objects.get(unit__era="2025", unit__code=code)
    user = User.objects.create_user(f"iso.{key}", email=f"iso.{key}@smoke.test", password="%(password)s")
    add_commune_member(commune=commune, user=user, role=Role.ISO_OFFICER)
    communes[key] = commune.pk
today = timezone.localdate()
programme = create_programme(
    acting_user=User.objects.get(username="iso.a"), commune=Commune.objects.get(pk=communes["a"]), year=today.year,
    title="Chương trình đánh giá nội bộ năm %%d" %% today.year, objectives="Kiểm tra hiệu lực của HTQLCL.",
    audit_month=today.month,
)
print("SETUP=" + json.dumps({"communes": communes, "programme": programme.pk}))
"""

RUN_REMINDERS = """
from audits.tasks import send_daily_reminders
result = send_daily_reminders.delay()
print("REMINDERS=" + repr(result.get(timeout=120, interval=0.5)))
"""


def marker(output: str, name: str) -> str:
    found = re.search(rf"^{name}=(.*)$", output, re.MULTILINE)
    check(found, f"no {name}= line in:\n{output}")
    return found.group(1)


def run(work: Path) -> None:
    admin_url = os.environ["DATABASE_URL"]
    check(admin_url.startswith(("postgres://", "postgresql://")), "DATABASE_URL must point to PostgreSQL")
    smtp_port, web_port = free_port(), free_port()
    maildir = work / "maildir"
    data_dir = work / "data"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "EMAIL_", "SECURE_", "QMS_", "SENDFILE_")) and key not in ("DEBUG",)
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "qms.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "QMS_BASE_URL": BASE_URL,
            "ALLOWED_HOSTS": HOST,
            "QMS_PROXY_COUNT": "1",
            "DATABASE_URL": fresh_database(admin_url),
            "CELERY_BROKER_URL": redis_for_smoke(os.environ["CELERY_BROKER_URL"], 15),
            "CACHE_URL": redis_for_smoke(os.environ["CELERY_BROKER_URL"], 14),
            "QMS_DATA_DIR": str(data_dir),
            "SENDFILE_BACKEND": "nginx",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "DEFAULT_FROM_EMAIL": "HTQLCL <htqlcl@smoke.test>",
            "ADMINS": "it@smoke.test",
            "PYTHONUNBUFFERED": "1",
        }
    )
    deployment = Deployment(env, work)
    try:
        step("check --deploy")
        output = deployment.manage("check", "--deploy", "--fail-level", "WARNING")
        print(output.strip())
        step("migrate")
        deployment.manage("migrate", "--noinput", "-v", "0", timeout=600)
        step("healthz before collectstatic: 503")
        deployment.start(
            "gunicorn-early",
            [
                PYTHON,
                "-m",
                "gunicorn",
                "qms.wsgi",
                "--bind",
                f"127.0.0.1:{web_port}",
                "--workers",
                "1",
                "--no-control-socket",
            ],
        )
        browser = Browser(web_port)
        deadline = time.monotonic() + 60
        early = None
        while time.monotonic() < deadline and early is None:
            try:
                early = requests.get(browser.origin + "/healthz", headers={"Host": HOST}, timeout=60)
            except (requests.ConnectionError, requests.Timeout):
                deployment.alive("gunicorn-early")
                time.sleep(1)
        check(
            early is not None and early.status_code == 503,
            f"healthz without static files: {early and early.status_code}",
        )
        check(early.json()["checks"]["static"] == "missing", f"healthz body: {early.text}")
        process, _log = deployment.processes.pop("gunicorn-early")
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        step("collectstatic")
        deployment.manage("collectstatic", "--noinput", "-v", "0", timeout=600)
        step("load_reference_data")
        print(deployment.manage("load_reference_data", timeout=600).strip())
        step("first administrator (createsuperuser); two communes provisioned, an ISO officer each")
        deployment.manage(
            "createsuperuser",
            "--noinput",
            "--username",
            "quantri",
            "--email",
            "quantri@smoke.test",
            env={"DJANGO_SUPERUSER_PASSWORD": PASSWORD},
        )
        setup = json.loads(
            marker(
                deployment.manage("shell", "-c", SETUP % {"a": COMMUNE_A, "b": COMMUNE_B, "password": PASSWORD}),
                "SETUP",
            )
        )
        communes = setup["communes"]
        step("demo accounts refused")
        refused = subprocess.run(
            [PYTHON, "manage.py", "setup_demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        check(
            refused.returncode != 0 and "load_reference_data" in refused.stderr,
            f"setup_demo was not refused: {refused.stderr}",
        )

        step("start SMTP server, gunicorn, Celery worker and beat")
        deployment.start(
            "smtp",
            [
                PYTHON,
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                f"127.0.0.1:{smtp_port}",
                "-c",
                "aiosmtpd.handlers.Mailbox",
                str(maildir),
            ],
        )
        deployment.start(
            "gunicorn",
            [
                PYTHON,
                "-m",
                "gunicorn",
                "qms.wsgi",
                "--bind",
                f"127.0.0.1:{web_port}",
                "--workers",
                "2",
                "--timeout",
                "120",
                "--no-control-socket",
            ],
        )
        deployment.start(
            "worker", [PYTHON, "-m", "celery", "-A", "qms", "worker", "--loglevel", "INFO", "--concurrency", "1"]
        )
        deployment.start("beat", [PYTHON, "-m", "celery", "-A", "qms", "beat", "--loglevel", "INFO"])
        health = wait_for_health(browser, deployment)
        check(
            health["checks"] == {"database": "ok", "broker": "ok", "static": "ok", "migrations": "ok"},
            f"healthz: {health}",
        )
        wait_for_log(deployment, "beat", r"beat: Starting")

        step("HTTPS only: plain HTTP is redirected, HTTPS answers carry HSTS")
        plain = requests.get(
            browser.origin + "/admin/login/", headers={"Host": HOST}, allow_redirects=False, timeout=30
        )
        check(
            plain.status_code == 301 and plain.headers["Location"] == f"{BASE_URL}/admin/login/",
            f"plain HTTP: {plain.status_code} {plain.headers.get('Location')}",
        )
        login_page = browser.get("/admin/login/")
        check("max-age=" in login_page.headers.get("Strict-Transport-Security", ""), "no HSTS header")

        step("static files and the Vietnamese 404 page")
        css = re.search(r'href="(/static/[^"]+\.css)"', login_page.text)
        check(css, "no stylesheet on the login page")
        check(browser.get(css.group(1)).status_code == 200, f"static file {css.group(1)} not served")
        missing = browser.get("/khong-co-trang-nay/")
        check(missing.status_code == 404 and "Không tìm thấy trang" in missing.text, f"404 page: {missing.status_code}")

        step("the first administrator signs in")
        admin = Browser(web_port)
        admin.login("quantri", PASSWORD)
        check(admin.get("/admin/").status_code == 200, "admin dashboard")

        step("an officer downloads a Word file")
        officer_a = Browser(web_port)
        officer_a.login("iso.a", PASSWORD)
        word = officer_a.get(f"/admin/audits/programme/{setup['programme']}/docx/")
        check(
            word.status_code == 200 and word.headers["Content-Type"].startswith(DOCX_TYPE),
            f"Word download: {word.status_code} {word.headers.get('Content-Type')}",
        )
        check(word.content[:2] == b"PK", "the Word file is not a .docx (zip) file")

        step("private file: upload as the owner, fetch it, refused to another commune")
        evidence_private_file(deployment, browser_a=officer_a, communes=communes, data=word.content, web_port=web_port)

        step("the worker runs a task")
        print(deployment.manage("check_worker", "--timeout", "90").strip())

        step("a reminder is e-mailed with a link on the public address")
        print(marker(deployment.manage("shell", "-c", RUN_REMINDERS), "REMINDERS"))
        reminder = wait_for_mail(maildir, "iso.a@smoke.test")
        body = reminder.get_body(("plain",)).get_content()
        links = re.findall(r"https?://\S+", body)
        check(
            links and all(link.startswith(f"{BASE_URL}/admin/") for link in links), f"reminder links: {links}\n{body}"
        )
        check("htqlcl@smoke.test" in reminder["From"], f"sender: {reminder['From']}")
        print(f"reminder: {reminder['Subject']} -> {links[0]}")

        step("error reports reach ADMINS")
        deployment.manage("sendtestemail", "--admins")
        report = wait_for_mail(maildir, "it@smoke.test")
        check(report["Subject"].startswith("[HTQLCL]"), f"admin e-mail subject: {report['Subject']}")
        for name in ("gunicorn", "worker", "beat", "smtp"):
            deployment.alive(name)
        print("DEPLOY SMOKE TEST PASSED", flush=True)
    except BaseException:
        for name in deployment.processes:
            print(f"===== {name} (last lines) =====\n{deployment.tail(name)}", file=sys.stderr)
        raise
    finally:
        deployment.stop_all()
        drop_database(admin_url)


def evidence_private_file(
    deployment: Deployment, *, browser_a: Browser, communes: dict, data: bytes, web_port: int
) -> None:
    form = f"/admin/certification/commune/{communes['a']}/evidence/add/"
    page = browser_a.get(form)
    check(page.status_code == 200, f"evidence form: {page.status_code}")
    answer = browser_a.post(
        form,
        {"kind": kind_choice(page.text), "title": "Biên bản họp xem xét", "issued_on": "15/06/2025", "note": ""},
        files={"file": ("bien-ban.docx", data, DOCX_TYPE)},
    )
    check(answer.status_code == 302, f"evidence upload: {answer.status_code} {answer.text[:800]}")
    record = browser_a.get(urlsplit(answer.headers["Location"]).path)
    link = re.search(r'href="(/files/certification/evidence/\d+/)"', record.text)
    check(link, "no link to the uploaded evidence on the commune page")
    # With SENDFILE_BACKEND=nginx the body is nginx's to send: read the headers only.
    own = browser_a.get(link.group(1), stream=True)
    own.close()
    check(own.status_code == 200, f"owner fetching the evidence: {own.status_code}")
    check(own.headers.get("Content-Length") == str(len(data)), f"Content-Length: {own.headers.get('Content-Length')}")
    accel = own.headers.get("X-Accel-Redirect", "")
    check(accel.startswith("/protected/"), f"no X-Accel-Redirect to /protected/: {dict(own.headers)}")
    # What nginx does with `location /protected/ { internal; alias MEDIA_ROOT/; }`:
    media_root = Path(deployment.env["QMS_DATA_DIR"]) / "media"
    served = media_root / unquote(accel[len("/protected/") :])
    check(served.is_file() and served.read_bytes() == data, f"{served} is not the uploaded file")
    officer_b = Browser(web_port)
    officer_b.login("iso.b", PASSWORD)
    other = officer_b.get(link.group(1))
    check(
        other.status_code == 404 and "X-Accel-Redirect" not in other.headers,
        f"another commune's officer got {other.status_code}",
    )
    anonymous = requests.get(
        browser_a.origin + link.group(1),
        headers={"Host": HOST, "X-Forwarded-Proto": "https"},
        allow_redirects=False,
        timeout=30,
    )
    check(
        anonymous.status_code == 302 and "/login/" in anonymous.headers["Location"],
        f"anonymous got {anonymous.status_code}",
    )
    direct = requests.get(
        browser_a.origin + "/media/" + unquote(accel[len("/protected/") :]),
        headers={"Host": HOST, "X-Forwarded-Proto": "https"},
        allow_redirects=False,
        timeout=30,
    )
    check(direct.status_code == 404, f"the file has a public /media/ URL: {direct.status_code}")


def kind_choice(html: str) -> str:
    select = re.search(r'<select name="kind"[^>]*>(.*?)</select>', html, re.S)
    check(select, "no evidence kind field on the form")
    values = [v for v in re.findall(r'<option value="([^"]+)"', select.group(1)) if v]
    check(values, "no evidence kind to choose")
    return values[0]


def main() -> int:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="qms-deploy-smoke-") as tmp:
        try:
            run(Path(tmp))
        except SmokeFailure as failure:
            print(f"DEPLOY SMOKE TEST FAILED: {failure}", file=sys.stderr)
            return 1
        finally:
            print(f"({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
