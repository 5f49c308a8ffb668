"""Bulk actions of the project's models (``/admin/bulk/<app>/<model>/<action>/?id=…``) list and act
only on the user's own objects: another commune's id is a 404 that names nothing."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from wagtail.admin.views.bulk_action.registry import bulk_action_registry

from processes.models import ProcessDocument
from qms.object_scope import ScopedBulkActionMixin
from tests.processes.helpers import approve_directly, make_procedure, start_document

pytestmark = pytest.mark.django_db

PROJECT_APP_LABELS = {"processes", "audits", "units", "certification", "public", "qms"}


def bulk_url(action: str, *ids, model=ProcessDocument) -> str:
    path = reverse("wagtail_bulk_action", args=(model._meta.app_label, model._meta.model_name, action))
    return f"{path}?{urlencode([('id', i) for i in ids])}"


@pytest.fixture
def drafts(world):
    own = start_document(world, make_procedure(code="1.001193", name="Thủ tục đăng ký khai sinh"))
    foreign = start_document(
        world, make_procedure(code="1.000894", name="Thủ tục đăng ký kết hôn"), world.commune_b, world.iso_b
    )
    assert own.title != foreign.title and own.code != foreign.code
    return own, foreign


def _names(document, body: str) -> bool:
    return document.title in body or document.code in body


def test_every_bulk_action_of_a_project_model_is_scoped():
    bulk_action_registry._scan_for_bulk_actions()
    found = {
        (app_label, model_name, action): action_class
        for app_label, models in bulk_action_registry.actions.items()
        if app_label in PROJECT_APP_LABELS
        for model_name, actions in models.items()
        for action, action_class in actions.items()
    }
    assert ("processes", "processdocument", "delete") in found
    assert [key for key, cls in found.items() if not issubclass(cls, ScopedBulkActionMixin)] == []


def test_another_communes_draft_is_not_listed_by_the_bulk_delete_page(client, world, drafts):
    own, foreign = drafts
    client.force_login(world.iso_a)
    for ids in ((foreign.pk,), (own.pk, foreign.pk), (foreign.pk, own.pk)):
        response = client.get(bulk_url("delete", *ids))
        assert response.status_code == 404
        assert not _names(foreign, response.content.decode())


def test_posting_a_bulk_delete_with_another_communes_id_deletes_nothing(client, world, drafts):
    own, foreign = drafts
    client.force_login(world.iso_a)
    assert client.post(bulk_url("delete", own.pk, foreign.pk)).status_code == 404
    assert client.post(bulk_url("delete", foreign.pk)).status_code == 404
    assert ProcessDocument.objects.filter(pk__in=[own.pk, foreign.pk]).count() == 2


def test_missing_and_malformed_ids_are_404(client, world, drafts):
    own, _foreign = drafts
    client.force_login(world.iso_a)
    assert client.get(bulk_url("delete", own.pk, 999999)).status_code == 404
    assert client.get(bulk_url("delete", "abc")).status_code == 404
    assert client.get(bulk_url("delete")).status_code == 404


def test_an_officer_bulk_deletes_their_own_drafts(client, world, drafts):
    own, foreign = drafts
    second = start_document(world, make_procedure(code="1.000656", name="Thủ tục đăng ký khai tử"))
    client.force_login(world.iso_a)
    response = client.get(bulk_url("delete", own.pk, second.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert _names(own, body) and _names(second, body) and not _names(foreign, body)
    response = client.post(bulk_url("delete", own.pk, second.pk))
    assert response.status_code == 302
    assert not ProcessDocument.objects.filter(pk__in=[own.pk, second.pk]).exists()
    assert ProcessDocument.objects.filter(pk=foreign.pk).exists()


def test_an_issued_document_is_listed_but_not_deleted(client, world, drafts):
    own, _foreign = drafts
    issued = approve_directly(own, world.iso_a, world.leader_a)
    client.force_login(world.iso_a)
    response = client.get(bulk_url("delete", issued.pk))
    assert response.status_code == 200
    assert client.post(bulk_url("delete", issued.pk)).status_code == 302
    assert ProcessDocument.objects.filter(pk=issued.pk).exists()


def test_select_all_covers_only_the_users_own_documents(client, world, drafts):
    own, foreign = drafts
    client.force_login(world.iso_a)
    response = client.get(bulk_url("delete", "all"))
    assert response.status_code == 200
    body = response.content.decode()
    assert _names(own, body) and not _names(foreign, body)
    assert client.post(bulk_url("delete", "all")).status_code == 302
    assert not ProcessDocument.objects.filter(pk=own.pk).exists()
    assert ProcessDocument.objects.filter(pk=foreign.pk).exists()


@pytest.mark.parametrize("persona", ["leader_a", "auditor_a", "district", "iso_b"])
def test_users_who_may_not_change_the_document_get_404(client, world, drafts, persona):
    own, _foreign = drafts
    client.force_login(getattr(world, persona))
    response = client.get(bulk_url("delete", own.pk))
    assert response.status_code == 404
    assert not _names(own, response.content.decode())
    assert client.post(bulk_url("delete", own.pk)).status_code == 404
    assert ProcessDocument.objects.filter(pk=own.pk).exists()
