"""Admin views of the audits app: guarded viewset views that save through the
services, per-object action forms (transitions, checklist, scope, decisions),
Word downloads and the user's notifications.

Every view that takes a ``pk`` loads the object (404) and checks the user's
permission on its commune before doing anything (another commune's record: 404;
seen without the right: 403).
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, ForeignKey
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import FormView, View
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView

from processes.models import CitizenFeedback
from qms import docx as vn
from qms import permissions
from qms.concurrency import VersionForm
from qms.display import deadline_html, display_value
from qms.files import PrivateFieldFile
from qms.files.pdf import pdf_available
from qms.files.policy import DOCX
from qms.files.serving import file_response, offers_pdf, pdf_url
from qms.people import full_name
from qms.permissions import APPROVE, AUDIT, MANAGE, VIEW

from . import docx as audit_docx
from . import selectors, services
from .forms import (
    ChecklistFormSet,
    CompletePlanForm,
    ConfirmForm,
    DecisionForm,
    FeedbackNonconformityForm,
    HoldReviewForm,
    ProgressForm,
    ReasonForm,
    ScopeFormSet,
    VerifyForm,
    add_service_errors,
)
from .models import (
    ActionStatus,
    AuditedProcess,
    AuditPlan,
    AuditProgramme,
    ChecklistItem,
    ChecklistResult,
    CorrectiveAction,
    Effectiveness,
    ManagementReview,
    PlanStatus,
    ProgrammeStatus,
    ReviewDecision,
    ReviewStatus,
)
from .review_inputs import input_sections


def admin_url(name: str, obj=None) -> str:
    return reverse(name, args=[obj.pk] if obj is not None else [])


def has_perm(user, obj, *perms: str) -> bool:
    return any(permissions.has_commune_perm(user, obj.commune_id, perm) for perm in perms)


# -- viewset views ---------------------------------------------------------------------------------


class FollowerHistoryView(HistoryView):
    """The audit-log history, readable by everyone who may view the object (followers too)."""

    any_permission_required = ["add", "change", "delete", "view"]


def _display(field, value) -> str:
    if value in (None, ""):
        return "–"
    choices = dict(field.flatchoices) if field.choices else None
    return str(choices.get(value, value)) if choices else str(display_value(value))


#: The reasons services give their saves (``_save(..., reason=...)``), as a reader of the history says them.
CHANGE_REASONS = {
    "approve": pgettext_lazy("change reason", "approved"),
    "cancel": pgettext_lazy("change reason", "cancelled"),
    "close": pgettext_lazy("change reason", "closed"),
    "complete": pgettext_lazy("change reason", "completed"),
    "copy": pgettext_lazy("change reason", "copied from the previous year"),
    "hold": pgettext_lazy("change reason", "review held"),
    "inputs": pgettext_lazy("change reason", "inputs assembled"),
    "open": pgettext_lazy("change reason", "opened"),
    "plan": pgettext_lazy("change reason", "action planned"),
    "progress": pgettext_lazy("change reason", "progress recorded"),
    "reassess": pgettext_lazy("change reason", "re-assessed after treatment"),
    "reject": pgettext_lazy("change reason", "sent back for changes"),
    "start": pgettext_lazy("change reason", "started"),
    "submit": pgettext_lazy("change reason", "submitted"),
    "verify": pgettext_lazy("change reason", "verified"),
}


def change_history(obj) -> list[dict]:
    """simple-history records of ``obj``, newest first, with who, when and what changed."""
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    rows, previous = [], None
    for record in records:
        changes = []
        if previous is not None:
            for change in record.diff_against(previous).changes:
                field = obj._meta.get_field(change.field)
                if isinstance(field, ForeignKey):
                    changes.append(str(field.verbose_name))
                    continue
                changes.append(f"{field.verbose_name}: {_display(field, change.old)} → {_display(field, change.new)}")
        reason = record.history_change_reason or ""
        rows.append(
            {
                "record": record,
                "user": record.history_user,
                "changes": changes,
                "reason": CHANGE_REASONS.get(reason, reason),
            }
        )
        previous = record
    return rows[::-1]


class AuditInspectView(generic.InspectView):
    """Inspect view with the object's action buttons, related tables and change history."""

    template_name = "audits/admin/inspect.html"
    related_template = None
    #: Labels of the properties listed in ``inspect_view_fields`` (model fields use their verbose name).
    property_labels = {
        "code": gettext_lazy("number"),
        "number": gettext_lazy("number"),
        "process_reference": gettext_lazy("process document"),
        "trainings": gettext_lazy("auditor training records"),
    }

    def get_field_label(self, field_name, field):
        if field_name in self.property_labels:
            return capfirst(self.property_labels[field_name])
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if value is None or value == "":
            return "–"
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, get_user_model()):
            return full_name(value)
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
        if isinstance(value, datetime.date):
            return value.strftime("%d/%m/%Y")
        if isinstance(value, PrivateFieldFile):
            return format_html('<a href="{}">{}</a>', value.url, value.original_name)
        return value

    def object_actions(self) -> list[dict]:
        """Buttons: ``{"label", "url"}`` for what this user may do on the object (override)."""
        return []

    def related_context(self) -> dict:
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object_actions=self.object_actions(),
            change_history=change_history(self.object),
            related_template=self.related_template,
            history_url=self.get_history_url(),
            **self.related_context(),
        )
        return context

    def get_history_url(self):
        return reverse(self.history_url_name, args=[self.object.pk]) if getattr(self, "history_url_name", None) else ""

    def button(self, label, name: str, *, condition: bool = True) -> list[dict]:
        return [{"label": label, "url": admin_url(name, self.object)}] if condition else []

    def pdf_button(self, label, name: str) -> list[dict]:
        """The PDF beside the Word download ``name``, when LibreOffice can make it."""
        return [{"label": label, "url": pdf_url(admin_url(name, self.object))}] if pdf_available() else []


class ProgrammeInspectView(AuditInspectView):
    related_template = "audits/admin/related/programme.html"

    def object_actions(self):
        user, p = self.request.user, self.object
        return [
            *self.button(
                _("Approve"),
                "audits_admin:programme_approve",
                condition=p.status == ProgrammeStatus.DRAFT and has_perm(user, p, APPROVE),
            ),
            *self.button(
                _("Start next year's programme from this one"),
                "audits_admin:programme_copy",
                condition=has_perm(user, p, MANAGE),
            ),
            *self.button(_("Download Word"), "audits_admin:programme_docx"),
            *self.pdf_button(_("Download PDF"), "audits_admin:programme_docx"),
        ]

    def related_context(self):
        plans = self.object.plans.select_related("lead_auditor__user").order_by("sequence")
        return {
            "plans": plans,
            "add_plan_url": reverse("audits_plans:add") if has_perm(self.request.user, self.object, MANAGE) else "",
        }


class PlanInspectView(AuditInspectView):
    related_template = "audits/admin/related/plan.html"

    def object_actions(self):
        user, plan = self.request.user, self.object
        open_, manage, audit = plan.is_open, has_perm(user, plan, MANAGE), has_perm(user, plan, AUDIT)
        edit = [{"label": _("Edit"), "url": reverse("audits_plans:edit", args=[plan.pk])}] if open_ and manage else []
        return [
            *edit,
            *self.button(_("Set scope and auditors"), "audits_admin:plan_scope", condition=open_ and manage),
            *self.button(_("Generate checklist"), "audits_admin:plan_generate", condition=open_ and (manage or audit)),
            *self.button(
                _("Fill in checklist"),
                "audits_admin:plan_checklist",
                condition=plan.status == PlanStatus.IN_PROGRESS and audit,
            ),
            *self.button(
                _("Complete audit"),
                "audits_admin:plan_complete",
                condition=plan.status == PlanStatus.IN_PROGRESS and audit,
            ),
            *self.button(_("Cancel audit"), "audits_admin:plan_cancel", condition=open_ and manage),
            *self.button(_("Download plan (Word)"), "audits_admin:plan_docx"),
            *self.pdf_button(_("Download plan (PDF)"), "audits_admin:plan_docx"),
            *self.button(_("Download report (Word)"), "audits_admin:report_docx"),
            *self.pdf_button(_("Download report (PDF)"), "audits_admin:report_docx"),
        ]

    def related_context(self):
        plan = self.object
        return {
            "processes": plan.processes.select_related("auditor__user").prefetch_related("responsible_users"),
            "findings": selectors.plan_findings(plan),
            "checklist_summary": _checklist_summary(plan),
            "add_finding_url": (
                f"{reverse('audits_findings:add')}?plan={plan.pk}"
                if plan.is_open and has_perm(self.request.user, plan, AUDIT)
                else ""
            ),
        }


def _checklist_summary(plan) -> list[tuple[str, int]]:
    counts = dict(plan.checklist.values_list("result").annotate(n=Count("pk")).order_by())
    return [(label, counts.get(value, 0)) for value, label in ChecklistResult.choices]


class FindingInspectView(AuditInspectView):
    related_template = "audits/admin/related/finding.html"

    def object_actions(self):
        finding = self.object
        editable = finding.plan_id and finding.plan.is_open and has_perm(self.request.user, finding, AUDIT)
        edit = [{"label": _("Edit"), "url": reverse("audits_findings:edit", args=[finding.pk])}] if editable else []
        risk = [
            {"label": _("Raise a risk from this finding"), "url": f"{reverse('audits_risks:add')}?finding={finding.pk}"}
        ]
        return edit + (risk if has_perm(self.request.user, finding, MANAGE) else [])

    def related_context(self):
        return {"action": getattr(self.object, "corrective_action", None), "files": self.object.files.all()}


class ActionInspectView(AuditInspectView):
    related_template = "audits/admin/related/action.html"

    def get_field_display_value(self, field_name, field):
        if field_name == "due_date":
            return deadline_html(self.object.due_date, is_open=self.object.status in ActionStatus.unfinished())
        return super().get_field_display_value(field_name, field)

    def object_actions(self):
        user, action = self.request.user, self.object
        owner_or_manager = user.pk == action.owner_id or has_perm(user, action, MANAGE)
        active = action.status in ActionStatus.active()
        return [
            *self.button(_("Root cause and action plan"), "audits_actions:edit", condition=active and owner_or_manager),
            *self.button(_("Update progress"), "audits_admin:action_progress", condition=active and owner_or_manager),
            *self.button(
                _("Submit for verification"), "audits_admin:action_submit", condition=active and owner_or_manager
            ),
            *self.button(
                _("Verify effectiveness"),
                "audits_admin:action_verify",
                condition=action.status == ActionStatus.AWAITING_VERIFICATION and can_verify(user, action),
            ),
            *self.button(
                _("Cancel"),
                "audits_admin:action_cancel",
                condition=action.status in ActionStatus.unfinished() and has_perm(user, action, MANAGE, APPROVE),
            ),
            *self.button(_("Download Word"), "audits_admin:action_docx"),
            *self.pdf_button(_("Download PDF"), "audits_admin:action_docx"),
        ]

    def related_context(self):
        return {"notes": self.object.progress_notes.select_related("author").order_by("-created_at", "-pk")}


class ReviewInspectView(AuditInspectView):
    related_template = "audits/admin/related/review.html"

    def object_actions(self):
        user, review = self.request.user, self.object
        planned = review.status == ReviewStatus.PLANNED
        return [
            *self.button(
                _("Assemble inputs from the data"),
                "audits_admin:review_inputs",
                condition=planned and has_perm(user, review, APPROVE, MANAGE),
            ),
            *self.button(
                _("Record a decision"), "audits_admin:review_decision", condition=has_perm(user, review, APPROVE)
            ),
            *self.button(
                _("Record the review as held"),
                "audits_admin:review_hold",
                condition=planned and has_perm(user, review, APPROVE),
            ),
            *self.button(_("Download minutes (Word)"), "audits_admin:review_docx"),
            *self.pdf_button(_("Download minutes (PDF)"), "audits_admin:review_docx"),
        ]

    def related_context(self):
        review = self.object
        decisions = review.decisions.select_related("owner", "action").order_by("order", "pk")
        can_track = has_perm(self.request.user, review, APPROVE)
        return {
            "inputs": review.inputs,
            "input_sections": input_sections(review.inputs or {}),
            "decisions": [
                {
                    "decision": d,
                    "action": getattr(d, "action", None),
                    "track_url": admin_url("audits_admin:decision_track", d)
                    if can_track and not hasattr(d, "action")
                    else "",
                }
                for d in decisions
            ],
        }


# -- per-object admin views --------------------------------------------------------------------------


class CommuneObjectMixin:
    """Load ``model`` by ``pk`` (404) and require one of ``perms`` on its commune
    (another commune's record: 404; seen without the right: 403)."""

    model = None
    perms: tuple[str, ...] = (VIEW,)
    inspect_url_name = ""

    def get_queryset(self):
        return self.model._default_manager.all()

    def commune_id_of(self, obj) -> int:
        return obj.commune_id

    def allowed(self, user, obj) -> bool:
        return any(permissions.has_commune_perm(user, self.commune_id_of(obj), perm) for perm in self.perms)

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        if not self.allowed(request.user, self.object):
            permissions.refuse_commune_record(request.user, self.commune_id_of(self.object))
        return super().dispatch(request, *args, **kwargs)

    def inspect_url(self) -> str:
        return admin_url(self.inspect_url_name, self.object)


class ObjectFormView(CommuneObjectMixin, WagtailAdminTemplateMixin, FormView):
    """A form about one object (a transition, a decision…) that calls a service on POST."""

    template_name = "audits/admin/object_form.html"
    form_class = ConfirmForm
    header_icon = "form"
    submit_label = gettext_lazy("Save")
    #: Explains what the form does (shown above it).
    intro = ""

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": self.inspect_url(), "label": str(self.object)},
            {"url": "", "label": self.get_page_title()},
        ]

    def perform(self, form) -> str:
        """Call the service; return the success message (override)."""
        raise NotImplementedError

    def version_state(self):
        """What the page shows of the data it edits, for the stale-save check (``None``: no check)."""
        return None

    def version_history(self):
        """Historical records of the rows the page edits (they name who saved last)."""
        return None

    @cached_property
    def version_form(self):
        state = self.version_state()
        if state is None:
            return None
        data = self.request.POST if self.request.method == "POST" else None
        return VersionForm(
            data, state=state, version_object=self.object, version_history=self.version_history(), prefix="version"
        )

    def form_valid(self, form):
        if self.version_form is not None and not self.version_form.is_valid():
            for error in self.version_form.non_field_errors():
                messages.error(self.request, error)
            return self.form_invalid(form)
        try:
            with transaction.atomic():
                message = self.perform(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.get_success_url())

    def get_success_url(self):
        return self.inspect_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object, submit_label=self.submit_label, intro=self.intro, cancel_url=self.inspect_url()
        )
        context["version_form"] = self.version_form
        return context


class ProgrammeView(ObjectFormView):
    model = AuditProgramme
    inspect_url_name = "audits_programmes:inspect"


class ApproveProgrammeView(ProgrammeView):
    perms = (APPROVE,)
    page_title = gettext_lazy("Approve audit programme")
    submit_label = gettext_lazy("Approve")

    def perform(self, form):
        services.approve_programme(acting_user=self.request.user, programme=self.object)
        return _("The programme has been approved.")


class CopyProgrammeView(ProgrammeView):
    perms = (MANAGE,)
    page_title = gettext_lazy("Start next year's programme")
    submit_label = gettext_lazy("Create next year's programme")
    intro = gettext_lazy(
        "A draft programme for next year is created with the same objectives, scope, clauses and audit team; "
        "its audits are copied without their checklists, findings or results."
    )

    def perform(self, form):
        self.copy = services.copy_programme_to_next_year(acting_user=self.request.user, programme=self.object)
        return _("The %(year)s programme has been created.") % {"year": self.copy.year}

    def get_success_url(self):
        return admin_url(self.inspect_url_name, self.copy)


class PlanView(ObjectFormView):
    model = AuditPlan
    inspect_url_name = "audits_plans:inspect"


class PlanScopeView(PlanView):
    perms = (MANAGE,)
    page_title = gettext_lazy("Scope and auditors")
    template_name = "audits/admin/scope_form.html"
    intro = gettext_lazy(
        "List the processes (or units) audited, who is responsible for each and which auditor audits it. "
        "An auditor may not audit their own unit or a process they drafted or are responsible for."
    )

    def get_form(self, form_class=None):
        kwargs = {"form_kwargs": {"plan": self.object}, "prefix": "scope"}
        if self.request.method == "POST":
            return ScopeFormSet(self.request.POST, **kwargs)
        return ScopeFormSet(initial=self._initial(), **kwargs)

    def _saved_rows(self) -> list[dict]:
        return [
            {
                "pk": p.pk,
                "document_id": p.document_id,
                "document_code": p.document_code,
                "title": p.title,
                "issue_number": p.issue_number,
                "responsible_unit": p.responsible_unit,
                "responsible_users": list(p.responsible_users.all()),
                "auditee": p.auditee,
                "auditor": p.auditor_id,
                "audit_date": p.audit_date,
            }
            for p in self.object.processes.prefetch_related("responsible_users").order_by("order", "pk")
        ]

    def version_state(self):
        return self._saved_rows()

    def version_history(self):
        return AuditedProcess.history.filter(plan_id=self.object.pk)

    def _initial(self) -> list[dict]:
        rows = self._saved_rows()
        if self.request.GET.get("suggest"):
            known = {row["document_id"] for row in rows}
            for item in selectors.effective_process_documents(self.object.commune_id):
                if item.document_id not in known:
                    rows.append(
                        {
                            "document_id": item.document_id,
                            "document_code": item.document_code,
                            "title": item.procedure_name,
                        }
                    )
        return rows

    def perform(self, formset):
        rows = [services.ProcessInput(**{k: v for k, v in row.items() if k != "DELETE"}) for row in formset.rows()]
        saved = services.set_plan_scope(acting_user=self.request.user, plan=self.object, processes=rows)
        return _("%(count)d processes in the scope.") % {"count": len(saved)}


class GenerateChecklistView(PlanView):
    perms = (MANAGE, AUDIT)
    page_title = gettext_lazy("Generate checklist")
    submit_label = pgettext_lazy("audits", "Generate")
    intro = gettext_lazy(
        "One question per clause of the audit, asked for each process in scope when the clause concerns "
        "processes. Items already in the checklist are kept."
    )

    def perform(self, form):
        created = services.generate_checklist(acting_user=self.request.user, plan=self.object)
        return _("%(count)d checklist items created.") % {"count": created}


class ChecklistView(PlanView):
    perms = (AUDIT,)
    page_title = gettext_lazy("Checklist")
    template_name = "audits/admin/checklist_form.html"

    def items(self):
        items = selectors.plan_checklist(self.object)
        if process := self.request.GET.get("process"):
            items = items.filter(process_id=process) if process != "system" else items.filter(process__isnull=True)
        return list(items)

    def get_form(self, form_class=None):
        self.checklist = self.items()
        initial = [{"result": i.result, "evidence": i.evidence} for i in self.checklist]
        kwargs = {"initial": initial, "prefix": "items"}
        if self.request.method == "POST":
            return ChecklistFormSet(self.request.POST, self.request.FILES, **kwargs)
        return ChecklistFormSet(**kwargs)

    def version_state(self):
        return [{"pk": i.pk, "result": i.result, "evidence": i.evidence} for i in self.checklist]

    def version_history(self):
        return ChecklistItem.history.filter(plan_id=self.object.pk)

    def perform(self, formset):
        recorded = 0
        for item, form in zip(self.checklist, formset.forms, strict=False):
            data = form.cleaned_data
            if not form.has_changed() or data["result"] == ChecklistResult.PENDING:
                continue
            files = [data["file"]] if data.get("file") else []
            try:
                services.record_checklist_result(
                    acting_user=self.request.user,
                    item=item,
                    result=data["result"],
                    evidence=data["evidence"],
                    files=files,
                )
            except ValidationError as exc:
                raise ValidationError([f"{item}: {message}" for message in exc.messages]) from exc
            recorded += 1
        return _("%(count)d checklist results recorded.") % {"count": recorded}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = list(zip(self.checklist, context["form"].forms, strict=False))
        context["processes"] = self.object.processes.order_by("order", "pk")
        context["acknowledgements"] = selectors.process_acknowledgements(self.object)
        context["add_finding_url"] = reverse("audits_findings:add")
        return context


class CompletePlanView(PlanView):
    perms = (AUDIT,)
    page_title = gettext_lazy("Complete audit")
    form_class = CompletePlanForm
    submit_label = gettext_lazy("Complete")

    def get_initial(self):
        return {"completed_on": timezone.localdate(), "conclusion": self.object.conclusion}

    def perform(self, form):
        services.complete_plan(acting_user=self.request.user, plan=self.object, **form.cleaned_data)
        return _("The audit has been completed.")


class CancelPlanView(PlanView):
    perms = (MANAGE,)
    page_title = gettext_lazy("Cancel audit")
    form_class = ReasonForm
    submit_label = gettext_lazy("Cancel the audit")

    def perform(self, form):
        services.cancel_plan(acting_user=self.request.user, plan=self.object, reason=form.cleaned_data["reason"])
        return _("The audit has been cancelled.")


def can_verify(user, action) -> bool:
    perms = (AUDIT,) if action.finding_id and action.finding.plan_id else (AUDIT, APPROVE)
    return user.pk != action.owner_id and has_perm(user, action, *perms)


class ActionView(ObjectFormView):
    model = CorrectiveAction
    inspect_url_name = "audits_actions:inspect"

    def get_queryset(self):
        return selectors.actions_list()


class OwnerOrManagerMixin:
    def allowed(self, user, obj):
        owns = user.pk == obj.owner_id and permissions.has_commune_perm(user, obj.commune_id, VIEW)
        return owns or permissions.has_commune_perm(user, obj.commune_id, MANAGE)


class ProgressView(OwnerOrManagerMixin, ActionView):
    page_title = gettext_lazy("Update progress")
    form_class = ProgressForm

    def perform(self, form):
        services.add_progress(acting_user=self.request.user, action=self.object, **form.cleaned_data)
        return _("Progress recorded.")


class SubmitView(OwnerOrManagerMixin, ActionView):
    page_title = gettext_lazy("Submit for verification")
    submit_label = gettext_lazy("Submit")
    intro = gettext_lazy("The auditor will check whether the action was effective before it can be closed.")

    def perform(self, form):
        services.submit_for_verification(acting_user=self.request.user, action=self.object)
        return _("The action is awaiting verification.")


class VerifyView(ActionView):
    page_title = gettext_lazy("Verify effectiveness")
    form_class = VerifyForm
    submit_label = gettext_lazy("Record verification")

    def allowed(self, user, obj):
        return can_verify(user, obj)

    def perform(self, form):
        effective = form.cleaned_data["effectiveness"] == Effectiveness.EFFECTIVE
        services.verify_action(
            acting_user=self.request.user, action=self.object, effective=effective, note=form.cleaned_data["note"]
        )
        return (
            _("The action has been closed.") if effective else _("The action was not effective and has been reopened.")
        )


class CancelActionView(ActionView):
    perms = (MANAGE, APPROVE)
    page_title = gettext_lazy("Cancel action")
    form_class = ReasonForm
    submit_label = gettext_lazy("Cancel the action")

    def perform(self, form):
        services.cancel_action(acting_user=self.request.user, action=self.object, reason=form.cleaned_data["reason"])
        return _("The action has been cancelled.")


class FeedbackNonconformityView(ObjectFormView):
    """Turn a citizen's feedback into a nonconformity and its corrective action request (ISO officer)."""

    model = CitizenFeedback
    perms = (MANAGE,)
    inspect_url_name = "citizen_feedback:inspect"
    page_title = gettext_lazy("Turn into a nonconformity")
    form_class = FeedbackNonconformityForm
    submit_label = gettext_lazy("Raise the nonconformity")
    intro = gettext_lazy(
        "A nonconformity (clause 9.1.2) is recorded from this feedback and a corrective action request "
        "is sent to the person responsible."
    )

    def get_queryset(self):
        return CitizenFeedback.objects.select_related("commune", "procedure")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "commune": self.object.commune}

    def get_initial(self):
        return {"description": self.object.comment}

    def perform(self, form):
        self.finding = services.raise_nonconformity_from_feedback(
            acting_user=self.request.user, feedback=self.object, **form.cleaned_data
        )
        return _("Nonconformity %(code)s and corrective action %(number)s have been raised.") % {
            "code": self.finding.code,
            "number": self.finding.corrective_action.number,
        }

    def get_success_url(self):
        return admin_url("audits_actions:inspect", self.finding.corrective_action)


class ReviewView(ObjectFormView):
    model = ManagementReview
    inspect_url_name = "audits_reviews:inspect"


class ReviewInputsView(ReviewView):
    perms = (APPROVE, MANAGE)
    page_title = gettext_lazy("Assemble review inputs")
    submit_label = gettext_lazy("Assemble")
    intro = gettext_lazy(
        "The inputs required by TCVN ISO 9001:2015 clause 9.3.2 are taken from the data: previous review actions, "
        "audit results, nonconformities and corrective actions, process performance and quality objectives."
    )

    def perform(self, form):
        services.assemble_review_inputs(acting_user=self.request.user, review=self.object)
        return _("The review inputs have been assembled.")


class DecisionView(ReviewView):
    perms = (APPROVE,)
    page_title = gettext_lazy("Record a decision")
    form_class = DecisionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "commune": self.object.commune}

    def perform(self, form):
        services.add_decision(acting_user=self.request.user, review=self.object, **form.cleaned_data)
        return _("The decision has been recorded.")


class HoldReviewView(ReviewView):
    perms = (APPROVE,)
    page_title = gettext_lazy("Record the review as held")
    form_class = HoldReviewForm

    def get_initial(self):
        return {"held_on": timezone.localdate(), "conclusions": self.object.conclusions}

    def perform(self, form):
        services.hold_review(acting_user=self.request.user, review=self.object, **form.cleaned_data)
        return _("The management review has been recorded as held.")


class TrackDecisionView(ObjectFormView):
    model = ReviewDecision
    perms = (APPROVE,)
    inspect_url_name = "audits_reviews:inspect"
    page_title = gettext_lazy("Track decision as an action")
    submit_label = gettext_lazy("Track")

    def get_queryset(self):
        return ReviewDecision.objects.select_related("review")

    def commune_id_of(self, obj):
        return obj.review.commune_id

    def inspect_url(self):
        return admin_url(self.inspect_url_name, self.object.review)

    def perform(self, form):
        action = services.track_decision(acting_user=self.request.user, decision=self.object)
        return _("Action %(number)s opened.") % {"number": action.number}


# -- Word downloads --------------------------------------------------------------------------------


class DocxView(CommuneObjectMixin, View):
    """Download one record as a Word document (everyone who may view it)."""

    builder = None
    filename = None

    def get(self, request, *args, **kwargs):
        return file_response(vn.to_bytes(self.builder(self.object)), filename=self.filename(self.object), kind=DOCX)


def docx_view(model, builder, filename):
    return offers_pdf(DocxView.as_view(model=model, builder=staticmethod(builder), filename=staticmethod(filename)))


programme_docx = docx_view(AuditProgramme, audit_docx.build_programme_docx, audit_docx.programme_filename)
plan_docx = docx_view(AuditPlan, audit_docx.build_plan_docx, audit_docx.plan_filename)
report_docx = docx_view(AuditPlan, audit_docx.build_report_docx, audit_docx.report_filename)
action_docx = docx_view(CorrectiveAction, audit_docx.build_action_docx, audit_docx.action_filename)
review_docx = docx_view(ManagementReview, audit_docx.build_review_docx, audit_docx.review_filename)
