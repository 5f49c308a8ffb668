"""Fast, deterministic settings for the test suite.

The database and broker still come from DATABASE_URL / CELERY_BROKER_URL so
CI can run the same suite against PostgreSQL and Redis.
"""

import gc
import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F401,F403
from .base import DATA_DIR, DATABASES, queues

# Every process on these settings (the test runs, and the migrations, demo loads and servers they start)
# builds many short-lived objects: Python's cyclic garbage collector runs less often (about 10% less CPU).
gc.set_threshold(50_000, 20, 100)

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# In memory for the tests; the journeys' own server writes files like the development site (QMS_TEST_EMAIL_FILES=1).
EMAIL_BACKEND = (
    "qms.notifications.backends.EmlFileBackend"
    if os.environ.get("QMS_TEST_EMAIL_FILES") == "1"
    else "django.core.mail.backends.locmem.EmailBackend"
)
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_STORE_EAGER_RESULT = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A folder of its own per process, unless the caller names one (the run's prepared demo and its copies).
MEDIA_ROOT = Path(os.environ.get("QMS_TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="qms-test-media-"))
SENDFILE_ROOT = str(MEDIA_ROOT)
# The demo's test CA (made by setup_demo, "chứng thư thử nghiệm") travels with the demo's files.
QMS_DEMO_SIGNING_CA = MEDIA_ROOT / "demo-signing" / "demo-ca.pem"
QMS_DEMO_TIMESTAMPER = MEDIA_ROOT / "demo-signing" / "demo-tsa.p12"
WHITENOISE_AUTOREFRESH = True
ALLOWED_HOSTS = ["*"]

RUN_ID = f"{os.getpid()}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: a real Celery worker process must see the test data.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{RUN_ID}.sqlite3")}
if not os.environ.get("CELERY_BROKER_URL"):
    # One broker per test run, so concurrent runs never consume each other's tasks.
    CELERY_BROKER_URL = f"sqla+sqlite:///{DATA_DIR / f'test-broker-{RUN_ID}.sqlite3'}"
# A shared broker (Redis in CI) still carries one queue per test process: the
# worker started by one xdist process must never take another one's tasks,
# whose rows live in another test database. The worker inherits the name.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("QMS_TEST_QUEUE") or f"qms-test-{RUN_ID}"
CELERY_TASK_QUEUES = queues.task_queues(default=CELERY_TASK_DEFAULT_QUEUE, prefix=f"{CELERY_TASK_DEFAULT_QUEUE}-")
CELERY_TASK_ROUTES = queues.task_routes(prefix=f"{CELERY_TASK_DEFAULT_QUEUE}-")
