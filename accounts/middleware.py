"""Account guards on every request (docs/security.md).

- A session left idle longer than SESSION_IDLE_TIMEOUT is ended (the login page says why).
- A user who must give a second factor sees only the code page (or the enrolment page) until
  they do; the check reads the session, no query.
- Permissions-Policy: the app needs no camera, microphone, location or payment.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from . import two_factor

LAST_SEEN = "last_seen"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Where a user who still owes the second factor may go.
OPEN_TO_UNVERIFIED = (
    "two_factor_verify",
    "two_factor_recovery",
    "two_factor_start",
    "two_factor_setup",
    "logout",
    "set_language",
)


class AccountSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.guard(request) or self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

    def guard(self, request: HttpRequest) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        expired = self.idle_expired(request)
        if expired is not None:
            return expired
        current = two_factor.state(request)
        if current in (two_factor.VERIFIED, two_factor.NOT_NEEDED):
            return None
        return self.second_factor_first(request, current)

    def idle_expired(self, request: HttpRequest) -> HttpResponse | None:
        idle = int(getattr(settings, "SESSION_IDLE_TIMEOUT", 0))
        if idle <= 0:
            return None
        now = int(time.time())
        last = request.session.get(LAST_SEEN)
        if isinstance(last, int) and now - last > idle:
            logout(request)
            messages.info(
                request,
                _("Phiên làm việc đã kết thúc vì %(minutes)d phút không thao tác. Xin đăng nhập lại.")
                % {"minutes": idle // 60},
            )
            return redirect_to("login", request)
        # written at most once a minute, so a busy page does not save the session on every request
        if not isinstance(last, int) or now - last >= 60 or now < last:
            request.session[LAST_SEEN] = now
        return None

    def second_factor_first(self, request: HttpRequest, current: str) -> HttpResponse | None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if match.url_name in OPEN_TO_UNVERIFIED:
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": _("Cần nhập mã xác thực hai bước trước.")}, status=403)
        target = "two_factor_verify" if current == two_factor.NEEDS_CODE else "two_factor_setup"
        return redirect_to(target, request)


def redirect_to(name: str, request: HttpRequest) -> HttpResponse:
    url = reverse(name)
    if request.method == "GET" and request.path_info != "/":
        url = f"{url}?{urlencode({'next': request.get_full_path()})}"
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)
