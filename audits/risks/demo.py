"""Demo risk registers: a starter set per common group of TTHC, for the demo commune of each era.

Thị trấn Lâm (before 1/7/2025) gets the set with owners, treatments and due
dates, one risk raised from the 2025 audit's finding, and one treated,
re-assessed and closed; Xã Ý Yên (its successor from 1/7/2025) gets the set
as identified. Everything goes through the services; a second run adds nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from processes import selectors as process_selectors
from qms.units.models import Era

from ..models import Finding
from . import services
from .models import Risk, RiskKind

LAM = (Era.PRE_2025, "13795")
Y_YEN = (Era.Y2025, "13795")
OFFICER = "iso.lam"
IDENTIFIED = {Era.PRE_2025: datetime.date(2025, 3, 10), Era.Y2025: datetime.date(2025, 8, 4)}
TREATED = {"reassessed_on": datetime.date(2025, 9, 30), "residual_likelihood": 1, "residual_impact": 3}


@dataclass(frozen=True)
class Starter:
    field: str
    kind: str
    description: str
    cause: str
    consequence: str
    likelihood: int
    impact: int
    treatment: str = ""
    #: Days from today to the treatment's due date (Thị trấn Lâm only).
    due_in_days: int | None = None


STARTERS = (
    Starter(
        "Hộ tịch",
        RiskKind.RISK,
        "Hồ sơ đăng ký khai sinh, kết hôn giải quyết trễ hạn",
        "Công chức Tư pháp – Hộ tịch kiêm nhiệm nhiều việc; không theo dõi hạn trên hệ thống một cửa.",
        "Người dân phải đi lại nhiều lần; giảm chỉ số hài lòng; phải lập phiếu xin lỗi.",
        4,
        4,
        "Bật nhắc hạn trên hệ thống một cửa điện tử; phân công người dự phòng khi công chức vắng.",
        7,
    ),
    Starter(
        "Chứng thực",
        RiskKind.RISK,
        "Chứng thực bản sao không đúng thẩm quyền hoặc từ bản chính giả",
        "Khó nhận biết giấy tờ giả; cán bộ mới chưa được tập huấn.",
        "Sai phạm pháp lý; phải thu hồi bản sao đã chứng thực.",
        2,
        5,
        "Tập huấn nhận biết giấy tờ giả; đối chiếu cơ sở dữ liệu trước khi ký.",
        30,
    ),
    Starter(
        "Đất đai",
        RiskKind.RISK,
        "Thiếu thành phần hồ sơ đất đai nhưng vẫn tiếp nhận",
        "Người dân không nắm rõ yêu cầu; danh mục hồ sơ niêm yết chưa cập nhật.",
        "Hồ sơ bị trả lại, kéo dài thời gian giải quyết.",
        3,
        3,
        "Cập nhật danh mục thành phần hồ sơ tại bộ phận một cửa và trên cổng dịch vụ công.",
        -5,
    ),
    Starter(
        "Bảo trợ xã hội",
        RiskKind.OPPORTUNITY,
        "Tiếp nhận hồ sơ trợ cấp xã hội trực tuyến để giảm đi lại cho người cao tuổi",
        "Cổng dịch vụ công quốc gia đã cung cấp dịch vụ công trực tuyến toàn trình.",
        "Tăng tỷ lệ hồ sơ trực tuyến và sự hài lòng của người dân.",
        3,
        4,
        "Hướng dẫn người dân nộp hồ sơ trực tuyến tại bộ phận một cửa.",
        60,
    ),
    Starter(
        "",
        RiskKind.RISK,
        "Mất dữ liệu hồ sơ lưu trữ điện tử",
        "Máy chủ của UBND không được sao lưu định kỳ.",
        "Không truy xuất được hồ sơ; vi phạm quy định lưu trữ.",
        2,
        4,
    ),
)


def _commune(communes, key):
    return next((c for c in communes if (c.unit.era, c.unit.code) == key), None)


def _document(commune, field: str):
    if not field:
        return None
    documents = process_selectors.commune_documents(communes=[commune.pk])
    return documents.filter(procedure__field__icontains=field).first()


@transaction.atomic
def load_demo(*, acting_user, communes) -> None:
    officer = get_user_model().objects.filter(username=OFFICER).first()
    lam = _commune(communes, LAM)
    if lam is not None and officer is not None:
        lam_register(lam, officer)
    y_yen = _commune(communes, Y_YEN)
    if y_yen is not None and not Risk.objects.filter(commune=y_yen).exists():
        _register(y_yen, acting_user=acting_user, owner=None)


def lam_register(lam, officer) -> None:
    """Thị trấn Lâm's register (the audits demo records it before the 2025 management review)."""
    if not Risk.objects.filter(commune=lam).exists():
        _register(lam, acting_user=officer, owner=officer)


def _register(commune, *, acting_user, owner) -> None:
    today = timezone.localdate()
    identified = IDENTIFIED[commune.unit.era]
    risks = []
    for starter in STARTERS:
        document = _document(commune, starter.field)
        planned = owner is not None and starter.due_in_days is not None
        risks.append(
            services.create_risk(
                acting_user=acting_user,
                commune=commune,
                kind=starter.kind,
                description=starter.description,
                cause=starter.cause,
                consequence=starter.consequence,
                likelihood=starter.likelihood,
                impact=starter.impact,
                process_document=document,
                procedure_field="" if document else starter.field,
                owner=owner if planned else None,
                treatment=starter.treatment if planned else "",
                due_date=today + datetime.timedelta(days=starter.due_in_days) if planned else None,
                identified_on=identified,
            )
        )
    if owner is None:
        return
    _from_finding(commune, acting_user=acting_user, owner=owner, identified=identified)
    treated = risks[1]
    services.reassess_risk(
        acting_user=acting_user,
        risk=treated,
        residual_likelihood=TREATED["residual_likelihood"],
        residual_impact=TREATED["residual_impact"],
        reassessed_on=TREATED["reassessed_on"],
        note="Đã tập huấn 3 công chức; 6 tháng không phát hiện sai sót.",
    )
    services.close_risk(acting_user=acting_user, risk=treated, closed_on=TREATED["reassessed_on"])


def _from_finding(commune, *, acting_user, owner, identified) -> None:
    finding = Finding.objects.filter(commune=commune, clause__number="8.5.1").order_by("raised_on", "pk").first()
    if finding is None:
        return
    services.create_risk(
        acting_user=acting_user,
        commune=commune,
        finding=finding,
        description="Không thông báo kịp thời cho người dân khi hồ sơ có nguy cơ trễ hạn",
        cause=finding.description,
        consequence="Khiếu nại của người dân; điểm không phù hợp lặp lại ở lần đánh giá sau.",
        likelihood=3,
        impact=4,
        owner=owner,
        treatment="Lập phiếu xin lỗi và hẹn lại ngày trả kết quả ngay khi phát hiện hồ sơ có nguy cơ trễ hạn.",
        due_date=timezone.localdate() + datetime.timedelta(days=20),
        identified_on=max(identified, finding.raised_on),
    )
