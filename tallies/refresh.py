"""Recount the board's figures of some committees, and find which committees a batch of events touched.

`refresh(ids, year)` recomputes the rows of those committees with one grouped query per figure
(letters, comments, ratings) for all of them at once, then replaces their rows, all under one lock
so that a refresh that started later always writes later. The counts are the board's own
(`web.board.live_commune_rows` / `live_workplace_rows`, `books.queries.province_overview_recount`);
tests/tallies prove they agree after every kind of action.
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, Count, DateField, F, Q, QuerySet, When
from django.utils import timezone

from books import clock
from books.models import (
    AnnualRating,
    Book,
    BookStatus,
    CommentRequest,
    CommentStatus,
    Event,
    IntroductionLetter,
    LetterStatus,
)
from books.queries import campaign_year
from orgs.models import Organisation, OrgKind

from .models import CommitteeTally

LETTERS, COMMENTS, RATINGS = "letters", "comments", "ratings"
ALL = frozenset({LETTERS, COMMENTS, RATINGS})
COMMITTEES = (OrgKind.RESIDENCE_COMMITTEE, OrgKind.WORKPLACE_COMMITTEE)
AT_CELL = (CommentStatus.REQUESTED, CommentStatus.DRAFTED)
AT_COMMITTEE = (CommentStatus.SIGNED, CommentStatus.CERTIFIED)
STATUS_FIELD = {
    CommentStatus.SIGNED: "signed",
    CommentStatus.CERTIFIED: "certified",
    CommentStatus.RETURNED: "returned_only",
    CommentStatus.ACKNOWLEDGED: "acknowledged",
}
LETTER_FIELDS = ("letters_waiting", "letters_received", "letters_received_open")
COMMENT_FIELDS = ("requested", "at_cell", "signed", "certified", "returned_only", "acknowledged")
RATING_FIELDS = ("rated", "rated_without")
FIELDS_OF = {
    LETTERS: LETTER_FIELDS,
    COMMENTS: (*COMMENT_FIELDS, "at_cell_due", "at_committee_due"),
    RATINGS: RATING_FIELDS,
}
# the province of the member's workplace cell: the board's scope (books.access) keeps those of its province
WORKPLACE_PROVINCE = "book__member__workplace_cell__province_code"
# one refresh at a time (PostgreSQL; SQLite runs one writer at a time anyway)
LOCK_KEY = 213_0006

# What each verb of the event log can change. Unknown verbs (a new action) refresh everything
# about the committees they touch: safe by default.
EVERYTHING = frozenset({"term_rolled_over"})
NO_EFFECT = frozenset(
    {
        "member_registered",
        "member_updated",
        "letter_prepared",  # drafts are not counted
        "cell_reassigned",  # the same committee
        "meeting_recorded",
        "notice_raised",
        "notice_answered",
        "address_change_requested",
        "address_change_rejected",
        "scan_attached",
        "two_factor_enabled",
        "two_factor_disabled",
        "two_factor_reset",
    }
)
VERB_PARTS: dict[str, frozenset[str]] = {
    "letter_issued": frozenset({LETTERS}),
    "letter_received": frozenset({LETTERS}),
    "rating_recorded": frozenset({RATINGS}),
    **{
        verb: frozenset({COMMENTS})
        for verb in (
            "comment_requested",
            "comment_requested_on_demand",
            "comment_drafted",
            "comment_signed",
            "comment_sent_back",
            "comment_certified",
            "comment_returned",
            "comment_acknowledged",
        )
    },
}


def _zero() -> dict[str, Any]:
    row: dict[str, Any] = {name: 0 for name in (*LETTER_FIELDS, *COMMENT_FIELDS, *RATING_FIELDS)}
    row["at_cell_due"] = {}
    row["at_committee_due"] = {}
    return row


def _union(parts: list[QuerySet[Any]]) -> Iterable[dict[str, Any]]:
    if not parts:
        return []
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def _letter_counts(residence: list[int], workplace: list[int]) -> Iterable[dict[str, Any]]:
    counts = {
        "letters_waiting": Count("pk", filter=Q(status=LetterStatus.ISSUED)),
        "letters_received": Count("pk", filter=Q(status=LetterStatus.RECEIVED)),
        "letters_received_open": Count("pk", filter=Q(status=LetterStatus.RECEIVED, book__status=BookStatus.OPEN)),
    }
    base = IntroductionLetter.objects.filter(status__in=[LetterStatus.ISSUED, LetterStatus.RECEIVED]).order_by()
    parts = []
    if residence:
        parts.append(
            base.filter(residence_committee__in=residence)
            .values(org=F("residence_committee"), wp=F(WORKPLACE_PROVINCE))
            .annotate(**counts)
        )
    if workplace:
        parts.append(
            base.filter(book__holder__in=workplace)
            .values(org=F("book__holder"), wp=F(WORKPLACE_PROVINCE))
            .annotate(**counts)
        )
    return _union(parts)


def _comment_counts(residence: list[int], workplace: list[int], year: int) -> Iterable[dict[str, Any]]:
    deadline = Case(
        When(status__in=AT_CELL, then=F("due_on")),
        When(status__in=AT_COMMITTEE, then=F("return_due_on")),
        default=None,
        output_field=DateField(),
    )
    base = CommentRequest.objects.filter(year=year).exclude(status=CommentStatus.CANCELLED).order_by()
    parts = []
    for ids, committee in ((residence, "residence_committee"), (workplace, "requesting_committee")):
        if ids:
            parts.append(
                base.filter(**{f"{committee}__in": ids})
                .values(org=F(committee), wp=F(WORKPLACE_PROVINCE), state=F("status"), deadline=deadline)
                .annotate(n=Count("pk"))
            )
    return _union(parts)


def _rating_counts(workplace: list[int], year: int) -> Iterable[Any]:
    if not workplace:
        return []
    return (
        AnnualRating.objects.filter(year=year, book__holder__in=workplace)
        .order_by()
        .values(org=F("book__holder"), wp=F(WORKPLACE_PROVINCE))
        .annotate(rated=Count("pk"), rated_without=Count("pk", filter=Q(without_comment=True)))
    )


def _day(value: Any) -> str:
    return value if isinstance(value, str) else value.isoformat()


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


@dataclass
class Refreshed:
    """What one refresh did (printed by the command, returned by the task)."""

    committees: int = 0
    rows: int = 0
    seconds: float = 0.0
    parts: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "committees": self.committees,
            "rows": self.rows,
            "seconds": round(self.seconds, 3),
            "parts": self.parts,
        }


def refresh(org_ids: Iterable[int], year: int, parts: frozenset[str] = ALL) -> Refreshed:
    """Recount the rows of these committees (other organisations are ignored) for `year`.

    One query for the committees, one grouped query per figure in `parts` for all of them, then
    their rows replaced (figures outside `parts` are kept as they were). Runs in its own
    transaction (or the caller's), under a lock held to the end of it.
    """
    started = time.monotonic()
    wanted = sorted({pk for pk in org_ids if pk})
    result = Refreshed(parts=sorted(parts))
    if not wanted or not parts:
        return result
    found = Organisation.objects.filter(pk__in=wanted, kind__in=COMMITTEES).order_by()
    committees = {pk: (kind, province) for pk, kind, province in found.values_list("pk", "kind", "province_code")}
    if not committees:
        return result
    residence = sorted(pk for pk, (kind, _) in committees.items() if kind == OrgKind.RESIDENCE_COMMITTEE)
    workplace = sorted(pk for pk, (kind, _) in committees.items() if kind == OrgKind.WORKPLACE_COMMITTEE)
    provinces = {pk: province for pk, (_, province) in committees.items()}
    with transaction.atomic():
        _lock()
        now = timezone.now()
        rows: dict[tuple[int, int], dict[str, Any]] = defaultdict(_zero)
        ids = list(committees)
        if parts != ALL:  # keep the figures this refresh does not count
            for tally in CommitteeTally.objects.filter(organisation_id__in=ids, year=year):
                row = rows[(tally.organisation_id, tally.workplace_province)]
                for part in ALL - parts:
                    for name in FIELDS_OF[part]:
                        row[name] = getattr(tally, name)
        if LETTERS in parts:
            for item in _letter_counts(residence, workplace):
                row = rows[(item["org"], item["wp"] or 0)]
                for name in LETTER_FIELDS:
                    row[name] = item[name]
        if COMMENTS in parts:
            for item in _comment_counts(residence, workplace, year):
                row = rows[(item["org"], item["wp"] or 0)]
                n, state = item["n"], item["state"]
                row["requested"] += n
                if state in AT_CELL:
                    row["at_cell"] += n
                    due = row["at_cell_due"]
                    due[_day(item["deadline"])] = due.get(_day(item["deadline"]), 0) + n
                else:
                    row[STATUS_FIELD[state]] += n
                    if state in AT_COMMITTEE:
                        due = row["at_committee_due"]
                        due[_day(item["deadline"])] = due.get(_day(item["deadline"]), 0) + n
        if RATINGS in parts:
            for item in _rating_counts(workplace, year):
                row = rows[(item["org"], item["wp"] or 0)]
                row["rated"], row["rated_without"] = item["rated"], item["rated_without"]
        for pk in ids:  # every committee keeps one row, so that "not counted yet" is told from "nothing"
            rows[(pk, provinces.get(pk) or 0)]  # noqa: B018 - defaultdict: creates the zero row
        fresh = [
            CommitteeTally(organisation_id=pk, year=year, workplace_province=wp, refreshed_at=now, **values)
            for (pk, wp), values in sorted(rows.items())
            if pk in committees and (wp == (provinces.get(pk) or 0) or any(values.values()))
        ]
        CommitteeTally.objects.filter(organisation_id__in=ids, year=year).delete()
        CommitteeTally.objects.bulk_create(fresh, batch_size=2000)
    result.committees, result.rows = len(committees), len(fresh)
    result.seconds = time.monotonic() - started
    return result


def province_committees(province_code: int | None) -> list[int]:
    """Every workplace and residence committee of a province, ended ones too (the board's home counts them)."""
    orgs = Organisation.objects.filter(kind__in=COMMITTEES)
    orgs = orgs.filter(province_code=province_code) if province_code else orgs.filter(province_code__isnull=True)
    return list(orgs.order_by("pk").values_list("pk", flat=True))


def refresh_all(
    year: int | None = None,
    provinces: Iterable[int | None] | None = None,
    log: Callable[[str], None] | None = None,
) -> Refreshed:
    """Recount every committee (None: of the country, in one refresh; else of each province given, one
    province per transaction).

    The country in one go lets PostgreSQL scan each table once (hash joins) instead of walking
    indexes province by province: 51 s instead of 311 s at 2.5 M members (docs/performance.md)."""
    year = year if year is not None else campaign_year(clock.today())
    started = time.monotonic()
    if provinces is None:
        done = refresh(Organisation.objects.filter(kind__in=COMMITTEES).values_list("pk", flat=True), year)
        if log is not None:
            log(f"  cả nước: {done.committees} cấp ủy, {done.rows} dòng, {done.seconds:.2f} s")
        return done
    total = Refreshed(parts=sorted(ALL))
    for code in provinces:
        done = refresh(province_committees(code), year)
        total.committees += done.committees
        total.rows += done.rows
        if log is not None:
            log(f"  tỉnh {code or '—'}: {done.committees} cấp ủy, {done.rows} dòng, {done.seconds:.2f} s")
    total.seconds = time.monotonic() - started
    return total


# --------------------------------------------------------------------------- what a batch of events touched


def affected(first_seq: int, last_seq: int, year: int) -> tuple[set[int] | None, frozenset[str]]:
    """The committees whose figures the events seq first…last (one transaction's) may have changed.

    Read from the events themselves, set-based: the organisation each acted in, the holder of each
    book, the committees of its letters and of its requests of `year`; the old holder of a book that
    changed workplace, the committees of a merger. None: every committee (a term rolled over).
    """
    events = Event.objects.filter(seq__gte=first_seq, seq__lte=last_seq)
    verbs = set(events.order_by().values_list("verb", flat=True).distinct())
    if verbs & EVERYTHING:
        return None, ALL
    verbs -= NO_EFFECT
    if not verbs:
        return set(), frozenset()
    parts = frozenset().union(*(VERB_PARTS.get(verb, ALL) for verb in verbs))
    touching = events.filter(verb__in=sorted(verbs))
    orgs: set[int] = set(touching.exclude(actor_org=None).order_by().values_list("actor_org_id", flat=True).distinct())
    books = touching.exclude(book=None).order_by().values("book_id")
    if LETTERS in parts or RATINGS in parts:
        orgs.update(Book.objects.filter(pk__in=books).order_by().values_list("holder_id", flat=True).distinct())
    if LETTERS in parts:
        orgs.update(
            IntroductionLetter.objects.filter(book__in=books)
            .order_by()
            .values_list("residence_committee_id", flat=True)
            .distinct()
        )
    if COMMENTS in parts:
        for pair in (
            CommentRequest.objects.filter(book__in=books, year=year)
            .order_by()
            .values_list("requesting_committee_id", "residence_committee_id")
            .distinct()
        ):
            orgs.update(pair)
    for verb, object_id, data in touching.filter(verb__in=["workplace_changed", "communes_merged"]).values_list(
        "verb", "object_id", "data"
    ):
        if verb == "workplace_changed":
            orgs.add(data.get("from_holder"))
        else:
            orgs.add(int(object_id))
            orgs.update(data.get("merged", []))
    orgs.discard(None)  # type: ignore[arg-type]
    return orgs, parts


def refresh_events(first_seq: int, last_seq: int, today: datetime.date | None = None) -> Refreshed:
    """Refresh what the events seq first…last touched, for the campaign year of today."""
    year = campaign_year(today or clock.today())
    orgs, parts = affected(first_seq, last_seq, year)
    if orgs is None:
        return refresh_all(year)
    return refresh(orgs, year, parts)
