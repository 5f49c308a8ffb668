"""A commune's self-assessment of one year against TT 26/2014 Art. 36, generated from its records.

The criteria are the Art. 36 checklist (:data:`~qms.certification.models.INSPECTION_CHECKLIST`, the
same list as the inspection minutes). What proves each criterion comes from :data:`SOURCES`, a
registry: one :class:`Source` per kind of record, naming its criterion and a function that returns
the evidence found for a commune and a year. Another app adds (or replaces, by key) a source with
:func:`register_source`; topics that have no record in the system yet are :func:`missing` sources
whose evidence says so.

A criterion is *not met* when one of its sources is, *met* when all of them are, and otherwise has
*no evidence*.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from audits import selectors as audit_selectors
from audits.board import selectors as board_selectors
from audits.context import selectors as context_selectors
from audits.objectives import selectors as objective_selectors
from processes import selectors as process_selectors

from .models import CHECKLIST_KEYS, INSPECTION_CHECKLIST, Announcement, Evidence, EvidenceKind, Inspection, ScopeGap


class Status(models.TextChoices):
    MET = "met", pgettext_lazy("self-assessment", "Met")
    NOT_MET = "not_met", pgettext_lazy("self-assessment", "Not met")
    NO_EVIDENCE = "no_evidence", pgettext_lazy("self-assessment", "No evidence yet")


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass
class Proof:
    """What one source found: its status, the facts (counts, dates, numbers) and links to the records."""

    status: str
    lines: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    title: str = ""

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


@dataclass
class Period:
    """The commune and the year assessed; records read by several sources are read once."""

    commune: object
    year: int
    today: date

    @property
    def until(self) -> date:
        return min(date(self.year, 12, 31), self.today)

    @cached_property
    def scope(self) -> list:
        return process_selectors.effective_scope(commune_id=self.commune.pk)

    @cached_property
    def audits(self):
        return audit_selectors.yearly_audits(commune_id=self.commune.pk, year=self.year, today=self.today)

    @cached_property
    def reviews(self) -> list:
        return audit_selectors.yearly_reviews(commune_id=self.commune.pk, year=self.year)

    @cached_property
    def announcements(self) -> list[Announcement]:
        return list(Announcement.objects.filter(commune=self.commune, signed_on__lte=self.until))


@dataclass(frozen=True)
class Source:
    key: str
    criterion: str
    title: str | Promise
    collect: Callable[[Period], Proof]


SOURCES: list[Source] = []


def register_source(source: Source) -> None:
    """Add a source, or replace the one with the same key (a record type plugged in later)."""
    if source.criterion not in CHECKLIST_KEYS:
        raise ValueError(f"unknown Art. 36 criterion: {source.criterion}")
    for i, existing in enumerate(SOURCES):
        if existing.key == source.key:
            SOURCES[i] = source
            return
    SOURCES.append(source)


def source(key: str, criterion: str, title):
    def decorate(collect):
        register_source(Source(key, criterion, title, collect))
        return collect

    return decorate


def missing(key: str, criterion: str, title, text) -> None:
    """A topic with no record in the system yet: its evidence says so and the criterion has no evidence."""
    register_source(Source(key, criterion, title, lambda period: Proof(Status.NO_EVIDENCE, [str(text)])))


def _link(label, name: str, *args, query: str = "") -> list[Link]:
    try:
        return [Link(str(label), reverse(name, args=args) + query)]
    except NoReverseMatch:
        return []


def _dmy(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _record_link(period: Period) -> list[Link]:
    return _link(_("QMS record"), "certification:commune", period.commune.pk)


def _documents_link() -> list[Link]:
    return _link(_("Process documents"), "wagtailsnippets_processes_processdocument:list")


# -- 1. scope -------------------------------------------------------------------------------------


@source("scope_coverage", "scope", gettext_lazy("Effective process documents and the procedures they cover"))
def _scope_coverage(period: Period) -> Proof:
    documents = [e for e in period.scope if e.kind != process_selectors.DocumentKind.SYSTEM]
    handled = {p.procedure_code for p in process_selectors.handled_procedures(commune_id=period.commune.pk)}
    covered = {e.procedure_code for e in documents}
    gaps = list(ScopeGap.objects.filter(commune=period.commune, closed_on__isnull=True).order_by("procedure_code"))
    lines = [
        _(
            "%(documents)s effective process documents cover %(covered)s of the %(handled)s procedures the commune handles."
        )
        % {"documents": len(documents), "covered": len(covered & handled), "handled": len(handled)}
    ]
    if gaps:
        lines.append(
            _("Procedures not covered: %(codes)s.")
            % {"codes": ", ".join(f"{g.procedure_code} ({_dmy(g.detected_on)})" for g in gaps)}
        )
    if not documents:
        status = Status.NO_EVIDENCE
    else:
        status = Status.NOT_MET if gaps or (handled - covered) else Status.MET
    return Proof(status, lines, _documents_link() + _record_link(period))


@source("scope_statement", "scope", gettext_lazy("Context and scope of the QMS (clauses 4.1–4.3)"))
def _scope_statement(period: Period) -> Proof:
    statement = context_selectors.approved_statement(period.commune.pk)
    links = _link(_("Context and scope"), "audits_context:index")
    if statement is None or statement.approved_on is None or statement.approved_on > period.until:
        return Proof(Status.NO_EVIDENCE, [_("No context and scope of the QMS has been approved.")], links)
    data = context_selectors.review_context(period.commune.pk)
    lines = [
        _(
            "Context and scope %(year)s, version %(version)s, approved on %(date)s: "
            "%(issues)s issues, %(parties)s interested parties, %(scope)s procedures in the scope, "
            "%(exclusions)s exclusions."
        )
        % {
            "year": statement.year,
            "version": statement.version,
            "date": _dmy(statement.approved_on),
            "issues": statement.issues.count(),
            "parties": statement.parties.count(),
            "scope": data.get("scope_size", 0),
            "exclusions": data.get("exclusions", 0),
        }
    ]
    if statement.climate_change_relevant is None:
        lines.append(_("Whether climate change is a relevant issue is not answered."))
        return Proof(Status.NOT_MET, lines, links)
    return Proof(Status.MET, lines, links)


# -- 2. documents communicated ---------------------------------------------------------------------


@source("system_procedures", "communicated", gettext_lazy("System procedures"))
def _system_procedures(period: Period) -> Proof:
    systems = [e for e in period.scope if e.kind == process_selectors.DocumentKind.SYSTEM]
    if not systems:
        return Proof(Status.NO_EVIDENCE, [_("No system procedure is in force.")], _documents_link())
    lines = [
        _("%(count)s system procedures in force: %(codes)s.")
        % {"count": len(systems), "codes": ", ".join(e.document_code for e in systems)}
    ]
    return Proof(Status.MET, lines, _documents_link())


@source("acknowledgements", "communicated", gettext_lazy("Read-and-confirm of the documents by the staff"))
def _acknowledgements(period: Period) -> Proof:
    states = process_selectors.acknowledgement_states(document_ids=[e.document_id for e in period.scope])
    asked = sum(s.asked for s in states.values())
    if not states or not asked:
        return Proof(Status.NO_EVIDENCE, [_("No member has been asked to confirm reading a document.")])
    confirmed = sum(len(s.confirmed) for s in states.values())
    pending = sorted(s.document_code for s in states.values() if s.pending)
    lines = [
        _("%(confirmed)s of %(asked)s confirmations received for %(documents)s documents in force.")
        % {"confirmed": confirmed, "asked": asked, "documents": len(states)}
    ]
    if pending:
        lines.append(_("Still to be confirmed: %(codes)s.") % {"codes": ", ".join(pending)})
    return Proof(Status.MET if not pending else Status.NOT_MET, lines, _documents_link())


# -- 3. compliance: standard, policy, objectives, quy trình ---------------------------------------


@source("periodic_reviews", "compliance", gettext_lazy("Periodic review of the process documents"))
def _periodic_reviews(period: Period) -> Proof:
    reviews = process_selectors.periodic_reviews(commune_id=period.commune.pk, year=period.year, today=period.today)
    lines = []
    if reviews.reviewed:
        lines.append(
            _("%(count)s periodic reviews recorded in the year, the last on %(date)s.")
            % {"count": reviews.reviewed, "date": _dmy(reviews.last_reviewed_on)}
        )
    if reviews.overdue:
        lines.append(_("Review overdue: %(codes)s.") % {"codes": ", ".join(reviews.overdue)})
        return Proof(Status.NOT_MET, lines, _documents_link())
    if not reviews.reviewed:
        return Proof(Status.NO_EVIDENCE, [_("No periodic review recorded in the year.")], _documents_link())
    return Proof(Status.MET, lines, _documents_link())


@source("objectives", "compliance", gettext_lazy("Quality objectives of the year"))
def _objectives(period: Period) -> Proof:
    counts = audit_selectors.objective_counts(commune_id=period.commune.pk, year=period.year)
    links = _link(_("Quality objectives"), "audits_objectives:index")
    if not counts.total:
        return Proof(Status.NO_EVIDENCE, [_("No quality objective set for the year.")], links)
    lines = [
        _("%(achieved)s of %(total)s objectives achieved, %(not_achieved)s not achieved.")
        % {"achieved": counts.achieved, "total": counts.total, "not_achieved": counts.not_achieved}
    ]
    return Proof(Status.NOT_MET if counts.not_achieved else Status.MET, lines, links)


@source("quality_policy", "compliance", gettext_lazy("Quality policy (clause 5.2)"))
def _quality_policy(period: Period) -> Proof:
    policy = board_selectors.current_policy(period.commune.pk)
    links = _link(_("Quality policy"), "audits_policy:index")
    if policy is None or policy.adopted_on > period.until:
        return Proof(Status.NO_EVIDENCE, [_("No quality policy has been adopted.")], links)
    line = _("Quality policy version %(version)s adopted on %(date)s.") % {
        "version": policy.version,
        "date": _dmy(policy.adopted_on),
    }
    return Proof(Status.MET, [line], links)


@source(
    "objective_indicators",
    "compliance",
    gettext_lazy("Measurable objectives and one-stop indicators (clause 6.2)"),
)
def _objective_indicators(period: Period) -> Proof:
    review = objective_selectors.review_objectives(period.commune.pk, period.year)
    measured = [o for o in review["items"] if o["source"] != "typed"]
    monitoring = objective_selectors.review_monitoring(period.commune.pk, period.year)
    links = _link(_("Quality objectives"), "audits_objectives:index")
    if not measured:
        return Proof(Status.NO_EVIDENCE, [_("No objective of the year is measured from the data.")], links)
    lines = [
        _("%(count)s objectives measured from the data, %(achieved)s met, %(missed)s not met.")
        % {
            "count": len(measured),
            "achieved": sum(o["achieved"] is True for o in measured),
            "missed": sum(o["achieved"] is False for o in measured),
        }
    ]
    if monitoring["procedures"]:
        lines.append(
            _("One-stop figures of %(count)s procedures imported; on-time rate %(rate)s%%.")
            % {"count": len(monitoring["procedures"]), "rate": (monitoring["on_time_rate"] or "–").replace(".", ",")}
        )
    missed = any(o["achieved"] is False for o in measured)
    return Proof(Status.NOT_MET if missed else Status.MET, lines, links)


# -- 4. management review ------------------------------------------------------------------------------------------


def _review_line(review) -> str:
    return _("%(title)s, held on %(date)s, minutes %(number)s, chaired by %(chair)s") % {
        "title": review.title,
        "date": _dmy(review.held_on),
        "number": review.number or "—",
        "chair": review.chair,
    }


@source("management_reviews", "review", gettext_lazy("Management reviews"))
def _management_reviews(period: Period) -> Proof:
    held = [r for r in period.reviews if r.held]
    links = [link for r in held for link in _link(r.title, "audits_reviews:inspect", r.id)]
    if not held:
        planned = len(period.reviews)
        text = _("No management review held in the year (%(planned)s planned).") % {"planned": planned}
        return Proof(Status.NO_EVIDENCE, [text], _link(_("Management reviews"), "audits_reviews:index"))
    return Proof(Status.MET, [_review_line(r) for r in held], links)


# -- 5. internal audit and corrective action --------------------------------------------------------------


@source("internal_audits", "audit", gettext_lazy("Audit programme, plans and reports"))
def _internal_audits(period: Period) -> Proof:
    audits = period.audits
    lines = [
        _("Programmes: %(programmes)s (%(approved)s approved); audits: %(plans)s, of which %(completed)s completed.")
        % {
            "programmes": len(audits.programmes),
            "approved": audits.approved_programmes,
            "plans": len(audits.plans),
            "completed": audits.completed_plans,
        }
    ]
    numbers = [p.number for p in audits.programmes if p.number]
    if numbers:
        lines.append(_("Programme numbers: %(numbers)s.") % {"numbers": ", ".join(numbers)})
    if audits.reports:
        lines.append(_("Audit reports: %(numbers)s.") % {"numbers": ", ".join(audits.reports)})
    links = [link for p in audits.programmes for link in _link(p.title, "audits_programmes:inspect", p.id)]
    links += [link for p in audits.plans for link in _link(p.title, "audits_plans:inspect", p.id)]
    if not audits.completed_plans:
        return Proof(Status.NO_EVIDENCE, lines, links)
    return Proof(Status.MET, lines, links)


@source("corrective_actions", "audit", gettext_lazy("Findings and corrective actions"))
def _corrective_actions(period: Period) -> Proof:
    audits = period.audits
    lines = [
        _("Findings in the year: %(findings)s, of which %(nc)s nonconformities.")
        % {"findings": audits.findings, "nc": audits.nonconformities},
        _("Corrective actions open: %(open)s (%(overdue)s overdue); verified effective in the year: %(verified)s.")
        % {"open": audits.actions_open, "overdue": audits.actions_overdue, "verified": audits.actions_verified},
    ]
    links = _link(_("Corrective actions"), "audits_actions:index")
    if audits.actions_overdue:
        return Proof(Status.NOT_MET, lines, links)
    if not (audits.findings or audits.actions_verified or audits.completed_plans):
        return Proof(Status.NO_EVIDENCE, lines, links)
    return Proof(Status.MET, lines, links)


# -- 6. complaints --------------------------------------------------------------------------------------


@source("citizen_feedback", "complaints", gettext_lazy("Citizen feedback and complaints"))
def _citizen_feedback(period: Period) -> Proof:
    summary = process_selectors.feedback_summary(commune_id=period.commune.pk, year=period.year)
    links = _link(_("Citizen feedback"), "citizen_feedback:index")
    if not (summary.ratings or summary.suggestions or summary.complaints):
        return Proof(Status.NO_EVIDENCE, [_("No citizen feedback received in the year.")], links)
    lines = [
        _("Received in the year: %(ratings)s ratings, %(suggestions)s suggestions, %(complaints)s complaints.")
        % {"ratings": summary.ratings, "suggestions": summary.suggestions, "complaints": summary.complaints},
        _("Complaints answered or closed: %(settled)s; not yet answered: %(open)s.")
        % {"settled": summary.complaints_settled, "open": summary.complaints_open},
    ]
    return Proof(Status.NOT_MET if summary.complaints_open else Status.MET, lines, links)


# -- 7. improvement ---------------------------------------------------------------------------------------


@source("risks", "improvement", gettext_lazy("Risks and opportunities register"))
def _risks(period: Period) -> Proof:
    counts = audit_selectors.risk_counts(commune_id=period.commune.pk)
    links = _link(_("Risks and opportunities"), "audits_risks:index")
    if not counts.total:
        return Proof(Status.NO_EVIDENCE, [_("The risks and opportunities register is empty.")], links)
    lines = [
        _("%(total)s risks and opportunities: %(open)s open, %(treating)s being treated, %(closed)s closed.")
        % {"total": counts.total, "open": counts.open, "treating": counts.treating, "closed": counts.closed}
    ]
    return Proof(Status.MET if counts.treating or counts.closed else Status.NO_EVIDENCE, lines, links)


@source("inspection_follow_up", "improvement", gettext_lazy("Corrective action after inspections"))
def _inspections(period: Period) -> Proof:
    inspections = list(
        Inspection.objects.filter(commune=period.commune, inspected_on__lte=period.until).prefetch_related(
            "conclusions"
        )
    )
    links = _record_link(period)
    if not inspections:
        return Proof(Status.NO_EVIDENCE, [_("No inspection recorded.")], links)
    conclusions = [c for i in inspections for c in i.conclusions.all() if c.needs_action]
    overdue = [c for c in conclusions if c.is_open and c.due_on and c.due_on < period.today]
    lines = [
        _("Last inspection on %(date)s by %(agency)s.")
        % {"date": _dmy(inspections[0].inspected_on), "agency": inspections[0].agency},
        _("Conclusions needing action: %(actions)s; reported: %(reported)s; overdue: %(overdue)s.")
        % {
            "actions": len(conclusions),
            "reported": sum(c.reported_on is not None for c in conclusions),
            "overdue": len(overdue),
        },
    ]
    return Proof(Status.NOT_MET if overdue else Status.MET, lines, links)


# -- 8. leaders ----------------------------------------------------------------------------------------------


@source("leaders_review", "leaders", gettext_lazy("Leaders chairing the management review"))
def _leaders(period: Period) -> Proof:
    chaired = [r for r in period.reviews if r.held and r.chaired_by_leader]
    if not chaired:
        return Proof(Status.NO_EVIDENCE, [_("No management review of the year chaired by a leader of the commune.")])
    lines = [
        _("%(chair)s chaired the review of %(date)s (%(decisions)s decisions).")
        % {"chair": r.chair, "date": _dmy(r.held_on), "decisions": r.decisions}
        for r in chaired
    ]
    return Proof(Status.MET, lines)


@source("steering_board", "leaders", gettext_lazy("ISO steering board (clause 5.3)"))
def _steering_board(period: Period) -> Proof:
    board = board_selectors.current_board(period.commune.pk)
    links = _link(_("ISO steering board"), "audits_board:index")
    if board is None or board.decision_date > period.until:
        return Proof(Status.NO_EVIDENCE, [_("No decision forming the ISO steering board is recorded.")], links)
    members = board_selectors.roster(board, active_only=True)
    line = _("Decision %(number)s of %(date)s: %(count)s members.") % {
        "number": board.decision_number,
        "date": _dmy(board.decision_date),
        "count": len(members),
    }
    return Proof(Status.MET, [line], links)


# -- 9. effectiveness, 10. announcement, 11. legal updates, 12. re-announcement, 13. consultant -----------------------


@source("effectiveness", "effectiveness", gettext_lazy("Leader's confirmation of effectiveness"))
def _effectiveness(period: Period) -> Proof:
    records = list(
        Evidence.objects.filter(
            commune=period.commune, kind=EvidenceKind.EFFECTIVENESS, issued_on__lte=period.until
        ).order_by("-issued_on")
    )
    if not records:
        return Proof(Status.NO_EVIDENCE, [_("No confirmation of effectiveness recorded.")], _record_link(period))
    lines = [f"{e.title} {e.reference} ({_dmy(e.issued_on)})".replace("  ", " ") for e in records]
    return Proof(Status.MET, lines, _record_link(period))


@source("announcements", "announcement", gettext_lazy("Announcement decision"))
def _announcements(period: Period) -> Proof:
    if not period.announcements:
        return Proof(Status.NO_EVIDENCE, [_("No announcement decision recorded.")], _record_link(period))
    first = period.announcements[-1]
    lines = [
        _("Decision %(number)s of %(date)s, %(count)s procedures in its scope.")
        % {"number": first.display_number, "date": _dmy(first.signed_on), "count": len(first.scope)}
    ]
    return Proof(Status.MET, lines, _record_link(period))


@source("legal_updates", "legal_updates", gettext_lazy("Updates after legal changes"))
def _legal_updates(period: Period) -> Proof:
    flags = [f for f in process_selectors.update_flags(commune_id=period.commune.pk) if f.raised_on <= period.until]
    links = _link(_("Documents to update"), "update_flags:index")
    late = [
        f
        for f in flags
        if (f.resolved_on or period.today) > f.deadline and (f.resolved_on is None or f.resolved_on.year == period.year)
    ]
    in_time = [f for f in flags if f.resolved_on and f.resolved_on <= f.deadline and f.resolved_on.year == period.year]
    if not flags:
        if not period.scope:
            return Proof(Status.NO_EVIDENCE, [_("No process document is in force.")], links)
        return Proof(Status.MET, [_("No legal change has required a document update.")], links)
    lines = [
        _("Updated in time in the year: %(in_time)s; late or overdue: %(late)s.")
        % {"in_time": len(in_time), "late": len(late)}
    ]
    lines += [
        _("%(code)s: due %(deadline)s, updated %(resolved)s.")
        % {"code": f.document_code, "deadline": _dmy(f.deadline), "resolved": _dmy(f.resolved_on) or "—"}
        for f in late
    ]
    return Proof(Status.NOT_MET if late else Status.MET, lines, links)


@source("reannouncement", "reannouncement", gettext_lazy("Re-announcement after scope changes"))
def _reannouncement(period: Period) -> Proof:
    if not period.announcements:
        return Proof(Status.NO_EVIDENCE, [_("No announcement decision recorded.")], _record_link(period))
    last = period.announcements[0]
    lines = [
        _("Re-announcement %(number)s of %(date)s.") % {"number": a.display_number, "date": _dmy(a.signed_on)}
        for a in period.announcements
        if a.is_reannouncement
    ]
    current = {e.procedure_code for e in period.scope if e.kind != process_selectors.DocumentKind.SYSTEM}
    if not current:
        return Proof(Status.NO_EVIDENCE, [*lines, _("No process document is in force.")], _record_link(period))
    changed = sorted(current ^ last.scope_codes)
    if changed:
        lines.append(
            _("The scope in force differs from decision %(number)s: %(codes)s.")
            % {"number": last.display_number, "codes": ", ".join(changed)}
        )
        return Proof(Status.NOT_MET, lines, _record_link(period))
    lines.append(_("The scope in force is the one of decision %(number)s.") % {"number": last.display_number})
    return Proof(Status.MET, lines, _record_link(period))


missing(
    "consultant",
    "consultant",
    gettext_lazy("Choice of consultant"),
    gettext_lazy("No record in the system: the choice of the consulting organisation or expert."),
)


# -- the assessment -----------------------------------------------------------------------------------------


@dataclass
class Criterion:
    index: int
    key: str
    label: str
    proofs: list[Proof]

    @property
    def status(self) -> str:
        statuses = {p.status for p in self.proofs}
        if Status.NOT_MET in statuses:
            return Status.NOT_MET
        if statuses == {Status.MET}:
            return Status.MET
        return Status.NO_EVIDENCE

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def note(self) -> str:
        """The evidence in one text (the Word table's cell and the inspection minutes' note)."""
        return "\n".join(line for p in self.proofs for line in p.lines)


@dataclass
class SelfAssessment:
    commune: object
    year: int
    as_of: date
    criteria: list[Criterion]

    def counts(self) -> dict[str, int]:
        return {s.value: sum(c.status == s for c in self.criteria) for s in Status}


def assess(*, commune, year: int, today: date | None = None) -> SelfAssessment:
    """Every Art. 36 criterion of ``commune`` for ``year`` with the evidence its sources find."""
    today = today or timezone.localdate()
    period = Period(commune=commune, year=year, today=today)
    by_criterion: dict[str, list[Proof]] = {key: [] for key, _label in INSPECTION_CHECKLIST}
    for src in SOURCES:
        proof = src.collect(period)
        proof.title = str(src.title)
        by_criterion[src.criterion].append(proof)
    criteria = [
        Criterion(index=i, key=key, label=label, proofs=by_criterion[key])
        for i, (key, label) in enumerate(INSPECTION_CHECKLIST, start=1)
    ]
    return SelfAssessment(commune=commune, year=year, as_of=min(today, period.until), criteria=criteria)
