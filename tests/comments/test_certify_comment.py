"""certify_comment: the residence committee certifies the comment its cell signed."""

import datetime

import pytest
import time_machine

from books import actions
from books.errors import InvalidInput, NotAllowed, TransitionError
from books.models import CommentStatus
from tests.cast import COMMENT_DAYS, check_event, comment_at, recording, refused_without_trace

DAY = COMMENT_DAYS["certified"]


@pytest.fixture
def signed(cast):
    return comment_at(cast, CommentStatus.SIGNED)


def certify(request, by, on=None):
    with time_machine.travel(DAY):
        return actions.certify_comment(request, by=by, on=on)


@pytest.mark.parametrize(("who", "role"), [("lc_secretary", "secretary"), ("lc_clerk", "clerk")])
def test_the_residence_committee_certifies_a_signed_comment(cast, signed, who, role):
    user = getattr(cast, who)
    with recording() as events:
        request = certify(signed, user)
    request.refresh_from_db()
    assert request.status == CommentStatus.CERTIFIED
    assert request.certified_on == DAY
    assert request.certified_by == user
    assert request.certifier_name == user.full_name
    assert len(events) == 1
    check_event(
        events[0],
        verb="comment_certified",
        by=user,
        role=role,
        org=cast.long_chau,
        obj=request,
        before=CommentStatus.SIGNED,
        after=CommentStatus.CERTIFIED,
        member=cast.member,
        book=cast.book(cast.member),
    )


def test_it_may_be_certified_on_the_day_of_signing(cast, signed):
    request = certify(signed, cast.lc_secretary, on=signed.signed_on)
    assert request.certified_on == signed.signed_on


def test_it_cannot_be_certified_before_the_cell_signed(cast, signed):
    with refused_without_trace(InvalidInput):
        certify(signed, cast.lc_secretary, on=signed.signed_on - datetime.timedelta(days=1))


@pytest.mark.parametrize("status", ["requested", "drafted", "certified", "returned", "acknowledged", "cancelled"])
def test_only_a_signed_comment_can_be_certified(cast, status):
    request = comment_at(cast, status)
    with time_machine.travel(COMMENT_DAYS["acknowledged"]), refused_without_trace(TransitionError):
        actions.certify_comment(request, by=cast.lc_secretary)


@pytest.mark.parametrize(
    "who",
    [
        "outsider",
        "member_user",
        "board_officer",
        "lc_cell_secretary",  # the cell signs; only the committee certifies
        "finance_secretary",
        "finance_clerk",
        "health_secretary",
        "pk_secretary",
        "pk_cell_secretary",
    ],
)
def test_only_the_residence_committee_may_certify(cast, signed, who):
    with refused_without_trace(NotAllowed):
        certify(signed, getattr(cast, who))


def test_it_cannot_be_certified_with_a_date_in_the_future(cast, signed):
    with refused_without_trace(InvalidInput) as info:
        certify(signed, cast.lc_secretary, on=DAY + datetime.timedelta(days=1))
    assert "tương lai" in str(info.value)
