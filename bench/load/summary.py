"""Print the figures of a load run (bench/load/run.sh) as a Markdown table for docs/reliability.md.

    .venv/bin/python bench/load/summary.py /tmp/solienhe-load

Reads locust's load_stats.csv and load_failures.csv, the worker memory samples (rss.txt) and
machine.txt from the directory; prints per request type: requests, failures, p50, p95, p99 and
max (ms), then the overall line, the requests per second, the errors and the gunicorn workers'
resident memory.
"""

from __future__ import annotations

import csv
import statistics
import sys
from collections import defaultdict
from pathlib import Path


def ms(value: str) -> str:
    try:
        return f"{round(float(value)):,}".replace(",", " ")
    except ValueError:
        return value or "–"


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
