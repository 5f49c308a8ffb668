"""People's names as Vietnamese write them ("Nguyễn Thị Hoa"), and lists sorted by given name."""

from __future__ import annotations

import datetime
from io import BytesIO

import docx
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from audits import docx as audit_docx
from audits import services as audit_services
from qms import demo
from qms.docx import to_bytes
from qms.notifications.services import send_pending_emails
from qms.people import full_name, split_full_name
from tests.audits.builders import make_audit, make_auditor, make_programme, raise_nc, second_auditor
from tests.processes.helpers import approve_directly, make_procedure, start_document, url

pytestmark = pytest.mark.django_db

HOA, BINH, TUAN, LAN = "Nguyễn Thị Hoa", "Trần Văn Bình", "Phạm Minh Tuấn", "Vũ Thị Lan"
#: What Django's first_name + " " + last_name would show.
REVERSED = ("Hoa Nguyễn Thị", "Bình Trần Văn", "Tuấn Phạm Minh", "Lan Vũ Thị")


def rename(user, name: str):
    user.last_name, user.first_name = split_full_name(name)
    user.email = f"{user.username}@example.gov.vn"
    user.save()
    return user


@pytest.fixture
def named(world):
    rename(world.iso_a, HOA)
    rename(world.leader_a, BINH)
    rename(world.auditor_a, TUAN)
    return world


def assert_natural(text: str, *names: str) -> None:
    for name in names:
        assert name in text
    for wrong in REVERSED:
        assert wrong not in text


def word_text(data: bytes) -> str:
    document = docx.Document(BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def positions(text: str, *names: str) -> list[int]:
    found = [text.find(name) for name in names]
    assert -1 not in found, names
    return found


def test_the_full_name_is_family_middle_then_given_name(world):
    user = get_user_model()(username="hoa", last_name="Nguyễn Thị", first_name="Hoa")
    assert user.get_full_name() == full_name(user) == HOA
    assert user.get_short_name() == "Hoa"
    assert full_name(get_user_model()(username="no.name")) == "no.name"
    assert full_name(None) == ""
    assert split_full_name("  Nguyễn   Thị Hoa ") == ("Nguyễn Thị", "Hoa")


def test_demo_accounts_show_their_names_as_written(db):
    for account in demo.DEMO_ACCOUNTS:
        user = demo._ensure_user(account)
        assert user.get_full_name() == full_name(user) == account.full_name
    admin = get_user_model().objects.get(username="admin")
    assert admin.get_short_name() == "Quản trị hệ thống"
    assert get_user_model().objects.get(username="iso.lam").get_short_name() == "Hoa"


def test_wagtail_user_list_shows_names_as_written_and_sorts_by_given_name(client, named):
    client.force_login(named.admin)
    body = client.get(reverse("wagtailusers_users:index"), {"ordering": "name"}).content.decode()
    assert_natural(body, HOA, BINH, TUAN)
    assert positions(body, BINH, HOA, TUAN) == sorted(positions(body, BINH, HOA, TUAN))
    body = client.get(reverse("wagtailusers_users:index"), {"ordering": "-name"}).content.decode()
    assert positions(body, TUAN, HOA, BINH) == sorted(positions(body, TUAN, HOA, BINH))


def test_auditor_pool_lists_by_given_name_and_inspect_shows_the_name(client, named):
    tuan = make_auditor(named, named.auditor_a, "Văn phòng – Thống kê")
    second_auditor(named)
    client.force_login(named.iso_a)
    body = client.get(reverse("audits_auditors:index")).content.decode()
    assert_natural(body, TUAN, LAN)
    first, second = positions(body, LAN, TUAN)
    assert first < second
    body = client.get(reverse("audits_auditors:inspect", args=[tuan.pk])).content.decode()
    assert_natural(body, TUAN)


def test_person_choices_in_forms_are_sorted_by_given_name(client, named):
    client.force_login(named.leader_a)
    body = client.get(reverse("audits_reviews:add")).content.decode()
    chair = body[body.index('name="chair"') :]
    chair = chair[: chair.index("</select>")]
    assert_natural(chair, BINH, HOA, TUAN)
    assert positions(chair, BINH, HOA, TUAN) == sorted(positions(chair, BINH, HOA, TUAN))


def test_version_list_history_and_word_file_show_names_as_written(client, named):
    document = approve_directly(start_document(named, make_procedure()), named.iso_a, named.leader_a)
    client.force_login(named.district)
    body = client.get(url("versions", document.pk)).content.decode()
    assert_natural(body, BINH)
    client.force_login(named.iso_a)
    body = client.get(url("history", document.pk)).content.decode()
    assert_natural(body, BINH, HOA)
    response = client.get(url("version_docx", document.pk, 1))
    assert response.status_code == 200
    text = word_text(response.content)
    assert_natural(text, BINH, HOA)


def test_audit_programme_word_file_lists_auditors_by_given_name(named):
    programme = make_programme(
        named, auditors=[make_auditor(named, named.auditor_a, "Văn phòng – Thống kê"), second_auditor(named)]
    )
    text = word_text(to_bytes(audit_docx.build_programme_docx(programme)))
    assert_natural(text, LAN, TUAN)
    first, second = positions(text, LAN, TUAN)
    assert first < second


def test_escalation_e_mail_names_the_owner_as_written(named):
    plan = make_audit(named)
    raise_nc(named, plan, due=datetime.date(2026, 5, 26))
    audit_services.send_daily_reminders(today=datetime.date(2026, 6, 1))
    audit_services.send_daily_reminders(today=datetime.date(2026, 6, 2))
    send_pending_emails()
    escalation = [m for m in mail.outbox if m.to == [named.leader_a.email]]
    assert len(escalation) == 1
    assert_natural(escalation[0].body, HOA)
