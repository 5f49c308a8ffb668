"""Settings of the real Celery worker started by the integration tests.

Same as the test settings, but tasks are not eager and the database is the
test database that pytest created (its name is passed in QMS_TEST_DB_NAME).
"""

import os

from .test import *  # noqa: F401,F403
from .test import CELERY_BROKER_TRANSPORT_OPTIONS, CELERY_BROKER_URL, CELERY_TASK_DEFAULT_QUEUE, DATABASES

CELERY_TASK_ALWAYS_EAGER = False
DATABASES["default"]["NAME"] = os.environ["QMS_TEST_DB_NAME"]
DATABASES["default"].pop("TEST", None)

# How soon the task of a killed worker goes back to the queue; the redelivery test
# sets it, the other worker tests keep the production timings.
_redelivery_seconds = os.environ.get("QMS_TEST_REDELIVERY_SECONDS")
if CELERY_BROKER_URL.startswith("redis"):
    # Unacknowledged tasks are tracked per test queue, so a worker never restores
    # the tasks of another test process's worker on the shared Redis.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "unacked_key": f"{CELERY_TASK_DEFAULT_QUEUE}:unacked",
        "unacked_index_key": f"{CELERY_TASK_DEFAULT_QUEUE}:unacked_index",
        "unacked_mutex_key": f"{CELERY_TASK_DEFAULT_QUEUE}:unacked_mutex",
    }
    if _redelivery_seconds:
        CELERY_BROKER_TRANSPORT_OPTIONS.update(
            visibility_timeout=int(_redelivery_seconds), unacked_restore_interval=1, unacked_restore_throttle=1
        )
elif _redelivery_seconds:
    QMS_BROKER_HEARTBEAT_SECONDS = 0.5
    QMS_BROKER_WORKER_TIMEOUT_SECONDS = float(_redelivery_seconds)
