"""Excel screens: the member import (template, upload, preview, import) and the .xlsx exports.

Every view wears a hat like the screen it belongs to (web.common.hat_required: a wrong role is
403) and reads through books.access (another committee's object is 404). Exports take the same
filters as their screen and stream rows from the database in chunks into a write-only workbook.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import privacy
from books import access, clock, queries
from books.models import CommentStatus, Term
from orgs.models import Organisation, OrgKind
from orgs.text import fold
from web.common import hat_of, hat_required, scope_of

from . import service
from .checker import FileRefused, describe
from .columns import COLUMNS
from .models import MemberImport
from .template import build_template
from .xlsx import XLSX, Col, workbook_bytes

app_name = "spreadsheets"

committee_only = hat_required(OrgKind.WORKPLACE_COMMITTEE)
CHUNK = 2000


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _slug(text: str) -> str:
    return "-".join(fold(text).replace("/", " ").split())[:60] or "danh-sach"


def _organisation(request: HttpRequest) -> Organisation:
    """The organisation of the hat (every hat_required kind here is an organisation's)."""
    organisation = hat_of(request).organisation
    assert organisation is not None
    return organisation


def _stamp() -> str:
    return clock.today().strftime("%Y%m%d")


# --------------------------------------------------------------------------- import


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp danh sách đảng viên (.xlsx, theo tệp mẫu)"),
        allow_empty_file=True,  # an empty file gets the import's own message
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


@committee_only
@require_GET
def template(request: HttpRequest) -> HttpResponse:
    """The template to fill in, with this committee's cells in the drop-down list."""
    committee = _organisation(request)
    return _xlsx(build_template(committee), "mau-danh-sach-dang-vien.xlsx")


@committee_only
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    committee = _organisation(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            item = service.start(form.cleaned_data["file"], committee=committee, user=request.user)
        except FileRefused as refused:
            refusal = refused.message
        else:
            return redirect("spreadsheets:import_status", token=item.token)
    recent = MemberImport.objects.filter(user_id=request.user.pk or 0, committee=committee).order_by(
        "-created_at", "-pk"
    )[:10]
    context = {"form": form, "refusal": refusal, "recent": recent, "columns": COLUMNS, "committee": committee}
    return render(request, "spreadsheets/upload.html", context, status=400 if refusal or form.errors else 200)


def _own_import(request: HttpRequest, token: str) -> MemberImport:
    """Only the user who uploaded it, wearing the same committee's hat; anyone else 404."""
    item = (
        MemberImport.objects.filter(user_id=request.user.pk or 0, committee=_organisation(request), token=token)
        .select_related("committee")
        .first()
    )
    if item is None:
        raise Http404(_("Không tìm thấy lần nhập này."))
    return item


@committee_only
@require_GET
def import_status(request: HttpRequest, token: str) -> HttpResponse:
    """The preview (errors at their row and column, or the rows to import) and the state; htmx polls while working."""
    item = _own_import(request, token)
    context = {
        "item": item,
        "errors": [{**error, "text": describe(error)} for error in item.errors],
        "notes": [{**note, "text": describe(note)} for note in item.notes],
        "more_errors": item.error_count - len(item.errors),
        "more_notes": item.note_count - len(item.notes),
    }
    if request.headers.get("HX-Request"):
        return render(request, "spreadsheets/partials/status.html", context)
    return render(request, "spreadsheets/status.html", context)


@committee_only
@require_POST
def import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Import every row of a checked file, or none."""
    item = _own_import(request, token)
    service.begin_import(item)
    return redirect("spreadsheets:import_status", token=item.token)


# --------------------------------------------------------------------------- exports


def _chunks(queryset: Any) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for obj in queryset.iterator(chunk_size=CHUNK):
        chunk.append(obj)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


MEMBER_COLUMNS = (
    Col("STT", 6, "int"),
    Col("Họ và tên", 28),
    Col("Giới tính", 9),
    Col("Ngày sinh", 12, "date"),
    Col("Số CCCD", 15),
    Col("Số thẻ đảng viên", 15),
    Col("Ngày vào Đảng", 13, "date"),
    Col("Ngày chính thức", 13, "date"),
    Col("Chi bộ", 30),
    Col("Chức vụ, đơn vị công tác", 26),
    Col("Xã/phường/đặc khu nơi cư trú", 30),
    Col("Số nhà, đường, thôn/ấp/khóm/tổ", 34),
    Col("Loại cư trú", 11),
    Col("Diện miễn", 10),
    Col("Tình trạng sổ", 26),
    Col("Điện thoại", 13),
    Col("Thư điện tử", 24),
)


@hat_required(OrgKind.WORKPLACE_COMMITTEE, OrgKind.WORKPLACE_CELL)
@require_GET
def members(request: HttpRequest) -> HttpResponse:
    """The members list of the screen (same filters) as .xlsx."""
    from web.workplace import STATES, MemberFilter, _workplace_cells, with_book_state

    cells = _workplace_cells(request)
    filters = MemberFilter(request.GET, cells=cells)
    rows = filters.apply(with_book_state(access.members(scope_of(request))))
    rows = rows.select_related("workplace_cell", "residence_commune__parent").vietnamese_order()  # type: ignore[attr-defined]

    def lines() -> Iterator[Sequence[Any]]:
        for number, m in enumerate(rows.iterator(chunk_size=CHUNK), start=1):
            yield (
                number,
                m.full_name,
                m.get_sex_display(),
                m.birth_date,
                m.national_id,
                m.party_card_number,
                m.admitted_on,
                m.official_on,
                m.workplace_cell.name,
                m.workplace_title,
                m.residence_commune.full_name(),
                m.residence_line,
                m.get_residence_kind_display(),
                m.exemption,
                str(STATES[m.state][1]),
                m.phone,
                m.email,
            )

    name = _organisation(request).name
    content = workbook_bytes([("Đảng viên", MEMBER_COLUMNS, lines())])
    privacy.record_bulk(request, rows.count(), what="export")
    return _xlsx(content, f"dang-vien-{_slug(name)}-{_stamp()}.xlsx")


@hat_required(OrgKind.RESIDENCE_COMMITTEE)
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """The residence register (sổ theo dõi) as .xlsx: what the residence side sees, never card or ID numbers,
    ratings or an E2 member (access.register excludes them)."""
    from web.cell import entry_rows
    from web.residence import RegisterFilter, _workplace_committees, attach_comment_columns, residence_cells

    scope = scope_of(request)
    rows = access.register(scope)
    filters = RegisterFilter(
        request.GET or None,
        cells=residence_cells(request, active_only=False),
        committees=_workplace_committees(rows),
    )
    entries = entry_rows(filters.apply(rows))
    term = Term.current()
    years = term.years if term else []
    columns = (
        Col("STT", 6, "int"),
        Col("Họ và tên", 28),
        Col("Giới tính", 9),
        Col("Năm sinh", 9, "int"),
        Col("Chi bộ nơi công tác", 30),
        Col("Cấp ủy nơi công tác", 30),
        Col("Địa chỉ nơi cư trú", 44),
        Col("Số giấy giới thiệu", 16),
        Col("Ngày giấy giới thiệu", 13, "date"),
        Col("Ngày tiếp nhận", 13, "date"),
        Col("Chi bộ nơi cư trú", 22),
        Col("Diện miễn", 10),
        *(Col(f"Nhận xét năm {year}", 16) for year in years),
        Col("Ngày rời", 12, "date"),
        Col("Lý do rời", 24),
    )

    def lines() -> Iterator[Sequence[Any]]:
        number = 0
        for chunk in _chunks(entries):
            attach_comment_columns(request, chunk, years)
            for e in chunk:
                number += 1
                m = e.member
                comments = []
                for _year, comment in e.columns:
                    if comment is None:
                        comments.append("")
                    elif comment.status in (CommentStatus.RETURNED, CommentStatus.ACKNOWLEDGED) or comment.summary:
                        comments.append(comment.short_summary or comment.get_status_display())
                    else:
                        comments.append(comment.get_status_display())
                yield (
                    number,
                    m.full_name,
                    m.get_sex_display(),
                    m.birth_year,
                    m.workplace_cell.name,
                    m.workplace_cell.workplace_committee.name,
                    m.address(),
                    e.letter.display_number,
                    e.letter.issued_on,
                    e.entered_on,
                    e.cell.name if e.cell else "",
                    m.exemption,
                    *comments,
                    e.left_on,
                    e.get_left_reason_display() if e.left_reason else "",
                )

    name = _organisation(request).name
    content = workbook_bytes([("Sổ theo dõi", columns, lines())])
    return _xlsx(content, f"so-theo-doi-{_slug(name)}-{_stamp()}.xlsx")


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("nam", ""))
    except ValueError:
        year = queries.campaign_year(clock.today())
    return year if 2000 <= year <= 2100 else queries.campaign_year(clock.today())


CAMPAIGN_COLUMNS = (
    Col("STT", 6, "int"),
    Col("Họ và tên", 28),
    Col("Chi bộ nơi công tác", 28),
    Col("Loại phiếu", 16),
    Col("Đảng ủy nơi cư trú", 28),
    Col("Chi bộ nơi cư trú", 22),
    Col("Ngày đề nghị", 12, "date"),
    Col("Hạn nhận xét", 12, "date"),
    Col("Hạn gửi lại", 12, "date"),
    Col("Tình trạng", 24),
    Col("Quá hạn", 9),
    Col("Ngày ký", 12, "date"),
    Col("Ngày gửi lại", 12, "date"),
    Col("Ngày nhận lại", 12, "date"),
    Col("Kết quả", 30),
)


@committee_only
@require_GET
def campaign(request: HttpRequest) -> HttpResponse:
    """The year's comment requests of the committee and where each one is (the October campaign's status)."""
    year = _year(request)
    committee = _organisation(request)
    today = clock.today()
    rows = (
        access.comments(scope_of(request))
        .filter(requesting_committee=committee, year=year)
        .exclude(status=CommentStatus.CANCELLED)
        .select_related("book__member__workplace_cell", "book__profile", "residence_committee", "residence_cell")
        .order_by("book__member__sort_key", "book__member__pk", "pk")
    )

    def lines() -> Iterator[Sequence[Any]]:
        for number, c in enumerate(rows.iterator(chunk_size=CHUNK), start=1):
            back = c.status in (CommentStatus.RETURNED, CommentStatus.ACKNOWLEDGED)
            yield (
                number,
                c.book.member.full_name,
                c.book.member.workplace_cell.name,
                c.get_kind_display(),
                c.residence_committee.name,
                c.residence_cell.name if c.residence_cell else "",
                c.requested_on,
                c.due_on,
                c.return_due_on,
                c.get_status_display(),
                "Quá hạn" if c.is_overdue(today) else "",
                c.signed_on,
                c.returned_on,
                c.acknowledged_on,
                c.summary_label if back else "",
            )

    content = workbook_bytes([(f"Nhận xét năm {year}", CAMPAIGN_COLUMNS, lines())])
    return _xlsx(content, f"nhan-xet-{year}-{_slug(committee.name)}-{_stamp()}.xlsx")


BOARD_COLUMNS = (
    Col("STT", 6, "int"),
    Col("Tổ chức đảng", 40),
    Col("Giấy giới thiệu đã tiếp nhận", 14, "int"),
    Col("Giấy giới thiệu chờ tiếp nhận", 14, "int"),
    Col("Phiếu xin ý kiến đã gửi", 14, "int"),
    Col("Chờ chi bộ nhận xét", 14, "int"),
    Col("Chi bộ đã ký", 14, "int"),
    Col("Đảng ủy đã xác nhận", 14, "int"),
    Col("Đã gửi lại nơi công tác", 14, "int"),
    Col("Nơi công tác đã nhận", 14, "int"),
    Col("Quá hạn", 10, "int"),
    Col("Tỷ lệ đã gửi lại (%)", 12, "int"),
)


@hat_required(OrgKind.PROVINCE_BOARD)
@require_GET
def board(request: HttpRequest, side: str) -> HttpResponse:
    """The board's completion table (by commune or by workplace committee), with its total, as .xlsx."""
    from web import board as screens

    if side not in ("xa-phuong", "noi-cong-tac"):
        raise Http404(_("Không có bảng này."))
    scope = scope_of(request)
    today = clock.today()
    search = request.GET.get("q", "").strip()
    if side == "xa-phuong":
        rows = screens.commune_rows(scope, today, screens.residence_committees(scope, today, search))
    else:
        rows = screens.workplace_rows(scope, today, screens.workplace_committees(scope, today, search))
    sort = request.GET.get("sap_xep", "qua-han")
    rows = screens.sorted_rows(rows, sort if sort in screens.SORTS else "qua-han")
    totals = screens.total(rows)

    def line(number: int | None, row: Any) -> Sequence[Any]:
        return (
            number,
            row.org.name if row.org is not None else "Tổng cộng",
            row.letters_received,
            row.letters_waiting,
            row.requested,
            row.at_cell,
            row.signed,
            row.certified,
            row.returned_only,
            row.acknowledged,
            row.overdue,
            row.percent,
        )

    lines = [line(number, row) for number, row in enumerate(rows, start=1)] + [line(None, totals)]
    year = queries.campaign_year(today)
    title = f"Theo {'xã, phường' if side == 'xa-phuong' else 'nơi công tác'} {year}"
    return _xlsx(workbook_bytes([(title, BOARD_COLUMNS, lines)]), f"tien-do-{side}-{year}-{_stamp()}.xlsx")


urlpatterns = [
    path("mau-danh-sach-dang-vien.xlsx", template, name="template"),
    path("nhap-dang-vien/", upload, name="upload"),
    path("nhap-dang-vien/<str:token>/", import_status, name="import_status"),
    path("nhap-dang-vien/<str:token>/nhap/", import_confirm, name="import_confirm"),
    path("dang-vien.xlsx", members, name="members"),
    path("so-theo-doi.xlsx", register, name="register"),
    path("nhan-xet.xlsx", campaign, name="campaign"),
    path("ban-to-chuc/<slug:side>.xlsx", board, name="board"),
]
