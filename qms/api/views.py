"""The read-only API under ``/api/v1/``: every answer limited to the units of the organisation's token."""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, generics
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from processes import selectors as process_selectors
from processes.content import dated_content
from processes.views import docx_name, docx_response
from qms.certification import access
from qms.certification.models import Announcement
from qms.certification.selectors import find_unit, progress_report
from qms.files.pdf import PdfConversionError, docx_to_pdf
from qms.files.policy import PDF
from qms.files.serving import file_response, pdf_name
from qms.units.models import AdministrativeUnit, Commune, Era

from .authentication import OrganisationTokenAuthentication
from .filters import AnnouncementFilter, CommuneFilter, UnitFilter
from .models import Scope
from .pagination import Pagination
from .scopes import HasScope, request_token
from .serializers import AnnouncementSerializer, CommuneSerializer, ErrorSerializer, ProcessSerializer, UnitSerializer
from .throttling import OrganisationRateThrottle

REFUSALS = {
    401: OpenApiResponse(ErrorSerializer, description=gettext_lazy("No token, or a revoked one.")),
    403: OpenApiResponse(ErrorSerializer, description=gettext_lazy("The token lacks the scope.")),
    429: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Too many requests.")),
}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Not among the token's units."))}


class ApiView(APIView):
    """Token authentication, one scope per view, JSON, paged lists; refusals in Vietnamese, throttled per token."""

    required_scope = ""
    authentication_classes = [OrganisationTokenAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [OrganisationRateThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]

    def throttled(self, request, wait):
        seconds = int(wait or 0) + (1 if wait and wait % 1 else 0)
        raise exceptions.Throttled(
            wait,
            detail=_("Too many requests from this organisation; try again in %(seconds)d seconds.")
            % {"seconds": seconds},
        )

    @property
    def token(self):
        return request_token(self.request)

    def readable_communes(self):
        token = self.token
        return token.readable_communes() if token else Commune.objects.none()

    def readable_unit_ids(self):
        token = self.token
        return token.unit_ids() if token else AdministrativeUnit.objects.none().values("pk")


class UnitRows(ApiView):
    required_scope = Scope.UNITS
    serializer_class = UnitSerializer
    filterset_class = UnitFilter

    def get_queryset(self):
        return (
            AdministrativeUnit.objects.filter(pk__in=self.readable_unit_ids())
            .select_related("parent")
            .order_by("era", "code")
        )


class UnitList(UnitRows, generics.ListAPIView):
    pass


class UnitDetail(UnitRows, generics.RetrieveAPIView):
    pass


class CommuneRows(ApiView):
    required_scope = Scope.COMMUNES
    serializer_class = CommuneSerializer
    filterset_class = CommuneFilter

    def get_queryset(self):
        return (
            self.readable_communes()
            .select_related("unit__parent__parent", "qms_progress")
            .order_by("unit__era", "unit__code")
        )


class CommuneList(CommuneRows, generics.ListAPIView):
    pass


class CommuneDetail(CommuneRows, generics.RetrieveAPIView):
    pass


class AnnouncementRows(ApiView):
    required_scope = Scope.ANNOUNCEMENTS
    serializer_class = AnnouncementSerializer
    filterset_class = AnnouncementFilter

    def get_queryset(self):
        return (
            Announcement.objects.filter(commune__in=self.readable_communes())
            .select_related("commune__unit")
            .order_by("-signed_on", "-id")
        )


class AnnouncementList(AnnouncementRows, generics.ListAPIView):
    pass


class AnnouncementDetail(AnnouncementRows, generics.RetrieveAPIView):
    pass


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Effective quy trình of a commune"),
        description=gettext_lazy(
            "The commune's effective quy trình (scope read:documents), by field then procedure code, "
            "with the addresses of their Word and PDF files."
        ),
        responses={200: ProcessSerializer(many=True), **REFUSALS, **NOT_FOUND},
    )
)
class ProcessList(ApiView, generics.ListAPIView):
    """The commune's effective quy trình, by field then procedure code, with their Word and PDF downloads."""

    required_scope = Scope.DOCUMENTS
    serializer_class = ProcessSerializer
    filter_backends = []

    def commune(self) -> Commune:
        return get_object_or_404(self.readable_communes(), pk=self.kwargs["commune_id"])

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["commune"] = self.commune()
        return context

    def get_queryset(self):
        return process_selectors.effective_scope(commune_id=self.commune().pk)


class ProcessDownload(ApiView):
    required_scope = Scope.DOCUMENTS
    as_pdf = False

    @extend_schema(
        summary=gettext_lazy("Word or PDF file of an effective quy trình"),
        description=gettext_lazy("The effective version as Word (…/docx/) or PDF (…/pdf/); scope read:documents."),
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
            **REFUSALS,
            **NOT_FOUND,
        },
    )
    def get(self, request, commune_id: int, document_id: int):
        commune = get_object_or_404(self.readable_communes(), pk=commune_id)
        document = process_selectors.effective_document(commune_id=commune.pk, document_id=document_id)
        version = document.current_version if document else None
        if version is None:
            raise Http404
        content = dated_content(document, version.content)
        response = docx_response(content)
        if not self.as_pdf:
            return response
        try:
            data = docx_to_pdf(response.content)
        except PdfConversionError as error:
            return JsonResponse({"detail": str(error)}, status=503, json_dumps_params={"ensure_ascii": False})
        return file_response(data, filename=pdf_name(docx_name(content)), kind=PDF)


# -- progress figures: the dashboards' JSON twin, for signed-in followers and for tokens -------------------


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@extend_schema(
    summary=gettext_lazy("Progress figures of a unit"),
    description=gettext_lazy(
        "The dashboard's figures of a unit and era (scope read:progress, or a signed-in follower of the unit): "
        "communes per stage, the target, the timeline and the late communes."
    ),
    parameters=[
        OpenApiParameter("unit", str, required=True, description=gettext_lazy("Code of the unit.")),
        OpenApiParameter("era", str, enum=Era.values, description=gettext_lazy("Era (default 2025).")),
    ],
    responses={
        200: OpenApiResponse(OpenApiTypes.OBJECT, description=gettext_lazy("The dashboard's figures of the unit.")),
        400: OpenApiResponse(OpenApiTypes.OBJECT, description=gettext_lazy("A missing or invalid parameter.")),
        **REFUSALS,
        **NOT_FOUND,
    },
)
class ProgressView(ApiView):
    """``GET /api/v1/progress/?unit=<code>&era=<era>``: a dashboard's figures as JSON.

    A signed-in follower of the unit (session) or an organisation token with ``read:progress`` whose units
    include it: 401 without either, 403 for a unit the user does not follow or a token without the scope,
    404 for an unknown unit (and for a unit outside the token's), 400 for a missing or invalid parameter.
    """

    required_scope = Scope.PROGRESS
    authentication_classes = [OrganisationTokenAuthentication, SessionAuthentication]
    permission_classes = []

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.AuthenticationFailed | exceptions.NotAuthenticated):
            response = _error(401, str(exc.detail))
            response["WWW-Authenticate"] = self.get_authenticate_header(self.request)
            return response
        if isinstance(exc, exceptions.Throttled):
            response = _error(429, str(exc.detail))
            response["Retry-After"] = str(int(exc.wait or 1))
            return response
        return super().handle_exception(exc)

    def get(self, request):
        user = request.user
        if not getattr(user, "is_authenticated", False):
            response = _error(401, _("Sign in to see the progress figures."))
            response["WWW-Authenticate"] = self.get_authenticate_header(request)
            return response
        token = self.token
        if token is not None and not token.allows(self.required_scope):
            return _error(403, str(HasScope.message))
        code = (request.GET.get("unit") or "").strip()
        era = (request.GET.get("era") or Era.Y2025).strip()
        if not code:
            return _error(400, _("Give the unit code: ?unit=<code>&era=<era>."))
        if era not in Era.values:
            return _error(400, _("Unknown era “%(era)s”; use pre2025 or 2025.") % {"era": era})
        unit = find_unit(code=code, era=era)
        if token is not None and unit is not None and not token.unit_ids().filter(pk=unit.pk).exists():
            unit = None
        if unit is None:
            return _error(404, _("No unit %(code)s in era %(era)s.") % {"code": code, "era": era})
        if token is None and not access.can_view_unit(user, unit):
            return _error(403, _("You do not follow this unit."))
        return JsonResponse(progress_report(unit=unit).as_json(), json_dumps_params={"ensure_ascii": False})


def _documented(view, summary, description, *, detail: bool):
    serializer = view.serializer_class
    codes = {**REFUSALS, **(NOT_FOUND if detail else {})}
    return extend_schema_view(
        get=extend_schema(summary=summary, description=description, responses={200: serializer, **codes})
    )(view)


UnitList = _documented(
    UnitList,
    gettext_lazy("Administrative units"),
    gettext_lazy("The units of the token (scope read:units): the province, its districts and communes."),
    detail=False,
)
UnitDetail = _documented(
    UnitDetail, gettext_lazy("One administrative unit"), gettext_lazy("Scope read:units."), detail=True
)
CommuneList = _documented(
    CommuneList,
    gettext_lazy("Communes with their stage and dates"),
    gettext_lazy("The communes of the token (scope read:communes) with their QMS stage and dates."),
    detail=False,
)
CommuneDetail = _documented(
    CommuneDetail, gettext_lazy("One commune"), gettext_lazy("Scope read:communes."), detail=True
)
AnnouncementList = _documented(
    AnnouncementList,
    gettext_lazy("Announcements"),
    gettext_lazy("Signed announcement decisions of the token's communes (scope read:announcements), newest first."),
    detail=False,
)
AnnouncementDetail = _documented(
    AnnouncementDetail, gettext_lazy("One announcement"), gettext_lazy("Scope read:announcements."), detail=True
)
