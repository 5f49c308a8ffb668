import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "DJANGO_SETTINGS_MODULE": "qms.settings.production",
    "SECRET_KEY": "k" * 50,
    "ALLOWED_HOSTS": "qms.example.gov.vn",
    "DATABASE_URL": "postgres://qms:qms@127.0.0.1:5432/qms",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def _load(**overrides):
    env = {k: v for k, v in os.environ.items() if k not in GOOD and k != "DEBUG"}
    env.update(GOOD)
    env.update(overrides)
    env = {k: v for k, v in env.items() if v is not None}
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG, settings.DATABASES['default']['ENGINE'])"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_production_starts_with_safe_settings():
    result = _load()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False django.db.backends.postgresql"


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"DEBUG": "1"}, "DEBUG must be off"),
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": "django-insecure-qms-default-key-change-me"}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"DATABASE_URL": None}, "DATABASE_URL"),
    ],
    ids=["debug-on", "no-secret", "default-secret", "no-hosts", "no-database"],
)
def test_production_refuses_unsafe_settings(overrides, message):
    result = _load(**overrides)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr
