"""What every endpoint shares: the caller's scope, pages, lookups that answer 404, error responses."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema

from books import access
from books.errors import InvalidInput
from members.models import Member
from orgs.models import AdministrativeUnit, UnitEdition, UnitLevel
from orgs.text import MAX_ID, fold  # noqa: F401  (MAX_ID re-exported to the endpoint modules)

from .errors import ErrorOut

MAX_LIMIT = 200
# MAX_ID (orgs.text: a bigint) bounds ids, MAX_CODE the unit-code column (integer): a larger number
# in a filter or a body is refused by validation (422) before it reaches the database; a code within
# range that names no unit is the API's 400 "unknown code".
MAX_CODE = 2**31 - 1

# Responses every read and every action may give besides its success, for the OpenAPI document.
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 422: ErrorOut}
DETAIL_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
ACTION_ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def caller(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def scope_of(request: HttpRequest) -> access.Scope:
    """Everything the caller reaches: the union of all their roles (books.access.scope_for)."""
    cached = getattr(request, "_api_scope", None)
    if cached is None:
        cached = access.scope_for(caller(request))
        request._api_scope = cached  # type: ignore[attr-defined]
    return cached


class Paging(Schema):
    """Phân trang: `limit` dòng (tối đa 200), bắt đầu từ dòng `offset`."""

    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Số dòng mỗi trang (1–200).")
    offset: int = Field(0, ge=0, description="Bỏ qua bao nhiêu dòng đầu.")


def page[M: Model](qs: QuerySet[M], paging: Paging, build: Callable[[M], Any]) -> dict[str, Any]:
    """One page: the count (one query), the page's ids (one query) and its rows (one query, plus
    the loader's prefetches).

    The ids come first, from a query with only the joins the order needs: with every related
    table of the loader joined in as well, PostgreSQL plans the joins in the order written
    (join_collapse_limit) and joins the whole table before it narrows it to the scope — seconds
    at 2.5 million books instead of milliseconds (docs/performance.md, "Plans").
    """
    count = qs.count()
    rows: list[M] = []
    if count > paging.offset:
        ids = list(qs.values_list("pk", flat=True)[paging.offset : paging.offset + paging.limit])
        by_pk = {row.pk: row for row in qs.filter(pk__in=ids).order_by()}
        rows = [by_pk[pk] for pk in ids if pk in by_pk]
    return {"count": count, "limit": paging.limit, "offset": paging.offset, "items": [build(row) for row in rows]}


def visible[M: Model](qs: QuerySet[M], pk: Any) -> M:
    """The object if the caller may see it, else 404 (never 403: existence is not revealed)."""
    return access.get_visible(qs, pk)


def matching_members(scope: access.Scope, q: str) -> QuerySet[Member]:
    """Ids of the visible members a search finds, without diacritics.

    Digits search party-card and ID numbers, and only among members whose identity the caller
    may see: the residence side cannot find a person by a number it must not know.
    """
    needle = fold(q)
    found = access.members(scope)
    if any(ch.isdigit() for ch in needle):
        identity = dataclasses.replace(scope, residence_committees=frozenset(), residence_cells=frozenset())
        found = found.filter(pk__in=access.members(identity).values("pk"))
    return found.search(q).values("pk")  # type: ignore[attr-defined,no-any-return]


def current_commune(code: int, field: str) -> AdministrativeUnit:
    """A commune of today's list (2025) by its official code, or a 400 that names the field."""
    unit = (
        AdministrativeUnit.objects.filter(edition=UnitEdition.Y2025, level=UnitLevel.COMMUNE, code=code)
        .select_related("parent")
        .first()
    )
    if unit is None:
        raise InvalidInput(
            _("Không có xã/phường/đặc khu mã %(code)s trong danh mục hiện hành.") % {"code": code},
            field_errors={field: [_("Mã đơn vị hành chính không đúng.")]},
        )
    return unit
