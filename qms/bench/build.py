"""Build a size's dataset: communes provisioned through the services, then rows inserted in bulk.

One seed quy trình is written and approved through the real services and workflow
(so its revisions and versions are what the views expect); every other commune ×
procedure gets a copy of it made in set-based SQL (``copying``: the document, its Wagtail
revisions, its versions and their history, the handled procedures, the index entries),
plus commune members, users, five years of audit programmes and plans, and open
corrective actions.
"""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history
from wagtail.models import Revision, WorkflowState

from audits.models import ActionStatus, Auditor, AuditPlan, AuditProgramme, CorrectiveAction, PlanStatus
from processes import services as process_services
from processes.content import document_content
from processes.demo import demo_content
from processes.docx.schema import DossierItem, FeeItem, Person, Step
from processes.models import Procedure, ProcessDocument
from qms.certification.services import rebuild_progress
from qms.units.models import AdministrativeUnit, Commune, CommuneRoleGroup, Era, Level, Role
from qms.units.services import add_unit_follower, provision_commune

from .copying import copy_documents
from .progress import progress_bar
from .sizes import Size

PASSWORD = "bench-2026"
BATCH = 2_000
ROLE_KEYS = ((Role.ISO_OFFICER, "iso"), (Role.LEADER, "leader"), (Role.AUDITOR, "auditor"))


def _batched(items, size: int = BATCH):
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _synthetic_units(count: int) -> list[AdministrativeUnit]:
    """A province of the 2025 era and ``count`` communes beneath it, for a database without reference data."""
    province, _ = AdministrativeUnit.objects.get_or_create(
        era=Era.Y2025, level=Level.PROVINCE, code="B01", defaults={"name": "Bench", "full_name": "Tỉnh Bench"}
    )
    units = []
    for index in range(count):
        unit, _ = AdministrativeUnit.objects.get_or_create(
            era=Era.Y2025,
            level=Level.COMMUNE,
            code=f"B{index:05d}",
            defaults={
                "name": f"Thử {index + 1}",
                "full_name": f"Xã Thử {index + 1}",
                "unit_type": "Xã",
                "parent": province,
            },
        )
        units.append(unit)
    return units


def _district_to_follow(first: AdministrativeUnit) -> AdministrativeUnit:
    """The 2025 era has no districts: the district official follows a provisioned pre-2025 district (the demo's),
    or the province when there is none."""
    if first.parent.level == Level.DISTRICT:
        return first.parent
    commune = Commune.objects.filter(unit__era=Era.PRE_2025, unit__parent__level=Level.DISTRICT).select_related(
        "unit__parent"
    )
    commune = commune.order_by("pk").first()
    return commune.unit.parent if commune else first.parent


def commune_units(count: int) -> list[AdministrativeUnit]:
    """``count`` communes of the 2025 era, whole provinces first (S and M are one province)."""
    units = (
        AdministrativeUnit.objects.filter(era=Era.Y2025, level=Level.COMMUNE, abolished_on__isnull=True)
        .select_related("parent")
        .order_by("parent__code", "code")
    )
    by_province: dict[int, list[AdministrativeUnit]] = {}
    for unit in units:
        province = unit.parent if unit.parent.level == Level.PROVINCE else unit.parent.parent
        by_province.setdefault(province.pk, []).append(unit)
    chosen = []
    for province_units in sorted(by_province.values(), key=len, reverse=True):
        chosen.extend(province_units[: count - len(chosen)])
        if len(chosen) >= count:
            break
    return chosen if len(chosen) >= count else _synthetic_units(count)


def _procedures(count: int) -> list[Procedure]:
    existing = list(Procedure.objects.order_by("code")[:count])
    template = existing[0] if existing else None
    missing = [
        Procedure(
            code=f"BENCH.{index:04d}",
            name=f"Thủ tục đo lường số {index}",
            field=template.field if template else "Hộ tịch",
            level=template.level if template else "Cấp xã",
        )
        for index in range(len(existing), count)
    ]
    Procedure.objects.bulk_create(missing)
    return list(Procedure.objects.order_by("code")[:count])


def _users(size: Size, communes: list[Commune], bar, task) -> dict:
    """Three members per commune (ISO officer, leader, auditor), the rest as auditors; followers; a superuser."""
    User = get_user_model()
    password = make_password(PASSWORD)
    groups = {
        (link.commune_id, link.role): link.group_id
        for link in CommuneRoleGroup.objects.filter(commune__in=communes).only("commune_id", "role", "group_id")
    }
    wanted = max(size.users, 3 * len(communes))
    plan = []
    for index, commune in enumerate(communes):
        for role, key in ROLE_KEYS:
            plan.append((f"bench.{key}.{index}", commune, role, f"{key.upper()} {index}"))
    cycle = itertools.cycle(communes)
    plan += [
        (f"bench.staff.{index}", next(cycle), Role.AUDITOR, f"Cán bộ {index}") for index in range(wanted - len(plan))
    ]
    memberships = []
    for chunk in _batched(plan):
        users = User.objects.bulk_create(
            [
                User(
                    username=name,
                    password=password,
                    first_name=given,
                    last_name="Nguyễn Văn",
                    email=f"{name}@example.gov.vn",
                )
                for name, _commune, _role, given in chunk
            ]
        )
        memberships += [
            User.groups.through(user_id=user.pk, group_id=groups[(commune.pk, role)])
            for user, (_name, commune, role, _given) in zip(users, chunk, strict=True)
        ]
        bar.advance(task, len(chunk))
    for chunk in _batched(memberships):
        User.groups.through.objects.bulk_create(chunk)
    first = communes[0].unit
    province = first.parent if first.parent.level == Level.PROVINCE else first.parent.parent
    district = _district_to_follow(first)
    people = {key: User.objects.get(username=f"bench.{key}.0") for _role, key in ROLE_KEYS}
    people["district"] = User.objects.create_user("bench.district", password=PASSWORD, first_name="Huyện")
    add_unit_follower(unit=district, user=people["district"])
    people["province"] = User.objects.create_user("bench.province", password=PASSWORD, first_name="Tỉnh")
    add_unit_follower(unit=province, user=people["province"])
    people["national"] = User.objects.create_superuser("bench.national", password=PASSWORD, first_name="Bộ")
    return people


def _approve(document: ProcessDocument, *, officer, leader) -> ProcessDocument:
    state = document.get_workflow().start(document, officer)
    while state.status == WorkflowState.STATUS_IN_PROGRESS:
        state.current_task_state.approve(user=leader)
        state.refresh_from_db()
    return ProcessDocument.objects.get(pk=document.pk)


def seed_document(*, commune: Commune, procedure: Procedure, revisions: int, officer, leader) -> ProcessDocument:
    """One quy trình written and approved ``revisions`` times through the services and the workflow."""
    document = process_services.create_process_document(procedure=procedure, commune=commune, acting_user=officer)
    facts = next(iter(demo_content().values()))
    for issue in range(1, revisions + 1):
        content = document_content(document.get_latest_revision_as_object())
        content.code = "QT-001"
        content.purpose = f"Quy định trình tự giải quyết thủ tục (lần {issue})."
        content.processing_time = facts["processing_time"]
        content.fees = [FeeItem(*row) for row in facts["fees"]]
        content.dossier = [DossierItem(name=n, originals=o, copies=c, note=note) for n, o, c, note in facts["dossier"]]
        content.steps = [
            Step(code=c, content=t, responsible=r, duration=d, forms=f) for c, t, r, d, f in facts["steps"]
        ]
        content.drafted = Person(name="Nguyễn Văn ISO", position="Công chức")
        content.reviewed = content.approved = Person(name="Trần Văn Lãnh Đạo", position="Chủ tịch UBND")
        extra = {"change_summary": f"Cập nhật lần {issue}"} if issue > 1 else {}
        process_services.save_draft_from_content(document=document, content=content, acting_user=officer, **extra)
        document = _approve(document, officer=officer, leader=leader)
    return document


def _audits(size: Size, communes, people_by_commune, bar, task) -> None:
    """``audit_years`` years of programmes and plans per commune, the past ones completed."""
    this_year = timezone.localdate().year
    auditors = bulk_create_with_history(
        [
            Auditor(commune=c, user_id=people_by_commune[c.pk]["auditor"], home_unit="Văn phòng UBND")
            for c in communes
            if not Auditor.objects.filter(commune=c).exists()
        ],
        Auditor,
        batch_size=BATCH,
    )
    auditor_of = {a.commune_id: a.pk for a in Auditor.objects.filter(commune__in=communes)}
    for chunk in _batched(communes, 200):
        programmes = [
            AuditProgramme(
                commune=c,
                year=year,
                title=f"Chương trình đánh giá nội bộ năm {year}",
                objectives="Đánh giá sự phù hợp của HTQLCL.",
                audit_month=10,
                status="approved",
                approved_at=timezone.now(),
            )
            for c in chunk
            for year in range(this_year - size.audit_years + 1, this_year + 1)
        ]
        programmes = bulk_create_with_history(programmes, AuditProgramme, batch_size=BATCH)
        plans = [
            AuditPlan(
                programme=p,
                commune_id=p.commune_id,
                title=f"Đánh giá nội bộ năm {p.year}",
                planned_start=datetime.date(p.year, 10, 1),
                planned_end=datetime.date(p.year, 10, 3),
                lead_auditor_id=auditor_of[p.commune_id],
                status=PlanStatus.COMPLETED if p.year < this_year else PlanStatus.DRAFT,
                completed_on=datetime.date(p.year, 10, 3) if p.year < this_year else None,
            )
            for p in AuditProgramme.objects.filter(commune__in=chunk)
        ]
        bulk_create_with_history(plans, AuditPlan, batch_size=BATCH)
        bar.advance(task, len(chunk))
    del auditors


def _actions(size: Size, communes, people_by_commune, bar, task) -> None:
    """Open corrective actions spread over the communes, a third of them late."""
    today = timezone.localdate()
    cycle = itertools.cycle(communes)
    sequence: dict[int, int] = {}
    made = 0
    while made < size.actions:
        chunk = []
        for _ in range(min(BATCH, size.actions - made)):
            commune = next(cycle)
            sequence[commune.pk] = sequence.get(commune.pk, 0) + 1
            number = sequence[commune.pk]
            chunk.append(
                CorrectiveAction(
                    commune=commune,
                    year=today.year,
                    sequence=number,
                    title=f"Khắc phục điểm không phù hợp số {number}",
                    owner_id=people_by_commune[commune.pk]["iso"],
                    requested_by_id=people_by_commune[commune.pk]["leader"],
                    requested_on=today - datetime.timedelta(days=30),
                    due_date=today + datetime.timedelta(days=(number % 3 - 1) * 10),
                    status=ActionStatus.OPEN if number % 2 else ActionStatus.IN_PROGRESS,
                )
            )
        bulk_create_with_history(chunk, CorrectiveAction, batch_size=BATCH)
        made += len(chunk)
        bar.advance(task, len(chunk))


def build(size: Size, *, stream=None, show_progress: bool = True) -> dict:
    """Build ``size`` in the current database; returns what it holds."""
    units = commune_units(size.communes)
    with progress_bar(stream, enabled=show_progress) as bar:
        task = bar.add_task("communes", total=len(units))
        communes = []
        for unit in units:
            communes.append(provision_commune(unit=unit))
            bar.advance(task)
        # In the units' order (largest province first), not by key: the demo's communes, provisioned
        # before, would otherwise come first at N, and the measured commune would not be S's.
        position = {unit.pk: index for index, unit in enumerate(units)}
        communes = sorted(
            Commune.objects.filter(pk__in=[c.pk for c in communes]).select_related("unit"),
            key=lambda commune: position[commune.unit_id],
        )
        procedures = _procedures(size.procedures)
        with transaction.atomic():
            task = bar.add_task("users", total=max(size.users, 3 * len(communes)))
            people = _users(size, communes, bar, task)
        User = get_user_model()
        members = User.objects.filter(username__regex=r"^bench\.(iso|leader|auditor)\.\d+$").values_list(
            "username", "pk"
        )
        people_by_commune: dict[int, dict[str, int]] = {}
        for username, pk in members:
            _bench, key, index = username.split(".")
            people_by_commune.setdefault(communes[int(index)].pk, {})[key] = pk
        seed = seed_document(
            commune=communes[0],
            procedure=procedures[0],
            revisions=size.revisions,
            officer=people["iso"],
            leader=people["leader"],
        )
        task = bar.add_task("quy trình (per commune)", total=len(communes))
        documents = 1 + copy_documents(seed, communes, procedures, advance=lambda n: bar.advance(task, n))
        task = bar.add_task("audit programmes", total=len(communes))
        with transaction.atomic():
            _audits(size, communes, people_by_commune, bar, task)
        task = bar.add_task("corrective actions", total=size.actions)
        with transaction.atomic():
            _actions(size, communes, people_by_commune, bar, task)
    rebuild_progress()
    return {
        "size": size.name,
        "communes": len(communes),
        "documents": documents,
        "revisions": Revision.objects.filter(
            base_content_type=ContentType.objects.get_for_model(ProcessDocument)
        ).count(),
        "users": User.objects.count(),
        "corrective_actions": CorrectiveAction.objects.count(),
        "audit_plans": AuditPlan.objects.count(),
        "seed_document": seed.pk,
    }
