"""Workplace committee: the start-of-year review and signing the letters 1-213 (all or none)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from books import actions
from books.models import IntroductionLetter, LetterStatus
from tests.cast import PASSWORD, PHU_KHUONG, TAN_NGAI, commune, introduce

REVIEW = reverse("workplace:review")
ISSUE = reverse("workplace:review_issue")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def names(response):
    return [book.member.full_name for book in response.context["page"]]


@pytest.fixture(autouse=True)
def january():
    with time_machine.travel(datetime.date(2026, 1, 12)):
        yield


def test_the_review_lists_employed_non_e2_members_without_a_letter_sent(client, cast):
    drafted = cast.member_factory(full_name="Lê Văn Nháp")
    actions.prepare_letter(drafted, by=cast.finance_clerk)
    sent = cast.member_factory(full_name="Đinh Văn Gửi")
    actions.issue_letter(sent, by=cast.finance_clerk)
    secret = cast.member_factory(full_name="Hoàng Văn Mật")
    actions.set_exemption(secret, exemption="E2", reason="Nhiệm vụ cần giữ bí mật", by=cast.finance_clerk)
    soldier = cast.member_factory(full_name="Lâm Văn Lính")
    actions.set_exemption(soldier, exemption="E1a", reason="Ở doanh trại", by=cast.finance_clerk)
    retired = cast.member_factory(full_name="Mai Văn Hưu")
    actions.end_employment(retired, reason="retired", by=cast.finance_clerk)
    cast.member_factory(full_name="Đỗ Thị Y Tá", cell=cast.health_cell)

    login(client, cast.finance_clerk)
    response = client.get(REVIEW)
    assert response.status_code == 200
    assert names(response) == ["Nguyễn Văn An", "Lâm Văn Lính", "Lê Văn Nháp"]
    body = response.content.decode()
    assert "có giấy đang soạn" in body
    assert "Đảng ủy phường Long Châu" in body  # where each letter will go


def test_the_review_filters_by_cell_and_commune(client, cast):
    from orgs.models import Organisation, OrgKind

    office = Organisation.objects.create(
        kind=OrgKind.WORKPLACE_CELL, name="Chi bộ Văn phòng Sở", parent=cast.finance, province_code=86
    )
    cast.member_factory(full_name="Hồ Văn Thư", cell=office, commune_code=PHU_KHUONG)
    cast.member_factory(full_name="Bùi Thị Khương", commune_code=PHU_KHUONG)
    login(client, cast.finance_clerk)
    assert names(client.get(REVIEW, {"chi_bo": office.pk})) == ["Hồ Văn Thư"]
    assert names(client.get(REVIEW, {"xa": PHU_KHUONG})) == ["Bùi Thị Khương", "Hồ Văn Thư"]
    assert names(client.get(REVIEW, {"xa": PHU_KHUONG, "chi_bo": cast.finance_cell.pk})) == ["Bùi Thị Khương"]
    assert names(client.get(REVIEW, {"q": "khuong"})) == ["Bùi Thị Khương"]


def test_the_confirm_step_says_how_many_letters_go_where_and_signs_nothing(client, cast):
    second = cast.member_factory(full_name="Lê Thị Hai")
    third = cast.member_factory(full_name="Bùi Thị Khương", commune_code=PHU_KHUONG)
    login(client, cast.finance_clerk)
    books = [cast.book(m) for m in (cast.member, second, third)]
    response = client.post(ISSUE, {"pham_vi": "chon", "chon": [b.pk for b in books]})
    assert response.status_code == 200
    assert response.context["groups"] == [("Đảng ủy phường Long Châu", 2), ("Đảng ủy phường Phú Khương", 1)]
    body = response.content.decode()
    assert "Ký và gửi 3 giấy giới thiệu" in body
    assert 'name="xac_nhan" value="1"' in body
    assert not IntroductionLetter.objects.exists()


def test_confirming_signs_and_sends_the_letters_and_says_their_numbers(client, cast):
    second = cast.member_factory(full_name="Lê Thị Hai")
    third = cast.member_factory(full_name="Bùi Thị Khương", commune_code=PHU_KHUONG)
    login(client, cast.finance_clerk)
    books = [cast.book(m) for m in (cast.member, second, third)]
    response = client.post(ISSUE, {"xac_nhan": "1", "chon": [b.pk for b in books]})
    assert response.status_code == 302
    assert response.url == REVIEW
    letters = IntroductionLetter.objects.order_by("number")
    assert [(letter.full_name, letter.status, letter.addressee) for letter in letters] == [
        # numbered in the order of the list (Vietnamese order)
        ("Nguyễn Văn An", LetterStatus.ISSUED, cast.long_chau),
        ("Lê Thị Hai", LetterStatus.ISSUED, cast.long_chau),
        ("Bùi Thị Khương", LetterStatus.ISSUED, cast.phu_khuong),
    ]
    page = client.get(REVIEW).content.decode()
    assert "Đã ký và gửi 3 giấy giới thiệu (Số 1-GGT/ĐU … Số 3-GGT/ĐU)." in page
    assert names(client.get(REVIEW)) == []


def test_everyone_in_the_filtered_list_can_be_chosen_at_once(client, cast):
    cast.member_factory(full_name="Lê Thị Hai")
    cast.member_factory(full_name="Bùi Thị Khương", commune_code=PHU_KHUONG)
    login(client, cast.finance_clerk)
    step1 = client.post(ISSUE, {"pham_vi": "tat_ca", "xa": PHU_KHUONG})
    assert [b.member.full_name for b in step1.context["books"]] == ["Bùi Thị Khương"]
    ids = [b.pk for b in step1.context["books"]]
    client.post(ISSUE, {"xac_nhan": "1", "chon": ids})
    assert list(IntroductionLetter.objects.values_list("full_name", flat=True)) == ["Bùi Thị Khương"]


def test_one_member_who_cannot_be_introduced_stops_the_whole_batch(client, cast):
    nowhere = cast.member_factory(full_name="Tạ Văn Ngãi", commune_code=TAN_NGAI)
    login(client, cast.finance_clerk)
    books = [cast.book(cast.member), cast.book(nowhere)]
    confirm = client.post(ISSUE, {"pham_vi": "chon", "chon": [b.pk for b in books]})
    assert "chưa có đảng ủy trong hệ thống" in confirm.content.decode()
    response = client.post(ISSUE, {"xac_nhan": "1", "chon": [b.pk for b in books]})
    assert response.status_code == 200
    body = response.content.decode()
    assert "chưa có đảng ủy của Phường Tân Ngãi trong hệ thống" in body
    # the selection is kept on the confirm page, nothing was signed
    assert [b.member.full_name for b in response.context["books"]] == ["Nguyễn Văn An", "Tạ Văn Ngãi"]
    assert not IntroductionLetter.objects.exists()


def test_nothing_chosen_is_told_plainly(client, cast):
    login(client, cast.finance_clerk)
    response = client.post(ISSUE, {"pham_vi": "chon"}, follow=True)
    assert "Chưa chọn đảng viên nào" in response.content.decode()


def test_another_committees_members_cannot_be_signed_for(client, cast):
    nurse = cast.member_factory(full_name="Đỗ Thị Y Tá", cell=cast.health_cell)
    login(client, cast.finance_clerk)
    response = client.post(ISSUE, {"xac_nhan": "1", "chon": [cast.book(nurse).pk]}, follow=True)
    assert "Chưa chọn đảng viên nào" in response.content.decode()
    assert not IntroductionLetter.objects.exists()
    assert names(client.get(REVIEW)) == ["Nguyễn Văn An"]


def test_members_already_introduced_are_not_signed_again(client, cast):
    introduce(cast, cast.member)
    login(client, cast.finance_clerk)
    client.post(ISSUE, {"xac_nhan": "1", "chon": [cast.book(cast.member).pk]})
    assert IntroductionLetter.objects.count() == 1


@pytest.mark.parametrize("who", ["finance_cell_secretary", "lc_secretary", "board_officer", "member_user"])
def test_only_the_workplace_committee_reviews_and_signs(client, cast, who):
    login(client, getattr(cast, who))
    assert client.get(REVIEW).status_code == 403
    assert client.post(ISSUE, {"xac_nhan": "1", "chon": [cast.book(cast.member).pk]}).status_code == 403
    assert not IntroductionLetter.objects.exists()


def test_the_review_commune_filter_lists_only_communes_of_the_candidates(client, cast):
    cast.member_factory(full_name="Bùi Thị Khương", commune_code=PHU_KHUONG)
    login(client, cast.finance_clerk)
    choices = dict(client.get(REVIEW).context["filters"].fields["xa"].choices)
    assert choices == {"": "Tất cả", PHU_KHUONG: "Phường Phú Khương", commune(29551).code: "Phường Long Châu"}
