"""Audit data built through the real services, for the audits tests."""

from __future__ import annotations

import datetime

from audits import services
from audits.models import ChecklistResult, FindingKind, IsoClause
from qms.units.models import Role
from qms.units.services import add_commune_member
from tests.factories import make_user
from tests.uploads import jpeg_upload, pdf_upload

HOTICH = "Bộ phận Tư pháp – Hộ tịch"
VANPHONG = "Văn phòng – Thống kê"
DIACHINH = "Bộ phận Địa chính – Xây dựng"


def clauses(*numbers: str) -> list[IsoClause]:
    return list(IsoClause.objects.filter(number__in=numbers).order_by("sort_key"))


def suffix_of(commune, world) -> str:
    return "a" if commune == world.commune_a else "b"


def make_auditor(world, user, home_unit: str, commune=None):
    commune = commune or world.commune_a
    iso = getattr(world, f"iso_{suffix_of(commune, world)}")
    return services.save_auditor(acting_user=iso, commune=commune, user=user, home_unit=home_unit, position="Công chức")


def second_auditor(world, commune=None):
    """Another internal auditor of the commune, from the civil-status unit."""
    commune = commune or world.commune_a
    user = make_user(f"auditor2_{suffix_of(commune, world)}")
    user.first_name, user.last_name = "Lan", "Vũ Thị"
    user.save()
    add_commune_member(commune=commune, user=user, role=Role.AUDITOR)
    return make_auditor(world, user, HOTICH, commune)


def make_programme(world, *, commune=None, year=2026, auditors=(), audit_month=5):
    commune = commune or world.commune_a
    iso = getattr(world, f"iso_{suffix_of(commune, world)}")
    return services.create_programme(
        acting_user=iso,
        commune=commune,
        year=year,
        title=f"Chương trình đánh giá nội bộ năm {year}",
        objectives="Đánh giá sự phù hợp và hiệu lực của HTQLCL theo TCVN ISO 9001:2015.",
        scope="Các quy trình giải quyết TTHC thuộc thẩm quyền của UBND xã.",
        criteria="TCVN ISO 9001:2015; các quy trình nội bộ đã ban hành.",
        audit_month=audit_month,
        clauses=clauses("7.5", "8.5.1", "9.2", "10.2"),
        auditors=list(auditors),
    )


def make_audit(world, *, commune=None, year=2026):
    """Programme, plan and scope (two processes) of one commune; returns the plan."""
    commune = commune or world.commune_a
    suffix = suffix_of(commune, world)
    iso = getattr(world, f"iso_{suffix}")
    lead = make_auditor(world, getattr(world, f"auditor_{suffix}"), VANPHONG, commune)
    programme = make_programme(world, commune=commune, year=year, auditors=[lead])
    plan = services.create_plan(
        acting_user=iso,
        programme=programme,
        title=f"Đánh giá nội bộ lần 1 năm {year}",
        planned_start=datetime.date(year, 5, 11),
        planned_end=datetime.date(year, 5, 13),
        lead_auditor=lead,
        team=[lead],
        clauses=clauses("7.5", "8.5.1", "9.2", "10.2"),
        document_number="12",
    )
    services.set_plan_scope(
        acting_user=iso,
        plan=plan,
        processes=[
            services.ProcessInput(
                title="Đăng ký khai sinh",
                document_code="QT-01/HT",
                issue_number=2,
                responsible_unit=HOTICH,
                auditor=lead,
                auditee="Nguyễn Văn Hộ – công chức tư pháp",
                responsible_users=[iso],
            ),
            services.ProcessInput(
                title="Cấp giấy phép xây dựng",
                document_code="QT-07/ĐC",
                issue_number=1,
                responsible_unit=DIACHINH,
                auditor=lead,
                auditee="Trần Văn Đất – công chức địa chính",
            ),
        ],
    )
    return plan


def raise_nc(
    world, plan, *, kind=FindingKind.MINOR_NC, due=None, description="Hồ sơ khai sinh trễ hạn không có phiếu xin lỗi."
):
    suffix = suffix_of(plan.commune, world)
    process = plan.processes.order_by("order").first()
    return services.raise_finding(
        acting_user=getattr(world, f"auditor_{suffix}"),
        plan=plan,
        kind=kind,
        clause=clauses("8.5.1")[0],
        process=process,
        description=description,
        requirement="Điều 8.5.1 và quy trình QT-01/HT bước B4.",
        evidence="Sổ theo dõi hồ sơ tháng 4: 3 hồ sơ trễ hạn.",
        owner=getattr(world, f"iso_{suffix}"),
        due_date=due or datetime.date(plan.programme.year, 6, 30),
    )


def make_review(world, **extra):
    """The management review of commune A for 2026, planned for 15/12/2026 and chaired by its leader."""
    return services.create_review(
        acting_user=world.leader_a,
        commune=world.commune_a,
        year=2026,
        title="Xem xét của lãnh đạo năm 2026",
        planned_on=datetime.date(2026, 12, 15),
        chair=world.leader_a,
        **extra,
    )


def completed_audit(world):
    """A completed audit with a result per checklist item, four findings and their actions."""
    plan = make_audit(world)
    services.generate_checklist(acting_user=world.iso_a, plan=plan)
    for item in plan.checklist.all():
        services.record_checklist_result(
            acting_user=world.auditor_a,
            item=item,
            result=ChecklistResult.CONFORMING,
            evidence=f"Đã xem hồ sơ điều {item.clause.number}.",
        )
    item = plan.checklist.filter(process__isnull=False).first()
    services.record_checklist_result(
        acting_user=world.auditor_a,
        item=item,
        result=ChecklistResult.NONCONFORMING,
        evidence="Sổ theo dõi thiếu 3 hồ sơ.",
        files=[jpeg_upload("so-theo-doi-thang-4.jpg")],
    )
    major = raise_nc(world, plan, kind=FindingKind.MAJOR_NC, description="Không lập phiếu kiểm soát quá trình.")
    minor = raise_nc(world, plan, description="Hồ sơ trễ hạn không có văn bản xin lỗi.")
    services.raise_finding(
        acting_user=world.auditor_a,
        plan=plan,
        kind=FindingKind.OBSERVATION,
        clause=clauses("7.5")[0],
        description="Danh mục tài liệu chưa ghi ngày hiệu lực.",
        evidence="Danh mục ngày 02/01/2026.",
        files=[pdf_upload("danh-muc-tai-lieu.pdf")],
    )
    services.raise_finding(
        acting_user=world.auditor_a,
        plan=plan,
        kind=FindingKind.OPPORTUNITY,
        clause=clauses("10.2")[0],
        description="Có thể nhắc hạn tự động qua phần mềm một cửa.",
    )
    action = major.corrective_action
    services.update_action_plan(
        acting_user=world.iso_a,
        action=action,
        immediate_correction="Lập bổ sung phiếu kiểm soát.",
        root_cause="Công chức mới chưa được hướng dẫn quy trình.",
        action_plan="Tập huấn lại quy trình QT-01/HT.",
    )
    services.add_progress(acting_user=world.iso_a, action=action, note="Đã tập huấn ngày 20/5.", percent_done=100)
    services.submit_for_verification(acting_user=world.iso_a, action=action)
    services.verify_action(
        acting_user=world.auditor_a, action=action, effective=True, note="Kiểm tra 10 hồ sơ đều có phiếu."
    )
    services.complete_plan(
        acting_user=world.auditor_a,
        plan=plan,
        conclusion="HTQLCL được duy trì phù hợp, cần khắc phục 2 điểm.",
        completed_on=datetime.date(2026, 5, 13),
    )
    plan.refresh_from_db()
    return plan, major, minor


def make_risk(world, *, commune=None, likelihood=4, impact=3, treatment="", due_date=None, **extra):
    """A risk of the commune's register, recorded by its ISO officer (owner: the officer)."""
    from audits.risks import services as risk_services

    commune = commune or world.commune_a
    iso = getattr(world, f"iso_{suffix_of(commune, world)}")
    fields = {
        "description": "Hồ sơ hộ tịch giải quyết trễ hạn",
        "cause": "Công chức kiêm nhiệm nhiều việc",
        "consequence": "Người dân phải đi lại nhiều lần",
        "owner": iso if treatment else None,
        **extra,
    }
    return risk_services.create_risk(
        acting_user=iso,
        commune=commune,
        likelihood=likelihood,
        impact=impact,
        treatment=treatment,
        due_date=due_date,
        identified_on=datetime.date(2026, 1, 5),
        **fields,
    )


def make_context(world, *, approve: bool = False, procedures=(), year: int = 2026, **extra):
    """Commune A's context and scope for ``year``: two issues, two interested parties, clause 8.3 excluded;
    submitted by its ISO officer and approved by its leader when ``approve``."""
    from audits.context import services as context_services

    statement = context_services.start_statement(acting_user=world.iso_a, commune=world.commune_a, year=year)
    fields = {
        "scope_statement": "Cung cấp dịch vụ hành chính công theo cơ chế một cửa của UBND xã.",
        "climate_change_relevant": True,
        "climate_change_note": "Ngập lụt mùa mưa làm chậm việc trả kết quả hồ sơ.",
        "issues": [
            {
                "origin": "external",
                "description": "Ngập lụt mùa mưa bão",
                "effect": "Trễ hạn trả kết quả",
                "climate_related": True,
            },
            {"origin": "internal", "description": "Công chức kiêm nhiệm nhiều việc", "effect": "Hồ sơ chậm"},
        ],
        "parties": [
            {"name": "Người dân, tổ chức", "requirements": "Giải quyết đúng hạn", "monitoring": "Khảo sát hài lòng"},
            {"name": "UBND tỉnh", "requirements": "Báo cáo định kỳ", "monitoring": "Kiểm tra hằng năm"},
        ],
        "exclusions": [
            {
                "clause": "8.3",
                "subject": "Thiết kế và phát triển",
                "justification": "UBND xã không thiết kế sản phẩm, dịch vụ mới.",
            },
            *({"procedure": p, "justification": "Chưa phát sinh hồ sơ tại địa phương."} for p in procedures),
        ],
        **extra,
    }
    context_services.update_statement(acting_user=world.iso_a, statement=statement, **fields)
    if approve:
        context_services.submit_statement(acting_user=world.iso_a, statement=statement)
        context_services.approve_statement(acting_user=world.leader_a, statement=statement)
    return statement
