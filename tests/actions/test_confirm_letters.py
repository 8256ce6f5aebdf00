"""confirm_letters: the residence committee receives letters and assigns each member to a cell."""

import datetime

import pytest
import time_machine

from books import actions
from books.errors import InvalidInput, NotAllowed, TransitionError
from books.models import CommentRequest, LetterStatus, ResidenceRegisterEntry
from tests.cast import PHU_KHUONG, check_event, recording, refused, request_comments

WRONG_ACTORS = [
    "outsider",
    "member_user",
    "board_officer",
    "finance_secretary",
    "finance_clerk",
    "lc_cell_secretary",
    "pk_secretary",
    "pk_cell_secretary",
]

JAN_10 = datetime.date(2026, 1, 10)


@pytest.fixture
def letters(cast):
    """Two letters to Long Châu, signed on 10/01/2026."""
    members = [cast.member, cast.member_factory()]
    return actions.issue_letters(members, by=cast.finance_clerk, on=JAN_10)


def test_it_receives_a_batch_each_into_its_own_cell(cast, letters):
    first, second = letters
    with recording() as events:
        done = actions.confirm_letters(
            [(first, cast.lc_cell_1), (second, cast.lc_cell_2)],
            by=cast.lc_clerk,
            received_on=datetime.date(2026, 1, 20),
        )

    assert [letter.pk for letter in done] == [first.pk, second.pk]
    for letter, cell in ((first, cast.lc_cell_1), (second, cast.lc_cell_2)):
        letter.refresh_from_db()
        assert letter.status == LetterStatus.RECEIVED
        assert letter.received_on == datetime.date(2026, 1, 20)
        assert letter.received_by == cast.lc_clerk
        assert letter.receiver_name == "Đặng Thị Hoa"
        assert letter.assigned_cell == cell
        entry = ResidenceRegisterEntry.objects.get(member=letter.book.member)
        assert (entry.residence_committee, entry.letter, entry.cell) == (cast.long_chau, letter, cell)
        assert (entry.entered_on, entry.left_on, entry.left_reason) == (datetime.date(2026, 1, 20), None, "")
    assert len(events) == 2
    for event, letter, cell in zip(events, (first, second), (cast.lc_cell_1, cast.lc_cell_2), strict=True):
        check_event(
            event,
            verb="letter_received",
            by=cast.lc_clerk,
            role="clerk",
            org=cast.long_chau,
            obj=letter,
            before=LetterStatus.ISSUED,
            after=LetterStatus.RECEIVED,
            member=letter.book.member,
            book=letter.book,
        )
        assert event.data == {"cell": cell.pk, "received_on": "2026-01-20"}


def test_receipt_defaults_to_today(cast, letters):
    letter = actions.confirm_letter(letters[0], cell=cast.lc_cell_1, by=cast.lc_secretary)
    assert letter.received_on == datetime.date.today()


def test_a_paper_letter_entered_by_the_clerk_says_on_whose_behalf(cast, letters):
    letter = actions.confirm_letter(
        letters[0], cell=cast.lc_cell_1, by=cast.lc_clerk, on_behalf_of="Huỳnh Văn Sáu, Bí thư Đảng ủy"
    )
    letter.refresh_from_db()
    assert letter.entered_on_behalf_of == "Huỳnh Văn Sáu, Bí thư Đảng ủy"


def test_a_receipt_on_the_day_of_signing_is_accepted(cast, letters):
    letter = actions.confirm_letter(letters[0], cell=cast.lc_cell_1, by=cast.lc_clerk, received_on=JAN_10)
    assert letter.received_on == JAN_10


def test_comment_requests_already_open_without_a_cell_get_the_cell(cast, letters):
    assert len(request_comments(cast)) == 2
    request = CommentRequest.objects.get(letter=letters[0])
    assert request.residence_cell is None
    actions.confirm_letter(letters[0], cell=cast.lc_cell_2, by=cast.lc_clerk)
    request.refresh_from_db()
    assert request.residence_cell == cast.lc_cell_2
    assert CommentRequest.objects.get(letter=letters[1]).residence_cell is None


def test_phu_khuong_receives_the_letters_addressed_to_it(cast):
    member = cast.member_factory(commune_code=PHU_KHUONG)
    letter = actions.issue_letter(member, by=cast.finance_clerk)
    actions.confirm_letter(letter, cell=cast.pk_cell, by=cast.pk_secretary)
    assert ResidenceRegisterEntry.objects.get(member=member).residence_committee == cast.phu_khuong


@pytest.mark.parametrize("actor", WRONG_ACTORS)
def test_it_refuses_anyone_without_a_committee_role_at_the_addressee(cast, letters, actor):
    with refused(NotAllowed, "không có quyền", letters[0]):
        actions.confirm_letter(letters[0], cell=cast.lc_cell_1, by=getattr(cast, actor))


def test_phu_khuong_cannot_receive_a_letter_addressed_to_long_chau_even_into_its_own_cell(cast, letters):
    with refused(NotAllowed, "không có quyền", letters[0]):
        actions.confirm_letter(letters[0], cell=cast.pk_cell, by=cast.pk_secretary)


def test_it_refuses_a_cell_of_another_committee(cast, letters):
    with refused(InvalidInput, "không phải chi bộ nơi cư trú thuộc Đảng ủy phường Long Châu", letters[0]) as info:
        actions.confirm_letter(letters[0], cell=cast.pk_cell, by=cast.lc_clerk)
    assert "cell" in info.value.field_errors


@pytest.mark.parametrize("org", ["long_chau", "finance_cell"])
def test_it_refuses_something_that_is_not_a_residence_cell(cast, letters, org):
    with refused(InvalidInput, "không phải chi bộ nơi cư trú", letters[0]):
        actions.confirm_letter(letters[0], cell=getattr(cast, org), by=cast.lc_clerk)


def test_it_refuses_a_cell_that_no_longer_exists(cast, letters):
    cell = cast.lc_cell_2
    cell.valid_until = datetime.date(2026, 1, 1)
    cell.save()
    with refused(InvalidInput, "đã thôi hoạt động", letters[0]):
        actions.confirm_letter(letters[0], cell=cell, by=cast.lc_clerk)


def test_one_bad_letter_in_a_batch_stops_the_whole_batch(cast, letters):
    first, second = letters
    with refused(InvalidInput, "không phải chi bộ nơi cư trú", first, second):
        actions.confirm_letters([(first, cast.lc_cell_1), (second, cast.pk_cell)], by=cast.lc_clerk)
    assert not ResidenceRegisterEntry.objects.exists()


def test_it_refuses_an_empty_batch(cast):
    with refused(InvalidInput, "Chưa chọn giấy giới thiệu nào"):
        actions.confirm_letters([], by=cast.lc_clerk)


def test_it_refuses_a_letter_already_received(cast, letters):
    letter = actions.confirm_letter(letters[0], cell=cast.lc_cell_1, by=cast.lc_clerk)
    entry = ResidenceRegisterEntry.objects.get(letter=letter)
    with refused(TransitionError, "không ở trạng thái chờ tiếp nhận", letter, entry):
        actions.confirm_letter(letter, cell=cast.lc_cell_2, by=cast.lc_clerk)


def test_it_refuses_a_draft(cast):
    draft = actions.prepare_letter(cast.member, by=cast.finance_clerk)
    with refused(TransitionError, "không ở trạng thái chờ tiếp nhận", draft):
        actions.confirm_letter(draft, cell=cast.lc_cell_1, by=cast.lc_clerk)


def test_it_refuses_a_withdrawn_letter(cast, letters):
    letter = actions.withdraw_letter(letters[0], reason="Gửi nhầm", by=cast.finance_clerk)
    with refused(TransitionError, "không ở trạng thái chờ tiếp nhận", letter):
        actions.confirm_letter(letter, cell=cast.lc_cell_1, by=cast.lc_clerk)


def test_it_refuses_a_receipt_before_the_letter_was_signed(cast, letters):
    with refused(InvalidInput, "trước ngày ký", letters[0]) as info:
        actions.confirm_letter(letters[0], cell=cast.lc_cell_1, by=cast.lc_clerk, received_on=datetime.date(2026, 1, 9))
    assert "received_on" in info.value.field_errors


def test_it_refuses_a_receipt_in_the_future(cast, letters):
    with time_machine.travel(datetime.date(2026, 1, 15)), refused(InvalidInput, "tương lai", letters[0]):
        actions.confirm_letter(
            letters[0], cell=cast.lc_cell_1, by=cast.lc_clerk, received_on=datetime.date(2026, 1, 16)
        )
