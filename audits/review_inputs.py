"""The inputs of a management review (TCVN ISO 9001:2015, 9.3.2 a–f), one registry entry each.

Each :class:`ReviewInput` names its clause (``letter`` a–f and, under c, its ``item`` 1–7), its title and
a function assembling its data from the records (stored in ``ManagementReview.inputs[key]``). An input
with no record in the system yet has ``collect=None``: the minutes then say so under its heading. Another
app plugs its records in with :func:`register_input` (an entry of the same key is replaced), giving a
``render`` function for the minutes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ReviewInput:
    key: str
    letter: str
    title: str | Promise
    collect: Callable[[Any], Any] | None = None
    item: int | None = None
    #: Shown when the input has no data: what the system does not hold.
    missing: str | Promise = _("No record of this input in the system.")
    #: ``render(doc, data)`` for the minutes; the audits app's own inputs are drawn by ``audits.docx.review``.
    render: Callable[[Any, Any], None] | None = None
    #: The template showing ``data`` on the review's admin page (the audits app's own: ``inputs/<key>.html``).
    admin_template: str = ""

    @property
    def clause(self) -> str:
        if self.letter == OTHER:
            return ""
        return f"9.3.2 {self.letter})" + (f" {self.item})" if self.item else "")

    @property
    def heading(self) -> str:
        if self.letter == OTHER:
            return str(self.title)
        return f"{self.item}) {self.title}" if self.item else f"{self.letter}) {self.title}"


#: 9.3.2 c) introduces the seven items of performance and effectiveness.
PERFORMANCE_TITLE = _("Information on the performance and effectiveness of the QMS, including trends in:")

#: The ``letter`` of an input the commune reviews besides 9.3.2 a–f (listed after them, without a letter).
OTHER = "+"

REVIEW_INPUTS: list[ReviewInput] = []


def register_input(entry: ReviewInput) -> None:
    for i, existing in enumerate(REVIEW_INPUTS):
        if existing.key == entry.key:
            REVIEW_INPUTS[i] = entry
            return
    REVIEW_INPUTS.append(entry)
    order = "abcdef" + OTHER
    REVIEW_INPUTS.sort(key=lambda e: (order.index(e.letter), e.item or 0))


def _builtin():
    from . import selectors as s
    from .board import selectors as board
    from .context import selectors as context
    from .objectives import selectors as objectives
    from .risks import selectors as risks

    entries = [
        ReviewInput(
            "previous_actions",
            "a",
            _("Status of actions from previous management reviews"),
            lambda c: s._previous_review_actions(c.review),
        ),
        ReviewInput(
            "context",
            "b",
            _("Changes in external and internal issues that are relevant to the QMS"),
            lambda c: context.review_context(c.commune_id),
        ),
        ReviewInput(
            "customer_feedback",
            "c",
            _("Customer satisfaction and feedback from relevant interested parties"),
            lambda c: s._customer_feedback(c.commune_id, c.since, c.until),
            item=1,
        ),
        ReviewInput(
            "quality_objectives",
            "c",
            _("The extent to which quality objectives have been met"),
            lambda c: s._quality_objectives(c.commune_id, c.review.year),
            item=2,
        ),
        ReviewInput(
            "process_performance",
            "c",
            _("Process performance and conformity of products and services"),
            lambda c: s._process_performance(c.commune_id, c.since, c.until),
            item=3,
        ),
        ReviewInput(
            "nonconformities",
            "c",
            _("Nonconformities and corrective actions"),
            lambda c: s._findings_and_actions(c.commune_id, c.since, c.until, c.today),
            item=4,
        ),
        ReviewInput(
            "monitoring",
            "c",
            _("Monitoring and measurement results"),
            lambda c: objectives.review_monitoring(c.commune_id, c.review.year),
            item=5,
        ),
        ReviewInput(
            "audit_results", "c", _("Audit results"), lambda c: s._audit_results(c.commune_id, c.since, c.until), item=6
        ),
        ReviewInput(
            "external_providers",
            "c",
            _("The performance of external providers"),
            item=7,
            missing=_("No record in the system: the performance of external providers."),
        ),
        ReviewInput("resources", "d", _("The adequacy of resources"), lambda c: s._resources(c.commune_id)),
        ReviewInput(
            "risks",
            "e",
            _("The effectiveness of actions taken to address risks and opportunities"),
            lambda c: risks.review_risks(c.commune_id),
        ),
        ReviewInput(
            "board",
            OTHER,
            _("Quality policy and the ISO steering board"),
            lambda c: board.review_board(c.commune_id, c.review.year),
        ),
        ReviewInput(
            "improvement_opportunities",
            "f",
            _("Opportunities for improvement"),
            lambda c: s._improvement_opportunities(c.commune_id, c.since, c.until),
        ),
    ]
    for entry in entries:
        register_input(entry)


_builtin()


def input_sections(inputs: dict) -> list[dict]:
    """The inputs in the standard's order for the review's admin page: heading, the heading of 9.3.2 c) before
    its first item, and the template showing the data (none when there is no data: ``missing`` is shown)."""
    sections, grouped = [], False
    for entry in REVIEW_INPUTS:
        group = ""
        if entry.item and not grouped:
            group, grouped = f"{entry.letter}) {PERFORMANCE_TITLE}", True
        data = inputs.get(entry.key)
        template = entry.admin_template or (
            f"audits/admin/includes/inputs/{entry.key}.html" if entry.collect is not None and not entry.render else ""
        )
        sections.append(
            {
                "group": group,
                "heading": entry.heading,
                "data": data,
                "template": template if data is not None else "",
                "missing": entry.missing,
            }
        )
    return sections
