"""The carry-over page of a merged commune: plan, comparison, run with progress, undo, report."""

from __future__ import annotations

import dataclasses

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.mergers import CATEGORIES, CATEGORY_LABELS
from processes.compare import CONTENT_FIELDS, diff_contents, field_label
from qms import docx as qd
from qms.files.policy import DOCX, XLSX
from qms.files.serving import file_response, offers_pdf
from qms.units.mapping import MAPPING_SOURCE, fill_predecessors, mapping_rows
from qms.units.models import Commune

from ..views import AdminPage
from . import services
from .models import CarryOverStatus, MergerCarryOver
from .report import build_reconciliation_docx, build_reconciliation_xlsx, reannounce_deadline, report_name


def _successor(request, pk: int) -> Commune:
    commune = get_object_or_404(Commune.objects.select_related("unit__parent__parent"), pk=pk)
    if not services.can_view(request.user, commune):
        raise Http404
    return commune


def _carry_over(commune) -> MergerCarryOver:
    carry_over = MergerCarryOver.objects.filter(successor=commune).first()
    if carry_over is None:
        raise Http404
    return carry_over


def _text(value) -> str:
    if isinstance(value, list):
        return "\n".join(
            " | ".join(str(v) for v in dataclasses.asdict(row).values() if v not in (None, "")) for row in value
        )
    return "" if value is None else str(value)


class CarryOverView(AdminPage):
    template_name = "certification/carry_over.html"
    page_title = gettext_lazy("Merger carry-over")

    def dispatch(self, request, *args, pk, **kwargs):
        self.commune = _successor(request, pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.commune.name

    def post(self, request, *args, **kwargs):
        action, commune, user = request.POST.get("action"), self.commune, request.user
        carry_over = MergerCarryOver.objects.filter(successor=commune).first()
        try:
            if action == "fill":
                added = fill_predecessors(commune=commune, acting_user=user)
                messages.success(request, _("%(count)d predecessor communes added.") % {"count": len(added)})
            elif action == "plan":
                services.plan_carry_over(successor=commune, acting_user=user)
                messages.success(request, _("The carry-over plan is ready; check the choices."))
            elif action == "save" and carry_over:
                choices = {
                    choice.procedure_id: request.POST.get(f"choice-{choice.procedure_id}", "")
                    for choice in carry_over.choices.all()
                }
                sources = commune.predecessors.filter(
                    pk__in=[v for v in request.POST.getlist("record_sources") if v.isdigit()]
                )
                services.set_plan(
                    carry_over=carry_over,
                    choices=choices,
                    record_sources=list(sources),
                    categories=request.POST.getlist("categories"),
                    acting_user=user,
                )
                messages.success(request, _("The plan has been saved."))
            elif action == "run" and carry_over:
                services.start_carry_over(carry_over=carry_over, acting_user=user)
                messages.success(request, _("The carry-over has started; this page shows its progress."))
            elif action == "undo" and carry_over:
                services.undo_carry_over(carry_over=carry_over, acting_user=user)
                messages.success(request, _("The carry-over has been undone."))
            else:
                raise Http404
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect("certification:carry_over", commune.pk)

    def get_context_data(self, **kwargs):
        commune, user = self.commune, self.request.user
        carry_over = MergerCarryOver.objects.filter(successor=commune).first()
        rows = []
        if carry_over:
            options = services.candidates(commune)
            for choice in carry_over.choices.select_related("procedure", "created_document"):
                entry = options.get(choice.procedure_id, {"documents": [], "model": None})
                rows.append(
                    {
                        "choice": choice,
                        "value": services.choice_value(choice),
                        "documents": entry["documents"],
                        "model": entry["model"],
                    }
                )
        return super().get_context_data(
            commune=commune,
            mapping=mapping_rows(commune),
            mapping_source=MAPPING_SOURCE,
            predecessors=services.predecessors(commune),
            carry_over=carry_over,
            rows=rows,
            editable=carry_over is not None and carry_over.status in services.EDITABLE,
            running=carry_over is not None and carry_over.status == CarryOverStatus.RUNNING,
            record_sources={c.pk for c in carry_over.record_sources.all()} if carry_over else set(),
            categories=[(key, CATEGORY_LABELS[key]) for key in CATEGORIES],
            moves=list(carry_over.moves.select_related("from_commune")) if carry_over else [],
            can_run=services.can_run(user, commune),
            deadline=reannounce_deadline(carry_over) if carry_over else None,
            **kwargs,
        )


class CompareView(AdminPage):
    """The candidates of one TTHC side by side, section by section; sections that differ are marked."""

    template_name = "certification/carry_over_compare.html"
    page_title = gettext_lazy("Compare the candidates")

    def get(self, request, *args, pk, **kwargs):
        self.commune = _successor(request, pk)
        procedure_id = request.GET.get("procedure", "")
        entry = services.candidates(self.commune).get(int(procedure_id)) if procedure_id.isdigit() else None
        if entry is None:
            raise Http404
        self.entry = entry
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.entry["procedure"].name

    def get_context_data(self, **kwargs):
        columns = []
        for document in self.entry["documents"]:
            version = document.versions.filter(obsoleted_at__isnull=True).first()
            columns.append((f"{document.code} – {document.commune.name}", version.content))
        model = self.entry["model"]
        if model is not None:
            version = model.versions.filter(obsoleted_at__isnull=True).first()
            columns.append((f"{model.code} – {model.owner_unit.full_name} ({_('model')})", version.content))
        first = columns[0][1]
        differing = set()
        for _label, content in columns[1:]:
            differing |= {d.field for d in diff_contents(first, content, fields=CONTENT_FIELDS)}
        sections = [
            {
                "label": field_label(name),
                "differs": name in differing,
                "cells": [_text(getattr(content, name)) for _label, content in columns],
            }
            for name in CONTENT_FIELDS
        ]
        return super().get_context_data(
            commune=self.commune,
            procedure=self.entry["procedure"],
            headers=[label for label, _content in columns],
            sections=sections,
            back=reverse("certification:carry_over", args=[self.commune.pk]),
            **kwargs,
        )


@offers_pdf
def report_docx(request, pk: int):
    carry_over = _carry_over(_successor(request, pk))
    document = build_reconciliation_docx(carry_over)
    return file_response(qd.to_bytes(document), filename=report_name(carry_over, "docx"), kind=DOCX)


def report_xlsx(request, pk: int):
    carry_over = _carry_over(_successor(request, pk))
    return file_response(build_reconciliation_xlsx(carry_over), filename=report_name(carry_over, "xlsx"), kind=XLSX)


def progress(request, pk: int):
    """The counters as JSON, for the page's polling."""
    from django.http import JsonResponse

    carry_over = _carry_over(_successor(request, pk))
    return JsonResponse(
        {
            "status": carry_over.status,
            "completed": carry_over.completed,
            "total": carry_over.total,
            "drafts_created": carry_over.drafts_created,
            "records_moved": carry_over.records_moved,
        }
    )
