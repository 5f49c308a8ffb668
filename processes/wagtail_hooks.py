from django.db.models import Case, Q, Value, When
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.permissions import register_permission_policy

from qms.permissions import CommuneScopedPolicy

from .models import CitizenFeedback, CommuneProcedure, DocumentUpdateFlag, Procedure, ProcessDocument
from .policies import CatalogueReadPolicy, ProcessDocumentPolicy

# Policies first: every view of these models is checked against them.
register_permission_policy(ProcessDocument, ProcessDocumentPolicy(ProcessDocument))
register_permission_policy(Procedure, CatalogueReadPolicy(Procedure))
register_permission_policy(CommuneProcedure, CommuneScopedPolicy(CommuneProcedure, commune_path="commune"))
register_permission_policy(
    CitizenFeedback,
    # Citizens send feedback on the public page; officers answer it; nothing is deleted.
    CommuneScopedPolicy(CitizenFeedback, action_perms={"add": None, "delete": None}),
)
register_permission_policy(
    DocumentUpdateFlag,
    # Flags are raised and resolved by services only.
    CommuneScopedPolicy(
        DocumentUpdateFlag, commune_path="document__commune", action_perms={"add": None, "change": None, "delete": None}
    ),
)

import datetime  # noqa: E402

import django_filters  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.exceptions import PermissionDenied  # noqa: E402
from django.http import Http404  # noqa: E402
from django.shortcuts import get_object_or_404  # noqa: E402
from django.utils.functional import cached_property  # noqa: E402
from wagtail import hooks  # noqa: E402
from wagtail.admin.filters import WagtailFilterSet  # noqa: E402
from wagtail.admin.menu import MenuItem  # noqa: E402
from wagtail.admin.panels import (  # noqa: E402
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.admin.ui.tables import Column  # noqa: E402
from wagtail.admin.views.generic import models as generic  # noqa: E402
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin  # noqa: E402
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup  # noqa: E402
from wagtail.admin.viewsets.model import ModelViewSet  # noqa: E402
from wagtail.models import WorkflowState  # noqa: E402
from wagtail.snippets.models import SnippetAdminURLFinder, register_snippet  # noqa: E402
from wagtail.snippets.views import chooser as chooser_views  # noqa: E402
from wagtail.snippets.views import snippets as snippet_views  # noqa: E402
from wagtail.snippets.views.chooser import SnippetChooserViewSet  # noqa: E402
from wagtail.snippets.views.snippets import SnippetViewSet  # noqa: E402

from qms import permissions  # noqa: E402
from qms.concurrency import missing_version_message, stale_revision_message, with_version_token  # noqa: E402
from qms.display import (  # noqa: E402
    DeadlineColumn,
    ReadableIndexMixin,
    ShortTextColumn,
    ValueColumn,
    display_value,  # noqa: E402
)
from qms.files.pdf import pdf_available  # noqa: E402
from qms.files.serving import offers_pdf, pdf_url  # noqa: E402
from qms.object_scope import register_owned_kwarg  # noqa: E402
from qms.people import full_name  # noqa: E402
from qms.permissions import CommuneScopedViewSetMixin  # noqa: E402
from qms.service_views import ServiceEditView, ServiceViewSetMixin  # noqa: E402

from . import services, views  # noqa: E402,F401  (services declares the audit actions)
from .bulk_export_views import BulkExportsView  # noqa: E402
from .compare import CONTENT_FIELDS  # noqa: E402
from .content import document_content  # noqa: E402
from .forms import CommuneScopedForm, FeedbackAnswerForm, ProcessDocumentForm  # noqa: E402
from .search import DocumentSearchMixin  # noqa: E402

REVIEW_ACTIONS = views.REVIEW_ACTIONS


# -- snippet views of ProcessDocument ------------------------------------------------------------


class ReviewerEditorAccess:
    """The editor opens for the commune's officers, and for its leaders only while
    they act on the document's current workflow step (the commune guard has
    already checked "change" or "review" on the document's commune)."""

    permission_required = None
    any_permission_required = REVIEW_ACTIONS

    def dispatch(self, request, *args, **kwargs):
        obj = self.live_object
        if not self.permission_policy.user_has_permission_for_instance(request.user, "change", obj):
            task = obj.current_workflow_task
            if not (task and task.user_can_access_editor(obj, request.user)):
                raise PermissionDenied
            # A reviewer acts on the step; the drafter's draft is not autosaved under their name.
            self.autosave_enabled = False
        return super().dispatch(request, *args, **kwargs)


class ReviewerURLFinder(SnippetAdminURLFinder):
    """Edit links (the dashboard's "awaiting your review" panel, notifications) also for a
    leader who acts on the document's current workflow step without "change" on it."""

    def get_edit_url(self, instance):
        url = super().get_edit_url(instance)
        if url is None and self.user is not None:
            task = instance.current_workflow_task
            if task and task.user_can_access_editor(instance, self.user):
                return self.construct_edit_url(instance)
        return url


class NoDirectPublishMixin:
    """A version is only issued by the approval workflow, never by "Publish"."""

    def get_available_actions(self):
        return [action for action in super().get_available_actions() if action not in ("publish", "unpublish")]


class ProcessCreateView(NoDirectPublishMixin, snippet_views.CreateView):
    """The snippet Add form starts the draft through ``services.create_process_document``."""

    def save_instance(self):
        draft = self.form.instance
        document = services.create_process_document(
            procedure=draft.procedure,
            commune=draft.commune,
            owner_unit=draft.owner_unit,
            acting_user=self.request.user,
            content=document_content(draft),
            fields={name: getattr(draft, name) for name in services.CREATE_EXTRA_FIELDS},
        )
        self.new_revision = document.latest_revision
        return document


class StaleRevisionGuard:
    """A save or workflow action posted from an editor opened before the latest
    revision is refused (Wagtail itself only refuses stale autosaves), and so is
    a post that does not say which revision the editor was opened on."""

    @cached_property
    def stale_revision_error(self):
        latest = self.latest_revision
        if not latest:
            return None
        posted = self.request.POST
        if not (posted.get("overwrite_revision_id") or posted.get("loaded_revision_id")):
            return missing_version_message()
        if self.is_out_of_date:
            return stale_revision_message(latest)
        return None

    def is_valid(self, form):
        if self.request.method == "POST" and self.stale_revision_error:
            self.produced_error_code = "invalid_revision"
            self.produced_error_message = self.stale_revision_error
            return False
        return super().is_valid(form)

    def form_invalid(self, form):
        if self.action == "cancel-workflow" and self.stale_revision_error:
            self.action = "edit"
        return super().form_invalid(form)


ACTIVE_WORKFLOW = (WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES)


class ProcessEditView(StaleRevisionGuard, ReviewerEditorAccess, NoDirectPublishMixin, snippet_views.EditView):
    def get_queryset(self):
        # The editor shows the commune and procedure, the draft's title (latest revision) and
        # who issued the live version: one query with the document.
        return (
            super()
            .get_queryset()
            .select_related("commune", "procedure", "latest_revision", "live_revision__user")
            .defer("live_revision__content")
        )

    def get_object(self, queryset=None):
        if queryset is None and hasattr(self, "object"):
            # Already loaded by setup(); BaseUpdateView.get() would load it all again.
            return self.object
        obj = super().get_object(queryset)
        if self.request.method in ("GET", "HEAD"):
            # The editor, its side panels and the menu ask for the workflow state many times:
            # read it once for the document and its latest draft (a post re-reads it as it acts).
            # The active state if any, else the latest one (the editor's workflow history).
            latest = (
                WorkflowState.objects.for_instance(self.live_object)
                .select_related("workflow", "current_task_state__task")
                .annotate(
                    active_first=Case(When(status__in=ACTIVE_WORKFLOW, then=Value(1)), default=Value(0)),
                )
                .order_by("-active_first", "-created_at", "-pk")
                .first()
            )
            self.latest_workflow_state = latest
            states = [latest] if latest is not None and latest.status in ACTIVE_WORKFLOW else []
            workflow = self.live_object.get_workflow()
            for instance in (self.live_object, obj):
                instance._current_workflow_states = states
                instance.get_workflow = lambda workflow=workflow: workflow
            # The draft shares these with the document: load them once.
            for name in ("commune", "procedure", "live_revision"):
                if getattr(obj, f"{name}_id") == getattr(self.live_object, f"{name}_id") is not None:
                    setattr(obj, name, getattr(self.live_object, name))
            # Both the lock (on the draft) and the status panel (on the document) ask for it.
            obj.__dict__["scheduled_revision"] = self.live_object.scheduled_revision
        return obj

    @cached_property
    def workflow_state(self):
        if self.workflow_enabled and self.object and hasattr(self, "latest_workflow_state"):
            return self.latest_workflow_state
        return super().workflow_state

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # A revision only when the editor saves: a background autosave would make the
        # editor's own "Save draft" look like someone else's change (StaleRevisionGuard).
        self.autosave_interval = 0
        self.autosave_enabled = False

    def get_header_more_buttons(self):
        from wagtail.admin.widgets.button import HeaderButton

        namespace = self.edit_url_name.rsplit(":", 1)[0]
        buttons = list(super().get_header_more_buttons())
        for label, name, icon in (
            (_("Versions"), "versions", "history"),
            (_("Compare versions"), "compare_versions", "doc-full"),
            (_("Download draft (Word)"), "draft_docx", "download"),
        ):
            buttons.append(
                HeaderButton(label, url=reverse(f"{namespace}:{name}", args=[self.object.pk]), icon_name=icon)
            )
        if pdf_available():
            url = pdf_url(reverse(f"{namespace}:draft_docx", args=[self.object.pk]))
            buttons.append(HeaderButton(_("Download draft (PDF)"), url=url, icon_name="download"))
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document = self.live_object
        context["review_state"] = document.review_state(timezone.localdate()) if document.commune_id else ""
        if context["review_state"]:
            namespace = self.edit_url_name.rsplit(":", 1)[0]
            context["review_url"] = reverse(f"{namespace}:review", args=[document.pk])
            context["next_review_on"] = document.next_review_on
        return context

    def get_success_message(self, instance=None):
        if self.action != "workflow-action":
            return super().get_success_message(instance)
        return workflow_action_message(ProcessDocument.objects.get(pk=self.live_object.pk), self.workflow_action)


def workflow_action_message(document: ProcessDocument, action: str) -> str:
    """What a reviewer is told after acting on a document's workflow step."""
    if action == "reject":
        return _("Changes to “%(document)s” have been requested; it has gone back to the drafter.") % {
            "document": document
        }
    task = document.current_workflow_task
    if task is not None:
        return _("“%(document)s”: the step has been approved; it now waits for the step “%(step)s”.") % {
            "document": document,
            "step": task.name,
        }
    version = document.current_version
    if version is None:
        return _("“%(document)s” has been approved.") % {"document": document}
    return _("“%(document)s” has been approved: issue %(issue)s, effective from %(date)s.") % {
        "document": document,
        "issue": version.issue_number,
        "date": version.effective_date.strftime("%d/%m/%Y"),
    }


# The issue number in a version URL must be one of the document's own versions.
register_owned_kwarg(
    "issue_number",
    lambda document, value: document.versions.filter(issue_number=int(value)).exists(),
    model=ProcessDocument,
)


class InstanceActionLinks:
    """Edit and delete links only where the user holds the action on that very document:
    an ISO officer reads and adopts the province's models, never edits or deletes them."""

    def user_may(self, action, instance) -> bool:
        return self.permission_policy.user_has_permission_for_instance(self.request.user, action, instance)


#: The document's text, which the list never shows: left unread, so a province's list sorts narrow rows.
LIST_DEFERRED = (*(name for name in CONTENT_FIELDS if name != "title"), "changes", "change_summary")


class ProcessIndexView(
    InstanceActionLinks, DocumentSearchMixin, views.DocumentListButtonsMixin, snippet_views.IndexView
):
    def get_base_queryset(self):
        return super().get_base_queryset().defer(*LIST_DEFERRED)

    @cached_property
    def header_buttons(self):
        from wagtail.admin.widgets.button import HeaderButton

        buttons = list(super().header_buttons)
        if permissions.has_any_commune_perm(self.request.user):
            label = _("Export all quy trình (zip)")
            buttons.append(HeaderButton(label, url=reverse("processes_bulk_exports"), icon_name="download"))
        return buttons

    def get_edit_url(self, instance):
        edit_url = super().get_edit_url(instance)
        return edit_url if edit_url and self.user_may("change", instance) else None

    def get_delete_url(self, instance):
        delete_url = super().get_delete_url(instance)
        return delete_url if delete_url and self.user_may("delete", instance) else None


class ProcessInspectView(InstanceActionLinks, snippet_views.InspectView):
    def get_edit_url(self):
        edit_url = super().get_edit_url()
        return edit_url if edit_url and self.user_may("change", self.object) else None

    def get_delete_url(self):
        delete_url = super().get_delete_url()
        return delete_url if delete_url and self.user_may("delete", self.object) else None


def reviewer_view(view_class):
    """``view_class`` open to the document's officers ("change") and leaders ("review")."""
    bases = (view_class,) if issubclass(view_class, PermissionCheckedMixin) else (PermissionCheckedMixin, view_class)
    attrs = {"permission_required": None, "any_permission_required": REVIEW_ACTIONS}
    return type(f"Reviewer{view_class.__name__}", bases, attrs)


class ProcessRevisionsCompareView(snippet_views.RevisionsCompareView):
    """Both revisions are read in one query and rebuilt on the document the guard has loaded."""

    def get_object(self, queryset=None):
        return getattr(self, "guarded_object", None) or super().get_object(queryset)

    @cached_property
    def compared_revisions(self):
        ids = [int(i) for i in (self.revision_id_a, self.revision_id_b) if str(i).isdigit()]
        return self.object.revisions.in_bulk(ids)

    def _get_revision_and_heading(self, revision_id):
        if not str(revision_id).isdigit():
            return super()._get_revision_and_heading(revision_id)
        revision = self.compared_revisions.get(int(revision_id))
        if revision is None:
            raise Http404
        revision.content_object = self.object
        return revision.as_object(), str(revision.created_at)


class ReviewerPreviewOnEditView(snippet_views.PreviewOnEditView):
    """The draft preview, for the document's officers and its reviewing leaders."""

    permission_required = None

    def user_has_permission_for_instance(self, permission, instance):
        if permission is None:
            return self.permission_policy.user_has_any_permission_for_instance(
                self.request.user, REVIEW_ACTIONS, instance
            )
        return super().user_has_permission_for_instance(permission, instance)


class ClosedUnpublishView(snippet_views.UnpublishView):
    """Withdrawal goes through the "Withdraw" page, which obsoletes the version."""

    permission_required = "unpublish"


class ReadOnlyFieldPanel(FieldPanel):
    """A field shown, not edited: a date as dd/mm/yyyy, a value not set yet as "—" (not "None")."""

    def format_value_for_display(self, value):
        value = super().format_value_for_display(value)
        if value is None or value == "":
            return "—"
        if isinstance(value, datetime.date):
            return value.strftime("%d/%m/%Y")
        return value


def _document_panels():
    def person(prefix, heading):
        return MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel(f"{prefix}_name"), FieldPanel(f"{prefix}_position"), FieldPanel(f"{prefix}_on")]
                )
            ],
            heading=heading,
        )

    return TabbedInterface(
        [
            ObjectList(
                [
                    FieldRowPanel([FieldPanel("commune"), FieldPanel("owner_unit")]),
                    FieldPanel("procedure"),
                    FieldPanel("title"),
                    FieldRowPanel(
                        [
                            FieldPanel("code"),
                            ReadOnlyFieldPanel("issue_number", read_only=True),
                            ReadOnlyFieldPanel("issued_on", read_only=True),
                            FieldPanel("effective_date"),
                        ]
                    ),
                    FieldPanel("change_request"),
                    FieldPanel("change_summary"),
                    FieldPanel("legal_change_effective_date"),
                ],
                heading=_("General"),
            ),
            ObjectList(
                [FieldPanel("purpose"), FieldPanel("scope"), FieldPanel("references"), FieldPanel("definitions")],
                heading=_("Sections 1–4"),
            ),
            ObjectList(
                [
                    FieldPanel("legal_basis"),
                    FieldPanel("dossier"),
                    FieldPanel("dossier_sets"),
                    FieldPanel("processing_time"),
                    FieldPanel("reception_place"),
                    FieldPanel("fees"),
                    FieldPanel("steps"),
                ],
                heading=_("5. Procedure"),
            ),
            ObjectList([FieldPanel("forms"), FieldPanel("records")], heading=_("6–7. Forms and records")),
            ObjectList(
                [
                    person("drafted", _("Drafted")),
                    person("reviewed", _("Reviewed")),
                    person("approved", _("Approved")),
                    FieldPanel("changes"),
                ],
                heading=_("Approval and changes"),
            ),
        ],
        base_form_class=ProcessDocumentForm,
    )


class VisibleDocumentsMixin:
    """Chooser views list and return only the documents the user may view."""

    def visible_documents(self):
        policy = ProcessDocument.snippet_viewset.permission_policy
        allowed = policy.instances_user_has_any_permission_for(self.request.user, ["view"])
        return ProcessDocument.objects.filter(pk__in=allowed.values("pk"))

    def get_object_list(self):
        return self.visible_documents()

    def get_object(self, pk):
        return get_object_or_404(self.visible_documents(), pk=pk)

    def get_objects(self, pks):
        return self.visible_documents().filter(pk__in=pks)


class ProcessChooserViewSet(SnippetChooserViewSet):
    choose_view_class = type("ProcessChooseView", (VisibleDocumentsMixin, chooser_views.ChooseView), {})
    choose_results_view_class = type(
        "ProcessChooseResultsView", (VisibleDocumentsMixin, chooser_views.ChooseResultsView), {}
    )
    chosen_view_class = type("ProcessChosenView", (VisibleDocumentsMixin, chooser_views.SnippetChosenView), {})
    chosen_multiple_view_class = type(
        "ProcessChosenMultipleView", (VisibleDocumentsMixin, chooser_views.SnippetChosenMultipleView), {}
    )


class ProcessFilterSet(WagtailFilterSet):
    review = django_filters.ChoiceFilter(
        label=_("Periodic review"),
        choices=[("due", _("Due for review")), ("overdue", _("Overdue for review"))],
        method="filter_review",
    )

    class Meta:
        model = ProcessDocument
        fields = ["kind", "status", "live"]

    def filter_review(self, queryset, name, value):
        from .selectors import review_due_documents

        return review_due_documents(queryset, overdue_only=value == "overdue")


class ProcessDocumentViewSet(CommuneScopedViewSetMixin, SnippetViewSet):
    model = ProcessDocument
    icon = "doc-full-inverse"
    menu_label = _("Process documents")
    menu_name = "process-documents"
    list_display = [
        "code",
        ShortTextColumn("title", label=pgettext_lazy("process document", "title"), sort_key="title"),
        Column("owner_label", label=_("Commune / library")),
        "status",
        Column("issue_number", label=_("Issue")),
        ValueColumn("effective_date", label=_("Effective date")),
        DeadlineColumn("next_review_on", label=_("Next review"), is_open=lambda document: bool(document.live)),
    ]
    filterset_class = ProcessFilterSet
    # Searched by ProcessIndexView (processes.search): "contains" on these columns, plus the search index's words.
    search_fields = ["title", "code", "procedure__code"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "code",
        "title",
        "procedure",
        "commune",
        "owner_unit",
        "status",
        "issue_number",
        "issued_on",
        "effective_date",
        "purpose",
        "scope",
        "legal_basis",
        "processing_time",
        "fees",
    ]
    copy_view_enabled = False
    chooser_viewset_class = ProcessChooserViewSet
    edit_handler = _document_panels()
    index_view_class = ProcessIndexView
    inspect_view_class = ProcessInspectView
    add_view_class = ProcessCreateView
    edit_view_class = ProcessEditView
    edit_template_name = "processes/admin/edit.html"
    unpublish_view_class = ClosedUnpublishView
    history_view_class = reviewer_view(snippet_views.HistoryView)
    revisions_view_class = reviewer_view(snippet_views.PreviewRevisionView)
    revisions_compare_view_class = reviewer_view(ProcessRevisionsCompareView)
    preview_on_edit_view_class = reviewer_view(ReviewerPreviewOnEditView)
    workflow_action_view_class = reviewer_view(snippet_views.WorkflowActionView)
    collect_workflow_action_data_view_class = reviewer_view(snippet_views.CollectWorkflowActionDataView)
    confirm_workflow_cancellation_view_class = reviewer_view(snippet_views.ConfirmWorkflowCancellationView)
    workflow_preview_view_class = reviewer_view(snippet_views.WorkflowPreviewView)
    workflow_history_view_class = reviewer_view(snippet_views.WorkflowHistoryView)
    workflow_history_detail_view_class = reviewer_view(snippet_views.WorkflowHistoryDetailView)

    def get_queryset(self, request):
        return ProcessDocument.objects.select_related("commune", "owner_unit", "procedure", "locked_by")

    @property
    def url_finder_class(self):
        return type(
            "ProcessDocumentURLFinder",
            (ReviewerURLFinder,),
            {
                "model": self.model,
                "edit_url_name": self.get_url_name("edit"),
            },
        )

    def page_view(self, view_class):
        return self.construct_view(
            view_class, url_namespace=self.url_namespace, index_url_name=self.get_url_name("list")
        )

    def get_urlpatterns(self):
        doc = "<str:pk>"
        extra = [
            (f"versions/{doc}/", views.VersionListView, "versions"),
            (f"versions/{doc}/<int:issue_number>/", views.VersionDetailView, "version"),
            (f"versions/{doc}/<int:issue_number>/docx/", views.VersionDocxView, "version_docx"),
            (f"docx/{doc}/", views.CurrentDocxView, "current_docx"),
            (f"draft-docx/{doc}/", views.DraftDocxView, "draft_docx"),
            (f"compare-versions/{doc}/", views.CompareVersionsView, "compare_versions"),
            (f"upstream/{doc}/", views.UpstreamView, "upstream"),
            (f"update-from-model/{doc}/", views.UpdateFromModelView, "update_from_model"),
            (f"withdraw/{doc}/", views.WithdrawView, "withdraw"),
            (f"review/{doc}/", views.ReviewView, "review"),
            (f"acknowledge/{doc}/", views.AcknowledgeView, "acknowledge"),
            (f"adoption/{doc}/", views.AdoptionView, "adoption"),
            (f"adopt/{doc}/", views.AdoptView, "adopt"),
            ("import-docx/", views.DocxUploadView, "import_docx"),
            ("start/", views.StartView, "start"),
            ("start-system/", views.SystemStartView, "start_system"),
            ("library/", views.LibraryView, "library"),
        ]
        downloads = {"version_docx", "current_docx", "draft_docx"}
        return super().get_urlpatterns() + [
            path(route, offers_pdf(self.page_view(cls)) if name in downloads else self.page_view(cls), name=name)
            for route, cls, name in extra
        ]


# -- the catalogue, the commune's TTHC list and the update flags -------------------------------------


class CatalogueIndexView(views.StartFromCatalogueMixin, generic.IndexView):
    pass


class ProcedureInspectView(generic.InspectView):
    def get_field_display_value(self, field_name, field):
        # The model field "field" (lĩnh vực) would otherwise resolve to this very method.
        if field_name == "field":
            return self.object.field
        return super().get_field_display_value(field_name, field)


def save_procedure(user, form, instance):
    values = {name: value for name, value in form.cleaned_data.items() if name in services.PROCEDURE_FIELDS}
    if instance is None:
        return services.create_procedure(acting_user=user, **values)
    return services.update_procedure(procedure=instance, acting_user=user, **values)


def delete_procedure(user, instance):
    services.delete_procedure(procedure=instance, acting_user=user)


class ProcedureViewSet(CommuneScopedViewSetMixin, ServiceViewSetMixin, ModelViewSet):
    model = Procedure
    icon = "list-ul"
    menu_label = _("TTHC catalogue")
    list_display = [
        "code",
        ShortTextColumn("name", label=_("name"), sort_key="name"),
        "field",
        Column("time_limit_display", label=_("Time limit")),
        "decision_number",
    ]
    search_fields = ["code", "name", "field"]
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = CatalogueIndexView
    inspect_view_class = ProcedureInspectView
    form_fields = list(services.PROCEDURE_FIELDS)
    save_function = staticmethod(save_procedure)
    delete_function = staticmethod(delete_procedure)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(start_url_name=ProcessDocumentViewSet().get_url_name("start"), **kwargs)


def save_handled(user, form, instance):
    data = form.cleaned_data
    if instance is None:
        return services.add_handled_procedures(
            commune=data["commune"], procedures=[data["procedure"]], note=data.get("note", ""), acting_user=user
        )[0]
    return services.update_handled_procedure(
        entry=instance,
        commune=data["commune"],
        procedure=data["procedure"],
        note=data.get("note", ""),
        acting_user=user,
    )


def delete_handled(user, instance):
    services.remove_handled_procedure(entry=instance, acting_user=user)


class ReadableIndexView(ReadableIndexMixin, generic.IndexView):
    pass


class CommuneProcedureViewSet(CommuneScopedViewSetMixin, ServiceViewSetMixin, ModelViewSet):
    model = CommuneProcedure
    icon = "tasks"
    index_view_class = ReadableIndexView
    menu_label = _("Procedures handled")
    list_display = ["procedure", "commune", ValueColumn("added_at", label=_("Added at"))]
    search_fields = ["procedure__code", "procedure__name"]
    inspect_view_enabled = True
    copy_view_enabled = False
    save_function = staticmethod(save_handled)
    delete_function = staticmethod(delete_handled)
    edit_handler = ObjectList(
        [FieldPanel("commune"), FieldPanel("procedure"), FieldPanel("note")], base_form_class=CommuneScopedForm
    )

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)
        return with_version_token(form_class) if for_update else form_class

    def get_index_view_kwargs(self, **kwargs):
        queryset = CommuneProcedure.objects.select_related("commune", "procedure")
        return super().get_index_view_kwargs(queryset=queryset, **kwargs)


class UpdateFlagViewSet(CommuneScopedViewSetMixin, ModelViewSet):
    model = DocumentUpdateFlag
    index_view_class = ReadableIndexView
    icon = "warning"
    menu_label = _("Update flags")
    list_display = [
        "document",
        ValueColumn("raised_on", label=_("Raised on")),
        DeadlineColumn(
            "deadline", label=pgettext_lazy("model adoption", "Deadline"), is_open=lambda flag: flag.resolved_on is None
        ),
        ValueColumn("resolved_on", label=_("Resolved on")),
    ]
    list_filter = ["resolved_on"]
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["resolved_on"]

    def get_index_view_kwargs(self, **kwargs):
        queryset = DocumentUpdateFlag.objects.select_related("document__commune")
        return super().get_index_view_kwargs(queryset=queryset, **kwargs)


# -- citizen feedback ------------------------------------------------------------------------------

#: Hook: ``fn(request, feedback) -> list[Button]``, buttons other apps add to a feedback's pages
#: (the audits app's "turn into a nonconformity").
FEEDBACK_BUTTONS_HOOK = "register_citizen_feedback_buttons"


def feedback_buttons(request, feedback) -> list:
    return [button for fn in hooks.get_hooks(FEEDBACK_BUTTONS_HOOK) for button in fn(request, feedback)]


def save_feedback_answer(user, form, instance):
    return services.answer_feedback(
        acting_user=user, feedback=instance, answer=form.cleaned_data["answer"], close=form.cleaned_data["close"]
    )


class FeedbackFilterSet(WagtailFilterSet):
    procedure = django_filters.ModelChoiceFilter(
        label=_("administrative procedure"),
        queryset=lambda request: Procedure.objects.filter(
            pk__in=CommuneScopedPolicy(CitizenFeedback)
            .instances_user_has_any_permission_for(request.user, ["view"])
            .values("procedure_id")
        ).order_by("code"),
    )

    class Meta:
        model = CitizenFeedback
        fields = ["kind", "status", "procedure", "rating"]


class FeedbackEditView(ServiceEditView):
    @cached_property
    def header_more_buttons(self):
        return [*super().header_more_buttons, *feedback_buttons(self.request, self.object)]


class FeedbackInspectView(generic.InspectView):
    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, get_user_model()):
            return full_name(value)
        return display_value(value)

    @cached_property
    def header_more_buttons(self):
        return [*super().header_more_buttons, *feedback_buttons(self.request, self.object)]


class FeedbackViewSet(CommuneScopedViewSetMixin, ServiceViewSetMixin, ModelViewSet):
    model = CitizenFeedback
    icon = "comment"
    menu_label = _("Citizen feedback")
    index_view_class = ReadableIndexView
    edit_view_class = FeedbackEditView
    inspect_view_class = FeedbackInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        ValueColumn("received_at", label=_("Received at")),
        "commune",
        Column("procedure_code", label=_("Procedure code"), accessor="procedure.code"),
        "kind",
        "rating",
        ShortTextColumn("comment", label=_("comment")),
        "status",
    ]
    filterset_class = FeedbackFilterSet
    search_fields = ["comment", "answer"]
    save_function = staticmethod(save_feedback_answer)
    inspect_view_fields = [
        "commune",
        "procedure",
        "kind",
        "rating",
        "comment",
        "received_at",
        "contact_name",
        "contact_phone",
        "contact_email",
        "contact_consent",
        "contact_erased_at",
        "status",
        "answer",
        "answered_by",
        "answered_at",
        "nonconformity_reference",
    ]

    def get_form_class(self, for_update=False):
        return with_version_token(FeedbackAnswerForm)

    def get_index_view_kwargs(self, **kwargs):
        queryset = CitizenFeedback.objects.select_related("commune", "procedure")
        return super().get_index_view_kwargs(queryset=queryset, **kwargs)


# -- menu -----------------------------------------------------------------------------------------


class LinkViewSet(ViewSet):
    """A menu entry for one of the document viewset's own pages."""

    target = ""
    action = "view"

    def get_urlpatterns(self):
        return []

    @property
    def menu_url(self):
        return reverse(ProcessDocumentViewSet().get_url_name(self.target))

    def get_menu_item(self, order=None):
        action = self.action

        class PolicyMenuItem(MenuItem):
            def is_shown(self, request):
                return ProcessDocumentPolicy(ProcessDocument).user_has_permission(request.user, action)

        return PolicyMenuItem(
            self.menu_label,
            self.menu_url,
            name=self.name,
            icon_name=self.menu_icon,
            order=self.get_menu_item_order(order),
        )


class ProcessesGroup(ViewSetGroup):
    menu_label = _("ISO quy trình")
    menu_icon = "doc-full-inverse"
    menu_order = 200
    items = (
        ProcessDocumentViewSet(),
        LinkViewSet("process_start", target="start", action="add", menu_label=_("Start a quy trình"), menu_icon="plus"),
        LinkViewSet(
            "process_start_system",
            target="start_system",
            action="add",
            menu_label=_("Start a system procedure"),
            menu_icon="plus",
        ),
        LinkViewSet(
            "process_import", target="import_docx", action="add", menu_label=_("Import from Word"), menu_icon="upload"
        ),
        LinkViewSet("process_library", target="library", menu_label=_("Model library"), menu_icon="folder-open-1"),
        ProcedureViewSet("tthc"),
        CommuneProcedureViewSet("handled_procedures"),
        UpdateFlagViewSet("update_flags"),
        FeedbackViewSet("citizen_feedback", url_prefix="processes/feedback"),
    )


register_snippet(ProcessesGroup)


@hooks.register("construct_snippet_action_menu")
def hide_direct_publish(menu_items, request, context):
    if context.get("model") is ProcessDocument:
        menu_items[:] = [item for item in menu_items if item.name not in ("action-publish", "action-unpublish")]


@hooks.register("register_admin_urls")
def register_bulk_export_urls():
    return [path("processes/exports/", BulkExportsView.as_view(), name="processes_bulk_exports")]


# -- the admin home: Wagtail's workflow panels for those who take part in a document workflow ---------


def may_request_workflows(user) -> bool:
    """Whether ``user`` can have started a workflow: a quy trình's drafter (an ISO officer of a
    commune or a model library's editor) or a page editor."""
    from wagtail.admin.auth import user_has_any_page_permission

    policy = ProcessDocumentPolicy(ProcessDocument)
    return policy.user_has_permission(user, "change") or user_has_any_page_permission(user)


def may_moderate_tasks(user) -> bool:
    """Whether some active workflow step could be ``user``'s to act on: a commune role's step
    (``CommuneRoleApprovalTask``) needs a role in a commune or a model library to edit, a
    group's step membership of one of its groups; a step of any other kind keeps the panel."""
    from wagtail.models import GroupApprovalTask, Task

    from .models import ROLE_PERMISSIONS, CommuneRoleApprovalTask

    if user.is_superuser:
        return True
    if any(permissions.has_any_commune_perm(user, perm) for perm in ROLE_PERMISSIONS.values()):
        return True
    from .library import library_unit_ids

    if library_unit_ids(user):
        return True
    group_tasks = GroupApprovalTask.objects.values("pk")
    return (
        Task.objects.filter(active=True)
        .exclude(pk__in=CommuneRoleApprovalTask.objects.values("pk"))
        .exclude(Q(pk__in=group_tasks) & ~Q(pk__in=group_tasks.filter(groups__user=user)))
        .exists()
    )


@hooks.register("construct_homepage_panels")
def workflow_panels_for_workflow_members(request, panels):
    """A follower of communes (district or province staff) neither drafts nor approves: Wagtail's
    "awaiting your review" and "your items in review" panels would always be empty for them."""
    from wagtail.admin.views.home import UserObjectsInWorkflowModerationPanel, WorkflowObjectsToModeratePanel

    user = request.user
    dropped = []
    if not may_moderate_tasks(user):
        dropped.append(WorkflowObjectsToModeratePanel)
    if not user.is_superuser and not may_request_workflows(user):
        dropped.append(UserObjectsInWorkflowModerationPanel)
    if dropped:
        panels[:] = [panel for panel in panels if not isinstance(panel, tuple(dropped))]
