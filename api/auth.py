"""Who calls the API: a bearer token (any method), or the browser's session (reads only).

POSTs take a token only: a session would need a CSRF token, and a script has none.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from accounts.models import ApiToken

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BearerToken(HttpBearer):
    """`Authorization: Bearer slh_…`: a key made on /tai-khoan/api/ or by `create_api_token`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token:
            return None
        user = ApiToken.user_for(token)
        if user is not None:
            request.user = user
        return user


class SessionRead(APIKeyCookie):
    """The logged-in browser session, for GET only (so the docs page can be tried)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        # a request that names a key stands or falls by it; only POST-less, key-less calls use the session
        if request.method not in SAFE_METHODS or "Authorization" in request.headers:
            return None
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None
