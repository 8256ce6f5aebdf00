"""raise_notice: the residence committee reports a violation to the member's workplace committee."""

import datetime

import pytest
import time_machine

from books import actions
from books.errors import InvalidInput, NotAllowed
from books.models import NoticeStatus, ViolationNotice
from tests.cast import PHU_KHUONG, check_event, introduce, recording, refused_without_trace

DAY = datetime.date(2026, 8, 3)
SEEN = datetime.date(2026, 7, 30)
TEXT = "Không chấp hành quy định về giữ gìn vệ sinh môi trường của khóm, đã được nhắc nhở hai lần."


@pytest.fixture
def registered(cast):
    with time_machine.travel(datetime.date(2026, 1, 15)):
        introduce(cast, cast.member, cell=cast.lc_cell_1)
    return cast.member


def raise_(member, by, description=TEXT, observed_on=SEEN, on=None):
    with time_machine.travel(DAY):
        return actions.raise_notice(member, description=description, observed_on=observed_on, by=by, on=on)


@pytest.mark.parametrize(("who", "role"), [("lc_secretary", "secretary"), ("lc_clerk", "clerk")])
def test_the_residence_committee_where_the_member_is_registered_raises_it(cast, registered, who, role):
    user = getattr(cast, who)
    with recording() as events:
        notice = raise_(registered, user)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.RAISED
    assert notice.book == cast.book(registered)
    assert notice.residence_committee == cast.long_chau
    assert notice.workplace_committee == cast.finance
    assert (notice.observed_on, notice.raised_on, notice.raised_by) == (SEEN, DAY, user)
    assert notice.description == TEXT
    assert notice.answer_due_on == DAY + datetime.timedelta(days=30)
    assert len(events) == 1
    check_event(
        events[0],
        verb="notice_raised",
        by=user,
        role=role,
        org=cast.long_chau,
        obj=notice,
        after=NoticeStatus.RAISED,
        member=registered,
        book=cast.book(registered),
    )


def test_the_answer_delay_comes_from_the_profile(cast, registered):
    profile = cast.book(registered).profile
    profile.rules["notice_answer_days"] = 10
    profile.save()
    assert raise_(registered, cast.lc_secretary).answer_due_on == DAY + datetime.timedelta(days=10)


def test_it_is_overdue_after_the_answer_delay(cast, registered):
    notice = raise_(registered, cast.lc_secretary)
    due = DAY + datetime.timedelta(days=30)
    assert not notice.is_overdue(due)
    assert notice.is_overdue(due + datetime.timedelta(days=1))
    with time_machine.travel(due + datetime.timedelta(days=1)):
        assert notice.is_overdue()


def test_another_residence_committee_cannot_raise_it(cast, registered):
    with refused_without_trace(NotAllowed):
        raise_(registered, cast.pk_secretary)


def test_a_member_whose_letter_is_not_yet_received_is_not_registered(cast):
    with time_machine.travel(datetime.date(2026, 1, 15)):
        actions.issue_letter(cast.member, by=cast.finance_clerk)
    with refused_without_trace(NotAllowed):
        raise_(cast.member, cast.lc_secretary)


def test_after_moving_away_the_old_committee_can_no_longer_raise_it(cast, registered):
    with time_machine.travel(datetime.date(2026, 5, 1)):
        letter = actions.change_residence(
            registered, commune=cast.phu_khuong.commune, line="Số 9, Khu phố 3", by=cast.finance_secretary
        )
    with refused_without_trace(NotAllowed):
        raise_(registered, cast.lc_secretary)
    with time_machine.travel(datetime.date(2026, 5, 10)):
        actions.confirm_letter(letter, cell=cast.pk_cell, by=cast.pk_secretary)
    assert raise_(registered, cast.pk_secretary).residence_committee == cast.phu_khuong


def test_an_e2_member_cannot_be_reported_by_the_residence_side(cast, registered):
    with time_machine.travel(datetime.date(2026, 5, 1)):
        actions.set_exemption(registered, exemption="E2", reason="Giữ bí mật", by=cast.finance_secretary)
    with refused_without_trace(NotAllowed):
        raise_(registered, cast.lc_secretary)


@pytest.mark.parametrize("description", ["", "Vi phạm.", "   ngắn   "])
def test_the_violation_must_be_described(cast, registered, description):
    with refused_without_trace(InvalidInput) as info:
        raise_(registered, cast.lc_secretary, description=description)
    assert "description" in info.value.field_errors


def test_the_violation_cannot_be_seen_in_the_future(cast, registered):
    with refused_without_trace(InvalidInput) as info:
        raise_(registered, cast.lc_secretary, observed_on=DAY + datetime.timedelta(days=1))
    assert "observed_on" in info.value.field_errors


@pytest.mark.parametrize(
    "who",
    [
        "outsider",
        "member_user",
        "board_officer",
        "lc_cell_secretary",  # the cell reports to its committee, which raises the notice
        "finance_secretary",
        "finance_cell_secretary",
        "pk_cell_secretary",
    ],
)
def test_only_the_residence_committee_may_raise_it(cast, registered, who):
    with refused_without_trace(NotAllowed):
        raise_(registered, getattr(cast, who))


def test_a_member_of_another_committee_is_addressed_to_that_committee(cast):
    nurse = cast.member_factory(full_name="Lâm Thị Y", cell=cast.health_cell, commune_code=PHU_KHUONG)
    with time_machine.travel(datetime.date(2026, 1, 15)):
        introduce(cast, nurse, cell=cast.pk_cell)
    notice = raise_(nurse, cast.pk_secretary)
    assert notice.workplace_committee == cast.health
    assert ViolationNotice.objects.count() == 1


def test_a_notice_cannot_be_dated_in_the_future(cast, registered):
    with refused_without_trace(InvalidInput) as info:
        raise_(registered, cast.lc_clerk, on=DAY + datetime.timedelta(days=1))
    assert "tương lai" in str(info.value)
