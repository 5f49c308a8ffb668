"""Writes of the one-stop figures: import a checked file, all of it or nothing.

Keyword-only and atomic; takes ``acting_user``, checks the commune permission,
records the user in the history and leaves an audit record. Refusals are
``ValidationError`` with a Vietnamese message (one per bad row).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy

from qms import permissions
from qms.audit_log import define_action, log
from qms.files.policy import display_name

from ..services import _save, require
from . import importer
from .models import OneStopFigure, OneStopImport

A_ONE_STOP_IMPORT = define_action(
    "audits.onestop.import",
    gettext_lazy("Import one-stop figures"),
    gettext_lazy("Imported the one-stop figures"),
)


@transaction.atomic
def import_one_stop(*, acting_user, commune, file_name: str, data: bytes) -> OneStopImport:
    """Write every row of the file into ``commune``'s figures, replacing the figures of the months it covers;
    nothing is written when the file or any row is bad."""
    require(acting_user, commune, permissions.MANAGE)
    try:
        checked = importer.preview(commune=commune, file_name=file_name, data=data)
    except importer.OneStopFileError as exc:
        raise ValidationError(str(exc)) from None
    if checked.errors:
        raise ValidationError(checked.errors)
    months = checked.months
    user = acting_user if getattr(acting_user, "pk", None) else None
    replaced = 0
    for figure in OneStopFigure.objects.select_for_update().filter(commune=commune, month__in=months):
        figure._history_user = user
        figure.delete()
        replaced += 1
    batch = _save(
        OneStopImport(
            commune=commune,
            file_name=display_name(file_name),
            row_count=len(checked.rows),
            months=[f"{m:%m/%Y}" for m in months],
            replaced=replaced,
            imported_by=user,
        ),
        acting_user=acting_user,
    )
    for row in checked.rows:
        figure = OneStopFigure(
            commune=commune,
            procedure_id=row.procedure_id,
            month=row.month,
            received=row.received,
            on_time=row.on_time,
            late=row.late,
            returned=row.returned,
            batch=batch,
        )
        _save(figure, acting_user=acting_user, validate=False)
    log(
        instance=batch,
        action=A_ONE_STOP_IMPORT,
        user=acting_user,
        data={"file": batch.file_name, "rows": batch.row_count, "months": batch.months, "replaced": replaced},
    )
    return batch
