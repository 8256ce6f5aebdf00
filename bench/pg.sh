#!/usr/bin/env bash
# A persistent PostgreSQL cluster for the benchmarks (docs/performance.md, "Dataset"):
#
#     bench/pg.sh start            # initdb on first use, then start (idempotent)
#     bench/pg.sh stop | status
#     bench/pg.sh create DB        # an empty database (then: DATABASE_URL=$(bench/pg.sh url DB) manage.py migrate)
#     bench/pg.sh psql [DB] [args] # psql as postgres on the cluster (default DB: postgres)
#     bench/pg.sh url [DB]         # prints DATABASE_URL for DB (default: solienhe_2500k)
#
# Unlike scripts/with-postgres.sh (a throwaway cluster per run), this one keeps its data in
# $SOLIENHE_BENCH_PG (default /var/tmp/solienhe-bench-pg) so a multi-GB dataset survives between
# runs and other engineers can reuse it. It listens on 127.0.0.1:$SOLIENHE_BENCH_PORT (55432),
# trust auth, user postgres. As root, the cluster runs as the user postgres (PostgreSQL refuses
# to run as root), like scripts/with-postgres.sh.
#
# Tuned for bulk loading on the 24 GB / 2-core benchmark machine. fsync, synchronous_commit and
# full_page_writes are OFF: a crash can corrupt the cluster (then `rm -rf` it and regenerate).
# That is acceptable for a benchmark, never for production (docs/deploy.md).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
dir=${SOLIENHE_BENCH_PG:-/var/tmp/solienhe-bench-pg}
port=${SOLIENHE_BENCH_PORT:-55432}
data="$dir/data"
log="$dir/postgres.log"
default_db=solienhe_2500k

find_bindir() {
    local d
    # The benchmark cluster is PostgreSQL 15 (Debian's), whatever else is installed.
    for d in /usr/lib/postgresql/15/bin $(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -rV); do
        if [ -x "$d/initdb" ]; then
            printf '%s\n' "$d"
            return
        fi
    done
    echo "bench/pg.sh: no PostgreSQL server binaries; run make setup or apt-get install postgresql" >&2
    exit 1
}
bindir=$(find_bindir)

if [ "$(id -u)" -eq 0 ]; then
    as_owner() { (cd "$dir" && runuser -u postgres -- "$@"); }
else
    as_owner() { (cd "$dir" && "$@"); }
fi

running() { [ -f "$data/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; }

init() {
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    as_owner "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
        --no-instructions >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    cat >>"$data/postgresql.conf" <<EOF

# --- solienhe benchmark settings (bench/pg.sh) ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = 4GB
effective_cache_size = 16GB
work_mem = 32MB
maintenance_work_mem = 1GB
max_parallel_maintenance_workers = 2
max_parallel_workers_per_gather = 2
random_page_cost = 1.1
effective_io_concurrency = 200
# bulk load: no WAL for COPY into tables truncated in the same transaction, rare checkpoints
wal_level = minimal
max_wal_senders = 0
wal_compression = on
max_wal_size = 32GB
checkpoint_timeout = 30min
# benchmark only: a crash may corrupt the cluster (regenerate it); never in production
fsync = off
synchronous_commit = off
full_page_writes = off
# realistic: autovacuum stays on (the generator runs ANALYZE itself after loading)
autovacuum = on
log_min_duration_statement = -1
log_checkpoints = on
EOF
}

cmd=${1:-status}
shift || true
case "$cmd" in
start)
    if running; then
        echo "bench/pg.sh: already running on 127.0.0.1:$port ($data)"
        exit 0
    fi
    [ -f "$data/PG_VERSION" ] || init
    as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 120 -s start || {
        tail -n 30 "$log" >&2
        exit 1
    }
    echo "bench/pg.sh: PostgreSQL $("$bindir/postgres" -V | awk '{print $3}') on 127.0.0.1:$port ($data)"
    ;;
stop)
    if running; then
        as_owner "$bindir/pg_ctl" -D "$data" -m fast -w -t 300 -s stop
        echo "bench/pg.sh: stopped"
    else
        echo "bench/pg.sh: not running"
    fi
    ;;
status)
    if running; then
        echo "bench/pg.sh: running on 127.0.0.1:$port ($data)"
        "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -XAt -F ' ' -c \
            "SELECT datname, pg_size_pretty(pg_database_size(datname)) FROM pg_database WHERE datname LIKE 'solienhe%' ORDER BY 1"
    else
        echo "bench/pg.sh: not running ($data)"
        exit 3
    fi
    ;;
create)
    db=${1:?usage: bench/pg.sh create DB}
    "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db"
    echo "bench/pg.sh: created $db; now: DATABASE_URL=\$(bench/pg.sh url $db) $here/.venv/bin/python manage.py migrate"
    ;;
psql)
    db=${1:-postgres}
    shift || true
    exec "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d "$db" "$@"
    ;;
url)
    echo "postgres://postgres@127.0.0.1:$port/${1:-$default_db}"
    ;;
*)
    echo "usage: bench/pg.sh start|stop|status|create DB|psql [DB] [args]|url [DB]" >&2
    exit 2
    ;;
esac
