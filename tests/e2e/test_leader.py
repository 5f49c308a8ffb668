"""The leader of Thị trấn Lâm reviews quy trình, approves the audit programme and holds the management review."""

import io

from docx import Document
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

LEADER = ("lanhdao.lam", "lanhdao-demo-2026")
OFFICER = ("iso.lam", "iso-demo-2026")
APPROVED = ("QT-04/HT", "Thủ tục đăng ký lại khai sinh")
REJECTED = ("QT-03/CT", "Chứng thực giao dịch liên quan đến tài sản")
PROGRAMME = "Chương trình đánh giá nội bộ năm 2026"
REVIEW = "Họp xem xét của lãnh đạo năm 2026"
DECISION = "Rà soát, cập nhật các quy trình hộ tịch theo Nghị định 18/2026/NĐ-CP trong quý I/2027."
CONCLUSIONS = "HTQLCL của UBND thị trấn Lâm phù hợp, được duy trì và có hiệu lực trong năm 2026."
REJECT_COMMENT = "Bổ sung bước thu phí chứng thực và mẫu lời chứng."


def _awaiting_review(journey) -> dict[str, str]:
    """The rows of the admin home's panel of documents awaiting the leader's review: text → edit link."""
    panel = journey.find("#awaiting-review-section")
    return {a.text: a.get_attribute("href") for a in panel.find_elements(By.CSS_SELECTOR, "tbody td a")}


def _workflow_action(journey, label: str, *, comment: str | None = None) -> None:
    """Choose a workflow action in the editor's action menu, as a user does (with its comment dialog)."""
    driver = journey.driver
    toggle = journey.find("footer [data-w-dropdown-target=toggle], .footer__container [data-w-dropdown-target=toggle]")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", toggle)
    toggle.click()
    button = WebDriverWait(driver, 10).until(
        EC.element_to_be_clickable((By.XPATH, f"//footer//button[normalize-space()='{label}']"))
    )
    if comment is None:
        journey.submit(button)
        return
    journey._drain_logs()
    button.click()
    field = WebDriverWait(driver, 20).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, ".modal textarea[name=comment]"))
    )
    journey.check_accessibility()
    field.send_keys(comment)
    journey.submit(journey.find(".modal form button[type=submit]"))


def _home(journey) -> None:
    """Back to the admin home through the sidebar's logo."""
    journey.submit(journey.find("aside a[href='/admin/']"))


def _review_documents(journey) -> None:
    waiting = _awaiting_review(journey)
    assert any(APPROVED[0] in text for text in waiting), waiting
    assert any(REJECTED[0] in text for text in waiting), waiting

    # The inbox says the same; its notice opens the document. QT-04/HT: both steps
    # (review, then approval) are the leader's; approved, it is issued.
    unread = [text for text, is_unread in journey.open_inbox().items() if is_unread]
    for code, _title in (APPROVED, REJECTED):
        assert any(f"Quy trình {code} chờ anh/chị xử lý (Soát xét)" in text for text in unread), unread
    journey.open_notice(f"Quy trình {APPROVED[0]} chờ anh/chị xử lý")
    assert APPROVED[0] in journey.find("h1").text
    _workflow_action(journey, "Phê duyệt")
    assert "chuyển sang bước “Phê duyệt”" in journey.message(), journey.message()
    _home(journey)
    journey.click_link_text(APPROVED[0], partial=True, within=journey.find("#awaiting-review-section"))
    _workflow_action(journey, "Phê duyệt và ban hành")
    message = journey.message()
    assert f"Đã phê duyệt “{APPROVED[0]}" in message and "lần ban hành 1" in message, message
    row = next(r for r in journey.find_all("main tbody tr") if r.text.startswith(APPROVED[0]))
    assert "Đang hiệu lực" in row.text, row.text

    # QT-03/CT goes back to the officer with the leader's comment.
    _home(journey)
    journey.click_link_text(REJECTED[0], partial=True, within=journey.find("#awaiting-review-section"))
    _workflow_action(journey, "Yêu cầu chỉnh sửa", comment=REJECT_COMMENT)
    message = journey.message()
    assert f"Đã yêu cầu chỉnh sửa “{REJECTED[0]}" in message, message
    row = next(r for r in journey.find_all("main tbody tr") if r.text.startswith(REJECTED[0]))
    assert "Cần chỉnh sửa" in row.text or "Bản nháp" in row.text, row.text
    _home(journey)
    waiting = " ".join(_awaiting_review(journey)) if journey.find_all("#awaiting-review-section") else ""
    assert APPROVED[0] not in waiting and REJECTED[0] not in waiting, waiting
    # Done, their notices are read.
    unread = [text for text, is_unread in journey.open_inbox().items() if is_unread]
    assert not [text for text in unread if APPROVED[0] in text or REJECTED[0] in text], unread


def _approve_programme(journey) -> None:
    journey.menu("Đánh giá nội bộ", "Chương trình đánh giá")
    journey.click_link_text(PROGRAMME)
    assert "Trạng thái\nBản nháp" in journey.find("main").text
    journey.click_link_text("Phê duyệt", within=journey.find("main"))
    journey.submit(journey.find("main form button[type=submit]"))
    assert "Chương trình đã được phê duyệt." in journey.message(), journey.message()
    assert "Trạng thái\nĐã phê duyệt" in journey.find("main").text
    assert not journey.driver.find_elements(By.LINK_TEXT, "Phê duyệt")


def _hold_review(journey) -> None:
    journey.menu("Đánh giá nội bộ", "Xem xét của lãnh đạo")
    journey.submit(journey.find("main a[href$='/new/'], header a[href$='/new/']"))
    journey.type("input[name=year]", "2026")
    journey.type("input[name=title]", REVIEW)
    journey.type("input[name=location]", "Hội trường UBND thị trấn Lâm")
    journey.type("input[name=planned_on]", "18/12/2026")
    journey.select(journey.find("select[name=commune]"), "Thị trấn Lâm")
    journey.select(journey.find("select[name=chair]"), "Trần Văn Bình", partial=True)
    journey.submit(journey.find("main form button[type=submit]"))
    assert REVIEW in journey.find("h1").text, journey.find("h1").text
    assert "Trạng thái\nĐã lên kế hoạch" in journey.find("main").text

    # The 9.3.2 inputs, taken from the data.
    journey.click_link_text("Tổng hợp đầu vào từ dữ liệu")
    journey.submit(journey.find("main form button[type=submit]"))
    assert "Đã tổng hợp đầu vào" in journey.message(), journey.message()
    main = journey.find("main").text
    assert "Đầu vào xem xét (TCVN ISO 9001:2015, 9.3.2)" in main
    for heading in (
        "a) Tình trạng của các hành động",
        "b) Những thay đổi về các vấn đề bên ngoài và nội bộ",
        "2) Mức độ đạt được các mục tiêu chất lượng",
        "6) Kết quả đánh giá",
        "Chính sách chất lượng và Ban chỉ đạo ISO",
    ):
        assert heading in main, heading
    assert "Đánh giá nội bộ HTQLCL năm 2026" in main

    journey.click_link_text("Ghi quyết định")
    journey.select(journey.find("select[name=topic]"), "Cơ hội cải tiến")
    journey.type("textarea[name=text]", DECISION)
    journey.submit(journey.find("main form button[type=submit]"))
    assert DECISION in journey.find("main").text

    journey.click_link_text("Ghi nhận đã họp xem xét")
    journey.type("input[name=held_on]", "18/12/2026")
    journey.type("textarea[name=conclusions]", CONCLUSIONS)
    journey.submit(journey.find("main form button[type=submit]"))
    main = journey.find("main").text
    assert "Trạng thái\nĐã họp" in main and CONCLUSIONS in main, main
    assert not journey.driver.find_elements(By.LINK_TEXT, "Ghi nhận đã họp xem xét")

    link = journey.driver.find_element(By.LINK_TEXT, "Tải biên bản (Word)")
    response = journey.http_session().get(link.get_attribute("href"), timeout=60)
    assert response.status_code == 200, response.status_code
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "BIÊN BẢN" in text and "thị trấn lâm" in text.casefold(), text[:500]
    assert DECISION in text and CONCLUSIONS in text


def _officer_is_told(journey, server) -> None:
    """The officer who submitted both finds the outcome in the inbox and in a readable e-mail."""
    journey.login(*OFFICER)
    unread = [text for text, is_unread in journey.open_inbox().items() if is_unread]
    assert any(f"Quy trình {APPROVED[0]} đã được phê duyệt" in text for text in unread), unread
    assert any(f"Quy trình {REJECTED[0]} cần sửa" in text and f"Ý kiến: {REJECT_COMMENT}" in text for text in unread), (
        unread
    )
    journey.open_notice(f"Quy trình {REJECTED[0]} cần sửa")
    assert REJECTED[0] in journey.find("h1").text

    mails = {m["Subject"]: m for m in server.send_emails() if m["To"] == f"{OFFICER[0]}@example.gov.vn"}
    mail = mails[f"[HTQLCL] Quy trình {REJECTED[0]} cần sửa"]
    plain, html = mail.get_body(("plain",)), mail.get_body(("html",))
    assert plain["Content-Transfer-Encoding"] != "base64" and html is not None
    text = plain.get_content()
    assert f"Ý kiến: {REJECT_COMMENT}" in text, text
    link = next(line for line in text.splitlines() if line.startswith("http"))
    assert link.startswith(f"{server.url}/admin/snippets/processes/processdocument/edit/"), link
    journey.visit(link)
    assert REJECTED[0] in journey.find("h1").text


def _other_commune_document(server) -> tuple[int, str]:
    """The demo's quy trình of another commune of Ý Yên (the leader of Thị trấn Lâm must not find it)."""
    return server.query(
        "SELECT d.id, c.name FROM processes_processdocument d JOIN units_commune c ON c.id = d.commune_id "
        "WHERE c.name <> 'Thị trấn Lâm' ORDER BY d.id LIMIT 1"
    )[0]


def test_leader_reviews_documents_approves_programme_and_holds_review(journey, live_demo_server):
    journey.login(*LEADER)
    _review_documents(journey)
    _home(journey)
    _approve_programme(journey)
    _hold_review(journey)

    # Citizens now find the approved quy trình on the commune's public page.
    journey.visit("/")
    journey.click_link_text("Tỉnh Nam Định", partial=True)
    journey.click_link_text("Huyện Ý Yên")
    journey.click_link_text("Thị trấn Lâm")
    assert "Đăng ký lại khai sinh" in [a.text for a in journey.find_all("main a")]
    assert not any(REJECTED[1] in a.text for a in journey.find_all("main a"))

    _officer_is_told(journey, live_demo_server)
    journey.login(*LEADER)

    # A quy trình of another commune does not exist for the leader.
    pk, other = _other_commune_document(live_demo_server)
    for path in (
        f"/admin/snippets/processes/processdocument/edit/{pk}/",
        f"/admin/snippets/processes/processdocument/inspect/{pk}/",
    ):
        journey.visit(path, expect_status=404)
        assert "404" in journey.find("h1").text
        assert other not in journey.text()


def test_leader_signs_the_announcement_decision_and_citizens_see_it_verified(journey):
    """The demo gave Thị trấn Lâm a test certificate (chứng thư thử nghiệm) of the demo CA, trusted by these settings."""
    journey.login(*LEADER)
    journey.click_link_text("Tiến độ ISO")
    if not journey.find_all("#qms-announcement"):
        journey.click_link_text("Thị trấn Lâm", partial=True)
    journey.click_link_text("Ký số", within=journey.find("#qms-announcement"))
    assert "Chưa ký số." in journey.find("main").text
    assert "UBND Thị trấn Lâm (chứng thư thử nghiệm)" in journey.find("main").text
    journey.submit(journey.driver.find_element(By.XPATH, "//main//button[normalize-space()='Ký số trên máy chủ']"))
    assert "Văn bản đã được ký số và kiểm tra." in journey.message(), journey.message()
    assert "Chữ ký hợp lệ" in journey.find("main").text

    journey.visit("/")
    journey.click_link_text("Tỉnh Nam Định", partial=True)
    journey.click_link_text("Huyện Ý Yên")
    journey.click_link_text("Thị trấn Lâm")
    section = journey.find("#announcement")
    assert "đã ký số" in section.text and "Chữ ký đã được kiểm tra: hợp lệ." in section.text, section.text
    assert "UBND Thị trấn Lâm (chứng thư thử nghiệm)" in section.text
    link = section.find_element(By.PARTIAL_LINK_TEXT, "Xem quyết định đã ký số")
    response = journey.http_session().get(link.get_attribute("href"), timeout=60)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and b"/ByteRange" in response.content
