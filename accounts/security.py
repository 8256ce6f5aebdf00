"""Login throttling helpers for django-axes: the client's address and the Vietnamese lockout page."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _


def client_ip(request: HttpRequest) -> str:
    """The address the request came from.

    Behind TRUSTED_PROXY_COUNT reverse proxies, each of which appends the address it saw to
    X-Forwarded-For, the client is the entry that many places from the right; anything further
    left was written by the client and is not trusted. Without a proxy: REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) >= count:
        return hops[-count]
    return remote


def unlock_time(username: str, ip_address: str) -> datetime.datetime | None:
    """When the username+address pair may try again (the last failure + the cool-off), or None."""
    from axes.models import AccessAttempt

    last = (
        AccessAttempt.objects.filter(username=username, ip_address=ip_address)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    if last is None:
        return None
    return last + settings.AXES_COOLOFF_TIME


def lockout_message(until: datetime.datetime | None) -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if until is None:
        return _("Đăng nhập sai quá nhiều lần. Xin thử lại sau %(minutes)d phút.") % {"minutes": minutes}
    local = timezone.localtime(until)
    return _(
        "Đăng nhập sai %(limit)d lần liên tiếp nên tài khoản tạm khóa trên máy này trong %(minutes)d phút. "
        "Xin thử lại sau %(time)s ngày %(date)s, hoặc dùng “Quên mật khẩu” để đặt mật khẩu mới."
    ) % {
        "limit": settings.AXES_FAILURE_LIMIT,
        "minutes": minutes,
        "time": local.strftime("%H:%M"),
        "date": local.strftime("%d/%m/%Y"),
    }


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The login page again, with the username kept and the time the lock ends (status 429)."""
    from .forms import LoginForm

    username = str((credentials or {}).get("username") or request.POST.get("username", ""))
    until = unlock_time(username, client_ip(request))
    form = LoginForm(request, initial={"username": username})
    message = lockout_message(until)
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked_message": message, "next": request.POST.get("next", "")},
        status=429,
    )
