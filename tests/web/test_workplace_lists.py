"""Every list of the workplace side runs the same number of queries for 10 rows as for 200."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from books import actions
from books.models import (
    AnnualRating,
    Book,
    CommentKind,
    CommentRequest,
    CommentStatus,
    IntroductionLetter,
    LetterStatus,
    Term,
    ViolationNotice,
)
from members.models import Exemption, Member, Sex
from orgs.models import Organisation, OrgKind
from orgs.text import fold, name_sort_key
from tests.cast import LONG_CHAU, PASSWORD, PHU_KHUONG, commune, national_id_for

GIVEN = ["An", "Bình", "Châu", "Dũng", "Đức", "Hà", "Khoa", "Lan", "Minh", "Nga", "Phúc", "Quang", "Sơn", "Thảo"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi"]
_next = iter(range(500_000, 10_000_000))


def bulk_members(cast, n, *, letters=False, comments=None, notices=False, ratings=False, year=2026):
    """`n` members of Đảng ủy Sở Tài chính made cheaply (bulk inserts, no events), spread over two
    cells, two communes and two residence committees; optionally with a received letter each, a
    comment request of `year` in the status `comments`, a raised notice and a rating."""
    office, _ = Organisation.objects.get_or_create(
        kind=OrgKind.WORKPLACE_CELL, name="Chi bộ Văn phòng Sở", parent=cast.finance, defaults={"province_code": 86}
    )
    cells = [cast.finance_cell, office]
    places = [
        (commune(LONG_CHAU), cast.long_chau, cast.lc_cell_1),
        (commune(PHU_KHUONG), cast.phu_khuong, cast.pk_cell),
    ]
    term, profile = Term.current(), actions.default_profile()
    birth = datetime.date(1980, 6, 1)
    members = []
    for i in range(n):
        serial = next(_next)
        name = f"{FAMILY[i % len(FAMILY)]} Văn {GIVEN[i % len(GIVEN)]} {serial}"
        members.append(
            Member(
                full_name=name,
                sex=Sex.MALE,
                birth_date=birth,
                admitted_on=datetime.date(2005, 1, 1),
                party_card_number=str(serial),
                national_id=national_id_for(Sex.MALE, birth, serial),
                workplace_cell=cells[i % 2],
                residence_commune=places[i % 2][0],
                residence_line=f"Số {serial}",
                exemption=Exemption.E1B if i % 7 == 6 else "",
                exemption_reason="Công tác lưu động" if i % 7 == 6 else "",
                sort_key=name_sort_key(name),
                search_text=f"{fold(name)} {serial}",
            )
        )
    members = Member.objects.bulk_create(members)
    books = Book.objects.bulk_create(
        [
            Book(member=m, term=term, profile=profile, holder=cast.finance, opened_on=datetime.date(2026, 1, 2))
            for m in members
        ]
    )
    if not letters:
        return books
    issued = IntroductionLetter.objects.bulk_create(
        [
            IntroductionLetter(
                book=book,
                status=LetterStatus.RECEIVED,
                issuing_committee=cast.finance,
                addressee=places[i % 2][1],
                residence_committee=places[i % 2][1],
                year=2026,
                number=next(_next),
                full_name=book.member.full_name,
                sex=book.member.sex,
                birth_date=book.member.birth_date,
                admitted_on=book.member.admitted_on,
                workplace_cell=book.member.workplace_cell,
                residence_commune=book.member.residence_commune,
                residence_line=book.member.residence_line,
                residence_kind=book.member.residence_kind,
                issued_on=datetime.date(2026, 1, 5),
                received_on=datetime.date(2026, 1, 15),
                assigned_cell=places[i % 2][2],
            )
            for i, book in enumerate(books)
        ]
    )
    if comments:
        back = comments in (CommentStatus.RETURNED, CommentStatus.ACKNOWLEDGED)
        CommentRequest.objects.bulk_create(
            [
                CommentRequest(
                    book=letter.book,
                    year=year,
                    kind=CommentKind.PERIODIC,
                    status=comments,
                    letter=letter,
                    requesting_committee=cast.finance,
                    residence_committee=letter.residence_committee,
                    residence_cell=letter.assigned_cell,
                    requested_on=datetime.date(year, 10, 2),
                    due_on=datetime.date(year, 10, 31),
                    return_due_on=datetime.date(year, 11, 15),
                    criteria={c["key"]: "Tốt" for c in profile.criteria} if back else {},
                    summary="tot" if back else "",
                    front_participant="Bà Ba" if back else "",
                    returned_on=datetime.date(year, 11, 1) if back else None,
                    acknowledged_on=datetime.date(year, 11, 5) if comments == CommentStatus.ACKNOWLEDGED else None,
                )
                for letter in issued
            ]
        )
    if notices:
        ViolationNotice.objects.bulk_create(
            [
                ViolationNotice(
                    book=letter.book,
                    residence_committee=letter.residence_committee,
                    workplace_committee=cast.finance,
                    observed_on=datetime.date(2026, 10, 1),
                    description="Không tham gia sinh hoạt nơi cư trú.",
                    raised_on=datetime.date(2026, 10, 2) if i % 2 else datetime.date(2026, 11, 20),
                    raised_by=cast.lc_secretary,
                    answer_due_on=datetime.date(2026, 11, 1) if i % 2 else datetime.date(2026, 12, 20),
                )
                for i, letter in enumerate(issued)
            ]
        )
    if ratings:
        AnnualRating.objects.bulk_create(
            [
                AnnualRating(
                    book=book,
                    year=year,
                    level="good",
                    without_comment=True,
                    rated_on=datetime.date(year, 12, 1),
                    rated_by=cast.finance_secretary,
                )
                for book in books[::2]
            ]
        )
    return books


def queries_for(client, path, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries), response


LISTS = {
    "members": (reverse("workplace:members"), {}, {}),
    "members filtered": (reverse("workplace:members"), {"tinh_trang": "dang-sinh-hoat", "q": "van"}, {"letters": True}),
    "members of the cell": (reverse("workplace:members"), {}, {"letters": True}),
    "review": (reverse("workplace:review"), {}, {}),
    "review by commune": (reverse("workplace:review"), {"xa": PHU_KHUONG}, {}),
    "campaign": (reverse("workplace:campaign"), {}, {"letters": True}),
    "returned": (reverse("workplace:returned"), {}, {"letters": True, "comments": CommentStatus.RETURNED}),
    "acknowledged": (
        reverse("workplace:returned"),
        {"da_nhan": "1"},
        {"letters": True, "comments": CommentStatus.ACKNOWLEDGED},
    ),
    "overdue": (reverse("workplace:overdue"), {}, {"letters": True, "comments": CommentStatus.REQUESTED}),
    "still at the residence": (
        reverse("workplace:overdue"),
        {"tat_ca": "1"},
        {"letters": True, "comments": CommentStatus.SIGNED},
    ),
    "ratings": (
        reverse("workplace:ratings"),
        {},
        {"letters": True, "comments": CommentStatus.RETURNED, "ratings": True},
    ),
    "ratings of the cell": (reverse("workplace:ratings"), {}, {"ratings": True}),
    "notices": (reverse("workplace:notices"), {}, {"letters": True, "notices": True}),
}


@pytest.mark.parametrize("name", list(LISTS))
def test_a_list_runs_the_same_number_of_queries_for_10_or_200_rows(client, cast, name):
    path, params, rows = LISTS[name]
    user = cast.finance_cell_secretary if name.endswith("of the cell") else cast.finance_clerk
    assert client.login(username=user.username, password=PASSWORD)
    with time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0)):
        bulk_members(cast, 10, **rows)
        few, response = queries_for(client, path, params)
        assert name == "campaign" or len(response.context["page"]) >= 5
        bulk_members(cast, 190, **rows)
        many, response = queries_for(client, path, params)
    if name == "campaign":
        assert response.context["preview"].to_send > 100
    else:
        assert response.context["page"].paginator.count > 50, "the second run must fill more than a page"
    assert few == many, f"{name}: {few} queries for 10 rows, {many} for 200"
