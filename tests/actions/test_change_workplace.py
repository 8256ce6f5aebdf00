"""change_workplace: the member moves to another workplace cell; the book follows."""

import datetime

import pytest

from books import actions
from books.errors import InvalidInput, NotAllowed, TransitionError
from books.models import CommentStatus, LetterStatus, NoticeStatus
from orgs.models import Organisation, OrgKind, Role
from tests.cast import check_event, grant, introduce, make_user, recording, refused, request_comments

WRONG_ACTORS = [
    "outsider",
    "member_user",
    "board_officer",
    "finance_cell_secretary",
    "lc_secretary",
    "lc_clerk",
]


def raise_notice(cast, member):
    return actions.raise_notice(
        member,
        description="Không tham gia họp tổ dân phố ba lần liền",
        observed_on=datetime.date(2026, 11, 1),
        by=cast.lc_secretary,
    )


def test_the_book_passes_to_the_new_committee_with_its_open_comments_and_notices(cast):
    member = cast.member
    letter = introduce(cast, member)
    (request,) = request_comments(cast)
    notice = raise_notice(cast, member)
    book = cast.book(member)
    with recording() as events:
        returned = actions.change_workplace(member, cell=cast.health_cell, by=cast.finance_secretary)

    assert returned.pk == book.pk
    member.refresh_from_db()
    assert member.workplace_cell == cast.health_cell
    book.refresh_from_db()
    assert (book.holder, book.status) == (cast.health, "open")
    request.refresh_from_db()
    assert (request.requesting_committee, request.status) == (cast.health, CommentStatus.REQUESTED)
    notice.refresh_from_db()
    assert (notice.workplace_committee, notice.status) == (cast.health, NoticeStatus.RAISED)
    letter.refresh_from_db()
    assert (letter.status, letter.issuing_committee, letter.workplace_cell) == (
        LetterStatus.RECEIVED,
        cast.finance,
        cast.finance_cell,
    )
    (event,) = events
    check_event(
        event,
        verb="workplace_changed",
        by=cast.finance_secretary,
        role="secretary",
        org=cast.finance,
        obj=book,
        member=member,
        book=book,
    )
    assert event.data == {
        "from_cell": cast.finance_cell.pk,
        "to_cell": cast.health_cell.pk,
        "from_holder": cast.finance.pk,
        "to_holder": cast.health.pk,
    }


def test_a_returned_comment_follows_too(cast):
    from tests.cast import sign_request

    introduce(cast, cast.member)
    (request,) = request_comments(cast)
    sign_request(cast, request)
    actions.certify_comment(request, by=cast.lc_secretary)
    actions.return_comment(request, by=cast.lc_clerk)
    actions.change_workplace(cast.member, cell=cast.health_cell, by=cast.finance_clerk)
    request.refresh_from_db()
    assert request.requesting_committee == cast.health
    actions.acknowledge_comment(request, by=cast.health_secretary)


def test_the_new_committee_may_record_the_move(cast):
    with recording() as events:
        actions.change_workplace(cast.member, cell=cast.health_cell, by=cast.health_secretary)
    (event,) = events
    assert (event.actor, event.actor_role, event.actor_org) == (cast.health_secretary, "secretary", cast.health)


def test_the_new_holder_manages_the_book_and_the_old_one_no_longer_does(cast):
    letter = introduce(cast, cast.member)
    actions.change_workplace(cast.member, cell=cast.health_cell, by=cast.finance_clerk)
    with refused(NotAllowed, "không có quyền", letter):
        actions.withdraw_letter(letter, reason="Không còn quyền", by=cast.finance_clerk)
    actions.withdraw_letter(letter, reason="Chuyển công tác, giới thiệu lại", by=cast.health_secretary)


def test_a_move_between_cells_of_the_same_committee_keeps_the_holder(cast):
    second_cell = Organisation.objects.create(
        kind=OrgKind.WORKPLACE_CELL, name="Chi bộ Phòng Tài chính doanh nghiệp", parent=cast.finance, province_code=86
    )
    book = actions.change_workplace(cast.member, cell=second_cell, by=cast.finance_clerk)
    assert book.holder == cast.finance
    cast.member.refresh_from_db()
    assert cast.member.workplace_cell == second_cell


def test_a_third_committee_may_not_record_the_move(cast):
    education = Organisation.objects.create(
        kind=OrgKind.WORKPLACE_COMMITTEE, name="Đảng ủy Sở Giáo dục", parent=cast.upper, province_code=86
    )
    secretary = make_user("gd_bithu", "Đỗ Văn Giáo")
    grant(secretary, education, Role.SECRETARY)
    book = cast.book(cast.member)
    with refused(NotAllowed, "không có quyền", cast.member, book):
        actions.change_workplace(cast.member, cell=cast.health_cell, by=secretary)


@pytest.mark.parametrize("actor", WRONG_ACTORS)
def test_it_refuses_anyone_without_a_committee_role_at_either_committee(cast, actor):
    book = cast.book(cast.member)
    with refused(NotAllowed, "không có quyền", cast.member, book):
        actions.change_workplace(cast.member, cell=cast.health_cell, by=getattr(cast, actor))


def test_it_refuses_the_cell_the_member_is_already_in(cast):
    with refused(InvalidInput, "đã ở chi bộ này", cast.member, cast.book(cast.member)):
        actions.change_workplace(cast.member, cell=cast.finance_cell, by=cast.finance_clerk)


@pytest.mark.parametrize("org", ["lc_cell_1", "long_chau", "board"])
def test_it_refuses_an_organisation_that_is_not_a_workplace(cast, org):
    with refused(InvalidInput, "chi bộ nơi công tác đang hoạt động", cast.member, cast.book(cast.member)):
        actions.change_workplace(cast.member, cell=getattr(cast, org), by=cast.finance_clerk)


def test_it_refuses_a_cell_that_no_longer_exists(cast):
    cell = cast.health_cell
    cell.valid_until = datetime.date(2026, 1, 1)
    cell.save()
    with refused(InvalidInput, "đang hoạt động", cast.member, cast.book(cast.member)):
        actions.change_workplace(cast.member, cell=cell, by=cast.finance_clerk)


def test_it_refuses_a_member_whose_book_is_closed(cast):
    actions.end_employment(cast.member, reason="left", by=cast.finance_clerk)
    with refused(TransitionError, "không có sổ liên hệ đang sử dụng", cast.member):
        actions.change_workplace(cast.member, cell=cast.health_cell, by=cast.finance_clerk)
