#!/usr/bin/env bash
# Starts the web app and a real Celery worker (with beat) side by side; Ctrl+C stops both.
set -euo pipefail
host="$1"
port="$2"
bin=.venv/bin
# Links in emails point at this server unless told otherwise.
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://${host}:${port}}"

"$bin/celery" -A wsgi:celery worker --beat --loglevel INFO \
  --schedule instance/celerybeat-schedule &
worker=$!
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null' EXIT INT TERM

broker="the embedded broker (instance/broker)"
[ -n "${REDIS_URL:-}" ] && broker="Redis at ${REDIS_URL}"
database="SQLite (instance/tracker.sqlite3)"
[ -n "${DATABASE_URL:-}" ] && database="${DATABASE_URL%%\?*}"
cat <<MSG

  Apprenticeship Tracker is running at http://${host}:${port}/
  Database: ${database}
  Jobs: a Celery worker on ${broker}
  Press Ctrl+C to stop.

MSG
"$bin/flask" --app wsgi run --host "$host" --port "$port"
