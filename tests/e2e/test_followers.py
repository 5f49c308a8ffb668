"""District and provincial officials follow the ISO progress of their communes (README: What each user does)."""

import hashlib
import io
import json
import re
import zipfile

import openpyxl
import pytest
from docx import Document
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

OFFICIALS = {
    "district": ("huyen.yyen", "huyen-demo-2026", "Huyện Ý Yên"),
    "province": ("tinh.namdinh", "tinh-demo-2026", "Tỉnh Ninh Bình"),
}


def _announced(journey) -> tuple[int, int]:
    text = journey.find("#qms-announced").text
    match = re.fullmatch(r"(\d+)/(\d+) đã công bố \(\d+%\)", text)
    assert match, text
    return int(match[1]), int(match[2])


def _downloads(journey) -> dict[str, bytes]:
    session = journey.http_session()
    files = {}
    for link in journey.find_all(".qms-downloads a"):
        response = session.get(link.get_attribute("href"), timeout=60)
        assert response.status_code == 200, (link.text, response.status_code)
        files[link.text] = response
    return files


def _look_at_commune_table(journey, shown_total: int) -> None:
    """Filter the table by stage, late communes and name (typed without diacritics)."""
    rows = journey.find_all("#qms-children tbody tr")
    assert len(rows) == shown_total
    Select(journey.find(".qms-filter select[name=stage]")).select_by_visible_text("Chưa triển khai")
    journey.submit(journey.find(".qms-filter button[type=submit]"))
    stages = {
        row.find_element(By.CSS_SELECTOR, ".qms-stage").text for row in journey.find_all("#qms-children tbody tr")
    }
    assert stages == {"Chưa triển khai"}
    assert journey.find("#qms-children-count").text.startswith("Đang hiển thị ")
    journey.click_link_text("Hiện tất cả")
    assert len(journey.find_all("#qms-children tbody tr")) == shown_total

    late_box = journey.find(".qms-filter input[name=late]")
    journey.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", late_box)
    late_box.click()
    journey.submit(journey.find(".qms-filter button[type=submit]"))
    late_rows = journey.find_all("#qms-children tbody tr")
    assert late_rows and all(r.find_elements(By.CSS_SELECTOR, ".qms-late") for r in late_rows)
    journey.click_link_text("Hiện tất cả")


@pytest.mark.parametrize("role", ["district", "province"])
def test_official_follows_progress_and_downloads_the_reports(journey, live_demo_server, role):
    username, password, unit_name = OFFICIALS[role]
    journey.login(username, password)
    journey.click_link_text("Tiến độ ISO")
    assert unit_name in journey.text()
    announced, total = _announced(journey)
    assert 0 <= announced <= total and total > 0

    # The headline figure is shown whole, not cut under the progress bar, at 1366 px.
    headline = journey.find("#qms-announced")
    meter = journey.find(".qms-kpi--main .qms-meter")
    assert headline.rect["y"] + headline.rect["height"] <= meter.rect["y"]
    assert journey.find("#qms-as-of").text.startswith("Số liệu tổng hợp lúc ")

    if role == "district":
        _look_at_commune_table(journey, total)
        legend = {
            li.text.rsplit(":", 1)[0]: int(li.text.rsplit(":", 1)[1]) for li in journey.find_all("#qms-stages li")
        }
        assert sum(legend.values()) == total

    # The late list: its first commune, under the same name as in the table and on its record.
    files_unit = journey.find(".qms-lineage strong").text
    late_links = journey.find_all("#qms-late-list tbody tr a")
    late_commune = late_links[0].text if late_links else None
    if role == "district":
        assert late_commune in [a.text for a in journey.find_all("#qms-children tbody a")]
    if late_commune:
        journey.click_link_text(late_commune, within=journey.find("#qms-late-list"))
        assert late_commune in journey.find("h1").text
        journey.driver.back()

    files = _downloads(journey)
    assert set(files) == {"Excel", "Báo cáo năm (Word)", "Báo cáo năm (PDF)", "JSON"}  # PDF: LibreOffice is there
    assert files["Báo cáo năm (PDF)"].content.startswith(b"%PDF")
    workbook = openpyxl.load_workbook(io.BytesIO(files["Excel"].content), read_only=True)
    cells = {str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row if c}
    assert late_commune is None or late_commune in cells
    assert any(files_unit in c for c in cells)
    document = Document(io.BytesIO(files["Báo cáo năm (Word)"].content))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "BÁO CÁO" in text and files_unit.casefold() in text.casefold()
    data = files["JSON"].json()
    assert data["unit"]["name"] == files_unit
    assert (data["announced"], data["total"]) == (announced, total)

    # A commune's self-assessment against TT 26/2014 Art. 36, generated from its records, and its Word table.
    commune_link = journey.find_all("#qms-children tbody a[href*='/commune/']")[0]
    journey.follow(commune_link)
    journey.follow(journey.find("#qms-self-assessment-link"))
    rows = journey.find_all("#qms-self-assessment tbody tr")
    assert len(rows) == 13
    shown = [row.find_element(By.CSS_SELECTOR, "td:nth-child(3) .qms-stage").text for row in rows]
    assert set(shown) <= {"Đạt", "Chưa đạt", "Chưa có bằng chứng"}
    response = journey.http_session().get(journey.find("#qms-self-docx").get_attribute("href"), timeout=60)
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    assert "BẢNG TỰ ĐÁNH GIÁ" in "\n".join(p.text for p in document.paragraphs)
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "STT")
    assert [row.cells[2].text for row in table.rows[1:]] == shown

    # Another province's dashboard is refused; a commune of another province does not exist for them.
    journey.visit("/admin/certification/dashboard/?unit=01&era=2025", expect_status=403)
    assert "Không có quyền truy cập" in journey.find("h1").text
    pk, name = live_demo_server.query(
        "SELECT c.id, c.name FROM units_commune c JOIN units_administrativeunit u ON u.id = c.unit_id "
        "WHERE u.code = '00382' AND u.era = '2025'"
    )[0]
    journey.visit(f"/admin/certification/commune/{pk}/", expect_status=404)
    assert "404" in journey.find("h1").text
    assert name not in journey.text()


def test_province_official_plans_the_inspections_and_downloads_the_decision(journey, live_demo_server):
    """TT 26/2014: plan the year's inspections, the one-third rule, approval, the inspection decision."""
    username, password, _unit = OFFICIALS["province"]
    journey.login(username, password)
    journey.click_link_text("Tiến độ ISO")
    plan_box = journey.find("#qms-inspection-plan")
    assert "Đã phê duyệt" in plan_box.text and "2/6" in plan_box.text  # the demo's 2026 plan: 2 of 6 done
    journey.click_link_text("Kế hoạch kiểm tra năm 2026", within=plan_box)
    journey.click_link_text("Tất cả kế hoạch")
    journey.click_link_text("Lập kế hoạch kiểm tra")
    journey.select(journey.find("select[name=province]"), "Tỉnh Ninh Bình")
    journey.type("input[name=year]", "2027")
    journey.submit(journey.find("main .qms-form button[type=submit]"))
    assert "Đã lập kế hoạch kiểm tra." in journey.message()

    def set_date(css: str, day: str) -> None:
        """A date field as its date picker fills it (the browser shows it in its own order)."""
        field = journey.find(css)
        journey.scroll(field)
        journey.driver.execute_script("arguments[0].value = arguments[1];", field, day)

    def add(method: str, day: str) -> None:
        journey.click_link_text("Thêm xã")
        field = journey.find("select[name=commune]")
        journey.select(field, [o.text for o in Select(field).options if o.get_attribute("value")][0])
        set_date("input[name=planned_on]", day)
        journey.select(journey.find("select[name=method]"), method)
        journey.submit(journey.find("main .qms-form button[type=submit]"))
        assert "Đã thêm xã vào kế hoạch." in journey.message()

    for day in ("2027-03-10", "2027-04-14"):
        add("Qua hồ sơ, báo cáo", day)
    journey.submit(journey.find("form[action$='/submit/'] button"))
    journey.click_link_text("Ghi nhận phê duyệt")
    journey.type("input[name=approval_number]", "52/QĐ-UBND")
    set_date("input[name=approved_on]", "2027-01-20")
    journey.submit(journey.find("main .qms-form button[type=submit]"))
    assert "Ít nhất một phần ba số đơn vị phải được kiểm tra trực tiếp tại đơn vị" in journey.text()
    journey.click_link_text("Hủy")
    add("Trực tiếp tại đơn vị", "2027-06-16")
    journey.click_link_text("Ghi nhận phê duyệt")
    journey.type("input[name=approval_number]", "52/QĐ-UBND")
    set_date("input[name=approved_on]", "2027-01-20")
    journey.submit(journey.find("main .qms-form button[type=submit]"))
    assert "Đã ghi nhận phê duyệt kế hoạch." in journey.message()
    assert "phê duyệt tại quyết định số 52/QĐ-UBND ngày 20/01/2027" in journey.find("#qms-plan-status").text

    link = journey.find_all("#qms-plan-items a[href$='decision.docx']")[0]
    response = journey.http_session().get(link.get_attribute("href"), timeout=60)
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "QUYẾT ĐỊNH" in text and "Kế hoạch kiểm tra năm 2027 số 52/QĐ-UBND ngày 20/01/2027" in text


def test_province_official_opens_the_carry_over_of_xa_y_yen(journey, live_demo_server):
    """The merged commune's carry-over: the mapping and its source, a comparison, the reconciliation report."""
    username, password, _unit = OFFICIALS["province"]
    journey.login(username, password)
    pk = live_demo_server.query(
        "SELECT c.id FROM units_commune c JOIN units_administrativeunit u ON u.id = c.unit_id "
        "WHERE u.code = '13795' AND u.era = '2025'"
    )[0][0]
    journey.visit(f"/admin/certification/commune/{pk}/")
    assert "phải công bố lại HTQLCL trước ngày" in journey.find("#qms-reannounce").text
    journey.click_link_text("Chuyển giao HTQLCL sau sáp nhập")
    assert "Nguồn: dvhcvn/20250701" in journey.text() and "(không chính thức)" in journey.text()
    assert "Hoàn thành" in journey.find("#qms-carry-over-state").text
    assert "Xã Yên Khánh" in journey.text() and "Thị trấn Lâm" in journey.text()
    journey.click_link_text("So sánh song song")
    headers = [th.text for th in journey.find_all(".qms-compare thead th")]
    assert any("Thị trấn Lâm" in h for h in headers)
    assert journey.find_all(".qms-compare tbody tr")
    journey.driver.back()
    session = journey.http_session()
    link = journey.driver.find_element(By.LINK_TEXT, "Báo cáo đối chiếu (Word)").get_attribute("href")
    response = session.get(link, timeout=60)
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Thị trấn Lâm" in text and "Xã Yên Khánh" in text


def test_province_official_exports_the_closed_year_of_thi_tran_lam_as_an_archive_package(journey, live_demo_server):
    """Luật Lưu trữ 2024: a merged-away commune's closed year as one package with its manifest and index."""
    username, password, _unit = OFFICIALS["province"]
    journey.login(username, password)
    pk = live_demo_server.query(
        "SELECT c.id FROM units_commune c JOIN units_administrativeunit u ON u.id = c.unit_id "
        "WHERE u.full_name = 'Thị trấn Lâm' AND u.era = 'pre2025'"
    )[0][0]
    journey.visit(f"/admin/certification/commune/{pk}/")
    section = journey.find("#qms-archive")
    assert "Gói lưu trữ năm" in section.text
    journey.select(journey.find("#qms-archive-year"), "2025")
    journey.submit(journey.find("#qms-archive button[type=submit]"))
    assert "Đã yêu cầu gói lưu trữ năm 2025" in journey.message()
    row = journey.find("#qms-archive tbody tr")
    cells = [cell.text for cell in row.find_elements(By.CSS_SELECTOR, "td")]
    assert cells[0] == "2025" and cells[1] == "Sẵn sàng" and int(cells[3]) > 0, cells
    link = row.find_element(By.CSS_SELECTOR, "a").get_attribute("href")
    response = journey.http_session().get(link, timeout=60)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert (manifest["commune"], manifest["year"]) == ("Thị trấn Lâm", 2025)
        assert len(manifest["files"]) == int(cells[3])
        for entry in manifest["files"]:
            assert hashlib.sha256(archive.read(entry["name"])).hexdigest() == entry["sha256"]
            assert entry["retention"], entry
        kinds = {entry["record_type"] for entry in manifest["files"]}
        assert {"audit_programme", "audit_plan", "corrective_action", "management_review"} <= kinds, kinds
        index = archive.read("muc_luc.csv").decode("utf-8-sig").splitlines()
        assert index[0].startswith("STT,Tên tệp,Tiêu đề") and len(index) == len(manifest["files"]) + 1
