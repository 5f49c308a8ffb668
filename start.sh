#!/usr/bin/env bash
# Install everything, migrate, load reference + demo data, and start
# web + Celery worker + Celery beat on SQLite and a server-less broker.
# QMS_VENV=<path>: run from that existing environment when it matches uv.lock
# (checked, never modified); otherwise install into .venv as usual.
set -euo pipefail
cd "$(dirname "$0")"
export UV_PYTHON_DOWNLOADS=never
source ./scripts/bootstrap.sh
venv=.venv
if [ -n "${QMS_VENV:-}" ] && UV_PROJECT_ENVIRONMENT="$QMS_VENV" "$PY" -m uv sync --locked --inexact --check --quiet 2>/dev/null; then
  venv="$QMS_VENV"
else
  [ -n "${QMS_VENV:-}" ] && echo "QMS_VENV=$QMS_VENV does not match uv.lock; installing into .venv." >&2
  "$PY" -m uv sync --locked --inexact --quiet
fi
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-qms.settings.dev}"
exec "$venv/bin/python" manage.py start "$@"
