"""Downloads of the files kept on a commune's certification records."""

from django.urls import path

from . import downloads

app_name = "certification_files"

urlpatterns = [
    path("files/certification/evidence/<int:pk>/", downloads.evidence_file, name="evidence"),
    path("files/certification/announcement/<int:pk>/", downloads.announcement_file, name="announcement"),
    path("files/certification/report/<int:pk>/", downloads.report_file, name="report"),
    path("files/certification/archive/<int:pk>/", downloads.archive_file, name="archive"),
    path("cong-khai/quyet-dinh-cong-bo/<int:pk>/", downloads.public_announcement_file, name="public_announcement"),
]
