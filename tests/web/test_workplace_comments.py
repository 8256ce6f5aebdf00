"""Workplace committee: the comments that came back (read, acknowledge) and the ones to chase."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from books.models import CommentStatus
from tests.cast import FRONT_PARTICIPANT, PASSWORD, PHU_KHUONG, comment_at

RETURNED = reverse("workplace:returned")
ACKNOWLEDGE = reverse("workplace:acknowledge")
OVERDUE = reverse("workplace:overdue")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def detail(request):
    return reverse("workplace:comment", args=[request.pk])


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def names(response):
    return [c.book.member.full_name for c in response.context["page"]]


# --------------------------------------------------------------------------- returned comments


def test_the_list_holds_the_committees_returned_comments(client, cast):
    returned = comment_at(cast, "returned")
    second = cast.member_factory(full_name="Lê Thị Hai")
    comment_at(cast, "acknowledged", second)
    third = cast.member_factory(full_name="Bùi Văn Ba")
    comment_at(cast, "certified", third)
    nurse = cast.member_factory(full_name="Đỗ Thị Y Tá", cell=cast.health_cell)
    comment_at(cast, "returned", nurse)

    login(client, cast.finance_clerk)
    response = client.get(RETURNED)
    assert response.status_code == 200
    assert names(response) == ["Nguyễn Văn An"]
    body = response.content.decode()
    assert "Hoàn thành tốt trách nhiệm nơi cư trú" in body
    assert detail(returned) in body
    assert "01/11/2026" in body
    assert names(client.get(RETURNED, {"da_nhan": "1"})) == ["Lê Thị Hai"]


def test_a_returned_comment_reads_in_full(client, cast):
    request = comment_at(cast, "returned")
    login(client, cast.finance_clerk)
    response = client.get(detail(request))
    assert response.status_code == 200
    body = response.content.decode()
    for criterion in request.book.profile.criteria:
        assert criterion["label"] in body
    for text in (
        "Gương mẫu, tích cực tham gia phong trào của khóm.",
        "Hoàn thành tốt trách nhiệm nơi cư trú",
        FRONT_PARTICIPANT,
        "T/M CHI ỦY, BÍ THƯ Nguyễn Thị Bảy",
        "Chi bộ Khóm 1, ngày 20/10/2026",
        "Đảng ủy phường Long Châu — Huỳnh Văn Sáu, ngày 25/10/2026",
        "Khuyết điểm, hạn chế",
        "Ý kiến của nhân dân, ban công tác Mặt trận",
        "Đã nhận nhận xét này",
    ):
        assert text in body, text


def test_a_comment_still_at_the_residence_side_is_not_shown(client, cast):
    request = comment_at(cast, "signed")
    login(client, cast.finance_clerk)
    body = client.get(detail(request)).content.decode()
    assert "Nhận xét chưa gửi về nơi công tác" in body
    assert "Gương mẫu, tích cực" not in body


def test_acknowledging_one_comment_from_its_row(client, cast):
    request = comment_at(cast, "returned")
    login(client, cast.finance_clerk)
    response = client.post(ACKNOWLEDGE, {"mot": request.pk}, follow=True)
    assert fresh(request).status == CommentStatus.ACKNOWLEDGED
    assert fresh(request).acknowledged_by == cast.finance_clerk
    assert "Đã nhận nhận xét của Nguyễn Văn An." in response.content.decode()


def test_acknowledging_from_the_row_with_htmx_swaps_only_the_row(client, cast):
    request = comment_at(cast, "returned")
    login(client, cast.finance_clerk)
    response = client.post(ACKNOWLEDGE, {"mot": request.pk}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith(f'<tr id="phieu-{request.pk}">')
    assert "Đã nhận 27/11/2026" in body
    assert "Đã nhận nhận xét của Nguyễn Văn An." in body
    assert fresh(request).status == CommentStatus.ACKNOWLEDGED
    # the message was said in the row: it does not come back on the next page
    assert "Đã nhận nhận xét của" not in client.get(RETURNED).content.decode()


def test_acknowledging_a_selection_all_at_once(client, cast):
    first = comment_at(cast, "returned")
    second = comment_at(cast, "returned", cast.member_factory(full_name="Lê Thị Hai"))
    third = comment_at(cast, "returned", cast.member_factory(full_name="Bùi Văn Ba"))
    login(client, cast.finance_clerk)
    response = client.post(ACKNOWLEDGE, {"chon": [first.pk, third.pk]}, follow=True)
    assert "Đã nhận 2 phiếu nhận xét." in response.content.decode()
    assert [fresh(r).status for r in (first, second, third)] == [
        CommentStatus.ACKNOWLEDGED,
        CommentStatus.RETURNED,
        CommentStatus.ACKNOWLEDGED,
    ]


def test_a_selection_with_one_refused_comment_acknowledges_none(client, cast):
    first = comment_at(cast, "returned")
    done = comment_at(cast, "acknowledged", cast.member_factory(full_name="Lê Thị Hai"))
    login(client, cast.finance_clerk)
    response = client.post(ACKNOWLEDGE, {"chon": [first.pk, done.pk]}, follow=True)
    assert "Chỉ nhận được nhận xét nơi cư trú đã gửi lại." in response.content.decode()
    assert fresh(first).status == CommentStatus.RETURNED


def test_nothing_chosen_is_told_plainly(client, cast):
    login(client, cast.finance_clerk)
    response = client.post(ACKNOWLEDGE, {}, follow=True)
    assert "Chưa chọn phiếu nào" in response.content.decode()


def test_another_committees_comment_is_not_found(client, cast):
    request = comment_at(cast, "returned")
    login(client, cast.health_secretary)
    assert client.get(detail(request)).status_code == 404
    assert client.post(ACKNOWLEDGE, {"mot": request.pk}).status_code == 404
    assert client.post(ACKNOWLEDGE, {"chon": [request.pk]}).status_code == 404
    assert fresh(request).status == CommentStatus.RETURNED


@pytest.mark.parametrize("who", ["lc_secretary", "lc_cell_secretary", "board_officer", "member_user"])
def test_other_roles_are_refused(client, cast, who):
    request = comment_at(cast, "returned")
    login(client, getattr(cast, who))
    assert client.get(RETURNED).status_code == 403
    assert client.get(OVERDUE).status_code == 403
    assert client.get(detail(request)).status_code == 403
    assert client.post(ACKNOWLEDGE, {"mot": request.pk}).status_code == 403
    assert fresh(request).status == CommentStatus.RETURNED


def test_the_workplace_cell_secretary_reads_but_does_not_acknowledge(client, cast):
    request = comment_at(cast, "returned")
    login(client, cast.finance_cell_secretary)
    body = client.get(detail(request)).content.decode()
    assert "Gương mẫu, tích cực" in body
    assert "Đã nhận nhận xét này" not in body
    assert client.get(RETURNED).status_code == 403
    assert client.post(ACKNOWLEDGE, {"mot": request.pk}).status_code == 403


# --------------------------------------------------------------------------- the ones to chase


def test_the_overdue_list_groups_the_late_ones_by_residence_committee(client, cast):
    late_requested = comment_at(cast, "requested")  # due 31/10
    late_signed = comment_at(cast, "signed", cast.member_factory(full_name="Lê Thị Hai"))  # return due 15/11
    comment_at(cast, "returned", cast.member_factory(full_name="Bùi Văn Ba"))
    khuong = cast.member_factory(full_name="Bùi Thị Khương", commune_code=PHU_KHUONG)
    late_pk = comment_at(cast, "requested", khuong, cell=cast.pk_cell)
    login(client, cast.finance_clerk)
    response = client.get(OVERDUE)  # today: 27/11/2026
    assert response.status_code == 200
    assert [(g["residence_committee__name"], g["n"]) for g in response.context["groups"]] == [
        ("Đảng ủy phường Long Châu", 2),
        ("Đảng ủy phường Phú Khương", 1),
    ]
    assert [c.pk for c in response.context["page"]] == [late_requested.pk, late_signed.pk, late_pk.pk]  # An < Hai
    body = response.content.decode()
    assert "Quá hạn" in body
    assert "Bùi Văn Ba" not in body


def test_the_chase_list_can_show_every_comment_still_at_the_residence_side(client, cast):
    with time_machine.travel(datetime.date(2026, 10, 20)):
        comment_at(cast, "requested")
    login(client, cast.finance_clerk)
    with time_machine.travel(datetime.date(2026, 10, 20)):
        assert names(client.get(OVERDUE)) == []
        everything = client.get(OVERDUE, {"tat_ca": "1"})
    assert names(everything) == ["Nguyễn Văn An"]


def test_cancelled_and_other_committees_requests_are_not_chased(client, cast):
    comment_at(cast, "cancelled")
    nurse = cast.member_factory(full_name="Đỗ Thị Y Tá", cell=cast.health_cell)
    comment_at(cast, "requested", nurse)
    login(client, cast.finance_clerk)
    assert names(client.get(OVERDUE, {"tat_ca": "1"})) == []
