"""What other apps read: the signed record of a record, for pages and the public site."""

from __future__ import annotations

from . import registry
from .models import SignedRecord


def signed_record(record) -> SignedRecord | None:
    entry = registry.type_of(record)
    return SignedRecord.objects.filter(record_type=entry.key, object_id=record.pk).first()


def signed_records(record_type: str, object_ids) -> dict[int, SignedRecord]:
    rows = SignedRecord.objects.filter(record_type=record_type, object_id__in=list(object_ids))
    return {row.object_id: row for row in rows}
