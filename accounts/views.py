"""Login, the role switcher and the home page of each role."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from books import clock, queries
from config.healthz import healthz_response
from orgs.models import OrgKind

from .roles import SESSION_KEY, current_hat

HOME_TEMPLATES = {
    OrgKind.WORKPLACE_COMMITTEE: "accounts/home_workplace.html",
    OrgKind.WORKPLACE_CELL: "accounts/home_workplace_cell.html",
    OrgKind.RESIDENCE_COMMITTEE: "accounts/home_residence.html",
    OrgKind.RESIDENCE_CELL: "accounts/home_residence_cell.html",
    OrgKind.PROVINCE_BOARD: "accounts/home_board.html",
    OrgKind.UPPER_COMMITTEE: "accounts/home_upper.html",
    "member": "accounts/home_member.html",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    hat, hats = current_hat(request)
    today = clock.today()
    context: dict = {"today": today}
    if hat is None:
        return render(request, "accounts/home_none.html", context)
    org = hat.organisation
    if hat.kind == OrgKind.WORKPLACE_COMMITTEE and org is not None:
        context["overview"] = queries.workplace_overview(org, today)
    elif hat.kind == OrgKind.WORKPLACE_CELL and org is not None:
        context["members"] = queries.workplace_cell_members(org)
    elif hat.kind == OrgKind.RESIDENCE_COMMITTEE and org is not None:
        context["overview"] = queries.residence_overview(org, today)
    elif hat.kind == OrgKind.RESIDENCE_CELL and org is not None:
        context["entries"] = queries.residence_cell_members(org)
        context["requests"] = queries.cell_comment_requests(org, today)
    elif hat.kind == OrgKind.PROVINCE_BOARD and org is not None and org.province_code:
        context["overview"] = queries.province_overview(org.province_code, today)
    elif hat.kind == "member" and hat.member is not None:
        context["member"] = hat.member
        context["book"] = queries.member_book(hat.member)
    elif hat.kind == OrgKind.UPPER_COMMITTEE and org is not None:
        context["children"] = list(org.children.order_by("name"))
    return render(request, HOME_TEMPLATES.get(hat.kind, "accounts/home_none.html"), context)


@login_required
@require_POST
def switch_role(request: HttpRequest) -> HttpResponse:
    """Wear another of the user's hats; an unknown key changes nothing."""
    _hat, hats = current_hat(request)
    key = request.POST.get("role", "")
    chosen = next((h for h in hats if h.key == key), None)
    if chosen is None:
        messages.error(request, _("Vai trò không hợp lệ."))
    else:
        request.session[SESSION_KEY] = chosen.key
        messages.success(request, _("Đang làm việc với vai trò: %(label)s.") % {"label": chosen.label})
    return redirect("home")


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not (config.healthz answers it first)."""
    return healthz_response()
