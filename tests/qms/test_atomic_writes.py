"""A request that writes and then fails leaves nothing behind, so a retry cannot duplicate the row."""

import pytest
from django.conf import settings
from django.http import HttpResponse, HttpResponseServerError
from django.test import RequestFactory

from qms.transactions import AtomicWritesMiddleware
from qms.units.models import AdministrativeUnit, Level
from tests.factories import make_unit


def saving_view(status: int):
    def view(request):
        make_unit(level=Level.PROVINCE, name="Ghi rồi lỗi", code="99999")
        return HttpResponseServerError() if status >= 500 else HttpResponse(status=status)

    return view


def test_the_middleware_is_installed():
    assert "qms.transactions.AtomicWritesMiddleware" in settings.MIDDLEWARE


@pytest.mark.django_db
def test_a_post_that_fails_after_saving_is_rolled_back():
    response = AtomicWritesMiddleware(saving_view(500))(RequestFactory().post("/admin/x/"))
    assert response.status_code == 500
    assert not AdministrativeUnit.objects.filter(code="99999").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", [200, 302, 403])
def test_a_post_that_succeeds_or_is_refused_keeps_its_writes(status):
    response = AtomicWritesMiddleware(saving_view(status))(RequestFactory().post("/admin/x/"))
    assert response.status_code == status
    assert AdministrativeUnit.objects.filter(code="99999").count() == 1


@pytest.mark.django_db
def test_work_queued_for_after_the_commit_runs_once_the_request_commits(django_capture_on_commit_callbacks):
    from django.db import transaction

    ran = []

    def view(request):
        transaction.on_commit(lambda: ran.append("sent"))
        return HttpResponse()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        AtomicWritesMiddleware(view)(RequestFactory().post("/admin/x/"))
    assert ran == ["sent"] and len(callbacks) == 1
