"""The rows each schema needs, loaded in a fixed number of queries whatever the page size.

Every function takes the queryset to start from: a `books.access` queryset for reads, or the
model's own manager to re-read an object a successful action has just changed (the action
already checked the caller's right to it).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from books.models import (
    AnnualRating,
    Book,
    BookStatus,
    CommentRequest,
    CommentStatus,
    Event,
    IntroductionLetter,
    LetterStatus,
    MeetingAttendance,
    ResidenceMeeting,
    ResidenceRegisterEntry,
    ViolationNotice,
)
from members.models import Exemption, Member
from orgs.models import AdministrativeUnit, Organisation, UnitSuccession

_LETTER_RELATED = (
    "book",
    "issuing_committee",
    "addressee",
    "residence_committee",
    "workplace_cell__parent",
    "residence_commune",
    "assigned_cell",
    # a carried-over letter prints the number of the one it continues (two terms back at most)
    "carried_over_from__carried_over_from",
)
_COMMENT_RELATED = (
    "book__member",
    "book__profile",
    "requesting_committee",
    "residence_committee",
    "residence_cell",
)
_NOTICE_RELATED = ("book__member", "residence_committee", "workplace_committee", "raised_by", "answered_by")


def members(qs: QuerySet[Member]) -> QuerySet[Member]:
    in_open_book = {"book__member": OuterRef("pk"), "book__status": BookStatus.OPEN}
    return (
        qs.select_related("workplace_cell__parent", "residence_commune")
        .annotate(
            has_open_book=Exists(Book.objects.filter(member=OuterRef("pk"), status=BookStatus.OPEN)),
            has_issued=Exists(IntroductionLetter.objects.filter(status=LetterStatus.ISSUED, **in_open_book)),
            has_received=Exists(IntroductionLetter.objects.filter(status=LetterStatus.RECEIVED, **in_open_book)),
        )
        .prefetch_related(
            Prefetch(
                "register_entries",
                queryset=ResidenceRegisterEntry.objects.filter(left_on__isnull=True).select_related(
                    "cell", "residence_committee"
                ),
                to_attr="open_entries",
            )
        )
    )


def books(qs: QuerySet[Book]) -> QuerySet[Book]:
    return qs.select_related("member", "term", "holder", "profile")


def book_detail(qs: QuerySet[Book]) -> QuerySet[Book]:
    return books(qs).prefetch_related(
        Prefetch(
            "letters",
            queryset=IntroductionLetter.objects.select_related(*_LETTER_RELATED[1:]).order_by("created_at", "pk"),
        ),
        Prefetch(
            "comments",
            queryset=CommentRequest.objects.select_related(*_COMMENT_RELATED[2:]).order_by(
                "year", "requested_on", "pk"
            ),
        ),
        Prefetch(
            "notices",
            queryset=ViolationNotice.objects.select_related(*_NOTICE_RELATED[1:]).order_by("raised_on", "pk"),
        ),
        Prefetch("ratings", queryset=AnnualRating.objects.order_by("year")),
        Prefetch("events", queryset=Event.objects.select_related("actor_org").order_by("at", "pk")),
    )


def letters(qs: QuerySet[IntroductionLetter]) -> QuerySet[IntroductionLetter]:
    return qs.select_related(*_LETTER_RELATED)


def comments(qs: QuerySet[CommentRequest]) -> QuerySet[CommentRequest]:
    return qs.select_related(*_COMMENT_RELATED)


def notices(qs: QuerySet[ViolationNotice]) -> QuerySet[ViolationNotice]:
    return qs.select_related(*_NOTICE_RELATED)


def register(qs: QuerySet[ResidenceRegisterEntry]) -> QuerySet[ResidenceRegisterEntry]:
    return qs.select_related(
        "member__workplace_cell__parent",
        "member__residence_commune__parent__parent",
        "residence_committee",
        "cell",
        "letter__carried_over_from__carried_over_from",
    ).prefetch_related(
        Prefetch(
            "letter__comments",
            queryset=CommentRequest.objects.exclude(status=CommentStatus.CANCELLED)
            .select_related("book__profile")
            .order_by("year", "pk"),
            to_attr="term_comments",
        )
    )


def meetings(qs: QuerySet[ResidenceMeeting]) -> QuerySet[ResidenceMeeting]:
    # an E2 member never shows on the residence side, not even in an old attendance list
    attendance = (
        MeetingAttendance.objects.exclude(member__exemption=Exemption.E2)
        .select_related("member")
        .order_by("member__sort_key", "pk")
    )
    return qs.select_related("cell__parent").prefetch_related(Prefetch("attendance", queryset=attendance))


def organisations(qs: QuerySet[Organisation]) -> QuerySet[Organisation]:
    return qs.select_related("parent", "commune")


def units(qs: QuerySet[AdministrativeUnit]) -> QuerySet[AdministrativeUnit]:
    return qs.select_related("parent").prefetch_related(
        Prefetch(
            "successor_links",
            queryset=UnitSuccession.objects.select_related("successor").order_by("-is_main", "pk"),
        )
    )
