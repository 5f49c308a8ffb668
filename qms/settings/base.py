"""Settings shared by every environment.

Behaviour that differs between environments is switched by environment
variables; dev/test/production only change defaults.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from qms import queues

BASE_DIR = Path(__file__).resolve().parent.parent.parent

#: Where the embedded default keeps its SQLite database, broker and media.
DATA_DIR = Path(os.environ.get("QMS_DATA_DIR", BASE_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEFAULT_SECRET_KEY = "django-insecure-qms-default-key-change-me"
SECRET_KEY = env("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Project apps first: their templates and catalogues override third parties.
    "qms",
    "qms.units",
    "qms.public",
    "qms.certification",
    "qms.api",
    "qms.notifications",
    "qms.signatures",
    "qms.bench",
    "processes",
    "audits",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "qms.apps.WagtailUsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "simple_history",
    "guardian",
    "django_celery_beat",
    "django_celery_results",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Vietnamese unless the user chose English; never the browser's Accept-Language.
    "qms.language.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Every write request in one transaction, rolled back on a 500 (see qms/transactions.py).
    "qms.transactions.AtomicWritesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a locked-out sign-in into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qms.urls"
WSGI_APPLICATION = "qms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# https://docs.djangoproject.com/en/6.0/ref/settings/#databases
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'qms.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Wagtail's database search backend uses PostgreSQL's full-text search fields.
    INSTALLED_APPS.append("django.contrib.postgres")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses every sign-in of a locked-out user name or address.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None
GUARDIAN_USER_OBJ_PERMS_MODEL = "units.CommuneUserObjectPermission"
GUARDIAN_GROUP_OBJ_PERMS_MODEL = "units.CommuneGroupObjectPermission"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = [("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
#: Largest accepted upload (qms.files.policy): PDF, JPG/PNG, .docx, .xlsx, recognised by content.
QMS_UPLOAD_MAX_BYTES = int(env("QMS_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
#: Signed PDFs (qms.signatures): PEM/DER files of the certification authorities a signature must chain to.
QMS_SIGNATURE_TRUST_ROOTS = env_list("QMS_SIGNATURE_TRUST_ROOTS")
#: RFC 3161 time-stamping authority: signatures made here then carry its timestamp (PAdES B-T).
QMS_SIGNATURE_TSA_URL = env("QMS_SIGNATURE_TSA_URL", "")
#: Secret the stored signing certificates are encrypted with (SECRET_KEY when empty).
QMS_SIGNING_KEY = env("QMS_SIGNING_KEY", "")
# Uploaded files have no public URL: permission-checked views hand them to
# django-sendfile2. SENDFILE_BACKEND=simple streams from Django; =nginx answers
# with X-Accel-Redirect to SENDFILE_URL, an nginx `internal` location whose
# alias is MEDIA_ROOT. A dotted backend path is accepted too.
SENDFILE_BACKEND = env("SENDFILE_BACKEND", "simple")
if "." not in SENDFILE_BACKEND:
    SENDFILE_BACKEND = f"django_sendfile.backends.{SENDFILE_BACKEND}"
SENDFILE_ROOT = str(MEDIA_ROOT)
SENDFILE_URL = env("SENDFILE_URL", "/protected/")
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "docx", "xlsx"]
WAGTAILDOCS_DOCUMENT_FORM_BASE = "qms.files.documents.DocumentForm"

LOGIN_URL = "wagtailadmin_login"

# Wagtail
WAGTAIL_SITE_NAME = "HTQLCL TCVN ISO 9001:2015"
#: The address in e-mail links; in development the port the start command serves (QMS_PORT).
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", f"http://127.0.0.1:{env('QMS_PORT', '8000')}")
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "qms.search"}}  # the database backend, fed plain words
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILADMIN_COMMENTS_ENABLED = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# No avatar from an outside service: offline networks, and no e-mail hash leaves the site.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Day-first date input, as the admin date picker writes (Django ships none for "vi").
FORMAT_MODULE_PATH = ["qms.formats"]
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Celery: the embedded default is kombu's SQLAlchemy transport on a SQLite file,
# so a worker and beat really run with no broker server. Production: Redis.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", f"sqla+sqlite:///{DATA_DIR / 'broker.sqlite3'}")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", "django-db")
CELERY_RESULT_EXTENDED = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged when it has run, and given back if its worker process
# dies; every task is idempotent, so running one again does no harm.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_TASKS_PER_CHILD = 200
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = True
# Queues (qms/queues.py): reminders, exports and summaries each on a queue of their own, the rest
# on the default one; a worker started without -Q consumes them all.
CELERY_TASK_DEFAULT_QUEUE = queues.DEFAULT
CELERY_TASK_QUEUES = queues.task_queues()
CELERY_TASK_ROUTES = queues.task_routes()
# A dead worker's task goes back to the queue on either broker, a live worker's never:
# - Redis hands an unacknowledged task to another worker after visibility_timeout, so
#   it must exceed the hard time limit (a task may run 30 min) and every countdown/ETA
#   (retries wait at most 10 min, retry_backoff_max): 1 hour.
# - The SQLite broker has no visibility timeout (a fetched message stays hidden for
#   ever); qms.broker_recovery restores the tasks held by workers whose heartbeat has
#   been silent for QMS_BROKER_WORKER_TIMEOUT_SECONDS, at worker start and at every
#   heartbeat, whatever the time limit.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600} if CELERY_BROKER_URL.startswith("redis") else {}
QMS_BROKER_HEARTBEAT_SECONDS = 10
QMS_BROKER_WORKER_TIMEOUT_SECONDS = 60
DJANGO_CELERY_BEAT_TZ_AWARE = True

# A cache shared by every web process (rate limits of the public forms): CACHE_URL=redis://…;
# without it each process keeps its own (one process in development).
CACHE_URL = env("CACHE_URL", "")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("CACHE_URL must be a redis:// address (or unset).")
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}

# Development keeps every e-mail as a readable .eml file under QMS_DATA_DIR/mail/.
EMAIL_BACKEND = env("EMAIL_BACKEND", "qms.notifications.backends.EmlFileBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "htqlcl@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
SIMPLE_HISTORY_REVERT_DISABLED = True

#: Human labels used in the admin branding.
QMS_BRAND = _("Quality management system TCVN ISO 9001:2015")

# One beat (DatabaseScheduler) installs these at start; times are Asia/Ho_Chi_Minh.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    "audits-daily-reminders": {
        "task": "audits.send_daily_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "notifications-send-emails": {
        "task": "notifications.send_emails",
        "schedule": crontab(minute="*/5"),
    },
    "certification-daily-late-items": {
        "task": "certification.flag_late_items",
        "schedule": crontab(hour=7, minute=15),
    },
    "certification-nightly-rebuild": {
        "task": "certification.rebuild_progress",
        "schedule": crontab(hour=1, minute=30),
    },
}

CELERY_BEAT_SCHEDULE["processes-erase-feedback-contacts"] = {
    "task": "processes.erase_expired_feedback_contacts",
    "schedule": crontab(hour=2, minute=30),
}

CELERY_BEAT_SCHEDULE["processes-review-reminders"] = {
    "task": "processes.plan_review_reminders",
    "schedule": crontab(hour=7, minute=5),
}

# Citizen feedback (ISO 9001 9.1.2): a citizen's contact details are erased this
# many months after the feedback was received (Luật Bảo vệ dữ liệu cá nhân 2025);
# each address may send QMS_FEEDBACK_RATE forms per procedure.
QMS_FEEDBACK_CONTACT_RETENTION_MONTHS = int(env("QMS_FEEDBACK_CONTACT_RETENTION_MONTHS", "24"))
QMS_FEEDBACK_RATE = env("QMS_FEEDBACK_RATE", "5/h")

WAGTAILADMIN_USER_LOGIN_FORM = "qms.forms.LoginForm"

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failures for one user
# name, or from one address, sign-in is refused for AXES_COOLOFF_MINUTES (or until
# an administrator unlocks it under Settings). Behind a reverse proxy set
# QMS_PROXY_COUNT to the number of proxies so the client address is the real one.
from datetime import timedelta  # noqa: E402

AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "qms.login_security.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = int(env("QMS_PROXY_COUNT", "0")) or None
AXES_IPWARE_PROXY_ORDER = "right-most"  # the address the trusted proxy appended, not one the client sent
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# The read-only API for other systems (qms.api): its views set their own authentication, scopes,
# paging and throttling, so Wagtail's admin API keeps DRF's defaults.
REST_FRAMEWORK = {
    "DEFAULT_THROTTLE_RATES": {"organisation": env("QMS_API_RATE", "1000/hour")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": _("HTQLCL API for other systems"),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_URLCONF": "qms.api.urls_root",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema is validated by the tests (tests/api); the deploy check would build it for every URL, Wagtail's too.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
}

CELERY_BEAT_SCHEDULE["certification-inspection-reports"] = {
    "task": "certification.remind_inspection_reports",
    "schedule": crontab(hour=7, minute=20),
}

# TT 26/2014: the province reports to the Ministry in December; in November, weekly, each commune is told
# what data the report still misses, and the province gets the list.
CELERY_BEAT_SCHEDULE["certification-report-data-november"] = {
    "task": "certification.remind_report_data",
    "schedule": crontab(hour=7, minute=25, day_of_month="1,8,15,22,29", month_of_year=11),
}
