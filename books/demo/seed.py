"""Build the demo province: merged Vĩnh Long caught in the middle of a campaign year.

Organisations and users are written directly (they have no workflow); every state change of a
member, a letter or a comment goes through `books.actions`, run on a timeline under
`books.clock.override` so that each event carries the day it would have happened on. The
previous year Y-1 is complete; year Y stops at today.

The story, in order: members registered at the start of Y-1 (a few exempt), letters in
January, receipts until March, meetings in June and December, the old Phường 8 of Bến Tre merged
into Phường Phú Khương on 01/07/2025, the October campaign and its comments, the December rating;
then in Y newcomers, moves, a change of workplace, retirements, exemptions, notices, the June
meeting, the October campaign and comments in every state, some of them late.
"""

from __future__ import annotations

import datetime
import heapq
import itertools
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.test.utils import override_settings

from books import actions, clock
from books.models import (
    AnnualRating,
    Book,
    BookStatus,
    CommentKind,
    CommentRequest,
    CommentStatus,
    IntroductionLetter,
    LetterStatus,
    RatingLevel,
    ResidenceMeeting,
    ResidenceRegisterEntry,
    Term,
    ViolationNotice,
)
from books.models import Event as BookEvent
from members.models import EmploymentStatus, Exemption, Member, ResidenceKind, Sex
from orgs.models import AdministrativeUnit, Organisation, OrgKind, Role, RoleAssignment
from orgs.text import fold, nfc

from . import data
from .logins import DEMO_PASSWORD, DEMO_USERS
from .people import People, add_years, random_date, weighted

D = datetime.date
DAY = datetime.timedelta(days=1)
MIN_MEMBERS = 60


class DemoError(Exception):
    """The demo cannot be built in this database or on this date."""


def campaign_year(today: datetime.date) -> int:
    """The year whose October campaign is the latest one begun: Y."""
    return today.year if today.month >= 10 else today.year - 1


# --------------------------------------------------------------------------- plan


@dataclass(eq=False)
class Person:
    """A member-to-be and what will happen to them."""

    idx: int
    sex: str
    full_name: str
    birth: datetime.date
    admitted: datetime.date
    official: datetime.date | None
    national_id: str
    party_card: str
    phone: str
    email: str
    title: str
    workplace: data.Workplace
    cell: Organisation  # workplace cell, or the chi bộ cơ sở itself
    commune: AdministrativeUnit
    res_cell: Organisation
    line: str
    kind: str
    cohort: str  # main | old_ward | mid | new
    registered_on: datetime.date
    letter_on: datetime.date | None = None
    receive: bool = True
    exemption: str = ""
    story: str = ""  # the one special thing that happens to this person, if any
    member: Member | None = None

    @property
    def committee(self) -> Organisation:
        return self.cell.workplace_committee


@dataclass(eq=False)
class Chain:
    """The remaining steps of one comment request: [(kind, day), ...]."""

    request: CommentRequest
    person: Person | None
    steps: list[tuple[str, datetime.date]]
    paper: bool = False
    content: dict[str, Any] = field(default_factory=dict)
    dead: bool = False  # the request was cancelled under it (e.g. the member moved)


ORDER = {
    "register": 10,
    "exempt": 20,
    "issue": 30,
    "confirm": 40,
    "event": 50,
    "meeting": 60,
    "merge": 70,
    "campaign": 80,
    "write": 90,
    "sign": 91,
    "certify": 92,
    "return": 93,
    "ack": 94,
    "notice": 96,
    "rating": 100,
}


STEPS = ("sign", "certify", "return", "ack")  # a comment's way back to the workplace, after the cell writes it


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


# --------------------------------------------------------------------------- the seeder


class DemoSeeder:
    def __init__(
        self,
        *,
        members: int = 2000,
        seed: int = 213,
        today: datetime.date | None = None,
        log: Callable[[str], None] | None = None,
    ):
        if members < MIN_MEMBERS:
            raise DemoError(f"Cần ít nhất {MIN_MEMBERS} đảng viên để dựng đủ các tình huống demo.")
        self.n = members
        self.seed = seed
        self.rng = random.Random(seed)
        self.people = People(self.rng, seed)
        self.today = today or clock.today()
        self.Y = campaign_year(self.today)
        self.P = self.Y - 1
        self.log = log or (lambda message: None)
        self._heap: list[tuple[datetime.date, int, int, str, Any]] = []
        self._buckets: dict[tuple[datetime.date, int, str, Any], list[Any]] = {}
        self._seq = itertools.count()
        self._now: tuple[datetime.date, int] = (D(1900, 1, 1), 0)
        self.orgs: dict[int, Organisation] = {}
        self.secretary: dict[int, Any] = {}
        self.clerk: dict[int, Any] = {}
        self.cell_secretary: dict[int, Any] = {}
        self.persons: list[Person] = []
        self.by_member: dict[int, Person] = {}
        self.planned_receipt: dict[int, datetime.date | None] = {}
        self.absences: Counter[tuple[int, int]] = Counter()
        self.front: dict[int, str] = {}
        self.office_rhythm: dict[int, tuple[datetime.date, int]] = {}
        self.chains: dict[int, list[Chain]] = defaultdict(list)
        self.forced_states: list[str | None] = ["ack", None, "return", "certify", "sign", "write"]

    # ------------------------------------------------------------------ entry point

    def run(self) -> None:
        term = Term.current()
        if term is None or not (term.contains_year(self.P) and term.contains_year(self.Y)):
            raise DemoError(
                f"Dữ liệu demo dựng năm {self.P} (đã xong) và năm {self.Y} (đang làm): cả hai phải thuộc "
                "nhiệm kỳ đang thực hiện."
            )
        self.term = term
        # DEBUG keeps a log of every query (on SQLite it even runs a second query per query to
        # quote the parameters): a tenth of the run for nothing, so the seed runs without it.
        with override_settings(DEBUG=False), transaction.atomic():
            started = time.monotonic()
            self.build_organisations()
            self.build_users()
            self.log(f"  tổ chức và người dùng: {time.monotonic() - started:.1f} giây")
            self.plan_people()
            self.plan_calendar()
            self.run_timeline()
            self.link_member_login()
            self.log(f"  toàn bộ: {time.monotonic() - started:.1f} giây")

    # ------------------------------------------------------------------ organisations

    def _org(self, **fields: Any) -> Organisation:
        org = Organisation(**fields)
        org.normalise_text()
        return org

    def _save_all(self, orgs: list[Organisation]) -> list[Organisation]:
        saved = Organisation.objects.bulk_create(orgs)
        for org in saved:
            self.orgs[org.pk] = org
        return saved

    def build_organisations(self) -> None:
        rng = self.rng
        tinh_uy = self._org(kind=OrgKind.UPPER_COMMITTEE, name=data.TINH_UY, province_code=data.PROVINCE_CODE)
        self._save_all([tinh_uy])
        board = self._org(
            kind=OrgKind.PROVINCE_BOARD, name=data.BOARD, parent=tinh_uy, province_code=data.PROVINCE_CODE
        )
        uppers = {
            key: self._org(kind=OrgKind.UPPER_COMMITTEE, name=name, parent=tinh_uy, province_code=data.PROVINCE_CODE)
            for key, name in data.UPPER_COMMITTEES.items()
        }
        old_city = self._org(
            kind=OrgKind.UPPER_COMMITTEE, name=data.OLD_CITY_COMMITTEE, province_code=83, valid_until=D(2025, 6, 30)
        )
        can_tho = self._org(kind=OrgKind.UPPER_COMMITTEE, name="Thành ủy Cần Thơ", province_code=92)
        self._save_all([board, *uppers.values(), old_city, can_tho])
        self.board, self.tinh_uy = board, tinh_uy

        # workplace committees and their cells
        committees = [
            self._org(
                kind=OrgKind.WORKPLACE_COMMITTEE,
                name=w.name,
                parent=uppers[w.upper],
                province_code=data.PROVINCE_CODE,
                letter_suffix="CB" if w.is_grassroots_cell else "ĐU",
                place_name="Vĩnh Long",
            )
            for w in data.WORKPLACES
        ]
        self._save_all(committees)
        self.workplace_committee = {w.key: c for w, c in zip(data.WORKPLACES, committees, strict=True)}
        self.workplace_of = {c.pk: w for w, c in zip(data.WORKPLACES, committees, strict=True)}
        cells = [
            self._org(kind=OrgKind.WORKPLACE_CELL, name=name, parent=committee, province_code=data.PROVINCE_CODE)
            for w, committee in zip(data.WORKPLACES, committees, strict=True)
            for name in w.cells
        ]
        self._save_all(cells)
        self.workplace_cells: dict[str, list[Organisation]] = defaultdict(list)
        for cell in cells:
            assert cell.parent_id is not None
            self.workplace_cells[self.workplace_of[cell.parent_id].key].append(cell)
        for w, committee in zip(data.WORKPLACES, committees, strict=True):
            if w.is_grassroots_cell:
                self.workplace_cells[w.key].append(committee)

        # residence committees: every current commune of the province, the old Phường 8, Ninh Kiều
        communes = list(
            AdministrativeUnit.objects.filter(edition="2025", level="commune", province_code=data.PROVINCE_CODE)
            .select_related("parent")
            .order_by("code")
        )
        old_ward = AdministrativeUnit.objects.select_related("parent__parent").get(
            edition="pre2025", level="commune", code=data.OLD_WARD_8
        )
        ninh_kieu = AdministrativeUnit.objects.get(edition="2025", level="commune", code=data.NINH_KIEU)
        self.old_ward_unit = old_ward
        self.communes_by_pk = {u.pk: u for u in communes}
        res_committees = []
        for unit in communes:
            place = _place_name(unit)
            res_committees.append(
                self._org(
                    kind=OrgKind.RESIDENCE_COMMITTEE,
                    name=f"Đảng ủy {unit.division_type} {place}",
                    parent=tinh_uy,
                    province_code=data.PROVINCE_CODE,
                    commune=unit,
                    place_name=place,
                )
            )
        old_committee = self._org(
            kind=OrgKind.RESIDENCE_COMMITTEE,
            name=data.OLD_WARD_COMMITTEE,
            parent=old_city,
            province_code=data.PROVINCE_CODE,  # kept by the merged province's board
            commune=old_ward,
            place_name="Bến Tre",
        )
        nk_committee = self._org(
            kind=OrgKind.RESIDENCE_COMMITTEE,
            name="Đảng ủy phường Ninh Kiều",
            parent=can_tho,
            province_code=data.NINH_KIEU_PROVINCE,
            commune=ninh_kieu,
            place_name="Cần Thơ",
        )
        self._save_all([*res_committees, old_committee, nk_committee])
        self.residence_committee = {c.commune_id: c for c in res_committees}
        self.residence_committee[ninh_kieu.pk] = nk_committee
        self.old_committee = old_committee
        self.communes = {u.pk: u for u in [*communes, ninh_kieu]}
        self.ninh_kieu = ninh_kieu

        res_cells: list[Organisation] = []
        for committee in res_committees:
            unit = self.communes_by_pk[committee.commune_id or 0]
            urban = unit.division_type == "phường"
            if unit.code == data.LONG_CHAU:
                areas = [f"Khóm {i}" for i in range(1, 9)]
            elif unit.code == data.PHU_KHUONG:
                areas = [f"Khu phố {i}" for i in range(1, 6)]
            elif urban:
                word = "Khu phố" if unit.code in data.BEN_TRE_CODES else "Khóm"
                areas = [f"{word} {i}" for i in range(1, rng.randint(4, 8) + 1)]
            else:
                areas = [f"Ấp {name}" for name in rng.sample(data.HAMLETS, rng.randint(3, 7))]
            for i, area in enumerate(areas):
                executive = rng.random() < 0.5
                if unit.code == data.LONG_CHAU and i < 2:
                    executive = i == 0  # Khóm 1 has a chi ủy, Khóm 2 has not: the demo shows both
                res_cells.append(
                    self._org(
                        kind=OrgKind.RESIDENCE_CELL,
                        name=f"Chi bộ {area}",
                        parent=committee,
                        province_code=data.PROVINCE_CODE,
                        commune=unit,
                        area_name=area,
                        has_executive=executive,
                    )
                )
        for area, executive in (("Khu phố 6", True), ("Khu phố 7", False)):
            res_cells.append(
                self._org(
                    kind=OrgKind.RESIDENCE_CELL,
                    name=f"Chi bộ {area}",
                    parent=old_committee,
                    province_code=data.PROVINCE_CODE,
                    commune=old_ward,
                    area_name=area,
                    has_executive=executive,
                )
            )
        for area in ("Khu vực 1", "Khu vực 3"):
            res_cells.append(
                self._org(
                    kind=OrgKind.RESIDENCE_CELL,
                    name=f"Chi bộ {area}",
                    parent=nk_committee,
                    province_code=data.NINH_KIEU_PROVINCE,
                    commune=ninh_kieu,
                    area_name=area,
                    has_executive=True,
                )
            )
        self._save_all(res_cells)
        self.residence_cells: dict[int, list[Organisation]] = defaultdict(list)
        for cell in res_cells:
            assert cell.parent_id is not None
            self.residence_cells[cell.parent_id].append(cell)
        self.long_chau = self.residence_committee[next(u.pk for u in communes if u.code == data.LONG_CHAU)]
        self.phu_khuong = self.residence_committee[next(u.pk for u in communes if u.code == data.PHU_KHUONG)]

    # ------------------------------------------------------------------ users

    def build_users(self) -> None:
        User = get_user_model()
        password = make_password(DEMO_PASSWORD)  # one hash for everyone: hashing is slow on purpose
        users: list[Any] = []
        grants: list[tuple[Any, Organisation, str]] = []
        taken = set(User.objects.values_list("username", flat=True))
        clash = sorted(taken & {spec.username for spec in DEMO_USERS})
        if clash:
            raise DemoError(
                f"Tên đăng nhập demo đã có trong cơ sở dữ liệu: {', '.join(clash)}. "
                "Hãy nạp dữ liệu demo vào một cơ sở dữ liệu mới."
            )

        def user(username: str, full_name: str, **extra: Any) -> Any:
            base, n = username, 2
            while username in taken:
                username, n = f"{base}{n}", n + 1
            taken.add(username)
            made = User(username=username, full_name=nfc(full_name), password=password, **extra)
            users.append(made)
            return made

        finance = self.workplace_committee[data.FINANCE]
        budget_cell = next(c for c in self.workplace_cells[data.FINANCE] if c.name == "Chi bộ Phòng Ngân sách")
        khom_1 = self.residence_cells[self.long_chau.pk][0]
        demo_orgs = {
            "finance": finance,
            "finance_cell": budget_cell,
            "long_chau": self.long_chau,
            "long_chau_cell": khom_1,
            "board": self.board,
        }
        self.demo_users: dict[str, Any] = {}
        for spec in DEMO_USERS:
            extra = {"is_staff": True, "is_superuser": True} if spec.superuser else {}
            made = user(spec.username, spec.full_name, **extra)
            self.demo_users[spec.username] = made
            if spec.org:
                grants.append((made, demo_orgs[spec.org], spec.role))
        demo_held = {(demo_orgs[s.org].pk, s.role) for s in DEMO_USERS if s.org}

        committees = [
            o for o in self.orgs.values() if o.kind in (OrgKind.WORKPLACE_COMMITTEE, OrgKind.RESIDENCE_COMMITTEE)
        ]
        cells = [o for o in self.orgs.values() if o.kind in (OrgKind.WORKPLACE_CELL, OrgKind.RESIDENCE_CELL)]
        for committee in sorted(committees, key=lambda o: o.pk):
            if (committee.pk, Role.SECRETARY) in demo_held:
                continue
            stem = slug(re.sub(r"^(Đảng ủy|Chi bộ) ", "", committee.name))
            made = user(f"bt.{stem}", self.people.name(self.people.sex()))
            grants.append((made, committee, Role.SECRETARY))
        for cell in sorted(cells, key=lambda o: o.pk):
            if (cell.pk, Role.CELL_SECRETARY) in demo_held:
                continue
            assert cell.parent_id is not None
            parent = self.orgs[cell.parent_id]
            stem = slug(re.sub(r"^(Đảng ủy|Chi bộ) ", "", parent.name))
            made = user(f"cb.{stem}.{slug(cell.name.removeprefix('Chi bộ '))}", self.people.name(self.people.sex()))
            grants.append((made, cell, Role.CELL_SECRETARY))
        User.objects.bulk_create(users)
        since = D(self.term.start_year, 1, 1)
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user=u, organisation=org, role=role, valid_from=since) for u, org, role in grants]
        )
        holders: dict[str, dict[int, Any]] = {
            Role.SECRETARY: self.secretary,
            Role.CLERK: self.clerk,
            Role.CELL_SECRETARY: self.cell_secretary,
        }
        for u, org, role in grants:
            if role in holders:
                holders[role][org.pk] = u
        self.board_officer = self.demo_users[next(s.username for s in DEMO_USERS if s.org == "board")]
        self.demo_member_user = self.demo_users[next(s.username for s in DEMO_USERS if s.member)]
        self.budget_cell, self.khom_1 = budget_cell, khom_1

    # ------------------------------------------------------------------ who acts

    def office(self, org_pk: int) -> Any:
        """Who does the committee's paperwork: the clerk where there is one, else the secretary."""
        return self.clerk.get(org_pk) or self.secretary[org_pk]

    def rater(self, member_cell_pk: int, holder_pk: int) -> Any:
        return self.cell_secretary.get(member_cell_pk) or self.secretary[holder_pk]

    # ------------------------------------------------------------------ people

    def _commune_weights(self) -> tuple[list[AdministrativeUnit], list[float]]:
        units, weights = [], []
        vinh_long_city = {29557, 29566, 29590, 29593}
        for unit in self.communes.values():
            if unit.pk == self.ninh_kieu.pk:
                continue
            if unit.code == data.LONG_CHAU:
                w = 14.0
            elif unit.code in vinh_long_city or unit.code == data.PHU_KHUONG:
                w = 6.0
            elif unit.division_type == "phường":
                w = 3.0
            else:
                w = 0.6
            units.append(unit)
            weights.append(w)
        return units, weights

    def _residence(self, unit: AdministrativeUnit, committee: Organisation) -> tuple[Organisation, str]:
        cell = self.rng.choice(self.residence_cells[committee.pk])
        urban = unit.division_type == "phường"
        return cell, self.people.address_line(unit.code, cell.area_name, urban)

    def _person(
        self,
        idx: int,
        cohort: str,
        registered_on: datetime.date,
        *,
        workplace: data.Workplace | None = None,
        unit: AdministrativeUnit | None = None,
        committee: Organisation | None = None,
        newly_admitted: bool = False,
    ) -> Person:
        rng, people = self.rng, self.people
        workplace = workplace or weighted(rng, [(w, w.weight) for w in data.WORKPLACES])
        cell = rng.choice(self.workplace_cells[workplace.key])
        if unit is None:
            if workplace.key == data.FINANCE and rng.random() < 0.35:
                unit = self.long_chau.commune
            else:
                units, weights = self._commune_weights_cache
                unit = rng.choices(units, weights=weights)[0]
        assert unit is not None
        committee = committee or self.residence_committee[unit.pk]
        res_cell, line = self._residence(unit, committee)
        sex = people.sex()
        birth = random_date(rng, D(1965, 1, 1), D(2000, 12, 31))
        earliest = add_years(birth, 18) + DAY
        if newly_admitted:
            admitted = random_date(rng, max(earliest, D(self.P, 3, 1)), registered_on - 30 * DAY)
        else:
            latest = min(add_years(registered_on, -1) - 30 * DAY, add_years(birth, 45))
            admitted = random_date(rng, min(add_years(earliest, 2), latest), min(add_years(earliest, 20), latest))
        official = add_years(admitted, 1)
        name = people.name(sex)
        email = ""
        if rng.random() < 0.4:
            email = people.email(name, "vinhlong.gov.vn" if workplace.upper in ("party", "gov") else "gmail.com")
        title = f"{rng.choice(data.TITLES[data.titles_for(workplace, cell.name)])}, {_unit_of(cell)}"
        return Person(
            idx=idx,
            sex=sex,
            full_name=name,
            birth=birth,
            admitted=admitted,
            official=official if official <= registered_on else None,
            national_id=people.national_id(sex, birth),
            party_card=people.party_card(),
            phone=people.phone(),
            email=email,
            title=title,
            workplace=workplace,
            cell=cell,
            commune=unit,
            res_cell=res_cell,
            line=line,
            kind=ResidenceKind.TEMPORARY if rng.random() < 0.07 else ResidenceKind.PERMANENT,
            cohort=cohort,
            registered_on=registered_on,
        )

    def plan_people(self) -> None:
        rng, n, P, Y = self.rng, self.n, self.P, self.Y
        self._commune_weights_cache = self._commune_weights()
        n_old_ward = max(3, round(n * 0.01))
        n_ninh_kieu = max(1, round(n * 0.008))
        n_mid = max(2, round(n * 0.04))
        n_new = max(8, round(n * 0.07))
        n_main = n - n_old_ward - n_mid - n_new
        persons: list[Person] = []

        # the member with a login: introduced, received and commented last year
        finance = next(w for w in data.WORKPLACES if w.key == data.FINANCE)
        demo = self._person(0, "main", D(P, 1, 2), workplace=finance, unit=self.long_chau.commune)
        spec = next(s for s in DEMO_USERS if s.member)
        demo.full_name, demo.sex, demo.birth = spec.full_name, Sex.FEMALE, D(1988, 3, 14)
        demo.admitted, demo.official = D(2012, 5, 19), D(2013, 5, 19)
        demo.national_id = self.people.national_id(Sex.FEMALE, demo.birth)
        demo.cell, demo.res_cell = self.budget_cell, self.khom_1
        demo.line = f"Số 27, đường {data.STREETS['vinh_long'][0]}, Khóm 1"
        demo.title, demo.kind, demo.story = "Chuyên viên chính, Phòng Ngân sách", ResidenceKind.PERMANENT, "demo"
        demo.email = "thuha.stc@vinhlong.gov.vn"
        persons.append(demo)

        for _ in range(n_main - 1 - n_ninh_kieu):
            persons.append(self._person(len(persons), "main", random_date(rng, D(P, 1, 2), D(P, 1, 5))))
        for _ in range(n_ninh_kieu):
            persons.append(
                self._person(len(persons), "main", random_date(rng, D(P, 1, 2), D(P, 1, 5)), unit=self.ninh_kieu)
            )
        for _ in range(n_old_ward):
            persons.append(
                self._person(
                    len(persons),
                    "old_ward",
                    D(2025, 1, 3),
                    unit=self.old_ward_unit,
                    committee=self.old_committee,
                )
            )
        for _ in range(n_mid):
            persons.append(self._person(len(persons), "mid", random_date(rng, D(P, 4, 1), D(P, 9, 10))))

        # newcomers of Y: some still without a letter, some waiting for receipt, the rest received
        last = self.today - DAY
        n_no_letter = max(2, round(n * 0.004))
        n_waiting = max(3, round(n * 0.015))
        for i in range(n_new):
            if i < n_no_letter:
                day = random_date(rng, max(D(Y, 1, 5), self.today - 20 * DAY), last)
            elif i < n_no_letter + n_waiting:
                day = random_date(rng, max(D(Y, 1, 5), self.today - 80 * DAY), self.today - 4 * DAY)
            elif rng.random() < 0.5:
                day = random_date(rng, D(Y, 1, 3), D(Y, 2, 20))
            else:
                day = random_date(rng, D(Y, 3, 1), min(D(Y, 9, 15), last))
            person = self._person(len(persons), "new", day, newly_admitted=rng.random() < 0.3)
            if i < n_no_letter:
                person.story = "no_letter"
            elif i < n_no_letter + n_waiting:
                person.receive = False
            persons.append(person)
        self.persons = persons

        # exemptions: E2 and E1a among the armed forces, E1b/E1c elsewhere; a few become E1 in Y
        main = [p for p in persons if p.cohort == "main" and not p.story]
        armed = [p for p in main if p.workplace.armed]
        unarmed = [p for p in main if not p.workplace.armed]
        rng.shuffle(armed)
        rng.shuffle(unarmed)
        n_e2 = max(2, round(n * 0.004))
        n_e1 = max(4, round(n * 0.08))
        for p in armed[:n_e2]:
            p.exemption, p.story = Exemption.E2, "e2"
        n_e1a = max(0, min(len(armed) - n_e2 - 1, round(n_e1 * 0.55)))
        for p in armed[n_e2 : n_e2 + n_e1a]:
            p.exemption, p.story = Exemption.E1A, "e1"
        n_later = max(1, round(n_e1 * 0.1))
        for i, p in enumerate(unarmed[: n_e1 - n_e1a]):
            code = Exemption.E1B if p.workplace.titles in ("company", "engineer", "bank") else Exemption.E1C
            if i < n_later:
                p.story = "e1_later"
                p.exemption = Exemption.E1C
            else:
                p.exemption, p.story = code, "e1"
        self.armed_free = [p for p in armed[n_e2 + n_e1a :] if not p.story]

    # ------------------------------------------------------------------ calendar

    def office_day(self, committee_pk: int, after: datetime.date) -> datetime.date:
        """The first day on or after `after` the residence committee deals with its post."""
        if committee_pk not in self.office_rhythm:
            self.office_rhythm[committee_pk] = (D(2025, 1, 6) + self.rng.randint(0, 9) * DAY, self.rng.randint(6, 12))
        start, every = self.office_rhythm[committee_pk]
        steps = max(0, -(-(after - start).days // every))
        steps += 1 if self.rng.random() < 0.25 else 0
        return start + steps * every * DAY

    def plan_calendar(self) -> None:
        rng, P, Y = self.rng, self.P, self.Y
        # registration (and exemptions at once for those who have one from the start)
        for p in self.persons:
            self.schedule(p.registered_on, "register", p, key=p.committee.pk)
            if p.exemption and p.story in ("e1", "e2"):
                self.schedule(p.registered_on + DAY, "exempt", p)
            if p.official is None and add_years(p.admitted, 1) < self.today:
                self.schedule(add_years(p.admitted, 1), "event", (self._make_official, p))
        # the start-of-year letters: each committee signs in one or two sittings
        sittings = {c.pk: [random_date(rng, D(P, 1, 6), D(P, 1, 23))] for c in self.workplace_committee.values()}
        for dates in sittings.values():
            if rng.random() < 0.3:  # a second sitting in February for those reviewed late
                dates.append(random_date(rng, D(P, 2, 2), D(P, 2, 20)))
        for p in self.persons:
            if p.exemption == Exemption.E2 or p.story == "no_letter":
                continue
            if p.cohort == "main":
                p.letter_on = rng.choice(sittings[p.committee.pk])
            elif p.cohort == "old_ward":
                p.letter_on = D(2025, 1, 8)
            else:
                p.letter_on = p.registered_on + rng.randint(3, 20) * DAY
                if not p.receive:
                    p.letter_on = min(p.letter_on, self.today - DAY)
            self.schedule(p.letter_on, "issue", p, key=p.committee.pk)

        # meetings every six months in every residence cell
        for cells in self.residence_cells.values():
            for cell in cells:
                for year, month, first, last in ((P, 6, 8, 28), (P, 12, 5, 22), (Y, 6, 8, 28), (Y, 12, 5, 22)):
                    self.schedule(random_date(rng, D(year, month, first), D(year, month, last)), "meeting", cell)

        self.schedule(D(2025, 7, 1), "merge", None)

        # October campaigns, and the system's second pass for those introduced since
        for committee in self.workplace_committee.values():
            for year in (P, Y):
                self.schedule(random_date(rng, D(year, 10, 1), D(year, 10, 5)), "campaign", "office", key=committee.pk)
            self.schedule(D(Y, 10, 20), "campaign", "system", key=committee.pk)
            for year in (P, Y):
                self.schedule(random_date(rng, D(year, 12, 15), D(year, 12, 28)), "rating", year, key=committee.pk)

        self.plan_stories()

    def _free(self, pool: list[Person], count: int, pick: Callable[[Person], bool] = lambda p: True) -> list[Person]:
        chosen = [p for p in pool if not p.story and pick(p)][:count]
        for p in chosen:
            p.story = "taken"
        return chosen

    def plan_stories(self) -> None:
        rng, n, P, Y = self.rng, self.n, self.P, self.Y
        main = [p for p in self.persons if p.cohort == "main"]
        shuffled = main[:]
        rng.shuffle(shuffled)

        # exempt from the start of Y-1 is set at registration; E1 later in Y
        for p in self.persons:
            if p.story == "e1_later":
                self.schedule(random_date(rng, D(Y, 8, 15), D(Y, 9, 20)), "exempt", p)

        # an armed-forces member who becomes E2 in March: letter withdrawn, register row closed
        for p in self._free(self.armed_free, 1):
            p.story = "e2_later"
            self.schedule(D(Y, 3, 10), "event", (self._become_e2, p))

        # moves during the year, one after the campaign (its open request is cancelled)
        n_moves = max(2, round(n * 0.003))
        movers = self._free(shuffled, n_moves + 1, lambda p: p.commune.pk != self.ninh_kieu.pk)
        for i, p in enumerate(movers):
            day = D(Y, 10, 25) if i == 0 else random_date(rng, D(Y, 3, 1), D(Y, 9, 15))
            p.story = "late_move" if i == 0 else "moved"  # the late mover's new letter is still on its way
            self.schedule(day, "event", (self._move, p))

        # one change of workplace into Sở Tài chính; two retirements
        for p in self._free(shuffled, 1, lambda p: p.workplace.key != data.FINANCE and not p.workplace.armed):
            self.schedule(D(Y, 8, 1), "event", (self._change_workplace, p))
        oldest = sorted((p for p in main if not p.story), key=lambda p: p.birth)[:2]
        for p, day in zip(oldest, (D(Y, 6, 30), D(Y, 9, 30)), strict=False):
            p.story = "retired"
            self.schedule(day, "event", (self._retire, p))

        # violation notices: one answered, one still waiting (and overdue)
        answered = self._free(shuffled, 1)
        waiting = self._free(
            shuffled, 1, lambda p: p.workplace.key == data.FINANCE and p.commune.code == data.LONG_CHAU
        ) or self._free(shuffled, 1)
        for chosen, text, raised, observed, answer in (
            (answered, data.NOTICES[0], D(Y, 8, 12), D(Y, 8, 5), D(Y, 9, 5)),
            (waiting, data.NOTICES[1], D(Y, 10, 20), D(Y, 10, 12), None),
        ):
            for p in chosen:
                self.schedule(raised, "notice", (p, text, observed, answer))

        # comments on demand for E1 members: one last year, several this year in different states
        e1 = [p for p in self.persons if p.story == "e1"]
        rng.shuffle(e1)
        wanted = [
            (D(P, 11, 10), "reward", "ack"),
            (D(Y, 3, 16), "cadre", "ack"),
            (D(Y, 6, 10), "reward", "ack"),
            (D(Y, 9, 2), "reward", "return"),
            (D(Y, 10, 28), "cadre", "sign"),
            (D(Y, 11, 9), "discipline", None),
        ]
        for p, (day, reason, until) in zip(e1, wanted[: max(3, min(len(wanted), round(n * 0.003)))], strict=False):
            p.story = "on_demand"
            self.schedule(day, "event", (self._on_demand, p, reason, until))

    # ------------------------------------------------------------------ the timeline

    def schedule(self, day: datetime.date, kind: str, item: Any, *, key: Any = None) -> bool:
        """Queue `item` for `kind` on `day`; False (and nothing queued) unless the day is before today."""
        if day >= self.today:
            return False
        order = ORDER[kind]
        assert (day, order) >= self._now, f"{kind} on {day} is already in the past of the timeline"
        bucket = (day, order, kind, key)
        if bucket not in self._buckets:
            self._buckets[bucket] = []
            heapq.heappush(self._heap, (day, order, next(self._seq), kind, key))
        self._buckets[bucket].append(item)
        return True

    def run_timeline(self) -> None:
        started, year = time.monotonic(), None
        while self._heap:
            day, order, _, kind, key = heapq.heappop(self._heap)
            items = self._buckets.pop((day, order, kind, key))
            self._now = (day, order)
            if day.year != year:
                if year is not None:
                    self.log(f"  năm {year}: {time.monotonic() - started:.1f} giây")
                started, year = time.monotonic(), day.year
            with clock.override(datetime.datetime.combine(day, datetime.time(8 + order % 9, order % 60))):
                getattr(self, f"_do_{kind}")(day, key, items)
        self.log(f"  năm {year}: {time.monotonic() - started:.1f} giây")

    # ------------------------------------------------------------------ handlers

    def _do_register(self, day: datetime.date, committee_pk: int, persons: list[Person]) -> None:
        by = self.office(committee_pk)
        for p in persons:
            p.member = actions.register_member(
                by=by,
                workplace_cell=p.cell,
                full_name=p.full_name,
                sex=p.sex,
                birth_date=p.birth,
                admitted_on=p.admitted,
                official_on=p.official,
                party_card_number=p.party_card,
                national_id=p.national_id,
                phone=p.phone,
                email=p.email,
                workplace_title=p.title,
                residence_commune=p.commune,
                residence_line=p.line,
                residence_kind=p.kind,
            )
            self.by_member[p.member.pk] = p

    def _do_exempt(self, day: datetime.date, key: Any, persons: list[Person]) -> None:
        for p in persons:
            assert p.member is not None
            actions.set_exemption(
                p.member,
                exemption=p.exemption,
                reason=data.EXEMPTION_REASONS[p.exemption],
                since=day,
                # training away: a course of one or two years, still running today
                until=add_years(day, 2 if day.year < self.Y else 1) if p.exemption == Exemption.E1C else None,
                by=self.office(p.committee.pk),
            )

    def _do_issue(self, day: datetime.date, committee_pk: int, persons: list[Person]) -> None:
        letters = actions.issue_letters([p.member for p in persons if p.member], by=self.office(committee_pk), on=day)
        for p, letter in zip(persons, letters, strict=True):
            self._plan_receipt(p, letter, day)

    def _plan_receipt(self, p: Person, letter: IntroductionLetter, issued: datetime.date, receive: bool = True) -> None:
        received = None
        if p.receive and receive:
            received = self.office_day(letter.residence_committee_id, issued + 3 * DAY)
            if p.cohort == "old_ward":
                received = min(received, D(2025, 2, 20))
            if not self.schedule(received, "confirm", (letter, p.res_cell), key=letter.residence_committee_id):
                received = None
        self.planned_receipt[letter.pk] = received

    def _do_confirm(self, day: datetime.date, committee_pk: int, items: list[tuple[IntroductionLetter, Any]]) -> None:
        actions.confirm_letters(items, by=self.office(committee_pk), received_on=day)

    def _do_event(self, day: datetime.date, key: Any, items: list[tuple[Any, ...]]) -> None:
        for fn, *args in items:
            fn(day, *args)

    def _do_meeting(self, day: datetime.date, key: Any, cells: list[Organisation]) -> None:
        rows = (
            ResidenceRegisterEntry.objects.filter(cell_id__in=[c.pk for c in cells], entered_on__lte=day)
            .filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
            .exclude(member__exemption=Exemption.E2)
            .values_list("cell_id", "member_id", "member__exemption", "member__exemption_from")
            .order_by("cell_id", "member_id")
        )
        by_cell: dict[int, list[int]] = defaultdict(list)
        for cell_id, member_id, exemption, since in rows:
            if not (exemption and since and since <= day):  # E1: exempt from residence activities
                by_cell[cell_id].append(member_id)
        half = "6 tháng đầu năm" if day.month <= 6 else "6 tháng cuối năm"
        for cell in cells:
            if not by_cell[cell.pk]:
                continue
            attendance: dict[int, bool | tuple[bool, str]] = {}
            for member_id in by_cell[cell.pk]:
                if self.rng.random() < 0.87:
                    attendance[member_id] = True
                else:
                    attendance[member_id] = (False, self.rng.choice(data.ABSENCE_REASONS))
                    self.absences[(member_id, day.year)] += 1
            actions.record_meeting(
                cell,
                held_on=day,
                attendance=attendance,
                topic=f"Sinh hoạt định kỳ {half} {day.year} với đảng viên đang công tác cư trú trên địa bàn",
                by=self.cell_secretary[cell.pk],
            )

    def _do_merge(self, day: datetime.date, key: Any, items: list[Any]) -> None:
        actions.merge_communes([self.old_committee], into=self.phu_khuong, by=self.board_officer, on=day)
        RoleAssignment.objects.filter(organisation=self.old_committee).update(valid_until=day - DAY)
        for p in self.persons:
            if p.cohort == "old_ward":
                p.commune = self.phu_khuong.commune  # type: ignore[assignment]

    def _do_campaign(self, day: datetime.date, committee_pk: int, items: list[str]) -> None:
        by = None if items[0] == "system" else self.office(committee_pk)
        result = actions.open_campaign(self.orgs[committee_pk], year=day.year, by=by, on=day)
        for request in result.created:
            self._plan_comment(request, day)

    def _plan_comment(self, request: CommentRequest, day: datetime.date, until: str | None = "auto") -> None:
        rng = self.rng
        letter = request.letter
        received = letter.received_on if letter.status == LetterStatus.RECEIVED else self.planned_receipt.get(letter.pk)
        if received is None:
            return  # the residence side has not got the letter: the request waits
        person = self.by_member.get(request.book.member_id)
        base = max(day, received)
        if until == "auto":
            if request.year < self.Y:
                until = "ack"
            elif person is not None and person.story == "demo":
                until = "return"
            elif self.forced_states:  # every state shows up, however small the demo
                until = self.forced_states.pop()
            else:
                until = weighted(
                    rng,
                    [("ack", 66), ("return", 16), ("certify", 3), ("sign", 3), ("write", 4), (None, 8)],
                )
        if until is None:
            return
        if request.kind == CommentKind.ON_DEMAND:
            sign = base + rng.randint(4, 12) * DAY
        elif rng.random() < 0.12:
            sign = base + rng.randint(27, 40) * DAY  # late: after the 31/10 deadline
        else:
            sign = base + rng.randint(4, 24) * DAY
        steps: list[tuple[str, datetime.date]] = []
        if until == "write" or (request.year == self.Y and rng.random() < 0.2):
            steps.append(("write", max(base + DAY, sign - rng.randint(1, 6) * DAY)))
        if until != "write":
            steps.append(("sign", sign))
            certify = sign + rng.randint(0, 6) * DAY
            ret = certify + rng.randint(0, 4) * DAY
            ack = ret + rng.randint(1, 10) * DAY
            dates = {"certify": certify, "return": ret, "ack": ack}
            for kind in STEPS[1 : STEPS.index(until) + 1]:
                steps.append((kind, dates[kind]))
        chain = Chain(request, person, steps, paper=rng.random() < 0.1)
        self.chains[request.book.member_id].append(chain)
        self._next_step(chain)

    def _next_step(self, chain: Chain) -> None:
        if chain.steps and not chain.dead:
            kind, day = chain.steps.pop(0)
            self.schedule(day, kind, chain)

    @staticmethod
    def _alive(chains: list[Chain]) -> list[Chain]:
        return [chain for chain in chains if not chain.dead]

    def _comment_content(self, chain: Chain) -> dict[str, Any]:
        rng = self.rng
        request = chain.request
        cell_pk = request.residence_cell_id
        assert cell_pk is not None
        if cell_pk not in self.front:
            area = self.orgs[cell_pk].area_name
            self.front[cell_pk] = f"{self.people.honorific_name()}, Trưởng ban công tác Mặt trận {area}"
        summary = weighted(rng, [("tot", 85), ("hoan_thanh", 14), ("khong_hoan_thanh", 1)])
        missed = self.absences.get((request.book.member_id, request.year), 0)
        criteria = {key: rng.choice(texts) for key, texts in data.CRITERIA_TEXTS.items()}
        if missed:
            criteria["sinh_hoat"] = data.SINH_HOAT_PARTIAL
        shortcomings = rng.choice(data.SHORTCOMINGS)
        if summary == "khong_hoan_thanh":
            shortcomings = data.SHORTCOMING_WEAK
        return {
            "criteria": criteria,
            "summary": summary,
            "shortcomings": shortcomings,
            "people_opinion": rng.choice(data.PEOPLE_OPINIONS),
            "front_participant": self.front[cell_pk],
        }

    def _cell_actor(self, chain: Chain) -> tuple[Any, str]:
        request = chain.request
        if request.residence_cell_id is None:
            request.refresh_from_db()
        assert request.residence_cell_id is not None
        cell_secretary = self.cell_secretary[request.residence_cell_id]
        if chain.paper:  # a paper form typed in at the committee's office
            return self.office(request.residence_committee_id), cell_secretary.full_name
        return cell_secretary, ""

    def _do_write(self, day: datetime.date, key: Any, chains: list[Chain]) -> None:
        for chain in self._alive(chains):
            by, on_behalf_of = self._cell_actor(chain)
            chain.content = self._comment_content(chain)
            partial = {k: v for k, v in chain.content.items() if k != "summary"}
            chain.request = actions.write_comment(chain.request, by=by, on_behalf_of=on_behalf_of, **partial)
            self._next_step(chain)

    def _do_sign(self, day: datetime.date, key: Any, chains: list[Chain]) -> None:
        for chain in self._alive(chains):
            by, on_behalf_of = self._cell_actor(chain)
            content = chain.content or self._comment_content(chain)
            chain.request = actions.sign_comment(chain.request, by=by, on=day, on_behalf_of=on_behalf_of, **content)
            self._next_step(chain)

    def _do_certify(self, day: datetime.date, key: Any, chains: list[Chain]) -> None:
        for chain in self._alive(chains):
            by = self.secretary[chain.request.residence_committee_id]
            chain.request = actions.certify_comment(chain.request, by=by, on=day)
            self._next_step(chain)

    def _do_return(self, day: datetime.date, key: Any, chains: list[Chain]) -> None:
        for chain in self._alive(chains):
            by = self.office(chain.request.residence_committee_id)
            chain.request = actions.return_comment(chain.request, by=by, on=day)
            self._next_step(chain)

    def _do_ack(self, day: datetime.date, key: Any, chains: list[Chain]) -> None:
        for chain in self._alive(chains):
            by = self.office(chain.request.requesting_committee_id)
            chain.request = actions.acknowledge_comment(chain.request, by=by, on=day)
            self._next_step(chain)

    def _do_notice(self, day: datetime.date, key: Any, items: list[tuple[Any, ...]]) -> None:
        for p, text, observed, answer_on in items:
            entry = ResidenceRegisterEntry.objects.get(member=p.member, left_on__isnull=True)
            notice = actions.raise_notice(
                p.member,
                description=text,
                observed_on=observed,
                by=self.secretary[entry.residence_committee_id],
                on=day,
            )
            if answer_on is not None:
                self.schedule(answer_on, "event", (self._answer_notice, notice))

    def _answer_notice(self, day: datetime.date, notice: Any) -> None:
        actions.answer_notice(notice, answer=data.NOTICE_ANSWER, by=self.office(notice.workplace_committee_id), on=day)

    def _do_rating(self, day: datetime.date, committee_pk: int, years: list[int]) -> None:
        year = years[0]
        books = list(
            Book.objects.filter(
                holder_id=committee_pk,
                term=self.term,
                status=BookStatus.OPEN,
                member__employment=EmploymentStatus.EMPLOYED,
                opened_on__lte=D(year, 10, 31),
            )
            .select_related("member")
            .order_by("pk")
        )
        summaries = dict(
            CommentRequest.objects.filter(
                book__in=books,
                year=year,
                kind=CommentKind.PERIODIC,
                status__in=[CommentStatus.RETURNED, CommentStatus.ACKNOWLEDGED],
            ).values_list("book_id", "summary")
        )
        for book in books:
            summary = summaries.get(book.pk)
            note = ""
            if summary == "khong_hoan_thanh":
                level = weighted(self.rng, [(RatingLevel.DONE, 60), (RatingLevel.NOT_DONE, 40)])
            elif summary == "hoan_thanh":
                level = weighted(self.rng, [(RatingLevel.DONE, 50), (RatingLevel.GOOD, 50)])
            else:
                level = weighted(self.rng, [(RatingLevel.EXCELLENT, 15), (RatingLevel.GOOD, 80), (RatingLevel.DONE, 5)])
                if summary is None and book.member.exemption in Exemption.e1():
                    note = "Đảng viên diện miễn sinh hoạt nơi cư trú (E1), không có nhận xét định kỳ."
            by = self.rater(book.member.workplace_cell_id, committee_pk)
            actions.record_rating(book, year=year, level=level, note=note, by=by, on=day)

    # ------------------------------------------------------------------ stories

    def _make_official(self, day: datetime.date, p: Person) -> None:
        assert p.member is not None
        p.member = actions.update_member(p.member, by=self.office(p.committee.pk), official_on=day)

    def _become_e2(self, day: datetime.date, p: Person) -> None:
        assert p.member is not None
        p.exemption = Exemption.E2
        actions.set_exemption(
            p.member,
            exemption=Exemption.E2,
            reason=data.EXEMPTION_REASONS["E2"],
            since=day,
            by=self.office(p.committee.pk),
        )

    def _move(self, day: datetime.date, p: Person) -> None:
        assert p.member is not None
        units, weights = self._commune_weights_cache
        unit = p.commune
        while unit.pk == p.commune.pk:
            unit = self.rng.choices(units, weights=weights)[0]
        committee = self.residence_committee[unit.pk]
        p.commune = unit
        p.res_cell, p.line = self._residence(unit, committee)
        letter = actions.change_residence(p.member, commune=unit, line=p.line, by=self.office(p.committee.pk), on=day)
        cancelled = set(
            CommentRequest.objects.filter(
                pk__in=[c.request.pk for c in self.chains[p.member.pk]], status=CommentStatus.CANCELLED
            ).values_list("pk", flat=True)
        )
        for chain in self.chains[p.member.pk]:
            chain.dead = chain.request.pk in cancelled
        if letter is not None:
            self._plan_receipt(p, letter, day, receive=p.story != "late_move")

    def _change_workplace(self, day: datetime.date, p: Person) -> None:
        assert p.member is not None
        cell = next(c for c in self.workplace_cells[data.FINANCE] if c.name == "Chi bộ Phòng Tài chính doanh nghiệp")
        actions.change_workplace(
            p.member, cell=cell, by=self.secretary[self.workplace_committee[data.FINANCE].pk], on=day
        )
        p.cell = cell
        p.workplace = next(w for w in data.WORKPLACES if w.key == data.FINANCE)

    def _retire(self, day: datetime.date, p: Person) -> None:
        assert p.member is not None
        actions.end_employment(p.member, reason=EmploymentStatus.RETIRED, by=self.office(p.committee.pk), on=day)

    def _on_demand(self, day: datetime.date, p: Person, reason: str, until: str | None) -> None:
        assert p.member is not None
        book = p.member.books.get(status=BookStatus.OPEN)
        request = actions.request_comment_on_demand(
            book, reason=reason, note=data.ON_DEMAND_NOTES[reason], by=self.office(p.committee.pk), on=day
        )
        self._plan_comment(request, day, until=until)

    # ------------------------------------------------------------------ the member's login

    def link_member_login(self) -> None:
        member = self.persons[0].member
        assert member is not None
        member.user = self.demo_member_user
        member.save(update_fields=["user"])


def _place_name(unit: AdministrativeUnit) -> str:
    """'Phường Long Châu' -> 'Long Châu'."""
    prefix = unit.division_type
    if unit.name.lower().startswith(prefix.lower() + " "):
        return unit.name[len(prefix) + 1 :]
    return unit.name


def _unit_of(cell: Organisation) -> str:
    """'Chi bộ Phòng Ngân sách' -> 'Phòng Ngân sách'; a chi bộ cơ sở names its agency."""
    name = cell.name
    for prefix in ("Chi bộ ", "Đảng ủy "):
        name = name.removeprefix(prefix)
    return name


def seed(
    *,
    members: int = 2000,
    seed: int = 213,
    today: datetime.date | None = None,
    log: Callable[[str], None] | None = None,
) -> DemoSeeder:
    """Build the demo province in one transaction; returns the seeder (for its figures)."""
    seeder = DemoSeeder(members=members, seed=seed, today=today, log=log)
    seeder.run()
    return seeder


def is_present() -> bool:
    """Whether the demo province is loaded: its board officer and its merged Phường 8 exist."""
    board_officer = next(s.username for s in DEMO_USERS if s.org == "board")
    return (
        Organisation.objects.filter(name=data.OLD_WARD_COMMITTEE, commune__code=data.OLD_WARD_8).exists()
        and get_user_model().objects.filter(username=board_officer).exists()
    )


def figures() -> list[tuple[str, int]]:
    """What the database holds, in the words of the domain."""
    today = clock.today()
    year = campaign_year(today)
    orgs = Counter(Organisation.objects.values_list("kind", flat=True))
    letters = Counter(IntroductionLetter.objects.values_list("status", flat=True))
    comments = CommentRequest.objects.filter(year=year).exclude(status=CommentStatus.CANCELLED)
    returned = comments.filter(status__in=[CommentStatus.RETURNED, CommentStatus.ACKNOWLEDGED])

    return [
        ("Cấp ủy cơ sở nơi công tác", orgs[OrgKind.WORKPLACE_COMMITTEE]),
        ("Chi bộ nơi công tác", orgs[OrgKind.WORKPLACE_CELL]),
        ("Đảng ủy xã/phường (kể cả đã hợp nhất)", orgs[OrgKind.RESIDENCE_COMMITTEE]),
        ("Chi bộ nơi cư trú", orgs[OrgKind.RESIDENCE_CELL]),
        ("Người dùng", get_user_model().objects.count()),
        ("Đảng viên", Member.objects.count()),
        ("Sổ liên hệ", Book.objects.count()),
        ("Giấy giới thiệu đã tiếp nhận", letters[LetterStatus.RECEIVED]),
        ("Giấy giới thiệu chờ tiếp nhận", letters[LetterStatus.ISSUED]),
        ("Giấy giới thiệu đã thay / thu hồi", letters[LetterStatus.SUPERSEDED] + letters[LetterStatus.WITHDRAWN]),
        ("Phiếu nhận xét năm trước", CommentRequest.objects.filter(year=year - 1).count()),
        (f"Phiếu nhận xét năm {year}", comments.count()),
        ("  trong đó đã gửi lại nơi công tác", returned.count()),
        ("  trong đó quá hạn", comments.overdue(today).count()),
        ("Buổi sinh hoạt nơi cư trú", ResidenceMeeting.objects.count()),
        ("Xếp loại cuối năm", AnnualRating.objects.count()),
        ("Phiếu báo vi phạm", ViolationNotice.objects.count()),
        ("Sự kiện trong nhật ký", BookEvent.objects.count()),
    ]
