"""Demo data of the internal audits of Thị trấn Lâm (Ý Yên, Nam Định).

The 2025 programme and its completed audit (checklist, findings, corrective
actions in every state), the 2025 management review with its decisions, the
quality objectives, the 2026 programme started from the 2025 one, and a
follow-up audit of the 2025 programme in progress (checklist generated) that
the auditor carries out now, and a citizen's complaint turned into a
nonconformity with its corrective action. Everything goes through the services; a second run adds nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from processes.demo import FEEDBACK_NONCONFORMITY
from processes.models import CitizenFeedback, FeedbackKind, FeedbackStatus
from qms.units.models import Era

from . import selectors, services
from .models import Auditor, AuditProgramme, ChecklistResult, DecisionTopic, FindingKind, IsoClause, ManagementReview
from .risks import demo as risk_demo

LAM = (Era.PRE_2025, "13795")
OFFICER, LEADER, AUDITOR = "iso.lam", "lanhdao.lam", "danhgia.lam"
YEAR = 2025
AUDIT_DAYS = (datetime.date(YEAR, 6, 10), datetime.date(YEAR, 6, 11))
FOLLOW_UP_TITLE = f"Đánh giá bổ sung – kiểm tra xác nhận hành động khắc phục sau đánh giá nội bộ năm {YEAR}"
FOLLOW_UP_CLAUSES = ("7.5", "8.5.1", "8.7", "10.2")
CLAUSES = ("4.4", "5.2", "6.2", "7.1.2", "7.5", "8.2", "8.5.1", "8.7", "9.1.2", "9.2", "10.2")
#: TTHC field → unit responsible for its process (when the process documents come from the processes app).
FIELD_UNITS = {"Hộ tịch": "Bộ phận Tư pháp – Hộ tịch", "Chứng thực": "Bộ phận Tư pháp – Hộ tịch"}
OTHER_UNIT = "Bộ phận Văn hóa – Xã hội"
#: Used when no effective process document exists: (code, title, unit, auditee).
DEFAULT_SCOPE = (
    ("QT-01/HT", "Đăng ký khai sinh", "Bộ phận Tư pháp – Hộ tịch", "Vũ Thị Nga – công chức Tư pháp – Hộ tịch"),
    (
        "QT-01/CT",
        "Chứng thực bản sao từ bản chính",
        "Bộ phận Tư pháp – Hộ tịch",
        "Vũ Thị Nga – công chức Tư pháp – Hộ tịch",
    ),
    ("QT-01/ĐC", "Xác nhận tình trạng nhà ở", "Bộ phận Địa chính – Xây dựng", "Đinh Văn Sơn – công chức Địa chính"),
)
OBJECTIVES = {
    2025: (
        ("100% hồ sơ TTHC được giải quyết đúng hoặc trước hạn", "100%", "99,2% (3 hồ sơ trễ hạn)", False),
        ("Mức độ hài lòng của người dân đạt từ 90% trở lên", "≥ 90%", "94% (khảo sát 200 phiếu)", True),
        ("100% quy trình ISO được rà soát, cập nhật khi văn bản pháp luật thay đổi", "100%", "100%", True),
    ),
    2026: (
        ("100% hồ sơ TTHC được giải quyết đúng hoặc trước hạn", "100%", "", None),
        ("Tỷ lệ hồ sơ nộp trực tuyến đạt từ 60% trở lên", "≥ 60%", "", None),
    ),
}


@dataclass(frozen=True)
class FindingSpec:
    kind: str
    clause: str
    process: int | None  # index in the scope, None for the whole system
    description: str
    requirement: str
    evidence: str
    #: What happened to its corrective action: "closed", "reopened", "awaiting", "in_progress" or "open".
    outcome: str = ""
    due_in_days: int = 0


FINDINGS = (
    FindingSpec(
        FindingKind.MAJOR_NC,
        "8.5.1",
        0,
        "Hồ sơ đăng ký khai sinh trễ hạn không có Phiếu xin lỗi và hẹn lại ngày trả kết quả.",
        "Điều 8.5.1 TCVN ISO 9001:2015; bước 5 quy trình đăng ký khai sinh; Mẫu 04 Thông tư 01/2018/TT-VPCP.",
        "Sổ theo dõi hồ sơ tháng 4–5/2025: 3 hồ sơ trễ hạn 1–2 ngày, không có phiếu xin lỗi.",
        "closed",
    ),
    FindingSpec(
        FindingKind.MINOR_NC,
        "7.5",
        1,
        "Bản quy trình chứng thực tại bộ phận một cửa chưa phải lần ban hành hiện hành.",
        "Điều 7.5.3 TCVN ISO 9001:2015 – kiểm soát thông tin dạng văn bản.",
        "Bộ phận một cửa dùng bản lần ban hành 01; bản hiện hành là lần ban hành 02.",
        "reopened",
        -3,
    ),
    FindingSpec(
        FindingKind.MINOR_NC,
        "8.7",
        2,
        "Hồ sơ không đủ điều kiện chưa được lập Phiếu từ chối tiếp nhận giải quyết hồ sơ.",
        "Điều 8.7 TCVN ISO 9001:2015; Mẫu 03 Thông tư 01/2018/TT-VPCP.",
        "2 hồ sơ trả lại trong tháng 5/2025 chỉ hướng dẫn bằng lời.",
        "awaiting",
        20,
    ),
    FindingSpec(
        FindingKind.MINOR_NC,
        "9.1.2",
        None,
        "Chưa tổng hợp, phân tích kết quả khảo sát sự hài lòng của người dân năm 2024.",
        "Điều 9.1.2 TCVN ISO 9001:2015.",
        "Phiếu khảo sát đã thu nhưng chưa có báo cáo tổng hợp.",
        "in_progress",
        7,
    ),
    FindingSpec(
        FindingKind.OBSERVATION,
        "7.1.2",
        None,
        "Công chức mới của bộ phận một cửa chưa được tập huấn về HTQLCL.",
        "",
        "Danh sách tập huấn năm 2025.",
    ),
    FindingSpec(
        FindingKind.OPPORTUNITY,
        "10.2",
        None,
        "Có thể dùng chức năng nhắc hạn của hệ thống một cửa điện tử để giảm hồ sơ trễ hạn.",
        "",
        "",
    ),
)


def _lam(communes):
    return next((c for c in communes if (c.unit.era, c.unit.code) == LAM), None)


def _people():
    users = {u.username: u for u in get_user_model().objects.filter(username__in=(OFFICER, LEADER, AUDITOR))}
    return users if len(users) == 3 else None


@transaction.atomic
def load_demo(*, acting_user, communes) -> None:
    """Fill Thị trấn Lâm's audits once (nothing is added on a second run)."""
    lam, people = _lam(communes), _people()
    if lam is None or people is None:
        return
    if not AuditProgramme.objects.filter(commune=lam, year=YEAR).exists():
        _completed_year(lam, people)
    _follow_up_audit(lam, people[OFFICER])
    _complaint_nonconformity(lam, people[OFFICER])


def _complaint_nonconformity(lam, officer) -> None:
    """The citizen's complaint about a late certified copy becomes a nonconformity (9.1.2) and its action."""
    code, comment, _days = FEEDBACK_NONCONFORMITY
    complaint = CitizenFeedback.objects.filter(
        commune=lam, procedure__code=code, kind=FeedbackKind.COMPLAINT, comment=comment
    ).first()
    if complaint is None or complaint.status == FeedbackStatus.NONCONFORMITY:
        return
    finding = services.raise_nonconformity_from_feedback(
        acting_user=officer,
        feedback=complaint,
        owner=officer,
        due_date=timezone.localdate() + datetime.timedelta(days=30),
        description="Bản chứng thực trả chậm 2 ngày so với giấy hẹn, không lập Phiếu xin lỗi và hẹn lại ngày trả kết quả.",
    )
    services.update_action_plan(
        acting_user=officer,
        action=finding.corrective_action,
        immediate_correction="Đã liên hệ xin lỗi người dân và trả kết quả.",
        root_cause="Công chức chứng thực kiêm nhiệm, không theo dõi hạn trả trên sổ theo dõi hồ sơ.",
        action_plan="Theo dõi hạn trả hằng ngày trên hệ thống một cửa; lập phiếu xin lỗi khi trễ hạn.",
    )


def _completed_year(lam, people) -> None:
    officer, leader, auditor_user = people[OFFICER], people[LEADER], people[AUDITOR]
    auditor = _auditor_pool(lam, officer, auditor_user)
    _objectives(lam, officer)
    programme = _programme(lam, officer, leader, auditor)
    plan = _audit(programme, officer, auditor)
    actions = _findings(plan, officer, auditor_user)
    _work_on_actions(actions, officer, auditor_user)
    services.complete_plan(
        acting_user=auditor_user,
        plan=plan,
        completed_on=AUDIT_DAYS[1],
        conclusion="Hệ thống quản lý chất lượng của UBND thị trấn được duy trì phù hợp với TCVN ISO 9001:2015; "
        "cần khắc phục 1 điểm không phù hợp nặng và 3 điểm không phù hợp nhẹ.",
    )
    risk_demo.lam_register(lam, officer)
    _review(lam, officer, leader)
    services.copy_programme_to_next_year(acting_user=officer, programme=programme)


def _follow_up_audit(lam, officer):
    """A follow-up audit in the 2025 programme, checklist generated, for the auditor to carry out now."""
    programme = AuditProgramme.objects.filter(commune=lam, year=YEAR).first()
    if programme is None or programme.plans.filter(title=FOLLOW_UP_TITLE).exists():
        return None
    first = programme.plans.order_by("sequence").first()
    auditor = first.lead_auditor
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=1), today + datetime.timedelta(days=6)
    plan = services.create_plan(
        acting_user=officer,
        programme=programme,
        title=FOLLOW_UP_TITLE,
        objectives="Kiểm tra xác nhận việc thực hiện và hiệu lực của các hành động khắc phục sau đánh giá nội bộ "
        f"năm {YEAR}; đánh giá lại các quá trình có điểm không phù hợp.",
        criteria=programme.criteria,
        planned_start=start,
        planned_end=end,
        lead_auditor=auditor,
        team=[auditor],
        clauses=list(IsoClause.objects.filter(number__in=FOLLOW_UP_CLAUSES)),
        document_number="27",
    )
    rows = [
        services.ProcessInput(
            title=p.title,
            document_code=p.document_code,
            document_id=p.document_id,
            issue_number=p.issue_number,
            responsible_unit=p.responsible_unit,
            auditee=p.auditee,
            auditor=auditor,
            audit_date=end,
        )
        for p in first.processes.order_by("order", "pk")
    ]
    services.set_plan_scope(acting_user=officer, plan=plan, processes=rows)
    services.generate_checklist(acting_user=officer, plan=plan)
    return plan


def _auditor_pool(lam, officer, auditor_user) -> Auditor:
    auditor = services.save_auditor(
        acting_user=officer,
        commune=lam,
        user=auditor_user,
        home_unit="Văn phòng – Thống kê",
        position="Công chức Văn phòng – Thống kê",
        competence="Đánh giá viên nội bộ từ năm 2019; đã đánh giá 6 cuộc.",
    )
    services.save_training(
        acting_user=officer,
        auditor=auditor,
        course="Đánh giá viên nội bộ theo TCVN ISO 9001:2015",
        certificate_number="0245/2024/CN-ĐGNB",
        issued_on=datetime.date(2024, 8, 16),
        issuer="Chi cục Tiêu chuẩn Đo lường Chất lượng Nam Định",
    )
    return auditor


def _objectives(lam, officer) -> None:
    for year, rows in OBJECTIVES.items():
        for statement, target, result, achieved in rows:
            services.save_objective(
                acting_user=officer,
                commune=lam,
                year=year,
                statement=statement,
                target=target,
                result=result,
                achieved=achieved,
            )


def _programme(lam, officer, leader, auditor) -> AuditProgramme:
    programme = services.create_programme(
        acting_user=officer,
        commune=lam,
        year=YEAR,
        title=f"Chương trình đánh giá nội bộ năm {YEAR}",
        objectives="Xác định mức độ phù hợp và hiệu lực của HTQLCL theo TCVN ISO 9001:2015 tại UBND thị trấn Lâm; "
        "phát hiện điểm không phù hợp và cơ hội cải tiến.",
        scope="Các quy trình giải quyết TTHC thuộc thẩm quyền của UBND thị trấn và các quá trình quản lý của HTQLCL.",
        criteria="TCVN ISO 9001:2015; Quyết định 19/2014/QĐ-TTg; các quy trình nội bộ đã ban hành.",
        audit_month=6,
        clauses=list(IsoClause.objects.filter(number__in=CLAUSES)),
        auditors=[auditor],
        document_number="05",
    )
    return services.approve_programme(acting_user=leader, programme=programme)


def _scope(lam, auditor) -> list[services.ProcessInput]:
    documents = (selectors.effective_process_documents(lam.pk) or [])[:3]
    if documents:
        return [
            services.ProcessInput(
                title=d.procedure_name,
                document_code=d.document_code,
                document_id=d.document_id,
                auditor=auditor,
                responsible_unit=FIELD_UNITS.get(d.field, OTHER_UNIT),
                audit_date=AUDIT_DAYS[i % 2],
            )
            for i, d in enumerate(documents)
        ]
    return [
        services.ProcessInput(
            title=title,
            document_code=code,
            issue_number=2 if i == 0 else 1,
            responsible_unit=unit,
            auditee=auditee,
            auditor=auditor,
            audit_date=AUDIT_DAYS[i % 2],
        )
        for i, (code, title, unit, auditee) in enumerate(DEFAULT_SCOPE)
    ]


def _audit(programme, officer, auditor):
    plan = services.create_plan(
        acting_user=officer,
        programme=programme,
        title=f"Đánh giá nội bộ HTQLCL năm {YEAR}",
        objectives="Đánh giá việc áp dụng các quy trình giải quyết TTHC và hiệu lực các hành động khắc phục năm trước.",
        criteria=programme.criteria,
        planned_start=AUDIT_DAYS[0],
        planned_end=AUDIT_DAYS[1],
        lead_auditor=auditor,
        team=[auditor],
        document_number="18",
        report_number="21",
    )
    services.set_plan_scope(acting_user=officer, plan=plan, processes=_scope(programme.commune, auditor))
    services.generate_checklist(acting_user=officer, plan=plan)
    return plan


def _checklist_item(plan, clause: str, process):
    return plan.checklist.get(
        clause__number=clause, process=process if IsoClause.objects.get(number=clause).process_level else None
    )


def _due(spec: FindingSpec, today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=spec.due_in_days) if spec.due_in_days else datetime.date(YEAR, 7, 31)


def _findings(plan, officer, auditor_user) -> list:
    processes = list(plan.processes.order_by("order"))
    noted = {}
    for item in plan.checklist.select_related("clause"):
        noted[item.pk] = (
            ChecklistResult.CONFORMING,
            f"Đã xem xét hồ sơ, tài liệu liên quan đến điều {item.clause.number}.",
        )
    actions = []
    today = timezone.localdate()
    for spec in FINDINGS:
        process = processes[spec.process % len(processes)] if spec.process is not None else None
        item = _checklist_item(plan, spec.clause, process)
        nc = spec.kind in FindingKind.nonconformities()
        result = (
            ChecklistResult.NONCONFORMING
            if nc
            else (ChecklistResult.OBSERVATION if spec.kind == FindingKind.OBSERVATION else noted[item.pk][0])
        )
        noted[item.pk] = (result, spec.evidence or noted[item.pk][1])
        finding = services.raise_finding(
            acting_user=auditor_user,
            plan=plan,
            kind=spec.kind,
            clause=item.clause,
            process=process,
            checklist_item=item,
            description=spec.description,
            requirement=spec.requirement,
            evidence=spec.evidence,
            raised_on=AUDIT_DAYS[1],
            owner=officer if nc else None,
            due_date=_due(spec, today) if nc else None,
        )
        if nc:
            actions.append((spec.outcome, finding.corrective_action))
    for item in plan.checklist.all():
        result, evidence = noted[item.pk]
        services.record_checklist_result(acting_user=auditor_user, item=item, result=result, evidence=evidence)
    return actions


def _work_on_actions(actions, officer, auditor_user) -> None:
    for outcome, action in actions:
        if outcome == "open":
            continue
        services.update_action_plan(
            acting_user=officer,
            action=action,
            immediate_correction="Đã khắc phục ngay các hồ sơ được chỉ ra.",
            root_cause="Công chức chưa nắm đầy đủ yêu cầu của quy trình; chưa có kiểm tra chéo định kỳ.",
            action_plan="Tập huấn lại quy trình cho công chức liên quan; Văn phòng kiểm tra chéo hằng tháng.",
        )
        services.add_progress(
            acting_user=officer, action=action, note="Đã tổ chức tập huấn lại quy trình.", percent_done=60
        )
        if outcome == "in_progress":
            continue
        services.submit_for_verification(acting_user=officer, action=action)
        if outcome == "awaiting":
            continue
        effective = outcome == "closed"
        services.verify_action(
            acting_user=auditor_user,
            action=action,
            effective=effective,
            note="Kiểm tra 20 hồ sơ tháng 7/2025: đều thực hiện đúng quy trình."
            if effective
            else "Kiểm tra lại: tại bộ phận một cửa vẫn còn bản quy trình cũ.",
        )


def _review(lam, officer, leader) -> None:
    review = services.create_review(
        acting_user=leader,
        commune=lam,
        year=YEAR,
        title=f"Họp xem xét của lãnh đạo năm {YEAR}",
        planned_on=datetime.date(YEAR, 12, 18),
        location="Phòng họp UBND thị trấn Lâm",
        chair=leader,
        secretary=officer,
        attendees="Trần Văn Bình – Chủ tịch UBND thị trấn\nNguyễn Thị Hoa – Thư ký ISO\nPhạm Minh Tuấn – đánh giá viên nội bộ",
        document_number="42",
    )
    services.add_decision(
        acting_user=leader,
        review=review,
        topic=DecisionTopic.IMPROVEMENT,
        text="Áp dụng nhắc hạn tự động trên hệ thống một cửa điện tử cho mọi TTHC.",
        owner=officer,
        due_date=datetime.date(YEAR + 1, 3, 31),
        track=True,
    )
    services.add_decision(
        acting_user=leader,
        review=review,
        topic=DecisionTopic.RESOURCES,
        text="Bố trí thêm 01 máy quét tài liệu cho bộ phận một cửa.",
    )
    services.hold_review(
        acting_user=leader,
        review=review,
        held_on=datetime.date(YEAR, 12, 18),
        conclusions="HTQLCL của UBND thị trấn phù hợp, được duy trì và có hiệu lực; tiếp tục khắc phục các điểm "
        "không phù hợp còn mở và thực hiện các quyết định cải tiến.",
    )


#: The year whose records (context, risks, objectives, feedback, board) the demo's second review reads.
REVIEW_YEAR = 2026


def load_yearly_review(*, acting_user, communes) -> None:
    """Thị trấn Lâm's 2026 management review, planned for December, its inputs assembled from every record of
    the year (loaded after the context, objectives and board demos, whose records it lists)."""
    lam, people = _lam(communes), _people()
    if lam is None or people is None:
        return
    if ManagementReview.objects.filter(commune=lam, year=REVIEW_YEAR).exists():
        return
    leader, officer = people[LEADER], people[OFFICER]
    review = services.create_review(
        acting_user=leader,
        commune=lam,
        year=REVIEW_YEAR,
        title=f"Họp xem xét của lãnh đạo cuối năm {REVIEW_YEAR}",
        planned_on=datetime.date(REVIEW_YEAR, 12, 17),
        location="Phòng họp UBND thị trấn Lâm",
        chair=leader,
        secretary=officer,
        attendees="Trần Văn Bình – Chủ tịch UBND thị trấn\nNguyễn Thị Hoa – Thư ký ISO\nPhạm Minh Tuấn – đánh giá viên nội bộ",
        document_number="",
    )
    services.assemble_review_inputs(acting_user=officer, review=review)
