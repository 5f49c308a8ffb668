"""The bulk export: every effective quy trình of one commune, or of every commune beneath a unit,
as one zip of Word files (and their PDF when LibreOffice is installed) with ``muc_luc.csv``.

Requested by a user (a row, queued), built by the worker (``processes.build_bulk_export``),
which counts the files it has written on the row as it goes; the zip is kept under the
private media for the download.
"""

from __future__ import annotations

import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import pgettext_lazy

from qms import actors, permissions
from qms.audit_log import define_action, log
from qms.files.names import ascii_slug, download_name
from qms.files.pdf import docx_files_to_pdf, pdf_available
from qms.spreadsheets import csv_bytes
from qms.units.models import AdministrativeUnit, Commune, CommuneRoleGroup

from .content import dated_content
from .docx.export import export_process_docx_bytes
from .models import BulkExport, BulkExportStatus, ProcessVersion

INDEX = "muc_luc.csv"
#: Word files converted to PDF by one LibreOffice run.
PDF_BATCH = 25

ACTION_REQUEST = define_action(
    "processes.bulk_export.request",
    pgettext_lazy("bulk export", "Request a bulk export"),
    pgettext_lazy("bulk export", "Requested a bulk export of the effective quy trình"),
)
ACTION_BUILD = define_action(
    "processes.bulk_export.build",
    pgettext_lazy("bulk export", "Build a bulk export"),
    pgettext_lazy("bulk export", "Built a bulk export of the effective quy trình"),
)

INDEX_HEADERS = (
    pgettext_lazy("bulk export", "No."),
    pgettext_lazy("bulk export", "File name"),
    pgettext_lazy("bulk export", "Commune"),
    pgettext_lazy("bulk export", "Code"),
    pgettext_lazy("bulk export", "Title"),
    pgettext_lazy("bulk export", "Issue"),
    pgettext_lazy("bulk export", "Effective date"),
)


# -- who ---------------------------------------------------------------------------------------------


def can_export_commune(user, commune: Commune) -> bool:
    """The commune's members and the district or province staff who follow it."""
    return permissions.has_commune_perm(user, commune, permissions.VIEW)


def can_export_unit(user, unit: AdministrativeUnit) -> bool:
    """The followers of the unit (or of a unit above it)."""
    return permissions.follows_unit(user, unit)


def can_view_export(user, export: BulkExport) -> bool:
    if export.commune_id:
        return can_export_commune(user, export.commune)
    return can_export_unit(user, export.unit)


@dataclass(frozen=True)
class Scope:
    commune: Commune | None = None
    unit: AdministrativeUnit | None = None

    @property
    def name(self) -> str:
        return self.commune.name if self.commune else self.unit.full_name

    @property
    def field(self) -> str:
        return "commune" if self.commune else "unit"

    @property
    def pk(self) -> int:
        return (self.commune or self.unit).pk


def scopes_for(user) -> list[Scope]:
    """What ``user`` exports from the exports page: the communes they hold a role in, the units they follow."""
    if user is None or not user.is_authenticated:
        return []
    communes = Commune.objects.filter(
        pk__in=CommuneRoleGroup.objects.filter(group__user=user).values("commune_id")
    ).order_by("name")
    units = AdministrativeUnit.objects.filter(pk__in=permissions.followed_unit_ids(user)).order_by("level", "name")
    return [*(Scope(commune=c) for c in communes), *(Scope(unit=u) for u in units)]


def _require(user, *, commune, unit) -> None:
    if actors.is_system(user):
        return
    if commune is not None and can_export_commune(user, commune):
        return
    if unit is not None and can_export_unit(user, unit):
        return
    raise Http404


def exports_of(user):
    return BulkExport.objects.filter(requested_by=user).select_related("commune", "unit")


# -- request -------------------------------------------------------------------------------------------


@transaction.atomic
def request_bulk_export(*, acting_user, commune: Commune | None = None, unit: AdministrativeUnit | None = None,
                        send: bool = True) -> BulkExport:  # fmt: skip
    """A queued export of one commune's (or one unit's communes') effective quy trình, built by the
    worker once this transaction commits; another commune's or unit's is a 404."""
    if (commune is None) == (unit is None):
        raise Http404
    _require(acting_user, commune=commune, unit=unit)
    export = BulkExport.objects.create(
        requested_by=None if actors.is_system(acting_user) else acting_user,
        commune=commune,
        unit=unit,
        with_pdf=pdf_available(),
    )
    log(instance=export, action=ACTION_REQUEST, user=acting_user, data={"scope": export.scope_name})
    if send:
        from .tasks import build_bulk_export

        pk = export.pk
        transaction.on_commit(lambda: build_bulk_export.delay(pk))
    return export


# -- build -----------------------------------------------------------------------------------------------


def effective_versions(export: BulkExport):
    """The effective version of every quy trình in the export's scope, commune by commune, by code."""
    versions = ProcessVersion.objects.filter(obsoleted_at__isnull=True, document__live=True)
    if export.commune_id:
        versions = versions.filter(document__commune_id=export.commune_id)
    else:
        versions = versions.filter(document__commune__unit__in=export.unit.descendant_communes())
    return versions.select_related("document__commune__unit").order_by(
        "document__commune__name", "document__commune_id", "document__code", "document_id"
    )


def _entry_name(version, taken: set[str]) -> str:
    commune = version.document.commune
    folder = f"{ascii_slug(commune.name) or 'xa'}-{commune.unit.code}"
    stem = f"{folder}/{ascii_slug(version.document.code) or 'quy-trinh'}-lan-{version.issue_number:02d}"
    name, counter = stem, 2
    while name in taken:
        name, counter = f"{stem}-{counter}", counter + 1
    taken.add(name)
    return name


def _advance(export: BulkExport, count: int = 1) -> None:
    BulkExport.objects.filter(pk=export.pk).update(done=F("done") + count)


def _add_pdfs(archive: zipfile.ZipFile, export: BulkExport, written: list[tuple[str, Path]], work: Path) -> None:
    for start in range(0, len(written), PDF_BATCH):
        batch = written[start : start + PDF_BATCH]
        pdfs = docx_files_to_pdf([path for _, path in batch], work / f"pdf-{start}")
        for (name, _), pdf in zip(batch, pdfs, strict=True):
            archive.write(pdf, f"{name}.pdf")
        _advance(export, len(batch))


def _write_zip(export: BulkExport, versions: list, target) -> None:
    taken: set[str] = set()
    rows, written = [], []
    with (
        tempfile.TemporaryDirectory(prefix="qms-export-") as folder,
        zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        work = Path(folder)
        for index, version in enumerate(versions, start=1):
            document = version.document
            name = _entry_name(version, taken)
            data = export_process_docx_bytes(dated_content(document, version.content))
            archive.writestr(f"{name}.docx", data)
            if export.with_pdf:
                path = work / f"{index:06d}.docx"
                path.write_bytes(data)
                written.append((name, path))
            rows.append(
                [
                    str(index),
                    f"{name}.docx",
                    document.commune.name,
                    document.code,
                    document.title,
                    f"{version.issue_number:02d}",
                    version.effective_date.strftime("%d/%m/%Y"),
                ]
            )
            _advance(export)
        if written:
            _add_pdfs(archive, export, written, work)
        archive.writestr(INDEX, csv_bytes(INDEX_HEADERS, rows))


def export_name(export: BulkExport) -> str:
    scope = export.commune.name if export.commune_id else export.unit.full_name
    return download_name("quy trinh", scope, on=timezone.localtime(export.created_at).date(), ext="zip").ascii


def build_bulk_export(*, export_id: int, acting_user=actors.SYSTEM) -> BulkExport | None:
    """The task's body: the zip written file by file, the counters on the row after each; a failure
    leaves the export FAILED with the reason."""
    export = BulkExport.objects.select_related("commune__unit", "unit").filter(pk=export_id).first()
    if export is None or export.status == BulkExportStatus.READY:
        return export
    _require(acting_user, commune=export.commune, unit=export.unit)
    versions = list(effective_versions(export))
    export.status, export.done, export.documents, export.error = BulkExportStatus.RUNNING, 0, len(versions), ""
    export.total = len(versions) * (2 if export.with_pdf else 1)
    export.save(update_fields=["status", "done", "documents", "total", "error"])
    try:
        with translation.override("vi"), tempfile.TemporaryFile() as target:
            _write_zip(export, versions, target)
            target.seek(0)
            with transaction.atomic():
                export = BulkExport.objects.select_for_update().get(pk=export.pk)
                if export.file:
                    export.file.delete(save=False)
                export.file.save(export_name(export), File(target), save=False)
                export.status, export.finished_at = BulkExportStatus.READY, timezone.now()
                export.save()
                log(instance=export, action=ACTION_BUILD, user=acting_user, data={"documents": export.documents})
    except Exception as exc:
        BulkExport.objects.filter(pk=export.pk).update(
            status=BulkExportStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return export
