"""Print the figures of a load run (bench/load/run.sh) as a Markdown table for docs/reliability.md.

    .venv/bin/python bench/load/summary.py /tmp/solienhe-load

Reads locust's load_stats.csv and load_failures.csv, the worker memory samples (rss.txt) and
machine.txt from the directory; prints per request type: requests, failures, p50, p95, p99 and
max (ms), then the overall line, the requests per second, the errors and the gunicorn workers'
resident memory. When the run wrote every request (requests.tsv, LOAD_REQUESTS in the
locustfile), a second table gives the same figures without the first minute, when the users all
log in at once (Argon2 on purpose costs CPU per login) and queue behind each other.
"""

from __future__ import annotations

import csv
import math
import statistics
import sys
from collections import defaultdict
from pathlib import Path


def ms(value: str) -> str:
    try:
        return f"{round(float(value)):,}".replace(",", " ")
    except ValueError:
        return value or "–"


STEADY_AFTER = 60.0  # seconds: the users' logins are over well before


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile of sorted values."""
    return values[min(len(values) - 1, max(0, math.ceil(q / 100 * len(values)) - 1))]


def steady(requests: Path, after: float) -> None:
    if not requests.is_file():
        return
    by_name: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    for line in requests.read_text(encoding="utf-8").splitlines():
        at, kind, name, took, ok = line.split("\t")
        if float(at) >= after:
            by_name[f"{kind} {name}"].append(float(took))
            errors[f"{kind} {name}"] += ok != "1"
    if not by_name:
        return
    print(f"\nFrom {after:.0f} s after the first request to the end (the morning logins over):\n")
    print("| Request | Count | Errors | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    everything = sorted(t for times in by_name.values() for t in times)
    for name, times in [*sorted(by_name.items()), ("**all requests**", everything)]:
        times = sorted(times)
        count = f"{len(times):,}".replace(",", " ")
        failed = sum(errors.values()) if name.startswith("**") else errors[name]
        print(
            f"| {name} | {count} | {failed} | {ms(str(percentile(times, 50)))} | {ms(str(percentile(times, 95)))} "
            f"| {ms(str(percentile(times, 99)))} | {ms(str(times[-1]))} |"
        )


def main(folder: Path) -> int:
    stats = folder / "load_stats.csv"
    if not stats.is_file():
        print(f"no {stats}: locust did not finish (see {folder / 'locust.log'})")
        return 1
    with stats.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    lines = sorted((r for r in rows if r["Name"] != "Aggregated"), key=lambda r: r["Name"])
    print("| Request | Count | Errors | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in [*lines, total]:
        name = "**all requests**" if r is total else f"{r['Type']} {r['Name']}"
        print(
            f"| {name} | {int(r['Request Count']):,} | {r['Failure Count']} | {ms(r['50%'])} | {ms(r['95%'])} "
            f"| {ms(r['99%'])} | {ms(r['Max Response Time'])} |".replace(",", " ")
        )
    count = f"{int(total['Request Count']):,}".replace(",", " ")
    print(f"\nTotal {count} requests, {float(total['Requests/s']):.1f} per second, {total['Failure Count']} errors.")
    steady(folder / "requests.tsv", after=STEADY_AFTER)
    failures = folder / "load_failures.csv"
    if failures.is_file():
        with failures.open(encoding="utf-8") as handle:
            for f in csv.DictReader(handle):
                print(f"  error ×{f['Occurrences']}: {f['Method']} {f['Name']}: {f['Error']}")
    samples = folder / "rss.txt"
    if samples.is_file():
        per_worker: dict[str, list[int]] = defaultdict(list)
        for line in samples.read_text().splitlines():
            parts = line.split()
            if len(parts) == 3:
                per_worker[parts[1]].append(int(parts[2]))
        if per_worker:
            peaks = [max(v) / 1024 for v in per_worker.values()]
            means = [statistics.mean(v) / 1024 for v in per_worker.values()]
            print(
                f"gunicorn workers: {len(per_worker)}, resident memory (ps RSS) mean {statistics.mean(means):.0f} MB, "
                f"peak {min(peaks):.0f}–{max(peaks):.0f} MB per worker"
            )
    machine = folder / "machine.txt"
    if machine.is_file():
        print(machine.read_text().rstrip())
    return 0 if total["Failure Count"] == "0" else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/solienhe-load")))
