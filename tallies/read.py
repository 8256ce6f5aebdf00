"""The board's figures read from the tallies: one query for the committees' rows, whatever their size.

A committee without a row for the year (a new committee, the first day of a campaign year before
the nightly refresh) is counted on the spot and written, so a figure is never missing; so is what
the current transaction itself changed and has not committed yet (`pending.take`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import F, Func, IntegerField, Min, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from orgs.models import Organisation, OrgKind
from orgs.text import name_sort_key

from . import pending
from .models import CommitteeTally
from .refresh import ALL, COMMENT_FIELDS, LETTER_FIELDS, RATING_FIELDS, affected, refresh, refresh_all

# Figures older than this say on the page when they were counted.
STALE_AFTER = datetime.timedelta(minutes=5)
SUMMED = (*LETTER_FIELDS, *COMMENT_FIELDS, *RATING_FIELDS)
FIELDS = ("organisation_id", "workplace_province", "refreshed_at", "at_cell_due", "at_committee_due", *SUMMED)


@dataclass
class Figures:
    """One committee's figures (the board's Row names), its overdue count on `today` and their age."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys((*SUMMED, "overdue"), 0))
    refreshed_at: datetime.datetime | None = None

    def add(self, row: dict[str, Any], today: datetime.date) -> None:
        for name in SUMMED:
            self.counts[name] += row[name]
        self.counts["overdue"] += overdue(row, today)


def overdue(row: dict[str, Any], today: datetime.date) -> int:
    """CommitteeTally.overdue on a row read with `.values()` (no model instance: a province has thousands)."""
    day = today.isoformat()
    return sum(n for due, n in row["at_cell_due"].items() if due < day) + sum(
        n for due, n in row["at_committee_due"].items() if due < day
    )


def _counted(org_ids: Collection[int], year: int, read: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """`read()` (rows with "organisation_id"), after counting first, in one refresh, the committees
    that have no row yet and what the current transaction changed and has not committed."""
    taken = pending.take()
    rows = read()
    missing = set(org_ids) - {row["organisation_id"] for row in rows}
    if taken is None and not missing:
        return rows
    touched, parts = affected(*taken, year) if taken is not None else (set(), frozenset[str]())
    if touched is None:
        refresh_all(year)
    else:
        refresh(touched | missing, year, ALL if missing else parts)
    return read()


def _rows(org_ids: Collection[int], year: int, provinces: Collection[int] | None = None) -> list[dict[str, Any]]:
    """The rows of these committees for `year` (of members working in `provinces`, and each committee's
    own row), as dicts. One query (see `_counted`)."""
    wanted = CommitteeTally.objects.filter(organisation_id__in=list(org_ids), year=year)
    if provinces is not None:  # each committee's own row (always written) tells that it was counted
        own = Coalesce(F("organisation__province_code"), 0)
        wanted = wanted.filter(Q(workplace_province__in=list(provinces)) | Q(workplace_province=own))
    return _counted(org_ids, year, lambda: list(wanted.values(*FIELDS)))


class _OverdueIn(Func):
    """The counts of a {"YYYY-MM-DD": n} map whose day is before `today`, in SQL (`overdue` in Python)."""

    output_field = IntegerField()

    def __init__(self, field: str, today: datetime.date) -> None:
        super().__init__(F(field), Value(today.isoformat()))

    def _sql(self, compiler: Any, connection: Any, each: str, value: str) -> tuple[str, tuple[Any, ...]]:
        field_sql, field_params = compiler.compile(self.source_expressions[0])
        day_sql, day_params = compiler.compile(self.source_expressions[1])
        sql = f"(SELECT COALESCE(SUM({value}), 0) FROM {each}({field_sql}) AS due WHERE due.key < {day_sql})"
        return sql, (*field_params, *day_params)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        return self._sql(compiler, connection, "jsonb_each_text", "due.value::integer")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        return self._sql(compiler, connection, "json_each", "due.value")


def _summed(org_ids: Collection[int], year: int, today: datetime.date) -> list[dict[str, Any]]:
    """One row per committee: its rows of `year` summed over every province, "overdue" on `today`
    and the oldest count time, summed by the database (a province's home reads thousands of rows:
    decoding their maps in Python took 50 ms for Hà Nội at 2.5 M). One query (see `_counted`)."""
    grouped = (
        CommitteeTally.objects.filter(organisation_id__in=list(org_ids), year=year)
        .values("organisation_id")
        .annotate(
            **{f"sum_{name}": Sum(name) for name in SUMMED},
            sum_overdue=Sum(_OverdueIn("at_cell_due", today) + _OverdueIn("at_committee_due", today)),
            oldest=Min("refreshed_at"),
        )
        .order_by()
    )

    def read() -> list[dict[str, Any]]:
        rows = [cast(dict[str, Any], row) for row in grouped.all()]  # a fresh query each time
        return [
            {"organisation_id": row["organisation_id"], "refreshed_at": row["oldest"]}
            | {name: row[f"sum_{name}"] for name in (*SUMMED, "overdue")}
            for row in rows
        ]

    return _counted(org_ids, year, read)


def figures(
    orgs: Sequence[Organisation], year: int, today: datetime.date, provinces: Collection[int] | None
) -> dict[int, Figures]:
    """{committee id: Figures} over the books of members working in `provinces` (None: all). One query."""
    result = {org.pk: Figures() for org in orgs}
    for row in _rows(result.keys(), year, provinces):
        figures = result[row["organisation_id"]]
        if figures.refreshed_at is None or row["refreshed_at"] < figures.refreshed_at:
            figures.refreshed_at = row["refreshed_at"]
        if provinces is None or row["workplace_province"] in provinces:
            figures.add(row, today)
    return result


def stale_since(
    times: Sequence[datetime.datetime | None], now: datetime.datetime | None = None
) -> datetime.datetime | None:
    """The oldest count time when it is older than STALE_AFTER (the page then says it), else None."""
    known = [t for t in times if t is not None]
    if not known:
        return None
    oldest = min(known)
    return oldest if (now or timezone.now()) - oldest > STALE_AFTER else None


@dataclass
class Province:
    """The board's home figures of one province."""

    letters: dict[str, int]
    comments: dict[str, int]
    late_residence: list[Organisation]
    late_workplace: list[Organisation]
    refreshed_at: datetime.datetime | None


def _by_name(org: Organisation) -> list[str]:
    return [name_sort_key(word) for word in org.name.split()]


def province(province_code: int, year: int, today: datetime.date, limit: int = 10) -> Province:
    """Letters and comments handled by the province's residence committees, and who is late. Two queries:
    the committees, then their rows summed by the database."""
    committees = Organisation.objects.filter(
        province_code=province_code, kind__in=[OrgKind.RESIDENCE_COMMITTEE, OrgKind.WORKPLACE_COMMITTEE]
    )
    orgs = {org.pk: org for org in committees.only("pk", "name", "kind")}
    counts = dict.fromkeys((*SUMMED, "overdue"), 0)
    late: dict[int, int] = dict.fromkeys(orgs, 0)
    refreshed: list[datetime.datetime | None] = []
    for row in _summed(orgs.keys(), year, today):
        refreshed.append(row["refreshed_at"])
        late[row["organisation_id"]] = row["overdue"]
        if orgs[row["organisation_id"]].kind == OrgKind.RESIDENCE_COMMITTEE:
            for name in counts:
                counts[name] += row[name]

    def latest(kind: str) -> list[Organisation]:
        chosen = sorted(
            (org for pk, org in orgs.items() if org.kind == kind and late[pk] > 0),
            key=lambda org: (-late[org.pk], _by_name(org)),
        )[:limit]
        for org in chosen:
            org.late = late[org.pk]  # type: ignore[attr-defined]  # read by the template, as before
        return chosen

    return Province(
        letters={"issued": counts["letters_waiting"], "received": counts["letters_received_open"]},
        comments={
            "total": counts["requested"],
            "waiting": counts["at_cell"],
            "signed": counts["signed"],
            "certified": counts["certified"],
            "returned": counts["returned_only"],
            "acknowledged": counts["acknowledged"],
            "overdue": counts["overdue"],
        },
        late_residence=latest(OrgKind.RESIDENCE_COMMITTEE),
        late_workplace=latest(OrgKind.WORKPLACE_COMMITTEE),
        refreshed_at=min((t for t in refreshed if t is not None), default=None),
    )
