"""Word documents of the certification app, built on the ``qms.docx`` blocks.

* :func:`build_announcement_decision` — the quyết định công bố HTQLCL
  (QĐ 19/2014 Art. 4.3, Phụ lục I) in the NĐ 30/2020 layout, with the scope
  (the list of TTHC) as a table in Điều 1.
* :func:`build_yearly_report` — the yearly report with the figures of a
  dashboard: a province's goes to the Ministry of Science and Technology
  (Phụ lục II style, with the annex listing every commune's announcement), a
  district's to the provincial Department of Science and Technology.

Issuing body, parent agency and place are those of the document's own date
(:mod:`qms.units.agency`).

The sentences below are the prescribed wording of these administrative forms
(legal layout text, kept in Vietnamese like ``qms.docx.labels``); stage names
and other UI words come from the translation catalogue in Vietnamese.
"""

from __future__ import annotations

from datetime import date

from django.utils import translation

from qms import docx as qd
from qms.docx import labels, legal
from qms.units.agency import Agency, commune_agency, in_sentence, unit_agency
from qms.units.models import Era, Level

from .models import Stage
from .selectors import AnnexRow, ProgressReport, announcement_annex, late_item_json, report_data_gaps

SYMBOL_DECISION = "QĐ-UBND"
SYMBOL_REPORT = "BC-UBND"

SUBJECT_ANNOUNCE = "Về việc công bố Hệ thống quản lý chất lượng phù hợp Tiêu chuẩn quốc gia TCVN ISO 9001:2015"
SUBJECT_REANNOUNCE = "Về việc công bố lại Hệ thống quản lý chất lượng phù hợp Tiêu chuẩn quốc gia TCVN ISO 9001:2015"
QD_101 = (
    "Căn cứ Quyết định số 101/QĐ-BKHCN ngày 21 tháng 01 năm 2019 của Bộ trưởng Bộ Khoa học và Công nghệ "
    "công bố Mô hình khung hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001:2015 cho các "
    "cơ quan, tổ chức thuộc hệ thống hành chính nhà nước tại địa phương"
)
PROPOSAL = "Xét đề nghị của Ban chỉ đạo ISO {agency}"
DECIDES = "QUYẾT ĐỊNH:"
ARTICLE_1 = (
    "Điều 1. {verb} Hệ thống quản lý chất lượng của {agency} phù hợp Tiêu chuẩn quốc gia "
    "TCVN ISO 9001:2015 đối với hoạt động giải quyết thủ tục hành chính. Phạm vi áp dụng gồm "
    "{count} thủ tục hành chính sau:"
)
ARTICLE_2 = (
    "Điều 2. Ban chỉ đạo ISO, Thư ký ISO và cán bộ, công chức của {agency} có trách nhiệm duy trì và cải "
    "tiến Hệ thống quản lý chất lượng; cập nhật quy trình trong thời hạn 03 tháng kể từ ngày văn bản quy "
    "phạm pháp luật có liên quan có hiệu lực; đánh giá nội bộ và xem xét của lãnh đạo ít nhất 01 lần mỗi "
    "năm; công bố lại khi có sự điều chỉnh, mở rộng, thu hẹp phạm vi áp dụng."
)
ARTICLE_3 = (
    "Điều 3. Quyết định này có hiệu lực kể từ ngày ký{replaces}. Văn phòng, Ban chỉ đạo ISO, cán bộ, công "
    "chức {agency} và các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này."
)
REPLACES = " và thay thế Quyết định số {number} ngày {date}"
SCOPE_HEADERS = ("STT", "Mã TTHC", "Tên thủ tục hành chính", "Lĩnh vực", "Quy trình")
SCOPE_WIDTHS_MM = (12, 24, 79, 26, 24)
DOST = "Sở Khoa học và Công nghệ {province}"
MOST = "Bộ Khoa học và Công nghệ"
LIKE_ARTICLE_3 = "Như Điều 3"
WEBSITE = "Trang thông tin điện tử {agency} (để đăng tải)"

REPORT_SUBJECT = (
    "Tình hình xây dựng, áp dụng, duy trì và cải tiến Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia "
    "TCVN ISO 9001:2015 năm {year}"
)
TO = "Kính gửi: {recipient}"
REPORT_INTRO = (
    "Thực hiện Quyết định số 19/2014/QĐ-TTg ngày 05 tháng 3 năm 2014 của Thủ tướng Chính phủ và Thông tư số "
    "26/2014/TT-BKHCN ngày 10 tháng 10 năm 2014 của Bộ trưởng Bộ Khoa học và Công nghệ, {agency} báo cáo "
    "tình hình xây dựng, áp dụng, duy trì và cải tiến Hệ thống quản lý chất lượng tại các {communes} trên "
    "địa bàn năm {year} (số liệu tính đến ngày {as_of}) như sau:"
)
COMMUNE_KINDS = {Era.PRE_2025: "xã, phường, thị trấn", Era.Y2025: "xã, phường, đặc khu"}
SECTION_1 = "I. TÌNH HÌNH XÂY DỰNG, ÁP DỤNG VÀ CÔNG BỐ HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG"
SECTION_2 = "II. TÌNH HÌNH DUY TRÌ, CẢI TIẾN HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG"
SECTION_3 = "III. KẾT QUẢ KIỂM TRA"
SECTION_4 = "IV. DANH SÁCH CÁC ĐƠN VỊ"
SECTION_5 = "V. CÁC VIỆC CHẬM HẠN"
SECTION_6 = "VI. ĐỀ XUẤT, KIẾN NGHỊ"
ANNOUNCED_LINE = (
    "Tổng số đơn vị cấp xã: {total}; đã công bố Hệ thống quản lý chất lượng: {announced}/{total} ({percent}%)."
)
TARGET_LINE = "Mục tiêu: {percent}% đơn vị cấp xã công bố trước ngày {date} ({needed} đơn vị); {state}."
TARGET_MET = "đã đạt"
TARGET_NOT_MET = "chưa đạt, còn {missing} đơn vị chưa công bố"
STAGE_HEADERS = ("STT", "Tình trạng", "Số đơn vị", "Tỷ lệ (%)")
STAGE_WIDTHS_MM = (14, 91, 30, 30)
MAINTENANCE_LINE = (
    "Số đơn vị đã công bố đạt yêu cầu duy trì hằng năm (đánh giá nội bộ, xem xét của lãnh đạo, cập nhật quy "
    "trình, phạm vi áp dụng, khắc phục sau kiểm tra): {ok}; không đạt: {failed}; đang thực hiện: {pending}."
)
LATE_LINE = "Số đơn vị có việc chậm hạn: {communes}; tổng số việc chậm hạn: {items}."
INSPECTION_LINE = (
    "Năm {year} đã kiểm tra {inspected} đơn vị, trong đó kiểm tra trực tiếp tại đơn vị: {on_site}; "
    "số kết luận kiểm tra chưa có báo cáo khắc phục: {open_reports}."
)
COMMUNE_HEADERS = ("STT", "Đơn vị", "Tình trạng", "Quyết định công bố", "Việc chậm hạn")
COMMUNE_WIDTHS_MM = (12, 50, 38, 40, 25)
UNIT_HEADERS = ("STT", "Đơn vị", "Tổng số xã", "Đã công bố", "Tỷ lệ (%)", "Đơn vị chậm hạn")
UNIT_WIDTHS_MM = (12, 55, 24, 25, 22, 27)
LATE_HEADERS = ("STT", "Đơn vị", "Nội dung", "Hạn", "Số ngày chậm")
LATE_WIDTHS_MM = (12, 38, 75, 22, 18)
NO_LATE = "Không có việc chậm hạn."
DATA_GAPS_LINE = "Số xã chưa cập nhật đủ dữ liệu năm {year} (số liệu trên chưa tính các dữ liệu này): {count}."
DATA_GAP_ROW = "- {name}: {items}."
PROPOSE_ANNOUNCE = (
    "Đề nghị {count} đơn vị cấp xã chưa công bố khẩn trương hoàn thành việc xây dựng, áp dụng và công bố Hệ "
    "thống quản lý chất lượng{target}."
)
PROPOSE_TARGET = " để đạt mục tiêu {percent}% trước ngày {date}"
PROPOSE_LATE = (
    "Đề nghị {communes} đơn vị có việc chậm hạn hoàn thành {items} việc chậm hạn (đánh giá nội bộ, xem xét của "
    "lãnh đạo, cập nhật quy trình) và báo cáo kết quả."
)
PROPOSE_MAINTAIN = (
    "Đề nghị {failed} đơn vị không đạt yêu cầu duy trì hằng năm khắc phục ngay, bảo đảm đánh giá nội bộ và xem "
    "xét của lãnh đạo ít nhất 01 lần mỗi năm."
)
PROPOSE_REPORTS = "Đề nghị các đơn vị được kiểm tra gửi {count} báo cáo khắc phục còn thiếu theo kết luận kiểm tra."
PROPOSE_NOT_INSPECTED = (
    "Năm {year} chưa tổ chức kiểm tra việc áp dụng Hệ thống quản lý chất lượng; đề nghị xây dựng kế hoạch kiểm "
    "tra ít nhất 01 lần mỗi năm theo Điều 12 Quyết định số 19/2014/QĐ-TTg."
)
PROPOSE_MINISTRY_2025 = (
    "Kiến nghị Bộ Khoa học và Công nghệ hướng dẫn việc áp dụng, duy trì Hệ thống quản lý chất lượng tại các đơn "
    "vị hành chính cấp xã sau sắp xếp (chính quyền địa phương 02 cấp từ ngày 01/7/2025)."
)
PROPOSE_NOTHING = "Không có đề xuất, kiến nghị."
ANNEX = "PHỤ LỤC"
ANNEX_TITLE = "TÌNH HÌNH CÔNG BỐ HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG CỦA CÁC ĐƠN VỊ CẤP XÃ"
ANNEX_SUBTITLE = "(Kèm theo Báo cáo số {number} ngày {blank} tháng {blank} năm {year} của {agency})"
ANNEX_HEADERS = ("STT", "Đơn vị cấp xã", "Tình trạng công bố", "Ngày công bố", "Số quyết định", "Ghi chú")
ANNEX_WIDTHS_MM = (11, 50, 24, 22, 25, 33)
ANNEX_DISTRICT_HEADERS = (
    "STT",
    "Đơn vị cấp xã",
    "Huyện",
    "Tình trạng công bố",
    "Ngày công bố",
    "Số quyết định",
    "Ghi chú",
)
ANNEX_DISTRICT_WIDTHS_MM = (10, 36, 26, 22, 21, 22, 28)
ANNOUNCED = "Đã công bố"
NOT_ANNOUNCED = "Chưa công bố"
MERGED = "Đã sắp xếp, sáp nhập ngày {date}"
LATE_NOTE = "{count} việc chậm hạn"
ANNEX_TOTAL_CELL = "Tổng cộng: {total} đơn vị"
ANNEX_TOTAL_LINE = "Tổng số: {total} đơn vị cấp xã; đã công bố: {announced}; chưa công bố: {missing}."


_in_text = in_sentence


def agency_in_text(full_name: str) -> str:
    return f"Ủy ban nhân dân {_in_text(full_name)}"


def _grounds(agency: Agency) -> list[str]:
    return [*legal.iso_grounds(agency.era), QD_101, PROPOSAL.format(agency=_in_text(agency.unit_full_name))]


def _scope_rows(scope) -> list[list[str]]:
    items = [item if isinstance(item, dict) else vars(item) for item in scope]
    return [
        [str(i), item["procedure_code"], item["procedure_name"], item.get("field", ""), item.get("document_code", "")]
        for i, item in enumerate(items, start=1)
    ]


def _recipients(agency: Agency) -> list[str]:
    recipients = [LIKE_ARTICLE_3]
    if agency.province is not None:
        recipients.append(DOST.format(province=_in_text(agency.province.full_name)))
    if agency.district is not None:
        recipients.append(f"UBND {_in_text(agency.district.full_name)}")
    recipients += [WEBSITE.format(agency=_in_text(agency.unit_full_name)), labels.LUU_VT]
    return recipients


def decision_is_draft(*, number, signed_on) -> bool:
    """The one rule of this app: an announcement decision is a draft ("DỰ THẢO"
    on every page) until it has its number and signing date, i.e. is issued."""
    return not (number and signed_on)


def _start(*, agency: Agency, number, symbol: str, when: date | None, year: int | None = None):
    doc = qd.new_document()
    qd.add_page_number_header(doc)
    qd.add_national_header(
        doc,
        agency=agency.name,
        parent_agency=agency.parent or None,
        number_line=qd.format_document_number(number, symbol),
        place=agency.place,
        doc_date=when,
        year=year,
    )
    return doc


def build_announcement_decision(
    *,
    commune,
    scope,
    number: str | None = None,
    signed_on: date | None = None,
    signer_name: str = "",
    replaces=None,
):
    """The announcement decision; ``replaces`` (an earlier Announcement) makes it a re-announcement.

    Issued by the commune of ``signed_on`` (the commune's own when the date is not known yet)."""
    issuer = commune_agency(commune, signed_on)
    unit_name = issuer.unit_full_name
    agency = _in_text(unit_name)
    doc = _start(agency=issuer, number=number, symbol=SYMBOL_DECISION, when=signed_on)
    qd.add_document_title(doc, doc_type=labels.QUYET_DINH, subject=SUBJECT_REANNOUNCE if replaces else SUBJECT_ANNOUNCE)
    qd.add_text(doc, issuer.name.upper(), bold=True, align="center", size=14)
    qd.add_legal_grounds(doc, _grounds(issuer))
    qd.add_text(doc, DECIDES, bold=True, align="center", size=14)
    verb = "Công bố lại" if replaces else "Công bố"
    qd.add_body_paragraph(doc, ARTICLE_1.format(verb=verb, agency=agency_in_text(unit_name), count=len(scope)))
    qd.add_table(
        doc, headers=list(SCOPE_HEADERS), rows=_scope_rows(scope), widths_mm=list(SCOPE_WIDTHS_MM), font_size=12
    )
    qd.add_body_paragraph(doc, ARTICLE_2.format(agency=agency_in_text(unit_name)))
    replaced = (
        REPLACES.format(number=replaces.display_number, date=replaces.signed_on.strftime("%d/%m/%Y"))
        if replaces
        else ""
    )
    qd.add_body_paragraph(doc, ARTICLE_3.format(replaces=replaced, agency=agency))
    qd.add_signature_block(
        doc,
        authority_prefix=labels.TM_UY_BAN_NHAN_DAN,
        position=labels.CHU_TICH,
        signer_name=signer_name,
        recipients=_recipients(issuer),
    )
    info = qd.DocumentInfo(
        title=f"{labels.QUYET_DINH.capitalize()} {SUBJECT_REANNOUNCE if replaces else SUBJECT_ANNOUNCE}",
        subject=qd.format_document_number(number, SYMBOL_DECISION),
        author=issuer.name,
        created=signed_on,
        last_modified_by=signer_name,
        draft=decision_is_draft(number=number, signed_on=signed_on),
    )
    return qd.finish_document(doc, info)


# -- yearly report -----------------------------------------------------------------------------------------


def _stage_rows(report: ProgressReport) -> list[list[str]]:
    total = report.totals.total
    rows = [
        [str(i), str(Stage(stage).label), str(n), str(round(n * 100 / total)) if total else "0"]
        for i, (stage, n) in enumerate(report.totals.stages.items(), start=1)
    ]
    rows.append(["", "Tổng cộng", str(total), "100" if total else "0"])
    return rows


def _children_table(doc, report: ProgressReport) -> None:
    if report.children_level == "district":
        rows = [
            [str(i), r.name, str(r.counts.total), str(r.counts.announced), str(r.counts.percent), str(r.late_communes)]
            for i, r in enumerate(report.children, start=1)
        ]
        qd.add_table(doc, headers=list(UNIT_HEADERS), rows=rows, widths_mm=list(UNIT_WIDTHS_MM), font_size=12)
        return
    rows = [
        [
            str(i),
            r.name,
            str(Stage(r.stage).label),
            f"{r.announcement_number} ({r.announced_on:%d/%m/%Y})" if r.announced_on else "",
            str(r.late_count or ""),
        ]
        for i, r in enumerate(report.children, start=1)
    ]
    qd.add_table(doc, headers=list(COMMUNE_HEADERS), rows=rows, widths_mm=list(COMMUNE_WIDTHS_MM), font_size=12)


def _late_table(doc, report: ProgressReport) -> None:
    rows = [
        [
            str(i),
            late.commune,
            item["label"],
            date.fromisoformat(item["deadline"]).strftime("%d/%m/%Y"),
            str(item["days_late"]),
        ]
        for i, (late, item) in enumerate(
            ((late, late_item_json(raw)) for late in report.late for raw in late.items), start=1
        )
    ]
    if rows:
        qd.add_table(doc, headers=list(LATE_HEADERS), rows=rows, widths_mm=list(LATE_WIDTHS_MM), font_size=12)
    else:
        qd.add_body_paragraph(doc, NO_LATE)


def _target_line(report: ProgressReport) -> str | None:
    target = report.target
    if target is None:
        return None
    state = TARGET_MET if target.met else TARGET_NOT_MET.format(missing=target.needed - report.totals.announced)
    return TARGET_LINE.format(
        percent=target.percent, date=target.target_date.strftime("%d/%m/%Y"), needed=target.needed, state=state
    )


def _proposals(report: ProgressReport, year: int, to_ministry: bool) -> list[str]:
    """Section VI: what the figures call for."""
    totals, target = report.totals, report.target
    lines = []
    missing = totals.total - totals.announced
    if missing:
        aim = ""
        if target is not None and not target.met:
            aim = PROPOSE_TARGET.format(percent=target.percent, date=target.target_date.strftime("%d/%m/%Y"))
        lines.append(PROPOSE_ANNOUNCE.format(count=missing, target=aim))
    if report.late_items:
        lines.append(PROPOSE_LATE.format(communes=report.late_communes, items=report.late_items))
    if report.maintenance.get("failed"):
        lines.append(PROPOSE_MAINTAIN.format(failed=report.maintenance["failed"]))
    if report.inspections.get("open_reports"):
        lines.append(PROPOSE_REPORTS.format(count=report.inspections["open_reports"]))
    if totals.announced and not report.inspections.get("inspected"):
        lines.append(PROPOSE_NOT_INSPECTED.format(year=year))
    if to_ministry and report.era == Era.Y2025:
        lines.append(PROPOSE_MINISTRY_2025)
    return lines or [PROPOSE_NOTHING]


def _annex_row(index: int, row: AnnexRow, with_district: bool) -> list[str]:
    if row.announced:
        status, note = ANNOUNCED, ("" if row.stage == Stage.ANNOUNCED else str(Stage(row.stage).label))
    else:
        status, note = NOT_ANNOUNCED, str(Stage(row.stage).label)
    if row.abolished_on:
        note = MERGED.format(date=row.abolished_on.strftime("%d/%m/%Y"))
    elif row.late_count:
        note = "; ".join(x for x in (note, LATE_NOTE.format(count=row.late_count)) if x)
    cells = [
        str(index),
        row.name,
        status,
        row.announced_on.strftime("%d/%m/%Y") if row.announced and row.announced_on else "",
        row.announcement_number if row.announced else "",
        note,
    ]
    if with_district:
        cells.insert(2, row.district)
    return cells


def _annex(doc, unit, year: int) -> None:
    """The Phụ lục the Ministry asks for: every commune of the province, numbered, with totals."""
    rows = announcement_annex(unit)
    with_district = any(row.district for row in rows)
    doc.add_page_break()
    qd.add_text(doc, ANNEX, bold=True, align="center", size=14)
    qd.add_text(doc, ANNEX_TITLE, bold=True, align="center", size=14)
    qd.add_text(
        doc,
        ANNEX_SUBTITLE.format(
            number=f"{labels.BLANK}/{SYMBOL_REPORT}",
            blank=labels.BLANK,
            year=year,
            agency=agency_in_text(unit.full_name),
        ),
        italic=True,
        align="center",
        size=13,
    )
    body = [_annex_row(i, row, with_district) for i, row in enumerate(rows, start=1)]
    announced = sum(1 for row in rows if row.announced)
    total = [
        "",
        ANNEX_TOTAL_CELL.format(total=len(rows)),
        f"{ANNOUNCED}: {announced}",
        "",
        "",
        f"{NOT_ANNOUNCED}: {len(rows) - announced}",
    ]
    if with_district:
        total.insert(2, "")
    body.append(total)
    headers = ANNEX_DISTRICT_HEADERS if with_district else ANNEX_HEADERS
    widths = ANNEX_DISTRICT_WIDTHS_MM if with_district else ANNEX_WIDTHS_MM
    qd.add_table(doc, headers=list(headers), rows=body, widths_mm=list(widths), font_size=11)
    qd.add_body_paragraph(
        doc, ANNEX_TOTAL_LINE.format(total=len(rows), announced=announced, missing=len(rows) - announced)
    )


def _data_gaps(doc, unit, year: int) -> None:
    """The communes whose data for the year is still missing (the list the November reminders sent)."""
    rows = report_data_gaps(unit, year)
    if not rows:
        return
    qd.add_body_paragraph(doc, DATA_GAPS_LINE.format(year=year, count=len(rows)))
    for row in rows:
        items = "; ".join(item["label"] for item in row.items)
        qd.add_body_paragraph(doc, DATA_GAP_ROW.format(name=row.name, items=items))


def build_yearly_report(*, report: ProgressReport, year: int | None = None, report_date: date | None = None):
    """The yearly report of ``report.unit``: a province's to the Ministry of Science and Technology (with
    the annex of every commune), a district's to the provincial Department of Science and Technology.

    Dated ``report_date`` when it is signed; otherwise the day is left to fill in, in the report's year.
    """
    with translation.override("vi"):
        return _yearly_report(report, year or report.as_of.year, report_date)


def _yearly_report(report: ProgressReport, year: int, report_date: date | None):
    unit = report.unit
    issuer = unit_agency(unit)
    province = issuer.province or unit
    to_ministry = unit.level == Level.PROVINCE
    addressee = MOST if to_ministry else DOST.format(province=_in_text(province.full_name))
    doc = _start(agency=issuer, number=None, symbol=SYMBOL_REPORT, when=report_date, year=year)
    qd.add_document_title(doc, doc_type=labels.BAO_CAO, subject=REPORT_SUBJECT.format(year=year))
    qd.add_text(doc, TO.format(recipient=addressee), align="center", size=14)
    totals = report.totals
    qd.add_body_paragraph(
        doc,
        REPORT_INTRO.format(
            agency=agency_in_text(unit.full_name),
            communes=COMMUNE_KINDS.get(unit.era, COMMUNE_KINDS[Era.Y2025]),
            year=year,
            as_of=report.as_of.strftime("%d/%m/%Y"),
        ),
    )
    qd.add_heading(doc, SECTION_1)
    qd.add_body_paragraph(
        doc, ANNOUNCED_LINE.format(total=totals.total, announced=totals.announced, percent=totals.percent)
    )
    if line := _target_line(report):
        qd.add_body_paragraph(doc, line)
    qd.add_table(
        doc, headers=list(STAGE_HEADERS), rows=_stage_rows(report), widths_mm=list(STAGE_WIDTHS_MM), font_size=12
    )
    qd.add_heading(doc, SECTION_2)
    m = report.maintenance
    qd.add_body_paragraph(doc, MAINTENANCE_LINE.format(ok=m["ok"], failed=m["failed"], pending=m["pending"]))
    qd.add_body_paragraph(doc, LATE_LINE.format(communes=report.late_communes, items=report.late_items))
    _data_gaps(doc, unit, year)
    qd.add_heading(doc, SECTION_3)
    qd.add_body_paragraph(doc, INSPECTION_LINE.format(**report.inspections))
    qd.add_heading(doc, SECTION_4)
    _children_table(doc, report)
    qd.add_heading(doc, SECTION_5)
    _late_table(doc, report)
    qd.add_heading(doc, SECTION_6)
    for line in _proposals(report, year, to_ministry):
        qd.add_body_paragraph(doc, line)
    recipients = [MOST, DOST.format(province=_in_text(province.full_name))] if to_ministry else [addressee]
    qd.add_signature_block(
        doc,
        authority_prefix=labels.TM_UY_BAN_NHAN_DAN,
        position=labels.CHU_TICH,
        signer_name="",
        recipients=[*recipients, labels.LUU_VT],
    )
    if to_ministry:
        _annex(doc, unit, year)
    info = qd.DocumentInfo(
        title=f"{labels.BAO_CAO.capitalize()} {REPORT_SUBJECT.format(year=year)}",
        subject=f"{labels.SO} …/{SYMBOL_REPORT}",
        author=f"{labels.UY_BAN_NHAN_DAN} {unit.full_name}",
        created=report_date or report.as_of,
    )
    return qd.finish_document(doc, info)
