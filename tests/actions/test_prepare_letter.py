"""prepare_letter: the workplace committee drafts a letter 1-213 (no number until it is signed)."""

import datetime

import pytest

from books import actions
from books.errors import NotAllowed, TransitionError
from books.models import IntroductionLetter, LetterCounter, LetterStatus
from members.models import EmploymentStatus, ResidenceKind
from tests.cast import TAN_NGAI, check_event, commune, recording, refused

WRONG_ACTORS = [
    "outsider",
    "member_user",
    "board_officer",
    "finance_cell_secretary",
    "health_secretary",
    "lc_secretary",
]


def test_it_drafts_a_letter_without_a_number_to_the_residence_committee(cast):
    member = cast.member
    with recording() as events:
        letter = actions.prepare_letter(member, by=cast.finance_clerk)

    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT
    assert letter.number is None
    assert letter.display_number == "(chưa có số)"
    assert letter.issued_on is None and letter.signed_by is None
    assert letter.book == cast.book(member)
    assert letter.issuing_committee == cast.finance
    assert letter.addressee == cast.long_chau
    assert letter.residence_committee == cast.long_chau
    assert letter.year == datetime.date.today().year
    assert (letter.number_code, letter.number_suffix) == ("GGT", "ĐU")
    assert not LetterCounter.objects.exists()
    (event,) = events
    check_event(
        event,
        verb="letter_prepared",
        by=cast.finance_clerk,
        role="clerk",
        org=cast.finance,
        obj=letter,
        after=LetterStatus.DRAFT,
        member=member,
        book=cast.book(member),
    )


def test_the_draft_copies_the_member_as_they_are_today(cast):
    member = cast.member
    letter = actions.prepare_letter(member, by=cast.finance_secretary)
    assert letter.full_name == "Nguyễn Văn An"
    assert letter.sex == member.sex
    assert letter.birth_date == member.birth_date
    assert letter.admitted_on == member.admitted_on
    assert letter.official_on == member.official_on
    assert letter.workplace_cell == cast.finance_cell
    assert letter.residence_commune == member.residence_commune
    assert letter.residence_line == member.residence_line
    assert letter.residence_kind == ResidenceKind.PERMANENT
    assert letter.exemption == ""


def test_an_e1_member_is_introduced_and_the_draft_shows_the_exemption(cast):
    member = cast.member
    actions.set_exemption(member, exemption="E1a", reason="Công an ở doanh trại", by=cast.finance_clerk)
    letter = actions.prepare_letter(member, by=cast.finance_clerk)
    assert letter.exemption == "E1a"


def test_it_refuses_a_second_draft(cast):
    member = cast.member
    first = actions.prepare_letter(member, by=cast.finance_clerk)
    with refused(TransitionError, "đã có giấy giới thiệu đang có hiệu lực", first):
        actions.prepare_letter(member, by=cast.finance_clerk)


def test_it_refuses_while_a_signed_letter_is_in_force(cast):
    member = cast.member
    letter = actions.issue_letter(member, by=cast.finance_clerk)
    with refused(TransitionError, "đã có giấy giới thiệu đang có hiệu lực", letter):
        actions.prepare_letter(member, by=cast.finance_clerk)


def test_it_drafts_again_once_the_letter_was_withdrawn(cast):
    member = cast.member
    old = actions.issue_letter(member, by=cast.finance_clerk)
    actions.withdraw_letter(old, reason="Gửi nhầm", by=cast.finance_clerk)
    draft = actions.prepare_letter(member, by=cast.finance_clerk)
    assert draft.pk != old.pk and draft.status == LetterStatus.DRAFT


def test_it_refuses_an_e2_member(cast):
    member = cast.member
    actions.set_exemption(member, exemption="E2", reason="Nhiệm vụ cần giữ bí mật", by=cast.finance_clerk)
    with refused(TransitionError, r"không giới thiệu về nơi cư trú \(E2\)", member):
        actions.prepare_letter(member, by=cast.finance_clerk)


def test_it_refuses_a_retired_member(cast):
    member = cast.member
    actions.end_employment(member, reason=EmploymentStatus.RETIRED, by=cast.finance_clerk)
    with refused(TransitionError, "không có sổ liên hệ đang sử dụng", member):
        actions.prepare_letter(member, by=cast.finance_clerk)


def test_it_says_clearly_when_the_commune_has_no_residence_committee_yet(cast):
    member = cast.member_factory(commune_code=TAN_NGAI)
    with refused(TransitionError, "chưa có đảng ủy của Phường Tân Ngãi trong hệ thống"):
        actions.prepare_letter(member, by=cast.finance_clerk)


def test_a_member_of_phu_khuong_is_introduced_to_phu_khuong(cast):
    from tests.cast import PHU_KHUONG

    member = cast.member_factory(commune_code=PHU_KHUONG)
    letter = actions.prepare_letter(member, by=cast.finance_clerk)
    assert letter.addressee == cast.phu_khuong
    assert letter.residence_commune == commune(PHU_KHUONG)


@pytest.mark.parametrize("actor", WRONG_ACTORS)
def test_it_refuses_anyone_without_a_committee_role_at_the_book_holder(cast, actor):
    with refused(NotAllowed, "không có quyền", cast.member):
        actions.prepare_letter(cast.member, by=getattr(cast, actor))
    assert not IntroductionLetter.objects.exists()
