"""Many rows for the residence-side query-count tests, written in bulk (the actions would take
seconds for 200 members). The rows look like what the actions write: a member with a book, a
letter, a register row and, if asked, a comment request in a given state."""

from __future__ import annotations

import datetime
import itertools
from typing import Any
from zoneinfo import ZoneInfo

from books import actions
from books.models import (
    Book,
    CommentRequest,
    CommentStatus,
    IntroductionLetter,
    LetterStatus,
    ResidenceMeeting,
    ResidenceRegisterEntry,
    Term,
)
from members.models import Member, Sex
from orgs.models import Organisation, OrgKind
from orgs.text import fold, name_sort_key
from tests.cast import LONG_CHAU, Cast, commune, national_id_for

TODAY = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

_serial = itertools.count(500_000)
WITH_COMMENT = set(CommentStatus.with_comment())


def bulk_members(
    cast: Cast,
    n: int,
    *,
    cell: Organisation | None = None,
    committee: Organisation | None = None,
    letter_status: str = LetterStatus.RECEIVED,
    comment_status: str | None = None,
    year: int = 2026,
    exemption: str = "",
    name: str = "Phạm Thị Hàng Loạt",
) -> list[Member]:
    """`n` members of Chi bộ Phòng Ngân sách introduced to `committee` (received into `cell`)."""
    cell = cell or cast.lc_cell_1
    committee = committee or cell.parent
    assert committee is not None
    received = letter_status == LetterStatus.RECEIVED
    term = Term.current()
    profile = actions.default_profile()
    unit = commune(LONG_CHAU)
    members: list[Member] = []
    for _ in range(n):
        serial = next(_serial)
        full_name = f"{name} {serial}"
        birth = datetime.date(1980, 1, 1) + datetime.timedelta(days=serial % 3000)
        card = f"{70_000_000 + serial}"
        national_id = national_id_for(Sex.FEMALE, birth, serial)
        members.append(
            Member(
                full_name=full_name,
                sex=Sex.FEMALE,
                birth_date=birth,
                admitted_on=datetime.date(2010, 5, 19),
                official_on=datetime.date(2011, 5, 19),
                party_card_number=card,
                national_id=national_id,
                workplace_cell=cast.finance_cell,
                residence_commune=unit,
                residence_line=f"Số {serial}, đường Phạm Thái Bường, {cell.area_name}",
                exemption=exemption,
                exemption_reason="Nhiệm vụ cần giữ bí mật" if exemption else "",
                sort_key=name_sort_key(full_name),
                search_text=f"{fold(full_name)} {card} {national_id}",
            )
        )
    Member.objects.bulk_create(members)
    books = Book.objects.bulk_create(
        [
            Book(member=m, term=term, profile=profile, holder=cast.finance, opened_on=datetime.date(2026, 1, 2))
            for m in members
        ]
    )
    letters = IntroductionLetter.objects.bulk_create(
        [
            IntroductionLetter(
                book=book,
                status=letter_status,
                issuing_committee=cast.finance,
                addressee=committee,
                residence_committee=committee,
                year=2026,
                number=next(_serial),
                full_name=m.full_name,
                sex=m.sex,
                birth_date=m.birth_date,
                admitted_on=m.admitted_on,
                official_on=m.official_on,
                workplace_cell=m.workplace_cell,
                residence_commune=unit,
                residence_line=m.residence_line,
                residence_kind="permanent",
                exemption=exemption,
                issued_on=datetime.date(2026, 1, 5),
                signer_name="Trần Quốc Hùng",
                signer_title="BÍ THƯ",
                received_on=datetime.date(2026, 1, 10) if received else None,
                assigned_cell=cell if received else None,
            )
            for m, book in zip(members, books, strict=True)
        ]
    )
    if received:
        ResidenceRegisterEntry.objects.bulk_create(
            [
                ResidenceRegisterEntry(
                    residence_committee=committee,
                    member=m,
                    letter=letter,
                    cell=cell,
                    entered_on=datetime.date(2026, 1, 10),
                )
                for m, letter in zip(members, letters, strict=True)
            ]
        )
    if comment_status:
        written = comment_status in WITH_COMMENT
        CommentRequest.objects.bulk_create(
            [
                CommentRequest(
                    book=book,
                    year=year,
                    status=comment_status,
                    letter=letter,
                    requesting_committee=cast.finance,
                    residence_committee=committee,
                    residence_cell=cell if received else None,
                    requested_on=datetime.date(year, 10, 2),
                    due_on=datetime.date(year, 10, 31),
                    return_due_on=datetime.date(year, 11, 15),
                    criteria={c["key"]: "Gương mẫu." for c in profile.criteria} if written else {},
                    summary="tot" if written else "",
                    front_participant="Bà Lê Thị Ba" if written else "",
                    signed_on=datetime.date(year, 10, 20) if written else None,
                    signer_name="Nguyễn Thị Bảy" if written else "",
                    signer_title="T/M CHI ỦY, BÍ THƯ" if written else "",
                )
                for book, letter in zip(books, letters, strict=True)
            ]
        )
    return members


def bulk_cells(cast: Cast, n: int, *, committee: Organisation | None = None) -> list[Organisation]:
    """`n` more residence cells of Long Châu, each with a meeting recorded."""
    committee = committee or cast.long_chau
    first = next(_serial)
    cells = Organisation.objects.bulk_create(
        [
            Organisation(
                kind=OrgKind.RESIDENCE_CELL,
                name=f"Chi bộ Tổ {first + i}",
                search_name=f"chi bo to {first + i}",
                parent=committee,
                province_code=86,
                commune=committee.commune,
                area_name=f"Tổ {first + i}",
            )
            for i in range(n)
        ]
    )
    ResidenceMeeting.objects.bulk_create(
        [ResidenceMeeting(cell=c, held_on=datetime.date(2026, 6, 15), year=2026, half=1) for c in cells]
    )
    return cells


def secrets_of(members: list[Member]) -> list[str]:
    """Every party-card and ID number of these members: none may appear on a residence page."""
    return [value for m in members for value in (m.party_card_number, m.national_id)]


def body(response: Any) -> str:
    return response.content.decode()
