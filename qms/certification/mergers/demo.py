"""Demo: Xã Ý Yên (2025) carries over the QMS of Thị trấn Lâm and its merged neighbours.

The quy trình of Thị trấn Lâm are copied (Lâm keeps its own, which the demo
officers work on); the open records that move are those of a neighbour,
Xã Yên Khánh, which becomes read-only. Run through the same services as the
page, synchronously. Idempotent: an existing carry-over is left as it is.
"""

from __future__ import annotations

from django.utils import timezone

from audits import services as audit_services
from audits.mergers import CATEGORIES
from audits.risks import services as risk_services
from qms.units.mapping import fill_predecessors, load_mapping
from qms.units.models import Era

from . import services
from .models import MergerCarryOver

Y_YEN = (Era.Y2025, "13795")
NEIGHBOUR = (Era.PRE_2025, "13843")  # Xã Yên Khánh


def _neighbour_records(neighbour, acting_user) -> None:
    if neighbour.risks.exists() or neighbour.quality_objectives.exists():
        return
    today = timezone.localdate()
    risk_services.create_risk(
        acting_user=acting_user,
        commune=neighbour,
        description="Hồ sơ lưu trữ bị thất lạc khi chuyển trụ sở về xã mới",
        cause="Sắp xếp đơn vị hành chính, chuyển trụ sở",
        consequence="Không tra cứu được hồ sơ đã giải quyết",
        likelihood=3,
        impact=4,
    )
    audit_services.save_objective(
        acting_user=acting_user,
        commune=neighbour,
        year=today.year,
        statement="100% hồ sơ TTHC được giải quyết đúng hạn",
        target="100%",
    )


def load_demo(*, acting_user, communes) -> None:
    by_key = {(c.unit.era, c.unit.code): c for c in communes}
    successor, neighbour = by_key.get(Y_YEN), by_key.get(NEIGHBOUR)
    if successor is None or neighbour is None or MergerCarryOver.objects.filter(successor=successor).exists():
        return
    load_mapping(acting_user=acting_user)
    fill_predecessors(commune=successor, acting_user=acting_user)
    _neighbour_records(neighbour, acting_user)
    carry_over = services.plan_carry_over(successor=successor, acting_user=acting_user)
    services.set_plan(
        carry_over=carry_over, record_sources=[neighbour], categories=list(CATEGORIES), acting_user=acting_user
    )
    services.start_carry_over(carry_over=carry_over, acting_user=acting_user, send=False)
    services.run_carry_over(carry_over_id=carry_over.pk, acting_user=acting_user)
