"""Every document type of the demo, dated before and after the 2025 reform, as printed: A4, NĐ 30 margins, page numbers
from page 2, Vietnamese text intact, the PDF/A-2b marker, no closing block alone on the
last page, no date or code broken over two lines, and "DỰ THẢO" on drafts only.

The demo is loaded once for the class; every Word file is downloaded as the
administrator through its own view and all are converted by ONE LibreOffice process.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from audits.models import AuditPlan, AuditProgramme, CorrectiveAction, ManagementReview
from processes.models import ProcessDocument, ProcessVersion
from qms.units.models import Commune

from . import rendering as r

pytestmark = [r.needs_libreoffice, pytest.mark.xdist_group("rendered_demo")]

#: The two periods of a record's own date: before the 2025 reform (the commune and its
#: district issue it) and from 01/07/2025 (the successor commune and its province).
PERIODS = ("before", "after")
REFORM = datetime.date(2025, 7, 1)


def _dated(queryset, field, period):
    lookup = f"{field}__lt" if period == "before" else f"{field}__gte"
    value = REFORM if not field.endswith("year") else (2025 if period == "before" else 2026)
    return queryset.filter(**{lookup: value}).order_by("pk").first()


def _process_url(period):
    version = _dated(ProcessVersion.objects.filter(document__live=True), "issued_on", period)
    namespace = ProcessDocument.snippet_viewset.url_namespace
    return version and reverse(f"{namespace}:version_docx", args=[version.document_id, version.issue_number])


def _audit_url(model, name, field, period):
    record = _dated(model.objects.all(), field, period)
    return record and reverse(f"audits_admin:{name}", args=[record.pk])


def _decision_url(period):
    """Before: the draft as first opened (no number, no date); after: signed in 2026."""
    commune = Commune.objects.filter(unit__era="pre2025", unit__code="13795").first()
    url = commune and reverse("certification:decision_draft", args=[commune.pk])
    if url and period == "after":
        url += "?number=15&signed_on=2026-03-10&signer_name=Tr%E1%BA%A7n+V%C4%83n+B%C3%ACnh"
    return url


def _yearly_report_url(period):
    era, code = {"before": ("pre2025", "360"), "after": ("2025", None)}[period]
    return f"{reverse('certification:report_docx')}?era={era}" + (f"&unit={code}" if code else "")


#: Document type → where its Word file is downloaded, for a period.
SOURCES = {
    "process": _process_url,
    "programme": lambda period: _audit_url(AuditProgramme, "programme_docx", "year", period),
    "plan": lambda period: _audit_url(AuditPlan, "plan_docx", "planned_start", period),
    "report": lambda period: _audit_url(AuditPlan, "report_docx", "planned_start", period),
    "action": lambda period: _audit_url(CorrectiveAction, "action_docx", "requested_on", period),
    "review": lambda period: _audit_url(ManagementReview, "review_docx", "planned_on", period),
    "decision": _decision_url,
    "yearly_report": _yearly_report_url,
}

#: Every document type the demo has, dated before and after the reform: Thị trấn Lâm's audit plans,
#: reports and corrective actions of both periods; its quy trình, programmes and reviews are all dated
#: after 01/07/2025; the decision as first drafted (undated, the commune of its era) and as signed in 2026.
CASES = [
    (kind, period)
    for kind in SOURCES
    for period in PERIODS
    if (kind, period) not in {("process", "before"), ("programme", "before"), ("review", "before")}
]
#: Types left out of a check, with the reason.
NO_TOP_MARGIN_CHECK = {
    "process",  # the quy trình layout puts its code/issue/page table in the page header (DOMAIN.md)
}
NO_PAGE_NUMBER_CHECK = {
    "process",  # prints "Trang x/y" inside its header table, not a lone number
}
#: The demo's documents not yet approved or signed: the announcement decision before its number and
#: date, and the 2026 audit programme (not approved), plan (a draft) and report (the audit not done).
DRAFTS = {"decision-before", "programme-after", "plan-after", "report-after"}
NATIONAL_MARKERS = ("cộng hòa xã hội chủ nghĩa việt nam", "ủy ban nhân dân")


@pytest.fixture(scope="class")
def rendered(class_demo, class_db, tmp_path_factory):
    with class_db.unblock():
        client = Client()
        client.force_login(get_user_model().objects.get(username="admin"))
        documents, missing = {}, []
        for kind, period in CASES:
            url = SOURCES[kind](period)
            response = client.get(url) if url else None
            if response is None or response.status_code != 200:
                missing.append((kind, period, url, response and response.status_code))
                continue
            documents[f"{kind}-{period}"] = response.content
    pdfs = r.render_batch(documents, tmp_path_factory.mktemp("demo"))
    opened = {name: r.open_pdf(path) for name, path in pdfs.items()}
    yield {"pdf": opened, "path": pdfs, "missing": missing}
    for pdf in opened.values():
        pdf.close()


@pytest.mark.django_db
class TestTheDemoDocumentsAsPrinted:
    def test_every_document_type_was_downloaded(self, rendered):
        assert rendered["missing"] == []

    @pytest.mark.parametrize(("kind", "period"), CASES)
    def test_a4_and_pdfa_2b(self, rendered, kind, period):
        name = f"{kind}-{period}"
        sizes = r.page_sizes(rendered["pdf"][name])
        assert sizes and all(abs(w - 210) <= 1 and abs(h - 297) <= 1 for w, h in sizes), sizes
        assert r.pdfa_conformance(rendered["path"][name]) == ("2", "B")

    @pytest.mark.parametrize(("kind", "period"), CASES)
    def test_text_inside_the_nd30_margins(self, rendered, kind, period):
        pdf = rendered["pdf"][f"{kind}-{period}"]
        outside = {}
        for number, page in enumerate(pdf.pages, start=1):
            found = r.margin_violations(page)
            if kind in NO_TOP_MARGIN_CHECK:
                found.pop("top", None)
            if found:
                outside[number] = found
        assert outside == {}

    @pytest.mark.parametrize(("kind", "period"), [c for c in CASES if c[0] not in NO_PAGE_NUMBER_CHECK])
    def test_page_numbers_from_page_two(self, rendered, kind, period):
        pdf = rendered["pdf"][f"{kind}-{period}"]
        numbers = [r.page_number_on(page) for page in pdf.pages]
        assert numbers == [None, *range(2, len(numbers) + 1)]

    @pytest.mark.parametrize(("kind", "period"), CASES)
    def test_vietnamese_text_is_extractable_with_its_diacritics(self, rendered, kind, period):
        text = r.text_of(rendered["pdf"][f"{kind}-{period}"]).casefold()
        assert any(marker in text for marker in NATIONAL_MARKERS), text[:300]

    @pytest.mark.parametrize(("kind", "period"), CASES)
    def test_the_closing_block_never_stands_alone_on_the_last_page(self, rendered, kind, period):
        assert not r.only_signature_on_last_page(rendered["pdf"][f"{kind}-{period}"], "")

    @pytest.mark.parametrize(("kind", "period"), CASES)
    def test_no_date_or_code_is_broken_over_two_lines(self, rendered, kind, period):
        pdf = rendered["pdf"][f"{kind}-{period}"]
        assert r.broken_tokens(pdf, r.DATE) == [] and r.broken_tokens(pdf, r.CODE) == []

    def test_the_draft_mark_is_printed_on_drafts_only(self, rendered):
        assert {name for name, pdf in rendered["pdf"].items() if r.has_draft_mark(pdf)} == DRAFTS
