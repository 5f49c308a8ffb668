"""The internal auditor of Thị trấn Lâm carries out the follow-up audit (README: What each user does).

Fills the checklist generated from the plan, raises a major nonconformity with an
evidence file, assigns its corrective action to the ISO officer, verifies it once
the officer has done it; is refused on their own unit and on another commune's records.
"""

import datetime
import struct
import subprocess
import sys
import zlib

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from audits.demo import FOLLOW_UP_TITLE
from tests.e2e.browser import ROOT

AUDITOR = ("danhgia.lam", "danhgia-demo-2026")
OFFICER = ("iso.lam", "iso-demo-2026")
OWN_UNIT = "Văn phòng – Thống kê"
DESCRIPTION = "Sổ theo dõi hồ sơ không ghi ngày trả kết quả thực tế cho 5 hồ sơ chứng thực tháng 11."


def _png() -> bytes:
    """A real 2×2 PNG image (a photo of the register, as far as the test is concerned)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _open_follow_up_plan(journey) -> None:
    journey.menu("Đánh giá nội bộ", "Kế hoạch đánh giá")
    journey.click_link_text(FOLLOW_UP_TITLE)
    assert FOLLOW_UP_TITLE in journey.find("h1").text or FOLLOW_UP_TITLE in journey.text()


def _save_button(journey):
    return journey.find("main form button[type=submit]")


def _other_commune_review(server) -> int:
    """A management review of another commune (Thị trấn Lâm's auditor must not find it)."""
    code = (
        "import datetime\n"
        "from django.contrib.auth import get_user_model\n"
        "from audits import services\n"
        "from qms.units.models import Commune\n"
        "admin = get_user_model().objects.get(username='admin')\n"
        "other = Commune.objects.exclude(unit__code='13795').order_by('pk').first()\n"
        "review = services.create_review(acting_user=admin, commune=other, year=2026,"
        " title='Họp xem xét của xã khác', planned_on=datetime.date(2026, 12, 20), chair=admin)\n"
        "print(review.pk)\n"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout.strip().splitlines()[-1])


def test_auditor_fills_the_checklist_raises_a_finding_and_verifies_the_action(journey, live_demo_server, tmp_path):
    journey.login(*AUDITOR)
    _open_follow_up_plan(journey)
    plan_url = journey.driver.current_url

    # The checklist generated from the plan: three results with their evidence.
    journey.click_link_text("Ghi kết quả kiểm tra")
    rows = journey.find_all("main table.listing tbody tr")
    assert len(rows) >= 3
    notes = [
        "Đã kiểm tra bản quy trình tại bộ phận một cửa: đúng lần ban hành hiện hành.",
        "Kiểm tra 15 hồ sơ tháng 10–11: đều có phiếu xin lỗi khi trễ hạn.",
        "Đã lập Phiếu từ chối tiếp nhận cho 3 hồ sơ không đủ điều kiện.",
    ]
    for index, note in enumerate(notes):
        journey.select(journey.find(f"select[name='items-{index}-result']"), "Phù hợp")
        journey.type(f"textarea[name='items-{index}-evidence']", note)
    journey.submit(_save_button(journey))
    assert "Đã ghi 3 kết quả kiểm tra." in journey.text()
    assert "Phù hợp: 3" in journey.text()

    # A major nonconformity with a photo of the register as evidence, assigned to the ISO officer.
    journey.click_link_text("Ghi phát hiện")
    journey.select(journey.find("select[name=kind]"), "Điểm không phù hợp nặng")
    journey.select(journey.find("select[name=clause]"), "8.5.1", partial=True)
    processes = Select(journey.find("select[name=process]"))
    assert len(processes.options) == 4  # "---------" and the three processes of this audit
    processes.select_by_index(2)
    journey.type("textarea[name=description]", DESCRIPTION)
    journey.type("textarea[name=requirement]", "Điều 8.5.1 TCVN ISO 9001:2015; bước 6 quy trình chứng thực.")
    journey.type("textarea[name=evidence]", "Sổ theo dõi hồ sơ tháng 11/2026, trang 12–13.")
    journey.select(journey.find("select[name=owner]"), "Nguyễn Thị Hoa", partial=True)
    due = datetime.date.today() + datetime.timedelta(days=30)
    journey.type("input[name=due_date]", due.strftime("%d/%m/%Y"))
    evidence = tmp_path / "so-theo-doi-ho-so.png"
    evidence.write_bytes(_png())
    journey.find("input[name=evidence_file]").send_keys(str(evidence))
    journey.submit(_save_button(journey))

    # On the list of findings: the row opens the finding, its evidence downloads.
    journey.menu("Đánh giá nội bộ", "Phát hiện")
    row = next(r for r in journey.find_all("main table tbody tr") if DESCRIPTION[:40] in r.text)
    assert "Điểm không phù hợp nặng" in row.text
    journey.click_link_text(row.find_element(By.CSS_SELECTOR, "a").text, within=row)
    assert "/inspect/" in journey.driver.current_url
    assert journey.find_all("main a[href*='/findings/edit/']")  # still editable while the audit is open
    assert DESCRIPTION in journey.text()
    link = journey.driver.find_element(By.PARTIAL_LINK_TEXT, "so-theo-doi-ho-so")
    response = journey.http_session().get(link.get_attribute("href"), timeout=60)
    assert response.status_code == 200 and response.content == evidence.read_bytes()
    days = (due - datetime.date.today()).days
    assert f"{due.strftime('%d/%m/%Y')} (còn {days} ngày)" in journey.text()
    action_title = DESCRIPTION

    # The ISO officer is told, opens the action from the notice, records what was done and asks for verification.
    journey.login(*OFFICER)
    unread = [text for text, is_unread in journey.open_inbox().items() if is_unread]
    assert any("Anh/chị được giao hành động khắc phục" in text and action_title[:40] in text for text in unread), unread
    journey.open_notice(action_title[:40])
    assert action_title[:40] in journey.text()
    journey.click_link_text("Nguyên nhân và kế hoạch khắc phục")
    if journey.find_all("textarea[name=root_cause]"):
        journey.type("textarea[name=root_cause]", "Công chức một cửa chưa ghi ngày trả kết quả thực tế vào sổ.")
        journey.type("textarea[name=action_plan]", "Bổ sung cột ngày trả thực tế; Văn phòng kiểm tra sổ hằng tuần.")
        journey.submit(_save_button(journey))
    journey.click_link_text("Cập nhật tiến độ")
    journey.type("textarea[name=note]", "Đã bổ sung cột ngày trả kết quả thực tế và ghi đủ cho các hồ sơ tháng 11.")
    journey.submit(_save_button(journey))
    assert "Đã ghi nhận tiến độ." in journey.text()
    journey.click_link_text("Đề nghị kiểm tra hiệu lực")
    journey.submit(_save_button(journey))
    assert "Chờ kiểm tra hiệu lực" in journey.text()

    # Back as the auditor, told by a notice: effective, the action is closed, the notice read.
    journey.login(*AUDITOR)
    unread = [text for text, is_unread in journey.open_inbox().items() if is_unread]
    assert any("chờ xác nhận hiệu lực" in text and action_title[:40] in text for text in unread), unread
    journey.open_notice(action_title[:40])
    journey.click_link_text("Kiểm tra hiệu lực")
    journey.find("input[name=effectiveness][value=effective]").click()
    journey.type("textarea[name=note]", "Kiểm tra sổ theo dõi 20 hồ sơ tháng 12: đều ghi ngày trả kết quả thực tế.")
    journey.submit(_save_button(journey))
    assert "Hành động đã được đóng." in journey.text()
    assert "Đã đóng (có hiệu lực)" in journey.text()
    assert not [t for t, is_unread in journey.open_inbox().items() if is_unread and action_title[:40] in t]

    # Another commune's record does not exist for them.
    other = _other_commune_review(live_demo_server)
    journey.visit(f"/admin/audits/reviews/inspect/{other}/", expect_status=404)
    assert "404" in journey.find("h1").text
    assert "Họp xem xét của xã khác" not in journey.text()
    journey.visit(plan_url)
    assert "Đã đóng (có hiệu lực)" in journey.text()


def test_auditor_cannot_be_put_on_their_own_unit(journey, live_demo_server):
    journey.login(*OFFICER)
    _open_follow_up_plan(journey)
    before = live_demo_server.query(
        "SELECT count(*) FROM audits_auditedprocess p JOIN audits_auditplan a ON a.id = p.plan_id "
        f"WHERE a.title = '{FOLLOW_UP_TITLE}'"
    )[0][0]
    journey.click_link_text("Xác định phạm vi và đánh giá viên")
    row = before  # the first empty row after the saved ones
    journey.type(f"input[name='scope-{row}-title']", "Công tác văn thư, lưu trữ")
    journey.type(f"input[name='scope-{row}-responsible_unit']", OWN_UNIT)
    journey.select(journey.find(f"select[name='scope-{row}-auditor']"), "Phạm", partial=True)
    journey.submit(_save_button(journey))
    text = journey.text()
    assert f"Dòng {row + 1}: " in text and "không được đánh giá “Công tác văn thư, lưu trữ”" in text
    assert OWN_UNIT in text
    after = live_demo_server.query(
        "SELECT count(*) FROM audits_auditedprocess p JOIN audits_auditplan a ON a.id = p.plan_id "
        f"WHERE a.title = '{FOLLOW_UP_TITLE}'"
    )[0][0]
    assert after == before
