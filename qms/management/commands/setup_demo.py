from django.core.management.base import BaseCommand

from qms.demo import DEMO_ACCOUNTS, load_demo
from qms.units.reference import load_unit_fixtures


class Command(BaseCommand):
    help = "Load the reference data (both eras of units) and the demo data. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="Reference data only.")

    def handle(self, *args, no_demo, **options):
        for report in load_unit_fixtures():
            self.stdout.write(report.summary())
        if not no_demo:
            result = load_demo()
            self.stdout.write(f"Demo: {result['communes']} communes, {len(DEMO_ACCOUNTS)} accounts.")
