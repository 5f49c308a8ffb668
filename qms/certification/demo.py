"""Demo lifecycle data: Ý Yên district as its 2021 report describes it.

"mới có 15/31 xã, thị trấn đã công bố hệ thống ISO 9001:2015" — 15 communes
announced between 2019 and 2021, the other 16 at earlier stages, against the
target of 100 % by 31/12/2021; two provincial inspections; the 2025
successor commune of Thị trấn Lâm starting again; the 2025 province's inspection plan
of 2026; and, where the settings trust the demo CA, test signing certificates for Thị
trấn Lâm and its neighbour, whose announcement decision is signed. Everything goes
through the services; a second run adds nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from qms import docx as qd
from qms.signatures import demo as signing_demo
from qms.signatures import services as signing
from qms.units.models import Era

from . import services, sources
from .docx import build_announcement_decision
from .mergers import demo as merger_demo
from .models import (
    Announcement,
    Evidence,
    EvidenceKind,
    Inspection,
    InspectionMethod,
    InspectionPlan,
    ProgressTarget,
)
from .rules import ScopeEntry

YY_DISTRICT = "360"
ANNOUNCED = 15
FIRST_ANNOUNCEMENT = date(2019, 3, 15)
ANNOUNCEMENT_SPACING = timedelta(days=65)
TARGET = (100, date(2021, 12, 31), "Phấn đấu đến hết năm 2021: 100% xã, thị trấn công bố HTQLCL (báo cáo CCHC 2021).")

#: Scope of decisions signed before the process documents were kept in the system.
PAPER_SCOPE = [
    ("1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch", "QT-01/HT"),
    ("1.000894", "Thủ tục đăng ký kết hôn", "Hộ tịch", "QT-02/HT"),
    ("1.000656", "Thủ tục đăng ký khai tử", "Hộ tịch", "QT-03/HT"),
    ("1.004873", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", "QT-04/HT"),
    ("1.004859", "Thủ tục thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc", "Hộ tịch", "QT-05/HT"),
    ("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Chứng thực", "QT-01/CT"),
    ("2.000884", "Chứng thực chữ ký trong các giấy tờ, văn bản", "Chứng thực", "QT-02/CT"),
    (
        "2.001035",
        "Chứng thực giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất, nhà ở",
        "Chứng thực",
        "QT-03/CT",
    ),
    ("1.001612", "Đăng ký thành lập hộ kinh doanh", "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)", "QT-01/KD"),
    ("1.012812", "Hòa giải tranh chấp đất đai", "Đất đai", "QT-01/ĐĐ"),
]

#: (kind, title, days before the announcement) of the evidence an announced commune holds.
ANNOUNCED_EVIDENCE = [
    (EvidenceKind.STEERING_BOARD, "Quyết định thành lập Ban chỉ đạo ISO", 240),
    (EvidenceKind.PLAN, "Kế hoạch xây dựng và áp dụng HTQLCL theo TCVN ISO 9001:2015", 230),
    (EvidenceKind.PROCESS_DOCUMENTS, "Quyết định ban hành hệ thống tài liệu, quy trình ISO", 120),
    (EvidenceKind.INTERNAL_AUDIT, "Báo cáo đánh giá nội bộ", 60),
    (EvidenceKind.MANAGEMENT_REVIEW, "Biên bản họp xem xét của lãnh đạo", 45),
    (EvidenceKind.EFFECTIVENESS, "Xác nhận hiệu lực của HTQLCL", 15),
]


def _scope(commune) -> list[ScopeEntry]:
    return sources.effective_scope(commune_id=commune.pk) or [
        ScopeEntry(code, name, field, document) for code, name, field, document in PAPER_SCOPE
    ]


#: The last year before the 2025 merger whose audits and reviews were kept on paper.
LAST_PAPER_YEAR = 2024
#: Announced communes (by index) that skipped one year's internal audit; the third
#: one is the commune the province's 2024 inspection finds without its audit.
MISSED_AUDITS = {2: 2024, 7: 2022, 11: 2023}


def _evidence(commune, kind, title, issued_on, acting_user, number: int) -> None:
    services.add_evidence(
        commune=commune,
        kind=kind,
        title=title,
        reference=f"{number:02d}/QĐ-UBND" if kind != EvidenceKind.INTERNAL_AUDIT else f"{number:02d}/BC-ISO",
        issued_on=issued_on,
        acting_user=acting_user,
    )


def _announce(commune, index: int, acting_user) -> None:
    signed_on = FIRST_ANNOUNCEMENT + index * ANNOUNCEMENT_SPACING
    for offset, (kind, title, days) in enumerate(ANNOUNCED_EVIDENCE):
        _evidence(commune, kind, title, signed_on - timedelta(days=days), acting_user, 10 + index * 7 + offset)
    scope = _scope(commune)
    number = str(60 + index * 7)
    document = build_announcement_decision(commune=commune, scope=scope, number=number, signed_on=signed_on)
    services.record_announcement(
        commune=commune,
        number=number,
        signed_on=signed_on,
        file=ContentFile(qd.to_bytes(document), name=f"qd-cong-bo-{commune.unit.code}.docx"),
        scope=scope,
        acting_user=acting_user,
    )
    _yearly_records(commune, index, signed_on, acting_user)


def _yearly_records(commune, index: int, signed_on: date, acting_user) -> None:
    """Each year after the announcement: the audit report and the review minutes (kept on paper).

    The announcement year counts too when the audit before it fell in the year before.
    """
    before = signed_on - timedelta(days=ANNOUNCED_EVIDENCE[3][2])
    first = signed_on.year if before.year < signed_on.year else signed_on.year + 1
    for year in range(first, LAST_PAPER_YEAR + 1):
        if MISSED_AUDITS.get(index) != year:
            _evidence(
                commune,
                EvidenceKind.INTERNAL_AUDIT,
                f"Báo cáo đánh giá nội bộ năm {year}",
                date(year, 10, 5 + index),
                acting_user,
                30 + index,
            )
        _evidence(
            commune,
            EvidenceKind.MANAGEMENT_REVIEW,
            f"Biên bản họp xem xét của lãnh đạo năm {year}",
            date(year, 12, 1 + index),
            acting_user,
            90 + index,
        )


def _earlier_stage(commune, index: int, acting_user) -> None:
    """Communes 15–30: applying, building or not started."""
    rest = index - ANNOUNCED
    start = date(2019, 9, 1) + timedelta(days=47 * rest)
    if rest < 12:
        _evidence(
            commune, EvidenceKind.STEERING_BOARD, "Quyết định thành lập Ban chỉ đạo ISO", start, acting_user, 5 + rest
        )
    if rest < 6:
        _evidence(
            commune,
            EvidenceKind.PROCESS_DOCUMENTS,
            "Quyết định ban hành hệ thống tài liệu, quy trình ISO",
            start + timedelta(days=150),
            acting_user,
            40 + rest,
        )


def _inspections(communes, acting_user) -> None:
    lam, other = communes[0], communes[2]
    if not Inspection.objects.filter(commune=lam).exists():
        inspection = services.record_inspection(
            commune=lam,
            inspected_on=date(2021, 10, 20),
            method=InspectionMethod.ON_SITE,
            agency="Sở Khoa học và Công nghệ tỉnh Nam Định",
            decision_reference="412/QĐ-SKHCN",
            minutes_reference="15/BB-KT",
            summary="Hệ thống được duy trì; một số quy trình chưa cập nhật văn bản mới.",
            conclusions=[
                ("Hệ thống quản lý chất lượng được áp dụng đầy đủ tại Bộ phận một cửa.", False),
                ("Quy trình đăng ký khai sinh chưa cập nhật theo văn bản mới; yêu cầu cập nhật.", True),
            ],
            acting_user=acting_user,
        )
        services.record_corrective_report(
            conclusion=inspection.conclusions.get(needs_action=True),
            reported_on=date(2021, 12, 10),
            reference="28/BC-UBND",
            note="Đã cập nhật quy trình đăng ký khai sinh và phổ biến tới công chức một cửa.",
            acting_user=acting_user,
        )
    if not Inspection.objects.filter(commune=other).exists():
        services.record_inspection(
            commune=other,
            inspected_on=date(2024, 10, 15),
            method=InspectionMethod.DOCUMENTS,
            agency="Sở Khoa học và Công nghệ tỉnh Nam Định",
            decision_reference="305/QĐ-SKHCN",
            summary="Kiểm tra qua hồ sơ, báo cáo.",
            conclusions=[("Chưa thực hiện đánh giá nội bộ năm 2024; yêu cầu báo cáo khắc phục.", True)],
            acting_user=acting_user,
        )


def _successor(communes, acting_user) -> None:
    """The 2025 commune formed from Thị trấn Lâm starts building its own QMS."""
    lam = communes[0]
    for successor in lam.successors.all():
        if not Evidence.objects.filter(commune=successor).exists():
            _evidence(
                successor,
                EvidenceKind.STEERING_BOARD,
                "Quyết định thành lập Ban chỉ đạo ISO",
                date(2025, 8, 15),
                acting_user,
                12,
            )
            _evidence(
                successor,
                EvidenceKind.PLAN,
                "Kế hoạch xây dựng HTQLCL năm 2025–2026",
                date(2025, 9, 5),
                acting_user,
                20,
            )


def _signed_decision(communes, acting_user) -> None:
    """Thị trấn Lâm (its leader signs in the admin) and the next announced commune get a demo certificate;
    the latter's announcement decision is signed, so its public page shows the signature."""
    lam, neighbour = communes[0], communes[1]
    if not signing_demo.ensure_demo_certificates(communes=[lam, neighbour], acting_user=acting_user):
        return
    announcement = Announcement.objects.filter(commune=neighbour).order_by("signed_on", "pk").first()
    if announcement is None:
        return
    signed = signing.signed_record_of(announcement)
    if signed is None or not signed.is_signed:
        signing.sign_on_server(record=announcement, acting_user=acting_user)


#: The province's 2026 inspection plan (TT 26/2014 Arts. 33–38), approved by the People's Committee.
PLAN_YEAR = 2026
PLAN_COMMUNES = 6
PLAN_ON_SITE = 2
PLAN_TEAM = [
    {"name": "Đỗ Quang Huy", "position": "Phó Chi cục trưởng", "unit": "Chi cục Tiêu chuẩn Đo lường Chất lượng"},
    {"name": "Vũ Thị Lan", "position": "Chuyên viên", "unit": "Chi cục Tiêu chuẩn Đo lường Chất lượng"},
    {"name": "Nguyễn Đức Minh", "position": "Chuyên viên", "unit": "Sở Nội vụ"},
]


def _inspection_plan(communes, acting_user) -> None:
    """Six 2025 communes of the province, two on site; one inspection done with a report due, one overdue."""
    anchor = next((c for c in communes if c.unit.era == Era.Y2025 and c.unit.code == "13795"), None)
    if anchor is None:
        return
    province = anchor.unit.parent
    if InspectionPlan.objects.filter(province=province, year=PLAN_YEAR).exists():
        return
    chosen = sorted(
        (c for c in communes if c.unit.era == Era.Y2025 and c.unit.parent_id == province.pk), key=lambda c: c.unit.code
    )
    chosen = chosen[:PLAN_COMMUNES]
    plan = services.create_plan(
        province=province,
        year=PLAN_YEAR,
        title="Kế hoạch kiểm tra việc áp dụng HTQLCL năm 2026",
        acting_user=acting_user,
    )
    services.set_plan_team(plan=plan, team=PLAN_TEAM, acting_user=acting_user)
    items = [
        services.add_plan_item(
            plan=plan,
            commune=commune,
            planned_on=date(PLAN_YEAR, 5 + index, 12),
            method=InspectionMethod.ON_SITE if index < PLAN_ON_SITE else InspectionMethod.DOCUMENTS,
            acting_user=acting_user,
        )
        for index, commune in enumerate(chosen)
    ]
    services.submit_plan(plan=plan, acting_user=acting_user)
    services.approve_plan(
        plan=plan,
        approved_on=date(PLAN_YEAR, 2, 10),
        approval_number="318/QĐ-UBND",
        approver_name="Trần Anh Dũng",
        acting_user=acting_user,
    )
    last_day = min(timezone.localdate(), date(PLAN_YEAR, 12, 31))
    done = [
        (
            items[0],
            last_day - timedelta(days=20),
            "Chưa cập nhật quy trình theo thủ tục hành chính mới; yêu cầu cập nhật.",
        ),
        (
            items[1],
            last_day - timedelta(days=75),
            "Chưa thực hiện đánh giá nội bộ năm 2026; yêu cầu báo cáo khắc phục.",
        ),
    ]
    for number, (item, inspected_on, action) in enumerate(done, start=41):
        services.carry_out_item(
            item=item,
            inspected_on=inspected_on,
            decision_reference=f"{number}/QĐ-SKHCN",
            minutes_reference=f"{number}/BB-ĐKT",
            summary="Hệ thống quản lý chất lượng được xây dựng sau sắp xếp đơn vị hành chính.",
            checklist={"scope": {"result": "met"}, "audit": {"result": "not_met", "note": "Chưa thực hiện"}},
            conclusions=[("Bộ phận một cửa áp dụng quy trình ISO.", False), (action, True)],
            acting_user=acting_user,
        )


def load_demo(*, acting_user, communes) -> dict:
    yy = sorted(
        (c for c in communes if c.unit.era == Era.PRE_2025 and c.unit.parent and c.unit.parent.code == YY_DISTRICT),
        key=lambda c: c.unit.code,
    )
    if yy and not ProgressTarget.objects.filter(unit=yy[0].unit.parent).exists():
        percent, target_date, note = TARGET
        services.set_target(
            unit=yy[0].unit.parent, percent=percent, target_date=target_date, note=note, acting_user=acting_user
        )
    for index, commune in enumerate(yy):
        if Evidence.objects.filter(commune=commune).exists() or Announcement.objects.filter(commune=commune).exists():
            continue
        if index < ANNOUNCED:
            _announce(commune, index, acting_user)
        else:
            _earlier_stage(commune, index, acting_user)
    if len(yy) > 2:
        _inspections(yy, acting_user)
        _successor(yy, acting_user)
        _signed_decision(yy, acting_user)
    _inspection_plan(communes, acting_user)
    merger_demo.load_demo(acting_user=acting_user, communes=communes)
    rebuilt = services.rebuild_progress(acting_user=acting_user, only_stale=True)
    return {"communes": rebuilt}
