"""The one notification API: ``notify`` (planners call it), ``mark_read``, the e-mail sender and the preference."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone, translation

from qms.audit_log import define_action, log
from qms.permissions import forget

from .mail import build_email
from .models import Notification, NotificationPreference
from .registry import is_registered

A_NOTIFY = define_action("notifications.notify", "Notify", "Sent a notification")
A_READ = define_action("notifications.read", "Mark read", "Marked notifications as read")
A_RESOLVE = define_action("notifications.resolve", "Resolve", "Marked notices of finished work as read")
A_PREFERENCE = define_action("notifications.preference", "Notification preference", "Changed the e-mail preference")


def _unique_users(recipients: Iterable, *, acting_user) -> list:
    """Each active recipient once; nobody is told of what they did themselves."""
    seen, users = {getattr(acting_user, "pk", None)}, []
    for user in recipients:
        if user is not None and user.pk not in seen and user.is_active:
            seen.add(user.pk)
            users.append(user)
    return users


@transaction.atomic
def notify(
    *,
    recipients,
    kind: str,
    subject: str,
    message: str,
    obj=None,
    commune=None,
    link: str = "",
    dedup_key: str,
    acting_user,
) -> list[Notification]:
    """One notice per recipient but the acting user; a recipient who already has ``dedup_key`` gets nothing new.

    Returns the notices created by this call.
    """
    if not is_registered(kind):
        raise ValueError(f"Unknown notification kind {kind!r}: register it with qms.notifications.registry.")
    content_type = ContentType.objects.get_for_model(obj) if obj is not None else None
    commune_id = getattr(commune, "pk", commune)
    created = []
    for user in _unique_users(recipients, acting_user=acting_user):
        notice, is_new = Notification.objects.get_or_create(
            recipient=user,
            dedup_key=dedup_key[:200],
            defaults={
                "kind": kind,
                "commune_id": commune_id,
                "content_type": content_type,
                "object_id": obj.pk if obj is not None else None,
                "subject": subject[:255],
                "message": message,
                "link": link,
            },
        )
        if is_new:
            created.append(notice)
    if created:
        log(
            instance=created[0],
            action=A_NOTIFY,
            user=acting_user,
            data={"kind": kind, "dedup_key": dedup_key, "recipients": [n.recipient.get_username() for n in created]},
        )
    return created


@transaction.atomic
def mark_read(*, acting_user, notifications) -> int:
    """Mark the acting user's own unread notices among ``notifications`` as read; returns how many."""
    ids = [n.pk if isinstance(n, Notification) else n for n in notifications]
    unread = Notification.objects.filter(recipient=acting_user, read_at__isnull=True, pk__in=ids)
    marked = list(unread.select_for_update())
    if not marked:
        return 0
    Notification.objects.filter(pk__in=[n.pk for n in marked]).update(read_at=timezone.now())
    forget(acting_user, "unread_notifications")
    log(instance=marked[0], action=A_READ, user=acting_user, data={"ids": [n.pk for n in marked]})
    return len(marked)


@transaction.atomic
def resolve(*, acting_user, obj, kinds: Iterable[str], keep_dedup_key: str = "") -> int:
    """The work that notices of ``kinds`` on ``obj`` asked for is done: they are read, for every recipient.

    A notice asking a reviewer to act stays unread only while the act is still to do
    (``keep_dedup_key``: the one notice of the step that has just started). Returns how many.
    """
    unread = Notification.objects.filter(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        kind__in=list(kinds),
        read_at__isnull=True,
    )
    if keep_dedup_key:
        unread = unread.exclude(dedup_key=keep_dedup_key)
    ids = list(unread.select_for_update().values_list("pk", flat=True))
    if not ids:
        return 0
    Notification.objects.filter(pk__in=ids).update(read_at=timezone.now())
    log(instance=obj, action=A_RESOLVE, user=acting_user, data={"kinds": sorted(kinds), "ids": ids})
    return len(ids)


def email_enabled(user) -> bool:
    return not NotificationPreference.objects.filter(user=user, email_enabled=False).exists()


@transaction.atomic
def set_email_preference(*, acting_user, user, email_enabled: bool) -> NotificationPreference:
    """A user changes their own choice (in-app notices are always on)."""
    if acting_user.pk != user.pk and not acting_user.is_superuser:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    if preference.email_enabled != email_enabled:
        preference.email_enabled = email_enabled
        preference.save(update_fields=["email_enabled"])
        log(instance=preference, action=A_PREFERENCE, user=acting_user, data={"email_enabled": email_enabled})
    return preference


def send_pending_emails(*, batch_size: int = 100) -> int:
    """E-mail every notice not yet handled, ``batch_size`` at a time; returns how many were e-mailed.

    Idempotent: each notice is claimed and marked in one transaction, so a second run sends nothing.
    A user without an address, inactive, or who opted out gets none (the notice stays in the inbox).
    """
    from django.core.mail import get_connection

    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        while True:
            with transaction.atomic():
                batch = list(
                    Notification.objects.filter(mail_done=False)
                    .select_related("recipient")
                    .select_for_update(skip_locked=connection.features.has_select_for_update_skip_locked)
                    .order_by("pk")[:batch_size]
                )
                if not batch:
                    return sent
                opted_out = set(
                    NotificationPreference.objects.filter(
                        user_id__in={n.recipient_id for n in batch}, email_enabled=False
                    ).values_list("user_id", flat=True)
                )
                to_send = [
                    n for n in batch if n.recipient.email and n.recipient.is_active and n.recipient_id not in opted_out
                ]
                if to_send:
                    get_connection().send_messages([build_email(n) for n in to_send])
                now = timezone.now()
                Notification.objects.filter(pk__in=[n.pk for n in batch]).update(mail_done=True)
                Notification.objects.filter(pk__in=[n.pk for n in to_send]).update(emailed_at=now)
                sent += len(to_send)
