"""/books, /register, /notices, /meetings, /organisations, /units, and the actions on them."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from books import access, actions, clock
from books.models import AnnualRating, ResidenceMeeting, ViolationNotice
from orgs.models import AdministrativeUnit
from orgs.text import fold

from . import loaders
from .common import (
    ACTION_ERRORS,
    DETAIL_ERRORS,
    MAX_ID,
    READ_ERRORS,
    Paging,
    caller,
    matching_members,
    page,
    scope_of,
    visible,
)
from .schemas import (
    BookDetailOut,
    BookPage,
    MeetingOut,
    MeetingPage,
    NoticeOut,
    NoticePage,
    OrganisationPage,
    RatingOut,
    RegisterPage,
    UnitPage,
    book_detail_out,
    book_out,
    meeting_out,
    notice_out,
    organisation_out,
    rating_out,
    register_out,
    unit_out,
)

books_router = Router(tags=["Sổ liên hệ"])
register_router = Router(tags=["Sổ theo dõi nơi cư trú"])
notices_router = Router(tags=["Phiếu báo vi phạm"])
meetings_router = Router(tags=["Sinh hoạt nơi cư trú"])
directory_router = Router(tags=["Tổ chức đảng, đơn vị hành chính"])


# --------------------------------------------------------------------------- books


class BookFilters(Paging):
    status: Literal["open", "closed"] | None = Field(None, description="open = đang sử dụng; closed = đã đóng.")
    holder: int | None = Field(None, ge=1, le=MAX_ID, description="Cấp ủy giữ sổ (id).")
    term: int | None = Field(None, description="Năm bắt đầu nhiệm kỳ, ví dụ 2025.")
    q: str = Field("", description="Tìm không dấu theo tên đảng viên.")


@books_router.get("/books", response={200: BookPage, **READ_ERRORS}, summary="Danh sách sổ liên hệ")
def list_books(request: HttpRequest, filters: Query[BookFilters]) -> Any:
    """Sổ liên hệ của nơi công tác, Ban Tổ chức và của chính đảng viên; phía nơi cư trú không giữ sổ."""
    scope = scope_of(request)
    qs = access.books(scope)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.holder is not None:
        qs = qs.filter(holder_id=filters.holder)
    if filters.term is not None:
        qs = qs.filter(term__start_year=filters.term)
    if filters.q:
        qs = qs.filter(member__in=matching_members(scope, filters.q))
    qs = loaders.books(qs).order_by("member__sort_key", "-term__start_year", "pk")
    return page(qs, filters, book_out)


@books_router.get(
    "/books/{int:book_id}", response={200: BookDetailOut, **DETAIL_ERRORS}, summary="Một sổ liên hệ, đủ mọi trang"
)
def get_book(request: HttpRequest, book_id: int) -> Any:
    """Sổ liên hệ với mọi giấy giới thiệu, phiếu nhận xét, phiếu báo, xếp loại và nhật ký từng thao tác."""
    return book_detail_out(visible(loaders.book_detail(access.books(scope_of(request))), book_id))


class RatingIn(Schema):
    model_config = {"extra": "forbid"}

    year: int
    level: Literal["excellent", "good", "done", "not_done"] = Field(
        description="excellent = Hoàn thành xuất sắc; good = Hoàn thành tốt; done = Hoàn thành; "
        "not_done = Không hoàn thành nhiệm vụ."
    )
    note: str = ""
    on: datetime.date | None = None


@books_router.post(
    "/books/{int:book_id}/rating", response={201: RatingOut, **ACTION_ERRORS}, summary="Xếp loại cuối năm"
)
def record_rating(request: HttpRequest, book_id: int, payload: RatingIn) -> Any:
    """Xếp loại tháng 12; gắn với phiếu nhận xét năm đó đã gửi về, hoặc ghi rõ là xếp loại khi chưa có nhận xét."""
    book = visible(access.books(scope_of(request)), book_id)
    rating = actions.record_rating(
        book, year=payload.year, level=payload.level, note=payload.note, by=caller(request), on=payload.on
    )
    return Status(201, rating_out(AnnualRating.objects.select_related("book__member").get(pk=rating.pk)))


# --------------------------------------------------------------------------- register


class RegisterFilters(Paging):
    residence_committee: int | None = Field(None, ge=1, le=MAX_ID, description="Đảng ủy nơi cư trú (id).")
    cell: int | None = Field(None, ge=1, le=MAX_ID, description="Chi bộ nơi cư trú (id).")
    open: bool | None = Field(None, description="true: chỉ người đang sinh hoạt; false: chỉ người đã rời.")
    q: str = Field("", description="Tìm không dấu theo tên đảng viên.")


@register_router.get("/register", response={200: RegisterPage, **READ_ERRORS}, summary="Sổ theo dõi nơi cư trú")
def list_register(request: HttpRequest, filters: Query[RegisterFilters]) -> Any:
    """Mỗi dòng một đảng viên được giới thiệu, từ ngày tiếp nhận đến khi rời, kèm nhận xét từng năm."""
    scope = scope_of(request)
    qs = access.register(scope)
    if filters.residence_committee is not None:
        qs = qs.filter(residence_committee_id=filters.residence_committee)
    if filters.cell is not None:
        qs = qs.filter(cell_id=filters.cell)
    if filters.open is not None:
        qs = qs.filter(left_on__isnull=filters.open)
    if filters.q:
        qs = qs.filter(member__in=matching_members(scope, filters.q))
    qs = loaders.register(qs).order_by("member__sort_key", "entered_on", "pk")
    return page(qs, filters, register_out)


# --------------------------------------------------------------------------- notices


class NoticeFilters(Paging):
    status: Literal["raised", "answered"] | None = Field(
        None, description="raised = chờ trả lời; answered = đã trả lời."
    )
    overdue: bool | None = Field(None, description="true: chỉ phiếu quá hạn trả lời.")


@notices_router.get("/notices", response={200: NoticePage, **READ_ERRORS}, summary="Danh sách phiếu báo vi phạm")
def list_notices(request: HttpRequest, filters: Query[NoticeFilters]) -> Any:
    qs = access.notices(scope_of(request))
    if filters.status:
        qs = qs.filter(status=filters.status)
    today = clock.today()
    if filters.overdue is not None:
        late = Q(status="raised", answer_due_on__lt=today)
        qs = qs.filter(late) if filters.overdue else qs.exclude(late)
    qs = loaders.notices(qs).order_by("-raised_on", "-pk")
    return page(qs, filters, lambda n: notice_out(n, today))


@notices_router.get("/notices/{int:notice_id}", response={200: NoticeOut, **DETAIL_ERRORS}, summary="Một phiếu báo")
def get_notice(request: HttpRequest, notice_id: int) -> Any:
    return notice_out(visible(loaders.notices(access.notices(scope_of(request))), notice_id))


class RaiseNoticeIn(Schema):
    model_config = {"extra": "forbid"}

    member_id: int
    description: str = Field(description="Nội dung vi phạm (ít nhất 10 ký tự).")
    observed_on: datetime.date = Field(description="Ngày xảy ra.")
    on: datetime.date | None = Field(None, description="Ngày báo; mặc định hôm nay.")


@notices_router.post("/notices", response={201: NoticeOut, **ACTION_ERRORS}, summary="Báo vi phạm về nơi công tác")
def raise_notice(request: HttpRequest, payload: RaiseNoticeIn) -> Any:
    member = visible(access.members(scope_of(request)), payload.member_id)
    notice = actions.raise_notice(
        member, description=payload.description, observed_on=payload.observed_on, by=caller(request), on=payload.on
    )
    return Status(201, notice_out(loaders.notices(ViolationNotice.objects.all()).get(pk=notice.pk)))


class AnswerNoticeIn(Schema):
    model_config = {"extra": "forbid"}

    answer: str = Field(description="Cấp ủy đã xử lý thế nào (ít nhất 10 ký tự).")
    on: datetime.date | None = None


@notices_router.post(
    "/notices/{int:notice_id}/answer", response={200: NoticeOut, **ACTION_ERRORS}, summary="Trả lời phiếu báo"
)
def answer_notice(request: HttpRequest, notice_id: int, payload: AnswerNoticeIn) -> Any:
    notice = visible(access.notices(scope_of(request)), notice_id)
    actions.answer_notice(notice, answer=payload.answer, by=caller(request), on=payload.on)
    return notice_out(loaders.notices(ViolationNotice.objects.all()).get(pk=notice.pk))


# --------------------------------------------------------------------------- meetings


class MeetingFilters(Paging):
    cell: int | None = Field(None, ge=1, le=MAX_ID, description="Chi bộ nơi cư trú (id).")
    year: int | None = None


@meetings_router.get("/meetings", response={200: MeetingPage, **READ_ERRORS}, summary="Các buổi sinh hoạt nơi cư trú")
def list_meetings(request: HttpRequest, filters: Query[MeetingFilters]) -> Any:
    qs = access.meetings(scope_of(request))
    if filters.cell is not None:
        qs = qs.filter(cell_id=filters.cell)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    return page(loaders.meetings(qs).order_by("-held_on", "pk"), filters, meeting_out)


class AttendanceIn(Schema):
    model_config = {"extra": "forbid"}

    member_id: int
    present: bool
    absence_reason: str = Field("", max_length=200)


class RecordMeetingIn(Schema):
    model_config = {"extra": "forbid"}

    cell_id: int = Field(ge=1, le=MAX_ID, description="Chi bộ nơi cư trú (id).")
    held_on: datetime.date
    topic: str = Field("", max_length=300)
    attendance: list[AttendanceIn] = Field(description="Mỗi đảng viên của chi bộ: có mặt hay vắng (và lý do).")


@meetings_router.post("/meetings", response={200: MeetingOut, **ACTION_ERRORS}, summary="Ghi buổi sinh hoạt định kỳ")
def record_meeting(request: HttpRequest, payload: RecordMeetingIn) -> Any:
    """Ghi (hoặc sửa) buổi sinh hoạt của kỳ 6 tháng: danh sách gửi lên thay danh sách cũ."""
    cell = visible(access.organisations(scope_of(request)), payload.cell_id)
    attendance = {row.member_id: (row.present, row.absence_reason) for row in payload.attendance}
    meeting = actions.record_meeting(
        cell, held_on=payload.held_on, attendance=attendance, topic=payload.topic, by=caller(request)
    )
    return meeting_out(loaders.meetings(ResidenceMeeting.objects.all()).get(pk=meeting.pk))


# --------------------------------------------------------------------------- organisations, units

OrgKindName = Literal["upper", "board", "workplace", "workplace_cell", "residence", "residence_cell"]


class OrganisationFilters(Paging):
    kind: OrgKindName | None = Field(None, description="Loại tổ chức.")
    parent: int | None = Field(None, ge=1, le=MAX_ID, description="Tổ chức cấp trên (id).")
    q: str = Field("", description="Tìm không dấu theo tên.")


@directory_router.get("/organisations", response={200: OrganisationPage, **READ_ERRORS}, summary="Tổ chức đảng")
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilters]) -> Any:
    """Tổ chức của bạn, các tổ chức trực thuộc, và (với Ban Tổ chức) mọi tổ chức trong tỉnh."""
    qs = access.organisations(scope_of(request))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent)
    if filters.q:
        qs = qs.filter(search_name__contains=fold(filters.q))
    today = clock.today()
    return page(
        loaders.organisations(qs).order_by("kind", "search_name", "pk"), filters, lambda o: organisation_out(o, today)
    )


class UnitFilters(Paging):
    code: int | None = Field(None, description="Mã chính thức của đơn vị.")
    q: str = Field("", description="Tìm không dấu theo tên ('long chau').")
    level: Literal["province", "district", "commune"] | None = None
    edition: Literal["2025", "pre2025"] | None = Field(
        "2025", description="2025 = danh mục hiện hành; pre2025 = trước 01/07/2025."
    )
    province_code: int | None = None


@directory_router.get("/units", response={200: UnitPage, **READ_ERRORS}, summary="Đơn vị hành chính (theo mã)")
def list_units(request: HttpRequest, filters: Query[UnitFilters]) -> Any:
    """Danh mục chính thức tỉnh, xã/phường/đặc khu theo mã; đơn vị trước 2025 ghi đơn vị kế thừa."""
    qs = AdministrativeUnit.objects.all()
    if filters.edition:
        qs = qs.filter(edition=filters.edition)
    if filters.code is not None:
        qs = qs.filter(code=filters.code)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.province_code is not None:
        qs = qs.filter(province_code=filters.province_code)
    if filters.q:
        qs = qs.filter(search_name__contains=fold(filters.q))
    today = clock.today()
    return page(loaders.units(qs).order_by("edition", "level", "code"), filters, lambda u: unit_out(u, today))
