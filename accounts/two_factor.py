"""Two-factor authentication (TOTP with django-otp, plus one-time recovery codes).

Who must use it: anyone holding a committee role (secretary, deputy, clerk of a workplace,
residence or upper committee), a province board officer, and staff/superusers, when
settings.OTP_REQUIRED_FOR_STAFF is on (production). Cell secretaries and members may enrol.
Anyone who has enrolled is always asked for a code, whatever the setting.

The session remembers where the login stands (SESSION_STATE), set when the user logs in (any
login: ours, the admin's, the test client's), so the check on every request costs no query.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from orgs.models import COMMITTEE_ROLES, Role, RoleAssignment

from .models import RecoveryCodeDevice, User

SESSION_STATE = "two_factor"
VERIFIED = "verified"  # the code was given in this session
NEEDS_CODE = "needs_code"  # enrolled: the code page comes before anything else
NEEDS_ENROLMENT = "needs_enrolment"  # required but not enrolled: the enrolment page comes first
NOT_NEEDED = "not_needed"

TOTP_NAME = "Điện thoại"


class TwoFactorError(Exception):
    """A refused two-factor action; the message says why, in Vietnamese."""


def is_required(user: Any) -> bool:
    """Whether the user's roles oblige them to use a second factor (with the setting on)."""
    if not getattr(settings, "OTP_REQUIRED_FOR_STAFF", False) or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return (
        RoleAssignment.objects.active()
        .filter(user_id=user.pk, role__in=[*COMMITTEE_ROLES, Role.BOARD_OFFICER])
        .exists()
    )


def totp_device(user: Any, *, confirmed: bool | None = True) -> TOTPDevice | None:
    devices = TOTPDevice.objects.filter(user_id=user.pk)
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    return devices.order_by("pk").first()


def recovery_device(user: Any) -> RecoveryCodeDevice | None:
    return RecoveryCodeDevice.objects.filter(user_id=user.pk, confirmed=True).first()


def is_enrolled(user: Any) -> bool:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def state_at_login(user: Any) -> str:
    if is_enrolled(user):
        return NEEDS_CODE
    if is_required(user):
        return NEEDS_ENROLMENT
    return NOT_NEEDED


def state(request: HttpRequest) -> str:
    """Where this session stands; computed (and remembered) for a session made before this existed."""
    value = request.session.get(SESSION_STATE)
    if value is None:
        value = state_at_login(request.user)
        request.session[SESSION_STATE] = value
    return str(value)


def mark_verified(request: HttpRequest, device: Any) -> None:
    """The second factor was given: a new session key (no fixation) and the device remembered."""
    from django_otp import login as otp_login

    request.session.cycle_key()
    otp_login(request, device)
    request.session[SESSION_STATE] = VERIFIED


# --------------------------------------------------------------------------- enrolment


def start_enrolment(user: Any) -> TOTPDevice:
    """A new unconfirmed TOTP key for the user (any earlier unconfirmed one is dropped)."""
    if is_enrolled(user):
        raise TwoFactorError(gettext("Tài khoản đã bật xác thực hai bước."))
    TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def manual_key(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into the app by hand."""
    try:
        raw = binascii.unhexlify(device.key.encode())
    except binascii.Error:  # pragma: no cover - django-otp validates the key
        return ""
    text = base64.b32encode(raw).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (segno; no inline style, no script)."""
    import segno

    return str(segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, omitsize=False))


@transaction.atomic
def confirm_enrolment(user: Any, token: str) -> list[str]:
    """Check the first code from the app; on success the device is confirmed and 10 recovery codes made."""
    device = totp_device(user, confirmed=False)
    if device is None:
        raise TwoFactorError(gettext("Chưa bắt đầu bật xác thực hai bước. Xin bấm “Bắt đầu” lại."))
    if not device.verify_token(clean_token(token)):
        raise TwoFactorError(
            gettext("Mã không đúng. Xin nhập mã 6 chữ số đang hiện trên ứng dụng (mã đổi sau mỗi 30 giây).")
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(user)
    _record("two_factor_enabled", user, by=user)
    return codes


def new_recovery_codes(user: Any) -> list[str]:
    """Ten fresh recovery codes; the old ones stop working."""
    device, _created = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "Mã dự phòng", "confirmed": True}
    )
    return device.generate()


def clean_token(token: str) -> str:
    return "".join(ch for ch in (token or "") if ch.isdigit())


@transaction.atomic
def disable(user: Any) -> None:
    """The user turns two-factor off for themselves: only when their roles do not require it."""
    if is_required(user):
        raise TwoFactorError(gettext("Vai trò của bạn bắt buộc xác thực hai bước; không thể tắt."))
    _remove_devices(user)
    _record("two_factor_disabled", user, by=user)


@transaction.atomic
def reset(user: Any, *, by: Any | None) -> None:
    """A superuser (or the server's command line, by=None) removes someone's phone and codes.

    Used when the phone and the recovery codes are both lost: at the next login the user enrols again.
    """
    if by is not None and not (by.is_active and by.is_superuser):
        raise TwoFactorError(gettext("Chỉ quản trị hệ thống (superuser) mới được đặt lại xác thực hai bước."))
    _remove_devices(user)
    _record("two_factor_reset", user, by=by)


def _remove_devices(user: Any) -> None:
    TOTPDevice.objects.filter(user_id=user.pk).delete()
    RecoveryCodeDevice.objects.filter(user_id=user.pk).delete()


def _record(verb: str, user: User, *, by: Any | None) -> None:
    # the event log of books.actions (one plumbing for every event, whoever chains or reads it)
    from books.actions import Acting, _event

    _event(verb, Acting(by), user, data={"username": user.get_username()})
