import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "DJANGO_SETTINGS_MODULE": "qms.settings.production",
    "SECRET_KEY": "pV3-xq8RkL0wT2mZ7cYbN5hJ9sD4fG1aE6uI0oPqWzXcVbNm_Lk",
    "ALLOWED_HOSTS": "qms.example.gov.vn",
    "QMS_BASE_URL": "https://qms.example.gov.vn",
    "QMS_PROXY_COUNT": "1",
    "DATABASE_URL": "postgres://qms:qms@127.0.0.1:5432/qms",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_HOST": "mail.example.gov.vn",
    "DEFAULT_FROM_EMAIL": "HTQLCL <htqlcl@example.gov.vn>",
    "ADMINS": "it@example.gov.vn",
}
#: Variables of the developer's shell that would change what production reads.
LEAKING = ("DEBUG", "EMAIL_", "SECURE_", "SENDFILE_", "CSRF_TRUSTED_ORIGINS", "WAGTAILADMIN_BASE_URL", "QMS_LOG_FORMAT")


def _load(code=None, **overrides):
    env = {k: v for k, v in os.environ.items() if k not in GOOD and not k.startswith(LEAKING)}
    env.update(GOOD)
    env.update(overrides)
    env = {k: v for k, v in env.items() if v is not None}
    code = (
        code
        or "import django; django.setup(); from django.conf import settings; print(settings.DEBUG, settings.DATABASES['default']['ENGINE'])"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


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


SHOW = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "postgres_app": "django.contrib.postgres" in settings.INSTALLED_APPS,
    "base_url": settings.WAGTAILADMIN_BASE_URL,
    "csrf_origins": settings.CSRF_TRUSTED_ORIGINS,
    "email_backend": settings.EMAIL_BACKEND,
    "email": [settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS, settings.DEFAULT_FROM_EMAIL, settings.SERVER_EMAIL],
    "admins": settings.ADMINS,
    "proxy_header": settings.SECURE_PROXY_SSL_HEADER,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "secure_cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
    "sendfile": settings.SENDFILE_BACKEND,
    "demo_accounts": settings.QMS_DEMO_ACCOUNTS,
}))
"""


def _settings(**overrides) -> dict:
    result = _load(SHOW, **overrides)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_from_the_environment():
    shown = _settings(
        EMAIL_PORT="587",
        EMAIL_USE_TLS="1",
        EMAIL_HOST_USER="htqlcl",
        EMAIL_HOST_PASSWORD="secret",
        SENDFILE_BACKEND="nginx",
    )
    assert shown == {
        "postgres_app": True,
        "base_url": "https://qms.example.gov.vn",
        "csrf_origins": ["https://qms.example.gov.vn"],
        "email_backend": "django.core.mail.backends.smtp.EmailBackend",
        "email": ["mail.example.gov.vn", 587, True, "HTQLCL <htqlcl@example.gov.vn>", "HTQLCL <htqlcl@example.gov.vn>"],
        "admins": ["it@example.gov.vn"],
        "proxy_header": ["HTTP_X_FORWARDED_PROTO", "https"],
        "ssl_redirect": True,
        "hsts": 31536000,
        "secure_cookies": [True, True],
        "sendfile": "django_sendfile.backends.nginx",
        "demo_accounts": False,
    }


def test_console_email_only_when_chosen_explicitly():
    shown = _settings(EMAIL_HOST=None, EMAIL_BACKEND="console")
    assert shown["email_backend"] == "django.core.mail.backends.console.EmailBackend"


def test_no_proxy_header_trusted_without_a_proxy():
    assert _settings(QMS_PROXY_COUNT="0")["proxy_header"] is None


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"QMS_BASE_URL": None}, "Set QMS_BASE_URL"),
        ({"QMS_BASE_URL": "http://qms.example.gov.vn"}, "QMS_BASE_URL must be the site's https:// address"),
        ({"QMS_BASE_URL": "https://qms.example.gov.vn/htqlcl/"}, "QMS_BASE_URL must be the site's https:// address"),
        ({"QMS_BASE_URL": "https://other.example.gov.vn"}, "must be listed in ALLOWED_HOSTS"),
        ({"QMS_PROXY_COUNT": None}, "Set QMS_PROXY_COUNT"),
        ({"DATABASE_URL": "sqlite:////tmp/qms.sqlite3"}, "DATABASE_URL must point to PostgreSQL"),
        ({"EMAIL_HOST": None}, "Set EMAIL_HOST"),
        ({"DEFAULT_FROM_EMAIL": None}, "Set DEFAULT_FROM_EMAIL"),
        ({"EMAIL_HOST_PASSWORD": "secret"}, "EMAIL_HOST_PASSWORD would travel unencrypted"),
        ({"EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, "Set only one of EMAIL_USE_TLS"),
        ({"ADMINS": None}, "Set ADMINS"),
        ({"SECRET_KEY": "short-but-random-9f8e7d6c5b4a"}, "SECRET_KEY"),
        ({"SENDFILE_BACKEND": "django_sendfile.backends.development"}, "SENDFILE_BACKEND must be nginx"),
        ({"QMS_LOG_FORMAT": "xml"}, "QMS_LOG_FORMAT must be json or text"),
    ],
    ids=[
        "no-base-url",
        "http-base-url",
        "base-url-with-path",
        "base-url-not-allowed",
        "no-proxy-count",
        "sqlite",
        "no-smtp-host",
        "no-sender",
        "password-in-clear",
        "tls-and-ssl",
        "no-admins",
        "short-secret",
        "dev-sendfile",
        "bad-log-format",
    ],
)
def test_production_refuses_half_configured_settings(overrides, message):
    result = _load(**overrides)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr, result.stderr[-2000:]


def _check_deploy(*extra: str, **overrides):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING", *extra],
        cwd=ROOT,
        env={**_env(**overrides)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _env(**overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in GOOD and not k.startswith(LEAKING)}
    env.update(GOOD)
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def test_check_deploy_reports_nothing_with_the_production_settings():
    result = _check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (2 silenced)." in result.stdout


def test_check_deploy_would_report_an_unsafe_override():
    result = _check_deploy(SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stderr


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="the database checks need the PostgreSQL server of the CI run",
)
@pytest.mark.django_db
def test_check_deploy_with_the_database_checks_on_postgresql():
    from django.db import connection

    params = connection.settings_dict
    url = f"postgres://{params['USER']}:{params['PASSWORD'] or ''}@{params['HOST']}:{params['PORT']}/{params['NAME']}"
    result = _check_deploy("--database", "default", DATABASE_URL=url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (2 silenced)." in result.stdout
