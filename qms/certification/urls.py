from django.urls import path

from . import api

app_name = "certification_api"

urlpatterns = [
    path("api/v1/progress/", api.progress, name="progress"),
]
