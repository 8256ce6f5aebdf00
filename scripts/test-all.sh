#!/usr/bin/env bash
# make test: the lint, the suite on SQLite and the suite on a throwaway PostgreSQL, side by side.
#
# The PostgreSQL suite spends much of its time waiting for the server's answers (one round trip
# per query), the SQLite suite and the lint are all CPU: run one after the other they leave the
# 2 cores half idle for minutes; side by side they fill them. Each part writes its lines with a
# prefix ([lint], [sqlite], [postgresql]) as they come; at the end, each part's result and time.
# The exit status is non-zero when any part failed. Same parts as `make lint test-sqlite test-pg`.
set -uo pipefail
cd "$(dirname "$0")/.."

make="${MAKE:-make}"
times=$(mktemp -d)
trap 'rm -rf "$times"' EXIT
declare -A pids
run() {
    local name=$1
    shift
    (
        start=$(date +%s)
        # sed -u: whole lines as they come, each with the part's name
        "$@" 2>&1 | sed -u "s/^/[$name] /"
        status=$?
        echo $(($(date +%s) - start)) >"$times/$name"
        exit $status
    ) &
    pids[$name]=$!
}

run lint "$make" --no-print-directory lint
run sqlite "$make" --no-print-directory test-sqlite
run postgresql "$make" --no-print-directory test-pg

failed=0
summary=()
for name in lint sqlite postgresql; do
    if wait "${pids[$name]}"; then
        result=passed
    else
        result=FAILED
        failed=1
    fi
    summary+=("$(printf '%-11s %s in %s s' "$name" "$result" "$(cat "$times/$name")")")
done
echo
echo "make test:"
printf '  %s\n' "${summary[@]}"
exit $failed
