"""Fewer indexes on the event log, so that a bulk append stays cheap (docs/audit.md).

1. `hash` loses its index (and, on PostgreSQL, the `varchar_pattern_ops` twin Django adds to every
   indexed CharField): a SHA-256 is random, so each new row dirtied a random leaf page of two
   ≈ 1 GB indexes — 68,000 events cost 21.2 s instead of 2.9 s. `verify` walks the chain by `seq`.
2. `verb` keeps a plain btree (named, in `Meta.indexes`) and loses its `_like` twin: it is only
   ever compared with `=`. On PostgreSQL the existing btree is renamed, not rebuilt (11.6 M rows
   in the national dataset); elsewhere, or when it is not found, it is created.

Only index statements run (no AlterField on the database): SQLite would rebuild the table for an
AlterField, and that drops the audit guards of migration 0007.
"""

from django.db import migrations, models

NAME = "books_event_verb_idx"


def _names(schema_editor, table, column):
    """The names Django gives a `db_index=True` btree and its PostgreSQL `_like` twin."""
    return (
        schema_editor._create_index_name(table, [column], suffix=""),
        schema_editor._create_index_name(table, [column], suffix="_like"),
    )


def _existing(schema_editor, table):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, table)


def forward(apps, schema_editor):
    """Drop the hash indexes and verb's `_like` twin; keep verb's btree under its new name.

    Index statements only: an AlterField would rebuild the table on SQLite, which drops the
    audit guards (docs/audit.md).
    """
    table = apps.get_model("books", "Event")._meta.db_table
    qn = schema_editor.quote_name
    existing = _existing(schema_editor, table)
    hash_index, hash_like = _names(schema_editor, table, "hash")
    verb_index, verb_like = _names(schema_editor, table, "verb")
    for name in (hash_index, hash_like, verb_like):
        if name in existing:
            schema_editor.execute(f"DROP INDEX {qn(name)}", params=None)
    if verb_index in existing:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER INDEX {qn(verb_index)} RENAME TO {qn(NAME)}", params=None)
            return
        schema_editor.execute(f"DROP INDEX {qn(verb_index)}", params=None)
    schema_editor.execute(f"CREATE INDEX {qn(NAME)} ON {qn(table)} ({qn('verb')})", params=None)


def backward(apps, schema_editor):
    table = apps.get_model("books", "Event")._meta.db_table
    qn = schema_editor.quote_name
    postgresql = schema_editor.connection.vendor == "postgresql"
    hash_index, hash_like = _names(schema_editor, table, "hash")
    verb_index, verb_like = _names(schema_editor, table, "verb")
    schema_editor.execute(f"DROP INDEX {qn(NAME)}", params=None)
    for index, like, column in ((hash_index, hash_like, "hash"), (verb_index, verb_like, "verb")):
        schema_editor.execute(f"CREATE INDEX {qn(index)} ON {qn(table)} ({qn(column)})", params=None)
        if postgresql:
            schema_editor.execute(
                f"CREATE INDEX {qn(like)} ON {qn(table)} ({qn(column)} varchar_pattern_ops)", params=None
            )


class Migration(migrations.Migration):
    dependencies = [
        ("books", "0007_event_hash_chain"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="event",
                    name="hash",
                    field=models.CharField(editable=False, max_length=64, verbose_name="mã băm"),
                ),
                migrations.AlterField(
                    model_name="event",
                    name="verb",
                    field=models.CharField(max_length=40, verbose_name="việc"),
                ),
                migrations.AddIndex(
                    model_name="event",
                    index=models.Index(fields=["verb"], name=NAME),
                ),
            ],
            database_operations=[migrations.RunPython(forward, backward, elidable=False)],
        ),
    ]
