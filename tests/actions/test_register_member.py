"""register_member: a workplace committee adds an employed member and opens their book."""

import datetime
import unicodedata

import pytest

from books import actions
from books.errors import InvalidInput, NotAllowed, TransitionError
from books.models import Book, BookStatus, Term
from members.models import EmploymentStatus, Member, Sex
from tests.cast import LONG_CHAU, TAN_NGAI, check_event, commune, national_id_for, recording, refused

WRONG_ACTORS = [
    "outsider",
    "member_user",
    "board_officer",
    "finance_cell_secretary",
    "health_secretary",
    "lc_secretary",
]


def particulars(serial: int = 501, **overrides):
    birth = datetime.date(1990, 3, 8)
    fields = {
        "full_name": "Lê Văn Mới",
        "sex": Sex.MALE,
        "birth_date": birth,
        "admitted_on": datetime.date(2015, 2, 3),
        "official_on": datetime.date(2016, 2, 3),
        "party_card_number": f"{87000000 + serial}",
        "national_id": national_id_for(Sex.MALE, birth, serial),
        "residence_commune": commune(LONG_CHAU),
        "residence_line": "Số 5, đường Hùng Vương, Khóm 2",
    }
    fields.update(overrides)
    return fields


def test_it_adds_the_member_to_the_cell_and_opens_a_book_for_the_current_term(cast):
    with recording() as events:
        member = actions.register_member(by=cast.finance_clerk, workplace_cell=cast.finance_cell, **particulars())

    member.refresh_from_db()
    assert member.workplace_cell == cast.finance_cell
    assert member.full_name == "Lê Văn Mới"
    assert member.employment == EmploymentStatus.EMPLOYED
    assert member.exemption == ""
    book = Book.objects.get(member=member)
    assert book.status == BookStatus.OPEN
    assert book.term == Term.current()
    assert (book.term.start_year, book.term.end_year) == (2025, 2030)
    assert book.holder == cast.finance
    assert book.profile.code == "213/2020"
    assert book.opened_on == datetime.date.today()
    assert not book.letters.exists()
    (event,) = events
    check_event(
        event,
        verb="member_registered",
        by=cast.finance_clerk,
        role="clerk",
        org=cast.finance,
        obj=member,
        after=BookStatus.OPEN,
        member=member,
        book=book,
    )


def test_the_secretary_may_register_too(cast):
    member = actions.register_member(by=cast.finance_secretary, workplace_cell=cast.finance_cell, **particulars())
    assert cast.book(member).holder == cast.finance


def test_it_stores_the_name_in_composed_unicode(cast):
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hồng")
    member = actions.register_member(
        by=cast.finance_clerk, workplace_cell=cast.finance_cell, **particulars(full_name=decomposed)
    )
    member.refresh_from_db()
    assert member.full_name == unicodedata.normalize("NFC", "Nguyễn Thị Hồng")


def test_a_member_living_where_no_residence_committee_is_known_can_still_be_registered(cast):
    member = actions.register_member(
        by=cast.finance_clerk, workplace_cell=cast.finance_cell, **particulars(residence_commune=commune(TAN_NGAI))
    )
    assert cast.book(member).is_open


@pytest.mark.parametrize("actor", WRONG_ACTORS)
def test_it_refuses_anyone_without_a_committee_role_in_the_workplace(cast, actor):
    with refused(NotAllowed, "không có quyền"):
        actions.register_member(by=getattr(cast, actor), workplace_cell=cast.finance_cell, **particulars())


def test_it_refuses_the_system_acting_alone(cast):
    with refused(NotAllowed, "Cần một người dùng"):
        actions.register_member(by=None, workplace_cell=cast.finance_cell, **particulars())


def test_it_refuses_a_residence_organisation_as_the_workplace(cast):
    with refused(InvalidInput, "chi bộ nơi công tác") as info:
        actions.register_member(by=cast.lc_secretary, workplace_cell=cast.long_chau, **particulars())
    assert "workplace_cell" in info.value.field_errors


@pytest.mark.parametrize("field", ["exemption", "employment", "user"])
def test_it_refuses_fields_that_have_their_own_action(cast, field):
    value = {"exemption": "E2", "employment": EmploymentStatus.RETIRED, "user": cast.outsider}[field]
    with refused(InvalidInput, "Trường không được phép"):
        actions.register_member(
            by=cast.finance_clerk, workplace_cell=cast.finance_cell, **particulars(**{field: value})
        )


def test_it_refuses_a_party_card_number_already_in_use(cast):
    with refused(InvalidInput, "Số thẻ đảng viên này đã có"):
        actions.register_member(
            by=cast.finance_clerk,
            workplace_cell=cast.finance_cell,
            **particulars(party_card_number=cast.member.party_card_number),
        )


def test_it_refuses_a_national_id_that_does_not_match_sex_and_birth_year(cast):
    wrong = national_id_for(Sex.FEMALE, datetime.date(1990, 3, 8), 501)
    with refused(InvalidInput, "CCCD") as info:
        actions.register_member(
            by=cast.finance_clerk, workplace_cell=cast.finance_cell, **particulars(national_id=wrong)
        )
    assert "national_id" in info.value.field_errors


def test_it_refuses_an_official_date_before_admission(cast):
    with refused(InvalidInput, "chính thức"):
        actions.register_member(
            by=cast.finance_clerk,
            workplace_cell=cast.finance_cell,
            **particulars(official_on=datetime.date(2014, 1, 1)),
        )


def test_it_refuses_a_commune_abolished_in_2025(cast):
    from orgs.models import AdministrativeUnit

    phuong_9 = AdministrativeUnit.objects.get(edition="pre2025", level="commune", code=29542)
    with refused(InvalidInput, "không còn"):
        actions.register_member(
            by=cast.finance_clerk, workplace_cell=cast.finance_cell, **particulars(residence_commune=phuong_9)
        )


def test_it_refuses_when_no_term_is_open(cast):
    term = Term.current()
    Term.objects.update(status="closed")
    with refused(TransitionError, "Chưa có nhiệm kỳ", term):
        actions.register_member(by=cast.finance_clerk, workplace_cell=cast.finance_cell, **particulars())
    assert not Member.objects.filter(full_name="Lê Văn Mới").exists()
