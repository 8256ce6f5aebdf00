"""Screens of a residence cell's secretary (chi bộ thôn/ấp/khóm/tổ dân phố) — phone first.

My members, the 6-monthly meeting, and the members' comments (mẫu 3-213): write, save a draft,
sign. The comment form and its read-only view are shared with the residence committee, which
may enter a paper form on behalf of a cell (web/residence.py).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import CharField, Count, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from books import access, actions, clock, queries
from books.models import (
    CommentRequest,
    CommentStatus,
    ResidenceRegisterEntry,
)
from orgs.models import OrgKind
from orgs.text import fold

from .common import act, hat_of, hat_required, paginate, scope_of
from .keyset import DATE, DIGITS, Key, keyset_page, order_of

app_name = "cell"
# (label, url name) pairs shown in the header when this role's hat is worn
NAV: list[tuple[str, str]] = [
    (gettext_lazy("Đảng viên"), "cell:members"),
    (gettext_lazy("Sinh hoạt 6 tháng"), "cell:meeting"),
    (gettext_lazy("Nhận xét"), "cell:comments"),
]

CELL = OrgKind.RESIDENCE_CELL
WRITABLE = (CommentStatus.REQUESTED, CommentStatus.DRAFTED)


# --------------------------------------------------------------------------- shared helpers


def name_filter(queryset: QuerySet[Any], text: str | None, member: str = "member__") -> QuerySet[Any]:
    """Diacritic-free search by name only: digits are dropped, so the residence side can never
    find (or confirm) a party-card or ID number through the search box."""
    typed = fold(text)
    needle = " ".join("".join(ch for ch in typed if not ch.isdigit()).split())
    if not needle:
        return queryset.none() if typed else queryset
    return queryset.filter(**{f"{member}search_text__contains": needle})


def date_input() -> forms.DateInput:
    """A text box in dd/mm/yyyy: a browser's own date picker may show another country's order."""
    return forms.DateInput(
        format="%d/%m/%Y",
        attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off", "class": "res-date"},
    )


# The register's order: the member's name the Vietnamese way, the member, the latest entry first.
# `sort_key || ''` rather than the column: with the bare column PostgreSQL walks the index of every
# member's sort key, country-wide, looking for this committee's first 50; the expression makes it
# take the committee's rows first and sort those (docs/performance.md). The same keys page the
# screens by `?sau=` (web/keyset.py).
ENTRY_ORDER = (
    Key(Concat("member__sort_key", Value(""), output_field=CharField()), DIGITS),
    Key("member_id"),
    Key("entered_on", DATE, descending=True),
    Key("pk"),
)


def entry_rows(queryset: QuerySet[ResidenceRegisterEntry]) -> QuerySet[ResidenceRegisterEntry]:
    """Register rows with what the residence side shows of the member, in one query."""
    return queryset.select_related(
        "member__workplace_cell__parent",
        "member__residence_commune__parent__parent",
        "cell",
        "letter__carried_over_from",
        "letter__issuing_committee",
    ).order_by(*order_of(ENTRY_ORDER))


# --------------------------------------------------------------------------- the comment form 3-213


class CommentForm(forms.Form):
    """Mẫu 3-213, the comment part: one text per criterion of the book's profile, shortcomings,
    the people's opinion, the summary and the Mặt trận participant. Nothing is required here:
    a draft may be partial; `sign_comment` says what is still missing."""

    shortcomings = forms.CharField(
        label=gettext_lazy("Khuyết điểm, hạn chế"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    people_opinion = forms.CharField(
        label=gettext_lazy("Ý kiến của nhân dân, ban công tác Mặt trận"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    summary = forms.ChoiceField(label=gettext_lazy("Kết quả"), required=False, widget=forms.RadioSelect)
    front_participant = forms.CharField(
        label=gettext_lazy("Đại diện ban công tác Mặt trận cùng nhận xét (họ tên, chức danh)"),
        required=False,
        max_length=160,
    )

    def __init__(self, *args: Any, request: CommentRequest, paper: bool = False, **kwargs: Any) -> None:
        if not args or args[0] is None:
            kwargs.setdefault("initial", self.initial_from(request))
        super().__init__(*args, **kwargs)
        profile = request.book.profile
        criteria = {
            f"criteria_{c['key']}": forms.CharField(
                label=c["label"], required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
            )
            for c in profile.criteria
        }
        self.fields = {**criteria, **self.fields}
        self.criterion_keys = [c["key"] for c in profile.criteria]
        summary = self.fields["summary"]
        assert isinstance(summary, forms.ChoiceField)
        summary.choices = [(s["key"], s["label"]) for s in profile.summary_levels]
        self.paper = paper
        if paper:
            self.fields["on_behalf_of"] = forms.CharField(
                label=_("Bí thư chi bộ đã ký trên phiếu giấy (họ tên)"),
                max_length=200,
                error_messages={"required": _("Nhập phiếu giấy thay chi bộ: hãy ghi tên bí thư đã ký trên phiếu.")},
            )

    @staticmethod
    def initial_from(request: CommentRequest) -> dict[str, Any]:
        saved = request.criteria or {}
        initial: dict[str, Any] = {f"criteria_{key}": value for key, value in saved.items()}
        for name in ("shortcomings", "people_opinion", "summary", "front_participant"):
            initial[name] = getattr(request, name)
        initial["on_behalf_of"] = request.entered_on_behalf_of
        return initial

    def criteria_fields(self) -> list[forms.BoundField]:
        return [self[f"criteria_{key}"] for key in self.criterion_keys]

    def content(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "criteria": {key: data.get(f"criteria_{key}", "") for key in self.criterion_keys},
            "shortcomings": data.get("shortcomings", ""),
            "people_opinion": data.get("people_opinion", ""),
            "summary": data.get("summary", ""),
            "front_participant": data.get("front_participant", ""),
        }


def comment_reading(request: CommentRequest) -> list[tuple[str, str]]:
    """(criterion label, text) in the profile's order, for reading a written comment."""
    saved = request.criteria or {}
    return [(c["label"], saved.get(c["key"], "")) for c in request.book.profile.criteria]


def save_comment(http: HttpRequest, request: CommentRequest, *, paper: bool = False) -> tuple[CommentForm, bool]:
    """Validate the comment form and run "Lưu nháp" (write_comment) or "Ký nhận xét" (sign_comment).

    Returns the (bound) form and whether the action succeeded; on a refusal nothing is saved and
    the form keeps everything typed.
    """
    form = CommentForm(http.POST, request=request, paper=paper)
    if not form.is_valid():
        return form, False
    on_behalf_of = form.cleaned_data.get("on_behalf_of", "") if paper else ""
    content = form.content()
    name = request.book.member.full_name
    if http.POST.get("viec") == "ky":
        done = act(
            http,
            lambda: actions.sign_comment(request, by=http.user, on_behalf_of=on_behalf_of, **content),
            success=_("Đã ký nhận xét của đồng chí %(name)s; phiếu đã chuyển lên đảng ủy để xác nhận.")
            % {"name": name},
            form=form,
        )
        if done is None:
            # the action lists the missing criteria at the top; mark each empty box as well
            for key, text in content["criteria"].items():
                if not text.strip():
                    form.add_error(f"criteria_{key}", _("Chưa nhận xét mục này."))
    else:
        done = act(
            http,
            lambda: actions.write_comment(request, by=http.user, on_behalf_of=on_behalf_of, **content),
            success=_("Đã lưu nháp nhận xét của đồng chí %(name)s. Có thể sửa tiếp trước khi ký.") % {"name": name},
            form=form,
        )
    return form, done is not None


def comment_queryset(http: HttpRequest) -> QuerySet[CommentRequest]:
    """The comment requests this hat sees, with what the form and the reading need."""
    return access.comments(scope_of(http)).select_related(
        "book__member__workplace_cell__parent",
        "book__member__residence_commune__parent__parent",
        "book__profile",
        "residence_cell",
        "residence_committee",
        "requesting_committee",
    )


# --------------------------------------------------------------------------- my members


@hat_required(CELL)
def members(request: HttpRequest) -> HttpResponse:
    """The members registered in the cell now (never E2), searchable by name."""
    rows = access.register(scope_of(request)).filter(left_on__isnull=True)
    query = request.GET.get("q", "")
    page = keyset_page(request, entry_rows(name_filter(rows, query)), ENTRY_ORDER)
    return render(request, "web/cell/members.html", {"page": page, "q": query})


# --------------------------------------------------------------------------- the 6-monthly meeting


PRESENT, ABSENT = "co", "vang"


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=gettext_lazy("Ngày họp"), widget=date_input())
    topic = forms.CharField(
        label=gettext_lazy("Nội dung buổi sinh hoạt"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Ví dụ: Sơ kết 6 tháng, triển khai nhiệm vụ")}),
    )

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people
        for member in people:
            self.fields[f"p_{member.pk}"] = forms.ChoiceField(
                label=member.full_name,
                choices=[(PRESENT, _("Có mặt")), (ABSENT, _("Vắng"))],
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Đánh dấu có mặt hay vắng cho %(full_name)s.") % {"full_name": member.full_name}
                },
            )
            self.fields[f"r_{member.pk}"] = forms.CharField(
                label=_("Lý do vắng — %(full_name)s") % {"full_name": member.full_name}, required=False, max_length=200
            )

    def clean_held_on(self) -> datetime.date:
        held_on: datetime.date = self.cleaned_data["held_on"]
        if held_on > clock.today():
            raise forms.ValidationError(_("Ngày họp không thể ở tương lai."))
        return held_on

    def rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [(m, self[f"p_{m.pk}"], self[f"r_{m.pk}"]) for m in self.people]

    def attendance(self) -> dict[int, tuple[bool, str]]:
        data = self.cleaned_data
        return {m.pk: (data[f"p_{m.pk}"] == PRESENT, data.get(f"r_{m.pk}", "")) for m in self.people}


def _half_of(day: datetime.date) -> tuple[int, int]:
    return day.year, 1 if day.month <= 6 else 2


def _chosen_half(request: HttpRequest) -> tuple[int, int]:
    """`?ky=2026-1` picks a half-year to record or correct; the current one by default."""
    now = _half_of(clock.today())
    try:
        year, half = (int(x) for x in request.GET.get("ky", "").split("-"))
    except ValueError:
        return now
    return (year, half) if half in (1, 2) and (2000, 1) <= (year, half) <= now else now


def _people_registered(cell_rows: QuerySet[ResidenceRegisterEntry], on: datetime.date) -> list[Any]:
    """The members registered in the cell on a day, in Vietnamese order, each once."""
    rows = (
        cell_rows.filter(entered_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=on))
        .select_related("member__workplace_cell__parent")
        .order_by("member__sort_key", "member__pk")
    )
    seen: dict[int, Any] = {}
    for row in rows:
        seen.setdefault(row.member_id, row.member)
    return list(seen.values())


@hat_required(CELL)
def meeting(request: HttpRequest) -> HttpResponse:
    """Record the 6-monthly meeting: one tap per member, present or absent (with a reason).

    Recording the same half-year again corrects it; the earlier record is shown filled in.
    """
    scope = scope_of(request)
    cell = hat_of(request).organisation
    assert cell is not None
    today = clock.today()
    year, half = _chosen_half(request)
    # the hat's scope is this one cell: its meetings and its register rows
    previous = access.meetings(scope).filter(year=year, half=half).prefetch_related("attendance").first()
    if previous is not None:
        default_day = previous.held_on
    elif (year, half) == _half_of(today):
        default_day = today
    else:
        default_day = datetime.date(year, 6, 30) if half == 1 else datetime.date(year, 12, 31)
    cell_rows = access.register(scope)
    people = _people_registered(cell_rows, default_day)
    initial: dict[str, Any] = {"held_on": default_day, "topic": previous.topic if previous else ""}
    marks = {a.member_id: a for a in previous.attendance.all()} if previous else {}
    for member in people:
        mark = marks.get(member.pk)
        initial[f"p_{member.pk}"] = PRESENT if mark is None or mark.present else ABSENT
        initial[f"r_{member.pk}"] = mark.absence_reason if mark else ""
    form = MeetingForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        held_on = form.cleaned_data["held_on"]
        there = {m.pk for m in _people_registered(cell_rows, held_on)}
        strangers = [m.full_name for m in people if m.pk not in there]
        if strangers:
            form.add_error(
                "held_on",
                _(
                    "Ngày %(held_on)s các đồng chí sau chưa (hoặc không còn) sinh hoạt ở chi bộ: %(names)s. "
                    "Hãy chọn đúng ngày họp."
                )
                % {"held_on": format(held_on, "%d/%m/%Y"), "names": ", ".join(strangers)},
            )
        else:
            present = sum(1 for p, _ in form.attendance().values() if p)
            done = act(
                request,
                lambda: actions.record_meeting(
                    cell,
                    held_on=held_on,
                    attendance=form.attendance(),
                    topic=form.cleaned_data["topic"],
                    by=request.user,
                ),
                success=_("Đã ghi buổi sinh hoạt ngày %(held_on)s: %(present)s có mặt, %(absent)s vắng.")
                % {"held_on": format(held_on, "%d/%m/%Y"), "present": present, "absent": len(people) - present},
                form=form,
            )
            if done is not None:
                y, h = _half_of(held_on)
                return redirect(f"{reverse('cell:meeting')}?ky={y}-{h}")
    history = (
        access.meetings(scope)
        .annotate(
            present=Count("attendance", filter=Q(attendance__present=True)),
            absent=Count("attendance", filter=Q(attendance__present=False)),
        )
        .order_by("-year", "-half")[:10]
    )
    context = {
        "form": form,
        "previous": previous,
        "year": year,
        "half": half,
        "history": history,
        "current": (year, half) == _half_of(today),
        "now_half": "{}-{}".format(*_half_of(today)),
    }
    return render(request, "web/cell/meeting.html", context)


# --------------------------------------------------------------------------- comments


@hat_required(CELL)
def comments(request: HttpRequest) -> HttpResponse:
    """ "Cần nhận xét": the cell's requests still to write or sign, due first, overdue flagged;
    then the ones the cell signed this campaign year (read only)."""
    today = clock.today()
    base = comment_queryset(request)
    todo = base.filter(status__in=WRITABLE).order_by("due_on", "book__member__sort_key", "pk")
    page = paginate(request, todo)
    for r in page:
        r.reason_text = r.book.profile.reason_label(r.reason) if r.reason else ""  # type: ignore[attr-defined]
    signed = list(
        base.filter(status__in=CommentStatus.with_comment(), year=queries.campaign_year(today)).order_by(
            "-signed_on", "book__member__sort_key"
        )[:30]
    )
    return render(request, "web/cell/comments.html", {"page": page, "signed": signed, "today": today})


@hat_required(CELL)
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    """Write a member's comment: "Lưu nháp" keeps a draft, "Ký nhận xét" signs it (then read only)."""
    obj: CommentRequest = access.get_visible(comment_queryset(request), pk)
    writable = obj.status in WRITABLE
    if request.method == "POST":
        form, done = save_comment(request, obj)
        if done or not writable:  # signed meanwhile: the action said why; show it read only
            return redirect("cell:comment", pk=obj.pk)
    else:
        form = CommentForm(request=obj)
    context = {
        "obj": obj,
        "form": form,
        "writable": writable,
        "reading": comment_reading(obj),
        "member": obj.book.member,
    }
    return render(request, "web/cell/comment.html", context)


urlpatterns = [
    path("dang-vien/", members, name="members"),
    path("sinh-hoat/", meeting, name="meeting"),
    path("nhan-xet/", comments, name="comments"),
    path("nhan-xet/<int:pk>/", comment, name="comment"),
]
