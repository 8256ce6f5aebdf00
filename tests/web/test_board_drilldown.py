"""The board's drill-down: from a committee's figures to the late ones behind them.

Uses the hand-computed world of test_board_completion (today 27/11/2026; comments due 31/10,
returns 15/11).
"""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from books import actions
from books.models import RatingLevel
from tests.cast import introduce, sign_request
from tests.web.test_board_completion import TODAY, build_world, bulk_members, login, queries_for

DAYS_SINCE_10_JANUARY = (datetime.date(2026, 11, 27) - datetime.date(2026, 1, 10)).days


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def world(cast):
    return build_world(cast)


def rows(response):
    return list(response.context["page"].object_list)


def names(response):
    return [item.book.member.full_name for item in rows(response)]


# --------------------------------------------------------------------------- a residence committee


def test_the_overdue_comments_of_a_commune_show_who_where_and_how_late(client, cast, world):
    response = login(client, cast.board_officer).get(reverse("board:commune", args=[cast.long_chau.pk]))
    assert response.status_code == 200
    assert [(i.book.member.full_name, i.late_due, i.days_late) for i in rows(response)] == [
        ("Võ Văn Cường", datetime.date(2026, 10, 31), 27),
        ("Huỳnh Văn Em", datetime.date(2026, 11, 15), 12),
    ]
    body = response.content.decode()
    assert "Chi bộ Phòng Ngân sách, Đảng ủy Sở Tài chính" in body  # the workplace counterpart
    assert "Chi bộ Phòng Nghiệp vụ Y, Đảng ủy Sở Y tế" in body
    assert "31/10/2026" in body and "15/11/2026" in body
    assert response.context["row"].overdue == 2


def test_the_commune_drill_down_shows_no_ratings(client, cast, world):
    body = login(client, cast.board_officer).get(reverse("board:commune", args=[cast.long_chau.pk])).content.decode()
    assert "Võ Văn Cường" in body  # rated "without comment" by the workplace, but that stays there
    for level in RatingLevel.labels:
        assert level not in body
    assert "xếp loại" not in body.lower()
    assert (
        login(Client(), cast.board_officer)
        .get(reverse("board:commune", args=[cast.long_chau.pk]), {"xem": "xep-loai-khong-nhan-xet"})
        .context["tab"]
        == "qua-han"
    )


def test_the_letters_waiting_at_a_commune_show_how_long_they_wait(client, cast, world):
    response = login(client, cast.board_officer).get(
        reverse("board:commune", args=[cast.phu_khuong.pk]), {"xem": "cho-tiep-nhan"}
    )
    assert [(i.book.member.full_name, i.display_number, i.days_late) for i in rows(response)] == [
        ("Đỗ Thị Dung", "4-GGT/ĐU", DAYS_SINCE_10_JANUARY)
    ]
    assert "Chi bộ Phòng Ngân sách, Đảng ủy Sở Tài chính" in response.content.decode()


def test_the_late_ones_sort_by_lateness_or_by_name_and_are_searched_without_diacritics(client, cast, world):
    late_too = cast.member_factory(full_name="Trần Văn Ánh")
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, late_too)
    with time_machine.travel(datetime.date(2026, 10, 2)):
        (request,) = actions.open_campaign(cast.finance, year=2026, by=cast.finance_clerk).created
    with time_machine.travel(datetime.date(2026, 10, 20)):
        sign_request(cast, request)
    login(client, cast.board_officer)
    url = reverse("board:commune", args=[cast.long_chau.pk])
    assert names(client.get(url)) == ["Võ Văn Cường", "Trần Văn Ánh", "Huỳnh Văn Em"]
    assert names(client.get(url, {"sap_xep": "ten"})) == ["Trần Văn Ánh", "Võ Văn Cường", "Huỳnh Văn Em"]
    assert names(client.get(url, {"q": "van anh"})) == ["Trần Văn Ánh"]
    assert names(client.get(url, {"q": "nguyen khong co"})) == []


# --------------------------------------------------------------------------- a workplace committee


def test_the_overdue_comments_of_a_workplace_committee_name_the_residence_side(client, cast, world):
    response = login(client, cast.board_officer).get(reverse("board:workplace", args=[cast.finance.pk]))
    assert [(i.book.member.full_name, i.days_late) for i in rows(response)] == [
        ("Võ Văn Cường", 27),
        ("Đỗ Thị Dung", 27),
    ]
    body = response.content.decode()
    assert "Đảng ủy phường Long Châu, Chi bộ Khóm 1" in body
    assert "Đảng ủy phường Phú Khương" in body


def test_the_workplace_drill_down_lists_letters_waiting_and_ratings_made_without_a_comment(client, cast, world):
    login(client, cast.board_officer)
    url = reverse("board:workplace", args=[cast.finance.pk])
    waiting = client.get(url, {"xem": "cho-tiep-nhan"})
    assert [(i.book.member.full_name, i.residence_committee.name) for i in rows(waiting)] == [
        ("Đỗ Thị Dung", "Đảng ủy phường Phú Khương")
    ]
    ratings = client.get(url, {"xem": "xep-loai-khong-nhan-xet"})
    assert [(r.book.member.full_name, r.level) for r in rows(ratings)] == [("Võ Văn Cường", RatingLevel.DONE)]
    assert "Hoàn thành nhiệm vụ" in ratings.content.decode()


# --------------------------------------------------------------------------- who may look


@pytest.mark.parametrize("side", ["commune", "workplace"])
def test_only_a_board_officer_of_the_province_may_drill_down(client, cast, world, side):
    org = cast.long_chau if side == "commune" else cast.finance
    url = reverse(f"board:{side}", args=[org.pk])
    assert login(Client(), cast.board_officer).get(url).status_code == 200
    assert login(Client(), world["officer"]).get(url).status_code == 404  # the Hà Nội board
    for who in ("finance_secretary", "lc_secretary", "lc_cell_secretary", "member_user", "outsider"):
        assert login(Client(), getattr(cast, who)).get(url).status_code == 403, who
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))


def test_a_committee_of_the_wrong_kind_or_unknown_is_not_found(client, cast):
    login(client, cast.board_officer)
    assert client.get(reverse("board:commune", args=[cast.finance.pk])).status_code == 404
    assert client.get(reverse("board:workplace", args=[cast.long_chau.pk])).status_code == 404
    assert client.get(reverse("board:workplace", args=[999999])).status_code == 404


# --------------------------------------------------------------------------- queries


@pytest.mark.parametrize("tab", ["qua-han", "cho-tiep-nhan"])
def test_the_commune_drill_down_runs_the_same_queries_for_10_or_200_late_ones(client, cast, tab):
    login(client, cast.board_officer)
    url = reverse("board:commune", args=[cast.long_chau.pk])
    status = "received" if tab == "qua-han" else "issued"
    bulk_members(cast, 10, residence_cell=cast.lc_cell_1, letter_status=status)
    few = queries_for(client, url, xem=tab)
    bulk_members(cast, 190, residence_cell=cast.lc_cell_1, letter_status=status)
    many = queries_for(client, url, xem=tab)
    assert few == many
    assert client.get(url, {"xem": tab}).context["page"].paginator.count == 200


@pytest.mark.parametrize("tab", ["qua-han", "cho-tiep-nhan", "xep-loai-khong-nhan-xet"])
def test_the_workplace_drill_down_runs_the_same_queries_for_10_or_200_late_ones(client, cast, tab):
    login(client, cast.board_officer)
    url = reverse("board:workplace", args=[cast.finance.pk])
    status = "received" if tab != "cho-tiep-nhan" else "issued"
    bulk_members(cast, 10, residence_cell=cast.lc_cell_1, letter_status=status, rated_without=True)
    few = queries_for(client, url, xem=tab)
    bulk_members(cast, 190, residence_cell=cast.lc_cell_1, letter_status=status, rated_without=True)
    many = queries_for(client, url, xem=tab)
    assert few == many
    assert client.get(url, {"xem": tab}).context["page"].paginator.count == 200
