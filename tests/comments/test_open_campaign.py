"""open_campaign: in October the workplace committee asks for the year's comment on its members."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from books import actions
from books.errors import InvalidInput, NotAllowed, TransitionError
from books.models import CommentKind, CommentRequest, CommentStatus, Event
from tests.cast import (
    PHU_KHUONG,
    check_event,
    comment_at,
    introduce,
    recording,
    refused_without_trace,
)

OCT_2 = datetime.date(2026, 10, 2)
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def finance_members(cast):
    """Sở Tài chính's members in every situation the campaign must tell apart."""
    with time_machine.travel(datetime.date(2026, 1, 10)):
        m = {"lc": cast.member}
        introduce(cast, cast.member, cell=cast.lc_cell_1)
        m["pk"] = cast.member_factory(full_name="Lê Văn Phú", commune_code=PHU_KHUONG)
        introduce(cast, m["pk"], cell=cast.pk_cell)
        m["issued"] = cast.member_factory(full_name="Đỗ Thị Chờ")
        actions.issue_letter(m["issued"], by=cast.finance_clerk)
        m["e1"] = cast.member_factory(full_name="Phan Văn Lưu Động")
        introduce(cast, m["e1"], cell=cast.lc_cell_2)
        actions.set_exemption(m["e1"], exemption="E1b", reason="Công tác lưu động", by=cast.finance_secretary)
        m["e2"] = cast.member_factory(full_name="Hoàng Văn Mật")
        introduce(cast, m["e2"], cell=cast.lc_cell_1)
        actions.set_exemption(m["e2"], exemption="E2", reason="Nhiệm vụ giữ bí mật", by=cast.finance_secretary)
        m["retired"] = cast.member_factory(full_name="Vũ Văn Hưu")
        introduce(cast, m["retired"], cell=cast.lc_cell_1)
        actions.end_employment(m["retired"], reason="retired", by=cast.finance_secretary)
        m["no_letter"] = cast.member_factory(full_name="Trịnh Thị Mới")
        m["draft"] = cast.member_factory(full_name="Mai Văn Nháp")
        actions.prepare_letter(m["draft"], by=cast.finance_clerk)
        m["health"] = cast.member_factory(full_name="Lâm Thị Y", cell=cast.health_cell)
        introduce(cast, m["health"], cell=cast.lc_cell_1)
    return m


def open_for_finance(cast, **kwargs):
    kwargs.setdefault("by", cast.finance_clerk)
    with time_machine.travel(OCT_2):
        return actions.open_campaign(cast.finance, **kwargs)


def test_it_asks_for_a_comment_on_every_introduced_employed_non_exempt_member(cast, finance_members):
    m = finance_members
    result = open_for_finance(cast)
    assert {r.book.member for r in result.created} == {m["lc"], m["pk"], m["issued"]}
    assert result.already == 0
    assert result.skipped_exempt == 2  # E1 and E2
    assert result.skipped_no_letter == 2  # no letter, only a draft
    # the retired member's book is closed: not even counted
    assert CommentRequest.objects.filter(book__member__in=[m["retired"], m["health"]]).count() == 0


def test_the_request_carries_the_profiles_deadlines_and_the_letters_residence(cast, finance_members):
    result = open_for_finance(cast)
    request = next(r for r in result.created if r.book.member == cast.member)
    request.refresh_from_db()
    assert request.status == CommentStatus.REQUESTED
    assert request.kind == CommentKind.PERIODIC
    assert request.year == 2026
    assert request.requested_on == OCT_2
    assert request.requested_by == cast.finance_clerk
    assert request.requesting_committee == cast.finance
    assert request.residence_committee == cast.long_chau
    assert request.residence_cell == cast.lc_cell_1
    assert request.letter == cast.book(cast.member).active_letter()
    assert request.due_on == datetime.date(2026, 10, 31)
    assert request.return_due_on == datetime.date(2026, 11, 15)


def test_it_counts_the_requests_per_residence_committee(cast, finance_members):
    result = open_for_finance(cast)
    assert result.by_residence_committee == {cast.long_chau.pk: 2, cast.phu_khuong.pk: 1}


def test_it_writes_one_event_per_request_it_creates(cast, finance_members):
    with recording() as events:
        result = open_for_finance(cast)
    assert len(events) == len(result.created) == 3
    by_object = {e.object_id: e for e in events}
    for request in result.created:
        check_event(
            by_object[str(request.pk)],
            verb="comment_requested",
            by=cast.finance_clerk,
            role="clerk",
            org=cast.finance,
            obj=request,
            after=CommentStatus.REQUESTED,
            member=request.book.member,
            book=request.book,
        )


def test_running_it_twice_creates_nothing_and_writes_no_event(cast, finance_members):
    open_for_finance(cast)
    requests, events = CommentRequest.objects.count(), Event.objects.count()
    again = open_for_finance(cast, by=cast.finance_secretary)
    assert again.created == []
    assert again.already == 3
    assert again.by_residence_committee == {}
    assert CommentRequest.objects.count() == requests
    assert Event.objects.count() == events


@pytest.mark.parametrize(
    "when", [datetime.datetime(2026, 9, 30, 23, 30, tzinfo=VN), datetime.datetime(2026, 1, 10, 9, 0, tzinfo=VN)]
)
def test_it_is_refused_before_october_first(cast, finance_members, when):
    with time_machine.travel(when), refused_without_trace(TransitionError) as info:
        actions.open_campaign(cast.finance, by=cast.finance_clerk)
    assert "01/10/2026" in str(info.value)


def test_it_is_refused_for_a_date_given_before_october_first(cast, finance_members):
    with time_machine.travel(OCT_2), refused_without_trace(TransitionError):
        actions.open_campaign(cast.finance, by=cast.finance_clerk, on=datetime.date(2026, 9, 30))


def test_a_person_cannot_date_it_in_the_future_to_open_october_early(cast, finance_members):
    with time_machine.travel(datetime.datetime(2026, 9, 20, 9, 0, tzinfo=VN)):
        with refused_without_trace(InvalidInput) as info:
            actions.open_campaign(cast.finance, by=cast.finance_clerk, on=datetime.date(2026, 10, 2))
        assert "tương lai" in str(info.value)


def test_it_opens_from_the_first_minute_of_october_first(cast, finance_members):
    with time_machine.travel(datetime.datetime(2026, 10, 1, 0, 5, tzinfo=VN)):
        result = actions.open_campaign(cast.finance, by=cast.finance_clerk)
    assert len(result.created) == 3
    assert {r.requested_on for r in result.created} == {datetime.date(2026, 10, 1)}


def test_it_is_refused_for_a_year_whose_october_has_not_come(cast, finance_members):
    with time_machine.travel(OCT_2), refused_without_trace(TransitionError):
        actions.open_campaign(cast.finance, year=2027, by=cast.finance_clerk)


def test_a_past_years_campaign_can_still_be_opened(cast, finance_members):
    result = open_for_finance(cast, year=2025)
    assert {r.year for r in result.created} == {2025}
    assert {r.due_on for r in result.created} == {datetime.date(2025, 10, 31)}


def test_the_system_may_open_it_without_a_user(cast, finance_members):
    with recording() as events:
        result = open_for_finance(cast, by=None)
    assert len(result.created) == 3
    assert {r.requested_by for r in CommentRequest.objects.all()} == {None}
    assert {(e.actor, e.actor_name, e.actor_role, e.actor_org) for e in events} == {
        (None, actions.SYSTEM_NAME, "", None)
    }


def test_a_cancelled_request_does_not_block_a_new_one(cast, finance_members):
    old = comment_at(cast, CommentStatus.CANCELLED)
    assert old.status == CommentStatus.CANCELLED
    result = open_for_finance(cast)
    new = [r for r in result.created if r.book.member == cast.member]
    assert len(new) == 1 and new[0].pk != old.pk
    old.refresh_from_db()
    assert old.status == CommentStatus.CANCELLED
    assert CommentRequest.objects.filter(book=cast.book(cast.member), year=2026).count() == 2


def test_a_request_for_a_letter_not_yet_received_gets_its_cell_on_receipt(cast, finance_members):
    result = open_for_finance(cast)
    request = next(r for r in result.created if r.book.member == finance_members["issued"])
    assert request.residence_committee == cast.long_chau
    assert request.residence_cell is None
    letter = cast.book(finance_members["issued"]).active_letter()
    with time_machine.travel(datetime.date(2026, 10, 5)):
        actions.confirm_letter(letter, cell=cast.lc_cell_2, by=cast.lc_clerk)
    request.refresh_from_db()
    assert request.residence_cell == cast.lc_cell_2


def test_it_does_not_touch_the_other_workplace_committees_members(cast, finance_members):
    open_for_finance(cast)
    assert not CommentRequest.objects.filter(book__member=finance_members["health"]).exists()
    with time_machine.travel(OCT_2):
        result = actions.open_campaign(cast.health, by=cast.health_secretary)
    assert [r.book.member for r in result.created] == [finance_members["health"]]
    assert result.created[0].requesting_committee == cast.health


@pytest.mark.parametrize(
    "who",
    [
        "outsider",
        "member_user",
        "board_officer",
        "lc_secretary",
        "lc_cell_secretary",
        "health_secretary",
        "finance_cell_secretary",
    ],
)
def test_only_the_workplace_committee_may_open_it(cast, finance_members, who):
    with time_machine.travel(OCT_2), refused_without_trace(NotAllowed):
        actions.open_campaign(cast.finance, by=getattr(cast, who))


def test_a_residence_committee_cannot_open_a_campaign(cast, finance_members):
    with time_machine.travel(OCT_2), refused_without_trace(InvalidInput):
        actions.open_campaign(cast.long_chau, by=cast.lc_secretary)


# --------------------------------------------------------------------------- overdue


def overdue_both_ways(request, moment):
    """is_overdue() and CommentRequest.objects.overdue() at a moment, with and without an explicit day."""
    day = moment.astimezone(VN).date()
    with time_machine.travel(moment):
        implicit = (request.is_overdue(), CommentRequest.objects.overdue().filter(pk=request.pk).exists())
    explicit = (request.is_overdue(day), CommentRequest.objects.overdue(day).filter(pk=request.pk).exists())
    return implicit, explicit


@pytest.mark.parametrize(
    ("status", "moment", "overdue"),
    [
        ("requested", datetime.datetime(2026, 10, 31, 23, 59, tzinfo=VN), False),
        ("requested", datetime.datetime(2026, 11, 1, 0, 1, tzinfo=VN), True),
        ("drafted", datetime.datetime(2026, 10, 31, 12, 0, tzinfo=VN), False),
        ("drafted", datetime.datetime(2026, 11, 1, 6, 0, tzinfo=VN), True),
        ("signed", datetime.datetime(2026, 11, 1, 9, 0, tzinfo=VN), False),
        ("signed", datetime.datetime(2026, 11, 15, 23, 59, tzinfo=VN), False),
        ("signed", datetime.datetime(2026, 11, 16, 0, 1, tzinfo=VN), True),
        ("certified", datetime.datetime(2026, 11, 15, 18, 0, tzinfo=VN), False),
        ("certified", datetime.datetime(2026, 11, 16, 6, 59, tzinfo=VN), True),
        ("returned", datetime.datetime(2026, 12, 31, 9, 0, tzinfo=VN), False),
        ("acknowledged", datetime.datetime(2026, 12, 31, 9, 0, tzinfo=VN), False),
        ("cancelled", datetime.datetime(2026, 12, 31, 9, 0, tzinfo=VN), False),
    ],
)
def test_is_overdue_and_the_overdue_query_agree_around_the_deadlines(cast, status, moment, overdue):
    request = comment_at(cast, status)
    implicit, explicit = overdue_both_ways(request, moment)
    assert implicit == explicit == (overdue, overdue)


def test_it_is_refused_before_october_first_even_for_a_committee_without_members(cast):
    with time_machine.travel(datetime.date(2026, 9, 1)), refused_without_trace(TransitionError) as info:
        actions.open_campaign(cast.health, by=cast.health_secretary)
    assert "01/10/2026" in str(info.value)
