from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qms.actors import SYSTEM
from qms.units.importer import UnitFileError
from qms.units.services import import_units


class Command(BaseCommand):
    help = "Upsert a release file of thanglequoc/vietnamese-provinces-database (simplified JSON) by (era, code)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Report only; change nothing.")

    def handle(self, *args, file, dry_run, **options):
        try:
            report = import_units(path=file, dry_run=dry_run, acting_user=SYSTEM)
        except UnitFileError as exc:
            raise CommandError(_("Nothing was imported. %(error)s") % {"error": exc}) from exc
        self.stdout.write(report.summary())
        for code in report.added[:50]:
            self.stdout.write("  + " + code)
        for item in report.changed[:50]:
            details = ", ".join(f"{k}: {v[0]!r} → {v[1]!r}" for k, v in item["changes"].items())
            self.stdout.write(f"  ~ {item['code']}: {details}")
        if report.missing:
            self.stdout.write(
                _("Units no longer in the file (kept): %(codes)s") % {"codes": ", ".join(report.missing[:50])}
            )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was saved."))
