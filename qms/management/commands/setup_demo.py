from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qms.actors import SYSTEM
from qms.demo import DEMO_ACCOUNTS, load_demo
from qms.units.mapping import reference_lines as mapping_reference_lines
from qms.units.reference import load_unit_fixtures


class Command(BaseCommand):
    help = "Load the reference data (both eras of units) and the demo data. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="Reference data only.")

    def handle(self, *args, no_demo, **options):
        if not no_demo and not getattr(settings, "QMS_DEMO_ACCOUNTS", True):
            raise CommandError(
                _(
                    "These settings refuse the demo accounts: their passwords are published. "
                    "Load the reference data with load_reference_data and create the first administrator "
                    "with createsuperuser."
                )
            )
        for report in load_unit_fixtures():
            self.stdout.write(report.summary())
        for line in mapping_reference_lines():
            self.stdout.write(line)
        if not no_demo:
            result = load_demo(acting_user=SYSTEM)
            self.stdout.write(f"Demo: {result['communes']} communes, {len(DEMO_ACCOUNTS)} accounts.")
