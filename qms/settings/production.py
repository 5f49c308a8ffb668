"""Production: PostgreSQL, Redis, SMTP and the public address from the environment.

Refuses to start (ImproperlyConfigured) when a setting is missing or unsafe.
Every variable is listed in README.md (Production) and deploy/qms.env.example.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.http.request import validate_host

from .base import *  # noqa: F401,F403
from .base import DATABASES, DEFAULT_FROM_EMAIL, DEFAULT_SECRET_KEY, env, env_bool, env_list


def _require(name: str, hint: str) -> str:
    value = (env(name) or "").strip()
    if not value:
        raise ImproperlyConfigured(f"Set {name} for production: {hint}")
    return value


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY", DEFAULT_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (unset DEBUG or set DEBUG=0).")
if not SECRET_KEY or SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("Set SECRET_KEY to a random value of at least 50 characters.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated host names).")
for required in ("DATABASE_URL", "CELERY_BROKER_URL"):
    if not env(required):
        raise ImproperlyConfigured(f"Set {required} for production.")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://user:password@host:5432/name).")

# -- the public address: every link in e-mails and documents starts with it ----------------------------
QMS_BASE_URL = _require("QMS_BASE_URL", "the public https:// address of the site, e.g. https://iso.namdinh.gov.vn")
_base = urlsplit(QMS_BASE_URL)
if _base.scheme != "https" or not _base.hostname or _base.path.strip("/") or _base.query or _base.fragment:
    raise ImproperlyConfigured(
        f"QMS_BASE_URL must be the site's https:// address without a path, e.g. https://iso.namdinh.gov.vn (got {QMS_BASE_URL!r})."
    )
if not validate_host(_base.hostname, ALLOWED_HOSTS):
    raise ImproperlyConfigured(f"The host of QMS_BASE_URL ({_base.hostname}) must be listed in ALLOWED_HOSTS.")
WAGTAILADMIN_BASE_URL = f"https://{_base.netloc}"
CSRF_TRUSTED_ORIGINS = [WAGTAILADMIN_BASE_URL, *env_list("CSRF_TRUSTED_ORIGINS")]

# -- HTTPS behind the reverse proxy ------------------------------------------------------------------------
_proxies = _require(
    "QMS_PROXY_COUNT", "the number of reverse proxies in front of gunicorn (1 behind the nginx of deploy/)."
)
if not _proxies.isdigit():
    raise ImproperlyConfigured(f"QMS_PROXY_COUNT must be a whole number (got {_proxies!r}).")
if int(_proxies):
    # The proxy overwrites X-Forwarded-Proto with the scheme the client used (deploy/nginx/qms.conf).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes on loopback speak plain HTTP to gunicorn
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# Wagtail's preview shows the page in a frame of the admin: same origin only.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = [
    "security.W019",  # X_FRAME_OPTIONS is SAMEORIGIN, not DENY, for Wagtail's preview (README, Production)
    "security.W021",  # HSTS preload is a browser-list submission a province opts into (SECURE_HSTS_PRELOAD=1)
]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# -- private files: Django checks access, then nginx sends the file (X-Accel-Redirect) --------------------
# base.py reads SENDFILE_BACKEND (simple | nginx) and SENDFILE_URL (the nginx internal location, /protected/).
if SENDFILE_BACKEND not in ("django_sendfile.backends.simple", "django_sendfile.backends.nginx"):  # noqa: F405
    raise ImproperlyConfigured(
        "SENDFILE_BACKEND must be nginx (behind the nginx of deploy/, with its internal /protected/ location) or simple."
    )

# -- e-mail ---------------------------------------------------------------------------------------------------
EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
}
_email_backend = env("EMAIL_BACKEND", "smtp")
EMAIL_BACKEND = EMAIL_BACKENDS.get(_email_backend, _email_backend)
if EMAIL_BACKEND == EMAIL_BACKENDS["smtp"]:
    EMAIL_HOST = _require(
        "EMAIL_HOST",
        "the SMTP server that delivers reminders (or EMAIL_BACKEND=console to only print e-mails to the log).",
    )
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "30"))
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        raise ImproperlyConfigured("Set only one of EMAIL_USE_TLS (STARTTLS, port 587) and EMAIL_USE_SSL (port 465).")
    if EMAIL_HOST_PASSWORD and not (EMAIL_USE_TLS or EMAIL_USE_SSL):
        raise ImproperlyConfigured(
            "EMAIL_HOST_PASSWORD would travel unencrypted: set EMAIL_USE_TLS=1 (port 587) or EMAIL_USE_SSL=1 (port 465)."
        )
    DEFAULT_FROM_EMAIL = _require("DEFAULT_FROM_EMAIL", "the sender of reminders, e.g. HTQLCL <iso@namdinh.gov.vn>.")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_SUBJECT_PREFIX = "[HTQLCL] "

# -- errors and logs --------------------------------------------------------------------------------------------
ADMINS = env_list("ADMINS")
if not ADMINS:
    raise ImproperlyConfigured(
        "Set ADMINS for production: comma-separated e-mail addresses that receive error reports."
    )
# Celery keeps the logging below instead of installing its own handlers on the root logger.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "qms.logformat.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": env("QMS_LOG_FORMAT", "json")},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # 4xx answers and CSRF refusals go to the log; errors (500s) are also e-mailed to ADMINS.
        "django.request": {"handlers": ["console", "mail_admins"], "level": "WARNING", "propagate": False},
        "django.security": {"handlers": ["console", "mail_admins"], "level": "WARNING", "propagate": False},
        # Requests for another host name (scanners) are logged, not e-mailed.
        "django.security.DisallowedHost": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "celery.app.trace": {"handlers": ["console", "mail_admins"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
if env("QMS_LOG_FORMAT", "json") not in LOGGING["formatters"]:
    raise ImproperlyConfigured("QMS_LOG_FORMAT must be json or text.")

# Demo accounts have published passwords: setup_demo refuses to create them here.
QMS_DEMO_ACCOUNTS = False
