from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from processes.models import Procedure
from processes.services import import_process_docx_report

from ._common import add_commune_argument, resolve_commune, resolve_user


class Command(BaseCommand):
    help = _("Import a Word quy trình as a draft of the commune's document for its TTHC.")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("The .docx file."))
        add_commune_argument(parser)
        parser.add_argument("--procedure", help=_("National TTHC code, when the file does not show it."))
        parser.add_argument("--user", help=_("Username recorded as the author of the draft."))

    def handle(self, *args, file, commune, era, procedure, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(name)s") % {"name": file})
        target = resolve_commune(commune, era)
        chosen = None
        if procedure:
            chosen = Procedure.objects.filter(code=procedure).first()
            if chosen is None:
                raise CommandError(_("No TTHC has the code %(code)s.") % {"code": procedure})
        try:
            result = import_process_docx_report(
                commune=target,
                data=path.read_bytes(),
                acting_user=resolve_user(user),
                procedure=chosen,
                source_name=path.name,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            _("Imported %(file)s as a draft of %(document)s.") % {"file": path.name, "document": result.document}
        )
        if result.unplaced:
            self.stdout.write(_("Not imported (no place in the quy trình):"))
            for line in result.unplaced:
                self.stdout.write(f"  - {line}")
