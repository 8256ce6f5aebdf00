"""A worker killed with SIGKILL in the middle of the October campaign, then run again.

`manage.py open_campaigns` runs in a subprocess against the (committed) PostgreSQL test
database; each workplace committee is one transaction. The test stops it deterministically in
the middle of the second committee's transaction, after its comment requests are inserted and
before they are committed: a test-only trigger on books_commentrequest waits for an advisory lock
the test holds, as soon as two committees have requests. The subprocess is then killed with
SIGKILL; the rerun must finish the campaign with nothing missing and nothing doubled.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from django.db import connection

from books import audit
from books.models import CommentRequest, Event
from tests.cast import introduce

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a subprocess on the same SQLite test database is not possible (in-memory); PostgreSQL only",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
LOCK = 213213
TRAP = f"""
CREATE FUNCTION test_wait_mid_campaign() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(DISTINCT requesting_committee_id) FROM books_commentrequest) >= 2 THEN
        PERFORM pg_advisory_lock({LOCK});
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER test_wait_mid_campaign AFTER INSERT ON books_commentrequest
    FOR EACH STATEMENT EXECUTE FUNCTION test_wait_mid_campaign();
"""
UNTRAP = """
DROP TRIGGER IF EXISTS test_wait_mid_campaign ON books_commentrequest;
DROP FUNCTION IF EXISTS test_wait_mid_campaign();
"""


def database_url():
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


# The subprocesses' connections carry this name (libpq reads PGAPPNAME), so that the tests wait for
# theirs to end and not for a connection another test of the same process left open.
WORKER_APP = "solienhe-test-worker"


def worker_connections_ended():
    return sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [WORKER_APP])[0][0] == 0


def run_campaigns(**kwargs):
    env = {**os.environ, "DATABASE_URL": database_url(), "DEBUG": "true", "PGAPPNAME": WORKER_APP}
    return subprocess.Popen(
        [sys.executable, "manage.py", "open_campaigns", "--year", "2026"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))
        return cursor.fetchall() if cursor.description else None


def wait_until(check, what, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def trap():
    sql(TRAP)
    yield
    sql(UNTRAP)


def test_a_campaign_killed_mid_transaction_and_rerun_has_nothing_missing_nor_doubled(cast, trap):
    with time_machine.travel(datetime.date(2026, 1, 10)):
        finance = [cast.member, *(cast.member_factory() for _ in range(3))]
        health = [cast.member_factory(cell=cast.health_cell) for _ in range(3)]
        for member in finance + health:
            introduce(cast, member)
    books = {cast.book(m).pk for m in finance + health}

    sql("SELECT pg_advisory_lock(%s)", [LOCK])
    worker = run_campaigns()
    try:
        # the second committee's requests are inserted, its transaction open, waiting for the lock
        wait_until(
            lambda: sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")[0][0] == 1,
            "the worker to stop in the middle of the second committee",
        )
        assert worker.poll() is None
        done_first = {r.book_id for r in CommentRequest.objects.all()}  # what is committed
        assert done_first and done_first < books  # the first committee only
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        assert worker.returncode == -signal.SIGKILL
    finally:
        if worker.poll() is None:
            worker.kill()
        sql("SELECT pg_advisory_unlock(%s)", [LOCK])
    # the killed worker's server process finds its client gone and rolls back
    wait_until(worker_connections_ended, "the killed worker's connection to end")
    first_ids = set(CommentRequest.objects.values_list("pk", flat=True))
    assert {r.book_id for r in CommentRequest.objects.all()} == done_first  # nothing half-written
    assert audit.verify().intact

    sql(UNTRAP)
    rerun = run_campaigns()
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert f"đã có {len(done_first)}" in out

    requests = CommentRequest.objects.filter(year=2026, kind="periodic")
    assert sorted(r.book_id for r in requests) == sorted(books)  # nothing missing, nothing doubled
    assert first_ids <= set(requests.values_list("pk", flat=True))  # the committed ones untouched
    assert Event.objects.filter(verb="comment_requested").count() == len(books)
    assert audit.verify().intact
