"""books.access: who sees what, per role of the named cast."""

import datetime

import pytest
import time_machine

from books import access, actions
from tests.cast import PHU_KHUONG, introduce


@pytest.fixture
def world(cast):
    """An (received at Long Châu, Khóm 1), one member of Sở Y tế at Phú Khương, one E2 member."""
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, cast.member, cell=cast.lc_cell_1)
        health = cast.member_factory(cell=cast.health_cell, commune_code=PHU_KHUONG, full_name="Lý Thị Y")
        introduce(cast, health, cell=cast.pk_cell)
        secret = cast.member_factory(full_name="Hoàng Văn Mật")
        introduce(cast, secret, cell=cast.lc_cell_1)
    actions.set_exemption(secret, exemption="E2", reason="Nhiệm vụ cần giữ bí mật", by=cast.finance_secretary)
    return {"an": cast.member, "health": health, "secret": secret}


def names(queryset):
    return sorted(queryset.values_list("full_name", flat=True))


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("finance_secretary", ["Hoàng Văn Mật", "Nguyễn Văn An"]),
        ("finance_cell_secretary", ["Hoàng Văn Mật", "Nguyễn Văn An"]),
        ("health_secretary", ["Lý Thị Y"]),
        ("lc_clerk", ["Nguyễn Văn An"]),
        ("lc_cell_secretary", ["Nguyễn Văn An"]),
        ("pk_secretary", ["Lý Thị Y"]),
        ("board_officer", ["Hoàng Văn Mật", "Lý Thị Y", "Nguyễn Văn An"]),
        ("member_user", ["Nguyễn Văn An"]),
        ("outsider", []),
    ],
)
def test_each_role_sees_its_own_members_and_the_residence_side_never_an_e2_one(cast, world, who, expected):
    scope = access.scope_for(getattr(cast, who))
    assert names(access.members(scope)) == expected


def test_the_residence_side_sees_no_book_no_rating_and_no_identity(cast, world):
    scope = access.scope_for(cast.lc_clerk)
    assert not access.books(scope).exists()
    assert not access.ratings(scope).exists()
    assert not scope.sees_identity(cast.member)
    assert access.scope_for(cast.finance_clerk).sees_identity(cast.member)
    assert access.scope_for(cast.board_officer).sees_identity(cast.member)


def test_letters_and_register_rows_reach_their_residence_committee_only(cast, world):
    lc = access.scope_for(cast.lc_clerk)
    pk = access.scope_for(cast.pk_secretary)
    assert names(access.letters(lc)) == ["Nguyễn Văn An"]
    assert names(access.letters(pk)) == ["Lý Thị Y"]
    assert [e.member.full_name for e in access.register(lc)] == ["Nguyễn Văn An"]
    assert access.get_visible(access.letters(lc), world["an"].books.get().letters.get().pk)
    with pytest.raises(Exception) as info:
        access.get_visible(access.letters(pk), world["an"].books.get().letters.get().pk)
    assert info.typename == "Http404"
