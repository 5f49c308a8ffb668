"""Downloads of the files the processes app keeps: the bulk exports of quy trình."""

from django.urls import path

from . import bulk_export_views

app_name = "processes_files"

urlpatterns = [
    path("files/processes/export/<int:pk>/", bulk_export_views.download, name="bulk_export"),
]
