#!/usr/bin/env bash
# make run: the task worker (reminders, mail) in the background, today's reminders queued for it,
# then the development server in the foreground. The worker stops when the server does.
#   scripts/run-dev.sh [address:port]     (default 127.0.0.1:8000)
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${VENV_PYTHON:-.venv/bin/python}
ADDRESS=${1:-127.0.0.1:8000}

"$PY" manage.py db_worker --no-reload --interval 2 --verbosity 0 &
WORKER=$!
stop_worker() {
    kill "$WORKER" 2>/dev/null || true
    wait "$WORKER" 2>/dev/null || true
}
trap stop_worker EXIT

# Idempotent: a reminder already sent today is not sent again.
"$PY" manage.py send_reminders
"$PY" manage.py runserver "$ADDRESS"
