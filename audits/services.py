"""Writes of the audits app: programmes, plans, checklists, findings, corrective
actions, management reviews and the daily reminders.

Every function is keyword-only and atomic, takes ``acting_user``, checks the
user's commune permission, validates with ``full_clean()``, records the user in
the history (simple-history) and leaves an audit record (``qms.audit_log``).
Refusals are ``ValidationError``/``PermissionDenied`` with a Vietnamese message.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from processes import selectors as process_selectors
from processes import services as process_services
from processes.models import FeedbackStatus
from qms import permissions
from qms.audit_log import define_action, log
from qms.people import full_name
from qms.signals import send_data_changed

from . import notices, selectors
from .models import (
    ActionStatus,
    AuditedProcess,
    Auditor,
    AuditorTraining,
    AuditPlan,
    AuditProgramme,
    ChecklistItem,
    ChecklistResult,
    CorrectiveAction,
    Effectiveness,
    EvidenceFile,
    Finding,
    FindingKind,
    IsoClause,
    ManagementReview,
    PlanStatus,
    ProgrammeStatus,
    ProgressNote,
    QualityObjective,
    ReviewDecision,
    ReviewStatus,
)
from .objectives.models import Indicator, KpiUnit


def _action(name: str, label, message) -> str:
    return define_action(f"audits.{name}", label, message)


A_PROGRAMME_CREATE = _action(
    "programme.create", gettext_lazy("Create audit programme"), gettext_lazy("Created the audit programme")
)
A_PROGRAMME_UPDATE = _action(
    "programme.update", gettext_lazy("Edit audit programme"), gettext_lazy("Edited the audit programme")
)
A_PROGRAMME_APPROVE = _action(
    "programme.approve", gettext_lazy("Approve audit programme"), gettext_lazy("Approved the audit programme")
)
A_PROGRAMME_COPY = _action(
    "programme.copy",
    gettext_lazy("Start next year's programme"),
    gettext_lazy("Started next year's programme from this one"),
)
A_AUDITOR_SAVE = _action("auditor.save", gettext_lazy("Save auditor"), gettext_lazy("Saved the auditor's record"))
A_TRAINING_SAVE = _action(
    "training.save", gettext_lazy("Save training record"), gettext_lazy("Saved an auditor training record")
)
A_TRAINING_DELETE = _action(
    "training.delete", gettext_lazy("Delete training record"), gettext_lazy("Deleted an auditor training record")
)
A_PLAN_CREATE = _action("plan.create", gettext_lazy("Create audit plan"), gettext_lazy("Created the audit plan"))
A_PLAN_UPDATE = _action("plan.update", gettext_lazy("Edit audit plan"), gettext_lazy("Edited the audit plan"))
A_PLAN_SCOPE = _action(
    "plan.scope", gettext_lazy("Set audit scope"), gettext_lazy("Set the processes and auditors of the audit")
)
A_PLAN_START = _action(
    "plan.start", gettext_lazy("Generate checklist"), gettext_lazy("Generated the checklist and started the audit")
)
A_PLAN_COMPLETE = _action("plan.complete", gettext_lazy("Complete audit"), gettext_lazy("Completed the audit"))
A_PLAN_CANCEL = _action("plan.cancel", gettext_lazy("Cancel audit"), gettext_lazy("Cancelled the audit"))
A_CHECKLIST_RECORD = _action(
    "checklist.record", gettext_lazy("Record checklist result"), gettext_lazy("Recorded a checklist result")
)
A_EVIDENCE_ADD = _action("evidence.add", gettext_lazy("Attach evidence"), gettext_lazy("Attached an evidence file"))
A_FINDING_RAISE = _action("finding.raise", gettext_lazy("Raise finding"), gettext_lazy("Raised a finding"))
A_FINDING_UPDATE = _action("finding.update", gettext_lazy("Edit finding"), gettext_lazy("Edited the finding"))
A_ACTION_CREATE = _action(
    "action.create", gettext_lazy("Open corrective action"), gettext_lazy("Opened the corrective action request")
)
A_ACTION_PLAN = _action(
    "action.plan", gettext_lazy("Edit action plan"), gettext_lazy("Edited the correction, root cause and action plan")
)
A_ACTION_PROGRESS = _action(
    "action.progress", gettext_lazy("Update progress"), gettext_lazy("Updated the action's progress")
)
A_ACTION_SUBMIT = _action(
    "action.submit", gettext_lazy("Submit for verification"), gettext_lazy("Submitted the action for verification")
)
A_ACTION_VERIFY = _action(
    "action.verify", gettext_lazy("Verify effectiveness"), gettext_lazy("Verified the action's effectiveness")
)
A_ACTION_CANCEL = _action("action.cancel", gettext_lazy("Cancel action"), gettext_lazy("Cancelled the action"))
A_OBJECTIVE_SAVE = _action(
    "objective.save", gettext_lazy("Save quality objective"), gettext_lazy("Saved the quality objective")
)
A_OBJECTIVE_DELETE = _action(
    "objective.delete", gettext_lazy("Delete quality objective"), gettext_lazy("Deleted a quality objective")
)
A_REVIEW_CREATE = _action(
    "review.create", gettext_lazy("Plan management review"), gettext_lazy("Planned the management review")
)
A_REVIEW_UPDATE = _action(
    "review.update", gettext_lazy("Edit management review"), gettext_lazy("Edited the management review")
)
A_REVIEW_INPUTS = _action(
    "review.inputs", gettext_lazy("Assemble review inputs"), gettext_lazy("Assembled the review inputs from the data")
)
A_REVIEW_DECISION = _action(
    "review.decision", gettext_lazy("Record decision"), gettext_lazy("Recorded a management review decision")
)
A_REVIEW_HOLD = _action(
    "review.hold", gettext_lazy("Record review held"), gettext_lazy("Recorded that the management review was held")
)


# -- helpers ------------------------------------------------------------------------------


def _is_user(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def require(user, commune, *perms: str) -> None:
    """Refuse unless ``user`` holds one of ``perms`` on ``commune``."""
    if _is_user(user) and any(permissions.has_commune_perm(user, commune, perm) for perm in perms):
        return
    reason = next((r for perm in perms if (r := permissions.read_only_refusal(commune, perm))), None)
    raise PermissionDenied(reason or _("You do not have permission to do this in %(commune)s.") % {"commune": commune})


def _save(instance, *, acting_user, reason: str = "", validate: bool = True):
    if validate:
        instance.full_clean()
    instance._history_user = acting_user if _is_user(acting_user) else None
    instance._change_reason = reason or None
    instance.save()
    return instance


def _set_fields(instance, fields: dict, allowed: Iterable[str]) -> dict:
    """Assign the allowed ``fields``; returns {name: new value} of those that changed."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"cannot set {sorted(unknown)}")
    changed = {}
    for name, value in fields.items():
        field = instance._meta.get_field(name)
        if field.many_to_one or field.one_to_one:
            old, new = getattr(instance, field.attname), getattr(value, "pk", value)
        else:
            old, new = getattr(instance, name), value
        if old != new:
            setattr(instance, name, value)
            changed[name] = value
    return changed


def _loggable(data: dict) -> dict:
    return {k: (str(v) if hasattr(v, "pk") else v) for k, v in data.items()}


def _audit_changed(commune_id: int) -> None:
    send_data_changed(sender=AuditPlan, commune_id=commune_id, kind="audit")


def _check_commune(objects: Iterable, commune, message: str) -> None:
    for obj in objects:
        if obj is not None and obj.commune_id != commune.pk:
            raise ValidationError(message % {"item": obj})


def _require_commune_member(user, commune, field_name: str) -> None:
    if user is not None and not permissions.has_commune_perm(user, commune, permissions.VIEW):
        raise ValidationError(
            {field_name: _("%(user)s holds no role in %(commune)s.") % {"user": full_name(user), "commune": commune}}
        )


# -- auditor pool -----------------------------------------------------------------------------


@transaction.atomic
def save_auditor(
    *, acting_user, commune, user, home_unit, position="", competence="", is_active=True, auditor=None
) -> Auditor:
    """Add a person to the commune's auditor pool, or update their record."""
    require(acting_user, commune, permissions.MANAGE)
    _require_commune_member(user, commune, "user")
    auditor = auditor or Auditor(commune=commune)
    _set_fields(
        auditor,
        {
            "user": user,
            "home_unit": home_unit.strip(),
            "position": position,
            "competence": competence,
            "is_active": is_active,
        },
        ("user", "home_unit", "position", "competence", "is_active"),
    )
    _save(auditor, acting_user=acting_user)
    log(instance=auditor, action=A_AUDITOR_SAVE, user=acting_user, data={"home_unit": auditor.home_unit})
    return auditor


@transaction.atomic
def save_training(
    *, acting_user, auditor, course, issued_on, issuer, certificate_number="", certificate_file=None, training=None
) -> AuditorTraining:
    require(acting_user, auditor.commune, permissions.MANAGE)
    training = training or AuditorTraining(auditor=auditor)
    fields = {"course": course, "issued_on": issued_on, "issuer": issuer, "certificate_number": certificate_number}
    if certificate_file is not None:
        fields["certificate_file"] = certificate_file
    _set_fields(training, fields, ("course", "issued_on", "issuer", "certificate_number", "certificate_file"))
    _save(training, acting_user=acting_user)
    log(instance=auditor, action=A_TRAINING_SAVE, user=acting_user, data={"course": course})
    return training


@transaction.atomic
def delete_training(*, acting_user, training) -> None:
    """Delete a training record, unless it is the only evidence of competence of an auditor who has audited."""
    auditor = training.auditor
    require(acting_user, auditor.commune, permissions.MANAGE)
    has_audited = AuditPlan.objects.filter(Q(lead_auditor=auditor) | Q(team=auditor)).exists()
    if has_audited and not auditor.trainings.exclude(pk=training.pk).exists():
        raise ValidationError(
            _(
                "“%(course)s” is the only training record of %(auditor)s, who has been on an internal audit: "
                "the evidence of their competence must be kept (TCVN ISO 9001:2015, 7.2 d)."
            )
            % {"course": training.course, "auditor": auditor.name}
        )
    log(instance=auditor, action=A_TRAINING_DELETE, user=acting_user, data={"course": training.course})
    training._history_user = acting_user
    training.delete()


# -- independence (ISO 19011; TCVN ISO 9001:2015, 9.2.2 c) -------------------------------------------


def _normalise_unit(text: str) -> str:
    return " ".join(text.replace("–", "-").replace("—", "-").casefold().split())


def independence_problem(
    *, auditor: Auditor, process_label: str, responsible_unit: str, responsible_user_ids
) -> str | None:
    """Why ``auditor`` may not audit the process, or None when they may."""
    values = {"auditor": auditor.name, "process": process_label, "unit": responsible_unit}
    home_unit = _normalise_unit(auditor.home_unit)
    if home_unit and home_unit == _normalise_unit(responsible_unit):
        return _("%(auditor)s cannot audit “%(process)s”: it belongs to their own unit (%(unit)s).") % values
    if auditor.user_id in set(responsible_user_ids):
        return _("%(auditor)s cannot audit “%(process)s”: they drafted or are responsible for this process.") % values
    return None


def _check_user_independence(user, process: AuditedProcess | None) -> None:
    """The person recording a result or a finding on a process must be independent of it."""
    if process is None:
        return
    auditor = Auditor.objects.filter(commune_id=process.plan.commune_id, user=user).first()
    problem = independence_problem(
        auditor=auditor or Auditor(user=user, home_unit=""),
        process_label=process.label,
        responsible_unit=process.responsible_unit,
        responsible_user_ids=process.responsible_users.values_list("pk", flat=True),
    )
    if problem:
        raise ValidationError(problem)


# -- programmes -----------------------------------------------------------------------------------

PROGRAMME_FIELDS = ("year", "title", "objectives", "scope", "criteria", "audit_month", "document_number")


def _set_programme_relations(programme, *, clauses=None, auditors=None) -> None:
    if auditors is not None:
        auditors = list(auditors)
        _check_commune(auditors, programme.commune, _("%(item)s is not in this commune's auditor pool."))
        programme.auditors.set(auditors)
    if clauses is not None:
        programme.clauses.set(clauses)


@transaction.atomic
def create_programme(*, acting_user, commune, clauses=(), auditors=(), **fields) -> AuditProgramme:
    """Draft the yearly internal audit programme."""
    require(acting_user, commune, permissions.MANAGE)
    programme = AuditProgramme(commune=commune)
    _set_fields(programme, fields, PROGRAMME_FIELDS)
    _save(programme, acting_user=acting_user)
    _set_programme_relations(programme, clauses=clauses, auditors=auditors)
    log(instance=programme, action=A_PROGRAMME_CREATE, user=acting_user, data={"year": programme.year})
    return programme


@transaction.atomic
def update_programme(*, acting_user, programme, clauses=None, auditors=None, **fields) -> AuditProgramme:
    require(acting_user, programme.commune, permissions.MANAGE)
    changed = _set_fields(programme, fields, PROGRAMME_FIELDS)
    _save(programme, acting_user=acting_user)
    _set_programme_relations(programme, clauses=clauses, auditors=auditors)
    log(instance=programme, action=A_PROGRAMME_UPDATE, user=acting_user, data=_loggable(changed))
    return programme


@transaction.atomic
def approve_programme(*, acting_user, programme) -> AuditProgramme:
    require(acting_user, programme.commune, permissions.APPROVE)
    if programme.status != ProgrammeStatus.DRAFT:
        raise ValidationError(_("This programme has already been approved."))
    programme.status = ProgrammeStatus.APPROVED
    programme.approved_by = acting_user
    programme.approved_at = timezone.now()
    _save(programme, acting_user=acting_user, reason="approve")
    log(instance=programme, action=A_PROGRAMME_APPROVE, user=acting_user)
    return programme


def _next_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@transaction.atomic
def copy_programme_to_next_year(*, acting_user, programme) -> AuditProgramme:
    """Start next year's programme from this one: same scope and team, results reset."""
    require(acting_user, programme.commune, permissions.MANAGE)
    year = programme.year + 1
    if AuditProgramme.objects.filter(commune=programme.commune, year=year).exists():
        raise ValidationError(_("The %(year)s programme already exists.") % {"year": year})
    copy = AuditProgramme(
        commune=programme.commune,
        year=year,
        title=programme.title.replace(str(programme.year), str(year)),
        objectives=programme.objectives,
        scope=programme.scope,
        criteria=programme.criteria,
        audit_month=programme.audit_month,
        copied_from=programme,
    )
    _save(copy, acting_user=acting_user, reason="copy")
    _set_programme_relations(copy, clauses=programme.clauses.all(), auditors=programme.auditors.filter(is_active=True))
    for plan in programme.plans.exclude(status=PlanStatus.CANCELLED).order_by("sequence"):
        _copy_plan(plan, copy, acting_user=acting_user)
    log(instance=copy, action=A_PROGRAMME_COPY, user=acting_user, data={"from": programme.pk, "year": year})
    return copy


def _copy_plan(plan: AuditPlan, programme: AuditProgramme, *, acting_user) -> AuditPlan:
    new = AuditPlan(
        programme=programme,
        commune=programme.commune,
        sequence=plan.sequence,
        title=plan.title.replace(str(plan.programme.year), str(programme.year)),
        objectives=plan.objectives,
        criteria=plan.criteria,
        planned_start=_next_year(plan.planned_start),
        planned_end=_next_year(plan.planned_end),
        lead_auditor=plan.lead_auditor,
    )
    _save(new, acting_user=acting_user, reason="copy")
    new.clauses.set(plan.clauses.all())
    new.team.set(plan.team.all())
    for process in plan.processes.prefetch_related("responsible_users").order_by("order", "pk"):
        users = list(process.responsible_users.all())
        process.pk = process.id = None
        process.plan = new
        process.audit_date = None
        process._state.adding = True
        _save(process, acting_user=acting_user, reason="copy")
        process.responsible_users.set(users)
    return new


# -- plans ------------------------------------------------------------------------------------------

PLAN_FIELDS = (
    "title",
    "objectives",
    "criteria",
    "planned_start",
    "planned_end",
    "lead_auditor",
    "document_number",
    "report_number",
)


def _require_open(plan: AuditPlan) -> None:
    if not plan.is_open:
        raise ValidationError(
            _("This audit is %(status)s: it can no longer be changed.") % {"status": plan.get_status_display().lower()}
        )


def _set_team(plan: AuditPlan, team) -> None:
    team = list(team)
    if plan.lead_auditor not in team:
        team.append(plan.lead_auditor)
    _check_commune(team, plan.commune, _("%(item)s is not in this commune's auditor pool."))
    inactive = [a for a in team if not a.is_active]
    if inactive:
        raise ValidationError({"team": _("%(item)s is no longer an active auditor.") % {"item": inactive[0]}})
    plan.team.set(team)


@transaction.atomic
def create_plan(*, acting_user, programme, team=(), clauses=(), **fields) -> AuditPlan:
    """Plan one internal audit of the programme; the lead auditor joins the team."""
    require(acting_user, programme.commune, permissions.MANAGE)
    sequence = (programme.plans.aggregate(n=Max("sequence"))["n"] or 0) + 1
    plan = AuditPlan(programme=programme, commune=programme.commune, sequence=sequence)
    _set_fields(plan, fields, PLAN_FIELDS)
    _check_commune([plan.lead_auditor], programme.commune, _("%(item)s is not in this commune's auditor pool."))
    _save(plan, acting_user=acting_user)
    _set_team(plan, team)
    plan.clauses.set(clauses or programme.clauses.all())
    log(instance=plan, action=A_PLAN_CREATE, user=acting_user, data={"programme": programme.pk})
    _audit_changed(plan.commune_id)
    return plan


@transaction.atomic
def update_plan(*, acting_user, plan, team=None, clauses=None, **fields) -> AuditPlan:
    require(acting_user, plan.commune, permissions.MANAGE)
    _require_open(plan)
    changed = _set_fields(plan, fields, PLAN_FIELDS)
    _check_commune([plan.lead_auditor], plan.commune, _("%(item)s is not in this commune's auditor pool."))
    _save(plan, acting_user=acting_user)
    if team is not None:
        _set_team(plan, team)
    if clauses is not None:
        plan.clauses.set(clauses)
    assigned = plan.processes.exclude(auditor__in=plan.team.all()).select_related("auditor__user").first()
    if assigned:
        raise ValidationError(
            _("%(auditor)s is assigned to “%(process)s” and must stay in the audit team.")
            % {"auditor": assigned.auditor.name, "process": assigned.label}
        )
    log(instance=plan, action=A_PLAN_UPDATE, user=acting_user, data=_loggable(changed))
    _audit_changed(plan.commune_id)
    return plan


@dataclass
class ProcessInput:
    """One row of an audit's scope, as entered in the scope form."""

    title: str
    responsible_unit: str
    auditor: Auditor
    document_code: str = ""
    document_id: int | None = None
    issue_number: int | None = None
    auditee: str = ""
    audit_date: datetime.date | None = None
    responsible_users: list = field(default_factory=list)
    pk: int | None = None

    @property
    def label(self) -> str:
        return AuditedProcess(title=self.title, document_code=self.document_code, issue_number=self.issue_number).label


def _scope_problems(plan: AuditPlan, rows: list[ProcessInput]) -> list[str]:
    team = set(plan.team.values_list("pk", flat=True)) | {plan.lead_auditor_id}
    problems = []
    for index, row in enumerate(rows, start=1):
        prefix = _("Row %(row)d: ") % {"row": index}
        if row.auditor.commune_id != plan.commune_id or row.auditor.pk not in team:
            problems.append(prefix + _("%(auditor)s is not in the audit team.") % {"auditor": row.auditor.name})
            continue
        problem = independence_problem(
            auditor=row.auditor,
            process_label=row.label,
            responsible_unit=row.responsible_unit,
            responsible_user_ids=[u.pk for u in row.responsible_users],
        )
        if problem:
            problems.append(prefix + problem)
        if row.audit_date and not (plan.planned_start <= row.audit_date <= plan.planned_end):
            problems.append(prefix + _("the audit date is outside the audit's dates."))
    return problems


@transaction.atomic
def set_plan_scope(*, acting_user, plan, processes: list[ProcessInput]) -> list[AuditedProcess]:
    """Replace the processes in scope (and their auditors). Nothing is saved if any row is refused."""
    require(acting_user, plan.commune, permissions.MANAGE)
    _require_open(plan)
    problems = _scope_problems(plan, processes)
    existing = {p.pk: p for p in plan.processes.all()}
    kept = {row.pk for row in processes if row.pk}
    removed = [p for pk, p in existing.items() if pk not in kept]
    for process in removed:
        if process.findings.exists():
            problems.append(
                _("“%(process)s” has findings and cannot be removed from the scope.") % {"process": process.label}
            )
    if problems:
        raise ValidationError(problems)
    for process in removed:
        process._history_user = acting_user
        process.delete()
    saved = []
    for order, row in enumerate(processes):
        process = existing.get(row.pk) or AuditedProcess(plan=plan)
        values = {
            k: getattr(row, k)
            for k in (
                "title",
                "responsible_unit",
                "auditor",
                "document_code",
                "document_id",
                "issue_number",
                "auditee",
                "audit_date",
            )
        }
        _set_fields(process, {**values, "order": order}, (*values, "order"))
        _save(process, acting_user=acting_user)
        process.responsible_users.set(row.responsible_users)
        saved.append(process)
    log(instance=plan, action=A_PLAN_SCOPE, user=acting_user, data={"processes": [p.label for p in saved]})
    return saved


def _default_question(clause) -> str:
    return clause.question or _("Is clause %(number)s “%(title)s” met?") % {
        "number": clause.number,
        "title": clause.title,
    }


@transaction.atomic
def generate_checklist(*, acting_user, plan) -> int:
    """Create the checklist from the plan (per clause, per process); keeps items already there.

    Returns the number of items created. The audit moves to "in progress".
    """
    require(acting_user, plan.commune, permissions.MANAGE, permissions.AUDIT)
    _require_open(plan)
    clauses = list(plan.clauses.order_by("sort_key"))
    if not clauses:
        raise ValidationError(_("Choose the ISO clauses of the audit before generating its checklist."))
    processes = list(plan.processes.order_by("order", "pk"))
    existing = set(plan.checklist.values_list("clause_id", "process_id"))
    wanted = []
    for clause in clauses:
        targets = processes if clause.process_level and processes else [None]
        wanted.extend((clause, process) for process in targets)
    items = [
        ChecklistItem(plan=plan, clause=clause, process=process, question=_default_question(clause), order=order)
        for order, (clause, process) in enumerate(wanted)
        if (clause.pk, process.pk if process else None) not in existing
    ]
    from simple_history.utils import bulk_create_with_history

    bulk_create_with_history(items, ChecklistItem, default_user=acting_user)
    if plan.status == PlanStatus.DRAFT:
        plan.status = PlanStatus.IN_PROGRESS
        _save(plan, acting_user=acting_user, reason="start")
        _audit_changed(plan.commune_id)
    log(instance=plan, action=A_PLAN_START, user=acting_user, data={"created": len(items)})
    return len(items)


def _attach_files(*, acting_user, plan, files, checklist_item=None, finding=None) -> list[EvidenceFile]:
    saved = []
    for upload in files or ():
        evidence = EvidenceFile(
            plan=plan,
            checklist_item=checklist_item,
            finding=finding,
            file=upload,
            description=getattr(upload, "name", ""),
            uploaded_by=acting_user,
        )
        saved.append(_save(evidence, acting_user=acting_user))
    return saved


@transaction.atomic
def record_checklist_result(*, acting_user, item, result, evidence="", files=()) -> ChecklistItem:
    """The auditor's result and evidence for one checklist item."""
    plan = item.plan
    require(acting_user, plan.commune, permissions.AUDIT)
    _require_open(plan)
    _check_user_independence(acting_user, item.process)
    if result == ChecklistResult.PENDING:
        raise ValidationError({"result": _("Choose a result.")})
    if result in (ChecklistResult.NONCONFORMING, ChecklistResult.OBSERVATION) and not evidence.strip():
        raise ValidationError({"evidence": _("Describe the evidence for a nonconformity or an observation.")})
    item.result, item.evidence = result, evidence
    item.recorded_by, item.recorded_at = acting_user, timezone.now()
    _save(item, acting_user=acting_user)
    _attach_files(acting_user=acting_user, plan=plan, files=files, checklist_item=item)
    log(instance=plan, action=A_CHECKLIST_RECORD, user=acting_user, data={"item": str(item), "result": result})
    return item


@transaction.atomic
def add_evidence_file(*, acting_user, plan, file, description="", checklist_item=None, finding=None) -> EvidenceFile:
    require(acting_user, plan.commune, permissions.AUDIT)
    evidence = EvidenceFile(
        plan=plan,
        checklist_item=checklist_item,
        finding=finding,
        file=file,
        description=description,
        uploaded_by=acting_user,
    )
    _save(evidence, acting_user=acting_user)
    log(instance=plan, action=A_EVIDENCE_ADD, user=acting_user, data={"file": evidence.filename})
    return evidence


@transaction.atomic
def complete_plan(*, acting_user, plan, conclusion: str, completed_on: datetime.date | None = None) -> AuditPlan:
    """Close the audit with its conclusion once every checklist item has a result."""
    require(acting_user, plan.commune, permissions.AUDIT)
    if plan.status != PlanStatus.IN_PROGRESS:
        raise ValidationError(_("Only an audit in progress can be completed."))
    pending = plan.checklist.filter(result=ChecklistResult.PENDING).count()
    if pending:
        raise ValidationError(_("%(count)d checklist items have no result yet.") % {"count": pending})
    if not conclusion.strip():
        raise ValidationError({"conclusion": _("Write the audit conclusion.")})
    plan.status, plan.conclusion = PlanStatus.COMPLETED, conclusion
    plan.completed_on = completed_on or timezone.localdate()
    _save(plan, acting_user=acting_user, reason="complete")
    log(instance=plan, action=A_PLAN_COMPLETE, user=acting_user, data={"completed_on": plan.completed_on})
    _audit_changed(plan.commune_id)
    return plan


@transaction.atomic
def cancel_plan(*, acting_user, plan, reason: str) -> AuditPlan:
    require(acting_user, plan.commune, permissions.MANAGE)
    _require_open(plan)
    if not reason.strip():
        raise ValidationError({"cancel_reason": _("Give the reason for cancelling.")})
    if plan.findings.exists():
        raise ValidationError(_("An audit with findings cannot be cancelled."))
    plan.status, plan.cancel_reason = PlanStatus.CANCELLED, reason
    _save(plan, acting_user=acting_user, reason="cancel")
    log(instance=plan, action=A_PLAN_CANCEL, user=acting_user, data={"reason": reason})
    _audit_changed(plan.commune_id)
    return plan


# -- findings ---------------------------------------------------------------------------------------

FINDING_FIELDS = ("kind", "clause", "process", "checklist_item", "description", "requirement", "evidence")


def _copy_process_reference(finding: Finding) -> None:
    process = finding.process
    finding.process_document_id = process.document_id if process else None
    finding.process_document_code = process.document_code if process else ""
    finding.process_document_title = process.title if process else ""
    finding.process_document_issue = process.issue_number if process else None


def _validate_finding(finding: Finding) -> None:
    plan = finding.plan
    if finding.process and finding.process.plan_id != plan.pk:
        raise ValidationError({"process": _("This process is not in the scope of the audit.")})
    if finding.checklist_item and finding.checklist_item.plan_id != plan.pk:
        raise ValidationError({"checklist_item": _("This checklist item belongs to another audit.")})
    if not finding.description.strip():
        raise ValidationError({"description": _("Describe the finding.")})


@transaction.atomic
def raise_finding(*, acting_user, plan, owner=None, due_date=None, files=(), raised_on=None, **fields) -> Finding:
    """Record a finding; a nonconformity opens its corrective action request at once.

    ``owner`` and ``due_date`` (who must act, by when) are required for a nonconformity;
    ``raised_on`` (default today) is the day of the audit when recorded afterwards.
    """
    require(acting_user, plan.commune, permissions.AUDIT)
    _require_open(plan)
    raised_on = raised_on or timezone.localdate()
    if raised_on > timezone.localdate():
        raise ValidationError({"raised_on": _("A finding cannot be dated in the future.")})
    finding = Finding(plan=plan, commune_id=plan.commune_id, raised_by=acting_user, raised_on=raised_on)
    _set_fields(finding, fields, FINDING_FIELDS)
    if finding.checklist_item and not finding.process:
        finding.process = finding.checklist_item.process
    _validate_finding(finding)
    _check_user_independence(acting_user, finding.process)
    _copy_process_reference(finding)
    finding.sequence = (plan.findings.aggregate(n=Max("sequence"))["n"] or 0) + 1
    if finding.is_nonconformity and (owner is None or due_date is None):
        raise ValidationError(
            {"owner": _("A nonconformity needs the person responsible for the corrective action and a due date.")}
        )
    _save(finding, acting_user=acting_user)
    _attach_files(acting_user=acting_user, plan=plan, files=files, finding=finding)
    log(
        instance=finding,
        action=A_FINDING_RAISE,
        user=acting_user,
        data={"kind": finding.kind, "clause": finding.clause.number},
    )
    if finding.is_nonconformity:
        _open_action(
            acting_user=acting_user,
            commune=plan.commune,
            finding=finding,
            owner=owner,
            due_date=due_date,
            title=finding.description[:255],
            requested_on=raised_on,
        )
    return finding


@transaction.atomic
def update_finding(*, acting_user, finding, **fields) -> Finding:
    require(acting_user, finding.commune, permissions.AUDIT)
    if finding.plan_id is None:
        raise ValidationError(
            _("A nonconformity raised from citizen feedback is followed up through its corrective action.")
        )
    _require_open(finding.plan)
    was_nc = finding.is_nonconformity
    changed = _set_fields(finding, fields, FINDING_FIELDS)
    if was_nc != finding.is_nonconformity:
        raise ValidationError(
            {"kind": _("A nonconformity cannot become an observation or the reverse; raise a new finding.")}
        )
    _validate_finding(finding)
    _check_user_independence(acting_user, finding.process)
    _copy_process_reference(finding)
    _save(finding, acting_user=acting_user)
    log(instance=finding, action=A_FINDING_UPDATE, user=acting_user, data=_loggable(changed))
    return finding


# -- nonconformities raised from citizen feedback (ISO 9001 9.1.2) --------------------------------------

#: The clause a nonconformity raised from citizen feedback is recorded against (customer satisfaction).
FEEDBACK_CLAUSE = "9.1.2"


@transaction.atomic
def raise_nonconformity_from_feedback(
    *, acting_user, feedback, owner, due_date: datetime.date, description: str = "", kind: str = FindingKind.MINOR_NC
) -> Finding:
    """Turn a citizen's feedback into a nonconformity with its corrective action request,
    and mark the feedback as turned into a nonconformity (ISO officer)."""
    require(acting_user, feedback.commune, permissions.MANAGE)
    if feedback.status == FeedbackStatus.NONCONFORMITY or Finding.objects.filter(feedback=feedback).exists():
        raise ValidationError(_("This feedback has already been turned into a nonconformity."))
    if kind not in FindingKind.nonconformities():
        raise ValidationError({"kind": _("Choose a major or a minor nonconformity.")})
    today = timezone.localdate()
    if due_date < today:
        raise ValidationError({"due_date": _("The due date cannot be in the past.")})
    description = description.strip() or feedback.comment.strip()
    if not description:
        raise ValidationError({"description": _("Describe the finding.")})
    received = timezone.localtime(feedback.received_at).strftime("%d/%m/%Y")
    finding = Finding(
        plan=None,
        feedback=feedback,
        commune_id=feedback.commune_id,
        kind=kind,
        clause=IsoClause.objects.get(number=FEEDBACK_CLAUSE),
        description=description,
        evidence=_("%(kind)s received on %(date)s about procedure %(code)s: %(comment)s")
        % {
            "kind": feedback.get_kind_display(),
            "date": received,
            "code": feedback.procedure.code,
            "comment": feedback.comment or "–",
        },
        raised_by=acting_user if _is_user(acting_user) else None,
        raised_on=today,
    )
    document = process_selectors.effective_document(commune_id=feedback.commune_id, procedure_id=feedback.procedure_id)
    if document is not None:
        finding.process_document_id = document.pk
        finding.process_document_code = document.code
        finding.process_document_title = document.title
        finding.process_document_issue = document.issue_number
    previous = Finding.objects.filter(commune_id=feedback.commune_id, plan__isnull=True).aggregate(n=Max("sequence"))
    finding.sequence = (previous["n"] or 0) + 1
    _save(finding, acting_user=acting_user)
    log(instance=finding, action=A_FINDING_RAISE, user=acting_user, data={"kind": kind, "clause": FEEDBACK_CLAUSE})
    action = _open_action(
        acting_user=acting_user,
        commune=feedback.commune,
        finding=finding,
        owner=owner,
        due_date=due_date,
        title=description[:255],
        requested_on=today,
    )
    process_services.mark_feedback_nonconformity(acting_user=acting_user, feedback=feedback, reference=action.number)
    return finding


# -- corrective actions ------------------------------------------------------------------------------


def _open_action(
    *, acting_user, commune, owner, due_date, title, finding=None, decision=None, requested_on=None
) -> CorrectiveAction:
    _require_commune_member(owner, commune, "owner")
    requested_on = requested_on or timezone.localdate()
    sequence = (
        CorrectiveAction.objects.filter(commune=commune, year=requested_on.year).aggregate(n=Max("sequence"))["n"] or 0
    ) + 1
    action = CorrectiveAction(
        commune=commune,
        year=requested_on.year,
        sequence=sequence,
        finding=finding,
        decision=decision,
        title=title,
        owner=owner,
        due_date=due_date,
        requested_by=acting_user,
        requested_on=requested_on,
    )
    _save(action, acting_user=acting_user, reason="open")
    log(
        instance=action,
        action=A_ACTION_CREATE,
        user=acting_user,
        data={"owner": owner.get_username(), "due_date": due_date},
    )
    _audit_changed(commune.pk)
    notices.action_assigned(action=action, acting_user=acting_user)
    return action


def _transition_error(action: CorrectiveAction, verb: str) -> ValidationError:
    return ValidationError(
        _("Cannot %(verb)s: the action is “%(status)s”.") % {"verb": verb, "status": action.get_status_display()}
    )


def _require_owner_or_manager(user, action: CorrectiveAction) -> None:
    if (
        _is_user(user)
        and user.pk == action.owner_id
        and permissions.has_commune_perm(user, action.commune, permissions.VIEW)
    ):
        return
    require(user, action.commune, permissions.MANAGE)


@transaction.atomic
def update_action_plan(*, acting_user, action, **fields) -> CorrectiveAction:
    """The owner (or the ISO secretary) fills in correction, root cause, plan, owner and due date."""
    _require_owner_or_manager(acting_user, action)
    if action.status not in ActionStatus.active():
        raise _transition_error(action, _("edit the plan"))
    allowed = ("title", "immediate_correction", "root_cause", "action_plan", "owner", "due_date")
    changed = _set_fields(action, fields, allowed)
    if "owner" in changed:
        _require_commune_member(action.owner, action.commune, "owner")
    _save(action, acting_user=acting_user, reason="plan")
    log(instance=action, action=A_ACTION_PLAN, user=acting_user, data=_loggable(changed))
    if "owner" in changed:
        notices.action_assigned(action=action, acting_user=acting_user)
    if "due_date" in changed:
        _audit_changed(action.commune_id)
    return action


@transaction.atomic
def add_progress(*, acting_user, action, note: str, percent_done: int | None = None) -> ProgressNote:
    """A progress update; the first one moves the action to "in progress"."""
    _require_owner_or_manager(acting_user, action)
    if action.status not in ActionStatus.active():
        raise _transition_error(action, _("update progress"))
    if not note.strip():
        raise ValidationError({"note": _("Describe the progress.")})
    progress = _save(
        ProgressNote(action=action, note=note, percent_done=percent_done, author=acting_user), acting_user=acting_user
    )
    if action.status != ActionStatus.IN_PROGRESS:
        action.status = ActionStatus.IN_PROGRESS
        _save(action, acting_user=acting_user, reason="progress")
        _audit_changed(action.commune_id)
    log(instance=action, action=A_ACTION_PROGRESS, user=acting_user, data={"note": note, "percent_done": percent_done})
    return progress


@transaction.atomic
def submit_for_verification(*, acting_user, action) -> CorrectiveAction:
    _require_owner_or_manager(acting_user, action)
    if action.status not in ActionStatus.active():
        raise _transition_error(action, _("submit for verification"))
    if action.finding_id and not (action.root_cause.strip() and action.action_plan.strip()):
        raise ValidationError(
            _("Fill in the root cause and the corrective action plan before asking for verification.")
        )
    action.status, action.submitted_at = ActionStatus.AWAITING_VERIFICATION, timezone.now()
    _save(action, acting_user=acting_user, reason="submit")
    log(instance=action, action=A_ACTION_SUBMIT, user=acting_user)
    _audit_changed(action.commune_id)
    notices.action_settled(action=action, acting_user=acting_user, kinds=[notices.KIND_ASSIGNED])
    notices.action_submitted(action=action, acting_user=acting_user)
    return action


@transaction.atomic
def verify_action(*, acting_user, action, effective: bool, note: str) -> CorrectiveAction:
    """The auditor's effectiveness verification: closes the action, or reopens it."""
    verifier_perms = (permissions.AUDIT,) if action.finding_id else (permissions.AUDIT, permissions.APPROVE)
    require(acting_user, action.commune, *verifier_perms)
    if action.status != ActionStatus.AWAITING_VERIFICATION:
        raise _transition_error(action, _("verify effectiveness"))
    if acting_user.pk == action.owner_id:
        raise ValidationError(_("The owner of an action cannot verify its effectiveness."))
    if not note.strip():
        raise ValidationError({"verification_note": _("Write what was checked to judge the effectiveness.")})
    action.verified_by, action.verified_at, action.verification_note = acting_user, timezone.now(), note
    if effective:
        action.verification_result, action.status, action.closed_at = (
            Effectiveness.EFFECTIVE,
            ActionStatus.CLOSED,
            timezone.now(),
        )
    else:
        action.verification_result, action.status = Effectiveness.NOT_EFFECTIVE, ActionStatus.REOPENED
        action.reopen_count += 1
    _save(action, acting_user=acting_user, reason="verify")
    log(instance=action, action=A_ACTION_VERIFY, user=acting_user, data={"effective": effective, "note": note})
    _audit_changed(action.commune_id)
    notices.action_settled(action=action, acting_user=acting_user, kinds=[notices.KIND_SUBMITTED])
    return action


@transaction.atomic
def cancel_action(*, acting_user, action, reason: str) -> CorrectiveAction:
    require(acting_user, action.commune, permissions.MANAGE, permissions.APPROVE)
    if action.status not in ActionStatus.unfinished():
        raise _transition_error(action, _("cancel"))
    if not reason.strip():
        raise ValidationError({"cancel_reason": _("Give the reason for cancelling.")})
    action.status, action.cancel_reason = ActionStatus.CANCELLED, reason
    _save(action, acting_user=acting_user, reason="cancel")
    log(instance=action, action=A_ACTION_CANCEL, user=acting_user, data={"reason": reason})
    _audit_changed(action.commune_id)
    notices.action_settled(action=action, acting_user=acting_user)
    return action


# -- quality objectives -------------------------------------------------------------------------------

OBJECTIVE_FIELDS = (
    "year",
    "statement",
    "target",
    "result",
    "achieved",
    "indicator",
    "indicator_other",
    "unit",
    "target_value",
    "direction",
    "period",
    "source",
    "procedure",
    "late_threshold",
)
#: The unit an indicator is measured in, when none is given.
OBJECTIVE_UNITS = {
    Indicator.ON_TIME_RATE: KpiUnit.PERCENT,
    Indicator.LATE_RATE: KpiUnit.PERCENT,
    Indicator.RETURNED_RATE: KpiUnit.PERCENT,
    Indicator.SATISFACTION: KpiUnit.POINTS,
}


@transaction.atomic
def save_objective(*, acting_user, commune, objective=None, **fields) -> QualityObjective:
    require(acting_user, commune, permissions.MANAGE)
    objective = objective or QualityObjective(commune=commune)
    _set_fields(objective, fields, OBJECTIVE_FIELDS)
    if objective.procedure_id and not process_selectors.commune_handles(
        commune_id=objective.commune_id, procedure_id=objective.procedure_id
    ):
        raise ValidationError({"procedure": _("This procedure is not in the commune's catalogue.")})
    if not objective.unit:
        objective.unit = OBJECTIVE_UNITS.get(objective.indicator, "")
    _save(objective, acting_user=acting_user)
    log(instance=objective, action=A_OBJECTIVE_SAVE, user=acting_user, data={"year": objective.year})
    return objective


@transaction.atomic
def delete_objective(*, acting_user, objective) -> None:
    """Delete a quality objective, unless the management review of its year has been held."""
    require(acting_user, objective.commune, permissions.MANAGE)
    if ManagementReview.objects.filter(
        commune_id=objective.commune_id, year=objective.year, status=ReviewStatus.HELD
    ).exists():
        raise ValidationError(
            _("“%(objective)s” cannot be deleted: the management review of %(year)s, which assessed it, has been held.")
            % {"objective": objective.statement, "year": objective.year}
        )
    log(
        instance=objective,
        action=A_OBJECTIVE_DELETE,
        user=acting_user,
        data={"year": objective.year, "statement": objective.statement},
    )
    objective._history_user = acting_user
    objective.delete()


# -- management reviews ---------------------------------------------------------------------------------

REVIEW_FIELDS = (
    "year",
    "title",
    "planned_on",
    "location",
    "chair",
    "secretary",
    "attendees",
    "document_number",
    "conclusions",
)


def _review_changed(review: ManagementReview) -> None:
    send_data_changed(sender=ManagementReview, commune_id=review.commune_id, kind="audit")


@transaction.atomic
def create_review(*, acting_user, commune, **fields) -> ManagementReview:
    require(acting_user, commune, permissions.APPROVE)
    review = ManagementReview(commune=commune)
    _set_fields(review, fields, REVIEW_FIELDS)
    _require_commune_member(review.chair, commune, "chair")
    _save(review, acting_user=acting_user)
    log(instance=review, action=A_REVIEW_CREATE, user=acting_user, data={"planned_on": review.planned_on})
    _review_changed(review)
    return review


@transaction.atomic
def update_review(*, acting_user, review, **fields) -> ManagementReview:
    require(acting_user, review.commune, permissions.APPROVE)
    changed = _set_fields(review, fields, REVIEW_FIELDS)
    if "chair" in changed:
        _require_commune_member(review.chair, review.commune, "chair")
    _save(review, acting_user=acting_user)
    log(instance=review, action=A_REVIEW_UPDATE, user=acting_user, data=_loggable(changed))
    _review_changed(review)
    return review


@transaction.atomic
def assemble_review_inputs(*, acting_user, review) -> dict:
    """Snapshot the 9.3.2 inputs from the data into the review."""
    require(acting_user, review.commune, permissions.APPROVE, permissions.MANAGE)
    if review.status == ReviewStatus.HELD:
        raise ValidationError(_("The review has been held: its inputs are kept as they were."))
    review.inputs = selectors.review_inputs(review)
    review.inputs_assembled_at = timezone.now()
    _save(review, acting_user=acting_user, reason="inputs")
    log(instance=review, action=A_REVIEW_INPUTS, user=acting_user)
    return review.inputs


@transaction.atomic
def add_decision(*, acting_user, review, topic, text, owner=None, due_date=None, track=False) -> ReviewDecision:
    """Record a decision; with ``track`` it becomes an action with owner and due date."""
    require(acting_user, review.commune, permissions.APPROVE)
    order = (review.decisions.aggregate(n=Max("order"))["n"] or 0) + 1
    decision = ReviewDecision(review=review, topic=topic, text=text, owner=owner, due_date=due_date, order=order)
    _save(decision, acting_user=acting_user)
    log(instance=review, action=A_REVIEW_DECISION, user=acting_user, data={"decision": text[:200]})
    if track:
        track_decision(acting_user=acting_user, decision=decision)
    return decision


@transaction.atomic
def track_decision(*, acting_user, decision) -> CorrectiveAction:
    """Turn a review decision into a tracked action (reminded like a corrective action)."""
    review = decision.review
    require(acting_user, review.commune, permissions.APPROVE)
    if CorrectiveAction.objects.filter(decision=decision).exists():
        raise ValidationError(_("This decision is already tracked as an action."))
    if decision.owner is None or decision.due_date is None:
        raise ValidationError({"owner": _("A tracked decision needs an owner and a due date.")})
    return _open_action(
        acting_user=acting_user,
        commune=review.commune,
        owner=decision.owner,
        due_date=decision.due_date,
        title=decision.text[:255],
        decision=decision,
    )


@transaction.atomic
def hold_review(*, acting_user, review, held_on: datetime.date, conclusions: str) -> ManagementReview:
    """Record that the review was held; the inputs are assembled if they were not yet."""
    require(acting_user, review.commune, permissions.APPROVE)
    if review.status == ReviewStatus.HELD:
        raise ValidationError(_("This review has already been recorded as held."))
    if not conclusions.strip():
        raise ValidationError({"conclusions": _("Write the conclusions of the review.")})
    review.held_on = held_on
    if not review.inputs:
        review.inputs = selectors.review_inputs(review)
        review.inputs_assembled_at = timezone.now()
    review.status, review.conclusions = ReviewStatus.HELD, conclusions
    _save(review, acting_user=acting_user, reason="hold")
    log(instance=review, action=A_REVIEW_HOLD, user=acting_user, data={"held_on": held_on})
    _review_changed(review)
    return review


# -- reminders ------------------------------------------------------------------------------------------


def send_daily_reminders(*, today: datetime.date | None = None, dry_run: bool = False, chunk_size: int = 200):
    """The daily reminder job: plan (idempotently) then send in chunks.

    Returns a :class:`audits.reminders.ReminderRun`. With ``dry_run`` nothing
    is written or sent; the run lists what would be sent.
    """
    from . import reminders

    return reminders.run(today=today or timezone.localdate(), dry_run=dry_run, chunk_size=chunk_size)
