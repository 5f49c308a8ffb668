"""Admin pages of signed PDFs, the permission-checked files and the public signed PDF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from qms import permissions
from qms.files.names import ascii_slug
from qms.files.policy import PDF
from qms.files.serving import RecordFileView, file_response, serve_file
from qms.units.models import Commune

from . import registry, services
from .forms import CertificateForm, SignedUploadForm
from .models import SignedRecord, SigningCertificate


def _record(record_type: str, pk: int):
    try:
        entry = registry.record_type(record_type)
        record = entry.get(pk)
    except (LookupError, ObjectDoesNotExist):
        raise Http404 from None
    return entry, record


def _check(user, commune_id: int, *, act: bool) -> None:
    """Another commune's record does not exist (404); acting needs the approving role."""
    if not permissions.has_commune_perm(user, commune_id, permissions.VIEW):
        raise Http404
    if act and not services.can_sign(user, commune_id):
        raise PermissionDenied


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


class AdminPage(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "doc-full"

    def get_breadcrumbs_items(self):
        return []


class SignedRecordView(AdminPage):
    template_name = "signatures/record.html"
    page_title = gettext_lazy("Digital signature")

    def dispatch(self, request, *args, record_type, pk, **kwargs):
        self.entry, self.record = _record(record_type, pk)
        self.commune_id = self.entry.commune_id(self.record)
        _check(request.user, self.commune_id, act=False)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.entry.title(self.record)

    def get_context_data(self, **kwargs):
        signed = services.signed_record_of(self.record)
        return super().get_context_data(
            entry=self.entry,
            record=self.record,
            record_title=self.entry.title(self.record),
            back_url=self.entry.admin_url(self.record) if self.entry.admin_url else "",
            signed=signed,
            certificate=SigningCertificate.objects.filter(commune_id=self.commune_id).first(),
            can_sign=services.can_sign(self.request.user, self.commune_id),
            approved=self.entry.is_approved(self.record),
            upload_form=SignedUploadForm(),
            commune_id=self.commune_id,
            **kwargs,
        )


def _action(request, record_type: str, pk: int):
    if request.method != "POST":
        raise Http404
    entry, record = _record(record_type, pk)
    _check(request.user, entry.commune_id(record), act=True)
    return entry, record


def _back(record_type, pk):
    return redirect("signatures:record", record_type, pk)


def sign(request, record_type: str, pk: int):
    entry, record = _action(request, record_type, pk)
    try:
        signed = services.sign_on_server(record=record, acting_user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        if signed.is_valid:
            messages.success(request, _("The PDF has been signed and verified."))
        else:
            messages.warning(request, _("The PDF has been signed but does not verify: see the reasons below."))
    return _back(record_type, pk)


def download_for_signing(request, record_type: str, pk: int):
    entry, record = _action(request, record_type, pk)
    try:
        signed = services.freeze_record(record=record, acting_user=request.user)
    except ValidationError as error:
        _errors(request, error)
        return _back(record_type, pk)
    stem = entry.file_stem(record) if entry.file_stem else f"{entry.key}-{record.pk}"
    return file_response(services.frozen_bytes(signed), filename=f"{ascii_slug(stem)}.pdf", kind=PDF)


def upload_signed(request, record_type: str, pk: int):
    entry, record = _action(request, record_type, pk)
    form = SignedUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return _back(record_type, pk)
    try:
        services.upload_signed_pdf(record=record, file=form.cleaned_data["file"], acting_user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The signed PDF has been verified and stored."))
    return _back(record_type, pk)


def verify(request, record_type: str, pk: int):
    entry, record = _action(request, record_type, pk)
    signed = services.signed_record_of(record)
    if signed is None:
        raise Http404
    try:
        signed = services.verify_signed_record(signed=signed, acting_user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        if signed.is_valid:
            messages.success(request, _("The signature is valid."))
        else:
            messages.error(request, _("The signature is not valid."))
    return _back(record_type, pk)


class CertificateView(AdminPage):
    """The commune's signing certificate: what it is (never the file), and the upload form."""

    template_name = "signatures/certificate.html"
    page_title = gettext_lazy("Signing certificate")

    def dispatch(self, request, *args, pk, **kwargs):
        self.commune = get_object_or_404(Commune, pk=pk)
        _check(request.user, self.commune.pk, act=True)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.commune.name

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", CertificateForm())
        return super().get_context_data(
            commune=self.commune,
            certificate=SigningCertificate.objects.filter(commune=self.commune).first(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = CertificateForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.upload_certificate(
                    commune=self.commune,
                    pkcs12_data=form.cleaned_data["file"].read(),
                    password=form.cleaned_data["password"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("file", message)
            else:
                messages.success(request, _("The signing certificate has been stored."))
                return redirect("signatures:certificate", self.commune.pk)
        return self.render_to_response(self.get_context_data(form=form))


frozen_file = RecordFileView.as_view(model=SignedRecord, field="frozen_pdf")
signed_file = RecordFileView.as_view(model=SignedRecord, field="signed_pdf")


def public_signed_file(request, pk: int):
    """The signed PDF of a record whose type is public (the announcement decision)."""
    signed = get_object_or_404(SignedRecord.objects.exclude(signed_pdf=""), pk=pk)
    try:
        public = registry.record_type(signed.record_type).public
    except LookupError:
        public = False
    if not public:
        raise Http404
    return serve_file(request, signed.signed_pdf, public=True)


def record_url(record) -> str:
    entry = registry.type_of(record)
    return reverse("signatures:record", args=[entry.key, record.pk])
