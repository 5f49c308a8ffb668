from django.urls import path

from . import admin_views

app_name = "api_tokens"

urlpatterns = [
    path("", admin_views.tokens, name="list"),
    path("<int:pk>/revoke/", admin_views.revoke, name="revoke"),
]
