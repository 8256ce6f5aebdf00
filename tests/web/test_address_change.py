"""Address-change requests in the browser: the member asks at /cua-toi/chuyen-noi-cu-tru/, the
workplace committee accepts (new letter) or rejects at /noi-cong-tac/yeu-cau/."""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from books import actions, queries
from books.models import AddressChangeRequest, AddressChangeStatus, IntroductionLetter, LetterStatus
from tests.cast import LONG_CHAU, PHU_KHUONG, TAN_NGAI, commune, introduce
from tests.web.test_board_completion import TODAY, bulk_members, login, queries_for

NEW_LINE = "Số 12, đường Nguyễn Huệ, Khu phố 3"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def form_data(**changes):
    data = {
        "commune_search": "phu khuong",
        "commune": str(commune(PHU_KHUONG).pk),
        "line": NEW_LINE,
        "residence_kind": "permanent",
        "moving_on": "01/12/2026",
        "note": "Gia đình chuyển về nhà mới.",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def ask(cast, commune_code=PHU_KHUONG):
    return actions.request_address_change(
        cast.member,
        by=cast.member_user,
        commune=commune(commune_code),
        line=NEW_LINE,
        moving_on=datetime.date(2026, 12, 1),
        note="Gia đình chuyển về nhà mới.",
    )


# --------------------------------------------------------------------------- the member's form


def test_the_member_finds_the_new_commune_without_diacritics(client, cast):
    login(client, cast.member_user)
    response = client.get(reverse("member:commune_search"), {"commune_search": "phu khuong"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'value="{commune(PHU_KHUONG).pk}"' in body
    assert "Phường Phú Khương, Tỉnh Vĩnh Long" in body
    matches = client.get(reverse("member:commune_search"), {"commune_search": "phu"}).context["matches"]
    assert 0 < len(matches) <= 20
    assert matches[0].province_code == 86  # the member's own province first


def test_the_search_button_without_javascript_keeps_everything_typed(client, cast):
    login(client, cast.member_user)
    response = client.post(reverse("member:address_change"), form_data(tim="1", commune=None, note="Nhà mới gần chợ."))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Phường Phú Khương, Tỉnh Vĩnh Long" in body
    assert f'value="{NEW_LINE}"' in body and "Nhà mới gần chợ." in body and 'value="01/12/2026"' in body
    assert "field-error" not in body  # nothing judged yet
    assert not AddressChangeRequest.objects.exists()


def test_the_member_sends_a_request_and_sees_it_in_the_book(client, cast):
    introduce(cast, cast.member)
    login(client, cast.member_user)
    response = client.post(reverse("member:address_change"), form_data())
    assert response.status_code == 302 and response.url == reverse("member:book")
    request = AddressChangeRequest.objects.get()
    assert (request.member, request.commune, request.line, request.moving_on) == (
        cast.member,
        commune(PHU_KHUONG),
        NEW_LINE,
        datetime.date(2026, 12, 1),
    )
    assert request.status == AddressChangeStatus.PENDING
    assert messages_of(response) == [
        "Đã gửi đề nghị chuyển nơi cư trú đến Đảng ủy Sở Tài chính. "
        "Khi cấp ủy chấp nhận, giấy giới thiệu mới sẽ được gửi đến đảng ủy nơi ở mới."
    ]
    book = client.get(reverse("member:book")).content.decode()
    assert NEW_LINE in book and "Chờ cấp ủy nơi công tác xử lý" in book


def test_errors_say_what_to_fix_and_lose_nothing_typed(client, cast):
    login(client, cast.member_user)
    response = client.post(
        reverse("member:address_change"), form_data(commune=None, moving_on="31/02/2026", note="Ghi chú giữ lại")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Hãy tìm rồi chọn xã/phường/đặc khu nơi ở mới." in body
    assert "Ngày không hợp lệ (ngày/tháng/năm)." in body
    assert f'value="{NEW_LINE}"' in body and "Ghi chú giữ lại" in body and 'value="phu khuong"' in body
    assert not AddressChangeRequest.objects.exists()


def test_a_refusal_of_the_action_is_shown_on_the_form(client, cast):
    login(client, cast.member_user)
    same = form_data(commune=str(commune(LONG_CHAU).pk), line=cast.member.residence_line, commune_search="long chau")
    response = client.post(reverse("member:address_change"), same)
    assert response.status_code == 200
    assert "Địa chỉ mới trùng địa chỉ hiện tại." in response.content.decode()
    assert not AddressChangeRequest.objects.exists()


def test_a_pending_request_is_shown_instead_of_a_new_form(client, cast):
    ask(cast)
    body = login(client, cast.member_user).get(reverse("member:address_change")).content.decode()
    assert "Bạn đã có một đề nghị đang chờ xử lý" in body
    assert 'name="line"' not in body


@pytest.mark.parametrize("name", ["member:address_change", "member:commune_search"])
def test_only_the_member_hat_asks(client, cast, name):
    url = reverse(name)
    assert login(Client(), cast.member_user).get(url).status_code == 200
    for who in ("finance_secretary", "finance_clerk", "lc_secretary", "board_officer", "outsider"):
        assert login(Client(), getattr(cast, who)).get(url).status_code == 403, who
    assert client.get(url).status_code == 302


# --------------------------------------------------------------------------- the committee's tasks


def test_the_committee_lists_the_pending_requests_of_its_members(client, cast):
    request = ask(cast)
    login(client, cast.finance_clerk)
    page = client.get(reverse("requests:list"))
    assert [r.pk for r in page.context["page"].object_list] == [request.pk]
    assert "Nguyễn Văn An" in page.content.decode() and NEW_LINE in page.content.decode()
    assert [r.pk for r in client.get(reverse("requests:list"), {"q": "nguyen van an"}).context["page"]] == [request.pk]
    assert list(client.get(reverse("requests:list"), {"q": "le thi"}).context["page"]) == []
    assert list(client.get(reverse("requests:list"), {"xem": "da-xu-ly"}).context["page"]) == []
    other = login(Client(), cast.health_secretary).get(reverse("requests:list"))
    assert list(other.context["page"]) == []


def test_the_workplace_committee_header_links_to_the_requests(client, cast):
    body = login(client, cast.finance_secretary).get("/").content.decode()
    assert f'href="{reverse("requests:list")}"' in body and "Đề nghị chuyển nơi cư trú" in body


def test_the_detail_says_what_accepting_will_do(client, cast):
    introduce(cast, cast.member)
    request = ask(cast)
    body = login(client, cast.finance_clerk).get(reverse("requests:detail", args=[request.pk])).content.decode()
    assert "Số 1-GGT/ĐU gửi Đảng ủy phường Long Châu" in body
    assert "giấy giới thiệu mới gửi Đảng ủy phường Phú Khương" in body
    assert "Chấp nhận: ghi địa chỉ mới và gửi giấy giới thiệu mới" in body
    assert "Gia đình chuyển về nhà mới." in body and "01/12/2026" in body


def test_the_detail_warns_when_no_letter_can_be_sent_there(client, cast):
    introduce(cast, cast.member)
    request = ask(cast, TAN_NGAI)
    login(client, cast.finance_clerk)
    body = client.get(reverse("requests:detail", args=[request.pk])).content.decode()
    assert "Chưa có đảng ủy của Phường Tân Ngãi trong hệ thống" in body
    response = client.post(reverse("requests:accept", args=[request.pk]), {"answer": ""})
    assert response.status_code == 200
    assert "chưa có đảng ủy của Phường Tân Ngãi" in response.content.decode()
    request.refresh_from_db()
    assert request.status == AddressChangeStatus.PENDING


def test_accepting_records_the_address_and_sends_a_new_letter(client, cast):
    old = introduce(cast, cast.member)
    request = ask(cast)
    login(client, cast.finance_secretary)
    response = client.post(reverse("requests:accept", args=[request.pk]), {"answer": "Đã ghi, chúc gia đình an vui."})
    assert response.status_code == 302 and response.url == reverse("requests:list")
    assert messages_of(response) == [
        "Đã chấp nhận đề nghị của Nguyễn Văn An: đã ghi địa chỉ mới. Giấy giới thiệu mới gửi Đảng ủy phường Phú Khương."
    ]
    request.refresh_from_db()
    assert (request.status, request.handled_by, request.answer) == (
        AddressChangeStatus.DONE,
        cast.finance_secretary,
        "Đã ghi, chúc gia đình an vui.",
    )
    old.refresh_from_db()
    assert old.status == LetterStatus.SUPERSEDED
    assert (old.superseded_by.addressee, old.superseded_by.status) == (cast.phu_khuong, LetterStatus.ISSUED)


def test_rejecting_needs_an_answer_and_keeps_the_request_waiting_until_given(client, cast):
    request = ask(cast)
    login(client, cast.finance_clerk)
    url = reverse("requests:reject", args=[request.pk])
    empty = client.post(url, {"answer": "  "})
    assert empty.status_code == 200
    assert "Hãy ghi lý do không chấp nhận để đảng viên biết." in empty.content.decode()
    request.refresh_from_db()
    assert request.status == AddressChangeStatus.PENDING
    answered = client.post(url, {"answer": "Cần giấy xác nhận tạm trú của công an phường."})
    assert answered.status_code == 302
    assert messages_of(answered) == ["Đã trả lời Nguyễn Văn An: không chấp nhận đề nghị chuyển nơi cư trú."]
    request.refresh_from_db()
    assert (request.status, request.answer) == ("rejected", "Cần giấy xác nhận tạm trú của công an phường.")
    cast.member.refresh_from_db()
    assert cast.member.residence_commune == commune(LONG_CHAU)


def test_a_request_handled_already_is_not_handled_twice(client, cast):
    request = ask(cast)
    actions.handle_address_change(request, accept=False, answer="Địa chỉ chưa rõ số nhà.", by=cast.finance_clerk)
    login(client, cast.finance_clerk)
    detail = client.get(reverse("requests:detail", args=[request.pk])).content.decode()
    assert (
        "Địa chỉ chưa rõ số nhà." in detail and 'action="' + reverse("requests:accept", args=[request.pk]) not in detail
    )
    response = client.post(reverse("requests:accept", args=[request.pk]), {"answer": ""})
    assert response.status_code == 200
    assert "Đề nghị này đã được xử lý trước đó." in response.content.decode()
    request.refresh_from_db()
    assert request.status == AddressChangeStatus.REJECTED


def test_a_get_on_an_answer_url_goes_back_to_the_request(client, cast):
    request = ask(cast)
    login(client, cast.finance_clerk)
    for name in ("requests:accept", "requests:reject"):
        response = client.get(reverse(name, args=[request.pk]))
        assert response.status_code == 302 and response.url == reverse("requests:detail", args=[request.pk])
    request.refresh_from_db()
    assert request.status == AddressChangeStatus.PENDING


@pytest.mark.parametrize("name", ["requests:detail", "requests:accept", "requests:reject"])
def test_only_the_committee_holding_the_book_may_see_and_answer(client, cast, name):
    request = ask(cast)
    url = reverse(name, args=[request.pk])
    assert login(Client(), cast.finance_clerk).get(url).status_code in (200, 302)
    assert login(Client(), cast.health_secretary).get(url).status_code == 404  # another workplace committee
    assert login(Client(), cast.health_secretary).post(url, {"answer": "Không có quyền mà vẫn thử."}).status_code == 404
    for who in ("finance_cell_secretary", "lc_secretary", "board_officer", "member_user", "outsider"):
        assert login(Client(), getattr(cast, who)).get(url).status_code == 403, who
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))
    request.refresh_from_db()
    assert request.status == AddressChangeStatus.PENDING


def test_the_list_runs_the_same_queries_for_10_or_200_requests(client, cast):
    def add(n):
        members, books, _, _ = bulk_members(cast, n)
        AddressChangeRequest.objects.bulk_create(
            [
                AddressChangeRequest(
                    member=m,
                    book=b,
                    commune=commune(PHU_KHUONG),
                    line=NEW_LINE,
                    residence_kind="permanent",
                    moving_on=datetime.date(2026, 12, 1),
                )
                for m, b in zip(members, books, strict=True)
            ]
        )

    login(client, cast.finance_clerk)
    add(10)
    few = queries_for(client, reverse("requests:list"))
    add(190)
    many = queries_for(client, reverse("requests:list"))
    assert few == many
    assert client.get(reverse("requests:list")).context["pending_count"] == 200


# --------------------------------------------------------------------------- the whole flow


def test_from_the_members_request_to_the_new_letter_at_the_new_commune(cast):
    with time_machine.travel(datetime.date(2026, 1, 10)):
        old = introduce(cast, cast.member)
    member = login(Client(), cast.member_user)
    # 1. the member finds the commune and sends the request
    found = member.get(reverse("member:commune_search"), {"commune_search": "phu khuong"}).content.decode()
    assert "Phường Phú Khương" in found
    assert member.post(reverse("member:address_change"), form_data()).status_code == 302
    (request,) = AddressChangeRequest.objects.all()
    # 2. the workplace committee sees it in its tasks and accepts
    clerk = login(Client(), cast.finance_clerk)
    assert request.pk in [r.pk for r in clerk.get(reverse("requests:list")).context["page"]]
    assert clerk.post(reverse("requests:accept", args=[request.pk]), {"answer": ""}).status_code == 302
    assert list(clerk.get(reverse("requests:list")).context["page"]) == []
    # 3. the new letter waits at the new residence committee
    new = IntroductionLetter.objects.get(book__member=cast.member, status=LetterStatus.ISSUED)
    assert (new.addressee, new.residence_line, new.display_number) == (cast.phu_khuong, NEW_LINE, "2-GGT/ĐU")
    assert queries.residence_overview(cast.phu_khuong, datetime.date(2026, 11, 27)).letters_waiting == 1
    # 4. the member's book tells the story
    book = member.get(reverse("member:book")).content.decode()
    assert "2-GGT/ĐU" in book and "Đảng ủy phường Phú Khương" in book and "Đã gửi, chờ tiếp nhận" in book
    assert "Đã thay bằng giấy mới" in book and old.display_number in book
    assert NEW_LINE in book and "Đã ghi địa chỉ mới" in book
