"""Screens of the workplace side (see web/common.py for the pattern).

The workplace committee (secretary, deputy, clerk) keeps its members' books: the members list,
the start-of-year review that signs the letters 1-213, a member's page with the book as a
timeline and the forms of every life event, the October campaign, the comments that come back,
the December rating and the violation notices to answer. The workplace cell secretary sees the
cell's members and rates them.

Every list is scoped through books.access and runs a fixed number of queries; every change goes
through books.actions.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import privacy
from books import access, actions, clock, queries
from books.models import (
    AnnualRating,
    Book,
    BookStatus,
    CommentKind,
    CommentRequest,
    CommentStatus,
    Event,
    IntroductionLetter,
    LetterStatus,
    NoticeStatus,
    RatingLevel,
    RegulationProfile,
    Term,
    ViolationNotice,
)
from members.models import EmploymentStatus, Exemption, Member, ResidenceKind, Sex
from orgs.models import WORKPLACE_SIDE, AdministrativeUnit, Organisation, OrgKind, Role, UnitEdition, UnitLevel
from orgs.text import fold
from privacy import log as privacy_log

from .common import act, hat_of, hat_required, paginate, scope_of, to_id
from .keyset import DATE, DIGITS, TEXT, Key, keyset_page
from .scans import of_book as scans_of_book

app_name = "workplace"

COMMITTEE = OrgKind.WORKPLACE_COMMITTEE
CELL = OrgKind.WORKPLACE_CELL
committee_only = hat_required(COMMITTEE)
committee_or_cell = hat_required(COMMITTEE, CELL)

SENT = [LetterStatus.ISSUED, LetterStatus.RECEIVED]
BACK = [CommentStatus.RETURNED, CommentStatus.ACKNOWLEDGED]


def today() -> datetime.date:
    return clock.today()


def _is_committee(request: HttpRequest) -> bool:
    return hat_of(request).kind == COMMITTEE


def _committee(request: HttpRequest) -> Organisation:
    org = hat_of(request).organisation
    assert org is not None  # a committee hat always has its organisation
    return org


def _ids(values: Iterable[str]) -> list[int]:
    return [pk for pk in (to_id(v) for v in values) if pk is not None]


def _query_string(request: HttpRequest, **overrides: Any) -> str:
    """The current filters as a query string, without the page number (for pager and tile links)."""
    params = request.GET.copy()
    params.pop("trang", None)
    for key, value in overrides.items():
        params[key] = value
    return params.urlencode()


# --------------------------------------------------------------------------- form pieces

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def current_communes(on: datetime.date | None = None) -> QuerySet[AdministrativeUnit]:
    """Communes (xã, phường, đặc khu) of the 2025 list that exist on `on`."""
    return AdministrativeUnit.objects.current(on or today()).filter(edition=UnitEdition.Y2025, level=UnitLevel.COMMUNE)


class CommuneSelect(forms.Select):
    """A search box (htmx, diacritics optional) above a list box of the communes found."""

    template = "web/workplace/widgets/commune.html"

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> str:
        attrs = self.build_attrs(self.attrs, attrs)
        unit = value if isinstance(value, AdministrativeUnit) else None
        if unit is None and to_id(value) is not None:
            unit = current_communes().select_related("parent").filter(code=to_id(value)).first()
        context = {"name": name, "attrs": attrs, "unit": unit, "search_url": reverse("workplace:communes")}
        return mark_safe(render_to_string(self.template, context))  # our own template, autoescaped


class CommuneField(forms.Field):
    """A current commune chosen by its official code."""

    widget = CommuneSelect
    default_error_messages = {
        "required": gettext_lazy("Hãy tìm và chọn xã/phường/đặc khu nơi cư trú."),
        "invalid": gettext_lazy("Hãy chọn một xã/phường/đặc khu hiện nay trong danh sách tìm được."),
    }

    def to_python(self, value: Any) -> AdministrativeUnit | None:
        if value in self.empty_values:
            return None
        if isinstance(value, AdministrativeUnit):
            return value
        code = to_id(value)
        unit = current_communes().select_related("parent").filter(code=code).first() if code is not None else None
        if unit is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return unit

    def prepare_value(self, value: Any) -> Any:
        return value.code if isinstance(value, AdministrativeUnit) else value


class ParticularsForm(forms.Form):
    """The particulars a committee may correct (actions.MEMBER_EDITABLE_FIELDS)."""

    full_name = forms.CharField(label=gettext_lazy("Họ và tên"), max_length=120)
    sex = forms.ChoiceField(label=gettext_lazy("Giới tính"), choices=Sex.choices, widget=forms.RadioSelect)
    birth_date = date_field(gettext_lazy("Ngày sinh"))
    admitted_on = date_field(gettext_lazy("Ngày vào Đảng"))
    official_on = date_field(gettext_lazy("Ngày chính thức"), required=False)
    party_card_number = forms.CharField(
        label=gettext_lazy("Số thẻ đảng viên"), max_length=12, help_text=gettext_lazy("6 đến 12 chữ số.")
    )
    national_id = forms.CharField(
        label=gettext_lazy("Số định danh cá nhân (CCCD)"), max_length=12, help_text=gettext_lazy("12 chữ số.")
    )
    phone = forms.CharField(label=gettext_lazy("Điện thoại"), max_length=20, required=False)
    email = forms.EmailField(label=gettext_lazy("Thư điện tử"), required=False)
    workplace_title = forms.CharField(label=gettext_lazy("Chức vụ, đơn vị công tác"), max_length=200, required=False)


class RegisterForm(ParticularsForm):
    workplace_cell = forms.ModelChoiceField(
        label=gettext_lazy("Chi bộ nơi công tác"),
        queryset=Organisation.objects.none(),
        empty_label=gettext_lazy("— Chọn chi bộ —"),
    )
    residence_commune = CommuneField(label=gettext_lazy("Xã/phường/đặc khu nơi cư trú"))
    residence_line = forms.CharField(label=gettext_lazy("Số nhà, đường, thôn/ấp/khóm/tổ dân phố"), max_length=200)
    residence_kind = forms.ChoiceField(
        label=gettext_lazy("Loại cư trú"),
        choices=ResidenceKind.choices,
        initial=ResidenceKind.PERMANENT,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, cells: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workplace_cell"].queryset = cells  # type: ignore[attr-defined]
        if len(cells) == 1:
            self.fields["workplace_cell"].initial = cells[0]


class ResidenceForm(forms.Form):
    commune = CommuneField(label=gettext_lazy("Xã/phường/đặc khu nơi cư trú mới"))
    line = forms.CharField(label=gettext_lazy("Số nhà, đường, thôn/ấp/khóm/tổ dân phố"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Loại cư trú"), choices=ResidenceKind.choices, widget=forms.RadioSelect)


class WorkplaceCellChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:  # type: ignore[override]
        return obj.workplace_label


class WorkplaceForm(forms.Form):
    cell = WorkplaceCellChoice(
        label=gettext_lazy("Chi bộ nơi công tác mới"),
        queryset=Organisation.objects.none(),
        empty_label=gettext_lazy("— Chọn chi bộ —"),
    )

    def __init__(self, *args: Any, cells: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cell"].queryset = cells  # type: ignore[attr-defined]


class ExemptionForm(forms.Form):
    exemption = forms.ChoiceField(
        label=gettext_lazy("Diện miễn"),
        choices=[("", gettext_lazy("Không miễn (bỏ diện miễn)")), *[(v, label) for v, label in Exemption.choices if v]],
        required=False,
    )
    reason = forms.CharField(
        label=gettext_lazy("Lý do"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Bắt buộc khi đặt diện miễn."),
    )
    since = date_field(gettext_lazy("Miễn từ ngày"), required=False, help_text=gettext_lazy("Để trống: từ hôm nay."))
    until = date_field(
        gettext_lazy("Miễn đến ngày"), required=False, help_text=gettext_lazy("Để trống: chưa biết ngày kết thúc.")
    )
    confirm_e2 = forms.BooleanField(
        label=gettext_lazy("Tôi hiểu: đảng viên diện E2 được rút khỏi nơi cư trú ngay."), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("exemption") == Exemption.E2 and not data.get("confirm_e2"):
            self.add_error("confirm_e2", _("Diện E2 rút đảng viên khỏi nơi cư trú ngay: hãy đánh dấu xác nhận."))
        return data


class EndEmploymentForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Lý do"),
        choices=[
            (EmploymentStatus.RETIRED, gettext_lazy("Nghỉ hưu")),
            (EmploymentStatus.LEFT, gettext_lazy("Thôi công tác")),
        ],
        widget=forms.RadioSelect,
    )
    on = date_field(gettext_lazy("Từ ngày"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do thu hồi"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


class OnDemandForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Lý do xin ý kiến"), choices=(), widget=forms.RadioSelect)
    note = forms.CharField(label=gettext_lazy("Ghi chú (không bắt buộc)"), max_length=300, required=False)

    def __init__(self, *args: Any, profile: RegulationProfile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [(r["key"], r["label"]) for r in profile.on_demand_reasons]  # type: ignore[attr-defined]


class RatingForm(forms.Form):
    level = forms.ChoiceField(label=gettext_lazy("Mức xếp loại"), choices=RatingLevel.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=gettext_lazy("Ghi chú (không bắt buộc)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Cấp ủy đã xử lý thế nào"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Ghi rõ việc đã làm: kiểm điểm, nhắc nhở, kỷ luật…"),
    )


# --------------------------------------------------------------------------- members list

# state of the book: (query value, label, badge colour)
STATES = {
    "to_introduce": ("can-gioi-thieu", gettext_lazy("Cần giới thiệu"), "amber"),
    "waiting": ("cho-tiep-nhan", gettext_lazy("Chờ nơi cư trú tiếp nhận"), "amber"),
    "active": ("dang-sinh-hoat", gettext_lazy("Đang sinh hoạt nơi cư trú"), "green"),
    "e2": ("", gettext_lazy("Không giới thiệu (E2)"), "grey"),
    "closed": ("da-dong", gettext_lazy("Sổ đã đóng"), "grey"),
}
STATE_FILTERS = [
    ("", gettext_lazy("Tất cả")),
    ("can-gioi-thieu", gettext_lazy("Cần giới thiệu")),
    ("cho-tiep-nhan", gettext_lazy("Chờ nơi cư trú tiếp nhận")),
    ("dang-sinh-hoat", gettext_lazy("Đang sinh hoạt nơi cư trú")),
    ("mien", gettext_lazy("Thuộc diện miễn (E1, E2)")),
    ("da-dong", gettext_lazy("Sổ đã đóng")),
]
EXEMPTION_FILTERS = [
    ("", gettext_lazy("Tất cả")),
    ("khong", gettext_lazy("Không miễn")),
    ("e1", gettext_lazy("Diện E1 (mọi loại)")),
    *[(v, label.split(" — ")[0]) for v, label in Exemption.choices if v],
]


# the Vietnamese name order (members.models: `vietnamese_order`), as keys for `?sau=<sort key>,<id>`
MEMBER_ORDER = (Key("sort_key", DIGITS), Key("pk"))
BOOK_ORDER = (Key("member__sort_key", DIGITS), Key("pk"))


def with_book_state(members: QuerySet[Member]) -> QuerySet[Member]:
    """Annotate each member with the state of their latest book (one query for the whole list)."""
    latest = Book.objects.filter(member=OuterRef("pk")).order_by("-term__start_year", "-pk")
    letter = IntroductionLetter.objects.filter(
        book__member=OuterRef("pk"), book__status=BookStatus.OPEN, status__in=SENT
    ).order_by("-pk")
    return members.annotate(
        book_status=Subquery(latest.values("status")[:1]),
        letter_status=Subquery(letter.values("status")[:1]),
        letter_committee=Subquery(letter.values("residence_committee__name")[:1]),
    ).annotate(
        state=Case(
            When(Q(book_status__isnull=True) | Q(book_status=BookStatus.CLOSED), then=Value("closed")),
            When(letter_status=LetterStatus.RECEIVED, then=Value("active")),
            When(letter_status=LetterStatus.ISSUED, then=Value("waiting")),
            When(exemption=Exemption.E2, then=Value("e2")),
            default=Value("to_introduce"),
        )
    )


class MemberFilter(forms.Form):
    q = forms.CharField(label=gettext_lazy("Tìm theo tên, số thẻ đảng viên hoặc số CCCD"), required=False)
    tinh_trang = forms.ChoiceField(label=gettext_lazy("Tình trạng sổ"), choices=STATE_FILTERS, required=False)
    chi_bo = forms.TypedChoiceField(
        label=gettext_lazy("Chi bộ"), choices=(), coerce=int, required=False, empty_value=None
    )
    mien = forms.ChoiceField(label=gettext_lazy("Diện miễn"), choices=EXEMPTION_FILTERS, required=False)

    def __init__(self, *args: Any, cells: Sequence[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chi_bo"].choices = [("", _("Tất cả"))] + [(c.pk, c.name) for c in cells]  # type: ignore[attr-defined]
        if len(cells) < 2:
            del self.fields["chi_bo"]

    def apply(self, members: QuerySet[Member]) -> QuerySet[Member]:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("q"):
            members = members.search(data["q"])  # type: ignore[attr-defined]
        state = data.get("tinh_trang")
        by_value = {value: key for key, (value, _label, _colour) in STATES.items() if value}
        if state in by_value:
            members = members.filter(state=by_value[state])
        elif state == "mien":
            members = members.filter(book_status=BookStatus.OPEN).exclude(exemption="")
        if data.get("chi_bo"):
            members = members.filter(workplace_cell_id=data["chi_bo"])
        exemption = data.get("mien")
        if exemption == "khong":
            members = members.filter(exemption="")
        elif exemption == "e1":
            members = members.filter(exemption__in=Exemption.e1())
        elif exemption:
            members = members.filter(exemption=exemption)
        return members


def _workplace_cells(request: HttpRequest) -> list[Organisation]:
    """The workplace cells the hat reaches (for filters and the add form): one query."""
    cells = [
        org
        for org in access.organisations(scope_of(request))
        .active(today())
        .filter(kind__in=WORKPLACE_SIDE)
        .order_by("name", "pk")
    ]
    real_cells = [c for c in cells if c.kind == CELL]
    # a chi bộ cơ sở holds its members itself: it is its own (only) cell
    return real_cells or cells


@committee_or_cell
@require_GET
def members(request: HttpRequest) -> HttpResponse:
    cells = _workplace_cells(request)
    filters = MemberFilter(request.GET, cells=cells)
    rows = filters.apply(with_book_state(access.members(scope_of(request))))
    shown = with_book_state(Member.objects.all()).select_related("workplace_cell", "residence_commune")
    page = keyset_page(request, rows, MEMBER_ORDER, rows_from=shown)
    for member in page:
        _value, member.state_label, member.state_colour = STATES[member.state]  # type: ignore[attr-defined]
    return render(
        request,
        "web/workplace/members.html",
        {
            "page": page,
            "filters": filters,
            "query": _query_string(request),
            "is_committee": _is_committee(request),
            "show_cell": len(cells) > 1,
        },
    )


# --------------------------------------------------------------------------- add a member, communes


@committee_only
@require_GET
def communes(request: HttpRequest) -> HttpResponse:
    """The current communes whose name contains the typed text (diacritics optional): <option>s."""
    needle = fold(request.GET.get("q", ""))
    found: list[AdministrativeUnit] = []
    if needle:
        province = _committee(request).province_code or 0
        found = list(
            current_communes()
            .filter(search_name__contains=needle)
            .select_related("parent")
            .order_by(
                Case(When(province_code=province, then=Value(0)), default=Value(1), output_field=IntegerField()),
                "search_name",
                "code",
            )[:30]
        )
    return render(request, "web/workplace/partials/commune_options.html", {"communes": found, "typed": needle})


@committee_only
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest) -> HttpResponse:
    cells = Organisation.objects.filter(pk__in=[c.pk for c in _workplace_cells(request)]).order_by("name", "pk")
    form = RegisterForm(request.POST or None, cells=cells)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        cell = data.pop("workplace_cell")
        member = act(
            request,
            lambda: actions.register_member(by=request.user, workplace_cell=cell, **data),
            success=lambda m: (
                _("Đã thêm đảng viên %(full_name)s và mở sổ liên hệ nhiệm kỳ hiện tại.") % {"full_name": m.full_name}
            ),
            form=form,
        )
        if member is not None:
            return redirect("workplace:member", pk=member.pk)
    return render(request, "web/workplace/member_add.html", {"form": form})


# --------------------------------------------------------------------------- member page


@dataclass
class TimelineItem:
    """One line of a book's history: an event of the log, or a residence meeting attended or missed."""

    on: datetime.date
    order: tuple[int, int]
    title: str
    who: str = ""
    role: str = ""
    organisation: str = ""
    detail: str = ""
    link: str = ""
    colour: str = "blue"


def _role_label(role: str) -> str:
    if role in Role.values:
        return str(Role(role).label)
    return _("Quản trị hệ thống") if role == "superuser" else ""


def _event_link(event: Event, models_by_ct: dict[int, str], is_committee: bool) -> str:
    model = models_by_ct.get(event.content_type_id or 0, "")
    if model == "commentrequest":
        return reverse("workplace:comment", args=[event.object_id])
    if model == "violationnotice" and is_committee:
        return reverse("workplace:notice", args=[event.object_id])
    return ""


def timeline(events: Sequence[Event], attendance: Sequence[Any], is_committee: bool) -> list[TimelineItem]:
    """The book's events and the member's residence meetings, oldest first."""
    from django.contrib.contenttypes.models import ContentType

    models_by_ct = {
        ct.pk: ct.model for ct in ContentType.objects.get_for_models(CommentRequest, ViolationNotice).values()
    }
    items = []
    for event in events:
        colour = "red" if event.verb in {"letter_withdrawn", "employment_ended", "notice_raised"} else "blue"
        if event.verb in {"letter_received", "comment_returned", "comment_acknowledged", "rating_recorded"}:
            colour = "green"
        detail = event.object_repr
        if event.verb == "rating_recorded" and event.state_after in RatingLevel.values:
            detail = _("Năm %(year)s: %(label)s") % {
                "year": event.data.get("year", ""),
                "label": RatingLevel(event.state_after).label,
            }
            if event.data.get("without_comment"):
                detail += _(" (không có nhận xét của nơi cư trú)")
        elif event.data.get("reason") and event.verb in {"letter_withdrawn", "exemption_set", "comment_sent_back"}:
            detail = _("%(detail)s — lý do: %(reason)s") % {"detail": detail, "reason": event.data["reason"]}
        items.append(
            TimelineItem(
                on=timezone.localtime(event.at).date(),
                order=(1, event.pk),
                title=event.verb_label,
                who=event.actor_name,
                role=_role_label(event.actor_role),
                organisation=event.actor_org.name if event.actor_org else "",
                detail=detail,
                link=_event_link(event, models_by_ct, is_committee),
                colour=colour,
            )
        )
    for row in attendance:
        meeting = row.meeting
        items.append(
            TimelineItem(
                on=meeting.held_on,
                order=(0, row.pk),
                title=_("Sinh hoạt định kỳ nơi cư trú: ") + (_("có mặt") if row.present else _("vắng mặt")),
                organisation=meeting.cell.name,
                detail=(meeting.topic or "")
                + (
                    _(" — lý do vắng: %(absence_reason)s") % {"absence_reason": row.absence_reason}
                    if row.absence_reason
                    else ""
                ),
                colour="green" if row.present else "amber",
            )
        )
    items.sort(key=lambda item: (item.on, item.order))
    return items


@dataclass
class BookView:
    """A book with everything the member page shows of it."""

    book: Book
    letters: list[IntroductionLetter]
    comments: list[CommentRequest]
    notices: list[ViolationNotice]
    ratings: list[AnnualRating]
    items: list[TimelineItem] = field(default_factory=list)

    @property
    def letter_in_force(self) -> IntroductionLetter | None:
        return next((letter for letter in self.letters if letter.is_active), None)


def _book_view(request: HttpRequest, book: Book, member: Member) -> BookView:
    scope = scope_of(request)
    letters = list(
        access.letters(scope)
        .filter(book=book)
        .select_related("addressee", "residence_committee", "assigned_cell", "carried_over_from")
        .order_by("created_at", "pk")
    )
    comments = list(
        access.comments(scope)
        .filter(book=book)
        .select_related("residence_committee", "residence_cell", "book__profile")
        .order_by("-year", "-requested_on", "-pk")
    )
    notices = list(access.notices(scope).filter(book=book).select_related("residence_committee").order_by("-raised_on"))
    ratings = list(access.ratings(scope).filter(book=book).select_related("comment").order_by("-year"))
    events = list(access.events(scope).filter(book=book).select_related("actor_org").order_by("at", "pk"))
    term = book.term
    attendance = list(
        member.attendance.filter(meeting__year__gte=term.start_year, meeting__year__lte=term.end_year)
        .select_related("meeting__cell")
        .order_by("meeting__held_on")
    )
    view = BookView(book, letters, comments, notices, ratings)
    view.items = timeline(events, attendance, _is_committee(request))
    return view


def _visible_member(request: HttpRequest, pk: int) -> Member:
    return access.get_visible(
        access.members(scope_of(request)).select_related("workplace_cell__parent", "residence_commune__parent", "user"),
        pk,
    )


def _open_book(request: HttpRequest, member: Member) -> Book | None:
    """The member's open book; None (and a message) when it is closed: nothing more can be done."""
    book = (
        access.books(scope_of(request))
        .filter(member=member, status=BookStatus.OPEN)
        .select_related("term", "profile", "holder")
        .first()
    )
    if book is None:
        messages.error(
            request,
            _("Sổ liên hệ của %(full_name)s đã đóng: không còn thao tác được.") % {"full_name": member.full_name},
        )
    return book


@committee_or_cell
@require_GET
def member_page(request: HttpRequest, pk: int) -> HttpResponse:
    member = _visible_member(request, pk)
    books = list(
        access.books(scope_of(request))
        .filter(member=member)
        .select_related("term", "profile", "holder")
        .order_by("-term__start_year", "-pk")
    )
    if not books:
        raise Http404(_("Đảng viên không có sổ liên hệ."))
    current = _book_view(request, books[0], member)
    earlier = [_book_view(request, book, member) for book in books[1:]]
    privacy.record_view(request, member, what="page")
    return render(
        request,
        "web/workplace/member.html",
        {
            "member": member,
            "current": current,
            "earlier": earlier,
            "is_committee": _is_committee(request),
            "rating_year": queries.campaign_year(today()),
            "can_act": _is_committee(request) and current.book.is_open,
            "scans": scans_of_book(scope_of(request), current.book),
            "data_views": privacy_log.page_for(request, member) if _is_committee(request) else None,
        },
    )


# --------------------------------------------------------------------------- member forms


def _member_form_page(
    request: HttpRequest, template: str, member: Member, form: forms.Form, **extra: Any
) -> HttpResponse:
    return render(request, f"web/workplace/{template}", {"member": member, "form": form, **extra})


@committee_only
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _visible_member(request, pk)
    initial = {name: getattr(member, name) for name in actions.MEMBER_EDITABLE_FIELDS}
    form = ParticularsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if not form.has_changed():
            messages.info(request, _("Không có thông tin nào thay đổi."))
            return redirect("workplace:member", pk=member.pk)
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        done = act(
            request,
            lambda: actions.update_member(member, by=request.user, **changes),
            success=_("Đã lưu thông tin của đảng viên %(full_name)s.") % {"full_name": member.full_name},
            form=form,
        )
        if done is not None:
            return redirect("workplace:member", pk=member.pk)
    return _member_form_page(request, "member_edit.html", member, form)


@committee_only
@require_http_methods(["GET", "POST"])
def member_residence(request: HttpRequest, pk: int) -> HttpResponse:
    member = _visible_member(request, pk)
    book = _open_book(request, member)
    if book is None:
        return redirect("workplace:member", pk=member.pk)
    letter = book.letters.filter(status__in=LetterStatus.active()).select_related("residence_committee").first()
    form = ResidenceForm(request.POST or None, initial={"kind": member.residence_kind})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def said(new: IntroductionLetter | None) -> str:
            if new is None:
                return _("Đã ghi nơi cư trú mới của %(full_name)s.") % {"full_name": member.full_name}
            return _(
                "Đã ghi nơi cư trú mới của %(full_name)s và gửi giấy giới thiệu số %(display_number)s tới %(name)s."
            ) % {
                "full_name": member.full_name,
                "display_number": new.display_number,
                "name": new.residence_committee.name,
            }

        # wrapped in a tuple: the action returns None for a member without a letter (not a refusal)
        done = act(
            request,
            lambda: (
                actions.change_residence(
                    member, commune=data["commune"], line=data["line"], kind=data["kind"], by=request.user
                ),
            ),
            success=lambda result: said(result[0]),
            form=form,
        )
        if done is not None:
            return redirect("workplace:member", pk=member.pk)
    return _member_form_page(request, "member_residence.html", member, form, letter=letter)


def province_workplace_cells(committee: Organisation) -> QuerySet[Organisation]:
    """Where a member can move: every active workplace cell in the province, and every chi bộ cơ
    sở (a committee without cells holds its members itself)."""
    has_cells = Organisation.objects.filter(parent=OuterRef("pk"), kind=CELL)
    return (
        Organisation.objects.active(today())
        .filter(kind__in=WORKPLACE_SIDE, province_code=committee.province_code)
        .filter(Q(kind=CELL) | ~Exists(has_cells))
        .select_related("parent")
        .order_by("parent__name", "name", "pk")
    )


@committee_only
@require_http_methods(["GET", "POST"])
def member_workplace(request: HttpRequest, pk: int) -> HttpResponse:
    member = _visible_member(request, pk)
    if _open_book(request, member) is None:
        return redirect("workplace:member", pk=member.pk)
    cells = province_workplace_cells(_committee(request)).exclude(pk=member.workplace_cell_id)
    form = WorkplaceForm(request.POST or None, cells=cells)
    if request.method == "POST" and form.is_valid():
        cell = form.cleaned_data["cell"]
        book = act(
            request,
            lambda: actions.change_workplace(member, cell=cell, by=request.user),
            success=lambda b: (
                _("Đã chuyển %(full_name)s sang %(workplace_label)s; sổ liên hệ do %(name)s giữ.")
                % {"full_name": member.full_name, "workplace_label": cell.workplace_label, "name": b.holder.name}
            ),
            form=form,
        )
        if book is not None:
            if book.holder_id == _committee(request).pk:
                return redirect("workplace:member", pk=member.pk)
            return redirect("workplace:members")
    return _member_form_page(request, "member_workplace.html", member, form)


@committee_only
@require_http_methods(["GET", "POST"])
def member_exemption(request: HttpRequest, pk: int) -> HttpResponse:
    member = _visible_member(request, pk)
    if _open_book(request, member) is None:
        return redirect("workplace:member", pk=member.pk)
    form = ExemptionForm(
        request.POST or None,
        initial={
            "exemption": member.exemption,
            "reason": member.exemption_reason,
            "since": member.exemption_from,
            "until": member.exemption_until,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = data["exemption"]
        done = act(
            request,
            lambda: actions.set_exemption(
                member,
                exemption=chosen,
                reason=data["reason"],
                since=data["since"],
                until=data["until"],
                by=request.user,
            ),
            success=(
                _("Đã đặt diện %(chosen)s cho %(full_name)s.") % {"chosen": chosen, "full_name": member.full_name}
                + (_(" Đảng viên đã được rút khỏi nơi cư trú.") if chosen == Exemption.E2 else "")
                if chosen
                else _("Đã bỏ diện miễn của %(full_name)s.") % {"full_name": member.full_name}
            ),
            form=form,
        )
        if done is not None:
            return redirect("workplace:member", pk=member.pk)
    return _member_form_page(request, "member_exemption.html", member, form)


@committee_only
@require_http_methods(["GET", "POST"])
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    member = _visible_member(request, pk)
    if _open_book(request, member) is None:
        return redirect("workplace:member", pk=member.pk)
    form = EndEmploymentForm(request.POST or None, initial={"on": today()})
    if request.method == "POST" and form.is_valid():
        reason, on = form.cleaned_data["reason"], form.cleaned_data["on"]
        label = EmploymentStatus(reason).label.lower()
        done = act(
            request,
            lambda: actions.end_employment(member, reason=reason, on=on, by=request.user),
            success=_("Đã ghi %(full_name)s %(label)s từ ngày %(on)s; sổ liên hệ đã đóng.")
            % {"full_name": member.full_name, "label": label, "on": format(on, "%d/%m/%Y")},
            form=form,
        )
        if done is not None:
            return redirect("workplace:member", pk=member.pk)
    return _member_form_page(request, "member_end.html", member, form)


@committee_only
@require_http_methods(["GET", "POST"])
def letter_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    letter = access.get_visible(
        access.letters(scope_of(request)).select_related("book__member", "residence_committee", "assigned_cell"), pk
    )
    member = letter.book.member
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: actions.withdraw_letter(letter, reason=form.cleaned_data["reason"], by=request.user),
            success=_("Đã thu hồi giấy giới thiệu số %(display_number)s của %(full_name)s.")
            % {"display_number": letter.display_number, "full_name": member.full_name},
            form=form,
        )
        if done is not None:
            return redirect("workplace:member", pk=member.pk)
    return _member_form_page(request, "letter_withdraw.html", member, form, letter=letter)


@committee_only
@require_http_methods(["GET", "POST"])
def member_on_demand(request: HttpRequest, pk: int) -> HttpResponse:
    member = _visible_member(request, pk)
    book = _open_book(request, member)
    if book is None:
        return redirect("workplace:member", pk=member.pk)
    form = OnDemandForm(request.POST or None, profile=book.profile)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        done = act(
            request,
            lambda: actions.request_comment_on_demand(
                book, reason=reason, note=form.cleaned_data["note"], by=request.user
            ),
            success=lambda r: (
                _("Đã gửi phiếu xin ý kiến nhận xét (%(reason_label)s) về %(name)s; hạn nhận xét %(due_on)s.")
                % {
                    "reason_label": book.profile.reason_label(reason).lower(),
                    "name": r.residence_committee.name,
                    "due_on": format(r.due_on, "%d/%m/%Y"),
                }
            ),
            form=form,
        )
        if done is not None:
            return redirect("workplace:member", pk=member.pk)
    return _member_form_page(request, "member_on_demand.html", member, form, book=book)


# --------------------------------------------------------------------------- start-of-year review


def review_candidates(scope: access.Scope) -> QuerySet[Book]:
    """Open books of employed, non-E2 members with no letter sent (a draft does not count)."""
    sent = IntroductionLetter.objects.filter(book=OuterRef("pk"), status__in=SENT)
    draft = IntroductionLetter.objects.filter(book=OuterRef("pk"), status=LetterStatus.DRAFT)
    return (
        access.books(scope)
        .filter(status=BookStatus.OPEN, member__employment=EmploymentStatus.EMPLOYED)
        .exclude(member__exemption=Exemption.E2)
        .exclude(Exists(sent))
        .annotate(has_draft=Exists(draft))
    )


class ReviewFilter(forms.Form):
    q = forms.CharField(label=gettext_lazy("Tìm theo tên, số thẻ hoặc số CCCD"), required=False)
    chi_bo = forms.TypedChoiceField(
        label=gettext_lazy("Chi bộ"), choices=(), coerce=int, required=False, empty_value=None
    )
    xa = forms.TypedChoiceField(
        label=gettext_lazy("Xã/phường nơi cư trú"), choices=(), coerce=int, required=False, empty_value=None
    )

    def __init__(
        self, *args: Any, cells: Sequence[Organisation], communes: Sequence[AdministrativeUnit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chi_bo"].choices = [("", _("Tất cả"))] + [(c.pk, c.name) for c in cells]  # type: ignore[attr-defined]
        self.fields["xa"].choices = [("", _("Tất cả"))] + [(u.code, u.name) for u in communes]  # type: ignore[attr-defined]
        if len(cells) < 2:
            del self.fields["chi_bo"]

    def apply(self, books: QuerySet[Book]) -> QuerySet[Book]:
        data = self.cleaned_data if self.is_valid() else {}
        books = _search_books(books, data.get("q", ""), "member__")
        if data.get("chi_bo"):
            books = books.filter(member__workplace_cell_id=data["chi_bo"])
        if data.get("xa"):
            books = books.filter(
                member__residence_commune__code=data["xa"],
                member__residence_commune__edition=UnitEdition.Y2025,
            )
        return books


def _residence_committees_for(units: Iterable[int]) -> dict[int, Organisation]:
    """Commune id → the residence committee a letter would go to (one query)."""
    found: dict[int, Organisation] = {}
    for org in (
        Organisation.objects.active(today())
        .filter(kind=OrgKind.RESIDENCE_COMMITTEE, commune_id__in=set(units))
        .order_by("-pk")
    ):
        found[org.commune_id] = org  # type: ignore[index]  # the first by pk wins, as residence_committee_for
    return found


def _review_filter(request: HttpRequest, data: Any, candidates: QuerySet[Book]) -> ReviewFilter:
    communes = AdministrativeUnit.objects.filter(pk__in=candidates.values("member__residence_commune")).order_by(
        "search_name", "code"
    )
    return ReviewFilter(data, cells=_workplace_cells(request), communes=list(communes))


@committee_only
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    candidates = review_candidates(scope_of(request))
    filters = _review_filter(request, request.GET, candidates)
    rows = filters.apply(candidates).select_related("member__workplace_cell", "member__residence_commune")
    page = keyset_page(request, rows, BOOK_ORDER)
    addressees = _residence_committees_for(book.member.residence_commune_id for book in page)
    for book in page:
        book.addressee = addressees.get(book.member.residence_commune_id)  # type: ignore[attr-defined]
    return render(
        request,
        "web/workplace/review.html",
        {"page": page, "filters": filters, "query": _query_string(request), "year": today().year},
    )


@committee_only
@require_POST
def review_issue(request: HttpRequest) -> HttpResponse:
    """Step 1 (no `xac_nhan`): what will be signed, to whom. Step 2: sign and send, all or none."""
    candidates = review_candidates(scope_of(request))
    everyone = request.POST.get("pham_vi") == "tat_ca"
    if everyone:
        filters = _review_filter(request, request.POST, candidates)
        chosen = filters.apply(candidates)
    else:
        chosen = candidates.filter(pk__in=_ids(request.POST.getlist("chon")))
    books = list(
        chosen.select_related("member__workplace_cell", "member__residence_commune").order_by(
            "member__sort_key", "member__pk"
        )
    )
    if not books:
        messages.error(request, _("Chưa chọn đảng viên nào: hãy đánh dấu những người cần ký giấy giới thiệu."))
        return redirect(reverse("workplace:review") + "?" + _filters_of(request.POST))
    if request.POST.get("xac_nhan") == "1":
        members = [book.member for book in books]

        def said(letters: list[IntroductionLetter]) -> str:
            numbers = _("Số %(display_number)s") % {"display_number": letters[0].display_number}
            if len(letters) > 1:
                numbers += _(" … Số %(display_number)s") % {"display_number": letters[-1].display_number}
            return _("Đã ký và gửi %(count)s giấy giới thiệu (%(numbers)s).") % {
                "count": len(letters),
                "numbers": numbers,
            }

        letters = act(request, lambda: actions.issue_letters(members, by=request.user), success=said)
        if letters is not None:
            return redirect("workplace:review")
    addressees = _residence_committees_for(book.member.residence_commune_id for book in books)
    groups = Counter(
        addressees[book.member.residence_commune_id].name if book.member.residence_commune_id in addressees else ""
        for book in books
    )
    missing = [book.member for book in books if book.member.residence_commune_id not in addressees]
    return render(
        request,
        "web/workplace/review_confirm.html",
        {
            "books": books,
            "groups": sorted(((name, n) for name, n in groups.items() if name), key=lambda g: (-g[1], g[0])),
            "missing": missing,
            "everyone": everyone,
            "post": request.POST,
            "filters": _filters_of(request.POST),
        },
    )


def _filters_of(data: Any) -> str:
    from django.http import QueryDict

    kept = QueryDict(mutable=True)
    for key in ("q", "chi_bo", "xa"):
        if data.get(key):
            kept[key] = data[key]
    return kept.urlencode()


# --------------------------------------------------------------------------- October campaign


@dataclass
class CampaignPreview:
    """What open_campaign would do today for one committee and year (read-only)."""

    year: int
    starts_on: datetime.date
    by_committee: list[tuple[Organisation, int]] = field(default_factory=list)
    already: list[Member] = field(default_factory=list)
    skipped_e1: list[Member] = field(default_factory=list)
    skipped_e2: list[Member] = field(default_factory=list)
    no_letter: list[Member] = field(default_factory=list)

    @property
    def to_send(self) -> int:
        return sum(n for _org, n in self.by_committee)

    @property
    def skipped_exempt(self) -> int:
        return len(self.skipped_e1) + len(self.skipped_e2)


def campaign_preview(committee: Organisation, year: int) -> CampaignPreview:
    """The October campaign before it runs: how many requests go to which residence committee and
    who is skipped (E1, E2, no letter, already asked), by the same selection as
    actions.open_campaign. Three queries (four when the committee has no books)."""
    books = list(actions.campaign_candidates(committee, year).order_by("member__sort_key", "member__pk"))
    profiles = {book.profile_id: book.profile for book in books} or {0: actions.default_profile()}
    starts = max(profile.deadline("comment_requests_from", year) for profile in profiles.values())
    preview = CampaignPreview(year, starts)
    if not books:
        return preview
    existing = set(
        CommentRequest.objects.filter(book__in=books, year=year, kind=CommentKind.PERIODIC)
        .exclude(status=CommentStatus.CANCELLED)
        .values_list("book_id", flat=True)
    )
    letters = {
        letter.book_id: letter
        for letter in IntroductionLetter.objects.filter(book__in=books, status__in=SENT).select_related(
            "residence_committee"
        )
    }
    counts: Counter[int] = Counter()
    committees: dict[int, Organisation] = {}
    for book in books:
        member = book.member
        if book.pk in existing:
            preview.already.append(member)
        elif not book.profile.gets_periodic_comment(member.exemption):
            (preview.skipped_e2 if member.is_e2 else preview.skipped_e1).append(member)
        elif book.pk not in letters:
            preview.no_letter.append(member)
        else:
            target = letters[book.pk].residence_committee
            committees[target.pk] = target
            counts[target.pk] += 1
    preview.by_committee = sorted(
        ((committees[pk], n) for pk, n in counts.items()), key=lambda row: (-row[1], row[0].name)
    )
    return preview


@committee_only
@require_http_methods(["GET", "POST"])
def campaign(request: HttpRequest) -> HttpResponse:
    committee = _committee(request)
    year = today().year
    if request.method == "POST":

        def said(result: actions.CampaignResult) -> str:
            if not result.created:
                return _(
                    "Không có phiếu mới nào cần gửi cho năm %(year)s: mọi đảng viên đã được xin ý "
                    "kiến hoặc không thuộc diện."
                ) % {"year": year}
            return _(
                "Đã gửi %(count)s phiếu xin ý kiến nhận xét năm %(year)s tới %(committees)s đảng ủy nơi cư trú."
            ) % {"count": len(result.created), "year": year, "committees": len(result.by_residence_committee)}

        done = act(request, lambda: actions.open_campaign(committee, year=year, by=request.user), success=said)
        if done is not None:
            return redirect("workplace:campaign")
    preview = campaign_preview(committee, year)
    return render(
        request,
        "web/workplace/campaign.html",
        {"preview": preview, "too_early": today() < preview.starts_on, "today": today()},
    )


# --------------------------------------------------------------------------- comments back, overdue


def _search_books(rows: QuerySet[Any], q: str, prefix: str) -> QuerySet[Any]:
    """Rows whose member (through `prefix`) matches the typed text, diacritics optional."""
    needle = fold(q)
    return rows.filter(**{f"{prefix}search_text__contains": needle}) if needle else rows


def _comment_rows(requests: QuerySet[CommentRequest]) -> QuerySet[CommentRequest]:
    return requests.select_related(
        "book__member__workplace_cell", "book__profile", "residence_committee", "residence_cell"
    )


RETURNED_ORDER = (
    Key("returned_on", DATE, default=datetime.date.min),
    Key("book__member__sort_key", DIGITS),
    Key("pk"),
)


@committee_only
@require_GET
def returned(request: HttpRequest) -> HttpResponse:
    done = request.GET.get("da_nhan") == "1"
    year = queries.campaign_year(today())
    requests = access.comments(scope_of(request))
    if done:
        requests = requests.filter(status=CommentStatus.ACKNOWLEDGED, year=year)
    else:
        requests = requests.filter(status=CommentStatus.RETURNED)
    q = request.GET.get("q", "")
    requests = _search_books(requests, q, "book__member__")
    page = keyset_page(request, requests, RETURNED_ORDER, rows_from=_comment_rows(CommentRequest.objects.all()))
    return render(
        request,
        "web/workplace/returned.html",
        {"page": page, "done": done, "year": year, "q": q, "query": _query_string(request)},
    )


@transaction.atomic
def _acknowledge_all(requests: Sequence[CommentRequest], by: Any) -> list[CommentRequest]:
    return [actions.acknowledge_comment(request, by=by) for request in requests]


@committee_only
@require_POST
def acknowledge(request: HttpRequest) -> HttpResponse:
    """ "Đã nhận" for one comment (`mot`) or for the ticked ones (`chon`), all or none."""
    one = to_id(request.POST.get("mot"))
    wanted = [one] if one is not None else _ids(request.POST.getlist("chon"))
    found = list(
        _comment_rows(access.comments(scope_of(request)).filter(pk__in=wanted)).order_by("book__member__sort_key", "pk")
    )
    if not wanted:
        messages.error(request, _("Chưa chọn phiếu nào: hãy đánh dấu những phiếu đã nhận."))
    elif len(found) != len(set(wanted)):
        raise Http404(_("Không tìm thấy phiếu nhận xét."))
    else:
        act(
            request,
            lambda: _acknowledge_all(found, request.user),
            success=lambda rs: (
                _("Đã nhận nhận xét của %(full_name)s.") % {"full_name": rs[0].book.member.full_name}
                if len(rs) == 1
                else _("Đã nhận %(count)s phiếu nhận xét.") % {"count": len(rs)}
            ),
        )
    if request.htmx and one is not None:
        # the row swaps in place and says itself what happened (the message is used up here)
        notes = [(m.tags, str(m)) for m in messages.get_messages(request)]
        rows = _comment_rows(access.comments(scope_of(request)).filter(pk=one))
        return render(request, "web/workplace/partials/returned_row.html", {"c": rows.first(), "notes": notes})
    nxt = request.POST.get("tiep", "")
    if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return redirect(nxt)
    return redirect("workplace:returned")


@committee_or_cell
@require_GET
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    """A comment 3-213 in full, once it has come back to the workplace."""
    req = access.get_visible(
        _comment_rows(access.comments(scope_of(request))).select_related("letter", "requested_by", "acknowledged_by"),
        pk,
    )
    profile = req.book.profile
    criteria = [(c["label"], (req.criteria or {}).get(c["key"], "")) for c in profile.criteria]
    return render(
        request,
        "web/workplace/comment.html",
        {
            "c": req,
            "criteria": criteria,
            "readable": req.status in BACK,
            "reason": profile.reason_label(req.reason) if req.reason else "",
            "is_committee": _is_committee(request),
        },
    )


# by residence committee (the groups of the page), then the member's name
OVERDUE_ORDER = (
    Key("residence_committee__name", TEXT),
    Key("residence_committee_id"),
    Key("book__member__sort_key", DIGITS),
    Key("pk"),
)


@committee_only
@require_GET
def overdue(request: HttpRequest) -> HttpResponse:
    """The year's requests still at the residence side: past due (default) or all, by committee."""
    year = queries.campaign_year(today())
    everything = request.GET.get("tat_ca") == "1"
    requests = access.comments(scope_of(request)).filter(year=year)
    requests = requests.filter(status__in=CommentStatus.open()) if everything else requests.overdue(today())
    groups = list(
        requests.values("residence_committee", "residence_committee__name")
        .annotate(n=Count("pk"))
        .order_by("residence_committee__name", "residence_committee")
    )
    page = keyset_page(request, requests, OVERDUE_ORDER, rows_from=_comment_rows(CommentRequest.objects.all()))
    return render(
        request,
        "web/workplace/overdue.html",
        {
            "page": page,
            "groups": groups,
            "year": year,
            "everything": everything,
            "today": today(),
            "query": _query_string(request),
        },
    )


# --------------------------------------------------------------------------- December rating


def _rating_year(request: HttpRequest) -> int:
    term = Term.current()
    default = queries.campaign_year(today())
    year = to_id(request.POST.get("nam") or request.GET.get("nam")) or default
    if term is not None and not term.contains_year(year):
        return min(max(default, term.start_year), term.end_year)
    return year


def rating_books(scope: access.Scope, year: int) -> QuerySet[Book]:
    """Open books of the year's term, each with its rating of the year and whether a comment came back."""
    rating = AnnualRating.objects.filter(book=OuterRef("pk"), year=year)
    back = CommentRequest.objects.filter(book=OuterRef("pk"), year=year, status__in=BACK)
    return (
        access.books(scope)
        .filter(status=BookStatus.OPEN, term__start_year__lte=year, term__end_year__gte=year)
        .annotate(
            rating_level=Subquery(rating.values("level")[:1]),
            rating_without=Subquery(rating.values("without_comment")[:1]),
            comment_back=Exists(back),
        )
    )


@committee_or_cell
@require_GET
def ratings(request: HttpRequest) -> HttpResponse:
    year = _rating_year(request)
    books = rating_books(scope_of(request), year)
    counts = books.aggregate(total=Count("pk"), rated=Count("pk", filter=Q(rating_level__isnull=False)))
    state = request.GET.get("xep_loai", "")
    if state == "chua":
        books = books.filter(rating_level__isnull=True)
    elif state == "roi":
        books = books.filter(rating_level__isnull=False)
    cells = _workplace_cells(request)
    cell = to_id(request.GET.get("chi_bo"))
    if cell is not None and len(cells) > 1:
        books = books.filter(member__workplace_cell_id=cell)
    q = request.GET.get("q", "")
    books = _search_books(books, q, "member__")
    page = keyset_page(request, books.select_related("member__workplace_cell"), BOOK_ORDER)
    levels = dict(RatingLevel.choices)
    for book in page:
        book.rating_label = levels.get(book.rating_level or "", "")  # type: ignore[attr-defined]
    term = Term.current()
    return render(
        request,
        "web/workplace/ratings.html",
        {
            "page": page,
            "year": year,
            "years": [y for y in (term.years if term else [year]) if y <= today().year],
            "counts": counts,
            "state": state,
            "cells": cells if len(cells) > 1 else [],
            "cell": cell,
            "q": q,
            "query": _query_string(request),
        },
    )


@committee_or_cell
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """The December rating of one member, the year's residence comment beside it."""
    scope = scope_of(request)
    book = access.get_visible(
        access.books(scope).select_related("member__workplace_cell", "term", "profile", "holder"), pk
    )
    year = _rating_year(request)
    existing = access.ratings(scope).filter(book=book, year=year).select_related("rated_by", "comment").first()
    comment_back = actions.comment_for_rating(book, year)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        level = form.cleaned_data["level"]
        rating = act(
            request,
            lambda: actions.record_rating(
                book, year=year, level=level, note=form.cleaned_data["note"], by=request.user
            ),
            success=lambda r: (
                _("Đã xếp loại %(full_name)s năm %(year)s: %(label)s")
                % {"full_name": book.member.full_name, "year": year, "label": RatingLevel(level).label}
                + (_(" (không có nhận xét của nơi cư trú).") if r.without_comment else ".")
            ),
            form=form,
        )
        if rating is not None:
            return redirect(reverse("workplace:ratings") + f"?nam={year}")
    criteria = []
    if comment_back is not None:
        criteria = [(c["label"], (comment_back.criteria or {}).get(c["key"], "")) for c in book.profile.criteria]
    return render(
        request,
        "web/workplace/rate.html",
        {
            "book": book,
            "member": book.member,
            "year": year,
            "form": form,
            "existing": existing,
            "c": comment_back,
            "criteria": criteria,
            # before the profile's rating window (213/2020: 1 December) the form is not offered; a
            # refused POST still shows it, with what was typed
            "opens_on": (
                starts
                if not form.is_bound and (starts := book.profile.deadline("rating_start", year)) > today()
                else None
            ),
        },
    )


# --------------------------------------------------------------------------- violation notices


@committee_only
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    answered = request.GET.get("da_tra_loi") == "1"
    rows = access.notices(scope_of(request)).filter(status=NoticeStatus.ANSWERED if answered else NoticeStatus.RAISED)
    rows = rows.select_related("book__member__workplace_cell", "residence_committee").order_by(
        "-answered_on" if answered else "answer_due_on", "book__member__sort_key", "pk"
    )
    page = paginate(request, rows)
    return render(
        request,
        "web/workplace/notices.html",
        {"page": page, "answered": answered, "today": today(), "query": _query_string(request)},
    )


@committee_only
@require_http_methods(["GET", "POST"])
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.get_visible(
        access.notices(scope_of(request)).select_related(
            "book__member__workplace_cell", "residence_committee", "raised_by", "answered_by"
        ),
        pk,
    )
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: actions.answer_notice(item, answer=form.cleaned_data["answer"], by=request.user),
            success=_("Đã gửi trả lời phiếu báo về %(name)s.") % {"name": item.residence_committee.name},
            form=form,
        )
        if done is not None:
            return redirect("workplace:notices")
    return render(request, "web/workplace/notice.html", {"n": item, "form": form, "today": today()})


# --------------------------------------------------------------------------- urls

# (label, url name) pairs shown in the header when this role's hat is worn
NAV: list[tuple[str, str]] = [
    (gettext_lazy("Đảng viên"), "workplace:members"),
    (gettext_lazy("Giới thiệu đầu năm"), "workplace:review"),
    (gettext_lazy("Đợt nhận xét"), "workplace:campaign"),
    (gettext_lazy("Nhận xét gửi về"), "workplace:returned"),
    (gettext_lazy("Xếp loại"), "workplace:ratings"),
    (gettext_lazy("Phiếu báo"), "workplace:notices"),
]
# the workplace cell secretary: the cell's members and their December rating
CELL_NAV: list[tuple[str, str]] = [
    (gettext_lazy("Đảng viên của chi bộ"), "workplace:members"),
    (gettext_lazy("Xếp loại cuối năm"), "workplace:ratings"),
]

urlpatterns = [
    path("dang-vien/", members, name="members"),
    path("dang-vien/them/", member_add, name="member_add"),
    path("xa-phuong/", communes, name="communes"),
    path("dang-vien/<int:pk>/", member_page, name="member"),
    path("dang-vien/<int:pk>/sua/", member_edit, name="member_edit"),
    path("dang-vien/<int:pk>/noi-cu-tru/", member_residence, name="member_residence"),
    path("dang-vien/<int:pk>/noi-cong-tac/", member_workplace, name="member_workplace"),
    path("dang-vien/<int:pk>/mien/", member_exemption, name="member_exemption"),
    path("dang-vien/<int:pk>/nghi/", member_end, name="member_end"),
    path("dang-vien/<int:pk>/xin-y-kien/", member_on_demand, name="member_on_demand"),
    path("giay-gioi-thieu/<int:pk>/thu-hoi/", letter_withdraw, name="letter_withdraw"),
    path("gioi-thieu-dau-nam/", review, name="review"),
    path("gioi-thieu-dau-nam/ky/", review_issue, name="review_issue"),
    path("dot-nhan-xet/", campaign, name="campaign"),
    path("nhan-xet/", returned, name="returned"),
    path("nhan-xet/da-nhan/", acknowledge, name="acknowledge"),
    path("nhan-xet/chua-gui-ve/", overdue, name="overdue"),
    path("nhan-xet/<int:pk>/", comment, name="comment"),
    path("xep-loai/", ratings, name="ratings"),
    path("xep-loai/<int:pk>/", rate, name="rate"),
    path("phieu-bao/", notices, name="notices"),
    path("phieu-bao/<int:pk>/", notice, name="notice"),
]
