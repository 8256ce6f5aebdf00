"""register_members: the import's bulk path leaves the same state as one register_member per row."""

import datetime
import unicodedata

import pytest
from django.db import connection
from django.forms.models import model_to_dict

from books import actions, audit
from books.errors import NotAllowed
from books.models import Book, Event
from members.models import Member, Sex
from orgs.text import name_sort_key
from tests.cast import LONG_CHAU, PHU_KHUONG, commune, national_id_for, refused_without_trace

MEMBER_SKIP = {"id", "created_at", "updated_at", "sort_key"}
EVENT_SKIP = {"id", "at", "seq", "prev_hash", "hash", "object_id", "member", "book"}


def rows(cast, start):
    """Five members of two cells of Sở Tài chính, in every shape the import hands over."""
    out = []
    for i in range(5):
        serial = start + i
        sex = Sex.FEMALE if i % 2 else Sex.MALE
        birth = datetime.date(1980 + i, 1 + i, 10 + i)
        out.append(
            {
                "workplace_cell": cast.finance_cell,
                "full_name": unicodedata.normalize("NFD", f"Nguyễn Thị Thử {serial}"),  # stored NFC
                "sex": sex,
                "birth_date": birth,
                "admitted_on": datetime.date(2008 + i, 5, 19),
                "official_on": None if i == 3 else datetime.date(2009 + i, 5, 19),
                "party_card_number": f"{87000000 + serial}",
                "national_id": national_id_for(sex, birth, serial),
                "residence_commune": commune(PHU_KHUONG if i == 2 else LONG_CHAU),
                "residence_line": f"Số {serial}, Khóm 1",
                "residence_kind": "temporary" if i == 4 else "permanent",
                "workplace_title": "Chuyên viên" if i else "",
                "phone": "0912345678" if i == 1 else "",
                "email": "thu@example.org" if i == 1 else "",
            }
        )
    return out


def state(members, start):
    """Each member with their book and event; ids, times and the serial-bearing numbers made neutral."""
    out = []
    for i, member in enumerate(members):
        member.refresh_from_db()
        assert member.sort_key == name_sort_key(member.full_name)
        book = Book.objects.get(member=member)
        event = Event.objects.get(verb="member_registered", member=member)
        assert event.object_id == str(member.pk) and event.book_id == book.pk

        def neutral(value, member=member, serial=str(start + i)):
            if not isinstance(value, str):
                return value
            return (
                value.replace(member.party_card_number, "<card>")
                .replace(member.national_id, "<id>")
                .replace(serial, "<n>")
            )

        member_fields = {k: neutral(v) for k, v in model_to_dict(member).items() if k not in MEMBER_SKIP}
        member_fields["search_text"] = neutral(member.search_text)
        book_fields = {k: v for k, v in model_to_dict(book).items() if k not in {"id", "member"}}
        event_fields = {k: neutral(v) for k, v in model_to_dict(event).items() if k not in EVENT_SKIP}
        out.append((member_fields, book_fields, event_fields))
    return out


@pytest.mark.django_db
def test_the_bulk_path_leaves_the_same_members_books_and_events_as_one_call_per_row(cast):
    single = [actions.register_member(by=cast.finance_clerk, **row) for row in rows(cast, 100)]
    bulk = actions.register_members(rows(cast, 200), by=cast.finance_clerk)
    assert len(bulk) == 5 and all(m.pk for m in bulk)
    assert state(bulk, 200) == state(single, 100)
    assert bulk[0].full_name == "Nguyễn Thị Thử 200"  # NFC
    assert audit.verify().intact


@pytest.mark.django_db
def test_a_card_number_already_in_the_system_refuses_the_whole_batch_naming_the_row(cast):
    batch = rows(cast, 300)
    batch[3]["party_card_number"] = cast.member.party_card_number
    before = (Member.objects.count(), Book.objects.count(), Event.objects.count())
    with pytest.raises(actions.RowRefused) as info:
        actions.register_members(batch, by=cast.finance_clerk)
    assert info.value.index == 3
    assert "thẻ đảng viên" in info.value.message
    assert (Member.objects.count(), Book.objects.count(), Event.objects.count()) == before


@pytest.mark.django_db
def test_the_same_id_number_twice_in_a_batch_is_refused_at_the_second_row(cast):
    batch = rows(cast, 400)
    batch[4]["national_id"] = batch[1]["national_id"]
    batch[4]["sex"], batch[4]["birth_date"] = batch[1]["sex"], batch[1]["birth_date"]
    with pytest.raises(actions.RowRefused) as info:
        actions.register_members(batch, by=cast.finance_clerk)
    assert info.value.index == 4
    assert "định danh" in info.value.message


@pytest.mark.django_db
def test_an_invalid_row_is_refused_like_register_member_refuses_it(cast):
    batch = rows(cast, 500)
    batch[2]["official_on"] = datetime.date(2000, 1, 1)  # before admission
    with pytest.raises(actions.RowRefused) as info:
        actions.register_members(batch, by=cast.finance_clerk)
    assert info.value.index == 2
    assert "chính thức" in info.value.message
    assert not Member.objects.filter(full_name__startswith="Nguyễn Thị Thử 50").exists()


@pytest.mark.django_db
def test_only_the_committees_staff_may_register_in_bulk(cast):
    with refused_without_trace(NotAllowed):
        actions.register_members(rows(cast, 600), by=cast.health_secretary)


@pytest.mark.django_db
def test_the_bulk_path_takes_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    actions.register_members(rows(cast, 700), by=cast.finance_clerk)  # warm the caches
    many = [row for n in range(8) for row in rows(cast, 800 + 10 * n)]
    with django_assert_max_num_queries(20 if connection.vendor == "postgresql" else 22):
        actions.register_members(many, by=cast.finance_clerk)
