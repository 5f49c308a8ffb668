"""The ISO officer of Thị trấn Lâm writes quy trình and prepares the announcement (README: What each user does)."""

import io
import re
from datetime import date

from docx import Document
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

OFFICER = ("iso.lam", "iso-demo-2026")
COMMUNE = "Thị trấn Lâm"
SUCCESSOR_AGENCY = "ỦY BAN NHÂN DÂN XÃ Ý YÊN"
MODEL = ("1.004873", "QTM-03/HT", "Cấp Giấy xác nhận tình trạng hôn nhân")
NEW_CODE = "QT-05/HT"
APPROVED = ("QT-03/HT", "Đăng ký khai tử")
IMPORTED = ("1.004222", "Đăng ký thường trú", "QT-01/CA")
MENU = "Quy trình ISO"


def _row_menu(journey, row_text: str, item: str) -> None:
    """Open the "more" menu of the listing row that shows ``row_text`` and follow ``item``."""
    driver = journey.driver
    row = next(r for r in journey.find_all("main table tbody tr") if row_text in r.text)
    toggle = row.find_element(By.CSS_SELECTOR, ".w-dropdown__toggle")
    journey.scroll(toggle)
    toggle.click()
    WebDriverWait(driver, 10).until(EC.element_to_be_clickable((By.LINK_TEXT, item)))
    journey.click_link_text(item)


def _search_listing(journey, words: str, first_cell: str) -> None:
    """Type in the listing's search box; the results are swapped in without a page load."""
    box = journey.find("input[name=q]")
    box.send_keys(words, Keys.TAB)
    WebDriverWait(journey.driver, 20, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: [r.text.split()[0] for r in d.find_elements(By.CSS_SELECTOR, "main table tbody tr")] == [first_cell]
    )
    WebDriverWait(journey.driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")
    journey.check_accessibility()


def _open_tab(journey, label: str) -> None:
    tab = next(t for t in journey.find_all("[role=tab]") if t.text.strip() == label)
    journey.scroll(tab)
    tab.click()
    WebDriverWait(journey.driver, 10).until(lambda d: tab.get_attribute("aria-selected") == "true")


def _steps(journey) -> list[str]:
    return [t.get_attribute("value") for t in journey.find_all("textarea[name^=steps-][name$=-value-content]")]


def _add_step(journey, code: str, content: str) -> None:
    """Append a step at the end of the step table of the editor."""
    count = journey.find("input[name=steps-count]")
    before = int(count.get_attribute("value"))
    container = count.find_element(By.XPATH, "following-sibling::div[@data-streamfield-stream-container]")
    add = container.find_elements(By.CSS_SELECTOR, "button.c-sf-add-button")[-1]
    journey.scroll(add)
    add.click()
    WebDriverWait(journey.driver, 10).until(lambda d: int(count.get_attribute("value")) == before + 1)
    journey.type(f"input[name=steps-{before}-value-code]", code)
    journey.type(f"textarea[name=steps-{before}-value-content]", content)


def _workflow_action(journey, name: str) -> None:
    """Choose an action of the editor's action menu (its toggle, then the button)."""
    driver = journey.driver
    toggle = journey.find("footer [data-w-dropdown-target=toggle]")
    journey.scroll(toggle)
    toggle.click()
    button = WebDriverWait(driver, 10).until(
        EC.element_to_be_clickable((By.CSS_SELECTOR, f"footer button[name={name}]"))
    )
    journey.submit(button)


def _download(journey, href: str) -> Document:
    response = journey.http_session().get(href, timeout=60)
    assert response.status_code == 200, (href, response.status_code)
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    return Document(io.BytesIO(response.content))


def _all_text(document: Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
        parts += [cell.text for table in section.header.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _replace_everywhere(document: Document, old: str, new: str) -> None:
    """Replace ``old`` in every paragraph of the body, its tables and the page headers."""

    def paragraphs():
        yield from document.paragraphs
        for table in document.tables:
            for row in table.rows:
                for cell in row.cells:
                    yield from cell.paragraphs
        for section in document.sections:
            yield from section.header.paragraphs
            for table in section.header.tables:
                for row in table.rows:
                    for cell in row.cells:
                        yield from cell.paragraphs

    for paragraph in paragraphs():
        if old in paragraph.text:
            paragraph.text = paragraph.text.replace(old, new)


def _step_table(document: Document):
    for table in document.tables:
        header = [cell.text.strip() for cell in table.rows[0].cells]
        if header and header[0] == "Bước":
            return table
    raise AssertionError("no step table in the Word file")


def _open_versions(journey, code: str) -> None:
    journey.menu(MENU, MENU)
    _row_menu(journey, code, "Các phiên bản")
    assert code in journey.find("h1").text or code in journey.text()


def test_officer_starts_from_the_model_edits_and_submits(journey):
    journey.login(*OFFICER)
    journey.menu(MENU, "Danh mục TTHC")
    procedure_code, model_code, name = MODEL
    _search_listing(journey, procedure_code, procedure_code)
    _row_menu(journey, procedure_code, "Soạn quy trình")
    assert Select(journey.find("select[name=procedure]")).first_selected_option.text.startswith(procedure_code)
    assert Select(journey.find("select[name=commune]")).first_selected_option.text == COMMUNE
    Select(journey.find("select[name=model]")).select_by_visible_text(f"{model_code} – {name}")
    journey.submit(journey.find("main form button[type=submit]"))
    assert "Đã tạo bản nháp" in journey.message(), journey.message()
    assert name in journey.find("h1").text

    # The officer gives it the commune's code, rewords a step and adds one.
    journey.type("input[name=code]", NEW_CODE)
    _open_tab(journey, "5. Nội dung quy trình")
    steps = _steps(journey)
    assert len(steps) >= 2, steps
    reworded = "Công chức tư pháp - hộ tịch kiểm tra hồ sơ, đối chiếu Cơ sở dữ liệu hộ tịch điện tử"
    journey.type("textarea[name=steps-1-value-content]", reworded)
    added = "Lưu hồ sơ, cập nhật Sổ theo dõi cấp Giấy xác nhận tình trạng hôn nhân"
    _add_step(journey, f"B{len(steps) + 1}", added)
    journey.submit(journey.find("footer button[type=submit]:not([name])"))
    assert "đã cập nhật" in journey.message().lower() and NEW_CODE in journey.message(), journey.message()
    assert NEW_CODE in journey.find("h1").text
    _open_tab(journey, "5. Nội dung quy trình")
    assert _steps(journey)[1] == reworded and _steps(journey)[-1] == added

    # Submitted for review: the leader has it now.
    _workflow_action(journey, "action-submit")
    assert NEW_CODE in journey.message(), journey.message()
    journey.menu(MENU, MENU)
    row = next(r for r in journey.find_all("main table tbody tr") if NEW_CODE in r.text)
    assert "Đang soát xét" in row.text, row.text

    # The draft sent for review shows the steps as written.
    journey.click_link_text(NEW_CODE, within=row)
    _open_tab(journey, "5. Nội dung quy trình")
    assert reworded in _steps(journey) and added in _steps(journey)


def test_officer_downloads_compares_and_imports_word(journey, tmp_path):
    journey.login(*OFFICER)
    code, name = APPROVED
    _open_versions(journey, code)
    rows = journey.find_all("table.process-versions tbody tr")
    assert [r.find_element(By.CSS_SELECTOR, "td").text for r in rows] == ["02", "01"] or len(rows) >= 2, [
        r.text for r in rows
    ]

    # Download Word of both approved versions.
    links = {
        r.find_element(By.CSS_SELECTOR, "td").text: r.find_element(By.LINK_TEXT, "Tải Word").get_attribute("href")
        for r in rows
    }
    current = _download(journey, links["02"])
    text = _all_text(current)
    assert "QUY TRÌNH" in text.upper() and code in text and name in text, text[:500]
    steps = _step_table(current)
    first_step = steps.rows[1].cells[1].text.strip()
    assert first_step and first_step in text
    older = _all_text(_download(journey, links["01"]))
    assert code in older

    # Compare issue 01 with issue 02: the processing time changed.
    Select(journey.find(".process-compare-form select[name=a]")).select_by_visible_text("Lần ban hành 01")
    Select(journey.find(".process-compare-form select[name=b]")).select_by_visible_text("Lần ban hành 02")
    journey.submit(journey.find(".process-compare-form button[type=submit]"))
    assert journey.find("main h2").text == "Từ Lần ban hành 01 đến Lần ban hành 02"
    changed = {}
    for row in journey.find_all("table.process-differences tbody tr"):
        section, _item, before, after = [td.text for td in row.find_elements(By.CSS_SELECTOR, "td")]
        changed.setdefault(section, (before, after))
    assert "Thời gian xử lý" in changed, list(changed)
    before, after = changed["Thời gian xử lý"]
    assert "Ngay trong ngày tiếp nhận hồ sơ; cần xác minh không quá 03 ngày làm việc." in after
    assert before and before != after

    # The commune's existing Word file for another TTHC, written from the downloaded one.
    procedure_code, procedure_name, new_code = IMPORTED
    current = _download(journey, links["02"])
    _replace_everywhere(current, code, new_code)
    _replace_everywhere(current, name, procedure_name)
    for cell_text in re.findall(r"\b\d\.\d{6}\b", _all_text(current)):
        _replace_everywhere(current, cell_text, procedure_code)
    step_text = "Công an xã tiếp nhận hồ sơ đăng ký thường trú, kiểm tra và cấp Phiếu tiếp nhận"
    table = _step_table(current)
    table.rows[1].cells[1].paragraphs[0].text = step_text
    for paragraph in table.rows[1].cells[1].paragraphs[1:]:
        paragraph.text = ""
    path = tmp_path / "dang-ky-thuong-tru.docx"
    current.save(path)

    journey.menu(MENU, "Nhập từ Word")
    journey.find("input[type=file][name=file]").send_keys(str(path))
    commune = Select(journey.find("select[name=commune]"))
    assert commune.first_selected_option.text == COMMUNE
    journey.submit(journey.find("main form button[type=submit]"))
    assert "Đã nhập" in journey.message(), journey.message() or journey.text()[:1000]
    assert new_code in journey.find("h1").text
    _open_tab(journey, "5. Nội dung quy trình")
    assert _steps(journey)[0] == step_text
    chosen = Select(journey.find("select[name=procedure]")).first_selected_option
    assert procedure_code in chosen.get_attribute("textContent")


def test_officer_keeps_the_checklist_and_prepares_the_announcement(journey, live_demo_server):
    journey.login(*OFFICER)
    journey.click_link_text("Tiến độ ISO")
    if journey.find_all("#qms-checklist") == []:
        journey.click_link_text(COMMUNE, partial=True)
    assert COMMUNE in journey.text()
    record_url = journey.driver.current_url

    # Fill one checklist item: its evidence is kept and listed under it.
    item = journey.find_all("#qms-checklist li.qms-todo, #qms-checklist li.qms-done")[0]
    label = item.find_element(By.CSS_SELECTOR, "strong").text
    journey.click_link_text("Thêm hồ sơ", within=item)
    title = "Quyết định thành lập Ban chỉ đạo ISO (bản lưu của văn phòng)"
    journey.type("input[name=title]", title)
    journey.type("input[name=reference]", "15/QĐ-UBND")
    issued = journey.find("input[name=issued_on]")
    journey.driver.execute_script("arguments[0].value = arguments[1]", issued, date(2026, 3, 2).isoformat())
    journey.submit(journey.find("main form button[type=submit]"))
    assert journey.driver.current_url == record_url
    assert journey.message(), journey.text()[:500]
    kept = next(
        li
        for li in journey.find_all("#qms-checklist > ul > li")
        if li.find_element(By.CSS_SELECTOR, "strong").text == label
    )
    assert title in kept.text and "15/QĐ-UBND" in kept.text and "02/03/2026" in kept.text

    # The announcement decision, generated as Word.
    form = journey.find("#qms-announcement form")
    signer = form.find_element(By.CSS_SELECTOR, "input[name=signer_name]")
    journey.scroll(signer)
    signer.clear()
    signer.send_keys("Trần Văn Bình")
    signed_on = form.find_element(By.CSS_SELECTOR, "input[name=signed_on]")
    journey.driver.execute_script("arguments[0].value = arguments[1]", signed_on, date(2026, 3, 10).isoformat())
    query = journey.driver.execute_script("return new URLSearchParams(new FormData(arguments[0])).toString()", form)
    response = journey.http_session().get(f"{form.get_attribute('action')}?{query}", timeout=60)
    assert response.status_code == 200, response.status_code
    text = _all_text(Document(io.BytesIO(response.content)))
    # Signed in 2026, after Thị trấn Lâm merged into Xã Ý Yên (01/07/2025): the successor issues it.
    assert "QUYẾT ĐỊNH" in text and "công bố" in text.lower() and SUCCESSOR_AGENCY in text, text[:800]
    assert "ngày 10 tháng 3 năm 2026" in text and "Trần Văn Bình" in text


def test_officer_is_refused_another_communes_document(journey, live_demo_server):
    pk, code, commune = live_demo_server.query(
        "SELECT d.id, d.code, c.name FROM processes_processdocument d JOIN units_commune c ON c.id = d.commune_id "
        "WHERE c.name <> 'Thị trấn Lâm' ORDER BY d.id LIMIT 1"
    )[0]
    journey.login(*OFFICER)
    for url in (
        f"/admin/snippets/processes/processdocument/edit/{pk}/",
        f"/admin/snippets/processes/processdocument/versions/{pk}/",
        f"/admin/snippets/processes/processdocument/docx/{pk}/",
    ):
        journey.visit(url, expect_status=404)
        assert "404" in journey.find("h1").text
        assert code not in journey.text() and commune not in journey.text()


def test_officer_records_a_risk_and_sees_it_on_the_heat_map(journey):
    journey.login(*OFFICER)
    journey.menu("Đánh giá nội bộ", "Rủi ro và cơ hội")
    assert "Hồ sơ đăng ký khai sinh, kết hôn giải quyết trễ hạn" in journey.text()  # the demo's starter set
    journey.submit(journey.find("header a[href$='/audits/risks/new/']"))
    description = "Mất điện kéo dài làm gián đoạn bộ phận một cửa"
    journey.type("textarea[name=description]", description)
    journey.type("textarea[name=cause]", "Trạm biến áp cũ; không có máy phát dự phòng")
    journey.select(journey.find("select[name=likelihood]"), "5")
    journey.select(journey.find("select[name=impact]"), "5")
    journey.submit(journey.find("main form button[type=submit]"))
    assert journey.message(), journey.text()[:500]
    assert description in journey.text() and "Rất cao" in journey.text()

    journey.click_link_text("Bản đồ nhiệt")
    cell = journey.find('td[data-likelihood="5"][data-impact="5"]')
    assert cell.get_attribute("data-count") == "1"
    journey.follow(cell.find_element(By.TAG_NAME, "a"))
    rows = journey.find_all("main table tbody tr")
    assert [description in r.text for r in rows] == [True]


def test_officer_opens_the_context_and_scope_and_downloads_it(journey):
    journey.login(*OFFICER)
    journey.menu("Đánh giá nội bộ", "Bối cảnh và phạm vi HTQLCL")
    title = "Bối cảnh và phạm vi năm 2026 – phiên bản 1"
    row = next(r for r in journey.find_all("main table tbody tr") if title in r.text)
    assert "Đã phê duyệt" in row.text and COMMUNE in row.text
    journey.click_link_text(title)
    page = journey.text()
    for expected in ("Mưa lớn, ngập úng cục bộ", "Sở Khoa học và Công nghệ", "Thiết kế và phát triển", "8.3"):
        assert expected in page, expected
    href = journey.driver.find_element(By.LINK_TEXT, "Tải về (Word)").get_attribute("href")
    text = _all_text(_download(journey, href))
    for expected in (
        "BỐI CẢNH, CÁC BÊN QUAN TÂM VÀ PHẠM VI HTQLCL",
        "Biến đổi khí hậu có phải là vấn đề liên quan không? Có",
        "Người dân, tổ chức",
        "Thiết kế và phát triển sản phẩm và dịch vụ",
    ):
        assert expected in text, expected


def test_officer_opens_the_steering_board_and_its_decision_in_word(journey):
    journey.login(*OFFICER)
    journey.menu("Đánh giá nội bộ", "Ban chỉ đạo ISO")
    journey.click_link_text(COMMUNE)
    rows = {
        r.find_element(By.CSS_SELECTOR, "td:nth-child(2)").text: r.text
        for r in journey.find_all("table.board-members tbody tr")
    }
    assert "Trưởng ban" in rows["Trần Văn Bình"] and "Lãnh đạo (phê duyệt)" in rows["Trần Văn Bình"], rows
    assert "Thư ký ISO" in rows["Nguyễn Thị Hoa"], rows
    assert any(name.startswith("Lê Thị Mai") for name in rows), rows
    document = _download(
        journey, journey.find("a[href*='/audits/board/decision/'][href$='/docx/']").get_attribute("href")
    )
    text = _all_text(document)
    assert "Điều 1. Thành lập Ban chỉ đạo ISO" in text and "Số: 12/QĐ-UBND" in text, text[:800]
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "STT")
    assert [row.cells[1].text for row in table.rows[1:3]] == ["Trần Văn Bình", "Lê Thị Mai"]


def test_officer_records_a_review_without_change_and_sees_who_has_read(journey, live_demo_server):
    journey.login(*OFFICER)
    _open_versions(journey, "QT-01/CT")
    journey.click_link_text("Xem xét định kỳ")
    assert "Hạn xem xét tiếp theo:" in journey.text()
    journey.type("textarea[name=review-note]", "Đã rà soát căn cứ pháp lý: còn hiệu lực, không cần sửa.")
    journey.submit(journey.find("form.process-review-form button[type=submit]"))
    assert "Đã ghi nhận “đã xem xét, không thay đổi”" in journey.message(), journey.text()[:500]
    decisions = journey.find("table.process-review-decisions").text
    assert "Đã rà soát căn cứ pháp lý: còn hiệu lực, không cần sửa." in decisions
    assert date.today().strftime("%d/%m/%Y") in decisions

    journey.click_link_text("Xác nhận đã đọc")
    rows = journey.find("table.process-acknowledgements").text
    assert "Chưa xác nhận" in rows and "Phạm Minh Tuấn" in rows
    confirmed_before = journey.find("#ack-summary").text
    journey.submit(journey.find("form.process-ack-form button[type=submit]"))
    assert "Anh/chị đã xác nhận đọc lần ban hành" in journey.message()
    assert journey.find_all("p.process-ack-mine") and not journey.find_all("form.process-ack-form")
    assert "Nguyễn Thị Hoa" in journey.find("table.process-acknowledgements").text
    assert journey.find("#ack-summary").text != confirmed_before


SUGGESTION = "Đề nghị bố trí thêm ghế chờ tại bộ phận một cửa vào buổi sáng."
COMPLAINT = "Công chức yêu cầu nộp thêm giấy xác nhận cư trú"
ANSWER = "UBND thị trấn đã bố trí thêm 10 ghế chờ tại bộ phận một cửa từ tuần này."


def _open_feedback(journey, words: str) -> None:
    journey.menu(MENU, "Ý kiến người dân")
    row = next(r for r in journey.find_all("main table tbody tr") if words in r.text)
    assert "Mới" in row.text, row.text
    journey.follow(row.find_element(By.CSS_SELECTOR, "td a"))


def test_officer_answers_citizens_and_turns_a_complaint_into_a_nonconformity(journey):
    journey.login(*OFFICER)
    _open_feedback(journey, SUGGESTION[:40])
    assert "Góp ý · 2.000815" in journey.find("h1, header").text, journey.find("header").text
    journey.type("textarea[name=answer]", ANSWER)
    journey.submit(journey.find("main form button[type=submit]"))
    assert "Đã cập nhật" in journey.message(), journey.message()
    main = journey.find("main").text  # the feedback as the officer left it
    assert SUGGESTION in main and ANSWER in main and "Trạng thái\nĐã trả lời" in main, main[:1500]
    assert "Người trả lời\nNguyễn Thị Hoa" in main, main[:1500]

    _open_feedback(journey, COMPLAINT)
    journey.find("header button[data-w-dropdown-target=toggle][aria-label='Thao tác']").click()
    convert = WebDriverWait(journey.driver, 10).until(
        EC.element_to_be_clickable((By.LINK_TEXT, "Chuyển thành điểm không phù hợp"))
    )
    journey.follow(convert)
    assert COMPLAINT in journey.find("textarea[name=description]").get_attribute("value")
    journey.select(journey.find("select[name=owner]"), "Nguyễn Thị Hoa", partial=True)
    due = date.fromordinal(date.today().toordinal() + 30).strftime("%d/%m/%Y")
    journey.type("input[name=due_date]", due)
    journey.submit(journey.find("main form button[type=submit]"))
    message = journey.message()
    assert "Đã ghi nhận điểm không phù hợp" in message and "hành động khắc phục" in message, message
    assert re.search(r"/admin/audits/actions/inspect/\d+/$", journey.driver.current_url), journey.driver.current_url
    main = journey.find("main").text
    assert COMPLAINT in main and due in main, main[:800]


ON_TIME_OBJECTIVE = "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn của thị trấn đạt từ 95% trở lên"


def test_officer_imports_one_stop_figures_and_sees_the_chart(journey, live_demo_server, tmp_path):
    codes = [
        row[0]
        for row in live_demo_server.query(
            "SELECT DISTINCT p.code FROM audits_onestopfigure f JOIN processes_procedure p ON p.id = f.procedure_id "
            "ORDER BY p.code"
        )
    ]
    assert len(codes) == 8, codes
    path = tmp_path / "mot-cua-thang-01.csv"
    rows = "".join(f"{code},01/2026,30,29,1,2\n" for code in codes)
    path.write_text("Mã TTHC,Tháng,Tiếp nhận,Đúng hạn,Trễ hạn,Trả lại\n" + rows, encoding="utf-8")

    journey.login(*OFFICER)
    journey.menu("Đánh giá nội bộ", "Số liệu một cửa")
    assert "so-lieu-mot-cua-2026.csv" in journey.text()  # the demo's year of figures
    journey.header_action("Nhập số liệu một cửa")
    assert Select(journey.find("select[name=commune]")).first_selected_option.text == COMMUNE
    journey.find("input[type=file][name=file]").send_keys(str(path))
    journey.submit(journey.find("main form button[type=submit]"))
    preview = journey.find("table#onestop-preview").text
    assert preview.count("01/2026") == 8 and "96,7%" in preview and "thay số liệu cũ" in preview, preview
    journey.submit(journey.find("main form button[type=submit]"))
    assert "Đã nhập 8 dòng số liệu một cửa cho Thị trấn Lâm." in journey.message(), journey.text()[:500]
    assert "mot-cua-thang-01.csv" in journey.text()

    journey.menu("Đánh giá nội bộ", "Mục tiêu chất lượng")
    journey.click_link_text(ON_TIME_OBJECTIVE)
    chart = journey.find("svg.kpi-chart")
    points = chart.find_elements(By.CSS_SELECTOR, "circle.kpi-point")
    assert len(points) >= 1 and points[0].get_attribute("data-month") == "01/2026"
    assert points[0].get_attribute("data-value") == "96.7"
    assert chart.find_elements(By.CSS_SELECTOR, "line.kpi-target")
    assert "96,7%" in journey.find("table#kpi-months").text


def test_officer_exports_every_quy_trinh_as_one_zip(journey):
    import zipfile

    journey.login(*OFFICER)
    journey.menu(MENU, MENU)
    journey.click_link_text("Xuất tất cả quy trình (zip)")
    button = next(b for b in journey.find_all("#qms-bulk-export-request button") if COMMUNE in b.text)
    journey.submit(button)

    def ready_row(driver):
        row = driver.find_element(By.CSS_SELECTOR, "#qms-bulk-exports tbody tr")
        return row if row.get_attribute("data-status") == "ready" else False

    row = WebDriverWait(journey.driver, 300, ignored_exceptions=(StaleElementReferenceException,)).until(ready_row)
    assert COMMUNE in row.text and "Sẵn sàng" in row.text
    progress = row.find_element(By.TAG_NAME, "progress")
    assert progress.get_attribute("value") == progress.get_attribute("max") != "0"
    href = row.find_element(By.LINK_TEXT, "Tải về (zip)").get_attribute("href")
    response = journey.http_session().get(href, timeout=120)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        assert "muc_luc.csv" in names and all(name.isascii() for name in names)
        texts = [_all_text(Document(io.BytesIO(archive.read(n)))) for n in names if n.endswith(".docx")]
    assert any(APPROVED[0] in text and APPROVED[1] in text for text in texts)
