"""The permission matrix of every audits admin view, for one record set of commune A.

Own commune: each role may do what its commune permission allows; other
commune: nothing; district/province followers: read (list, inspect, history,
Word) but every change is refused; anonymous: sent to the login page.
"""

import copy
import datetime

import pytest
from django.urls import reverse

from audits import services
from audits.models import AuditPlan, CorrectiveAction, DecisionTopic, PlanStatus
from tests.permission_matrix import (
    ADMIN_HOME,
    SharedWorld,
    assert_answer,
    cell_id,
    cells,
    check_cell,
    expected_refusal,
)

from .builders import make_audit, make_context, make_review, make_risk, raise_nc

READERS = {"iso_a", "leader_a", "auditor_a", "district", "province"}
ISO = {"iso_a"}
LEADER = {"leader_a"}
AUDITOR = {"auditor_a"}
NOBODY: set[str] = set()


def _build_records(world):
    """Commune A: a programme, an audit in progress, a finding with its action, a review with a decision."""
    plan = make_audit(world)
    services.generate_checklist(acting_user=world.iso_a, plan=plan)
    finding = raise_nc(world, plan)
    review = make_review(world)
    decision = services.add_decision(
        acting_user=world.leader_a,
        review=review,
        topic=DecisionTopic.RESOURCES,
        text="Bổ sung máy quét hồ sơ.",
        owner=world.iso_a,
        due_date=datetime.date(2027, 3, 31),
    )
    training = services.save_training(
        acting_user=world.iso_a,
        auditor=plan.lead_auditor,
        course="Đánh giá viên nội bộ ISO 9001:2015",
        issued_on=datetime.date(2024, 8, 1),
        issuer="Trung tâm Năng suất Việt Nam",
    )
    objective = services.save_objective(
        acting_user=world.iso_a,
        commune=world.commune_a,
        year=2026,
        statement="Giải quyết TTHC đúng hạn",
        target="≥ 98% hồ sơ",
    )
    return {
        "programme": plan.programme,
        "plan": plan,
        "finding": finding,
        "action": finding.corrective_action,
        "review": review,
        "decision": decision,
        "auditor": plan.lead_auditor,
        "training": training,
        "objective": objective,
        "risk": make_risk(world, finding=finding),
        "context": make_context(world),
        "commune": world.commune_a,
    }


class WithRecords(SharedWorld):
    """The records of commune A, built once for the class."""

    @pytest.fixture(scope="class")
    @classmethod
    def class_records(cls, class_world, class_db):
        with class_db.unblock():
            return _build_records(class_world)

    @pytest.fixture
    def records(self, class_records, db):
        return copy.deepcopy(class_records)


# -- viewsets: list, add, edit, inspect, history, usage, delete ------------------------------------------

#: viewset namespace → (record key, who may change it, who may delete it, who may add)
VIEWSETS = {
    "audits_programmes": ("programme", ISO, NOBODY, {"iso_a", "iso_b"}),
    "audits_plans": ("plan", ISO, NOBODY, {"iso_a", "iso_b"}),
    "audits_findings": ("finding", AUDITOR, NOBODY, {"auditor_a", "auditor_b"}),
    "audits_actions": ("action", ISO, NOBODY, NOBODY),
    "audits_reviews": ("review", LEADER, NOBODY, {"leader_a", "leader_b"}),
    "audits_objectives": ("objective", ISO, ISO, {"iso_a", "iso_b"}),
    "audits_auditors": ("auditor", ISO, NOBODY, {"iso_a", "iso_b"}),
    "audits_trainings": ("training", ISO, ISO, {"iso_a", "iso_b"}),
    "audits_risks": ("risk", ISO, ISO, {"iso_a", "iso_b"}),
    "audits_context": ("context", ISO, NOBODY, {"iso_a", "iso_b"}),
}


def _viewset_views() -> dict[str, set[str]]:
    views = {}
    for namespace, (_key, change, delete, add) in VIEWSETS.items():
        views.update(
            {
                f"{namespace}:index": READERS,
                f"{namespace}:inspect": READERS,
                f"{namespace}:history": READERS,
                f"{namespace}:edit": change,
                f"{namespace}:usage": change,
                f"{namespace}:delete": delete,
                f"{namespace}:add": add,
            }
        )
    return views


VIEWSET_VIEWS = _viewset_views()
VIEWSET_CELLS = cells(VIEWSET_VIEWS)


def _marker(obj) -> str:
    return getattr(obj, "title", None) or getattr(obj, "description", None) or str(obj)


# -- per-object actions, transitions and Word downloads -------------------------------------------------

#: url name → (record key, personas allowed)
OBJECT_VIEWS = {
    "audits_admin:programme_approve": ("programme", LEADER),
    "audits_admin:programme_copy": ("programme", ISO),
    "audits_admin:programme_docx": ("programme", READERS),
    "audits_admin:plan_scope": ("plan", ISO),
    "audits_admin:plan_generate": ("plan", {"iso_a", "auditor_a"}),
    "audits_admin:plan_checklist": ("plan", AUDITOR),
    "audits_admin:plan_complete": ("plan", AUDITOR),
    "audits_admin:plan_cancel": ("plan", ISO),
    "audits_admin:plan_docx": ("plan", READERS),
    "audits_admin:report_docx": ("plan", READERS),
    "audits_admin:action_progress": ("action", ISO),
    "audits_admin:action_submit": ("action", ISO),
    "audits_admin:action_verify": ("action", AUDITOR),
    "audits_admin:action_cancel": ("action", {"iso_a", "leader_a"}),
    "audits_admin:action_docx": ("action", READERS),
    "audits_admin:review_inputs": ("review", {"iso_a", "leader_a"}),
    "audits_admin:review_decision": ("review", LEADER),
    "audits_admin:review_hold": ("review", LEADER),
    "audits_admin:review_docx": ("review", READERS),
    "audits_admin:decision_track": ("decision", LEADER),
    "audits_admin:risk_reassess": ("risk", ISO),
    "audits_admin:risk_close": ("risk", ISO),
    "audits_admin:risk_heatmap": ("commune", READERS),
    "audits_admin:risk_register_docx": ("commune", READERS),
    "audits_admin:context_contents": ("context", ISO),
    "audits_admin:context_submit": ("context", ISO),
    "audits_admin:context_approve": ("context", LEADER),
    "audits_admin:context_reject": ("context", LEADER),
    "audits_admin:context_docx": ("context", READERS),
}
OBJECT_CELLS = cells({name: allowed for name, (_key, allowed) in OBJECT_VIEWS.items()})


class TestAuditsMatrix(WithRecords):
    @pytest.mark.parametrize("cell", VIEWSET_CELLS, ids=[cell_id(c) for c in VIEWSET_CELLS])
    def test_viewset_view(self, client, world, records, cell):
        namespace, view = cell.view.split(":")
        obj = records[VIEWSETS[namespace][0]]
        if view in ("index", "add"):
            url, marker = reverse(cell.view), (_marker(obj) if view == "index" else None)
        else:
            url, marker = reverse(cell.view, args=[obj.pk]), str(obj)
        hidden = None if view in ("index", "add") else 404
        check_cell(
            client,
            world,
            cell,
            url,
            refused=ADMIN_HOME,
            hidden=hidden,
            marker=marker,
            listing=view == "index",
        )

    @pytest.mark.parametrize("cell", OBJECT_CELLS, ids=[cell_id(c) for c in OBJECT_CELLS])
    def test_object_view(self, client, world, records, cell):
        obj = records[OBJECT_VIEWS[cell.view][0]]
        marker = None if cell.view.endswith("docx") else str(obj)
        response = check_cell(
            client,
            world,
            cell,
            reverse(cell.view, args=[obj.pk]),
            refused=ADMIN_HOME,
            hidden=404,
            marker=marker,
        )
        if cell.allowed and cell.view.endswith("docx"):
            assert response["Content-Type"].startswith("application/vnd.openxmlformats")
            assert response.content[:2] == b"PK"


# -- changes by followers and other communes are refused, and change nothing --------------------------


class TestWrites(WithRecords):
    @pytest.mark.parametrize("persona", ["district", "province", "iso_b", "leader_b", "auditor_b", "outsider"])
    def test_followers_and_other_communes_cannot_change_anything(self, client, world, records, persona):
        client.force_login(getattr(world, persona))
        plan, action, review = records["plan"], records["action"], records["review"]
        posts = [
            (reverse("audits_admin:programme_approve", args=[records["programme"].pk]), {}),
            (reverse("audits_admin:plan_cancel", args=[plan.pk]), {"reason": "Chiếm quyền"}),
            (reverse("audits_admin:action_cancel", args=[action.pk]), {"reason": "Chiếm quyền"}),
            (reverse("audits_admin:action_progress", args=[action.pk]), {"note": "Chiếm quyền"}),
            (reverse("audits_admin:review_hold", args=[review.pk]), {"held_on": "2026-12-15", "conclusions": "X"}),
            (reverse("audits_admin:decision_track", args=[records["decision"].pk]), {}),
            (reverse("audits_actions:edit", args=[action.pk]), {"title": "Chiếm quyền"}),
            (reverse("audits_objectives:delete", args=[records["objective"].pk]), {}),
        ]
        expected = expected_refusal(persona, refused=ADMIN_HOME, hidden=404)
        for url, data in posts:
            assert_answer(client.post(url, data), expected, f"{persona} {url}")
        plan.refresh_from_db()
        action.refresh_from_db()
        review.refresh_from_db()
        records["programme"].refresh_from_db()
        assert plan.status == PlanStatus.IN_PROGRESS
        assert action.status == "open" and action.title != "Chiếm quyền"
        assert not action.progress_notes.exists()
        assert review.status == "planned"
        assert records["programme"].status == "draft"
        assert not CorrectiveAction.objects.filter(decision=records["decision"]).exists()
        assert type(records["objective"]).objects.filter(pk=records["objective"].pk).exists()

    def test_other_commune_listing_shows_none_of_commune_a(self, client, world, records):
        client.force_login(world.iso_b)
        for namespace, (key, *_rest) in VIEWSETS.items():
            body = client.get(reverse(f"{namespace}:index")).content.decode()
            assert _marker(records[key]) not in body, namespace

    def test_officer_of_another_commune_cannot_create_a_plan_in_commune_a(self, client, world, records):
        client.force_login(world.iso_b)
        programme = records["programme"]
        response = client.post(
            reverse("audits_plans:add"),
            {
                "programme": programme.pk,
                "title": "Kế hoạch giả mạo",
                "planned_start": "2026-09-01",
                "planned_end": "2026-09-02",
                "lead_auditor": records["auditor"].pk,
                "clauses": [c.pk for c in records["plan"].clauses.all()],
            },
        )
        assert response.status_code == 200  # the form comes back with an error
        assert not AuditPlan.objects.filter(title="Kế hoạch giả mạo").exists()
