"""Workplace side: a member's page, with the book of the term as a timeline."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from books import actions
from tests.cast import PASSWORD, comment_at


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def page_of(member):
    return reverse("workplace:member", args=[member.pk])


def test_the_page_shows_particulars_residence_and_exemption(client, cast):
    actions.set_exemption(cast.member, exemption="E1b", reason="Công tác lưu động ở huyện đảo", by=cast.finance_clerk)
    login(client, cast.finance_clerk)
    response = client.get(page_of(cast.member))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "Nguyễn Văn An",
        "Chi bộ Phòng Ngân sách, Đảng ủy Sở Tài chính",
        cast.member.party_card_number,  # the workplace side sees the card and ID numbers
        cast.member.national_id,
        "12/04/1985",
        "Phường Long Châu, Tỉnh Vĩnh Long",
        "E1b — công tác xa, lưu động",
        "Công tác lưu động ở huyện đảo",
        "Sổ liên hệ nhiệm kỳ 2025–2030",
        "Chưa có giấy giới thiệu",
    ):
        assert text in body, text
    # the buttons to every form of the member
    for name in (
        "member_edit",
        "member_residence",
        "member_workplace",
        "member_exemption",
        "member_end",
        "member_on_demand",
    ):
        assert reverse(f"workplace:{name}", args=[cast.member.pk]) in body, name


def test_the_timeline_holds_every_letter_comment_meeting_notice_rating_and_event(client, cast):
    request = comment_at(cast, "returned")  # introduced on 10/01/2026, asked on 02/10, returned 01/11
    with time_machine.travel(datetime.date(2026, 6, 20)):
        actions.record_meeting(
            cast.lc_cell_1,
            held_on=datetime.date(2026, 6, 20),
            attendance={cast.member.pk: True},
            by=cast.lc_cell_secretary,
        )
    with time_machine.travel(datetime.date(2026, 11, 20)):
        actions.raise_notice(
            cast.member,
            description="Không tham gia họp tổ dân phố ba lần liền.",
            observed_on=datetime.date(2026, 11, 10),
            by=cast.lc_secretary,
        )
    with time_machine.travel(datetime.date(2026, 12, 2)):  # the rating window opens on December 1
        actions.record_rating(cast.book(cast.member), year=2026, level="good", by=cast.finance_secretary)

    login(client, cast.finance_clerk)
    response = client.get(page_of(cast.member))
    items = response.context["current"].items
    # the cast registered the member today (27/11/2026), after the rest of this made-up year
    assert [item.title for item in items].count("Thêm đảng viên") == 1
    items = [item for item in items if item.title != "Thêm đảng viên"]
    titles = [item.title for item in items]
    assert titles == [
        "Ký, gửi giấy giới thiệu",
        "Tiếp nhận giấy giới thiệu, phân công chi bộ",
        "Sinh hoạt định kỳ nơi cư trú: có mặt",
        "Xin ý kiến nhận xét",
        "Chi bộ lưu bản nháp nhận xét",
        "Chi bộ ký nhận xét",
        "Đảng ủy xác nhận nhận xét",
        "Gửi nhận xét về nơi công tác",
        "Phiếu báo vi phạm",
        "Xếp loại cuối năm",
    ]
    issued = items[0]
    assert (issued.on, issued.who, issued.role, issued.organisation) == (
        datetime.date(2026, 1, 10),
        "Lê Thị Mai",
        "Văn phòng / cán bộ giúp việc",
        "Đảng ủy Sở Tài chính",
    )
    meeting = items[2]
    assert (meeting.on, meeting.organisation) == (datetime.date(2026, 6, 20), "Chi bộ Khóm 1")
    signed = items[5]
    assert (signed.who, signed.role, signed.organisation) == ("Nguyễn Thị Bảy", "Bí thư chi bộ", "Chi bộ Khóm 1")
    assert signed.link == reverse("workplace:comment", args=[request.pk])
    assert items[-1].detail == "Năm 2026: Hoàn thành tốt nhiệm vụ"
    body = response.content.decode()
    assert "1-GGT/ĐU" in body
    assert "Đã gửi lại nơi công tác" in body  # the comment's badge
    assert "Hoàn thành tốt trách nhiệm nơi cư trú" in body  # its summary, now that it is back
    assert "Không tham gia họp tổ dân phố" in body
    assert "10/01/2026" in body


def test_a_rating_made_without_a_comment_says_so_in_the_timeline(client, cast):
    with time_machine.travel(datetime.date(2026, 12, 2)):  # the rating window opens on December 1
        actions.record_rating(cast.book(cast.member), year=2026, level="done", by=cast.finance_secretary)
    login(client, cast.finance_clerk)
    items = client.get(page_of(cast.member)).context["current"].items
    assert items[-1].detail == "Năm 2026: Hoàn thành nhiệm vụ (không có nhận xét của nơi cư trú)"


def test_books_of_earlier_terms_are_shown_read_only(client, cast):
    comment_at(cast, "acknowledged")
    with time_machine.travel(datetime.date(2030, 1, 2)):
        actions.rollover_term(by=None)
        login(client, cast.finance_clerk)
        response = client.get(page_of(cast.member))
    current, earlier = response.context["current"], response.context["earlier"]
    assert current.book.term.start_year == 2030
    assert [view.book.term.start_year for view in earlier] == [2025]
    assert "Ký, gửi giấy giới thiệu" in [item.title for item in earlier[0].items]
    body = response.content.decode()
    assert "Sổ các nhiệm kỳ trước (chỉ xem)" in body
    assert "Chuyển sang sổ nhiệm kỳ mới" in body  # the old letter's state
    # the old book's letter cannot be withdrawn from here: only the one in force has a button
    old_letter = earlier[0].letters[0]
    assert reverse("workplace:letter_withdraw", args=[old_letter.pk]) not in body


def test_the_workplace_cell_secretary_reads_the_page_without_the_committees_buttons(client, cast):
    login(client, cast.finance_cell_secretary)
    response = client.get(page_of(cast.member))
    assert response.status_code == 200
    body = response.content.decode()
    assert cast.member.party_card_number in body
    assert reverse("workplace:member_edit", args=[cast.member.pk]) not in body
    assert reverse("workplace:rate", args=[cast.book(cast.member).pk]) in body
    # no link to a page the cell secretary may not open (the committee signs the letters)
    assert "Chưa có giấy giới thiệu" in body
    assert reverse("workplace:review") not in body


def test_another_committee_gets_404_for_our_member(client, cast):
    login(client, cast.health_secretary)
    assert client.get(page_of(cast.member)).status_code == 404
    assert client.get(reverse("workplace:member", args=[999999])).status_code == 404


@pytest.mark.parametrize("who", ["lc_secretary", "lc_cell_secretary", "board_officer", "member_user"])
def test_other_roles_are_refused(client, cast, who):
    login(client, getattr(cast, who))
    assert client.get(page_of(cast.member)).status_code == 403
