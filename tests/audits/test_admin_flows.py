"""What users do through the admin screens: the corrective action cycle, next year's programme,
notifications, and lists whose query count does not grow with their size."""

import datetime
import re

import pytest
from django.urls import reverse

from audits import services
from audits.models import ActionStatus, AuditProgramme, ChecklistItem, Finding, FindingKind, PlanStatus
from qms.notifications.models import Notification
from tests.browser_forms import open_form

from .builders import make_audit, raise_nc


def _post(client, user, name, pk, data=None):
    client.force_login(user)
    return client.post(reverse(name, args=[pk]), data or {})


@pytest.mark.django_db
def test_corrective_action_cycle_through_the_admin(client, world):
    plan = make_audit(world)
    action = raise_nc(world, plan).corrective_action
    client.force_login(world.iso_a)
    token = open_form(client, reverse("audits_actions:edit", args=[action.pk]), "title")["version_token"][0]
    assert (
        _post(
            client,
            world.iso_a,
            "audits_actions:edit",
            action.pk,
            {
                "title": action.title,
                "immediate_correction": "Gửi văn bản xin lỗi ngay.",
                "root_cause": "Thiếu người.",
                "action_plan": "Bổ sung người trực một cửa.",
                "owner": world.iso_a.pk,
                "due_date": "05/06/2026",
                "version_token": token,
            },
        ).status_code
        == 302
    )
    action.refresh_from_db()
    assert action.due_date == datetime.date(2026, 6, 5)  # typed day first
    assert (
        _post(
            client,
            world.iso_a,
            "audits_admin:action_progress",
            action.pk,
            {"note": "Đã bổ sung 1 người.", "percent_done": 50},
        ).status_code
        == 302
    )
    assert _post(client, world.iso_a, "audits_admin:action_submit", action.pk).status_code == 302
    verify = {"effectiveness": "not_effective", "note": "Vẫn còn hồ sơ trễ."}
    assert _post(client, world.auditor_a, "audits_admin:action_verify", action.pk, verify).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.REOPENED
    # closing needs a new round and a verification that finds it effective
    _post(client, world.iso_a, "audits_admin:action_submit", action.pk)
    _post(
        client,
        world.auditor_a,
        "audits_admin:action_verify",
        action.pk,
        {"effectiveness": "effective", "note": "Đúng hạn 100%."},
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.CLOSED and action.verified_by == world.auditor_a

    client.force_login(world.district)
    body = client.get(reverse("audits_actions:inspect", args=[action.pk])).content.decode()
    assert "Đúng hạn 100%." in body and "Đã bổ sung 1 người." in body
    statuses = [h.status for h in action.history.order_by("history_date", "history_id")]
    users = [h.history_user for h in action.history.order_by("history_date", "history_id")]
    assert statuses[-5:] == ["in_progress", "awaiting_verification", "reopened", "awaiting_verification", "closed"]
    assert users[-5:] == [world.iso_a, world.iso_a, world.auditor_a, world.iso_a, world.auditor_a]
    log = client.get(reverse("audits_actions:history", args=[action.pk])).content.decode()
    assert "auditor_a" in log


@pytest.mark.django_db
def test_refused_transition_shows_the_reason_and_changes_nothing(client, world):
    plan = make_audit(world)
    action = raise_nc(world, plan).corrective_action
    response = _post(client, world.iso_a, "audits_admin:action_submit", action.pk)
    assert response.status_code == 200
    assert "nguyên nhân" in response.content.decode().lower()
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


@pytest.mark.django_db
def test_start_next_years_programme_copies_scope_and_team_and_resets_results(client, world):
    plan = make_audit(world)
    services.generate_checklist(acting_user=world.iso_a, plan=plan)
    raise_nc(world, plan)
    response = _post(client, world.iso_a, "audits_admin:programme_copy", plan.programme.pk)
    copy = AuditProgramme.objects.get(commune=world.commune_a, year=2027)
    assert response.status_code == 302 and response["Location"] == reverse("audits_programmes:inspect", args=[copy.pk])
    assert copy.status == "draft" and copy.copied_from == plan.programme and copy.approved_by is None
    assert set(copy.clauses.all()) == set(plan.programme.clauses.all())
    assert set(copy.auditors.all()) == set(plan.programme.auditors.all())
    new_plan = copy.plans.get()
    assert new_plan.status == PlanStatus.DRAFT and new_plan.planned_start == datetime.date(2027, 5, 11)
    assert new_plan.title == "Đánh giá nội bộ lần 1 năm 2027"
    assert [p.title for p in new_plan.processes.order_by("order")] == [
        p.title for p in plan.processes.order_by("order")
    ]
    assert new_plan.lead_auditor == plan.lead_auditor and set(new_plan.team.all()) == set(plan.team.all())
    assert not ChecklistItem.objects.filter(plan=new_plan).exists()
    assert not Finding.objects.filter(plan=new_plan).exists()
    assert not new_plan.conclusion and new_plan.completed_on is None
    again = _post(client, world.iso_a, "audits_admin:programme_copy", plan.programme.pk)
    assert again.status_code == 200 and "2027" in again.content.decode()
    assert AuditProgramme.objects.filter(commune=world.commune_a, year=2027).count() == 1


@pytest.mark.django_db
def test_notifications_list_shows_only_the_users_own_and_marks_them_read(client, world):
    plan = make_audit(world)
    action = raise_nc(world, plan, due=datetime.date(2026, 6, 8)).corrective_action
    services.send_daily_reminders(today=datetime.date(2026, 6, 1))
    mine = Notification.objects.filter(recipient=world.iso_a)
    assert mine.count() >= 1
    client.force_login(world.iso_a)
    body = client.get(reverse("notifications:inbox")).content.decode()
    assert action.number in body
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert f"({mine.count()})" in home
    client.post(reverse("notifications:inbox"))
    assert not mine.filter(read_at__isnull=True).exists()
    client.force_login(world.iso_b)
    assert action.number not in client.get(reverse("notifications:inbox")).content.decode()


def _findings(world, plan, n: int) -> None:
    for i in range(n):
        raise_nc(
            world,
            plan,
            kind=FindingKind.MINOR_NC if i % 2 else FindingKind.OBSERVATION,
            description=f"Phát hiện số {i}",
        )


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["audits_findings:index", "audits_actions:index"])
def test_list_query_count_does_not_grow_with_the_number_of_findings(client, world, django_assert_max_num_queries, view):
    plan_a, plan_b = make_audit(world), make_audit(world, commune=world.commune_b)
    _findings(world, plan_a, 2)
    client.force_login(world.district)
    with django_assert_max_num_queries(60) as small:
        assert client.get(reverse(view)).status_code == 200
    _findings(world, plan_a, 12)
    _findings(world, plan_b, 12)
    client.force_login(world.district)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse(view))
    body = response.content.decode()
    assert body.count("Phát hiện số 11") >= 2 if view == "audits_findings:index" else "Phát hiện số 11" in body


@pytest.mark.django_db
def test_inspect_pages_speak_vietnamese_and_show_people_by_name(client, world):
    world.auditor_a.first_name, world.auditor_a.last_name = "Tuấn", "Phạm Minh"
    world.auditor_a.save()
    plan = make_audit(world)
    finding = raise_nc(world, plan)
    client.force_login(world.district)
    body = client.get(reverse("audits_findings:inspect", args=[finding.pk])).content.decode()
    for english in ("Process reference", "Code", ">None<", "True"):
        assert english not in body, english
    shown = dict(re.findall(r"<dt>(.*?)</dt>\s*<dd>\s*(.*?)\s*</dd>", body, re.S))
    assert shown["Số"] == "PH01" and shown["Người phát hiện"] == "Phạm Minh Tuấn"
    assert shown["Quy trình"] == "QT-01/HT – Đăng ký khai sinh (lần ban hành 02)"
    body = client.get(reverse("audits_auditors:inspect", args=[plan.lead_auditor.pk])).content.decode()
    assert "Trainings" not in body and "True" not in body
