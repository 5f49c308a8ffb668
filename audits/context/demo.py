"""Demo context and scope: Thị trấn Lâm's approved statement for 2026 (issues, interested parties,
every TTHC it handles in the scope, clause 8.3 excluded). Through the services; a second run adds nothing."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from qms.units.models import Era

from . import services
from .models import ContextStatement, IssueOrigin

LAM = (Era.PRE_2025, "13795")
OFFICER, LEADER = "iso.lam", "lanhdao.lam"
YEAR = 2026

SCOPE = (
    "Tiếp nhận, giải quyết và trả kết quả các thủ tục hành chính thuộc thẩm quyền của UBND thị trấn Lâm "
    "theo cơ chế một cửa, một cửa liên thông; áp dụng cho toàn bộ công chức tham gia giải quyết thủ tục "
    "hành chính và các quá trình của hệ thống quản lý chất lượng."
)

ISSUES = (
    (
        IssueOrigin.EXTERNAL,
        "Mưa lớn, ngập úng cục bộ vào mùa mưa bão (tháng 7 – tháng 10)",
        "Người dân khó đến bộ phận một cửa; hồ sơ giấy chuyển liên thông và trả kết quả bị chậm.",
        True,
    ),
    (
        IssueOrigin.EXTERNAL,
        "Văn bản pháp luật về thủ tục hành chính thay đổi thường xuyên",
        "Quy trình phải cập nhật kịp thời; nguy cơ áp dụng quy định đã hết hiệu lực.",
        False,
    ),
    (
        IssueOrigin.EXTERNAL,
        "Yêu cầu chuyển đổi số: dịch vụ công trực tuyến toàn trình, số hóa hồ sơ",
        "Cần hạ tầng, kỹ năng số của công chức; cơ hội giảm đi lại cho người dân.",
        False,
    ),
    (
        IssueOrigin.INTERNAL,
        "Công chức chuyên môn kiêm nhiệm nhiều việc, thường xuyên luân chuyển",
        "Hồ sơ có thể giải quyết trễ hạn; cần người dự phòng và đào tạo lại.",
        False,
    ),
    (
        IssueOrigin.INTERNAL,
        "Máy tính, máy scan tại bộ phận một cửa đã cũ",
        "Chậm số hóa hồ sơ; gián đoạn khi thiết bị hỏng.",
        False,
    ),
    (
        IssueOrigin.INTERNAL,
        "Lãnh đạo UBND cam kết duy trì và cải tiến HTQLCL",
        "Thuận lợi cho việc bố trí nguồn lực và thực hiện mục tiêu chất lượng.",
        False,
    ),
)

PARTIES = (
    (
        "Người dân, tổ chức",
        "Hồ sơ giải quyết đúng hạn, đúng quy định; thái độ phục vụ tận tình; công khai thủ tục, phí, lệ phí.",
        "Được thông báo kịp thời khi mưa bão làm gián đoạn việc trả kết quả; trả kết quả qua bưu chính, trực tuyến.",
        "Khảo sát mức độ hài lòng; hộp thư góp ý; phản ánh, kiến nghị trên hệ thống.",
    ),
    (
        "UBND huyện Ý Yên",
        "Giải quyết TTHC đúng quy định; báo cáo định kỳ tình hình giải quyết TTHC.",
        "",
        "Báo cáo định kỳ; kiểm tra công vụ hằng năm.",
    ),
    (
        "UBND tỉnh Nam Định",
        "Áp dụng, duy trì HTQLCL theo Quyết định 19/2014/QĐ-TTg, Nghị định 30/2020; công bố HTQLCL.",
        "",
        "Kế hoạch kiểm tra việc áp dụng HTQLCL; báo cáo tình hình áp dụng.",
    ),
    (
        "Sở Khoa học và Công nghệ",
        "Xây dựng, áp dụng, duy trì và cải tiến HTQLCL theo TCVN ISO 9001:2015; báo cáo hằng năm.",
        "",
        "Kiểm tra theo TT 26/2014/TT-BKHCN; báo cáo tình hình áp dụng trước 15/12 hằng năm.",
    ),
    (
        "Cán bộ, công chức UBND thị trấn",
        "Được đào tạo về quy trình; điều kiện làm việc và trang thiết bị phù hợp.",
        "Bảo đảm an toàn khi làm việc trong mùa mưa bão.",
        "Họp giao ban; đánh giá nội bộ; xem xét của lãnh đạo.",
    ),
    (
        "Bưu điện (dịch vụ bưu chính công ích)",
        "Hồ sơ được bàn giao đầy đủ, đúng thời gian để chuyển phát.",
        "",
        "Sổ theo dõi giao nhận hồ sơ qua bưu chính.",
    ),
)


def _user(username):
    return get_user_model().objects.filter(username=username).first()


@transaction.atomic
def load_demo(*, acting_user, communes) -> None:
    lam = next((c for c in communes if (c.unit.era, c.unit.code) == LAM), None)
    officer, leader = _user(OFFICER), _user(LEADER)
    if lam is None or officer is None or leader is None:
        return
    if ContextStatement.objects.filter(commune=lam).exists():
        return
    statement = services.start_statement(acting_user=officer, commune=lam, year=YEAR)
    services.update_statement(
        acting_user=officer,
        statement=statement,
        scope_statement=SCOPE,
        all_procedures=True,
        climate_change_relevant=True,
        climate_change_note=(
            "Có. Ngập úng mùa mưa bão ảnh hưởng đến việc tiếp nhận, chuyển và trả kết quả hồ sơ; "
            "biện pháp: thông báo trên trang thông tin điện tử, trả kết quả qua bưu chính và trực tuyến."
        ),
        issues=[
            {"origin": origin, "description": text, "effect": effect, "climate_related": climate}
            for origin, text, effect, climate in ISSUES
        ],
        parties=[
            {"name": name, "requirements": needs, "climate_requirements": climate, "monitoring": monitoring}
            for name, needs, climate, monitoring in PARTIES
        ],
        exclusions=[
            {
                "clause": "8.3",
                "subject": "Thiết kế và phát triển sản phẩm và dịch vụ",
                "justification": (
                    "UBND thị trấn giải quyết TTHC theo quy định của pháp luật đã ban hành, không thiết kế, "
                    "phát triển sản phẩm, dịch vụ mới."
                ),
            }
        ],
    )
    services.submit_statement(acting_user=officer, statement=statement)
    services.approve_statement(acting_user=leader, statement=statement, comment="Đồng ý.")
