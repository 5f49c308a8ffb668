"""Corrective action requests: states, verification before closing, history with users."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from audits import services
from audits.models import ActionStatus, CorrectiveAction, Effectiveness, FindingKind

from .builders import make_audit, raise_nc


@pytest.fixture
def action(world):
    finding = raise_nc(world, make_audit(world))
    return finding.corrective_action


def _plan_it(world, action):
    return services.update_action_plan(
        acting_user=world.iso_a,
        action=action,
        immediate_correction="Gửi phiếu xin lỗi cho 3 hồ sơ trễ hạn.",
        root_cause="Chưa phân công người theo dõi hạn trả kết quả.",
        action_plan="Phân công và kiểm tra hằng tuần.",
    )


@pytest.mark.django_db
def test_every_nonconformity_opens_a_corrective_action_request(world):
    plan = make_audit(world)
    nc = raise_nc(world, plan)
    observation = services.raise_finding(
        acting_user=world.auditor_a,
        plan=plan,
        kind=FindingKind.OBSERVATION,
        clause=nc.clause,
        description="Bảng niêm yết TTHC đã cũ.",
    )
    assert nc.corrective_action.status == ActionStatus.OPEN
    assert nc.corrective_action.owner == world.iso_a
    assert not CorrectiveAction.objects.filter(finding=observation).exists()


@pytest.mark.django_db
def test_nonconformity_without_owner_is_refused_and_nothing_saved(world):
    plan = make_audit(world)
    with pytest.raises(ValidationError) as refused:
        services.raise_finding(
            acting_user=world.auditor_a,
            plan=plan,
            kind=FindingKind.MAJOR_NC,
            clause=plan.clauses.first(),
            description="Không có hồ sơ.",
        )
    assert "người chịu trách nhiệm" in " ".join(refused.value.messages)
    assert not plan.findings.exists()


@pytest.mark.django_db
def test_cannot_close_without_an_effectiveness_verification(world, action):
    _plan_it(world, action)
    services.add_progress(acting_user=world.iso_a, action=action, note="Đã phân công.", percent_done=50)
    assert action.status == ActionStatus.IN_PROGRESS
    # There is no way round the verification: saving "closed" directly is refused by the model and the database.
    action.status = ActionStatus.CLOSED
    with pytest.raises(ValidationError) as refused:
        action.full_clean()
    assert "sau khi đã kiểm tra hiệu lực" in " ".join(refused.value.messages)
    with pytest.raises(IntegrityError), transaction.atomic():
        action.save()
    action.refresh_from_db()
    # The verify step only accepts an action awaiting verification.
    with pytest.raises(ValidationError) as too_early:
        services.verify_action(acting_user=world.auditor_a, action=action, effective=True, note="ok")
    assert "Đang thực hiện" in " ".join(too_early.value.messages)
    services.submit_for_verification(acting_user=world.iso_a, action=action)
    services.verify_action(
        acting_user=world.auditor_a, action=action, effective=True, note="3 tháng không còn hồ sơ trễ."
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.CLOSED
    assert action.verification_result == Effectiveness.EFFECTIVE
    assert action.verified_by == world.auditor_a


@pytest.mark.django_db
def test_not_effective_reopens_and_owner_works_again(world, action):
    _plan_it(world, action)
    services.submit_for_verification(acting_user=world.iso_a, action=action)
    services.verify_action(acting_user=world.auditor_a, action=action, effective=False, note="Vẫn còn hồ sơ trễ.")
    assert action.status == ActionStatus.REOPENED
    services.add_progress(acting_user=world.iso_a, action=action, note="Bổ sung phần mềm nhắc hạn.")
    assert action.status == ActionStatus.IN_PROGRESS
    assert action.reopen_count == 1


@pytest.mark.django_db
def test_submit_needs_root_cause_and_plan(world, action):
    with pytest.raises(ValidationError) as refused:
        services.submit_for_verification(acting_user=world.iso_a, action=action)
    assert "nguyên nhân gốc rễ" in " ".join(refused.value.messages)
    assert CorrectiveAction.objects.get(pk=action.pk).status == ActionStatus.OPEN


@pytest.mark.django_db
def test_owner_cannot_verify_own_action_and_others_cannot_act(world, action):
    _plan_it(world, action)
    services.submit_for_verification(acting_user=world.iso_a, action=action)
    with pytest.raises(PermissionDenied):
        services.verify_action(acting_user=world.iso_a, action=action, effective=True, note="tự kiểm tra")
    with pytest.raises(PermissionDenied):
        services.verify_action(acting_user=world.auditor_b, action=action, effective=True, note="xã khác")
    with pytest.raises(PermissionDenied):
        services.cancel_action(acting_user=world.district, action=action, reason="không")


@pytest.mark.django_db
def test_cancel_needs_a_reason_and_is_final(world, action):
    with pytest.raises(ValidationError):
        services.cancel_action(acting_user=world.leader_a, action=action, reason="  ")
    services.cancel_action(acting_user=world.leader_a, action=action, reason="Phát hiện bị ghi trùng.")
    assert action.status == ActionStatus.CANCELLED
    with pytest.raises(ValidationError) as refused:
        services.add_progress(acting_user=world.iso_a, action=action, note="tiếp tục")
    assert "Đã hủy" in " ".join(refused.value.messages)


@pytest.mark.django_db
def test_history_records_each_state_change_with_its_user(world, action):
    _plan_it(world, action)
    services.add_progress(acting_user=world.iso_a, action=action, note="Đã phân công.")
    services.submit_for_verification(acting_user=world.iso_a, action=action)
    services.verify_action(acting_user=world.auditor_a, action=action, effective=False, note="Chưa hiệu lực.")
    services.add_progress(acting_user=world.iso_a, action=action, note="Làm lại.")
    services.submit_for_verification(acting_user=world.iso_a, action=action)
    services.verify_action(acting_user=world.auditor_a, action=action, effective=True, note="Đạt.")
    records = list(action.history.order_by("history_date", "history_id"))
    transitions = []
    for record in records:
        if not transitions or transitions[-1][0] != record.status:
            transitions.append((record.status, record.history_user))
    assert transitions == [
        (ActionStatus.OPEN, world.auditor_a),
        (ActionStatus.IN_PROGRESS, world.iso_a),
        (ActionStatus.AWAITING_VERIFICATION, world.iso_a),
        (ActionStatus.REOPENED, world.auditor_a),
        (ActionStatus.IN_PROGRESS, world.iso_a),
        (ActionStatus.AWAITING_VERIFICATION, world.iso_a),
        (ActionStatus.CLOSED, world.auditor_a),
    ]
    from qms.audit_log import entries_for

    logged = [(e.action, e.user) for e in entries_for(action)]
    assert ("audits.action.verify", world.auditor_a) in logged
    assert ("audits.action.submit", world.iso_a) in logged


@pytest.mark.django_db
def test_due_date_change_is_kept_in_history(world, action):
    services.update_action_plan(acting_user=world.iso_a, action=action, due_date=datetime.date(2026, 8, 31))
    latest = action.history.first()
    assert latest.due_date == datetime.date(2026, 8, 31)
    assert latest.history_user == world.iso_a
