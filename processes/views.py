"""Admin views of the processes app beyond Wagtail's snippet views: versions,
Word download and upload, comparison, the model library and its propagation.

Views that take a document's ``pk`` are built by ``ProcessDocumentViewSet``
through ``construct_view``, so the commune guard checks the object first;
each view also declares the action it needs (``permission_required`` /
``any_permission_required``) against ``ProcessDocumentPolicy``.
"""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from qms import permissions
from qms.docx import labels as vn_labels
from qms.files.names import DownloadName, download_name
from qms.files.pdf import pdf_available
from qms.files.policy import DOCX
from qms.files.serving import file_response, pdf_url
from qms.signatures import selectors as signature_selectors

from . import selectors, services, signing
from .compare import CONTENT_FIELDS, diff_contents, differences_from_json
from .content import dated_content, document_content
from .forms import (
    AdoptForm,
    CompareForm,
    DocxUploadForm,
    ReviewNoChangeForm,
    ReviewSettingsForm,
    StartForm,
    SystemStartForm,
    WithdrawForm,
)
from .library import library_oversight_unit_ids, library_view_unit_ids
from .models import ProcessDocument

DRAFT = "draft"
#: Actions that let a user see drafts, revisions and the workflow (officer or leader).
REVIEW_ACTIONS = ["change", "review"]


def is_draft(document) -> bool:
    """Whether the latest revision of ``document`` is not yet an approved issue
    (its Word file then carries "DỰ THẢO"); an approved version never is."""
    return bool(document.has_unpublished_changes or not document.live)


def docx_name(content, *, draft: bool = False, on=None) -> DownloadName:
    """``qt-04-ht-lan-2-2025-03-12.docx``: code, issue and the record's date."""
    parts = [content.code or vn_labels.QUY_TRINH.lower(), f"lần {content.issue_number}"]
    if draft:
        parts.append(vn_labels.DU_THAO.lower())
    return download_name(*parts, on=on or content.issued_on or content.effective_date)


def docx_response(content, *, draft: bool = False, saved_at=None) -> HttpResponse:
    """A Word download of ``content`` named after its code, issue and date."""
    from .docx.export import export_process_docx_bytes

    data = export_process_docx_bytes(content, draft=draft, saved_at=saved_at)
    on = timezone.localtime(saved_at).date() if draft and saved_at else None
    return file_response(data, filename=docx_name(content, draft=draft, on=on), kind=DOCX)


class AdminPageView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """A processes admin page checked against ``ProcessDocumentPolicy``."""

    model = ProcessDocument
    header_icon = "doc-full"
    url_namespace = None
    index_url_name = None

    def sibling_url(self, name: str, *args) -> str:
        return reverse(f"{self.url_namespace}:{name}", args=args)

    def get_breadcrumbs_items(self):
        items = [*self.breadcrumbs_items]
        if self.index_url_name:
            items.append({"url": reverse(self.index_url_name), "label": ProcessDocument._meta.verbose_name_plural})
        return items + [{"url": "", "label": self.get_page_title()}]


class DocumentPageView(AdminPageView):
    """A page about one document (``pk`` in the URL)."""

    permission_required = "view"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        queryset = ProcessDocument.objects.select_related("commune", "owner_unit", "procedure", "source_model")
        self.object = get_object_or_404(queryset, pk=unquote(str(kwargs["pk"])))

    def can(self, *actions: str) -> bool:
        return self.permission_policy.user_has_any_permission_for_instance(self.request.user, actions, self.object)

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        target = "edit" if self.can("change") else "inspect"
        items.insert(-1, {"url": self.sibling_url(target, self.object.pk), "label": str(self.object)})
        return items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            can_review=self.can(*REVIEW_ACTIONS),
            can_change=self.can("change"),
            can_withdraw=self.can("publish") and self.object.live,
            urls={
                name: self.sibling_url(name, self.object.pk)
                for name in (
                    "versions",
                    "compare_versions",
                    "draft_docx",
                    "upstream",
                    "history",
                    "inspect",
                    "withdraw",
                    "review",
                    "acknowledge",
                )
            },
        )
        return context


class VersionListView(DocumentPageView):
    template_name = "processes/admin/versions.html"
    page_title = gettext_lazy("Versions")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        versions = selectors.document_versions(document=self.object)
        context["versions"] = [
            (
                v,
                self.sibling_url("version", self.object.pk, v.issue_number),
                self.sibling_url("version_docx", self.object.pk, v.issue_number),
            )
            for v in versions
        ]
        context["compare_form"] = CompareForm(choices=_version_choices(versions, context["can_review"]))
        context["open_flags"] = [f for f in selectors.open_flags(document=self.object) if f.resolved_on is None]
        user = self.request.user
        if self.object.is_model and (
            user.is_superuser or self.object.owner_unit_id in library_oversight_unit_ids(user)
        ):
            context["adoption_url"] = self.sibling_url("adoption", self.object.pk)
        return context


def _version_choices(versions, with_draft: bool) -> list[tuple[str, str]]:
    choices = [(str(v.issue_number), _("Issue %(number)02d") % {"number": v.issue_number}) for v in versions]
    if with_draft:
        choices.insert(0, (DRAFT, _("Current draft")))
    return choices


class VersionMixin:
    def get_version(self):
        return get_object_or_404(self.object.versions, issue_number=self.kwargs["issue_number"])


class VersionDetailView(VersionMixin, DocumentPageView):
    template_name = "processes/admin/version_detail.html"

    def get_page_title(self):
        return _("Issue %(number)02d") % {"number": self.kwargs["issue_number"]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.get_version()
        context.update(version=version, content=version.content)
        context["docx_url"] = self.sibling_url("version_docx", self.object.pk, version.issue_number)
        if self.object.commune_id:
            context["signature_url"] = reverse("signatures:record", args=[signing.RECORD_TYPE, version.pk])
            context["signature"] = signature_selectors.signed_record(version)
        return context


class VersionDocxView(VersionMixin, DocumentPageView):
    """Download one approved version as Word."""

    def get(self, request, *args, **kwargs):
        version = self.get_version()
        return docx_response(dated_content(self.object, version.content))


class CurrentDocxView(DocumentPageView):
    """Download the current effective version as Word."""

    def get(self, request, *args, **kwargs):
        version = self.object.current_version
        if version is None:
            raise Http404
        return docx_response(dated_content(self.object, version.content))


class DraftDocxView(DocumentPageView):
    """Download the latest draft as Word (officer and leader only)."""

    permission_required = None
    any_permission_required = REVIEW_ACTIONS

    def get(self, request, *args, **kwargs):
        draft = self.object.get_latest_revision_as_object()
        revision = self.object.latest_revision
        return docx_response(
            dated_content(self.object, document_content(draft)),
            draft=is_draft(self.object),
            saved_at=revision.created_at if revision else None,
        )


class CompareVersionsView(DocumentPageView):
    """Field-by-field differences between any two versions (and the draft, for its editors)."""

    template_name = "processes/admin/compare.html"
    page_title = gettext_lazy("Compare versions")

    def _content(self, key: str):
        if key == DRAFT:
            if not self.can(*REVIEW_ACTIONS):
                raise PermissionDenied
            return document_content(self.object.get_latest_revision_as_object())
        return get_object_or_404(self.object.versions, issue_number=int(key)).content

    def dispatch(self, request, *args, **kwargs):
        asks_draft = DRAFT in (request.GET.get("a"), request.GET.get("b"))
        if asks_draft and request.user.is_authenticated and not self.can(*REVIEW_ACTIONS):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        versions = selectors.document_versions(document=self.object)
        choices = _version_choices(versions, context["can_review"])
        form = CompareForm(self.request.GET or None, choices=choices)
        context["form"] = form
        if form.is_valid():
            a, b = self._content(form.cleaned_data["a"]), self._content(form.cleaned_data["b"])
            labels = dict(choices)
            context.update(
                differences=diff_contents(a, b),
                label_a=labels[form.cleaned_data["a"]],
                label_b=labels[form.cleaned_data["b"]],
            )
        return context


class UpstreamView(DocumentPageView):
    """What changed in the model a commune copy was adopted from, and its update flags."""

    template_name = "processes/admin/upstream.html"
    page_title = gettext_lazy("Changes in the model")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        model = self.object.source_model
        if model is None:
            raise Http404
        flags = selectors.open_flags(document=self.object)
        context["flags"] = [(flag, differences_from_json(flag.upstream_changes)) for flag in flags]
        current = model.current_version
        # The draft may already carry the model's changes (taken over, not yet approved).
        adopted = self.object.get_latest_revision_as_object().source_version or self.object.source_version
        pending = []
        if current is not None and adopted is not None and current.pk != adopted.pk:
            pending = diff_contents(adopted.content, current.content, fields=CONTENT_FIELDS)
        context.update(model=model, current=current, adopted=adopted, pending=pending)
        context["update_url"] = self.sibling_url("update_from_model", self.object.pk)
        return context


class UpdateFromModelView(DocumentPageView):
    permission_required = "change"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            services.update_from_model(document=self.object, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.sibling_url("upstream", self.object.pk))
        messages.success(request, _("The model's changes were taken into a new draft. Check it and submit it."))
        return redirect(self.sibling_url("edit", self.object.pk))


class WithdrawView(DocumentPageView):
    permission_required = "publish"
    template_name = "processes/admin/withdraw.html"
    page_title = gettext_lazy("Withdraw")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", WithdrawForm())
        return context

    def post(self, request, *args, **kwargs):
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                services.withdraw_process_document(
                    document=self.object, acting_user=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The quy trình was withdrawn."))
                return redirect(self.sibling_url("versions", self.object.pk))
        return self.render_to_response(self.get_context_data(form=form))


class ReviewView(DocumentPageView):
    """The periodic review of one quy trình: when it is due, "reviewed, no change", the settings."""

    permission_required = "change"
    template_name = "processes/admin/review.html"
    page_title = gettext_lazy("Periodic review")

    def dispatch(self, request, *args, **kwargs):
        if self.object.is_model:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def settings_form(self, data=None):
        initial = {
            "review_interval_months": self.object.review_interval_months,
            "acknowledge_audience": self.object.acknowledge_audience,
        }
        return ReviewSettingsForm(data, initial=initial, prefix="settings", version_object=self.object)

    def decision_form(self, data=None):
        initial = {"reviewed_on": timezone.localdate()}
        return ReviewNoChangeForm(
            data, initial=initial, prefix="review", document=self.object, version_object=self.object
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("settings_form", self.settings_form())
        context.setdefault("decision_form", self.decision_form())
        context["review_state"] = self.object.review_state(timezone.localdate())
        context["current"] = self.object.current_version if self.object.live else None
        context["decisions"] = selectors.review_decisions(document=self.object)
        return context

    def post(self, request, *args, **kwargs):
        if "settings-review_interval_months" in request.POST:
            form = self.settings_form(request.POST)
            if form.is_valid():
                try:
                    services.update_review_settings(
                        document=self.object,
                        acting_user=request.user,
                        interval_months=form.cleaned_data["review_interval_months"],
                        audience=form.cleaned_data["acknowledge_audience"],
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, _("The review settings were saved."))
                    return redirect(self.sibling_url("review", self.object.pk))
            return self.render_to_response(self.get_context_data(settings_form=form))
        form = self.decision_form(request.POST)
        if form.is_valid():
            try:
                decision = services.record_review_no_change(
                    document=self.object,
                    acting_user=request.user,
                    note=form.cleaned_data["note"],
                    reviewed_on=form.cleaned_data["reviewed_on"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("“Reviewed, no change” was recorded. Next review due on %(date)s.")
                    % {"date": decision.next_review_on.strftime("%d/%m/%Y")},
                )
                return redirect(self.sibling_url("review", self.object.pk))
        return self.render_to_response(self.get_context_data(decision_form=form))


class AcknowledgeView(DocumentPageView):
    """Read and confirm the effective version; the officer and the leaders see who has and who has not."""

    template_name = "processes/admin/acknowledge.html"
    page_title = gettext_lazy("Read confirmations")

    def dispatch(self, request, *args, **kwargs):
        if self.object.is_model:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def current(self):
        return self.object.current_version if self.object.live else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.current()
        context["current"] = version
        if version is not None:
            user = self.request.user
            context["asked"] = services.acknowledge_audience(self.object).filter(pk=user.pk).exists()
            context["confirmed"] = selectors.has_acknowledged(version=version, user=user)
            context["version_url"] = self.sibling_url("version", self.object.pk, version.issue_number)
            if context["can_review"]:
                context["state"] = selectors.acknowledgement_state(document_id=self.object.pk)
        return context

    def post(self, request, *args, **kwargs):
        version = self.current()
        if version is None:
            raise Http404
        try:
            services.acknowledge_version(version=version, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("You confirmed having read issue %(issue)02d of %(code)s.")
                % {"issue": version.issue_number, "code": self.object.code},
            )
        return redirect(self.sibling_url("acknowledge", self.object.pk))


class AdoptionView(DocumentPageView):
    """Per model: which communes adopted its current version, which are pending or late."""

    template_name = "processes/admin/adoption.html"
    page_title = gettext_lazy("Adoption by communes")

    def dispatch(self, request, *args, **kwargs):
        if not self.object.is_model:
            raise Http404
        user = request.user
        if not (user.is_superuser or self.object.owner_unit_id in library_oversight_unit_ids(user)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.adoption_list(model=self.object)
        context["current"] = self.object.current_version
        return context


class AdoptView(DocumentPageView):
    """Adopt a model into one of the user's communes (POST)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = AdoptForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, _("Choose one of your communes."))
            return redirect(self.sibling_url("library"))
        try:
            document = services.adopt_model(
                model=self.object,
                commune=form.cleaned_data["commune"],
                acting_user=request.user,
                code=form.cleaned_data["code"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.sibling_url("library"))
        messages.success(request, _("A draft was created from the model. Adapt it to the commune and submit it."))
        return redirect(self.sibling_url("edit", document.pk))


# -- pages without a document --------------------------------------------------------------------


UNPLACED_SESSION_KEY = "processes_docx_unplaced"


class DocxUploadView(AdminPageView):
    """Upload a Word quy trình: a draft with header, sections and steps filled in."""

    permission_required = "add"
    template_name = "processes/admin/upload.html"
    page_title = gettext_lazy("Import from Word")
    header_icon = "upload"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", DocxUploadForm(user=self.request.user))
        return context

    def post(self, request, *args, **kwargs):
        form = DocxUploadForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.import_process_docx_report(
                    commune=form.cleaned_data["commune"],
                    data=upload.read(),
                    acting_user=request.user,
                    procedure=form.cleaned_data["procedure"],
                    source_name=upload.name,
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                document = result.document
                messages.success(request, _("“%(document)s” was imported as a draft.") % {"document": document})
                if not result.unplaced:
                    return redirect(self.sibling_url("edit", document.pk))
                request.session[UNPLACED_SESSION_KEY] = {
                    "document": document.pk,
                    "name": str(document),
                    "file": upload.name,
                    "lines": result.unplaced,
                }
                return redirect(f"{self.sibling_url('import_docx')}?imported={document.pk}")
        return self.render_to_response(self.get_context_data(form=form))

    def get(self, request, *args, **kwargs):
        report = request.session.pop(UNPLACED_SESSION_KEY, None)
        if report and request.GET.get("imported") == str(report["document"]):
            report["edit_url"] = self.sibling_url("edit", report["document"])
        else:
            report = None
        return self.render_to_response(self.get_context_data(import_report=report))


def _readable_models(user):
    return ProcessDocument.objects.filter(owner_unit_id__in=library_view_unit_ids(user), live=True).select_related(
        "procedure", "owner_unit"
    )


class StartView(AdminPageView):
    """Start a commune's quy trình for a TTHC: from a model or as a new draft."""

    permission_required = "add"
    template_name = "processes/admin/start.html"
    page_title = gettext_lazy("Start a quy trình")
    header_icon = "plus"

    def _form(self, data=None):
        initial = {"procedure": self.request.GET.get("procedure")}
        return StartForm(
            data, initial=initial, user=self.request.user, models_queryset=_readable_models(self.request.user)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self._form())
        return context

    def post(self, request, *args, **kwargs):
        form = self._form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["model"] is not None:
                    document = services.adopt_model(
                        model=data["model"], commune=data["commune"], acting_user=request.user
                    )
                else:
                    document = services.create_process_document(
                        procedure=data["procedure"], commune=data["commune"], acting_user=request.user
                    )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("“%(document)s” was started as a draft.") % {"document": document})
                return redirect(self.sibling_url("edit", document.pk))
        return self.render_to_response(self.get_context_data(form=form))


class SystemStartView(AdminPageView):
    """Start a system procedure (document control, internal audit…) of a commune or of a model library."""

    permission_required = "add"
    template_name = "processes/admin/start_system.html"
    page_title = gettext_lazy("Start a system procedure")
    header_icon = "plus"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", SystemStartForm(user=self.request.user))
        return context

    def post(self, request, *args, **kwargs):
        form = SystemStartForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                document = services.create_system_document(
                    category=data["system_category"],
                    title=data["title"],
                    code=data["code"],
                    acting_user=request.user,
                    **form.owner_kwargs(),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("“%(document)s” was started as a draft.") % {"document": document})
                return redirect(self.sibling_url("edit", document.pk))
        return self.render_to_response(self.get_context_data(form=form))


class LibraryView(AdminPageView):
    """The model quy trình the user may read, with an adopt form for the user's communes."""

    permission_required = "view"
    template_name = "processes/admin/library.html"
    page_title = gettext_lazy("Model library")
    header_icon = "folder-open-1"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        models = selectors.library_models(unit_ids=library_view_unit_ids(user))
        manages = permissions.has_any_commune_perm(user, permissions.MANAGE)
        oversees = library_oversight_unit_ids(user)
        context["models"] = [
            {
                "document": model,
                "adopt_url": self.sibling_url("adopt", model.pk),
                "versions_url": self.sibling_url("versions", model.pk),
                "adoption_url": self.sibling_url("adoption", model.pk)
                if user.is_superuser or model.owner_unit_id in oversees
                else None,
            }
            for model in models
        ]
        context["adopt_form"] = AdoptForm(user=self.request.user) if manages else None
        return context


class StartFromCatalogueMixin:
    """Adds "Start a quy trình" to each row of the TTHC catalogue listing."""

    start_url_name = None

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if self.start_url_name and permissions.has_any_commune_perm(self.request.user, permissions.MANAGE):
            url = f"{reverse(self.start_url_name)}?procedure={instance.pk}"
            buttons.append(MenuItem(_("Start a quy trình"), url=url, icon_name="plus", priority=5))
        return buttons


class DocumentListButtonsMixin:
    """Adds "Versions" and "Word (effective version)" to each row of the document listing."""

    def get_list_more_buttons(self, instance):
        namespace = self.edit_url_name.rsplit(":", 1)[0]
        buttons = list(super().get_list_more_buttons(instance))
        buttons.append(
            MenuItem(
                _("Versions"),
                url=reverse(f"{namespace}:versions", args=[instance.pk]),
                icon_name="history",
                priority=15,
            )
        )
        if instance.live:
            url = reverse(f"{namespace}:current_docx", args=[instance.pk])
            buttons.append(MenuItem(_("Download Word"), url=url, icon_name="download", priority=16))
            if pdf_available():
                buttons.append(MenuItem(_("Download PDF"), url=pdf_url(url), icon_name="download", priority=17))
        return buttons
