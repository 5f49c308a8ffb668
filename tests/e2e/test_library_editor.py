"""The model library editor re-publishes a provincial model after a legal change; Thị trấn Lâm's
ISO officer sees the "cần cập nhật" flag with its deadline and takes the change (README: What each user does).

Only the model QTM-02/HT and Lâm's copy QT-02/HT change here.
"""

import datetime
import re
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

EDITOR = ("thuvien.namdinh", "thuvien-demo-2026")
OFFICER = ("iso.lam", "iso-demo-2026")
MODEL, COPY, FLAGGED_COPY = "QTM-02/HT", "QT-02/HT", "QT-01/HT"
LEGAL_CHANGE = datetime.date(2027, 1, 1)
DEADLINE = "01/04/2027"  # three months after the legal change


def _footer_action(journey, css: str) -> None:
    """Press a button of the editor's footer action menu (opening its dropdown if needed)."""
    button = next(b for b in journey.find_all(f"footer {css}"))
    if not button.is_displayed():
        toggle = button.find_element(
            By.XPATH, "ancestor::*[@data-controller='w-dropdown'][1]//button[@data-w-dropdown-target='toggle']"
        )
        toggle.click()
        WebDriverWait(journey.driver, 10).until(lambda d: button.is_displayed())
    journey.submit(button)


def _versions(journey, code: str) -> None:
    """The list of Quy trình ISO → the document's row → "Các phiên bản"."""
    journey.menu("Quy trình ISO", "Quy trình ISO")
    row = _row(journey, code)
    links = [
        a for a in row.find_elements(By.TAG_NAME, "a") if a.get_attribute("textContent").strip() == "Các phiên bản"
    ]
    if not (links and links[0].is_displayed()):
        toggle = row.find_element(By.CSS_SELECTOR, "button[data-w-dropdown-target='toggle']")
        journey.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", toggle)
        toggle.click()
        WebDriverWait(journey.driver, 10).until(
            lambda d: [
                a for a in row.find_elements(By.TAG_NAME, "a") if a.text.strip() == "Các phiên bản" and a.is_displayed()
            ]
        )
    journey.click_link_text("Các phiên bản", within=row)


def _refused(journey, path: str) -> None:
    """Wagtail's refusal of an admin view: a redirect to the admin home with its message."""
    journey.visit(path)
    assert re.search(r"/admin/$", journey.driver.current_url), journey.driver.current_url
    assert "không có quyền" in journey.text().lower(), journey.text()


def _tab(journey, label: str) -> None:
    tab = journey.driver.find_element(By.XPATH, f"//a[@role='tab'][starts-with(normalize-space(), '{label}')]")
    journey.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", tab)
    tab.click()
    WebDriverWait(journey.driver, 10).until(lambda d: tab.get_attribute("aria-selected") == "true")


def _row(journey, code: str):
    rows = [r for r in journey.find_all("table.listing tbody tr") if code in r.text.split()]
    assert rows, f"{code} is not listed:\n{journey.text()}"
    return rows[0]


def _open_document(journey, code: str) -> None:
    journey.menu("Quy trình ISO", "Quy trình ISO")
    journey.click_link_text(code, within=_row(journey, code))


def _issues(journey) -> list[int]:
    return [
        int(cell.text)
        for cell in journey.find_all("table.process-versions tbody tr td:first-child")
        if cell.text.isdigit()
    ]


def test_editor_republishes_a_model_and_the_officer_takes_the_change(journey, live_demo_server):
    new_time = f"05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ (Nghị định {uuid.uuid4().hex[:6]}/2026/NĐ-CP)."

    # The library editor: the model, its versions, the edit, the workflow.
    journey.login(*EDITOR)
    _versions(journey, MODEL)
    issues_before = _issues(journey)
    assert issues_before
    _open_document(journey, MODEL)
    assert "/edit/" in journey.driver.current_url

    _tab(journey, "5. Nội dung quy trình")
    journey.type("#id_processing_time", new_time)
    _tab(journey, "Thông tin chung")
    journey.type("#id_change_request", "Nghị định sửa đổi thời hạn đăng ký kết hôn")
    journey.type("#id_legal_change_effective_date", LEGAL_CHANGE.strftime("%d/%m/%Y"))
    journey.find("#id_legal_change_effective_date").send_keys(Keys.ESCAPE)
    _footer_action(journey, "button.action-save")
    assert not journey.find_all(".error-message, .w-field--error"), journey.text()
    if "/edit/" not in journey.driver.current_url:
        journey.click_link_text(MODEL, within=_row(journey, MODEL))
    _tab(journey, "5. Nội dung quy trình")
    assert journey.find("#id_processing_time").get_attribute("value") == new_time

    _footer_action(journey, "button[name='action-submit']")
    for _step in range(2):  # both steps of the approval, done by the library's editors
        if "/edit/" not in journey.driver.current_url:
            journey.click_link_text(MODEL, within=_row(journey, MODEL))
        _footer_action(journey, "button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])")
    _versions(journey, MODEL)
    issues_after = _issues(journey)
    assert max(issues_after) == max(issues_before) + 1, (issues_before, issues_after)

    # The editor holds no role in any commune: a commune's document does not exist for them.
    foreign, foreign_code = live_demo_server.query(
        "SELECT id, code FROM processes_processdocument WHERE commune_id IS NOT NULL ORDER BY id LIMIT 1"
    )[0]
    journey.visit(f"/admin/snippets/processes/processdocument/edit/{foreign}/", expect_status=404)
    assert "404" in journey.find("h1").text
    assert foreign_code not in journey.text()

    # The officer of Thị trấn Lâm: both copies are flagged in the list, with the deadline.
    journey.login(*OFFICER)
    journey.menu("Quy trình ISO", "Quy trình ISO")
    assert "Cần cập nhật" in _row(journey, FLAGGED_COPY).text
    assert "Cần cập nhật" in _row(journey, COPY).text
    model_row = _row(journey, MODEL)
    assert not [a for a in model_row.find_elements(By.TAG_NAME, "a") if "/edit/" in (a.get_attribute("href") or "")]
    assert "Sửa" not in model_row.text and "Xóa" not in model_row.text
    _versions(journey, COPY)
    assert f"Hạn cập nhật: {DEADLINE}." in journey.text()
    journey.click_link_text("Thay đổi của quy trình mẫu")
    assert DEADLINE in journey.text() and new_time in journey.text()
    journey.submit(
        journey.driver.find_element(
            By.XPATH, "//button[normalize-space()='Đưa thay đổi của quy trình mẫu vào bản nháp mới']"
        )
    )
    assert "/edit/" in journey.driver.current_url
    _tab(journey, "5. Nội dung quy trình")
    assert journey.find("#id_processing_time").get_attribute("value") == new_time
    _versions(journey, COPY)
    journey.click_link_text("Thay đổi của quy trình mẫu")
    assert "Thay đổi của quy trình mẫu chưa được cập nhật" not in journey.text()
    assert not journey.driver.find_elements(
        By.XPATH, "//button[normalize-space()='Đưa thay đổi của quy trình mẫu vào bản nháp mới']"
    )

    # The officer is refused on the model's edit page (the admin home, with the refusal message).
    [(model_pk,)] = live_demo_server.query(f"SELECT id FROM processes_processdocument WHERE code = '{MODEL}'")
    _refused(journey, f"/admin/snippets/processes/processdocument/edit/{model_pk}/")
    _refused(journey, f"/admin/snippets/processes/processdocument/delete/{model_pk}/")
