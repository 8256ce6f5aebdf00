"""register_members: a workplace committee adds a batch of members (the spreadsheet import), all or none."""

import datetime
import unicodedata

import pytest

from books import actions
from books.errors import InvalidInput, NotAllowed, TransitionError
from books.models import Book, BookStatus, Term
from members.models import EmploymentStatus, Member, Sex
from orgs.models import Organisation, OrgKind, Role
from tests.cast import (
    LONG_CHAU,
    PHU_KHUONG,
    check_event,
    commune,
    grant,
    national_id_for,
    recording,
    refused,
    unchanged,
)

WRONG_ACTORS = [
    "outsider",
    "member_user",
    "board_officer",
    "finance_cell_secretary",
    "health_secretary",
    "lc_secretary",
    "lc_clerk",
    "lc_cell_secretary",
]


def row(serial: int, cell, **overrides):
    """One line of the import: a member of `cell` with their own card and ID numbers."""
    sex = Sex.FEMALE if serial % 2 else Sex.MALE
    birth = datetime.date(1988, 7, 1 + serial % 28)
    fields = {
        "workplace_cell": cell,
        "full_name": f"Đoàn Thị Nhập {serial}" if sex == Sex.FEMALE else f"Đoàn Văn Nhập {serial}",
        "sex": sex,
        "birth_date": birth,
        "admitted_on": datetime.date(2012, 3, 26),
        "official_on": datetime.date(2013, 3, 26),
        "party_card_number": f"{88000000 + serial}",
        "national_id": national_id_for(sex, birth, 880000 + serial),
        "residence_commune": commune(PHU_KHUONG if serial % 3 == 0 else LONG_CHAU),
        "residence_line": f"Số {serial}, đường 30/4, Khóm 2",
    }
    fields.update(overrides)
    return fields


def batch(cast, size=3, cell=None):
    return [row(n, cell or cast.finance_cell) for n in range(1, size + 1)]


def test_it_adds_every_row_in_order_with_a_book_and_an_event_each(cast):
    rows = batch(cast)
    with recording() as events:
        members = actions.register_members(rows, by=cast.finance_clerk)

    assert [m.full_name for m in members] == ["Đoàn Thị Nhập 1", "Đoàn Văn Nhập 2", "Đoàn Thị Nhập 3"]
    assert len(events) == 3
    for member, line, event in zip(members, rows, events, strict=True):
        member.refresh_from_db()
        assert member.workplace_cell == cast.finance_cell
        assert (member.party_card_number, member.national_id) == (line["party_card_number"], line["national_id"])
        assert member.residence_commune == line["residence_commune"]
        assert (member.employment, member.exemption) == (EmploymentStatus.EMPLOYED, "")
        book = Book.objects.get(member=member)
        assert book.status == BookStatus.OPEN
        assert book.term == Term.current()
        assert book.holder == cast.finance
        assert book.profile == actions.default_profile()
        assert book.opened_on == datetime.date.today()
        check_event(
            event,
            verb="member_registered",
            by=cast.finance_clerk,
            role=Role.CLERK,
            org=cast.finance,
            obj=member,
            after=BookStatus.OPEN,
            member=member,
            book=book,
        )


def test_it_stores_names_in_composed_unicode(cast):
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hồng")
    (member,) = actions.register_members([row(1, cast.finance_cell, full_name=decomposed)], by=cast.finance_clerk)
    member.refresh_from_db()
    assert member.full_name == unicodedata.normalize("NFC", "Nguyễn Thị Hồng")


def test_someone_on_two_committees_registers_into_both_each_event_in_its_committees_name(cast):
    grant(cast.finance_secretary, cast.health, Role.CLERK)
    rows = [row(1, cast.finance_cell), row(2, cast.health_cell), row(3, cast.finance_cell)]
    with recording() as events:
        members = actions.register_members(rows, by=cast.finance_secretary)
    assert [cast.book(m).holder for m in members] == [cast.finance, cast.health, cast.finance]
    assert [(e.actor_role, e.actor_org) for e in events] == [
        (Role.SECRETARY, cast.finance),
        (Role.CLERK, cast.health),
        (Role.SECRETARY, cast.finance),
    ]


def test_a_chi_bo_co_so_registers_into_itself(cast):
    own = Organisation.objects.create(
        kind=OrgKind.WORKPLACE_COMMITTEE, name="Chi bộ Văn phòng Sở Tư pháp", parent=cast.upper, province_code=86
    )
    grant(cast.outsider, own, Role.SECRETARY)
    (member,) = actions.register_members([row(1, own)], by=cast.outsider)
    assert (member.workplace_cell, cast.book(member).holder) == (own, own)


def test_an_empty_batch_writes_nothing(cast):
    with unchanged():
        assert actions.register_members([], by=cast.finance_clerk) == []


@pytest.mark.parametrize("actor", WRONG_ACTORS)
def test_it_refuses_anyone_without_a_committee_role_in_the_workplace(cast, actor):
    with refused(NotAllowed, "không có quyền"):
        actions.register_members(batch(cast), by=getattr(cast, actor))


def test_it_refuses_the_system_acting_alone(cast):
    with refused(NotAllowed, "Cần một người dùng"):
        actions.register_members(batch(cast), by=None)


def test_a_role_that_has_ended_is_refused(cast):
    cast.finance_clerk.role_assignments.update(valid_until=datetime.date(2026, 6, 30))
    with refused(NotAllowed, "không có quyền"):
        actions.register_members(batch(cast), by=cast.finance_clerk)


def test_a_row_for_another_committees_cell_stops_the_whole_batch(cast):
    rows = [row(1, cast.finance_cell), row(2, cast.finance_cell), row(3, cast.health_cell)]
    with refused(NotAllowed, "không có quyền"):
        actions.register_members(rows, by=cast.finance_clerk)
    assert not Member.objects.filter(full_name__startswith="Đoàn").exists()


def test_a_committee_cannot_register_into_a_cell_of_another_province(cast):
    committee_80 = Organisation.objects.create(
        kind=OrgKind.WORKPLACE_COMMITTEE, name="Đảng ủy Sở Xây dựng", province_code=80, place_name="Tây Ninh"
    )
    cell_80 = Organisation.objects.create(
        kind=OrgKind.WORKPLACE_CELL, name="Chi bộ Phòng Quy hoạch", parent=committee_80, province_code=80
    )
    with refused(NotAllowed, "không có quyền"):
        actions.register_members([row(1, cell_80)], by=cast.finance_clerk)


def test_a_residence_cell_is_not_a_workplace(cast):
    with refused(NotAllowed, "không có quyền"):
        actions.register_members([row(1, cast.finance_cell), row(2, cast.lc_cell_1)], by=cast.finance_clerk)


def test_a_residence_committee_cannot_register_its_own_members_as_workplace_ones(cast):
    with refused(actions.RowRefused, "chi bộ nơi công tác") as info:
        actions.register_members([row(1, cast.long_chau)], by=cast.lc_secretary)
    assert info.value.index == 0
    assert "workplace_cell" in info.value.field_errors


def test_a_party_card_number_twice_in_the_batch_is_refused_at_the_second_row(cast):
    rows = batch(cast)
    rows[2]["party_card_number"] = rows[0]["party_card_number"]
    with refused(actions.RowRefused, "Số thẻ đảng viên này đã có") as info:
        actions.register_members(rows, by=cast.finance_clerk)
    assert info.value.index == 2
    assert "party_card_number" in info.value.field_errors


def test_a_national_id_twice_in_the_batch_is_refused_at_the_second_row(cast):
    rows = batch(cast, 4)
    rows[3].update(national_id=rows[1]["national_id"], sex=rows[1]["sex"], birth_date=rows[1]["birth_date"])
    with refused(actions.RowRefused, "định danh") as info:
        actions.register_members(rows, by=cast.finance_clerk)
    assert info.value.index == 3
    assert "national_id" in info.value.field_errors


def test_a_party_card_number_already_stored_is_refused_naming_the_row(cast):
    rows = batch(cast)
    rows[1]["party_card_number"] = cast.member.party_card_number
    with refused(actions.RowRefused, "Số thẻ đảng viên này đã có", cast.member) as info:
        actions.register_members(rows, by=cast.finance_clerk)
    assert info.value.index == 1


def test_a_national_id_already_stored_is_refused_naming_the_row(cast):
    stored = cast.member
    rows = batch(cast)
    rows[2].update(national_id=stored.national_id, sex=stored.sex, birth_date=stored.birth_date)
    with refused(actions.RowRefused, "định danh", stored) as info:
        actions.register_members(rows, by=cast.finance_clerk)
    assert info.value.index == 2


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        ({"official_on": datetime.date(2011, 1, 1)}, "chính thức", None),
        ({"national_id": "086188880002"}, "CCCD", "national_id"),  # a woman's century digit
        ({"full_name": ""}, "không được để trắng", "full_name"),
    ],
    ids=["official_before_admission", "id_not_matching_sex_and_birth", "no_name"],
)
def test_an_invalid_row_is_refused_and_nothing_is_written(cast, overrides, message, field):
    rows = batch(cast)
    rows[1].update(overrides)
    with refused(actions.RowRefused, message) as info:
        actions.register_members(rows, by=cast.finance_clerk)
    assert info.value.index == 1
    assert field is None or field in info.value.field_errors


@pytest.mark.parametrize("field", ["exemption", "employment", "user"])
def test_it_refuses_fields_that_have_their_own_action(cast, field):
    value = {"exemption": "E2", "employment": EmploymentStatus.RETIRED, "user": cast.outsider}[field]
    rows = batch(cast)
    rows[2][field] = value
    with refused(actions.RowRefused, "Trường không được phép") as info:
        actions.register_members(rows, by=cast.finance_clerk)
    assert info.value.index == 2


def test_a_refused_row_is_an_input_error_the_screens_already_show():
    assert issubclass(actions.RowRefused, InvalidInput)


def test_it_refuses_when_no_term_is_open(cast):
    term = Term.current()
    Term.objects.update(status="closed")
    with refused(TransitionError, "Chưa có nhiệm kỳ", term):
        actions.register_members(batch(cast), by=cast.finance_clerk)
