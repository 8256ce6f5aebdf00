"""Workplace side: the December rating, with the year's residence comment beside the form."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from books import actions
from books.models import AnnualRating, RatingLevel
from orgs.models import Organisation, OrgKind
from tests.cast import FRONT_PARTICIPANT, PASSWORD, comment_at

RATINGS = reverse("workplace:ratings")
NO_COMMENT = "Chưa có nhận xét của chi ủy nơi cư trú năm 2026 — xếp loại sẽ được ghi là không có nhận xét."


@pytest.fixture(autouse=True)
def _december():
    """The year's rating is recorded from the profile's rating_start (December 1)."""
    with time_machine.travel(datetime.datetime(2026, 12, 10, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))):
        yield


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def rate_url(book, year=2026):
    return reverse("workplace:rate", args=[book.pk]) + f"?nam={year}"


def names(response):
    return [b.member.full_name for b in response.context["page"]]


def test_the_list_says_who_is_rated_and_who_has_a_comment_back(client, cast):
    comment_at(cast, "returned")
    rated = cast.member_factory(full_name="Lê Thị Hai")
    actions.record_rating(cast.book(rated), year=2026, level="excellent", by=cast.finance_secretary)
    cast.member_factory(full_name="Đỗ Thị Y Tá", cell=cast.health_cell)
    login(client, cast.finance_clerk)
    response = client.get(RATINGS)
    assert response.status_code == 200
    assert response.context["year"] == 2026
    assert names(response) == ["Nguyễn Văn An", "Lê Thị Hai"]
    assert response.context["counts"] == {"total": 2, "rated": 1}
    rows = {b.member.full_name: b for b in response.context["page"]}
    assert rows["Nguyễn Văn An"].comment_back and not rows["Nguyễn Văn An"].rating_level
    assert rows["Lê Thị Hai"].rating_label == "Hoàn thành xuất sắc nhiệm vụ"
    assert rows["Lê Thị Hai"].rating_without
    assert names(client.get(RATINGS, {"xep_loai": "chua"})) == ["Nguyễn Văn An"]
    assert names(client.get(RATINGS, {"xep_loai": "roi"})) == ["Lê Thị Hai"]
    assert names(client.get(RATINGS, {"q": "hai"})) == ["Lê Thị Hai"]


def test_the_rating_form_shows_the_years_comment_beside_it(client, cast):
    comment_at(cast, "returned")
    login(client, cast.finance_clerk)
    response = client.get(rate_url(cast.book(cast.member)))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nhận xét của chi ủy nơi cư trú năm 2026" in body
    assert "Gương mẫu, tích cực tham gia phong trào của khóm." in body
    assert FRONT_PARTICIPANT in body
    assert "Hoàn thành tốt trách nhiệm nơi cư trú" in body
    assert NO_COMMENT not in body
    for _value, label in RatingLevel.choices:
        assert label in body


def test_a_rating_with_the_comment_back_is_linked_to_it(client, cast):
    request = comment_at(cast, "acknowledged")
    login(client, cast.finance_clerk)
    response = client.post(rate_url(cast.book(cast.member)), {"nam": "2026", "level": "good", "note": "Tốt"})
    assert response.status_code == 302
    assert response.url == RATINGS + "?nam=2026"
    rating = AnnualRating.objects.get()
    assert (rating.level, rating.comment, rating.without_comment, rating.note) == ("good", request, False, "Tốt")
    assert "Đã xếp loại Nguyễn Văn An năm 2026: Hoàn thành tốt nhiệm vụ." in client.get(response.url).content.decode()


def test_without_a_comment_the_form_says_so_plainly_and_the_rating_is_flagged(client, cast):
    comment_at(cast, "signed")  # still at the residence side: it does not count
    login(client, cast.finance_clerk)
    page = client.get(rate_url(cast.book(cast.member))).content.decode()
    assert NO_COMMENT in page
    response = client.post(rate_url(cast.book(cast.member)), {"nam": "2026", "level": "done"}, follow=True)
    rating = AnnualRating.objects.get()
    assert (rating.without_comment, rating.comment) == (True, None)
    assert "(không có nhận xét của nơi cư trú)." in response.content.decode()


def test_a_second_rating_is_refused_and_the_note_kept(client, cast):
    actions.record_rating(cast.book(cast.member), year=2026, level="done", by=cast.finance_secretary)
    login(client, cast.finance_clerk)
    page = client.get(rate_url(cast.book(cast.member))).content.decode()
    assert "Đã xếp loại ngày 10/12/2026" in page
    response = client.post(
        rate_url(cast.book(cast.member)), {"nam": "2026", "level": "excellent", "note": "Sửa lại mức"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nguyễn Văn An đã được xếp loại năm 2026." in body
    assert AnnualRating.objects.get().level == "done"


def test_a_future_year_is_refused(client, cast):
    login(client, cast.finance_clerk)
    response = client.post(rate_url(cast.book(cast.member), 2027), {"nam": "2027", "level": "good", "note": "Ghi chú"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Năm 2027 không thuộc nhiệm kỳ của sổ hoặc chưa đến." in body
    assert "Ghi chú</textarea>" in body
    assert not AnnualRating.objects.exists()


def test_the_workplace_cell_secretary_rates_the_cells_members(client, cast):
    office = Organisation.objects.create(
        kind=OrgKind.WORKPLACE_CELL, name="Chi bộ Văn phòng Sở", parent=cast.finance, province_code=86
    )
    other = cast.member_factory(full_name="Hồ Văn Thư", cell=office)
    login(client, cast.finance_cell_secretary)
    assert names(client.get(RATINGS)) == ["Nguyễn Văn An"]
    response = client.post(rate_url(cast.book(cast.member)), {"nam": "2026", "level": "good"})
    assert response.status_code == 302
    assert AnnualRating.objects.get().rated_by == cast.finance_cell_secretary
    assert client.get(rate_url(cast.book(other))).status_code == 404


def test_another_committees_book_is_not_found(client, cast):
    login(client, cast.health_secretary)
    assert client.get(rate_url(cast.book(cast.member))).status_code == 404
    assert client.post(rate_url(cast.book(cast.member)), {"nam": "2026", "level": "good"}).status_code == 404
    assert not AnnualRating.objects.exists()


@pytest.mark.parametrize("who", ["lc_secretary", "lc_cell_secretary", "board_officer", "member_user"])
def test_the_residence_side_never_rates_nor_sees_ratings(client, cast, who):
    login(client, getattr(cast, who))
    assert client.get(RATINGS).status_code == 403
    assert client.get(rate_url(cast.book(cast.member))).status_code == 403
    assert client.post(rate_url(cast.book(cast.member)), {"nam": "2026", "level": "good"}).status_code == 403
    assert not AnnualRating.objects.exists()


def test_before_december_the_page_says_when_the_rating_opens_and_offers_no_form(client, cast):
    with time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))):
        login(client, cast.finance_clerk)
        response = client.get(rate_url(cast.book(cast.member)))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Chưa đến thời gian xếp loại đảng viên năm 2026: từ ngày 01/12/2026." in page
        assert "Ghi xếp loại năm 2026" not in page
        # last year's rating is open all year round
        assert "Ghi xếp loại năm 2025" in client.get(rate_url(cast.book(cast.member), year=2025)).content.decode()
