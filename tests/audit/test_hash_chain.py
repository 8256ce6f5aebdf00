"""The event log is one hash chain that nobody can rewrite unseen (books/audit.py, docs/audit.md).

One chain of ~50 events is built per test; each tampering happens directly in the database (raw
SQL, the guard triggers lifted) inside a savepoint that is rolled back, and `verify` must name
the right first broken link every time.
"""

import datetime
import io
import json
from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from books import actions, audit
from books.models import CommentStatus, Event, EventChainHead
from tests.cast import comment_at

TABLE = Event._meta.db_table


class Rollback(Exception):
    pass


def system_event(i, member=None, book=None, **data):
    return Event(
        at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(hours=i, microseconds=i),
        actor_name=actions.SYSTEM_NAME,
        verb="test_event",
        object_repr=f"Sự kiện thử số {i} — Nguyễn Thị Ộ Ệ Ữ đ",
        member=member,
        book=book,
        state_before="a" if i % 2 else "",
        state_after="b",
        data={"i": i, "lồng": {"danh sách": [1, "hai", None, True]}, **data},
    )


@pytest.fixture
def chain(cast):
    """About 50 events: a comment's whole real life, then system events (single and bulk)."""
    comment_at(cast, CommentStatus.ACKNOWLEDGED)
    book = cast.book(cast.member)
    for i in range(10):
        audit.append_one(system_event(i, member=cast.member, book=book))
    audit.append([system_event(100 + i, ratio=0.5) for i in range(30)])
    rows = list(Event.objects.order_by("seq").values("pk", "seq", "hash", "prev_hash"))
    assert 45 <= len(rows) <= 80
    return rows


def test_every_event_is_numbered_hashed_and_linked_to_the_one_before(chain):
    assert [r["seq"] for r in chain] == list(range(1, len(chain) + 1))
    assert chain[0]["prev_hash"] == audit.GENESIS
    for before, after in zip(chain, chain[1:], strict=False):
        assert after["prev_hash"] == before["hash"]
    for event in Event.objects.all():
        assert event.hash == audit.event_hash(event.__dict__)
    head = EventChainHead.objects.get()
    assert (head.seq, head.hash, head.event_id) == (chain[-1]["seq"], chain[-1]["hash"], chain[-1]["pk"])


def test_the_intact_chain_passes_and_the_command_says_so(chain):
    verdict = audit.verify()
    assert verdict.intact
    assert verdict.checked == len(chain)
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_audit", stdout=out, stderr=err)
    assert f"Đã kiểm tra {len(chain)} sự kiện" in out.getvalue()
    assert "Chuỗi nhật ký nguyên vẹn." in out.getvalue()
    assert chain[-1]["hash"] in out.getvalue()  # the head, to write down or publish
    assert err.getvalue() == ""


def test_an_empty_log_is_intact(db):
    assert audit.verify().intact


def test_the_hash_is_the_documented_canonical_form(chain):
    event = Event.objects.get(seq=1)
    text = audit.canonical(event.__dict__).decode()
    body = json.loads(text)
    assert sorted(body) == sorted([*audit.HASHED_FIELDS, "v"])
    assert body["v"] == 1
    assert body["prev_hash"] == audit.GENESIS
    assert body["at"].endswith("Z") and len(body["at"]) == len("2026-01-01T00:00:00.000000Z")
    assert ", " not in text and ": " not in text  # no spaces between tokens
    assert list(body) == sorted(body)  # keys sorted


def test_the_migration_hashes_exactly_as_the_app_does(chain):
    import importlib

    migration = importlib.import_module("books.migrations.0007_event_hash_chain")
    for event in Event.objects.all():
        assert migration._hash_v1(event.__dict__) == event.hash


def test_the_database_refuses_to_change_or_delete_an_event(chain):
    pk = chain[3]["pk"]
    for sql in (
        f"UPDATE {TABLE} SET verb = 'x' WHERE id = %s",
        f"DELETE FROM {TABLE} WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {EventChainHead._meta.db_table}")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {EventChainHead._meta.db_table} SET seq = seq - 1")
    assert audit.verify().intact
    with pytest.raises(PermissionError):
        Event.objects.filter(pk=pk).update(verb="x")
    with pytest.raises(PermissionError):
        Event.objects.create(actor_name="x", verb="x", at=datetime.datetime.now(datetime.UTC))
    with pytest.raises(PermissionError):
        Event.objects.bulk_create([Event(actor_name="x", verb="x", at=datetime.datetime.now(datetime.UTC))])


def test_the_guards_come_back_after_being_lifted(chain):
    before = audit.guard_names()
    assert len(before) == {"sqlite": 4, "postgresql": 3}[connection.vendor]
    with audit.guards_lifted(), transaction.atomic():
        run(f"DELETE FROM {TABLE} WHERE id = %s", [chain[5]["pk"]])
        assert not Event.objects.filter(pk=chain[5]["pk"]).exists()
        transaction.set_rollback(True)
    assert audit.guard_names() == before
    with pytest.raises(DatabaseError), transaction.atomic():
        run(f"DELETE FROM {TABLE} WHERE id = %s", [chain[5]["pk"]])


# --------------------------------------------------------------------------- tampering


@dataclass
class Expect:
    kind: str
    seq: int
    event_id: int | None


def run(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))


def renumber_from(seq):
    """Make room at `seq` (seq is unique: move the tail far away and back, one higher)."""
    run(f"UPDATE {TABLE} SET seq = seq + 1000000 WHERE seq >= %s", [seq])
    run(f"UPDATE {TABLE} SET seq = seq - 999999 WHERE seq >= 1000000")


def insert_copy(source_pk, *, seq, prev_hash=None, hash_=None, rehash=False, repr_="Sự kiện giả mạo"):
    """Insert a new row modelled on `source_pk` (a forger's row), returning its id."""
    source = Event.objects.get(pk=source_pk)
    values = dict(source.__dict__)
    values["object_repr"] = repr_
    values["prev_hash"] = prev_hash if prev_hash is not None else source.prev_hash
    if rehash:
        values["hash"] = audit.event_hash(values)
    elif hash_ is not None:
        values["hash"] = hash_
    columns = [f.column for f in Event._meta.concrete_fields if f.column != "id"]
    params = []
    for f in Event._meta.concrete_fields:
        if f.column == "id":
            continue
        value = seq if f.column == "seq" else values[f.attname]
        params.append(f.get_db_prep_save(value, connection))
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} ({', '.join(columns)}) VALUES ({placeholders})", params)
    return Event.objects.get(seq=seq).pk


CHANGES = {
    "verb": "'letter_withdrawn'",
    "actor_name": "'Người khác'",
    "actor_role": "'board_officer'",
    "object_repr": "object_repr || ' '",
    "object_id": "'999999'",
    "state_before": "'x'",
    "state_after": "'cancelled'",
    "member_id": "NULL",
    "prev_hash": "'" + "1" * 64 + "'",
    "hash": "'" + "f" * 64 + "'",
}


def change(rows, index, field, draw_delta):
    row = rows[index]
    if field == "at":
        event = Event.objects.get(pk=row["pk"])
        run(
            f"UPDATE {TABLE} SET at = %s WHERE id = %s",
            [event.at + datetime.timedelta(microseconds=draw_delta), row["pk"]],
        )
    elif field == "data":
        event = Event.objects.get(pk=row["pk"])
        data = {**event.data, "i": draw_delta}
        if data == event.data:
            data["giả"] = True
        run(
            f"UPDATE {TABLE} SET data = %s WHERE id = %s",
            [Event._meta.get_field("data").get_db_prep_save(data, connection), row["pk"]],
        )
    elif field == "content_type_id":
        other = ContentType.objects.get_for_model(EventChainHead).pk
        run(f"UPDATE {TABLE} SET content_type_id = %s WHERE id = %s", [other, row["pk"]])
    elif field == "member_id":
        current = Event.objects.filter(pk=row["pk"]).values_list("member_id", flat=True).get()
        if current is None:
            run(f"UPDATE {TABLE} SET actor_name = actor_name || '.' WHERE id = %s", [row["pk"]])
        else:
            run(f"UPDATE {TABLE} SET member_id = NULL WHERE id = %s", [row["pk"]])
    else:
        run(f"UPDATE {TABLE} SET {field} = {CHANGES[field]} WHERE id = %s", [row["pk"]])
    return Expect(audit.KIND_CHANGED, row["seq"], row["pk"])


def delete(rows, index):
    run(f"DELETE FROM {TABLE} WHERE id = %s", [rows[index]["pk"]])
    if index + 1 < len(rows):
        return Expect(audit.KIND_MISSING, rows[index + 1]["seq"], rows[index + 1]["pk"])
    return Expect(audit.KIND_MISSING, rows[index]["seq"], rows[index]["pk"])  # the head remembers it


def insert(rows, index, how):
    """A forged row at position index+1 (index == len(rows): past the end)."""
    seq = index + 1
    prev_hash = rows[index - 1]["hash"] if index > 0 else audit.GENESIS
    source = rows[min(index, len(rows) - 1)]["pk"]
    if how == "copy" and index == 0:
        how = "valid"
    if index < len(rows):
        renumber_from(seq)
    if how == "valid":  # the forger knows the documented hash
        pk = insert_copy(source, seq=seq, prev_hash=prev_hash, rehash=True)
    elif how == "garbage":
        pk = insert_copy(source, seq=seq, prev_hash=prev_hash, hash_="a" * 64)
    else:  # a duplicate of the row before it
        pk = insert_copy(rows[index - 1]["pk"], seq=seq, repr_=Event.objects.get(pk=rows[index - 1]["pk"]).object_repr)
    return Expect(audit.KIND_INSERTED, seq, pk)


def swap(rows, i, j):
    a, b = rows[i], rows[j]
    run(f"UPDATE {TABLE} SET seq = 0 WHERE id = %s", [a["pk"]])
    run(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [a["seq"], b["pk"]])
    run(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [b["seq"], a["pk"]])
    return Expect(audit.KIND_SWAPPED, a["seq"], b["pk"])


FIELDS = ["at", "data", "content_type_id", *CHANGES]


@st.composite
def tamperings(draw, size):
    what = draw(st.sampled_from(["change", "delete", "insert", "swap"]))
    if what == "change":
        return ("change", draw(st.integers(0, size - 1)), draw(st.sampled_from(FIELDS)), draw(st.integers(1, 10**6)))
    if what == "delete":
        return ("delete", draw(st.integers(0, size - 1)))
    if what == "insert":
        return ("insert", draw(st.integers(0, size)), draw(st.sampled_from(["valid", "garbage", "copy"])))
    i = draw(st.integers(0, size - 2))
    return ("swap", i, draw(st.integers(i + 1, size - 1)))


def tamper(rows, plan):
    what, *args = plan
    return {"change": change, "delete": delete, "insert": insert, "swap": swap}[what](rows, *args)


def caught(plan, rows):
    try:
        with transaction.atomic():
            expected = tamper(rows, plan)
            broken = audit.verify().broken
            raise Rollback
    except Rollback:
        pass
    return expected, broken


def test_every_tampering_is_caught_at_its_first_broken_link(chain):
    seen = set()

    @settings(
        max_examples=400,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(plan=tamperings(len(chain)))
    def check(plan):
        expected, broken = caught(plan, chain)
        assert broken is not None, f"{plan}: not caught"
        assert (broken.kind, broken.seq, broken.event_id) == (expected.kind, expected.seq, expected.event_id), plan
        assert broken.describe().startswith("Mắt xích hỏng đầu tiên:")
        seen.add(plan[0] if plan[0] != "insert" else f"insert-{plan[2]}")

    with audit.guards_lifted():
        check()
    assert seen >= {"change", "delete", "insert-valid", "insert-garbage", "insert-copy", "swap"}
    assert audit.verify().intact  # every tampering was rolled back


def test_the_command_names_the_first_broken_link_and_exits_with_1(chain):
    victim = Event.objects.get(seq=7)
    with audit.guards_lifted(), transaction.atomic():
        run(f"UPDATE {TABLE} SET actor_name = 'Kẻ sửa' WHERE id = %s", [victim.pk])
        run(f"DELETE FROM {TABLE} WHERE seq = 20")
        out, err = io.StringIO(), io.StringIO()
        with pytest.raises(SystemExit) as exit_:
            call_command("verify_audit", stdout=out, stderr=err)
        transaction.set_rollback(True)
    assert exit_.value.code == 1
    assert "Đã kiểm tra 7 sự kiện" in out.getvalue()
    message = err.getvalue()
    assert f"sự kiện #{victim.pk} (số thứ tự 7, lúc " in message
    assert "nội dung đã bị sửa" in message


def test_a_deleted_head_or_tail_is_noticed(chain):
    with audit.guards_lifted(), transaction.atomic():
        run(f"DELETE FROM {TABLE} WHERE seq >= %s", [len(chain) - 2])
        broken = audit.verify().broken
        transaction.set_rollback(True)
    assert (broken.kind, broken.seq) == (audit.KIND_MISSING, len(chain) - 2)
    assert "cuối chuỗi đã bị xóa" in broken.describe()


def test_an_appended_event_continues_the_chain(chain):
    audit.append_one(system_event(999))
    assert audit.verify().intact
    assert Event.objects.order_by("-seq").first().seq == len(chain) + 1
