"""The legal rules on plain facts: stage, yearly maintenance, late items."""

from datetime import date

from qms.certification import rules
from qms.certification.models import EvidenceKind, MaintenanceStatus, Stage

TODAY = date(2026, 11, 24)


def scope(*codes, effective=date(2020, 3, 1)):
    return [rules.ScopeEntry(code, f"Thủ tục {code}", "Hộ tịch", f"QT-{code}", effective) for code in codes]


def done(*days):
    return [rules.Done(ref=str(i), done_on=d) for i, d in enumerate(days)]


def announced_facts(**overrides):
    facts = rules.Facts(
        today=TODAY,
        evidence={EvidenceKind.STEERING_BOARD: date(2019, 1, 10)},
        first_announced_on=date(2020, 6, 1),
        announced_on=date(2020, 6, 1),
        announced_codes=frozenset({"1.001", "1.002"}),
        scope=scope("1.001", "1.002"),
        handled={"1.001": "Khai sinh", "1.002": "Kết hôn"},
        audits={y: done(date(y, 10, 1)) for y in range(2020, 2027)},
        reviews={y: done(date(y, 11, 1)) for y in range(2020, 2027)},
        flags=[],
    )
    for name, value in overrides.items():
        setattr(facts, name, value)
    return facts


def test_stages_follow_the_evidence_and_the_data():
    facts = rules.Facts(today=TODAY)
    assert rules.compute_stage(facts)[0] == Stage.NOT_STARTED
    facts.evidence = {EvidenceKind.STEERING_BOARD: date(2019, 1, 10)}
    assert rules.compute_stage(facts)[:2] == (Stage.BUILDING, date(2019, 1, 10))
    facts.scope = scope("1.001", effective=date(2019, 9, 1))
    assert rules.compute_stage(facts)[:2] == (Stage.APPLYING, date(2019, 9, 1))
    facts.announced_on = facts.first_announced_on = date(2020, 6, 1)
    facts.announced_codes = frozenset({"1.001"})
    assert rules.compute_stage(facts)[:2] == (Stage.ANNOUNCED, date(2020, 6, 1))
    facts.audits, facts.reviews = {2020: done(date(2020, 10, 1))}, {2020: done(date(2020, 11, 5))}
    assert rules.compute_stage(facts)[:2] == (Stage.MAINTAINING, date(2020, 11, 5))


def test_audit_before_the_announcement_does_not_make_it_maintaining():
    facts = announced_facts(audits={2020: done(date(2020, 3, 1))}, reviews={2020: done(date(2020, 4, 1))})
    assert rules.compute_stage(facts)[0] == Stage.ANNOUNCED


def test_a_procedure_added_to_the_scope_after_the_announcement_needs_a_reannouncement():
    facts = announced_facts(scope=scope("1.001", "1.002") + scope("1.003", effective=date(2024, 2, 1)))
    assert rules.compute_stage(facts)[:2] == (Stage.REANNOUNCE, date(2024, 2, 1))


def test_a_procedure_removed_from_the_scope_needs_a_reannouncement():
    facts = announced_facts(scope=scope("1.001"))
    assert rules.compute_stage(facts)[0] == Stage.REANNOUNCE


def test_an_announcement_recorded_before_any_document_is_kept_is_not_flagged():
    assert rules.compute_stage(announced_facts(scope=[]))[0] != Stage.REANNOUNCE


def test_maintenance_fails_for_a_year_with_no_internal_audit():
    audits = {y: done(date(y, 10, 1)) for y in range(2020, 2027) if y != 2025}
    result = rules.evaluate(announced_facts(audits=audits))
    by_year = {y.year: y for y in result.years}
    assert by_year[2025].status == MaintenanceStatus.FAILED
    assert by_year[2024].status == MaintenanceStatus.OK
    failed = [c for c in by_year[2025].conditions if c.status == MaintenanceStatus.FAILED]
    assert [(c.kind, c.deadline) for c in failed] == [(rules.AUDIT, date(2025, 12, 31))]
    assert result.maintenance_year == 2025 and result.maintenance_status == MaintenanceStatus.FAILED
    late = {c.key: c for c in result.late}
    assert late["internal_audit:2025:"].days_late == (TODAY - date(2025, 12, 31)).days


def test_the_current_year_is_pending_until_its_deadline():
    audits = {y: done(date(y, 10, 1)) for y in range(2020, 2026)}
    result = rules.evaluate(announced_facts(audits=audits))
    assert {y.year: y.status for y in result.years}[2026] == MaintenanceStatus.PENDING
    assert not [c for c in result.late if c.kind == rules.AUDIT]


def test_missed_years_older_than_last_year_leave_the_late_list_but_stay_failed():
    audits = {y: done(date(y, 10, 1)) for y in range(2020, 2027) if y != 2022}
    result = rules.evaluate(announced_facts(audits=audits))
    assert {y.year: y.status for y in result.years}[2022] == MaintenanceStatus.FAILED
    assert not result.late


def test_legal_update_flags_resolved_late_fail_the_year_and_open_ones_are_late():
    flags = [
        rules.Due("QT-01", "Khai sinh", date(2024, 4, 1), done_on=date(2024, 5, 1)),
        rules.Due("QT-02", "Kết hôn", date(2026, 6, 1)),
        rules.Due("QT-03", "Khai tử", date(2026, 12, 31)),
    ]
    result = rules.evaluate(announced_facts(flags=flags))
    by_year = {y.year: y.status for y in result.years}
    assert by_year[2024] == MaintenanceStatus.FAILED
    assert [(c.ref, c.days_late) for c in result.late] == [("QT-02", (TODAY - date(2026, 6, 1)).days)]


def test_uncovered_handled_procedures_are_late_three_months_after_detection():
    facts = announced_facts(handled={"1.001": "Khai sinh", "1.002": "Kết hôn", "1.009": "Hộ kinh doanh"})
    assert rules.missing_procedures(facts) == {"1.009": "Hộ kinh doanh"}
    facts.gaps = [rules.Due("1.009", "Hộ kinh doanh", rules.add_months(date(2026, 5, 20), 3))]
    result = rules.evaluate(facts)
    assert (result.handled_count, result.covered_count) == (3, 2)
    assert [(c.kind, c.deadline) for c in result.late] == [(rules.COVERAGE, date(2026, 8, 20))]
    facts.gaps = [rules.Due("1.009", "Hộ kinh doanh", rules.add_months(date(2026, 10, 1), 3))]
    assert not rules.evaluate(facts).late


def test_inspection_reports_are_due_in_two_months():
    facts = announced_facts(reports=[rules.Due("7", "Chưa cập nhật quy trình", rules.add_months(date(2026, 8, 31), 2))])
    assert facts.reports[0].deadline == date(2026, 10, 31)
    assert [c.kind for c in rules.evaluate(facts).late] == [rules.REPORT]
    facts.reports = [rules.Due("7", "x", date(2026, 10, 31), done_on=date(2026, 10, 20))]
    assert not rules.evaluate(facts).late


def test_unannounced_commune_is_late_against_a_full_target():
    facts = rules.Facts(today=TODAY, target_date=date(2021, 12, 31))
    late = rules.evaluate(facts).late
    assert [(c.kind, c.deadline, c.days_late) for c in late] == [
        (rules.ANNOUNCEMENT, date(2021, 12, 31), (TODAY - date(2021, 12, 31)).days)
    ]


def test_a_commune_that_ended_in_2025_is_evaluated_up_to_its_last_day():
    facts = announced_facts(ends_on=date(2025, 6, 30), audits={y: done(date(y, 10, 1)) for y in range(2020, 2024)})
    result = rules.evaluate(facts)
    years = {y.year: y.status for y in result.years}
    assert years[2024] == MaintenanceStatus.FAILED
    assert years[2025] == MaintenanceStatus.NOT_APPLICABLE
    assert max(years) == 2025
    assert [c.days_late for c in result.late if c.kind == rules.AUDIT] == [
        (date(2025, 6, 30) - date(2024, 12, 31)).days
    ]


def test_audits_after_a_commune_ended_do_not_make_it_maintaining():
    facts = announced_facts(
        ends_on=date(2025, 6, 30), audits={2025: done(date(2025, 6, 11))}, reviews={2025: done(date(2025, 12, 18))}
    )
    assert rules.compute_stage(facts)[0] == Stage.ANNOUNCED
    conditions = {c.kind: c.status for c in rules.evaluate(facts).years[-1].conditions}
    assert conditions[rules.AUDIT] == MaintenanceStatus.OK  # done before the commune ended
    assert conditions[rules.REVIEW] == MaintenanceStatus.NOT_APPLICABLE
    facts.reviews = {2025: done(date(2025, 6, 20))}
    assert rules.compute_stage(facts)[:2] == (Stage.MAINTAINING, date(2025, 6, 20))


def test_no_audits_data_is_unknown_not_failed():
    result = rules.evaluate(announced_facts(audits=None, reviews=None))
    assert {y.year: y.status for y in result.years}[2024] == MaintenanceStatus.UNKNOWN
    assert not result.late


def test_add_months_keeps_the_end_of_month():
    assert rules.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert rules.add_months(date(2024, 12, 31), 2) == date(2025, 2, 28)
