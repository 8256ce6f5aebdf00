"""record_rating: the December rating, with the year's residence comment as evidence or flagged without it."""

import datetime

import pytest
import time_machine

from books import actions
from books.errors import InvalidInput, NotAllowed, TransitionError
from books.models import AnnualRating, Book, RegulationProfile
from tests.cast import check_event, comment_at, full_comment, introduce, recording, refused_without_trace

DECEMBER = datetime.date(2026, 12, 15)


def rate(cast, by, year=2026, level="good", member=None, **kwargs):
    with time_machine.travel(DECEMBER):
        return actions.record_rating(cast.book(member or cast.member), year=year, level=level, by=by, **kwargs)


@pytest.mark.parametrize("status", ["returned", "acknowledged"])
def test_it_links_the_years_comment_that_came_back(cast, status):
    comment = comment_at(cast, status)
    with recording() as events:
        rating = rate(cast, cast.finance_cell_secretary, note="Căn cứ nhận xét nơi cư trú")
    rating.refresh_from_db()
    assert rating.comment == comment
    assert rating.without_comment is False
    assert (rating.year, rating.level, rating.rated_on, rating.rated_by) == (
        2026,
        "good",
        DECEMBER,
        cast.finance_cell_secretary,
    )
    assert rating.note == "Căn cứ nhận xét nơi cư trú"
    assert len(events) == 1
    check_event(
        events[0],
        verb="rating_recorded",
        by=cast.finance_cell_secretary,
        role="cell_secretary",
        org=cast.finance_cell,
        obj=rating,
        after="good",
        member=cast.member,
        book=cast.book(cast.member),
    )
    assert events[0].data == {"year": 2026, "comment": comment.pk, "without_comment": False}


def test_without_a_comment_it_is_stored_and_flagged(cast):
    rating = rate(cast, cast.finance_secretary)
    assert rating.comment is None
    assert rating.without_comment is True


@pytest.mark.parametrize("status", ["requested", "drafted", "signed", "certified", "cancelled"])
def test_a_comment_that_has_not_come_back_does_not_count(cast, status):
    comment_at(cast, status)
    rating = rate(cast, cast.finance_clerk)
    assert (rating.comment, rating.without_comment) == (None, True)


def test_the_periodic_comment_is_the_evidence_even_when_an_on_demand_one_came_back(cast):
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, cast.member, cell=cast.lc_cell_1)
    with time_machine.travel(datetime.date(2026, 3, 1)):
        actions.set_exemption(cast.member, exemption="E1c", reason="Học tập trung 6 tháng", by=cast.finance_secretary)
        on_demand = actions.request_comment_on_demand(cast.book(cast.member), reason="reward", by=cast.finance_clerk)
        actions.sign_comment(on_demand, by=cast.lc_cell_secretary, **full_comment())
        actions.certify_comment(on_demand, by=cast.lc_secretary)
        actions.return_comment(on_demand, by=cast.lc_secretary)
        actions.clear_exemption(cast.member, by=cast.finance_secretary)
    periodic = comment_at(cast, "acknowledged")
    assert periodic.returned_on > datetime.date(2026, 3, 1)
    rating = rate(cast, cast.finance_secretary)
    assert rating.comment == periodic


def test_an_e1_members_on_demand_comment_is_the_evidence(cast):
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, cast.member, cell=cast.lc_cell_1)
        actions.set_exemption(cast.member, exemption="E1a", reason="Ở doanh trại", by=cast.finance_secretary)
    with time_machine.travel(datetime.date(2026, 11, 2)):
        on_demand = actions.request_comment_on_demand(cast.book(cast.member), reason="cadre", by=cast.finance_clerk)
        actions.sign_comment(on_demand, by=cast.lc_cell_secretary, **full_comment())
        actions.certify_comment(on_demand, by=cast.lc_secretary)
        actions.return_comment(on_demand, by=cast.lc_secretary)
    assert rate(cast, cast.finance_secretary).comment == on_demand


def test_a_second_rating_for_the_year_is_refused(cast):
    rate(cast, cast.finance_cell_secretary)
    with refused_without_trace(TransitionError):
        rate(cast, cast.finance_secretary, level="excellent")
    assert AnnualRating.objects.get().level == "good"


def test_last_years_rating_is_another_rating(cast):
    rate(cast, cast.finance_secretary, year=2025)
    assert rate(cast, cast.finance_secretary, year=2026).year == 2026


@pytest.mark.parametrize("year", [2027, 2031, 2024])
def test_a_future_year_or_one_outside_the_term_is_refused(cast, year):
    with refused_without_trace(InvalidInput) as info:
        rate(cast, cast.finance_secretary, year=year)
    assert "year" in info.value.field_errors


@pytest.mark.parametrize("level", ["", "tot", "Hoàn thành tốt nhiệm vụ", "GOOD"])
def test_the_level_is_one_of_the_four(cast, level):
    with refused_without_trace(InvalidInput) as info:
        rate(cast, cast.finance_secretary, level=level)
    assert "level" in info.value.field_errors


@pytest.mark.parametrize(
    ("who", "role", "org"),
    [
        ("finance_cell_secretary", "cell_secretary", "finance_cell"),
        ("finance_secretary", "secretary", "finance"),
        ("finance_clerk", "clerk", "finance"),
    ],
)
def test_the_workplace_cell_or_committee_may_rate(cast, who, role, org):
    with recording() as events:
        rate(cast, getattr(cast, who))
    assert (events[0].actor_role, events[0].actor_org) == (role, getattr(cast, org))


@pytest.mark.parametrize(
    "who",
    [
        "outsider",
        "member_user",  # a member never rates themself
        "board_officer",
        "health_secretary",
        "lc_secretary",  # the residence side comments; it never rates
        "lc_cell_secretary",
        "pk_secretary",
    ],
)
def test_nobody_else_may_rate(cast, who):
    with refused_without_trace(NotAllowed):
        rate(cast, getattr(cast, who))


def test_after_a_change_of_workplace_the_new_side_rates(cast):
    with time_machine.travel(datetime.date(2026, 11, 1)):
        actions.change_workplace(cast.member, cell=cast.health_cell, by=cast.finance_secretary)
    with refused_without_trace(NotAllowed):
        rate(cast, cast.finance_cell_secretary)
    assert rate(cast, cast.health_secretary).rated_by == cast.health_secretary


def test_a_rating_cannot_be_dated_in_the_future(cast):
    with refused_without_trace(InvalidInput) as info:
        rate(cast, cast.finance_cell_secretary, on=DECEMBER + datetime.timedelta(days=1))
    assert "tương lai" in str(info.value)


@pytest.mark.parametrize("day", [datetime.date(2026, 3, 10), datetime.date(2026, 11, 30)])
def test_the_years_rating_is_refused_before_december(cast, day):
    with time_machine.travel(day), refused_without_trace(TransitionError) as info:
        actions.record_rating(cast.book(cast.member), year=2026, level="good", by=cast.finance_secretary)
    assert "Chưa đến thời gian xếp loại đảng viên năm 2026 (từ ngày 01/12/2026)" in str(info.value)


def test_the_first_of_december_is_in_the_window_and_last_year_any_day(cast):
    with time_machine.travel(datetime.date(2026, 3, 10)):
        assert actions.record_rating(cast.book(cast.member), year=2025, level="good", by=cast.finance_secretary)
    with time_machine.travel(datetime.date(2026, 12, 1)):
        assert actions.record_rating(cast.book(cast.member), year=2026, level="good", by=cast.finance_secretary)


def test_the_window_is_the_books_profiles(cast):
    rules = actions.default_profile().rules
    later = RegulationProfile.objects.create(
        code="thu-15-12",
        name="Quy định thử (xếp loại từ 15/12)",
        effective_from=datetime.date(2025, 1, 1),
        rules={**rules, "deadlines": {**rules["deadlines"], "rating_start": "12-15"}},
    )
    Book.objects.filter(member=cast.member).update(profile=later)
    with time_machine.travel(datetime.date(2026, 12, 10)), refused_without_trace(TransitionError) as info:
        actions.record_rating(cast.book(cast.member), year=2026, level="good", by=cast.finance_secretary)
    assert "15/12/2026" in str(info.value)
