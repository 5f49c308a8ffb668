"""Build the sample Word files used by tests/processes/test_docx_import.py.

The files are written with python-docx directly (not with the project's
exporter), the way a commune officer lays out a quy trình by hand in Word:
the title table at the top of the body with merged cells and labels in their
own cells, headings as bold numbered paragraphs, differently named columns,
a "(1) (2) (3)" row and blank rows in the tables, forms as a list.

Run from the repository root:  .venv/bin/python tests/processes/samples/make_samples.py
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

HERE = Path(__file__).resolve().parent

LEGAL_BASIS = [
    "- Luật Hộ tịch số 60/2014/QH13 ngày 20/11/2014;",
    "- Nghị định số 123/2015/NĐ-CP ngày 15/11/2015 của Chính phủ quy định chi tiết một số điều "
    "và biện pháp thi hành Luật Hộ tịch;",
    "- Nghị định số 87/2020/NĐ-CP ngày 28/7/2020 của Chính phủ quy định về Cơ sở dữ liệu hộ tịch "
    "điện tử, đăng ký hộ tịch trực tuyến;",
    "- Thông tư số 04/2020/TT-BTP ngày 28/5/2020 của Bộ Tư pháp quy định chi tiết thi hành một số "
    "điều của Luật Hộ tịch và Nghị định số 123/2015/NĐ-CP;",
    "- Nghị định số 104/2022/NĐ-CP ngày 21/12/2022 của Chính phủ sửa đổi, bổ sung một số điều của "
    "các nghị định liên quan đến việc nộp, xuất trình sổ hộ khẩu, sổ tạm trú giấy;",
    "- Nghị định số 118/2025/NĐ-CP ngày 09/6/2025 của Chính phủ về thực hiện thủ tục hành chính "
    "theo cơ chế một cửa, một cửa liên thông.",
]

DOSSIER = [
    ("1", "Tờ khai đăng ký khai sinh theo mẫu", "x", "", ""),
    (
        "2",
        "Giấy chứng sinh (nếu không có thì nộp văn bản của người làm chứng xác nhận về việc sinh; "
        "nếu không có người làm chứng thì nộp giấy cam đoan về việc sinh)",
        "01",
        "",
        "",
    ),
    ("3", "Giấy tờ tùy thân của người đi đăng ký khai sinh", "", "", "Chỉ xuất trình"),
]

STEPS = [
    (
        "B1",
        [
            "Tiếp nhận, kiểm tra hồ sơ:",
            "- Hồ sơ đầy đủ, hợp lệ: lập Giấy tiếp nhận hồ sơ và hẹn trả kết quả;",
            "- Hồ sơ chưa đầy đủ: hướng dẫn bổ sung, hoàn thiện hồ sơ;",
            "- Hồ sơ không đủ điều kiện: từ chối tiếp nhận.",
        ],
        "Công chức Bộ phận Một cửa",
        "0,5 giờ",
        "Mẫu 01, Mẫu 02, Mẫu 03",
        "",
    ),
    (
        "B2",
        [
            "Kiểm tra hồ sơ; ghi vào Sổ đăng ký khai sinh; cập nhật Cơ sở dữ liệu hộ tịch điện tử và "
            "Cơ sở dữ liệu quốc gia về dân cư để lấy số định danh cá nhân; trình ký Giấy khai sinh."
        ],
        "Công chức Tư pháp - Hộ tịch",
        "2 giờ",
        "Mẫu 05",
        "Phiếu kiểm soát quá trình đi kèm hồ sơ",
    ),
    ("B3", ["Xem xét, ký Giấy khai sinh."], "Chủ tịch/Phó Chủ tịch UBND xã", "1 giờ", "", ""),
    (
        "B4",
        [
            "Trả kết quả; công chức và người đi đăng ký khai sinh cùng ký vào Sổ đăng ký khai sinh; "
            "cập nhật Sổ theo dõi hồ sơ."
        ],
        "Công chức Bộ phận Một cửa",
        "0,5 giờ",
        "Mẫu 06",
        "Trả kết quả trong ngày",
    ),
]

FORMS = [
    "- Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả;",
    "- Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ;",
    "- Mẫu 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ;",
    "- Mẫu 05: Phiếu kiểm soát quá trình giải quyết hồ sơ;",
    "- Mẫu 06: Sổ theo dõi hồ sơ.",
]

RECORDS = [
    (
        "1",
        "Hồ sơ đăng ký khai sinh (tờ khai, giấy chứng sinh, Phiếu kiểm soát quá trình)",
        "Công chức Tư pháp - Hộ tịch",
        "05 năm",
    ),
    ("2", "Sổ đăng ký khai sinh (Sổ hộ tịch)", "Công chức Tư pháp - Hộ tịch", "Vĩnh viễn"),
    ("3", "Sổ theo dõi hồ sơ (Mẫu 06)", "Công chức Bộ phận Một cửa", "05 năm"),
]


# -- helpers ---------------------------------------------------------------------------


def new_doc():
    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)
    return doc


def para(container, text="", *, bold=False, italic=False, center=False):
    paragraph = container.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold or None, italic or None
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def write(cell, lines, *, bold=False):
    """Replace the cell's text with ``lines`` (one paragraph each)."""
    lines = [lines] if isinstance(lines, str) else lines
    first, *rest = lines or [""]
    cell.paragraphs[0].text = ""
    if first:
        cell.paragraphs[0].add_run(first).bold = bold or None
    for line in rest:
        para(cell, line, bold=bold)


def grid_table(doc, header, rows, *, blank_rows=0):
    table = doc.add_table(rows=0, cols=len(header))
    table.style = "Table Grid"
    for values in [header, *rows, *[[""] * len(header)] * blank_rows]:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=False):
            write(cell, value, bold=values is header)
    return table


# -- hand-written quy trình --------------------------------------------------------------


def title_table(doc):
    """agency (merged down) | QUY TRÌNH / name (merged) | label | value."""
    table = doc.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    labels = [("Mã số", "QT-HT-01"), ("Lần ban hành", "01"),
              ("Ngày ban hành", "ngày 05 tháng 01 năm 2026"), ("Ngày hiệu lực", "15/01/2026")]  # fmt: skip
    for row, (label, value) in zip(table.rows, labels, strict=False):
        cells = row.cells
        write(cells[2], label)
        write(cells[3], value)
    agency = table.cell(0, 0).merge(table.cell(3, 0))
    write(agency, ["ỦY BAN NHÂN DÂN", "XÃ YÊN TRUNG"], bold=True)
    write(table.cell(0, 1), "QUY TRÌNH", bold=True)
    name = table.cell(1, 1).merge(table.cell(3, 1))
    write(name, "ĐĂNG KÝ KHAI SINH", bold=True)
    return table


def approval_table(doc):
    return grid_table(
        doc,
        ["NGƯỜI SOẠN THẢO", "NGƯỜI KIỂM TRA", "NGƯỜI PHÊ DUYỆT"],
        [
            ["(Đã ký)", "(Đã ký)", "(Đã ký)"],
            ["Nguyễn Thị Hoa", "Trần Văn Bình", "Lê Văn Cường"],
            ["Công chức Tư pháp - Hộ tịch", "Phó Chủ tịch UBND xã", "Chủ tịch UBND xã"],
        ],
    )


def heading(doc, text):
    para(doc, text, bold=True)


def prose(doc, lines):
    for line in lines:
        para(doc, line)
    para(doc)  # the blank line officers leave before the next heading


def hand_written_khai_sinh():
    doc = new_doc()
    title_table(doc)
    para(doc)
    para(doc, "(Ban hành kèm theo Quyết định số 02/QĐ-UBND ngày 05/01/2026 của Chủ tịch UBND xã Yên Trung)",
         italic=True, center=True)  # fmt: skip
    para(doc)
    approval_table(doc)
    para(doc)
    para(doc, "BẢNG THEO DÕI SỬA ĐỔI", bold=True, center=True)
    grid_table(doc, ["Ngày", "Trang", "Nội dung sửa đổi", "Lần sửa đổi"], [], blank_rows=3)
    para(doc)

    heading(doc, "I. MỤC ĐÍCH")
    prose(doc, ["Quy định trình tự, thủ tục và trách nhiệm giải quyết việc đăng ký khai sinh tại UBND xã "
                "Yên Trung, bảo đảm đúng quy định của pháp luật và đúng thời hạn."])  # fmt: skip
    heading(doc, "II. PHẠM VI ÁP DỤNG")
    prose(doc, ["Áp dụng đối với thủ tục Đăng ký khai sinh (mã TTHC: 1.001193) tại UBND xã Yên Trung.",
                "Công chức Bộ phận Một cửa, công chức Tư pháp - Hộ tịch và lãnh đạo UBND xã thực hiện "
                "quy trình này."])  # fmt: skip
    heading(doc, "III. ĐỊNH NGHĨA VÀ CHỮ VIẾT TẮT")
    prose(doc, ["- UBND: Ủy ban nhân dân;", "- TTHC: Thủ tục hành chính;",
                "- Bộ phận Một cửa: Bộ phận Tiếp nhận và Trả kết quả."])  # fmt: skip
    heading(doc, "IV. NỘI DUNG QUY TRÌNH")
    heading(doc, "4.1. Cơ sở pháp lý")
    prose(doc, LEGAL_BASIS)
    heading(doc, "4.2. Thành phần hồ sơ")
    grid_table(doc, ["TT", "Tên giấy tờ", "Bản chính", "Bản sao", "Ghi chú"], DOSSIER, blank_rows=1)
    para(doc)
    heading(doc, "4.3. Số lượng hồ sơ: 01 (một) bộ.")
    heading(doc, "4.4. Thời hạn giải quyết")
    prose(doc, ["Ngay trong ngày tiếp nhận hồ sơ; trường hợp nhận hồ sơ sau 15 giờ thì trả kết quả trong "
                "ngày làm việc tiếp theo."])  # fmt: skip
    heading(doc, "4.5. Nơi tiếp nhận và trả kết quả")
    prose(doc, ["Bộ phận Tiếp nhận và Trả kết quả (Bộ phận Một cửa) - UBND xã Yên Trung."])
    heading(doc, "4.6. Lệ phí")
    prose(doc, ["- Miễn lệ phí đối với trường hợp đăng ký khai sinh đúng hạn (trong 60 ngày kể từ ngày sinh);",
                "- Đăng ký khai sinh quá hạn: theo mức thu do Hội đồng nhân dân tỉnh quy định."])  # fmt: skip
    heading(doc, "4.7. Quy trình xử lý")
    header = ["TT", "Trình tự thực hiện", "Người thực hiện", "Thời gian thực hiện", "Biểu mẫu/Kết quả", "Ghi chú"]
    numbering = [f"({i})" for i in range(1, 7)]
    grid_table(doc, header, [numbering, *STEPS], blank_rows=2)
    para(doc)
    heading(doc, "V. BIỂU MẪU")
    prose(doc, FORMS)
    heading(doc, "VI. HỒ SƠ CẦN LƯU")
    grid_table(doc, ["TT", "Tên hồ sơ", "Nơi lưu", "Thời gian lưu"], RECORDS, blank_rows=1)
    return doc


# -- not a quy trình ------------------------------------------------------------------------


def meeting_minutes():
    doc = new_doc()
    top = doc.add_table(rows=1, cols=2)
    left, right = top.rows[0].cells
    write(left, ["ỦY BAN NHÂN DÂN", "XÃ YÊN TRUNG"], bold=True)
    write(right, ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"], bold=True)
    para(doc, "BIÊN BẢN", bold=True, center=True)
    para(doc, "Họp Ban chỉ đạo ISO xã Yên Trung", bold=True, center=True)
    heading(doc, "I. THỜI GIAN, ĐỊA ĐIỂM")
    para(doc, "Vào hồi 14 giờ 00 ngày 12 tháng 01 năm 2026, tại Hội trường UBND xã Yên Trung.")
    heading(doc, "II. THÀNH PHẦN")
    grid_table(
        doc,
        ["STT", "Họ và tên", "Chức vụ", "Ký tên"],
        [["1", "Lê Văn Cường", "Chủ tịch UBND xã", ""], ["2", "Nguyễn Thị Hoa", "Thư ký ISO", ""]],
    )
    heading(doc, "III. NỘI DUNG")
    para(doc, "Rà soát các quy trình ISO đã ban hành; phân công cập nhật quy trình đăng ký khai sinh "
              "theo Nghị định số 118/2025/NĐ-CP.")  # fmt: skip
    para(doc, "Cuộc họp kết thúc vào hồi 16 giờ 00 cùng ngày.")
    return doc


def save(doc, name: str) -> bytes:
    path = HERE / name
    doc.save(path)
    return path.read_bytes()


def main() -> None:
    data = save(hand_written_khai_sinh(), "hand_written_khai_sinh.docx")
    save(meeting_minutes(), "not_a_process.docx")
    (HERE / "corrupt.docx").write_bytes(data[: len(data) // 2])


if __name__ == "__main__":
    main()
