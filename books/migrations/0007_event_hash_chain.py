"""The event log becomes a hash chain (docs/audit.md), guarded against UPDATE and DELETE.

1. `EventChainHead` (one row) and the columns `seq`, `prev_hash`, `hash` on `books_event`.
2. The rows already there are chained in the order (at, pk), hashed exactly as
   `books.audit.event_hash` does (the v1 form is frozen here so that this migration never changes).
3. `seq` becomes unique and required.
4. Triggers refuse UPDATE/DELETE of events, DELETE of the head, and a head moving backwards.
"""

import datetime
import hashlib
import json

from django.db import migrations, models

GENESIS = "0" * 64
HASHED_FIELDS = (
    "at",
    "actor_id",
    "actor_name",
    "actor_role",
    "actor_org_id",
    "verb",
    "content_type_id",
    "object_id",
    "object_repr",
    "member_id",
    "book_id",
    "state_before",
    "state_after",
    "data",
    "prev_hash",
)


def _hash_v1(values):
    body = {name: values[name] for name in HASHED_FIELDS}
    body["at"] = values["at"].astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body["v"] = 1
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


def chain_existing(apps, schema_editor):
    Event = apps.get_model("books", "Event")
    Head = apps.get_model("books", "EventChainHead")
    db = schema_editor.connection.alias
    seq, prev, last_pk = 0, GENESIS, None
    batch = []
    for event in Event.objects.using(db).order_by("at", "pk").iterator(chunk_size=2000):
        seq += 1
        event.seq = seq
        event.prev_hash = prev
        event.hash = prev = _hash_v1(event.__dict__)
        last_pk = event.pk
        batch.append(event)
        if len(batch) >= 1000:
            Event.objects.using(db).bulk_update(batch, ["seq", "prev_hash", "hash"])
            batch = []
    if batch:
        Event.objects.using(db).bulk_update(batch, ["seq", "prev_hash", "hash"])
    Head.objects.using(db).update_or_create(pk=1, defaults={"seq": seq, "hash": prev, "event_id": last_pk})


MESSAGE = "Nhật ký sự kiện chỉ được ghi thêm: không được sửa hay xóa (docs/audit.md)."

SQLITE_GUARDS = [
    f"CREATE TRIGGER books_audit_guard_event_update BEFORE UPDATE ON books_event "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER books_audit_guard_event_delete BEFORE DELETE ON books_event "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    "CREATE TRIGGER books_audit_guard_head_delete BEFORE DELETE ON books_eventchainhead "
    "BEGIN SELECT RAISE(ABORT, 'Đầu chuỗi nhật ký không được xóa.'); END",
    "CREATE TRIGGER books_audit_guard_head_forward BEFORE UPDATE ON books_eventchainhead "
    "WHEN NEW.seq < OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash <> OLD.hash) "
    "BEGIN SELECT RAISE(ABORT, 'Đầu chuỗi nhật ký chỉ được tiến lên.'); END",
]
POSTGRES_GUARDS = [
    f"""CREATE FUNCTION books_audit_guard_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING DETAIL = TG_OP || ' ' || TG_TABLE_NAME;
    END $$""",
    """CREATE FUNCTION books_audit_guard_forward() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.seq < OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash <> OLD.hash) THEN
            RAISE EXCEPTION 'Đầu chuỗi nhật ký chỉ được tiến lên.';
        END IF;
        RETURN NEW;
    END $$""",
    "CREATE TRIGGER books_audit_guard_event BEFORE UPDATE OR DELETE ON books_event "
    "FOR EACH ROW EXECUTE FUNCTION books_audit_guard_refuse()",
    "CREATE TRIGGER books_audit_guard_head_delete BEFORE DELETE ON books_eventchainhead "
    "FOR EACH ROW EXECUTE FUNCTION books_audit_guard_refuse()",
    "CREATE TRIGGER books_audit_guard_head_forward BEFORE UPDATE ON books_eventchainhead "
    "FOR EACH ROW EXECUTE FUNCTION books_audit_guard_forward()",
]
SQLITE_UNGUARD = [
    "DROP TRIGGER IF EXISTS books_audit_guard_event_update",
    "DROP TRIGGER IF EXISTS books_audit_guard_event_delete",
    "DROP TRIGGER IF EXISTS books_audit_guard_head_delete",
    "DROP TRIGGER IF EXISTS books_audit_guard_head_forward",
]
POSTGRES_UNGUARD = [
    "DROP TRIGGER IF EXISTS books_audit_guard_event ON books_event",
    "DROP TRIGGER IF EXISTS books_audit_guard_head_delete ON books_eventchainhead",
    "DROP TRIGGER IF EXISTS books_audit_guard_head_forward ON books_eventchainhead",
    "DROP FUNCTION IF EXISTS books_audit_guard_refuse()",
    "DROP FUNCTION IF EXISTS books_audit_guard_forward()",
]


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql, params=None)


def install_guards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_GUARDS)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_GUARDS)


def remove_guards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_UNGUARD)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_UNGUARD)


class Migration(migrations.Migration):
    dependencies = [
        ("books", "0006_attachment"),
    ]

    operations = [
        migrations.CreateModel(
            name="EventChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.PositiveBigIntegerField(default=0, verbose_name="số sự kiện trong chuỗi")),
                ("hash", models.CharField(default=GENESIS, max_length=64, verbose_name="mã băm sự kiện cuối")),
                ("event_id", models.BigIntegerField(blank=True, null=True, verbose_name="sự kiện cuối")),
            ],
            options={"verbose_name": "đầu chuỗi nhật ký", "verbose_name_plural": "đầu chuỗi nhật ký"},
        ),
        migrations.AddField(
            model_name="event",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, null=True, verbose_name="số thứ tự trong chuỗi"),
        ),
        migrations.AddField(
            model_name="event",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="mã băm sự kiện trước"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="event",
            name="hash",
            field=models.CharField(db_index=True, default="", editable=False, max_length=64, verbose_name="mã băm"),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="event",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, unique=True, verbose_name="số thứ tự trong chuỗi"),
        ),
        migrations.RunPython(install_guards, remove_guards),
    ]
