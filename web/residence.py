"""Screens of the residence committee (đảng ủy xã/phường/đặc khu nơi cư trú).

Letters to receive (with the cell to assign, one or many at once), the register (sổ theo dõi)
with the term's comment columns, comments to certify and return, the requests still waiting at
the cells, and the committee's residence cells. The residence side sees name, sex, birth year,
workplace, address, letters and comments — never an E2 member, a party-card or ID number, or a
rating: every list comes from `books.access` and no template prints those fields.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from books import access, actions, clock
from books.errors import DomainError
from books.models import (
    CommentKind,
    CommentRequest,
    CommentStatus,
    IntroductionLetter,
    LetterStatus,
    RegulationProfile,
    ResidenceRegisterEntry,
    Term,
)
from orgs.models import Organisation, OrgKind
from orgs.text import fold

from .cell import (
    ENTRY_ORDER,
    WRITABLE,
    CommentForm,
    comment_queryset,
    comment_reading,
    date_input,
    entry_rows,
    name_filter,
    save_comment,
)
from .common import act, hat_required, paginate, scope_of, to_id
from .keyset import DATE, DIGITS, TEXT, Key, keyset_page

app_name = "residence"
# (label, url name) pairs shown in the header when this role's hat is worn
NAV: list[tuple[str, str]] = [
    (gettext_lazy("Tiếp nhận giấy giới thiệu"), "residence:letters"),
    (gettext_lazy("Sổ theo dõi"), "residence:register"),
    (gettext_lazy("Nhận xét chờ xác nhận"), "residence:comments"),
    (gettext_lazy("Chờ chi bộ nhận xét"), "residence:waiting"),
    (gettext_lazy("Chi bộ"), "residence:cells"),
]

COMMITTEE = OrgKind.RESIDENCE_COMMITTEE


# --------------------------------------------------------------------------- helpers


def natural_key(name: str) -> tuple[Any, ...]:
    """'Chi bộ Khóm 2' before 'Chi bộ Khóm 10'; letters compared without diacritics."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", fold(name)))


def residence_cells(request: HttpRequest, *, active_only: bool = True) -> list[Organisation]:
    """The committee's residence cells (the active ones to assign to), in natural order. One query."""
    cells = access.organisations(scope_of(request)).filter(kind=OrgKind.RESIDENCE_CELL)
    if active_only:
        cells = cells.active(clock.today())
    return sorted(cells, key=lambda c: natural_key(c.name))


def guess_cell(line: str, cells: Sequence[Organisation]) -> Organisation | None:
    """The cell whose area ('Khóm 1') appears as whole words in an address line; the longest wins,
    so 'Khóm 12' is never taken for 'Khóm 1'."""
    folded = fold(line)
    best: Organisation | None = None
    for cell in cells:
        area = fold(cell.area_name)
        matches = bool(area) and re.search(rf"(?<!\w){re.escape(area)}(?!\w)", folded) is not None
        if matches and (best is None or len(area) > len(fold(best.area_name))):
            best = cell
    return best


def short_summaries(profile: RegulationProfile) -> dict[str, str]:
    """Summary labels without the words they all end with: 'Hoàn thành tốt', 'Không hoàn thành'."""
    levels = profile.summary_levels
    words = [level["label"].split() for level in levels]
    common = 0
    while len(words) > 1 and all(len(w) > common + 1 for w in words) and len({w[-common - 1] for w in words}) == 1:
        common += 1
    return {level["key"]: " ".join(w[: len(w) - common]) for level, w in zip(levels, words, strict=True)}


def _ids(values: list[str]) -> set[int]:
    """Posted ids; anything that is not a number cannot be a visible object: 404."""
    ids = {to_id(v) for v in values}
    if None in ids:
        raise Http404(_("Không tìm thấy hoặc bạn không có quyền xem."))
    return {pk for pk in ids if pk is not None}


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("tiep", "")
    return target if target.startswith("/noi-cu-tru/") else default


# --------------------------------------------------------------------------- 1. letters to receive


LETTER_ORDER = (Key("book__member__sort_key", DIGITS), Key("pk"))


def _letter_rows(queryset: QuerySet[IntroductionLetter]) -> QuerySet[IntroductionLetter]:
    return queryset.select_related(
        "book__member",
        "issuing_committee",
        "carried_over_from",
        "workplace_cell__parent",
        "residence_commune",
    ).order_by("book__member__sort_key", "pk")


class ReceiveLettersForm(forms.Form):
    """For each letter on the page: selected or not, the cell to assign, the date received."""

    chon = forms.MultipleChoiceField(label=gettext_lazy("Chọn giấy giới thiệu"), required=False)
    thay_cho = forms.CharField(
        label=gettext_lazy("Nhập từ giấy giới thiệu bản giấy — người ký tiếp nhận trên giấy (nếu nhập thay)"),
        required=False,
        max_length=200,
    )

    def __init__(
        self, *args: Any, letters: list[IntroductionLetter], cells: list[Organisation], today: datetime.date, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.letters = letters
        self.cells_by_pk = {str(c.pk): c for c in cells}
        choices = [("", _("— Chọn chi bộ —")), *((str(c.pk), c.name) for c in cells)]
        chon = self.fields["chon"]
        assert isinstance(chon, forms.MultipleChoiceField)
        chon.choices = [(str(letter.pk), letter.full_name) for letter in letters]
        for letter in letters:
            guess = guess_cell(letter.residence_line, cells)
            self.fields[f"o_{letter.pk}"] = forms.ChoiceField(
                label=_("Chi bộ nơi cư trú cho đồng chí %(full_name)s") % {"full_name": letter.full_name},
                choices=choices,
                required=False,
                initial=str(guess.pk) if guess else "",
            )
            self.fields[f"ngay_{letter.pk}"] = forms.DateField(
                label=_("Ngày tiếp nhận giấy của đồng chí %(full_name)s") % {"full_name": letter.full_name},
                required=False,
                initial=today,
                widget=date_input(),
            )
        self.chosen: list[tuple[IntroductionLetter, Organisation, datetime.date]] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wanted = {str(letter.pk) for letter in self.letters} if self.data.get("tat_ca") else set(data.get("chon", []))
        if not wanted:
            raise forms.ValidationError(_("Hãy chọn ít nhất một giấy giới thiệu để tiếp nhận."))
        for letter in self.letters:
            if str(letter.pk) not in wanted:
                continue
            cell = self.cells_by_pk.get(data.get(f"o_{letter.pk}") or "")
            day = data.get(f"ngay_{letter.pk}")
            if cell is None:
                self.add_error(
                    f"o_{letter.pk}", _("Hãy chọn chi bộ cho đồng chí %(full_name)s.") % {"full_name": letter.full_name}
                )
            if day is None and f"ngay_{letter.pk}" not in self.errors:
                self.add_error(
                    f"ngay_{letter.pk}",
                    _("Hãy nhập ngày tiếp nhận giấy của đồng chí %(full_name)s.") % {"full_name": letter.full_name},
                )
            if cell is not None and day is not None:
                self.chosen.append((letter, cell, day))
        return data

    def rows(self) -> list[tuple[IntroductionLetter, bool, forms.BoundField, forms.BoundField]]:
        selected = set(self["chon"].value() or [])
        return [
            (letter, str(letter.pk) in selected, self[f"o_{letter.pk}"], self[f"ngay_{letter.pk}"])
            for letter in self.letters
        ]


ROW_FIELDS = {"cell": "o_{pk}", "received_on": "ngay_{pk}"}


def _about_letter(error: DomainError, letter: IntroductionLetter) -> DomainError:
    """The refusal, naming the letter it is about and pointing at that row's fields."""
    message = error.message
    if letter.full_name not in message:
        message = _("%(full_name)s (giấy giới thiệu số %(display_number)s): %(message)s") % {
            "full_name": letter.full_name,
            "display_number": letter.display_number,
            "message": message,
        }
    fields = {
        ROW_FIELDS.get(name, name).format(pk=letter.pk): problems for name, problems in error.field_errors.items()
    }
    return type(error)(message, field_errors=fields)


def _receive(chosen: list[tuple[IntroductionLetter, Organisation, datetime.date]], by: Any, on_behalf_of: str) -> int:
    """Every chosen letter through `confirm_letters`, all or none."""
    with transaction.atomic():
        for letter, cell, day in chosen:
            try:
                actions.confirm_letters([(letter, cell)], by=by, received_on=day, on_behalf_of=on_behalf_of)
            except DomainError as error:
                raise _about_letter(error, letter) from None
    return len(chosen)


@hat_required(COMMITTEE)
def letters(request: HttpRequest) -> HttpResponse:
    """Letters (1-213) sent to this committee and not yet received: receive and assign a cell."""
    scope = scope_of(request)
    today = clock.today()
    query = request.GET.get("q", "")
    waiting = _letter_rows(
        name_filter(access.letters(scope).filter(status=LetterStatus.ISSUED), query, "book__member__")
    )
    page = keyset_page(request, waiting, LETTER_ORDER)
    shown = list(page)
    cells = residence_cells(request)
    if request.method == "POST":
        wanted = _ids(request.POST.getlist("chon"))
        missing = wanted - {letter.pk for letter in shown}
        if missing:
            # chosen on a page that has moved on (or received by a colleague meanwhile)
            extra = list(_letter_rows(access.letters(scope).filter(pk__in=missing)))
            if len(extra) != len(missing):
                raise Http404(_("Không tìm thấy hoặc bạn không có quyền xem."))
            shown += extra
        form = ReceiveLettersForm(request.POST, letters=shown, cells=cells, today=today)
        if form.is_valid():
            chosen = form.chosen
            names = "; ".join(f"{letter.full_name} → {cell.name}" for letter, cell, _ in chosen[:5])
            more = _(" và %(count)s giấy khác") % {"count": len(chosen) - 5} if len(chosen) > 5 else ""
            done = act(
                request,
                lambda: _receive(chosen, request.user, form.cleaned_data["thay_cho"]),
                success=_("Đã tiếp nhận %(count)s giấy giới thiệu và phân công chi bộ: %(names)s%(more)s.")
                % {"count": len(chosen), "names": names, "more": more},
                form=form,
            )
            if done is not None:
                return redirect(request.get_full_path())
        else:
            messages.error(request, _("Chưa tiếp nhận được: xem các chỗ báo đỏ bên dưới."))
    else:
        form = ReceiveLettersForm(letters=shown, cells=cells, today=today)
    context = {"page": page, "form": form, "q": query, "cells": cells, "today": today}
    return render(request, "web/residence/letters.html", context)


# --------------------------------------------------------------------------- 2. the register


class RegisterFilter(forms.Form):
    q = forms.CharField(label=gettext_lazy("Tìm theo tên (không dấu cũng được)"), required=False)
    chi_bo = forms.ChoiceField(label=gettext_lazy("Chi bộ nơi cư trú"), required=False)
    noi_cong_tac = forms.ChoiceField(label=gettext_lazy("Cấp ủy nơi công tác"), required=False)
    tu_ngay = forms.DateField(label=gettext_lazy("Tiếp nhận từ ngày"), required=False, widget=date_input())
    den_ngay = forms.DateField(label=gettext_lazy("Tiếp nhận đến ngày"), required=False, widget=date_input())
    da_roi = forms.BooleanField(label=gettext_lazy("Gồm cả đảng viên đã rời (ngày và lý do)"), required=False)

    def __init__(self, *args: Any, cells: list[Organisation], committees: list[Organisation], **kw: Any) -> None:
        super().__init__(*args, **kw)
        chi_bo, noi_cong_tac = self.fields["chi_bo"], self.fields["noi_cong_tac"]
        assert isinstance(chi_bo, forms.ChoiceField) and isinstance(noi_cong_tac, forms.ChoiceField)
        chi_bo.choices = [("", _("Tất cả chi bộ")), *((str(c.pk), c.name) for c in cells)]
        noi_cong_tac.choices = [("", _("Tất cả")), *((str(c.pk), c.name) for c in committees)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("tu_ngay"), data.get("den_ngay")
        if start and end and start > end:
            self.add_error("den_ngay", _("Ngày cuối phải sau ngày đầu."))
        return data

    def apply(self, rows: QuerySet[ResidenceRegisterEntry]) -> QuerySet[ResidenceRegisterEntry]:
        """Only the filters that were filled in correctly (a wrong date is reported and left out)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if not data.get("da_roi"):
            rows = rows.filter(left_on__isnull=True)
        if data.get("chi_bo"):
            rows = rows.filter(cell_id=int(data["chi_bo"]))
        if data.get("noi_cong_tac"):
            committee = int(data["noi_cong_tac"])
            rows = rows.filter(Q(member__workplace_cell_id=committee) | Q(member__workplace_cell__parent_id=committee))
        if data.get("tu_ngay") and "den_ngay" not in self.errors:
            rows = rows.filter(entered_on__gte=data["tu_ngay"])
        if data.get("den_ngay"):
            rows = rows.filter(entered_on__lte=data["den_ngay"])
        return name_filter(rows, data.get("q"))


def _workplace_committees(rows: QuerySet[ResidenceRegisterEntry]) -> list[Organisation]:
    """The workplace committees of the members in the register (for the filter). One query.

    A member's committee is their cell's parent, or their "cell" itself for a chi bộ cơ sở: one
    pass over the register (two `IN (…)` subqueries read the committee's 9,257 rows twice at 2.5 M).
    """
    cell = "member__workplace_cell"
    committee = Case(
        When(**{f"{cell}__kind": OrgKind.WORKPLACE_CELL}, then=F(f"{cell}__parent_id")),
        default=F(f"{cell}_id"),
    )
    committees = Organisation.objects.filter(
        kind=OrgKind.WORKPLACE_COMMITTEE, pk__in=rows.order_by().annotate(committee=committee).values("committee")
    )
    return sorted(committees, key=lambda c: natural_key(c.name))


def attach_comment_columns(request: HttpRequest, entries: Sequence[ResidenceRegisterEntry], years: list[int]) -> None:
    """`entry.columns`: (year, that year's comment request or None) for every year of the term.

    One query for the whole page; the yearly (periodic) request wins over an on-demand one.
    """
    requests = (
        access.comments(scope_of(request))
        .filter(book__member_id__in={e.member_id for e in entries}, year__in=years)
        .exclude(status=CommentStatus.CANCELLED)
        .select_related("book__profile")
        .order_by("-pk")
    )
    by_member_year: dict[tuple[int, int], CommentRequest] = {}
    shorts: dict[int, dict[str, str]] = {}
    for r in requests:
        key = (r.book.member_id, r.year)
        current = by_member_year.get(key)
        if current is None or (current.kind != CommentKind.PERIODIC and r.kind == CommentKind.PERIODIC):
            by_member_year[key] = r
        profile = r.book.profile
        if profile.pk not in shorts:
            shorts[profile.pk] = short_summaries(profile)
        r.short_summary = shorts[profile.pk].get(r.summary, "")  # type: ignore[attr-defined]
    for entry in entries:
        entry.columns = [(year, by_member_year.get((entry.member_id, year))) for year in years]  # type: ignore[attr-defined]


@hat_required(COMMITTEE)
def register(request: HttpRequest) -> HttpResponse:
    """The register (sổ theo dõi) with filters and one column per year of the term."""
    scope = scope_of(request)
    rows = access.register(scope)
    cells = residence_cells(request, active_only=False)
    committees = _workplace_committees(rows)
    filters = RegisterFilter(request.GET or None, cells=cells, committees=committees)
    page = keyset_page(request, entry_rows(filters.apply(rows)), ENTRY_ORDER)
    term = Term.current()
    years = term.years if term else []
    attach_comment_columns(request, page.object_list, years)
    context = {
        "page": page,
        "filters": filters,
        "years": years,
        "term": term,
        "show_left": bool(getattr(filters, "cleaned_data", {}).get("da_roi")),
    }
    template = "web/residence/partials/register_table.html" if request.htmx else "web/residence/register.html"
    return render(request, template, context)


def _open_entry(request: HttpRequest, pk: int) -> ResidenceRegisterEntry:
    entry: ResidenceRegisterEntry = access.get_visible(
        entry_rows(access.register(scope_of(request)).filter(left_on__isnull=True)), pk
    )
    return entry


class ReassignForm(forms.Form):
    cell = forms.ChoiceField(label=gettext_lazy("Chuyển sang chi bộ"))
    on = forms.DateField(label=gettext_lazy("Sinh hoạt ở chi bộ mới từ ngày"), widget=date_input())

    def __init__(self, *args: Any, cells: list[Organisation], current: Organisation, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.cells_by_pk = {str(c.pk): c for c in cells if c.pk != current.pk}
        cell = self.fields["cell"]
        assert isinstance(cell, forms.ChoiceField)
        cell.choices = [("", _("— Chọn chi bộ —")), *((pk, c.name) for pk, c in self.cells_by_pk.items())]


@hat_required(COMMITTEE)
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a registered member to another residence cell of the committee (reassign_cell)."""
    entry = _open_entry(request, pk)
    cells = residence_cells(request)
    form = ReassignForm(request.POST or None, cells=cells, current=entry.cell, initial={"on": clock.today()})
    if request.method == "POST" and form.is_valid():
        cell = form.cells_by_pk[form.cleaned_data["cell"]]
        done = act(
            request,
            lambda: actions.reassign_cell(entry.member, cell=cell, by=request.user, on=form.cleaned_data["on"]),
            success=_("Đã chuyển đồng chí %(full_name)s từ %(old_cell)s sang %(new_cell)s.")
            % {"full_name": entry.member.full_name, "old_cell": entry.cell.name, "new_cell": cell.name},
            form=form,
        )
        if done is not None:
            return redirect("residence:register")
    return render(request, "web/residence/reassign.html", {"entry": entry, "form": form})


class NoticeForm(forms.Form):
    observed_on = forms.DateField(label=gettext_lazy("Ngày xảy ra việc vi phạm"), widget=date_input())
    description = forms.CharField(
        label=gettext_lazy("Nội dung vi phạm (việc gì, ở đâu, ai phản ánh)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


@hat_required(COMMITTEE)
def raise_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Raise a violation notice (phiếu báo) about a registered member to their workplace committee."""
    entry = _open_entry(request, pk)
    member = entry.member
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = act(
            request,
            lambda: actions.raise_notice(
                member, description=data["description"], observed_on=data["observed_on"], by=request.user
            ),
            success=_("Đã gửi phiếu báo về %(name)s; nơi công tác phải trả lời.")
            % {"name": member.workplace_committee.name},
            form=form,
        )
        if done is not None:
            return redirect("residence:register")
    earlier = access.notices(scope_of(request)).filter(book__member=member).order_by("-raised_on", "-pk")
    return render(request, "web/residence/notice.html", {"entry": entry, "form": form, "earlier": earlier})


# --------------------------------------------------------------------------- 3. comments


TABS = {"da_ky": CommentStatus.SIGNED, "da_xac_nhan": CommentStatus.CERTIFIED}
# by cell (a request not yet assigned to a cell first), then the member's name; as keys for `?sau=`
COMMENT_ORDER = (
    Key("residence_cell__name", TEXT, default=""),
    Key("residence_cell_id", default=0),
    Key("book__member__sort_key", DIGITS),
    Key("pk"),
)
WAITING_ORDER = (*COMMENT_ORDER[:2], Key("due_on", DATE), *COMMENT_ORDER[2:])


@hat_required(COMMITTEE)
def comments(request: HttpRequest) -> HttpResponse:
    """Comments signed by the cells (to certify or send back), and certified ones (to return)."""
    tab = request.GET.get("trang_thai", "da_ky")
    if tab not in TABS:
        tab = "da_ky"
    base = comment_queryset(request)
    # only the two statuses counted: the index (residence_committee, status) then reads those rows,
    # not every request the committee ever had
    counts = base.filter(status__in=TABS.values()).aggregate(
        da_ky=Count("pk", filter=Q(status=CommentStatus.SIGNED)),
        da_xac_nhan=Count("pk", filter=Q(status=CommentStatus.CERTIFIED)),
    )
    query = request.GET.get("q", "")
    listed = name_filter(base.filter(status=TABS[tab]), query, "book__member__")
    page = keyset_page(request, listed, COMMENT_ORDER, per_page=20)
    for r in page:
        r.reading = comment_reading(r)  # type: ignore[attr-defined]
    context = {"page": page, "tab": tab, "counts": counts, "today": clock.today(), "q": query}
    return render(request, "web/residence/comments.html", context)


BULK = {
    "xac_nhan": ("certify",),
    "xac_nhan_gui": ("certify", "return"),
    "gui": ("return",),
}


@hat_required(COMMITTEE)
@require_POST
def comments_bulk(request: HttpRequest) -> HttpResponse:
    """Certify and/or return several comments: each one an action call, reported together."""
    steps = BULK.get(request.POST.get("viec", ""))
    back = _back(request, reverse("residence:comments"))
    wanted = _ids(request.POST.getlist("chon"))
    chosen = list(comment_queryset(request).filter(pk__in=wanted).order_by("book__member__sort_key", "pk"))
    if len(chosen) != len(wanted):
        raise Http404(_("Không tìm thấy hoặc bạn không có quyền xem."))
    if steps is None or not chosen:
        messages.error(request, _("Hãy chọn ít nhất một phiếu và một việc cần làm."))
        return redirect(back)
    done: list[str] = []
    refused: list[str] = []
    for obj in chosen:
        try:
            if "certify" in steps:
                obj = actions.certify_comment(obj, by=request.user)
            if "return" in steps:
                obj = actions.return_comment(obj, by=request.user)
            done.append(obj.book.member.full_name)
        except DomainError as error:
            refused.append(f"{obj.book.member.full_name}: {error.message}")
    what = {
        ("certify",): _("xác nhận"),
        ("certify", "return"): _("xác nhận và gửi về nơi công tác"),
        ("return",): _("gửi về nơi công tác"),
    }[steps]
    if done:
        messages.success(
            request,
            _("Đã %(what)s %(count)s phiếu: %(names)s.") % {"what": what, "count": len(done), "names": ", ".join(done)},
        )
    if refused:
        messages.error(
            request,
            _("Chưa %(what)s được %(count)s phiếu — ") % {"what": what, "count": len(refused)} + " · ".join(refused),
        )
    return redirect(back)


def _visible_comment(request: HttpRequest, pk: int) -> CommentRequest:
    obj: CommentRequest = access.get_visible(comment_queryset(request), pk)
    return obj


@hat_required(COMMITTEE)
@require_POST
def certify(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _visible_comment(request, pk)
    act(
        request,
        lambda: actions.certify_comment(obj, by=request.user),
        success=_("Đã xác nhận nhận xét của đồng chí %(full_name)s; bấm “Gửi về nơi công tác” để gửi đi.")
        % {"full_name": obj.book.member.full_name},
    )
    return redirect(_back(request, reverse("residence:comments")))


@hat_required(COMMITTEE)
@require_POST
def return_to_workplace(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _visible_comment(request, pk)
    act(
        request,
        lambda: actions.return_comment(obj, by=request.user),
        success=_("Đã gửi nhận xét của đồng chí %(full_name)s về %(name)s.")
        % {"full_name": obj.book.member.full_name, "name": obj.requesting_committee.name},
    )
    return redirect(_back(request, reverse("residence:comments") + "?trang_thai=da_xac_nhan"))


class SendBackForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do trả lại (chi bộ cần sửa gì)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Hãy ghi lý do trả lại để chi bộ biết cần sửa gì.")},
    )


@hat_required(COMMITTEE)
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a signed comment back to the cell, with the reason (send_back_comment)."""
    obj = _visible_comment(request, pk)
    form = SendBackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: actions.send_back_comment(obj, reason=form.cleaned_data["reason"], by=request.user),
            success=_("Đã trả lại nhận xét của đồng chí %(full_name)s cho %(residence_cell)s.")
            % {"full_name": obj.book.member.full_name, "residence_cell": obj.residence_cell},
            form=form,
        )
        if done is not None:
            return redirect("residence:comments")
    context = {"obj": obj, "form": form, "reading": comment_reading(obj), "member": obj.book.member}
    return render(request, "web/residence/send_back.html", context)


@hat_required(COMMITTEE)
def waiting(request: HttpRequest) -> HttpResponse:
    """Requests still waiting at the cells, grouped by cell, overdue flagged."""
    today = clock.today()
    cells = residence_cells(request, active_only=False)
    base = comment_queryset(request).filter(status__in=WRITABLE)
    chosen = request.GET.get("chi_bo", "")
    by_cell = {
        row["residence_cell"]: row
        for row in base.order_by()
        .values("residence_cell")
        .annotate(
            total=Count("pk"),
            overdue=Count("pk", filter=Q(due_on__lt=today)),
        )
    }
    summary = [(cell, by_cell[cell.pk]) for cell in cells if cell.pk in by_cell]
    unassigned = by_cell.get(None)
    query = request.GET.get("q", "")
    listed = name_filter(base, query, "book__member__")
    if chosen == "chua":
        listed = listed.filter(residence_cell__isnull=True)
    elif to_id(chosen) is not None:
        listed = listed.filter(residence_cell_id=to_id(chosen))
    page = keyset_page(request, listed, WAITING_ORDER)
    context = {
        "page": page,
        "summary": summary,
        "unassigned": unassigned,
        "chosen": chosen,
        "today": today,
        "q": query,
    }
    return render(request, "web/residence/waiting.html", context)


@hat_required(COMMITTEE)
def paper_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter a paper comment form on behalf of a cell: the secretary who signed it is named."""
    obj = _visible_comment(request, pk)
    if obj.status not in WRITABLE:
        messages.error(request, _("Phiếu này không còn ở chi bộ: không nhập phiếu giấy được nữa."))
        return redirect("residence:waiting")
    if request.method == "POST":
        form, done = save_comment(request, obj, paper=True)
        if done:
            if request.POST.get("viec") == "ky":
                return redirect("residence:comments")
            return redirect("residence:paper_comment", pk=obj.pk)
    else:
        form = CommentForm(request=obj, paper=True)
    return render(request, "web/residence/paper_comment.html", {"obj": obj, "form": form, "member": obj.book.member})


# --------------------------------------------------------------------------- 4. residence cells


def _count(queryset: QuerySet[Any], field: str) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


@hat_required(COMMITTEE)
def cells(request: HttpRequest) -> HttpResponse:
    """The committee's residence cells with their members, comments waiting and last meeting."""
    scope = scope_of(request)
    today = clock.today()
    open_rows = access.register(scope).filter(left_on__isnull=True)
    waiting_requests = access.comments(scope).filter(status__in=WRITABLE)
    listed = (
        access.organisations(scope)
        .filter(kind=OrgKind.RESIDENCE_CELL)
        .active(today)
        .annotate(
            registered=_count(open_rows, "cell"),
            waiting=_count(waiting_requests, "residence_cell"),
            overdue=_count(waiting_requests.filter(due_on__lt=today), "residence_cell"),
            last_meeting=Subquery(
                access.meetings(scope).filter(cell=OuterRef("pk")).order_by("-held_on").values("held_on")[:1]
            ),
        )
    )
    # a committee has tens of cells: sorted here so that Khóm 2 comes before Khóm 10
    page = paginate(request, sorted(listed, key=lambda c: natural_key(c.name)))  # type: ignore[arg-type]
    return render(request, "web/residence/cells.html", {"page": page})


@hat_required(COMMITTEE)
def cell(request: HttpRequest, pk: int) -> HttpResponse:
    """One residence cell and the members registered in it now."""
    scope = scope_of(request)
    org: Organisation = access.get_visible(access.organisations(scope).filter(kind=OrgKind.RESIDENCE_CELL), pk)
    query = request.GET.get("q", "")
    rows = access.register(scope).filter(cell=org, left_on__isnull=True)
    page = keyset_page(request, entry_rows(name_filter(rows, query)), ENTRY_ORDER)
    return render(request, "web/residence/cell.html", {"cell": org, "page": page, "q": query})


urlpatterns = [
    path("giay-gioi-thieu/", letters, name="letters"),
    path("so-theo-doi/", register, name="register"),
    path("so-theo-doi/<int:pk>/chuyen-chi-bo/", reassign, name="reassign"),
    path("so-theo-doi/<int:pk>/bao-vi-pham/", raise_notice, name="raise_notice"),
    path("nhan-xet/", comments, name="comments"),
    path("nhan-xet/hang-loat/", comments_bulk, name="comments_bulk"),
    path("nhan-xet/cho-chi-bo/", waiting, name="waiting"),
    path("nhan-xet/<int:pk>/xac-nhan/", certify, name="certify"),
    path("nhan-xet/<int:pk>/gui-ve-noi-cong-tac/", return_to_workplace, name="return"),
    path("nhan-xet/<int:pk>/tra-lai-chi-bo/", send_back, name="send_back"),
    path("nhan-xet/<int:pk>/nhap-phieu-giay/", paper_comment, name="paper_comment"),
    path("chi-bo/", cells, name="cells"),
    path("chi-bo/<int:pk>/", cell, name="cell"),
]
