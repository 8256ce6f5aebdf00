"""What every screen shares: the hat check, running an action, lists with pages.

A view is: authorize (`hat_required`) → validate a form → `act(...)` → redirect. Lists use
`paginate`, which runs a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from accounts.roles import Hat, current_hat
from books import access
from books.errors import DomainError
from orgs.text import MAX_ID, to_id  # noqa: F401  (re-exported: the screens import them from here)

PAGE_SIZE = 50


def hat_required(*kinds: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Only a user wearing a hat of one of `kinds` (OrgKind values or "member") gets in.

    Sets `request.hat` and `request.scope` (what that hat reaches). Anyone else: 403.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            hat, _hats = current_hat(request)
            if hat is None or hat.kind not in kinds:
                raise PermissionDenied(_("Vai trò hiện tại không dùng được trang này."))
            request.hat = hat  # type: ignore[attr-defined]
            request.scope = access.scope_for(request.user, hat)  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        # the declared rule, read by tests/test_permission_matrix.py: which hats may use the view
        wrapped.hat_kinds = frozenset(kinds)  # type: ignore[attr-defined]
        return wrapped

    return decorate


def hat_of(request: HttpRequest) -> Hat:
    return request.hat  # type: ignore[attr-defined,no-any-return]


def scope_of(request: HttpRequest) -> access.Scope:
    return request.scope  # type: ignore[attr-defined,no-any-return]


def act(
    request: HttpRequest, action: Callable[[], Any], *, success: str | Callable[[Any], str], form: Form | None = None
) -> Any:
    """Run an action; on success say what happened, on refusal say why (and mark the form's fields).

    `success` may be a function of the action's result ("Số 12-GGT/ĐU … Số 30-GGT/ĐU").
    Returns the action's result, or None when it was refused (nothing was changed then).
    """
    try:
        result = action()
    except DomainError as error:
        if form is not None:
            for name, problems in error.field_errors.items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
            if not error.field_errors:
                form.add_error(None, error.message)
        messages.error(request, error.message)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int = PAGE_SIZE) -> Page:
    """One page of a list (`?trang=N`). The count is one query, the page one more."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("trang"))
