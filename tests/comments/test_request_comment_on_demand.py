"""request_comment_on_demand: an E1 member gets a comment only when needed (cadre, reward, discipline)."""

import datetime

import pytest
import time_machine

from books import actions
from books.errors import InvalidInput, NotAllowed, TransitionError
from books.models import CommentKind, CommentRequest, CommentStatus
from tests.cast import check_event, introduce, recording, refused_without_trace

DAY = datetime.date(2026, 5, 4)


@pytest.fixture
def e1_member(cast):
    """cast.member, introduced into Khóm 1, then exempt as a cadre working far away (E1b)."""
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, cast.member, cell=cast.lc_cell_1)
        actions.set_exemption(cast.member, exemption="E1b", reason="Công tác lưu động", by=cast.finance_secretary)
    return cast.member


def ask(cast, member, reason="cadre", by=None, **kwargs):
    with time_machine.travel(DAY):
        return actions.request_comment_on_demand(
            cast.book(member), reason=reason, by=by or cast.finance_secretary, **kwargs
        )


@pytest.mark.parametrize("reason", ["cadre", "reward", "discipline"])
def test_it_asks_for_a_comment_on_an_e1_member_for_each_reason_of_the_profile(cast, e1_member, reason):
    with recording() as events:
        request = ask(cast, e1_member, reason, note="Quy hoạch Phó Giám đốc Sở")
    request.refresh_from_db()
    assert request.kind == CommentKind.ON_DEMAND
    assert request.status == CommentStatus.REQUESTED
    assert request.reason == reason
    assert request.reason_note == "Quy hoạch Phó Giám đốc Sở"
    assert request.year == 2026
    assert request.requested_on == DAY
    assert request.requested_by == cast.finance_secretary
    assert request.requesting_committee == cast.finance
    assert (request.residence_committee, request.residence_cell) == (cast.long_chau, cast.lc_cell_1)
    assert request.letter == cast.book(e1_member).active_letter()
    assert len(events) == 1
    check_event(
        events[0],
        verb="comment_requested_on_demand",
        by=cast.finance_secretary,
        role="secretary",
        org=cast.finance,
        obj=request,
        after=CommentStatus.REQUESTED,
        member=e1_member,
        book=cast.book(e1_member),
    )
    assert events[0].data == {"reason": reason}


def test_its_due_dates_come_from_the_profile(cast, e1_member):
    request = ask(cast, e1_member)
    assert request.due_on == DAY + datetime.timedelta(days=15)
    assert request.return_due_on == DAY + datetime.timedelta(days=22)
    profile = cast.book(e1_member).profile
    profile.rules["on_demand_comment_days"] = 10
    profile.save()
    request = ask(cast, e1_member, "reward")
    assert request.due_on == DAY + datetime.timedelta(days=10)
    assert request.return_due_on == DAY + datetime.timedelta(days=17)


def test_several_on_demand_requests_may_be_open_in_one_year(cast, e1_member):
    ask(cast, e1_member, "cadre")
    ask(cast, e1_member, "reward")
    assert CommentRequest.objects.filter(book=cast.book(e1_member), kind=CommentKind.ON_DEMAND).count() == 2


@pytest.mark.parametrize("reason", ["", "periodic", "Cadre", "khen_thuong"])
def test_the_reason_must_be_one_of_the_profiles_keys(cast, e1_member, reason):
    with refused_without_trace(InvalidInput) as info:
        ask(cast, e1_member, reason)
    assert "reason" in info.value.field_errors


def test_a_member_without_exemption_waits_for_the_october_campaign(cast):
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, cast.member, cell=cast.lc_cell_1)
    with refused_without_trace(TransitionError):
        ask(cast, cast.member)


def test_an_e2_member_is_never_asked_about(cast):
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, cast.member, cell=cast.lc_cell_1)
        actions.set_exemption(cast.member, exemption="E2", reason="Giữ bí mật", by=cast.finance_secretary)
    with refused_without_trace(TransitionError):
        ask(cast, cast.member)


def test_an_e1_member_never_introduced_cannot_be_asked_about(cast):
    with time_machine.travel(datetime.date(2026, 1, 10)):
        actions.set_exemption(cast.member, exemption="E1c", reason="Học tập trung", by=cast.finance_secretary)
    with refused_without_trace(TransitionError):
        ask(cast, cast.member)


def test_an_issued_letter_is_enough_the_cell_comes_on_receipt(cast):
    with time_machine.travel(datetime.date(2026, 1, 10)):
        letter = actions.issue_letter(cast.member, by=cast.finance_clerk)
        actions.set_exemption(cast.member, exemption="E1a", reason="Ở doanh trại", by=cast.finance_secretary)
    request = ask(cast, cast.member)
    assert request.residence_cell is None
    with time_machine.travel(DAY):
        actions.confirm_letter(letter, cell=cast.lc_cell_2, by=cast.lc_clerk)
    request.refresh_from_db()
    assert request.residence_cell == cast.lc_cell_2


def test_a_closed_book_cannot_be_asked_about(cast, e1_member):
    book = cast.book(e1_member)
    with time_machine.travel(datetime.date(2026, 3, 1)):
        actions.end_employment(e1_member, reason="left", by=cast.finance_secretary)
    book.refresh_from_db()
    with time_machine.travel(DAY), refused_without_trace(TransitionError):
        actions.request_comment_on_demand(book, reason="cadre", by=cast.finance_secretary)


@pytest.mark.parametrize(
    "who",
    [
        "outsider",
        "member_user",
        "board_officer",
        "finance_cell_secretary",
        "health_secretary",
        "lc_secretary",
        "lc_cell_secretary",
        "pk_secretary",
    ],
)
def test_only_the_committee_holding_the_book_may_ask(cast, e1_member, who):
    with refused_without_trace(NotAllowed):
        ask(cast, e1_member, by=getattr(cast, who))


def test_after_a_change_of_workplace_the_new_committee_asks(cast, e1_member):
    with time_machine.travel(datetime.date(2026, 4, 1)):
        actions.change_workplace(e1_member, cell=cast.health_cell, by=cast.finance_secretary)
    with refused_without_trace(NotAllowed):
        ask(cast, e1_member, by=cast.finance_secretary)
    request = ask(cast, e1_member, by=cast.health_secretary)
    assert request.requesting_committee == cast.health
