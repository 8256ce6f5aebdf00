"""set_exemption: E1 keeps the introduction without periodic comments; E2 leaves the residence side."""

import datetime

import pytest

from books import actions
from books.errors import InvalidInput, NotAllowed, TransitionError
from books.models import CommentStatus, LeaveReason, LetterStatus, ResidenceRegisterEntry
from members.models import Member
from tests.cast import check_event, introduce, recording, refused, request_comments, sign_request

WRONG_ACTORS = [
    "outsider",
    "member_user",
    "board_officer",
    "finance_cell_secretary",
    "health_secretary",
    "lc_secretary",
]
SECRET = "Nhiệm vụ cần giữ bí mật danh tính"


def test_e1_keeps_the_letter_and_cancels_the_pending_periodic_request(cast):
    member = cast.member
    letter = introduce(cast, member)
    (request,) = request_comments(cast)
    since = datetime.date(2026, 11, 1)
    with recording() as events:
        actions.set_exemption(
            member,
            exemption="E1c",
            reason="Học tập trung 18 tháng tại Hà Nội",
            since=since,
            until=datetime.date(2028, 5, 1),
            by=cast.finance_clerk,
        )

    member.refresh_from_db()
    assert (member.exemption, member.exemption_reason) == ("E1c", "Học tập trung 18 tháng tại Hà Nội")
    assert (member.exemption_from, member.exemption_until) == (since, datetime.date(2028, 5, 1))
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RECEIVED
    assert ResidenceRegisterEntry.objects.get(member=member).left_on is None
    request.refresh_from_db()
    assert (request.status, request.cancelled_on) == (CommentStatus.CANCELLED, since)
    assert member in Member.objects.residence_visible()
    (event,) = events
    check_event(
        event,
        verb="exemption_set",
        by=cast.finance_clerk,
        role="clerk",
        org=cast.finance,
        obj=member,
        before="",
        after="E1c",
        member=member,
        book=cast.book(member),
    )
    assert event.data == {"reason": "Học tập trung 18 tháng tại Hà Nội", "cancelled_comments": [request.pk]}


def test_e1_keeps_a_comment_the_cell_has_already_signed(cast):
    introduce(cast, cast.member)
    (request,) = request_comments(cast)
    sign_request(cast, request)
    actions.set_exemption(cast.member, exemption="E1a", reason="Công an ở doanh trại", by=cast.finance_clerk)
    request.refresh_from_db()
    assert request.status == CommentStatus.SIGNED


def test_e1_members_are_then_asked_only_when_needed(cast):
    introduce(cast, cast.member)
    actions.set_exemption(cast.member, exemption="E1b", reason="Luân chuyển, ở nhà công vụ", by=cast.finance_clerk)
    result = actions.open_campaign(cast.finance, year=2026, by=cast.finance_clerk)
    assert (result.created, result.skipped_exempt) == ([], 1)
    actions.request_comment_on_demand(cast.book(cast.member), reason="cadre", by=cast.finance_clerk)


def test_e2_withdraws_the_member_from_the_residence_side_entirely(cast):
    member = cast.member
    letter = introduce(cast, member)
    (request,) = request_comments(cast)
    sign_request(cast, request)
    since = datetime.date(2026, 11, 20)
    with recording() as events:
        actions.set_exemption(member, exemption="E2", reason=SECRET, since=since, by=cast.finance_secretary)

    letter.refresh_from_db()
    assert (letter.status, letter.ended_on) == (LetterStatus.WITHDRAWN, since)
    assert letter.end_reason == "Thuộc diện không giới thiệu (E2)"
    entry = ResidenceRegisterEntry.objects.get(letter=letter)
    assert (entry.left_on, entry.left_reason) == (datetime.date.today(), LeaveReason.EXEMPT)
    request.refresh_from_db()
    assert request.status == CommentStatus.CANCELLED
    assert member not in Member.objects.residence_visible()
    assert not ResidenceRegisterEntry.objects.filter(residence_committee=cast.long_chau, left_on__isnull=True).exists()
    (event,) = events
    assert (event.verb, event.state_before, event.state_after) == ("exemption_set", "", "E2")
    assert event.data == {
        "reason": SECRET,
        "letter": letter.pk,
        "register_entry": entry.pk,
        "cancelled_comments": [request.pk],
    }


def test_an_e2_member_never_appears_on_the_residence_side(cast):
    hidden = cast.member_factory()
    actions.set_exemption(hidden, exemption="E2", reason=SECRET, by=cast.finance_clerk)
    assert list(Member.objects.residence_visible()) == [cast.member]
    with refused(TransitionError, r"\(E2\)", hidden):
        actions.issue_letter(hidden, by=cast.finance_clerk)


def test_an_e1_member_can_become_e2(cast):
    letter = introduce(cast, cast.member)
    actions.set_exemption(cast.member, exemption="E1a", reason="Quân đội ở doanh trại", by=cast.finance_clerk)
    actions.set_exemption(cast.member, exemption="E2", reason=SECRET, by=cast.finance_clerk)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.WITHDRAWN


def test_clearing_the_exemption_makes_the_member_introducible_again(cast):
    member = cast.member
    introduce(cast, member)
    actions.set_exemption(member, exemption="E2", reason=SECRET, until=datetime.date(2027, 1, 1), by=cast.finance_clerk)
    with recording() as events:
        actions.set_exemption(member, exemption="", by=cast.finance_clerk)

    member.refresh_from_db()
    assert (member.exemption, member.exemption_reason, member.exemption_from, member.exemption_until) == (
        "",
        "",
        None,
        None,
    )
    assert member in Member.objects.residence_visible()
    (event,) = events
    check_event(
        event,
        verb="exemption_cleared",
        by=cast.finance_clerk,
        role="clerk",
        org=cast.finance,
        obj=member,
        before="E2",
        after="",
        member=member,
        book=cast.book(member),
    )
    letter = introduce(cast, member)
    assert letter.display_number == "2-GGT/ĐU"


def test_clear_exemption_is_the_same_action(cast):
    actions.set_exemption(cast.member, exemption="E1a", reason="Quân đội ở doanh trại", by=cast.finance_clerk)
    member = actions.clear_exemption(cast.member, by=cast.finance_clerk)
    member.refresh_from_db()
    assert member.exemption == ""


def test_it_refuses_an_exemption_without_a_reason(cast):
    letter = introduce(cast, cast.member)
    with refused(InvalidInput, "Hãy ghi lý do miễn", cast.member, letter) as info:
        actions.set_exemption(cast.member, exemption="E2", reason="   ", by=cast.finance_clerk)
    assert "reason" in info.value.field_errors


def test_it_refuses_the_same_exemption_twice(cast):
    actions.set_exemption(cast.member, exemption="E1a", reason="Quân đội ở doanh trại", by=cast.finance_clerk)
    with refused(TransitionError, "đã ở diện này", cast.member):
        actions.set_exemption(cast.member, exemption="E1a", reason="Lần nữa", by=cast.finance_clerk)


def test_it_refuses_to_clear_an_exemption_the_member_does_not_have(cast):
    with refused(TransitionError, "không thuộc diện miễn", cast.member):
        actions.set_exemption(cast.member, exemption="", by=cast.finance_clerk)


@pytest.mark.parametrize("code", ["E3", "e2", "E1"])
def test_it_refuses_an_unknown_exemption(cast, code):
    with refused(InvalidInput, "Diện miễn không hợp lệ", cast.member):
        actions.set_exemption(cast.member, exemption=code, reason="Lý do", by=cast.finance_clerk)


def test_it_refuses_an_end_before_the_start(cast):
    with refused(InvalidInput, "phải sau ngày bắt đầu", cast.member):
        actions.set_exemption(
            cast.member,
            exemption="E1c",
            reason="Đi học",
            since=datetime.date(2026, 9, 1),
            until=datetime.date(2026, 8, 1),
            by=cast.finance_clerk,
        )


def test_it_refuses_a_member_whose_book_is_closed(cast):
    actions.end_employment(cast.member, reason="retired", by=cast.finance_clerk)
    with refused(TransitionError, "không có sổ liên hệ đang sử dụng", cast.member):
        actions.set_exemption(cast.member, exemption="E2", reason=SECRET, by=cast.finance_clerk)


@pytest.mark.parametrize("actor", WRONG_ACTORS)
def test_it_refuses_anyone_without_a_committee_role_at_the_book_holder(cast, actor):
    letter = introduce(cast, cast.member)
    with refused(NotAllowed, "không có quyền", cast.member, letter):
        actions.set_exemption(cast.member, exemption="E2", reason=SECRET, by=getattr(cast, actor))
