"""The check every tallies test (and the workflow state machine) makes: what the board reads from the
tallies equals a recount over every letter, request and rating."""

import datetime

from books import access
from books.queries import province_overview, province_overview_recount
from orgs.models import Organisation, OrgKind
from web import board


def _figures(rows):
    return {row.org.pk: {name: getattr(row, name) for name in board.COUNTS} for row in rows}


def _late(orgs):
    return sorted((org.pk, org.late) for org in orgs)


def assert_tallies_equal_a_recount(today: datetime.date, provinces=None) -> None:
    """Every committee of each province (ended ones too), as the province's board sees them."""
    if provinces is None:
        provinces = sorted(
            set(Organisation.objects.filter(kind=OrgKind.PROVINCE_BOARD).values_list("province_code", flat=True))
        )
    for code in provinces:
        scope = access.Scope(provinces=frozenset({code}))
        for kind, kept, live in (
            (OrgKind.RESIDENCE_COMMITTEE, board.commune_rows, board.live_commune_rows),
            (OrgKind.WORKPLACE_COMMITTEE, board.workplace_rows, board.live_workplace_rows),
        ):
            orgs = Organisation.objects.filter(kind=kind, province_code=code).order_by("pk")
            assert _figures(kept(scope, today, orgs)) == _figures(live(scope, today, orgs)), f"{kind} of {code}"
        # every late committee (the page shows ten: ties in the tenth place may be named in either order)
        kept_home, live_home = province_overview(code, today, 10_000), province_overview_recount(code, today, 10_000)
        assert kept_home.letters == live_home.letters, f"home letters of {code}"
        assert kept_home.comments == live_home.comments, f"home comments of {code}"
        assert _late(kept_home.late_residence) == _late(live_home.late_residence), f"late residence of {code}"
        assert _late(kept_home.late_workplace) == _late(live_home.late_workplace), f"late workplace of {code}"
