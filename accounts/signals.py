"""At every login (ours, the admin's, the test client's): where the second factor stands, and the
clock of the idle timeout."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import two_factor
from .middleware import LAST_SEEN


@receiver(user_logged_in, dispatch_uid="accounts.two_factor_state")
def remember_login_state(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    session[two_factor.SESSION_STATE] = two_factor.state_at_login(user)
    session[LAST_SEEN] = int(time.time())
