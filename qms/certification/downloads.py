"""Files of a commune's certification records.

Evidence, signed decisions and corrective reports go to whoever may view the
commune (404 for anyone else). The signed announcement decision is public by
law once recorded (an Announcement row exists only from then): the public
site links it through its own view, which serves nothing but that file.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404

from qms.files.policy import ZIP
from qms.files.serving import RecordFileView, file_response, serve_file

from . import access
from .archive_package.contents import package_name
from .models import Announcement, ArchivePackage, Evidence, InspectionConclusion, PackageStatus

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


def archive_file(request, pk: int):
    """A ready yearly archive package, to whoever may view its commune (404 for anyone else)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    package = get_object_or_404(ArchivePackage.objects.select_related("commune__unit"), pk=pk)
    if not access.can_view_commune(request.user, package.commune):
        raise Http404
    if package.status != PackageStatus.READY or not package.file or not package.file.storage.exists(package.file.name):
        raise Http404
    with package.file.open("rb") as stored:
        content = stored.read()
    return file_response(content, filename=package_name(package), kind=ZIP)
