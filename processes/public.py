"""The citizen-facing side: the "procedures" section of the commune page, one
readable page per effective procedure with its satisfaction and complaint
forms, and search across them.

Only effective documents are shown: live rows with a current version. The
live row of a draftable snippet always holds the last approved content, so
drafts and obsolete versions never reach these pages.
"""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from qms.service_views import add_service_errors
from qms.units.models import Commune

from . import selectors, services
from .content import document_content
from .forms import ComplaintForm, SatisfactionForm


def procedures_section_context(commune, request) -> dict:
    return {
        "groups": selectors.public_procedures(commune=commune),
        "search_url": reverse("processes_public:search"),
    }


def _commune(slug: str) -> Commune:
    return get_object_or_404(Commune.objects.select_related("unit"), slug=slug, is_active=True)


def commune_procedures(request, commune_slug: str):
    commune = _commune(commune_slug)
    return render(
        request,
        "processes/public/commune_procedures.html",
        {"commune": commune, "view_data": procedures_section_context(commune, request)},
    )


def _public_document(commune_slug: str, code: str):
    commune = _commune(commune_slug)
    document = selectors.public_document(commune=commune, code=code)
    if document is None:
        raise Http404
    return commune, document


def _procedure_page(request, commune, document, *, forms_: dict | None = None, status: int = 200):
    bound = forms_ or {}
    context = {
        "commune": commune,
        "document": document,
        "content": document_content(document),
        "satisfaction": selectors.procedure_satisfaction(commune=commune, procedure=document.procedure),
        "satisfaction_form": bound.get("satisfaction") or SatisfactionForm(prefix="satisfaction"),
        "complaint_form": bound.get("complaint") or ComplaintForm(prefix="complaint"),
        "retention_months": services.feedback_retention_months(),
    }
    return render(request, "processes/public/procedure_detail.html", context, status=status)


def procedure_detail(request, commune_slug: str, code: str):
    commune, document = _public_document(commune_slug, code)
    return _procedure_page(request, commune, document)


FEEDBACK_FORMS = {SatisfactionForm.form_name: SatisfactionForm, ComplaintForm.form_name: ComplaintForm}


def _feedback_limited(request, commune, document) -> bool:
    """Each address may send ``QMS_FEEDBACK_RATE`` forms per procedure (django-ratelimit, counted on POST)."""
    where = f"{commune.pk}:{document.procedure_id}"
    return is_ratelimited(
        request,
        group="processes.feedback",
        key=lambda group, req: f"{get_client_ip_address(req)}:{where}",
        rate=settings.QMS_FEEDBACK_RATE,
        method="POST",
        increment=True,
    )


@require_POST
def procedure_feedback(request, commune_slug: str, code: str, form_name: str):
    commune, document = _public_document(commune_slug, code)
    form_class = FEEDBACK_FORMS.get(form_name)
    if form_class is None:
        raise Http404
    if _feedback_limited(request, commune, document):
        context = {"commune": commune, "document": document}
        return render(request, "processes/public/feedback_limited.html", context, status=429)
    form = form_class(request.POST, prefix=form_name)
    thanks = reverse("processes_public:feedback_thanks", args=[commune.slug, document.code])
    if form.is_valid():
        if form.is_spam():
            return redirect(thanks)
        try:
            services.submit_feedback(commune=commune, procedure=document.procedure, **form.submission())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(thanks)
    return _procedure_page(request, commune, document, forms_={form_name: form}, status=400)


def feedback_thanks(request, commune_slug: str, code: str):
    commune, document = _public_document(commune_slug, code)
    return render(request, "processes/public/feedback_thanks.html", {"commune": commune, "document": document})


def search(request):
    query = request.GET.get("q", "").strip()[:200]
    commune = None
    if request.GET.get("xa"):
        commune = Commune.objects.filter(slug=request.GET["xa"], is_active=True).first()
    page = None
    if query:
        paginator = Paginator(selectors.search_public(query=query, commune=commune), selectors.PUBLIC_SEARCH_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("trang"))
    context = {"query": query, "commune": commune, "page": page, "results": page.object_list if page else []}
    context["count_cap"] = grouped_number(selectors.search_count_cap())
    return render(request, "processes/public/search.html", context)


def grouped_number(number: int) -> str:
    """``number`` with its thousands grouped the Vietnamese way: 1.000, 12.500."""
    return f"{number:,}".replace(",", ".")


def document_public_url(document) -> str:
    return reverse("processes_public:procedure", args=[document.commune.slug, document.code])
