"""The hats a logged-in user can wear: each active role assignment, and 'member' for their own book."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from members.models import Member
from orgs.models import Organisation, RoleAssignment, roles_of

SESSION_KEY = "current_role"


@dataclass(frozen=True)
class Hat:
    key: str  # "ra:<assignment id>" or "member"
    label: str
    kind: str  # organisation kind, or "member"
    organisation: Organisation | None
    assignment: RoleAssignment | None
    member: Member | None = None


def hats_of(user: Any) -> list[Hat]:
    hats = [
        Hat(f"ra:{a.pk}", f"{a.get_role_display()} — {a.organisation.name}", a.organisation.kind, a.organisation, a)
        for a in roles_of(user)
    ]
    member = Member.objects.filter(user=user).first() if user.is_authenticated else None
    if member is not None:
        hats.append(Hat("member", _("Đảng viên — sổ liên hệ của tôi"), "member", None, None, member))
    return hats


def current_hat(request: HttpRequest) -> tuple[Hat | None, list[Hat]]:
    """The hat chosen in this session (the first one by default) and all of them; cached per request."""
    cached = getattr(request, "_solienhe_hats", None)
    if cached is not None:
        return cached
    hats = hats_of(request.user)
    chosen = request.session.get(SESSION_KEY)
    hat = next((h for h in hats if h.key == chosen), hats[0] if hats else None)
    request._solienhe_hats = (hat, hats)  # type: ignore[attr-defined]
    return hat, hats
