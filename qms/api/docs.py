"""The OpenAPI schema and its documentation page, readable without any outside resource."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView

from .models import Scope

METHODS = ("get", "post", "put", "patch", "delete")


def title() -> str:
    return _("HTQLCL API for other systems")


def description() -> str:
    return _(
        "Read-only data of the quality-management systems of the communes: administrative units, communes with "
        "their stage and dates, announcements, the effective quy trình of each commune with their Word and PDF "
        "files, and the progress figures per unit and era. Send the organisation's token in the header "
        "'Authorization: Token <token>'. Every answer is limited to the units of the token; lists are paged "
        "(?page=, ?page_size= up to 200)."
    )


def schema_settings() -> dict:
    return {"TITLE": title(), "DESCRIPTION": description()}


@extend_schema(exclude=True)
class SchemaView(SpectacularAPIView):
    authentication_classes = []
    permission_classes = []
    throttle_classes = []

    def get(self, request, *args, **kwargs):
        self.custom_settings = schema_settings()
        return super().get(request, *args, **kwargs)


def build_schema() -> dict:
    from drf_spectacular.settings import patched_settings

    with patched_settings(schema_settings()):
        return SchemaGenerator(urlconf="qms.api.urls_root").get_schema(request=None, public=True)


def _operations(schema: dict) -> list[dict]:
    operations = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": operation.get("parameters", []),
                    "responses": sorted(operation.get("responses", {}).items()),
                    "fields": _fields(schema, operation),
                }
            )
    return operations


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _fields(schema: dict, operation: dict) -> list[dict]:
    content = operation.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
    node = _resolve(schema, content.get("schema", {}))
    if "results" in node.get("properties", {}):
        node = node["properties"]["results"]
    if node.get("type") == "array":
        node = _resolve(schema, node.get("items", {}))
    return [
        {"name": name, "type": prop.get("type") or prop.get("format") or "", "description": prop.get("description", "")}
        for name, prop in node.get("properties", {}).items()
    ]


def docs(request):
    """``/api/v1/docs/``: every endpoint, its parameters and the fields it answers, from the schema."""
    schema = build_schema()
    return render(
        request,
        "api/docs.html",
        {
            "title": schema["info"]["title"],
            "description": schema["info"]["description"],
            "operations": _operations(schema),
            "scopes": Scope.choices,
        },
    )
