"""Logins for the load run: one distinct account per simulated user, written to a JSON file.

    .venv/bin/python bench/load/setup_users.py --out /tmp/load-users.json [--per-role 40]

Run after `manage.py seed_demo` on the throwaway database of bench/load/run.sh (never on a real
one). The demo province already has a secretary login for every committee (bt.…) and a cell
secretary login for every cell (cb.…), all with the demo password; this adds what it lacks:

- workplace and residence clerks (load_vt_<org id>, role "clerk") for the committees with the
  most members, next to the demo ones tc_vanthu / lc_vanthu;
- board officers (load_btc_NN) next to btc_canbo;
- member logins (load_dv_NN) linked to members with an open book, next to dv_thuha;
- API clients (load_api_NN, a clerk of a workplace committee) each with a fresh API key.

Cell secretaries are the demo ones (lc_k1_bithu first, then cb.…) of the residence cells that
have comments to write, so the "save a draft" task always has a form to post. Running it again
reuses the accounts made before (and issues new API keys, dropping the old ones).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Count, Q  # noqa: E402

from accounts.models import ApiToken  # noqa: E402
from books.demo.logins import DEMO_PASSWORD, DEMO_USERS  # noqa: E402
from books.models import BookStatus  # noqa: E402
from members.models import Member  # noqa: E402
from orgs.models import Organisation, OrgKind, Role, RoleAssignment  # noqa: E402

User = get_user_model()
KEY_NAME = "Khóa chạy thử tải (bench/load)"


def demo(role: str, org: str = "") -> list[str]:
    return [s.username for s in DEMO_USERS if s.role == role and s.org == org]


class Accounts:
    def __init__(self) -> None:
        self.password = make_password(DEMO_PASSWORD)  # one Argon2 hash for every new login

    def login(self, username: str, full_name: str) -> object:
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": full_name, "password": self.password}
        )
        return user

    def grant(self, user: object, org: Organisation, role: str) -> None:
        RoleAssignment.objects.get_or_create(user=user, organisation=org, role=role, valid_until=None)


def single_role_holders(orgs: list[Organisation], roles: set[str]) -> dict[int, list[str]]:
    """org id → usernames holding one of `roles` there and no other role (one hat, no switching)."""
    held = (
        RoleAssignment.objects.active()
        .filter(organisation__in=orgs, role__in=roles)
        .annotate(n=Count("user__role_assignments"))
        .filter(n=1)
        .order_by("user__username")
        .values_list("organisation_id", "user__username")
    )
    found: dict[int, list[str]] = {}
    for org_id, username in held:
        found.setdefault(org_id, []).append(username)
    return found


def committees(kind: str, size_of: str) -> list[Organisation]:
    """The committees of a kind, the biggest first (by members of the workplace or register rows)."""
    return list(
        Organisation.objects.filter(kind=kind).annotate(size=Count(size_of, distinct=True)).order_by("-size", "pk")
    )


def committee_pool(accounts: Accounts, kind: str, size_of: str, demo_clerk: str, count: int) -> list[str]:
    """Demo clerk first, then one clerk per committee (made when missing), the biggest committees first."""
    orgs = [o for o in committees(kind, size_of) if o.size][:count]  # type: ignore[attr-defined]
    holders = single_role_holders(orgs, {Role.CLERK})
    pool = [demo_clerk]
    for org in orgs:
        if demo_clerk in holders.get(org.pk, []):
            continue
        user = accounts.login(f"load_vt_{org.pk}", f"Văn phòng {org.name}")
        accounts.grant(user, org, Role.CLERK)
        pool.append(user.username)  # type: ignore[attr-defined]
    return pool[:count]


def cell_pool(count: int) -> list[str]:
    """Cell secretaries of the residence cells with comments to write, the cells with most first."""
    cells = list(
        Organisation.objects.filter(kind=OrgKind.RESIDENCE_CELL)
        .annotate(
            todo=Count(
                "cell_comment_requests",
                filter=Q(cell_comment_requests__status__in=["requested", "drafted"]),
            )
        )
        .filter(todo__gt=0)
        .order_by("-todo", "pk")
    )
    holders = single_role_holders(cells, {Role.CELL_SECRETARY})
    first = demo(Role.CELL_SECRETARY, "long_chau_cell")
    pool = [u for u in first if any(u in names for names in holders.values())]
    for cell in cells:
        pool.extend(name for name in holders.get(cell.pk, []) if name not in pool)
    return pool[:count]


def member_pool(accounts: Accounts, count: int) -> list[str]:
    pool = [s.username for s in DEMO_USERS if s.member]
    linked = set(Member.objects.filter(user__username__startswith="load_dv_").values_list("user__username", flat=True))
    pool.extend(sorted(linked))
    need = count - len(pool)
    if need > 0:
        free = (
            Member.objects.filter(user__isnull=True, books__status=BookStatus.OPEN, books__letters__isnull=False)
            .distinct()
            .order_by("pk")[:need]
        )
        start = len(linked) + 1
        for n, member in enumerate(free, start=start):
            user = accounts.login(f"load_dv_{n:02d}", member.full_name)
            member.user = user
            member.save(update_fields=["user"])
            pool.append(user.username)  # type: ignore[attr-defined]
    return pool[:count]


def board_pool(accounts: Accounts, count: int) -> list[str]:
    (officer,) = demo(Role.BOARD_OFFICER, "board")
    board = RoleAssignment.objects.get(user__username=officer, role=Role.BOARD_OFFICER).organisation
    pool = [officer]
    for n in range(1, count):
        user = accounts.login(f"load_btc_{n:02d}", f"Cán bộ Ban Tổ chức {n:02d}")
        accounts.grant(user, board, Role.BOARD_OFFICER)
        pool.append(user.username)  # type: ignore[attr-defined]
    return pool


def api_keys(accounts: Accounts, count: int) -> list[str]:
    """One API client per big workplace committee (a clerk), each with a new key."""
    ApiToken.objects.filter(name=KEY_NAME).delete()
    orgs = [o for o in committees(OrgKind.WORKPLACE_COMMITTEE, "children__workplace_members") if o.size]  # type: ignore[attr-defined]
    keys = []
    for n in range(count):
        org = orgs[n % len(orgs)]
        user = accounts.login(f"load_api_{n + 1:02d}", f"Phần mềm nối API {n + 1:02d}")
        accounts.grant(user, org, Role.CLERK)
        _token, secret = ApiToken.issue(user, KEY_NAME)
        keys.append(secret)
    return keys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="the JSON file the locustfile reads")
    parser.add_argument("--per-role", type=int, default=40, help="logins per role (default 40)")
    parser.add_argument("--api-clients", type=int, default=10)
    args = parser.parse_args()
    accounts = Accounts()
    n = args.per_role
    with transaction.atomic():
        pools = {
            "workplace": committee_pool(
                accounts, OrgKind.WORKPLACE_COMMITTEE, "children__workplace_members", demo(Role.CLERK, "finance")[0], n
            ),
            "residence": committee_pool(
                accounts, OrgKind.RESIDENCE_COMMITTEE, "register_entries", demo(Role.CLERK, "long_chau")[0], n
            ),
            "cell": cell_pool(n),
            "board": board_pool(accounts, max(2, n // 4)),
            "member": member_pool(accounts, n),
            "api": api_keys(accounts, args.api_clients),
        }
    args.out.write_text(json.dumps({"password": DEMO_PASSWORD, **pools}, ensure_ascii=False, indent=1))
    for role, names in pools.items():
        print(f"  {role:<10} {len(names):>3} logins" + ("" if role == "api" else f"  ({', '.join(names[:3])}, …)"))


if __name__ == "__main__":
    main()
