"""The audit trail: `books.Event` rows form one hash chain (docs/audit.md).

Every event carries its position `seq` (1, 2, 3, …), the hash of the event before it
(`prev_hash`, 64 zeros for the first) and its own `hash`: SHA-256 over the canonical form of its
content and `prev_hash` (`canonical`). Changing, deleting, inserting or reordering a row breaks a
link that `verify` finds, walking the chain in `seq` order with constant memory.

`append` is the one way events are written (the actions' `_event`, the bulk actions; its twin
`append_rows` for the October campaign's plain rows): it locks the one-row `EventChainHead`
(SELECT … FOR UPDATE on PostgreSQL; SQLite lets one writer at a time anyway), numbers and hashes
the new events in Python, inserts them (a batch of COPY_FROM or more with COPY on PostgreSQL) and
moves the head, all in the caller's transaction, so the chain stays linear under concurrent
transactions.

The database refuses UPDATE and DELETE of events (and DELETE of the head, and a head moving
backwards) with triggers installed by migration 0007; `guards_lifted` removes them for a block
(`manage.py flush` on SQLite, the tampering tests).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from . import bulk
from .models import Event, EventChainHead

GENESIS = "0" * 64
HASH_VERSION = 1
# The hashed columns, by attname, in the order docs/audit.md lists them (the JSON keys are sorted
# anyway). `id` and `seq` are not hashed: an event's place is proven by the links.
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
GUARD_PREFIX = "books_audit_guard"
# the hashed text columns the caller gives (hashed as the str the database gives back)
_TEXT_FIELDS = tuple(
    f.attname
    for f in Event._meta.concrete_fields
    if f.attname in HASHED_FIELDS and f.attname != "prev_hash" and f.get_internal_type() in {"CharField", "TextField"}
)


# --------------------------------------------------------------------------- hashing


# One encoder each, made once: `json.dumps` with arguments builds a new encoder per call, and the
# campaign hashes 68,000 events at a time. `_CANONICAL.encode(x)` == `json.dumps(x, <the same>)`.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
_STORED = json.JSONEncoder(ensure_ascii=False, allow_nan=False)
# the last time written in UTC: a bulk append's events usually share one `at` object
_last_utc: tuple[datetime.datetime | None, str] = (None, "")


def _utc(at: datetime.datetime) -> str:
    global _last_utc
    last, text = _last_utc
    if at is last:
        return text
    if at.tzinfo is None:  # pragma: no cover - USE_TZ is on; a naive time would be a bug upstream
        raise ValueError("Thời điểm của sự kiện phải có múi giờ.")
    text = at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    _last_utc = (at, text)
    return text


def canonical(values: Mapping[str, Any]) -> bytes:
    """The bytes hashed for one event: a JSON object, keys sorted, no spaces, UTF-8.

    `values` maps the attnames of HASHED_FIELDS to the stored values (a model instance's
    `__dict__` or a `.values()` row).
    """
    body = {name: values[name] for name in HASHED_FIELDS}
    body["at"] = _utc(values["at"])
    body["v"] = HASH_VERSION
    return _CANONICAL.encode(body).encode()


def event_hash(values: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(values)).hexdigest()


# values a JSON round trip gives back unchanged (not float: NaN must still be refused)
_FLAT = frozenset({str, int, bool, type(None)})


def _as_stored(data: Any) -> Any:
    """`data` as the database gives it back (JSON round trip: tuples become lists, keys strings).

    A flat dict of str keys and str/int/bool/None values comes back as it is: copied, not
    round-tripped (the campaign's `{"year": …, "residence_committee": …}`)."""
    if type(data) is dict and all(type(k) is str and type(v) in _FLAT for k, v in data.items()):
        return dict(data)
    return json.loads(_STORED.encode(data))


# --------------------------------------------------------------------------- appending


def _head_table(using: str) -> str:
    return connections[using].ops.quote_name(EventChainHead._meta.db_table)


def _locked_head(using: str) -> tuple[int, str]:
    """(seq, hash) of the chain's end, the row locked until the transaction ends (PostgreSQL).

    Raw SQL: this runs once per event written, so it skips the ORM's query building."""
    connection = connections[using]
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, hash FROM {_head_table(using)} WHERE id = 1{lock}")
        row = cursor.fetchone()
    if row is not None:
        return int(row[0]), str(row[1])
    # First event of an empty database (or one just flushed): start the chain, racing safely.
    last = Event.objects.using(using).order_by("-seq").values("seq", "hash", "pk").first()
    start = EventChainHead(pk=1)
    if last is not None:  # the head row was lost but events remain: go on from the last one
        start.seq, start.hash, start.event_id = last["seq"], last["hash"], last["pk"]
    EventChainHead.objects.using(using).bulk_create([start], ignore_conflicts=True)
    return _locked_head(using)


def append_one(event: Event, *, using: str = DEFAULT_DB_ALIAS) -> Event:
    """Add one event at the end of the chain with `save()` (post_save fires, as for any new row)."""
    return append([event], using=using, bulk=False)[0]


def _chained(rows: Iterable[dict[str, Any]], head_seq: int, prev: str) -> Iterator[dict[str, Any]]:
    """Number and hash `rows` (attname → value dicts, e.g. instances' `__dict__`) after (head_seq, prev),
    one at a time (the COPY path writes each row as soon as it is hashed).

    Values are first made what the database gives back (text columns as str: an int object_id,
    a TextChoices member; `data` through JSON), so that the hash is the stored rows' hash.
    """
    seq = head_seq
    for row in rows:
        for name in _TEXT_FIELDS:
            value = row[name]
            if value is not None and type(value) is not str:
                row[name] = str(value)
        row["data"] = _as_stored(row["data"])
        seq += 1
        row["seq"] = seq
        row["prev_hash"] = prev
        row["hash"] = prev = event_hash(row)
        yield row


def _chain(rows: Sequence[dict[str, Any]], head_seq: int, prev: str) -> None:
    """Number and hash every row before they are written (bulk_create, save)."""
    for _row in _chained(rows, head_seq, prev):
        pass


def _move_head(using: str, head_seq: int, seq: int, last_hash: str, last_id: int | None) -> None:
    # Only moves forward (a guard refuses otherwise); the row is locked, so this cannot race.
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"UPDATE {_head_table(using)} SET seq = %s, hash = %s, event_id = %s WHERE id = 1 AND seq = %s",
            [seq, last_hash, last_id, head_seq],
        )
        moved = cursor.rowcount
    if moved != 1:  # pragma: no cover - the row is locked; this would be a bug, not a race
        raise RuntimeError("Đầu chuỗi nhật ký đã thay đổi trong lúc ghi thêm sự kiện.")


def append(events: Sequence[Event], *, using: str = DEFAULT_DB_ALIAS, bulk: bool = True) -> list[Event]:
    """Number, hash and insert `events` at the end of the chain, in the caller's transaction.

    `bulk`: one bulk write (no post_save; the caller sends `events_bulk_created`) — `COPY` on
    PostgreSQL from COPY_FROM events on (`_copy`), else `bulk_create`; `bulk=False`: one
    `save()` per event. Either way each event gets its pk.
    """
    if not events:
        return []
    # No savepoint of its own: if writing the events fails, the caller's transaction fails.
    with transaction.atomic(using=using, savepoint=False):
        head_seq, prev = _locked_head(using)
        for event in events:
            if event.pk is not None:
                raise PermissionError("Nhật ký sự kiện chỉ được ghi thêm, không được sửa.")
        rows = [event.__dict__ for event in events]
        if bulk and _copies(using, len(events)):
            for event, pk in zip(events, _copy(rows, using, head_seq, prev), strict=True):
                event.pk = pk
                event._state.adding = False
                event._state.db = using
        else:
            _chain(rows, head_seq, prev)
            if bulk:
                Event.objects.using(using).bulk_create(events)
            else:
                for event in events:
                    event.save(using=using)
        _move_head(using, head_seq, events[-1].seq, events[-1].hash, events[-1].pk)
    return list(events)


def append_rows(rows: Sequence[dict[str, Any]], *, using: str = DEFAULT_DB_ALIAS) -> list[int]:
    """`append` for plain rows, no model instance: each a dict of the HASHED_FIELDS attnames
    except `prev_hash` (`actor_id`, `book_id`, …). Returns the new events' ids, in order.

    For the big batches (the October campaign: 68,000 events a province), where building an
    `Event` per row costs more than writing it. Without COPY (SQLite, small batches) it is
    `append` of `Event(**row)`: the same rows either way. Each dict gets its `seq`, `prev_hash`
    and `hash`.
    """
    if not rows:
        return []
    if not _copies(using, len(rows)):
        events = append([Event(**row) for row in rows], using=using)
        for row, event in zip(rows, events, strict=True):
            row.update(data=event.data, seq=event.seq, prev_hash=event.prev_hash, hash=event.hash)
        return [event.pk for event in events]
    with transaction.atomic(using=using, savepoint=False):
        head_seq, prev = _locked_head(using)
        ids = _copy(rows, using, head_seq, prev)
        _move_head(using, head_seq, rows[-1]["seq"], rows[-1]["hash"], ids[-1])
    return ids


# --------------------------------------------------------------------------- COPY (PostgreSQL)

# From this many events a bulk append writes with COPY on PostgreSQL (below, bulk_create's one
# INSERT costs no more and keeps the small path the same everywhere).
COPY_FROM = 500


def _copies(using: str, count: int) -> bool:
    return connections[using].vendor == "postgresql" and count >= COPY_FROM


def _json(value: Any) -> str:
    # as the JSONField would write it (no encoder; COPY's text form is parsed into jsonb)
    return _STORED.encode(value)


def _copy_columns() -> list[tuple[str, str, Any]]:
    """(column, attname, converter) for every concrete column of Event but the pk."""
    columns: list[tuple[str, str, Any]] = []
    for model_field in Event._meta.concrete_fields:
        if model_field.primary_key or model_field.column is None:
            continue
        internal = model_field.get_internal_type()
        # text is already str (`_chained`); psycopg writes ints, datetimes and None itself
        convert = _json if internal == "JSONField" else None
        columns.append((model_field.column, model_field.attname, convert))
    return columns


def _copy(rows: Sequence[dict[str, Any]], using: str, head_seq: int, prev: str) -> list[int]:
    """Chain `rows` after (head_seq, prev) and write them with `COPY … FROM STDIN` (psycopg 3);
    returns their new ids, in order.

    The ids are taken from the table's own sequence first (increasing, as bulk_create's would
    be), so the rows are the same as bulk_create writes; constraints (unique seq, the deferred
    foreign keys) and triggers apply to COPY as to INSERT. Each row is hashed just before it is
    written: psycopg sends the data in blocks as it goes, so the server inserts one block while
    Python hashes the next.
    """
    connection = connections[using]
    qn = connection.ops.quote_name
    table = Event._meta.db_table
    columns = _copy_columns()
    pk_column = str(Event._meta.pk.column)
    with connection.cursor() as cursor:
        ids = bulk.reserve_ids(cursor, qn(table), pk_column, len(rows))
        names = ", ".join(qn(column) for column in (pk_column, *[column for column, _, _ in columns]))
        fields = [(attname, convert) for _, attname, convert in columns]
        # the psycopg cursor under Django's wrapper
        with cursor.cursor.copy(f"COPY {qn(table)} ({names}) FROM STDIN") as copy:
            for pk, row in zip(ids, _chained(rows, head_seq, prev), strict=True):
                copy.write_row(
                    (pk, *[row[attname] if convert is None else convert(row[attname]) for attname, convert in fields])
                )
    return ids


# --------------------------------------------------------------------------- verifying

KIND_CHANGED = "changed"
KIND_MISSING = "missing"
KIND_INSERTED = "inserted"
KIND_SWAPPED = "swapped"

_KIND_LABELS = {
    KIND_CHANGED: "nội dung đã bị sửa",
    KIND_MISSING: "thiếu sự kiện (chuỗi bị hở)",
    KIND_INSERTED: "sự kiện bị chèn thêm",
    KIND_SWAPPED: "thứ tự bị đảo",
}

_FIELDS = ("pk", "seq", "hash", *HASHED_FIELDS)


@dataclass(frozen=True)
class Break:
    """The first broken link: which event, where, and what is wrong with it."""

    kind: str
    seq: int
    event_id: int | None
    at: datetime.datetime | None
    detail: str

    @property
    def label(self) -> str:
        return _KIND_LABELS[self.kind]

    def describe(self) -> str:
        from django.utils import timezone

        who = f"sự kiện #{self.event_id}" if self.event_id is not None else "sự kiện"
        when = f", lúc {timezone.localtime(self.at):%H:%M:%S ngày %d/%m/%Y}" if self.at is not None else ""
        return f"Mắt xích hỏng đầu tiên: {who} (số thứ tự {self.seq}{when}): {self.label}. {self.detail}"


@dataclass(frozen=True)
class Verdict:
    checked: int
    head_seq: int
    head_hash: str
    broken: Break | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def _with_next(rows: Iterator[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    current = next(rows, None)
    while current is not None:
        following = next(rows, None)
        yield current, following
        current = following


def verify(*, using: str = DEFAULT_DB_ALIAS, chunk_size: int = 2000) -> Verdict:
    """Walk the chain in `seq` order (streamed, constant memory) and stop at the first broken link."""
    events = Event.objects.using(using)
    rows = events.order_by("seq").values(*_FIELDS).iterator(chunk_size=chunk_size)
    head = EventChainHead.objects.using(using).filter(pk=1).first()
    checked = 0
    prev: dict[str, Any] | None = None

    def result(broken: Break | None) -> Verdict:
        return Verdict(checked, head.seq if head else 0, head.hash if head else GENESIS, broken)

    def brk(kind: str, row: Mapping[str, Any], detail: str) -> Verdict:
        return result(Break(kind, row["seq"], row["pk"], row["at"], detail))

    for row, following in _with_next(rows):
        checked += 1
        expected_prev = prev["hash"] if prev else GENESIS
        expected_seq = prev["seq"] + 1 if prev else 1
        if event_hash(row) != row["hash"]:
            if following is not None and following["prev_hash"] == expected_prev:
                return brk(
                    KIND_INSERTED, row, "Sự kiện sau nó nối thẳng vào sự kiện trước nó: dòng này không thuộc chuỗi."
                )
            if following is None and head is not None and prev is not None and head.hash == prev["hash"]:
                return brk(KIND_INSERTED, row, "Dòng này nằm sau đầu chuỗi đã ghi nhận.")
            return brk(KIND_CHANGED, row, "Mã băm tính lại từ nội dung không khớp với mã băm đã lưu.")
        if row["prev_hash"] != expected_prev:
            if prev is not None and row["prev_hash"] == prev["prev_hash"]:
                if row["hash"] == prev["hash"]:
                    return brk(KIND_INSERTED, row, f"Dòng này là bản sao của sự kiện #{prev['pk']}.")
                return brk(
                    KIND_INSERTED, prev, f"Nó và sự kiện #{row['pk']} cùng nối vào một sự kiện trước: nó bị chèn vào."
                )
            target = events.filter(hash=row["prev_hash"]).values("pk", "seq").first()
            if target is not None:
                return brk(
                    KIND_SWAPPED,
                    row,
                    f"Theo chuỗi, sự kiện này phải đứng ngay sau sự kiện #{target['pk']} (số thứ tự {target['seq']}).",
                )
            return brk(KIND_MISSING, row, "Sự kiện đứng ngay trước nó trong chuỗi không còn trong cơ sở dữ liệu.")
        if row["seq"] != expected_seq:
            return brk(KIND_CHANGED, row, f"Số thứ tự {row['seq']} thay cho {expected_seq} (các mối nối vẫn khớp).")
        prev = row
    if head is None:
        if prev is None:
            return result(None)
        return result(Break(KIND_MISSING, prev["seq"] + 1, None, None, "Dòng ghi đầu chuỗi đã bị xóa."))
    last_seq, last_hash = (prev["seq"], prev["hash"]) if prev else (0, GENESIS)
    if head.seq > last_seq:
        return result(
            Break(
                KIND_MISSING,
                last_seq + 1,
                head.event_id if head.seq == last_seq + 1 else None,
                None,
                f"Đầu chuỗi ghi nhận {head.seq} sự kiện nhưng chỉ còn {last_seq}: các sự kiện cuối chuỗi đã bị xóa.",
            )
        )
    if head.seq < last_seq:
        first_extra = events.filter(seq__gt=head.seq).order_by("seq").values(*_FIELDS).first()
        assert first_extra is not None
        return brk(
            KIND_INSERTED, first_extra, f"Đầu chuỗi ghi nhận {head.seq} sự kiện; dòng này được thêm ngoài hệ thống."
        )
    if head.hash != last_hash:
        assert prev is not None
        return brk(KIND_CHANGED, prev, "Sự kiện cuối không khớp mã băm của đầu chuỗi đã ghi nhận.")
    return result(None)


# --------------------------------------------------------------------------- database guards


def guard_names(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The guard triggers present in the database (empty if someone dropped them)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [GUARD_PREFIX + "%"]
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE %s AND tgenabled <> 'D'",
                [GUARD_PREFIX + "%"],
            )
        else:  # pragma: no cover
            return []
        return sorted(name for (name,) in cursor.fetchall())


@contextlib.contextmanager
def guards_lifted(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Remove the guard triggers for the block and put them back after, exactly as they were.

    SQLite: each trigger's own CREATE statement is read from sqlite_master, dropped, and run again
    afterwards. PostgreSQL: the session runs with session_replication_role = replica (no ordinary
    trigger fires; needs a superuser) and is set back after.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [GUARD_PREFIX + "%"]
            )
            saved = cursor.fetchall()
            for name, _ in saved:
                cursor.execute(f'DROP TRIGGER "{name}"')
            try:
                yield
            finally:
                with connection.cursor() as again:
                    for name, sql in saved:
                        again.execute(f'DROP TRIGGER IF EXISTS "{name}"')
                        again.execute(sql)
        elif connection.vendor == "postgresql":
            # Not ALTER TABLE … DISABLE TRIGGER: that fails while the transaction has deferred
            # foreign-key checks pending. A session in replica mode fires no ordinary trigger
            # (needs a superuser, as any tampering does).
            cursor.execute("SHOW session_replication_role")
            (previous,) = cursor.fetchone()
            cursor.execute("SET session_replication_role = replica")
            try:
                yield
            finally:
                with connection.cursor() as again:
                    again.execute("SELECT set_config('session_replication_role', %s, false)", [previous])
        else:  # pragma: no cover
            yield
