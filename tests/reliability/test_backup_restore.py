"""manage.py backup and restore: a round trip into a fresh database gives back every table.

Transactional tests (pg_dump sees only committed rows). Every table is compared by its row count
and a SHA-256 of its rows in order (books.backup.fingerprint); the restored audit chain verifies
and its guards are there.
"""

import io
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.utils import load_backend

from books import audit
from books.backup import fingerprint
from books.models import CommentStatus, Event
from tests.cast import comment_at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fresh_database(tmp_path):
    """An empty database of the same engine, as the alias "restored"."""
    settings = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        settings["NAME"] = str(tmp_path / "restored.sqlite3")
    else:
        settings["NAME"] = f"{connection.settings_dict['NAME']}_r{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{settings["NAME"]}"')
    # Not added to settings.DATABASES: Django's test case allows connections it does not know of.
    connections["restored"] = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, "restored")
    yield "restored"
    connections["restored"].close()
    del connections["restored"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}"')


def test_a_backup_restored_into_a_fresh_database_gives_back_every_table(cast, tmp_path, fresh_database):
    comment_at(cast, CommentStatus.ACKNOWLEDGED)
    before = fingerprint()
    assert before["books_event"][0] == Event.objects.count() > 5
    assert sum(1 for count, _ in before.values() if count) >= 15  # the tables that matter hold rows

    file = tmp_path / "solienhe.backup"
    out = io.StringIO()
    call_command("backup", "-o", str(file), stdout=out)
    assert f"Đã sao lưu vào {file}" in out.getvalue()
    call_command("restore", str(file), "--database", fresh_database, stdout=out)

    after = fingerprint(fresh_database)
    assert sorted(after) == sorted(before)
    different = [table for table in before if before[table] != after[table]]
    assert different == []
    assert audit.verify(using=fresh_database).intact
    assert audit.guard_names(fresh_database) == audit.guard_names()


def test_restore_refuses_a_file_that_is_not_a_backup_of_this_engine(db, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("không phải bản sao lưu")
    with pytest.raises(CommandError, match="không phải bản sao lưu"):
        call_command("restore", str(junk))
    other = tmp_path / "other.backup"
    other.write_bytes(b"PGDMP\x01\x0f" if connection.vendor == "sqlite" else b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(CommandError, match="bản sao lưu (PostgreSQL|SQLite)"):
        call_command("restore", str(other))
    with pytest.raises(CommandError, match="Không có tệp sao lưu"):
        call_command("restore", str(tmp_path / "missing.backup"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump is only used on PostgreSQL")
def test_backup_says_clearly_when_pg_dump_is_missing(db, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CommandError, match="Không tìm thấy lệnh pg_dump: cần cài gói postgresql-client"):
        call_command("backup", "-o", str(tmp_path / "x.backup"))
