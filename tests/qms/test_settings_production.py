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
LEAKING = (
    "DEBUG",
    "EMAIL_",
    "SECURE_",
    "SENDFILE_",
    "CSRF_TRUSTED_ORIGINS",
    "WAGTAILADMIN_BASE_URL",
    "QMS_LOG_FORMAT",
    "CACHE_URL",
)


#: Read in one process for every variant of the environment below: the production settings module
#: imported afresh each time (it reads the environment when imported), its values or its refusal.
READ_VARIANTS = """
import json, os, sys
from django.conf import global_settings
variants = json.loads(sys.stdin.read())
environment = dict(os.environ)
answers = []
for overrides in variants:
    os.environ.clear()
    os.environ.update(environment)
    for key, value in overrides.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    for name in [m for m in sys.modules if m == "qms.settings" or m.startswith("qms.settings.")]:
        del sys.modules[name]
    try:
        s = __import__("qms.settings.production", fromlist=["DEBUG"])
    except Exception as exc:
        answers.append({"refused": type(exc).__name__ + ": " + str(exc)})
        continue

    def get(name, s=s):  # as django.conf.settings reads it: the module's value, else Django's default
        return getattr(s, name, getattr(global_settings, name, None))

    answers.append({"shown": {
        "postgres_app": "django.contrib.postgres" in get("INSTALLED_APPS"),
        "base_url": get("WAGTAILADMIN_BASE_URL"),
        "csrf_origins": get("CSRF_TRUSTED_ORIGINS"),
        "email_backend": get("EMAIL_BACKEND"),
        "email": [get("EMAIL_HOST"), get("EMAIL_PORT"), get("EMAIL_USE_TLS"), get("DEFAULT_FROM_EMAIL"), get("SERVER_EMAIL")],
        "admins": get("ADMINS"),
        "proxy_header": get("SECURE_PROXY_SSL_HEADER"),
        "ssl_redirect": get("SECURE_SSL_REDIRECT"),
        "hsts": get("SECURE_HSTS_SECONDS"),
        "secure_cookies": [get("SESSION_COOKIE_SECURE"), get("CSRF_COOKIE_SECURE")],
        "sendfile": get("SENDFILE_BACKEND"),
        "demo_accounts": get("QMS_DEMO_ACCOUNTS"),
        "cache": [get("CACHES")["default"]["BACKEND"], get("CACHES")["default"].get("LOCATION", "")],
    }})
print(json.dumps(answers))
"""
FROM_THE_ENVIRONMENT = {
    "EMAIL_PORT": "587",
    "EMAIL_USE_TLS": "1",
    "EMAIL_HOST_USER": "htqlcl",
    "EMAIL_HOST_PASSWORD": "secret",
    "SENDFILE_BACKEND": "nginx",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}
CONSOLE_EMAIL = {"EMAIL_HOST": None, "EMAIL_BACKEND": "console"}
NO_PROXY = {"QMS_PROXY_COUNT": "0"}
UNSAFE = [
    ({"DEBUG": "1"}, "DEBUG must be off"),
    ({"SECRET_KEY": None}, "SECRET_KEY"),
    ({"SECRET_KEY": "django-insecure-qms-default-key-change-me"}, "SECRET_KEY"),
    ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
    ({"DATABASE_URL": None}, "DATABASE_URL"),
]
HALF_CONFIGURED = [
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
    ({"CACHE_URL": "memcached://127.0.0.1:11211"}, "CACHE_URL must be a redis:// address"),
]
VARIANTS = [FROM_THE_ENVIRONMENT, CONSOLE_EMAIL, NO_PROXY] + [o for o, _m in UNSAFE + HALF_CONFIGURED]


@pytest.fixture(scope="module")
def read():
    """What the production settings make of each variant of the environment (read once for the module)."""
    result = subprocess.run(
        [sys.executable, "-c", READ_VARIANTS],
        cwd=ROOT,
        env=_env(),
        input=json.dumps(VARIANTS),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    return lambda overrides: answers[VARIANTS.index(overrides)]


def _settings(read, overrides) -> dict:
    answer = read(overrides)
    assert "shown" in answer, answer
    return answer["shown"]


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
    "overrides, message", UNSAFE, ids=["debug-on", "no-secret", "default-secret", "no-hosts", "no-database"]
)
def test_production_refuses_unsafe_settings(read, overrides, message):
    refused = read(overrides).get("refused", "")
    assert refused.startswith("ImproperlyConfigured") and message in refused, refused


def test_production_settings_from_the_environment(read):
    shown = _settings(read, FROM_THE_ENVIRONMENT)
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
        "cache": ["django.core.cache.backends.redis.RedisCache", "redis://127.0.0.1:6379/1"],
    }


def test_console_email_only_when_chosen_explicitly(read):
    shown = _settings(read, CONSOLE_EMAIL)
    assert shown["email_backend"] == "django.core.mail.backends.console.EmailBackend"
    # Without CACHE_URL each web process keeps its own cache.
    assert shown["cache"] == ["django.core.cache.backends.locmem.LocMemCache", ""]


def test_no_proxy_header_trusted_without_a_proxy(read):
    assert _settings(read, NO_PROXY)["proxy_header"] is None


@pytest.mark.parametrize(
    "overrides, message",
    HALF_CONFIGURED,
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
        "cache-not-redis",
    ],
)
def test_production_refuses_half_configured_settings(read, overrides, message):
    refused = read(overrides).get("refused", "")
    assert refused.startswith("ImproperlyConfigured") and message in refused, refused


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
