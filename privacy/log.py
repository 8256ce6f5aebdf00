"""Writing and reading the view log."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.security import client_ip
from members.models import Member
from orgs.models import Organisation, OrgKind

from .models import PersonalDataView


def _who(request: HttpRequest) -> tuple[Any, str, Organisation | None]:
    """The viewer, the hat they wear (screens) and its organisation; the API's caller has no hat."""
    user = getattr(request, "auth", None) or request.user
    hat = getattr(request, "hat", None)
    if hat is not None:
        return user, str(hat.label), hat.organisation
    return user, "API", None


def record_view(request: HttpRequest, member: Member, *, what: str) -> PersonalDataView | None:
    """One row: `member`'s personal data was shown. The member looking at their own: nothing."""
    user, role, organisation = _who(request)
    if user is None or not user.is_authenticated or (member.user_id is not None and member.user_id == user.pk):
        return None
    return _write(request, user, role, organisation, what=what, member=member)


def record_bulk(request: HttpRequest, count: int, *, what: str, committee: Any = None) -> PersonalDataView | None:
    """One row for a list or an export that showed the personal data of `count` members."""
    user, role, organisation = _who(request)
    if user is None or not user.is_authenticated or count <= 0:
        return None
    if committee is None and organisation is not None:
        committee = organisation if organisation.kind == OrgKind.WORKPLACE_COMMITTEE else organisation.parent
    return _write(request, user, role, organisation, what=what, committee=committee, count=count)


def _write(request: HttpRequest, user: Any, role: str, organisation: Any, **fields: Any) -> PersonalDataView:
    """The row, with what every view records: who, in which role, from where."""
    return PersonalDataView.objects.create(
        viewer=user,
        role=role[:200],
        organisation=organisation,
        path=request.get_full_path()[:300],
        ip=client_ip(request) or None,
        **fields,
    )


def views_of(member: Member) -> QuerySet[PersonalDataView]:
    """Who saw the member's data, newest first (one query with the viewer and organisation)."""
    return (
        PersonalDataView.objects.filter(member=member)
        .select_related("viewer", "organisation")
        .order_by("-viewed_at", "-pk")
    )


PAGE_SIZE = 20


def page_for(request: HttpRequest, member: Member) -> Page:
    """One page (`?xem_trang=N`) of who saw the member's data: a count and a page, two queries."""
    return Paginator(views_of(member), PAGE_SIZE).get_page(request.GET.get("xem_trang"))
