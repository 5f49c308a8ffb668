"""The library editor saves and submits a model through the edit page as a browser posts it;
an ISO officer sees models without edit/delete and is refused on their URLs."""

import pytest

from processes import services
from processes.models import ProcessDocument
from tests.browser_forms import fill, open_form

from .helpers import approved_model, edit_form_data, library_editor, url

STREAMS = ("dossier", "steps", "forms", "records", "changes", "fees")


def page_data(client, document, **values) -> dict:
    """What the edit page posts: its fields as rendered, the stream blocks as its scripts expand them."""
    data = open_form(client, url("edit", document.pk), "processing_time")
    data = {name: value for name, value in data.items() if name.split("-")[0] not in STREAMS}
    streams = edit_form_data(document)
    data.update({name: [value] for name, value in streams.items() if name.split("-")[0] in STREAMS})
    return fill(data, **values)


pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(world):
    return library_editor(world, "thuvien")


@pytest.fixture
def model(client, world, editor, ket_hon):
    return approved_model(client, world, editor, ket_hon)


def test_editor_saves_a_model_as_the_page_posts_it(client, editor, model):
    client.force_login(editor)
    data = page_data(client, model, processing_time="05 ngày làm việc.", change_request="Nghị định mới")
    response = client.post(url("edit", model.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    draft = ProcessDocument.objects.get(pk=model.pk).get_latest_revision_as_object()
    assert draft.processing_time == "05 ngày làm việc."


def test_the_officer_sees_the_models_without_edit_or_delete_and_is_refused_on_them(client, world, model, ket_hon):
    own = services.create_process_document(procedure=ket_hon, commune=world.commune_a, acting_user=world.iso_a)
    client.cookies.clear()  # no message left from the editor's approval
    client.force_login(world.iso_a)
    body = client.get(url("list")).content.decode()
    assert model.title in body and f'href="{url("inspect", model.pk)}"' in body
    assert url("edit", model.pk) not in body and url("delete", model.pk) not in body
    assert f'href="{url("edit", own.pk)}"' in body and url("delete", own.pk) in body
    inspect = client.get(url("inspect", model.pk))
    assert inspect.status_code == 200
    assert (
        url("edit", model.pk) not in inspect.content.decode()
        and url("delete", model.pk) not in inspect.content.decode()
    )
    # Wagtail answers a refused admin view with a redirect to the admin home (tests/processes/test_library.py).
    for refused in (
        client.get(url("edit", model.pk)),
        client.get(url("delete", model.pk)),
        client.post(url("delete", model.pk)),
    ):
        assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    assert ProcessDocument.objects.filter(pk=model.pk).exists()


def test_the_editor_keeps_edit_on_the_models_of_the_library(client, editor, model):
    client.force_login(editor)
    body = client.get(url("list")).content.decode()
    assert f'href="{url("edit", model.pk)}"' in body


def test_the_editor_page_does_not_autosave_behind_the_editor(client, editor, model):
    client.force_login(editor)
    response = client.get(url("edit", model.pk))
    assert response.status_code == 200
    assert response.context["autosave_enabled"] is False
    assert "data-w-autosave" not in response.content.decode()
