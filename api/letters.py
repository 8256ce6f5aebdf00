"""/letters: introduction letters (mẫu 1-213) and their actions."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from books import access, actions
from books.models import IntroductionLetter

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
from .schemas import LetterOut, LetterPage, letter_out

router = Router(tags=["Giấy giới thiệu (mẫu 1-213)"])

LetterStatusName = Literal["draft", "issued", "received", "superseded", "withdrawn", "carried"]


class LetterFilters(Paging):
    status: LetterStatusName | None = Field(
        None,
        description="draft = dự thảo; issued = chờ tiếp nhận; received = đã tiếp nhận; superseded; withdrawn; carried.",
    )
    year: int | None = Field(None, description="Năm của giấy.")
    residence_committee: int | None = Field(None, ge=1, le=MAX_ID, description="Đảng ủy nơi cư trú đang xử lý (id).")
    issuing_committee: int | None = Field(None, ge=1, le=MAX_ID, description="Cấp ủy nơi công tác đã ký (id).")
    q: str = Field("", description="Tìm không dấu theo tên đảng viên.")


@router.get("/letters", response={200: LetterPage, **READ_ERRORS}, summary="Danh sách giấy giới thiệu")
def list_letters(request: HttpRequest, filters: Query[LetterFilters]) -> Any:
    """Giấy giới thiệu của các sổ bạn giữ, và giấy đã gửi (không bao giờ là dự thảo) đến phía nơi cư trú của bạn."""
    scope = scope_of(request)
    qs = access.letters(scope)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.residence_committee is not None:
        qs = qs.filter(residence_committee_id=filters.residence_committee)
    if filters.issuing_committee is not None:
        qs = qs.filter(issuing_committee_id=filters.issuing_committee)
    if filters.q:
        qs = qs.filter(book__member__in=matching_members(scope, filters.q))
    qs = loaders.letters(qs).order_by("-year", "book__member__sort_key", "pk")
    return page(qs, filters, letter_out)


@router.get("/letters/{int:letter_id}", response={200: LetterOut, **DETAIL_ERRORS}, summary="Một giấy giới thiệu")
def get_letter(request: HttpRequest, letter_id: int) -> Any:
    return letter_out(visible(loaders.letters(access.letters(scope_of(request))), letter_id))


def _reread(pks: list[int]) -> list[LetterOut]:
    rows = {x.pk: x for x in loaders.letters(IntroductionLetter.objects.filter(pk__in=pks))}
    return [letter_out(rows[pk]) for pk in pks]


class PrepareLetterIn(Schema):
    model_config = {"extra": "forbid"}

    member_id: int


@router.post("/letters/prepare", response={201: LetterOut, **ACTION_ERRORS}, summary="Soạn giấy giới thiệu (dự thảo)")
def prepare_letter(request: HttpRequest, payload: PrepareLetterIn) -> Any:
    member = visible(access.members(scope_of(request)), payload.member_id)
    letter = actions.prepare_letter(member, by=caller(request))
    return Status(201, _reread([letter.pk])[0])


class IssueLettersIn(Schema):
    model_config = {"extra": "forbid"}

    member_ids: list[int] = Field(description="Các đảng viên được giới thiệu; ký tất cả hoặc không ký giấy nào.")
    on: datetime.date | None = Field(None, description="Ngày ký; mặc định hôm nay.")


@router.post(
    "/letters/issue", response={200: list[LetterOut], **ACTION_ERRORS}, summary="Ký, gửi giấy giới thiệu (nhiều người)"
)
def issue_letters(request: HttpRequest, payload: IssueLettersIn) -> Any:
    """Ký và gửi giấy giới thiệu: mỗi giấy được cấp số; có dự thảo thì ký dự thảo, không thì lập giấy mới.

    Tất cả hoặc không giấy nào.
    """
    members_qs = access.members(scope_of(request))
    members = [visible(members_qs, pk) for pk in payload.member_ids]
    letters = actions.issue_letters(members, by=caller(request), on=payload.on)
    return _reread([x.pk for x in letters])


class ConfirmItemIn(Schema):
    model_config = {"extra": "forbid"}

    letter_id: int
    cell_id: int = Field(ge=1, le=MAX_ID, description="Chi bộ nơi cư trú được phân công (id).")


class ConfirmLettersIn(Schema):
    model_config = {"extra": "forbid"}

    items: list[ConfirmItemIn] = Field(
        description="Mỗi giấy với chi bộ phân công; tiếp nhận tất cả hoặc không giấy nào."
    )
    received_on: datetime.date | None = Field(None, description="Ngày tiếp nhận; mặc định hôm nay.")
    on_behalf_of: str = Field("", max_length=200, description="Nhập từ giấy: người đã ký trên giấy.")


@router.post(
    "/letters/confirm",
    response={200: list[LetterOut], **ACTION_ERRORS},
    summary="Tiếp nhận giấy giới thiệu, phân công chi bộ",
)
def confirm_letters(request: HttpRequest, payload: ConfirmLettersIn) -> Any:
    scope = scope_of(request)
    letters_qs, orgs = access.letters(scope), access.organisations(scope)
    pairs = [(visible(letters_qs, item.letter_id), visible(orgs, item.cell_id)) for item in payload.items]
    letters = actions.confirm_letters(
        pairs, by=caller(request), received_on=payload.received_on, on_behalf_of=payload.on_behalf_of
    )
    return _reread([x.pk for x in letters])


class WithdrawLetterIn(Schema):
    model_config = {"extra": "forbid"}

    reason: str = Field(max_length=300)
    on: datetime.date | None = None


@router.post(
    "/letters/{int:letter_id}/withdraw", response={200: LetterOut, **ACTION_ERRORS}, summary="Thu hồi giấy giới thiệu"
)
def withdraw_letter(request: HttpRequest, letter_id: int, payload: WithdrawLetterIn) -> Any:
    letter = visible(access.letters(scope_of(request)), letter_id)
    actions.withdraw_letter(letter, reason=payload.reason, by=caller(request), on=payload.on)
    return _reread([letter.pk])[0]
