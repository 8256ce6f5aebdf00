"""Who sees what. One place for every visibility rule; views and the API only call these.

A `Scope` is what one user (or one of their hats) reaches:
- a workplace committee's secretary, deputy or clerk: the books it holds and their members;
- a workplace cell's secretary: the members of the cell;
- a residence committee's staff: letters addressed to it, its register, its comments, its cells;
- a residence cell's secretary: the members registered in the cell and its comment requests;
- a province board officer: everything whose organisation is in the province;
- a member: their own book.
The residence side never sees an E2 member, and never sees party-card numbers, ID numbers or
ratings (`Scope.sees_identity`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from members.models import Exemption, Member, e2_member_ids
from orgs.models import COMMITTEE_ROLES, Organisation, OrgKind, Role, RoleAssignment

from .models import (
    AddressChangeRequest,
    AnnualRating,
    Book,
    CommentRequest,
    Event,
    IntroductionLetter,
    LetterStatus,
    MeetingAttendance,
    ResidenceMeeting,
    ResidenceRegisterEntry,
    ViolationNotice,
)


@dataclass(frozen=True)
class Scope:
    """The organisations a user acts for, by side."""

    workplace_committees: frozenset[int] = frozenset()
    workplace_cells: frozenset[int] = frozenset()
    residence_committees: frozenset[int] = frozenset()
    residence_cells: frozenset[int] = frozenset()
    provinces: frozenset[int] = frozenset()
    member_id: int | None = None
    organisations: frozenset[int] = field(default=frozenset())

    @property
    def is_empty(self) -> bool:
        return not (
            self.workplace_committees
            or self.workplace_cells
            or self.residence_committees
            or self.residence_cells
            or self.provinces
            or self.member_id
        )

    @property
    def on_residence_side_only(self) -> bool:
        return bool(self.residence_committees or self.residence_cells) and not (
            self.workplace_committees or self.workplace_cells or self.provinces
        )

    def sees_identity(self, member: Member) -> bool:
        """Party-card number, ID number and ratings: the workplace side, the board, the member."""
        if self.member_id == member.pk or self.provinces and member.workplace_cell.province_code in self.provinces:
            return True
        cell = member.workplace_cell
        return (
            cell.pk in self.workplace_cells
            or cell.pk in self.workplace_committees
            or (cell.parent_id is not None and cell.parent_id in self.workplace_committees)
        )


def scope_of(assignments: list[RoleAssignment], member: Member | None = None) -> Scope:
    sets: dict[str, set[int]] = {
        "workplace_committees": set(),
        "workplace_cells": set(),
        "residence_committees": set(),
        "residence_cells": set(),
        "provinces": set(),
    }
    for a in assignments:
        kind, role = a.organisation.kind, a.role
        if kind == OrgKind.WORKPLACE_COMMITTEE and role in COMMITTEE_ROLES:
            sets["workplace_committees"].add(a.organisation_id)
        elif kind == OrgKind.WORKPLACE_CELL and role == Role.CELL_SECRETARY:
            sets["workplace_cells"].add(a.organisation_id)
        elif kind == OrgKind.RESIDENCE_COMMITTEE and role in COMMITTEE_ROLES:
            sets["residence_committees"].add(a.organisation_id)
        elif kind == OrgKind.RESIDENCE_CELL and role == Role.CELL_SECRETARY:
            sets["residence_cells"].add(a.organisation_id)
        elif kind == OrgKind.PROVINCE_BOARD and role == Role.BOARD_OFFICER and a.organisation.province_code:
            sets["provinces"].add(a.organisation.province_code)
    return Scope(
        **{k: frozenset(v) for k, v in sets.items()},
        member_id=member.pk if member else None,
        organisations=frozenset(a.organisation_id for a in assignments),
    )


def scope_for(user: Any, hat: Any = None) -> Scope:
    """Everything the user reaches, or only what one hat (see accounts.roles) reaches."""
    if user is None or not user.is_authenticated:
        return Scope()
    if hat is not None:
        if hat.assignment is not None:
            return scope_of([hat.assignment])
        return scope_of([], hat.member)
    from orgs.models import roles_of

    member = Member.objects.filter(user=user).first()
    return scope_of(roles_of(user), member)


# --------------------------------------------------------------------------- querysets


def _workplace_member_q(scope: Scope, prefix: str = "") -> Q:
    """Members (through `prefix`) of the workplace organisations and provinces in scope."""
    p = prefix
    # The cells first, as a subquery, then the members by `workplace_cell_id IN (…)`: an OR of the
    # member's own cell and the cell's parent (a join) would make PostgreSQL read every member of
    # the country; this way it reads the index on (workplace_cell, sort_key) of the cells in scope.
    orgs = Q(pk__in=scope.workplace_cells | scope.workplace_committees) | Q(parent__in=scope.workplace_committees)
    if scope.provinces:
        orgs |= Q(province_code__in=scope.provinces)
    q = Q(**{f"{p}pk__in": []})
    if scope.workplace_cells or scope.workplace_committees or scope.provinces:
        q = Q(**{f"{p}workplace_cell__in": Organisation.objects.filter(orgs).values("pk")})
    if scope.member_id:
        q |= Q(**{f"{p}pk": scope.member_id})
    return q


def members(scope: Scope) -> QuerySet[Member]:
    """Members the user may see; the residence side only those registered or introduced to it."""
    q = _workplace_member_q(scope)
    if scope.residence_committees or scope.residence_cells:
        introduced = Q(
            books__letters__residence_committee__in=scope.residence_committees,
            books__letters__status__in=[LetterStatus.ISSUED, LetterStatus.RECEIVED],
        ) | Q(
            register_entries__cell__in=scope.residence_cells,
            register_entries__left_on__isnull=True,
        )
        registered = Q(register_entries__residence_committee__in=scope.residence_committees)
        residence = (introduced | registered) & ~Q(exemption=Exemption.E2)
        ids = Member.objects.filter(residence).values("pk")
        q |= Q(pk__in=ids)
    return Member.objects.filter(q)


def books(scope: Scope) -> QuerySet[Book]:
    """Books of the workplace side, the board and the member. The residence side has no book."""
    return Book.objects.filter(pk__in=_book_ids(scope))


def _book_ids(scope: Scope) -> QuerySet[Any]:
    """The ids of `books(scope)`, for `book__in=`: the UNION itself, not the books read again by id
    (5,629 index probes, 5 of a workplace list's 18 ms at 2.5 M)."""
    # One indexed SELECT per way in, joined by UNION: an OR of the holder and the member's cell
    # would make PostgreSQL read every book of the country (docs/performance.md, "Plans").
    parts: list[QuerySet[Any]] = []
    if scope.workplace_committees:
        parts.append(Book.objects.filter(holder__in=scope.workplace_committees).values("pk"))
    if scope.workplace_cells or scope.workplace_committees or scope.provinces:
        parts.append(Book.objects.filter(_workplace_member_q(replace(scope, member_id=None), "member__")).values("pk"))
    if scope.member_id:
        parts.append(Book.objects.filter(member_id=scope.member_id).values("pk"))
    if not parts:
        return Book.objects.none().values("pk")
    if len(parts) == 1:
        return parts[0]
    return parts[0].union(*parts[1:])


def _residence_q(scope: Scope, committee: str, cell: str, member: str) -> Q:
    """Rows of the scope's residence committees and cells, never of an E2 member. `member`: the
    path to the row's member; "member" (the row has the member's id) checks the E2 members' ids
    (members.models.e2_member_ids) instead of reading the member of every row."""
    q = Q(**{f"{committee}__in": scope.residence_committees}) | Q(**{f"{cell}__in": scope.residence_cells})
    return q & _not_e2(member)


def _not_e2(member: str) -> Q:
    if member == "member":
        return ~Q(member__in=e2_member_ids())
    return ~Q(**{f"{member}__exemption": Exemption.E2})


def letters(scope: Scope) -> QuerySet[IntroductionLetter]:
    """Letters of visible books, and letters sent (not drafts) to the residence side in scope."""
    residence = _residence_q(scope, "residence_committee", "assigned_cell", "book__member") & ~Q(
        status=LetterStatus.DRAFT
    )
    return IntroductionLetter.objects.filter(Q(book__in=_book_ids(scope)) | residence)


def comments(scope: Scope) -> QuerySet[CommentRequest]:
    residence = _residence_q(scope, "residence_committee", "residence_cell", "book__member")
    return CommentRequest.objects.filter(Q(book__in=_book_ids(scope)) | residence)


def register(scope: Scope) -> QuerySet[ResidenceRegisterEntry]:
    residence = _residence_q(scope, "residence_committee", "cell", "member")
    workplace = _workplace_member_q(scope, "member__") & _not_e2("member")
    return ResidenceRegisterEntry.objects.filter(residence | workplace)


def notices(scope: Scope) -> QuerySet[ViolationNotice]:
    q = Q(workplace_committee__in=scope.workplace_committees) | (
        Q(residence_committee__in=scope.residence_committees) & ~Q(book__member__exemption=Exemption.E2)
    )
    if scope.provinces:
        q |= Q(workplace_committee__province_code__in=scope.provinces)
    if scope.member_id:
        q |= Q(book__member_id=scope.member_id)
    return ViolationNotice.objects.filter(q)


def meetings(scope: Scope) -> QuerySet[ResidenceMeeting]:
    q = Q(cell__in=scope.residence_cells) | Q(cell__parent__in=scope.residence_committees)
    if scope.provinces:
        q |= Q(cell__province_code__in=scope.provinces)
    if scope.member_id:
        q |= Q(pk__in=MeetingAttendance.objects.filter(member_id=scope.member_id).values("meeting_id"))
    return ResidenceMeeting.objects.filter(q)


def ratings(scope: Scope) -> QuerySet[AnnualRating]:
    """Ratings are the workplace's: never shown to the residence side."""
    return AnnualRating.objects.filter(book__in=_book_ids(scope))


def address_changes(scope: Scope) -> QuerySet[AddressChangeRequest]:
    """A member's address-change requests: the member and the workplace side holding the book."""
    return AddressChangeRequest.objects.filter(book__in=_book_ids(scope))


def events(scope: Scope) -> QuerySet[Event]:
    """The history of the books the user may see (the residence side reads letters and comments)."""
    return Event.objects.filter(book__in=_book_ids(scope))


def organisations(scope: Scope) -> QuerySet[Organisation]:
    """The user's own organisations, the ones under them, and the board's province."""
    own = scope.organisations
    q = Q(pk__in=own) | Q(parent__in=own)
    if scope.provinces:
        q |= Q(province_code__in=scope.provinces)
    return Organisation.objects.filter(q)


def get_visible[M: Model](queryset: QuerySet[M], pk: Any) -> M:
    """The object if the user may see it, else 404 (never 403: existence is not revealed)."""
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy hoặc bạn không có quyền xem.") from None
