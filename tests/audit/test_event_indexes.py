"""The event log's indexes after migration 0008 (docs/audit.md, "Why there is no index on hash")."""

import pytest
from django.db import connection

from books import audit
from books.models import Event

TABLE = Event._meta.db_table


def indexes_on(column):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return {name: c for name, c in constraints.items() if c["index"] and c["columns"] == [column]}


@pytest.mark.django_db
def test_no_index_on_the_hash_slows_down_the_appends():
    assert indexes_on("hash") == {}
    assert indexes_on("prev_hash") == {}


@pytest.mark.django_db
def test_verb_has_one_plain_btree_and_no_pattern_twin():
    assert list(indexes_on("verb")) == ["books_event_verb_idx"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'books_event_verb_idx'")
            (definition,) = cursor.fetchone()
        assert "btree (verb)" in definition and "pattern_ops" not in definition


@pytest.mark.django_db
def test_a_query_on_verb_can_use_its_index():
    if connection.vendor != "postgresql":
        pytest.skip("the planner's choice is checked on PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN SELECT id FROM {TABLE} WHERE verb = 'comment_requested'")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "books_event_verb_idx" in plan


@pytest.mark.django_db
def test_the_guards_survive_the_migration():
    """0008 only runs index statements: no table rebuild on SQLite, so no trigger lost."""
    expected = 4 if connection.vendor == "sqlite" else 3
    assert len(audit.guard_names()) == expected
