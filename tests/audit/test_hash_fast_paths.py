"""The hashing shortcuts of a bulk append give exactly what the documented form gives."""

import datetime
import hashlib
import json

import pytest

from books import audit
from books.models import CommentStatus

AT = datetime.datetime(2027, 10, 2, 1, 2, 3, 4567, tzinfo=datetime.UTC)


def reference_hash(values):
    """docs/audit.md, the canonical form, written out without any shortcut."""
    body = {name: values[name] for name in audit.HASHED_FIELDS}
    body["at"] = values["at"].astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body["v"] = 1
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


def values(at, data):
    return {
        "at": at,
        "actor_id": None,
        "actor_name": "Hệ thống",
        "actor_role": "",
        "actor_org_id": 7,
        "verb": "comment_requested",
        "content_type_id": 3,
        "object_id": "12",
        "object_repr": "Phiếu nhận xét 2027 — Nguyễn Thị Ộ",
        "member_id": 5,
        "book_id": 6,
        "state_before": "",
        "state_after": "requested",
        "data": data,
        "prev_hash": "ab" * 32,
    }


def test_events_sharing_one_time_hash_as_events_with_their_own():
    ict = datetime.timezone(datetime.timedelta(hours=7))
    same = [values(AT, {"i": i}) for i in range(3)]
    own = [values(AT.astimezone(ict), {"i": i}) for i in range(3)]  # the same instant, other objects
    later = values(AT + datetime.timedelta(microseconds=1), {"i": 0})
    hashes = [audit.event_hash(v) for v in (*same, *own, later)]
    assert hashes == [reference_hash(v) for v in (*same, *own, later)]
    assert hashes[:3] == hashes[3:6] and hashes[6] != hashes[0]


@pytest.mark.parametrize(
    "data",
    [
        {"year": 2027, "residence_committee": 12},
        {"a": None, "b": True, "c": "Ữ\t\n\\"},
        {"ratio": 0.5},
        {"nested": {"x": [1, (2, 3)]}},
        {3: "an int key"},
        {"status": CommentStatus.REQUESTED},
        [1, 2],
        {},
    ],
)
def test_data_is_hashed_as_the_database_gives_it_back(data):
    stored = audit._as_stored(data)
    assert stored == json.loads(json.dumps(data, ensure_ascii=False))
    assert stored is not data
    assert all(type(v) is not CommentStatus for v in (stored.values() if isinstance(stored, dict) else stored))


def test_not_a_number_is_still_refused():
    with pytest.raises(ValueError):
        audit._as_stored({"x": float("nan")})
