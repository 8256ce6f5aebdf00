"""The demo logins: one per role, all with the same password, and the table that lists them."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from orgs.models import Role, RoleAssignment

DEMO_PASSWORD = "solienhe-demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    label: str  # the role, as the table prints it
    org: str = ""  # which demo organisation the role is held in (see seed.build_users)
    role: str = ""
    superuser: bool = False
    member: bool = False


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("tc_bithu", "Trần Quốc Hùng", "Bí thư đảng ủy nơi công tác", "finance", Role.SECRETARY),
    DemoUser("tc_phobithu", "Phan Thị Ngọc Lan", "Phó bí thư đảng ủy nơi công tác", "finance", Role.DEPUTY),
    DemoUser("tc_vanthu", "Lê Thị Mai", "Văn phòng đảng ủy nơi công tác", "finance", Role.CLERK),
    DemoUser("tc_cb_bithu", "Võ Minh Tâm", "Bí thư chi bộ nơi công tác", "finance_cell", Role.CELL_SECRETARY),
    DemoUser("lc_bithu", "Huỳnh Văn Sáu", "Bí thư đảng ủy nơi cư trú", "long_chau", Role.SECRETARY),
    DemoUser("lc_vanthu", "Đặng Thị Hoa", "Văn phòng đảng ủy nơi cư trú", "long_chau", Role.CLERK),
    DemoUser("lc_k1_bithu", "Nguyễn Thị Bảy", "Bí thư chi bộ nơi cư trú", "long_chau_cell", Role.CELL_SECRETARY),
    DemoUser("btc_canbo", "Dương Thanh Bình", "Cán bộ Ban Tổ chức Tỉnh ủy", "board", Role.BOARD_OFFICER),
    DemoUser("dv_thuha", "Nguyễn Thị Thu Hà", "Đảng viên (sổ liên hệ của mình)", member=True),
    DemoUser("admin", "Quản trị hệ thống", "Quản trị hệ thống", superuser=True),
)


def login_rows() -> list[tuple[str, str, str, str]]:
    """(role, username, password, organisation) for every demo login present in the database."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[s.username for s in DEMO_USERS])}
    assignments = {
        a.user_id: a
        for a in RoleAssignment.objects.active()
        .filter(user__in=users.values())
        .select_related("organisation__parent")
        .order_by("-pk")
    }
    from members.models import Member

    members = {m.user_id: m for m in Member.objects.filter(user__in=users.values()).select_related("workplace_cell")}
    rows = []
    for spec in DEMO_USERS:
        user = users.get(spec.username)
        if user is None:
            continue
        if spec.superuser:
            where = "Trang quản trị /quan-tri/"
        elif spec.member and user.pk in members:
            where = f"{members[user.pk].full_name}, {members[user.pk].workplace_cell.name}"
        elif user.pk in assignments:
            org = assignments[user.pk].organisation
            where = org.name
            if org.kind in ("workplace_cell", "residence_cell") and org.parent is not None:
                where = f"{org.name} — {org.parent.name}"
        else:
            where = ""
        rows.append((spec.label, spec.username, DEMO_PASSWORD, where))
    return rows


def login_table() -> str:
    """The demo logins as a plain-text table; empty string when none exist."""
    rows = login_rows()
    if not rows:
        return ""
    header = ("Vai trò", "Tên đăng nhập", "Mật khẩu", "Tổ chức")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    rule = "  ".join("─" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])
