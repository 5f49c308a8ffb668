from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from processes.content import dated_content, document_content
from processes.models import ProcessDocument

from ._common import add_commune_argument, resolve_commune


class Command(BaseCommand):
    help = _("Write a commune's quy trình for one TTHC as a Word file (the effective version by default).")

    def add_arguments(self, parser):
        add_commune_argument(parser)
        parser.add_argument("--procedure", required=True, help=_("National TTHC code, e.g. 1.001193."))
        parser.add_argument("-o", "--output", required=True, help=_("The .docx file to write."))
        parser.add_argument("--issue", type=int, help=_("Export this issue number instead of the effective one."))
        parser.add_argument("--draft", action="store_true", help=_("Export the latest draft instead."))

    def handle(self, *args, commune, era, procedure, output, issue, draft, **options):
        from processes.docx.export import export_process_docx_bytes

        target = resolve_commune(commune, era)
        document = ProcessDocument.objects.filter(commune=target, procedure__code=procedure).first()
        if document is None:
            raise CommandError(_("%(commune)s has no quy trình for %(code)s.") % {"commune": target, "code": procedure})
        if draft:
            content = document_content(document.get_latest_revision_as_object())
        else:
            versions = document.versions.all()
            version = versions.filter(issue_number=issue).first() if issue else document.current_version
            if version is None:
                raise CommandError(_("No approved version to export; use --draft for the draft."))
            content = version.content
        Path(output).write_bytes(export_process_docx_bytes(dated_content(document, content)))
        self.stdout.write(_("Wrote %(file)s (%(document)s).") % {"file": output, "document": document})
