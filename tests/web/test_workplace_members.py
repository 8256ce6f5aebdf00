"""Workplace committee: the members list, the commune search and adding a member."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from books import actions
from books.models import Book, BookStatus, Event
from members.models import Member
from tests.cast import PASSWORD, PHU_KHUONG, commune, introduce

MEMBERS = reverse("workplace:members")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def names(response):
    return [m.full_name for m in response.context["page"]]


# --------------------------------------------------------------------------- who gets in


def test_anonymous_visitors_are_sent_to_the_login_page(client, cast):
    response = client.get(MEMBERS)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["lc_secretary", "lc_cell_secretary", "board_officer", "member_user", "outsider"])
def test_the_residence_side_the_board_and_members_are_refused(client, cast, who):
    login(client, getattr(cast, who))
    assert client.get(MEMBERS).status_code == 403
    assert client.get(reverse("workplace:member_add")).status_code == 403


def test_another_committee_sees_none_of_our_members(client, cast):
    nurse = cast.member_factory(full_name="Đỗ Thị Y Tá", cell=cast.health_cell)
    login(client, cast.health_secretary)
    response = client.get(MEMBERS)
    assert response.status_code == 200
    assert names(response) == [nurse.full_name]


# --------------------------------------------------------------------------- the list


def test_the_list_is_in_vietnamese_order_with_the_state_of_each_book(client, cast):
    cast.member_factory(full_name="Trần Văn Ánh")
    waiting = cast.member_factory(full_name="Lê Thị Anh")
    cast.member_factory(full_name="Phạm Văn Đức")
    cast.member_factory(full_name="Võ Văn Dũng")
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, cast.member)
        actions.issue_letter(waiting, by=cast.finance_clerk)
    login(client, cast.finance_clerk)
    response = client.get(MEMBERS)
    assert response.status_code == 200
    # Vietnamese order: by given name first, d before đ, An < Anh < Ánh
    assert names(response) == ["Nguyễn Văn An", "Lê Thị Anh", "Trần Văn Ánh", "Võ Văn Dũng", "Phạm Văn Đức"]
    states = {m.full_name: m.state_label for m in response.context["page"]}
    assert states["Nguyễn Văn An"] == "Đang sinh hoạt nơi cư trú"
    assert states["Lê Thị Anh"] == "Chờ nơi cư trú tiếp nhận"
    assert states["Phạm Văn Đức"] == "Cần giới thiệu"
    body = response.content.decode()
    assert reverse("workplace:member", args=[cast.member.pk]) in body
    assert "Đảng ủy phường Long Châu" in body


@pytest.mark.parametrize(
    "typed",
    ["nguyen van an", "NGUYỄN VĂN AN", "van an", "86000000", "086"],
    ids=["plain", "upper", "part", "card", "id"],
)
def test_search_finds_a_member_without_diacritics_by_name_card_or_id_number(client, cast, typed):
    cast.member_factory(full_name="Trần Thị Bích")
    login(client, cast.finance_secretary)
    card = cast.member.party_card_number
    query = {"86000000": card, "086": cast.member.national_id}.get(typed, typed)
    found = names(client.get(MEMBERS, {"q": query}))
    assert "Nguyễn Văn An" in found
    if typed != "086":
        assert "Trần Thị Bích" not in found


def test_filters_by_state_cell_and_exemption(client, cast):
    budget_room = cast.finance_cell
    from orgs.models import Organisation, OrgKind

    office = Organisation.objects.create(
        kind=OrgKind.WORKPLACE_CELL, name="Chi bộ Văn phòng Sở", parent=cast.finance, province_code=86
    )
    clerk = cast.member_factory(full_name="Hồ Văn Thư", cell=office)
    soldier = cast.member_factory(full_name="Lâm Văn Lính")
    retired = cast.member_factory(full_name="Mai Văn Hưu")
    actions.set_exemption(soldier, exemption="E1a", reason="Ở doanh trại", by=cast.finance_clerk)
    actions.end_employment(retired, reason="retired", by=cast.finance_clerk)
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, cast.member)
    login(client, cast.finance_clerk)

    assert names(client.get(MEMBERS, {"chi_bo": office.pk})) == ["Hồ Văn Thư"]
    assert set(names(client.get(MEMBERS, {"chi_bo": budget_room.pk}))) == {
        "Nguyễn Văn An",
        "Lâm Văn Lính",
        "Mai Văn Hưu",
    }
    assert names(client.get(MEMBERS, {"tinh_trang": "dang-sinh-hoat"})) == ["Nguyễn Văn An"]
    assert names(client.get(MEMBERS, {"tinh_trang": "da-dong"})) == ["Mai Văn Hưu"]
    assert names(client.get(MEMBERS, {"tinh_trang": "mien"})) == ["Lâm Văn Lính"]
    assert set(names(client.get(MEMBERS, {"tinh_trang": "can-gioi-thieu"}))) == {"Hồ Văn Thư", "Lâm Văn Lính"}
    assert names(client.get(MEMBERS, {"mien": "e1"})) == ["Lâm Văn Lính"]
    assert names(client.get(MEMBERS, {"mien": "E2"})) == []
    assert "Lâm Văn Lính" not in names(client.get(MEMBERS, {"mien": "khong"}))
    assert clerk.full_name in names(client.get(MEMBERS, {"mien": "khong", "tinh_trang": "can-gioi-thieu"}))


def test_the_list_is_paginated(client, cast):
    for i in range(55):
        cast.member_factory(full_name=f"Nguyễn Văn Số {i:02d}")
    login(client, cast.finance_clerk)
    first = client.get(MEMBERS)
    assert len(first.context["page"]) == 50
    assert first.context["page"].paginator.count == 56
    second = client.get(MEMBERS, {"trang": 2})
    assert len(second.context["page"]) == 6
    assert "trang=2" in first.content.decode()


def test_the_workplace_cell_secretary_sees_only_the_cells_members(client, cast):
    from orgs.models import Organisation, OrgKind

    office = Organisation.objects.create(
        kind=OrgKind.WORKPLACE_CELL, name="Chi bộ Văn phòng Sở", parent=cast.finance, province_code=86
    )
    cast.member_factory(full_name="Hồ Văn Thư", cell=office)
    login(client, cast.finance_cell_secretary)
    response = client.get(MEMBERS)
    assert response.status_code == 200
    assert names(response) == ["Nguyễn Văn An"]
    assert reverse("workplace:member_add") not in response.content.decode()
    nav = [label for label, _name in response.context["nav"]]
    assert nav == ["Trang chính", "Đảng viên của chi bộ", "Xếp loại cuối năm"]


# --------------------------------------------------------------------------- communes


def test_the_commune_search_finds_current_communes_without_diacritics(client, cast):
    login(client, cast.finance_clerk)
    response = client.get(reverse("workplace:communes"), {"q": "long chau"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert '<option value="29551">Phường Long Châu — Tỉnh Vĩnh Long</option>' in body
    assert "<html" not in body
    nothing = client.get(reverse("workplace:communes"), {"q": "khong co xa nao ten nay"}).content.decode()
    assert "Không tìm thấy" in nothing


def test_the_commune_search_is_for_workplace_committees(client, cast):
    login(client, cast.lc_secretary)
    assert client.get(reverse("workplace:communes"), {"q": "long"}).status_code == 403


# --------------------------------------------------------------------------- add a member


def new_member_post(cast, **changes):
    data = {
        "full_name": "Châu Thị Mới",
        "sex": "F",
        "birth_date": "1990-03-08",
        "admitted_on": "2015-05-19",
        "official_on": "2016-05-19",
        "party_card_number": "86123456",
        "national_id": "086190123456",
        "phone": "0909123456",
        "email": "",
        "workplace_title": "Chuyên viên",
        "workplace_cell": str(cast.finance_cell.pk),
        "residence_commune": str(PHU_KHUONG),
        "residence_line": "Số 5, đường 2 tháng 9",
        "residence_kind": "permanent",
    }
    data.update(changes)
    return data


def test_the_add_form_renders_with_the_commune_search(client, cast):
    login(client, cast.finance_secretary)
    response = client.get(reverse("workplace:member_add"))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("workplace:communes") in body
    assert 'hx-get="/noi-cong-tac/xa-phuong/"' in body
    assert "Chi bộ Phòng Ngân sách" in body
    assert "Chi bộ Phòng Nghiệp vụ Y" not in body


def test_adding_a_member_opens_a_book_and_leads_to_the_members_page(client, cast):
    login(client, cast.finance_clerk)
    response = client.post(reverse("workplace:member_add"), new_member_post(cast))
    member = Member.objects.get(party_card_number="86123456")
    assert response.status_code == 302
    assert response.url == reverse("workplace:member", args=[member.pk])
    assert member.residence_commune == commune(PHU_KHUONG)
    assert member.workplace_cell == cast.finance_cell
    book = Book.objects.get(member=member)
    assert (book.status, book.holder) == (BookStatus.OPEN, cast.finance)
    assert Event.objects.filter(verb="member_registered", member=member, actor=cast.finance_clerk).exists()
    page = client.get(response.url)
    assert "Đã thêm đảng viên Châu Thị Mới" in page.content.decode()


def test_a_refused_member_says_why_and_keeps_what_was_typed(client, cast):
    login(client, cast.finance_clerk)
    before = Member.objects.count()
    response = client.post(
        reverse("workplace:member_add"), new_member_post(cast, party_card_number=cast.member.party_card_number)
    )
    assert response.status_code == 200
    assert Member.objects.count() == before
    body = response.content.decode()
    assert "Số thẻ đảng viên này đã có trong hệ thống." in body
    assert 'value="Châu Thị Mới"' in body
    assert 'value="Số 5, đường 2 tháng 9"' in body
    # the chosen commune is still chosen
    assert '<option value="28756" selected>Phường Phú Khương' in body


def test_a_national_id_that_does_not_match_the_birth_year_is_refused_on_its_field(client, cast):
    login(client, cast.finance_clerk)
    response = client.post(reverse("workplace:member_add"), new_member_post(cast, national_id="086185123456"))
    assert response.status_code == 200
    assert response.context["form"].errors["national_id"] == [
        "Chữ số thứ năm và sáu của số CCCD phải là hai số cuối của năm sinh."
    ]
    assert not Member.objects.filter(full_name="Châu Thị Mới").exists()


def test_an_unknown_commune_or_another_committees_cell_cannot_be_chosen(client, cast):
    login(client, cast.finance_clerk)
    response = client.post(
        reverse("workplace:member_add"),
        new_member_post(cast, residence_commune="99999999", workplace_cell=str(cast.health_cell.pk)),
    )
    errors = response.context["form"].errors
    assert errors["residence_commune"] == ["Hãy chọn một xã/phường/đặc khu hiện nay trong danh sách tìm được."]
    assert "Hãy chọn một lựa chọn hợp lệ" in errors["workplace_cell"][0]
    assert not Member.objects.filter(full_name="Châu Thị Mới").exists()
