import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qms.actors import SYSTEM
from qms.spreadsheets import inert_csv_value
from qms.units.importer import UnitFileError
from qms.units.services import ImportReport, import_units, report_rows


class Command(BaseCommand):
    help = "Upsert a release file of thanglequoc/vietnamese-provinces-database (simplified JSON) by (era, code)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Report only; change nothing.")
        parser.add_argument("--csv", metavar="FILE", help="Also write every change to this CSV file.")

    def handle(self, *args, file, dry_run, csv=None, **options):
        try:
            report = import_units(path=file, dry_run=dry_run, acting_user=SYSTEM)
        except UnitFileError as exc:
            raise CommandError(_("Nothing was imported. %(error)s") % {"error": exc}) from exc
        self.stdout.write(report.summary())
        for code in report.added:
            self.stdout.write("  + " + code)
        for item in report.changed:
            details = ", ".join(f"{k}: {v[0]!r} → {v[1]!r}" for k, v in item["changes"].items())
            self.stdout.write(f"  ~ {item['code']}: {details}")
        for code in report.missing:
            self.stdout.write(_("  - %(code)s (no longer in the file, kept)") % {"code": code})
        if csv:
            path = write_csv(report, csv)
            self.stdout.write(_("Every change is in %(path)s.") % {"path": path})
        if dry_run:
            self.stdout.write(_("Dry run: nothing was saved."))


def write_csv(report: ImportReport, name: str) -> Path:
    path = Path(name).resolve()
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([pgettext("unit import", "Change"), _("Code"), _("Field"), _("Before"), _("After")])
        for row in report_rows(report):
            writer.writerow([inert_csv_value(str(value)) for value in row])
    return path
