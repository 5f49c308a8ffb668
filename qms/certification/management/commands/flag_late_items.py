from django.core.management.base import BaseCommand

from qms.certification.services import flag_late_items


class Command(BaseCommand):
    help = "Flag newly late QMS items and send the reminders (the daily job; safe to run again the same day)."

    def handle(self, *args, **options):
        result = flag_late_items()
        self.stdout.write(
            f"{result['items']} newly late item(s) in {result['communes']} commune(s); "
            f"{result['notifications']} reminder(s)."
        )
