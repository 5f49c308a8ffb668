from .urls import root_patterns as urlpatterns  # noqa: F401
