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
# Browser journeys (tests/e2e) need Debian's chromium and chromium-driver; they share one worker.
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  echo "Browser journeys: Chromium found, tests/e2e runs (screenshots of failures in var/e2e-artifacts/)."
else
  echo "Browser journeys: SKIPPED, /usr/bin/chromium or /usr/bin/chromedriver is missing (apt-get install chromium chromium-driver)."
fi
# Rendered-page tests (tests/documents) convert Word files with LibreOffice Writer.
if command -v soffice >/dev/null 2>&1; then
  echo "Rendered-page tests: LibreOffice found, tests/documents renders every document type."
else
  echo "Rendered-page tests: SKIPPED, soffice is missing (apt-get install libreoffice-writer-nogui fonts-liberation2)."
fi
dist=()
[ "$workers" != "0" ] && dist=(--dist loadgroup)
status=0
.venv/bin/python -m pytest -n "$workers" "${dist[@]}" "$@" || status=$?
# The CPU time of the run: every process the tests started and waited for (bash's `times`, second line).
cpu=$(mktemp)
times > "$cpu"
echo "CPU time of the test processes (user, system): $(tail -n 1 "$cpu")"
rm -f "$cpu"
exit "$status"
