"""Downloads of the approved and signed PDFs, and the public signed PDF."""

from django.urls import path

from . import views

app_name = "signature_files"

urlpatterns = [
    path("files/signatures/<int:pk>/approved/", views.frozen_file, name="frozen"),
    path("files/signatures/<int:pk>/signed/", views.signed_file, name="signed"),
    path("cong-khai/van-ban-ky-so/<int:pk>/", views.public_signed_file, name="public"),
]
