#!/usr/bin/env bash
# Install everything, migrate, load reference + demo data, and start
# web + Celery worker + Celery beat on SQLite and a server-less broker.
set -euo pipefail
cd "$(dirname "$0")"
export UV_PYTHON_DOWNLOADS=never
source ./scripts/bootstrap.sh
"$PY" -m uv sync --locked --inexact --quiet
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-qms.settings.dev}"
exec .venv/bin/python manage.py start "$@"
