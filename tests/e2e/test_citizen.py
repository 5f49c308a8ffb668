"""A citizen at an English-language PC finds a procedure of Thị trấn Lâm, rates it and searches."""

from urllib.parse import quote

from selenium.webdriver.common.by import By


def _search(journey, words: str) -> str:
    box = journey.find("form.procedure-search input[name=q]")
    box.clear()
    box.send_keys(words)
    journey.submit(journey.find("form.procedure-search button[type=submit]"))
    return journey.text()


def _rate(journey, procedure_url: str) -> None:
    """The demo's four ratings of the procedure (5, 4, 5, 3); the citizen adds a 5 without an account."""
    assert journey.find(".satisfaction-summary").text == "Mức độ hài lòng: 4,2/5 từ 4 lượt đánh giá."
    form = journey.find("form.feedback-form[action$='/y-kien/satisfaction/']")
    five = form.find_element(By.CSS_SELECTOR, "input[name='satisfaction-rating'][value='5']")
    journey.scroll(five)
    five.click()
    form.find_element(By.CSS_SELECTOR, "textarea[name='satisfaction-comment']").send_keys("Cán bộ hướng dẫn rõ ràng.")
    journey.submit(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert journey.find("h1").text == "Cảm ơn ông/bà đã góp ý"
    assert "Thị trấn Lâm đã nhận được ý kiến của ông/bà" in journey.text()
    journey.click_link_text("Quay lại thủ tục", partial=True)
    assert journey.driver.current_url == procedure_url
    assert journey.find(".satisfaction-summary").text == "Mức độ hài lòng: 4,4/5 từ 5 lượt đánh giá."


def test_citizen_finds_a_procedure_and_searches(journey):
    journey.visit("/")
    assert journey.find("h1").text == "Hệ thống quản lý chất lượng TCVN ISO 9001:2015"
    description = journey.find("meta[name=description]").get_attribute("content")
    assert "ISO 9001" in description

    journey.click_link_text("Tỉnh Nam Định", partial=True)
    assert "Tỉnh Nam Định" in journey.find("h1").text
    journey.click_link_text("Huyện Ý Yên")
    journey.click_link_text("Thị trấn Lâm")
    assert journey.find("h1").text == "Thị trấn Lâm"
    assert "Đăng ký khai sinh" in journey.text()
    commune_url = journey.driver.current_url

    journey.click_link_text("Đăng ký khai sinh")
    assert "Đăng ký khai sinh" in journey.find("h1").text
    assert journey.find("html").get_attribute("lang") == "vi"
    procedure_url = journey.driver.current_url
    _rate(journey, procedure_url)

    journey.visit(commune_url)
    text = _search(journey, "khai sinh")
    assert "Đăng ký khai sinh" in text
    assert "Đăng ký kết hôn" not in [a.text for a in journey.find_all("main a")]

    text = _search(journey, "đăng ký")
    links = [a.text for a in journey.find_all("main a")]
    assert "Đăng ký khai sinh" in links and "Đăng ký kết hôn" in links

    hostile = '"><script>window.__xss=1</script>'
    text = _search(journey, hostile)
    assert journey.driver.execute_script("return window.__xss === undefined")
    assert journey.find("form.procedure-search input[name=q]").get_attribute("value") == hostile

    # A procedure code no commune has, and a commune that does not exist: the Vietnamese 404 page.
    journey.visit(procedure_url.replace("QT-01/HT", "QT-99/HT"), expect_status=404)
    assert journey.find("h1").text == "Không tìm thấy trang"
    journey.visit("/quy-trinh/pre2025-99999/", expect_status=404)
    assert journey.find("h1").text == "Không tìm thấy trang"
    journey.visit("/quy-trinh/tim-kiem/?q=" + quote("khai sinh") + "&xa=" + quote("'; DROP TABLE x;--"))
    assert "Lỗi" not in journey.driver.title
