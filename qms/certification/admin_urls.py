from django.urls import path
from wagtail.utils.urlpatterns import decorate_urlpatterns

from . import inspection_views as iv
from . import views
from .mergers import views as mv

app_name = "certification"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("dashboard/report.docx", views.report_docx, name="report_docx"),
    path("unit/<int:pk>/target/", views.TargetEditView.as_view(), name="target"),
    path("commune/<int:pk>/", views.CommuneRecordView.as_view(), name="commune"),
    path("commune/<int:pk>/self-assessment/", views.SelfAssessmentView.as_view(), name="self_assessment"),
    path("commune/<int:pk>/self-assessment.docx", views.self_assessment_docx, name="self_assessment_docx"),
    path("commune/<int:pk>/evidence/add/", views.EvidenceAddView.as_view(), name="evidence_add"),
    path("commune/<int:pk>/announcement/draft.docx", views.decision_draft, name="decision_draft"),
    path("commune/<int:pk>/archive-package/", views.archive_package_request, name="archive_package"),
    path("commune/<int:pk>/announcement/add/", views.AnnouncementAddView.as_view(), name="announcement_add"),
    path("commune/<int:pk>/inspection/add/", views.InspectionAddView.as_view(), name="inspection_add"),
    path("commune/<int:pk>/carry-over/", mv.CarryOverView.as_view(), name="carry_over"),
    path("commune/<int:pk>/carry-over/progress/", mv.progress, name="carry_over_progress"),
    path("commune/<int:pk>/carry-over/compare/", mv.CompareView.as_view(), name="carry_over_compare"),
    path("commune/<int:pk>/carry-over/report.docx", mv.report_docx, name="carry_over_docx"),
    path("commune/<int:pk>/carry-over/report.xlsx", mv.report_xlsx, name="carry_over_xlsx"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("conclusion/<int:pk>/report/", views.ReportAddView.as_view(), name="report_add"),
    path("conclusion/<int:pk>/accept/", iv.conclusion_accept, name="report_accept"),
    path("inspections/", iv.PlanIndexView.as_view(), name="plans"),
    path("inspections/add/", iv.PlanCreateView.as_view(), name="plan_add"),
    path("inspections/<int:pk>/", iv.PlanDetailView.as_view(), name="plan"),
    path("inspections/<int:pk>/items/add/", iv.PlanItemAddView.as_view(), name="plan_item_add"),
    path("inspections/<int:pk>/team/", iv.TeamEditView.as_view(), name="plan_team"),
    path("inspections/<int:pk>/submit/", iv.plan_submit, name="plan_submit"),
    path("inspections/<int:pk>/approve/", iv.ApproveView.as_view(), name="plan_approve"),
    path("inspections/<int:pk>/consolidation.docx", iv.consolidation_docx, name="plan_consolidation"),
    path("inspections/<int:pk>/consolidation.xlsx", iv.consolidation_xlsx, name="plan_consolidation_xlsx"),
    path("inspections/item/<int:pk>/remove/", iv.item_remove, name="plan_item_remove"),
    path("inspections/item/<int:pk>/carry-out/", iv.CarryOutView.as_view(), name="plan_item_carry_out"),
    path("inspections/item/<int:pk>/decision.docx", iv.item_decision, name="inspection_decision"),
    path("inspections/item/<int:pk>/minutes.docx", iv.item_minutes, name="inspection_minutes"),
]

# Refusals are real 403 pages, not Wagtail's redirect to the admin home.
urlpatterns = decorate_urlpatterns(urlpatterns, views.refuse_with_403)
