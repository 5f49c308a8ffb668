"""Settings of the real Celery worker started by the integration tests.

Same as the test settings, but tasks are not eager and the database is the
test database that pytest created (its name is passed in QMS_TEST_DB_NAME).
"""

import os

from .test import *  # noqa: F401,F403
from .test import DATABASES

CELERY_TASK_ALWAYS_EAGER = False
DATABASES["default"]["NAME"] = os.environ["QMS_TEST_DB_NAME"]
DATABASES["default"].pop("TEST", None)
