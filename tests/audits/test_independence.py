"""ISO 19011 / TCVN ISO 9001:2015 9.2.2 c: an auditor never audits their own unit or process."""

import pytest
from django.core.exceptions import ValidationError

from audits import services
from audits.models import ChecklistResult

from .builders import HOTICH, make_audit, second_auditor


def _row(auditor, **extra):
    values = {"title": "Đăng ký khai sinh", "document_code": "QT-01/HT", "issue_number": 2, "responsible_unit": HOTICH}
    return services.ProcessInput(auditor=auditor, **{**values, **extra})


@pytest.mark.django_db
def test_auditor_of_the_same_unit_is_refused_with_the_reason(world):
    plan = make_audit(world)
    lan = second_auditor(world)
    services.update_plan(acting_user=world.iso_a, plan=plan, team=[plan.lead_auditor, lan])
    with pytest.raises(ValidationError) as refused:
        services.set_plan_scope(acting_user=world.iso_a, plan=plan, processes=[_row(lan)])
    message = " ".join(refused.value.messages)
    assert "Vũ Thị Lan" in message
    assert "QT-01/HT – Đăng ký khai sinh" in message
    assert "đơn vị của chính mình (Bộ phận Tư pháp – Hộ tịch)" in message


@pytest.mark.django_db
def test_auditor_responsible_for_the_process_is_refused(world):
    plan = make_audit(world)
    lead = plan.lead_auditor
    with pytest.raises(ValidationError) as refused:
        services.set_plan_scope(
            acting_user=world.iso_a,
            plan=plan,
            processes=[_row(lead, responsible_unit="Bộ phận Một cửa", responsible_users=[world.auditor_a])],
        )
    message = " ".join(refused.value.messages)
    assert "soạn thảo hoặc chịu trách nhiệm" in message
    assert "Dòng 1" in message


@pytest.mark.django_db
def test_refused_scope_changes_nothing(world):
    plan = make_audit(world)
    lan = second_auditor(world)
    services.update_plan(acting_user=world.iso_a, plan=plan, team=[plan.lead_auditor, lan])
    before = list(plan.processes.values_list("title", "auditor_id"))
    independent = _row(plan.lead_auditor, title="Chứng thực bản sao")
    with pytest.raises(ValidationError):
        services.set_plan_scope(acting_user=world.iso_a, plan=plan, processes=[independent, _row(lan)])
    assert list(plan.processes.values_list("title", "auditor_id")) == before


@pytest.mark.django_db
def test_unit_names_compare_regardless_of_dashes_and_case(world):
    plan = make_audit(world)
    lan = second_auditor(world)
    services.update_plan(acting_user=world.iso_a, plan=plan, team=[plan.lead_auditor, lan])
    with pytest.raises(ValidationError):
        services.set_plan_scope(
            acting_user=world.iso_a, plan=plan, processes=[_row(lan, responsible_unit="bộ phận tư pháp - hộ tịch")]
        )


@pytest.mark.django_db
def test_independent_auditor_is_accepted(world):
    plan = make_audit(world)
    lan = second_auditor(world)
    services.update_plan(acting_user=world.iso_a, plan=plan, team=[plan.lead_auditor, lan])
    saved = services.set_plan_scope(
        acting_user=world.iso_a,
        plan=plan,
        processes=[_row(lan, title="Cấp phép xây dựng", responsible_unit="Địa chính")],
    )
    assert [p.auditor for p in saved] == [lan]


@pytest.mark.django_db
def test_auditor_outside_the_team_is_refused(world):
    plan = make_audit(world)
    lan = second_auditor(world)
    with pytest.raises(ValidationError) as refused:
        services.set_plan_scope(acting_user=world.iso_a, plan=plan, processes=[_row(lan, responsible_unit="Địa chính")])
    assert "không thuộc đoàn đánh giá" in " ".join(refused.value.messages)


@pytest.mark.django_db
def test_responsible_person_cannot_record_results_on_their_own_process(world):
    plan = make_audit(world)
    lan = second_auditor(world)
    services.generate_checklist(acting_user=world.iso_a, plan=plan)
    item = plan.checklist.filter(process__responsible_unit=HOTICH).first()
    with pytest.raises(ValidationError) as refused:
        services.record_checklist_result(acting_user=lan.user, item=item, result=ChecklistResult.CONFORMING)
    assert "Vũ Thị Lan" in " ".join(refused.value.messages)
    item.refresh_from_db()
    assert item.result == ChecklistResult.PENDING
