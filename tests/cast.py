"""The named cast every test uses (STYLE.md): two workplace committees, two residence
committees, a province board, a member with a login and an outsider who must see nothing.

Build it with `Cast.create()`; `cast.member_factory(...)` makes more members.
"""

from __future__ import annotations

import contextlib
import datetime
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from books import actions
from books.models import Book
from members.models import Member, Sex, cccd_century_digit
from orgs.models import AdministrativeUnit, Organisation, OrgKind, Role, RoleAssignment
from orgs.text import nfc

LONG_CHAU = 29551  # Phường Long Châu, Vĩnh Long
PHU_KHUONG = 28756  # Phường Phú Khương, Vĩnh Long
TAN_NGAI = 29566  # Phường Tân Ngãi, Vĩnh Long (no committee in the cast: letters there fail)
PASSWORD = "matkhau-demo-213"

_serial = itertools.count(1)


def commune(code: int) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(edition="2025", level="commune", code=code)


def make_user(username: str, full_name: str) -> Any:
    return get_user_model().objects.create_user(username=username, password=PASSWORD, full_name=full_name)


def new_user(username: str, full_name: str) -> Any:
    """An unsaved user as `create_user` would save it, for `bulk_create`."""
    user = get_user_model()(username=username, full_name=nfc(full_name))
    user.set_password(PASSWORD)
    return user


def grant(user: Any, org: Organisation, role: str) -> RoleAssignment:
    return RoleAssignment.objects.create(user=user, organisation=org, role=role, valid_from=datetime.date(2020, 1, 1))


def national_id_for(sex: str, birth: datetime.date, serial: int, province: int = 86) -> str:
    return f"{province:03d}{cccd_century_digit(sex, birth.year)}{birth.year % 100:02d}{serial % 1_000_000:06d}"


@dataclass
class Cast:
    board: Organisation
    upper: Organisation
    finance: Organisation  # Đảng ủy Sở Tài chính (workplace committee)
    finance_cell: Organisation  # Chi bộ Phòng Ngân sách
    health: Organisation  # Đảng ủy Sở Y tế (another workplace committee)
    health_cell: Organisation
    long_chau: Organisation  # Đảng ủy phường Long Châu (residence committee)
    lc_cell_1: Organisation  # Chi bộ Khóm 1 (has a chi ủy)
    lc_cell_2: Organisation  # Chi bộ Khóm 2 (no chi ủy)
    phu_khuong: Organisation  # Đảng ủy phường Phú Khương (another residence committee)
    pk_cell: Organisation
    finance_secretary: Any
    finance_clerk: Any
    health_secretary: Any
    finance_cell_secretary: Any
    lc_secretary: Any
    lc_clerk: Any
    lc_cell_secretary: Any
    pk_secretary: Any
    pk_cell_secretary: Any
    board_officer: Any
    member_user: Any
    outsider: Any
    member: Member

    @classmethod
    def create(cls) -> Cast:
        """Built with a handful of bulk inserts: every test of the suite pays for it."""
        communes = {
            unit.code: unit
            for unit in AdministrativeUnit.objects.filter(
                edition="2025", level="commune", code__in=[LONG_CHAU, PHU_KHUONG]
            )
        }
        long_chau_unit, phu_khuong_unit = communes[LONG_CHAU], communes[PHU_KHUONG]

        def orgs(*made: Organisation) -> list[Organisation]:
            for org in made:
                org.province_code = 86
                org.normalise_text()
            return Organisation.objects.bulk_create(made)

        def residence_cell(committee: Organisation, area: str, *, has_executive: bool) -> Organisation:
            return Organisation(
                kind=OrgKind.RESIDENCE_CELL,
                name=f"Chi bộ {area}",
                parent=committee,
                commune=committee.commune,
                area_name=area,
                has_executive=has_executive,
            )

        (tinh_uy,) = orgs(Organisation(kind=OrgKind.UPPER_COMMITTEE, name="Tỉnh ủy Vĩnh Long"))
        board, upper, long_chau, phu_khuong = orgs(
            Organisation(kind=OrgKind.PROVINCE_BOARD, name="Ban Tổ chức Tỉnh ủy Vĩnh Long", parent=tinh_uy),
            Organisation(kind=OrgKind.UPPER_COMMITTEE, name="Đảng ủy các cơ quan Đảng tỉnh", parent=tinh_uy),
            Organisation(
                kind=OrgKind.RESIDENCE_COMMITTEE,
                name="Đảng ủy phường Long Châu",
                parent=tinh_uy,
                commune=long_chau_unit,
                place_name="Long Châu",
            ),
            Organisation(
                kind=OrgKind.RESIDENCE_COMMITTEE,
                name="Đảng ủy phường Phú Khương",
                parent=tinh_uy,
                commune=phu_khuong_unit,
            ),
        )
        finance, health, lc_cell_1, lc_cell_2, pk_cell = orgs(
            Organisation(
                kind=OrgKind.WORKPLACE_COMMITTEE, name="Đảng ủy Sở Tài chính", parent=upper, place_name="Vĩnh Long"
            ),
            Organisation(
                kind=OrgKind.WORKPLACE_COMMITTEE, name="Đảng ủy Sở Y tế", parent=upper, place_name="Vĩnh Long"
            ),
            residence_cell(long_chau, "Khóm 1", has_executive=True),
            residence_cell(long_chau, "Khóm 2", has_executive=False),
            residence_cell(phu_khuong, "Khu phố 3", has_executive=True),
        )
        finance_cell, health_cell = orgs(
            Organisation(kind=OrgKind.WORKPLACE_CELL, name="Chi bộ Phòng Ngân sách", parent=finance),
            Organisation(kind=OrgKind.WORKPLACE_CELL, name="Chi bộ Phòng Nghiệp vụ Y", parent=health),
        )
        roles = {
            "finance_secretary": ("tc_bithu", "Trần Quốc Hùng", finance, Role.SECRETARY),
            "finance_clerk": ("tc_vanthu", "Lê Thị Mai", finance, Role.CLERK),
            "health_secretary": ("yt_bithu", "Phạm Văn Lợi", health, Role.SECRETARY),
            "finance_cell_secretary": ("tc_cb_bithu", "Võ Minh Tâm", finance_cell, Role.CELL_SECRETARY),
            "lc_secretary": ("lc_bithu", "Huỳnh Văn Sáu", long_chau, Role.SECRETARY),
            "lc_clerk": ("lc_vanthu", "Đặng Thị Hoa", long_chau, Role.CLERK),
            "lc_cell_secretary": ("lc_k1_bithu", "Nguyễn Thị Bảy", lc_cell_1, Role.CELL_SECRETARY),
            "pk_secretary": ("pk_bithu", "Lý Văn Tư", phu_khuong, Role.SECRETARY),
            "pk_cell_secretary": ("pk_kp3_bithu", "Tạ Thị Năm", pk_cell, Role.CELL_SECRETARY),
            "board_officer": ("btc_canbo", "Dương Thanh Bình", board, Role.BOARD_OFFICER),
        }
        logins = [(username, name) for username, name, _org, _role in roles.values()]
        logins += [("dv_an", "Nguyễn Văn An"), ("nguoi_ngoai", "Người Ngoài")]
        users = get_user_model().objects.bulk_create([new_user(username, name) for username, name in logins])
        made = dict(zip(roles, users, strict=False))
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user=made[key], organisation=org, role=role, valid_from=datetime.date(2020, 1, 1))
                for key, (_username, _name, org, role) in roles.items()
            ]
        )
        member_user, outsider = users[-2:]
        cast = cls(
            board=board,
            upper=upper,
            finance=finance,
            finance_cell=finance_cell,
            health=health,
            health_cell=health_cell,
            long_chau=long_chau,
            lc_cell_1=lc_cell_1,
            lc_cell_2=lc_cell_2,
            phu_khuong=phu_khuong,
            pk_cell=pk_cell,
            member_user=member_user,
            outsider=outsider,
            member=None,  # type: ignore[arg-type]
            **made,
        )
        cast.member = cast.member_factory(full_name="Nguyễn Văn An", user=member_user)
        return cast

    def member_factory(
        self,
        *,
        full_name: str | None = None,
        cell: Organisation | None = None,
        commune_code: int = LONG_CHAU,
        sex: str = Sex.MALE,
        birth_date: datetime.date = datetime.date(1985, 4, 12),
        user: Any = None,
        by: Any = None,
    ) -> Member:
        """A new member registered through the action, with a book in the current term."""
        serial = next(_serial)
        cell = cell or self.finance_cell
        by = by or (self.finance_secretary if cell.workplace_committee == self.finance else self.health_secretary)
        member = actions.register_member(
            by=by,
            workplace_cell=cell,
            full_name=full_name or f"Trần Thị Thử {serial}",
            sex=sex,
            birth_date=birth_date,
            admitted_on=datetime.date(2010, 5, 19),
            official_on=datetime.date(2011, 5, 19),
            party_card_number=f"{86000000 + serial}",
            national_id=national_id_for(sex, birth_date, serial),
            residence_commune=commune(commune_code),
            residence_line=f"Số {serial}, đường Phạm Thái Bường, Khóm 1",
        )
        if user is not None:
            member.user = user
            member.save(update_fields=["user"])
        return member

    def book(self, member: Member) -> Book:
        return member.books.get(status="open")


# --------------------------------------------------------------------------- helpers for action tests


def introduce(
    cast: Cast,
    member: Member,
    *,
    cell: Organisation | None = None,
    received_on: datetime.date | None = None,
) -> Any:
    """Issue the member's letter and have the residence committee receive it into `cell`."""
    from books.models import IntroductionLetter

    cell = cell or cast.lc_cell_1
    holder = cast.book(member).holder
    issuer = cast.finance_clerk if holder == cast.finance else cast.health_secretary
    letter = actions.issue_letter(member, by=issuer, on=received_on)
    receiver = {cast.long_chau.pk: cast.lc_clerk, cast.phu_khuong.pk: cast.pk_secretary}[cell.parent_id]
    actions.confirm_letter(letter, cell=cell, by=receiver, received_on=received_on)
    return IntroductionLetter.objects.get(pk=letter.pk)


def request_comments(cast: Cast, committee: Organisation | None = None, *, year: int = 2026) -> list[Any]:
    """The year's periodic comment requests of a workplace committee (every member with a letter)."""
    committee = committee or cast.finance
    by = cast.finance_clerk if committee == cast.finance else cast.health_secretary
    return actions.open_campaign(committee, year=year, by=by).created


def sign_request(cast: Cast, request: Any) -> Any:
    """The residence cell writes and signs a comment (the request must have cell lc_cell_1)."""
    criteria = {c["key"]: "Gương mẫu, tích cực." for c in request.book.profile.criteria}
    return actions.sign_comment(
        request,
        by=cast.lc_cell_secretary,
        criteria=criteria,
        summary="tot",
        front_participant="Bà Lê Thị Ba, Trưởng ban công tác Mặt trận",
    )


def row_counts() -> dict[str, Any]:
    """How many rows each table of the process holds, and every letter number used so far."""
    from books.models import (
        Book,
        CommentRequest,
        Event,
        IntroductionLetter,
        LetterCounter,
        ResidenceRegisterEntry,
        Term,
        ViolationNotice,
    )
    from orgs.models import UnitSuccession

    counts: dict[str, Any] = {
        model.__name__: model.objects.count()
        for model in (
            Member,
            Book,
            Term,
            IntroductionLetter,
            ResidenceRegisterEntry,
            CommentRequest,
            ViolationNotice,
            Event,
            Organisation,
            UnitSuccession,
        )
    }
    counts["letter numbers"] = sorted(LetterCounter.objects.values_list("committee_id", "year", "last_number"))
    return counts


def stored(obj: Any) -> dict[str, Any]:
    """Every column of an object's row as the database holds it now."""
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    return {f.attname: getattr(fresh, f.attname) for f in type(obj)._meta.concrete_fields}


@contextlib.contextmanager
def unchanged(*objs: Any) -> Iterator[None]:
    """Assert that the block adds or removes no row (no Event either), uses no letter number and
    changes no column of `objs`."""
    counts, rows = row_counts(), [stored(obj) for obj in objs]
    yield
    after = row_counts()
    assert after == counts, f"rows changed: {counts} -> {after}"
    for obj, row in zip(objs, rows, strict=True):
        now = stored(obj)
        assert now == row, f"{obj!r} changed: " + ", ".join(
            f"{name}: {row[name]!r} -> {now[name]!r}" for name in row if row[name] != now[name]
        )


@contextlib.contextmanager
def refused(error: type[Exception], match: str, *objs: Any) -> Iterator[Any]:
    """The block raises `error` with a message matching `match` and changes nothing (see `unchanged`)."""
    import pytest

    with unchanged(*objs), pytest.raises(error, match=match) as info:
        yield info


@contextlib.contextmanager
def recording() -> Iterator[list[Any]]:
    """Collect the events written inside the block, in order."""
    from books.models import Event

    last = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    events: list[Any] = []
    yield events
    events.extend(Event.objects.filter(pk__gt=last).order_by("pk"))


def check_event(
    event: Any,
    *,
    verb: str,
    by: Any,
    role: str,
    org: Organisation | None,
    obj: Any,
    before: str = "",
    after: str = "",
    member: Member | None = None,
    book: Book | None = None,
) -> None:
    """Assert who did what to which object, in which role and organisation, from which state."""
    from django.contrib.contenttypes.models import ContentType

    actual = {
        "verb": event.verb,
        "actor": event.actor,
        "actor_role": event.actor_role,
        "actor_org": event.actor_org,
        "object": (event.content_type, event.object_id),
        "states": (event.state_before, event.state_after),
        "member": event.member,
        "book": event.book,
    }
    expected = {
        "verb": verb,
        "actor": by,
        "actor_role": role,
        "actor_org": org,
        "object": (ContentType.objects.get_for_model(obj), str(obj.pk)),
        "states": (before, after),
        "member": member,
        "book": book,
    }
    assert actual == expected, f"event {actual} != expected {expected}"


# --------------------------------------------------------------------------- helpers for tests/comments

VIETNAMESE_LETTERS = frozenset("àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ")
FRONT_PARTICIPANT = "Bà Lê Thị Ba, Trưởng ban công tác Mặt trận khóm"
# The day of 2026 each step of a periodic comment is taken on (comment_at).
COMMENT_DAYS = {
    "requested": datetime.date(2026, 10, 2),
    "drafted": datetime.date(2026, 10, 10),
    "signed": datetime.date(2026, 10, 20),
    "certified": datetime.date(2026, 10, 25),
    "returned": datetime.date(2026, 11, 1),
    "acknowledged": datetime.date(2026, 11, 5),
}


def is_vietnamese(text: str) -> bool:
    """Whether a message is written in Vietnamese: it uses letters only Vietnamese has."""
    return any(ch in VIETNAMESE_LETTERS for ch in text.lower())


def workflow_state() -> dict[str, Any]:
    """Every row of every table an action may write, as the database holds it now.

    Events are append-only (the database refuses an UPDATE or DELETE: tests/audit), so their
    number and last id say whether one was written; reading them all after every step of the
    state machine cost it a third of its time."""
    from django.db.models import Count, Max

    from books import models as m

    tables = (
        Member,
        Organisation,
        m.Term,
        m.Book,
        m.IntroductionLetter,
        m.LetterCounter,
        m.ResidenceRegisterEntry,
        m.CommentRequest,
        m.ResidenceMeeting,
        m.MeetingAttendance,
        m.ViolationNotice,
        m.AnnualRating,
    )
    state: dict[str, Any] = {
        model.__name__: list(model._default_manager.order_by("pk").values_list()) for model in tables
    }
    state["Event"] = m.Event.objects.aggregate(count=Count("pk"), last=Max("pk"))
    return state


@contextlib.contextmanager
def refused_without_trace(error: type[Exception]) -> Iterator[Any]:
    """The block raises `error` (or a subclass) with a Vietnamese message and leaves every table
    as it was: no row added, removed or changed, no Event written."""
    import pytest

    before = workflow_state()
    with pytest.raises(error) as info:
        yield info
    assert is_vietnamese(str(info.value)), f"not a Vietnamese message: {info.value}"
    assert workflow_state() == before, "a refused action changed the database"


def full_comment(text: str = "Gương mẫu, tích cực tham gia phong trào của khóm.") -> dict[str, Any]:
    """A complete comment under the default profile: every criterion, a summary, the Mặt trận participant."""
    profile = actions.default_profile()
    return {
        "criteria": {c["key"]: text for c in profile.criteria},
        "summary": profile.summary_levels[0]["key"],
        "front_participant": FRONT_PARTICIPANT,
    }


def workplace_officer(cast: Cast, committee: Organisation) -> Any:
    return {cast.finance.pk: cast.finance_clerk, cast.health.pk: cast.health_secretary}[committee.pk]


def residence_officer(cast: Cast, committee: Organisation) -> Any:
    return {cast.long_chau.pk: cast.lc_secretary, cast.phu_khuong.pk: cast.pk_secretary}[committee.pk]


def lc_cell_2_secretary(cast: Cast) -> Any:
    """The secretary of Chi bộ Khóm 2 (no chi ủy); made on first use, the cast has none."""
    user = get_user_model().objects.filter(username="lc_k2_bithu").first()
    if user is None:
        user = make_user("lc_k2_bithu", "Bùi Văn Chín")
        grant(user, cast.lc_cell_2, Role.CELL_SECRETARY)
    return user


def actor(cast: Cast, name: str) -> Any:
    """A cast user by attribute name; 'lc_cell_2_secretary' is made on demand."""
    return lc_cell_2_secretary(cast) if name == "lc_cell_2_secretary" else getattr(cast, name)


def comment_at(cast: Cast, status: str, member: Member | None = None, *, cell: Organisation | None = None) -> Any:
    """The 2026 periodic comment request of `member` (cast.member by default), walked through the
    real actions up to `status` (requested … acknowledged, or cancelled), each step on its day in
    COMMENT_DAYS. A member without a letter is first introduced into `cell` (Khóm 1) on 10/01."""
    import time_machine

    from books.models import CommentKind, CommentRequest, CommentStatus

    member = member or cast.member
    book = cast.book(member)
    if book.active_letter() is None:
        with time_machine.travel(datetime.date(2026, 1, 10)):
            introduce(cast, member, cell=cell or cast.lc_cell_1)
    with time_machine.travel(COMMENT_DAYS["requested"]):
        actions.open_campaign(book.holder, year=2026, by=workplace_officer(cast, book.holder))
    request = CommentRequest.objects.exclude(status=CommentStatus.CANCELLED).get(
        book=book, year=2026, kind=CommentKind.PERIODIC
    )
    if status == CommentStatus.CANCELLED:
        by = workplace_officer(cast, book.holder)
        actions.set_exemption(member, exemption="E1b", reason="Công tác lưu động", by=by)
        actions.clear_exemption(member, by=by)
        return CommentRequest.objects.get(pk=request.pk)
    cell = request.residence_cell
    if cell == cast.lc_cell_1:
        writer, on_behalf_of = cast.lc_cell_secretary, ""
    elif cell == cast.pk_cell:
        writer, on_behalf_of = cast.pk_cell_secretary, ""
    else:
        writer, on_behalf_of = residence_officer(cast, request.residence_committee), "Bí thư chi bộ (phiếu giấy)"
    steps = [
        ("drafted", lambda r: actions.write_comment(r, by=writer, on_behalf_of=on_behalf_of, **full_comment())),
        ("signed", lambda r: actions.sign_comment(r, by=writer, on_behalf_of=on_behalf_of)),
        ("certified", lambda r: actions.certify_comment(r, by=residence_officer(cast, r.residence_committee))),
        ("returned", lambda r: actions.return_comment(r, by=residence_officer(cast, r.residence_committee))),
        ("acknowledged", lambda r: actions.acknowledge_comment(r, by=workplace_officer(cast, r.requesting_committee))),
    ]
    for name, step in steps:
        if request.status == status:
            break
        with time_machine.travel(COMMENT_DAYS[name]):
            request = step(request)
    assert request.status == status, (request.status, status)
    return CommentRequest.objects.get(pk=request.pk)
