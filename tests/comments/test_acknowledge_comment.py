"""acknowledge_comment: the workplace committee that asked records that the comment came back."""

import datetime

import pytest
import time_machine

from books import actions
from books.errors import InvalidInput, NotAllowed, TransitionError
from books.models import CommentStatus
from tests.cast import COMMENT_DAYS, check_event, comment_at, recording, refused_without_trace

DAY = COMMENT_DAYS["acknowledged"]


@pytest.fixture
def returned(cast):
    return comment_at(cast, CommentStatus.RETURNED)


def acknowledge(request, by, on=None):
    with time_machine.travel(DAY):
        return actions.acknowledge_comment(request, by=by, on=on)


def test_the_requesting_committee_acknowledges_a_returned_comment(cast, returned):
    with recording() as events:
        request = acknowledge(returned, cast.finance_clerk)
    request.refresh_from_db()
    assert request.status == CommentStatus.ACKNOWLEDGED
    assert request.acknowledged_on == DAY
    assert request.acknowledged_by == cast.finance_clerk
    assert request.signed_on <= request.certified_on <= request.returned_on <= request.acknowledged_on
    assert len(events) == 1
    check_event(
        events[0],
        verb="comment_acknowledged",
        by=cast.finance_clerk,
        role="clerk",
        org=cast.finance,
        obj=request,
        before=CommentStatus.RETURNED,
        after=CommentStatus.ACKNOWLEDGED,
        member=cast.member,
        book=cast.book(cast.member),
    )


def test_it_cannot_be_acknowledged_before_it_was_returned(cast, returned):
    with refused_without_trace(InvalidInput):
        acknowledge(returned, cast.finance_clerk, on=returned.returned_on - datetime.timedelta(days=1))


@pytest.mark.parametrize("status", ["requested", "drafted", "signed", "certified", "acknowledged", "cancelled"])
def test_only_a_returned_comment_can_be_acknowledged(cast, status):
    request = comment_at(cast, status)
    with time_machine.travel(datetime.date(2026, 11, 20)), refused_without_trace(TransitionError):
        actions.acknowledge_comment(request, by=cast.finance_clerk)


@pytest.mark.parametrize(
    "who",
    [
        "outsider",
        "member_user",
        "board_officer",
        "finance_cell_secretary",  # the cell rates; the committee receives the comment
        "health_secretary",
        "lc_secretary",
        "lc_clerk",
        "lc_cell_secretary",
    ],
)
def test_only_the_requesting_workplace_committee_may_acknowledge(cast, returned, who):
    with refused_without_trace(NotAllowed):
        acknowledge(returned, getattr(cast, who))


@pytest.mark.parametrize("status", ["certified", "returned"])
def test_after_a_change_of_workplace_the_new_committee_acknowledges(cast, status):
    request = comment_at(cast, status)
    with time_machine.travel(datetime.date(2026, 10, 28)):
        actions.change_workplace(cast.member, cell=cast.health_cell, by=cast.finance_secretary)
    if status == "certified":
        with time_machine.travel(COMMENT_DAYS["returned"]):
            actions.return_comment(request, by=cast.lc_secretary)
    request.refresh_from_db()
    assert request.requesting_committee == cast.health
    with refused_without_trace(NotAllowed):
        acknowledge(request, cast.finance_clerk)
    request = acknowledge(request, cast.health_secretary)
    assert request.status == CommentStatus.ACKNOWLEDGED
    assert request.acknowledged_by == cast.health_secretary


def test_it_cannot_be_acknowledged_with_a_date_in_the_future(cast, returned):
    with refused_without_trace(InvalidInput) as info:
        acknowledge(returned, cast.finance_clerk, on=DAY + datetime.timedelta(days=1))
    assert "tương lai" in str(info.value)
