"""The header links of each hat: every role module declares its own `NAV`."""

from django.utils.translation import gettext as _

from orgs.models import OrgKind

from . import board, cell, member, requests, residence, workplace

NAV_BY_KIND: dict[str, list[tuple[str, str]]] = {
    OrgKind.WORKPLACE_COMMITTEE: [*workplace.NAV, *requests.NAV],
    OrgKind.WORKPLACE_CELL: workplace.CELL_NAV if hasattr(workplace, "CELL_NAV") else [],
    OrgKind.RESIDENCE_COMMITTEE: residence.NAV,
    OrgKind.RESIDENCE_CELL: cell.NAV,
    OrgKind.PROVINCE_BOARD: board.NAV,
    "member": member.NAV,
}


def links_for(kind: str | None) -> list[tuple[str, str]]:
    return [(_("Trang chính"), "home"), *NAV_BY_KIND.get(kind or "", [])]
