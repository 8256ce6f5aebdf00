"""Screens of the member: my book (this term's, and earlier terms read-only) and asking the
workplace committee to record a new address (see web/requests.py for the committee's side).

Everything is read through `books.access` with the member's own scope: a member sees their own
book and nothing of anyone else.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from books import access, actions, clock
from books.models import (
    AddressChangeStatus,
    Book,
    BookStatus,
    CommentKind,
    CommentRequest,
    CommentStatus,
    MeetingAttendance,
)
from members.models import Member, ResidenceKind
from orgs.models import AdministrativeUnit, UnitEdition, UnitLevel
from orgs.text import fold
from privacy import log as privacy_log

from .common import act, hat_of, hat_required, scope_of, to_id

app_name = "member"
# (label, url name) pairs shown in the header when this role's hat is worn
NAV: list[tuple[str, str]] = [
    (gettext_lazy("Sổ liên hệ của tôi"), "member:book"),
    (gettext_lazy("Đề nghị chuyển nơi cư trú"), "member:address_change"),
]

BACK_AT_WORKPLACE = [CommentStatus.RETURNED, CommentStatus.ACKNOWLEDGED]
MAX_MATCHES = 20


def _member(request: HttpRequest) -> Member:
    member = hat_of(request).member
    assert member is not None  # the "member" hat always carries its member
    return member


# --------------------------------------------------------------------------- my book


@dataclass
class Year:
    """One year of the term: its periodic comment (if asked) and any on-demand ones."""

    year: int
    periodic: CommentRequest | None = None
    on_demand: list[CommentRequest] = field(default_factory=list)


def _years(book: Book, comments: list[CommentRequest], today: datetime.date) -> list[Year]:
    last = min(book.term.end_year, today.year if book.is_open else book.term.end_year)
    years = {y: Year(y) for y in range(book.term.start_year, last + 1)}
    for comment in comments:
        year = years.setdefault(comment.year, Year(comment.year))
        if comment.kind == CommentKind.PERIODIC:
            year.periodic = comment
        else:
            year.on_demand.append(comment)
    return [years[y] for y in sorted(years, reverse=True)]


def _book_page(request: HttpRequest, book: Book) -> HttpResponse:
    """The book as the member reads it. A fixed number of queries whatever its length."""
    scope = scope_of(request)
    member = _member(request)
    today = clock.today()
    letters = list(
        access.letters(scope)
        .filter(book=book)
        .select_related("addressee", "residence_committee", "assigned_cell", "carried_over_from", "issuing_committee")
        .order_by("created_at", "pk")
    )
    comments = list(
        access.comments(scope)
        .filter(book=book)
        .exclude(status=CommentStatus.CANCELLED)
        .select_related("residence_cell", "residence_committee")
        .order_by("year", "requested_on", "pk")
    )
    for comment in comments:
        comment.book = book  # summary_label reads the book's profile: no query per row
    attended = list(
        MeetingAttendance.objects.filter(
            member_id=member.pk,
            meeting__in=access.meetings(scope),
            meeting__year__gte=book.term.start_year,
            meeting__year__lte=book.term.end_year,
        )
        .select_related("meeting__cell")
        .order_by("-meeting__held_on")
    )
    entry = None
    if book.is_open:
        entry = (
            access.register(scope)
            .filter(member_id=member.pk, left_on__isnull=True)
            .select_related("residence_committee", "cell")
            .first()
        )
    requests = list(
        access.address_changes(scope).filter(book=book).select_related("commune__parent").order_by("-created_at")
    )
    other_books = list(access.books(scope).exclude(pk=book.pk).select_related("term").order_by("-term__start_year"))
    context = {
        "member": member,
        "book": book,
        "letters": letters,
        "years": _years(book, comments, today),
        "back_at_workplace": BACK_AT_WORKPLACE,
        "attended": attended,
        "entry": entry,
        "requests": requests,
        "other_books": other_books,
        "today": today,
        "data_views": privacy_log.page_for(request, member),
    }
    return render(request, "web/member/book.html", context)


def _books(request: HttpRequest) -> QuerySet[Book]:
    return access.books(scope_of(request)).select_related("term", "holder", "profile", "member__residence_commune")


@hat_required("member")
def my_book(request: HttpRequest) -> HttpResponse:
    """This term's book (or the latest one when the member no longer has an open book)."""
    book = (
        _books(request)
        .filter(member_id=_member(request).pk)
        .order_by(
            Case(When(status=BookStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()),
            "-term__start_year",
        )
        .first()
    )
    if book is None:
        return render(request, "web/member/no_book.html", {"member": _member(request)})
    return _book_page(request, book)


@hat_required("member")
def term_book(request: HttpRequest, pk: int) -> HttpResponse:
    """Any of the member's own books, read-only (another member's book is a 404)."""
    return _book_page(request, access.get_visible(_books(request), pk))


# --------------------------------------------------------------------------- address change


def current_communes(today: datetime.date) -> QuerySet[AdministrativeUnit]:
    return AdministrativeUnit.objects.current(today).filter(edition=UnitEdition.Y2025, level=UnitLevel.COMMUNE)


def commune_matches(
    text: str, province_code: int | None, today: datetime.date, selected: Any = None
) -> list[AdministrativeUnit]:
    """Communes whose name holds `text` without diacritics, the member's province first. One query.

    The commune already chosen stays in the list even when the text no longer finds it.
    """
    needle = fold(text)
    wanted = current_communes(today).select_related("parent")
    chosen = [to_id(selected)] if to_id(selected) is not None else []
    if len(needle) < 2 and not chosen:
        return []
    condition = Q(pk__in=chosen)
    if len(needle) >= 2:
        condition |= Q(search_name__contains=needle)
    home = Case(When(province_code=province_code or 0, then=Value(0)), default=Value(1), output_field=IntegerField())
    return list(wanted.filter(condition).order_by(home, "search_name", "pk")[:MAX_MATCHES])


class AddressChangeForm(forms.Form):
    commune_search = forms.CharField(
        label=gettext_lazy("Tìm xã/phường/đặc khu nơi ở mới"),
        help_text=gettext_lazy("Gõ vài chữ của tên, không cần dấu, ví dụ: phu khuong."),
        required=False,
        max_length=100,
    )
    commune = forms.ModelChoiceField(
        label=gettext_lazy("Xã/phường/đặc khu nơi ở mới"),
        queryset=AdministrativeUnit.objects.none(),
        error_messages={
            "required": gettext_lazy("Hãy tìm rồi chọn xã/phường/đặc khu nơi ở mới."),
            "invalid_choice": gettext_lazy("Xã/phường này không còn trong danh mục hiện nay; hãy chọn lại."),
        },
    )
    line = forms.CharField(
        label=gettext_lazy("Số nhà, đường, thôn/ấp/khóm/tổ dân phố"),
        max_length=200,
        error_messages={"required": gettext_lazy("Hãy ghi số nhà, đường, thôn/ấp/khóm/tổ dân phố.")},
    )
    residence_kind = forms.ChoiceField(
        label=gettext_lazy("Loại cư trú"),
        choices=ResidenceKind.choices,
        initial=ResidenceKind.PERMANENT,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Hãy chọn thường trú hoặc tạm trú.")},
    )
    moving_on = forms.DateField(
        label=gettext_lazy("Ở nơi mới từ ngày"),
        help_text=gettext_lazy("Ngày/tháng/năm, ví dụ 01/12/2026."),
        widget=forms.DateInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "aria-describedby": "goi-y-ngay"}, format="%d/%m/%Y"
        ),
        error_messages={
            "required": gettext_lazy("Hãy ghi ngày bắt đầu ở nơi mới."),
            "invalid": gettext_lazy("Ngày không hợp lệ (ngày/tháng/năm)."),
        },
    )
    note = forms.CharField(
        label=gettext_lazy("Ghi chú cho cấp ủy (nếu có)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = current_communes(today)  # type: ignore[attr-defined]


def _address_change_context(
    request: HttpRequest, form: AddressChangeForm, today: datetime.date, book: Book | None
) -> dict[str, Any]:
    member = _member(request)
    pending = (
        access.address_changes(scope_of(request))
        .filter(status=AddressChangeStatus.PENDING)
        .select_related("commune__parent")
        .first()
    )
    search = form["commune_search"].value() or ""
    selected = form["commune"].value()
    return {
        "member": member,
        "book": book,
        "pending": pending,
        "form": form,
        "search": search,
        "selected": str(selected or ""),
        "matches": commune_matches(search, member.residence_commune.province_code, today, selected),
    }


@hat_required("member")
def address_change(request: HttpRequest) -> HttpResponse:
    """Ask the workplace committee to record a new address; it then accepts (new letter) or rejects."""
    member = _member(request)
    today = clock.today()
    book = _books(request).filter(member_id=member.pk, status=BookStatus.OPEN).first()
    if request.method == "POST" and "tim" in request.POST:
        # the search button without JavaScript: show the matches, keep what was typed, judge nothing yet
        form = AddressChangeForm(initial=request.POST.dict(), today=today)
    elif request.method == "POST":
        form = AddressChangeForm(request.POST, today=today)
        if form.is_valid() and book is not None:
            data = form.cleaned_data
            done = act(
                request,
                lambda: actions.request_address_change(
                    member,
                    by=request.user,
                    commune=data["commune"],
                    line=data["line"],
                    residence_kind=data["residence_kind"],
                    moving_on=data["moving_on"],
                    note=data["note"],
                ),
                success=_(
                    "Đã gửi đề nghị chuyển nơi cư trú đến %(name)s. "
                    "Khi cấp ủy chấp nhận, giấy giới thiệu mới sẽ được gửi đến đảng ủy nơi ở mới."
                )
                % {"name": book.holder.name},
                form=form,
            )
            if done is not None:
                return redirect("member:book")
    else:
        form = AddressChangeForm(today=today)
    return render(request, "web/member/address_change.html", _address_change_context(request, form, today, book))


@hat_required("member")
def commune_search(request: HttpRequest) -> HttpResponse:
    """The commune choices for the text typed so far (htmx swaps them into the form)."""
    member = _member(request)
    search = request.GET.get("commune_search", "")
    selected = request.GET.get("commune", "")
    context = {
        "search": search,
        "selected": selected,
        "matches": commune_matches(search, member.residence_commune.province_code, clock.today(), selected),
    }
    return render(request, "web/member/_commune_options.html", context)


urlpatterns: list = [
    path("", my_book, name="book"),
    path("so/<int:pk>/", term_book, name="term_book"),
    path("chuyen-noi-cu-tru/", address_change, name="address_change"),
    path("chuyen-noi-cu-tru/xa-phuong/", commune_search, name="commune_search"),
]
