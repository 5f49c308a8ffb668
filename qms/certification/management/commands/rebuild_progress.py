from django.core.management.base import BaseCommand, CommandError

from qms.certification.selectors import find_unit
from qms.certification.services import rebuild_progress


class Command(BaseCommand):
    help = "Rebuild the certification summary row of every commune (or of the communes beneath one unit)."

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="Code of a province or district; all communes when omitted.")
        parser.add_argument("--era", default="2025", help="Era of --unit: pre2025 or 2025 (default 2025).")

    def handle(self, *args, unit=None, era="2025", **options):
        target = None
        if unit:
            target = find_unit(code=unit, era=era)
            if target is None:
                raise CommandError(f"No unit {unit} in era {era}.")
        count = rebuild_progress(unit=target)
        self.stdout.write(f"Rebuilt {count} commune summaries.")
