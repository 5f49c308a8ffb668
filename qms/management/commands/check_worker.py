import uuid

from django.core.management.base import BaseCommand, CommandError

from qms.tasks import ping


class Command(BaseCommand):
    help = "Send a task through the broker and wait for a Celery worker to run it."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=60.0)

    def handle(self, *args, timeout, **options):
        token = uuid.uuid4().hex
        result = ping.delay(token)
        try:
            value = result.get(timeout=timeout, interval=0.5)
        except Exception as exc:  # noqa: BLE001 - any failure means no working worker
            raise CommandError(f"No worker answered within {timeout:.0f}s: {exc}") from exc
        if value != {"pong": token}:
            raise CommandError(f"Unexpected answer: {value!r}")
        self.stdout.write(f"worker ok: task {result.id} ran")
