"""Benchmark of the maintained counts (tallies) on a PostgreSQL dataset (docs/performance.md, "Maintained counts").

    DATABASE_URL=$(bench/pg.sh url solienhe_2500k) .venv/bin/python bench/tallies.py [--province CODE]
        [--repeat N] [--no-campaign]

The tallies must be filled first: `time manage.py refresh_tallies --all` (the first fill, committed;
generate_dataset does it for a new dataset). Prints, with the load average before each step:

1. the board's figures of one province (default: the one with the most open books) read from the
   tallies — table by commune, table by workplace, the home — against the same figures counted
   live (`web.board.live_*_rows`, `books.queries.province_overview_recount`): median and p95 of
   --repeat runs each, in process (database and Python; bench/pages.py times the pages over HTTP),
   and the queries each read runs;
2. the recount of the whole province (`refresh_tallies --province`), in a transaction rolled back;
3. the October campaign of that province (as bench/campaign.py: the year after the last one with
   requests, as on 2 October), then the work of the task its commit queues: which committees its
   events touched (`affected`) and their recount (`refresh`, comments only) — all rolled back.

`--explain`: instead, every query of each read of step 1 with its EXPLAIN (ANALYZE, BUFFERS).
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Rollback(Exception):
    pass


def load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def timed(call: Callable[[], Any], repeat: int) -> tuple[float, float, int]:
    """(median ms, p95 ms, queries of one call)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, len(ctx.captured_queries)


def explain(reads: list[tuple[str, Callable[[], Any]]]) -> None:
    """Each read's queries with their EXPLAIN (ANALYZE, BUFFERS): the live ones are the pages' queries
    before the tallies."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    previous = ""
    for label, call in reads:
        name = f"{previous} (live)" if label.strip() == "live" else label
        previous = label if label.strip() != "live" else previous
        with CaptureQueriesContext(connection) as ctx:
            call()
        for number, query in enumerate(ctx.captured_queries, 1):
            if not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            print(f"\n==== {name}: query {number} ({load()})\n{query['sql']}\n")
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                print("\n".join(row[0] for row in cursor.fetchall()))


def run(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.models import Max

    from bench.campaign import biggest_province  # the same choice as the campaign's bench
    from books import access, actions, clock
    from books.models import CommentRequest, EventChainHead
    from books.queries import campaign_year, province_overview, province_overview_recount
    from tallies.models import CommitteeTally
    from tallies.refresh import affected, province_committees, refresh, refresh_all
    from web import board

    code = args.province or biggest_province()
    today = clock.today()
    year = campaign_year(today)
    scope = access.Scope(provinces=frozenset({code}))
    residence = board.residence_committees(scope, today)
    workplace = board.workplace_committees(scope, today)
    rows = CommitteeTally.objects.filter(year=year, organisation__province_code=code).count()
    print(f"database {connection.settings_dict['NAME']}, province {code}, year {year}, {load()}")
    print(f"  {residence.count()} residence and {workplace.count()} workplace committees active, {rows} tally rows")
    if not rows:
        raise SystemExit("no tallies for this province: run manage.py refresh_tallies --all first")

    print(f"1. reading the figures, {args.repeat} times each ({load()})")
    reads = [
        ("table by commune", lambda: board.commune_rows(scope, today, residence)),
        ("  live", lambda: board.live_commune_rows(scope, today, residence)),
        ("table by workplace", lambda: board.workplace_rows(scope, today, workplace)),
        ("  live", lambda: board.live_workplace_rows(scope, today, workplace)),
        ("board home", lambda: province_overview(code, today)),
        ("  live", lambda: province_overview_recount(code, today)),
    ]
    if args.explain:
        explain(reads)
        return
    for label, call in reads:
        repeat = args.repeat if not label.strip().startswith("live") else max(3, args.repeat // 10)
        median, p95, queries = timed(call, repeat)
        print(f"  {label:<20} median {median:8.1f} ms   p95 {p95:8.1f} ms   {queries} queries  ({load()})")

    try:
        with transaction.atomic():
            print(f"2. recounting the province ({load()})")
            done = refresh(province_committees(code), year)
            print(f"  {done.committees} committees, {done.rows} rows in {done.seconds:.2f} s")
            if not args.no_campaign:
                last = CommentRequest.objects.aggregate(y=Max("year"))["y"] or year
                on = datetime.date(last + 1, 10, 2)
                print(f"3. the October campaign of {on.year} as on {on:%d/%m/%Y} ({load()})")
                first_seq = (EventChainHead.objects.values_list("seq", flat=True).first() or 0) + 1
                started = time.perf_counter()
                with transaction.atomic():
                    results = actions.open_province_campaign(code, year=on.year, by=None, on=on)
                created = sum(r.created_count for r in results.values())
                print(f"  campaign: {created:,} requests in {time.perf_counter() - started:.2f} s")
                last_seq = EventChainHead.objects.values_list("seq", flat=True).get()
                refresh_all(on.year, provinces=[code])  # the year's rows before the campaign
                started = time.perf_counter()
                touched, parts = affected(first_seq, last_seq, on.year)
                found = time.perf_counter() - started
                assert touched is not None
                print(f"  the task: {len(touched)} committees touched, found in {found:.2f} s ({load()})")
                done = refresh(touched, on.year, parts)
                print(f"  recount of {sorted(parts)}: {done.rows} rows in {done.seconds:.2f} s")
                print(f"  the task in all: {found + done.seconds:.2f} s")
            raise Rollback
    except Rollback:
        print("rolled back")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--province", type=int, help="province code (default: the most open books)")
    parser.add_argument("--repeat", type=int, default=30, help="reads of each kind (the live ones a tenth)")
    parser.add_argument("--no-campaign", action="store_true", help="skip step 3")
    parser.add_argument("--explain", action="store_true", help="print each read's EXPLAIN (ANALYZE, BUFFERS) and stop")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
