"""The province's yearly inspection plan (TT 26/2014 Arts. 33–38): the one-third rule, the decision and
minutes in Word, reminders and escalation of the two-month report, acceptance, the consolidation and
who may do what."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qms import docx as qd
from qms.certification import services
from qms.certification.inspection_docx import build_consolidation
from qms.certification.models import InspectionConclusion, InspectionPlan, PlanStatus
from qms.certification.selectors import plan_progress
from qms.notifications.models import Notification
from qms.units.models import Level
from qms.units.services import provision_commune
from tests.factories import make_unit, make_user
from tests.permission_matrix import SharedWorld, cell_id, cells, check_cell

from .conftest import days_ago, pdf

TODAY = timezone.localdate()
YEAR = TODAY.year


def extra_communes(world, count: int, start: int = 0):
    return [
        provision_commune(unit=make_unit(level=Level.COMMUNE, name=f"Phú {start + i}", parent=world.district_unit))
        for i in range(count)
    ]


def draft_plan(world, methods: list[str], communes=None):
    """A plan of the world's province with one item per method (communes A, B, then new ones)."""
    plan = services.create_plan(province=world.province_unit, year=YEAR, acting_user=world.province)
    communes = communes or [world.commune_a, world.commune_b, *extra_communes(world, max(0, len(methods) - 2))]
    for index, (commune, method) in enumerate(zip(communes, methods, strict=False), start=1):
        services.add_plan_item(
            plan=plan,
            commune=commune,
            planned_on=date(YEAR, 1 + index % 12, 10),
            method=method,
            acting_user=world.province,
        )
    services.set_plan_team(
        plan=plan,
        team=[
            {"name": "Đỗ Quang Huy", "position": "Phó Chi cục trưởng", "unit": "Chi cục TĐC"},
            {"name": "Lê Thị Mai", "position": "Chuyên viên", "unit": "Chi cục TĐC"},
        ],
        acting_user=world.province,
    )
    return plan


def approved_plan(world, methods=("on_site", "documents")):
    plan = draft_plan(world, list(methods))
    services.submit_plan(plan=plan, acting_user=world.province)
    return services.approve_plan(
        plan=plan,
        approved_on=date(YEAR, 1, 5),
        approval_number="12/QĐ-UBND",
        approver_name="Nguyễn Văn An",
        acting_user=world.province,
    )


def carry_out_a(world, plan, *, inspected_on=None, action=True):
    item = plan.items.get(commune=world.commune_a)
    return services.carry_out_item(
        item=item,
        inspected_on=inspected_on or days_ago(20),
        checklist={"scope": {"result": "met"}, "audit": {"result": "not_met", "note": "Chưa đánh giá nội bộ năm nay"}},
        conclusions=[
            ("Hệ thống được áp dụng tại bộ phận một cửa.", False),
            ("Chưa đánh giá nội bộ; yêu cầu khắc phục.", action),
        ],
        decision_reference="45/QĐ-SKHCN",
        summary="Hệ thống được duy trì.",
        acting_user=world.province,
    )


@pytest.mark.django_db
def test_approval_refuses_fewer_than_a_third_on_site_in_vietnamese_then_accepts(client, world):
    plan = draft_plan(world, ["on_site", "documents", "documents", "documents"])
    client.force_login(world.province)
    client.post(reverse("certification:plan_submit", args=[plan.pk]))
    url = reverse("certification:plan_approve", args=[plan.pk])
    form = {"approval_number": "12/QĐ-UBND", "approved_on": f"10/01/{YEAR}", "approver_name": "Nguyễn Văn An"}
    refused = client.post(url, form)
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "Ít nhất một phần ba số đơn vị phải được kiểm tra trực tiếp tại đơn vị" in text
    assert "1/4" in text and "cần ít nhất 2" in text
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED

    client.post(reverse("certification:plan_item_remove", args=[plan.items.filter(method="documents").first().pk]))
    accepted = client.post(url, form)
    assert accepted.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.approval_number, plan.approved_on, plan.approved_by) == (
        PlanStatus.APPROVED,
        "12/QĐ-UBND",
        date(YEAR, 1, 10),
        world.province,
    )
    assert plan.approved_at is not None and plan.approver_name == "Nguyễn Văn An"
    assert services.on_site_rule_met(units=3, on_site=1) and not services.on_site_rule_met(units=0, on_site=0)


@pytest.mark.django_db
def test_decision_and_minutes_read_back_with_names_in_natural_order_and_dates(client, world):
    leader = world.leader_a
    leader.first_name, leader.last_name = "Bình", "Trần Văn"
    leader.save()
    plan = approved_plan(world)
    inspection = carry_out_a(world, plan, inspected_on=date(YEAR, 3, 12))
    item = inspection.plan_item
    client.force_login(world.province)
    decision = client.get(
        reverse("certification:inspection_decision", args=[item.pk]),
        {"number": "45", "signed_on": f"01/03/{YEAR}", "signer_name": "Phạm Thu Hà"},
    )
    assert decision.status_code == 200 and decision["Content-Disposition"].endswith(".docx")
    text = qd.document_text(decision.content)
    assert "QUYẾT ĐỊNH" in text and "Số: 45/QĐ-SKHCN" in text
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in text and "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM" in text
    assert "tại Ủy ban nhân dân xã An Bình" in text
    assert f"ngày {item.planned_on:%d/%m/%Y}" in text
    assert f"số 12/QĐ-UBND ngày 05/01/{YEAR} được Ủy ban nhân dân tỉnh Thử Nghiệm phê duyệt" in text
    assert "Đỗ Quang Huy" in text and "Trưởng đoàn" in text and "Phạm Thu Hà" in text
    assert "Việc lựa chọn tổ chức tư vấn, chuyên gia tư vấn" in text  # the Art. 36 list, last item

    minutes = client.get(reverse("certification:inspection_minutes", args=[item.pk]))
    text = qd.document_text(minutes.content)
    assert "BIÊN BẢN" in text and "Hôm nay, ngày 12/03/" in text
    assert "trụ sở Ủy ban nhân dân xã An Bình" in text and "Sở Khoa học và Công nghệ tỉnh Thử Nghiệm" in text
    assert "Ông (bà) Trần Văn Bình, Lãnh đạo Ủy ban nhân dân" in text
    assert "Việc đánh giá nội bộ và thực hiện hành động khắc phục\nChưa đạt\nChưa đánh giá nội bộ năm nay" in text
    assert "Chưa đánh giá nội bộ; yêu cầu khắc phục." in text
    assert f"trước ngày 12/05/{YEAR}" in text  # two months after the inspection

    # The commune reads its own decision and minutes; the PDF goes through the same view.
    client.force_login(world.iso_a)
    assert client.get(reverse("certification:inspection_minutes", args=[item.pk])).status_code == 200


@pytest.mark.django_db
def test_reminders_and_escalation_are_planned_once_and_acceptance_resolves_them(client, world):
    plan = approved_plan(world)
    inspection = carry_out_a(world, plan, inspected_on=days_ago(50))
    conclusion = inspection.conclusions.get(needs_action=True)
    assert conclusion.due_on == services.rules.add_months(days_ago(50), 2)

    early = services.remind_inspection_reports(today=conclusion.due_on - timedelta(days=30))
    assert early == {"reminders": 0, "escalations": 0}
    first = services.remind_inspection_reports(today=conclusion.due_on - timedelta(days=5))
    again = services.remind_inspection_reports(today=conclusion.due_on - timedelta(days=4))
    assert first == {"reminders": 2, "escalations": 0} and again == {"reminders": 0, "escalations": 0}
    lapsed = services.remind_inspection_reports(today=conclusion.due_on + timedelta(days=1))
    lapsed_again = services.remind_inspection_reports(today=conclusion.due_on + timedelta(days=2))
    assert lapsed == {"reminders": 0, "escalations": 1} and lapsed_again == {"reminders": 0, "escalations": 0}
    notices = Notification.objects.filter(object_id=conclusion.pk)
    assert sorted(notices.values_list("recipient__username", "kind")) == [
        ("iso_a", "certification.report_reminder"),
        ("leader_a", "certification.report_reminder"),
        ("province", "certification.report_overdue"),
    ]
    assert "Xã An Bình chưa gửi báo cáo khắc phục" in notices.get(recipient=world.province).subject

    services.record_corrective_report(
        conclusion=conclusion,
        reported_on=TODAY,
        note="Đã đánh giá nội bộ.",
        file=pdf("bao-cao.pdf"),
        acting_user=world.iso_a,
    )
    assert notices.filter(read_at__isnull=True).count() == 3  # reported, not yet accepted
    client.force_login(world.iso_a)
    assert client.post(reverse("certification:report_accept", args=[conclusion.pk])).status_code == 403
    client.force_login(world.province)
    response = client.post(reverse("certification:report_accept", args=[conclusion.pk]))
    assert response.status_code == 302
    conclusion.refresh_from_db()
    assert conclusion.accepted_by == world.province and conclusion.accepted_at is not None
    assert notices.filter(read_at__isnull=True).count() == 0
    record = client.get(reverse("certification:commune", args=[world.commune_a.pk])).content.decode()
    assert f"chấp nhận {TODAY:%d/%m/%Y}" in record


@pytest.mark.django_db
def test_the_consolidation_gives_the_dashboards_figures(client, world):
    plan = approved_plan(world, methods=("on_site", "documents", "documents"))
    carry_out_a(world, plan, inspected_on=days_ago(70))  # its report is overdue
    b_item = plan.items.get(commune=world.commune_b)
    services.carry_out_item(
        item=b_item, inspected_on=days_ago(5), conclusions=[("Đạt yêu cầu.", False)], acting_user=world.province
    )
    progress = plan_progress(plan)
    assert progress.figures() == {
        "planned": 3,
        "done": 2,
        "on_site": 1,
        "on_site_percent": 33,
        "conclusions": 3,
        "actions": 1,
        "reports_received": 0,
        "reports_accepted": 0,
        "reports_overdue": 1,
    }
    client.force_login(world.province)
    dashboard = client.get(
        reverse("certification:dashboard") + f"?unit={world.province_unit.code}&era={world.province_unit.era}"
    ).content.decode()
    figures = dashboard[dashboard.index('id="qms-plan-figures"') :]
    for shown in ("2/3", "1/3 (33%)", "0/1", ">1<"):
        assert shown in figures
    text = qd.document_text(client.get(reverse("certification:plan_consolidation", args=[plan.pk])).content)
    assert (
        "Số đơn vị theo kế hoạch: 3; đã kiểm tra: 2; kiểm tra trực tiếp tại đơn vị theo kế hoạch: 1/3 (33%); "
        "số kết luận: 3, trong đó 1 kết luận yêu cầu khắc phục; báo cáo khắc phục đã nhận: 0, đã chấp nhận: 0; "
        "quá hạn chưa báo cáo: 1."
    ) in text
    assert "Chưa kiểm tra" in text and "0/1 đã nhận; 1 quá hạn" in text
    assert qd.document_text(build_consolidation(progress=progress)) == text
    workbook = client.get(reverse("certification:plan_consolidation_xlsx", args=[plan.pk]))
    from qms.spreadsheets import open_first_sheet

    rows = {row[0].value: row[1].value for row in open_first_sheet(workbook.content).iter_rows(min_row=2)}
    assert rows["Quá hạn chưa báo cáo khắc phục"] == progress.reports_overdue == 1


@pytest.mark.django_db
def test_another_provinces_plan_does_not_exist_for_the_province_official(client, world):
    other = make_unit(level=Level.PROVINCE, name="Xa Xôi")
    boss = make_user("other_province")
    from qms.units.services import add_unit_follower

    add_unit_follower(unit=other, user=boss)
    plan = services.create_plan(province=other, year=YEAR, acting_user=boss)
    client.force_login(world.province)
    assert client.get(reverse("certification:plan", args=[plan.pk])).status_code == 404
    assert client.get(reverse("certification:plan_consolidation", args=[plan.pk])).status_code == 404
    assert "Xa Xôi" not in client.get(reverse("certification:plans")).content.decode()
    with pytest.raises(services.PermissionDenied):
        services.create_plan(province=other, year=YEAR + 1, acting_user=world.province)


@pytest.mark.django_db
def test_the_plan_pages_take_the_same_queries_for_3_and_30_items(client, world):
    client.force_login(world.province)
    communes = [world.commune_a, world.commune_b, *extra_communes(world, 28)]
    plan = draft_plan(world, ["on_site"] * 3, communes=communes[:3])
    services.submit_plan(plan=plan, acting_user=world.province)
    services.approve_plan(plan=plan, approved_on=TODAY, approval_number="1/QĐ-UBND", acting_user=world.province)
    carry_out_a(world, plan)
    urls = [reverse("certification:plans"), reverse("certification:plan", args=[plan.pk])]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    small = counts()
    InspectionPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.DRAFT)
    for index, commune in enumerate(communes[3:]):
        services.add_plan_item(
            plan=plan,
            commune=commune,
            planned_on=date(YEAR, 6, 1 + index % 28),
            method="documents",
            acting_user=world.province,
        )
    InspectionPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.APPROVED)
    assert plan.items.count() == 30
    assert counts() == small


PLAN_VIEWS = {
    "plans": {"province"},
    "plan": {"province"},
    "plan_approve": {"province"},
    "decision": {"iso_a", "leader_a", "auditor_a", "district", "province"},
    "minutes": {"iso_a", "leader_a", "auditor_a", "district", "province"},
    "consolidation": {"province"},
}
PLAN_CELLS = cells(PLAN_VIEWS)


class TestInspectionPlanMatrix(SharedWorld):
    @pytest.fixture(scope="class")
    @classmethod
    def class_plan(cls, class_world, class_db):
        with class_db.unblock():
            plan = draft_plan(class_world, ["on_site", "documents"])
            services.submit_plan(plan=plan, acting_user=class_world.province)
            item = plan.items.get(commune=class_world.commune_a)
            return {"plan": plan.pk, "item": item.pk}

    def _url(self, view, ids):
        return {
            "plans": reverse("certification:plans"),
            "plan": reverse("certification:plan", args=[ids["plan"]]),
            "plan_approve": reverse("certification:plan_approve", args=[ids["plan"]]),
            "decision": reverse("certification:inspection_decision", args=[ids["item"]]),
            "minutes": reverse("certification:inspection_minutes", args=[ids["item"]]),
            "consolidation": reverse("certification:plan_consolidation", args=[ids["plan"]]),
        }[view]

    @pytest.mark.parametrize("cell", PLAN_CELLS, ids=[cell_id(c) for c in PLAN_CELLS])
    def test_cell(self, client, world, class_plan, cell):
        url = self._url(cell.view, class_plan)
        if cell.view == "minutes" and cell.allowed:
            # The minutes exist once the inspection is carried out.
            InspectionPlan.objects.filter(pk=class_plan["plan"]).update(status=PlanStatus.APPROVED)
            services.carry_out_item(
                item=InspectionPlan.objects.get(pk=class_plan["plan"]).items.get(pk=class_plan["item"]),
                inspected_on=TODAY,
                conclusions=[("Đạt yêu cầu.", False)],
                acting_user=world.province,
            )
        if cell.view == "plans":
            check_cell(client, world, cell, url, refused=200, marker="Tỉnh Thử Nghiệm", listing=True)
            return
        hidden_to_all = cell.view in {"plan", "plan_approve", "consolidation"}
        check_cell(
            client,
            world,
            cell,
            url,
            refused=404 if hidden_to_all else 403,
            hidden=404,
            marker="Tỉnh Thử Nghiệm" if cell.view == "plan" else None,
        )


@pytest.mark.django_db
def test_existing_reported_conclusions_count_as_accepted_after_the_migration(world):
    inspection = services.record_inspection(
        commune=world.commune_a,
        inspected_on=days_ago(30),
        method="documents",
        agency="Sở KH&CN",
        conclusions=[("Cần khắc phục.", True)],
        acting_user=world.province,
    )
    conclusion = inspection.conclusions.get()
    services.record_corrective_report(conclusion=conclusion, reported_on=TODAY, note="Đã làm.", acting_user=world.iso_a)
    InspectionConclusion.objects.filter(pk=conclusion.pk).update(accepted_at=None)
    from importlib import import_module

    from django.apps import apps

    import_module("qms.certification.migrations.0007_accept_existing_reports").accept_recorded(apps, None)
    conclusion.refresh_from_db()
    assert conclusion.accepted_at.date() == TODAY and conclusion.accepted_by == world.province
