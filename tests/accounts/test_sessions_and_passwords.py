"""Sessions end (idle, browser closed, 8 hours); passwords are changed, or reset by e-mail."""

import datetime
import importlib
import re

import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from tests.cast import PASSWORD

NEW_PASSWORD = "Ngay-mai-troi-lai-sang-213"


def test_sessions_last_a_working_day_and_die_with_the_browser():
    production = importlib.import_module("config.settings")
    assert production.SESSION_COOKIE_AGE == 8 * 3600
    assert production.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert production.SESSION_IDLE_TIMEOUT == 3600


def test_an_hour_without_a_request_ends_the_session(cast, client, login_form, settings):
    settings.SESSION_IDLE_TIMEOUT = 3600
    login_form("tc_vanthu", PASSWORD)
    with time_machine.travel(datetime.timedelta(minutes=50)):
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(datetime.timedelta(minutes=50 + 59)):
        assert client.get(reverse("home")).status_code == 200  # 59 minutes after the last request
    with time_machine.travel(datetime.timedelta(minutes=50 + 59 + 61)):
        response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "Phiên làm việc đã kết thúc vì 60 phút không thao tác" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_password_is_changed_with_the_old_one(cast, client, login_form):
    login_form("tc_vanthu", PASSWORD)
    page = client.get(reverse("password_change")).content.decode()
    assert "Đổi mật khẩu" in page
    wrong = client.post(
        reverse("password_change"),
        {"old_password": "khong-dung", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Đã đổi mật khẩu" in response.content.decode()
    cast.finance_clerk.refresh_from_db()
    assert cast.finance_clerk.check_password(NEW_PASSWORD)


def test_a_forgotten_password_is_reset_by_a_vietnamese_email_that_also_lifts_the_lock(cast, client, login_form):
    user = cast.finance_clerk
    user.email = "vanthu@taichinh.vinhlong.gov.vn"
    user.save(update_fields=["email"])
    for _ in range(5):
        login_form("tc_vanthu", "sai-mat-khau")
    assert AccessAttempt.objects.filter(username="tc_vanthu").exists()

    sent = client.post(reverse("password_reset"), {"email": user.email}, follow=True)
    assert "Xin kiểm tra email" in sent.content.decode()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [user.email]
    assert email.subject == "Đặt lại mật khẩu Sổ liên hệ 213"
    assert "Kính gửi đồng chí Lê Thị Mai" in email.body and "“tc_vanthu”" in email.body
    link = re.search(r"http://testserver(/dat-lai-mat-khau/\S+/)", email.body).group(1)

    form = client.get(link, follow=True)
    assert "Đặt mật khẩu mới" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert "Đã đặt mật khẩu mới" in done.content.decode()
    assert not AccessAttempt.objects.filter(username="tc_vanthu").exists()
    assert login_form("tc_vanthu", NEW_PASSWORD).status_code == 302
    # the link works once
    assert "không dùng được nữa" in client.get(link, follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_email(cast, client):
    sent = client.post(reverse("password_reset"), {"email": "ai-do@example.org"}, follow=True)
    assert "Xin kiểm tra email" in sent.content.decode()
    assert mail.outbox == []
