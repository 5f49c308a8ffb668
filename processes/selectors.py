"""Reads of the processes app, including the contract used by ``qms.certification``.

The contract functions return frozen dataclasses, never model instances.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from django.conf import settings
from django.db.models import Avg, Count, Exists, F, Max, OuterRef, Prefetch, Q, Sum
from django.utils import timezone
from wagtail.search.backends import get_search_backend
from wagtail.search.query import PlainText

from qms.people import full_name, name_order
from qms.search import first_match_ids, search_words

from .models import (
    REVIEW_REMINDER_DAYS,
    Acknowledgement,
    CitizenFeedback,
    CommuneProcedure,
    DocumentKind,
    DocumentUpdateFlag,
    FeedbackKind,
    FeedbackStatus,
    FlagState,
    Procedure,
    ProcessDocument,
    ProcessVersion,
    ReviewDecision,
    SystemCategory,
)

#: The field (lĩnh vực) a system procedure is listed under in the scope (document content: Vietnamese).
SYSTEM_FIELD = "Quy trình hệ thống"


@dataclass(frozen=True)
class ScopeItem:
    """One quy trình in the commune's QMS scope: a TTHC's, or a system procedure's (then
    ``procedure_code`` is the document's own code and ``field`` is :data:`SYSTEM_FIELD`)."""

    procedure_code: str
    procedure_name: str
    field: str
    document_id: int
    document_code: str
    effective_date: date | None
    kind: str = DocumentKind.PROCEDURE


@dataclass(frozen=True)
class HandledProcedure:
    procedure_code: str
    procedure_name: str
    field: str


@dataclass(frozen=True)
class UpdateFlag:
    document_id: int
    document_code: str
    title: str
    raised_on: date
    legal_effective_date: date | None
    deadline: date
    resolved_on: date | None


def _current_version_exists():
    return Exists(ProcessVersion.objects.filter(document=OuterRef("pk"), obsoleted_at__isnull=True))


def effective_documents():
    """Documents with an approved, published, not obsolete version (live rows)."""
    return ProcessDocument.objects.filter(live=True, commune__isnull=False).filter(_current_version_exists())


def effective_document(
    *, commune_id: int, procedure_id: int | None = None, document_id: int | None = None
) -> ProcessDocument | None:
    """The commune's effective quy trình of one TTHC (``procedure_id``) or by its id (``document_id``), if any."""
    documents = effective_documents().filter(commune_id=commune_id)
    if procedure_id is not None:
        documents = documents.filter(procedure_id=procedure_id)
    if document_id is not None:
        documents = documents.filter(pk=document_id)
    return documents.select_related("procedure").first()


def _scope_item(row: dict) -> ScopeItem:
    if row["kind"] == DocumentKind.SYSTEM:
        return ScopeItem(
            procedure_code=row["code"],
            procedure_name=f"Quy trình {row['title']}",
            field=SYSTEM_FIELD,
            document_id=row["pk"],
            document_code=row["code"],
            effective_date=row["effective_date"],
            kind=DocumentKind.SYSTEM,
        )
    return ScopeItem(
        procedure_code=row["procedure__code"],
        procedure_name=row["procedure__name"],
        field=row["procedure__field"],
        document_id=row["pk"],
        document_code=row["code"],
        effective_date=row["effective_date"],
    )


#: What a scope item reads of a document: not its content (a commune's scope is read for every summary refresh).
_SCOPE_FIELDS = (
    "pk",
    "kind",
    "code",
    "title",
    "effective_date",
    "procedure__code",
    "procedure__name",
    "procedure__field",
)


def effective_scope(*, commune_id: int) -> list[ScopeItem]:
    """The commune's QMS scope: TTHC covered by an effective process document, by field then code,
    then its effective system procedures (document control, internal audit…) by code."""
    documents = (
        effective_documents()
        .filter(commune_id=commune_id)
        .order_by("kind", "procedure__field", "procedure__code", "code")
        .values(*_SCOPE_FIELDS)
    )
    return [_scope_item(row) for row in documents]


def handled_procedures(*, commune_id: int) -> list[HandledProcedure]:
    """The TTHC the commune handles (its danh mục TTHC, TT 26/2014 Art. 4)."""
    entries = (
        CommuneProcedure.objects.filter(commune_id=commune_id)
        .order_by("procedure__field", "procedure__code")
        .values_list("procedure__code", "procedure__name", "procedure__field")
    )
    return [HandledProcedure(procedure_code=code, procedure_name=name, field=field) for code, name, field in entries]


def handled_procedure_objects(*, commune_id: int) -> list[Procedure]:
    """The catalogue rows of the TTHC the commune handles, by field then code (what its QMS scope may list)."""
    return list(Procedure.objects.filter(handled_by__commune_id=commune_id).order_by("field", "code"))


def commune_catalogue(*, communes):
    """The TTHC of the catalogue of ``communes`` (a queryset or ids of communes), as a queryset of
    ``Procedure``: those a commune handles and those it has a quy trình for."""
    in_catalogue = CommuneProcedure.objects.filter(commune__in=communes, procedure=OuterRef("pk"))
    documented = ProcessDocument.objects.filter(commune__in=communes, procedure=OuterRef("pk"))
    return Procedure.objects.filter(Q(Exists(in_catalogue)) | Q(Exists(documented))).order_by("field", "code")


def commune_handles(*, commune_id: int, procedure_id: int) -> bool:
    return commune_catalogue(communes=[commune_id]).filter(pk=procedure_id).exists()


def update_flags(*, commune_id: int) -> list[UpdateFlag]:
    """Every "needs update" flag raised on the commune's documents, open or resolved."""
    flags = (
        DocumentUpdateFlag.objects.filter(document__commune_id=commune_id)
        .select_related("document")
        .order_by("raised_on", "deadline", "pk")
    )
    return [
        UpdateFlag(
            document_id=f.document_id,
            document_code=f.document.code,
            title=f.document.title,
            raised_on=f.raised_on,
            legal_effective_date=f.legal_effective_date,
            deadline=f.deadline,
            resolved_on=f.resolved_on,
        )
        for f in flags
    ]


# -- public site ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldGroup:
    field: str
    documents: list


def public_procedures(*, commune) -> list[FieldGroup]:
    """The commune's effective procedures grouped by field (lĩnh vực)."""
    documents = (
        effective_documents()
        .filter(commune=commune, kind=DocumentKind.PROCEDURE)
        .select_related("procedure")
        .order_by("procedure__field", "procedure__code")
    )
    return [
        FieldGroup(field=key, documents=list(items)) for key, items in groupby(documents, lambda d: d.procedure.field)
    ]


def public_document(*, commune, code: str) -> ProcessDocument | None:
    return (
        effective_documents()
        .filter(commune=commune, code=code, kind=DocumentKind.PROCEDURE)
        .select_related("procedure", "commune")
        .first()
    )


#: Results per page of the public search.
PUBLIC_SEARCH_PAGE_SIZE = 20

#: The public search counts and pages through at most this many matches (setting
#: ``QMS_SEARCH_COUNT_CAP``); past it the page says "more than" and asks for more words.
PUBLIC_SEARCH_COUNT_CAP = 1000


def search_count_cap() -> int:
    return int(getattr(settings, "QMS_SEARCH_COUNT_CAP", PUBLIC_SEARCH_COUNT_CAP))


class CappedSearchResults:
    """The public search's matches for a paginator, read in bounded time.

    The candidates are the ids of the first ``cap + 1`` matches (the index query
    restricted in SQL, cut with ``LIMIT``: :func:`qms.search.first_match_ids`), read
    once; a page sorts only them, by commune and code. Below the cap the count is
    exact and every match is shown; above it, the first ``cap`` matches are paged
    through and ``more`` is true.
    """

    def __init__(self, matches, cap: int):
        self.cap = cap
        self._matches = matches
        self._ids = None

    def _candidate_ids(self) -> list[int]:
        if self._ids is None:
            self._ids = first_match_ids(self._matches, self.cap + 1)
        return self._ids

    def count(self) -> int:
        return min(len(self._candidate_ids()), self.cap)

    @property
    def more(self) -> bool:
        return len(self._candidate_ids()) > self.cap

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        ids = self._candidate_ids()[: self.cap]
        start, stop = index.start or 0, self.cap if index.stop is None else min(index.stop, self.cap)
        if not ids or start >= stop:
            return []
        documents = (
            ProcessDocument.objects.filter(pk__in=ids)
            .select_related("procedure", "commune")
            .order_by(F("commune__name").asc(), F("code").asc(), F("pk").asc())
        )
        return list(documents[start:stop])


def search_public(*, query: str, commune=None):
    """Full-text search over the effective procedures of the active communes (or of one),
    every word matching, by commune and code.

    One index query: the restrictions are filter fields of the index, applied in SQL
    (a live row is an effective quy trình: only approval publishes one, recording its
    version, and withdrawal unpublishes it). The result is lazy and capped
    (:class:`CappedSearchResults`): a paginator counts at most the cap and fetches one
    page at a time.
    """
    words = search_words(query)
    if not words:
        return ProcessDocument.objects.none()
    documents = ProcessDocument.objects.filter(live=True, kind=DocumentKind.PROCEDURE, commune__is_active=True)
    if commune is not None:
        documents = documents.filter(commune=commune)
    found = get_search_backend().search(
        PlainText(" ".join(words), operator="and"), documents.order_by(), order_by_relevance=False
    )
    return CappedSearchResults(found, search_count_cap())


# -- admin ---------------------------------------------------------------------------------------


def versions_in_force(*, commune, on: date) -> list[ProcessVersion]:
    """The version of each of the commune's quy trình that was in force at the end of day ``on``."""
    next_day = timezone.make_aware(datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time.min))
    versions = (
        ProcessVersion.objects.filter(document__commune=commune, effective_date__lte=on)
        .filter(Q(obsoleted_at__isnull=True) | Q(obsoleted_at__gte=next_day))
        .select_related("document")
        .order_by("document__code", "document_id", "-issue_number")
    )
    seen, result = set(), []
    for version in versions:
        if version.document_id not in seen:
            seen.add(version.document_id)
            result.append(version)
    return result


def document_versions(*, document: ProcessDocument) -> list[ProcessVersion]:
    return list(document.versions.select_related("approved_by").order_by("-issue_number"))


def open_flags(*, document: ProcessDocument) -> list[DocumentUpdateFlag]:
    return list(document.update_flags.select_related("model_version__document").order_by("resolved_on", "deadline"))


@dataclass(frozen=True)
class AdoptionRow:
    commune: object
    document: ProcessDocument
    adopted_issue: int | None
    state: str
    deadline: date | None
    resolved_on: date | None


def adoption_list(*, model: ProcessDocument, today: date | None = None) -> list[AdoptionRow]:
    """Per derived copy: adopted the model's current version, pending or late."""
    today = today or timezone.localdate()
    current = model.versions.filter(obsoleted_at__isnull=True).first()
    flags = Prefetch(
        "update_flags",
        queryset=DocumentUpdateFlag.objects.filter(model_version__document=model).order_by("-raised_on", "-pk"),
        to_attr="model_flags",
    )
    copies = (
        ProcessDocument.objects.filter(source_model=model)
        .select_related("commune", "source_version")
        .prefetch_related(flags)
        .order_by("commune__name")
    )
    rows = []
    for copy in copies:
        flag = copy.model_flags[0] if copy.model_flags else None
        adopted = copy.source_version.issue_number if copy.source_version_id else None
        if flag is not None:
            state, deadline, resolved = flag.state(today), flag.deadline, flag.resolved_on
        else:
            up_to_date = current is not None and copy.source_version_id == current.pk
            state, deadline, resolved = (FlagState.ADOPTED if up_to_date else FlagState.PENDING), None, None
        rows.append(AdoptionRow(copy.commune, copy, adopted, state, deadline, resolved))
    return rows


def library_models(*, unit_ids) -> list[ProcessDocument]:
    """Effective model documents of the given units' libraries."""
    return list(
        ProcessDocument.objects.filter(owner_unit_id__in=unit_ids, live=True)
        .filter(_current_version_exists())
        .select_related("procedure", "owner_unit")
        .order_by("kind", "procedure__field", "procedure__code", "code")
    )


def adoptable_models(*, commune) -> list[ProcessDocument]:
    """Models of the commune's district/province libraries for TTHC (or system procedures) it has no
    quy trình for yet."""
    unit = commune.unit
    ancestors = [u for u in (unit.parent_id, unit.parent.parent_id if unit.parent_id else None) if u]
    own = ProcessDocument.objects.filter(commune=commune)
    taken = set(own.exclude(procedure_id=None).values_list("procedure_id", flat=True))
    adopted = set(own.exclude(source_model_id=None).values_list("source_model_id", flat=True))
    categories = set(own.filter(kind=DocumentKind.SYSTEM).values_list("system_category", flat=True))
    categories.discard(SystemCategory.OTHER)

    def open_to(model) -> bool:
        if model.is_system:
            return model.pk not in adopted and model.system_category not in categories
        return model.procedure_id not in taken

    return [m for m in library_models(unit_ids=ancestors) if open_to(m)]


# -- citizen feedback ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Satisfaction:
    average: float | None
    count: int


def procedure_satisfaction(*, commune, procedure) -> Satisfaction:
    """The average rating and number of ratings of one TTHC in one commune."""
    row = CitizenFeedback.objects.filter(
        commune=commune, procedure=procedure, kind=FeedbackKind.SATISFACTION, rating__isnull=False
    ).aggregate(average=Avg("rating"), count=Count("pk"))
    average = round(float(row["average"]), 1) if row["average"] is not None else None
    return Satisfaction(average=average, count=row["count"])


def _received_between(since, until) -> dict:
    return {"received_at__date__gte": since, "received_at__date__lte": until}


def satisfaction_by_procedure(*, commune_id: int, since, until) -> list[dict]:
    """Ratings per TTHC received in the period: code, name, average (1 decimal), count."""
    rows = (
        CitizenFeedback.objects.filter(
            commune_id=commune_id,
            kind=FeedbackKind.SATISFACTION,
            rating__isnull=False,
            **_received_between(since, until),
        )
        .values("procedure__code", "procedure__name")
        .annotate(average=Avg("rating"), count=Count("pk"))
        .order_by("procedure__code")
    )
    return [
        {
            "code": r["procedure__code"],
            "name": r["procedure__name"],
            "average": round(float(r["average"]), 1),
            "count": r["count"],
        }
        for r in rows
    ]


def feedback_outcomes(*, commune_id: int, since, until) -> list[dict]:
    """Suggestions and complaints received in the period with their outcome, oldest first."""
    rows = (
        CitizenFeedback.objects.filter(commune_id=commune_id, **_received_between(since, until))
        .exclude(kind=FeedbackKind.SATISFACTION)
        .select_related("procedure")
        .order_by("received_at", "pk")
    )
    return [
        {
            "received_on": timezone.localtime(f.received_at).date().isoformat(),
            "kind": f.kind,
            "kind_label": str(f.get_kind_display()),
            "procedure": f.procedure.code,
            "comment": f.comment,
            "status": f.status,
            "status_label": str(f.get_status_display()),
            "answer": f.answer,
            "reference": f.nonconformity_reference,
        }
        for f in rows
    ]


def commune_documents(*, communes):
    """The quy trình of ``communes`` (a queryset or ids of communes), by code: what a commune's record may link to."""
    return ProcessDocument.objects.filter(commune__in=communes).order_by("code", "pk")


# -- periodic review and read confirmations -----------------------------------------------------


def review_due_documents(queryset, *, today: date | None = None, overdue_only: bool = False):
    """``queryset`` narrowed to effective documents whose review is overdue or due within the reminder window."""
    from datetime import timedelta

    today = today or timezone.localdate()
    limit = today - timedelta(days=1) if overdue_only else today + timedelta(days=REVIEW_REMINDER_DAYS)
    return queryset.filter(live=True, next_review_on__isnull=False, next_review_on__lte=limit)


def review_decisions(*, document: ProcessDocument) -> list[ReviewDecision]:
    return list(document.review_decisions.select_related("reviewed_by", "version").order_by("-reviewed_on", "-pk"))


@dataclass(frozen=True)
class Confirmation:
    name: str
    confirmed_at: object


@dataclass(frozen=True)
class AcknowledgementState:
    """Who of the staff asked has confirmed reading the document's current version, and who has not."""

    document_id: int
    document_code: str
    issue_number: int
    effective_date: date
    confirmed: tuple[Confirmation, ...]
    pending: tuple[str, ...]

    @property
    def asked(self) -> int:
        return len(self.confirmed) + len(self.pending)

    @property
    def summary(self) -> str:
        return f"{len(self.confirmed)}/{self.asked}"


def acknowledgement_states(*, document_ids) -> dict[int, AcknowledgementState]:
    """Per effective commune document of ``document_ids``: the read confirmations of its current version.

    The staff asked are the document's audience today (members who joined later are asked too)."""
    from django.contrib.auth import get_user_model

    from .models import AcknowledgeAudience

    documents = list(
        ProcessDocument.objects.filter(pk__in=[i for i in document_ids if i], live=True, commune__isnull=False)
    )
    if not documents:
        return {}
    versions = {
        v.document_id: v for v in ProcessVersion.objects.filter(document__in=documents, obsoleted_at__isnull=True)
    }
    confirmations: dict[int, dict[int, Acknowledgement]] = {}
    for ack in Acknowledgement.objects.filter(version__in=versions.values()).select_related("user"):
        confirmations.setdefault(ack.version_id, {})[ack.user_id] = ack
    members = (
        get_user_model()
        .objects.filter(is_active=True, groups__commune_role__commune_id__in={d.commune_id for d in documents})
        .values_list("pk", "groups__commune_role__commune_id", "groups__commune_role__role")
    )
    roles_of: dict[tuple[int, int], set[str]] = {}
    for user_id, commune_id, role in members:
        roles_of.setdefault((commune_id, user_id), set()).add(role)
    users = get_user_model().objects.in_bulk({user_id for _commune, user_id in roles_of})
    order = {
        pk: i
        for i, pk in enumerate(
            get_user_model().objects.filter(pk__in=users).order_by(*name_order()).values_list("pk", flat=True)
        )
    }
    states = {}
    for document in documents:
        version = versions.get(document.pk)
        if version is None:
            continue
        wanted = set(AcknowledgeAudience.roles(document.acknowledge_audience))
        asked = sorted(
            (u for (c, u), roles in roles_of.items() if c == document.commune_id and roles & wanted),
            key=lambda pk: order.get(pk, 0),
        )
        done = confirmations.get(version.pk, {})
        states[document.pk] = AcknowledgementState(
            document_id=document.pk,
            document_code=document.code,
            issue_number=version.issue_number,
            effective_date=version.effective_date,
            confirmed=tuple(
                Confirmation(name=full_name(done[u].user), confirmed_at=done[u].confirmed_at)
                for u in sorted(done, key=lambda pk: done[pk].confirmed_at)
            ),
            pending=tuple(full_name(users[u]) for u in asked if u not in done),
        )
    return states


def acknowledgement_state(*, document_id: int) -> AcknowledgementState | None:
    return acknowledgement_states(document_ids=[document_id]).get(document_id)


def has_acknowledged(*, version: ProcessVersion, user) -> bool:
    return Acknowledgement.objects.filter(version=version, user=user).exists()


# -- yearly figures (self-assessment, dashboards) ---------------------------------------------------


@dataclass(frozen=True)
class PeriodicReviews:
    reviewed: int
    last_reviewed_on: date | None
    overdue: tuple[str, ...]


def periodic_reviews(*, commune_id: int, year: int, today: date | None = None) -> PeriodicReviews:
    """Periodic reviews of the commune's quy trình recorded in ``year``, and the effective ones overdue today."""
    decisions = ReviewDecision.objects.filter(document__commune_id=commune_id, reviewed_on__year=year).aggregate(
        n=Count("pk"), last=Max("reviewed_on")
    )
    overdue = review_due_documents(
        ProcessDocument.objects.filter(commune_id=commune_id), today=today, overdue_only=True
    ).order_by("code")
    return PeriodicReviews(
        reviewed=decisions["n"],
        last_reviewed_on=decisions["last"],
        overdue=tuple(overdue.values_list("code", flat=True)),
    )


@dataclass(frozen=True)
class FeedbackSummary:
    ratings: int
    average: float | None
    suggestions: int
    complaints: int
    complaints_open: int
    complaints_settled: int


def feedback_summary(*, commune_id: int, year: int) -> FeedbackSummary:
    """Ratings, suggestions and complaints received in ``year`` and how many complaints are still open."""
    settled = [FeedbackStatus.ANSWERED, FeedbackStatus.CLOSED, FeedbackStatus.NONCONFORMITY]
    complaint = Q(kind=FeedbackKind.COMPLAINT)
    row = CitizenFeedback.objects.filter(commune_id=commune_id, received_at__year=year).aggregate(
        ratings=Count("pk", filter=Q(kind=FeedbackKind.SATISFACTION, rating__isnull=False)),
        average=Avg("rating", filter=Q(kind=FeedbackKind.SATISFACTION)),
        suggestions=Count("pk", filter=Q(kind=FeedbackKind.SUGGESTION)),
        complaints=Count("pk", filter=complaint),
        complaints_open=Count("pk", filter=complaint & Q(status=FeedbackStatus.NEW)),
        complaints_settled=Count("pk", filter=complaint & Q(status__in=settled)),
    )
    average = row.pop("average")
    return FeedbackSummary(average=round(float(average), 1) if average is not None else None, **row)


def ratings_by_commune(*, commune_ids, year: int) -> dict[int, tuple[int, int]]:
    """{commune id: (sum of ratings, number of ratings)} received in ``year``, in one query.

    ``commune_ids`` may be a subquery; sums are returned so that averages of several communes stay exact."""
    rows = (
        CitizenFeedback.objects.filter(
            commune_id__in=commune_ids, kind=FeedbackKind.SATISFACTION, rating__isnull=False, received_at__year=year
        )
        .values("commune_id")
        .annotate(total=Sum("rating"), n=Count("pk"))
        .order_by()
    )
    return {r["commune_id"]: (r["total"], r["n"]) for r in rows}
