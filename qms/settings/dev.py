"""Local development: DEBUG on, embedded SQLite and SQLite broker."""

from .base import *  # noqa: F401,F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)

try:  # a developer's own overrides, never committed
    from .local import *  # noqa: F401,F403
except ImportError:
    pass
