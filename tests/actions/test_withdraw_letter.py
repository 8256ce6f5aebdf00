"""withdraw_letter: the workplace committee withdraws a draft or a letter sent by mistake."""

import datetime

import pytest

from books import actions
from books.errors import InvalidInput, NotAllowed, TransitionError
from books.models import CommentStatus, LeaveReason, LetterCounter, LetterStatus, ResidenceRegisterEntry
from tests.cast import PHU_KHUONG, check_event, introduce, recording, refused, request_comments, sign_request

WRONG_ACTORS = [
    "outsider",
    "member_user",
    "board_officer",
    "finance_cell_secretary",
    "health_secretary",
    "lc_secretary",
    "lc_clerk",
]


def test_it_withdraws_a_draft_without_using_a_number(cast):
    draft = actions.prepare_letter(cast.member, by=cast.finance_clerk)
    with recording() as events:
        letter = actions.withdraw_letter(draft, reason="Soạn nhầm", by=cast.finance_clerk)

    letter.refresh_from_db()
    assert letter.status == LetterStatus.WITHDRAWN
    assert letter.ended_on == datetime.date.today()
    assert letter.end_reason == "Soạn nhầm"
    assert letter.number is None
    assert not LetterCounter.objects.exists()
    (event,) = events
    check_event(
        event,
        verb="letter_withdrawn",
        by=cast.finance_clerk,
        role="clerk",
        org=cast.finance,
        obj=letter,
        before=LetterStatus.DRAFT,
        after=LetterStatus.WITHDRAWN,
        member=cast.member,
        book=cast.book(cast.member),
    )
    assert event.data == {"reason": "Soạn nhầm", "cancelled_comments": []}


def test_it_withdraws_a_letter_not_yet_received(cast):
    letter = actions.issue_letter(cast.member, by=cast.finance_clerk)
    with recording() as events:
        actions.withdraw_letter(
            letter, reason="Gửi nhầm nơi nhận", by=cast.finance_secretary, on=datetime.date(2026, 2, 1)
        )
    letter.refresh_from_db()
    assert (letter.status, letter.ended_on) == (LetterStatus.WITHDRAWN, datetime.date(2026, 2, 1))
    assert letter.number == 1  # the number stays used: the paper exists
    (event,) = events
    assert (event.state_before, event.state_after) == (LetterStatus.ISSUED, LetterStatus.WITHDRAWN)
    assert not ResidenceRegisterEntry.objects.exists()


def test_a_received_letter_leaves_the_register_and_its_open_comments_are_cancelled(cast):
    other = cast.member_factory()
    letter = introduce(cast, cast.member)
    introduce(cast, other)
    mine, others = sorted(request_comments(cast), key=lambda r: r.book.member_id != cast.member.pk)
    with recording() as events:
        actions.withdraw_letter(letter, reason="Giới thiệu nhầm người", by=cast.finance_clerk)

    entry = ResidenceRegisterEntry.objects.get(letter=letter)
    assert (entry.left_on, entry.left_reason, entry.left_note) == (
        datetime.date.today(),
        LeaveReason.WITHDRAWN,
        "Giới thiệu nhầm người",
    )
    mine.refresh_from_db()
    assert (mine.status, mine.cancel_reason) == (CommentStatus.CANCELLED, "Thu hồi giấy giới thiệu")
    others.refresh_from_db()
    assert others.status == CommentStatus.REQUESTED
    assert ResidenceRegisterEntry.objects.get(member=other).left_on is None
    (event,) = events
    assert (event.state_before, event.data["cancelled_comments"]) == (LetterStatus.RECEIVED, [mine.pk])


def test_a_signed_comment_is_cancelled_with_the_letter(cast):
    letter = introduce(cast, cast.member)
    (request,) = request_comments(cast)
    sign_request(cast, request)
    actions.withdraw_letter(letter, reason="Giới thiệu nhầm người", by=cast.finance_clerk)
    request.refresh_from_db()
    assert request.status == CommentStatus.CANCELLED


def test_it_refuses_without_a_reason(cast):
    letter = actions.issue_letter(cast.member, by=cast.finance_clerk)
    with refused(InvalidInput, "Hãy ghi lý do thu hồi", letter) as info:
        actions.withdraw_letter(letter, reason="  ", by=cast.finance_clerk)
    assert "reason" in info.value.field_errors


def test_it_refuses_a_letter_already_withdrawn(cast):
    letter = actions.issue_letter(cast.member, by=cast.finance_clerk)
    actions.withdraw_letter(letter, reason="Gửi nhầm", by=cast.finance_clerk)
    with refused(TransitionError, "đã hết hiệu lực", letter):
        actions.withdraw_letter(letter, reason="Lần nữa", by=cast.finance_clerk)


def test_it_refuses_a_superseded_letter(cast):
    from tests.cast import commune

    old = introduce(cast, cast.member)
    actions.change_residence(cast.member, commune=commune(PHU_KHUONG), line="Số 8, Khu phố 3", by=cast.finance_clerk)
    old.refresh_from_db()
    assert old.status == LetterStatus.SUPERSEDED
    with refused(TransitionError, "đã hết hiệu lực", old):
        actions.withdraw_letter(old, reason="Nhầm", by=cast.finance_clerk)


@pytest.mark.parametrize("actor", WRONG_ACTORS)
def test_it_refuses_anyone_without_a_committee_role_at_the_book_holder(cast, actor):
    letter = introduce(cast, cast.member)
    entry = ResidenceRegisterEntry.objects.get(letter=letter)
    with refused(NotAllowed, "không có quyền", letter, entry):
        actions.withdraw_letter(letter, reason="Không có quyền", by=getattr(cast, actor))


def test_the_member_can_be_introduced_again_afterwards(cast):
    letter = introduce(cast, cast.member)
    actions.withdraw_letter(letter, reason="Giới thiệu nhầm", by=cast.finance_clerk)
    again = introduce(cast, cast.member, cell=cast.lc_cell_2)
    assert again.number == 2
    assert ResidenceRegisterEntry.objects.get(member=cast.member, left_on__isnull=True).letter == again
