"""A big bulk append writes with COPY on PostgreSQL: the same rows and the same chain as bulk_create.

`audit.append` switches to COPY from `audit.COPY_FROM` events; the tests lower the threshold and
write the same events both ways, each in a savepoint rolled back, then compare every column.
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from books import actions, audit
from books.models import CommentStatus, Event, EventChainHead

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is the PostgreSQL path")

AWKWARD = "Tab\there, new\nline, CR\r, back\\slash \\N, 'single' \"double\", Ộ Ệ Ữ đ, 🇻🇳, \\."
# every column but the ids, which come from the sequence and so differ between two runs
COLUMNS = [f.attname for f in Event._meta.concrete_fields if not f.primary_key]


class Undo(Exception):
    pass


def events(cast):
    book = cast.book(cast.member)
    content_type = ContentType.objects.get_for_model(book)
    start = datetime.datetime(2026, 11, 27, 2, 0, tzinfo=datetime.UTC)
    made = []
    for i in range(7):
        made.append(
            Event(
                at=start + datetime.timedelta(seconds=i, microseconds=i * 1001),
                actor=cast.finance_clerk if i % 2 else None,
                actor_name=f"{AWKWARD} {i}" if i % 3 == 0 else actions.SYSTEM_NAME,
                actor_role="clerk" if i % 2 else "",
                actor_org=cast.finance if i % 2 else None,
                verb="test_event",
                content_type=content_type if i % 2 else None,
                object_id=book.pk if i % 2 else "",  # an int, written as its text by both paths
                object_repr=AWKWARD,
                member=cast.member if i != 3 else None,
                book=book if i != 3 else None,
                state_before="",
                state_after=CommentStatus.REQUESTED,  # a TextChoices member: its value
                data={
                    "i": i,
                    "text": AWKWARD,
                    "null": None,
                    "list": [None, True, False, 1.5, "Ữ", {"nested\tkey": None}],
                    "tuple": (1, 2),
                    3: "an int key becomes a string",
                },
            )
        )
    return made


def written(first_seq):
    return list(Event.objects.filter(seq__gte=first_seq).order_by("seq").values("pk", *COLUMNS))


def append_both_ways(cast, monkeypatch, write):
    """Run `write` once with bulk_create, once with COPY (each rolled back); the rows of each."""
    first_seq = EventChainHead.objects.get().seq + 1 if EventChainHead.objects.exists() else 1
    runs = {}
    for label, copy_from in (("bulk_create", 10**9), ("copy", 1)):
        monkeypatch.setattr(audit, "COPY_FROM", copy_from)
        with pytest.raises(Undo), transaction.atomic():
            returned = write()
            rows = written(first_seq)
            verdict = audit.verify()
            head = EventChainHead.objects.values_list("seq", "hash", "event_id").get()
            runs[label] = (returned, rows, verdict, head)
            raise Undo
    return runs


@pytest.mark.django_db
def test_copy_writes_every_column_of_the_same_events_as_bulk_create(cast, monkeypatch):
    audit.append_one(events(cast)[0])  # a chain to continue, not the genesis

    def write():
        return audit.append(events(cast))

    runs = append_both_ways(cast, monkeypatch, write)
    (bulk_events, bulk_rows, bulk_verdict, bulk_head), (copy_events, copy_rows, copy_verdict, copy_head) = (
        runs["bulk_create"],
        runs["copy"],
    )
    assert len(copy_rows) == 7
    assert [{k: v for k, v in r.items() if k != "pk"} for r in copy_rows] == [
        {k: v for k, v in r.items() if k != "pk"} for r in bulk_rows
    ]
    # the chain is the same: same hashes, same head, and intact
    assert bulk_verdict.intact and copy_verdict.intact
    assert (copy_head[0], copy_head[1]) == (bulk_head[0], bulk_head[1])
    # the instances got their ids, in seq order, and are saved rows like bulk_create's
    assert [e.pk for e in copy_events] == [r["pk"] for r in copy_rows]
    assert copy_head[2] == copy_rows[-1]["pk"]
    assert all(not e._state.adding and e._state.db == "default" for e in copy_events)
    assert [e.hash for e in copy_events] == [e.hash for e in bulk_events]


@pytest.mark.django_db
def test_awkward_text_and_json_round_trip_through_copy(cast, monkeypatch):
    monkeypatch.setattr(audit, "COPY_FROM", 1)
    written_events = audit.append(events(cast))
    stored = Event.objects.get(pk=written_events[0].pk)
    assert stored.object_repr == AWKWARD
    assert stored.actor_name == f"{AWKWARD} 0"
    assert stored.object_id == ""
    assert Event.objects.get(pk=written_events[1].pk).object_id == str(cast.book(cast.member).pk)
    assert stored.state_after == "requested"
    assert stored.data == {
        "i": 0,
        "text": AWKWARD,
        "null": None,
        "list": [None, True, False, 1.5, "Ữ", {"nested\tkey": None}],
        "tuple": [1, 2],
        "3": "an int key becomes a string",
    }
    assert stored.hash == audit.event_hash(stored.__dict__)
    assert audit.verify().intact


@pytest.mark.django_db
def test_plain_rows_are_written_like_events(cast, monkeypatch):
    """`append_rows` (the campaign's door) gives the rows `append` gives, on either path."""

    def as_row(event):
        return {name: event.__dict__[name] for name in audit.HASHED_FIELDS if name != "prev_hash"}

    def write():
        rows = [as_row(e) for e in events(cast)]
        ids = audit.append_rows(rows)
        assert [r["seq"] for r in rows] == sorted(r["seq"] for r in rows)
        return ids

    by_rows = append_both_ways(cast, monkeypatch, write)
    by_events = append_both_ways(cast, monkeypatch, lambda: audit.append(events(cast)))
    for label in ("bulk_create", "copy"):
        ids, rows, verdict, _head = by_rows[label]
        assert ids == [r["pk"] for r in rows] and verdict.intact
        assert [{k: v for k, v in r.items() if k != "pk"} for r in rows] == [
            {k: v for k, v in r.items() if k != "pk"} for r in by_events[label][1]
        ]


@pytest.mark.django_db
def test_the_guards_still_refuse_to_change_an_event_written_by_copy(cast, monkeypatch):
    from django.db import DatabaseError

    monkeypatch.setattr(audit, "COPY_FROM", 1)
    event = audit.append(events(cast))[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE books_event SET object_repr = 'sửa' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM books_event WHERE id = %s", [event.pk])
