from django.urls import path
from wagtail.utils.urlpatterns import decorate_urlpatterns

from . import views

app_name = "certification"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("dashboard/report.docx", views.report_docx, name="report_docx"),
    path("unit/<int:pk>/target/", views.TargetEditView.as_view(), name="target"),
    path("commune/<int:pk>/", views.CommuneRecordView.as_view(), name="commune"),
    path("commune/<int:pk>/evidence/add/", views.EvidenceAddView.as_view(), name="evidence_add"),
    path("commune/<int:pk>/announcement/draft.docx", views.decision_draft, name="decision_draft"),
    path("commune/<int:pk>/announcement/add/", views.AnnouncementAddView.as_view(), name="announcement_add"),
    path("commune/<int:pk>/inspection/add/", views.InspectionAddView.as_view(), name="inspection_add"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("conclusion/<int:pk>/report/", views.ReportAddView.as_view(), name="report_add"),
]

# Refusals are real 403 pages, not Wagtail's redirect to the admin home.
urlpatterns = decorate_urlpatterns(urlpatterns, views.refuse_with_403)
