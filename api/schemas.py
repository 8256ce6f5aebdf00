"""What the API answers with: one schema per thing, clear names, ISO dates.

The residence side gets `MemberOut` (name, sex, birth year, workplace, address), never the
identity numbers or ratings of `MemberFullOut`; `member_out` picks by `Scope.sees_identity`.
Builders take rows loaded by `api.loaders` and run no query of their own. Schema docstrings
are Vietnamese: they are the descriptions the OpenAPI document and the docs page publish.
"""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Schema

from books import clock
from books.access import Scope
from books.models import (
    AnnualRating,
    Book,
    CommentRequest,
    Event,
    IntroductionLetter,
    ResidenceMeeting,
    ResidenceRegisterEntry,
    ViolationNotice,
)
from members.models import Member
from orgs.models import AdministrativeUnit, Organisation

# --------------------------------------------------------------------------- references


class OrgRef(Schema):
    """Một tổ chức đảng (theo id)."""

    id: int
    name: str
    kind: str


class UnitRef(Schema):
    """Một đơn vị hành chính theo mã chính thức trong danh mục ('2025' hoặc 'pre2025')."""

    code: int
    name: str
    edition: str


class MemberRef(Schema):
    id: int
    full_name: str


def org_ref(org: Organisation | None) -> OrgRef | None:
    return OrgRef(id=org.pk, name=org.name, kind=org.kind) if org is not None else None


def unit_ref(unit: AdministrativeUnit | None) -> UnitRef | None:
    return UnitRef(code=unit.code, name=unit.name, edition=unit.edition) if unit is not None else None


def member_ref(member: Member) -> MemberRef:
    return MemberRef(id=member.pk, full_name=member.full_name)


# --------------------------------------------------------------------------- members

MEMBER_STATES = {
    "to_introduce": "Cần giới thiệu về nơi cư trú",
    "waiting": "Đã gửi giấy, chờ nơi cư trú tiếp nhận",
    "received": "Đã tiếp nhận, sinh hoạt nơi cư trú",
    "not_introduced": "Không giới thiệu (diện E2)",
    "closed": "Đã đóng sổ (nghỉ hưu / thôi công tác)",
}


class MemberOut(Schema):
    """Đảng viên như phía nơi cư trú được xem: không có số thẻ đảng, số CCCD, xếp loại."""

    id: int
    full_name: str
    sex: str
    sex_label: str
    birth_year: int
    workplace_cell: OrgRef
    workplace_committee: OrgRef
    workplace_label: str
    residence_commune: UnitRef
    residence_line: str
    residence_kind: str
    exemption: str
    employment: str
    employment_label: str
    state: str
    state_label: str
    residence_committee: OrgRef | None
    residence_cell: OrgRef | None


class MemberFullOut(MemberOut):
    """Đảng viên như nơi công tác, Ban Tổ chức và chính đảng viên được xem."""

    birth_date: datetime.date
    admitted_on: datetime.date
    official_on: datetime.date | None
    party_card_number: str
    national_id: str
    phone: str
    email: str
    workplace_title: str
    exemption_reason: str
    exemption_from: datetime.date | None
    exemption_until: datetime.date | None


class RatingOut(Schema):
    """Xếp loại cuối năm (QĐ 124), với phiếu nhận xét nơi cư trú làm căn cứ."""

    id: int
    book_id: int
    member: MemberRef
    year: int
    level: str
    level_label: str
    without_comment: bool
    comment_id: int | None
    rated_on: datetime.date
    note: str


class MemberDetailOut(MemberFullOut):
    """Một đảng viên với sổ đang dùng (hoặc sổ gần nhất) và các lần xếp loại: chỉ nơi công tác."""

    book_id: int | None
    ratings: list[RatingOut]


def member_state(member: Member) -> str:
    if member.employment != "employed" or not getattr(member, "has_open_book", True):
        return "closed"
    if getattr(member, "has_received", False):
        return "received"
    if getattr(member, "has_issued", False):
        return "waiting"
    if member.exemption == "E2":
        return "not_introduced"
    return "to_introduce"


def _open_entry(member: Member, scope: Scope, identity: bool) -> ResidenceRegisterEntry | None:
    """The member's open register row, if the caller's side may know it."""
    entries = getattr(member, "open_entries", None)
    if entries is None:
        entries = list(
            member.register_entries.filter(left_on__isnull=True).select_related("cell", "residence_committee")
        )
    for entry in entries:
        if (
            identity
            or entry.residence_committee_id in scope.residence_committees
            or entry.cell_id in scope.residence_cells
        ):
            return entry
    return None


def member_out(member: Member, scope: Scope) -> MemberOut | MemberFullOut:
    identity = scope.sees_identity(member)
    entry = _open_entry(member, scope, identity)
    state = member_state(member)
    cell = member.workplace_cell
    base: dict[str, Any] = {
        "id": member.pk,
        "full_name": member.full_name,
        "sex": member.sex,
        "sex_label": member.get_sex_display(),
        "birth_year": member.birth_date.year,
        "workplace_cell": org_ref(cell),
        "workplace_committee": org_ref(cell.workplace_committee),
        "workplace_label": cell.workplace_label,
        "residence_commune": unit_ref(member.residence_commune),
        "residence_line": member.residence_line,
        "residence_kind": member.residence_kind,
        "exemption": member.exemption,
        "employment": member.employment,
        "employment_label": member.get_employment_display(),
        "state": state,
        "state_label": MEMBER_STATES[state],
        "residence_committee": org_ref(entry.residence_committee) if entry else None,
        "residence_cell": org_ref(entry.cell) if entry else None,
    }
    if not identity:
        return MemberOut(**base)
    return MemberFullOut(**base, **_identity(member))


def _identity(member: Member) -> dict[str, Any]:
    return {
        "birth_date": member.birth_date,
        "admitted_on": member.admitted_on,
        "official_on": member.official_on,
        "party_card_number": member.party_card_number,
        "national_id": member.national_id,
        "phone": member.phone,
        "email": member.email,
        "workplace_title": member.workplace_title,
        "exemption_reason": member.exemption_reason,
        "exemption_from": member.exemption_from,
        "exemption_until": member.exemption_until,
    }


def member_detail_out(
    member: Member, scope: Scope, book: Book | None, ratings: list[AnnualRating]
) -> MemberOut | MemberDetailOut:
    out = member_out(member, scope)
    if not isinstance(out, MemberFullOut):
        return out
    return MemberDetailOut(
        **out.model_dump(), book_id=book.pk if book else None, ratings=[rating_out(r, member) for r in ratings]
    )


def rating_out(rating: AnnualRating, member: Member | None = None) -> RatingOut:
    return RatingOut(
        id=rating.pk,
        book_id=rating.book_id,
        member=member_ref(member or rating.book.member),
        year=rating.year,
        level=rating.level,
        level_label=rating.get_level_display(),
        without_comment=rating.without_comment,
        comment_id=rating.comment_id,
        rated_on=rating.rated_on,
        note=rating.note,
    )


# --------------------------------------------------------------------------- letters


class LetterOut(Schema):
    """Mẫu 1-213: thông tin đảng viên như in trên giấy, người ký, người tiếp nhận, chi bộ được phân công."""

    id: int
    number: str | None
    status: str
    status_label: str
    year: int
    member: MemberRef
    full_name: str
    sex: str
    birth_date: datetime.date
    admitted_on: datetime.date
    official_on: datetime.date | None
    workplace_cell: OrgRef
    workplace_label: str
    issuing_committee: OrgRef
    addressee: OrgRef
    residence_committee: OrgRef
    residence_commune: UnitRef
    residence_line: str
    residence_kind: str
    exemption: str
    issued_on: datetime.date | None
    signer_name: str
    signer_title: str
    received_on: datetime.date | None
    receiver_name: str
    assigned_cell: OrgRef | None
    ended_on: datetime.date | None
    end_reason: str
    entered_on_behalf_of: str
    carried_over_from_id: int | None
    superseded_by_id: int | None


def letter_out(letter: IntroductionLetter) -> LetterOut:
    number = letter.display_number
    return LetterOut(
        id=letter.pk,
        number=None if number.startswith("(") else number,
        status=letter.status,
        status_label=letter.get_status_display(),
        year=letter.year,
        member=MemberRef(id=letter.book.member_id, full_name=letter.full_name),
        full_name=letter.full_name,
        sex=letter.sex,
        birth_date=letter.birth_date,
        admitted_on=letter.admitted_on,
        official_on=letter.official_on,
        workplace_cell=org_ref(letter.workplace_cell),
        workplace_label=letter.workplace_cell.workplace_label,
        issuing_committee=org_ref(letter.issuing_committee),
        addressee=org_ref(letter.addressee),
        residence_committee=org_ref(letter.residence_committee),
        residence_commune=unit_ref(letter.residence_commune),
        residence_line=letter.residence_line,
        residence_kind=letter.residence_kind,
        exemption=letter.exemption,
        issued_on=letter.issued_on,
        signer_name=letter.signer_name,
        signer_title=letter.signer_title,
        received_on=letter.received_on,
        receiver_name=letter.receiver_name,
        assigned_cell=org_ref(letter.assigned_cell),
        ended_on=letter.ended_on,
        end_reason=letter.end_reason,
        entered_on_behalf_of=letter.entered_on_behalf_of,
        carried_over_from_id=letter.carried_over_from_id,
        superseded_by_id=letter.superseded_by_id,
    )


# --------------------------------------------------------------------------- comments


class CriterionOut(Schema):
    key: str
    label: str
    text: str


class CommentOut(Schema):
    """Mẫu 3-213: đề nghị, nhận xét của chi bộ nơi cư trú và mọi bước sau đó."""

    id: int
    year: int
    kind: str
    kind_label: str
    reason: str
    reason_label: str
    reason_note: str
    status: str
    status_label: str
    overdue: bool
    member: MemberRef
    letter_id: int
    requesting_committee: OrgRef
    residence_committee: OrgRef
    residence_cell: OrgRef | None
    requested_on: datetime.date
    due_on: datetime.date
    return_due_on: datetime.date
    criteria: list[CriterionOut]
    shortcomings: str
    people_opinion: str
    summary: str
    summary_label: str
    front_participant: str
    drafted_at: datetime.datetime | None
    signed_on: datetime.date | None
    signer_name: str
    signer_title: str
    entered_on_behalf_of: str
    certified_on: datetime.date | None
    certifier_name: str
    returned_on: datetime.date | None
    acknowledged_on: datetime.date | None
    cancelled_on: datetime.date | None
    cancel_reason: str


def comment_out(request: CommentRequest, today: datetime.date | None = None) -> CommentOut:
    profile = request.book.profile
    texts = request.criteria or {}
    return CommentOut(
        id=request.pk,
        year=request.year,
        kind=request.kind,
        kind_label=request.get_kind_display(),
        reason=request.reason,
        reason_label=profile.reason_label(request.reason) if request.reason else "",
        reason_note=request.reason_note,
        status=request.status,
        status_label=request.get_status_display(),
        overdue=request.is_overdue(today or clock.today()),
        member=member_ref(request.book.member),
        letter_id=request.letter_id,
        requesting_committee=org_ref(request.requesting_committee),
        residence_committee=org_ref(request.residence_committee),
        residence_cell=org_ref(request.residence_cell),
        requested_on=request.requested_on,
        due_on=request.due_on,
        return_due_on=request.return_due_on,
        criteria=[CriterionOut(key=c["key"], label=c["label"], text=texts.get(c["key"], "")) for c in profile.criteria],
        shortcomings=request.shortcomings,
        people_opinion=request.people_opinion,
        summary=request.summary,
        summary_label=request.summary_label,
        front_participant=request.front_participant,
        drafted_at=request.drafted_at,
        signed_on=request.signed_on,
        signer_name=request.signer_name,
        signer_title=request.signer_title,
        entered_on_behalf_of=request.entered_on_behalf_of,
        certified_on=request.certified_on,
        certifier_name=request.certifier_name,
        returned_on=request.returned_on,
        acknowledged_on=request.acknowledged_on,
        cancelled_on=request.cancelled_on,
        cancel_reason=request.cancel_reason,
    )


# --------------------------------------------------------------------------- books


class TermOut(Schema):
    start_year: int
    end_year: int
    label: str


class EventOut(Schema):
    """Một dòng nhật ký của sổ."""

    at: datetime.datetime
    actor_name: str
    actor_role: str
    actor_organisation: OrgRef | None
    verb: str
    verb_label: str
    object: str
    state_before: str
    state_after: str


class NoticeOut(Schema):
    """Phiếu báo: vi phạm ở nơi cư trú và trả lời của nơi công tác."""

    id: int
    status: str
    status_label: str
    overdue: bool
    member: MemberRef
    residence_committee: OrgRef
    workplace_committee: OrgRef
    observed_on: datetime.date
    description: str
    raised_on: datetime.date
    raised_by_name: str
    answer_due_on: datetime.date
    answer: str
    answered_on: datetime.date | None
    answered_by_name: str


class BookOut(Schema):
    """Sổ liên hệ của một đảng viên trong một nhiệm kỳ, do cấp ủy nơi công tác giữ."""

    id: int
    member: MemberRef
    term: TermOut
    holder: OrgRef
    profile: str
    status: str
    status_label: str
    opened_on: datetime.date
    closed_on: datetime.date | None
    closed_reason: str


class BookDetailOut(BookOut):
    """Sổ với mọi nội dung, cũ trước mới sau: dòng thời gian của đảng viên."""

    letters: list[LetterOut]
    comments: list[CommentOut]
    notices: list[NoticeOut]
    ratings: list[RatingOut]
    events: list[EventOut]


def book_out(book: Book) -> BookOut:
    term = book.term
    return BookOut(
        id=book.pk,
        member=member_ref(book.member),
        term=TermOut(start_year=term.start_year, end_year=term.end_year, label=str(term)),
        holder=org_ref(book.holder),
        profile=book.profile.code,
        status=book.status,
        status_label=book.get_status_display(),
        opened_on=book.opened_on,
        closed_on=book.closed_on,
        closed_reason=book.closed_reason,
    )


def event_out(event: Event) -> EventOut:
    return EventOut(
        at=event.at,
        actor_name=event.actor_name,
        actor_role=event.actor_role,
        actor_organisation=org_ref(event.actor_org),
        verb=event.verb,
        verb_label=event.verb_label,
        object=event.object_repr,
        state_before=event.state_before,
        state_after=event.state_after,
    )


def book_detail_out(book: Book) -> BookDetailOut:
    today = clock.today()
    for letter in book.letters.all():  # the prefetched rows know their book already
        letter.book = book
    for request in book.comments.all():
        request.book = book
    return BookDetailOut(
        **book_out(book).model_dump(),
        letters=[letter_out(x) for x in book.letters.all()],
        comments=[comment_out(x, today) for x in book.comments.all()],
        notices=[notice_out(x, today, book.member) for x in book.notices.all()],
        ratings=[rating_out(x, book.member) for x in book.ratings.all()],
        events=[event_out(x) for x in book.events.all()],
    )


def notice_out(notice: ViolationNotice, today: datetime.date | None = None, member: Member | None = None) -> NoticeOut:
    return NoticeOut(
        id=notice.pk,
        status=notice.status,
        status_label=notice.get_status_display(),
        overdue=notice.is_overdue(today or clock.today()),
        member=member_ref(member or notice.book.member),
        residence_committee=org_ref(notice.residence_committee),
        workplace_committee=org_ref(notice.workplace_committee),
        observed_on=notice.observed_on,
        description=notice.description,
        raised_on=notice.raised_on,
        raised_by_name=notice.raised_by.get_full_name(),
        answer_due_on=notice.answer_due_on,
        answer=notice.answer,
        answered_on=notice.answered_on,
        answered_by_name=notice.answered_by.get_full_name() if notice.answered_by else "",
    )


# --------------------------------------------------------------------------- register


class RegisterMemberOut(Schema):
    id: int
    full_name: str
    sex: str
    birth_date: datetime.date
    workplace_label: str
    address: str


class RegisterLetterOut(Schema):
    id: int
    number: str | None
    issued_on: datetime.date | None
    received_on: datetime.date | None


class RegisterCommentOut(Schema):
    """Nhận xét một năm của nhiệm kỳ, như cột trong sổ theo dõi."""

    id: int
    year: int
    kind: str
    status: str
    status_label: str
    summary: str
    summary_label: str


class RegisterEntryOut(Schema):
    """Một dòng sổ theo dõi nơi cư trú, từ ngày tiếp nhận đến khi đảng viên rời."""

    id: int
    member: RegisterMemberOut
    residence_committee: OrgRef
    cell: OrgRef
    letter: RegisterLetterOut
    entered_on: datetime.date
    left_on: datetime.date | None
    left_reason: str
    left_reason_label: str
    left_note: str
    is_open: bool
    comments: list[RegisterCommentOut]


def register_out(entry: ResidenceRegisterEntry) -> RegisterEntryOut:
    member = entry.member
    letter = entry.letter
    number = letter.display_number
    comments = getattr(letter, "term_comments", None)
    if comments is None:
        comments = list(letter.comments.exclude(status="cancelled").select_related("book__profile").order_by("year"))
    return RegisterEntryOut(
        id=entry.pk,
        member=RegisterMemberOut(
            id=member.pk,
            full_name=member.full_name,
            sex=member.sex,
            birth_date=member.birth_date,
            workplace_label=member.workplace_cell.workplace_label,
            address=member.address(),
        ),
        residence_committee=org_ref(entry.residence_committee),
        cell=org_ref(entry.cell),
        letter=RegisterLetterOut(
            id=letter.pk,
            number=None if number.startswith("(") else number,
            issued_on=letter.issued_on,
            received_on=letter.received_on,
        ),
        entered_on=entry.entered_on,
        left_on=entry.left_on,
        left_reason=entry.left_reason,
        left_reason_label=entry.get_left_reason_display() if entry.left_reason else "",
        left_note=entry.left_note,
        is_open=entry.left_on is None,
        comments=[
            RegisterCommentOut(
                id=c.pk,
                year=c.year,
                kind=c.kind,
                status=c.status,
                status_label=c.get_status_display(),
                summary=c.summary,
                summary_label=c.summary_label,
            )
            for c in comments
        ],
    )


# --------------------------------------------------------------------------- meetings


class AttendanceOut(Schema):
    member: MemberRef
    present: bool
    absence_reason: str


class MeetingOut(Schema):
    """Buổi sinh hoạt 6 tháng của chi bộ nơi cư trú và ai có mặt."""

    id: int
    cell: OrgRef
    residence_committee: OrgRef | None
    held_on: datetime.date
    year: int
    half: int
    topic: str
    present: int
    absent: int
    attendance: list[AttendanceOut]


def meeting_out(meeting: ResidenceMeeting) -> MeetingOut:
    rows = list(meeting.attendance.all())
    return MeetingOut(
        id=meeting.pk,
        cell=org_ref(meeting.cell),
        residence_committee=org_ref(meeting.cell.parent),
        held_on=meeting.held_on,
        year=meeting.year,
        half=meeting.half,
        topic=meeting.topic,
        present=sum(1 for r in rows if r.present),
        absent=sum(1 for r in rows if not r.present),
        attendance=[
            AttendanceOut(member=member_ref(r.member), present=r.present, absence_reason=r.absence_reason) for r in rows
        ],
    )


# --------------------------------------------------------------------------- organisations, units


class OrganisationOut(Schema):
    """Tổ chức đảng: cấp ủy, chi bộ, Ban Tổ chức."""

    id: int
    kind: str
    kind_label: str
    name: str
    parent: OrgRef | None
    province_code: int | None
    commune: UnitRef | None
    area_name: str
    has_executive: bool
    letter_suffix: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    successor_id: int | None
    active: bool


def organisation_out(org: Organisation, today: datetime.date) -> OrganisationOut:
    return OrganisationOut(
        id=org.pk,
        kind=org.kind,
        kind_label=org.get_kind_display(),
        name=org.name,
        parent=org_ref(org.parent),
        province_code=org.province_code,
        commune=unit_ref(org.commune),
        area_name=org.area_name,
        has_executive=org.has_executive,
        letter_suffix=org.letter_suffix,
        valid_from=org.valid_from,
        valid_until=org.valid_until,
        successor_id=org.successor_id,
        active=(org.valid_until is None or org.valid_until >= today)
        and (org.valid_from is None or org.valid_from <= today),
    )


class UnitOut(Schema):
    """Đơn vị hành chính trong danh mục chính thức, xác định bằng (danh mục, cấp, mã)."""

    id: int
    edition: str
    level: str
    code: int
    name: str
    division_type: str
    province_code: int
    parent: UnitRef | None
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    current: bool
    successors: list[UnitRef]


def unit_out(unit: AdministrativeUnit, today: datetime.date) -> UnitOut:
    return UnitOut(
        id=unit.pk,
        edition=unit.edition,
        level=unit.level,
        code=unit.code,
        name=unit.name,
        division_type=unit.division_type,
        province_code=unit.province_code,
        parent=unit_ref(unit.parent),
        valid_from=unit.valid_from,
        valid_until=unit.valid_until,
        current=unit.valid_until is None or unit.valid_until >= today,
        successors=[unit_ref(link.successor) for link in unit.successor_links.all()],  # type: ignore[misc]
    )


# --------------------------------------------------------------------------- pages


def page_schema(name: str, item: Any, doc: str) -> type[Schema]:
    """The schema of one page of a list: how many in all, which slice, the rows."""
    return type(
        name,
        (Schema,),
        {
            "__annotations__": {"count": int, "limit": int, "offset": int, "items": list[item]},
            "__doc__": doc,
        },
    )


MemberPage = page_schema("MemberPage", MemberFullOut | MemberOut, "Một trang danh sách đảng viên.")
BookPage = page_schema("BookPage", BookOut, "Một trang danh sách sổ liên hệ.")
LetterPage = page_schema("LetterPage", LetterOut, "Một trang danh sách giấy giới thiệu (mẫu 1-213).")
CommentPage = page_schema("CommentPage", CommentOut, "Một trang danh sách phiếu nhận xét (mẫu 3-213).")
RegisterPage = page_schema("RegisterPage", RegisterEntryOut, "Một trang sổ theo dõi nơi cư trú.")
NoticePage = page_schema("NoticePage", NoticeOut, "Một trang danh sách phiếu báo vi phạm.")
MeetingPage = page_schema("MeetingPage", MeetingOut, "Một trang danh sách buổi sinh hoạt nơi cư trú.")
OrganisationPage = page_schema("OrganisationPage", OrganisationOut, "Một trang danh sách tổ chức đảng.")
UnitPage = page_schema("UnitPage", UnitOut, "Một trang danh mục đơn vị hành chính.")
