"""One inbox, one planner API, one e-mail sender."""

from __future__ import annotations

import datetime
import email
import email.policy
import json
import os
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from qms.audit_log import entries_for
from qms.notifications import services
from qms.notifications.models import Notification, NotificationPreference
from qms.notifications.registry import register_kind
from qms.notifications.tasks import send_emails
from tests.browser_forms import open_form

pytestmark = pytest.mark.django_db

KIND = register_kind("tests.hello", "Test notice")
ROOT = Path(__file__).resolve().parents[2]


def _menu(client) -> str:
    """The admin menu as the sidebar receives it (JSON in the page), Vietnamese letters unescaped."""
    html = lxml.html.fromstring(client.get(reverse("wagtailadmin_home")).content.decode())
    [props] = html.xpath('//script[@id="wagtail-sidebar-props"]/text()')
    return json.dumps(json.loads(props), ensure_ascii=False)


def _notify(world, recipients, key="hello:1", subject="Quy trình QT-01/HT chờ anh/chị xử lý", **extra):
    extra.setdefault("acting_user", world.province)
    return services.notify(
        recipients=recipients,
        kind=KIND,
        subject=subject,
        message="Bà Nguyễn Thị Hoa đã trình quy trình.",
        commune=world.commune_a,
        link="/admin/notifications/",
        dedup_key=key,
        **extra,
    )


def test_notify_is_idempotent_by_dedup_key_and_audit_logged(world):
    first = _notify(world, [world.leader_a, world.auditor_a, world.leader_a], obj=world.commune_a)
    again = _notify(world, [world.leader_a, world.auditor_a])
    assert len(first) == 2 and again == []
    assert Notification.objects.filter(dedup_key="hello:1").count() == 2
    notice = Notification.objects.get(recipient=world.leader_a)
    assert notice.subject_object == world.commune_a and notice.read_at is None and not notice.mail_done
    [entry] = [e for e in entries_for(first[0]) if e.action == "notifications.notify"]
    assert entry.user == world.province and sorted(entry.data["recipients"]) == ["auditor_a", "leader_a"]
    # a new key is a new notice, only for who has not had it
    assert len(_notify(world, [world.leader_a], key="hello:2")) == 1


def test_nobody_is_told_of_their_own_act(world):
    assert [n.recipient for n in _notify(world, [world.iso_a, world.leader_a], acting_user=world.iso_a)] == [
        world.leader_a
    ]


def test_resolving_marks_the_notices_of_finished_work_read_for_everyone(world):
    _notify(world, [world.leader_a, world.auditor_a], obj=world.commune_a)
    _notify(world, [world.leader_a], key="hello:2", obj=world.commune_a)
    assert (
        services.resolve(acting_user=world.leader_a, obj=world.commune_a, kinds=[KIND], keep_dedup_key="hello:2") == 2
    )
    assert {(n.dedup_key, n.read_at is None) for n in Notification.objects.all()} == {
        ("hello:1", False),
        ("hello:2", True),
    }
    assert any(e.action == "notifications.resolve" and e.user == world.leader_a for e in entries_for(world.commune_a))


def test_an_unregistered_kind_is_refused(world):
    with pytest.raises(ValueError):
        services.notify(
            recipients=[world.iso_a], kind="nobody.knows", subject="x", message="", dedup_key="k", acting_user=None
        )
    assert not Notification.objects.exists()


def test_the_inbox_shows_own_notices_newest_first_with_an_unread_badge(client, world):
    _notify(world, [world.iso_a], key="old", subject="Thông báo cũ")
    Notification.objects.filter(dedup_key="old").update(created_at=datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC))
    _notify(world, [world.iso_a], key="new", subject="Thông báo mới")
    _notify(world, [world.iso_b], key="other", subject="Thông báo của xã khác")
    client.force_login(world.iso_a)
    assert '"Thông báo (2)"' in _menu(client)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert page.index("Thông báo mới") < page.index("Thông báo cũ")
    assert "Thông báo của xã khác" not in page
    assert "Đánh dấu đã đọc" in page and "Xem chi tiết" in page and "Bà Nguyễn Thị Hoa đã trình quy trình." in page
    newest = Notification.objects.get(dedup_key="new")
    response = client.post(reverse("notifications:inbox"), {"pk": newest.pk}, follow=True)
    assert "Đã đánh dấu 1 thông báo là đã đọc." in response.content.decode()
    newest.refresh_from_db()
    assert newest.read_at is not None
    assert Notification.objects.get(dedup_key="old").read_at is None
    assert '"Thông báo (1)"' in _menu(client)
    opened = client.post(reverse("notifications:open", args=[Notification.objects.get(dedup_key="old").pk]))
    assert opened.status_code == 302 and opened["Location"] == "/admin/notifications/"
    assert not Notification.objects.filter(recipient=world.iso_a, read_at__isnull=True).exists()
    assert '"Thông báo"' in _menu(client) and "Thông báo (" not in _menu(client)


def test_another_users_notice_is_a_404(client, world):
    _notify(world, [world.iso_b], key="theirs")
    theirs = Notification.objects.get(recipient=world.iso_b)
    client.force_login(world.iso_a)
    assert client.post(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:inbox"), {"pk": theirs.pk}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert services.mark_read(acting_user=world.iso_a, notifications=[theirs]) == 0


def test_the_sender_mails_once_in_vietnamese_and_honours_the_opt_out(client, world):
    for user in (world.iso_a, world.leader_a):
        user.email, user.last_name = f"{user.username}@example.gov.vn", "Nguyễn Văn"
        user.save()
    client.force_login(world.leader_a)
    data = open_form(client, reverse("wagtailadmin_account"), "notifications-email_enabled")
    assert data["notifications-email_enabled"] == ["on"]
    del data["notifications-email_enabled"]  # the user unticks the box
    assert client.post(reverse("wagtailadmin_account"), data).status_code == 302
    assert NotificationPreference.objects.get(user=world.leader_a).email_enabled is False
    _notify(world, [world.iso_a, world.leader_a, world.auditor_a])  # auditor_a has no address
    assert send_emails.delay().get() == 1
    [message] = mail.outbox
    assert message.to == ["iso_a@example.gov.vn"]
    assert message.subject == "[HTQLCL] Quy trình QT-01/HT chờ anh/chị xử lý"
    assert "Bà Nguyễn Thị Hoa đã trình quy trình." in message.body
    assert "http://127.0.0.1:8000/admin/notifications/" in message.body
    assert "Bạn có thể tắt các e-mail này" in message.body
    [(html, kind)] = message.alternatives
    assert kind == "text/html" and 'href="http://127.0.0.1:8000/admin/notifications/"' in html
    assert send_emails.delay().get() == 0 and len(mail.outbox) == 1
    assert Notification.objects.filter(emailed_at__isnull=False).get().recipient == world.iso_a
    # the opted-out leader still has the notice in the inbox
    assert Notification.objects.filter(recipient=world.leader_a, read_at__isnull=True).exists()


def test_development_mail_is_a_readable_eml_file(world, tmp_path):
    world.iso_a.email = "iso_a@example.gov.vn"
    world.iso_a.save()
    _notify(world, [world.iso_a])
    Notification.objects.update(
        message="Bà Nguyễn Thị Hoa đã trình quy trình QT-01/HT “Đăng ký khai sinh” để soát xét; "
        "đề nghị đồng chí xem xét và cho ý kiến trước ngày 15/06/2026."
    )
    with override_settings(EMAIL_BACKEND="qms.notifications.backends.EmlFileBackend", EMAIL_FILE_PATH=str(tmp_path)):
        assert services.send_pending_emails() == 1
    [path] = list(tmp_path.iterdir())
    assert path.suffix == ".eml"
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    assert "base64" not in text.lower()
    assert "đề nghị đồng chí xem xét và cho ý kiến trước ngày 15/06/2026." in text
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == "[HTQLCL] Quy trình QT-01/HT chờ anh/chị xử lý"
    assert parsed.get_body(("plain",)).get_content().startswith("Quy trình QT-01/HT")


def test_links_in_development_follow_qms_port(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qms.settings.dev",
        "QMS_PORT": "8765",
        "QMS_DATA_DIR": str(tmp_path),
    }
    env.pop("WAGTAILADMIN_BASE_URL", None)
    code = "import django; django.setup(); from qms.links import absolute_url; print(absolute_url('/admin/x/'))"
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "http://127.0.0.1:8765/admin/x/"
