#!/usr/bin/env bash
# The load run of docs/reliability.md ("Load"): gunicorn + PostgreSQL on 127.0.0.1 with the demo
# province, 100 simulated users of bench/load/locustfile.py, then p50/p95/p99 per page.
#
#     bench/load/run.sh                       # 100 users, 5 minutes (make load)
#     bench/load/run.sh --run-time 30s        # a smoke run
#     bench/load/run.sh --users 100 --spawn-rate 10 --run-time 5m --workers 5 --members 2000
#     bench/load/run.sh --seed-cache /tmp/solienhe-load-seed.dump   # seed once, restore after
#
# Everything is thrown away at the end: a temporary PostgreSQL cluster (scripts/with-postgres.sh),
# `migrate`, `seed_demo --members N` (about 2 minutes for 2,000), ANALYZE, the extra logins of
# bench/load/setup_users.py, `collectstatic`, gunicorn in production mode (DEBUG=false, a random
# SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, static files from WhiteNoise), locust headless, and the
# summary (bench/load/summary.py). With --seed-cache FILE the seeded database is saved there
# (pg_dump) the first time and restored (pg_restore, then migrate) the next times: seeding takes
# about 2 minutes on an idle machine and much longer on a busy one. The CSV files, gunicorn's log and the memory samples stay in
# --out (default /tmp/solienhe-load).
#
# Settings for plain http on 127.0.0.1 without a proxy, each an ordinary setting of
# config/settings.py: SECURE_COOKIES=false and SECURE_SSL_REDIRECT=false (no TLS here),
# TRUSTED_PROXY_COUNT=0 (no nginx: the client address is REMOTE_ADDR) and
# OTP_REQUIRED_FOR_STAFF=false (the demo mode: committee logins work without a phone). Login
# throttling (django-axes) stays on as configured: it counts failures per username+address, and
# every simulated user has its own login and the right password, so 100 logins from 127.0.0.1
# never lock anything; a lockout would show up as a failed login.
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"

users=100
spawn_rate=10
run_time=5m
members=2000
workers=$(($(nproc) * 2 + 1))
out=/tmp/solienhe-load
port=8741
seed_cache=
while [ "$#" -gt 0 ]; do
    case "$1" in
    --users) users=$2; shift 2 ;;
    --spawn-rate) spawn_rate=$2; shift 2 ;;
    --run-time) run_time=$2; shift 2 ;;
    --members) members=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --seed-cache) seed_cache=$2; shift 2 ;;
    *) echo "usage: $0 [--users N] [--spawn-rate N] [--run-time 5m] [--members N] [--workers N] [--out DIR]" \
            "[--port N] [--seed-cache FILE]" >&2
       exit 2 ;;
    esac
done

if [ -z "${DATABASE_URL:-}" ] || [ -z "${SOLIENHE_LOAD_INSIDE:-}" ]; then
    # first pass: start a throwaway PostgreSQL and come back inside it
    exec scripts/with-postgres.sh env SOLIENHE_LOAD_INSIDE=1 "$0" --users "$users" --spawn-rate "$spawn_rate" \
        --run-time "$run_time" --members "$members" --workers "$workers" --out "$out" --port "$port" \
        --seed-cache "$seed_cache"
fi

python=.venv/bin/python
mkdir -p "$out"
rm -f "$out"/load_*.csv "$out"/requests.tsv "$out"/rss.txt "$out"/gunicorn.log

export DEBUG=false
SECRET_KEY=$($python -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1 SECURE_COOKIES=false SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0
export TRUSTED_PROXY_COUNT=0 OTP_REQUIRED_FOR_STAFF=false
export STATIC_ROOT="$out/static" MEDIA_ROOT="$out/media" LOG_LEVEL=WARNING
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend

step() { printf '\n== %s (%s)\n' "$1" "$(date +%H:%M:%S)"; }

if [ -n "$seed_cache" ] && [ -s "$seed_cache" ]; then
    step "restore the seeded database from $seed_cache, then migrate"
    pg_restore --no-owner --exit-on-error -d solienhe "$seed_cache"
    $python manage.py migrate --verbosity 0
else
    step "migrate"
    $python manage.py migrate --verbosity 0
    step "seed_demo --members $members"
    $python manage.py seed_demo --members "$members" >"$out/seed.txt"
    sed -n '1,12p' "$out/seed.txt"
    if [ -n "$seed_cache" ]; then
        pg_dump -Fc -d solienhe -f "$seed_cache"
        echo "saved the seeded database to $seed_cache"
    fi
fi
# what autovacuum would have done by the morning after the import (with-postgres.sh turns it off)
psql -q -d solienhe -c ANALYZE
step "logins for the simulated users"
$python bench/load/setup_users.py --out "$out/users.json"
step "collectstatic"
$python manage.py collectstatic --noinput --verbosity 0

step "gunicorn: $workers sync workers on 127.0.0.1:$port"
.venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:$port" --workers "$workers" --timeout 60 \
    --capture-output --error-logfile "$out/gunicorn.log" &
gunicorn_pid=$!
sampler_pid=
cleanup() {
    [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null || true
    kill "$gunicorn_pid" 2>/dev/null || true
    wait "$gunicorn_pid" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 60); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
    sleep 1
done
curl -fsS -o /dev/null "http://127.0.0.1:$port/dang-nhap/"

# the resident memory of every gunicorn worker, every 5 seconds (ps: kB)
(
    while true; do
        ps -o pid=,rss= --ppid "$gunicorn_pid" | sed "s/^/$(date +%s) /" >>"$out/rss.txt"
        sleep 5
    done
) &
sampler_pid=$!

pg_pid=$(head -n1 "$(psql -Atq -d solienhe -c 'show data_directory')/postmaster.pid")
cpu_seconds() { # the CPU time (user + system, seconds) of a process and its children so far
    local total=0 pid
    for pid in "$1" $(ps -o pid= --ppid "$1"); do
        total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo $((total / $(getconf CLK_TCK)))
}
{
    echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB RAM," \
        "PostgreSQL $(psql -Atq -d solienhe -c 'show server_version'), $workers gunicorn workers"
    echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (+ uncommitted changes in the checkout)')"
    echo "before: $(uptime)"
} | tee "$out/machine.txt"
gunicorn_cpu0=$(cpu_seconds "$gunicorn_pid")
pg_cpu0=$(cpu_seconds "$pg_pid")
started=$(date +%s)

step "locust: $users users, spawn rate $spawn_rate/s, $run_time"
status=0
LOAD_USERS="$out/users.json" LOAD_REQUESTS="$out/requests.tsv" .venv/bin/locust -f bench/load/locustfile.py --headless --host "http://127.0.0.1:$port" \
    --users "$users" --spawn-rate "$spawn_rate" --run-time "$run_time" --stop-timeout 10 \
    --csv "$out/load" --only-summary --loglevel WARNING >"$out/locust.log" 2>&1 || status=$?

elapsed=$(($(date +%s) - started))
{
    echo "after:  $(uptime)"
    echo "CPU during the run (${elapsed} s of wall clock): gunicorn $(($(cpu_seconds "$gunicorn_pid") - gunicorn_cpu0)) s," \
        "PostgreSQL $(($(cpu_seconds "$pg_pid") - pg_cpu0)) s"
} | tee -a "$out/machine.txt"
kill "$sampler_pid" 2>/dev/null || true
sampler_pid=

step "summary"
$python bench/load/summary.py "$out"
if grep -q "Traceback" "$out/gunicorn.log"; then
    echo "gunicorn logged errors: see $out/gunicorn.log" >&2
    status=1
fi
exit "$status"
