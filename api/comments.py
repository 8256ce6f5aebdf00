"""/comments: comment requests (mẫu 3-213), the October campaign, and every step of a comment."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Body, Field, Query, Router, Schema
from ninja.responses import Status

from books import access, actions, clock
from books.models import CommentRequest
from orgs.models import Organisation

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
from .schemas import CommentOut, CommentPage, OrgRef, comment_out, org_ref

router = Router(tags=["Phiếu nhận xét (mẫu 3-213)"])

CommentStatusName = Literal["requested", "drafted", "signed", "certified", "returned", "acknowledged", "cancelled"]


class CommentFilters(Paging):
    year: int | None = None
    status: CommentStatusName | None = Field(
        None,
        description="requested = chờ chi bộ; drafted = đang viết; signed = đã ký; certified = đã xác nhận; "
        "returned = đã gửi lại; acknowledged = nơi công tác đã nhận; cancelled = đã hủy.",
    )
    kind: Literal["periodic", "on_demand"] | None = Field(
        None, description="periodic = hằng năm; on_demand = khi cần (E1)."
    )
    overdue: bool | None = Field(None, description="true: chỉ phiếu quá hạn (theo ngày hôm nay); false: chưa quá hạn.")
    residence_cell: int | None = Field(None, ge=1, le=MAX_ID, description="Chi bộ nơi cư trú (id).")
    q: str = Field("", description="Tìm không dấu theo tên đảng viên.")


@router.get("/comments", response={200: CommentPage, **READ_ERRORS}, summary="Danh sách phiếu nhận xét")
def list_comments(request: HttpRequest, filters: Query[CommentFilters]) -> Any:
    scope = scope_of(request)
    qs = access.comments(scope)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    today = clock.today()
    if filters.overdue is not None:
        late = CommentRequest.objects.overdue(today).values("pk")
        qs = qs.filter(pk__in=late) if filters.overdue else qs.exclude(pk__in=late)
    if filters.residence_cell is not None:
        qs = qs.filter(residence_cell_id=filters.residence_cell)
    if filters.q:
        qs = qs.filter(book__member__in=matching_members(scope, filters.q))
    qs = loaders.comments(qs).order_by("-year", "book__member__sort_key", "pk")
    return page(qs, filters, lambda r: comment_out(r, today))


@router.get("/comments/{int:comment_id}", response={200: CommentOut, **DETAIL_ERRORS}, summary="Một phiếu nhận xét")
def get_comment(request: HttpRequest, comment_id: int) -> Any:
    return comment_out(visible(loaders.comments(access.comments(scope_of(request))), comment_id))


def _comment(request: HttpRequest, comment_id: int) -> CommentRequest:
    return visible(access.comments(scope_of(request)), comment_id)


def _reread(pk: int) -> CommentOut:
    return comment_out(loaders.comments(CommentRequest.objects.all()).get(pk=pk))


# --------------------------------------------------------------------------- requests


class OpenCampaignIn(Schema):
    model_config = {"extra": "forbid"}

    committee_id: int = Field(ge=1, le=MAX_ID, description="Cấp ủy cơ sở nơi công tác (id).")
    year: int | None = Field(None, description="Năm nhận xét; mặc định năm nay.")


class CampaignCountOut(Schema):
    residence_committee: OrgRef
    requests: int


class CampaignOut(Schema):
    """Kết quả một lần mở đợt xin ý kiến tháng 10; mở lại không tạo thêm phiếu nào."""

    committee: OrgRef
    year: int
    created: int
    already: int
    skipped_exempt: int
    skipped_no_letter: int
    by_residence_committee: list[CampaignCountOut]
    created_ids: list[int]


@router.post(
    "/campaigns", response={200: CampaignOut, **ACTION_ERRORS}, summary="Mở đợt xin ý kiến nhận xét (tháng 10)"
)
def open_campaign(request: HttpRequest, payload: OpenCampaignIn) -> Any:
    committee = visible(access.organisations(scope_of(request)), payload.committee_id)
    result = actions.open_campaign(committee, year=payload.year, by=caller(request))
    names = Organisation.objects.in_bulk(list(result.by_residence_committee))
    return CampaignOut(
        committee=org_ref(committee),
        year=payload.year or clock.today().year,
        created=len(result.created),
        already=result.already,
        skipped_exempt=result.skipped_exempt,
        skipped_no_letter=result.skipped_no_letter,
        by_residence_committee=[
            CampaignCountOut(residence_committee=org_ref(names[pk]), requests=n)
            for pk, n in sorted(result.by_residence_committee.items())
        ],
        created_ids=[r.pk for r in result.created],
    )


class OnDemandIn(Schema):
    model_config = {"extra": "forbid"}

    book_id: int
    reason: str = Field(
        description="Lý do theo bộ quy định: cadre (công tác cán bộ), reward (khen thưởng), discipline (kỷ luật)."
    )
    note: str = Field("", max_length=300)


@router.post(
    "/comments/on-demand", response={201: CommentOut, **ACTION_ERRORS}, summary="Xin ý kiến nhận xét khi cần (diện E1)"
)
def request_on_demand(request: HttpRequest, payload: OnDemandIn) -> Any:
    book = visible(access.books(scope_of(request)), payload.book_id)
    comment = actions.request_comment_on_demand(book, reason=payload.reason, note=payload.note, by=caller(request))
    return Status(201, _reread(comment.pk))


# --------------------------------------------------------------------------- the comment itself


class CommentContentIn(Schema):
    """Nội dung nhận xét; chỉ gửi những gì viết lần này (trường không gửi giữ nguyên bản đã lưu)."""

    model_config = {"extra": "forbid"}

    criteria: dict[str, str] | None = Field(None, description="Nhận xét theo từng tiêu chí: {khóa tiêu chí: nội dung}.")
    shortcomings: str | None = Field(None, description="Khuyết điểm, hạn chế.")
    people_opinion: str | None = Field(None, description="Ý kiến của nhân dân, ban công tác Mặt trận.")
    summary: str | None = Field(None, description="Mức kết quả: tot, hoan_thanh, khong_hoan_thanh.")
    front_participant: str | None = Field(
        None, max_length=160, description="Đại diện ban công tác Mặt trận cùng nhận xét."
    )
    on_behalf_of: str = Field("", max_length=200, description="Cấp ủy nhập phiếu giấy thay chi bộ: tên bí thư đã ký.")


def _content(payload: CommentContentIn) -> dict[str, Any]:
    return payload.model_dump(exclude_unset=True, exclude={"on_behalf_of", "on"})


@router.post(
    "/comments/{int:comment_id}/write", response={200: CommentOut, **ACTION_ERRORS}, summary="Viết nhận xét (lưu nháp)"
)
def write_comment(request: HttpRequest, comment_id: int, payload: CommentContentIn) -> Any:
    comment = _comment(request, comment_id)
    actions.write_comment(comment, by=caller(request), on_behalf_of=payload.on_behalf_of, **_content(payload))
    return _reread(comment.pk)


class SignCommentIn(CommentContentIn):
    on: datetime.date | None = Field(None, description="Ngày ký; mặc định hôm nay.")


@router.post(
    "/comments/{int:comment_id}/sign", response={200: CommentOut, **ACTION_ERRORS}, summary="Chi bộ ký nhận xét"
)
def sign_comment(request: HttpRequest, comment_id: int, payload: SignCommentIn) -> Any:
    comment = _comment(request, comment_id)
    actions.sign_comment(
        comment, by=caller(request), on=payload.on, on_behalf_of=payload.on_behalf_of, **_content(payload)
    )
    return _reread(comment.pk)


class SendBackIn(Schema):
    model_config = {"extra": "forbid"}

    reason: str = Field(max_length=300, description="Chi bộ cần sửa gì.")


@router.post(
    "/comments/{int:comment_id}/send-back",
    response={200: CommentOut, **ACTION_ERRORS},
    summary="Đảng ủy trả lại chi bộ để sửa",
)
def send_back_comment(request: HttpRequest, comment_id: int, payload: SendBackIn) -> Any:
    comment = _comment(request, comment_id)
    actions.send_back_comment(comment, reason=payload.reason, by=caller(request))
    return _reread(comment.pk)


class OnDateIn(Schema):
    model_config = {"extra": "forbid"}

    on: datetime.date | None = Field(None, description="Ngày; mặc định hôm nay.")


# the date is optional, and so is the whole body: `POST …/certify` with nothing in it means today
OPTIONAL_BODY = Body(None)


def _step(request: HttpRequest, comment_id: int, payload: OnDateIn | None, action: Any) -> CommentOut:
    comment = _comment(request, comment_id)
    action(comment, by=caller(request), on=payload.on if payload else None)
    return _reread(comment.pk)


@router.post(
    "/comments/{int:comment_id}/certify",
    response={200: CommentOut, **ACTION_ERRORS},
    summary="Đảng ủy xác nhận nhận xét",
)
def certify_comment(request: HttpRequest, comment_id: int, payload: OnDateIn | None = OPTIONAL_BODY) -> Any:
    return _step(request, comment_id, payload, actions.certify_comment)


@router.post(
    "/comments/{int:comment_id}/return",
    response={200: CommentOut, **ACTION_ERRORS},
    summary="Gửi nhận xét về nơi công tác",
)
def return_comment(request: HttpRequest, comment_id: int, payload: OnDateIn | None = OPTIONAL_BODY) -> Any:
    return _step(request, comment_id, payload, actions.return_comment)


@router.post(
    "/comments/{int:comment_id}/acknowledge",
    response={200: CommentOut, **ACTION_ERRORS},
    summary="Nơi công tác nhận lại nhận xét",
)
def acknowledge_comment(request: HttpRequest, comment_id: int, payload: OnDateIn | None = OPTIONAL_BODY) -> Any:
    return _step(request, comment_id, payload, actions.acknowledge_comment)
