from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

from qms.files.documents import serve_document
from qms.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    # Wagtail's document URL, answered by the permission-checked view (no public files).
    re_path(r"^documents/(\d+)/(.*)$", serve_document, name="wagtaildocs_serve"),
    path("i18n/", include("django.conf.urls.i18n")),
]

# Feature apps contribute their own URL modules (public views, API, downloads).
urlpatterns += [
    path("", include("processes.urls")),
    path("", include("audits.urls")),
    path("", include("qms.api.urls_root")),
    path("", include("qms.certification.file_urls")),
    path("", include("audits.file_urls")),
    path("", include("qms.signatures.file_urls")),
    path("", include("processes.file_urls")),
]

urlpatterns.append(path("", include(wagtail_urls)))
