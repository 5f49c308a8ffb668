"""The summaries qms.certification reads (cross-app contract), from real audit data."""

import datetime

import pytest

from audits import selectors, services

from .builders import completed_audit, make_audit, raise_nc


@pytest.mark.django_db
def test_contract_summaries_follow_the_data(world):
    plan, major, minor = completed_audit(world)
    cancelled = services.create_plan(
        acting_user=world.iso_a,
        programme=plan.programme,
        title="Đánh giá bổ sung",
        lead_auditor=plan.lead_auditor,
        planned_start=datetime.date(2026, 10, 1),
        planned_end=datetime.date(2026, 10, 2),
    )
    services.cancel_plan(acting_user=world.iso_a, plan=cancelled, reason="Gộp vào kỳ sau.")
    raise_nc(world, make_audit(world, commune=world.commune_b))

    [audit] = selectors.internal_audits(commune_id=world.commune_a.pk, years=range(2026, 2027))[2026]
    assert (audit.id, audit.completed, audit.completed_on) == (plan.pk, True, datetime.date(2026, 5, 13))
    assert selectors.internal_audits(commune_id=world.commune_a.pk, years=range(2025, 2026)) == {2025: []}

    counts = selectors.corrective_action_counts(commune_id=world.commune_a.pk, today=datetime.date(2026, 7, 1))
    assert (counts.open, counts.overdue, counts.closed) == (1, 1, 1)
    counts = selectors.corrective_action_counts(commune_id=world.commune_a.pk, today=datetime.date(2026, 6, 1))
    assert counts.overdue == 0

    review = services.create_review(
        acting_user=world.leader_a,
        commune=world.commune_a,
        year=2026,
        title="XXLĐ 2026",
        planned_on=datetime.date(2026, 12, 10),
        chair=world.leader_a,
    )
    assert [
        r.completed for r in selectors.management_reviews(commune_id=world.commune_a.pk, years=range(2026, 2027))[2026]
    ] == [False]
    services.hold_review(
        acting_user=world.leader_a, review=review, held_on=datetime.date(2026, 12, 10), conclusions="Đạt."
    )
    [summary] = selectors.management_reviews(commune_id=world.commune_a.pk, years=range(2026, 2027))[2026]
    assert (summary.id, summary.completed, summary.held_on) == (review.pk, True, datetime.date(2026, 12, 10))
    assert selectors.management_reviews(commune_id=world.commune_b.pk, years=range(2026, 2027)) == {2026: []}
