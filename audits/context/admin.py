"""Admin of the context statements: the commune-scoped viewset, the page of the three sections,
submit / approve / send back, and the Word download."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail.admin.ui.tables import Column

from qms.concurrency import with_version_token
from qms.permissions import APPROVE, MANAGE

from .. import views as audit_views
from ..wagtail_hooks import AuditViewSet, InspectFirstIndexView, PersonColumn
from . import selectors, services
from .docx import build_context_docx, context_filename
from .forms import ContentsForm, ContextHeaderForm, ContextStartForm, DecisionForm, RejectForm, initial_rows
from .models import ContextStatement, ContextStatus


def save_statement(user, form, instance):
    data = dict(form.cleaned_data)
    if instance is None:
        return services.start_statement(acting_user=user, commune=data["commune"], year=data["year"])
    procedures = data.pop("procedures", None)
    if data.get("all_procedures"):
        procedures = None
    return services.update_statement(acting_user=user, statement=instance, procedures=procedures, **data)


class ContextInspectView(audit_views.AuditInspectView):
    related_template = "audits/admin/related/context.html"

    def get_field_display_value(self, field_name, field):
        if field_name == "climate_change_relevant":
            value = self.object.climate_change_relevant
            return {True: _("Yes"), False: _("No")}.get(value, "–")
        return super().get_field_display_value(field_name, field)

    def object_actions(self):
        user, statement = self.request.user, self.object
        manage = audit_views.has_perm(user, statement, MANAGE)
        approve = audit_views.has_perm(user, statement, APPROVE)
        draft, submitted = statement.status == ContextStatus.DRAFT, statement.status == ContextStatus.SUBMITTED
        return [
            *self.button(
                _("Edit the issues, parties and exclusions"),
                "audits_admin:context_contents",
                condition=draft and manage,
            ),
            *self.button(_("Edit the scope statement"), "audits_context:edit", condition=draft and manage),
            *self.button(_("Submit for approval"), "audits_admin:context_submit", condition=draft and manage),
            *self.button(_("Approve"), "audits_admin:context_approve", condition=submitted and approve),
            *self.button(_("Send back for changes"), "audits_admin:context_reject", condition=submitted and approve),
            *self.button(_("Download (Word)"), "audits_admin:context_docx"),
            *self.pdf_button(_("Download (PDF)"), "audits_admin:context_docx"),
        ]

    def related_context(self):
        statement = self.object
        return {
            "issues": statement.issues.all(),
            "parties": statement.parties.all(),
            "scope_procedures": selectors.scope_lines(statement),
            "exclusions": selectors.exclusion_rows(statement),
        }


class ContextViewSet(AuditViewSet):
    model = ContextStatement
    icon = "site"
    menu_label = gettext_lazy("Context and scope of the QMS")
    form_class = ContextStartForm
    save_function = staticmethod(save_statement)
    inspect_view_class = ContextInspectView
    index_view_class = InspectFirstIndexView
    list_display = [
        Column("title", label=gettext_lazy("context and scope of the QMS")),
        "commune",
        "year",
        Column("version", label=gettext_lazy("version")),
        "status",
        PersonColumn("approved_by", label=gettext_lazy("approved by")),
        "approved_on",
    ]
    list_filter = ["year", "status"]
    inspect_view_fields = [
        "commune",
        "year",
        "version",
        "status",
        "scope_statement",
        "all_procedures",
        "climate_change_relevant",
        "climate_change_note",
        "based_on",
        "submitted_by",
        "submitted_on",
        "approved_by",
        "approved_on",
        "review_comment",
        "created_by",
    ]

    def get_form_class(self, for_update=False):
        return with_version_token(ContextHeaderForm) if for_update else ContextStartForm

    def list_queryset(self):
        return ContextStatement.objects.select_related("commune", "approved_by")


# -- the three sections and the workflow ------------------------------------------------------------------


class StatementView(audit_views.ObjectFormView):
    model = ContextStatement
    perms = (MANAGE,)
    inspect_url_name = "audits_context:inspect"

    def version_state(self):
        s = self.object
        return [s.status, s.version]

    def version_history(self):
        return self.object.history.all()


class ContentsView(StatementView):
    page_title = pgettext_lazy("context", "Issues, interested parties and exclusions")
    template_name = "audits/admin/context_contents.html"
    submit_label = gettext_lazy("Save")
    intro = gettext_lazy(
        "List the internal and external issues that affect the commune's results (4.1), the interested parties "
        "with their needs and how they are followed (4.2) and what is left out of the scope, with why (4.3). "
        "Tick Delete to remove a row."
    )

    def get_form(self, form_class=None):
        data = self.request.POST if self.request.method == "POST" else None
        return ContentsForm(data, statement=self.object)

    def version_state(self):
        return [self.object.status, *(initial_rows(self.object, name) for name in ("issues", "parties", "exclusions"))]

    def perform(self, form):
        services.update_statement(
            acting_user=self.request.user,
            statement=self.object,
            issues=form.issues.rows(),
            parties=form.parties.rows(),
            exclusions=form.exclusions.rows(),
        )
        return _("The context and scope have been saved.")


class SubmitStatementView(StatementView):
    page_title = gettext_lazy("Submit for approval")
    submit_label = gettext_lazy("Submit")
    intro = gettext_lazy("The commune's leader approves the context and scope, or sends them back with a comment.")

    def perform(self, form):
        services.submit_statement(acting_user=self.request.user, statement=self.object)
        return _("The context and scope have been submitted for approval.")


class ApproveStatementView(StatementView):
    perms = (APPROVE,)
    page_title = gettext_lazy("Approve")
    submit_label = gettext_lazy("Approve")
    form_class = DecisionForm

    def perform(self, form):
        services.approve_statement(acting_user=self.request.user, statement=self.object, **form.cleaned_data)
        return _("The context and scope have been approved.")


class RejectStatementView(StatementView):
    perms = (APPROVE,)
    page_title = gettext_lazy("Send back for changes")
    submit_label = gettext_lazy("Send back")
    form_class = RejectForm

    def perform(self, form):
        services.reject_statement(acting_user=self.request.user, statement=self.object, **form.cleaned_data)
        return _("The context and scope have been sent back for changes.")


class ContextDocxView(audit_views.DocxView):
    model = ContextStatement
    builder = staticmethod(build_context_docx)
    filename = staticmethod(context_filename)


VIEWSET = ContextViewSet("audits_context", url_prefix="audits/context")
