"""Screens of the province board: completion by commune and by workplace committee, the late ones
behind each figure, and the same figures as small charts drawn on the server (inline SVG).

Everything is read through `books.access` for the officer's province. Each page runs a fixed
number of grouped queries (Count(filter=...) per organisation) whatever the number of rows; the
rows are merged, sorted and paged in Python (a province has a few hundred committees at most).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, F, Q, QuerySet, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from books import access, clock
from books.models import AnnualRating, CommentRequest, CommentStatus, IntroductionLetter, LetterStatus
from books.queries import campaign_year
from orgs.models import Organisation, OrgKind
from orgs.text import fold, name_sort_key
from tallies import read as tallies

from .common import hat_required, paginate, scope_of
from .keyset import DATE, DIGITS, Key, keyset_page

app_name = "board"
# (label, url name) pairs shown in the header when this role's hat is worn
NAV: list[tuple[str, str]] = [
    (gettext_lazy("Theo xã/phường"), "board:communes"),
    (gettext_lazy("Theo nơi công tác"), "board:workplaces"),
]

AT_CELL = [CommentStatus.REQUESTED, CommentStatus.DRAFTED]
AT_COMMITTEE = [CommentStatus.SIGNED, CommentStatus.CERTIFIED]
BACK = [CommentStatus.RETURNED, CommentStatus.ACKNOWLEDGED]
CHART_BARS = 15


def overdue_q(today: datetime.date) -> Q:
    """The same rule as CommentRequest.is_overdue, as a filter for an aggregate."""
    return Q(status__in=AT_CELL, due_on__lt=today) | Q(status__in=AT_COMMITTEE, return_due_on__lt=today)


# --------------------------------------------------------------------------- figures


@dataclass
class Row:
    """One committee's figures for the campaign year (or the total of a table when org is None)."""

    org: Organisation | None
    letters_received: int = 0
    letters_waiting: int = 0
    requested: int = 0
    at_cell: int = 0
    signed: int = 0
    certified: int = 0
    returned_only: int = 0
    acknowledged: int = 0
    overdue: int = 0
    rated: int = 0
    rated_without: int = 0
    refreshed_at: datetime.datetime | None = None  # when the figures were counted (tallies)

    @property
    def returned(self) -> int:
        """Back at the workplace: returned, acknowledged or not yet."""
        return self.returned_only + self.acknowledged

    @property
    def letters_issued(self) -> int:
        """Letters in force that have been signed and sent: waiting for receipt or received."""
        return self.letters_waiting + self.letters_received

    @property
    def percent(self) -> int | None:
        """Comments back at the workplace, in per cent of those requested (None: nothing requested)."""
        if not self.requested:
            return None
        return round(100 * self.returned / self.requested)

    @property
    def chart_label(self) -> str:
        if self.org is None:
            return _("Tổng cộng")
        if self.org.kind == OrgKind.RESIDENCE_COMMITTEE and self.org.commune is not None:
            return self.org.commune.name
        return self.org.name.removeprefix("Đảng ủy ")

    def add(self, other: Row) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


COUNTS = (
    "letters_received",
    "letters_waiting",
    "requested",
    "at_cell",
    "signed",
    "certified",
    "returned_only",
    "acknowledged",
    "overdue",
    "rated",
    "rated_without",
)


def _grouped(queryset: QuerySet[Any], group: str, **counts: Any) -> dict[int, dict[str, int]]:
    """{organisation id: {name: count}} in one GROUP BY query."""
    return {row.pop(group): row for row in queryset.order_by().values(group).annotate(**counts)}


def _comment_counts(queryset: QuerySet[Any], group: str, today: datetime.date) -> dict[int, dict[str, int]]:
    return _grouped(
        queryset.exclude(status=CommentStatus.CANCELLED),
        group,
        requested=Count("pk"),
        at_cell=Count("pk", filter=Q(status__in=AT_CELL)),
        signed=Count("pk", filter=Q(status=CommentStatus.SIGNED)),
        certified=Count("pk", filter=Q(status=CommentStatus.CERTIFIED)),
        returned_only=Count("pk", filter=Q(status=CommentStatus.RETURNED)),
        acknowledged=Count("pk", filter=Q(status=CommentStatus.ACKNOWLEDGED)),
        overdue=Count("pk", filter=overdue_q(today)),
    )


def _letter_counts(queryset: QuerySet[Any], group: str) -> dict[int, dict[str, int]]:
    return _grouped(
        queryset.filter(status__in=[LetterStatus.ISSUED, LetterStatus.RECEIVED]),
        group,
        letters_received=Count("pk", filter=Q(status=LetterStatus.RECEIVED)),
        letters_waiting=Count("pk", filter=Q(status=LetterStatus.ISSUED)),
    )


def _merge(orgs: Iterable[Organisation], *figures: dict[int, dict[str, int]]) -> list[Row]:
    rows = []
    for org in orgs:
        row = Row(org)
        for by_org in figures:
            for name, value in by_org.get(org.pk, {}).items():
                setattr(row, name, value or 0)
        rows.append(row)
    return rows


def residence_committees(scope: access.Scope, today: datetime.date, search: str = "") -> QuerySet[Organisation]:
    orgs = access.organisations(scope).filter(kind=OrgKind.RESIDENCE_COMMITTEE).active(today)
    if fold(search):
        orgs = orgs.filter(search_name__contains=fold(search))
    return orgs.select_related("commune")


def workplace_committees(scope: access.Scope, today: datetime.date, search: str = "") -> QuerySet[Organisation]:
    orgs = access.organisations(scope).filter(kind=OrgKind.WORKPLACE_COMMITTEE).active(today)
    if fold(search):
        orgs = orgs.filter(search_name__contains=fold(search))
    return orgs


def _tally_rows(scope: access.Scope, today: datetime.date, orgs: QuerySet[Organisation]) -> list[Row]:
    committees = list(orgs)
    counted = tallies.figures(committees, campaign_year(today), today, scope.provinces)
    rows = _merge(committees, {pk: figures.counts for pk, figures in counted.items()})
    for row in rows:
        row.refreshed_at = counted[row.org.pk].refreshed_at if row.org else None
    return rows


def commune_rows(scope: access.Scope, today: datetime.date, orgs: QuerySet[Organisation]) -> list[Row]:
    """The figures of each residence committee, read from the maintained counts (tallies). Two queries
    whatever the size of the province; the same numbers as `live_commune_rows`."""
    return _tally_rows(scope, today, orgs)


def workplace_rows(scope: access.Scope, today: datetime.date, orgs: QuerySet[Organisation]) -> list[Row]:
    """The figures of each workplace committee, from the tallies (as `live_workplace_rows`). Two queries."""
    return _tally_rows(scope, today, orgs)


def live_commune_rows(scope: access.Scope, today: datetime.date, orgs: QuerySet[Organisation]) -> list[Row]:
    """Letters received / waiting and the year's comments of each residence committee. Three queries."""
    year = campaign_year(today)
    ids = orgs.values("pk")
    letters = _letter_counts(access.letters(scope).filter(residence_committee__in=ids), "residence_committee")
    comments = _comment_counts(
        access.comments(scope).filter(residence_committee__in=ids, year=year), "residence_committee", today
    )
    return _merge(list(orgs), letters, comments)


def live_workplace_rows(scope: access.Scope, today: datetime.date, orgs: QuerySet[Organisation]) -> list[Row]:
    """Letters, the year's comments and ratings of each workplace committee. Four queries."""
    year = campaign_year(today)
    ids = orgs.values("pk")
    letters = _letter_counts(access.letters(scope).filter(book__holder__in=ids), "book__holder")
    comments = _comment_counts(
        access.comments(scope).filter(requesting_committee__in=ids, year=year), "requesting_committee", today
    )
    ratings = _grouped(
        access.ratings(scope).filter(book__holder__in=ids, year=year),
        "book__holder",
        rated=Count("pk"),
        rated_without=Count("pk", filter=Q(without_comment=True)),
    )
    return _merge(list(orgs), letters, comments, ratings)


def total(rows: Iterable[Row]) -> Row:
    result = Row(None)
    for row in rows:
        result.add(row)
    return result


def _name_key(row: Row) -> list[str]:
    """Vietnamese alphabetical order of an organisation's name, word by word."""
    return [name_sort_key(word) for word in (row.org.name if row.org else "").split()]


def _percent_or(row: Row, missing: int) -> int:
    return missing if row.percent is None else row.percent


SORTS: dict[str, tuple[str, Callable[[Row], Any]]] = {
    "qua-han": (gettext_lazy("Nhiều phiếu quá hạn nhất"), lambda r: (-r.overdue, _percent_or(r, 101), _name_key(r))),
    "ty-le": (
        gettext_lazy("Tỷ lệ gửi lại thấp nhất"),
        lambda r: (r.percent is None, _percent_or(r, 0), -r.overdue, _name_key(r)),
    ),
    "ten": (gettext_lazy("Theo tên"), _name_key),
}


def sorted_rows(rows: list[Row], sort: str) -> list[Row]:
    return sorted(rows, key=SORTS[sort][1])


# --------------------------------------------------------------------------- charts


INK = "#1b1b1b"
RED, AMBER, GREEN = "#a11d1d", "#b36b00", "#1d5e2b"


@dataclass
class Bar:
    row: Row
    y: int
    width: int
    colour: str

    @property
    def label(self) -> str:
        text = self.row.chart_label
        return text if len(text) <= 30 else text[:29] + "…"

    @property
    def text_y(self) -> int:
        return self.y + 13

    @property
    def value_x(self) -> int:
        return BarChart.label_width + self.width + 6


@dataclass
class BarChart:
    """Horizontal bars of % returned, the lowest first; the table below holds the same numbers."""

    ident: str
    bars: list[Bar]
    label_width = 230
    plot_width = 340
    width = 640
    row_height = 24
    top = 26

    @property
    def height(self) -> int:
        return self.top + self.row_height * len(self.bars) + 8

    @property
    def ticks(self) -> list[tuple[int, int]]:
        return [(self.label_width + self.plot_width * p // 100, p) for p in (0, 25, 50, 75, 100)]

    @property
    def plot_bottom(self) -> int:
        return self.height - 4


def bar_chart(ident: str, rows: list[Row]) -> BarChart:
    """The CHART_BARS committees with the lowest % returned (those with requests only)."""
    lowest = sorted((r for r in rows if r.percent is not None), key=SORTS["ty-le"][1])[:CHART_BARS]
    bars = []
    for index, row in enumerate(lowest):
        percent = row.percent or 0
        colour = RED if percent < 50 else AMBER if percent < 80 else GREEN
        width = max(BarChart.plot_width * percent // 100, 1)
        bars.append(Bar(row, BarChart.top + index * BarChart.row_height, width, colour))
    return BarChart(ident, bars)


@dataclass
class Segment:
    label: str
    count: int
    colour: str
    x: int = 0
    width: int = 0
    legend_y: int = 0
    percent: int = 0


@dataclass
class StackedBar:
    """One bar split by comment status for the whole table; the legend carries the numbers."""

    ident: str
    segments: list[Segment]
    total: int
    overdue: int
    width = 640
    bar_width = 620
    bar_height = 34
    legend_top = 62
    legend_row = 24

    @property
    def height(self) -> int:
        return self.legend_top + self.legend_row * len(self.segments)


def stacked_bar(ident: str, totals: Row) -> StackedBar:
    segments = [
        Segment(_("Chờ chi bộ nơi cư trú viết, ký"), totals.at_cell, "#b36b00"),
        Segment(_("Chi bộ đã ký, chờ đảng ủy xác nhận"), totals.signed, "#5b8fd0"),
        Segment(_("Đảng ủy đã xác nhận, chờ gửi lại"), totals.certified, "#164a86"),
        Segment(_("Đã gửi lại nơi công tác"), totals.returned_only, "#5aa56a"),
        Segment(_("Nơi công tác đã nhận lại"), totals.acknowledged, "#1d5e2b"),
    ]
    x = 10
    whole = totals.requested
    for index, segment in enumerate(segments):
        segment.x = x
        segment.width = StackedBar.bar_width * segment.count // whole if whole else 0
        segment.legend_y = StackedBar.legend_top + index * StackedBar.legend_row
        segment.percent = round(100 * segment.count / whole) if whole else 0
        x += segment.width
    if whole and segments:  # rounding leaves a few pixels: give them to the last non-empty segment
        last = next(s for s in reversed(segments) if s.count)
        last.width += 10 + StackedBar.bar_width - x
    return StackedBar(ident, segments, whole, totals.overdue)


# --------------------------------------------------------------------------- pages


def _sort_of(request: HttpRequest) -> str:
    sort = request.GET.get("sap_xep", "qua-han")
    return sort if sort in SORTS else "qua-han"


def _completion(request: HttpRequest, side: str) -> HttpResponse:
    scope = scope_of(request)
    today = clock.today()
    search = request.GET.get("q", "").strip()
    sort = _sort_of(request)
    if side == "residence":
        rows = commune_rows(scope, today, residence_committees(scope, today, search))
    else:
        rows = workplace_rows(scope, today, workplace_committees(scope, today, search))
    rows = sorted_rows(rows, sort)
    totals = total(rows)
    context = {
        "side": side,
        "today": today,
        "year": campaign_year(today),
        "search": search,
        "sort": sort,
        "sorts": [(key, label) for key, (label, _) in SORTS.items()],
        "page": paginate(request, rows),  # type: ignore[arg-type]  # a list pages like a queryset
        "totals": totals,
        "chart": bar_chart(f"chart-{side}", rows),
        "stacked": stacked_bar(f"stacked-{side}", totals),
        "stale_since": tallies.stale_since([row.refreshed_at for row in rows]),
    }
    return render(request, f"web/board/{'communes' if side == 'residence' else 'workplaces'}.html", context)


@hat_required(OrgKind.PROVINCE_BOARD)
def communes(request: HttpRequest) -> HttpResponse:
    """Completion by residence committee (đảng ủy xã/phường/đặc khu) of the province."""
    return _completion(request, "residence")


@hat_required(OrgKind.PROVINCE_BOARD)
def workplaces(request: HttpRequest) -> HttpResponse:
    """Completion by workplace committee of the province."""
    return _completion(request, "workplace")


# --------------------------------------------------------------------------- drill-down

OVERDUE, WAITING, WITHOUT_COMMENT = "qua-han", "cho-tiep-nhan", "xep-loai-khong-nhan-xet"
TABS = {
    "residence": [
        (OVERDUE, gettext_lazy("Phiếu nhận xét quá hạn")),
        (WAITING, gettext_lazy("Giấy giới thiệu chờ tiếp nhận")),
    ],
    "workplace": [
        (OVERDUE, gettext_lazy("Phiếu nhận xét quá hạn")),
        (WAITING, gettext_lazy("Giấy giới thiệu chờ tiếp nhận")),
        (WITHOUT_COMMENT, gettext_lazy("Xếp loại khi chưa có nhận xét")),
    ],
}
DETAIL_SORTS = {"tre": gettext_lazy("Trễ lâu nhất trước"), "ten": gettext_lazy("Theo tên đảng viên")}


# the orders of the drill-down lists, as keys for `?sau=` (web/keyset.py)
BY_NAME = (Key("book__member__sort_key", DIGITS), Key("pk"))
LATE_FIRST = (Key("late_due", DATE), *BY_NAME)
WAITING_LONGEST = (Key("issued_on", DATE, default=datetime.date.min), *BY_NAME)


def _late_requests(queryset: QuerySet[Any], today: datetime.date) -> QuerySet[Any]:
    return queryset.overdue(today).annotate(
        late_due=Case(When(status__in=AT_CELL, then=F("due_on")), default=F("return_due_on"))
    )


def _waiting_letters(queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.filter(status=LetterStatus.ISSUED)


def _detail(request: HttpRequest, pk: int, side: str) -> HttpResponse:
    scope = scope_of(request)
    today = clock.today()
    year = campaign_year(today)
    kind = OrgKind.RESIDENCE_COMMITTEE if side == "residence" else OrgKind.WORKPLACE_COMMITTEE
    org = access.get_visible(access.organisations(scope).filter(kind=kind).select_related("commune"), pk)
    tabs = TABS[side]
    tab = request.GET.get("xem", OVERDUE)
    tab = tab if tab in dict(tabs) else OVERDUE
    sort = request.GET.get("sap_xep", "tre")
    sort = sort if sort in DETAIL_SORTS else "tre"
    search = request.GET.get("q", "").strip()
    one = Organisation.objects.filter(pk=org.pk)
    # counted live: one committee costs what its size costs, and the list below is live too
    (row,) = live_commune_rows(scope, today, one) if side == "residence" else live_workplace_rows(scope, today, one)
    committee = "residence_committee" if side == "residence" else "requesting_committee"
    items: QuerySet[Any]
    if tab == OVERDUE:
        requests = access.comments(scope).filter(**{committee: org, "year": year})
        order = LATE_FIRST if sort == "tre" else BY_NAME
        items = _late_requests(requests, today)
        shown = _late_requests(CommentRequest.objects.all(), today).select_related(
            "book__member", "book__member__workplace_cell__parent", "residence_committee", "residence_cell"
        )
    elif tab == WAITING:
        letters = access.letters(scope).filter(
            **({"residence_committee": org} if side == "residence" else {"book__holder": org})
        )
        order = WAITING_LONGEST if sort == "tre" else BY_NAME
        items = _waiting_letters(letters)
        shown = IntroductionLetter.objects.select_related(
            "book__member", "book__member__workplace_cell__parent", "residence_committee", "carried_over_from"
        )
    else:
        items = access.ratings(scope).filter(book__holder=org, year=year, without_comment=True)
        shown = AnnualRating.objects.select_related("book__member", "book__member__workplace_cell__parent")
        order = BY_NAME
    if fold(search):
        items = items.filter(book__member__search_text__contains=fold(search))
    # the page's ids from the scoped list, its rows by id from `shown` (web/keyset.py)
    page = keyset_page(request, items, order, rows_from=shown)
    for item in page.object_list:
        since = getattr(item, "late_due", None) or getattr(item, "issued_on", None)
        item.days_late = (today - since).days if since else None
    context = {
        "side": side,
        "org": org,
        "row": row,
        "today": today,
        "year": year,
        "tabs": tabs,
        "tab": tab,
        "sort": sort,
        "sorts": list(DETAIL_SORTS.items()) if tab != WITHOUT_COMMENT else [],
        "search": search,
        "page": page,
    }
    return render(request, "web/board/detail.html", context)


@hat_required(OrgKind.PROVINCE_BOARD)
def commune(request: HttpRequest, pk: int) -> HttpResponse:
    """The late ones of one residence committee: overdue comments, letters not yet received. No ratings."""
    return _detail(request, pk, "residence")


@hat_required(OrgKind.PROVINCE_BOARD)
def workplace(request: HttpRequest, pk: int) -> HttpResponse:
    """The late ones of one workplace committee, and its ratings made without a residence comment."""
    return _detail(request, pk, "workplace")


urlpatterns: list = [
    path("", communes, name="communes"),
    path("xa-phuong/<int:pk>/", commune, name="commune"),
    path("noi-cong-tac/", workplaces, name="workplaces"),
    path("noi-cong-tac/<int:pk>/", workplace, name="workplace"),
]
