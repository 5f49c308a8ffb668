"""Biên bản họp xem xét của lãnh đạo (management review minutes)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qms import docx as vn

from ..models import FindingKind
from ..review_inputs import PERFORMANCE_TITLE, REVIEW_INPUTS
from . import labels
from .common import (
    document_language,
    field_table,
    filename,
    finish,
    grid,
    lines,
    new_administrative_document,
    paragraphs,
    person,
    short_date,
    signatures,
)


def _yes_no(value) -> str:
    return {True: _("achieved"), False: _("not achieved")}.get(value, _("not yet assessed"))


def _previous_actions(doc, previous: dict) -> None:
    grid(
        doc,
        [_("No."), pgettext("audits", "Action"), pgettext("audits", "Owner"), _("Due date"), _("Status")],
        [
            [a["number"], a["title"], a["owner"], short_date(a["due_date"]), a["status_label"]]
            for a in previous.get("items", [])
        ],
        [18, 70, 30, 20, 27],
    )


def _audit_results(doc, audits: dict) -> None:
    grid(
        doc,
        [_("Audit"), _("Dates"), _("Status"), _("Findings"), _("Nonconformities"), _("Conclusion")],
        [
            [
                a["title"],
                f"{short_date(a['planned_start'])} – {short_date(a['planned_end'])}",
                a["status_label"],
                str(a["findings"]),
                str(a["nonconformities"]),
                a["conclusion"],
            ]
            for a in audits.get("items", [])
        ],
        [35, 30, 20, 17, 20, 43],
    )


def _objectives(doc, objectives: dict) -> None:
    grid(
        doc,
        [_("Objective"), pgettext("audits", "Target"), _("Result achieved"), _("Assessment")],
        [[o["statement"], o["target"], o["result"], _yes_no(o["achieved"])] for o in objectives.get("items", [])],
        [60, 35, 40, 30],
    )
    _objective_months(doc, objectives.get("items", []))


def _monitoring(doc, data: dict) -> None:
    if not data.get("procedures"):
        vn.add_body_paragraph(doc, _("No one-stop figure imported for the year."))
        return
    vn.add_body_paragraph(
        doc,
        _(
            "One-stop figures of %(year)s: %(received)s dossiers received, %(on_time)s resolved on time, "
            "%(late)s late, %(returned)s returned; on-time rate %(rate)s%%."
        )
        % {**data, "rate": (data.get("on_time_rate") or "–").replace(".", ",")},
    )
    grid(
        doc,
        [_("Code"), _("Procedure"), _("Received"), _("On-time rate (%)"), _("Late")],
        [
            [p["code"], p["name"], str(p["received"]), (p["on_time_rate"] or "–").replace(".", ","), str(p["late"])]
            for p in data["procedures"]
        ],
        [22, 73, 22, 25, 18],
    )


def _resources(doc, resources: dict) -> None:
    vn.add_body_paragraph(
        doc,
        _("Active internal auditors: %(auditors)s, of whom %(trained)s have a training record.")
        % {"auditors": resources.get("auditors", 0), "trained": resources.get("trained_auditors", 0)},
    )


def _opportunities(doc, opportunities: list) -> None:
    grid(
        doc,
        [_("Code"), _("Audit"), _("Clause"), _("Description")],
        [[o["code"], o["plan"], o["clause"], o["description"]] for o in opportunities],
        [15, 50, 20, 80],
    )


def _objective_months(doc, items: list[dict]) -> None:
    """The monthly values of each objective computed from the data (inputs assembled before they existed
    have none)."""
    for o in items:
        months = o.get("months") or []
        if not months:
            continue
        vn.add_body_paragraph(
            doc, _("%(objective)s – %(source)s:") % {"objective": o["statement"], "source": o.get("source_label", "")}
        )
        grid(
            doc,
            [_("Month"), _("Value"), _("Assessment")],
            [[m["month"], (m["value"] or "–").replace(".", ","), _yes_no(m["achieved"])] for m in months],
            [40, 60, 65],
        )


def _customer_feedback(doc, data: dict) -> None:
    grid(
        doc,
        [_("Procedure"), _("Average rating"), _("Ratings")],
        [
            [f"{p['code']} {p['name']}", f"{p['average']:.1f}".replace(".", ","), str(p["count"])]
            for p in data.get("satisfaction", [])
        ],
        [115, 25, 25],
    )
    grid(
        doc,
        [_("Received on"), _("Type"), _("Procedure"), _("Content"), _("Outcome")],
        [
            [
                short_date(c["received_on"]),
                c["kind_label"],
                c["procedure"],
                c["comment"],
                " ".join(part for part in (c["status_label"], c["reference"], c["answer"]) if part),
            ]
            for c in data.get("complaints", [])
        ],
        [22, 25, 25, 50, 43],
    )


def _risks(doc, data: dict) -> None:
    vn.add_body_paragraph(
        doc,
        _("%(open)s open, %(treating)s being treated, %(closed)s treated and closed.")
        % {"open": data.get("open", 0), "treating": data.get("treating", 0), "closed": data.get("closed", 0)},
    )
    grid(
        doc,
        [_("No."), _("Risk or opportunity"), _("Level"), _("Treatment"), _("Status"), _("After treatment")],
        [
            [
                r["number"],
                r["description"],
                r["level_label"],
                "\n".join(filter(None, [r["treatment"], r["owner"], short_date(r["due_date"])])),
                r["status_label"],
                r["residual_level_label"],
            ]
            for r in data.get("items", [])
        ],
        [12, 55, 20, 45, 18, 20],
    )


def _context(doc, data: dict) -> None:
    approved = data.get("approved")
    if not approved:
        vn.add_body_paragraph(doc, _("No context and scope has been approved yet."))
        return
    vn.add_body_paragraph(
        doc,
        _(
            "Context and scope in force: %(year)s, version %(version)s, approved on %(approved_on)s; "
            "%(n)s TTHC in the scope, %(x)s exclusions."
        )
        % {
            "year": approved["year"],
            "version": approved["version"],
            "approved_on": short_date(approved["approved_on"]),
            "n": data.get("scope_size", 0),
            "x": data.get("exclusions", 0),
        },
    )
    previous = data.get("previous")
    if not previous:
        vn.add_body_paragraph(doc, _("This is the first approved version: no earlier one to compare with."))
        return
    vn.add_body_paragraph(
        doc,
        _("Compared with %(year)s, version %(version)s:") % {"year": previous["year"], "version": previous["version"]},
    )
    rows = [[_("Added"), i["origin_label"], i["description"]] for i in data.get("added", [])]
    rows += [[_("Removed"), i["origin_label"], i["description"]] for i in data.get("removed", [])]
    if not rows:
        vn.add_body_paragraph(doc, _("No change in the issues"))
        return
    grid(
        doc,
        [
            pgettext("context", "Change"),
            pgettext("context issue", "Internal or external"),
            pgettext("context issue", "Issue"),
        ],
        rows,
        [25, 30, 110],
    )


def _board(doc, data: dict) -> None:
    policy = data.get("policy")
    if policy:
        vn.add_body_paragraph(
            doc,
            _("Quality policy in force: version %(v)s, adopted on %(d)s, signed by %(n)s.")
            % {"v": policy["version"], "d": short_date(policy["adopted_on"]), "n": policy["signed_by"]},
        )
        vn.add_body_paragraph(doc, policy["text"], italic=True)
    else:
        vn.add_body_paragraph(doc, _("No quality policy has been adopted yet."))
    rows = [
        [
            short_date(d["date"]),
            _("Decision %(number)s on the %(kind)s") % {"number": d["number"], "kind": d["kind_label"]},
        ]
        for d in data.get("decisions", [])
    ]
    rows += [
        [
            short_date(c["date"]),
            f"{c['name']} ({c['board_position']}): "
            + (_("left the board") if c["kind"] == "left" else _("joined the board")),
        ]
        for c in data.get("changes", [])
    ]
    rows.sort(key=lambda row: row[0][6:] + row[0][3:5] + row[0][:2])
    grid(doc, [_("Date"), _("Change of the board")], rows, [30, 135], date_columns=(0,))


def _nonconformities(doc, data: dict) -> None:
    kinds = data.get("findings_by_kind", {})
    rows = [[label, str(kinds.get(value, 0))] for value, label in FindingKind.choices]
    actions = data.get("actions", {})
    rows += [
        [_("Corrective actions open"), str(actions.get("open", 0))],
        [_("of which overdue"), str(actions.get("overdue", 0))],
        [_("Corrective actions closed as effective in the period"), str(actions.get("closed", 0))],
        [_("Corrective actions found not effective at least once"), str(actions.get("reopened", 0))],
        [_("Corrective actions cancelled"), str(actions.get("cancelled", 0))],
    ]
    grid(doc, [_("Indicator"), pgettext("audits", "Number")], rows, [125, 40])


def _performance(doc, data: dict) -> None:
    grid(
        doc,
        [_("Process"), _("Conforming"), _("Nonconforming"), _("Observations")],
        [
            [f"{p['code']} {p['title']}".strip(), str(p["conforming"]), str(p["nonconforming"]), str(p["observations"])]
            for p in data.get("audited", [])
        ],
        [80, 28, 29, 28],
    )
    if "documents_note" in data:
        vn.add_body_paragraph(doc, data["documents_note"], italic=True)
        return
    vn.add_body_paragraph(
        doc, _("Effective process documents: %(count)s.") % {"count": data.get("effective_documents", 0)}
    )
    flags = data.get("open_update_flags", [])
    vn.add_body_paragraph(doc, _("Documents to update after legal changes: %(count)d.") % {"count": len(flags)})
    grid(
        doc,
        [_("Code"), pgettext("audits", "Document"), _("Deadline")],
        [[f["code"], f["title"], short_date(f["deadline"])] for f in flags],
        [30, 105, 30],
    )


#: How the minutes draw the inputs of the audits app (a plugged-in input brings its own ``render``).
RENDERERS = {
    "context": _context,
    "monitoring": _monitoring,
    "board": _board,
    "previous_actions": _previous_actions,
    "customer_feedback": _customer_feedback,
    "quality_objectives": _objectives,
    "process_performance": _performance,
    "nonconformities": _nonconformities,
    "audit_results": _audit_results,
    "resources": _resources,
    "risks": _risks,
    "improvement_opportunities": _opportunities,
}


def _inputs(doc, inputs: dict) -> None:
    """Every input of 9.3.2 a–f under its heading, in the order of the standard; an input with no data
    says so."""
    period = inputs.get("period", {})
    vn.add_body_paragraph(
        doc,
        _("Period reviewed: %(since)s – %(until)s")
        % {"since": short_date(period.get("since")), "until": short_date(period.get("until"))},
    )
    performance_heading = False
    for entry in REVIEW_INPUTS:
        if entry.item and not performance_heading:
            vn.add_heading(doc, f"{entry.letter}) {PERFORMANCE_TITLE}", level=2)
            performance_heading = True
        vn.add_heading(doc, entry.heading, level=3 if entry.item else 2)
        data = inputs.get(entry.key)
        render = entry.render or RENDERERS.get(entry.key)
        if data is None or render is None:
            vn.add_body_paragraph(doc, str(entry.missing), italic=True)
        else:
            render(doc, data)


def _decision_rows(review) -> list[list]:
    decisions = review.decisions.select_related("owner", "action").order_by("order", "pk")
    rows = []
    for index, decision in enumerate(decisions, start=1):
        action = getattr(decision, "action", None)
        tracked = f"{action.number} – {action.get_status_display()}" if action else _("not tracked")
        rows.append(
            [
                str(index),
                decision.text,
                decision.get_topic_display(),
                person(decision.owner),
                short_date(decision.due_date),
                tracked,
            ]
        )
    return rows


def build_review_docx(review):
    with document_language():
        doc = new_administrative_document(
            commune=review.commune,
            number=review.document_number,
            symbol=labels.SYMBOL_MINUTES,
            doc_date=review.held_on,
            year=(review.held_on or review.planned_on).year,
            record_date=review.planned_on,
            doc_type=labels.BIEN_BAN,
            subject=review.title,
        )
        field_table(
            doc,
            [
                (_("Date"), short_date(review.held_on or review.planned_on)),
                (_("Location"), review.location),
                (_("Chair"), person(review.chair)),
                (_("Secretary"), person(review.secretary)),
                (_("Attendees"), "\n".join(lines(review.attendees))),
                (_("Status"), review.get_status_display()),
            ],
        )
        vn.add_heading(doc, _("I. Review inputs (TCVN ISO 9001:2015, 9.3.2)"))
        if review.inputs:
            _inputs(doc, review.inputs)
        else:
            vn.add_body_paragraph(doc, _("(the inputs have not been assembled yet)"), italic=True)
        vn.add_heading(doc, _("II. Decisions (9.3.3)"))
        grid(
            doc,
            [_("No."), _("Decision"), _("Topic"), pgettext("audits", "Owner"), _("Due date"), _("Tracked action")],
            _decision_rows(review),
            [10, 60, 25, 25, 20, 25],
        )
        vn.add_heading(doc, _("III. Conclusions"))
        paragraphs(doc, review.conclusions, empty=_("(not yet concluded)"))
        signatures(doc, [(labels.THU_KY, person(review.secretary)), (labels.CHU_TRI, person(review.chair))])
        return finish(
            doc,
            "review",
            review,
            title=f"{labels.BIEN_BAN.capitalize()} {review.title}",
            subject=vn.format_document_number(review.document_number or None, labels.SYMBOL_MINUTES),
            created=review.planned_on,
            modified=review.held_on,
            modified_by=review.secretary,
        )


def review_filename(review):
    number = review.document_number or str(review.year)
    on = review.held_on or review.planned_on
    return filename("biên bản xem xét của lãnh đạo", number, review.commune.slug, on=on)
