"""What the yearly archive package holds, and the zip itself (reads only).

The zip holds the Word file of every record of the year that has a builder — the quy trình in
force on 31/12, the internal audit programmes, plans and reports, the corrective actions, the
held management reviews, the announcement decisions signed that year — and the signed PDFs
stored for them, with ``manifest.json`` (per file: name, title, document number, date, record
type, retention period, SHA-256) and ``muc_luc.csv`` (the same table for people, UTF-8 with BOM).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy
from docx import Document

from audits import docx as audit_docx
from audits import selectors as audit_selectors
from audits.models import PlanStatus
from processes import selectors as process_selectors
from processes.content import dated_content
from processes.docx.export import export_process_docx_bytes
from qms import docx as qd
from qms.files.names import ascii_slug
from qms.retention import retention_label, retention_years
from qms.spreadsheets import csv_bytes

MANIFEST = "manifest.json"
INDEX = "muc_luc.csv"

#: What each record type is called in the table of contents.
RECORD_LABELS = {
    "process_version": pgettext_lazy("archive package", "Process document"),
    "audit_programme": pgettext_lazy("archive package", "Internal audit programme"),
    "audit_plan": pgettext_lazy("archive package", "Internal audit plan"),
    "audit_report": pgettext_lazy("archive package", "Internal audit report"),
    "corrective_action": pgettext_lazy("archive package", "Corrective action"),
    "management_review": pgettext_lazy("archive package", "Management review minutes"),
    "announcement": pgettext_lazy("archive package", "Announcement decision"),
}
#: The columns of ``muc_luc.csv``.
INDEX_HEADERS = (
    pgettext_lazy("archive package", "No."),
    pgettext_lazy("archive package", "File name"),
    pgettext_lazy("archive package", "Title"),
    pgettext_lazy("archive package", "Document number"),
    pgettext_lazy("archive package", "Date"),
    pgettext_lazy("archive package", "Record type"),
    pgettext_lazy("archive package", "Retention period"),
    "SHA-256",
)


@dataclass(frozen=True)
class PackedFile:
    name: str
    title: str
    number: str
    date: datetime.date | None
    record_type: str
    content: bytes
    retention: int | None = None

    @property
    def retention_years(self) -> int:
        return retention_years(self.record_type) if self.retention is None else self.retention

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def closed_years(*, today: datetime.date | None = None, count: int = 10) -> list[int]:
    """The last ``count`` years that have ended, newest first."""
    this_year = (today or timezone.localdate()).year
    return list(range(this_year - 1, this_year - 1 - count, -1))


# -- the records of the year -----------------------------------------------------------------------


def _day(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


def _word_name(folder: str, *parts) -> str:
    stem = "-".join(filter(None, (ascii_slug(str(part)) for part in parts if part not in (None, ""))))
    return f"{folder}/{stem or 'tai-lieu'}.docx"


def _process_files(commune, year: int) -> tuple[list[PackedFile], list[int]]:
    files, ids = [], []
    for version in process_selectors.versions_in_force(commune=commune, on=datetime.date(year, 12, 31)):
        document = version.document
        files.append(
            PackedFile(
                name=_word_name("01-quy-trinh", document.code, f"lan {version.issue_number:02d}"),
                title=f"{document.code} {document.title}".strip(),
                number=f"{document.code}/{version.issue_number:02d}",
                date=version.effective_date,
                record_type="process_version",
                content=export_process_docx_bytes(dated_content(document, version.content)),
            )
        )
        ids.append(version.pk)
    return files, ids


def _audit_files(commune, year: int) -> list[PackedFile]:
    records = audit_selectors.records_of_year(commune=commune, year=year)
    files = []
    for programme in records.programmes:
        on = _day(programme.approved_at or programme.created_at)
        files.append(
            PackedFile(
                name=_word_name("02-danh-gia-noi-bo", "chuong trinh", programme.document_number or year),
                title=programme.title,
                number=programme.document_number,
                date=on,
                record_type="audit_programme",
                content=qd.to_bytes(audit_docx.build_programme_docx(programme)),
            )
        )
    for plan in records.plans:
        files.append(
            PackedFile(
                name=_word_name("02-danh-gia-noi-bo", "ke hoach", plan.document_number or f"{year}-{plan.sequence}"),
                title=plan.title,
                number=plan.document_number,
                date=plan.planned_start,
                record_type="audit_plan",
                content=qd.to_bytes(audit_docx.build_plan_docx(plan)),
            )
        )
        if plan.status == PlanStatus.COMPLETED:
            files.append(
                PackedFile(
                    name=_word_name("02-danh-gia-noi-bo", "bao cao", plan.report_number or f"{year}-{plan.sequence}"),
                    title=plan.title,
                    number=plan.report_number,
                    date=plan.completed_on or plan.planned_end,
                    record_type="audit_report",
                    content=qd.to_bytes(audit_docx.build_report_docx(plan)),
                )
            )
    for action in records.actions:
        files.append(
            PackedFile(
                name=_word_name("03-hanh-dong-khac-phuc", "hanh dong", action.number),
                title=action.title,
                number=action.number,
                date=action.requested_on,
                record_type="corrective_action",
                content=qd.to_bytes(audit_docx.build_action_docx(action)),
            )
        )
    for review in records.reviews:
        files.append(
            PackedFile(
                name=_word_name("04-xem-xet-lanh-dao", "bien ban", review.document_number or year, review.pk),
                title=review.title,
                number=review.document_number,
                date=review.held_on or review.planned_on,
                record_type="management_review",
                content=qd.to_bytes(audit_docx.build_review_docx(review)),
            )
        )
    return files


def _announcement_files(commune, year: int) -> tuple[list[PackedFile], list[int]]:
    from .. import signing
    from ..models import Announcement

    files, ids = [], []
    for announcement in Announcement.objects.filter(commune=commune, signed_on__year=year).order_by("signed_on"):
        files.append(
            PackedFile(
                name=_word_name("05-cong-bo", "quyet dinh", announcement.number, announcement.signed_on),
                title=f"{_('Decision')} {announcement.display_number}",
                number=announcement.display_number,
                date=announcement.signed_on,
                record_type="announcement",
                content=qd.to_bytes(signing.decision_docx(announcement)),
            )
        )
        ids.append(announcement.pk)
    return files, ids


def _signed_files(commune, record_ids: dict[str, list[int]]) -> list[PackedFile]:
    from qms.signatures.models import SignedRecord

    query = Q(pk__in=[])
    for record_type, ids in record_ids.items():
        query |= Q(record_type=record_type, object_id__in=ids)
    files = []
    for signed in SignedRecord.objects.filter(query, commune=commune).exclude(signed_pdf="").order_by("pk"):
        if not signed.signed_pdf.storage.exists(signed.signed_pdf.name):
            continue
        with signed.signed_pdf.open("rb") as stored:
            content = stored.read()
        stem = ascii_slug(f"{signed.record_type} {signed.archive_number or signed.object_id}")
        files.append(
            PackedFile(
                name=f"06-ban-ky-so/{stem}.pdf",
                title=signed.archive_title or str(signed),
                number=signed.archive_number,
                date=signed.archive_date,
                record_type=signed.record_type,
                content=content,
                retention=signed.retention_years,
            )
        )
    return files


def _with_archive_properties(item: PackedFile) -> PackedFile:
    """A Word file carries its archive metadata in its core properties too (the title, unit and date
    are already there): the document number, the record type and the retention period."""
    if not item.name.endswith(".docx"):
        return item
    document = Document(io.BytesIO(item.content))
    properties = document.core_properties
    properties.identifier = item.number or ""
    properties.category = str(RECORD_LABELS.get(item.record_type, item.record_type))
    label = pgettext("archive package", "Retention period")
    properties.keywords = f"{label}: {retention_label(item.retention_years)}"
    buffer = io.BytesIO()
    document.save(buffer)
    return dataclasses.replace(item, content=buffer.getvalue())


def year_files(*, commune, year: int) -> list[PackedFile]:
    """Every file of the commune's package of ``year`` (read-only; Vietnamese documents)."""
    with translation.override("vi"):
        processes, version_ids = _process_files(commune, year)
        announcements, announcement_ids = _announcement_files(commune, year)
        files = [*processes, *_audit_files(commune, year), *announcements]
        files += _signed_files(commune, {"process_version": version_ids, "announcement": announcement_ids})
    names: set[str] = set()
    unique = []
    for item in files:
        name, stem, counter = item.name, item.name.rsplit(".", 1), 2
        while name in names:
            name, counter = f"{stem[0]}-{counter}.{stem[1]}", counter + 1
        names.add(name)
        unique.append(item if name == item.name else dataclasses.replace(item, name=name))
    with translation.override("vi"):
        return [_with_archive_properties(item) for item in unique]


# -- the zip -----------------------------------------------------------------------------------------------


def _entry(item: PackedFile) -> dict:
    return {
        "name": item.name,
        "title": item.title,
        "document_number": item.number,
        "date": item.date.isoformat() if item.date else None,
        "record_type": item.record_type,
        "retention_years": item.retention_years,
        "retention": retention_label(item.retention_years),
        "sha256": item.sha256,
        "size": len(item.content),
    }


def _index_csv(files: list[PackedFile]) -> bytes:
    rows = [
        [
            number,
            item.name,
            item.title,
            item.number,
            item.date.strftime("%d/%m/%Y") if item.date else "",
            str(RECORD_LABELS.get(item.record_type, item.record_type)),
            retention_label(item.retention_years),
            item.sha256,
        ]
        for number, item in enumerate(files, start=1)
    ]
    return csv_bytes(INDEX_HEADERS, rows)


def package_bytes(*, commune, year: int, files: list[PackedFile]) -> bytes:
    """The zip: the files, ``manifest.json`` and ``muc_luc.csv``."""
    with translation.override("vi"):
        manifest = {
            "commune": commune.name,
            "commune_code": commune.unit.code,
            "year": year,
            "created_at": timezone.localtime().isoformat(timespec="seconds"),
            "files": [_entry(item) for item in files],
        }
        index = _index_csv(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in files:
            archive.writestr(item.name, item.content)
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        archive.writestr(INDEX, index)
    return buffer.getvalue()


def package_name(package) -> str:
    return f"luu-tru-{ascii_slug(package.commune.name)}-{package.year}.zip"
