from django.urls import include, path

from . import docs, views

app_name = "api"

urlpatterns = [
    path("units/", views.UnitList.as_view(), name="units"),
    path("units/<int:pk>/", views.UnitDetail.as_view(), name="unit"),
    path("communes/", views.CommuneList.as_view(), name="communes"),
    path("communes/<int:pk>/", views.CommuneDetail.as_view(), name="commune"),
    path("communes/<int:commune_id>/processes/", views.ProcessList.as_view(), name="processes"),
    path(
        "communes/<int:commune_id>/processes/<int:document_id>/docx/",
        views.ProcessDownload.as_view(),
        name="process-docx",
    ),
    path(
        "communes/<int:commune_id>/processes/<int:document_id>/pdf/",
        views.ProcessDownload.as_view(as_pdf=True),
        name="process-pdf",
    ),
    path("announcements/", views.AnnouncementList.as_view(), name="announcements"),
    path("announcements/<int:pk>/", views.AnnouncementDetail.as_view(), name="announcement"),
    path("progress/", views.ProgressView.as_view(), name="progress"),
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.docs, name="docs"),
]

#: The progress figures' first URL name, kept for the dashboards' links and other modules.
progress_patterns = ([path("progress/", views.ProgressView.as_view(), name="progress")], "certification_api")

root_patterns = [
    path("api/v1/", include((urlpatterns, app_name))),
    path("api/v1/", include(progress_patterns)),
]
