#!/usr/bin/env bash
# Migrate the embedded SQLite database, load the demo data and serve on 127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=medcenter.settings
PORT=${PORT:-8000}
# Static files with hashed names, gzip and brotli copies and a one-year cache, as in production.
export STATIC_COLLECTED=true

.venv/bin/python manage.py collectstatic --noinput -v0

.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py seed_demo
echo
echo "Staff accounts need a second factor: add the key shown to any authenticator app, or print"
echo "the current code with: .venv/bin/python manage.py demo_totp EMAIL"
echo
echo "medcenter demo: http://127.0.0.1:${PORT}/   (Ctrl+C stops it)"
echo
# A background worker sends the queued emails (to this console in the demo).
.venv/bin/python manage.py db_worker > var/worker.log 2>&1 &
worker=$!
# The periodic sweep: lapsed offers and holds, reminders that are due (R28's safety net).
.venv/bin/python manage.py scheduling_sweep --every 60 > var/sweep.log 2>&1 &
sweeper=$!
# Trial matching: patients whose record or the trial catalogue changed get re-matched.
.venv/bin/python manage.py trials_rematch --every 300 > var/trials.log 2>&1 &
matcher=$!
trap 'kill $worker $sweeper $matcher 2>/dev/null' EXIT INT TERM
.venv/bin/gunicorn medcenter.wsgi:application --bind "127.0.0.1:${PORT}" \
  --workers "${WEB_WORKERS:-2}" --access-logfile - --log-level warning
