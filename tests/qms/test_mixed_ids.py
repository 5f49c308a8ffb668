"""An admin URL naming one commune's object and another commune's revision, task state,
workflow or version is a 404 that changes nothing."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import pytest
from django.urls import URLResolver, get_resolver, reverse
from wagtail.models import Revision, TaskState, WorkflowState

from processes import services
from processes.content import document_content
from processes.models import DocumentStatus, ProcessDocument, ProcessVersion
from tests.permission_matrix import SharedWorld
from tests.processes.helpers import approve_directly, current_task_state, make_procedure, start_document, url

pytestmark = pytest.mark.django_db

PROJECT_PACKAGES = {"qms", "processes", "audits"}
PROJECT_APP_LABELS = {"processes", "audits", "units", "certification", "public", "qms"}


def _new_draft(document, officer, purpose):
    content = document_content(document.get_latest_revision_as_object())
    content.purpose = purpose
    services.save_draft_from_content(document=document, content=content, acting_user=officer)
    return ProcessDocument.objects.get(pk=document.pk)


@pytest.fixture(scope="class")
def shared_scene(class_world, class_db):
    """A: issue 01, a new draft in review at the first step ("Soát xét").
    B: issue 02, a new draft in review at the second step ("Phê duyệt"). Built once for the class."""
    world = class_world
    with class_db.unblock():
        a = start_document(world, make_procedure())
        a = approve_directly(a, world.iso_a, world.leader_a)
        a = _new_draft(a, world.iso_a, "Mục đích của xã A, bản sửa.")
        a.get_workflow().start(a, world.iso_a)

        b = start_document(
            world, make_procedure(code="1.000894", name="Thủ tục đăng ký kết hôn"), world.commune_b, world.iso_b
        )
        b = approve_directly(b, world.iso_b, world.leader_b)
        b = approve_directly(_new_draft(b, world.iso_b, "Mục đích của xã B, lần 2."), world.iso_b, world.leader_b)
        b = _new_draft(b, world.iso_b, "Mục đích của xã B, lần 3.")
        state = b.get_workflow().start(b, world.iso_b)
        state.current_task_state.approve(user=world.leader_b)
        a, b = (ProcessDocument.objects.get(pk=d.pk) for d in (a, b))
        assert a.issue_number == 1 and b.issue_number == 2
        assert current_task_state(a).task_id != current_task_state(b).task_id
    return a, b


def snapshot(document) -> dict:
    document = ProcessDocument.objects.get(pk=document.pk)
    state = document.current_workflow_state
    return {
        "document": (
            document.status,
            document.live,
            document.issue_number,
            document.latest_revision_id,
            document.live_revision_id,
            document.approved_name,
            document.purpose,
        ),
        "revisions": list(Revision.objects.for_instance(document).values_list("pk", "approved_go_live_at")),
        "versions": list(
            ProcessVersion.objects.filter(document=document).values_list("pk", "approved_by", "obsoleted_at")
        ),
        "workflow": list(
            WorkflowState.objects.for_instance(document).values_list("pk", "status", "current_task_state")
        ),
        "tasks": list(TaskState.objects.for_instance(document).values_list("pk", "status", "finished_by", "comment")),
        "current": state.pk if state else None,
    }


# -- (b) every admin URL of the project's apps with two ids or more -------------------------------------------


@dataclass(frozen=True)
class AdminPattern:
    name: str
    route: str
    kwargs: tuple[str, ...]
    model: type | None


def _walk(patterns, namespace="", route="", kwargs=()):
    for pattern in patterns:
        here = route + str(pattern.pattern)
        names = kwargs + tuple(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner, here, names)
        else:
            yield namespace + (pattern.name or ""), here, names, pattern.callback


def _is_project_model(model) -> bool:
    return isinstance(model, type) and hasattr(model, "_meta") and model._meta.app_label in PROJECT_APP_LABELS


def project_admin_patterns() -> list[AdminPattern]:
    found = []
    for name, route, kwargs, callback in _walk(get_resolver().url_patterns):
        if not route.startswith("admin/"):
            continue
        view_class = getattr(callback, "view_class", None)
        model = getattr(callback, "view_initkwargs", {}).get("model") or getattr(view_class, "model", None)
        module = getattr(view_class or callback, "__module__", "")
        if _is_project_model(model) or module.split(".")[0] in PROJECT_PACKAGES:
            found.append(
                AdminPattern(name, route, tuple(dict.fromkeys(kwargs)), model if _is_project_model(model) else None)
            )
    return found


#: URL kwargs that name a kind of record (a registry key) or a period (a year), not one record: never
#: another commune's.
KINDS = {"record_type", "year"}


def multi_id_patterns() -> list[AdminPattern]:
    return [p for p in project_admin_patterns() if len(set(p.kwargs) - KINDS) >= 2]


def _revisions(document):
    return list(Revision.objects.for_instance(document).order_by("pk").values_list("pk", flat=True))


#: For each URL kwarg: (value belonging to A's document, value belonging to B's document).
FILLERS = {
    "action_name": lambda a, b: ("approve", "approve"),
    "task_state_id": lambda a, b: (current_task_state(a).pk, current_task_state(b).pk),
    "task_id": lambda a, b: (current_task_state(a).task_id, current_task_state(b).task_id),
    "workflow_state_id": lambda a, b: (a.current_workflow_state.pk, b.current_workflow_state.pk),
    "revision_id": lambda a, b: (_revisions(a)[-1], _revisions(b)[-1]),
    "revision_id_a": lambda a, b: (_revisions(a)[0], _revisions(b)[0]),
    "revision_id_b": lambda a, b: (_revisions(a)[-1], _revisions(b)[-1]),
    "issue_number": lambda a, b: (a.issue_number, b.issue_number),
}
#: Ids that are not an object's (the same value for both communes).
SHARED = {"action_name"}
#: For each model whose admin URLs take two ids or more: who acts on A's object.
PERSONAS = {ProcessDocument: "leader_a"}


def test_the_enumeration_finds_the_known_multi_id_urls():
    names = {p.name.rsplit(":", 1)[1] for p in multi_id_patterns()}
    assert {
        "workflow_action",
        "collect_workflow_action_data",
        "workflow_preview",
        "workflow_history_detail",
        "revisions_view",
        "revisions_revert",
        "revisions_compare",
        "revisions_unschedule",
        "version",
        "version_docx",
    } <= names


def test_every_multi_id_url_is_known_to_this_test():
    """A new admin URL with a second id fails here until this test knows how to fill it."""
    unknown = [(p.name, kw) for p in multi_id_patterns() for kw in p.kwargs if kw != "pk" and kw not in FILLERS]
    assert unknown == []
    without_pk = [p.name for p in multi_id_patterns() if "pk" not in p.kwargs]
    assert without_pk == []
    assert [p.name for p in multi_id_patterns() if p.model not in PERSONAS] == []


@pytest.mark.django_db
class TestScene(SharedWorld):
    @pytest.fixture
    def scene(self, shared_scene):
        return copy.deepcopy(shared_scene)

    # -- (a) the reported attack -------------------------------------------------------------------------------

    @pytest.mark.parametrize("action", ["approve", "reject"])
    def test_leader_of_a_cannot_act_on_bs_task_state_through_as_document(self, client, world, scene, action):
        a, b = scene
        b_state = current_task_state(b)
        before_a, before_b = snapshot(a), snapshot(b)
        client.force_login(world.leader_a)
        for name in ("workflow_action", "collect_workflow_action_data"):
            attack = url(name, a.pk, action, b_state.pk)
            assert client.post(attack, {"comment": "Duyệt hộ xã B"}).status_code == 404
            assert client.get(attack).status_code == 404
        # Twice, as the attacker did: the second call would have published B's document.
        assert client.post(url("workflow_action", a.pk, action, b_state.pk), {"comment": ""}).status_code == 404
        assert snapshot(b) == before_b and snapshot(a) == before_a
        b_state.refresh_from_db()
        assert b_state.status == TaskState.STATUS_IN_PROGRESS and b_state.finished_by is None
        b.refresh_from_db()
        assert b.status == DocumentStatus.IN_REVIEW and b.issue_number == 2
        assert not ProcessVersion.objects.filter(document=b, approved_by=world.leader_a).exists()

    def test_leaders_still_act_on_their_own_task_states(self, client, world, scene):
        a, b = scene
        client.force_login(world.leader_a)
        a_state = current_task_state(a)
        assert client.get(url("workflow_action", a.pk, "approve", a_state.pk)).status_code == 200
        assert client.post(url("workflow_action", a.pk, "approve", a_state.pk), {"comment": ""}).status_code == 302
        a_state.refresh_from_db()
        assert a_state.status == TaskState.STATUS_APPROVED and a_state.finished_by == world.leader_a
        client.force_login(world.leader_b)
        assert (
            client.post(url("workflow_action", b.pk, "approve", current_task_state(b).pk), {"comment": ""}).status_code
            == 302
        )
        b.refresh_from_db()
        assert b.status == DocumentStatus.EFFECTIVE and b.issue_number == 3
        assert ProcessVersion.objects.get(document=b, issue_number=3).approved_by == world.leader_b

    def test_a_task_state_of_an_earlier_workflow_of_the_same_document_is_refused(self, client, world, scene):
        a, _b = scene
        earlier = TaskState.objects.for_instance(a).exclude(workflow_state=a.current_workflow_state).first()
        assert earlier is not None
        before = snapshot(a)
        client.force_login(world.leader_a)
        assert client.post(url("workflow_action", a.pk, "approve", earlier.pk), {"comment": ""}).status_code == 404
        assert snapshot(a) == before

    # -- (b) the multi-id URLs on the scene --------------------------------------------------------------------

    def test_every_multi_id_url_refuses_ids_of_another_commune(self, client, world, scene):
        a, b = scene
        before_a, before_b = snapshot(a), snapshot(b)
        patterns = multi_id_patterns()
        assert patterns
        checked = 0
        for pattern in patterns:
            client.force_login(getattr(world, PERSONAS[pattern.model]))
            secondary = [kw for kw in pattern.kwargs if kw != "pk"]
            own = {kw: FILLERS[kw](a, b)[0] for kw in secondary}
            foreign = {kw: FILLERS[kw](a, b)[1] for kw in secondary}

            # The persona may open the URL with A's own ids: a 404 below comes from the foreign id.
            response = client.get(reverse(pattern.name, kwargs={"pk": a.pk, **own}))
            assert response.status_code in (200, 302), (pattern.name, response.status_code)

            mixes = [{**own, kw: foreign[kw]} for kw in secondary if kw not in SHARED] + [foreign]
            for mix in mixes:
                target = reverse(pattern.name, kwargs={"pk": a.pk, **mix})
                for method in (client.get, client.post):
                    response = method(target)
                    assert response.status_code == 404, (pattern.name, mix, method.__name__, response.status_code)
                    checked += 1
        assert checked >= 2 * len(patterns)
        assert snapshot(a) == before_a and snapshot(b) == before_b

    def test_an_id_the_guard_cannot_check_is_a_configuration_error(self, world, scene):
        from django.core.exceptions import ImproperlyConfigured

        from qms.object_scope import check_owned_kwargs

        a, _b = scene
        with pytest.raises(ImproperlyConfigured):
            check_owned_kwargs(a, {"pk": a.pk, "attachment_id": 1})
