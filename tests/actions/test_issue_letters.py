"""issue_letters: the workplace committee signs and sends letters 1-213, all or nothing."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction

from books import actions
from books.errors import InvalidInput, NotAllowed, TransitionError
from books.models import Event, IntroductionLetter, LetterCounter, LetterStatus
from members.models import EmploymentStatus, Sex
from orgs.models import Role, RoleAssignment
from tests.cast import PHU_KHUONG, TAN_NGAI, check_event, grant, make_user, recording, refused

WRONG_ACTORS = [
    "outsider",
    "member_user",
    "board_officer",
    "finance_cell_secretary",
    "health_secretary",
    "lc_secretary",
]


def test_it_numbers_a_batch_in_order_and_signs_in_the_secretarys_name(cast):
    members = [cast.member, cast.member_factory(), cast.member_factory(commune_code=PHU_KHUONG)]
    with time_machine.travel(datetime.date(2026, 1, 12)), recording() as events:
        letters = actions.issue_letters(members, by=cast.finance_clerk)

    assert [letter.display_number for letter in letters] == ["1-GGT/ĐU", "2-GGT/ĐU", "3-GGT/ĐU"]
    for letter, member in zip(letters, members, strict=True):
        letter.refresh_from_db()
        assert letter.status == LetterStatus.ISSUED
        assert letter.book == cast.book(member)
        assert letter.year == 2026
        assert letter.issued_on == datetime.date(2026, 1, 12)
        assert letter.signed_by == cast.finance_clerk
        assert (letter.signer_name, letter.signer_title) == ("Trần Quốc Hùng", "BÍ THƯ")
        assert letter.entered_on_behalf_of == "Trần Quốc Hùng"  # the clerk enters what the secretary signs
    assert [letter.addressee for letter in letters] == [cast.long_chau, cast.long_chau, cast.phu_khuong]
    assert LetterCounter.objects.get(committee=cast.finance, year=2026).last_number == 3
    assert len(events) == 3
    for event, letter, member in zip(events, letters, members, strict=True):
        check_event(
            event,
            verb="letter_issued",
            by=cast.finance_clerk,
            role="clerk",
            org=cast.finance,
            obj=letter,
            after=LetterStatus.ISSUED,
            member=member,
            book=cast.book(member),
        )
    assert events[2].data == {"number": "3-GGT/ĐU", "addressee": cast.phu_khuong.pk, "on_behalf_of": "Trần Quốc Hùng"}


def test_the_secretary_signs_in_their_own_name(cast):
    letter = actions.issue_letter(cast.member, by=cast.finance_secretary)
    assert (letter.signer_name, letter.signer_title, letter.entered_on_behalf_of) == ("Trần Quốc Hùng", "BÍ THƯ", "")
    event = Event.objects.get(verb="letter_issued")
    assert event.actor_role == "secretary"
    assert "on_behalf_of" not in event.data


def test_a_deputy_signs_in_their_own_name_and_a_clerk_enters_for_the_deputy_when_there_is_no_secretary(cast):
    deputy = make_user("tc_phobithu", "Đoàn Thị Ngọc Ánh")
    grant(deputy, cast.finance, Role.DEPUTY)
    own = actions.issue_letter(cast.member, by=deputy)
    assert (own.signer_name, own.signer_title, own.entered_on_behalf_of) == ("Đoàn Thị Ngọc Ánh", "PHÓ BÍ THƯ", "")
    RoleAssignment.objects.filter(user=cast.finance_secretary).update(valid_until=datetime.date(2026, 1, 1))
    letter = actions.issue_letter(cast.member_factory(by=cast.finance_clerk), by=cast.finance_clerk)
    assert (letter.signer_name, letter.signer_title) == ("Đoàn Thị Ngọc Ánh", "PHÓ BÍ THƯ")
    assert letter.entered_on_behalf_of == "Đoàn Thị Ngọc Ánh"
    assert Event.objects.filter(verb="letter_issued").last().data["on_behalf_of"] == "Đoàn Thị Ngọc Ánh"


def test_a_clerk_cannot_issue_when_the_committee_has_no_secretary_or_deputy(cast):
    """Nobody could sign the paper: the clerk is never printed as BÍ THƯ."""
    other = cast.member_factory()
    RoleAssignment.objects.filter(user=cast.finance_secretary).update(valid_until=datetime.date(2026, 1, 1))
    draft = actions.prepare_letter(cast.member, by=cast.finance_clerk)
    with refused(TransitionError, "Đảng ủy Sở Tài chính chưa có bí thư hoặc phó bí thư để ký giấy giới thiệu", draft):
        actions.issue_letters([other, cast.member], by=cast.finance_clerk)
    assert not LetterCounter.objects.exists()


def test_a_secretary_without_a_login_any_more_does_not_sign(cast):
    cast.finance_secretary.is_active = False
    cast.finance_secretary.save(update_fields=["is_active"])
    with refused(TransitionError, "chưa có bí thư hoặc phó bí thư", cast.member):
        actions.issue_letter(cast.member, by=cast.finance_clerk)


def test_each_committee_numbers_its_own_letters(cast):
    actions.issue_letters([cast.member, cast.member_factory()], by=cast.finance_clerk)
    nurse = cast.member_factory(cell=cast.health_cell, sex=Sex.FEMALE)
    letter = actions.issue_letter(nurse, by=cast.health_secretary)
    assert letter.display_number == "1-GGT/ĐU"
    assert letter.issuing_committee == cast.health
    assert letter.signer_name == "Phạm Văn Lợi"


def test_the_numbering_restarts_each_year(cast):
    first, second = cast.member, cast.member_factory()
    with time_machine.travel(datetime.date(2026, 1, 5)):
        actions.issue_letters([first, cast.member_factory()], by=cast.finance_clerk)
    with time_machine.travel(datetime.date(2027, 1, 6)):
        letter = actions.issue_letter(second, by=cast.finance_clerk)
    assert (letter.year, letter.number) == (2027, 1)
    assert LetterCounter.objects.get(committee=cast.finance, year=2026).last_number == 2
    assert LetterCounter.objects.get(committee=cast.finance, year=2027).last_number == 1


def test_a_withdrawn_letters_number_is_not_reused(cast):
    old = actions.issue_letter(cast.member, by=cast.finance_clerk)
    actions.withdraw_letter(old, reason="Ghi sai địa chỉ", by=cast.finance_clerk)
    new = actions.issue_letter(cast.member, by=cast.finance_clerk)
    assert (old.number, new.number) == (1, 2)


def test_a_draft_is_promoted_not_duplicated(cast):
    member = cast.member
    draft = actions.prepare_letter(member, by=cast.finance_clerk)
    with recording() as events:
        letter = actions.issue_letter(member, by=cast.finance_clerk)
    assert letter.pk == draft.pk
    assert IntroductionLetter.objects.filter(book__member=member).count() == 1
    letter.refresh_from_db()
    assert (letter.status, letter.number) == (LetterStatus.ISSUED, 1)
    (event,) = events
    assert (event.state_before, event.state_after) == (LetterStatus.DRAFT, LetterStatus.ISSUED)


def test_promoting_a_draft_refreshes_its_snapshot(cast):
    member = cast.member
    with time_machine.travel(datetime.date(2025, 12, 20)):
        draft = actions.prepare_letter(member, by=cast.finance_clerk)
    actions.update_member(member, by=cast.finance_clerk, full_name="Nguyễn Văn Ân", official_on="2011-08-01")
    with time_machine.travel(datetime.date(2026, 1, 8)):
        letter = actions.issue_letter(member, by=cast.finance_clerk)
    letter.refresh_from_db()
    assert letter.pk == draft.pk
    assert letter.full_name == "Nguyễn Văn Ân"
    assert letter.official_on == datetime.date(2011, 8, 1)
    assert (letter.year, letter.number) == (2026, 1)


def test_the_letter_does_not_change_when_the_member_is_corrected_later(cast):
    member = cast.member
    letter = actions.issue_letter(member, by=cast.finance_clerk)
    actions.update_member(member, by=cast.finance_clerk, full_name="Nguyễn Văn Ân", birth_date="1985-04-13")
    letter.refresh_from_db()
    assert letter.full_name == "Nguyễn Văn An"
    assert letter.birth_date == datetime.date(1985, 4, 12)


def test_it_refuses_a_second_letter_while_one_is_active(cast):
    letter = actions.issue_letter(cast.member, by=cast.finance_clerk)
    with refused(TransitionError, "đã có giấy giới thiệu số 1-GGT/ĐU đang có hiệu lực", letter):
        actions.issue_letter(cast.member, by=cast.finance_clerk)


def test_the_database_refuses_a_second_active_letter_too(cast):
    letter = actions.issue_letter(cast.member, by=cast.finance_clerk)
    copy = {f.attname: getattr(letter, f.attname) for f in IntroductionLetter._meta.concrete_fields}
    copy.update(id=None, number=None, status=LetterStatus.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        IntroductionLetter.objects.create(**copy)


def test_one_bad_member_in_a_batch_stops_the_whole_batch(cast):
    good = [cast.member, cast.member_factory()]
    hidden = cast.member_factory()
    actions.set_exemption(hidden, exemption="E2", reason="Nhiệm vụ cần giữ bí mật", by=cast.finance_clerk)
    with refused(TransitionError, "E2", *good, hidden):
        actions.issue_letters([*good, hidden], by=cast.finance_clerk)
    assert not IntroductionLetter.objects.exists()
    assert not LetterCounter.objects.filter(last_number__gt=0).exists()
    assert actions.issue_letter(good[0], by=cast.finance_clerk).number == 1


def test_a_member_of_another_committee_in_the_batch_stops_it(cast):
    nurse = cast.member_factory(cell=cast.health_cell, sex=Sex.FEMALE)
    with refused(NotAllowed, "không có quyền", cast.member, nurse):
        actions.issue_letters([cast.member, nurse], by=cast.finance_clerk)


def test_one_member_twice_in_a_batch_stops_it(cast):
    with refused(TransitionError, "đang có hiệu lực", cast.member):
        actions.issue_letters([cast.member, cast.member], by=cast.finance_clerk)


def test_it_refuses_an_empty_batch(cast):
    with refused(InvalidInput, "Chưa chọn đảng viên nào"):
        actions.issue_letters([], by=cast.finance_clerk)


def test_it_refuses_an_e2_member(cast):
    member = cast.member
    actions.set_exemption(member, exemption="E2", reason="Nhiệm vụ cần giữ bí mật", by=cast.finance_clerk)
    with refused(TransitionError, r"\(E2\)", member):
        actions.issue_letter(member, by=cast.finance_clerk)


def test_it_refuses_a_retired_member(cast):
    member = cast.member
    actions.end_employment(member, reason=EmploymentStatus.RETIRED, by=cast.finance_clerk)
    with refused(TransitionError, "không có sổ liên hệ đang sử dụng", member):
        actions.issue_letter(member, by=cast.finance_clerk)


def test_it_says_clearly_when_the_commune_has_no_residence_committee_yet(cast):
    member = cast.member_factory(commune_code=TAN_NGAI)
    with refused(TransitionError, "chưa có đảng ủy của Phường Tân Ngãi trong hệ thống để nhận giấy giới thiệu"):
        actions.issue_letters([cast.member, member], by=cast.finance_clerk)


@pytest.mark.parametrize("actor", WRONG_ACTORS)
def test_it_refuses_anyone_without_a_committee_role_at_the_book_holder(cast, actor):
    with refused(NotAllowed, "không có quyền", cast.member):
        actions.issue_letter(cast.member, by=getattr(cast, actor))


def test_a_draft_is_not_signed_by_someone_without_the_right(cast):
    draft = actions.prepare_letter(cast.member, by=cast.finance_clerk)
    with refused(NotAllowed, "không có quyền", draft):
        actions.issue_letter(cast.member, by=cast.health_secretary)


def test_it_refuses_a_signature_dated_in_the_future(cast):
    with refused(InvalidInput, "không thể ở tương lai", cast.member, cast.book(cast.member)):
        actions.issue_letter(cast.member, by=cast.finance_clerk, on=datetime.date.today() + datetime.timedelta(days=3))
    assert not IntroductionLetter.objects.exists()
