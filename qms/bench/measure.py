"""What each key view and job costs on the current database: query counts, p50/p95 times, rates."""

from __future__ import annotations

import io
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from audits.models import CorrectiveAction, Reminder
from audits.reminders import plan_reminders, send_pending
from processes.bulk_export import build_bulk_export, request_bulk_export
from processes.content import dated_content
from processes.docx.export import export_process_docx_bytes
from processes.models import ProcessDocument
from qms.certification.services import rebuild_progress, refresh_commune_progress
from qms.notifications.services import send_pending_emails
from qms.units.models import Commune, CommuneRoleGroup

from .plain import plain_docx_bytes
from .sizes import Size

logger = logging.getLogger(__name__)

DOCS = "wagtailsnippets_processes_processdocument"


@dataclass
class Probe:
    """One view: who asks, and which URL."""

    name: str
    persona: str
    url: str


@dataclass
class Result:
    values: dict[str, float] = field(default_factory=dict)
    explain: dict[str, dict] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)


@dataclass
class Subjects:
    people: dict
    commune: Commune
    document: ProcessDocument
    revisions: list[int]
    province_code: str
    district_code: str
    district_era: str


def subjects() -> Subjects:
    User = get_user_model()
    people = {key: User.objects.get(username=f"bench.{key}.0") for key in ("iso", "leader", "auditor")}
    people.update({key: User.objects.get(username=f"bench.{key}") for key in ("district", "province", "national")})
    commune = (
        CommuneRoleGroup.objects.filter(group__user=people["iso"])
        .select_related("commune__unit__parent")
        .first()
        .commune
    )
    document = ProcessDocument.objects.get(commune=commune, code="QT-001")
    revisions = list(document.versions.order_by("issue_number").values_list("revision_id", flat=True))
    province = commune.unit.parent if commune.unit.parent.parent_id is None else commune.unit.parent.parent
    district = (
        people["district"]
        .groups.filter(unit_viewer__isnull=False)
        .values_list("unit_viewer__unit__code", "unit_viewer__unit__era")[0]
    )
    return Subjects(people, commune, document, revisions, province.code, district[0], district[1])


def probes(s: Subjects) -> list[Probe]:
    doc = s.document
    # The procedure's name as a citizen types it: it matches that procedure in every commune.
    words = " ".join(doc.title.split()[:4])
    dashboard = reverse("certification:dashboard")
    province = f"?unit={s.province_code}&era={s.commune.unit.era}"
    return [
        Probe("public commune page", "anonymous", reverse("processes_public:commune", args=[s.commune.slug])),
        Probe(
            "public procedure page", "anonymous", reverse("processes_public:procedure", args=[s.commune.slug, doc.code])
        ),
        Probe("public search", "anonymous", reverse("processes_public:search") + "?" + urlencode({"q": words})),
        Probe("admin home (province)", "province", reverse("wagtailadmin_home")),
        Probe("admin quy trình list", "iso", reverse(f"{DOCS}:list")),
        Probe("admin quy trình list (province)", "province", reverse(f"{DOCS}:list")),
        Probe("admin quy trình search", "iso", reverse(f"{DOCS}:list") + "?q=QT-001"),
        Probe("admin quy trình edit", "iso", reverse(f"{DOCS}:edit", args=[doc.pk])),
        Probe(
            "admin quy trình compare", "leader", reverse(f"{DOCS}:revisions_compare", args=[doc.pk, *s.revisions[-2:]])
        ),
        Probe("admin version compare", "leader", reverse(f"{DOCS}:compare_versions", args=[doc.pk]) + "?a=1&b=2"),
        Probe("admin quy trình history", "leader", reverse(f"{DOCS}:history", args=[doc.pk])),
        Probe("audit programme list", "iso", reverse("audits_programmes:index")),
        Probe("audit plan list", "auditor", reverse("audits_plans:index")),
        Probe("corrective action list", "iso", reverse("audits_actions:index")),
        Probe("corrective action list (province)", "province", reverse("audits_actions:index")),
        Probe("dashboard district", "district", dashboard + f"?unit={s.district_code}&era={s.district_era}"),
        Probe("dashboard province", "province", dashboard + province),
        Probe("dashboard national", "national", dashboard + province),
        Probe("Excel export (dashboard)", "province", reverse("certification:export_xlsx") + province),
        Probe("Word export (dashboard report)", "province", reverse("certification:report_docx") + province),
        Probe("Word export (quy trình)", "iso", reverse(f"{DOCS}:current_docx", args=[doc.pk])),
    ]


def _quantile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def explain(sql: str) -> str:
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    try:
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            return "\n".join(" | ".join(str(v) for v in row) for row in cursor.fetchall())
    except Exception as error:  # the logged SQL is not always valid SQL again (e.g. quoted bytes)
        return f"(no plan: {type(error).__name__})"


def _client(persona: str, people: dict, clients: dict) -> Client:
    if persona not in clients:
        clients[persona] = Client()
        if persona != "anonymous":
            clients[persona].force_login(people[persona])
    return clients[persona]


def measure_views(s: Subjects, repeat: int, result: Result, progress: Callable[[str], None], skip=()) -> None:
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        _measure_views(s, repeat, result, progress, skip)


def _measure_views(s: Subjects, repeat: int, result: Result, progress: Callable[[str], None], skip) -> None:
    clients: dict[str, Client] = {}
    for probe in [p for p in probes(s) if p.name not in skip]:
        progress(probe.name)
        client = _client(probe.persona, s.people, clients)
        connection.queries_log.clear()  # a full log (it keeps 9,000 queries) would hide this request's
        with CaptureQueriesContext(connection) as queries:
            response = client.get(probe.url)
        captured = list(queries.captured_queries)  # read now: the next request empties the log
        result.statuses[probe.name] = response.status_code
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(probe.url)
            times.append((time.perf_counter() - start) * 1000)
        result.values[f"{probe.name}: queries"] = len(captured)
        result.values[f"{probe.name}: p50 ms"] = round(_quantile(times, 0.5), 1)
        result.values[f"{probe.name}: p95 ms"] = round(_quantile(times, 0.95), 1)
        # Of the reads: a savepoint or an insert (the session's, the axes log's) has no plan worth showing.
        reads = [q for q in captured if q["sql"].lstrip().upper().startswith("SELECT")]
        slowest = max(reads, key=lambda q: float(q["time"]), default=None)
        if slowest is not None:
            result.explain[probe.name] = {
                "ms": round(float(slowest["time"]) * 1000, 2),
                "sql": slowest["sql"],
                "plan": explain(slowest["sql"]),
            }


def _rate(build: Callable[[], bytes], count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        build()
    return count / (time.perf_counter() - start)


def measure_word(s: Subjects, count: int, result: Result) -> None:
    content = dated_content(s.document, s.document.current_version.content)
    export_process_docx_bytes(content)
    ours = _rate(lambda: export_process_docx_bytes(content), count)
    plain = _rate(lambda: plain_docx_bytes(content), count)
    result.values["Word export: docs/s"] = round(ours, 1)
    result.values["Word export: plain python-docx docs/s"] = round(plain, 1)
    result.values["Word export: cost vs plain (×)"] = round(plain / ours, 2)


def measure_bulk_export(s: Subjects, result: Result) -> None:
    """One commune's bulk export (Word only: the PDF is LibreOffice's time), built as the worker builds it."""
    with override_settings(QMS_SOFFICE=""), transaction.atomic():
        export = request_bulk_export(acting_user=s.people["iso"], commune=s.commune, send=False)
        start = time.perf_counter()
        export = build_bulk_export(export_id=export.pk)
        elapsed = time.perf_counter() - start
        export.file.delete(save=False)
        transaction.set_rollback(True)
    result.values["bulk export (one commune, Word): s"] = round(elapsed, 2)
    result.values["bulk export (one commune, Word): documents"] = export.documents
    result.values["bulk export (one commune, Word): docs/s"] = round(export.documents / elapsed, 1)


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def measure_history(s: Subjects, count: int, result: Result) -> None:
    """Inserting and updating corrective actions one by one, with and without simple-history's row."""
    today = timezone.localdate()
    timings = {}
    with transaction.atomic():
        for label, skip in (("with", False), ("without", True)):
            base = 900_000 if skip else 800_000
            actions = [
                CorrectiveAction(
                    commune=s.commune,
                    year=today.year,
                    sequence=base + index,
                    title="Đo lường lịch sử",
                    owner=s.people["iso"],
                    due_date=today,
                    requested_on=today,
                )
                for index in range(count)
            ]

            def save_all(actions=actions, skip=skip):
                for action in actions:
                    if skip:
                        action.skip_history_when_saving = True
                    action.save()

            timings[f"insert {label}"] = _timed(save_all)
            for action in actions:
                action.title = "Đã sửa"
            timings[f"update {label}"] = _timed(save_all)
        transaction.set_rollback(True)
    result.values["history overhead: insert (×)"] = round(timings["insert with"] / timings["insert without"], 2)
    result.values["history overhead: update (×)"] = round(timings["update with"] / timings["update without"], 2)


class _Sink:
    """An SMTP server's handler that counts what it receives and keeps nothing."""

    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure_sending(result: Result) -> None:
    """Today's reminders turned into notices and e-mailed to a real SMTP server on localhost (aiosmtpd)."""
    from aiosmtpd.controller import Controller

    port = _free_port()  # the controller checks its server by connecting to it
    sink = _Sink()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        smtp = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": port,
            "EMAIL_USE_TLS": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
        }
        with override_settings(**smtp), transaction.atomic():
            today = timezone.localdate()
            plan_reminders(today=today)
            start = time.perf_counter()
            send_pending(today=today)
            emailed = send_pending_emails()
            elapsed = time.perf_counter() - start
            transaction.set_rollback(True)
    finally:
        controller.stop()
    result.values["reminder sending: messages"] = emailed
    result.values["reminder sending: messages/s"] = round(emailed / elapsed, 1) if emailed else 0.0
    result.values["reminder sending: received by SMTP"] = sink.received


def measure_jobs(s: Subjects, size: Size, result: Result) -> None:
    today = timezone.localdate()
    with transaction.atomic():
        before = Reminder.objects.count()
        start = time.perf_counter()
        plan_reminders(today=today)
        result.values["reminder planning: s"] = round(time.perf_counter() - start, 3)
        planned = Reminder.objects.count()
        result.values["reminder planning: rows"] = planned - before
        plan_reminders(today=today)
        result.values["reminder planning again: new rows"] = Reminder.objects.count() - planned
        transaction.set_rollback(True)
    result.values["rebuild_progress one commune: s"] = round(
        _timed(lambda: refresh_commune_progress(commune_id=s.commune.pk)), 3
    )
    result.values["rebuild_progress full: s"] = round(_timed(rebuild_progress), 2)
    options = {"no_demo": True} if size.tiny else {}
    result.values["setup_demo re-run: s"] = round(
        _timed(lambda: call_command("setup_demo", stdout=io.StringIO(), **options)), 2
    )


def _database_url() -> str:
    """The URL of the database measured, for a process of its own."""
    db = connections["default"].settings_dict
    if connections["default"].vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def measure_start(result: Result, timeout: float = 900) -> None:
    """``./start.sh`` run again on the measured database (installed, migrated, demo loaded): seconds until
    ``/healthz`` answers, with web, worker and beat started; then stopped like Ctrl-C. Its own data folder
    (broker, media), the environment this run uses (``QMS_VENV``)."""
    connection.close()
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="qms-bench-start-") as folder:
        env = {
            **os.environ,
            "QMS_DATA_DIR": folder,
            "DATABASE_URL": _database_url(),
            "QMS_PORT": str(port),
            "QMS_VENV": sys.prefix,
        }
        log = Path(folder) / "start.log"
        start = time.perf_counter()
        with log.open("w") as output:
            proc = subprocess.Popen(
                [str(Path(settings.BASE_DIR) / "start.sh")],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            while proc.poll() is None and time.perf_counter() - start < timeout:
                if _answers(f"http://127.0.0.1:{port}/healthz"):
                    result.values["start re-run to a healthy server: s"] = round(time.perf_counter() - start, 2)
                    break
                time.sleep(0.25)
            else:
                logger.warning("start.sh did not answer healthy:\n%s", log.read_text(errors="replace")[-2000:])
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGINT)
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


def measure(size: Size, *, repeat: int, skip=(), progress: Callable[[str], None] = lambda name: None) -> Result:
    result = Result()
    s = subjects()
    measure_views(s, repeat, result, progress, skip)
    progress("Word export")
    measure_word(s, max(3, 4 * repeat), result)
    progress("bulk export")
    measure_bulk_export(s, result)
    progress("history overhead")
    measure_history(s, 5 if size.tiny else 200, result)
    progress("reminder sending")
    measure_sending(result)
    progress("jobs")
    measure_jobs(s, size, result)
    if not size.tiny:  # the tests' database is not one another process can start on
        progress("start re-run")
        measure_start(result)
    result.values["dataset: communes"] = Commune.objects.count()
    result.values["dataset: quy trình"] = ProcessDocument.objects.count()
    result.values["dataset: users"] = get_user_model().objects.count()
    result.values["dataset: corrective actions"] = CorrectiveAction.objects.count()
    return result
