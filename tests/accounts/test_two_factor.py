"""TOTP two-factor authentication: who must use it, enrolment, the code at login, recovery codes, reset."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import RecoveryCode, RecoveryCodeDevice
from books.models import Event
from tests.accounts.conftest import code_for
from tests.cast import PASSWORD


@pytest.fixture
def required(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True


def enrol(client, user):
    """Log in, start, confirm with the phone's code; returns the 10 recovery codes shown."""
    client.post(reverse("two_factor_start"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("two_factor_setup"), {"code": code_for(device)}, follow=True)
    return re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.content.decode())


def test_committee_and_board_officers_must_use_it_cell_secretaries_and_members_may(cast, required):
    must = [cast.finance_secretary, cast.finance_clerk, cast.lc_secretary, cast.lc_clerk, cast.board_officer]
    may = [cast.finance_cell_secretary, cast.lc_cell_secretary, cast.member_user, cast.outsider]
    assert [two_factor.is_required(u) for u in must] == [True] * len(must)
    assert [two_factor.is_required(u) for u in may] == [False] * len(may)


def test_with_the_setting_off_nobody_is_obliged(cast, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    assert not two_factor.is_required(cast.finance_secretary)


def test_a_committee_clerk_who_has_not_enrolled_is_sent_to_enrol_before_anything_else(
    cast, required, client, login_form
):
    response = login_form("tc_vanthu", PASSWORD)
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor_setup"))
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home.url.startswith(reverse("two_factor_setup"))
    members = client.get("/noi-cong-tac/dang-vien/")
    assert members.status_code == 302 and "xac-thuc-hai-buoc" in members.url
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert "Vai trò của bạn bắt buộc xác thực hai bước" in page


def test_enrolment_shows_a_qr_and_the_key_and_confirms_with_a_code(cast, required, client, login_form):
    login_form("tc_vanthu", PASSWORD)
    client.post(reverse("two_factor_start"))
    page = client.get(reverse("two_factor_setup")).content.decode()
    device = TOTPDevice.objects.get(user=cast.finance_clerk, confirmed=False)
    assert "<svg" in page and not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert two_factor.manual_key(device) in page
    assert "otpauth://totp/" in device.config_url and "S%E1%BB%95%20li%C3%AAn%20h%E1%BB%87%20213" in device.config_url

    wrong = client.post(reverse("two_factor_setup"), {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert "Mã không đúng" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()

    response = client.post(reverse("two_factor_setup"), {"code": code_for(device)}, follow=True)
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.content.decode())
    assert len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200
    event = Event.objects.get(verb="two_factor_enabled")
    assert event.actor == cast.finance_clerk and event.object_id == str(cast.finance_clerk.pk)


def test_recovery_codes_are_stored_hashed_and_shown_only_once(cast, required, client, login_form):
    login_form("tc_vanthu", PASSWORD)
    codes = enrol(client, cast.finance_clerk)
    stored = list(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert not any(code in h or code.replace("-", "") in h for code in codes for h in stored)
    again = client.get(reverse("two_factor_codes"))
    assert again.status_code == 302  # gone from the session once shown
    assert codes[0] not in client.get(reverse("account_security")).content.decode()


def test_next_login_asks_the_code_after_the_password(cast, required, client, login_form):
    login_form("tc_vanthu", PASSWORD)
    enrol(client, cast.finance_clerk)
    client.post(reverse("logout"))

    response = login_form("tc_vanthu", PASSWORD)
    assert response.url.startswith(reverse("two_factor_verify"))
    assert client.get(reverse("home")).url.startswith(reverse("two_factor_verify"))
    assert client.get("/api/v1/members").status_code == 403  # the session API waits too

    wrong = client.post(reverse("two_factor_verify"), {"code": "12345"})
    assert "Mã không đúng hoặc đã hết hạn" in wrong.content.decode()
    device = TOTPDevice.objects.get(user=cast.finance_clerk)
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    session_before = client.session.session_key
    # the code used at enrolment cannot be replayed: the next one, 30 seconds on
    with time_machine.travel(datetime.timedelta(seconds=31)):
        ok = client.post(reverse("two_factor_verify"), {"code": code_for(device)})
    assert ok.status_code == 302
    assert client.session.session_key != session_before  # a new key once verified
    assert client.get(reverse("home")).status_code == 200


def test_whoever_enrolled_is_asked_even_with_the_setting_off(cast, settings, client, login_form):
    settings.OTP_REQUIRED_FOR_STAFF = False
    login_form("dv_an", PASSWORD)
    enrol(client, cast.member_user)
    client.post(reverse("logout"))
    assert login_form("dv_an", PASSWORD).url.startswith(reverse("two_factor_verify"))


def test_lost_phone_a_recovery_code_logs_in_once(cast, required, client, login_form):
    login_form("tc_vanthu", PASSWORD)
    codes = enrol(client, cast.finance_clerk)
    client.post(reverse("logout"))

    login_form("tc_vanthu", PASSWORD)
    assert "Mất điện thoại?" in client.get(reverse("two_factor_verify")).content.decode()
    response = client.post(reverse("two_factor_recovery"), {"code": codes[3].upper()}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "còn 9 mã" in response.content.decode()
    client.post(reverse("logout"))

    login_form("tc_vanthu", PASSWORD)
    reused = client.post(reverse("two_factor_recovery"), {"code": codes[3]})
    assert "không đúng hoặc đã dùng rồi" in reused.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(cast, required, client, login_form):
    login_form("tc_vanthu", PASSWORD)
    old = enrol(client, cast.finance_clerk)
    response = client.post(reverse("two_factor_new_codes"), follow=True)
    new = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    device = RecoveryCodeDevice.objects.get(user=cast.finance_clerk)
    assert not device.verify_token(old[0])
    device.throttle_reset()
    assert device.verify_token(new[0])


def test_an_officer_cannot_turn_it_off_a_member_can(cast, settings, client, login_form):
    settings.OTP_REQUIRED_FOR_STAFF = True
    login_form("tc_vanthu", PASSWORD)
    enrol(client, cast.finance_clerk)
    client.post(reverse("two_factor_disable"))
    assert TOTPDevice.objects.filter(user=cast.finance_clerk).exists()
    client.post(reverse("logout"))

    login_form("dv_an", PASSWORD)
    enrol(client, cast.member_user)
    client.post(reverse("two_factor_disable"))
    assert not TOTPDevice.objects.filter(user=cast.member_user).exists()
    assert Event.objects.filter(verb="two_factor_disabled", actor=cast.member_user).count() == 1


def test_a_superuser_resets_someones_two_factor_through_the_admin_with_an_event(cast, required, client, login_form):
    login_form("tc_vanthu", PASSWORD)
    enrol(client, cast.finance_clerk)
    client.post(reverse("logout"))
    admin = get_user_model().objects.create_superuser("quantri", "qt@example.org", PASSWORD, full_name="Quản Trị")
    client.force_login(admin)
    session = client.session
    session[two_factor.SESSION_STATE] = two_factor.VERIFIED
    session.save()

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [cast.finance_clerk.pk]},
        follow=True,
    )

    assert "Đã đặt lại xác thực hai bước cho 1 người dùng" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=cast.finance_clerk).exists()
    assert not RecoveryCode.objects.filter(device__user=cast.finance_clerk).exists()
    event = Event.objects.get(verb="two_factor_reset")
    assert event.actor == admin and event.object_id == str(cast.finance_clerk.pk)
    assert event.data == {"username": "tc_vanthu"}


def test_only_a_superuser_may_reset(cast):
    with pytest.raises(two_factor.TwoFactorError, match="superuser"):
        two_factor.reset(cast.finance_clerk, by=cast.finance_secretary)


def test_the_reset_command_for_a_locked_out_superuser(cast, client, login_form):
    from django.core.management import call_command

    login_form("dv_an", PASSWORD)
    enrol(client, cast.member_user)
    call_command("reset_two_factor", "dv_an")
    assert not TOTPDevice.objects.filter(user=cast.member_user).exists()
    assert Event.objects.get(verb="two_factor_reset").actor is None


def test_with_the_setting_off_a_committee_clerk_logs_in_without_a_phone(cast, settings, login_form, client):
    settings.OTP_REQUIRED_FOR_STAFF = False
    assert login_form("tc_vanthu", PASSWORD).url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_the_code_used_to_enrol_cannot_be_replayed_at_login(cast, required, client, login_form):
    login_form("tc_vanthu", PASSWORD)
    client.post(reverse("two_factor_start"))
    device = TOTPDevice.objects.get(user=cast.finance_clerk, confirmed=False)
    code = code_for(device)
    client.post(reverse("two_factor_setup"), {"code": code})
    client.post(reverse("logout"))
    login_form("tc_vanthu", PASSWORD)
    replay = client.post(reverse("two_factor_verify"), {"code": code})
    assert replay.status_code == 200 and "Mã không đúng hoặc đã hết hạn" in replay.content.decode()
    assert client.get(reverse("home")).status_code == 302
