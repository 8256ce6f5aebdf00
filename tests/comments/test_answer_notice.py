"""answer_notice: the workplace committee answers a violation notice with what it did."""

import datetime

import pytest
import time_machine

from books import actions
from books.errors import InvalidInput, NotAllowed, TransitionError
from books.models import NoticeStatus
from tests.cast import check_event, introduce, recording, refused_without_trace

RAISED = datetime.date(2026, 8, 3)
DAY = datetime.date(2026, 8, 20)
ANSWER = "Chi bộ đã kiểm điểm, đồng chí nhận khuyết điểm và cam kết khắc phục."


@pytest.fixture
def notice(cast):
    with time_machine.travel(datetime.date(2026, 1, 15)):
        introduce(cast, cast.member, cell=cast.lc_cell_1)
    with time_machine.travel(RAISED):
        return actions.raise_notice(
            cast.member,
            description="Không chấp hành quy định về giữ gìn vệ sinh môi trường của khóm.",
            observed_on=datetime.date(2026, 7, 30),
            by=cast.lc_secretary,
        )


def answer(notice, by, text=ANSWER, on=None):
    with time_machine.travel(DAY):
        return actions.answer_notice(notice, answer=text, by=by, on=on)


@pytest.mark.parametrize(("who", "role"), [("finance_secretary", "secretary"), ("finance_clerk", "clerk")])
def test_the_workplace_committee_answers(cast, notice, who, role):
    user = getattr(cast, who)
    with recording() as events:
        answered = answer(notice, user)
    answered.refresh_from_db()
    assert answered.status == NoticeStatus.ANSWERED
    assert (answered.answer, answered.answered_on, answered.answered_by) == (ANSWER, DAY, user)
    assert not answered.is_overdue(datetime.date(2026, 12, 31))
    assert len(events) == 1
    check_event(
        events[0],
        verb="notice_answered",
        by=user,
        role=role,
        org=cast.finance,
        obj=answered,
        before=NoticeStatus.RAISED,
        after=NoticeStatus.ANSWERED,
        member=cast.member,
        book=cast.book(cast.member),
    )


def test_a_notice_is_answered_once(cast, notice):
    answer(notice, cast.finance_secretary)
    with refused_without_trace(TransitionError):
        answer(notice, cast.finance_clerk, text="Trả lời lần thứ hai, bổ sung thêm.")


@pytest.mark.parametrize("text", ["", "Đã xử lý.", "   ok   "])
def test_the_answer_must_say_what_was_done(cast, notice, text):
    with refused_without_trace(InvalidInput) as info:
        answer(notice, cast.finance_secretary, text=text)
    assert "answer" in info.value.field_errors


@pytest.mark.parametrize(
    "who",
    [
        "outsider",
        "member_user",
        "board_officer",
        "finance_cell_secretary",
        "health_secretary",
        "lc_secretary",  # the side that raised it cannot answer it
        "lc_clerk",
        "lc_cell_secretary",
    ],
)
def test_only_the_workplace_committee_may_answer(cast, notice, who):
    with refused_without_trace(NotAllowed):
        answer(notice, getattr(cast, who))


def test_after_a_change_of_workplace_the_new_committee_answers(cast, notice):
    with time_machine.travel(datetime.date(2026, 8, 10)):
        actions.change_workplace(cast.member, cell=cast.health_cell, by=cast.health_secretary)
    notice.refresh_from_db()
    assert notice.workplace_committee == cast.health
    with refused_without_trace(NotAllowed):
        answer(notice, cast.finance_secretary)
    assert answer(notice, cast.health_secretary).answered_by == cast.health_secretary


def test_an_answer_cannot_be_dated_in_the_future(cast, notice):
    with refused_without_trace(InvalidInput) as info:
        answer(notice, cast.finance_clerk, on=DAY + datetime.timedelta(days=1))
    assert "tương lai" in str(info.value)
