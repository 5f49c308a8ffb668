"""Word documents of the audits app, built on the ``qms.docx`` blocks.

Each builder takes one record and returns a python-docx ``Document``; it reads
the database but never writes.
"""

from .action import action_filename, build_action_docx
from .plan import build_plan_docx, plan_filename
from .programme import build_programme_docx, programme_filename
from .report import build_report_docx, report_filename
from .review import build_review_docx, review_filename

__all__ = [
    "action_filename",
    "build_action_docx",
    "build_plan_docx",
    "build_programme_docx",
    "build_report_docx",
    "build_review_docx",
    "plan_filename",
    "programme_filename",
    "report_filename",
    "review_filename",
]
