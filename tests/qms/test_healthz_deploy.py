"""/healthz fails (503) when the static files are not collected or the schema is behind."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from qms.views import STATIC_PROBE
from tests.qms.healthz import ALL_OK, get_healthz

MANIFEST_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
HASHED = STATIC_PROBE.replace(".css", ".0123456789ab.css")


def _collected(root, *, with_file=True):
    (root / "staticfiles.json").write_text(
        json.dumps({"version": "1.1", "hash": "x", "paths": {STATIC_PROBE: HASHED}}), encoding="utf-8"
    )
    if with_file:
        target = root / HASHED
        target.parent.mkdir(parents=True)
        target.write_text("body{}", encoding="utf-8")


def _get(client, static_root):
    return get_healthz(client, DEBUG=False, STORAGES=MANIFEST_STORAGES, STATIC_ROOT=str(static_root))


def _forget_latest_audits_migration() -> str:
    """Mark the newest migration of ``audits`` as not applied; its name."""
    executor = MigrationExecutor(connection)
    leaf = next(node for node in executor.loader.graph.leaf_nodes() if node[0] == "audits")
    MigrationRecorder(connection).migration_qs.filter(app=leaf[0], name=leaf[1]).delete()
    return leaf[1]


@pytest.mark.django_db
def test_healthz_fails_before_collectstatic(client, tmp_path):
    response = _get(client, tmp_path)
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "checks": {**ALL_OK, "static": "missing"},
    }


@pytest.mark.django_db
def test_healthz_fails_when_a_collected_file_is_gone(client, tmp_path):
    _collected(tmp_path, with_file=False)
    response = _get(client, tmp_path)
    assert response.status_code == 503
    assert response.json()["checks"]["static"] == "missing"


@pytest.mark.django_db
def test_healthz_passes_after_collectstatic(client, tmp_path):
    _collected(tmp_path)
    response = _get(client, tmp_path)
    assert response.status_code == 200
    assert response.json()["checks"]["static"] == "ok"


@pytest.mark.django_db
def test_healthz_fails_while_migrations_are_not_applied(client):
    _forget_latest_audits_migration()
    response = get_healthz(client, DEBUG=False)
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "checks": {**ALL_OK, "migrations": "pending"},
    }


@pytest.mark.django_db
def test_healthz_names_the_pending_migration_when_debugging(client):
    name = _forget_latest_audits_migration()
    response = get_healthz(client, DEBUG=True)
    assert response.status_code == 503
    assert f"audits.{name}" in response.json()["checks"]["migrations"]
