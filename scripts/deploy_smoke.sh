#!/usr/bin/env bash
# Deployment smoke test (README, Production): deploy with the production settings on a
# fresh PostgreSQL database, start gunicorn, Celery worker and beat and an SMTP server on
# loopback, and use the site as a browser behind the TLS proxy would.
# Needs DATABASE_URL (PostgreSQL, a user that may create databases) and CELERY_BROKER_URL (Redis).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?DATABASE_URL must point to PostgreSQL}"
: "${CELERY_BROKER_URL:?CELERY_BROKER_URL must point to Redis}"
exec timeout --signal=TERM --kill-after=30 "${QMS_SMOKE_TIMEOUT:-900}" .venv/bin/python scripts/deploy_smoke.py
