"""The member's own book at /cua-toi/: this term's letters, residence, comments and meetings;
earlier terms read-only; nothing of any other member."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from books import actions
from books.models import MeetingAttendance, Organisation, ResidenceMeeting
from orgs.models import OrgKind
from tests.cast import LONG_CHAU, comment_at, commune, introduce, make_user
from tests.web.test_board_completion import TODAY, login, queries_for


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def neighbour(cast):
    """Another member in the same workplace cell and the same residence cell, with a login of their own."""
    member = cast.member_factory(full_name="Trần Thị Hàng Xóm", user=make_user("dv_hangxom", "Trần Thị Hàng Xóm"))
    with time_machine.travel(datetime.date(2026, 1, 12)):
        introduce(cast, member)
    return member


@pytest.fixture
def year_of_work(cast, neighbour):
    """cast.member introduced on 10/01/2026 into Khóm 1, at the June meeting, 2026 comment returned."""
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, cast.member)
    with time_machine.travel(datetime.date(2026, 6, 20)):
        actions.record_meeting(
            cast.lc_cell_1,
            held_on=datetime.date(2026, 6, 15),
            attendance={cast.member.pk: True, neighbour.pk: (False, "Đi công tác Cần Thơ")},
            by=cast.lc_cell_secretary,
        )
    comment_at(cast, "returned")
    comment_at(cast, "signed", neighbour)


def body_of(response):
    assert response.status_code == 200
    return response.content.decode()


def test_the_member_reads_this_terms_book(client, cast, year_of_work):
    body = body_of(login(client, cast.member_user).get(reverse("member:book")))
    assert "Nhiệm kỳ 2025–2030" in body
    assert "Chi bộ Phòng Ngân sách, Đảng ủy Sở Tài chính" in body
    # the letter with its number and receipt
    assert "2-GGT/ĐU" in body and "Đã tiếp nhận" in body and "Ngày 10/01/2026" in body  # the neighbour got 1
    # my residence committee and cell
    assert "Đảng ủy phường Long Châu" in body and "Chi bộ Khóm 1, từ ngày 10/01/2026" in body
    # the year's comment, back at the workplace: its summary shows
    assert "Đã gửi lại nơi công tác" in body
    assert "Hoàn thành tốt trách nhiệm nơi cư trú" in body and "gửi lại ngày 01/11/2026" in body
    # the meeting attended
    assert "15/06/2026" in body and "Có mặt" in body
    assert "Đề nghị chuyển nơi cư trú" in body


def test_a_comment_still_at_the_residence_side_shows_no_summary(client, cast):
    comment_at(cast, "certified")
    body = body_of(login(client, cast.member_user).get(reverse("member:book")))
    assert "Đảng ủy đã xác nhận, chờ gửi lại" in body
    assert "Chưa gửi về nơi công tác" in body
    assert "Hoàn thành tốt trách nhiệm nơi cư trú" not in body


def test_the_home_page_shows_a_summary_only_once_returned_and_links_to_the_book(client, cast):
    request = comment_at(cast, "certified")
    login(client, cast.member_user)
    home = body_of(client.get("/"))
    assert "Hoàn thành tốt trách nhiệm nơi cư trú" not in home
    assert f'href="{reverse("member:book")}"' in home and f'href="{reverse("member:address_change")}"' in home
    with time_machine.travel(datetime.date(2026, 11, 1)):
        actions.return_comment(request, by=cast.lc_secretary)
    assert "Hoàn thành tốt trách nhiệm nơi cư trú" in body_of(client.get("/"))


def test_the_member_sees_nothing_of_another_member(client, cast, year_of_work, neighbour):
    login(client, cast.member_user)
    body = body_of(client.get(reverse("member:book")))
    for secret in (neighbour.full_name, neighbour.party_card_number, neighbour.national_id, "Đi công tác Cần Thơ"):
        assert secret not in body
    assert client.get(reverse("member:term_book", args=[cast.book(neighbour).pk])).status_code == 404
    # and the neighbour, with a login of their own, cannot open this member's book either
    other = login(Client(), neighbour.user)
    assert other.get(reverse("member:term_book", args=[cast.book(cast.member).pk])).status_code == 404
    assert cast.member.full_name not in body_of(other.get(reverse("member:book")))


def test_a_closed_book_is_shown_read_only(client, cast):
    introduce(cast, cast.member)
    actions.end_employment(cast.member, reason="retired", by=cast.finance_clerk)
    body = body_of(login(client, cast.member_user).get(reverse("member:book")))
    assert "Sổ này đã đóng ngày 27/11/2026 (nghỉ hưu)" in body
    assert reverse("member:address_change") not in body.split('<main id="noi-dung"')[1]


def test_previous_terms_stay_readable_after_the_rollover(client, cast):
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, cast.member)
    old_book = cast.book(cast.member)
    with time_machine.travel(datetime.datetime(2030, 1, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        actions.rollover_term(by=None)
        login(client, cast.member_user)
        current = body_of(client.get(reverse("member:book")))
        assert "Nhiệm kỳ 2030–2035" in current
        assert "1-GGT/ĐU" in current  # the letter carried over keeps its number
        assert reverse("member:term_book", args=[old_book.pk]) in current
        old = body_of(client.get(reverse("member:term_book", args=[old_book.pk])))
        assert "Nhiệm kỳ 2025–2030" in old and "Sổ này đã đóng ngày 02/01/2030 (hết nhiệm kỳ)" in old
        assert "Chuyển sang sổ nhiệm kỳ mới" in old


def test_only_the_member_hat_opens_the_book(client, cast):
    url = reverse("member:book")
    assert login(Client(), cast.member_user).get(url).status_code == 200
    for who in ("finance_secretary", "finance_cell_secretary", "lc_cell_secretary", "board_officer", "outsider"):
        assert login(Client(), getattr(cast, who)).get(url).status_code == 403, who
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))
    book_url = reverse("member:term_book", args=[cast.book(cast.member).pk])
    assert login(Client(), cast.finance_secretary).get(book_url).status_code == 403


def _meetings(cast, n, start):
    """n meetings of n new residence cells, each attended by cast.member (bulk, no events)."""
    cells = Organisation.objects.bulk_create(
        [
            Organisation(
                kind=OrgKind.RESIDENCE_CELL,
                name=f"Chi bộ Tổ {start + i}",
                parent=cast.long_chau,
                province_code=86,
                commune=commune(LONG_CHAU),
            )
            for i in range(n)
        ]
    )
    meetings = ResidenceMeeting.objects.bulk_create(
        [ResidenceMeeting(cell=c, held_on=datetime.date(2026, 6, 1), year=2026, half=1) for c in cells]
    )
    MeetingAttendance.objects.bulk_create(
        [MeetingAttendance(meeting=m, member=cast.member, present=bool(i % 2)) for i, m in enumerate(meetings)]
    )


def test_the_book_runs_the_same_queries_for_10_or_200_meetings(client, cast):
    comment_at(cast, "returned")
    login(client, cast.member_user)
    _meetings(cast, 10, 0)
    few = queries_for(client, reverse("member:book"))
    _meetings(cast, 190, 10)
    many = queries_for(client, reverse("member:book"))
    assert few == many
    assert len(client.get(reverse("member:book")).context["attended"]) == 200
