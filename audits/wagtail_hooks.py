from django.core.files.uploadedfile import UploadedFile
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView as GenericIndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button
from wagtail.permissions import register_permission_policy

from processes.models import FeedbackStatus
from qms.concurrency import with_version_token
from qms.display import DeadlineColumn, ReadableIndexMixin
from qms.files.serving import offers_pdf
from qms.people import full_name
from qms.permissions import (
    APPROVE,
    AUDIT,
    MANAGE,
    VIEW,
    CommuneScopedPolicy,
    CommuneScopedViewSetMixin,
    has_commune_perm,
    remembered,
)
from qms.service_views import ServiceViewSetMixin
from qms.spreadsheets import InertCsvExportMixin, TableXlsxExportMixin

from . import services, views
from .forms import (
    ActionPlanForm,
    AuditorForm,
    FindingForm,
    PlanForm,
    ProgrammeForm,
    ReviewForm,
    TrainingForm,
)
from .models import (
    ActionStatus,
    Auditor,
    AuditorTraining,
    AuditPlan,
    AuditProgramme,
    ContextStatement,
    CorrectiveAction,
    Finding,
    ManagementReview,
    OneStopImport,
    QualityObjective,
    Risk,
)
from .selectors import actions_list, findings_list


def _owns_active_actions(user) -> bool:
    return CorrectiveAction.objects.filter(owner=user, status__in=ActionStatus.active()).exists()


class CorrectiveActionPolicy(CommuneScopedPolicy):
    """The owner of an unfinished action may edit its plan, besides the ISO secretary."""

    def _owns(self, user, instance) -> bool:
        return (
            user.is_authenticated
            and instance.owner_id == user.pk
            and instance.status in ActionStatus.active()
            and has_commune_perm(user, instance.commune_id, VIEW)
        )

    def user_has_permission(self, user, action):
        if action == "change" and user.is_authenticated:
            if remembered(user, "owns_active_actions", lambda: _owns_active_actions(user)):
                return True
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "change" and self._owns(user, instance):
            return True
        return super().user_has_permission_for_instance(user, action, instance)


NO_DELETE = {"delete": None}
register_permission_policy(AuditProgramme, CommuneScopedPolicy(AuditProgramme, action_perms=NO_DELETE))
register_permission_policy(AuditPlan, CommuneScopedPolicy(AuditPlan, action_perms=NO_DELETE))
register_permission_policy(Auditor, CommuneScopedPolicy(Auditor, action_perms=NO_DELETE))
register_permission_policy(AuditorTraining, CommuneScopedPolicy(AuditorTraining, commune_path="auditor__commune"))
register_permission_policy(
    Finding, CommuneScopedPolicy(Finding, action_perms={"add": AUDIT, "change": AUDIT, "delete": None})
)
register_permission_policy(
    CorrectiveAction,
    CorrectiveActionPolicy(CorrectiveAction, action_perms={"add": None, "change": MANAGE, "delete": None}),
)
register_permission_policy(
    ManagementReview,
    CommuneScopedPolicy(ManagementReview, action_perms={"add": APPROVE, "change": APPROVE, "delete": None}),
)
register_permission_policy(QualityObjective, CommuneScopedPolicy(QualityObjective))
register_permission_policy(Risk, CommuneScopedPolicy(Risk))
register_permission_policy(ContextStatement, CommuneScopedPolicy(ContextStatement, action_perms=NO_DELETE))
register_permission_policy(
    OneStopImport, CommuneScopedPolicy(OneStopImport, action_perms={"add": None, "change": None, "delete": None})
)


# -- save functions: the viewsets' forms go through the services ----------------------------------------


def _data(form, *drop: str) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if k not in drop}


def save_programme(user, form, instance):
    if instance is None:
        return services.create_programme(acting_user=user, **_data(form))
    return services.update_programme(acting_user=user, programme=instance, **_data(form))


def save_plan(user, form, instance):
    if instance is None:
        return services.create_plan(acting_user=user, **_data(form))
    return services.update_plan(acting_user=user, plan=instance, **_data(form, "programme"))


def save_auditor(user, form, instance):
    commune = instance.commune if instance else form.cleaned_data["commune"]
    return services.save_auditor(acting_user=user, auditor=instance, **{**_data(form), "commune": commune})


def save_training(user, form, instance):
    data = _data(form, "auditor", "certificate_file")
    upload = form.cleaned_data.get("certificate_file")
    certificate = upload if isinstance(upload, UploadedFile) else ("" if upload is False else None)
    auditor = instance.auditor if instance else form.cleaned_data["auditor"]
    return services.save_training(
        acting_user=user, auditor=auditor, training=instance, certificate_file=certificate, **data
    )


def delete_training(user, instance):
    services.delete_training(acting_user=user, training=instance)


def save_finding(user, form, instance):
    if instance is not None:
        return services.update_finding(acting_user=user, finding=instance, **_data(form, "plan"))
    upload = form.cleaned_data.get("evidence_file")
    return services.raise_finding(acting_user=user, files=[upload] if upload else [], **_data(form, "evidence_file"))


def save_action(user, form, instance):
    return services.update_action_plan(acting_user=user, action=instance, **_data(form))


def save_review(user, form, instance):
    if instance is None:
        return services.create_review(acting_user=user, **_data(form))
    return services.update_review(acting_user=user, review=instance, **_data(form))


def save_objective(user, form, instance):
    commune = instance.commune if instance else form.cleaned_data["commune"]
    return services.save_objective(acting_user=user, objective=instance, **{**_data(form), "commune": commune})


def delete_objective(user, instance):
    services.delete_objective(acting_user=user, objective=instance)


# -- viewsets ------------------------------------------------------------------------------------------


class AuditIndexView(ReadableIndexMixin, InertCsvExportMixin, TableXlsxExportMixin, GenericIndexView):
    pass


class InspectFirstIndexView(AuditIndexView):
    """Rows open the record's page (files, corrective action), which links to its edit form."""

    def _get_custom_column(self, field_name, column_class=Column, **kwargs):
        if "get_url" in kwargs:
            kwargs["get_url"] = self.row_url
        return super()._get_custom_column(field_name, column_class, **kwargs)

    def row_url(self, instance):
        if self._may_inspect:
            return reverse(self.inspect_url_name, args=[instance.pk])
        return super().row_url(instance)


class AuditViewSet(CommuneScopedViewSetMixin, ServiceViewSetMixin, ModelViewSet):
    """Commune-scoped viewset whose forms save, and deletions delete, through a service."""

    index_view_class = AuditIndexView
    history_view_class = views.FollowerHistoryView
    inspect_view_class = views.AuditInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    form_class = None
    #: Query parameters that pre-fill the create form.
    initial_from_query: tuple[str, ...] = ()

    def get_form_class(self, for_update=False):
        return with_version_token(self.form_class) if for_update else self.form_class

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(initial_from_query=self.initial_from_query, **kwargs)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(queryset=self.list_queryset(), **kwargs)

    def list_queryset(self):
        return self.model.objects.select_related("commune")


class ProgrammeViewSet(AuditViewSet):
    model = AuditProgramme
    icon = "calendar-alt"
    menu_label = _("Audit programmes")
    form_class = ProgrammeForm
    save_function = staticmethod(save_programme)
    inspect_view_class = views.ProgrammeInspectView
    list_display = ["title", "commune", "year", "audit_month", "status"]
    list_filter = ["year", "status"]
    search_fields = ["title"]
    inspect_view_fields = [
        "commune",
        "year",
        "title",
        "objectives",
        "scope",
        "criteria",
        "audit_month",
        "clauses",
        "auditors",
        "document_number",
        "status",
        "approved_by",
        "approved_at",
        "copied_from",
    ]


class PlanViewSet(AuditViewSet):
    model = AuditPlan
    icon = "list-ul"
    menu_label = _("Audit plans")
    form_class = PlanForm
    save_function = staticmethod(save_plan)
    inspect_view_class = views.PlanInspectView
    index_view_class = InspectFirstIndexView
    list_display = ["title", "commune", "planned_start", "planned_end", "lead_auditor", "status"]
    list_filter = ["status", "programme__year"]
    search_fields = ["title"]
    inspect_view_fields = [
        "programme",
        "title",
        "objectives",
        "criteria",
        "planned_start",
        "planned_end",
        "lead_auditor",
        "team",
        "clauses",
        "document_number",
        "report_number",
        "status",
        "conclusion",
        "completed_on",
        "cancel_reason",
    ]

    def list_queryset(self):
        return AuditPlan.objects.select_related("commune", "lead_auditor__user")


class AuditorViewSet(AuditViewSet):
    model = Auditor
    icon = "user"
    menu_label = _("Auditor pool")
    form_class = AuditorForm
    save_function = staticmethod(save_auditor)
    list_display = [
        Column("name", label=pgettext_lazy("person", "full name")),
        "commune",
        "home_unit",
        "position",
        "is_active",
    ]
    list_filter = ["is_active"]
    search_fields = ["home_unit", "user__first_name", "user__last_name"]
    inspect_view_fields = ["commune", "user", "home_unit", "position", "competence", "is_active", "trainings"]

    def list_queryset(self):
        return Auditor.objects.select_related("commune", "user")


class TrainingViewSet(AuditViewSet):
    model = AuditorTraining
    icon = "doc-full"
    menu_label = _("Auditor training records")
    form_class = TrainingForm
    save_function = staticmethod(save_training)
    delete_function = staticmethod(delete_training)
    list_display = ["course", "auditor", "issued_on", "issuer", "certificate_number"]
    search_fields = ["course", "issuer"]
    inspect_view_fields = ["auditor", "course", "certificate_number", "issued_on", "issuer", "certificate_file"]

    def list_queryset(self):
        return AuditorTraining.objects.select_related("auditor__user", "auditor__commune")


class PersonColumn(Column):
    def get_value(self, instance):
        return full_name(super().get_value(instance)) or "–"


class ActionStatusColumn(Column):
    def get_value(self, instance):
        action = getattr(instance, "corrective_action", None)
        return f"{action.number} – {action.get_status_display()}" if action else "–"


class FindingViewSet(AuditViewSet):
    model = Finding
    icon = "warning"
    menu_label = _("Findings")
    form_class = FindingForm
    save_function = staticmethod(save_finding)
    initial_from_query = ("plan", "clause", "process")
    inspect_view_class = views.FindingInspectView
    index_view_class = InspectFirstIndexView
    list_display = [
        Column("code", label=_("number")),
        "commune",
        "plan",
        "kind",
        "clause",
        "description",
        Column("process_reference", label=_("process document")),
        ActionStatusColumn("corrective_action", label=_("corrective action")),
    ]
    list_filter = ["kind", "plan__programme__year"]
    search_fields = ["description"]
    list_export = [
        "code",
        "commune",
        "plan",
        "kind",
        "clause",
        "process_reference",
        "description",
        "evidence",
        "raised_on",
    ]
    export_filename = "phat-hien-danh-gia"
    inspect_view_fields = [
        "plan",
        "code",
        "kind",
        "clause",
        "process",
        "process_reference",
        "description",
        "requirement",
        "evidence",
        "raised_by",
        "raised_on",
    ]

    def list_queryset(self):
        return findings_list()


class ActionViewSet(AuditViewSet):
    model = CorrectiveAction
    icon = "tasks"
    menu_label = _("Corrective actions")
    form_class = ActionPlanForm
    save_function = staticmethod(save_action)
    inspect_view_class = views.ActionInspectView
    list_display = [
        Column("number", label=_("number")),
        "title",
        "commune",
        PersonColumn("owner", label=pgettext_lazy("audits", "owner")),
        DeadlineColumn(
            "due_date", label=_("due date"), is_open=lambda action: action.status in ActionStatus.unfinished()
        ),
        "status",
    ]
    list_filter = ["status", "year"]
    search_fields = ["title"]
    list_export = ["number", "title", "commune", "owner", "due_date", "status", "verification_result", "closed_at"]
    export_filename = "hanh-dong-khac-phuc"
    inspect_view_fields = [
        "number",
        "title",
        "finding",
        "decision",
        "immediate_correction",
        "root_cause",
        "action_plan",
        "owner",
        "due_date",
        "status",
        "requested_by",
        "requested_on",
        "submitted_at",
        "verification_result",
        "verification_note",
        "verified_by",
        "verified_at",
        "closed_at",
        "cancel_reason",
    ]

    def list_queryset(self):
        return actions_list()


class ReviewViewSet(AuditViewSet):
    model = ManagementReview
    icon = "group"
    menu_label = _("Management reviews")
    form_class = ReviewForm
    save_function = staticmethod(save_review)
    inspect_view_class = views.ReviewInspectView
    list_display = ["title", "commune", "year", "planned_on", "held_on", "status"]
    list_filter = ["year", "status"]
    inspect_view_fields = [
        "commune",
        "year",
        "title",
        "planned_on",
        "held_on",
        "location",
        "chair",
        "secretary",
        "attendees",
        "document_number",
        "status",
        "conclusions",
        "inputs_assembled_at",
    ]


from .board import admin as board_admin  # noqa: E402
from .context import admin as context_admin  # noqa: E402  (its viewset builds on the classes above)
from .objectives import admin as objective_admin  # noqa: E402  (its viewsets build on the classes above)
from .risks import admin as risk_admin  # noqa: E402  (its viewset builds on the classes above)

VIEWSETS = [
    ProgrammeViewSet("audits_programmes", url_prefix="audits/programmes"),
    PlanViewSet("audits_plans", url_prefix="audits/plans"),
    FindingViewSet("audits_findings", url_prefix="audits/findings"),
    ActionViewSet("audits_actions", url_prefix="audits/actions"),
    ReviewViewSet("audits_reviews", url_prefix="audits/reviews"),
    objective_admin.OBJECTIVES_VIEWSET,
    objective_admin.IMPORTS_VIEWSET,
    risk_admin.VIEWSET,
    context_admin.VIEWSET,
    board_admin.BOARD_VIEWSET,
    board_admin.POLICY_VIEWSET,
    AuditorViewSet("audits_auditors", url_prefix="audits/auditors"),
    TrainingViewSet("audits_trainings", url_prefix="audits/trainings"),
]


class AuditsMenuGroup(ViewSetGroup):
    menu_label = _("Internal audits")
    menu_icon = "clipboard-list"
    menu_order = 250
    items = VIEWSETS


@hooks.register("register_admin_viewset")
def register_audit_viewsets():
    return AuditsMenuGroup()


# -- per-object views, downloads ------------------------------------------------------------

admin_urlpatterns = [
    path("programme/<int:pk>/approve/", views.ApproveProgrammeView.as_view(), name="programme_approve"),
    path("programme/<int:pk>/next-year/", views.CopyProgrammeView.as_view(), name="programme_copy"),
    path("programme/<int:pk>/docx/", views.programme_docx, name="programme_docx"),
    path("plan/<int:pk>/scope/", views.PlanScopeView.as_view(), name="plan_scope"),
    path("plan/<int:pk>/generate-checklist/", views.GenerateChecklistView.as_view(), name="plan_generate"),
    path("plan/<int:pk>/checklist/", views.ChecklistView.as_view(), name="plan_checklist"),
    path("plan/<int:pk>/complete/", views.CompletePlanView.as_view(), name="plan_complete"),
    path("plan/<int:pk>/cancel/", views.CancelPlanView.as_view(), name="plan_cancel"),
    path("plan/<int:pk>/docx/", views.plan_docx, name="plan_docx"),
    path("plan/<int:pk>/report-docx/", views.report_docx, name="report_docx"),
    path("action/<int:pk>/progress/", views.ProgressView.as_view(), name="action_progress"),
    path("action/<int:pk>/submit/", views.SubmitView.as_view(), name="action_submit"),
    path("action/<int:pk>/verify/", views.VerifyView.as_view(), name="action_verify"),
    path("action/<int:pk>/cancel/", views.CancelActionView.as_view(), name="action_cancel"),
    path("action/<int:pk>/docx/", views.action_docx, name="action_docx"),
    path("review/<int:pk>/inputs/", views.ReviewInputsView.as_view(), name="review_inputs"),
    path("review/<int:pk>/decision/", views.DecisionView.as_view(), name="review_decision"),
    path("review/<int:pk>/hold/", views.HoldReviewView.as_view(), name="review_hold"),
    path("review/<int:pk>/docx/", views.review_docx, name="review_docx"),
    path("decision/<int:pk>/track/", views.TrackDecisionView.as_view(), name="decision_track"),
    path("feedback/<int:pk>/nonconformity/", views.FeedbackNonconformityView.as_view(), name="feedback_nonconformity"),
    path("one-stop/upload/", objective_admin.UploadView.as_view(), name="onestop_upload"),
    path("one-stop/preview/<str:token>/", objective_admin.PreviewView.as_view(), name="onestop_preview"),
    path("one-stop/template/", objective_admin.TemplateDownloadView.as_view(), name="onestop_template"),
    path(
        "commune/<int:pk>/objectives/<int:year>/",
        offers_pdf(objective_admin.ObjectivesDocxView.as_view()),
        name="objectives_docx",
    ),
    path("risk/<int:pk>/reassess/", risk_admin.ReassessView.as_view(), name="risk_reassess"),
    path("risk/<int:pk>/close/", risk_admin.CloseRiskView.as_view(), name="risk_close"),
    path("commune/<int:pk>/risk-heat-map/", risk_admin.HeatMapView.as_view(), name="risk_heatmap"),
    path(
        "commune/<int:pk>/risk-register/", offers_pdf(risk_admin.RegisterDocxView.as_view()), name="risk_register_docx"
    ),
    path("context/<int:pk>/contents/", context_admin.ContentsView.as_view(), name="context_contents"),
    path("context/<int:pk>/submit/", context_admin.SubmitStatementView.as_view(), name="context_submit"),
    path("context/<int:pk>/approve/", context_admin.ApproveStatementView.as_view(), name="context_approve"),
    path("context/<int:pk>/reject/", context_admin.RejectStatementView.as_view(), name="context_reject"),
    path("context/<int:pk>/docx/", offers_pdf(context_admin.ContextDocxView.as_view()), name="context_docx"),
]


@hooks.register("register_citizen_feedback_buttons")
def feedback_nonconformity_button(request, feedback):
    """On a citizen feedback's pages: turn it into a nonconformity (ISO officer), or open the action it became."""
    finding = Finding.objects.filter(feedback=feedback).select_related("corrective_action").first()
    action = getattr(finding, "corrective_action", None) if finding else None
    if action is not None and has_commune_perm(request.user, feedback.commune_id, VIEW):
        url = reverse("audits_actions:inspect", args=[action.pk])
        return [Button(_("Corrective action %(number)s") % {"number": action.number}, url=url, priority=30)]
    if feedback.status != FeedbackStatus.NONCONFORMITY and has_commune_perm(request.user, feedback.commune_id, MANAGE):
        url = reverse("audits_admin:feedback_nonconformity", args=[feedback.pk])
        return [Button(_("Turn into a nonconformity"), url=url, icon_name="warning", priority=30)]
    return []


@hooks.register("register_admin_urls")
def register_audit_admin_urls():
    return [path("audits/", include((admin_urlpatterns, "audits_admin"), namespace="audits_admin"))]
