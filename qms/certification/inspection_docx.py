"""Word documents of the province's inspections (TT 26/2014 Arts. 33–38), in the NĐ 30/2020 layout.

* :func:`build_inspection_decision` — the inspection decision (Mẫu 20 – QĐKT) of the Department of
  Science and Technology for one planned inspection;
* :func:`build_inspection_minutes` — the minutes (Mẫu 21 – BBKT), with the Art. 36 checklist;
* :func:`build_consolidation` — the Chi cục's November consolidation of the year's plan.

The issuing department is named under the provincial People's Committee of the document's date
(:func:`qms.units.agency.unit_agency`). The sentences are the prescribed wording of the forms, kept in
Vietnamese like ``qms.docx.labels``.
"""

from __future__ import annotations

from datetime import date

from qms import docx as qd
from qms.docx import labels, legal
from qms.people import full_name
from qms.units.agency import commune_agency, in_sentence, unit_agency
from qms.units.models import CommuneRoleGroup, Role

from .models import INSPECTION_CHECKLIST, CheckResult, InspectionMethod
from .selectors import PlanProgress

DOST = "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
CHI_CUC = "CHI CỤC TIÊU CHUẨN ĐO LƯỜNG CHẤT LƯỢNG"
SYMBOL_DECISION = "QĐ-SKHCN"
SYMBOL_MINUTES = "BB-ĐKT"
SYMBOL_CONSOLIDATION = "BC-TĐC"
GIAM_DOC = "GIÁM ĐỐC"
CHI_CUC_TRUONG = "CHI CỤC TRƯỞNG"

SUBJECT = (
    "Về việc kiểm tra việc áp dụng, duy trì và cải tiến Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia "
    "TCVN ISO 9001:2015 tại {commune}"
)
DIRECTOR = "GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ {province}"
PLAN_GROUND = "Căn cứ Kế hoạch kiểm tra năm {year} số {number} ngày {date} được Ủy ban nhân dân {province} phê duyệt"
PROPOSAL = "Theo đề nghị của Chi cục trưởng Chi cục Tiêu chuẩn Đo lường Chất lượng"
DECIDES = "QUYẾT ĐỊNH:"
ARTICLE_1 = (
    "Điều 1. Kiểm tra việc áp dụng, duy trì và cải tiến Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia "
    "TCVN ISO 9001:2015 tại Ủy ban nhân dân {commune}. Thời gian kiểm tra: ngày {date}. Hình thức kiểm tra: {method}."
)
METHODS = {
    InspectionMethod.ON_SITE: "kiểm tra trực tiếp tại đơn vị",
    InspectionMethod.DOCUMENTS: "kiểm tra thông qua hồ sơ, báo cáo",
}
ARTICLE_2 = "Điều 2. Thành lập Đoàn kiểm tra gồm các ông (bà) có tên sau:"
TEAM_HEADERS = ("STT", "Họ và tên", "Chức vụ", "Đơn vị công tác", "Nhiệm vụ")
TEAM_WIDTHS_MM = (12, 45, 35, 48, 25)
LEADER, MEMBER = "Trưởng đoàn", "Thành viên"
NO_TEAM = "(Danh sách Đoàn kiểm tra theo Kế hoạch kiểm tra được phê duyệt.)"
ARTICLE_3 = "Điều 3. Nội dung kiểm tra (Điều 36 Thông tư số 26/2014/TT-BKHCN):"
ARTICLE_4 = (
    "Điều 4. Đoàn kiểm tra có trách nhiệm lập biên bản kiểm tra và báo cáo kết quả. Ủy ban nhân dân {commune} có "
    "trách nhiệm chuẩn bị hồ sơ, tài liệu và báo cáo kết quả khắc phục trong thời hạn 02 tháng kể từ ngày kết "
    "thúc kiểm tra. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Sở, Chi cục trưởng Chi cục Tiêu "
    "chuẩn Đo lường Chất lượng, các thành viên Đoàn kiểm tra và Ủy ban nhân dân {commune} chịu trách nhiệm thi "
    "hành Quyết định này."
)
LIKE_ARTICLE_4 = "Như Điều 4"
PPC = "UBND {province} (để báo cáo)"

MINUTES_SUBJECT = (
    "Kiểm tra việc áp dụng, duy trì và cải tiến Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia "
    "TCVN ISO 9001:2015 tại {commune}"
)
MINUTES_INTRO = (
    "Hôm nay, ngày {date}, tại {place}, Đoàn kiểm tra thành lập theo Quyết định số {decision} của Giám đốc Sở "
    "Khoa học và Công nghệ {province} tiến hành kiểm tra ({method}) việc áp dụng Hệ thống quản lý chất lượng "
    "tại Ủy ban nhân dân {commune}."
)
PLACE_ON_SITE = "trụ sở Ủy ban nhân dân {commune}"
PLACE_DOCUMENTS = "Sở Khoa học và Công nghệ {province}"
PART_1 = "I. THÀNH PHẦN"
TEAM_LINE = "1. Đoàn kiểm tra:"
TEAM_MEMBER = "- Ông (bà) {name}, {position}, {unit} – {role};"
UNIT_LINE = "2. Đại diện Ủy ban nhân dân {commune}:"
UNIT_MEMBER = "- Ông (bà) {name}, {role};"
UNIT_ROLES = {Role.LEADER: "Lãnh đạo Ủy ban nhân dân", Role.ISO_OFFICER: "Thư ký ISO"}
PART_2 = "II. NỘI DUNG VÀ KẾT QUẢ KIỂM TRA"
CHECK_HEADERS = ("STT", "Nội dung kiểm tra", "Kết quả", "Ghi chú")
CHECK_WIDTHS_MM = (12, 88, 30, 35)
RESULTS = {CheckResult.MET: "Đạt", CheckResult.NOT_MET: "Chưa đạt", CheckResult.NOT_APPLICABLE: "Không áp dụng"}
PART_3 = "III. KẾT LUẬN VÀ KIẾN NGHỊ"
SUMMARY = "Nhận xét chung: {summary}"
CONCLUSION = "{index}. {text}"
REPORT_DUE = (
    "Yêu cầu Ủy ban nhân dân {commune} khắc phục và gửi báo cáo kết quả về Sở Khoa học và Công nghệ trước ngày {date}."
)
NO_ACTION = "Không có nội dung phải khắc phục."
CLOSING = "Biên bản được lập thành 02 bản, đã đọc lại cho các thành viên cùng nghe và thống nhất ký tên."
SIGN_UNIT = "ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA"
SIGN_TEAM = "TRƯỞNG ĐOÀN KIỂM TRA"

CONSOLIDATION_SUBJECT = (
    "Tổng hợp kết quả kiểm tra việc áp dụng, duy trì và cải tiến Hệ thống quản lý chất lượng theo Tiêu chuẩn "
    "quốc gia TCVN ISO 9001:2015 năm {year}"
)
TO = "Kính gửi: Sở Khoa học và Công nghệ {province}"
CONSOLIDATION_INTRO = (
    "Thực hiện Kế hoạch kiểm tra năm {year}{approval} và Điều 38 Thông tư số 26/2014/TT-BKHCN, Chi cục Tiêu "
    "chuẩn Đo lường Chất lượng tổng hợp kết quả kiểm tra (số liệu tính đến ngày {as_of}) như sau:"
)
APPROVAL = " số {number} ngày {date}"
FIGURES = (
    "Số đơn vị theo kế hoạch: {planned}; đã kiểm tra: {done}; kiểm tra trực tiếp tại đơn vị theo kế hoạch: "
    "{on_site}/{planned} ({on_site_percent}%); số kết luận: {conclusions}, trong đó {actions} kết luận yêu cầu "
    "khắc phục; báo cáo khắc phục đã nhận: {reports_received}, đã chấp nhận: {reports_accepted}; quá hạn chưa "
    "báo cáo: {reports_overdue}."
)
ROW_HEADERS = ("STT", "Đơn vị", "Kế hoạch", "Hình thức", "Ngày kiểm tra", "Kết luận", "Báo cáo khắc phục")
ROW_WIDTHS_MM = (10, 38, 20, 24, 22, 18, 33)
SHORT_METHODS = {InspectionMethod.ON_SITE: "Trực tiếp", InspectionMethod.DOCUMENTS: "Hồ sơ, báo cáo"}
NOT_DONE = "Chưa kiểm tra"
REPORTS_CELL = "{received}/{actions} đã nhận; {overdue} quá hạn"
NO_REPORT_NEEDED = "Không yêu cầu"


def _dmy(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else labels.BLANK


def _department(province, day: date | None, *, name: str = DOST, parent: str | None = None):
    """The agency block of the department (or its Chi cục), under the province of ``day``."""
    agency = unit_agency(province, day)
    return agency, parent or agency.name, name


def _start(doc_province, day, number, symbol, *, name=DOST, parent=None, year=None):
    agency, parent_name, own = _department(doc_province, day, name=name, parent=parent)
    doc = qd.new_document()
    qd.add_page_number_header(doc)
    qd.add_national_header(
        doc,
        agency=own,
        parent_agency=parent_name,
        number_line=qd.format_document_number(number, symbol),
        place=agency.place,
        doc_date=day,
        year=year,
    )
    return doc, agency


def _team_rows(team: list[dict]) -> list[list[str]]:
    return [
        [str(i), m["name"], m.get("position", ""), m.get("unit", ""), LEADER if i == 1 else MEMBER]
        for i, m in enumerate(team, start=1)
    ]


def build_inspection_decision(*, item, number: str | None = None, signed_on: date | None = None, signer_name=""):
    """Mẫu 20 – QĐKT: the decision to inspect the commune of ``item`` as planned."""
    plan, commune = item.plan, item.commune
    doc, agency = _start(plan.province, signed_on, number, SYMBOL_DECISION, year=plan.year)
    province = in_sentence(agency.unit.full_name)
    commune_name = in_sentence(commune_agency(commune, item.planned_on).unit_full_name)
    qd.add_document_title(doc, doc_type=labels.QUYET_DINH, subject=SUBJECT.format(commune=commune_name))
    qd.add_text(doc, DIRECTOR.format(province=agency.unit.full_name.upper()), bold=True, align="center", size=14)
    grounds = [legal.QD_19, legal.TT_26]
    if plan.approval_number:
        grounds.append(
            PLAN_GROUND.format(
                year=plan.year, number=plan.approval_number, date=_dmy(plan.approved_on), province=province
            )
        )
    qd.add_legal_grounds(doc, [*grounds, PROPOSAL])
    qd.add_text(doc, DECIDES, bold=True, align="center", size=14)
    qd.add_body_paragraph(
        doc, ARTICLE_1.format(commune=commune_name, date=_dmy(item.planned_on), method=METHODS[item.method])
    )
    qd.add_body_paragraph(doc, ARTICLE_2)
    if plan.team:
        qd.add_table(
            doc, headers=list(TEAM_HEADERS), rows=_team_rows(plan.team), widths_mm=list(TEAM_WIDTHS_MM), font_size=12
        )
    else:
        qd.add_body_paragraph(doc, NO_TEAM)
    qd.add_body_paragraph(doc, ARTICLE_3)
    for index, (_key, label) in enumerate(INSPECTION_CHECKLIST, start=1):
        qd.add_body_paragraph(doc, f"{index}. {label}.")
    qd.add_body_paragraph(doc, ARTICLE_4.format(commune=commune_name))
    qd.add_signature_block(
        doc,
        authority_prefix=None,
        position=GIAM_DOC,
        signer_name=signer_name,
        recipients=[LIKE_ARTICLE_4, PPC.format(province=province), "Lưu: VT, TĐC"],
    )
    info = qd.DocumentInfo(
        title=f"{labels.QUYET_DINH.capitalize()} {SUBJECT.format(commune=commune_name)}",
        subject=qd.format_document_number(number, SYMBOL_DECISION),
        author=f"Sở Khoa học và Công nghệ {province}",
        created=signed_on,
        last_modified_by=signer_name,
        draft=not (number and signed_on),
    )
    return qd.finish_document(doc, info)


def unit_representatives(commune) -> list[tuple[str, str]]:
    """(name, role) of the commune's leaders and ISO officers, leaders first, names in natural order."""
    links = CommuneRoleGroup.objects.filter(commune=commune, role__in=list(UNIT_ROLES)).prefetch_related(
        "group__user_set"
    )
    people = []
    for link in sorted(links, key=lambda link: list(UNIT_ROLES).index(link.role)):
        for user in sorted(link.group.user_set.all(), key=lambda u: u.pk):
            if user.is_active:
                people.append((full_name(user), UNIT_ROLES[link.role]))
    return people


def _two_signatures(doc, left: str, right: str, right_name: str) -> None:
    table = qd.new_table(doc, 1, 2, widths_mm=(82, 83), style=None)
    for cell, title, name in zip(table.rows[0].cells, (left, right), ("", right_name), strict=True):
        qd.add_text(cell, title, bold=True, align="center", size=13)
        for _ in range(4):
            qd.add_text(cell, "", size=13)
        qd.add_text(cell, name, bold=True, align="center", size=13)
    qd.keep_block_together(table)


def build_inspection_minutes(*, inspection, number: str | None = None):
    """Mẫu 21 – BBKT: the minutes of a planned inspection, its Art. 36 checklist and its conclusions."""
    item = inspection.plan_item
    plan, commune = item.plan, inspection.commune
    day = inspection.inspected_on
    doc, agency = _start(plan.province, day, number, SYMBOL_MINUTES, name="ĐOÀN KIỂM TRA", parent=DOST)
    province = in_sentence(agency.unit.full_name)
    commune_name = in_sentence(commune_agency(commune, day).unit_full_name)
    qd.add_document_title(doc, doc_type=labels.BIEN_BAN, subject=MINUTES_SUBJECT.format(commune=commune_name))
    place = (PLACE_ON_SITE if inspection.method == InspectionMethod.ON_SITE else PLACE_DOCUMENTS).format(
        commune=commune_name, province=province
    )
    decision = inspection.decision_reference or (
        f"{item.decision_number}/{SYMBOL_DECISION} ngày {_dmy(item.decision_signed_on)}"
        if item.decision_number
        else f"{labels.BLANK}/{SYMBOL_DECISION}"
    )
    qd.add_body_paragraph(
        doc,
        MINUTES_INTRO.format(
            date=_dmy(day),
            place=place,
            decision=decision,
            province=province,
            method=METHODS[inspection.method],
            commune=commune_name,
        ),
    )
    qd.add_heading(doc, PART_1)
    qd.add_body_paragraph(doc, TEAM_LINE)
    for i, member in enumerate(plan.team, start=1):
        qd.add_body_paragraph(
            doc,
            TEAM_MEMBER.format(
                name=member["name"],
                position=member.get("position", ""),
                unit=member.get("unit", ""),
                role=LEADER if i == 1 else MEMBER,
            ),
        )
    qd.add_body_paragraph(doc, UNIT_LINE.format(commune=commune_name))
    for name, role in unit_representatives(commune):
        qd.add_body_paragraph(doc, UNIT_MEMBER.format(name=name, role=role))
    qd.add_heading(doc, PART_2)
    results = inspection.checklist or {}
    rows = [
        [
            str(i),
            label,
            RESULTS.get((results.get(key) or {}).get("result"), ""),
            (results.get(key) or {}).get("note", ""),
        ]
        for i, (key, label) in enumerate(INSPECTION_CHECKLIST, start=1)
    ]
    qd.add_table(doc, headers=list(CHECK_HEADERS), rows=rows, widths_mm=list(CHECK_WIDTHS_MM), font_size=12)
    qd.add_heading(doc, PART_3)
    if inspection.summary:
        qd.add_body_paragraph(doc, SUMMARY.format(summary=inspection.summary))
    conclusions = list(inspection.conclusions.order_by("id"))
    for index, conclusion in enumerate(conclusions, start=1):
        qd.add_body_paragraph(doc, CONCLUSION.format(index=index, text=conclusion.text))
    due = [c.due_on for c in conclusions if c.needs_action and c.due_on]
    qd.add_body_paragraph(doc, REPORT_DUE.format(commune=commune_name, date=_dmy(min(due))) if due else NO_ACTION)
    qd.add_body_paragraph(doc, CLOSING)
    _two_signatures(doc, SIGN_UNIT, SIGN_TEAM, plan.team[0]["name"] if plan.team else "")
    info = qd.DocumentInfo(
        title=f"{labels.BIEN_BAN.capitalize()} {MINUTES_SUBJECT.format(commune=commune_name)}",
        subject=qd.format_document_number(number, SYMBOL_MINUTES),
        author=f"Sở Khoa học và Công nghệ {province}",
        created=day,
    )
    return qd.finish_document(doc, info)


def consolidation_rows(progress: PlanProgress) -> list[list[str]]:
    rows = []
    for i, row in enumerate(progress.rows, start=1):
        item = row.item
        if not row.done:
            reports = ""
        elif row.actions:
            reports = REPORTS_CELL.format(
                received=row.reports_received, actions=row.actions, overdue=row.reports_overdue
            )
        else:
            reports = NO_REPORT_NEEDED
        rows.append(
            [
                str(i),
                item.commune.name,
                _dmy(item.planned_on),
                SHORT_METHODS[item.method],
                _dmy(row.inspection.inspected_on) if row.done else NOT_DONE,
                str(row.conclusions) if row.done else "",
                reports,
            ]
        )
    return rows


def build_consolidation(*, progress: PlanProgress):
    """The Chi cục's November consolidation of the year's plan, for the Department (TT 26/2014 Art. 38)."""
    plan = progress.plan
    doc, agency = _start(plan.province, None, None, SYMBOL_CONSOLIDATION, name=CHI_CUC, parent=DOST, year=plan.year)
    province = in_sentence(agency.unit.full_name)
    subject = CONSOLIDATION_SUBJECT.format(year=plan.year)
    qd.add_document_title(doc, doc_type=labels.BAO_CAO, subject=subject)
    qd.add_text(doc, TO.format(province=province), align="center", size=14)
    approval = APPROVAL.format(number=plan.approval_number, date=_dmy(plan.approved_on)) if plan.approval_number else ""
    qd.add_body_paragraph(
        doc, CONSOLIDATION_INTRO.format(year=plan.year, approval=approval, as_of=_dmy(progress.as_of))
    )
    qd.add_body_paragraph(doc, FIGURES.format(**progress.figures()))
    qd.add_table(
        doc,
        headers=list(ROW_HEADERS),
        rows=consolidation_rows(progress),
        widths_mm=list(ROW_WIDTHS_MM),
        font_size=11,
    )
    qd.add_signature_block(
        doc,
        authority_prefix=None,
        position=CHI_CUC_TRUONG,
        signer_name="",
        recipients=[f"Sở Khoa học và Công nghệ {province}", labels.LUU_VT],
    )
    info = qd.DocumentInfo(title=f"{labels.BAO_CAO.capitalize()} {subject}", author=CHI_CUC.capitalize())
    return qd.finish_document(doc, info)
