from django.urls import path

from . import views

app_name = "signatures"

urlpatterns = [
    path("commune/<int:pk>/certificate/", views.CertificateView.as_view(), name="certificate"),
    path("<slug:record_type>/<int:pk>/", views.SignedRecordView.as_view(), name="record"),
    path("<slug:record_type>/<int:pk>/sign/", views.sign, name="sign"),
    path("<slug:record_type>/<int:pk>/download/", views.download_for_signing, name="download"),
    path("<slug:record_type>/<int:pk>/upload/", views.upload_signed, name="upload"),
    path("<slug:record_type>/<int:pk>/verify/", views.verify, name="verify"),
]
