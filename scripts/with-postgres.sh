#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster:
#
#     scripts/with-postgres.sh .venv/bin/pytest -n 2
#
# Makes a temporary cluster (trust auth, UTF-8, no fsync), starts it on a free port on
# 127.0.0.1 with its unix socket in the temporary directory, exports
# DATABASE_URL=postgres://postgres@127.0.0.1:PORT/solienhe (and PGHOST/PGPORT/PGUSER for psql),
# runs the command, and always stops and removes the cluster, on success, failure or Ctrl-C.
# As root, the cluster runs as the user postgres (PostgreSQL refuses to run as root).
# Exits with the command's status.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 command [args...]" >&2
    exit 2
fi

here=$(cd "$(dirname "$0")/.." && pwd)

find_bindir() {
    # Debian keeps the server binaries out of PATH, in /usr/lib/postgresql/<major>/bin.
    local dir
    dir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -rV | head -n1)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
        printf '%s\n' "$dir"
    elif command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
    else
        echo "with-postgres: no PostgreSQL server binaries (initdb, pg_ctl); run make setup or apt-get install postgresql" >&2
        exit 1
    fi
}

free_port() {
    local python="$here/.venv/bin/python"
    [ -x "$python" ] || python=python3
    "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

bindir=$(find_bindir)

if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || {
        echo "with-postgres: running as root needs the user postgres (apt-get install postgresql creates it)" >&2
        exit 1
    }
    # The cluster lives under /tmp, which postgres can reach whatever TMPDIR says.
    tmp=$(mktemp -d /tmp/solienhe-pg.XXXXXX)
    chown postgres:postgres "$tmp"
    as_owner() { (cd "$tmp" && runuser -u postgres -- "$@"); }
else
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/solienhe-pg.XXXXXX")
    as_owner() { (cd "$tmp" && "$@"); }
fi
data="$tmp/data"
log="$tmp/postgres.log"

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ -f "$data/postmaster.pid" ]; then
        as_owner "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

as_owner "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    --no-sync --no-instructions >"$tmp/initdb.log" 2>&1 || {
    cat "$tmp/initdb.log" >&2
    exit 1
}

# autovacuum=off: the suite rolls back big transactions (seed_demo) and leaves dead pages; an
# autovacuum ANALYZE landing then records "0 rows in N pages", and the planner later believes a
# table of 200 rows holds 1 and picks nested loops that ran for an hour in CI. Without it the
# planner estimates from each table's real size, the same on every run.
# A port picked as free may be taken before the server binds it: try a few.
started=
for _ in 1 2 3; do
    port=$(free_port)
    if as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 -s start \
        -o "-h 127.0.0.1 -p $port -k $tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c autovacuum=off" \
        >/dev/null 2>&1; then
        started=1
        break
    fi
done
if [ -z "$started" ]; then
    echo "with-postgres: the server did not start; its log:" >&2
    cat "$log" >&2 || true
    exit 1
fi

export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres
# For tests that start a PostgreSQL server of their own (tests/reliability/test_database_down.py
# restarts one under a running app): where the server binaries are, and as whom they must run.
export SOLIENHE_PG_BINDIR="$bindir"
if [ "$(id -u)" -eq 0 ]; then export SOLIENHE_PG_RUNAS=postgres; else export SOLIENHE_PG_RUNAS=; fi
as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres solienhe
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/solienhe"
echo "with-postgres: PostgreSQL $("$bindir/postgres" -V | awk '{print $3}') on 127.0.0.1:$port (cluster in $tmp)" >&2

# Not exec: the EXIT trap must still stop the server. Under `set -e` a failing command ends the
# script here with its status, which cleanup passes on.
"$@"
