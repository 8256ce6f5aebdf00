"""return_comment: the residence committee sends the certified comment back to the workplace."""

import datetime

import pytest
import time_machine

from books import actions
from books.errors import InvalidInput, NotAllowed, TransitionError
from books.models import CommentRequest, CommentStatus
from tests.cast import COMMENT_DAYS, check_event, comment_at, recording, refused_without_trace

DAY = COMMENT_DAYS["returned"]


@pytest.fixture
def certified(cast):
    return comment_at(cast, CommentStatus.CERTIFIED)


def return_(request, by, on=None):
    with time_machine.travel(DAY):
        return actions.return_comment(request, by=by, on=on)


def test_the_residence_committee_returns_a_certified_comment(cast, certified):
    with recording() as events:
        request = return_(certified, cast.lc_clerk)
    request.refresh_from_db()
    assert request.status == CommentStatus.RETURNED
    assert request.returned_on == DAY
    # the chain of dates reads forward
    assert request.signed_on <= request.certified_on <= request.returned_on
    assert len(events) == 1
    check_event(
        events[0],
        verb="comment_returned",
        by=cast.lc_clerk,
        role="clerk",
        org=cast.long_chau,
        obj=request,
        before=CommentStatus.CERTIFIED,
        after=CommentStatus.RETURNED,
        member=cast.member,
        book=cast.book(cast.member),
    )


def test_a_returned_comment_is_no_longer_overdue(cast, certified):
    late = datetime.date(2026, 11, 20)
    assert certified.is_overdue(late)
    with time_machine.travel(late):
        request = actions.return_comment(certified, by=cast.lc_secretary)
    assert not request.is_overdue(late)
    assert not CommentRequest.objects.overdue(late).filter(pk=request.pk).exists()


def test_it_may_be_returned_on_the_day_of_certification(cast, certified):
    assert return_(certified, cast.lc_secretary, on=certified.certified_on).returned_on == certified.certified_on


def test_it_cannot_be_returned_before_it_was_certified(cast, certified):
    with refused_without_trace(InvalidInput):
        return_(certified, cast.lc_secretary, on=certified.certified_on - datetime.timedelta(days=1))


@pytest.mark.parametrize("status", ["requested", "drafted", "signed", "returned", "acknowledged", "cancelled"])
def test_only_a_certified_comment_can_be_returned(cast, status):
    request = comment_at(cast, status)
    with time_machine.travel(COMMENT_DAYS["acknowledged"]), refused_without_trace(TransitionError):
        actions.return_comment(request, by=cast.lc_secretary)


@pytest.mark.parametrize(
    "who",
    [
        "outsider",
        "member_user",
        "board_officer",
        "lc_cell_secretary",
        "finance_secretary",
        "finance_clerk",
        "pk_secretary",
        "pk_cell_secretary",
    ],
)
def test_only_the_residence_committee_may_return(cast, certified, who):
    with refused_without_trace(NotAllowed):
        return_(certified, getattr(cast, who))


def test_it_cannot_be_returned_with_a_date_in_the_future(cast, certified):
    with refused_without_trace(InvalidInput) as info:
        return_(certified, cast.lc_clerk, on=DAY + datetime.timedelta(days=1))
    assert "tương lai" in str(info.value)
