"""Downloads of the files kept on audit records."""

from django.urls import path

from . import downloads

app_name = "audits_files"

urlpatterns = [
    path("files/audits/certificate/<int:pk>/", downloads.certificate_file, name="certificate"),
    path("files/audits/evidence/<int:pk>/", downloads.evidence_file, name="evidence"),
]
