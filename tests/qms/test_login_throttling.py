"""Password guessing is stopped: lockout per user name and per address, unlock by an administrator."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.factories import make_user

LOGIN = "/admin/login/"
LOCKED_TEXT = "Đăng nhập sai quá nhiều lần"


def attempt(client, username, password, *, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def officer(db):
    return make_user("can.bo.iso")


def test_right_password_after_too_many_failures_is_refused(officer, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, "can.bo.iso", "sai-mat-khau")
        assert response.status_code == 200
        assert LOCKED_TEXT not in response.content.decode()
    response = attempt(client, "can.bo.iso", "sai-mat-khau")
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED_TEXT in page
    assert "15 phút" in page

    # The right password no longer opens the door, from any address.
    for address in ("10.0.0.1", "10.9.9.9"):
        response = attempt(Client(), "can.bo.iso", "pw", address=address)
        assert response.status_code == 429
        assert "_auth_user_id" not in Client().session
    assert Client().get("/admin/").status_code == 302


def test_one_address_guessing_many_names_is_locked(officer, settings):
    client = Client()
    for index in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"nguoi-{index}", "sai", address="10.0.0.7")
    # A real user from that address is refused too; the same user elsewhere is not.
    assert attempt(Client(), "can.bo.iso", "pw", address="10.0.0.7").status_code == 429
    response = attempt(Client(), "can.bo.iso", "pw", address="10.0.0.8")
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def test_success_before_the_limit_resets_the_count(officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(Client(), "can.bo.iso", "sai")
    assert attempt(Client(), "can.bo.iso", "pw").status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(Client(), "can.bo.iso", "sai")
    assert attempt(Client(), "can.bo.iso", "pw").status_code == 302


def test_administrator_unlocks_from_the_admin(officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(Client(), "can.bo.iso", "sai")
    assert attempt(Client(), "can.bo.iso", "pw").status_code == 429

    # Only superusers see the lockout screen.
    officer_client = Client()
    officer_client.force_login(make_user("khac"))
    assert officer_client.get("/admin/login_lockouts/").status_code == 302

    admin = Client()
    admin.force_login(make_user("quan.tri", superuser=True))
    listing = admin.get("/admin/login_lockouts/")
    assert listing.status_code == 200
    assert "can.bo.iso" in listing.content.decode()
    assert "Số lần sai" in listing.content.decode()

    for row in AccessAttempt.objects.filter(username="can.bo.iso"):
        url = reverse("login_lockouts:delete", args=[row.pk])
        assert admin.get(url).status_code == 200
        assert admin.post(url).status_code == 302
    assert not AccessAttempt.objects.filter(username="can.bo.iso").exists()
    assert ModelLogEntry.objects.filter(action="qms.login_unlock").exists()

    response = attempt(Client(), "can.bo.iso", "pw", address="10.0.0.2")
    assert response.status_code == 302
