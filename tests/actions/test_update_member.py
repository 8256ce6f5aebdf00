"""update_member: the workplace committee corrects a member's particulars."""

import datetime

import pytest

from books import actions
from books.errors import InvalidInput, NotAllowed
from books.models import Event
from members.models import Sex
from tests.cast import LONG_CHAU, check_event, commune, national_id_for, recording, refused, unchanged

WRONG_ACTORS = [
    "outsider",
    "member_user",
    "board_officer",
    "finance_cell_secretary",
    "health_secretary",
    "lc_secretary",
    "lc_cell_secretary",
]


def test_it_corrects_the_particulars_and_records_what_changed(cast):
    member = cast.member
    with recording() as events:
        actions.update_member(member, by=cast.finance_clerk, full_name="Nguyễn Văn Ân", phone="0909 123 456")

    member.refresh_from_db()
    assert member.full_name == "Nguyễn Văn Ân"
    assert member.phone == "0909 123 456"
    (event,) = events
    check_event(
        event,
        verb="member_updated",
        by=cast.finance_clerk,
        role="clerk",
        org=cast.finance,
        obj=member,
        member=member,
        book=cast.book(member),
    )
    assert event.data == {"changes": {"full_name": ["Nguyễn Văn An", "Nguyễn Văn Ân"], "phone": ["", "0909 123 456"]}}


def test_it_records_only_the_fields_that_really_changed(cast):
    member = cast.member
    with recording() as events:
        actions.update_member(member, by=cast.finance_secretary, full_name=member.full_name, email="an@stc.gov.vn")
    (event,) = events
    assert event.data == {"changes": {"email": ["", "an@stc.gov.vn"]}}


def test_it_accepts_a_date_given_as_text(cast):
    member = actions.update_member(cast.member, by=cast.finance_clerk, official_on="2011-06-01")
    member.refresh_from_db()
    assert member.official_on == datetime.date(2011, 6, 1)


def test_it_writes_nothing_when_nothing_changes(cast):
    member = cast.member
    with unchanged(member):
        returned = actions.update_member(member, by=cast.finance_clerk, full_name=member.full_name, phone=member.phone)
    assert returned.pk == member.pk


@pytest.mark.parametrize(
    "field, value",
    [
        ("residence_line", "Số 9, Khóm 3"),
        ("workplace_cell", None),
        ("exemption", "E2"),
        ("employment", "retired"),
        ("user", None),
    ],
)
def test_it_refuses_fields_that_have_their_own_action(cast, field, value):
    member = cast.member
    with refused(InvalidInput, "Không sửa được ở đây", member):
        actions.update_member(member, by=cast.finance_clerk, **{field: value})


def test_it_refuses_the_residence_commune_too(cast):
    member = cast.member
    with refused(InvalidInput, "Không sửa được ở đây", member):
        actions.update_member(member, by=cast.finance_clerk, residence_commune=commune(LONG_CHAU))


def test_it_refuses_an_invalid_correction_and_keeps_the_old_values(cast):
    member = cast.member
    with refused(InvalidInput, "CCCD", member) as info:
        actions.update_member(member, by=cast.finance_clerk, full_name="Tên Mới", national_id="123")
    assert "national_id" in info.value.field_errors
    assert member.full_name == "Nguyễn Văn An"


def test_it_refuses_a_sex_that_no_longer_matches_the_national_id(cast):
    member = cast.member
    with refused(InvalidInput, "giới tính", member):
        actions.update_member(member, by=cast.finance_clerk, sex=Sex.FEMALE)


def test_it_refuses_the_party_card_number_of_another_member(cast):
    other = cast.member_factory()
    with refused(InvalidInput, "Số thẻ đảng viên này đã có", cast.member, other):
        actions.update_member(cast.member, by=cast.finance_clerk, party_card_number=other.party_card_number)


def test_it_refuses_an_admission_before_the_age_of_18(cast):
    with refused(InvalidInput, "18 tuổi", cast.member):
        actions.update_member(cast.member, by=cast.finance_clerk, admitted_on=datetime.date(2000, 1, 1))


@pytest.mark.parametrize("actor", WRONG_ACTORS)
def test_it_refuses_anyone_without_a_committee_role_in_the_workplace(cast, actor):
    with refused(NotAllowed, "không có quyền", cast.member):
        actions.update_member(cast.member, by=getattr(cast, actor), full_name="Tên Khác")


def test_after_a_change_of_workplace_only_the_new_committee_corrects(cast):
    member = cast.member
    actions.change_workplace(member, cell=cast.health_cell, by=cast.finance_secretary)
    with refused(NotAllowed, "không có quyền", member):
        actions.update_member(member, by=cast.finance_clerk, phone="0911")
    actions.update_member(member, by=cast.health_secretary, phone="0911")
    assert Event.objects.filter(verb="member_updated", actor_org=cast.health).count() == 1


def test_a_member_of_the_other_committee_is_corrected_by_that_committee(cast):
    nurse = cast.member_factory(cell=cast.health_cell, sex=Sex.FEMALE)
    with refused(NotAllowed, "không có quyền", nurse):
        actions.update_member(nurse, by=cast.finance_secretary, phone="0912")
    actions.update_member(nurse, by=cast.health_secretary, phone="0912")
    nurse.refresh_from_db()
    assert nurse.phone == "0912"


def test_the_national_id_can_be_corrected_to_a_valid_one(cast):
    member = cast.member
    new_id = national_id_for(member.sex, member.birth_date, 777)
    actions.update_member(member, by=cast.finance_clerk, national_id=new_id)
    member.refresh_from_db()
    assert member.national_id == new_id
