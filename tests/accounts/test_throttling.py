"""Five wrong passwords for one username from one address lock that pair for 30 minutes."""

import datetime

import time_machine
from axes.models import AccessAttempt
from django.urls import reverse

from accounts.models import ApiToken
from tests.cast import PASSWORD

WRONG = "sai-mat-khau"


def fail(login_form, username, times, **extra):
    return [login_form(username, WRONG, **extra) for _ in range(times)]


def test_four_wrong_passwords_only_say_the_password_is_wrong(cast, login_form):
    responses = fail(login_form, "tc_vanthu", 4)
    assert [r.status_code for r in responses] == [200, 200, 200, 200]
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in responses[-1].content.decode()


def test_the_fifth_wrong_password_locks_with_a_vietnamese_message_saying_when(cast, login_form):
    responses = fail(login_form, "tc_vanthu", 5)

    locked = responses[-1]
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Đăng nhập sai 5 lần liên tiếp nên tài khoản tạm khóa trên máy này trong 30 phút" in text
    # the suite's clock: 27/11/2026 09:00 in Vietnam, so the lock ends at 09:30 that day
    assert "Xin thử lại sau 09:30 ngày 27/11/2026" in text
    assert 'value="tc_vanthu"' in text  # the username typed is kept


def test_while_locked_even_the_right_password_is_refused_and_the_lock_does_not_grow(cast, login_form, client):
    fail(login_form, "tc_vanthu", 5)
    with time_machine.travel(datetime.timedelta(minutes=20)):
        response = login_form("tc_vanthu", PASSWORD)
        assert response.status_code == 429
        assert "09:30 ngày 27/11/2026" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_after_thirty_minutes_the_right_password_works_again(cast, login_form, client):
    fail(login_form, "tc_vanthu", 5)
    with time_machine.travel(datetime.timedelta(minutes=31)):
        response = login_form("tc_vanthu", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.finance_clerk.pk)


def test_a_success_resets_the_count(cast, login_form, client):
    fail(login_form, "tc_vanthu", 4)
    assert login_form("tc_vanthu", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="tc_vanthu").exists()
    client.post(reverse("logout"))
    assert [r.status_code for r in fail(login_form, "tc_vanthu", 4)] == [200] * 4


def test_the_lock_is_per_username_and_address(cast, login_form):
    fail(login_form, "tc_vanthu", 5, REMOTE_ADDR="10.0.0.7")
    # the same user from another computer, and another user from the same computer, still log in
    assert login_form("tc_vanthu", PASSWORD, REMOTE_ADDR="10.0.0.8").status_code == 302


def test_another_user_from_the_locked_address_is_not_locked(cast, login_form):
    fail(login_form, "tc_vanthu", 5, REMOTE_ADDR="10.0.0.7")
    assert login_form("tc_bithu", PASSWORD, REMOTE_ADDR="10.0.0.7").status_code == 302


def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(cast, login_form, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    fail(login_form, "tc_vanthu", 5, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert AccessAttempt.objects.get(username="tc_vanthu").ip_address == "203.0.113.5"
    # a client cannot dodge the lock by writing its own X-Forwarded-For in front
    spoofed = login_form("tc_vanthu", PASSWORD, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5", **proxy)
    assert spoofed.status_code == 429
    assert login_form("tc_vanthu", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.9", **proxy).status_code == 302


def test_wrong_api_tokens_are_401_and_never_lock_the_login(cast, client, login_form):
    for _ in range(8):
        response = client.get("/api/v1/members", HTTP_AUTHORIZATION="Bearer slh_deadbeef_khong-dung")
        assert response.status_code == 401
    assert not AccessAttempt.objects.exists()
    assert login_form("tc_vanthu", PASSWORD).status_code == 302


def test_a_locked_out_user_keeps_using_their_api_token(cast, client, login_form):
    _token, secret = ApiToken.issue(cast.finance_clerk, "Phần mềm văn phòng")
    fail(login_form, "tc_vanthu", 5, REMOTE_ADDR="127.0.0.1")
    response = client.get("/api/v1/members", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
