"""Reads for the role home pages: a fixed number of queries whatever the number of rows."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from members.models import EmploymentStatus, Exemption, Member, e2_member_ids
from orgs.models import Organisation, OrgKind

from .models import (
    Book,
    BookStatus,
    CommentRequest,
    CommentStatus,
    IntroductionLetter,
    LetterStatus,
    NoticeStatus,
    ResidenceRegisterEntry,
    ViolationNotice,
)


def campaign_year(today: datetime.date) -> int:
    """The year whose comments are being worked on: this year from October, else last year."""
    return today.year if today.month >= 10 else today.year - 1


def comment_counts(requests_qs, today: datetime.date) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Counts of comment requests by status, plus how many are overdue, in one query."""
    overdue = Q(status__in=[CommentStatus.REQUESTED, CommentStatus.DRAFTED], due_on__lt=today) | Q(
        status__in=[CommentStatus.SIGNED, CommentStatus.CERTIFIED], return_due_on__lt=today
    )
    row = requests_qs.exclude(status=CommentStatus.CANCELLED).aggregate(
        total=Count("pk"),
        waiting=Count("pk", filter=Q(status__in=[CommentStatus.REQUESTED, CommentStatus.DRAFTED])),
        signed=Count("pk", filter=Q(status=CommentStatus.SIGNED)),
        certified=Count("pk", filter=Q(status=CommentStatus.CERTIFIED)),
        returned=Count("pk", filter=Q(status=CommentStatus.RETURNED)),
        acknowledged=Count("pk", filter=Q(status=CommentStatus.ACKNOWLEDGED)),
        overdue=Count("pk", filter=overdue),
    )
    return {key: value or 0 for key, value in row.items()}


@dataclass
class WorkplaceOverview:
    committee: Organisation
    year: int
    members: dict[str, int] = field(default_factory=dict)
    comments: dict[str, int] = field(default_factory=dict)
    notices_open: int = 0


def workplace_overview(committee: Organisation, today: datetime.date) -> WorkplaceOverview:
    """Members of a workplace committee by state, and this year's comments. Four queries."""
    year = campaign_year(today)
    # a draft is not sent yet: its member is still to introduce (as on the start-of-year review list)
    active_letter = IntroductionLetter.objects.filter(
        book=OuterRef("pk"), status__in=[LetterStatus.ISSUED, LetterStatus.RECEIVED]
    )
    issued = IntroductionLetter.objects.filter(book=OuterRef("pk"), status=LetterStatus.ISSUED)
    received = IntroductionLetter.objects.filter(book=OuterRef("pk"), status=LetterStatus.RECEIVED)
    # annotation names differ from the aggregate names: PostgreSQL refuses a clash
    books = Book.objects.filter(holder=committee).annotate(
        has_letter=Exists(active_letter), is_waiting=Exists(issued), is_received=Exists(received)
    )
    open_books = Q(status=BookStatus.OPEN)
    row = books.aggregate(
        to_introduce=Count("pk", filter=open_books & Q(has_letter=False) & ~Q(member__exemption=Exemption.E2)),
        waiting=Count("pk", filter=open_books & Q(is_waiting=True)),
        active=Count("pk", filter=open_books & Q(is_received=True)),
        exempt=Count("pk", filter=open_books & ~Q(member__exemption="")),
        closed=Count("pk", filter=Q(status=BookStatus.CLOSED)),
        total=Count("pk", filter=open_books),
    )
    comments = comment_counts(CommentRequest.objects.filter(requesting_committee=committee, year=year), today)
    notices = ViolationNotice.objects.filter(workplace_committee=committee, status=NoticeStatus.RAISED).count()
    return WorkplaceOverview(committee, year, {k: v or 0 for k, v in row.items()}, comments, notices)


@dataclass
class ResidenceOverview:
    committee: Organisation
    year: int
    letters_waiting: int
    registered: int
    comments: dict[str, int]
    cells: Sequence[Organisation]
    notices_open: int


def residence_overview(committee: Organisation, today: datetime.date) -> ResidenceOverview:
    """What waits at a residence committee; E2 members never counted. Five queries."""
    year = campaign_year(today)
    letters_waiting = (
        IntroductionLetter.objects.filter(residence_committee=committee, status=LetterStatus.ISSUED)
        .exclude(book__member__exemption=Exemption.E2)
        .count()
    )
    registered = (
        ResidenceRegisterEntry.objects.filter(residence_committee=committee, left_on__isnull=True)
        .exclude(member__in=e2_member_ids())
        .count()
    )
    comments = comment_counts(
        CommentRequest.objects.filter(residence_committee=committee, year=year).exclude(
            book__member__exemption=Exemption.E2
        ),
        today,
    )
    cells = list(
        Organisation.objects.active(today)
        .filter(parent=committee, kind=OrgKind.RESIDENCE_CELL)
        .annotate(
            registered=Count(
                "cell_register_entries",
                filter=Q(cell_register_entries__left_on__isnull=True)
                & ~Q(cell_register_entries__member__in=e2_member_ids()),
            )
        )
        .order_by("name")
    )
    notices_open = ViolationNotice.objects.filter(residence_committee=committee, status=NoticeStatus.RAISED).count()
    return ResidenceOverview(committee, year, letters_waiting, registered, comments, cells, notices_open)


def residence_cell_members(cell: Organisation) -> list[ResidenceRegisterEntry]:
    """The cell's members now (never E2), sorted the Vietnamese way. One query."""
    return list(
        ResidenceRegisterEntry.objects.filter(cell=cell, left_on__isnull=True)
        .exclude(member__exemption=Exemption.E2)
        .select_related("member", "member__workplace_cell", "member__workplace_cell__parent")
        .order_by("member__sort_key", "member__pk")
    )


def cell_comment_requests(cell: Organisation, today: datetime.date) -> list[CommentRequest]:
    """Comment requests the cell still has to write or sign. One query."""
    return list(
        CommentRequest.objects.filter(residence_cell=cell, status__in=[CommentStatus.REQUESTED, CommentStatus.DRAFTED])
        .exclude(book__member__exemption=Exemption.E2)
        .select_related("book__member")
        .order_by("due_on", "book__member__sort_key")
    )


def workplace_cell_members(cell: Organisation) -> list[Member]:
    """The members of a workplace cell who are still employed, sorted the Vietnamese way. One query."""
    return list(
        Member.objects.filter(workplace_cell=cell, employment=EmploymentStatus.EMPLOYED)
        .select_related("residence_commune")
        .order_by("sort_key", "pk")
    )


@dataclass
class ProvinceOverview:
    province_code: int
    year: int
    letters: dict[str, int]
    comments: dict[str, int]
    late_residence: Sequence[Organisation]
    late_workplace: Sequence[Organisation]
    refreshed_at: datetime.datetime | None = None  # when the figures were counted (None: just now)
    stale_since: datetime.datetime | None = None  # the same, when older than a few minutes


def province_overview(province_code: int, today: datetime.date, limit: int = 10) -> ProvinceOverview:
    """The board's figures for one province, read from the maintained counts (tallies). Two queries."""
    from tallies import read

    year = campaign_year(today)
    figures = read.province(province_code, year, today, limit)
    return ProvinceOverview(
        province_code,
        year,
        figures.letters,
        figures.comments,
        figures.late_residence,
        figures.late_workplace,
        figures.refreshed_at,
        read.stale_since([figures.refreshed_at]),
    )


def province_overview_recount(province_code: int, today: datetime.date, limit: int = 10) -> ProvinceOverview:
    """The same figures counted over every letter and request of the province. Four queries.

    What the tallies are checked against (tests/tallies); its cost grows with the province."""
    year = campaign_year(today)
    letters_row = IntroductionLetter.objects.filter(residence_committee__province_code=province_code).aggregate(
        issued=Count("pk", filter=Q(status=LetterStatus.ISSUED)),
        received=Count("pk", filter=Q(status=LetterStatus.RECEIVED, book__status=BookStatus.OPEN)),
    )
    requests = CommentRequest.objects.filter(residence_committee__province_code=province_code, year=year)
    comments = comment_counts(requests, today)

    # Overdue as a condition on the joined rows: a subquery `IN (this year's overdue requests)`
    # would read the whole country's requests for every board page (docs/performance.md, "Plans").
    def overdue(path: str) -> Q:
        return Q(**{f"{path}__year": year}) & (
            Q(**{f"{path}__status__in": [CommentStatus.REQUESTED, CommentStatus.DRAFTED], f"{path}__due_on__lt": today})
            | Q(
                **{
                    f"{path}__status__in": [CommentStatus.SIGNED, CommentStatus.CERTIFIED],
                    f"{path}__return_due_on__lt": today,
                }
            )
        )

    late_residence = list(
        Organisation.objects.filter(kind=OrgKind.RESIDENCE_COMMITTEE, province_code=province_code)
        .annotate(late=Count("comment_requests", filter=overdue("comment_requests")))
        .filter(late__gt=0)
        .order_by("-late", "name")[:limit]
    )
    late_workplace = list(
        Organisation.objects.filter(kind=OrgKind.WORKPLACE_COMMITTEE, province_code=province_code)
        .annotate(late=Count("held_books__comments", filter=overdue("held_books__comments")))
        .filter(late__gt=0)
        .order_by("-late", "name")[:limit]
    )
    return ProvinceOverview(
        province_code, year, {k: v or 0 for k, v in letters_row.items()}, comments, late_residence, late_workplace
    )


def member_book(member: Member) -> Book | None:
    """The member's open book (or the latest closed one) with its letters and comments loaded."""
    return (
        Book.objects.filter(member=member)
        .select_related("term", "holder", "profile")
        .prefetch_related("letters__residence_committee", "letters__assigned_cell", "comments")
        .order_by("-term__start_year")
        .first()
    )
