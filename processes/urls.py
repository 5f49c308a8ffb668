"""Public URLs: the commune's effective procedures, one page per procedure, search."""

from django.urls import include, path

from . import public

public_patterns = (
    [
        path("tim-kiem/", public.search, name="search"),
        path("<slug:commune_slug>/", public.commune_procedures, name="commune"),
        path(
            "<slug:commune_slug>/<path:code>/y-kien/<slug:form_name>/",
            public.procedure_feedback,
            name="feedback",
        ),
        path("<slug:commune_slug>/<path:code>/cam-on/", public.feedback_thanks, name="feedback_thanks"),
        path("<slug:commune_slug>/<path:code>/", public.procedure_detail, name="procedure"),
    ],
    "processes_public",
)

urlpatterns = [path("quy-trinh/", include(public_patterns))]
