"""Workplace committee: violation notices from the residence side, to answer."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from books import actions
from books.models import NoticeStatus
from tests.cast import PASSWORD, introduce

NOTICES = reverse("workplace:notices")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def raise_notice(cast, member, on):
    with time_machine.travel(on):
        return actions.raise_notice(
            member,
            description="Không tham gia sinh hoạt, không giữ mối liên hệ với chi ủy khóm.",
            observed_on=on - datetime.timedelta(days=3),
            by=cast.lc_secretary,
        )


@pytest.fixture
def notice(cast):
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, cast.member)
    return raise_notice(cast, cast.member, datetime.date(2026, 11, 20))  # answer due 20/12


def test_the_list_holds_the_committees_raised_notices_with_the_late_ones_flagged(client, cast, notice):
    late_member = cast.member_factory(full_name="Lê Thị Hai")
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, late_member)
    late = raise_notice(cast, late_member, datetime.date(2026, 10, 1))  # due 31/10
    login(client, cast.finance_clerk)
    response = client.get(NOTICES)
    assert response.status_code == 200
    assert [n.pk for n in response.context["page"]] == [late.pk, notice.pk]  # the most urgent first
    body = response.content.decode()
    assert body.count("Quá hạn") == 1
    assert "Đảng ủy phường Long Châu" in body
    assert reverse("workplace:notice", args=[notice.pk]) in body


def test_answering_a_notice(client, cast, notice):
    login(client, cast.finance_clerk)
    page = client.get(reverse("workplace:notice", args=[notice.pk]))
    assert page.status_code == 200
    assert "Không tham gia sinh hoạt" in page.content.decode()
    response = client.post(
        reverse("workplace:notice", args=[notice.pk]), {"answer": "Chi bộ đã kiểm điểm, đồng chí hứa khắc phục."}
    )
    assert response.status_code == 302
    answered = fresh(notice)
    assert (answered.status, answered.answered_by) == (NoticeStatus.ANSWERED, cast.finance_clerk)
    follow = client.get(response.url)
    assert "Đã gửi trả lời phiếu báo về Đảng ủy phường Long Châu." in follow.content.decode()
    assert list(follow.context["page"]) == []
    assert [n.pk for n in client.get(NOTICES, {"da_tra_loi": "1"}).context["page"]] == [notice.pk]


def test_a_refused_answer_says_why_and_keeps_what_was_typed(client, cast, notice):
    login(client, cast.finance_clerk)
    response = client.post(reverse("workplace:notice", args=[notice.pk]), {"answer": "Đã xử lý"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Hãy ghi rõ cấp ủy đã xử lý thế nào." in body
    assert "Đã xử lý</textarea>" in body
    assert fresh(notice).status == NoticeStatus.RAISED


def test_an_answered_notice_cannot_be_answered_again(client, cast, notice):
    actions.answer_notice(notice, answer="Đã nhắc nhở đồng chí.", by=cast.finance_secretary)
    login(client, cast.finance_clerk)
    response = client.post(reverse("workplace:notice", args=[notice.pk]), {"answer": "Trả lời lần thứ hai."})
    assert "Phiếu báo này đã được trả lời." in response.content.decode()
    assert fresh(notice).answer == "Đã nhắc nhở đồng chí."


def test_another_committees_notice_is_not_found(client, cast, notice):
    login(client, cast.health_secretary)
    assert list(client.get(NOTICES).context["page"]) == []
    assert client.get(reverse("workplace:notice", args=[notice.pk])).status_code == 404
    response = client.post(reverse("workplace:notice", args=[notice.pk]), {"answer": "Không phải của chúng tôi."})
    assert response.status_code == 404
    assert fresh(notice).status == NoticeStatus.RAISED


@pytest.mark.parametrize("who", ["finance_cell_secretary", "lc_secretary", "board_officer", "member_user"])
def test_only_the_workplace_committee_answers(client, cast, notice, who):
    login(client, getattr(cast, who))
    assert client.get(NOTICES).status_code == 403
    assert client.post(reverse("workplace:notice", args=[notice.pk]), {"answer": "x" * 20}).status_code == 403
    assert fresh(notice).status == NoticeStatus.RAISED
