"""The citizen-facing side: the "procedures" section of the commune page, one
readable page per effective procedure, and search across them.

Only effective documents are shown: live rows with a current version. The
live row of a draftable snippet always holds the last approved content, so
drafts and obsolete versions never reach these pages.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from qms.units.models import Commune

from . import selectors
from .content import document_content


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


def procedure_detail(request, commune_slug: str, code: str):
    commune = _commune(commune_slug)
    document = selectors.public_document(commune=commune, code=code)
    if document is None:
        raise Http404
    return render(
        request,
        "processes/public/procedure_detail.html",
        {"commune": commune, "document": document, "content": document_content(document)},
    )


def search(request):
    query = request.GET.get("q", "").strip()[:200]
    commune = None
    if request.GET.get("xa"):
        commune = Commune.objects.filter(slug=request.GET["xa"], is_active=True).first()
    results = selectors.search_public(query=query, commune=commune) if query else []
    return render(
        request,
        "processes/public/search.html",
        {"query": query, "commune": commune, "results": results},
    )


def document_public_url(document) -> str:
    return reverse("processes_public:procedure", args=[document.commune.slug, document.code])
