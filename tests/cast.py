"""The named cast every test uses (STYLE.md): two workplace committees, two residence
committees, a province board, a member with a login and an outsider who must see nothing.

Build it with `Cast.create()`; `cast.member_factory(...)` makes more members.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from books import actions
from books.models import Book
from members.models import Member, Sex, cccd_century_digit
from orgs.models import AdministrativeUnit, Organisation, OrgKind, Role, RoleAssignment

LONG_CHAU = 29551  # Phường Long Châu, Vĩnh Long
PHU_KHUONG = 28756  # Phường Phú Khương, Vĩnh Long
TAN_NGAI = 29566  # Phường Tân Ngãi, Vĩnh Long (no committee in the cast: letters there fail)
PASSWORD = "matkhau-demo-213"

_serial = itertools.count(1)


def commune(code: int) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(edition="2025", level="commune", code=code)


def make_user(username: str, full_name: str) -> Any:
    return get_user_model().objects.create_user(username=username, password=PASSWORD, full_name=full_name)


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
        tinh_uy = Organisation.objects.create(kind=OrgKind.UPPER_COMMITTEE, name="Tỉnh ủy Vĩnh Long", province_code=86)
        board = Organisation.objects.create(
            kind=OrgKind.PROVINCE_BOARD, name="Ban Tổ chức Tỉnh ủy Vĩnh Long", parent=tinh_uy, province_code=86
        )
        upper = Organisation.objects.create(
            kind=OrgKind.UPPER_COMMITTEE, name="Đảng ủy các cơ quan Đảng tỉnh", parent=tinh_uy, province_code=86
        )
        finance = Organisation.objects.create(
            kind=OrgKind.WORKPLACE_COMMITTEE,
            name="Đảng ủy Sở Tài chính",
            parent=upper,
            province_code=86,
            place_name="Vĩnh Long",
        )
        finance_cell = Organisation.objects.create(
            kind=OrgKind.WORKPLACE_CELL, name="Chi bộ Phòng Ngân sách", parent=finance, province_code=86
        )
        health = Organisation.objects.create(
            kind=OrgKind.WORKPLACE_COMMITTEE,
            name="Đảng ủy Sở Y tế",
            parent=upper,
            province_code=86,
            place_name="Vĩnh Long",
        )
        health_cell = Organisation.objects.create(
            kind=OrgKind.WORKPLACE_CELL, name="Chi bộ Phòng Nghiệp vụ Y", parent=health, province_code=86
        )
        long_chau = Organisation.objects.create(
            kind=OrgKind.RESIDENCE_COMMITTEE,
            name="Đảng ủy phường Long Châu",
            parent=tinh_uy,
            province_code=86,
            commune=commune(LONG_CHAU),
            place_name="Long Châu",
        )
        lc_cell_1 = Organisation.objects.create(
            kind=OrgKind.RESIDENCE_CELL,
            name="Chi bộ Khóm 1",
            parent=long_chau,
            province_code=86,
            commune=commune(LONG_CHAU),
            area_name="Khóm 1",
            has_executive=True,
        )
        lc_cell_2 = Organisation.objects.create(
            kind=OrgKind.RESIDENCE_CELL,
            name="Chi bộ Khóm 2",
            parent=long_chau,
            province_code=86,
            commune=commune(LONG_CHAU),
            area_name="Khóm 2",
            has_executive=False,
        )
        phu_khuong = Organisation.objects.create(
            kind=OrgKind.RESIDENCE_COMMITTEE,
            name="Đảng ủy phường Phú Khương",
            parent=tinh_uy,
            province_code=86,
            commune=commune(PHU_KHUONG),
        )
        pk_cell = Organisation.objects.create(
            kind=OrgKind.RESIDENCE_CELL,
            name="Chi bộ Khu phố 3",
            parent=phu_khuong,
            province_code=86,
            commune=commune(PHU_KHUONG),
            area_name="Khu phố 3",
            has_executive=True,
        )
        users = {
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
        made: dict[str, Any] = {}
        for key, (username, name, org, role) in users.items():
            made[key] = make_user(username, name)
            grant(made[key], org, role)
        member_user = make_user("dv_an", "Nguyễn Văn An")
        outsider = make_user("nguoi_ngoai", "Người Ngoài")
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
