"""One StructBlock per row of the quy trình's tables (one StreamField per table)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import blocks

FEE_ITEM_MAX_LENGTH = 1000
FEE_AMOUNT_MAX_LENGTH = 255
FEE_NOTES_MAX_LENGTH = 1000


class DossierItemBlock(blocks.StructBlock):
    name = blocks.TextBlock(label=pgettext_lazy("dossier table column", "Document"), rows=2)
    originals = blocks.IntegerBlock(label=_("Originals"), required=False, min_value=0)
    copies = blocks.IntegerBlock(label=_("Copies"), required=False, min_value=0)
    note = blocks.CharBlock(label=_("Note"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Dossier item")


class FeeItemBlock(blocks.StructBlock):
    item = blocks.TextBlock(
        label=pgettext_lazy("fee table column", "Fee for"),
        rows=2,
        max_length=FEE_ITEM_MAX_LENGTH,
        help_text=_("What the fee or charge is for, e.g. “Fee for a copy of the birth certificate”."),
    )
    amount = blocks.CharBlock(
        label=_("Amount"),
        required=False,
        max_length=FEE_AMOUNT_MAX_LENGTH,
        help_text=_("E.g. “8.000 đồng/bản” or “Miễn”."),
    )
    notes = blocks.TextBlock(label=_("Legal basis / notes"), required=False, rows=2, max_length=FEE_NOTES_MAX_LENGTH)

    class Meta:
        icon = "tag"
        label = _("Fee")

    def render_basic(self, value, context=None):
        text = f"{value.get('item')}: {value.get('amount')}" if value.get("amount") else value.get("item")
        if value.get("notes"):
            return format_html("{} ({})", text, value.get("notes"))
        return format_html("{}", text)

    def clean(self, value):
        for name in ("item", "amount", "notes"):
            value[name] = (value.get(name) or "").strip()
        if not value["item"]:
            raise blocks.StructBlockValidationError(
                block_errors={"item": ValidationError(_("Write what the fee is for, or remove the empty row."))}
            )
        return super().clean(value)


class StepBlock(blocks.StructBlock):
    code = blocks.CharBlock(label=_("Step"), max_length=10, help_text=_("B1, B2, …"))
    content = blocks.TextBlock(label=pgettext_lazy("step table column", "Task"))
    responsible = blocks.CharBlock(label=_("Responsible"), required=False)
    duration = blocks.CharBlock(label=_("Time"), required=False)
    forms = blocks.CharBlock(label=_("Records/forms"), required=False)
    notes = blocks.TextBlock(label=_("Explanation"), required=False)

    class Meta:
        icon = "list-ol"
        label = _("Step")


class FormItemBlock(blocks.StructBlock):
    code = blocks.CharBlock(label=_("Form code"), max_length=30)
    name = blocks.CharBlock(label=_("Form name"))

    class Meta:
        icon = "form"
        label = _("Form")


class RecordItemBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Record"))
    keeper = blocks.CharBlock(label=_("Kept by"), required=False)
    retention = blocks.CharBlock(label=_("Retention period"), required=False)

    class Meta:
        icon = "folder-open-inverse"
        label = _("Record to keep")


class ChangeRowBlock(blocks.StructBlock):
    request = blocks.CharBlock(label=_("Change request"), required=False)
    page = blocks.CharBlock(label=_("Page"), required=False, max_length=20)
    content = blocks.TextBlock(label=_("Content of the change"), required=False)
    changed_on = blocks.DateBlock(label=_("Date of change"), required=False)
    issue_number = blocks.IntegerBlock(label=_("Issue number"), required=False, min_value=1)

    class Meta:
        icon = "history"
        label = pgettext_lazy("revision block", "Change")


#: StreamField block lists, one block type per table.
DOSSIER_BLOCKS = [("item", DossierItemBlock())]
FEE_BLOCKS = [("fee", FeeItemBlock())]
STEP_BLOCKS = [("step", StepBlock())]
FORM_BLOCKS = [("form", FormItemBlock())]
RECORD_BLOCKS = [("record", RecordItemBlock())]
CHANGE_BLOCKS = [("change", ChangeRowBlock())]
