"""The board's figures read from the tallies: one query for the committees' rows, whatever their size.

A committee without a row for the year (a new committee, the first day of a campaign year before
the nightly refresh) is counted on the spot and written, so a figure is never missing; so is what
the current transaction itself changed and has not committed yet (`pending.take`).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q
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


def _rows(org_ids: Collection[int], year: int, provinces: Collection[int] | None = None) -> list[dict[str, Any]]:
    """The rows of these committees for `year` (of members working in `provinces`, and each committee's
    own row), as dicts. One query; when some committee has no row, or the current transaction changed
    figures, those are counted first, in one refresh."""
    wanted = CommitteeTally.objects.filter(organisation_id__in=list(org_ids), year=year)
    if provinces is not None:  # each committee's own row (always written) tells that it was counted
        own = Coalesce(F("organisation__province_code"), 0)
        wanted = wanted.filter(Q(workplace_province__in=list(provinces)) | Q(workplace_province=own))
    taken = pending.take()
    rows = list(wanted.values(*FIELDS))
    missing = set(org_ids) - {row["organisation_id"] for row in rows}
    if taken is None and not missing:
        return rows
    touched, parts = affected(*taken, year) if taken is not None else (set(), frozenset[str]())
    if touched is None:
        refresh_all(year)
    else:
        refresh(touched | missing, year, ALL if missing else parts)
    return list(wanted.values(*FIELDS))


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
    """Letters and comments handled by the province's residence committees, and who is late. Two queries."""
    committees = Organisation.objects.filter(
        province_code=province_code, kind__in=[OrgKind.RESIDENCE_COMMITTEE, OrgKind.WORKPLACE_COMMITTEE]
    )
    orgs = {org.pk: org for org in committees.only("pk", "name", "kind")}
    totals = Figures()
    late: dict[int, int] = dict.fromkeys(orgs, 0)
    refreshed: list[datetime.datetime | None] = []
    for row in _rows(orgs.keys(), year):
        refreshed.append(row["refreshed_at"])
        late[row["organisation_id"]] += overdue(row, today)
        if orgs[row["organisation_id"]].kind == OrgKind.RESIDENCE_COMMITTEE:
            totals.add(row, today)
    counts = totals.counts

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
