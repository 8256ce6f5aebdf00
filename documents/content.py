"""What each printed document says, built from rows the caller is allowed to see.

Views (web side) and the export_book command fetch the rows through `books.access` (or, for the
command, directly) and hand them here; these functions decide only the wording and layout data
of mẫu 1-213, mẫu 3-213, the register, the whole book and the board's report. Every builder
runs a fixed number of queries whatever the number of documents.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from books.models import (
    Book,
    BookStatus,
    CommentKind,
    CommentRequest,
    CommentStatus,
    IntroductionLetter,
    LetterStatus,
    RegulationProfile,
    ResidenceRegisterEntry,
)
from members.models import Member, ResidenceKind, Sex
from orgs.models import AdministrativeUnit, Organisation, OrgKind, Role, RoleAssignment, UnitEdition, UnitLevel

from .verification import Stamp, stamps_for

DOTS = "…………"

# --------------------------------------------------------------------------- wording helpers


def date_words(day: datetime.date | None) -> str:
    """'ngày 05 tháng 01 năm 2026' (two-digit day and month, as on party documents)."""
    if day is None:
        return "ngày ….. tháng ….. năm ………"
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def place_of(org: Organisation | None) -> str:
    """The place written before the date: the organisation's `place_name`, else its commune without
    the word 'Phường'/'Xã' ('Long Châu'), else dots to fill in."""
    if org is None:
        return DOTS
    if org.place_name:
        return org.place_name
    unit = org.commune if org.commune_id else None
    if unit is None and org.province_code:
        # a province-level organisation (the board): the province's name, one query
        unit = AdministrativeUnit.objects.filter(
            level=UnitLevel.PROVINCE, code=org.province_code, edition=UnitEdition.Y2025
        ).first()
    if unit is not None:
        words = unit.name.split()
        kind = unit.division_type.split()
        if [w.lower() for w in words[: len(kind)]] == [w.lower() for w in kind] and len(words) > len(kind):
            return " ".join(words[len(kind) :])
        return unit.name
    return DOTS


def date_line(org: Organisation | None, day: datetime.date | None) -> str:
    """'Vĩnh Long, ngày 05 tháng 01 năm 2026'."""
    return f"{place_of(org)}, {date_words(day)}"


def short_date(day: datetime.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def upper(text: str) -> str:
    return text.upper()


def on_behalf(committee: Organisation) -> str:
    """'T/M ĐẢNG ỦY', or 'T/M CHI ỦY' for a chi bộ cơ sở (its letters are numbered …/CB)."""
    return "T/M CHI ỦY" if committee.letter_suffix.upper() == "CB" else "T/M ĐẢNG ỦY"


def address_of(line: str, commune: AdministrativeUnit) -> str:
    """'Số 5, đường …, Khóm 1, Phường Long Châu, Tỉnh Vĩnh Long'; a pre-2025 ward names its district."""
    return f"{line}, {commune.full_name()}" if line else commune.full_name()


@dataclass(frozen=True)
class Header:
    """The two header blocks of a party document."""

    upper: str  # the upper party organisation, in capitals ('' when none)
    committee: str  # the issuing committee, in capitals, bold
    number: str  # 'Số 12-GGT/ĐU', '' when the form has no number, DOTS for a blank form
    place_date: str


def header_of(committee: Organisation | None, day: datetime.date | None, number: str = "") -> Header:
    if committee is None:
        return Header(upper=DOTS, committee=DOTS, number=number, place_date=date_line(None, None))
    parent = committee.parent if committee.parent_id else None
    return Header(
        upper=upper(parent.name) if parent is not None else "",
        committee=upper(committee.name),
        number=number,
        place_date=date_line(committee, day),
    )


def titles_in(pairs: Iterable[tuple[int | None, int | None]]) -> dict[tuple[int, int], str]:
    """{(user id, organisation id): 'BÍ THƯ' / 'PHÓ BÍ THƯ'} for people who signed for a committee.

    One query. A clerk (văn phòng) has no title: the block then reads 'NGƯỜI TIẾP NHẬN' or similar.
    """
    wanted = {(u, o) for u, o in pairs if u and o}
    if not wanted:
        return {}
    q = Q()
    for user_id, org_id in wanted:
        q |= Q(user_id=user_id, organisation_id=org_id)
    found: dict[tuple[int, int], str] = {}
    rows = RoleAssignment.objects.filter(q, role__in=[Role.SECRETARY, Role.DEPUTY]).order_by("-role", "pk")
    for user_id, org_id, role in rows.values_list("user_id", "organisation_id", "role"):
        # "secretary" sorts after "deputy": ordered by -role the secretary comes first and wins
        found.setdefault((user_id, org_id), "BÍ THƯ" if role == Role.SECRETARY else "PHÓ BÍ THƯ")
    return found


def secretaries_of(committees: Iterable[Organisation]) -> dict[int, tuple[str, str]]:
    """{committee id: (name, 'BÍ THƯ' / 'PHÓ BÍ THƯ')} of each committee's signer today. One query."""
    ids = {c.pk for c in committees}
    rows = (
        RoleAssignment.objects.active()
        .filter(organisation_id__in=ids, role__in=[Role.SECRETARY, Role.DEPUTY])
        .select_related("user")
        .order_by("-role", "pk")
    )
    found: dict[int, tuple[str, str]] = {}
    for row in rows:
        name = row.user.get_full_name() or row.user.get_username()
        found.setdefault(row.organisation_id, (name, "BÍ THƯ" if row.role == Role.SECRETARY else "PHÓ BÍ THƯ"))
    return found


@dataclass(frozen=True)
class Signature:
    """A signature block: 'T/M ĐẢNG ỦY' / 'BÍ THƯ' / (space to sign and seal) / the name."""

    on_behalf: str
    title: str
    name: str
    note: str = ""


# --------------------------------------------------------------------------- mẫu 1-213


@dataclass(frozen=True)
class Receipt:
    """The lower block of the letter, filled by the residence committee once received."""

    committee: str
    place_date: str
    received: str  # 'ngày 12 tháng 01 năm 2026'
    cell: str
    signature: Signature
    on_behalf_of: str = ""


@dataclass
class LetterDoc:
    """Everything printed on one introduction letter (mẫu 1-213)."""

    letter: IntroductionLetter | None
    header: Header
    title: str
    addressee: str
    introducer: str
    particulars: list[tuple[str, str]]
    exemption: str
    request: str
    signature: Signature
    receipt: Receipt | None
    stamp: Stamp | None
    draft: bool = False
    ended: str = ""

    @property
    def blank(self) -> bool:
        return self.letter is None


LETTER_RELATED = (
    "issuing_committee__parent",
    "addressee",
    "residence_committee__commune",
    "workplace_cell__parent",
    "residence_commune__parent__parent",
    "assigned_cell",
    "carried_over_from__carried_over_from",
    "book__profile",
)


def letter_rows(queryset: QuerySet[IntroductionLetter]) -> QuerySet[IntroductionLetter]:
    """Letters with everything their print needs, in one query."""
    return queryset.select_related(*LETTER_RELATED)


def _exemption_note(letter: IntroductionLetter, profile: RegulationProfile) -> str:
    if not letter.exemption or letter.exemption == "E2":
        return ""
    label = profile.exemption_rule(letter.exemption).get("label", "")
    return (
        f"Đồng chí thuộc diện được miễn sinh hoạt, miễn nhận xét định kỳ nơi cư trú ({letter.exemption}"
        + (f": {label.lower()}" if label else "")
        + "); vẫn thực hiện các nhiệm vụ chung của đảng viên nơi cư trú."
    )


def letter_docs(letters: Sequence[IntroductionLetter], *, stamped: bool = True) -> list[LetterDoc]:
    """One LetterDoc per letter (rows from `letter_rows`). Two to four queries for any number."""
    stamps = stamps_for(letters) if stamped else {}
    titles = titles_in((letter.received_by_id, letter.residence_committee_id) for letter in letters)
    docs = []
    for letter in letters:
        profile = letter.book.profile
        committee = letter.issuing_committee
        number = letter.display_number
        receipt = None
        if letter.received_on is not None:
            residence = letter.residence_committee
            title = titles.get((letter.received_by_id or 0, residence.pk), "")
            receipt = Receipt(
                committee=upper(residence.name),
                place_date=date_line(residence, letter.received_on),
                received=date_words(letter.received_on),
                cell=letter.assigned_cell.name if letter.assigned_cell else "",
                signature=Signature("T/M ĐẢNG ỦY" if title else "NGƯỜI TIẾP NHẬN", title, letter.receiver_name),
                on_behalf_of=letter.entered_on_behalf_of,
            )
        particulars = [
            ("Họ và tên", letter.full_name),
            ("Giới tính", Sex(letter.sex).label if letter.sex else ""),
            ("Ngày sinh", short_date(letter.birth_date)),
            ("Ngày vào Đảng", short_date(letter.admitted_on)),
            ("Ngày chính thức", short_date(letter.official_on) or "(chưa chính thức)"),
            ("Hiện sinh hoạt tại", letter.workplace_cell.workplace_label),
            (
                "Nơi cư trú",
                address_of(letter.residence_line, letter.residence_commune)
                + (f" ({ResidenceKind(letter.residence_kind).label.lower()})" if letter.residence_kind else ""),
            ),
        ]
        ended = ""
        if letter.status not in LetterStatus.active():
            ended = f"{LetterStatus(letter.status).label}" + (
                f" ngày {short_date(letter.ended_on)}" if letter.ended_on else ""
            )
        docs.append(
            LetterDoc(
                letter=letter,
                header=header_of(
                    committee, letter.issued_on, f"Số {number}" if letter.number or letter.carried_over_from_id else ""
                ),
                title=profile.rules.get("forms", {}).get("letter_title", "GIẤY GIỚI THIỆU"),
                addressee=letter.addressee.name,
                introducer=f"{committee.name} giới thiệu đồng chí:",
                particulars=particulars,
                exemption=_exemption_note(letter, profile),
                request=profile.form_text("letter_request", addressee=letter.addressee.name),
                signature=Signature(on_behalf(committee), letter.signer_title or "BÍ THƯ", letter.signer_name),
                receipt=receipt,
                stamp=stamps.get(letter.pk),
                draft=letter.status == LetterStatus.DRAFT,
                ended=ended,
            )
        )
    return docs


def blank_letter_doc(committee: Organisation | None, profile: RegulationProfile) -> LetterDoc:
    """Mẫu 1-213 to fill by hand; the header carries the committee when the printer wears its hat."""
    number = f"Số {DOTS}-{profile.rules.get('forms', {}).get('letter_code', 'GGT')}/" + (
        committee.letter_suffix if committee else "ĐU"
    )
    return LetterDoc(
        letter=None,
        header=header_of(committee, None, number),
        title=profile.rules.get("forms", {}).get("letter_title", "GIẤY GIỚI THIỆU"),
        addressee="",
        introducer=(f"{committee.name} giới thiệu đồng chí:" if committee else "Cấp ủy … giới thiệu đồng chí:"),
        particulars=[
            (label, "")
            for label in (
                "Họ và tên",
                "Giới tính",
                "Ngày sinh",
                "Ngày vào Đảng",
                "Ngày chính thức",
                "Hiện sinh hoạt tại",
                "Nơi cư trú",
            )
        ],
        exemption="",
        request=profile.form_text("letter_request", addressee="Đảng ủy xã (phường, đặc khu) nơi cư trú"),
        signature=Signature(on_behalf(committee) if committee else "T/M ĐẢNG ỦY (CHI ỦY)", "BÍ THƯ", ""),
        receipt=None,
        stamp=None,
    )


# --------------------------------------------------------------------------- mẫu 3-213


@dataclass
class CommentDoc:
    """Everything printed on one comment form (mẫu 3-213): the request part and the comment part."""

    request: CommentRequest | None
    header: Header
    title: str
    subtitle: str
    addressee: str
    legal_basis: str
    request_text: str
    particulars: list[tuple[str, str]]
    request_signature: Signature
    show_comment: bool
    cell: str
    year: str
    member_name: str
    criteria: list[tuple[str, str]]
    shortcomings: str
    people_opinion: str
    summary: str
    summary_levels: list[str]
    front_participant: str
    comment_place_date: str
    comment_signature: Signature
    certifier: str
    certification: Signature
    certified_place_date: str
    stamp: Stamp | None
    state_note: str = ""

    @property
    def blank(self) -> bool:
        return self.request is None


COMMENT_RELATED = (
    "book__member__workplace_cell__parent",
    "book__member__residence_commune__parent__parent",
    "book__profile",
    "letter__carried_over_from__carried_over_from",
    "requesting_committee__parent",
    "residence_committee__commune",
    "residence_cell",
)


def comment_rows(queryset: QuerySet[CommentRequest]) -> QuerySet[CommentRequest]:
    return queryset.select_related(*COMMENT_RELATED)


def _cell_signature(cell: Organisation | None, title: str, name: str) -> Signature:
    """'T/M CHI ỦY' / 'BÍ THƯ' for a cell with a chi ủy, 'BÍ THƯ CHI BỘ' for one without."""
    if not title:
        title = "T/M CHI ỦY, BÍ THƯ" if cell is None or cell.has_executive else "BÍ THƯ CHI BỘ"
    first, _, second = title.partition(", ")
    return Signature(first, second, name) if second else Signature("", first, name)


def comment_docs(
    requests: Sequence[CommentRequest], *, show_comment: Any = True, stamped: bool = True
) -> list[CommentDoc]:
    """One CommentDoc per request (rows from `comment_rows`). `show_comment(request)` says whether
    the viewer may read the comment itself; the comment part is left to fill when not."""
    stamps = stamps_for(requests) if stamped else {}
    signers = secretaries_of({r.requesting_committee_id: r.requesting_committee for r in requests}.values())
    titles = titles_in((r.certified_by_id, r.residence_committee_id) for r in requests)
    docs = []
    for r in requests:
        profile = r.book.profile
        member = r.book.member
        requester = r.requesting_committee
        residence = r.residence_committee
        readable = bool(show_comment(r) if callable(show_comment) else show_comment) and r.has_comment
        saved = r.criteria or {}
        subtitle = f"Năm {r.year}"
        if r.kind == CommentKind.ON_DEMAND:
            subtitle += f" — xin ý kiến khi cần: {profile.reason_label(r.reason).lower()}"
            if r.reason_note:
                subtitle += f" ({r.reason_note})"
        name, title = signers.get(requester.pk, ("", "BÍ THƯ"))
        certifier_title = titles.get((r.certified_by_id or 0, residence.pk), "")
        state_note = ""
        if r.status == CommentStatus.CANCELLED:
            state_note = f"Phiếu đã hủy ngày {short_date(r.cancelled_on)}" + (
                f": {r.cancel_reason}" if r.cancel_reason else ""
            )
        elif not readable and r.has_comment:
            state_note = "Nhận xét đang ở đảng ủy nơi cư trú, chưa gửi về nơi công tác."
        docs.append(
            CommentDoc(
                request=r,
                header=header_of(requester, r.requested_on),
                title=profile.rules.get("forms", {}).get("comment_title", "PHIẾU XIN Ý KIẾN NHẬN XÉT"),
                subtitle=subtitle,
                addressee=residence.name,
                legal_basis=profile.rules.get("legal_basis", ""),
                request_text=profile.form_text(
                    "comment_request", requester=requester.name, addressee=residence.name, year=str(r.year)
                ),
                particulars=[
                    ("Họ và tên", member.full_name),
                    ("Giới tính", member.get_sex_display()),
                    ("Năm sinh", str(member.birth_date.year)),
                    ("Chi bộ nơi công tác", member.workplace_cell.workplace_label),
                    ("Nơi cư trú", address_of(member.residence_line, member.residence_commune)),
                    ("Giấy giới thiệu", f"Số {r.letter.display_number}"),
                ],
                request_signature=Signature(on_behalf(requester), title, name),
                show_comment=readable,
                cell=r.residence_cell.name if r.residence_cell else "",
                year=str(r.year),
                member_name=member.full_name,
                criteria=[(c["label"], saved.get(c["key"], "") if readable else "") for c in profile.criteria],
                shortcomings=r.shortcomings if readable else "",
                people_opinion=r.people_opinion if readable else "",
                summary=r.summary_label if readable else "",
                summary_levels=[s["label"] for s in profile.summary_levels],
                front_participant=r.front_participant if readable else "",
                comment_place_date=date_line(residence, r.signed_on if readable else None),
                comment_signature=_cell_signature(
                    r.residence_cell, r.signer_title if readable else "", r.signer_name if readable else ""
                ),
                certifier=upper(residence.name),
                certification=Signature(
                    "T/M ĐẢNG ỦY",
                    certifier_title or "BÍ THƯ",
                    r.certifier_name if readable and r.certified_on else "",
                ),
                certified_place_date=date_line(residence, r.certified_on if readable else None),
                stamp=stamps.get(r.pk),
                state_note=state_note,
            )
        )
    return docs


def blank_comment_doc(committee: Organisation | None, profile: RegulationProfile) -> CommentDoc:
    """Mẫu 3-213 to fill by hand (request and comment parts); the workplace committee's header when known."""
    workplace = committee if committee is not None and committee.is_workplace_side else None
    residence = committee if committee is not None and committee.kind == OrgKind.RESIDENCE_COMMITTEE else None
    return CommentDoc(
        request=None,
        header=header_of(workplace, None),
        title=profile.rules.get("forms", {}).get("comment_title", "PHIẾU XIN Ý KIẾN NHẬN XÉT"),
        subtitle=f"Năm {DOTS}",
        addressee=residence.name if residence else "",
        legal_basis=profile.rules.get("legal_basis", ""),
        request_text=profile.form_text(
            "comment_request",
            requester=workplace.name if workplace else "cấp ủy nơi công tác",
            addressee=residence.name if residence else "đảng ủy xã (phường, đặc khu)",
            year="……",
        ),
        particulars=[
            (label, "")
            for label in ("Họ và tên", "Giới tính", "Năm sinh", "Chi bộ nơi công tác", "Nơi cư trú", "Giấy giới thiệu")
        ],
        request_signature=Signature(on_behalf(workplace) if workplace else "T/M ĐẢNG ỦY (CHI ỦY)", "BÍ THƯ", ""),
        show_comment=False,
        cell="",
        year="",
        member_name="",
        criteria=[(c["label"], "") for c in profile.criteria],
        shortcomings="",
        people_opinion="",
        summary="",
        summary_levels=[s["label"] for s in profile.summary_levels],
        front_participant="",
        comment_place_date=date_line(residence, None),
        comment_signature=Signature("T/M CHI ỦY", "BÍ THƯ", ""),
        certifier=upper(residence.name) if residence else DOTS,
        certification=Signature("T/M ĐẢNG ỦY", "BÍ THƯ", ""),
        certified_place_date=date_line(residence, None),
        stamp=None,
    )


# --------------------------------------------------------------------------- the register


@dataclass
class RegisterRow:
    entry: ResidenceRegisterEntry
    number: int
    columns: list[tuple[int, str]]
    address: str = ""


def register_rows(entries: Sequence[ResidenceRegisterEntry], years: list[int]) -> list[RegisterRow]:
    """Rows of the register with, for each year of the term, that year's comment summary (the
    entries carry `.columns` from web.residence.attach_comment_columns)."""
    rows = []
    for number, entry in enumerate(entries, start=1):
        columns = []
        for year, request in getattr(entry, "columns", [(y, None) for y in years]):
            if request is None:
                text = ""
            elif request.has_comment:
                text = getattr(request, "short_summary", "") or request.summary_label
            elif request.status == CommentStatus.CANCELLED:
                text = "Đã hủy"
            else:
                text = "Chờ nhận xét"
            columns.append((year, text))
        member = entry.member
        rows.append(RegisterRow(entry, number, columns, address_of(member.residence_line, member.residence_commune)))
    return rows


# --------------------------------------------------------------------------- the whole book


@dataclass
class BookDoc:
    book: Book
    member: Member
    letters: list[LetterDoc]
    comments: list[CommentDoc]
    history: list[HistoryLine] = field(default_factory=list)
    printed_on: datetime.date | None = None
    years: list[YearLine] = field(default_factory=list)

    @property
    def title(self) -> str:
        term = self.book.term
        return f"Sổ liên hệ nhiệm kỳ {term.start_year}–{term.end_year}"

    @property
    def facts(self) -> list[tuple[str, str]]:
        m = self.member
        cell = m.workplace_cell
        return [
            ("Họ và tên đảng viên", m.full_name),
            ("Ngày sinh", short_date(m.birth_date)),
            ("Số thẻ đảng viên", m.party_card_number),
            ("Chi bộ nơi công tác", cell.name),
            ("Cấp ủy quản lý sổ", self.book.holder.name),
            ("Nơi cư trú", address_of(m.residence_line, m.residence_commune)),
            (
                "Tình trạng sổ",
                BookStatus(self.book.status).label
                + (f" ngày {short_date(self.book.closed_on)}" if self.book.closed_on else ""),
            ),
        ]


@dataclass(frozen=True)
class YearLine:
    """One year of the term in the book's overview of comments."""

    year: int
    state: str
    summary: str
    returned_on: str


@dataclass(frozen=True)
class HistoryLine:
    on: str
    what: str
    who: str
    where: str
    detail: str


def book_doc(
    book: Book,
    letters: QuerySet[IntroductionLetter],
    comments: QuerySet[CommentRequest],
    events: Iterable[Any],
    *,
    show_comment: Any,
    printed_on: datetime.date,
) -> BookDoc:
    """The whole book of a term: cover, every letter, the comments of each year, the history.

    `letters`, `comments` and `events` come from the caller already scoped (books.access); a fixed
    number of queries whatever the length of the book.
    """
    letter_list = list(letter_rows(letters).order_by("created_at", "pk"))
    comment_list = list(
        comment_rows(comments).exclude(status=CommentStatus.CANCELLED).order_by("year", "requested_on", "pk")
    )
    comment_pages = comment_docs(comment_list, show_comment=show_comment)
    by_year: dict[int, list[CommentDoc]] = {}
    for doc in comment_pages:
        assert doc.request is not None
        by_year.setdefault(doc.request.year, []).append(doc)
    years = []
    for year in book.term.years:
        found = [d for d in by_year.get(year, []) if d.request is not None and d.request.kind == CommentKind.PERIODIC]
        if not found:
            years.append(YearLine(year, "Chưa xin ý kiến nhận xét", "", ""))
            continue
        r = found[-1].request
        assert r is not None
        years.append(
            YearLine(
                year,
                CommentStatus(r.status).label,
                found[-1].summary,
                short_date(r.returned_on),
            )
        )
    history = [
        HistoryLine(
            on=f"{event.at:%d/%m/%Y}",
            what=event.verb_label,
            who=event.actor_name,
            where=event.actor_org.name if event.actor_org_id else "",
            detail=event.object_repr,
        )
        for event in events
    ]
    return BookDoc(
        book=book,
        member=book.member,
        letters=letter_docs(letter_list),
        comments=comment_pages,
        history=history,
        printed_on=printed_on,
        years=years,
    )
