"""Deleting a quality objective or an auditor training record goes through the audits services."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import ModelLogEntry

from audits import services
from audits.models import AuditorTraining, QualityObjective

from .builders import VANPHONG, make_audit, make_auditor, make_review


def _objective(world, year=2026):
    return services.save_objective(
        acting_user=world.iso_a, commune=world.commune_a, year=year, statement="Hồ sơ đúng hạn ≥ 98%", target="98%"
    )


def _training(world, auditor, course="Đánh giá viên nội bộ ISO 9001:2015"):
    return services.save_training(
        acting_user=world.iso_a,
        auditor=auditor,
        course=course,
        issued_on=datetime.date(2025, 3, 1),
        issuer="Chi cục TĐC",
    )


@pytest.mark.django_db
def test_objective_deleted_with_audit_record_and_history_user(world):
    objective = _objective(world)
    pk = objective.pk
    services.delete_objective(acting_user=world.iso_a, objective=objective)
    assert not QualityObjective.objects.filter(pk=pk).exists()
    entry = ModelLogEntry.objects.get(action="audits.objective.delete", object_id=str(pk))
    assert entry.user == world.iso_a and entry.data["statement"] == "Hồ sơ đúng hạn ≥ 98%"
    deleted = QualityObjective.history.get(id=pk, history_type="-")
    assert deleted.history_user == world.iso_a


@pytest.mark.django_db
def test_objective_assessed_by_a_held_review_is_kept(world):
    objective = _objective(world)
    review = make_review(world, secretary=world.iso_a)
    services.hold_review(
        acting_user=world.leader_a, review=review, held_on=datetime.date(2026, 12, 15), conclusions="Phù hợp."
    )
    with pytest.raises(ValidationError) as refused:
        services.delete_objective(acting_user=world.iso_a, objective=objective)
    assert refused.value.messages == [
        "Không thể xóa “Hồ sơ đúng hạn ≥ 98%”: cuộc xem xét của lãnh đạo năm 2026, nơi mục tiêu này được đánh giá, đã được tổ chức."
    ]
    assert QualityObjective.objects.filter(pk=objective.pk).exists()
    services.delete_objective(acting_user=world.iso_a, objective=_objective(world, year=2027))
    assert list(QualityObjective.objects.values_list("year", flat=True)) == [2026]


@pytest.mark.django_db
def test_training_deleted_with_audit_record_and_history_user(world):
    auditor = make_auditor(world, world.auditor_a, VANPHONG)
    training = _training(world, auditor)
    pk = training.pk
    services.delete_training(acting_user=world.iso_a, training=training)
    assert not AuditorTraining.objects.filter(pk=pk).exists()
    entry = ModelLogEntry.objects.get(action="audits.training.delete")
    assert entry.user == world.iso_a and entry.object_id == str(auditor.pk)
    assert entry.data == {"course": "Đánh giá viên nội bộ ISO 9001:2015"}
    assert AuditorTraining.history.get(id=pk, history_type="-").history_user == world.iso_a


REFUSALS = {
    "objective": (QualityObjective, _objective, services.delete_objective, "audits.objective.delete"),
    "training": (
        AuditorTraining,
        lambda world: _training(world, make_auditor(world, world.auditor_a, VANPHONG)),
        services.delete_training,
        "audits.training.delete",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(REFUSALS))
def test_another_commune_is_refused_and_the_record_kept(world, kind):
    model, make, delete, action = REFUSALS[kind]
    record = make(world)
    with pytest.raises(PermissionDenied):
        delete(acting_user=world.iso_b, **{kind: record})
    assert model.objects.filter(pk=record.pk).exists()
    assert not ModelLogEntry.objects.filter(action=action).exists()


@pytest.mark.django_db
def test_only_training_of_an_auditor_who_audited_is_kept(world):
    lead = make_audit(world).lead_auditor
    only = _training(world, lead)
    with pytest.raises(ValidationError) as refused:
        services.delete_training(acting_user=world.iso_a, training=only)
    assert refused.value.messages == [
        f"“Đánh giá viên nội bộ ISO 9001:2015” là hồ sơ đào tạo duy nhất của {lead.name}, người đã tham gia đánh giá nội bộ: "
        "phải lưu giữ bằng chứng về năng lực của họ (TCVN ISO 9001:2015, 7.2 d)."
    ]
    assert AuditorTraining.objects.filter(pk=only.pk).exists()
    newer = _training(world, lead, course="Cập nhật TCVN ISO 9001:2015")
    services.delete_training(acting_user=world.iso_a, training=newer)
    assert list(AuditorTraining.objects.filter(auditor=lead).values_list("pk", flat=True)) == [only.pk]
