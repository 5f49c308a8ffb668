"""Run the daily reminder job by hand: ``manage.py send_reminders [--date YYYY-MM-DD] [--dry-run]``."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audits.services import send_daily_reminders
from qms.notifications.services import send_pending_emails


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("Invalid date %(value)s: use YYYY-MM-DD.") % {"value": value}) from None


class Command(BaseCommand):
    help = "Plan and send the reminders of one day (the same job as the 07:00 Celery beat task)."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=str, help="The day to run for (YYYY-MM-DD); default: today.")
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; write and send nothing.")

    def handle(self, *args, **options):
        today = _date(options["date"]) if options["date"] else None
        run = send_daily_reminders(today=today, dry_run=options["dry_run"])
        if not run.dry_run:
            send_pending_emails()
        for line in run.lines:
            self.stdout.write(line)
        if run.dry_run:
            summary = _("%(date)s (dry run): %(count)d reminders would be sent.") % {
                "date": run.today.isoformat(),
                "count": len(run.lines),
            }
        else:
            summary = _("%(date)s: %(sent)d reminders sent.") % {"date": run.today.isoformat(), "sent": run.sent}
        self.stdout.write(self.style.SUCCESS(summary))
