"""The one notification API: ``notify`` (planners call it), ``mark_read``, the e-mail sender and the preference."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone, translation

from qms.audit_log import define_action, log
from qms.permissions import forget

from .mail import build_email, email_templates
from .models import Notification, NotificationPreference
from .registry import is_registered

A_NOTIFY = define_action("notifications.notify", "Notify", "Sent a notification")
A_READ = define_action("notifications.read", "Mark read", "Marked notifications as read")
A_RESOLVE = define_action("notifications.resolve", "Resolve", "Marked notices of finished work as read")
A_PREFERENCE = define_action("notifications.preference", "Notification preference", "Changed the e-mail preference")


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
    return notify_each(
        notices=[
            Notice(
                recipient=user,
                kind=kind,
                subject=subject,
                message=message,
                dedup_key=dedup_key,
                obj=obj,
                commune=commune,
                link=link,
            )
            for user in recipients
        ],
        acting_user=acting_user,
    )


@dataclass(frozen=True)
class Notice:
    """One notice of :func:`notify_each`: its own recipient, text, subject object and dedup key."""

    recipient: Any
    kind: str
    subject: str
    message: str
    dedup_key: str
    obj: Any = None
    commune: Any = None
    link: str = ""


@transaction.atomic
def notify_each(*, notices: Sequence[Notice], acting_user) -> list[Notification]:
    """Many notices at once (the daily reminders): one set-based insert, one audit record per call.

    Callers hold the rows the notices come from (``select_for_update``), so no other sender races them.

    The same rules as :func:`notify`: inactive recipients and the acting user get nothing, and a
    recipient who already has a notice's dedup key gets nothing new. Returns the notices created.
    """
    unknown = {notice.kind for notice in notices if not is_registered(notice.kind)}
    if unknown:
        raise ValueError(
            f"Unknown notification kinds {sorted(unknown)!r}: register them with qms.notifications.registry."
        )
    acting_pk = getattr(acting_user, "pk", None)
    wanted = [n for n in notices if n.recipient is not None and n.recipient.is_active and n.recipient.pk != acting_pk]
    keys = {n.dedup_key[:200] for n in wanted}
    existing = set(
        Notification.objects.filter(dedup_key__in=keys, recipient_id__in={n.recipient.pk for n in wanted}).values_list(
            "recipient_id", "dedup_key"
        )
    )
    rows, seen = [], set(existing)
    for notice in wanted:
        key = (notice.recipient.pk, notice.dedup_key[:200])
        if key in seen:
            continue
        seen.add(key)
        rows.append(
            Notification(
                recipient=notice.recipient,
                dedup_key=key[1],
                kind=notice.kind,
                commune_id=getattr(notice.commune, "pk", notice.commune),
                content_type=ContentType.objects.get_for_model(notice.obj) if notice.obj is not None else None,
                object_id=notice.obj.pk if notice.obj is not None else None,
                subject=notice.subject[:255],
                message=notice.message,
                link=notice.link,
            )
        )
    if not rows:
        return []
    Notification.objects.bulk_create(rows, batch_size=500)
    log(
        instance=rows[0],
        action=A_NOTIFY,
        user=acting_user,
        data={
            "kinds": sorted({row.kind for row in rows}),
            "count": len(rows),
            "dedup_keys": [row.dedup_key for row in rows],
            "recipients": sorted({row.recipient.get_username() for row in rows}),
        },
    )
    return rows


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


def send_pending_emails(*, batch_size: int = 500) -> int:
    """E-mail every notice not yet handled, ``batch_size`` at a time; returns how many were e-mailed.

    Idempotent: each notice is claimed and marked in one transaction, so a second run sends nothing.
    A user without an address, inactive, or who opted out gets none (the notice stays in the inbox).
    """
    from django.core.mail import get_connection

    sent = 0
    templates = email_templates()
    mailer = get_connection()
    try:
        mailer.open()
        with translation.override(settings.LANGUAGE_CODE):
            while True:
                with transaction.atomic():
                    batch = list(
                        Notification.objects.filter(mail_done=False)
                        .select_related("recipient")
                        .select_for_update(
                            skip_locked=connection.features.has_select_for_update_skip_locked, of=("self",)
                        )
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
                        n
                        for n in batch
                        if n.recipient.email and n.recipient.is_active and n.recipient_id not in opted_out
                    ]
                    if to_send:
                        # One connection for the whole run: opened above, so the backend keeps it open.
                        mailer.send_messages([build_email(n, templates=templates) for n in to_send])
                    now = timezone.now()
                    Notification.objects.filter(pk__in=[n.pk for n in batch]).update(mail_done=True)
                    Notification.objects.filter(pk__in=[n.pk for n in to_send]).update(emailed_at=now)
                    sent += len(to_send)
    finally:
        mailer.close()
