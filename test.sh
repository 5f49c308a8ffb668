#!/usr/bin/env bash
# Install everything (with the test tools) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")"
export UV_PYTHON_DOWNLOADS=never
source ./scripts/bootstrap.sh
"$PY" -m uv sync --locked --quiet
export DJANGO_SETTINGS_MODULE=qms.settings.test
.venv/bin/python manage.py compilemessages --ignore=.venv -v 0
# Parallel by default (QMS_TEST_WORKERS=0 runs in one process).
workers=${QMS_TEST_WORKERS:-$(.venv/bin/python -c 'import os; print(min(4, os.cpu_count() or 1))')}
exec .venv/bin/python -m pytest -n "$workers" "$@"
