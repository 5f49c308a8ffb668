"""Files of a commune's certification records.

Evidence, signed decisions and corrective reports go to whoever may view the
commune (404 for anyone else). The signed announcement decision is public by
law once recorded (an Announcement row exists only from then): the public
site links it through its own view, which serves nothing but that file.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from qms.files.serving import RecordFileView, serve_file

from .models import Announcement, Evidence, InspectionConclusion

evidence_file = RecordFileView.as_view(model=Evidence)
announcement_file = RecordFileView.as_view(model=Announcement)
report_file = RecordFileView.as_view(
    model=InspectionConclusion,
    field="report_file",
    commune_path="inspection.commune_id",
    select_related=("inspection",),
)


def public_announcement_file(request, pk: int):
    """The signed announcement decision, as published on the commune's public page."""
    announcement = get_object_or_404(Announcement.objects.exclude(file=""), pk=pk)
    return serve_file(request, announcement.file, public=True)
