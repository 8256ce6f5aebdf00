"""end_employment: retirement or leaving employment closes the book and ends the introduction."""

import datetime

import pytest

from books import actions
from books.errors import InvalidInput, NotAllowed, TransitionError
from books.models import (
    BookClosedReason,
    BookStatus,
    CommentStatus,
    LeaveReason,
    LetterStatus,
    ResidenceRegisterEntry,
)
from members.models import EmploymentStatus
from tests.cast import check_event, introduce, recording, refused, request_comments, sign_request

WRONG_ACTORS = [
    "outsider",
    "member_user",
    "board_officer",
    "finance_cell_secretary",
    "health_secretary",
    "lc_secretary",
]


def test_retirement_closes_the_book_withdraws_the_letter_and_leaves_the_register(cast):
    member = cast.member
    letter = introduce(cast, member, received_on=datetime.date(2026, 1, 10))
    (request,) = request_comments(cast)
    sign_request(cast, request)
    book = cast.book(member)
    on = datetime.date(2026, 11, 20)
    with recording() as events:
        returned = actions.end_employment(member, reason=EmploymentStatus.RETIRED, by=cast.finance_clerk, on=on)

    assert returned.pk == book.pk
    member.refresh_from_db()
    assert member.employment == EmploymentStatus.RETIRED
    book.refresh_from_db()
    assert (book.status, book.closed_on, book.closed_reason) == (BookStatus.CLOSED, on, BookClosedReason.RETIRED)
    letter.refresh_from_db()
    assert (letter.status, letter.ended_on, letter.end_reason) == (LetterStatus.WITHDRAWN, on, "Đã nghỉ hưu")
    entry = ResidenceRegisterEntry.objects.get(letter=letter)
    assert (entry.left_on, entry.left_reason, entry.left_note) == (on, LeaveReason.RETIRED, "Đã nghỉ hưu")
    request.refresh_from_db()
    assert (request.status, request.cancelled_on) == (CommentStatus.CANCELLED, on)
    (event,) = events
    check_event(
        event,
        verb="employment_ended",
        by=cast.finance_clerk,
        role="clerk",
        org=cast.finance,
        obj=book,
        before=BookStatus.OPEN,
        after=BookStatus.CLOSED,
        member=member,
        book=book,
    )
    assert event.data == {
        "reason": EmploymentStatus.RETIRED,
        "letter": letter.pk,
        "register_entry": entry.pk,
        "cancelled_comments": [request.pk],
    }


def test_leaving_employment_is_recorded_as_such(cast):
    letter = introduce(cast, cast.member)
    book = actions.end_employment(cast.member, reason=EmploymentStatus.LEFT, by=cast.finance_secretary)
    book.refresh_from_db()
    assert book.closed_reason == BookClosedReason.LEFT_EMPLOYMENT
    entry = ResidenceRegisterEntry.objects.get(letter=letter)
    assert entry.left_reason == LeaveReason.LEFT_EMPLOYMENT
    letter.refresh_from_db()
    assert letter.end_reason == "Thôi công tác"


def test_a_member_never_introduced_just_has_the_book_closed(cast):
    with recording() as events:
        book = actions.end_employment(cast.member, reason=EmploymentStatus.RETIRED, by=cast.finance_clerk)
    assert book.status == BookStatus.CLOSED
    (event,) = events
    assert event.data == {"reason": "retired", "letter": None, "register_entry": None, "cancelled_comments": []}


def test_a_draft_is_withdrawn_too(cast):
    draft = actions.prepare_letter(cast.member, by=cast.finance_clerk)
    actions.end_employment(cast.member, reason=EmploymentStatus.RETIRED, by=cast.finance_clerk)
    draft.refresh_from_db()
    assert draft.status == LetterStatus.WITHDRAWN


def test_other_members_are_untouched(cast):
    other = cast.member_factory()
    other_letter = introduce(cast, other)
    introduce(cast, cast.member)
    actions.end_employment(cast.member, reason=EmploymentStatus.RETIRED, by=cast.finance_clerk)
    other_letter.refresh_from_db()
    assert other_letter.status == LetterStatus.RECEIVED
    assert cast.book(other).is_open


def test_a_second_call_is_refused(cast):
    member = cast.member
    book = actions.end_employment(member, reason=EmploymentStatus.RETIRED, by=cast.finance_clerk)
    with refused(TransitionError, "đã không còn công tác", member, book):
        actions.end_employment(member, reason=EmploymentStatus.LEFT, by=cast.finance_clerk)


@pytest.mark.parametrize("reason", ["employed", "dismissed", ""])
def test_it_refuses_a_reason_that_is_not_retirement_or_leaving(cast, reason):
    letter = introduce(cast, cast.member)
    with refused(InvalidInput, "nghỉ hưu hoặc thôi công tác", cast.member, cast.book(cast.member), letter):
        actions.end_employment(cast.member, reason=reason, by=cast.finance_clerk)


@pytest.mark.parametrize("actor", WRONG_ACTORS)
def test_it_refuses_anyone_without_a_committee_role_at_the_book_holder(cast, actor):
    letter = introduce(cast, cast.member)
    entry = ResidenceRegisterEntry.objects.get(letter=letter)
    with refused(NotAllowed, "không có quyền", cast.member, cast.book(cast.member), letter, entry):
        actions.end_employment(cast.member, reason=EmploymentStatus.RETIRED, by=getattr(cast, actor))
