"""Local development: DEBUG on, embedded SQLite and SQLite broker."""

from .base import *  # noqa: F401,F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
# The demo's test CA (made by setup_demo, "chứng thư thử nghiệm") is trusted here, never in production.
QMS_DEMO_SIGNING_CA = MEDIA_ROOT / "demo-signing" / "demo-ca.pem"  # noqa: F405
QMS_DEMO_TIMESTAMPER = MEDIA_ROOT / "demo-signing" / "demo-tsa.p12"  # noqa: F405

try:  # a developer's own overrides, never committed
    from .local import *  # noqa: F401,F403
except ImportError:
    pass
