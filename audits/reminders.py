"""The daily reminder job: plan set-based and idempotently, then send in chunks.

Planning inserts one row per (recipient, object, kind, date) with
``ignore_conflicts`` on that unique key, so a second run on the same day adds
nothing and sends nothing. Sending claims unsent rows chunk by chunk, e-mails
them into notices through :func:`qms.notifications.services.notify_each` (its sender
task e-mails them).

Kinds and their key date:

* due in 7 days / due tomorrow / overdue (daily) — to the owner, key = the day;
* escalation to the commune's leaders — once, key = due date + 7 days;
* a risk's treatment due in 7 days / overdue (daily) — to the risk's owner, key = the day;
* internal audit due this year but not planned — to the ISO officers, weekly,
  key = that week's Monday.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qms.actors import SYSTEM
from qms.docx import format_short_date
from qms.notifications.services import Notice, notify_each
from qms.people import full_name
from qms.units.models import Commune, Role

from .models import (
    ActionStatus,
    AuditPlan,
    AuditProgramme,
    CorrectiveAction,
    PlanStatus,
    Reminder,
    ReminderKind,
    Risk,
)
from .risks.models import RiskStatus

ESCALATION_DAYS = 7
DUE_SOON_DAYS = 7
#: The ISO secretary is reminded this many days before the audit month starts.
AUDIT_LEAD_DAYS = 30


@dataclass
class ReminderRun:
    today: datetime.date
    planned: int = 0
    sent: int = 0
    skipped: int = 0
    lines: list[str] = field(default_factory=list)
    dry_run: bool = False


# -- planning -------------------------------------------------------------------------------------


def _role_path(prefix: str = "commune__") -> str:
    return f"{prefix}role_groups__group__user"


def _action_rows(today: datetime.date, action_ct) -> list[Reminder]:
    active = CorrectiveAction.objects.filter(status__in=ActionStatus.active(), commune__is_active=True)
    owner_rows = [
        (ReminderKind.DUE_IN_7_DAYS, today, active.filter(due_date=today + datetime.timedelta(days=DUE_SOON_DAYS))),
        (ReminderKind.DUE_TOMORROW, today, active.filter(due_date=today + datetime.timedelta(days=1))),
        (ReminderKind.OVERDUE, today, active.filter(due_date__lt=today)),
    ]
    rows = [
        Reminder(recipient_id=owner, commune_id=commune, kind=kind, content_type=action_ct, object_id=pk, for_date=day)
        for kind, day, queryset in owner_rows
        for pk, owner, commune in queryset.values_list("pk", "owner_id", "commune_id")
    ]
    escalate = active.filter(
        due_date__lte=today - datetime.timedelta(days=ESCALATION_DAYS),
        commune__role_groups__role=Role.LEADER,
        **{f"{_role_path()}__is_active": True},
    ).values_list("pk", "commune_id", _role_path(), "due_date")
    rows += [
        Reminder(
            recipient_id=leader,
            commune_id=commune,
            kind=ReminderKind.ESCALATION,
            content_type=action_ct,
            object_id=pk,
            for_date=due + datetime.timedelta(days=ESCALATION_DAYS),
        )
        for pk, commune, leader, due in escalate
    ]
    return rows


def _risk_rows(today: datetime.date) -> list[Reminder]:
    """Treatments of open risks: due in 7 days, then every day overdue, to the risk's owner."""
    active = Risk.objects.filter(
        status__in=RiskStatus.active(), owner__isnull=False, due_date__isnull=False, commune__is_active=True
    )
    risk_ct = ContentType.objects.get_for_model(Risk)
    kinds = [
        (ReminderKind.DUE_IN_7_DAYS, active.filter(due_date=today + datetime.timedelta(days=DUE_SOON_DAYS))),
        (ReminderKind.OVERDUE, active.filter(due_date__lt=today)),
    ]
    return [
        Reminder(recipient_id=owner, commune_id=commune, kind=kind, content_type=risk_ct, object_id=pk, for_date=today)
        for kind, queryset in kinds
        for pk, owner, commune in queryset.values_list("pk", "owner_id", "commune_id")
    ]


def _audit_month_limit(today: datetime.date) -> int:
    ahead = today + datetime.timedelta(days=AUDIT_LEAD_DAYS)
    return ahead.month if ahead.year == today.year else 12


def _iso_officer_filter(prefix: str = "commune__") -> dict:
    return {f"{prefix}role_groups__role": Role.ISO_OFFICER, f"{_role_path(prefix)}__is_active": True}


def _audit_rows(today: datetime.date) -> list[Reminder]:
    week = today - datetime.timedelta(days=today.weekday())
    month_limit = _audit_month_limit(today)
    live_plan = AuditPlan.objects.filter(programme=OuterRef("pk")).exclude(status=PlanStatus.CANCELLED)
    unplanned = (
        AuditProgramme.objects.filter(year=today.year, audit_month__lte=month_limit, commune__is_active=True)
        .exclude(Exists(live_plan))
        .filter(**_iso_officer_filter())
        .values_list("pk", "commune_id", _role_path())
    )
    programme_ct = ContentType.objects.get_for_model(AuditProgramme)
    rows = [
        Reminder(
            recipient_id=user,
            commune_id=commune,
            kind=ReminderKind.AUDIT_NOT_PLANNED,
            content_type=programme_ct,
            object_id=pk,
            for_date=week,
        )
        for pk, commune, user in unplanned
    ]
    this_year = AuditProgramme.objects.filter(commune=OuterRef("pk"), year=today.year)
    last_year = AuditProgramme.objects.filter(commune=OuterRef("pk"), year=today.year - 1, audit_month__lte=month_limit)
    missing = (
        Commune.objects.filter(is_active=True)
        .filter(Exists(last_year))
        .exclude(Exists(this_year))
        .filter(**_iso_officer_filter(prefix=""))
        .values_list("pk", _role_path(prefix=""))
    )
    commune_ct = ContentType.objects.get_for_model(Commune)
    rows += [
        Reminder(
            recipient_id=user,
            commune_id=pk,
            kind=ReminderKind.AUDIT_NOT_PLANNED,
            content_type=commune_ct,
            object_id=pk,
            for_date=week,
        )
        for pk, user in missing
    ]
    return rows


def plan_reminders(*, today: datetime.date) -> int:
    """Insert today's reminders (one bulk insert, duplicates ignored); returns the rows considered."""
    rows = _action_rows(today, ContentType.objects.get_for_model(CorrectiveAction)) + _audit_rows(today)
    rows += _risk_rows(today)
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


# -- messages -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    url: str
    obj: object = None


def _admin_url(name: str, *args) -> str:
    try:
        path = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return path


def _action_message(reminder: Reminder, action: CorrectiveAction, today: datetime.date) -> Message:
    values = {
        "number": action.number,
        "title": action.title,
        "commune": action.commune.name,
        "due": format_short_date(action.due_date),
        "days": (today - action.due_date).days,
        "owner": full_name(action.owner),
    }
    texts = {
        ReminderKind.DUE_IN_7_DAYS: (
            _("Action %(number)s is due in 7 days"),
            _("Action %(number)s “%(title)s” (%(commune)s) is due on %(due)s, in 7 days."),
        ),
        ReminderKind.DUE_TOMORROW: (
            _("Action %(number)s is due tomorrow"),
            _("Action %(number)s “%(title)s” (%(commune)s) is due tomorrow, %(due)s."),
        ),
        ReminderKind.OVERDUE: (
            _("Action %(number)s is overdue"),
            _("Action %(number)s “%(title)s” (%(commune)s) was due on %(due)s and is %(days)d days overdue."),
        ),
        ReminderKind.ESCALATION: (
            _("Escalation: action %(number)s is 7 days overdue"),
            _(
                "Action %(number)s “%(title)s” (%(commune)s), owned by %(owner)s, was due on %(due)s and is "
                "%(days)d days overdue. Please follow it up."
            ),
        ),
    }
    subject, body = texts[reminder.kind]
    return Message(subject % values, body % values, _admin_url("audits_actions:inspect", action.pk))


def _risk_message(reminder: Reminder, risk: Risk, today: datetime.date) -> Message:
    values = {
        "number": risk.number,
        "description": risk.description[:120],
        "commune": risk.commune.name,
        "due": format_short_date(risk.due_date),
        "days": (today - risk.due_date).days,
    }
    texts = {
        ReminderKind.DUE_IN_7_DAYS: (
            _("The treatment of risk %(number)s is due in 7 days"),
            _("The treatment of risk %(number)s “%(description)s” (%(commune)s) is due on %(due)s, in 7 days."),
        ),
        ReminderKind.OVERDUE: (
            _("The treatment of risk %(number)s is overdue"),
            _(
                "The treatment of risk %(number)s “%(description)s” (%(commune)s) was due on %(due)s and is "
                "%(days)d days overdue."
            ),
        ),
    }
    subject, body = texts[reminder.kind]
    return Message(subject % values, body % values, _admin_url("audits_risks:inspect", risk.pk))


def _audit_message(reminder: Reminder, obj, today: datetime.date) -> Message:
    if isinstance(obj, AuditProgramme):
        values = {"year": obj.year, "month": obj.audit_month, "commune": obj.commune.name}
        body = _(
            "The %(year)s audit programme of %(commune)s schedules the internal audit for month %(month)d, "
            "but no audit has been planned yet."
        )
        url = _admin_url("audits_programmes:inspect", obj.pk)
    else:
        values = {"year": today.year, "commune": obj.name}
        body = _(
            "%(commune)s has no internal audit programme for %(year)s yet: at least one internal audit a year is required."
        )
        url = _admin_url("audits_programmes:index")
    subject = _("Internal audit of %(year)s not yet planned") % values
    return Message(subject, body % values, url)


def compose(reminder: Reminder, obj, today: datetime.date) -> Message | None:
    """The message of one reminder, or None when it no longer applies (action finished, audit planned)."""
    if obj is None:
        return None
    if isinstance(obj, CorrectiveAction):
        if obj.status not in ActionStatus.active():
            return None
        return replace(_action_message(reminder, obj, today), obj=obj)
    if isinstance(obj, Risk):
        if not obj.is_active or obj.due_date is None:
            return None
        return replace(_risk_message(reminder, obj, today), obj=obj)
    if isinstance(obj, AuditProgramme) and obj.plans.exclude(status=PlanStatus.CANCELLED).exists():
        return None
    if isinstance(obj, Commune) and obj.audit_programmes.filter(year=today.year).exists():
        return None
    return replace(_audit_message(reminder, obj, today), obj=obj)


# -- sending ------------------------------------------------------------------------------------------


def _pending(today: datetime.date):
    return Reminder.objects.filter(sent_at__isnull=True, for_date__lte=today).order_by("pk")


def _load_objects(reminders: list[Reminder]) -> dict:
    """{(content_type_id, object_id): object} in one query per content type."""
    wanted: dict[int, set[int]] = {}
    for reminder in reminders:
        wanted.setdefault(reminder.content_type_id, set()).add(reminder.object_id)
    related = {
        CorrectiveAction: ("commune", "owner"),
        AuditProgramme: ("commune",),
        Risk: ("commune",),
    }
    objects = {}
    for ct_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        queryset = model._default_manager.select_related(*related.get(model, ()))
        objects.update({(ct_id, pk): obj for pk, obj in queryset.in_bulk(ids).items()})
    return objects


def _messages(reminders: list[Reminder], today: datetime.date) -> list[tuple[Reminder, Message | None]]:
    objects = _load_objects(reminders)
    return [(r, compose(r, objects.get((r.content_type_id, r.object_id)), today)) for r in reminders]


def _deliver(pairs, now) -> int:
    notices = [
        Notice(
            recipient=reminder.recipient,
            kind=f"audits.{reminder.kind}",
            subject=message.subject,
            message=message.body,
            obj=message.obj,
            commune=reminder.commune_id,
            link=message.url,
            dedup_key=f"audits.reminder:{reminder.pk}",
        )
        for reminder, message in pairs
        if message is not None
    ]
    notify_each(notices=notices, acting_user=SYSTEM)
    Reminder.objects.filter(pk__in=[r.pk for r, _m in pairs]).update(sent_at=now)
    return len(notices)


def send_pending(*, today: datetime.date, chunk_size: int = 200, run: ReminderRun | None = None) -> ReminderRun:
    """Send every unsent reminder up to ``today``, ``chunk_size`` at a time."""
    run = run or ReminderRun(today=today)
    while True:
        with transaction.atomic():
            chunk = list(
                _pending(today)
                .select_related("recipient")
                .select_for_update(skip_locked=_skip_locked(), of=("self",))[:chunk_size]
            )
            if not chunk:
                return run
            pairs = _messages(chunk, today)
            sent = _deliver(pairs, timezone.now())
        run.sent += sent
        run.skipped += len(chunk) - sent
        run.lines += [_line(r, m) for r, m in pairs if m is not None]


def _skip_locked() -> bool:
    from django.db import connection

    return connection.features.has_select_for_update_skip_locked


def _line(reminder: Reminder, message: Message) -> str:
    recipient = reminder.recipient
    address = recipient.email or _("no e-mail, in-app only")
    return f"{reminder.get_kind_display()} → {full_name(recipient)} <{address}>: {message.body}"


def run(*, today: datetime.date, dry_run: bool = False, chunk_size: int = 200) -> ReminderRun:
    with translation.override(settings.LANGUAGE_CODE):
        if not dry_run:
            result = ReminderRun(today=today, planned=plan_reminders(today=today))
            return send_pending(today=today, chunk_size=chunk_size, run=result)
        with transaction.atomic():
            result = ReminderRun(today=today, planned=plan_reminders(today=today), dry_run=True)
            pending = list(_pending(today).select_related("recipient"))
            result.lines = [_line(r, m) for r, m in _messages(pending, today) if m is not None]
            transaction.set_rollback(True)
        return result
