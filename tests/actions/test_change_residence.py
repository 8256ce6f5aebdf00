"""change_residence: a new address means a new letter; the old one is superseded."""

import datetime

import pytest
import time_machine

from books import actions
from books.errors import InvalidInput, NotAllowed, TransitionError
from books.models import CommentStatus, IntroductionLetter, LeaveReason, LetterStatus, ResidenceRegisterEntry
from members.models import ResidenceKind
from orgs.models import AdministrativeUnit, RoleAssignment
from tests.cast import (
    LONG_CHAU,
    PHU_KHUONG,
    TAN_NGAI,
    check_event,
    commune,
    introduce,
    recording,
    refused,
    request_comments,
    sign_request,
)

WRONG_ACTORS = [
    "outsider",
    "member_user",
    "board_officer",
    "finance_cell_secretary",
    "health_secretary",
    "lc_secretary",
    "pk_secretary",
]
NEW_LINE = "Số 12, đường Nguyễn Huệ, Khu phố 3"


def test_moving_supersedes_the_letter_and_sends_a_new_one_to_the_new_committee(cast):
    member = cast.member
    old = introduce(cast, member)
    with recording() as events:
        new = actions.change_residence(member, commune=commune(PHU_KHUONG), line=NEW_LINE, by=cast.finance_clerk)

    member.refresh_from_db()
    assert (member.residence_commune, member.residence_line) == (commune(PHU_KHUONG), NEW_LINE)
    old.refresh_from_db()
    assert old.status == LetterStatus.SUPERSEDED
    assert old.superseded_by == new
    assert (old.ended_on, old.end_reason) == (datetime.date.today(), "Chuyển nơi cư trú")
    assert old.addressee == cast.long_chau
    new.refresh_from_db()
    assert new.status == LetterStatus.ISSUED
    assert new.display_number == "2-GGT/ĐU"
    assert (new.addressee, new.residence_committee) == (cast.phu_khuong, cast.phu_khuong)
    assert (new.residence_commune, new.residence_line) == (commune(PHU_KHUONG), NEW_LINE)
    assert new.book == cast.book(member)
    assert new.issued_on == datetime.date.today()
    assert (new.signed_by, new.signer_name, new.signer_title) == (cast.finance_clerk, "Trần Quốc Hùng", "BÍ THƯ")
    assert new.entered_on_behalf_of == "Trần Quốc Hùng"  # the clerk enters what the secretary signs
    entry = ResidenceRegisterEntry.objects.get(letter=old)
    assert (entry.left_on, entry.left_reason) == (datetime.date.today(), LeaveReason.MOVED)
    assert entry.left_note.startswith("Chuyển đến " + NEW_LINE)
    assert not ResidenceRegisterEntry.objects.filter(member=member, left_on__isnull=True).exists()
    (event,) = events
    check_event(
        event,
        verb="residence_changed",
        by=cast.finance_clerk,
        role="clerk",
        org=cast.finance,
        obj=member,
        before=LetterStatus.RECEIVED,
        after=LetterStatus.ISSUED,
        member=member,
        book=cast.book(member),
    )
    assert event.data["old_letter"] == old.pk and event.data["new_letter"] == new.pk
    assert event.data["register_entry_closed"] == entry.pk
    assert event.data["on_behalf_of"] == "Trần Quốc Hùng"


def test_the_secretary_moving_a_member_signs_the_new_letter_in_their_own_name(cast):
    introduce(cast, cast.member)
    with recording() as events:
        new = actions.change_residence(
            cast.member, commune=commune(PHU_KHUONG), line=NEW_LINE, by=cast.finance_secretary
        )
    assert (new.signer_name, new.entered_on_behalf_of) == ("Trần Quốc Hùng", "")
    assert "on_behalf_of" not in events[0].data


def test_a_clerk_cannot_move_an_introduced_member_when_nobody_can_sign_the_new_letter(cast):
    old = introduce(cast, cast.member)
    RoleAssignment.objects.filter(user=cast.finance_secretary).update(valid_until=datetime.date(2026, 1, 1))
    entry = ResidenceRegisterEntry.objects.get(letter=old)
    with refused(TransitionError, "chưa có bí thư hoặc phó bí thư", cast.member, old, entry):
        actions.change_residence(cast.member, commune=commune(PHU_KHUONG), line=NEW_LINE, by=cast.finance_clerk)


def test_a_clerk_may_still_move_a_member_never_introduced_without_a_secretary(cast):
    """No new letter, nobody to sign: the address alone changes."""
    RoleAssignment.objects.filter(user=cast.finance_secretary).update(valid_until=datetime.date(2026, 1, 1))
    assert (
        actions.change_residence(cast.member, commune=commune(PHU_KHUONG), line=NEW_LINE, by=cast.finance_clerk) is None
    )


def test_the_new_committee_then_receives_the_new_letter(cast):
    introduce(cast, cast.member)
    new = actions.change_residence(cast.member, commune=commune(PHU_KHUONG), line=NEW_LINE, by=cast.finance_clerk)
    actions.confirm_letter(new, cell=cast.pk_cell, by=cast.pk_secretary)
    entry = ResidenceRegisterEntry.objects.get(member=cast.member, left_on__isnull=True)
    assert (entry.residence_committee, entry.letter) == (cast.phu_khuong, new)


def test_a_letter_not_yet_received_is_superseded_too(cast):
    old = actions.issue_letter(cast.member, by=cast.finance_clerk)
    new = actions.change_residence(cast.member, commune=commune(PHU_KHUONG), line=NEW_LINE, by=cast.finance_clerk)
    old.refresh_from_db()
    assert (old.status, old.superseded_by) == (LetterStatus.SUPERSEDED, new)


def test_a_draft_is_withdrawn_not_superseded(cast):
    draft = actions.prepare_letter(cast.member, by=cast.finance_clerk)
    new = actions.change_residence(cast.member, commune=commune(PHU_KHUONG), line=NEW_LINE, by=cast.finance_clerk)
    draft.refresh_from_db()
    assert (draft.status, draft.superseded_by) == (LetterStatus.WITHDRAWN, None)
    assert new.addressee == cast.phu_khuong
    assert IntroductionLetter.objects.filter(book__member=cast.member, status__in=LetterStatus.active()).count() == 1


def test_moving_within_the_same_commune_also_needs_a_new_letter(cast):
    old = introduce(cast, cast.member)
    new = actions.change_residence(cast.member, commune=commune(LONG_CHAU), line="Số 3, Khóm 4", by=cast.finance_clerk)
    assert new.addressee == cast.long_chau
    assert new.pk != old.pk and new.residence_line == "Số 3, Khóm 4"


def test_a_change_of_residence_kind_alone_is_a_change(cast):
    member = cast.member
    introduce(cast, member)
    new = actions.change_residence(
        member,
        commune=member.residence_commune,
        line=member.residence_line,
        kind=ResidenceKind.TEMPORARY,
        by=cast.finance_clerk,
    )
    assert new.residence_kind == ResidenceKind.TEMPORARY


def test_the_new_letter_is_numbered_in_the_year_of_the_move(cast):
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, cast.member)
    with time_machine.travel(datetime.date(2027, 3, 2)):
        new = actions.change_residence(cast.member, commune=commune(PHU_KHUONG), line=NEW_LINE, by=cast.finance_clerk)
    assert (new.year, new.display_number) == (2027, "1-GGT/ĐU")


def test_unsigned_comment_requests_are_cancelled_and_signed_ones_kept(cast):
    other = cast.member_factory()
    introduce(cast, cast.member)
    introduce(cast, other)
    by_member = {r.book.member_id: r for r in request_comments(cast)}
    signed = sign_request(cast, by_member[other.pk])
    pending = by_member[cast.member.pk]
    actions.change_residence(cast.member, commune=commune(PHU_KHUONG), line=NEW_LINE, by=cast.finance_clerk)
    actions.change_residence(other, commune=commune(PHU_KHUONG), line="Số 1, Khu phố 3", by=cast.finance_clerk)
    pending.refresh_from_db()
    assert (pending.status, pending.cancel_reason) == (CommentStatus.CANCELLED, "Đảng viên chuyển nơi cư trú")
    signed.refresh_from_db()
    assert signed.status == CommentStatus.SIGNED
    assert signed.residence_committee == cast.long_chau


def test_a_member_never_introduced_just_changes_address(cast):
    member = cast.member
    with recording() as events:
        new = actions.change_residence(member, commune=commune(PHU_KHUONG), line=NEW_LINE, by=cast.finance_clerk)
    assert new is None
    assert not IntroductionLetter.objects.exists()
    member.refresh_from_db()
    assert member.residence_commune == commune(PHU_KHUONG)
    (event,) = events
    assert (event.verb, event.state_before, event.state_after) == ("residence_changed", "", "")


def test_an_e2_member_gets_no_letter(cast):
    member = cast.member
    introduce(cast, member)
    actions.set_exemption(member, exemption="E2", reason="Nhiệm vụ cần giữ bí mật", by=cast.finance_clerk)
    new = actions.change_residence(member, commune=commune(PHU_KHUONG), line=NEW_LINE, by=cast.finance_clerk)
    assert new is None
    assert not IntroductionLetter.objects.filter(status__in=LetterStatus.active()).exists()
    member.refresh_from_db()
    assert member.residence_line == NEW_LINE


def test_it_refuses_the_same_address(cast):
    member = cast.member
    letter = introduce(cast, member)
    with refused(InvalidInput, "trùng địa chỉ hiện tại", member, letter):
        actions.change_residence(
            member, commune=member.residence_commune, line=member.residence_line, by=cast.finance_clerk
        )


def test_it_refuses_a_commune_abolished_in_2025(cast):
    legacy = AdministrativeUnit.objects.get(edition="pre2025", level="commune", code=29542)
    letter = introduce(cast, cast.member)
    with refused(InvalidInput, "xã/phường/đặc khu hiện nay", cast.member, letter) as info:
        actions.change_residence(cast.member, commune=legacy, line=NEW_LINE, by=cast.finance_clerk)
    assert "commune" in info.value.field_errors


def test_it_refuses_a_province_as_the_address(cast):
    province = commune(LONG_CHAU).parent
    with refused(InvalidInput, "xã/phường/đặc khu hiện nay", cast.member):
        actions.change_residence(cast.member, commune=province, line=NEW_LINE, by=cast.finance_clerk)


def test_it_refuses_an_empty_address_line(cast):
    with refused(InvalidInput, "số nhà", cast.member) as info:
        actions.change_residence(cast.member, commune=commune(PHU_KHUONG), line="   ", by=cast.finance_clerk)
    assert "line" in info.value.field_errors


def test_a_move_to_a_commune_without_a_residence_committee_changes_nothing(cast):
    letter = introduce(cast, cast.member)
    entry = ResidenceRegisterEntry.objects.get(letter=letter)
    with refused(TransitionError, "chưa có đảng ủy của Phường Tân Ngãi", cast.member, letter, entry):
        actions.change_residence(cast.member, commune=commune(TAN_NGAI), line=NEW_LINE, by=cast.finance_clerk)


def test_it_refuses_a_retired_member(cast):
    actions.end_employment(cast.member, reason="retired", by=cast.finance_clerk)
    with refused(TransitionError, "không có sổ liên hệ đang sử dụng", cast.member):
        actions.change_residence(cast.member, commune=commune(PHU_KHUONG), line=NEW_LINE, by=cast.finance_clerk)


@pytest.mark.parametrize("actor", WRONG_ACTORS)
def test_it_refuses_anyone_without_a_committee_role_at_the_book_holder(cast, actor):
    letter = introduce(cast, cast.member)
    with refused(NotAllowed, "không có quyền", cast.member, letter):
        actions.change_residence(cast.member, commune=commune(PHU_KHUONG), line=NEW_LINE, by=getattr(cast, actor))
