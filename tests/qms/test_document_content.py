"""Every Word document of the demo, read back as an office reads it: who issues it, where and
when (the units of the record's own date, before and after 01/07/2025), names as written, no
English label, and the province's report to the Ministry with its annex."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from audits import docx as audit_docx
from audits.models import AuditPlan, AuditProgramme, CorrectiveAction, ManagementReview
from qms.certification.models import Announcement
from qms.demo import DEMO_ACCOUNTS
from qms.docx import document_text, open_document, to_bytes
from qms.people import split_full_name
from qms.units.agency import REFORM_DATE
from qms.units.models import AdministrativeUnit, Commune

PRE_LAM = ("ỦY BAN NHÂN DÂN HUYỆN Ý YÊN", "ỦY BAN NHÂN DÂN THỊ TRẤN LÂM", "Lâm, ngày")
POST_LAM = ("ỦY BAN NHÂN DÂN TỈNH NINH BÌNH", "ỦY BAN NHÂN DÂN XÃ Ý YÊN", "Ý Yên, ngày")
ENGLISH = re.compile(r"\b(Requirement|Finding|Page|Owner|Due date|Status|Audit|Evidence|Clause|none)\b")
PEOPLE = [a.full_name for a in DEMO_ACCOUNTS if a.role != "superuser"]
REVERSED = [f"{given} {family}" for family, given in map(split_full_name, PEOPLE)]


def header(text: str) -> str:
    """The agency block, the national title and the place-and-date line: the head of the page."""
    return text[: text.index("Độc lập - Tự do - Hạnh phúc") + 200]


def assert_issued(text: str, era_lines: tuple[str, str, str], year: int) -> None:
    parent, agency, place = era_lines
    head = header(text)
    assert parent in head and agency in head, head
    assert place in head and f"năm {year}" in head, head
    if parent.endswith("NINH BÌNH"):
        assert "HUYỆN" not in head and "huyện" not in text


def assert_readable(text: str) -> None:
    assert not ENGLISH.search(text), ENGLISH.search(text)
    for wrong in REVERSED:
        assert wrong not in text


@pytest.mark.xdist_group("y_yen_demo")
class TestTheDemoDocuments:
    """The demo, loaded once for the class; each test in a savepoint of the class's transaction."""

    @pytest.fixture
    def lam(self, class_demo, db):
        return Commune.objects.get(unit__era="pre2025", unit__code="13795")

    @pytest.mark.django_db
    def test_audit_documents_are_issued_by_the_commune_of_their_date(self, lam):
        records = [
            *(
                (p, audit_docx.build_programme_docx, p.approved_at or datetime.date(p.year, 1, 1))
                for p in AuditProgramme.objects.filter(commune=lam)
            ),
            *((p, audit_docx.build_plan_docx, p.planned_start) for p in AuditPlan.objects.filter(commune=lam)),
            *(
                (p, audit_docx.build_report_docx, p.completed_on or p.planned_start)
                for p in AuditPlan.objects.filter(commune=lam)
            ),
            *(
                (r, audit_docx.build_review_docx, r.held_on or r.planned_on)
                for r in ManagementReview.objects.filter(commune=lam)
            ),
        ]
        eras = set()
        for record, build, day in records:
            day = day.date() if isinstance(day, datetime.datetime) else day
            text = document_text(to_bytes(build(record)))
            after = day >= REFORM_DATE
            eras.add(after)
            assert_issued(text, POST_LAM if after else PRE_LAM, day.year)
            assert_readable(text)
            assert "Nguyễn Thị Hoa" in text or "Trần Văn Bình" in text or "Phạm Minh Tuấn" in text
        assert eras == {True, False}
        report = document_text(
            to_bytes(
                audit_docx.build_report_docx(AuditPlan.objects.filter(commune=lam, completed_on__year=2025).first())
            )
        )
        assert "ngày 11 tháng 6 năm 2025" in report and "Yêu cầu không được đáp ứng: Điều" in report
        assert "TRƯỞNG ĐOÀN ĐÁNH GIÁ" in report and "Phạm Minh Tuấn" in report

    @pytest.mark.django_db
    def test_corrective_action_forms_name_the_commune_of_their_request_date(self, lam):
        actions = list(CorrectiveAction.objects.filter(commune=lam))
        assert actions
        for action in actions:
            text = document_text(to_bytes(audit_docx.build_action_docx(action)))
            parent, agency, _place = POST_LAM if action.requested_on >= REFORM_DATE else PRE_LAM
            assert f"{parent}\n{agency}\n" in text[: text.index(agency) + len(agency) + 1], text[:120]
            assert text.index(parent) < text.index("PHIẾU")
            assert_readable(text)

    @pytest.mark.django_db
    def test_quy_trinh_headers_are_the_commune_of_the_issue_date(self, client, lam):
        from processes.models import ProcessDocument
        from tests.processes.helpers import url

        client.force_login(get_user_model().objects.get(username="iso.lam"))
        issued = ProcessDocument.objects.filter(commune=lam, versions__isnull=False).distinct()
        assert issued
        for document in issued:
            version = document.current_version
            data = client.get(url("current_docx", document.pk)).content
            head = open_document(data).sections[0].header.tables[0].rows[0].cells[0].text
            expected = POST_LAM[1] if version.issued_on >= REFORM_DATE else PRE_LAM[1]
            assert head == expected
            text = document_text(data)
            assert "Nguyễn Thị Hoa" in text and "Trần Văn Bình" in text
            assert "ỦY BAN NHÂN DÂN TỈNH" not in head

    @pytest.mark.django_db
    def test_announcement_decisions_of_both_eras(self, lam):
        from qms.certification.docx import build_announcement_decision
        from qms.certification.rules import ScopeEntry
        from qms.certification.sources import effective_scope

        announcement = Announcement.objects.filter(commune=lam).first()
        text = document_text(announcement.file.read())
        assert_issued(text, PRE_LAM, announcement.signed_on.year)
        assert "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015" in text
        assert "- UBND huyện Ý Yên;" in text
        scope = effective_scope(commune_id=lam.pk) or [
            ScopeEntry("1.001193", "Đăng ký khai sinh", "Hộ tịch", "QT-01/HT")
        ]
        later = document_text(
            to_bytes(
                build_announcement_decision(commune=lam, scope=scope, number="5", signed_on=datetime.date(2025, 9, 2))
            )
        )
        assert_issued(later, POST_LAM, 2025)
        assert "Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025" in later
        assert "Sở Khoa học và Công nghệ tỉnh Ninh Bình" in later and "huyện" not in later.lower()
        assert_readable(later)

    @pytest.mark.django_db
    def test_the_province_reports_to_the_ministry_with_the_annex_of_its_communes(self, client, class_demo):
        client.force_login(get_user_model().objects.get(username="tinh.namdinh"))
        for era, code, kind in (("pre2025", "36", "thị trấn"), ("2025", "37", "đặc khu")):
            province = AdministrativeUnit.objects.get(era=era, code=code)
            response = client.get(reverse("certification:report_docx") + f"?unit={code}&era={era}")
            text = document_text(response.content)
            assert "Kính gửi: Bộ Khoa học và Công nghệ" in text
            assert "Kính gửi: Sở" not in text
            nơi_nhận = text[text.index("Nơi nhận:") :]
            assert nơi_nhận.startswith("Nơi nhận:\n- Bộ Khoa học và Công nghệ;")
            assert kind in text and "…………" not in text
            section_6 = text[text.index("VI. ĐỀ XUẤT, KIẾN NGHỊ") : text.index("Nơi nhận:")]
            assert "Đề nghị" in section_6
            head = header(text)
            assert f"ỦY BAN NHÂN DÂN {province.full_name.upper()}" in head
            assert "ngày 0" not in head and "ngày 1" not in head and "ngày 2" not in head  # the day is left to sign
            assert "PHỤ LỤC" in text and "TÌNH HÌNH CÔNG BỐ HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG CỦA CÁC ĐƠN VỊ CẤP XÃ" in text
            annex = next(
                t for t in open_document(response.content).tables if t.rows[0].cells[1].text == "Đơn vị cấp xã"
            )
            rows = [[c.text for c in row.cells] for row in annex.rows]
            communes = province.descendant_communes().count()
            assert len(rows) == communes + 2  # header, one row a commune, totals
            assert [r[0] for r in rows[1:-1]] == [str(i) for i in range(1, communes + 1)]
            announced = [r for r in rows[1:-1] if "Đã công bố" in r]
            assert rows[-1][1] == f"Tổng cộng: {communes} đơn vị"
            assert f"Đã công bố: {len(announced)}" in rows[-1]
            assert f"Chưa công bố: {communes - len(announced)}" in rows[-1]
            if era == "pre2025":
                lam = next(r for r in rows if r[1] == "Thị trấn Lâm")
                assert lam[2] == "Huyện Ý Yên" and lam[3] == "Đã công bố" and lam[5].startswith("60/QĐ-UBND")
                assert re.fullmatch(r"\d\d/\d\d/\d{4}", lam[4])
                assert len(announced) == 15
            else:
                assert "Huyện" not in {c for r in rows for c in r} and "huyện" not in text
                y_yen = next(r for r in rows if r[1] == "Xã Ý Yên")
                assert y_yen[2] == "Chưa công bố" and y_yen[5] == "Đang xây dựng"
            assert_readable(text)

    @pytest.mark.django_db
    def test_the_provinces_inspection_plan_gives_its_decisions_and_minutes(self, client, lam):
        from qms.certification.models import InspectionPlan
        from qms.certification.selectors import plan_progress

        client.force_login(get_user_model().objects.get(username="tinh.namdinh"))
        plan = InspectionPlan.objects.get(province__era="2025", province__code="37", year=2026)
        progress = plan_progress(plan)
        assert (progress.planned, progress.done, progress.on_site, progress.actions) == (6, 2, 2, 2)
        assert progress.reports_overdue >= 1
        #: The decision (Mẫu 20) is the department's, under the province; the minutes (Mẫu 21) the team's, under the department.
        issuers = {
            "certification:inspection_decision": ("ỦY BAN NHÂN DÂN TỈNH NINH BÌNH", "SỞ KHOA HỌC VÀ CÔNG NGHỆ"),
            "certification:inspection_minutes": ("SỞ KHOA HỌC VÀ CÔNG NGHỆ", "ĐOÀN KIỂM TRA"),
        }
        for row in progress.rows[:2]:
            for name, (parent, issuer) in issuers.items():
                text = document_text(client.get(reverse(name, args=[row.item.pk])).content)
                head = header(text)
                assert parent in head and issuer in head and "HUYỆN" not in head, head
                assert "Ninh Bình, ngày" in head, head
                assert row.item.commune.name.casefold() in text.casefold()
                assert "Đỗ Quang Huy" in text
                assert_readable(text)

    @pytest.mark.django_db
    def test_a_district_still_reports_to_the_provincial_department(self, client, class_demo):
        client.force_login(get_user_model().objects.get(username="huyen.yyen"))
        text = document_text(client.get(reverse("certification:report_docx") + "?unit=360&era=pre2025").content)
        head = header(text)
        assert "ỦY BAN NHÂN DÂN TỈNH NAM ĐỊNH" in head and "ỦY BAN NHÂN DÂN HUYỆN Ý YÊN" in head
        assert "Kính gửi: Sở Khoa học và Công nghệ tỉnh Nam Định" in text
        assert "năm 2025" in head and "PHỤ LỤC" not in text
        assert "Đề nghị 16 đơn vị cấp xã chưa công bố" in text and "mục tiêu 100% trước ngày 31/12/2021" in text
