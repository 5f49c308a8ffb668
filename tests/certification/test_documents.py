"""The announcement decision, the yearly report and the Excel export, read back as a user opens them."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qms.certification import services
from qms.certification.models import EvidenceKind
from qms.docx import document_text, open_document
from qms.notifications.models import Notification
from tests.permission_matrix import ADMIN_HOME, SharedWorld, cell_id, cells, check_cell

from .conftest import days_ago, make_effective, pdf


@pytest.fixture
def documented(today_world, procedures, django_capture_on_commit_callbacks):
    """Commune Đông Hòa with three effective process documents."""
    with django_capture_on_commit_callbacks(execute=True):
        for procedure in procedures:
            make_effective(today_world.commune, procedure, today_world.iso, today_world.leader)
    return today_world


def draft_url(commune, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("certification:decision_draft", args=[commune.pk]) + (f"?{query}" if query else "")


@pytest.mark.django_db
def test_the_announcement_decision_has_the_national_title_the_number_and_every_procedure(
    client, documented, procedures
):
    client.force_login(documented.iso)
    response = client.get(draft_url(documented.commune, number="45", signed_on="15/11/2026", signer_name="Lê Văn Tâm"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    text = document_text(response.content)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 45/QĐ-UBND",
        "QUYẾT ĐỊNH",
        "Về việc công bố Hệ thống quản lý chất lượng phù hợp Tiêu chuẩn quốc gia TCVN ISO 9001:2015",
        "Căn cứ Quyết định số 19/2014/QĐ-TTg",
        "Phạm vi áp dụng gồm 3 thủ tục hành chính",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Lê Văn Tâm",
        "Nơi nhận:",
        "ngày 15 tháng 11 năm 2026",
    ):
        assert expected in text, expected
    tables = [[[cell.text for cell in row.cells] for row in t.rows] for t in open_document(response.content).tables]
    [rows] = [t for t in tables if t[0][0] == "STT"]
    assert rows[0][:3] == ["STT", "Mã TTHC", "Tên thủ tục hành chính"]
    assert {(r[1], r[2]) for r in rows[1:]} == {(p.code, p.name) for p in procedures}


DRAFT_CELLS = cells({"decision_draft": {"iso_a", "leader_a"}, "notifications": {"iso_a"}})
REMINDER = "Xã An Bình: 1 việc chậm hạn"


class TestDecisionDraftAndRemindersMatrix(SharedWorld):
    @pytest.fixture(scope="class")
    @classmethod
    def class_procedure(cls, class_world, class_db):
        """An effective process document of commune A and a reminder in its officer's inbox."""
        from tests.processes.helpers import make_procedure

        world = class_world
        with class_db.unblock():
            procedure = make_procedure()
            make_effective(world.commune_a, procedure, world.iso_a, world.leader_a)
            Notification.objects.create(
                recipient=world.iso_a,
                commune=world.commune_a,
                kind="certification.late_item",
                dedup_key="late:test",
                subject=REMINDER,
                message="- Đánh giá nội bộ năm 2024",
            )
        return procedure

    @pytest.mark.parametrize("cell", DRAFT_CELLS, ids=[cell_id(c) for c in DRAFT_CELLS])
    def test_cell(self, client, world, class_procedure, cell):
        if cell.view == "decision_draft":
            response = check_cell(client, world, cell, draft_url(world.commune_a), refused=403, hidden=404)
            if cell.allowed:
                assert class_procedure.name in document_text(response.content)
            return
        check_cell(
            client, world, cell, reverse("notifications:inbox"), refused=ADMIN_HOME, marker=REMINDER, listing=True
        )


@pytest.mark.django_db
def test_after_an_announcement_the_draft_is_a_reannouncement_replacing_it(client, documented):
    services.record_announcement(
        commune=documented.commune, number="7", signed_on=date(2025, 9, 2), file=pdf(), acting_user=documented.iso
    )
    client.force_login(documented.iso)
    text = document_text(client.get(draft_url(documented.commune)).content)
    assert "Về việc công bố lại Hệ thống quản lý chất lượng" in text
    assert "thay thế Quyết định số 7/QĐ-UBND ngày 02/09/2025" in text


@pytest.mark.django_db
def test_no_draft_without_an_effective_process_document(client, today_world):
    client.force_login(today_world.iso)
    response = client.get(draft_url(today_world.other))
    assert response.status_code == 404
    response = client.get(draft_url(today_world.commune), follow=True)
    assert "Xã chưa có quy trình nào có hiệu lực: quyết định sẽ không có phạm vi áp dụng." in response.content.decode()


@pytest.fixture
def district_figures(world, a_records, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.set_target(
            unit=world.district_unit, percent=100, target_date=date(2024, 12, 31), acting_user=world.province
        )
    services.add_evidence(
        commune=world.commune_b,
        kind=EvidenceKind.STEERING_BOARD,
        title="QĐ Ban chỉ đạo ISO",
        reference="4/QĐ-UBND",
        issued_on=days_ago(300),
        acting_user=world.iso_b,
    )
    return world


@pytest.mark.django_db
def test_the_yearly_report_carries_the_dashboard_figures(client, district_figures):
    world = district_figures
    client.force_login(world.province)
    response = client.get(
        reverse("certification:report_docx") + f"?unit={world.district_unit.code}&era=pre2025&year=2025"
    )
    assert response.status_code == 200
    text = document_text(response.content)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "BÁO CÁO",
        "TCVN ISO 9001:2015 năm 2025",
        "Kính gửi: Sở Khoa học và Công nghệ tỉnh Thử Nghiệm",
        "đã công bố Hệ thống quản lý chất lượng: 1/2 (50%)",
        "Mục tiêu: 100% đơn vị cấp xã công bố trước ngày 31/12/2024 (2 đơn vị); chưa đạt, còn 1 đơn vị chưa công bố.",
        "Xã An Bình",
        "45/QĐ-UBND",
        world.commune_b.name,
        "Đang xây dựng",
    ):
        assert expected in text, expected


@pytest.mark.django_db
def test_the_excel_export_lists_the_same_figures_and_the_late_communes(client, district_figures):
    world = district_figures
    client.force_login(world.district)
    url = reverse("certification:export_xlsx") + f"?unit={world.district_unit.code}&era=pre2025"
    data = client.get(reverse("certification_api:progress") + f"?unit={world.district_unit.code}&era=pre2025")
    figures = data.json()
    workbook = load_workbook(BytesIO(client.get(url).content))
    summary = {row[0]: row[1] for row in workbook.worksheets[0].iter_rows(values_only=True)}
    assert (figures["announced"], figures["total"]) == (1, 2)
    assert any(value == figures["announced"] for value in summary.values())
    units = list(workbook.worksheets[1].iter_rows(values_only=True))
    names = {row[1] for row in units[1:]}
    assert {world.commune_a.name, world.commune_b.name} <= names
    late = list(workbook.worksheets[2].iter_rows(values_only=True))[1:]
    late_communes = {row[1] for row in late}
    assert late_communes == {row["commune"] for row in figures["late"]}
    assert all(isinstance(row[5], int) and row[5] > 0 for row in late)
