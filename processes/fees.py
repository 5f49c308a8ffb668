"""Fees as rows (Nội dung | Mức thu | Căn cứ / ghi chú) from and to the catalogue's plain text."""

from __future__ import annotations

import re

from .docx.schema import FeeItem

_BULLET = re.compile(r"^\s*[-–•+*]\s*")
#: The amount after "what: " is short; a longer tail means the colon was part of a sentence.
AMOUNT_LIMIT = 255


def _parts(line: str) -> list[str]:
    """The catalogue joins channels with "; " ("Trực tiếp: Miễn phí; Trực tuyến: Miễn phí")."""
    parts = [part.strip() for part in line.split("; ")]
    if len(parts) > 1 and all(": " in part for part in parts):
        return parts
    return [line]


def _row(line: str) -> FeeItem:
    item, colon, amount = line.partition(": ")
    item, amount = item.strip(), amount.strip()
    if colon and item and amount and len(amount) <= AMOUNT_LIMIT:
        return FeeItem(item=item, amount=amount)
    return FeeItem(item=line)


def fee_rows_from_text(text: str | None) -> list[FeeItem]:
    """One row per line "- what: amount"; a line without "what: amount" is one row with its text as what."""
    rows = []
    for raw in (text or "").replace("\r\n", "\n").split("\n"):
        line = _BULLET.sub("", raw).strip()
        if not line:
            continue
        rows.extend(_row(part) for part in _parts(line))
    return rows


def fee_text(rows: list[FeeItem]) -> str:
    """The rows as lines "- what: amount (notes)"."""
    lines = []
    for row in rows:
        line = f"{row.item}: {row.amount}" if row.amount else row.item
        lines.append(f"- {line} ({row.notes})" if row.notes else f"- {line}")
    return "\n".join(lines)
