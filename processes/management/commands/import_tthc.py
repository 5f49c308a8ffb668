from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from processes.catalogue import CatalogueFileError
from processes.services import import_catalogue

from ._common import resolve_user


class Command(BaseCommand):
    help = _(
        "Load TTHC catalogue files: the national portal's list (.csv/.xlsx, e.g. fixtures/tthc/*.csv) "
        "or the curated JSON with steps. Re-importing updates; a malformed file imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help=_("Catalogue files (.csv, .xlsx or .json)."))
        parser.add_argument("--retrieved-on", type=date.fromisoformat, help=_("Retrieval date (YYYY-MM-DD)."))
        parser.add_argument("--dry-run", action="store_true", help=_("Report what would change, write nothing."))
        parser.add_argument("--user", help=_("Username recorded as the importer."))

    def handle(self, *args, files, retrieved_on, dry_run, user, **options):
        acting_user = resolve_user(user)
        for name in files:
            path = Path(name)
            if not path.is_file():
                raise CommandError(_("File not found: %(name)s") % {"name": name})
            try:
                report = import_catalogue(
                    name=path.name,
                    data=path.read_bytes(),
                    acting_user=acting_user,
                    retrieved_on=retrieved_on,
                    dry_run=dry_run,
                )
            except CatalogueFileError as exc:
                for line in exc.format_lines():
                    self.stderr.write(f"{path.name}: {line}")
                raise CommandError(_("%(name)s was not imported: nothing was changed.") % {"name": path.name}) from None
            self.stdout.write(f"{path.name}: {report.summary()}")
