"""Fixtures of the certification tests: records made through the real services."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qms.certification import services
from qms.certification.models import EvidenceKind, InspectionMethod
from qms.certification.rules import ScopeEntry
from qms.units.models import Era, Level, Role
from qms.units.services import add_commune_member, add_unit_follower, provision_commune
from tests.factories import make_unit, make_user

PAPER_SCOPE = [
    ScopeEntry("1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch", "QT-01/HT"),
    ScopeEntry("1.000894", "Thủ tục đăng ký kết hôn", "Hộ tịch", "QT-02/HT"),
    ScopeEntry("2.000815", "Chứng thực bản sao từ bản chính", "Chứng thực", "QT-01/CT"),
]


def days_ago(n: int):
    return timezone.localdate() - timedelta(days=n)


def pdf(name: str = "quyet-dinh.pdf", content: bytes = b"%PDF-1.4 signed decision") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def a_records(world):
    """Commune A with evidence, a signed announcement and an answered inspection."""
    return build_a_records(world)


def build_a_records(world):
    commune, iso = world.commune_a, world.iso_a
    evidence = services.add_evidence(
        commune=commune,
        kind=EvidenceKind.STEERING_BOARD,
        title="Quyết định thành lập Ban chỉ đạo ISO",
        reference="12/QĐ-UBND",
        issued_on=days_ago(400),
        file=pdf("ban-chi-dao.pdf"),
        acting_user=iso,
    )
    announcement = services.record_announcement(
        commune=commune, number="45", signed_on=days_ago(200), file=pdf(), scope=PAPER_SCOPE, acting_user=iso
    )
    inspection = services.record_inspection(
        commune=commune,
        inspected_on=days_ago(100),
        method=InspectionMethod.ON_SITE,
        agency="Sở Khoa học và Công nghệ tỉnh Thử Nghiệm",
        conclusions=[("Chưa cập nhật quy trình khai sinh.", True), ("Chưa niêm yết quyết định công bố.", True)],
        acting_user=world.province,
    )
    answered, open_one = inspection.conclusions.order_by("pk")
    services.record_corrective_report(
        conclusion=answered, reported_on=days_ago(60), note="Đã cập nhật.", file=pdf("bao-cao.pdf"), acting_user=iso
    )
    return {"evidence": evidence, "announcement": announcement, "answered": answered, "open": open_one}


@pytest.fixture
def today_world(db):
    """A province of the 2025 era (two tiers) with two communes that run their QMS today."""
    province = make_unit(level=Level.PROVINCE, name="Hòa Thuận", era=Era.Y2025)
    communes = [
        provision_commune(unit=make_unit(level=Level.COMMUNE, name=name, parent=province, era=Era.Y2025))
        for name in ("Đông Hòa", "Tây Sơn")
    ]
    users = {name: make_user(name) for name in ("iso", "iso_other", "leader", "follower")}
    add_commune_member(commune=communes[0], user=users["iso"], role=Role.ISO_OFFICER)
    add_commune_member(commune=communes[0], user=users["leader"], role=Role.LEADER)
    add_commune_member(commune=communes[1], user=users["iso_other"], role=Role.ISO_OFFICER)
    add_unit_follower(unit=province, user=users["follower"])
    return SimpleNamespace(province=province, commune=communes[0], other=communes[1], **users)


@pytest.fixture
def procedures(db):
    """Three TTHC of the catalogue (made like the processes tests make them)."""
    from tests.processes.helpers import make_procedure

    return [
        make_procedure(),
        make_procedure(code="1.000894", name="Thủ tục đăng ký kết hôn"),
        make_procedure(code="2.000815", name="Chứng thực bản sao từ bản chính giấy tờ, văn bản", field="Chứng thực"),
    ]


def make_effective(commune, procedure, officer, leader):
    """A process document of the commune through the real services and approval workflow."""
    from processes import services as process_services
    from tests.processes.helpers import approve_directly

    document = process_services.create_process_document(procedure=procedure, commune=commune, acting_user=officer)
    return approve_directly(document, officer, leader)
