#!/usr/bin/env bash
# Build the benchmark databases of docs/performance.md on the cluster of bench/pg.sh:
#
#     bench/dataset.sh                 # solienhe_10k (10,000 members) and solienhe_2500k (2,500,000)
#     bench/dataset.sh solienhe_50k 50000 [generate_dataset options…]
#
# Each database is dropped if it exists, created, migrated and filled by
# `manage.py generate_dataset`; the log goes to /var/tmp/<db>.generate.log. Logins: every generated
# user has the password solienhe-bench (the summary at the end of the log names a few).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
python=.venv/bin/python

build() {
    local db=$1 members=$2
    shift 2
    local url log
    url=$(bench/pg.sh url "$db")
    log=/var/tmp/$db.generate.log
    bench/pg.sh psql postgres -XAtq -c "DROP DATABASE IF EXISTS $db" >/dev/null
    bench/pg.sh create "$db" >/dev/null
    DATABASE_URL=$url $python manage.py migrate -v0
    echo "== $db: $members members (load average: $(cut -d' ' -f1-3 /proc/loadavg)); log in $log"
    DATABASE_URL=$url $python manage.py generate_dataset --members "$members" "$@" | tee "$log"
    echo "== $db done (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
}

bench/pg.sh start
if [ "$#" -ge 2 ]; then
    build "$@"
else
    build solienhe_10k 10000
    build solienhe_2500k 2500000
fi
