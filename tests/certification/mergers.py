"""A merged commune D (2025) formed from communes A and B of the world, with quy trình and records to carry."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import timezone

from audits import services as audit_services
from processes.models import ProcessDocument
from processes.services import add_handled_procedures
from qms.units.models import Era, Level, Role
from qms.units.services import add_commune_member, add_unit_follower, provision_commune
from tests.audits.builders import make_audit, make_risk, raise_nc
from tests.factories import make_unit
from tests.processes.helpers import approve_directly, make_procedure, start_document


def build_merger(world) -> SimpleNamespace:
    """D in a 2025 province the ``province`` persona follows; A's people serve D too; A has QT for khai sinh,
    B for khai sinh and kết hôn, D handles a third TTHC nobody wrote; B has an open risk, action, objective."""
    province = make_unit(level=Level.PROVINCE, name="Hợp Nhất", era=Era.Y2025)
    d = provision_commune(unit=make_unit(level=Level.COMMUNE, name="Đồng Tâm", parent=province, era=Era.Y2025))
    d.predecessors.add(world.commune_a, world.commune_b)
    add_unit_follower(unit=province, user=world.province)
    for role, key in ((Role.ISO_OFFICER, "iso_a"), (Role.LEADER, "leader_a"), (Role.AUDITOR, "auditor_a")):
        add_commune_member(commune=d, user=getattr(world, key), role=role)
    khai_sinh = make_procedure()
    ket_hon = make_procedure(code="1.000894", name="Thủ tục đăng ký kết hôn")
    chung_thuc = make_procedure(code="2.000815", name="Chứng thực bản sao từ bản chính", field="Chứng thực")
    add_handled_procedures(commune=d, procedures=[khai_sinh, ket_hon, chung_thuc])
    a_ks = approve_directly(start_document(world, khai_sinh), world.iso_a, world.leader_a)
    b_ks = approve_directly(
        start_document(world, khai_sinh, commune=world.commune_b, user=world.iso_b), world.iso_b, world.leader_b
    )
    b_kh = approve_directly(
        start_document(world, ket_hon, commune=world.commune_b, user=world.iso_b), world.iso_b, world.leader_b
    )
    year = timezone.localdate().year
    risk = make_risk(world, commune=world.commune_b, description="Mất hồ sơ khi chuyển trụ sở")
    plan = make_audit(world, commune=world.commune_b, year=year)
    action = raise_nc(world, plan).corrective_action
    objective = audit_services.save_objective(
        acting_user=world.iso_b, commune=world.commune_b, year=year, statement="100% hồ sơ đúng hạn", target="100%"
    )
    return SimpleNamespace(
        d=d,
        province=province,
        khai_sinh=khai_sinh,
        ket_hon=ket_hon,
        chung_thuc=chung_thuc,
        a_ks=a_ks,
        b_ks=b_ks,
        b_kh=b_kh,
        risk=risk,
        action=action,
        objective=objective,
        programme=plan.programme,
        year=year,
    )


def d_documents(merger):
    return ProcessDocument.objects.filter(commune=merger.d).order_by("procedure__code")
