"""Demo steering board and quality policy of Thị trấn Lâm: the board formed by a decision of 2026 with
the demo accounts and two members without an account, and the quality policy. Everything goes through
the services; a second run adds nothing."""

from __future__ import annotations

import datetime

from django.db import transaction

from ..demo import AUDITOR, LEADER, OFFICER, _lam, _people
from . import services
from .models import BoardKind, BoardPosition, IsoRole, QualityPolicy, SteeringBoard

DECISION = {
    "kind": BoardKind.STEERING,
    "decision_number": "12/QĐ-UBND",
    "decision_date": datetime.date(2026, 1, 15),
    "signer_name": "Trần Văn Bình",
    "signer_position": "Chủ tịch",
}
#: (account or typed name, position in the unit, position in the board, ISO role, duties)
MEMBERS = (
    (
        LEADER,
        "Chủ tịch UBND",
        BoardPosition.HEAD,
        IsoRole.LEADER,
        "Chỉ đạo chung; phê duyệt chính sách, mục tiêu chất lượng và quy trình; chủ trì xem xét của lãnh đạo",
    ),
    (
        "Lê Thị Mai",
        "Phó Chủ tịch UBND",
        BoardPosition.DEPUTY,
        IsoRole.NONE,
        "Giúp Trưởng ban chỉ đạo bộ phận một cửa và việc áp dụng quy trình giải quyết TTHC",
    ),
    (
        OFFICER,
        "Công chức Văn phòng - Thống kê",
        BoardPosition.SECRETARY,
        IsoRole.SECRETARY,
        "Xây dựng, cập nhật tài liệu HTQLCL; theo dõi hành động khắc phục; tổng hợp báo cáo",
    ),
    (
        AUDITOR,
        "Công chức Tư pháp - Hộ tịch",
        BoardPosition.MEMBER,
        IsoRole.AUDITOR,
        "Đánh giá viên nội bộ; áp dụng quy trình lĩnh vực tư pháp - hộ tịch",
    ),
    (
        "Đỗ Văn Hùng",
        "Công chức Địa chính - Xây dựng",
        BoardPosition.MEMBER,
        IsoRole.NONE,
        "Áp dụng quy trình lĩnh vực đất đai, xây dựng",
    ),
)
POLICY = (
    "Ủy ban nhân dân cam kết giải quyết thủ tục hành chính công khai, minh bạch, đúng pháp luật và đúng hẹn; "
    "lấy sự hài lòng của người dân, tổ chức làm thước đo chất lượng phục vụ.\n"
    "Cán bộ, công chức tận tụy, thành thạo nghiệp vụ; không ngừng cải tiến Hệ thống quản lý chất lượng theo "
    "Tiêu chuẩn quốc gia TCVN ISO 9001:2015."
)
POLICY_ADOPTED = datetime.date(2026, 1, 20)


@transaction.atomic
def load_demo(*, acting_user, communes) -> None:
    lam, people = _lam(communes), _people()
    if lam is None or people is None:
        return
    officer = people[OFFICER]
    if not SteeringBoard.objects.filter(commune=lam).exists():
        board = services.issue_decision(acting_user=officer, commune=lam, **DECISION)
        for who, unit_position, board_position, iso_role, duties in MEMBERS:
            account = people.get(who)
            services.add_member(
                acting_user=officer,
                board=board,
                user=account,
                person_name="" if account else who,
                unit_position=unit_position,
                board_position=board_position,
                iso_role=iso_role,
                duties=duties,
                joined_on=DECISION["decision_date"],
            )
    if not QualityPolicy.objects.filter(commune=lam).exists():
        services.adopt_policy(
            acting_user=officer, commune=lam, text=POLICY, adopted_on=POLICY_ADOPTED, signed_by=people[LEADER]
        )
