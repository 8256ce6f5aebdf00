"""A worker killed with SIGKILL in the middle of a member import, then the task run again.

The import task (`spreadsheets.tasks.import_member_list`) runs in a subprocess against the
(committed) PostgreSQL test database and the same MEDIA_ROOT. A test-only trigger on books_book
stops it deterministically inside the import's transaction, after the members are written and
before anything is committed, by waiting for an advisory lock the test holds. The subprocess is
then killed with SIGKILL: nothing of the import may remain, the checked rows must still be there,
and the task run again imports every row exactly once.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from books import audit
from books.models import Event
from members.models import Member
from spreadsheets import service
from spreadsheets.models import ImportStatus, MemberImport
from tests.reliability.test_killed_worker import WORKER_APP, database_url, sql, wait_until, worker_connections_ended
from tests.spreadsheets.files import good_row, xlsx

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a subprocess on the same SQLite test database is not possible (in-memory); PostgreSQL only",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
LOCK = 213214
TRAP = f"""
CREATE FUNCTION test_wait_mid_import() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_lock({LOCK});
    RETURN NULL;
END $$;
CREATE TRIGGER test_wait_mid_import AFTER INSERT ON books_book
    FOR EACH STATEMENT EXECUTE FUNCTION test_wait_mid_import();
"""
UNTRAP = """
DROP TRIGGER IF EXISTS test_wait_mid_import ON books_book;
DROP FUNCTION IF EXISTS test_wait_mid_import();
"""


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def run_import_task(pk: int, media: Path) -> subprocess.Popen:
    code = f"from spreadsheets.tasks import import_member_list; print(import_member_list.call({pk}))"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "true",
        "MEDIA_ROOT": str(media),
        "PGAPPNAME": WORKER_APP,
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_an_import_killed_mid_transaction_leaves_nothing_and_the_task_run_again_imports_every_row_once(cast, media):
    rows = [good_row(n) for n in range(700, 740)]
    item = service.start(
        SimpleUploadedFile("danh-sach.xlsx", xlsx(rows)), committee=cast.finance, user=cast.finance_clerk
    )
    assert item.status == ImportStatus.READY
    # what begin_import does before enqueuing the task
    MemberImport.objects.filter(pk=item.pk).update(status=ImportStatus.IMPORTING)
    cards = [r["party_card_number"] for r in rows]
    events_before = Event.objects.count()

    sql(TRAP)
    sql("SELECT pg_advisory_lock(%s)", [LOCK])
    worker = run_import_task(item.pk, media)
    try:
        wait_until(
            lambda: sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")[0][0] == 1,
            "the import to stop after writing its members, before its commit",
        )
        assert worker.poll() is None
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        assert worker.returncode == -signal.SIGKILL
    finally:
        if worker.poll() is None:
            worker.kill()
        sql("SELECT pg_advisory_unlock(%s)", [LOCK])
        sql(UNTRAP)
    wait_until(worker_connections_ended, "the killed worker's connection to end")
    item.refresh_from_db()
    assert item.status == ImportStatus.IMPORTING  # the task did not finish
    assert not Member.objects.filter(party_card_number__in=cards).exists()  # nothing half-written
    assert Event.objects.count() == events_before
    assert audit.verify().intact
    assert item.checked_path.exists()  # the checked rows are still there for the rerun

    rerun = run_import_task(item.pk, media)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert out.strip().splitlines()[-1] == ImportStatus.DONE
    item.refresh_from_db()
    assert (item.status, item.imported) == (ImportStatus.DONE, len(rows))
    assert sorted(Member.objects.filter(party_card_number__in=cards).values_list("party_card_number", flat=True)) == (
        sorted(cards)
    )
    assert Event.objects.filter(verb="member_registered", member__party_card_number__in=cards).count() == len(rows)
    assert audit.verify().intact
    assert not item.checked_path.exists()
