#!/usr/bin/env bash
# The page figures of docs/performance.md ("Pages"), as measured there, one run after the other:
#
#   1. the small database (BENCH_SMALL, default solienhe_10k) with its biggest committees;
#   2. the big one (BENCH_DB, default solienhe_2500k) with committees of the same size as in 1
#      (the growth goal is the country's growth, not the committee's);
#   3. the big one with committees of the median size there;
#   4. the big one with its biggest committees, and the stock admin changelist as the baseline;
#   5. the growth from 1 to 2 (`bench/pages.py --compare`).
#
#     bench/pages-runs.sh                      # or: make bench
#     BENCH_REQUESTS=20 bench/pages-runs.sh    # a quicker, rougher run
#
# Every run: 20 clients, 1 s (±50 %) between two of a client's requests, BENCH_REQUESTS (100)
# requests a page. JSON files: $BENCH_OUT-<label>.json (default /tmp/solienhe-bench-pages-…).
# Extra arguments go to every bench/pages.py run.
set -euo pipefail
cd "$(dirname "$0")/.."
small=${BENCH_SMALL:-solienhe_10k}
big=${BENCH_DB:-solienhe_2500k}
out=${BENCH_OUT:-/tmp/solienhe-bench-pages}
python=.venv/bin/python
common=(--think 1 --requests "${BENCH_REQUESTS:-100}" "$@")

run() {
    local db=$1 label=$2
    shift 2
    echo "== bench/pages.py on $db: $label"
    DATABASE_URL=$(bench/pg.sh url "$db") $python bench/pages.py --label "$label" --out "$out-$label.json" \
        "${common[@]}" "$@"
}

run "$small" small --no-baseline
read -r workplace residence < <($python -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(r["workplace_members"], r["residence_registered"])' "$out-small.json")
run "$big" big-same-size --no-baseline --workplace-size "$workplace" --residence-size "$residence"
run "$big" big-median --no-baseline --workplace-size median --residence-size median
run "$big" big-biggest
echo "== growth at the same committee size"
$python bench/pages.py --compare "$out-small.json" "$out-big-same-size.json"
