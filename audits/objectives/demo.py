"""Demo measurable objectives of Thị trấn Lâm for 2026 and a year of one-stop figures.

A file of monthly figures (12 months of 2026, or those already begun) for eight
TTHC of Lâm's catalogue is written as CSV and imported through the import
service, as the officer would; then three measured objectives: the on-time
rate of the whole commune (≥ 95%), citizens' satisfaction (≥ 4.0) and the late
rate of the birth registration (≤ 5%, threshold 5%), whose figures exceed the
threshold in one month so its page suggests raising a finding or a risk. A
second run adds nothing.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from processes import selectors as process_selectors
from qms.units.models import Era

from .. import services as audit_services
from ..models import QualityObjective
from . import services
from .importer import HEADERS
from .models import DataSource, Direction, Indicator, MeasurePeriod, OneStopImport

LAM = (Era.PRE_2025, "13795")
OFFICER = "iso.lam"
YEAR = 2026
FILE_NAME = f"so-lieu-mot-cua-{YEAR}.csv"
PROCEDURES = 8
#: The procedure of the per-procedure objective, and the month (1–12) its late rate goes over the threshold.
WATCHED_CODE, BREACH_MONTH = "1.001193", 9


def months(today: datetime.date) -> list[datetime.date]:
    """The months of :data:`YEAR` up to the current one."""
    return [datetime.date(YEAR, m, 1) for m in range(1, 13) if datetime.date(YEAR, m, 1) <= today]


def figures_csv(codes: list[str], today: datetime.date) -> bytes:
    """The one-stop export: a row per TTHC and month; the watched TTHC is late in :data:`BREACH_MONTH`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    breach = min(BREACH_MONTH, months(today)[-1].month)
    for index, code in enumerate(codes):
        for month in months(today):
            m = month.month
            received = 20 + (index * 7 + m * 3) % 25
            pending = m % 2
            if code == WATCHED_CODE:
                late = 3 if m == breach else 0
            else:
                late = 1 if (index + m) % 4 == 0 else 0
            on_time = received - late - pending
            returned = (index + m) % 3
            writer.writerow([code, f"{m:02d}/{YEAR}", received, on_time, late, returned])
    return buffer.getvalue().encode("utf-8")


def _codes(lam) -> list[str]:
    catalogue = list(process_selectors.commune_catalogue(communes=[lam.pk]).values_list("code", flat=True))
    chosen = [WATCHED_CODE] if WATCHED_CODE in catalogue else []
    chosen += [code for code in catalogue if code not in chosen][: PROCEDURES - len(chosen)]
    return chosen


def objectives(procedure_id: int | None) -> list[dict]:
    rows = [
        {
            "statement": "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn của thị trấn đạt từ 95% trở lên",
            "indicator": Indicator.ON_TIME_RATE,
            "source": DataSource.ONE_STOP,
            "target_value": Decimal("95"),
            "direction": Direction.AT_LEAST,
            "period": MeasurePeriod.MONTH,
        },
        {
            "statement": "Mức độ hài lòng của người dân đối với việc giải quyết TTHC đạt từ 4,0 điểm trở lên",
            "indicator": Indicator.SATISFACTION,
            "source": DataSource.FEEDBACK,
            "target_value": Decimal("4.0"),
            "direction": Direction.AT_LEAST,
            "period": MeasurePeriod.YEAR,
        },
    ]
    if procedure_id is not None:
        rows.append(
            {
                "statement": "Tỷ lệ hồ sơ đăng ký khai sinh giải quyết trễ hạn không quá 5%",
                "indicator": Indicator.LATE_RATE,
                "source": DataSource.ONE_STOP,
                "target_value": Decimal("5"),
                "direction": Direction.AT_MOST,
                "period": MeasurePeriod.MONTH,
                "procedure_id": procedure_id,
                "late_threshold": Decimal("5"),
            }
        )
    return rows


@transaction.atomic
def load_demo(*, acting_user, communes) -> None:
    lam = next((c for c in communes if (c.unit.era, c.unit.code) == LAM), None)
    officer = get_user_model().objects.filter(username=OFFICER).first()
    today = timezone.localdate()
    if lam is None or officer is None or today.year < YEAR:
        return
    codes = _codes(lam)
    if codes and not OneStopImport.objects.filter(commune=lam, file_name=FILE_NAME).exists():
        services.import_one_stop(acting_user=officer, commune=lam, file_name=FILE_NAME, data=figures_csv(codes, today))
    watched = process_selectors.commune_catalogue(communes=[lam.pk]).filter(code=WATCHED_CODE).first()
    for row in objectives(watched.pk if watched else None):
        if QualityObjective.objects.filter(commune=lam, year=YEAR, statement=row["statement"]).exists():
            continue
        procedure_id = row.pop("procedure_id", None)
        audit_services.save_objective(
            acting_user=officer,
            commune=lam,
            year=YEAR,
            procedure=watched if procedure_id else None,
            **row,
        )
