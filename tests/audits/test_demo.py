"""The audits demo of Thị trấn Lâm: realistic, complete and idempotent."""

import pytest
from django.apps import apps
from django.utils import timezone

from audits import demo
from audits.models import ActionStatus, AuditPlan, AuditProgramme, CorrectiveAction, ManagementReview, PlanStatus
from qms.units.models import AdministrativeUnit, Era, Level, Role
from qms.units.services import add_commune_member, provision_commune
from tests.factories import make_unit, make_user


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in apps.get_app_config("audits").get_models()}


@pytest.mark.django_db
def test_demo_fills_lam_once(world):
    lam_unit = AdministrativeUnit.objects.filter(era=Era.PRE_2025, code="13795").first()  # the real one, if loaded
    lam = provision_commune(
        unit=lam_unit or make_unit(level=Level.COMMUNE, name="Lâm", parent=world.district_unit, code="13795")
    )
    for username, role in (("iso.lam", Role.ISO_OFFICER), ("lanhdao.lam", Role.LEADER), ("danhgia.lam", Role.AUDITOR)):
        add_commune_member(commune=lam, user=make_user(username), role=role)
    demo.load_demo(acting_user=world.admin, communes=[world.commune_a, lam])
    first = _counts()
    demo.load_demo(acting_user=world.admin, communes=[world.commune_a, lam])
    assert _counts() == first

    plan = AuditPlan.objects.get(commune=lam, programme__year=2025, sequence=1)
    assert plan.status == PlanStatus.COMPLETED and not plan.checklist.filter(result="pending").exists()
    assert plan.findings.count() == len(demo.FINDINGS)
    states = set(CorrectiveAction.objects.filter(commune=lam).values_list("status", flat=True))
    assert {
        ActionStatus.CLOSED,
        ActionStatus.REOPENED,
        ActionStatus.AWAITING_VERIFICATION,
        ActionStatus.IN_PROGRESS,
        ActionStatus.OPEN,
    } <= states
    review = ManagementReview.objects.get(commune=lam)
    assert review.status == "held" and review.inputs["audit_results"]["completed"] == 1
    assert review.decisions.filter(action__isnull=False).exists()
    assert AuditProgramme.objects.get(commune=lam, year=2026).copied_from.year == 2025
    assert not AuditProgramme.objects.filter(commune=world.commune_a).exists()

    follow_up = AuditPlan.objects.get(commune=lam, title=demo.FOLLOW_UP_TITLE)
    assert follow_up.programme == plan.programme and follow_up.status == PlanStatus.IN_PROGRESS
    assert follow_up.planned_start <= timezone.localdate() <= follow_up.planned_end
    assert follow_up.processes.count() == plan.processes.count()
    assert follow_up.checklist.filter(result="pending").count() == follow_up.checklist.count() > 0
    assert not follow_up.findings.exists()
    assert not AuditPlan.objects.filter(programme__year=2026, title=demo.FOLLOW_UP_TITLE).exists()


@pytest.mark.django_db
def test_demo_risk_registers_of_both_eras(world):
    from audits.risks import demo as risk_demo
    from audits.risks.models import Risk

    lam_unit = AdministrativeUnit.objects.filter(era=Era.PRE_2025, code="13795").first()
    lam = provision_commune(
        unit=lam_unit or make_unit(level=Level.COMMUNE, name="Lâm", parent=world.district_unit, code="13795")
    )
    successor_unit = AdministrativeUnit.objects.filter(era=Era.Y2025, code="13795").first()
    successor = provision_commune(
        unit=successor_unit
        or make_unit(level=Level.COMMUNE, name="Ý Yên", parent=world.province_unit, code="13795", era=Era.Y2025)
    )
    for username, role in (("iso.lam", Role.ISO_OFFICER), ("lanhdao.lam", Role.LEADER), ("danhgia.lam", Role.AUDITOR)):
        add_commune_member(commune=lam, user=make_user(username), role=role)
    communes = [world.commune_a, lam, successor]
    demo.load_demo(acting_user=world.admin, communes=communes)
    risk_demo.load_demo(acting_user=world.admin, communes=communes)
    first = _counts()
    risk_demo.load_demo(acting_user=world.admin, communes=communes)
    assert _counts() == first

    lam_risks = Risk.objects.filter(commune=lam)
    assert lam_risks.count() == len(risk_demo.STARTERS) + 1
    assert {"risk", "opportunity"} == set(lam_risks.values_list("kind", flat=True))
    closed = lam_risks.get(status="closed")
    assert closed.reassessed_on is not None and closed.residual_score < closed.score
    assert lam_risks.get(finding__isnull=False).finding.clause.number == "8.5.1"
    assert lam_risks.filter(status="treating", owner__username="iso.lam", due_date__isnull=False).count() >= 3
    assert Risk.objects.filter(commune=successor).count() == len(risk_demo.STARTERS)
    assert not Risk.objects.filter(commune=world.commune_a).exists()
    review = ManagementReview.objects.get(commune=lam)
    assert len(review.inputs["risks"]["items"]) == lam_risks.count()
    assert review.inputs["risks"]["closed"] == 1


@pytest.mark.django_db
def test_demo_context_and_scope_of_lam(world):
    from audits.context import demo as context_demo
    from audits.context import selectors as context_selectors
    from audits.context.models import ContextStatement

    lam_unit = AdministrativeUnit.objects.filter(era=Era.PRE_2025, code="13795").first()
    lam = provision_commune(
        unit=lam_unit or make_unit(level=Level.COMMUNE, name="Lâm", parent=world.district_unit, code="13795")
    )
    for username, role in (("iso.lam", Role.ISO_OFFICER), ("lanhdao.lam", Role.LEADER)):
        add_commune_member(commune=lam, user=make_user(username), role=role)
    context_demo.load_demo(acting_user=world.admin, communes=[world.commune_a, lam])
    context_demo.load_demo(acting_user=world.admin, communes=[world.commune_a, lam])

    statement = ContextStatement.objects.get(commune=lam)
    assert (statement.year, statement.version, statement.status) == (2026, 1, "approved")
    assert statement.approved_by.username == "lanhdao.lam" and statement.climate_change_relevant is True
    assert statement.issues.count() == 6 and statement.parties.count() == 6
    assert statement.issues.filter(climate_related=True, description__icontains="ngập úng").exists()
    assert list(statement.exclusions.values_list("clause", flat=True)) == ["8.3"]
    assert statement.all_procedures and context_selectors.approved_scope(lam.pk).excluded == {}
    assert not ContextStatement.objects.filter(commune=world.commune_a).exists()


def test_demo_objectives_of_lam_with_a_year_of_one_stop_figures(world):
    from audits.models import OneStopFigure, OneStopImport, QualityObjective
    from audits.objectives import demo as objective_demo
    from audits.objectives import selectors as objective_selectors
    from processes import services as process_services
    from tests.processes.helpers import make_procedure

    # The real unit when the session's reference data is loaded in this database (tests/conftest.py).
    lam_unit = AdministrativeUnit.objects.filter(era=Era.PRE_2025, code="13795").first()
    lam = provision_commune(
        unit=lam_unit or make_unit(level=Level.COMMUNE, name="Lâm", parent=world.district_unit, code="13795")
    )
    add_commune_member(commune=lam, user=make_user("iso.lam"), role=Role.ISO_OFFICER)
    codes = [objective_demo.WATCHED_CODE] + [f"1.00{n:04d}" for n in range(1, 10)]
    procedures = [make_procedure(code, f"Thủ tục {code}") for code in codes]
    process_services.add_handled_procedures(commune=lam, procedures=procedures, acting_user=None)
    today = timezone.localdate()
    if today.year < objective_demo.YEAR:
        pytest.skip("the demo's objectives are those of 2026")
    objective_demo.load_demo(acting_user=world.admin, communes=[world.commune_a, lam])
    first = _counts()
    objective_demo.load_demo(acting_user=world.admin, communes=[world.commune_a, lam])
    assert _counts() == first

    batch = OneStopImport.objects.get(commune=lam)
    months = objective_demo.months(today)
    assert batch.months == [f"{m:%m/%Y}" for m in months] and batch.imported_by.username == "iso.lam"
    assert OneStopFigure.objects.filter(commune=lam).values("procedure").distinct().count() == 8
    objectives = {o.indicator: o for o in QualityObjective.objects.filter(commune=lam, year=2026)}
    assert set(objectives) == {"on_time_rate", "satisfaction", "late_rate"}
    kpis = objective_selectors.objective_kpis(objectives.values())
    assert kpis[objectives["on_time_rate"].pk].achieved is True
    late = objectives["late_rate"]
    assert late.procedure.code == objective_demo.WATCHED_CODE
    assert len(kpis[late.pk].breaches) == 1 and objective_selectors.suggestion(late, kpis[late.pk]) is not None
