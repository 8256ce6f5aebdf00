"""The login throttle as the first authentication backend (django-axes)."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class ThrottledBackend(AxesStandaloneBackend):
    """django-axes' check, except for calls without a request.

    Every login form (ours, the admin's, the password-reset confirmation) passes its request;
    only code run by hand or by tests (`Client.login`, the shell) calls `authenticate()` without
    one, and there is no address to throttle there.
    """

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
