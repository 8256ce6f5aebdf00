"""reassign_cell: the residence committee moves a received member to another of its cells."""

import datetime

import pytest
import time_machine

from books import actions
from books.errors import InvalidInput, NotAllowed, TransitionError
from books.models import CommentStatus, ResidenceRegisterEntry
from tests.cast import check_event, introduce, recording, refused, request_comments, sign_request

WRONG_ACTORS = [
    "outsider",
    "member_user",
    "board_officer",
    "finance_secretary",
    "finance_clerk",
    "lc_cell_secretary",
    "pk_secretary",
]


def test_it_closes_the_old_cells_row_and_opens_one_in_the_new_cell(cast):
    member = cast.member
    letter = introduce(cast, member)
    (request,) = request_comments(cast)
    old = ResidenceRegisterEntry.objects.get(member=member)
    with time_machine.travel(datetime.date(2026, 12, 2)), recording() as events:
        entry = actions.reassign_cell(member, cell=cast.lc_cell_2, by=cast.lc_clerk)

    old.refresh_from_db()
    assert (old.cell, old.left_on, old.left_reason) == (cast.lc_cell_1, datetime.date(2026, 12, 1), "cell")
    entry.refresh_from_db()
    assert entry.pk != old.pk
    assert (entry.cell, entry.entered_on, entry.left_on, entry.letter) == (
        cast.lc_cell_2,
        datetime.date(2026, 12, 2),
        None,
        letter,
    )
    letter.refresh_from_db()
    assert letter.assigned_cell == cast.lc_cell_2
    request.refresh_from_db()
    assert request.residence_cell == cast.lc_cell_2
    (event,) = events
    check_event(
        event,
        verb="cell_reassigned",
        by=cast.lc_clerk,
        role="clerk",
        org=cast.long_chau,
        obj=entry,
        member=member,
        book=cast.book(member),
    )
    assert event.data == {"from": cast.lc_cell_1.pk, "to": cast.lc_cell_2.pk}


def test_a_comment_the_old_cell_already_signed_stays_with_it(cast):
    introduce(cast, cast.member)
    (request,) = request_comments(cast)
    sign_request(cast, request)
    actions.reassign_cell(cast.member, cell=cast.lc_cell_2, by=cast.lc_secretary)
    request.refresh_from_db()
    assert (request.status, request.residence_cell) == (CommentStatus.SIGNED, cast.lc_cell_1)


def test_it_refuses_the_cell_the_member_is_already_in(cast):
    letter = introduce(cast, cast.member)
    entry = ResidenceRegisterEntry.objects.get(member=cast.member)
    with refused(TransitionError, "đã sinh hoạt ở chi bộ này", entry, letter):
        actions.reassign_cell(cast.member, cell=cast.lc_cell_1, by=cast.lc_clerk)


def test_it_refuses_a_cell_of_another_committee(cast):
    letter = introduce(cast, cast.member)
    entry = ResidenceRegisterEntry.objects.get(member=cast.member)
    with refused(InvalidInput, "không phải chi bộ nơi cư trú thuộc", entry, letter):
        actions.reassign_cell(cast.member, cell=cast.pk_cell, by=cast.lc_clerk)


def test_it_refuses_a_member_whose_letter_is_not_yet_received(cast):
    letter = actions.issue_letter(cast.member, by=cast.finance_clerk)
    with refused(TransitionError, "không có tên trong sổ theo dõi", letter):
        actions.reassign_cell(cast.member, cell=cast.lc_cell_2, by=cast.lc_clerk)


def test_it_refuses_a_member_who_has_left_the_register(cast):
    letter = introduce(cast, cast.member)
    actions.withdraw_letter(letter, reason="Giới thiệu nhầm", by=cast.finance_clerk)
    with refused(TransitionError, "không có tên trong sổ theo dõi"):
        actions.reassign_cell(cast.member, cell=cast.lc_cell_2, by=cast.lc_clerk)


@pytest.mark.parametrize("actor", WRONG_ACTORS)
def test_it_refuses_anyone_without_a_committee_role_at_the_residence_committee(cast, actor):
    letter = introduce(cast, cast.member)
    entry = ResidenceRegisterEntry.objects.get(member=cast.member)
    with refused(NotAllowed, "không có quyền", entry, letter):
        actions.reassign_cell(cast.member, cell=cast.lc_cell_2, by=getattr(cast, actor))


def test_after_a_new_term_it_moves_the_letter_in_force_so_next_years_request_goes_to_the_new_cell(cast):
    import datetime

    import time_machine

    from books.models import IntroductionLetter

    introduce(cast, cast.member, received_on=datetime.date(2026, 1, 10))
    with time_machine.travel(datetime.date(2030, 1, 3)):
        actions.rollover_term(by=None)
    with time_machine.travel(datetime.date(2030, 3, 1)):
        actions.reassign_cell(cast.member, cell=cast.lc_cell_2, by=cast.lc_clerk)
    carried = IntroductionLetter.objects.get(book=cast.book(cast.member))
    assert carried.assigned_cell == cast.lc_cell_2
    with time_machine.travel(datetime.date(2030, 10, 2)):
        (request,) = request_comments(cast, year=2030)
    assert request.residence_cell == cast.lc_cell_2


def test_past_meetings_stay_with_the_cell_the_member_was_in(cast):
    member = cast.member
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, member)
    with time_machine.travel(datetime.date(2026, 9, 1)):
        actions.reassign_cell(member, cell=cast.lc_cell_2, by=cast.lc_clerk)
        # June: the member was in Khóm 1, so Khóm 1's June meeting may list them, Khóm 2's may not
        actions.record_meeting(
            cast.lc_cell_1, held_on=datetime.date(2026, 6, 20), attendance={member.pk: True}, by=cast.lc_clerk
        )
        with refused(InvalidInput, "không sinh hoạt ở chi bộ này"):
            actions.record_meeting(
                cast.lc_cell_2, held_on=datetime.date(2026, 6, 21), attendance={member.pk: True}, by=cast.lc_clerk
            )
