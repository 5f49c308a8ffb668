"""Reading a quy trình from Word: our own exports (losslessly), the hand-made
layouts communes write, and the files an officer must be told to fix.

The parser is pure: no test here uses the database.
"""

from __future__ import annotations

import dataclasses
import random
import zipfile
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

import docx
import pytest
from django.utils import translation
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from processes.docx.export import export_process_docx_bytes
from processes.docx.importer import ProcessDocxError, parse_process_docx
from processes.docx.schema import ChangeRow, DossierItem, FeeItem, FormItem, Person, ProcessContent, RecordItem, Step
from tests.processes.test_docx_export import rich_content

SAMPLES = Path(__file__).resolve().parent / "samples"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def round_trip(content: ProcessContent) -> ProcessContent:
    return parse_process_docx(export_process_docx_bytes(content))


def differences(expected: ProcessContent, actual: ProcessContent) -> dict:
    return {
        f.name: (getattr(expected, f.name), getattr(actual, f.name))
        for f in dataclasses.fields(ProcessContent)
        if getattr(expected, f.name) != getattr(actual, f.name)
    }


def is_not_a_word_file(message: str) -> bool:
    return message.startswith("Tệp không phải") and "tài liệu Word (.docx) hợp lệ" in message


def rejection(data: bytes) -> str:
    with translation.override("vi"), pytest.raises(ProcessDocxError) as caught:
        parse_process_docx(data)
    return str(caught.value)


# -- round trip ----------------------------------------------------------------------------------


def test_round_trip_of_a_rich_quy_trinh():
    content = rich_content()
    assert round_trip(content) == content


def test_round_trip_keeps_a_mixed_case_agency_and_empty_optional_fields():
    content = rich_content(
        agency="Ủy ban nhân dân xã Yên Trung",
        procedure_code="",
        issued_on=None,
        effective_date=None,
        references="",
        definitions="",
        fees=[],
        dossier=[],
        forms=[],
        records=[],
        changes=[],
        reviewed=Person(),
    )
    result = round_trip(content)
    assert differences(content, result) == {}
    assert result.agency == "Ủy ban nhân dân xã Yên Trung"


WORDS = (
    "tiếp nhận hồ sơ", "thẩm định", "Sổ hộ tịch", "Ủy ban nhân dân", "công chức Tư pháp - Hộ tịch",
    "đăng ký kết hôn", "xác nhận tình trạng hôn nhân", "Mẫu 01", "05 năm", "Vĩnh viễn", "0,5 ngày",
    "chứng thực bản sao", "đất đai", "Luật Hộ tịch 2014;", "(bản chính)", "ĐƯỢC", "ấn định", "“trích lục”",
)  # fmt: skip


def random_text(rng: random.Random, *, lines: int = 1) -> str:
    return "\n".join(" ".join(rng.sample(WORDS, rng.randint(1, 4))).capitalize() for _ in range(lines))


def maybe(rng: random.Random, value, empty=""):
    return value if rng.random() < 0.7 else empty


def random_date(rng: random.Random) -> date | None:
    return maybe(rng, date(2024, 1, 1) + timedelta(days=rng.randint(0, 900)), None)


def random_person(rng: random.Random) -> Person:
    return Person(maybe(rng, random_text(rng)), maybe(rng, random_text(rng)), random_date(rng))


def random_content(rng: random.Random) -> ProcessContent:
    def prose():
        return maybe(rng, random_text(rng, lines=rng.randint(1, 4)))

    def count():
        return rng.choice([None, 0, 1, 2, 12])

    agency = rng.choice(["ỦY BAN NHÂN DÂN XÃ YÊN TRUNG", "Ủy ban nhân dân phường Đông Hà", "UBND xã Đồng Tâm"])
    return ProcessContent(
        agency=agency,
        title=random_text(rng),
        code=maybe(rng, f"QT-{rng.randint(1, 99):02d}/HT"),
        issue_number=rng.randint(1, 15),
        issued_on=random_date(rng),
        effective_date=random_date(rng),
        procedure_code=maybe(rng, f"{rng.randint(1, 2)}.{rng.randint(0, 999999):06d}"),
        purpose=prose(),
        scope=prose(),
        references=prose(),
        definitions=prose(),
        legal_basis=prose(),
        dossier=[
            DossierItem(random_text(rng), count(), count(), maybe(rng, random_text(rng)))
            for _ in range(rng.randint(0, 4))
        ],
        dossier_sets=prose(),
        processing_time=prose(),
        reception_place=prose(),
        fees=[
            FeeItem(random_text(rng), maybe(rng, random_text(rng)), maybe(rng, random_text(rng)))
            for _ in range(rng.randint(0, 3))
        ],
        steps=[
            Step(f"B{i}", random_text(rng, lines=rng.randint(1, 3)), *(maybe(rng, random_text(rng)) for _ in range(4)))
            for i in range(1, rng.randint(2, 9))
        ],
        forms=[FormItem(maybe(rng, f"Mẫu {i:02d}"), random_text(rng)) for i in range(rng.randint(0, 4))],
        records=[
            RecordItem(random_text(rng), maybe(rng, random_text(rng)), maybe(rng, "05 năm"))
            for _ in range(rng.randint(0, 3))
        ],
        drafted=random_person(rng),
        reviewed=random_person(rng),
        approved=random_person(rng),
        changes=[
            ChangeRow(
                random_text(rng),
                maybe(rng, str(rng.randint(1, 9))),
                random_text(rng, lines=2),
                random_date(rng),
                rng.choice([None, 0, 1, 3]),
            )  # fmt: skip
            for _ in range(rng.randint(0, 3))
        ],
    )


@pytest.mark.parametrize("seed", range(25))
def test_round_trip_of_varied_contents(seed):
    content = random_content(random.Random(seed))
    assert differences(content, round_trip(content)) == {}


def test_round_trip_of_forty_steps():
    content = rich_content(steps=[Step(f"B{i}", f"Bước {i}", "Công chức", "1 giờ") for i in range(1, 41)])
    assert round_trip(content).steps == content.steps


# -- the hand-made sample (tests/processes/samples/make_samples.py) ------------------------------


def test_hand_written_sample_header_and_sections():
    content = parse_process_docx(sample("hand_written_khai_sinh.docx"))
    assert content.agency == "ỦY BAN NHÂN DÂN XÃ YÊN TRUNG"
    assert content.title == "ĐĂNG KÝ KHAI SINH"
    assert content.code == "QT-HT-01"
    assert content.issue_number == 1
    assert content.issued_on == date(2026, 1, 5)  # "ngày 05 tháng 01 năm 2026"
    assert content.effective_date == date(2026, 1, 15)  # "15/01/2026"
    assert content.procedure_code == "1.001193"  # "(mã TTHC: 1.001193)" in the scope
    assert content.purpose.startswith("Quy định trình tự, thủ tục và trách nhiệm giải quyết việc đăng ký khai sinh")
    scope = "Áp dụng đối với thủ tục Đăng ký khai sinh (mã TTHC: 1.001193) tại UBND xã Yên Trung."
    assert content.scope.split("\n")[0] == scope
    assert content.references == ""  # the section is missing
    assert content.definitions.split("\n") == [
        "- UBND: Ủy ban nhân dân;",
        "- TTHC: Thủ tục hành chính;",
        "- Bộ phận Một cửa: Bộ phận Tiếp nhận và Trả kết quả.",
    ]
    legal = content.legal_basis.split("\n")
    assert len(legal) == 6
    assert legal[0] == "- Luật Hộ tịch số 60/2014/QH13 ngày 20/11/2014;"
    assert legal[-1].startswith("- Nghị định số 118/2025/NĐ-CP ngày 09/6/2025")
    assert content.dossier_sets == "01 (một) bộ."  # written on the heading line
    assert content.processing_time.startswith("Ngay trong ngày tiếp nhận hồ sơ; trường hợp nhận hồ sơ sau 15 giờ")
    assert content.reception_place == "Bộ phận Tiếp nhận và Trả kết quả (Bộ phận Một cửa) - UBND xã Yên Trung."
    assert content.fees[0].item.startswith("Miễn lệ phí đối với trường hợp đăng ký khai sinh đúng hạn")


def test_hand_written_sample_steps():
    steps = parse_process_docx(sample("hand_written_khai_sinh.docx")).steps
    assert [step.code for step in steps] == ["B1", "B2", "B3", "B4"]  # "(1) … (6)" and blank rows skipped
    assert steps[0].content.split("\n") == [
        "Tiếp nhận, kiểm tra hồ sơ:",
        "- Hồ sơ đầy đủ, hợp lệ: lập Giấy tiếp nhận hồ sơ và hẹn trả kết quả;",
        "- Hồ sơ chưa đầy đủ: hướng dẫn bổ sung, hoàn thiện hồ sơ;",
        "- Hồ sơ không đủ điều kiện: từ chối tiếp nhận.",
    ]
    assert [(s.responsible, s.duration, s.forms) for s in steps] == [
        ("Công chức Bộ phận Một cửa", "0,5 giờ", "Mẫu 01, Mẫu 02, Mẫu 03"),
        ("Công chức Tư pháp - Hộ tịch", "2 giờ", "Mẫu 05"),
        ("Chủ tịch/Phó Chủ tịch UBND xã", "1 giờ", ""),
        ("Công chức Bộ phận Một cửa", "0,5 giờ", "Mẫu 06"),
    ]
    assert steps[1].content.startswith("Kiểm tra hồ sơ; ghi vào Sổ đăng ký khai sinh")
    assert steps[2].content == "Xem xét, ký Giấy khai sinh."
    assert [s.notes for s in steps] == ["", "Phiếu kiểm soát quá trình đi kèm hồ sơ", "", "Trả kết quả trong ngày"]


def test_hand_written_sample_tables_people_and_forms():
    content = parse_process_docx(sample("hand_written_khai_sinh.docx"))
    assert [(d.name[:30], d.originals, d.copies, d.note) for d in content.dossier] == [
        ("Tờ khai đăng ký khai sinh theo", 1, None, ""),  # "x" = one original
        ("Giấy chứng sinh (nếu không có ", 1, None, ""),
        ("Giấy tờ tùy thân của người đi ", None, None, "Chỉ xuất trình"),
    ]
    assert content.forms == [
        FormItem("Mẫu 01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
        FormItem("Mẫu 02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
        FormItem("Mẫu 03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
        FormItem("Mẫu 05", "Phiếu kiểm soát quá trình giải quyết hồ sơ"),
        FormItem("Mẫu 06", "Sổ theo dõi hồ sơ"),
    ]
    assert [(r.name, r.keeper, r.retention) for r in content.records] == [
        (
            "Hồ sơ đăng ký khai sinh (tờ khai, giấy chứng sinh, Phiếu kiểm soát quá trình)",
            "Công chức Tư pháp - Hộ tịch",
            "05 năm",
        ),  # fmt: skip
        ("Sổ đăng ký khai sinh (Sổ hộ tịch)", "Công chức Tư pháp - Hộ tịch", "Vĩnh viễn"),
        ("Sổ theo dõi hồ sơ (Mẫu 06)", "Công chức Bộ phận Một cửa", "05 năm"),
    ]
    assert content.drafted == Person("Nguyễn Thị Hoa", "Công chức Tư pháp - Hộ tịch")
    assert content.reviewed == Person("Trần Văn Bình", "Phó Chủ tịch UBND xã")
    assert content.approved == Person("Lê Văn Cường", "Chủ tịch UBND xã")
    assert content.changes == []  # only blank rows


def test_committed_sample_is_what_its_script_writes():
    from tests.processes.samples import make_samples

    buffer = BytesIO()
    make_samples.hand_written_khai_sinh().save(buffer)
    assert parse_process_docx(buffer.getvalue()) == parse_process_docx(sample("hand_written_khai_sinh.docx"))


def test_hand_written_sample_exports_and_reads_back_the_same():
    content = parse_process_docx(sample("hand_written_khai_sinh.docx"))
    assert round_trip(content) == content


# -- other hand-made arrangements ------------------------------------------------------------------


def add_grid(container, rows, **kw):
    table = container.add_table(rows=0, cols=len(rows[0]), **kw)
    table.style = "Table Grid"
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=False):
            lines = value.split("\n")
            cell.paragraphs[0].text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    return table


def bold(doc, text, style=None):
    paragraph = doc.add_paragraph(style=style)
    paragraph.add_run(text).bold = True
    return paragraph


def other_layout(*, title_cell="QUY TRÌNH ĐĂNG KÝ KẾT HÔN", step_rows=None, effective="", with_steps=True):
    """Title table in the page header, labels and values in one cell, "Lần sửa
    đổi", headings as plain capitals, Heading styles and bold lines, an
    approval block with a label column, a step table with a divider row and
    a responsible cell merged down, a dossier written as a list."""
    doc = docx.Document()
    header = doc.sections[0].header
    meta = "Mã hiệu: QT-HT-02\nLần sửa đổi: 02\nNgày ban hành: 05/01/2026\nTrang: 1/4" + effective
    add_grid(header, [["UBND XÃ YÊN TRUNG", title_cell, meta]], width=Mm(165))
    add_grid(doc, [
        ["", "Người soạn thảo", "Người xem xét", "Người phê duyệt"],
        ["Họ và tên", "Phạm Thu Trang", "Đỗ Minh Quân", "Vũ Đức Thành"],
        ["Chữ ký", "", "", ""],
        ["Chức vụ", "Công chức Tư pháp - Hộ tịch", "Phó Chủ tịch", "Chủ tịch"],
        ["Ngày ký", "ngày 02 tháng 01 năm 2026", "", "05/01/2026"],
    ])  # fmt: skip
    add_grid(doc, [
        ["STT", "Ngày", "Trang", "Nội dung sửa đổi", "Lần ban hành"],
        ["1", "10/12/2025", "3", "Rút ngắn thời gian B2", "02"],
        ["", "", "", "", ""],
    ])  # fmt: skip
    doc.add_paragraph("1. MỤC ĐÍCH")
    doc.add_paragraph("Thống nhất cách giải quyết đăng ký kết hôn.")
    doc.add_paragraph("Ghi chú nội bộ", style="Heading 1")
    doc.add_paragraph("Dòng này không thuộc mục nào.")
    doc.add_paragraph("2. Phạm vi", style="Heading 1")
    doc.add_paragraph("Áp dụng tại UBND xã Yên Trung.")
    doc.add_paragraph("")
    bold(doc, "5. NỘI DUNG")
    bold(doc, "5.1 Căn cứ pháp lý")
    doc.add_paragraph("Luật Hộ tịch 2014", style="List Bullet")
    bold(doc, "5.2 Thành phần, số lượng hồ sơ")
    doc.add_paragraph("Hồ sơ gồm:")
    doc.add_paragraph("- Tờ khai đăng ký kết hôn;")
    doc.add_paragraph("- Giấy xác nhận tình trạng hôn nhân.")
    bold(doc, "5.4. Thời gian giải quyết: 03 ngày làm việc")
    bold(doc, "5.6 Phí, lệ phí:")
    doc.add_paragraph("Miễn lệ phí.")
    bold(doc, "5.7. Quy trình xử lý")
    table = add_grid(doc, step_rows or [
        ["Bước", "Nội dung", "Bộ phận thực hiện", "Thời gian", "Kết quả", "Diễn giải"],
        ["Giai đoạn tiếp nhận", "", "", "", "", ""],
        ["B1", "Tiếp nhận hồ sơ", "Một cửa", "0,5 ngày", "Mẫu 01", ""],
        ["B2", "Thẩm định", "Tư pháp - Hộ tịch", "2 ngày", "Mẫu 05", "Xác minh nếu cần"],
        ["B3", "Trình ký", "", "0,5 ngày", "", ""],
        ["", "", "", "", "", ""],
    ])  # fmt: skip
    if step_rows is None:
        table.rows[1].cells[0].merge(table.rows[1].cells[5])
        table.rows[3].cells[2].merge(table.rows[4].cells[2])
    if not with_steps:
        table._tbl.getparent().remove(table._tbl)
    bold(doc, "6. Biểu mẫu")
    add_grid(doc, [["STT", "Ký hiệu", "Tên mẫu"], ["1", "Mẫu 01", "Giấy tiếp nhận"]])
    bold(doc, "7. Lưu hồ sơ")
    records = [["TT", "Hồ sơ lưu", "Bộ phận lưu", "Thời hạn lưu"], ["1", "Sổ đăng ký kết hôn", "Tư pháp", "Vĩnh viễn"]]
    add_grid(doc, records)
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def test_title_table_in_the_page_header_with_one_cell_of_labels():
    content = parse_process_docx(other_layout())
    assert (content.agency, content.title, content.code) == ("UBND XÃ YÊN TRUNG", "ĐĂNG KÝ KẾT HÔN", "QT-HT-02")
    assert content.issue_number == 2  # "Lần sửa đổi: 02"
    assert (content.issued_on, content.effective_date) == (date(2026, 1, 5), None)
    assert content.procedure_code == ""


def test_headings_in_capitals_heading_styles_and_bold_lines():
    content = parse_process_docx(other_layout())
    assert content.purpose == "Thống nhất cách giải quyết đăng ký kết hôn."  # the unknown heading's text is left out
    assert content.scope == "Áp dụng tại UBND xã Yên Trung."
    assert content.legal_basis == "- Luật Hộ tịch 2014"  # a Word bullet becomes "- "
    assert content.processing_time == "03 ngày làm việc"
    assert content.fees == [FeeItem("Miễn lệ phí.")]  # the old text paragraph still reads
    assert content.dossier == [DossierItem("Tờ khai đăng ký kết hôn"), DossierItem("Giấy xác nhận tình trạng hôn nhân")]
    assert content.forms == [FormItem("Mẫu 01", "Giấy tiếp nhận")]
    assert content.records == [RecordItem("Sổ đăng ký kết hôn", "Tư pháp", "Vĩnh viễn")]


def test_step_table_with_other_column_names_divider_row_and_merged_cells():
    steps = parse_process_docx(other_layout()).steps
    assert steps == [
        Step("B1", "Tiếp nhận hồ sơ", "Một cửa", "0,5 ngày", "Mẫu 01", ""),
        Step("B2", "Thẩm định", "Tư pháp - Hộ tịch", "2 ngày", "Mẫu 05", "Xác minh nếu cần"),
        Step("B3", "Trình ký", "Tư pháp - Hộ tịch", "0,5 ngày", "", ""),  # merged down from B2
    ]


@pytest.mark.parametrize(
    "columns",
    [
        ["TT", "Trình tự thực hiện", "Người thực hiện", "Thời gian thực hiện", "Hồ sơ/Biểu mẫu", "Ghi chú"],
        ["STT", "Nội dung công việc", "Trách nhiệm", "Thời gian", "Biểu mẫu", "Diễn giải"],
        ["Bước", "NỘI DUNG CÔNG VIỆC", "TRÁCH NHIỆM", "THỜI GIAN", "HỒ SƠ, BIỂU MẪU", "DIỄN GIẢI"],
    ],
)
def test_step_column_names(columns):
    rows = [
        columns,
        ["1", "Tiếp nhận", "Một cửa", "1 giờ", "Mẫu 01", "Trong giờ hành chính"],
        ["2", "Ký", "Chủ tịch", "", "", ""],
    ]
    steps = parse_process_docx(other_layout(step_rows=rows)).steps
    assert steps == [
        Step("1", "Tiếp nhận", "Một cửa", "1 giờ", "Mẫu 01", "Trong giờ hành chính"),
        Step("2", "Ký", "Chủ tịch", "", "", ""),
    ]


def test_step_without_a_number_gets_one():
    rows = [["Nội dung", "Trách nhiệm"], ["Tiếp nhận", "Một cửa"], ["Trả kết quả", "Một cửa"]]
    steps = parse_process_docx(other_layout(step_rows=rows)).steps
    assert [(s.code, s.content) for s in steps] == [("B1", "Tiếp nhận"), ("B2", "Trả kết quả")]


def test_approval_block_with_a_label_column_and_change_rows():
    content = parse_process_docx(other_layout())
    assert content.drafted == Person("Phạm Thu Trang", "Công chức Tư pháp - Hộ tịch", date(2026, 1, 2))
    assert content.reviewed == Person("Đỗ Minh Quân", "Phó Chủ tịch", None)
    assert content.approved == Person("Vũ Đức Thành", "Chủ tịch", date(2026, 1, 5))
    assert content.changes == [ChangeRow("", "3", "Rút ngắn thời gian B2", date(2025, 12, 10), 2)]


def test_title_split_over_merged_rows_and_label_cells():
    """agency | QUY TRÌNH, with the name in the row below; "Mã số" | value cells."""
    doc = docx.Document()
    table = add_grid(doc, [
        ["ỦY BAN NHÂN DÂN\nXÃ ĐỒNG TÂM", "QUY TRÌNH", "Mã số", "QT-07"],
        ["", "Chứng thực bản sao từ bản chính", "Lần ban hành", "03"],
        ["", "", "Ngày hiệu lực", "ngày 1 tháng 3 năm 2026"],
    ])  # fmt: skip
    table.rows[0].cells[0].merge(table.rows[2].cells[0])
    table.rows[1].cells[1].merge(table.rows[2].cells[1])
    doc.add_paragraph().add_run("I. QUY TRÌNH XỬ LÝ CÔNG VIỆC").bold = True
    add_grid(doc, [["Bước", "Nội dung công việc", "Trách nhiệm"], ["B1", "Chứng thực", "Công chức"]])
    buffer = BytesIO()
    doc.save(buffer)
    content = parse_process_docx(buffer.getvalue())
    assert (content.agency, content.title) == ("ỦY BAN NHÂN DÂN XÃ ĐỒNG TÂM", "Chứng thực bản sao từ bản chính")
    assert (content.code, content.issue_number, content.effective_date) == ("QT-07", 3, date(2026, 3, 1))
    assert content.steps == [Step("B1", "Chứng thực", "Công chức")]


def test_title_block_in_the_body_without_a_title_table():
    doc = docx.Document()
    for text in ("ỦY BAN NHÂN DÂN XÃ ĐỒNG TÂM", "QUY TRÌNH", "Cấp bản sao trích lục hộ tịch"):
        paragraph = bold(doc, text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("Mã TTHC: 2.000635")
    add_grid(doc, [["TT", "Nội dung", "Người thực hiện"], ["1", "Tiếp nhận", "Một cửa"]])
    buffer = BytesIO()
    doc.save(buffer)
    content = parse_process_docx(buffer.getvalue())
    assert (content.agency, content.title) == ("ỦY BAN NHÂN DÂN XÃ ĐỒNG TÂM", "Cấp bản sao trích lục hộ tịch")
    assert content.procedure_code == "2.000635"
    assert content.steps == [Step("1", "Tiếp nhận", "Một cửa")]


# -- files the officer must fix -------------------------------------------------------------------


def test_corrupt_file_is_rejected():
    assert is_not_a_word_file(rejection(sample("corrupt.docx")))


@pytest.mark.parametrize("data", [b"hello, this is text", b"PK\x03\x04 broken", b"%PDF-1.7\n"])
def test_bytes_that_are_not_a_docx_are_rejected(data):
    assert is_not_a_word_file(rejection(data))


def test_a_zip_that_is_not_a_word_document_is_rejected():
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert is_not_a_word_file(rejection(buffer.getvalue()))


def test_old_word_doc_is_rejected_with_how_to_fix():
    message = rejection(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    assert "(.doc)" in message and "lưu lại dưới dạng .docx" in message


def test_empty_and_oversized_files_are_rejected():
    assert "hãy chọn tệp Word (.docx)" in rejection(b"")
    message = rejection(b"PK" + b"\0" * (10 * 1024 * 1024))
    assert "quá lớn" in message and "10 MB" in message


def test_a_word_file_that_is_not_a_quy_trinh_is_rejected():
    message = rejection(sample("not_a_process.docx"))
    assert message.startswith("Tài liệu này không phải là quy trình")
    assert "QUY TRÌNH" in message and "bảng các bước" in message


def test_quy_trinh_without_a_name_is_rejected():
    message = rejection(other_layout(title_cell="QUY TRÌNH"))
    assert message.startswith("Không tìm thấy tên quy trình")


def test_quy_trinh_without_a_step_table_is_rejected():
    message = rejection(other_layout(with_steps=False))
    assert message.startswith("Không tìm thấy bảng các bước xử lý")


def test_step_table_without_steps_is_rejected():
    message = rejection(other_layout(step_rows=[["Bước", "Nội dung", "Trách nhiệm"], ["", "", ""]]))
    assert message.startswith("Bảng các bước xử lý") and "chưa có bước nào" in message


def test_impossible_date_is_named_in_the_message():
    message = rejection(other_layout(effective="\nNgày hiệu lực: 31/02/2026"))
    assert message.startswith("Ngày hiệu lực: “31/02/2026” không phải") and "ngày hợp lệ" in message


def test_parsing_is_pure_and_leaves_the_input_alone():
    data = sample("hand_written_khai_sinh.docx")
    before = bytes(data)
    assert parse_process_docx(data) == parse_process_docx(data)
    assert data == before


def test_file_typed_in_a_legacy_vietnamese_font_gets_a_conversion_hint():
    doc = docx.Document()
    for text in ("QUY TR×NH", "§¡NG Ký KHAI SINH"):  # TCVN3 (ABC) bytes shown as Latin-1
        run = doc.add_paragraph().add_run(text)
        run.font.name = ".VnTimeH"
    buffer = BytesIO()
    doc.save(buffer)
    message = rejection(buffer.getvalue())
    assert "(.VnTimeH)" in message and "Unicode" in message and "Unikey" in message


@pytest.mark.parametrize("title", ["Trang bị phương tiện phòng cháy", "Lần đầu cấp giấy phép", "Phí thẩm định"])
def test_a_name_that_starts_like_a_label_or_a_heading_round_trips(title):
    content = rich_content(title=title, agency="Ủy ban nhân dân phường Đông Hà")
    assert round_trip(content) == content


def test_national_header_table_then_a_title_table_without_agency():
    doc = docx.Document()
    add_grid(doc, [["ỦY BAN NHÂN DÂN\nXÃ ĐỒNG TÂM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"]])
    add_grid(doc, [["QUY TRÌNH\nĐĂNG KÝ KHAI TỬ", "Mã hiệu: QT-09\nNgày hiệu lực: 02/03/2026"]])
    doc.add_paragraph("QUY TRÌNH XỬ LÝ CÔNG VIỆC", style="List Number")  # Word numbering, plain capitals
    add_grid(doc, [["TT", "Nội dung", "Trách nhiệm"], ["1", "Tiếp nhận", "Một cửa"]])
    doc.add_paragraph("Biểu mẫu", style="List Number")  # numbered but not capitals: an ordinary line
    buffer = BytesIO()
    doc.save(buffer)
    content = parse_process_docx(buffer.getvalue())
    assert (content.agency, content.title, content.code) == ("ỦY BAN NHÂN DÂN XÃ ĐỒNG TÂM", "ĐĂNG KÝ KHAI TỬ", "QT-09")
    assert content.effective_date == date(2026, 3, 2)
    assert content.steps == [Step("1", "Tiếp nhận", "Một cửa")]
    assert content.forms == []
