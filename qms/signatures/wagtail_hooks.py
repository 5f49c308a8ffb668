from django.urls import include, path
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from qms.permissions import CommuneScopedPolicy

from . import services
from .models import SignedRecord, SigningCertificate

assert services  # imported for its define_action() calls

for _model in (SignedRecord, SigningCertificate):
    register_permission_policy(_model, CommuneScopedPolicy(_model, commune_path="commune"))


@hooks.register("register_admin_urls")
def register_signature_urls():
    return [path("signatures/", include("qms.signatures.admin_urls", namespace="signatures"))]
