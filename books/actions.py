"""Every state change of the 213 process.

One function per verb. Each runs in one transaction, checks that the actor holds a role that
allows it in the right organisation, checks the allowed transition, and writes exactly one
`Event` for the object it acts on; what follows from it in the same transaction (a request
cancelled, a register row closed) is listed in that event's data. A bulk call is the single
action repeated, all or nothing; `open_campaign` writes one event per request it creates.
A refused action raises a `DomainError` with a Vietnamese message and changes nothing.

`by=None` means the system itself (a cron job); only the actions that say so accept it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext

from members.models import EmploymentStatus, Exemption, Member, ResidenceKind
from orgs.models import (
    COMMITTEE_ROLES,
    SIGNING_ROLES,
    AdministrativeUnit,
    Organisation,
    OrgKind,
    Role,
    RoleAssignment,
    UnitLevel,
    UnitSuccession,
)
from orgs.text import nfc

from . import audit, bulk, clock
from .errors import InvalidInput, NotAllowed, TransitionError
from .models import (
    ADDRESS_CHANGE_TRANSITIONS,
    COMMENT_TRANSITIONS,
    LETTER_TRANSITIONS,
    NOTICE_TRANSITIONS,
    AddressChangeRequest,
    AddressChangeStatus,
    AnnualRating,
    Attachment,
    Book,
    BookClosedReason,
    BookStatus,
    CommentKind,
    CommentRequest,
    CommentStatus,
    Event,
    IntroductionLetter,
    LeaveReason,
    LetterCounter,
    LetterStatus,
    MeetingAttendance,
    NoticeStatus,
    RatingLevel,
    RegulationProfile,
    ResidenceMeeting,
    ResidenceRegisterEntry,
    ScanType,
    Term,
    TermStatus,
    ViolationNotice,
)

SYSTEM_NAME = "Hệ thống (tác vụ tự động)"
# A letter the residence side has (or is about to have): the campaign asks through it.
SENT_LETTERS = (LetterStatus.ISSUED, LetterStatus.RECEIVED)

# Sent after a bulk `audit.append` (no post_save) with `events=[...]`, or after
# `audit.append_rows` with `events=[]`, `event_ids=[...]` and `seq_range=(first, last)`
# (the notifications app listens to it and to post_save).
events_bulk_created = Signal()


# --------------------------------------------------------------------------- plumbing


@dataclass(frozen=True)
class Acting:
    """Who acts, in which role and organisation: what the event records."""

    user: Any | None
    role: str = ""
    organisation: Organisation | None = None

    @property
    def name(self) -> str:
        if self.user is None:
            return SYSTEM_NAME
        full = self.user.get_full_name() if hasattr(self.user, "get_full_name") else ""
        return full or self.user.get_username()


def today() -> datetime.date:
    return clock.today()


def _authorize(
    by: Any | None,
    organisations: Iterable[Organisation | None],
    roles: Iterable[str],
    *,
    what: str,
    allow_system: bool = False,
    on: datetime.date | None = None,
) -> Acting:
    """The actor's role in one of `organisations` (one indexed query), or NotAllowed.

    Roles are checked on the real date: it is the person acting now who needs the right.
    """
    if by is None:
        if allow_system:
            return Acting(None)
        raise NotAllowed(gettext("Cần một người dùng có thẩm quyền để %(what)s.") % {"what": what})
    wanted = [org.pk for org in organisations if org is not None]
    assignment = (
        RoleAssignment.objects.active(on)
        .filter(user_id=by.pk, user__is_active=True, organisation_id__in=wanted, role__in=list(roles))
        .select_related("organisation")
        .order_by("pk")
        .first()
    )
    if assignment is None:
        raise NotAllowed(gettext("Bạn không có quyền %(what)s.") % {"what": what})
    return Acting(by, assignment.role, assignment.organisation)


def _board_of(by: Any | None, province_code: int | None, *, what: str, allow_system: bool = True) -> Acting:
    """A board officer of the province (or the system) may act on province-wide matters."""
    if by is None and allow_system:
        return Acting(None)
    boards = RoleAssignment.objects.active().filter(
        user_id=getattr(by, "pk", 0),
        user__is_active=True,
        role=Role.BOARD_OFFICER,
        organisation__kind=OrgKind.PROVINCE_BOARD,
    )
    if province_code is not None:
        boards = boards.filter(organisation__province_code=province_code)
    assignment = boards.select_related("organisation").order_by("pk").first()
    if assignment is None:
        raise NotAllowed(gettext("Chỉ Ban Tổ chức Tỉnh ủy mới được %(what)s.") % {"what": what})
    return Acting(by, assignment.role, assignment.organisation)


def _not_in_future(on: datetime.date, what: str) -> None:
    if on > today():
        raise InvalidInput(
            gettext("%(what)s không thể ở tương lai.") % {"what": what},
            field_errors={"on": [gettext("Ngày ở tương lai.")]},
        )


def _check_transition(table: Mapping[str, set[str]], current: str, target: str, message: str) -> None:
    if target not in table.get(current, set()):
        raise TransitionError(message)


def _event(
    verb: str,
    acting: Acting,
    obj: models.Model | None,
    *,
    before: str = "",
    after: str = "",
    member: Member | None = None,
    book: Book | None = None,
    data: Mapping[str, Any] | None = None,
) -> Event:
    return audit.append_one(Event(**_event_fields(verb, acting, obj, before, after, member, book, data)))


def _event_fields(
    verb: str,
    acting: Acting,
    obj: models.Model | None,
    before: str,
    after: str,
    member: Member | None,
    book: Book | None,
    data: Mapping[str, Any] | None,
) -> dict[str, Any]:
    return {
        "at": clock.now(),
        "actor": acting.user,
        "actor_name": acting.name,
        "actor_role": acting.role,
        "actor_org": acting.organisation,
        "verb": verb,
        "content_type": ContentType.objects.get_for_model(obj) if obj is not None else None,
        "object_id": str(obj.pk) if obj is not None else "",
        "object_repr": str(obj)[:300] if obj is not None else "",
        "member": member,
        "book": book,
        "state_before": before,
        "state_after": after,
        "data": dict(data or {}),
    }


# What the actions read off each locked row; loaded in the same query (only the row itself is locked).
_LOCK_RELATED: dict[type[models.Model], tuple[str, ...]] = {
    Member: ("workplace_cell__parent", "residence_commune"),
    Book: ("member__workplace_cell", "holder", "profile", "term"),
    IntroductionLetter: ("book__member", "book__holder", "book__profile", "residence_committee"),
    CommentRequest: (
        "book__member",
        "book__profile",
        "residence_cell",
        "residence_committee",
        "requesting_committee",
    ),
    ViolationNotice: ("book__member", "workplace_committee"),
    AddressChangeRequest: ("book__holder", "member", "commune"),
}


def _lock(obj: models.Model) -> Any:
    """Re-read a row under a row lock (PostgreSQL) so two users cannot both move it."""
    model = type(obj)
    related = _LOCK_RELATED.get(model, ())
    if not related:
        return model._default_manager.select_for_update().get(pk=obj.pk)
    return model._default_manager.select_for_update(of=("self",)).select_related(*related).get(pk=obj.pk)


def _validation_to_input_error(exc: ValidationError) -> InvalidInput:
    if hasattr(exc, "error_dict"):
        fields = {name: [str(m) for e in errs for m in e.messages] for name, errs in exc.error_dict.items()}
        first = next(iter(fields.values()))[0] if fields else gettext("Dữ liệu không hợp lệ.")
        return InvalidInput(first, field_errors=fields)
    return InvalidInput(" ".join(exc.messages))


def current_term() -> Term:
    term = Term.current()
    if term is None:
        raise TransitionError(gettext("Chưa có nhiệm kỳ nào đang thực hiện."))
    return term


def default_profile() -> RegulationProfile:
    from django.conf import settings

    profile = RegulationProfile.objects.filter(code=settings.DEFAULT_REGULATION_PROFILE).first()
    if profile is None:
        raise TransitionError(gettext("Chưa có bộ quy định mặc định."))
    return profile


def _open_book(member: Member) -> Book:
    book = member.books.filter(status=BookStatus.OPEN).select_related("term", "profile", "holder").first()
    if book is None:
        raise TransitionError(gettext("Đảng viên %(member)s không có sổ liên hệ đang sử dụng.") % {"member": member})
    return book


def _signer_for(committee: Organisation, acting: Acting) -> tuple[str, str, str]:
    """Name and title printed in the signature block, and on whose behalf the actor entered it.

    A secretary or deputy of the committee signs in their own name (on behalf: ""). A clerk
    only enters what the committee's secretary (else its deputy) signs: their name is printed and
    recorded as the one the letter was entered on behalf of (DOMAIN.md §7), as `sign_comment` does
    for a paper comment entered by a committee. With neither, nobody can sign: TransitionError.
    """
    if acting.user is not None and acting.role in SIGNING_ROLES and acting.organisation == committee:
        return acting.name, "BÍ THƯ" if acting.role == Role.SECRETARY else "PHÓ BÍ THƯ", ""
    signers = sorted(
        RoleAssignment.objects.active()
        .filter(organisation=committee, role__in=[Role.SECRETARY, Role.DEPUTY], user__is_active=True)
        .select_related("user"),
        key=lambda a: (a.role != Role.SECRETARY, a.pk),
    )
    if not signers:
        raise TransitionError(
            gettext("%(committee)s chưa có bí thư hoặc phó bí thư để ký giấy giới thiệu.") % {"committee": committee}
        )
    assignment = signers[0]
    user = assignment.user
    name = nfc(user.get_full_name() or user.get_username())
    return name, "BÍ THƯ" if assignment.role == Role.SECRETARY else "PHÓ BÍ THƯ", name


def _committee_roles(by: Any, committee: Organisation, *, what: str) -> Acting:
    """Secretary, deputy or clerk of the committee (workplace or residence side alike)."""
    return _authorize(by, [committee], COMMITTEE_ROLES, what=what)


# --------------------------------------------------------------------------- members and books

MEMBER_EDITABLE_FIELDS = (
    "full_name",
    "sex",
    "birth_date",
    "admitted_on",
    "official_on",
    "party_card_number",
    "national_id",
    "phone",
    "email",
    "workplace_title",
)


def _clean_member(member: Member, *, exclude: Sequence[str] = ()) -> None:
    member.full_name = nfc(member.full_name)
    member.residence_line = nfc(member.residence_line)
    try:
        member.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise _validation_to_input_error(exc) from None


@transaction.atomic
def register_member(*, by: Any, workplace_cell: Organisation, **fields: Any) -> Member:
    """Add an employed member to a workplace cell and open their book for the current term."""
    committee = workplace_cell.workplace_committee
    acting = _committee_roles(by, committee, what=gettext("thêm đảng viên vào tổ chức này"))
    if not workplace_cell.is_workplace_side:
        raise InvalidInput(
            gettext("Hãy chọn chi bộ nơi công tác."),
            field_errors={"workplace_cell": [gettext("Không phải chi bộ nơi công tác.")]},
        )
    unknown = set(fields) - set(MEMBER_EDITABLE_FIELDS) - {"residence_commune", "residence_line", "residence_kind"}
    if unknown:
        raise InvalidInput(gettext("Trường không được phép: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    member = Member(workplace_cell=workplace_cell, **fields)
    _clean_member(member)
    term = current_term()
    member.save()
    book = Book.objects.create(
        member=member,
        term=term,
        profile=default_profile(),
        holder=committee,
        opened_on=today(),
    )
    _event("member_registered", acting, member, after=BookStatus.OPEN, member=member, book=book)
    return member


_MEMBER_FKS = ("workplace_cell", "residence_commune", "user")


class RowRefused(InvalidInput):
    """`register_members`: the row at `index` (0-based) was refused; nothing was written."""

    def __init__(self, index: int, error: InvalidInput) -> None:
        super().__init__(error.message, field_errors=error.field_errors)
        self.index = index


def _check_member_constraints(member: Member) -> None:
    """The Meta check constraints of Member, in Python (full_clean would ask the database per row)."""
    if member.exemption and not member.exemption_reason:
        raise InvalidInput(gettext("Miễn sinh hoạt nơi cư trú phải ghi lý do."))
    if member.official_on is not None and member.official_on < member.admitted_on:
        raise InvalidInput(
            gettext("Ngày chính thức không thể trước ngày vào Đảng."),
            field_errors={"official_on": [gettext("Ngày chính thức không thể trước ngày vào Đảng.")]},
        )


@transaction.atomic
def register_members(rows: Sequence[Mapping[str, Any]], *, by: Any) -> list[Member]:
    """`register_member` for many rows at once (the spreadsheet import): all or none.

    Each row holds `workplace_cell` and the fields register_member takes. The result is the same
    members, books and `member_registered` events as one register_member call per row, in order
    (tests/performance/test_register_members.py compares the two), in a few statements per call:
    the roles once per committee, every field validated in Python, the card and ID numbers
    against the database in one query per 500 rows, then the members and books written as plain
    values (`books.bulk.insert`: COPY on PostgreSQL) and the events as plain rows
    (`audit.append_rows`). A refused row raises `RowRefused` with its index.
    """
    if not rows:
        return []
    term = current_term()
    profile = default_profile()
    opened_on = today()
    acting_for: dict[int, Acting] = {}
    members: list[Member] = []
    holders: list[Organisation] = []
    allowed = set(MEMBER_EDITABLE_FIELDS) | {"residence_commune", "residence_line", "residence_kind"}
    first_seen: dict[tuple[str, str], int] = {}
    valid_fks: set[tuple[str, Any]] = set()
    for index, row in enumerate(rows):
        fields = dict(row)
        cell = fields.pop("workplace_cell")
        committee = cell.workplace_committee
        if committee.pk not in acting_for:
            acting_for[committee.pk] = _committee_roles(by, committee, what=gettext("thêm đảng viên vào tổ chức này"))
        try:
            if not cell.is_workplace_side:
                raise InvalidInput(
                    gettext("Hãy chọn chi bộ nơi công tác."),
                    field_errors={"workplace_cell": [gettext("Không phải chi bộ nơi công tác.")]},
                )
            unknown = set(fields) - allowed
            if unknown:
                raise InvalidInput(
                    gettext("Trường không được phép: %(names)s.") % {"names": ", ".join(sorted(unknown))}
                )
            member = Member(workplace_cell=cell, **fields)
            member.full_name = nfc(member.full_name)
            member.residence_line = nfc(member.residence_line)
            try:
                # the foreign keys once per value (full_clean would query each row's)
                member.full_clean(exclude=_MEMBER_FKS, validate_unique=False, validate_constraints=False)
                for name in _MEMBER_FKS:
                    fk = Member._meta.get_field(name)
                    assert isinstance(fk, models.ForeignKey)
                    value = getattr(member, fk.attname)
                    if value is not None and (name, value) not in valid_fks:
                        fk.validate(value, member)
                        valid_fks.add((name, value))
            except ValidationError as exc:
                raise _validation_to_input_error(exc) from None
            _check_member_constraints(member)
            for key in ("national_id", "party_card_number"):
                value = getattr(member, key)
                if value and first_seen.setdefault((key, value), index) != index:
                    raise _duplicate(key)
        except InvalidInput as error:
            raise RowRefused(index, error) from None
        member.derive_fields()
        members.append(member)
        holders.append(committee)
    for key in ("national_id", "party_card_number"):
        values = [getattr(m, key) for m in members if getattr(m, key)]
        for start in range(0, len(values), 500):
            taken = Member.objects.filter(**{f"{key}__in": values[start : start + 500]}).values_list(key, flat=True)
            for value in taken:
                raise RowRefused(first_seen[(key, value)], _duplicate(key))
    # Plain values from here: the members were validated above; building a Book and an Event per
    # member and bulk_create's per-field preparation cost more than writing them.
    now = timezone.now()
    member_columns = [f.attname for f in Member._meta.concrete_fields if not f.primary_key]
    for member in members:
        member.created_at = member.updated_at = now  # as auto_now(_add) would
    member_ids = bulk.insert(Member, member_columns, [[m.__dict__[a] for a in member_columns] for m in members])
    for member, pk in zip(members, member_ids, strict=True):
        member.pk = pk
        member._state.adding = False
        member._state.db = DEFAULT_DB_ALIAS
    # a book as Book(member=…, term=…, profile=…, holder=…, opened_on=…) is, the rest its defaults
    book = {f.attname: f.get_default() for f in Book._meta.concrete_fields if not f.primary_key}
    book.update(term_id=term.pk, profile_id=profile.pk, opened_on=opened_on)
    book_columns = list(book)
    member_at, holder_at = book_columns.index("member_id"), book_columns.index("holder_id")
    book_rows = []
    for member, holder in zip(members, holders, strict=True):
        values = [book[a] for a in book_columns]
        values[member_at], values[holder_at] = member.pk, holder.pk
        book_rows.append(values)
    book_ids = bulk.insert(Book, book_columns, book_rows)
    # the same event register_member writes, one per member (one append to the chain)
    common = {
        pk: _event_row("member_registered", acting, members[0], after=BookStatus.OPEN)
        for pk, acting in acting_for.items()
    }
    events = [
        {
            **common[holder.pk],
            "object_id": str(member.pk),
            "object_repr": str(member)[:300],
            "member_id": member.pk,
            "book_id": book_id,
            "data": {},
        }
        for member, book_id, holder in zip(members, book_ids, holders, strict=True)
    ]
    event_ids = audit.append_rows(events)
    events_bulk_created.send(
        sender=Event, events=[], event_ids=event_ids, seq_range=(events[0]["seq"], events[-1]["seq"])
    )
    return members


def _event_row(verb: str, acting: Acting, obj: models.Model, *, before: str = "", after: str = "") -> dict[str, Any]:
    """`_event_fields` by attname (`actor_id`, …) for `audit.append_rows`, the part shared by a
    batch: object_id, object_repr, member_id, book_id and data are the caller's to set per row."""
    fields = _event_fields(verb, acting, obj, before, after, None, None, None)
    row: dict[str, Any] = {}
    for name, value in fields.items():
        if name in ("actor", "actor_org", "content_type", "member", "book"):
            row[f"{name}_id"] = value.pk if value is not None else None
        else:
            row[name] = value
    return row


def _duplicate(key: str) -> InvalidInput:
    unique_field = Member._meta.get_field(key)
    assert isinstance(unique_field, models.Field)
    message = str(unique_field.error_messages["unique"])
    return InvalidInput(message, field_errors={key: [message]})


@transaction.atomic
def update_member(member: Member, *, by: Any, **changes: Any) -> Member:
    """Correct a member's particulars (not residence, workplace, exemption: they have their own actions)."""
    member = _lock(member)
    acting = _committee_roles(by, member.workplace_committee, what=gettext("sửa thông tin đảng viên này"))
    unknown = set(changes) - set(MEMBER_EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(gettext("Không sửa được ở đây: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    before = {name: str(getattr(member, name)) for name in changes}
    for name, value in changes.items():
        setattr(member, name, value)
    _clean_member(member)
    changed = {
        name: [before[name], str(getattr(member, name))]
        for name in changes
        if before[name] != str(getattr(member, name))
    }
    if not changed:
        return member
    member.save()
    book = member.books.filter(status=BookStatus.OPEN).first()
    _event("member_updated", acting, member, member=member, book=book, data={"changes": changed})
    return member


# --------------------------------------------------------------------------- letters 1-213


def _next_number(committee: Organisation, year: int) -> int:
    counter, _ = LetterCounter.objects.select_for_update().get_or_create(committee=committee, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _letter_from_member(
    book: Book, member: Member, committee: Organisation, addressee: Organisation, year: int
) -> IntroductionLetter:
    return IntroductionLetter(
        book=book,
        issuing_committee=committee,
        addressee=addressee,
        residence_committee=addressee,
        year=year,
        number_code=book.profile.rules.get("forms", {}).get("letter_code", "GGT"),
        number_suffix=committee.letter_suffix,
        full_name=member.full_name,
        sex=member.sex,
        birth_date=member.birth_date,
        admitted_on=member.admitted_on,
        official_on=member.official_on,
        workplace_cell=member.workplace_cell,
        residence_commune=member.residence_commune,
        residence_line=member.residence_line,
        residence_kind=member.residence_kind,
        exemption=member.exemption,
    )


def _check_introducible(member: Member, book: Book) -> Organisation:
    if member.employment != EmploymentStatus.EMPLOYED:
        raise TransitionError(
            gettext("%(member)s: đảng viên không còn công tác, không giới thiệu về nơi cư trú.") % {"member": member}
        )
    if not book.profile.is_introduced(member.exemption):
        raise TransitionError(
            gettext("%(member)s: đảng viên thuộc diện không giới thiệu về nơi cư trú (E2).") % {"member": member}
        )
    on = today()
    addressee = Organisation.objects.residence_committee_for(member.residence_commune.resolve_current(on), on)
    if addressee is None:
        raise TransitionError(
            gettext("%(member)s: chưa có đảng ủy của %(residence_commune)s trong hệ thống để nhận giấy giới thiệu.")
            % {"member": member, "residence_commune": member.residence_commune}
        )
    return addressee


@transaction.atomic
def prepare_letter(member: Member, *, by: Any) -> IntroductionLetter:
    """A draft letter (no number yet) for a member with no letter in force."""
    member = _lock(member)
    book = _open_book(member)
    acting = _committee_roles(by, book.holder, what=gettext("soạn giấy giới thiệu cho đảng viên này"))
    addressee = _check_introducible(member, book)
    if book.letters.filter(status__in=LetterStatus.active()).exists():
        raise TransitionError(gettext("%(member)s: đã có giấy giới thiệu đang có hiệu lực.") % {"member": member})
    letter = _letter_from_member(book, member, book.holder, addressee, today().year)
    letter.save()
    _event("letter_prepared", acting, letter, after=LetterStatus.DRAFT, member=member, book=book)
    return letter


def _issue_one(member: Member, acting_for: dict[int, Acting], by: Any, on: datetime.date) -> IntroductionLetter:
    member = _lock(member)
    book = _open_book(member)
    committee = book.holder
    if committee.pk not in acting_for:
        acting_for[committee.pk] = _committee_roles(by, committee, what=gettext("ký giấy giới thiệu của cấp ủy này"))
    acting = acting_for[committee.pk]
    addressee = _check_introducible(member, book)
    current = book.letters.filter(status__in=LetterStatus.active()).first()
    if current is not None and current.status != LetterStatus.DRAFT:
        raise TransitionError(
            gettext("%(member)s: đã có giấy giới thiệu số %(display_number)s đang có hiệu lực.")
            % {"member": member, "display_number": current.display_number}
        )
    if current is None:
        letter = _letter_from_member(book, member, committee, addressee, on.year)
    else:
        letter = current
        _check_transition(
            LETTER_TRANSITIONS, letter.status, LetterStatus.ISSUED, gettext("Giấy này không ký được nữa.")
        )
        # refresh the snapshot: the draft may be older than the member's last correction
        fresh = _letter_from_member(book, member, committee, addressee, on.year)
        for name in (
            "full_name",
            "sex",
            "birth_date",
            "admitted_on",
            "official_on",
            "workplace_cell",
            "residence_commune",
            "residence_line",
            "residence_kind",
            "exemption",
            "addressee",
            "residence_committee",
            "year",
            "number_suffix",
        ):
            setattr(letter, name, getattr(fresh, name))
    letter.number = _next_number(committee, on.year)
    letter.status = LetterStatus.ISSUED
    letter.issued_on = on
    letter.signed_by = by
    letter.signer_name, letter.signer_title, letter.entered_on_behalf_of = _signer_for(committee, acting)
    letter.save()
    data: dict[str, Any] = {"number": letter.display_number, "addressee": addressee.pk}
    if letter.entered_on_behalf_of:
        data["on_behalf_of"] = letter.entered_on_behalf_of  # a clerk entered what the secretary signs
    _event(
        "letter_issued",
        acting,
        letter,
        before=LetterStatus.DRAFT if current is not None else "",
        after=LetterStatus.ISSUED,
        member=member,
        book=book,
        data=data,
    )
    return letter


@transaction.atomic
def issue_letters(members: Iterable[Member], *, by: Any, on: datetime.date | None = None) -> list[IntroductionLetter]:
    """Sign and send the start-of-year letters for many members at once: all or none."""
    on = on or today()
    if on > today():
        raise InvalidInput(
            gettext("Ngày ký giấy giới thiệu không thể ở tương lai."),
            field_errors={"on": [gettext("Ngày ở tương lai.")]},
        )
    acting_for: dict[int, Acting] = {}
    letters = [_issue_one(member, acting_for, by, on) for member in members]
    if not letters:
        raise InvalidInput(gettext("Chưa chọn đảng viên nào."))
    return letters


def issue_letter(member: Member, *, by: Any, on: datetime.date | None = None) -> IntroductionLetter:
    return issue_letters([member], by=by, on=on)[0]


def _residence_cell_of(committee: Organisation, cell: Organisation) -> Organisation:
    if cell.kind != OrgKind.RESIDENCE_CELL or cell.parent_id != committee.pk:
        raise InvalidInput(
            gettext("%(cell)s không phải chi bộ nơi cư trú thuộc %(committee)s.")
            % {"cell": cell, "committee": committee},
            field_errors={"cell": [gettext("Hãy chọn một chi bộ của đảng ủy này.")]},
        )
    if not cell.is_active:
        raise InvalidInput(
            gettext("%(cell)s đã thôi hoạt động.") % {"cell": cell},
            field_errors={"cell": [gettext("Chi bộ đã thôi hoạt động.")]},
        )
    return cell


def _confirm_one(
    letter: IntroductionLetter, cell: Organisation, by: Any, received_on: datetime.date, on_behalf_of: str
) -> IntroductionLetter:
    letter = _lock(letter)
    committee = letter.residence_committee
    acting = _committee_roles(by, committee, what=gettext("tiếp nhận giấy giới thiệu gửi đảng ủy này"))
    _check_transition(
        LETTER_TRANSITIONS,
        letter.status,
        LetterStatus.RECEIVED,
        gettext("Giấy giới thiệu %(display_number)s (%(full_name)s) không ở trạng thái chờ tiếp nhận.")
        % {"display_number": letter.display_number, "full_name": letter.full_name},
    )
    if letter.book.status != BookStatus.OPEN:
        # after a rollover the letter goes on in the new book; the closed book is read-only
        raise TransitionError(
            gettext("Giấy giới thiệu %(display_number)s thuộc sổ liên hệ đã đóng.")
            % {"display_number": letter.display_number}
        )
    _residence_cell_of(committee, cell)
    if letter.issued_on and received_on < letter.issued_on:
        raise InvalidInput(
            gettext("Ngày tiếp nhận không thể trước ngày ký giấy giới thiệu."),
            field_errors={"received_on": [gettext("Trước ngày ký giấy.")]},
        )
    if received_on > today():
        raise InvalidInput(
            gettext("Ngày tiếp nhận không thể ở tương lai."),
            field_errors={"received_on": [gettext("Ngày ở tương lai.")]},
        )
    member = letter.book.member
    letter.status = LetterStatus.RECEIVED
    letter.received_on = received_on
    letter.received_by = by
    letter.receiver_name = acting.name
    letter.assigned_cell = cell
    letter.entered_on_behalf_of = nfc(on_behalf_of)
    letter.save()
    ResidenceRegisterEntry.objects.create(
        residence_committee=committee, member=member, letter=letter, cell=cell, entered_on=received_on
    )
    letter.comments.filter(status__in=CommentStatus.open(), residence_cell__isnull=True).update(residence_cell=cell)
    _event(
        "letter_received",
        acting,
        letter,
        before=LetterStatus.ISSUED,
        after=LetterStatus.RECEIVED,
        member=member,
        book=letter.book,
        data={"cell": cell.pk, "received_on": received_on.isoformat()},
    )
    return letter


@transaction.atomic
def confirm_letters(
    assignments: Iterable[tuple[IntroductionLetter, Organisation]],
    *,
    by: Any,
    received_on: datetime.date | None = None,
    on_behalf_of: str = "",
) -> list[IntroductionLetter]:
    """Confirm receipt of many letters, each with the residence cell it is assigned to."""
    received_on = received_on or today()
    done = [_confirm_one(letter, cell, by, received_on, on_behalf_of) for letter, cell in assignments]
    if not done:
        raise InvalidInput(gettext("Chưa chọn giấy giới thiệu nào."))
    return done


def confirm_letter(
    letter: IntroductionLetter,
    *,
    cell: Organisation,
    by: Any,
    received_on: datetime.date | None = None,
    on_behalf_of: str = "",
) -> IntroductionLetter:
    return confirm_letters([(letter, cell)], by=by, received_on=received_on, on_behalf_of=on_behalf_of)[0]


def _close_register(member: Member, reason: str, on: datetime.date, note: str = "") -> ResidenceRegisterEntry | None:
    entry = ResidenceRegisterEntry.objects.select_for_update().filter(member=member, left_on__isnull=True).first()
    if entry is None:
        return None
    entry.left_on = max(on, entry.entered_on)
    entry.left_reason = reason
    entry.left_note = nfc(note)[:300]
    entry.save(update_fields=["left_on", "left_reason", "left_note"])
    return entry


def _cancel_open_comments(book: Book, reason: str, on: datetime.date, *, only: Q | None = None) -> list[int]:
    requests = CommentRequest.objects.select_for_update().filter(book=book, status__in=CommentStatus.open())
    if only is not None:
        requests = requests.filter(only)
    ids = list(requests.values_list("pk", flat=True))
    CommentRequest.objects.filter(pk__in=ids).update(
        status=CommentStatus.CANCELLED, cancelled_on=on, cancel_reason=reason[:300]
    )
    return ids


def _end_letter(letter: IntroductionLetter, status: str, on: datetime.date, reason: str) -> None:
    _check_transition(LETTER_TRANSITIONS, letter.status, status, gettext("Giấy giới thiệu này đã hết hiệu lực."))
    letter.status = status
    letter.ended_on = on
    letter.end_reason = reason[:300]
    letter.save(update_fields=["status", "ended_on", "end_reason", "superseded_by"])


@transaction.atomic
def withdraw_letter(
    letter: IntroductionLetter, *, reason: str, by: Any, on: datetime.date | None = None
) -> IntroductionLetter:
    """Withdraw a letter (a draft, or one sent by mistake). A received one leaves the register."""
    on = on or today()
    letter = _lock(letter)
    acting = _committee_roles(by, letter.book.holder, what=gettext("thu hồi giấy giới thiệu này"))
    reason = nfc(reason)
    if not reason:
        raise InvalidInput(gettext("Hãy ghi lý do thu hồi."), field_errors={"reason": [gettext("Bắt buộc.")]})
    if letter.book.status != BookStatus.OPEN:
        raise TransitionError(
            gettext("Giấy giới thiệu %(display_number)s thuộc sổ liên hệ đã đóng.")
            % {"display_number": letter.display_number}
        )
    before = letter.status
    _end_letter(letter, LetterStatus.WITHDRAWN, on, reason)
    member = letter.book.member
    if before == LetterStatus.RECEIVED:
        _close_register(member, LeaveReason.WITHDRAWN, on, reason)
    cancelled = _cancel_open_comments(letter.book, "Thu hồi giấy giới thiệu", on)
    _event(
        "letter_withdrawn",
        acting,
        letter,
        before=before,
        after=LetterStatus.WITHDRAWN,
        member=member,
        book=letter.book,
        data={"reason": reason, "cancelled_comments": cancelled},
    )
    return letter


@transaction.atomic
def reassign_cell(
    member: Member, *, cell: Organisation, by: Any, on: datetime.date | None = None
) -> ResidenceRegisterEntry:
    """Move a received member to another residence cell of the same committee.

    The register keeps the history: the row in the old cell closes the day before `on` and a
    new row opens in the new cell, so past meetings stay with the cell the member was in.
    """
    on = on or today()
    entry = (
        ResidenceRegisterEntry.objects.select_for_update()
        .filter(member=member, left_on__isnull=True)
        .select_related("residence_committee", "letter")
        .first()
    )
    if entry is None:
        raise TransitionError(gettext("%(member)s không có tên trong sổ theo dõi nơi cư trú.") % {"member": member})
    acting = _committee_roles(by, entry.residence_committee, what=gettext("phân công chi bộ cho đảng viên này"))
    _residence_cell_of(entry.residence_committee, cell)
    if cell.pk == entry.cell_id:
        raise TransitionError(gettext("Đảng viên đã sinh hoạt ở chi bộ này."))
    _not_in_future(on, gettext("Ngày chuyển chi bộ"))
    if on < entry.entered_on:
        raise InvalidInput(
            gettext("Ngày chuyển chi bộ không thể trước ngày tiếp nhận."), field_errors={"on": [gettext("Quá sớm.")]}
        )
    old_cell = entry.cell_id
    entry.left_on = max(entry.entered_on, on - datetime.timedelta(days=1))
    entry.left_reason = LeaveReason.REASSIGNED
    entry.left_note = f"Chuyển về {cell}"[:300]
    entry.save(update_fields=["left_on", "left_reason", "left_note"])
    entry = ResidenceRegisterEntry.objects.create(
        residence_committee=entry.residence_committee, member=member, letter=entry.letter, cell=cell, entered_on=on
    )
    IntroductionLetter.objects.filter(pk=entry.letter_id).update(assigned_cell=cell)
    CommentRequest.objects.filter(
        letter__book__member=member, status__in=[CommentStatus.REQUESTED, CommentStatus.DRAFTED]
    ).update(residence_cell=cell)
    _event(
        "cell_reassigned", acting, entry, member=member, book=entry.letter.book, data={"from": old_cell, "to": cell.pk}
    )
    return entry


# --------------------------------------------------------------------------- life events


@transaction.atomic
def change_residence(
    member: Member,
    *,
    commune: AdministrativeUnit,
    line: str,
    kind: str | None = None,
    by: Any,
    on: datetime.date | None = None,
) -> IntroductionLetter | None:
    """A new address: the letter in force is superseded by a new one, the register row closed.

    Returns the new letter, or None for an E2 member (never introduced) or one without a letter.
    """
    on = on or today()
    member = _lock(member)
    book = _open_book(member)
    acting = _committee_roles(by, book.holder, what=gettext("ghi chuyển nơi cư trú cho đảng viên này"))
    new_letter, before, data = _move_residence(member, book, acting, commune=commune, line=line, kind=kind, on=on)
    _event(
        "residence_changed",
        acting,
        member,
        before=before,
        after=new_letter.status if new_letter else "",
        member=member,
        book=book,
        data=data,
    )
    return new_letter


def _move_residence(
    member: Member,
    book: Book,
    acting: Acting,
    *,
    commune: AdministrativeUnit,
    line: str,
    kind: str | None,
    on: datetime.date,
) -> tuple[IntroductionLetter | None, str, dict[str, Any]]:
    """The work of a change of residence, without its event (the caller writes one).

    Returns the new letter (or None), the old letter's status before, and the event's data.
    """
    line = nfc(line)
    if not line:
        raise InvalidInput(
            gettext("Hãy ghi số nhà, đường, thôn/ấp/khóm/tổ."), field_errors={"line": [gettext("Bắt buộc.")]}
        )
    if commune.level != UnitLevel.COMMUNE or (commune.valid_until is not None and commune.valid_until < on):
        raise InvalidInput(
            gettext("Hãy chọn xã/phường/đặc khu hiện nay."),
            field_errors={"commune": [gettext("Đơn vị không còn hoặc không phải cấp xã.")]},
        )
    if (
        commune.pk == member.residence_commune_id
        and line == member.residence_line
        and (kind or member.residence_kind) == member.residence_kind
    ):
        raise InvalidInput(gettext("Địa chỉ mới trùng địa chỉ hiện tại."))
    old = {"commune": member.residence_commune_id, "line": member.residence_line, "kind": member.residence_kind}
    member.residence_commune = commune
    member.residence_line = line
    if kind:
        member.residence_kind = kind
    _clean_member(member)
    member.save()
    current = book.letters.select_for_update().filter(status__in=LetterStatus.active()).first()
    letter_before = current.status if current else ""  # _end_letter below changes current.status
    new_letter: IntroductionLetter | None = None
    entry = _close_register(member, LeaveReason.MOVED, on, "Chuyển đến " + member.address())
    cancelled = _cancel_open_comments(
        book, "Đảng viên chuyển nơi cư trú", on, only=Q(status__in=[CommentStatus.REQUESTED, CommentStatus.DRAFTED])
    )
    if current is not None:
        if current.status == LetterStatus.DRAFT:
            _end_letter(current, LetterStatus.WITHDRAWN, on, "Chuyển nơi cư trú trước khi ký")
        else:
            _end_letter(current, LetterStatus.SUPERSEDED, on, "Chuyển nơi cư trú")
        addressee = _check_introducible(member, book)
        new_letter = _letter_from_member(book, member, book.holder, addressee, on.year)
        new_letter.number = _next_number(book.holder, on.year)
        new_letter.status = LetterStatus.ISSUED
        new_letter.issued_on = on
        new_letter.signed_by = acting.user
        new_letter.signer_name, new_letter.signer_title, new_letter.entered_on_behalf_of = _signer_for(
            book.holder, acting
        )
        new_letter.save()
        if current.status == LetterStatus.SUPERSEDED:
            current.superseded_by = new_letter
            current.save(update_fields=["superseded_by"])
    data: dict[str, Any] = {
        "old": old,
        "new": {"commune": commune.pk, "line": line, "kind": member.residence_kind},
        "old_letter": current.pk if current else None,
        "new_letter": new_letter.pk if new_letter else None,
        "register_entry_closed": entry.pk if entry else None,
        "cancelled_comments": cancelled,
    }
    if new_letter is not None and new_letter.entered_on_behalf_of:
        data["on_behalf_of"] = new_letter.entered_on_behalf_of  # a clerk entered what the secretary signs
    return new_letter, letter_before, data


@transaction.atomic
def change_workplace(member: Member, *, cell: Organisation, by: Any, on: datetime.date | None = None) -> Book:
    """The member moves to another workplace cell; the book passes to its committee."""
    on = on or today()
    member = _lock(member)
    book = _open_book(member)
    if not cell.is_workplace_side or not cell.is_active:
        raise InvalidInput(
            gettext("Hãy chọn chi bộ nơi công tác đang hoạt động."), field_errors={"cell": [gettext("Không hợp lệ.")]}
        )
    if cell.pk == member.workplace_cell_id:
        raise InvalidInput(gettext("Đảng viên đã ở chi bộ này."))
    new_committee = cell.workplace_committee
    acting = _authorize(
        by, [book.holder, new_committee], COMMITTEE_ROLES, what=gettext("chuyển nơi công tác của đảng viên này")
    )
    old_cell, old_holder = member.workplace_cell_id, book.holder_id
    member.workplace_cell = cell
    member.save(update_fields=["workplace_cell"])
    book.holder = new_committee
    book.save(update_fields=["holder"])
    CommentRequest.objects.filter(book=book, status__in=CommentStatus.open() + [CommentStatus.RETURNED]).update(
        requesting_committee=new_committee
    )
    ViolationNotice.objects.filter(book=book, status=NoticeStatus.RAISED).update(workplace_committee=new_committee)
    _event(
        "workplace_changed",
        acting,
        book,
        member=member,
        book=book,
        data={"from_cell": old_cell, "to_cell": cell.pk, "from_holder": old_holder, "to_holder": new_committee.pk},
    )
    return book


@transaction.atomic
def end_employment(member: Member, *, reason: str, by: Any, on: datetime.date | None = None) -> Book:
    """Retirement or leaving employment: the book is closed and the introduction ends."""
    on = on or today()
    member = _lock(member)
    # the book's holder is always the committee of the member's cell (change_workplace moves both)
    acting = _committee_roles(
        by, member.workplace_committee, what=gettext("ghi nghỉ hưu / thôi công tác cho đảng viên này")
    )
    if reason not in (EmploymentStatus.RETIRED, EmploymentStatus.LEFT):
        raise InvalidInput(
            gettext("Lý do phải là nghỉ hưu hoặc thôi công tác."), field_errors={"reason": [gettext("Không hợp lệ.")]}
        )
    if member.employment != EmploymentStatus.EMPLOYED:
        raise TransitionError(gettext("%(member)s đã không còn công tác.") % {"member": member})
    book = _open_book(member)
    label = EmploymentStatus(reason).label
    member.employment = reason
    member.save(update_fields=["employment"])
    letter = book.letters.select_for_update().filter(status__in=LetterStatus.active()).first()
    if letter is not None:
        _end_letter(letter, LetterStatus.WITHDRAWN, on, label)
    leave = LeaveReason.RETIRED if reason == EmploymentStatus.RETIRED else LeaveReason.LEFT_EMPLOYMENT
    entry = _close_register(member, leave, on, label)
    cancelled = _cancel_open_comments(book, label, on)
    book.status = BookStatus.CLOSED
    book.closed_on = on
    book.closed_reason = (
        BookClosedReason.RETIRED if reason == EmploymentStatus.RETIRED else BookClosedReason.LEFT_EMPLOYMENT
    )
    book.save(update_fields=["status", "closed_on", "closed_reason"])
    _event(
        "employment_ended",
        acting,
        book,
        before=BookStatus.OPEN,
        after=BookStatus.CLOSED,
        member=member,
        book=book,
        data={
            "reason": reason,
            "letter": letter.pk if letter else None,
            "register_entry": entry.pk if entry else None,
            "cancelled_comments": cancelled,
        },
    )
    return book


@transaction.atomic
def set_exemption(
    member: Member,
    *,
    exemption: str,
    reason: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    by: Any,
) -> Member:
    """Set (E1a/E1b/E1c/E2) or clear ('') a member's exemption.

    E1: the introduction stays; pending periodic comment requests are cancelled.
    E2: withdrawn from the residence side at once: letter withdrawn, register row closed,
    every open comment request cancelled. Clearing E2 leaves the member to be introduced anew.
    """
    since = since or today()
    member = _lock(member)
    book = _open_book(member)
    acting = _committee_roles(by, book.holder, what=gettext("đặt diện miễn cho đảng viên này"))
    if exemption not in Exemption.values:
        raise InvalidInput(gettext("Diện miễn không hợp lệ."), field_errors={"exemption": [gettext("Không hợp lệ.")]})
    reason = nfc(reason)
    if exemption and not reason:
        raise InvalidInput(
            gettext("Hãy ghi lý do miễn sinh hoạt nơi cư trú."), field_errors={"reason": [gettext("Bắt buộc.")]}
        )
    if until and until < since:
        raise InvalidInput(
            gettext("Ngày kết thúc miễn phải sau ngày bắt đầu."),
            field_errors={"until": [gettext("Trước ngày bắt đầu.")]},
        )
    if exemption == member.exemption:
        raise TransitionError(
            gettext("Đảng viên đã ở diện này.") if exemption else gettext("Đảng viên không thuộc diện miễn.")
        )
    before = member.exemption
    member.exemption = exemption
    member.exemption_reason = reason if exemption else ""
    member.exemption_from = since if exemption else None
    member.exemption_until = until if exemption else None
    member.save(update_fields=["exemption", "exemption_reason", "exemption_from", "exemption_until"])
    data: dict[str, Any] = {"reason": reason}
    if exemption and not book.profile.is_introduced(exemption):
        letter = book.letters.select_for_update().filter(status__in=LetterStatus.active()).first()
        if letter is not None:
            _end_letter(letter, LetterStatus.WITHDRAWN, since, "Thuộc diện không giới thiệu (E2)")
            data["letter"] = letter.pk
        entry = _close_register(member, LeaveReason.EXEMPT, since)
        data["register_entry"] = entry.pk if entry else None
        data["cancelled_comments"] = _cancel_open_comments(book, "Đảng viên thuộc diện E2", since)
    elif exemption and not book.profile.gets_periodic_comment(exemption):
        data["cancelled_comments"] = _cancel_open_comments(
            book,
            "Đảng viên thuộc diện miễn, không nhận xét định kỳ",
            since,
            only=Q(kind=CommentKind.PERIODIC, status__in=[CommentStatus.REQUESTED, CommentStatus.DRAFTED]),
        )
    _event(
        "exemption_set" if exemption else "exemption_cleared",
        acting,
        member,
        before=before,
        after=exemption,
        member=member,
        book=book,
        data=data,
    )
    return member


def clear_exemption(member: Member, *, by: Any) -> Member:
    return set_exemption(member, exemption="", by=by)


# --------------------------------------------------------------------------- comments 3-213


@dataclass
class CampaignResult:
    """What one run of the October campaign did for one workplace committee.

    `created_ids` are the new requests in creation order; `created` loads them (with book,
    member and organisations) on first use, so a campaign of 60,000 requests builds no model
    instance unless the caller asks for them.
    """

    created_ids: list[int] = field(default_factory=list)
    already: int = 0
    skipped_exempt: int = 0
    skipped_no_letter: int = 0
    by_residence_committee: dict[int, int] = field(default_factory=dict)
    _created: list[CommentRequest] | None = field(default=None, repr=False, compare=False)

    @property
    def created(self) -> list[CommentRequest]:
        if self._created is None:
            loaded = CommentRequest.objects.select_related(
                "book__member", "book__profile", "requesting_committee", "residence_committee", "residence_cell"
            ).in_bulk(self.created_ids)
            self._created = [loaded[pk] for pk in self.created_ids]
        return self._created

    @property
    def created_count(self) -> int:
        return len(self.created_ids)


def campaign_candidates(committee: Organisation, year: int) -> models.QuerySet[Book]:
    """Open books of the committee whose member is employed (the campaign's population)."""
    return _campaign_books([committee.pk], year).select_related("member", "profile")


def _campaign_books(committee_ids: Sequence[int], year: int) -> models.QuerySet[Book]:
    return Book.objects.filter(
        holder_id__in=list(committee_ids),
        status=BookStatus.OPEN,
        term__start_year__lte=year,
        term__end_year__gte=year,
        member__employment=EmploymentStatus.EMPLOYED,
    )


def _no_periodic_comment(profile: RegulationProfile) -> list[str]:
    """The exemptions whose members the profile does not ask a yearly comment on (E1, E2 in HD 33)."""
    return [code for code in Exemption.values if code and not profile.gets_periodic_comment(code)]


def _campaign_day(on: datetime.date | None, by: Any) -> datetime.date:
    """The day a campaign is opened on: today unless given; a person cannot date it in the future
    (that would open October's requests early). The system (`by=None`: cron, the benchmarks) may."""
    on = on or today()
    if by is not None and on > today():
        raise InvalidInput(
            gettext("Ngày mở đợt xin ý kiến nhận xét không thể ở tương lai."),
            field_errors={"on": [gettext("Ngày ở tương lai.")]},
        )
    return on


@transaction.atomic
def open_campaign(
    committee: Organisation, *, year: int | None = None, by: Any, on: datetime.date | None = None
) -> CampaignResult:
    """October: ask for the year's comment on every active, non-exempt member of a committee.

    Idempotent: a member who already has a (non-cancelled) request for the year is skipped, so
    running it twice creates nothing new. E1 and E2 members are skipped. Accepts `by=None`
    (the cron command). Set-based: a handful of queries whatever the number of members
    (`_run_campaign`).
    """
    on = _campaign_day(on, by)
    year = year or on.year
    acting = _authorize(
        by, [committee], COMMITTEE_ROLES, what=gettext("mở đợt xin ý kiến nhận xét của cấp ủy này"), allow_system=True
    )
    if committee.kind != OrgKind.WORKPLACE_COMMITTEE:
        raise InvalidInput(gettext("Chỉ cấp ủy cơ sở nơi công tác mới mở đợt xin ý kiến nhận xét."))
    # lock the committee row: two campaigns started at once serialise here
    Organisation.objects.select_for_update().filter(pk=committee.pk).first()
    return _run_campaign([committee.pk], year=year, on=on, acting=acting)[committee.pk]


@transaction.atomic
def open_province_campaign(
    province_code: int, *, year: int | None = None, by: Any, on: datetime.date | None = None
) -> dict[int, CampaignResult]:
    """The October campaign for every active workplace committee of a province at once.

    The same requests, events and counts as `open_campaign` run for each committee, in one
    transaction and a handful of set-based statements (`manage.py open_campaigns --by-province`).
    The province's board or the system (`by=None`). Returns the result per committee id.
    """
    on = _campaign_day(on, by)
    year = year or on.year
    acting = _board_of(by, province_code, what=gettext("mở đợt xin ý kiến nhận xét cho cả tỉnh"))
    committee_ids = list(
        Organisation.objects.active(on)
        .filter(kind=OrgKind.WORKPLACE_COMMITTEE, province_code=province_code)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # a province without committees too goes through _run_campaign: refused before October, {} after
    # the same row locks as open_campaign takes, in one order (no deadlock between two runs)
    list(Organisation.objects.select_for_update().filter(pk__in=committee_ids).order_by("pk").values_list("pk"))
    return _run_campaign(committee_ids, year=year, on=on, acting=acting)


def _run_campaign(
    committee_ids: Sequence[int], *, year: int, on: datetime.date, acting: Acting
) -> dict[int, CampaignResult]:
    """Count, insert and record the year's requests of these (locked) committees, set-based.

    1. the profiles of their books: refused before the first one's October;
    2. one grouped count: already asked, exempt, without a sent letter (for the result);
    3. per profile one INSERT … SELECT … ON CONFLICT DO NOTHING (the partial unique constraint
       one_periodic_comment_per_book_year makes a concurrent double start create nothing twice);
    4. one event per created request, appended to the chain in bulk.
    """
    results = {pk: CampaignResult() for pk in committee_ids}
    books = _campaign_books(committee_ids, year)
    profile_ids = set(books.values_list("profile_id", flat=True).distinct())
    profiles = {p.pk: p for p in RegulationProfile.objects.filter(pk__in=profile_ids)} or {0: default_profile()}
    for profile in profiles.values():
        starts = profile.deadline("comment_requests_from", year)
        if on < starts:
            raise TransitionError(
                gettext("Chưa đến thời gian xin ý kiến nhận xét năm %(year)s (từ ngày %(starts)s).")
                % {"year": year, "starts": format(starts, "%d/%m/%Y")}
            )
    if not profile_ids:
        return results
    asked = Exists(
        CommentRequest.objects.filter(book=OuterRef("pk"), year=year, kind=CommentKind.PERIODIC).exclude(
            status=CommentStatus.CANCELLED
        )
    )
    lettered = Exists(IntroductionLetter.objects.filter(book=OuterRef("pk"), status__in=SENT_LETTERS))
    exempt = Q()
    for pk, profile in profiles.items():
        if codes := _no_periodic_comment(profile):
            exempt |= Q(profile_id=pk, member__exemption__in=codes)
    counted = {
        "already": Count("pk", filter=Q(asked)),
        "no_letter": Count("pk", filter=~Q(asked) & ~Q(lettered) & (~exempt if exempt else Q())),
    }
    if exempt:
        counted["exempt"] = Count("pk", filter=~Q(asked) & exempt)
    row: dict[str, Any]
    for row in books.order_by().values("holder_id").annotate(**counted):  # type: ignore[assignment]
        result = results[row["holder_id"]]
        result.already = row["already"]
        result.skipped_exempt = row.get("exempt", 0)
        result.skipped_no_letter = row["no_letter"]

    created: list[tuple[int, int, int, int, int, str]] = []
    for profile in profiles.values():
        created += _insert_campaign_requests(committee_ids, profile, year=year, on=on, user=acting.user)
    if not created:
        return results
    created.sort()
    # plain rows, not Event instances: at 68,000 a province the instances cost more than COPY
    common = {
        "at": clock.now(),
        "actor_id": getattr(acting.user, "pk", None),
        "actor_name": acting.name,
        "actor_role": acting.role,
        "actor_org_id": getattr(acting.organisation, "pk", None),
        "verb": "comment_requested",
        "content_type_id": ContentType.objects.get_for_model(CommentRequest).pk,
        "state_before": "",
        "state_after": str(CommentStatus.REQUESTED),
    }
    rows = []
    for request_id, book_id, member_id, holder_id, residence_committee_id, full_name in created:
        result = results[holder_id]
        result.created_ids.append(request_id)
        counts = result.by_residence_committee
        counts[residence_committee_id] = counts.get(residence_committee_id, 0) + 1
        rows.append(
            {
                **common,
                "object_id": str(request_id),
                "object_repr": f"Phiếu nhận xét {year} — {full_name}"[:300],
                "member_id": member_id,
                "book_id": book_id,
                "data": {"year": year, "residence_committee": residence_committee_id},
            }
        )
    event_ids = audit.append_rows(rows)
    # the notifications: in the background for a big campaign (notifications.signals)
    events_bulk_created.send(sender=Event, events=[], event_ids=event_ids, seq_range=(rows[0]["seq"], rows[-1]["seq"]))
    return results


def _insert_campaign_requests(
    committee_ids: Sequence[int], profile: RegulationProfile, *, year: int, on: datetime.date, user: Any | None
) -> list[tuple[int, int, int, int, int, str]]:
    """One INSERT … SELECT of the profile's requests; (id, book, member, holder, residence committee, name) each.

    The columns the statement does not compute get the model's defaults, so a field added to
    CommentRequest later is filled as `CommentRequest.objects.create` would fill it.
    """
    connection = transaction.get_connection()
    qn = connection.ops.quote_name
    table = qn(CommentRequest._meta.db_table)
    computed = {
        "book": "b.id",
        "letter": "l.id",
        "requesting_committee": "b.holder_id",
        "residence_committee": "l.residence_committee_id",
        "residence_cell": "l.assigned_cell_id",
    }
    given: dict[str, Any] = {
        "year": year,
        "kind": CommentKind.PERIODIC,
        "status": CommentStatus.REQUESTED,
        "requested_on": on,
        "requested_by": getattr(user, "pk", None),
        "due_on": profile.deadline("comment_due", year),
        "return_due_on": profile.deadline("return_due", year),
    }
    columns, select, params = [], [], []
    for model_field in CommentRequest._meta.concrete_fields:
        if model_field.primary_key:
            continue
        columns.append(qn(model_field.column))
        if model_field.name in computed:
            select.append(computed[model_field.name])
            continue
        value = given[model_field.name] if model_field.name in given else model_field.get_default()
        select.append("%s")
        params.append(model_field.get_db_prep_save(value, connection))
    where = [
        f"b.holder_id IN ({', '.join(['%s'] * len(committee_ids))})",
        "b.profile_id = %s",
        "b.status = %s",
        "t.start_year <= %s",
        "t.end_year >= %s",
        "m.employment = %s",
        f"NOT EXISTS (SELECT 1 FROM {table} c WHERE c.book_id = b.id AND c.year = %s AND c.kind = %s"
        " AND c.status <> %s)",
    ]
    where_params: list[Any] = [*committee_ids, profile.pk, BookStatus.OPEN, year, year, EmploymentStatus.EMPLOYED]
    where_params += [year, CommentKind.PERIODIC, CommentStatus.CANCELLED]
    if codes := _no_periodic_comment(profile):
        where.append(f"m.exemption NOT IN ({', '.join(['%s'] * len(codes))})")
        where_params += codes
    insert = (
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"SELECT {', '.join(select)} FROM {qn(Book._meta.db_table)} b "
        f"JOIN {qn(Member._meta.db_table)} m ON m.id = b.member_id "
        f"JOIN {qn(Term._meta.db_table)} t ON t.id = b.term_id "
        f"JOIN {qn(IntroductionLetter._meta.db_table)} l ON l.book_id = b.id AND l.status IN (%s, %s) "
        f"WHERE {' AND '.join(where)} ORDER BY b.id "
        "ON CONFLICT DO NOTHING RETURNING id, book_id, requesting_committee_id, residence_committee_id"
    )
    params += [*SENT_LETTERS, *where_params]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH created AS ({insert}) SELECT c.id, c.book_id, b.member_id, c.requesting_committee_id, "
                f"c.residence_committee_id, m.full_name FROM created c "
                f"JOIN {qn(Book._meta.db_table)} b ON b.id = c.book_id "
                f"JOIN {qn(Member._meta.db_table)} m ON m.id = b.member_id",
                params,
            )
            return [tuple(row) for row in cursor.fetchall()]  # type: ignore[misc]
        cursor.execute(insert, params)
        inserted = cursor.fetchall()
    members: dict[int, tuple[int, str]] = {}
    book_ids = [row[1] for row in inserted]
    for start in range(0, len(book_ids), 500):  # SQLite: a bounded number of parameters per query
        rows = Book.objects.filter(pk__in=book_ids[start : start + 500]).values_list(
            "pk", "member_id", "member__full_name"
        )
        members.update((pk, (member_id, name)) for pk, member_id, name in rows)
    return [
        (pk, book_id, members[book_id][0], holder_id, residence_id, members[book_id][1])
        for pk, book_id, holder_id, residence_id in inserted
    ]


@transaction.atomic
def request_comment_on_demand(
    book: Book, *, reason: str, note: str = "", by: Any, on: datetime.date | None = None
) -> CommentRequest:
    """Ask for a comment on an E1 member when it is needed: cadre work, reward or discipline."""
    on = on or today()
    book = _lock(book)
    acting = _committee_roles(by, book.holder, what=gettext("xin ý kiến nhận xét cho đảng viên này"))
    member = book.member
    if book.status != BookStatus.OPEN:
        raise TransitionError(gettext("Sổ liên hệ đã đóng."))
    if not member.is_e1:
        raise TransitionError(
            gettext("%(member)s không thuộc diện E1; nhận xét hằng năm theo đợt tháng 10.") % {"member": member}
        )
    if reason not in {r["key"] for r in book.profile.on_demand_reasons}:
        raise InvalidInput(
            gettext("Hãy chọn lý do xin ý kiến: công tác cán bộ, khen thưởng hoặc kỷ luật."),
            field_errors={"reason": [gettext("Không hợp lệ.")]},
        )
    letter = book.letters.filter(status__in=[LetterStatus.ISSUED, LetterStatus.RECEIVED]).first()
    if letter is None:
        raise TransitionError(gettext("%(member)s chưa được giới thiệu về nơi cư trú.") % {"member": member})
    days = int(book.profile.rules.get("on_demand_comment_days", 15))
    request = CommentRequest.objects.create(
        book=book,
        year=on.year,
        kind=CommentKind.ON_DEMAND,
        reason=reason,
        reason_note=nfc(note)[:300],
        letter=letter,
        requesting_committee=book.holder,
        residence_committee_id=letter.residence_committee_id,
        residence_cell_id=letter.assigned_cell_id,
        requested_on=on,
        requested_by=by,
        due_on=on + datetime.timedelta(days=days),
        return_due_on=on + datetime.timedelta(days=days + int(book.profile.rules.get("on_demand_return_days", 7))),
    )
    _event(
        "comment_requested_on_demand",
        acting,
        request,
        after=CommentStatus.REQUESTED,
        member=member,
        book=book,
        data={"reason": reason},
    )
    return request


def _comment_actor(request: CommentRequest, by: Any, *, what: str) -> Acting:
    """The residence cell's secretary, or the residence committee entering a paper form."""
    return _authorize(
        by,
        [request.residence_cell, request.residence_committee],
        {Role.CELL_SECRETARY} | COMMITTEE_ROLES,
        what=what,
    )


def _check_residence_visible(request: CommentRequest) -> None:
    if request.book.member.exemption == Exemption.E2:
        raise TransitionError(gettext("Đảng viên không thuộc diện giới thiệu về nơi cư trú."))


COMMENT_TEXT_FIELDS = ("shortcomings", "people_opinion", "front_participant")


def _apply_comment(request: CommentRequest, content: Mapping[str, Any]) -> None:
    profile = request.book.profile
    allowed = {c["key"] for c in profile.criteria}
    unknown = set(content) - {"criteria", "summary", *COMMENT_TEXT_FIELDS}
    if unknown:
        raise InvalidInput(gettext("Trường không có trong phiếu: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    if "criteria" in content:
        criteria = content["criteria"] or {}
        bad = set(criteria) - allowed
        if bad:
            raise InvalidInput(
                gettext("Tiêu chí không có trong bộ quy định."), field_errors={"criteria": [", ".join(sorted(bad))]}
            )
        request.criteria = {key: nfc(str(criteria.get(key, "")))[:4000] for key in (c["key"] for c in profile.criteria)}
    if "summary" in content:
        summary = content["summary"] or ""
        if summary and summary not in {s["key"] for s in profile.summary_levels}:
            raise InvalidInput(
                gettext("Mức kết quả không hợp lệ."), field_errors={"summary": [gettext("Hãy chọn một mức.")]}
            )
        request.summary = summary
    for name in COMMENT_TEXT_FIELDS:
        if name in content:
            value = nfc(str(content[name] or ""))
            setattr(request, name, value[:160] if name == "front_participant" else value[:4000])


@transaction.atomic
def write_comment(request: CommentRequest, *, by: Any, on_behalf_of: str = "", **content: Any) -> CommentRequest:
    """Save the residence cell's comment as a draft (it can be changed until signed)."""
    request = _lock(request)
    acting = _comment_actor(request, by, what=gettext("viết nhận xét cho phiếu này"))
    _check_residence_visible(request)
    before = request.status
    # signed -> drafted is in the table for send_back_comment only: a signed comment is never edited
    if before == CommentStatus.SIGNED:
        raise TransitionError(gettext("Chi bộ đã ký nhận xét, không sửa được nữa; chỉ sửa khi đảng ủy trả lại."))
    _check_transition(COMMENT_TRANSITIONS, before, CommentStatus.DRAFTED, gettext("Phiếu này không còn sửa được."))
    _apply_comment(request, content)
    request.status = CommentStatus.DRAFTED
    request.drafted_at = clock.now()
    request.entered_on_behalf_of = nfc(on_behalf_of)
    request.save()
    _event(
        "comment_drafted",
        acting,
        request,
        before=before,
        after=CommentStatus.DRAFTED,
        member=request.book.member,
        book=request.book,
    )
    return request


@transaction.atomic
def sign_comment(
    request: CommentRequest,
    *,
    by: Any,
    on: datetime.date | None = None,
    on_behalf_of: str = "",
    **content: Any,
) -> CommentRequest:
    """The residence cell signs its comment (content may be given here too, to write and sign at once)."""
    on = on or today()
    request = _lock(request)
    acting = _comment_actor(request, by, what=gettext("ký nhận xét cho phiếu này"))
    _check_residence_visible(request)
    before = request.status
    _check_transition(
        COMMENT_TRANSITIONS, before, CommentStatus.SIGNED, gettext("Phiếu này không ở trạng thái chờ ký.")
    )
    _not_in_future(on, gettext("Ngày ký nhận xét"))
    if request.residence_cell is None:
        raise TransitionError(
            gettext("Đảng viên chưa được phân công về chi bộ nơi cư trú: chưa có chi bộ để ký nhận xét.")
        )
    if acting.role in COMMITTEE_ROLES and not nfc(on_behalf_of):
        raise InvalidInput(
            gettext("Nhập phiếu giấy thay chi bộ: hãy ghi tên bí thư đã ký trên phiếu."),
            field_errors={"on_behalf_of": [gettext("Bắt buộc khi cấp ủy nhập thay.")]},
        )
    if content:
        _apply_comment(request, content)
    errors: dict[str, list[str]] = {}
    for criterion in request.book.profile.criteria:
        if not (request.criteria or {}).get(criterion["key"], "").strip():
            errors.setdefault("criteria", []).append(
                gettext("Chưa nhận xét: %(label)s.") % {"label": criterion["label"]}
            )
    if not request.summary:
        errors["summary"] = [gettext("Hãy chọn mức kết quả.")]
    if not request.front_participant:
        errors["front_participant"] = [gettext("Nhận xét được làm cùng ban công tác Mặt trận: hãy ghi người tham gia.")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInput(gettext("Chưa ký được: %(first)s") % {"first": first}, field_errors=errors)
    cell = request.residence_cell
    request.status = CommentStatus.SIGNED
    request.signed_on = on
    request.signed_by = by
    # a paper form entered by the committee prints the name of the secretary who signed the paper
    request.signer_name = nfc(on_behalf_of) if acting.role in COMMITTEE_ROLES else acting.name
    request.signer_title = "T/M CHI ỦY, BÍ THƯ" if cell is not None and cell.has_executive else "BÍ THƯ CHI BỘ"
    request.entered_on_behalf_of = nfc(on_behalf_of)
    request.save()
    _event(
        "comment_signed",
        acting,
        request,
        before=before,
        after=CommentStatus.SIGNED,
        member=request.book.member,
        book=request.book,
        data={"summary": request.summary},
    )
    return request


@transaction.atomic
def send_back_comment(request: CommentRequest, *, reason: str, by: Any) -> CommentRequest:
    """The residence committee sends a signed comment back to the cell to be corrected."""
    request = _lock(request)
    acting = _committee_roles(by, request.residence_committee, what=gettext("trả lại nhận xét này"))
    reason = nfc(reason)
    if not reason:
        raise InvalidInput(gettext("Hãy ghi lý do trả lại."), field_errors={"reason": [gettext("Bắt buộc.")]})
    if request.status != CommentStatus.SIGNED:
        raise TransitionError(gettext("Chỉ trả lại được nhận xét chi bộ đã ký, chưa xác nhận."))
    request.status = CommentStatus.DRAFTED
    request.signed_on = None
    request.signed_by = None
    request.signer_name = ""
    request.signer_title = ""
    request.save()
    _event(
        "comment_sent_back",
        acting,
        request,
        before=CommentStatus.SIGNED,
        after=CommentStatus.DRAFTED,
        member=request.book.member,
        book=request.book,
        data={"reason": reason},
    )
    return request


def _advance_comment(
    request: CommentRequest,
    *,
    to: str,
    by: Any,
    on: datetime.date | None,
    committee: str,
    what: str,
    refusal: str,
    day: str,
    not_before: tuple[str, str],
    verb: str,
) -> CommentRequest:
    """One step of a comment after the cell signed it: certify, return, acknowledge.

    `committee` names the request's field holding the committee that acts; `not_before` is the
    (field, words) of the date this step may not precede.
    """
    on = on or today()
    request = _lock(request)
    acting = _committee_roles(by, getattr(request, committee), what=what)
    _not_in_future(on, day)
    before = request.status
    _check_transition(COMMENT_TRANSITIONS, before, to, refusal)
    earlier_field, earlier_words = not_before
    earlier = getattr(request, earlier_field)
    if earlier and on < earlier:
        raise InvalidInput(
            gettext("%(day)s không thể trước %(earlier_words)s.") % {"day": day, "earlier_words": earlier_words}
        )
    request.status = to
    if to == CommentStatus.CERTIFIED:
        request.certified_on, request.certified_by, request.certifier_name = on, by, acting.name
    elif to == CommentStatus.RETURNED:
        request.returned_on = on
    else:
        request.acknowledged_on, request.acknowledged_by = on, by
    request.save()
    _event(verb, acting, request, before=before, after=to, member=request.book.member, book=request.book)
    return request


@transaction.atomic
def certify_comment(request: CommentRequest, *, by: Any, on: datetime.date | None = None) -> CommentRequest:
    """The residence committee certifies the cell's signed comment."""
    return _advance_comment(
        request,
        to=CommentStatus.CERTIFIED,
        by=by,
        on=on,
        committee="residence_committee",
        what=gettext("xác nhận nhận xét này"),
        refusal=gettext("Chỉ xác nhận được nhận xét chi bộ đã ký."),
        day=gettext("Ngày xác nhận"),
        not_before=("signed_on", gettext("ngày chi bộ ký")),
        verb="comment_certified",
    )


@transaction.atomic
def return_comment(request: CommentRequest, *, by: Any, on: datetime.date | None = None) -> CommentRequest:
    """The residence committee sends the certified comment back to the workplace committee."""
    return _advance_comment(
        request,
        to=CommentStatus.RETURNED,
        by=by,
        on=on,
        committee="residence_committee",
        what=gettext("gửi nhận xét này về nơi công tác"),
        refusal=gettext("Chỉ gửi lại được nhận xét đã xác nhận."),
        day=gettext("Ngày gửi lại"),
        not_before=("certified_on", gettext("ngày đảng ủy xác nhận")),
        verb="comment_returned",
    )


@transaction.atomic
def acknowledge_comment(request: CommentRequest, *, by: Any, on: datetime.date | None = None) -> CommentRequest:
    """The workplace committee records that it received the comment."""
    return _advance_comment(
        request,
        to=CommentStatus.ACKNOWLEDGED,
        by=by,
        on=on,
        committee="requesting_committee",
        what=gettext("nhận lại nhận xét này"),
        refusal=gettext("Chỉ nhận được nhận xét nơi cư trú đã gửi lại."),
        day=gettext("Ngày nhận lại"),
        not_before=("returned_on", gettext("ngày nơi cư trú gửi lại")),
        verb="comment_acknowledged",
    )


# --------------------------------------------------------------------------- meetings, notices, rating


@transaction.atomic
def record_meeting(
    cell: Organisation,
    *,
    held_on: datetime.date,
    attendance: Mapping[int, bool | tuple[bool, str]],
    topic: str = "",
    by: Any,
) -> ResidenceMeeting:
    """Record (or correct) a residence cell's 6-monthly meeting and who of its 213 members came.

    `attendance` maps member id to present, or to (present, reason for absence).
    """
    acting = _authorize(
        by, [cell, cell.parent], {Role.CELL_SECRETARY} | COMMITTEE_ROLES, what=gettext("ghi sinh hoạt của chi bộ này")
    )
    if cell.kind != OrgKind.RESIDENCE_CELL:
        raise InvalidInput(gettext("Chỉ chi bộ nơi cư trú ghi sinh hoạt 213."))
    if held_on > today():
        raise InvalidInput(
            gettext("Ngày họp không thể ở tương lai."), field_errors={"held_on": [gettext("Ngày ở tương lai.")]}
        )
    if not attendance:
        raise InvalidInput(gettext("Hãy đánh dấu có mặt / vắng cho các đảng viên."))
    registered = set(
        ResidenceRegisterEntry.objects.filter(cell=cell, entered_on__lte=held_on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=held_on))
        .exclude(member__exemption=Exemption.E2)
        .values_list("member_id", flat=True)
    )
    strangers = set(attendance) - registered
    if strangers:
        raise InvalidInput(
            gettext("Có đảng viên không sinh hoạt ở chi bộ này vào ngày họp."),
            field_errors={"attendance": [str(sorted(strangers))]},
        )
    half = 1 if held_on.month <= 6 else 2
    meeting, created = ResidenceMeeting.objects.select_for_update().get_or_create(
        cell=cell,
        year=held_on.year,
        half=half,
        defaults={"held_on": held_on, "topic": nfc(topic), "recorded_by": by},
    )
    if not created:
        meeting.held_on = held_on
        meeting.topic = nfc(topic) or meeting.topic
        meeting.recorded_by = by
        meeting.save()
    # a correction replaces the list: members left out of it are no longer marked
    meeting.attendance.exclude(member_id__in=list(attendance)).delete()
    marked = {row.member_id: row for row in meeting.attendance.all()}
    new_rows: list[MeetingAttendance] = []
    changed_rows: list[MeetingAttendance] = []
    present_count = 0
    for member_id, value in attendance.items():
        present, reason = (value, "") if isinstance(value, bool) else (bool(value[0]), nfc(value[1]))
        present_count += present
        row = marked.get(member_id) or MeetingAttendance(meeting=meeting, member_id=member_id)
        row.present, row.absence_reason = present, "" if present else reason[:200]
        (changed_rows if row.pk else new_rows).append(row)
    MeetingAttendance.objects.bulk_create(new_rows)
    MeetingAttendance.objects.bulk_update(changed_rows, ["present", "absence_reason"])
    _event(
        "meeting_recorded",
        acting,
        meeting,
        data={
            "held_on": held_on.isoformat(),
            "present": present_count,
            "absent": len(attendance) - present_count,
            "corrected": not created,
        },
    )
    return meeting


@transaction.atomic
def raise_notice(
    member: Member, *, description: str, observed_on: datetime.date, by: Any, on: datetime.date | None = None
) -> ViolationNotice:
    """The residence committee reports a violation to the member's workplace committee."""
    on = on or today()
    entry = (
        ResidenceRegisterEntry.objects.filter(member=member, left_on__isnull=True)
        .select_related("residence_committee")
        .first()
    )
    if entry is None or member.exemption == Exemption.E2:
        raise NotAllowed(gettext("Đảng viên không sinh hoạt nơi cư trú tại đảng ủy của bạn."))
    acting = _committee_roles(by, entry.residence_committee, what=gettext("báo vi phạm của đảng viên này"))
    _not_in_future(on, gettext("Ngày báo"))
    description = nfc(description)
    if len(description) < 10:
        raise InvalidInput(gettext("Hãy mô tả rõ việc vi phạm."), field_errors={"description": [gettext("Quá ngắn.")]})
    if observed_on > on:
        raise InvalidInput(
            gettext("Ngày xảy ra không thể ở tương lai."), field_errors={"observed_on": [gettext("Ngày ở tương lai.")]}
        )
    book = _open_book(member)
    days = int(book.profile.rules.get("notice_answer_days", 30))
    notice = ViolationNotice.objects.create(
        book=book,
        residence_committee=entry.residence_committee,
        workplace_committee=book.holder,
        observed_on=observed_on,
        description=description,
        raised_on=on,
        raised_by=by,
        answer_due_on=on + datetime.timedelta(days=days),
    )
    _event("notice_raised", acting, notice, after=NoticeStatus.RAISED, member=member, book=book)
    return notice


@transaction.atomic
def answer_notice(notice: ViolationNotice, *, answer: str, by: Any, on: datetime.date | None = None) -> ViolationNotice:
    """The workplace committee answers a notice with what it did."""
    on = on or today()
    notice = _lock(notice)
    acting = _committee_roles(by, notice.workplace_committee, what=gettext("trả lời phiếu báo này"))
    _not_in_future(on, gettext("Ngày trả lời"))
    _check_transition(
        NOTICE_TRANSITIONS, notice.status, NoticeStatus.ANSWERED, gettext("Phiếu báo này đã được trả lời.")
    )
    answer = nfc(answer)
    if len(answer) < 10:
        raise InvalidInput(
            gettext("Hãy ghi rõ cấp ủy đã xử lý thế nào."), field_errors={"answer": [gettext("Quá ngắn.")]}
        )
    notice.status = NoticeStatus.ANSWERED
    notice.answer = answer
    notice.answered_on = on
    notice.answered_by = by
    notice.save()
    _event(
        "notice_answered",
        acting,
        notice,
        before=NoticeStatus.RAISED,
        after=NoticeStatus.ANSWERED,
        member=notice.book.member,
        book=notice.book,
    )
    return notice


def comment_for_rating(book: Book, year: int) -> CommentRequest | None:
    """The year's residence comment that has come back to the workplace, if any."""
    return (
        book.comments.filter(year=year, status__in=[CommentStatus.RETURNED, CommentStatus.ACKNOWLEDGED])
        # the yearly (periodic) comment first: "on_demand" sorts before "periodic" as text
        .order_by(models.Case(models.When(kind=CommentKind.PERIODIC, then=0), default=1), "-returned_on", "-pk")
        .first()
    )


@transaction.atomic
def record_rating(
    book: Book, *, year: int, level: str, note: str = "", by: Any, on: datetime.date | None = None
) -> AnnualRating:
    """The December rating; linked to the year's returned comment, or flagged as made without one.

    Not before the profile's `rating_start` of that year (213/2020: December 1).
    """
    on = on or today()
    book = _lock(book)
    member = book.member
    acting = _authorize(
        by,
        [book.holder, member.workplace_cell],
        COMMITTEE_ROLES | {Role.CELL_SECRETARY},
        what=gettext("xếp loại đảng viên này"),
    )
    _not_in_future(on, gettext("Ngày xếp loại"))
    if level not in RatingLevel.values:
        raise InvalidInput(
            gettext("Hãy chọn một trong bốn mức xếp loại."), field_errors={"level": [gettext("Không hợp lệ.")]}
        )
    if year > on.year or not book.term.contains_year(year):
        raise InvalidInput(
            gettext("Năm %(year)s không thuộc nhiệm kỳ của sổ hoặc chưa đến.") % {"year": year},
            field_errors={"year": [gettext("Không hợp lệ.")]},
        )
    starts = book.profile.deadline("rating_start", year)  # the book's profile: its rules stay with it
    if on < starts:
        raise TransitionError(
            gettext("Chưa đến thời gian xếp loại đảng viên năm %(year)s (từ ngày %(starts)s).")
            % {"year": year, "starts": format(starts, "%d/%m/%Y")}
        )
    if book.ratings.filter(year=year).exists():
        raise TransitionError(gettext("%(member)s đã được xếp loại năm %(year)s.") % {"member": member, "year": year})
    comment = comment_for_rating(book, year)
    rating = AnnualRating.objects.create(
        book=book,
        year=year,
        level=level,
        comment=comment,
        without_comment=comment is None,
        rated_on=on,
        rated_by=by,
        note=nfc(note),
    )
    _event(
        "rating_recorded",
        acting,
        rating,
        after=level,
        member=member,
        book=book,
        data={"year": year, "comment": comment.pk if comment else None, "without_comment": comment is None},
    )
    return rating


# --------------------------------------------------------------------------- term, merger


@dataclass
class RolloverResult:
    closed_term: Term
    new_term: Term
    books_opened: int
    letters_carried: int
    comments_moved: int


@transaction.atomic
def rollover_term(*, by: Any, on: datetime.date | None = None) -> RolloverResult:
    """Close the current term and open the next one.

    Every open book is closed (term end); employed members get a new book with the same holder,
    under the default profile of the day (the closed books keep theirs); letters in force (drafts
    too) are carried into the new book (same number, same receipt) and the old copies marked
    "carried over"; comment requests still in progress and open register rows move with them, so
    nothing is lost or counted twice.
    """
    on = on or today()
    # The term is national: only the system (cron) or a national administrator closes it.
    if by is not None and not getattr(by, "is_superuser", False):
        raise NotAllowed(gettext("Chỉ quản trị hệ thống (hoặc tác vụ tự động) mới được kết thúc nhiệm kỳ."))
    acting = Acting(by, "superuser" if by is not None else "", None)
    term = Term.objects.select_for_update().filter(status=TermStatus.OPEN).first()
    if term is None:
        raise TransitionError(gettext("Chưa có nhiệm kỳ nào đang thực hiện."))
    if on.year < term.end_year:
        raise TransitionError(
            gettext("Nhiệm kỳ %(start_year)s–%(end_year)s chưa đến năm kết thúc.")
            % {"start_year": term.start_year, "end_year": term.end_year}
        )
    # a successor regulation is a new profile: the new term's books open under today's default one,
    # the closed books keep the profile they were made under (DOMAIN.md §7)
    profile = default_profile()
    years = int(profile.rules.get("term_years", 5))
    term.status = TermStatus.CLOSED
    term.closed_on = on
    term.save(update_fields=["status", "closed_on"])
    new_term = Term.objects.create(start_year=term.end_year, end_year=term.end_year + years)
    old_books = list(Book.objects.filter(term=term, status=BookStatus.OPEN).select_related("member"))
    Book.objects.filter(pk__in=[b.pk for b in old_books]).update(
        status=BookStatus.CLOSED, closed_on=on, closed_reason=BookClosedReason.TERM_END
    )
    new_books = Book.objects.bulk_create(
        [
            Book(member=b.member, term=new_term, profile=profile, holder_id=b.holder_id, opened_on=on)
            for b in old_books
            if b.member.employment == EmploymentStatus.EMPLOYED
        ]
    )
    new_by_member = {b.member_id: b for b in new_books}
    old_letters = list(
        IntroductionLetter.objects.filter(book__in=old_books, status__in=LetterStatus.active()).select_related("book")
    )
    carried = []
    for old in old_letters:
        new_book = new_by_member.get(old.book.member_id)
        if new_book is None:
            continue
        copy = IntroductionLetter(
            **{
                f.attname: getattr(old, f.attname)
                for f in IntroductionLetter._meta.concrete_fields
                if f.name not in {"id", "book", "number", "carried_over_from", "superseded_by", "created_at"}
            }
        )
        copy.book = new_book
        copy.number = None
        copy.carried_over_from = old
        carried.append(copy)
    IntroductionLetter.objects.filter(pk__in=[copy.carried_over_from_id for copy in carried]).update(
        status=LetterStatus.CARRIED_OVER, ended_on=on, end_reason=f"Hết nhiệm kỳ {term.start_year}–{term.end_year}"
    )
    carried = IntroductionLetter.objects.bulk_create(carried)
    moved = 0
    for letter in carried:
        old_id = letter.carried_over_from_id
        moved += CommentRequest.objects.filter(
            letter_id=old_id, status__in=CommentStatus.open() + [CommentStatus.RETURNED]
        ).update(book=letter.book, letter=letter)
        # the register row goes on with the letter in force (reassign_cell, merges update that one)
        ResidenceRegisterEntry.objects.filter(letter_id=old_id, left_on__isnull=True).update(letter=letter)
    _event(
        "term_rolled_over",
        acting,
        new_term,
        before=f"{term.start_year}-{term.end_year}",
        after=f"{new_term.start_year}-{new_term.end_year}",
        data={
            "books_closed": len(old_books),
            "books_opened": len(new_books),
            "letters_carried": len(carried),
            "comments_moved": moved,
        },
    )
    return RolloverResult(term, new_term, len(new_books), len(carried), moved)


@transaction.atomic
def merge_communes(
    committees: Sequence[Organisation], *, into: Organisation, by: Any, on: datetime.date | None = None
) -> Organisation:
    """Merge residence committees (and their communes) into a successor.

    Their residence cells, members' addresses, open register rows, letters in force and open
    comment requests pass to the successor; the old committees and communes end the day before
    `on` and point to their successor, so history still reads as it was.
    """
    on = on or today()
    into = _lock(into)  # the caller's copy may predate another merge
    acting = _board_of(by, into.province_code, what=gettext("sắp xếp, hợp nhất đảng ủy xã/phường"))
    if into.kind != OrgKind.RESIDENCE_COMMITTEE or not into.is_active:
        raise InvalidInput(gettext("Đơn vị kế thừa phải là một đảng ủy xã/phường/đặc khu đang hoạt động."))
    olds = [Organisation.objects.select_for_update().get(pk=c.pk) for c in committees]
    if not olds:
        raise InvalidInput(gettext("Hãy chọn đảng ủy cần hợp nhất."))
    for old in olds:
        if old.pk == into.pk:
            raise InvalidInput(gettext("Không thể hợp nhất một đảng ủy vào chính nó."))
        if old.kind != OrgKind.RESIDENCE_COMMITTEE:
            raise InvalidInput(gettext("%(old)s không phải đảng ủy xã/phường/đặc khu.") % {"old": old})
        # across a province border only along an official succession (e.g. a Bến Tre ward of 2025
        # that became part of a Vĩnh Long commune)
        if (
            old.province_code != into.province_code
            and not UnitSuccession.objects.filter(predecessor_id=old.commune_id, successor_id=into.commune_id).exists()
        ):
            raise InvalidInput(
                gettext(
                    "%(old)s thuộc tỉnh khác và xã/phường của nó không sáp nhập vào %(commune)s: không hợp nhất được."
                )
                % {"old": old, "commune": into.commune}
            )
        if old.valid_until is not None:
            raise TransitionError(gettext("%(old)s đã thôi hoạt động từ trước.") % {"old": old})
    ended = on - datetime.timedelta(days=1)
    old_ids = [o.pk for o in olds]
    old_communes = {o.commune_id for o in olds if o.commune_id and o.commune_id != into.commune_id}
    for unit in AdministrativeUnit.objects.filter(pk__in=old_communes):
        if unit.valid_until is None:
            unit.valid_until = ended
            unit.save(update_fields=["valid_until"])
        UnitSuccession.objects.get_or_create(
            predecessor=unit, successor_id=into.commune_id, defaults={"effective_on": on}
        )
    Organisation.objects.filter(pk__in=old_ids).update(valid_until=ended, successor=into)
    cells = list(
        Organisation.objects.filter(parent_id__in=old_ids, kind=OrgKind.RESIDENCE_CELL).values_list("pk", flat=True)
    )
    Organisation.objects.filter(pk__in=cells).update(parent=into, commune_id=into.commune_id)
    members_moved = Member.objects.filter(residence_commune_id__in=old_communes).update(
        residence_commune_id=into.commune_id
    )
    entries = list(
        ResidenceRegisterEntry.objects.select_for_update().filter(
            residence_committee_id__in=old_ids, left_on__isnull=True
        )
    )
    ResidenceRegisterEntry.objects.filter(pk__in=[e.pk for e in entries]).update(
        left_on=ended, left_reason=LeaveReason.MERGED, left_note=f"Hợp nhất vào {into}"
    )
    ResidenceRegisterEntry.objects.bulk_create(
        [
            ResidenceRegisterEntry(
                residence_committee=into, member_id=e.member_id, letter_id=e.letter_id, cell_id=e.cell_id, entered_on=on
            )
            for e in entries
        ]
    )
    letters = IntroductionLetter.objects.filter(
        residence_committee_id__in=old_ids, status__in=LetterStatus.active()
    ).update(residence_committee=into)
    comments = CommentRequest.objects.filter(
        residence_committee_id__in=old_ids, status__in=CommentStatus.open()
    ).update(residence_committee=into)
    ViolationNotice.objects.filter(residence_committee_id__in=old_ids, status=NoticeStatus.RAISED).update(
        residence_committee=into
    )
    _event(
        "communes_merged",
        acting,
        into,
        data={
            "merged": old_ids,
            "communes": sorted(old_communes),
            "cells": cells,
            "members": members_moved,
            "register_entries": len(entries),
            "letters": letters,
            "comments": comments,
        },
    )
    return into


# --------------------------------------------------------------------------- address change requests


@transaction.atomic
def request_address_change(
    member: Member,
    *,
    by: Any,
    commune: AdministrativeUnit,
    line: str,
    residence_kind: str = ResidenceKind.PERMANENT,
    moving_on: datetime.date,
    note: str = "",
) -> AddressChangeRequest:
    """The member tells the workplace committee of a new address; the committee then accepts or rejects it.

    Only the member's own login may ask, one pending request per book at a time.
    """
    if by is None or not getattr(by, "is_active", False) or member.user_id is None or by.pk != member.user_id:
        raise NotAllowed(gettext("Chỉ chính đảng viên mới gửi được đề nghị chuyển nơi cư trú của mình."))
    member = _lock(member)
    book = _open_book(member)
    acting = Acting(by, "member", None)
    pending = book.address_change_requests.filter(status=AddressChangeStatus.PENDING).first()
    if pending is not None:
        raise TransitionError(
            gettext("Bạn đã có một đề nghị chuyển nơi cư trú gửi ngày %(sent_on)s đang chờ cấp ủy xử lý.")
            % {"sent_on": format(timezone.localdate(pending.created_at), "%d/%m/%Y")}
        )
    line = nfc(line)
    errors: dict[str, list[str]] = {}
    if not line:
        errors["line"] = [gettext("Hãy ghi số nhà, đường, thôn/ấp/khóm/tổ.")]
    if commune.level != UnitLevel.COMMUNE or (commune.valid_until is not None and commune.valid_until < today()):
        errors["commune"] = [gettext("Hãy chọn xã/phường/đặc khu hiện nay.")]
    if residence_kind not in ResidenceKind.values:
        errors["residence_kind"] = [gettext("Hãy chọn thường trú hoặc tạm trú.")]
    note = nfc(note)
    if len(note) > 1000:
        errors["note"] = [gettext("Ghi chú dài quá 1.000 ký tự.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], field_errors=errors)
    current = (member.residence_commune_id, member.residence_line, member.residence_kind)
    if (commune.pk, line, residence_kind) == current:
        raise InvalidInput(gettext("Địa chỉ mới trùng địa chỉ hiện tại."))
    request = AddressChangeRequest.objects.create(
        member=member,
        book=book,
        commune=commune,
        line=line,
        residence_kind=residence_kind,
        moving_on=moving_on,
        note=note,
        created_at=clock.now(),
    )
    _event(
        "address_change_requested",
        acting,
        request,
        after=AddressChangeStatus.PENDING,
        member=member,
        book=book,
        data={"commune": commune.pk, "line": line, "kind": residence_kind, "moving_on": moving_on.isoformat()},
    )
    return request


@transaction.atomic
def handle_address_change(
    request: AddressChangeRequest,
    *,
    accept: bool,
    answer: str = "",
    by: Any,
    on: datetime.date | None = None,
) -> AddressChangeRequest:
    """The workplace committee holding the book accepts or rejects a member's address change.

    Accepting does the work of `change_residence` in the same transaction (the letter in force is
    superseded and a new one issued), recorded in this action's one event; rejecting needs an answer.
    """
    on = on or today()
    request = _lock(request)
    acting = _committee_roles(by, request.book.holder, what=gettext("xử lý đề nghị chuyển nơi cư trú này"))
    _not_in_future(on, gettext("Ngày xử lý"))
    target = AddressChangeStatus.DONE if accept else AddressChangeStatus.REJECTED
    _check_transition(
        ADDRESS_CHANGE_TRANSITIONS, request.status, target, gettext("Đề nghị này đã được xử lý trước đó.")
    )
    answer = nfc(answer)
    if not accept and len(answer) < 5:
        raise InvalidInput(
            gettext("Hãy ghi lý do không chấp nhận để đảng viên biết."),
            field_errors={"answer": [gettext("Bắt buộc khi không chấp nhận.")]},
        )
    move: dict[str, Any] = {}
    if accept:
        member = _lock(request.member)
        _new_letter, _before, move = _move_residence(
            member,
            _open_book(member),
            acting,
            commune=request.commune,
            line=request.line,
            kind=request.residence_kind,
            on=on,
        )
    before = request.status
    request.status = target
    request.answer = answer
    request.handled_by = by
    request.handled_on = on
    request.save(update_fields=["status", "answer", "handled_by", "handled_on"])
    _event(
        "address_change_accepted" if accept else "address_change_rejected",
        acting,
        request,
        before=before,
        after=target,
        member=request.member,
        book=request.book,
        data={"answer": answer, **move},
    )
    return request


# --------------------------------------------------------------------------- scans of paper forms

# The first bytes of each accepted kind of scan: the type is read from the content, never from
# the file's name or the browser's word for it.
SCAN_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", ScanType.PDF),
    (b"\xff\xd8\xff", ScanType.JPEG),
    (b"\x89PNG\r\n\x1a\n", ScanType.PNG),
)


def detect_scan_type(head: bytes) -> str | None:
    """The ScanType of a file from its first bytes, or None when it is none of them."""
    return next((kind for magic, kind in SCAN_SIGNATURES if head.startswith(magic)), None)


def megabytes(size: int) -> str:
    """'12,3 MB': a size as a Vietnamese reader writes it."""
    return f"{size / 1_000_000:.1f}".replace(".", ",") + " MB"


def _scan_name(name: str) -> str:
    """The uploader's file name without any folder part, NFC, at most 200 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    cleaned = nfc("".join(ch for ch in base if ch.isprintable()))
    return cleaned[-200:] or "ban-quet"


def _check_scan(upload: Any) -> tuple[str, int]:
    """(detected type, size) of an uploaded scan, or InvalidInput saying what is wrong."""
    from django.conf import settings

    limit = int(getattr(settings, "SCAN_MAX_BYTES", 10_000_000))
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if not size:
        raise InvalidInput(gettext("Tệp rỗng: hãy chọn tệp bản quét."), field_errors={"file": [gettext("Tệp rỗng.")]})
    if size > limit:
        raise InvalidInput(
            gettext(
                "Tệp quá lớn (%(size)s); giới hạn là %(limit)s. Hãy quét với độ phân "
                "giải thấp hơn (150–200 dpi) hoặc chia thành nhiều tệp."
            )
            % {"size": megabytes(size), "limit": megabytes(limit)},
            field_errors={"file": [gettext("Quá %(limit)s.") % {"limit": megabytes(limit)}]},
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kind = detect_scan_type(head)
    if kind is None:
        raise InvalidInput(
            gettext(
                "Tệp không phải bản quét PDF, JPEG hoặc PNG (đã kiểm tra nội dung tệp, không theo tên tệp). "
                "Hãy quét lại và lưu ra PDF, JPEG hoặc PNG."
            ),
            field_errors={"file": [gettext("Nội dung tệp không phải PDF, JPEG hoặc PNG.")]},
        )
    return kind, int(size)


@transaction.atomic
def attach_scan(obj: IntroductionLetter | CommentRequest, *, upload: Any, by: Any) -> Attachment:
    """Attach the scan of a paper letter (1-213) or comment form (3-213).

    Allowed to the staff of the committees that hold the document: the workplace committee
    holding the book, and the residence committee handling it (never for an E2 member, nor for
    a draft letter the residence side has not received). The type is checked by content.
    """
    if isinstance(obj, IntroductionLetter):
        document: IntroductionLetter | CommentRequest = _lock(obj)
        book = document.book
        residence = None if document.status == LetterStatus.DRAFT else document.residence_committee
        what = gettext("đính kèm bản quét cho giấy giới thiệu này")
    elif isinstance(obj, CommentRequest):
        document = _lock(obj)
        book = document.book
        residence = document.residence_committee
        what = gettext("đính kèm bản quét cho phiếu nhận xét này")
    else:
        raise InvalidInput(gettext("Chỉ đính kèm bản quét cho giấy giới thiệu hoặc phiếu nhận xét."))
    member = book.member
    if member.exemption == Exemption.E2:
        residence = None  # the residence side never sees an E2 member
    acting = _authorize(by, [book.holder, residence], COMMITTEE_ROLES, what=what)
    if book.status != BookStatus.OPEN:
        raise TransitionError(gettext("Sổ liên hệ đã đóng (chỉ xem): không đính kèm thêm bản quét được."))
    kind, size = _check_scan(upload)
    attachment = Attachment(
        letter=document if isinstance(document, IntroductionLetter) else None,
        comment=document if isinstance(document, CommentRequest) else None,
        original_name=_scan_name(getattr(upload, "name", "")),
        size=size,
        content_type=kind,
        uploaded_by=by,
        uploaded_at=clock.now(),
    )
    attachment.file.save("scan", upload, save=False)
    try:
        attachment.save()
        _event(
            "scan_attached",
            acting,
            document,
            member=member,
            book=book,
            data={
                "attachment": attachment.pk,
                "name": attachment.original_name,
                "type": kind,
                "size": size,
            },
        )
    except BaseException:
        attachment.file.delete(save=False)
        raise
    return attachment
