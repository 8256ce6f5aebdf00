"""Every list runs the same number of queries for 10 rows as for 200."""

import datetime
import itertools

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from books.actions import current_term, default_profile
from books.models import (
    AnnualRating,
    Book,
    CommentRequest,
    CommentStatus,
    IntroductionLetter,
    LetterStatus,
    MeetingAttendance,
    ResidenceMeeting,
    ResidenceRegisterEntry,
    ViolationNotice,
)
from members.models import Member
from orgs.models import Organisation, OrgKind
from orgs.text import fold, name_sort_key
from tests.cast import LONG_CHAU, commune, national_id_for

_serial = itertools.count(500_000)
DAY = datetime.date(2026, 1, 15)


def add_rows(cast, n):
    """n members of Sở Tài chính living in Long Châu, each received into a new cell of Long Châu
    that met once, with a returned 2026 comment, a notice and a 2025 rating. Bulk inserts: the
    point is the number of rows, not the workflow (the other tests walk that)."""
    unit, term, profile = commune(LONG_CHAU), current_term(), default_profile()
    serials = [next(_serial) for _ in range(n)]
    cells = Organisation.objects.bulk_create(
        Organisation(
            kind=OrgKind.RESIDENCE_CELL,
            name=f"Chi bộ Tổ {s}",
            search_name=fold(f"Chi bộ Tổ {s}"),
            parent=cast.long_chau,
            province_code=86,
            commune=unit,
        )
        for s in serials
    )
    birth = datetime.date(1980, 1, 1)
    members = Member.objects.bulk_create(
        Member(
            full_name=f"Phạm Văn Số {s}",
            sort_key=name_sort_key(f"Phạm Văn Số {s}"),
            search_text=f"{fold(f'Phạm Văn Số {s}')} {86000000 + s} {national_id_for('M', birth, s)}",
            sex="M",
            birth_date=birth,
            admitted_on=datetime.date(2005, 1, 1),
            party_card_number=str(86000000 + s),
            national_id=national_id_for("M", birth, s),
            workplace_cell=cast.finance_cell,
            residence_commune=unit,
            residence_line=f"Số {s}, Khóm 1",
        )
        for s in serials
    )
    books = Book.objects.bulk_create(
        Book(member=m, term=term, profile=profile, holder=cast.finance, opened_on=DAY) for m in members
    )
    letters = IntroductionLetter.objects.bulk_create(
        IntroductionLetter(
            book=b,
            status=LetterStatus.RECEIVED,
            issuing_committee=cast.finance,
            addressee=cast.long_chau,
            residence_committee=cast.long_chau,
            year=2026,
            number=s,
            full_name=m.full_name,
            sex=m.sex,
            birth_date=m.birth_date,
            admitted_on=m.admitted_on,
            workplace_cell=cast.finance_cell,
            residence_commune=unit,
            residence_line=m.residence_line,
            residence_kind=m.residence_kind,
            issued_on=DAY,
            received_on=DAY,
            assigned_cell=c,
            signer_name="Trần Quốc Hùng",
        )
        for b, m, c, s in zip(books, members, cells, serials, strict=True)
    )
    ResidenceRegisterEntry.objects.bulk_create(
        ResidenceRegisterEntry(residence_committee=cast.long_chau, member=m, letter=x, cell=c, entered_on=DAY)
        for m, x, c in zip(members, letters, cells, strict=True)
    )
    comments = CommentRequest.objects.bulk_create(
        CommentRequest(
            book=b,
            year=2026,
            letter=x,
            status=CommentStatus.RETURNED,
            requesting_committee=cast.finance,
            residence_committee=cast.long_chau,
            residence_cell=c,
            requested_on=datetime.date(2026, 10, 2),
            due_on=datetime.date(2026, 10, 31),
            return_due_on=datetime.date(2026, 11, 15),
            criteria={"guong_mau": "Tốt"},
            summary="tot",
            returned_on=datetime.date(2026, 11, 1),
        )
        for b, x, c in zip(books, letters, cells, strict=True)
    )
    ViolationNotice.objects.bulk_create(
        ViolationNotice(
            book=b,
            residence_committee=cast.long_chau,
            workplace_committee=cast.finance,
            observed_on=DAY,
            description="Vi phạm quy định nơi cư trú.",
            raised_on=DAY,
            raised_by=cast.lc_clerk,
            answer_due_on=DAY + datetime.timedelta(days=30),
        )
        for b in books
    )
    meetings = ResidenceMeeting.objects.bulk_create(
        ResidenceMeeting(cell=c, held_on=datetime.date(2026, 6, 20), year=2026, half=1) for c in cells
    )
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(meeting=g, member=m, present=True) for g, m in zip(meetings, members, strict=True)
    )
    AnnualRating.objects.bulk_create(
        AnnualRating(
            book=b, year=2025, level="good", comment=r, without_comment=False, rated_on=DAY, rated_by=cast.finance_clerk
        )
        for b, r in zip(books, comments, strict=True)
    )


LISTS = [
    "/members",
    "/books",
    "/letters",
    "/comments",
    "/register",
    "/notices",
    "/meetings",
    "/organisations",
]
# which lists each caller sees grow by the 190 rows added
GROWING = {
    "finance_clerk": {"/members", "/books", "/letters", "/comments", "/register", "/notices"},
    "lc_clerk": {"/members", "/letters", "/comments", "/register", "/notices", "/meetings", "/organisations"},
    "board_officer": set(LISTS),
}


def count_queries(client_api, path, **params):
    client_api.get(path, limit=200, **params)  # warm up: the key's "last used" is written at most once a minute
    with CaptureQueriesContext(connection) as ctx:
        response = client_api.get(path, limit=200, **params)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()["count"]


@pytest.mark.parametrize("who", list(GROWING))
def test_every_list_runs_the_same_number_of_queries_for_10_or_200_rows(api, cast, who):
    user_api = api(getattr(cast, who))
    with time_machine.travel(datetime.date(2026, 11, 27)):
        add_rows(cast, 10)
        few = {path: count_queries(user_api, path) for path in LISTS}
        add_rows(cast, 190)
        many = {path: count_queries(user_api, path) for path in LISTS}
    for path in LISTS:
        (few_queries, few_rows), (many_queries, many_rows) = few[path], many[path]
        assert few_queries == many_queries, (
            f"{path}: {few_queries} queries for {few_rows} rows, {many_queries} for {many_rows}"
        )
    grown = {path for path in LISTS if many[path][1] - few[path][1] == 190}
    assert grown == GROWING[who]


def test_the_units_list_runs_the_same_number_of_queries_for_10_or_200_rows(api, cast):
    user_api = api(cast.outsider)
    counts = []
    for limit in (10, 200):
        user_api.get("/units", limit=limit)
        with CaptureQueriesContext(connection) as ctx:
            body = user_api.get("/units", edition="pre2025", level="commune", limit=limit).json()
        assert len(body["items"]) == limit
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_member_search_and_filters_do_not_add_queries_per_row(api, cast):
    user_api = api(cast.finance_clerk)
    add_rows(cast, 10)
    filters = {"q": "pham van", "state": "received", "exemption": "none", "cell": cast.finance_cell.pk}
    few = count_queries(user_api, "/members", **filters)
    add_rows(cast, 190)
    many = count_queries(user_api, "/members", **filters)
    assert few[0] == many[0] and (few[1], many[1]) == (10, 200)
