"""send_back_comment: the residence committee returns a signed comment to its cell for correction."""

import datetime

import pytest
import time_machine

from books import actions
from books.errors import InvalidInput, NotAllowed, TransitionError
from books.models import CommentStatus
from tests.cast import COMMENT_DAYS, check_event, comment_at, full_comment, recording, refused_without_trace

DAY = datetime.date(2026, 10, 22)


@pytest.fixture
def signed(cast):
    return comment_at(cast, CommentStatus.SIGNED)


def send_back(request, by, reason="Chưa ghi ý kiến của ban công tác Mặt trận."):
    with time_machine.travel(DAY):
        return actions.send_back_comment(request, reason=reason, by=by)


def test_the_committee_sends_a_signed_comment_back_to_the_cell(cast, signed):
    with recording() as events:
        request = send_back(signed, cast.lc_secretary)
    request.refresh_from_db()
    assert request.status == CommentStatus.DRAFTED
    assert request.signed_on is None
    assert request.signed_by is None
    assert (request.signer_name, request.signer_title) == ("", "")
    # the text stays for the cell to correct
    assert request.criteria == full_comment()["criteria"]
    assert request.summary == "tot"
    assert len(events) == 1
    check_event(
        events[0],
        verb="comment_sent_back",
        by=cast.lc_secretary,
        role="secretary",
        org=cast.long_chau,
        obj=request,
        before=CommentStatus.SIGNED,
        after=CommentStatus.DRAFTED,
        member=cast.member,
        book=cast.book(cast.member),
    )
    assert events[0].data == {"reason": "Chưa ghi ý kiến của ban công tác Mặt trận."}


def test_the_cell_can_then_write_and_sign_again(cast, signed):
    request = send_back(signed, cast.lc_clerk)
    with time_machine.travel(DAY):
        actions.write_comment(request, by=cast.lc_cell_secretary, people_opinion="Nhân dân đánh giá tốt.")
        request = actions.sign_comment(request, by=cast.lc_cell_secretary)
    assert request.status == CommentStatus.SIGNED
    assert request.signed_on == DAY


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_needed(cast, signed, reason):
    with refused_without_trace(InvalidInput) as info:
        send_back(signed, cast.lc_secretary, reason=reason)
    assert "reason" in info.value.field_errors


@pytest.mark.parametrize("status", ["requested", "drafted", "certified", "returned", "acknowledged", "cancelled"])
def test_only_a_signed_comment_can_be_sent_back(cast, status):
    request = comment_at(cast, status)
    with time_machine.travel(COMMENT_DAYS["acknowledged"]), refused_without_trace(TransitionError):
        actions.send_back_comment(request, reason="Sửa lại.", by=cast.lc_secretary)


@pytest.mark.parametrize(
    "who",
    [
        "outsider",
        "member_user",
        "board_officer",
        "lc_cell_secretary",  # the cell cannot unsign its own comment
        "finance_secretary",
        "finance_clerk",
        "pk_secretary",
        "pk_cell_secretary",
    ],
)
def test_only_the_residence_committee_may_send_back(cast, signed, who):
    with refused_without_trace(NotAllowed):
        send_back(signed, getattr(cast, who))
