"""/members: the members the caller may see, and the actions on a member."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.db.models import Case, IntegerField, Q, Value, When
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

import privacy
from books import access, actions
from books.models import AnnualRating, Book, BookStatus, IntroductionLetter
from members.models import EmploymentStatus, Exemption, Member
from orgs.models import WORKPLACE_SIDE, Organisation

from . import loaders
from .common import (
    ACTION_ERRORS,
    DETAIL_ERRORS,
    MAX_CODE,
    MAX_ID,
    READ_ERRORS,
    Paging,
    caller,
    current_commune,
    matching_members,
    page,
    scope_of,
    visible,
)
from .schemas import (
    BookOut,
    LetterOut,
    MemberDetailOut,
    MemberOut,
    MemberPage,
    RegisterEntryOut,
    book_out,
    letter_out,
    member_detail_out,
    member_out,
    register_out,
)

router = Router(tags=["Đảng viên"])

StateName = Literal["to_introduce", "waiting", "received", "not_introduced", "closed"]


class MemberFilters(Paging):
    q: str = Field(
        "", description="Tìm không dấu theo tên ('nguyen van an'); theo số thẻ đảng / CCCD nếu bạn được xem."
    )
    cell: int | None = Field(None, ge=1, le=MAX_ID, description="Chi bộ nơi công tác hoặc chi bộ nơi cư trú (id).")
    exemption: Literal["none", "E1", "E1a", "E1b", "E1c", "E2"] | None = Field(
        None, description="none = không miễn; E1 = mọi diện E1."
    )
    state: StateName | None = Field(
        None,
        description="to_introduce = cần giới thiệu; waiting = chờ tiếp nhận; received = đã tiếp nhận; "
        "not_introduced = diện E2; closed = đã đóng sổ.",
    )


_EMPLOYED_OPEN = Q(employment=EmploymentStatus.EMPLOYED, has_open_book=True)
_NO_LETTER_OUT = Q(has_issued=False, has_received=False)
STATE_FILTERS = {
    "closed": ~Q(employment=EmploymentStatus.EMPLOYED) | Q(has_open_book=False),
    "received": _EMPLOYED_OPEN & Q(has_received=True),
    "waiting": _EMPLOYED_OPEN & Q(has_received=False, has_issued=True),
    "not_introduced": _EMPLOYED_OPEN & _NO_LETTER_OUT & Q(exemption=Exemption.E2),
    "to_introduce": _EMPLOYED_OPEN & _NO_LETTER_OUT & ~Q(exemption=Exemption.E2),
}


@router.get("/members", response={200: MemberPage, **READ_ERRORS}, summary="Danh sách đảng viên")
def list_members(request: HttpRequest, filters: Query[MemberFilters]) -> Any:
    """Đảng viên bạn được xem, xếp theo tên kiểu Việt Nam.

    Phía nơi cư trú chỉ thấy họ tên, giới tính, năm sinh, nơi công tác, địa chỉ (`MemberOut`);
    nơi công tác, Ban Tổ chức và chính đảng viên thấy thêm số thẻ đảng, số CCCD (`MemberFullOut`).
    Đảng viên diện E2 không bao giờ hiện ở phía nơi cư trú.
    """
    scope = scope_of(request)
    qs = loaders.members(access.members(scope))
    if filters.q:
        qs = qs.filter(pk__in=matching_members(scope, filters.q))
    if filters.cell is not None:
        qs = qs.filter(
            Q(workplace_cell_id=filters.cell)
            | Q(
                pk__in=Member.objects.filter(
                    register_entries__cell_id=filters.cell, register_entries__left_on__isnull=True
                ).values("pk")
            )
        )
    if filters.exemption == "none":
        qs = qs.filter(exemption="")
    elif filters.exemption == "E1":
        qs = qs.filter(exemption__in=Exemption.e1())
    elif filters.exemption:
        qs = qs.filter(exemption=filters.exemption)
    if filters.state:
        qs = qs.filter(STATE_FILTERS[filters.state])
    result = page(qs.vietnamese_order(), filters, lambda m: member_out(m, scope))
    privacy.record_bulk(request, sum(1 for item in result["items"] if hasattr(item, "national_id")), what="api_list")
    return result


def member_detail(member: Member, scope: access.Scope) -> MemberOut | MemberDetailOut:
    if not scope.sees_identity(member):
        return member_detail_out(member, scope, None, [])
    book = (
        Book.objects.filter(member=member)
        .annotate(
            open_first=Case(When(status=BookStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("open_first", "-term__start_year")
        .first()
    )
    ratings = list(AnnualRating.objects.filter(book__member=member).order_by("year", "pk"))
    return member_detail_out(member, scope, book, ratings)


def reread(member: Member | int, scope: access.Scope) -> MemberOut | MemberDetailOut:
    """The member after an action the caller was allowed to take."""
    pk = member if isinstance(member, int) else member.pk
    return member_detail(loaders.members(Member.objects.all()).get(pk=pk), scope)


@router.get(
    "/members/{int:member_id}", response={200: MemberDetailOut | MemberOut, **DETAIL_ERRORS}, summary="Một đảng viên"
)
def get_member(request: HttpRequest, member_id: int) -> Any:
    """Một đảng viên; nơi công tác thấy thêm mã sổ liên hệ và kết quả xếp loại hằng năm."""
    scope = scope_of(request)
    member = visible(loaders.members(access.members(scope)), member_id)
    if scope.sees_identity(member):
        privacy.record_view(request, member, what="api")
    return member_detail(member, scope)


def _member(request: HttpRequest, member_id: int) -> Member:
    return visible(access.members(scope_of(request)), member_id)


def _visible_org(request: HttpRequest, pk: int) -> Organisation:
    return visible(access.organisations(scope_of(request)), pk)


# --------------------------------------------------------------------------- actions


class RegisterMemberIn(Schema):
    """Đảng viên mới và sổ liên hệ của nhiệm kỳ hiện tại."""

    model_config = {"extra": "forbid"}

    workplace_cell_id: int = Field(ge=1, le=MAX_ID, description="Chi bộ nơi công tác (id), của cấp ủy bạn.")
    full_name: str = Field(max_length=120)
    sex: Literal["M", "F"] = Field(description="M = Nam, F = Nữ.")
    birth_date: datetime.date
    admitted_on: datetime.date = Field(description="Ngày vào Đảng.")
    official_on: datetime.date | None = Field(None, description="Ngày chính thức.")
    party_card_number: str = Field(max_length=12)
    national_id: str = Field(max_length=12, description="Số định danh cá nhân (CCCD), 12 chữ số.")
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    workplace_title: str = Field("", max_length=200)
    residence_commune_code: int = Field(
        ge=1, le=MAX_CODE, description="Mã xã/phường/đặc khu nơi cư trú (danh mục 2025)."
    )
    residence_line: str = Field(max_length=200, description="Số nhà, đường, thôn/ấp/khóm/tổ.")
    residence_kind: Literal["permanent", "temporary"] = "permanent"


@router.post("/members", response={201: MemberDetailOut | MemberOut, **ACTION_ERRORS}, summary="Thêm đảng viên")
def register_member(request: HttpRequest, payload: RegisterMemberIn) -> Any:
    cell = _visible_org(request, payload.workplace_cell_id)
    fields = payload.model_dump(exclude={"workplace_cell_id", "residence_commune_code"})
    fields["residence_commune"] = current_commune(payload.residence_commune_code, "residence_commune_code")
    member = actions.register_member(by=caller(request), workplace_cell=cell, **fields)
    return Status(201, reread(member, scope_of(request)))


class UpdateMemberIn(Schema):
    """Sửa thông tin đảng viên; chỉ gửi những trường cần sửa."""

    model_config = {"extra": "forbid"}

    full_name: str | None = Field(None, max_length=120)
    sex: Literal["M", "F"] | None = None
    birth_date: datetime.date | None = None
    admitted_on: datetime.date | None = None
    official_on: datetime.date | None = None
    party_card_number: str | None = Field(None, max_length=12)
    national_id: str | None = Field(None, max_length=12)
    phone: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    workplace_title: str | None = Field(None, max_length=200)


@router.post(
    "/members/{int:member_id}/update",
    response={200: MemberDetailOut | MemberOut, **ACTION_ERRORS},
    summary="Sửa thông tin đảng viên",
)
def update_member(request: HttpRequest, member_id: int, payload: UpdateMemberIn) -> Any:
    member = _member(request, member_id)
    changes = payload.model_dump(exclude_unset=True)
    for name in ("full_name", "sex", "birth_date", "admitted_on", "party_card_number", "national_id"):
        if name in changes and changes[name] is None:
            changes.pop(name)  # a required particular cannot be emptied; null means "unchanged"
    for name in ("phone", "email", "workplace_title"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    actions.update_member(member, by=caller(request), **changes)
    return reread(member, scope_of(request))


class ReassignCellIn(Schema):
    model_config = {"extra": "forbid"}

    cell_id: int = Field(ge=1, le=MAX_ID, description="Chi bộ nơi cư trú mới (id), của cùng đảng ủy.")
    on: datetime.date | None = Field(None, description="Ngày chuyển; mặc định hôm nay.")


@router.post(
    "/members/{int:member_id}/reassign-cell",
    response={200: RegisterEntryOut, **ACTION_ERRORS},
    summary="Chuyển chi bộ nơi cư trú",
)
def reassign_cell(request: HttpRequest, member_id: int, payload: ReassignCellIn) -> Any:
    member = _member(request, member_id)
    cell = _visible_org(request, payload.cell_id)
    entry = actions.reassign_cell(member, cell=cell, by=caller(request), on=payload.on)
    return register_out(loaders.register(type(entry).objects.all()).get(pk=entry.pk))


class ChangeResidenceIn(Schema):
    model_config = {"extra": "forbid"}

    commune_code: int = Field(ge=1, le=MAX_CODE, description="Mã xã/phường/đặc khu nơi ở mới (danh mục 2025).")
    line: str = Field(max_length=200, description="Số nhà, đường, thôn/ấp/khóm/tổ.")
    kind: Literal["permanent", "temporary"] | None = None
    on: datetime.date | None = None


class ResidenceChangedOut(Schema):
    """Đảng viên ở địa chỉ mới và giấy giới thiệu mới (không có nếu diện E2 hoặc chưa từng được giới thiệu)."""

    member: MemberDetailOut | MemberOut
    new_letter: LetterOut | None


@router.post(
    "/members/{int:member_id}/change-residence",
    response={200: ResidenceChangedOut, **ACTION_ERRORS},
    summary="Chuyển nơi cư trú",
)
def change_residence(request: HttpRequest, member_id: int, payload: ChangeResidenceIn) -> Any:
    member = _member(request, member_id)
    commune = current_commune(payload.commune_code, "commune_code")
    letter = actions.change_residence(
        member, commune=commune, line=payload.line, kind=payload.kind, by=caller(request), on=payload.on
    )
    new_letter = letter_out(loaders.letters(IntroductionLetter.objects.all()).get(pk=letter.pk)) if letter else None
    return {"member": reread(member, scope_of(request)), "new_letter": new_letter}


class ChangeWorkplaceIn(Schema):
    model_config = {"extra": "forbid"}

    cell_id: int = Field(
        ge=1, le=MAX_ID, description="Chi bộ nơi công tác mới (id); sổ chuyển sang cấp ủy của chi bộ đó."
    )
    on: datetime.date | None = None


@router.post(
    "/members/{int:member_id}/change-workplace", response={200: BookOut, **ACTION_ERRORS}, summary="Chuyển nơi công tác"
)
def change_workplace(request: HttpRequest, member_id: int, payload: ChangeWorkplaceIn) -> Any:
    """Sổ liên hệ chuyển sang cấp ủy của chi bộ mới. Chi bộ mới có thể thuộc cấp ủy khác:
    mọi chi bộ nơi công tác đang hoạt động đều nhận được đảng viên."""
    member = _member(request, member_id)
    cell = visible(Organisation.objects.filter(kind__in=WORKPLACE_SIDE), payload.cell_id)
    book = actions.change_workplace(member, cell=cell, by=caller(request), on=payload.on)
    return book_out(loaders.books(Book.objects.all()).get(pk=book.pk))


class EndEmploymentIn(Schema):
    model_config = {"extra": "forbid"}

    reason: Literal["retired", "left"] = Field(description="retired = nghỉ hưu; left = thôi công tác.")
    on: datetime.date | None = None


@router.post(
    "/members/{int:member_id}/end-employment",
    response={200: BookOut, **ACTION_ERRORS},
    summary="Nghỉ hưu / thôi công tác",
)
def end_employment(request: HttpRequest, member_id: int, payload: EndEmploymentIn) -> Any:
    member = _member(request, member_id)
    book = actions.end_employment(member, reason=payload.reason, by=caller(request), on=payload.on)
    return book_out(loaders.books(Book.objects.all()).get(pk=book.pk))


class SetExemptionIn(Schema):
    model_config = {"extra": "forbid"}

    exemption: Literal["E1a", "E1b", "E1c", "E2"] = Field(
        description="E1a/E1b/E1c: giới thiệu nhưng miễn sinh hoạt; E2: không giới thiệu."
    )
    reason: str = Field(max_length=300)
    since: datetime.date | None = None
    until: datetime.date | None = None


@router.post(
    "/members/{int:member_id}/exemption",
    response={200: MemberDetailOut | MemberOut, **ACTION_ERRORS},
    summary="Đặt diện miễn sinh hoạt nơi cư trú",
)
def set_exemption(request: HttpRequest, member_id: int, payload: SetExemptionIn) -> Any:
    member = _member(request, member_id)
    actions.set_exemption(
        member,
        exemption=payload.exemption,
        reason=payload.reason,
        since=payload.since,
        until=payload.until,
        by=caller(request),
    )
    return reread(member, scope_of(request))


@router.post(
    "/members/{int:member_id}/exemption/clear",
    response={200: MemberDetailOut | MemberOut, **ACTION_ERRORS},
    summary="Bỏ diện miễn",
)
def clear_exemption(request: HttpRequest, member_id: int) -> Any:
    member = _member(request, member_id)
    actions.clear_exemption(member, by=caller(request))
    return reread(member, scope_of(request))
