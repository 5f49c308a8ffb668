"""Field-by-field differences between two versions of a quy trình.

Tables are compared row by row and column by column: steps are matched by
their code (B1, B2, …) when the codes are unique, other tables by position.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from . import blocks
from .content import PEOPLE, TABLE_FIELDS
from .docx.schema import ProcessContent

#: Sections a model propagates to its derived copies (no header, approval or change table).
CONTENT_FIELDS = (
    "title",
    "purpose",
    "scope",
    "references",
    "definitions",
    "legal_basis",
    "dossier",
    "dossier_sets",
    "processing_time",
    "reception_place",
    "fees",
    "steps",
    "forms",
    "records",
)
HEADER_FIELDS = ("code", "issue_number", "issued_on", "effective_date", "procedure_code")
ALL_FIELDS = HEADER_FIELDS + CONTENT_FIELDS + PEOPLE + ("changes",)

ROW_BLOCKS = {
    "dossier": blocks.DossierItemBlock,
    "fees": blocks.FeeItemBlock,
    "steps": blocks.StepBlock,
    "forms": blocks.FormItemBlock,
    "records": blocks.RecordItemBlock,
    "changes": blocks.ChangeRowBlock,
}


@dataclasses.dataclass(frozen=True)
class Difference:
    field: str
    section: str
    item: str
    before: str
    after: str

    @property
    def kind(self) -> str:
        if not self.before:
            return "added"
        if not self.after:
            return "removed"
        return "changed"


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


#: The section titles of the quy trình layout (as printed in the document).
SECTION_LABELS = {
    "purpose": gettext_lazy("Purpose"),
    "scope": gettext_lazy("Scope"),
    "references": gettext_lazy("Reference documents"),
    "definitions": gettext_lazy("Definitions and abbreviations"),
    "legal_basis": gettext_lazy("Legal basis"),
    "dossier": gettext_lazy("Dossier"),
    "dossier_sets": gettext_lazy("Number of dossier sets"),
    "processing_time": gettext_lazy("Processing time"),
    "reception_place": gettext_lazy("Where filed and returned"),
    "fees": gettext_lazy("Fees"),
    "steps": pgettext_lazy("quy trình section", "Workflow"),
    "forms": gettext_lazy("Forms"),
    "records": gettext_lazy("Records to keep"),
    "changes": gettext_lazy("Change history"),
    "procedure_code": gettext_lazy("Procedure code"),
}


def field_label(name: str) -> str:
    from .models import ProcessDocument

    if name in SECTION_LABELS:
        return str(SECTION_LABELS[name])
    if name in PEOPLE:
        return str(capfirst(ProcessDocument._meta.get_field(f"{name}_name").verbose_name))
    return str(capfirst(ProcessDocument._meta.get_field(name).verbose_name))


def _column_labels(name: str) -> dict[str, str]:
    return {key: str(block.label) for key, block in ROW_BLOCKS[name]().child_blocks.items()}


def _row_text(row) -> str:
    return " | ".join(_display(v) for v in dataclasses.asdict(row).values() if v not in (None, ""))


def _keyed(name: str, rows: list) -> dict[str, object]:
    codes = [getattr(row, "code", "") for row in rows]
    if name == "steps" and all(codes) and len(set(codes)) == len(codes):
        return dict(zip(codes, rows, strict=True))
    return {_("Row %(number)d") % {"number": i}: row for i, row in enumerate(rows, start=1)}


def _table_differences(name: str, before: list, after: list) -> list[Difference]:
    section, columns = field_label(name), _column_labels(name)
    old, new = _keyed(name, before), _keyed(name, after)
    result = []
    for key in list(old) + [k for k in new if k not in old]:
        a, b = old.get(key), new.get(key)
        if a is None or b is None:
            result.append(Difference(name, section, key, _row_text(a) if a else "", _row_text(b) if b else ""))
            continue
        for column, label in columns.items():
            va, vb = _display(getattr(a, column)), _display(getattr(b, column))
            if va != vb:
                result.append(Difference(name, section, f"{key} · {label}", va, vb))
    return result


def _person_differences(name: str, a, b) -> list[Difference]:
    from .models import ProcessDocument

    result = []
    for attr, suffix in (("name", "name"), ("position", "position"), ("signed_on", "on")):
        va, vb = _display(getattr(a, attr)), _display(getattr(b, attr))
        if va != vb:
            label = str(capfirst(ProcessDocument._meta.get_field(f"{name}_{suffix}").verbose_name))
            result.append(Difference(name, label, "", va, vb))
    return result


def diff_contents(a: ProcessContent, b: ProcessContent, *, fields=ALL_FIELDS) -> list[Difference]:
    """What changed from ``a`` to ``b``, in the order of the document."""
    result: list[Difference] = []
    for name in fields:
        before, after = getattr(a, name), getattr(b, name)
        if name in TABLE_FIELDS:
            result.extend(_table_differences(name, before, after))
        elif name in PEOPLE:
            result.extend(_person_differences(name, before, after))
        elif _display(before) != _display(after):
            result.append(Difference(name, field_label(name), "", _display(before), _display(after)))
    return result


def differences_to_json(differences: list[Difference]) -> list[dict]:
    return [dataclasses.asdict(d) for d in differences]


def differences_from_json(data: list[dict]) -> list[Difference]:
    return [Difference(**item) for item in data]


def changed_fields(differences: list[Difference]) -> list[str]:
    """The distinct fields touched, in order."""
    return list(dict.fromkeys(d.field for d in differences))
