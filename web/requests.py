"""The workplace committee's tasks from its members: address-change requests to accept (the
address is recorded and a new letter issued) or to reject with an answer.

Mounted under /noi-cong-tac/yeu-cau/; its `NAV` is merged into the workplace committee's links.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from books import access, actions, clock
from books.models import AddressChangeRequest, AddressChangeStatus
from members.models import Exemption
from orgs.models import Organisation, OrgKind
from orgs.text import fold

from .common import act, hat_required, paginate, scope_of

app_name = "requests"
# (label, url name) pairs merged into the workplace committee's header links (web/nav.py)
NAV: list[tuple[str, str]] = [(gettext_lazy("Đề nghị chuyển nơi cư trú"), "requests:list")]

PENDING, HANDLED = "cho-xu-ly", "da-xu-ly"
TABS = [(PENDING, gettext_lazy("Chờ xử lý")), (HANDLED, gettext_lazy("Đã xử lý"))]


def _requests(request: HttpRequest) -> Any:
    return access.address_changes(scope_of(request)).select_related(
        "member",
        "member__workplace_cell",
        "member__residence_commune__parent",
        "commune__parent",
        "book__holder",
        "handled_by",
    )


@hat_required(OrgKind.WORKPLACE_COMMITTEE)
def request_list(request: HttpRequest) -> HttpResponse:
    """The committee's members' address-change requests, pending ones first (tab), Vietnamese name order."""
    tab = request.GET.get("xem", PENDING)
    tab = tab if tab in dict(TABS) else PENDING
    search = request.GET.get("q", "").strip()
    items = _requests(request)
    if tab == PENDING:
        items = items.filter(status=AddressChangeStatus.PENDING)
    else:
        items = items.exclude(status=AddressChangeStatus.PENDING)
    if fold(search):
        items = items.filter(member__search_text__contains=fold(search))
    page = paginate(request, items.order_by("member__sort_key", "-created_at", "pk"))
    pending_count = access.address_changes(scope_of(request)).filter(status=AddressChangeStatus.PENDING).count()
    context = {"page": page, "tab": tab, "tabs": TABS, "search": search, "pending_count": pending_count}
    return render(request, "web/requests/list.html", context)


class AcceptForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Lời nhắn cho đảng viên (nếu có)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RejectForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Lý do không chấp nhận (đảng viên sẽ đọc được)"),
        min_length=5,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": gettext_lazy("Hãy ghi lý do không chấp nhận để đảng viên biết."),
            "min_length": gettext_lazy("Lý do quá ngắn: hãy ghi rõ để đảng viên biết cần làm gì."),
        },
    )


def _new_addressee(item: AddressChangeRequest) -> Organisation | None:
    """The residence committee the new letter would go to (None: no committee for that commune yet)."""
    today = clock.today()
    return Organisation.objects.residence_committee_for(item.commune.resolve_current(today), today)


def _detail_page(
    request: HttpRequest,
    item: AddressChangeRequest,
    accept_form: AcceptForm | None = None,
    reject_form: RejectForm | None = None,
) -> HttpResponse:
    letter = item.book.letters.filter(status__in=["issued", "received"]).select_related("residence_committee").first()
    context = {
        "item": item,
        "letter": letter,
        "introduced": item.member.exemption != Exemption.E2,
        "addressee": _new_addressee(item) if item.is_pending else None,
        "accept_form": accept_form or AcceptForm(),
        "reject_form": reject_form or RejectForm(),
    }
    return render(request, "web/requests/detail.html", context)


@hat_required(OrgKind.WORKPLACE_COMMITTEE)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One request: what the member asked, what accepting will do, and the two answers."""
    return _detail_page(request, access.get_visible(_requests(request), pk))


@hat_required(OrgKind.WORKPLACE_COMMITTEE)
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept: the new address is recorded and, for an introduced member, a new letter issued."""
    item = access.get_visible(_requests(request), pk)
    if request.method != "POST":
        return redirect("requests:detail", pk=item.pk)
    form = AcceptForm(request.POST)
    if form.is_valid():
        addressee = _new_addressee(item)
        where = _(" Giấy giới thiệu mới gửi %(name)s.") % {"name": addressee.name} if addressee is not None else ""
        done = act(
            request,
            lambda: actions.handle_address_change(
                item, accept=True, answer=form.cleaned_data["answer"], by=request.user
            ),
            success=_("Đã chấp nhận đề nghị của %(full_name)s: đã ghi địa chỉ mới.%(where)s")
            % {"full_name": item.member.full_name, "where": where},
            form=form,
        )
        if done is not None:
            return redirect("requests:list")
    return _detail_page(request, item, accept_form=form)


@hat_required(OrgKind.WORKPLACE_COMMITTEE)
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    """Reject with an answer the member reads; nothing else changes."""
    item = access.get_visible(_requests(request), pk)
    if request.method != "POST":
        return redirect("requests:detail", pk=item.pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        done = act(
            request,
            lambda: actions.handle_address_change(
                item, accept=False, answer=form.cleaned_data["answer"], by=request.user
            ),
            success=_("Đã trả lời %(full_name)s: không chấp nhận đề nghị chuyển nơi cư trú.")
            % {"full_name": item.member.full_name},
            form=form,
        )
        if done is not None:
            return redirect("requests:list")
    return _detail_page(request, item, reject_form=form)


urlpatterns: list = [
    path("", request_list, name="list"),
    path("<int:pk>/", request_detail, name="detail"),
    path("<int:pk>/chap-nhan/", accept, name="accept"),
    path("<int:pk>/tu-choi/", reject, name="reject"),
]
