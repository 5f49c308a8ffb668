"""``manage.py load_reference_data``: the reference data of a real installation, no demo account."""

from django.core.management.base import BaseCommand

from qms.actors import SYSTEM
from qms.reference import load_reference_data


class Command(BaseCommand):
    help = (
        "Load the reference data (administrative units, TTHC catalogue, ISO 9001 clauses, workflow, "
        "beat schedule, public site) without any demo data or account. Safe to run again."
    )

    def handle(self, *args, **options):
        for line in load_reference_data(acting_user=SYSTEM):
            self.stdout.write(line)
