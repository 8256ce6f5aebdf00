"""Benchmark of the October campaign on a PostgreSQL dataset (docs/performance.md, "October campaign").

    DATABASE_URL=$(bench/pg.sh url solienhe_2500k) .venv/bin/python bench/campaign.py [--year Y]
        [--province CODE] [--no-country] [--profile [N]]

Everything runs inside ONE transaction that is rolled back at the end, so the dataset stays as it
was and the bench can be run again (each province is a savepoint, as it is its own transaction
in `manage.py open_campaigns --by-province`). Prints, with the load average before each step:

1. one province (default: the one with the most open books): `open_province_campaign`, the
   requests and their events in the chain (what the committees wait for), with the deferred
   foreign-key checks a real run pays at COMMIT (`SET CONSTRAINTS ALL IMMEDIATE` at the end of
   each province's savepoint: the bench itself never commits);
2. the same province again: nothing created (idempotence), and its time;
3. the notifications of step 1 (`notifications.events.notify_seq_range`: what the task
   `notify_event_range` queued by the campaign's commit runs in the worker), and that task again
   (nothing written twice);
4. the whole country, province by province (`--no-country` to skip), and again.

`--profile [N]`: step 1 runs under cProfile and the N (30) most expensive functions by
cumulative time are printed after it (the timing of step 1 then includes the profiler's cost).

The year defaults to the first year after the last one with requests in the dataset (a campaign
not yet opened), run as on 2 October of that year.

`--grow-demo K` (development only, when the generated dataset is not at hand): multiplies the
members of a database seeded with `manage.py seed_demo` K times in SQL (book, sent letter and
residence register row each), committed, to get a province of K x 2,000 members.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Rollback(Exception):
    pass


def load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def default_year() -> int:
    from django.db.models import Max

    from books.models import CommentRequest, Term

    last = CommentRequest.objects.aggregate(y=Max("year"))["y"]
    term = Term.current()
    year = (last + 1) if last else datetime.date.today().year
    if term is not None and year > term.end_year:
        raise SystemExit(f"the current term ends in {term.end_year}; every year of it already has requests")
    return year


def biggest_province() -> int:
    from django.db.models import Count

    from books.models import Book, BookStatus

    row = (
        Book.objects.filter(status=BookStatus.OPEN)
        .values("holder__province_code")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    if row is None:
        raise SystemExit("no open book in this database")
    return int(row["holder__province_code"])


def timed_province(code: int, year: int, on: datetime.date, profile: int = 0) -> tuple[float, int, float]:
    """One province's campaign in its own savepoint (a transaction of its own in production)."""
    import cProfile
    import pstats

    from django.db import connection, transaction

    from books import actions

    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    with transaction.atomic():
        results = actions.open_province_campaign(code, year=year, by=None, on=on)
        # the deferred foreign-key checks, which a real run pays at COMMIT (the bench never commits)
        checks = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        checks = time.perf_counter() - checks
    if profiler is not None:
        profiler.disable()
    seconds = time.perf_counter() - started
    if profiler is not None:
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(profile)
    return seconds, sum(r.created_count for r in results.values()), checks


def run(args: argparse.Namespace) -> None:
    from django.db import connection, transaction

    from books.models import Event, EventChainHead
    from notifications.events import notify_seq_range
    from notifications.models import Notification
    from orgs.models import Organisation, OrgKind

    year = args.year or default_year()
    on = datetime.date(year, 10, 2)
    code = args.province or biggest_province()
    print(f"database {connection.settings_dict['NAME']}, year {year} (as on {on:%d/%m/%Y}), {load()}")
    try:
        with transaction.atomic():
            first_seq = (EventChainHead.objects.values_list("seq", flat=True).first() or 0) + 1
            print(f"province {code}: {load()}")
            seconds, created, checks = timed_province(code, year, on, profile=args.profile)
            print(
                f"  campaign: {created:,} requests and events in {seconds:.2f} s "
                f"(of which the deferred foreign-key checks {checks:.2f} s)"
            )
            seconds, again, _ = timed_province(code, year, on)
            print(f"  again: {again:,} created in {seconds:.2f} s")
            last_seq = EventChainHead.objects.values_list("seq", flat=True).get()
            events = Event.objects.filter(seq__gte=first_seq)
            print(f"  notifications of its {last_seq - first_seq + 1:,} events (the task): {load()}")
            started = time.perf_counter()
            written = len(notify_seq_range(first_seq, last_seq))
            print(f"  notifications: {written:,} written in {time.perf_counter() - started:.2f} s")
            started = time.perf_counter()
            twice = len(notify_seq_range(first_seq, last_seq))
            print(f"  the task again: {twice:,} written in {time.perf_counter() - started:.2f} s")
            assert Notification.objects.filter(event__in=events).count() == written
            if not args.no_country:
                provinces = sorted(
                    set(
                        Organisation.objects.active(on)
                        .filter(kind=OrgKind.WORKPLACE_COMMITTEE, province_code__isnull=False)
                        .values_list("province_code", flat=True)
                    )
                )
                for label in ("country", "country again"):
                    print(f"{label}: {len(provinces)} provinces, {load()}")
                    total, count = 0.0, 0
                    for province in provinces:
                        seconds, created, _ = timed_province(province, year, on)
                        total += seconds
                        count += created
                    print(f"  {label}: {count:,} requests and events in {total:.1f} s")
            raise Rollback
    except Rollback:
        print("rolled back: the dataset is unchanged")


def grow_demo(times: int) -> None:
    """Clone every employed member with an open book and a sent letter `times - 1` more times."""
    from django.db import connection, transaction

    from books.models import Book, IntroductionLetter, ResidenceRegisterEntry
    from members.models import Member

    def columns(model: type) -> list[str]:
        return [f.column for f in model._meta.concrete_fields if not f.primary_key]

    def clone(model: type, source: str, mapping: str, key: str, overrides: dict[str, str]) -> None:
        table = model._meta.db_table
        cols = columns(model)
        select = [overrides.get(c, f"s.{c}") for c in cols]
        cursor.execute(
            f"INSERT INTO {table} (id, {', '.join(cols)}) SELECT k.new_id, {', '.join(select)} "
            f"FROM {table} s JOIN {mapping} k ON k.old_id = s.{key} {source}"
        )

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE grow_members AS SELECT m.id AS old_id, g AS copy, "
            "nextval(pg_get_serial_sequence('members_member', 'id')) AS new_id "
            "FROM members_member m JOIN books_book b ON b.member_id = m.id AND b.status = 'open' "
            "JOIN books_introductionletter l ON l.book_id = b.id AND l.status IN ('issued', 'received') "
            f"CROSS JOIN generate_series(1, {times - 1}) g WHERE m.employment = 'employed'"
        )
        clone(
            Member,
            "",
            "grow_members",
            "id",
            {
                "national_id": "lpad((900000000000 + k.new_id)::text, 12, '0')",
                "party_card_number": "lpad((50000000 + k.new_id)::text, 8, '0')",
            },
        )
        cursor.execute(
            "CREATE TEMP TABLE grow_books AS SELECT b.id AS old_id, gm.new_id AS member_id, "
            "nextval(pg_get_serial_sequence('books_book', 'id')) AS new_id "
            "FROM books_book b JOIN grow_members gm ON gm.old_id = b.member_id WHERE b.status = 'open'"
        )
        clone(Book, "", "grow_books", "id", {"member_id": "k.member_id"})
        cursor.execute(
            "CREATE TEMP TABLE grow_letters AS SELECT l.id AS old_id, gb.new_id AS book_id, "
            "nextval(pg_get_serial_sequence('books_introductionletter', 'id')) AS new_id "
            "FROM books_introductionletter l JOIN grow_books gb ON gb.old_id = l.book_id "
            "WHERE l.status IN ('issued', 'received')"
        )
        clone(
            IntroductionLetter,
            "",
            "grow_letters",
            "id",
            {"book_id": "k.book_id", "number": "NULL", "carried_over_from_id": "NULL", "superseded_by_id": "NULL"},
        )
        cursor.execute(
            "CREATE TEMP TABLE grow_register AS SELECT r.id AS old_id, gb.member_id, gl.new_id AS letter_id, "
            "nextval(pg_get_serial_sequence('books_residenceregisterentry', 'id')) AS new_id "
            "FROM books_residenceregisterentry r JOIN grow_letters gl ON gl.old_id = r.letter_id "
            "JOIN grow_books gb ON gb.new_id = gl.book_id WHERE r.left_on IS NULL"
        )
        clone(
            ResidenceRegisterEntry,
            "",
            "grow_register",
            "id",
            {"member_id": "k.member_id", "letter_id": "k.letter_id"},
        )
        cursor.execute("SELECT count(*) FROM grow_members")
        print(f"added {cursor.fetchone()[0]:,} members with a book and a sent letter")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int)
    parser.add_argument("--province", type=int)
    parser.add_argument("--no-country", action="store_true")
    parser.add_argument("--profile", type=int, nargs="?", const=30, default=0, metavar="N")
    parser.add_argument("--grow-demo", type=int, metavar="K", help=argparse.SUPPRESS)
    args = parser.parse_args()
    setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench/campaign.py runs on PostgreSQL (DATABASE_URL=$(bench/pg.sh url DB))")
    if args.grow_demo:
        grow_demo(args.grow_demo)
        return
    run(args)


if __name__ == "__main__":
    main()
