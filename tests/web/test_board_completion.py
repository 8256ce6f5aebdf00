"""The province board's completion pages: by commune and by workplace committee, with charts.

The figures are checked against a small world whose numbers are worked out by hand (see `world`),
and each page runs the same number of queries for 10 or 200 committees.
"""

import datetime
import itertools
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from books import actions
from books.models import (
    AnnualRating,
    Book,
    CommentRequest,
    CommentStatus,
    IntroductionLetter,
    LetterStatus,
    RatingLevel,
    Term,
)
from members.models import Member, Sex
from orgs.models import Organisation, OrgKind, Role
from orgs.text import fold, name_sort_key
from tests.cast import PASSWORD, PHU_KHUONG, commune, grant, introduce, make_user, national_id_for, sign_request

TODAY = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)
BA_DINH = 4  # Phường Ba Đình, Hà Nội (province 1): a commune of another province


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


# --------------------------------------------------------------------------- a hand-computed world


@pytest.fixture
def world(cast):
    return build_world(cast)


def build_world(cast):
    """Five members and their 2026 comments, as of 27/11/2026 (comments due 31/10, returns 15/11):

    | member | workplace | lives in    | letter   | 2026 comment           | rating          |
    |--------|-----------|-------------|----------|------------------------|-----------------|
    | Anh    | finance   | Long Châu   | received | returned               |                 |
    | Bích   | finance   | Long Châu   | received | acknowledged           | with comment    |
    | Cường  | finance   | Long Châu   | received | requested (overdue)    | without comment |
    | Dung   | finance   | Phú Khương  | issued   | requested (overdue)    |                 |
    | Em     | health    | Long Châu   | received | signed (overdue return)|                 |

    plus, in Hà Nội (another province), Giang at the Bộ Ngoại giao committee living in Ba Đình.
    """
    a = cast.member_factory(full_name="Lê Văn Anh")
    b = cast.member_factory(full_name="Phạm Thị Bích")
    c = cast.member_factory(full_name="Võ Văn Cường")
    d = cast.member_factory(full_name="Đỗ Thị Dung", commune_code=PHU_KHUONG)
    e = cast.member_factory(full_name="Huỳnh Văn Em", cell=cast.health_cell)
    foreign = foreign_province(cast)
    g = cast.member_factory(
        full_name="Trịnh Văn Giang", cell=foreign["cell"], commune_code=BA_DINH, by=foreign["secretary"]
    )
    with time_machine.travel(datetime.date(2026, 1, 10)):
        for member in (a, b, c, e):
            introduce(cast, member)
        actions.issue_letter(d, by=cast.finance_clerk)
        actions.issue_letter(g, by=foreign["secretary"])
    with time_machine.travel(datetime.date(2026, 10, 2)):
        actions.open_campaign(cast.finance, year=2026, by=cast.finance_clerk)
        actions.open_campaign(cast.health, year=2026, by=cast.health_secretary)
        actions.open_campaign(foreign["workplace"], year=2026, by=foreign["secretary"])
    request = {r.book.member_id: r for r in CommentRequest.objects.filter(year=2026)}
    with time_machine.travel(datetime.date(2026, 10, 20)):
        for member in (a, b, e):
            sign_request(cast, request[member.pk])
    with time_machine.travel(datetime.date(2026, 10, 25)):
        for member in (a, b):
            actions.certify_comment(request[member.pk], by=cast.lc_secretary)
    with time_machine.travel(datetime.date(2026, 11, 1)):
        for member in (a, b):
            actions.return_comment(request[member.pk], by=cast.lc_secretary)
    with time_machine.travel(datetime.date(2026, 11, 5)):
        actions.acknowledge_comment(request[b.pk], by=cast.finance_clerk)
    # ratings are recorded from December 1 (the profile's rating_start): these two a few days
    # after the table's date, which counts ratings by year, not by day
    with time_machine.travel(datetime.date(2026, 12, 1)):
        actions.record_rating(cast.book(b), year=2026, level=RatingLevel.GOOD, by=cast.finance_secretary)
        actions.record_rating(cast.book(c), year=2026, level=RatingLevel.DONE, by=cast.finance_secretary)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "g": g, **foreign}


def foreign_province(cast):
    """Hà Nội (province 1): a board with its officer, a workplace committee and a residence committee."""
    hanoi = Organisation.objects.create(kind=OrgKind.UPPER_COMMITTEE, name="Thành ủy Hà Nội", province_code=1)
    board = Organisation.objects.create(
        kind=OrgKind.PROVINCE_BOARD, name="Ban Tổ chức Thành ủy Hà Nội", parent=hanoi, province_code=1
    )
    workplace = Organisation.objects.create(
        kind=OrgKind.WORKPLACE_COMMITTEE, name="Đảng ủy Bộ Ngoại giao", parent=hanoi, province_code=1
    )
    cell = Organisation.objects.create(
        kind=OrgKind.WORKPLACE_CELL, name="Chi bộ Vụ Lễ tân", parent=workplace, province_code=1
    )
    residence = Organisation.objects.create(
        kind=OrgKind.RESIDENCE_COMMITTEE,
        name="Đảng ủy phường Ba Đình",
        parent=hanoi,
        province_code=1,
        commune=commune(BA_DINH),
    )
    secretary = make_user("ng_bithu", "Hà Văn Ngoại")
    grant(secretary, workplace, Role.SECRETARY)
    officer = make_user("btc_hanoi", "Kiều Thị Thủ Đô")
    grant(officer, board, Role.BOARD_OFFICER)
    return {"workplace": workplace, "cell": cell, "residence": residence, "secretary": secretary, "officer": officer}


def figures(response, *names):
    """{organisation name: (figure, ...)} of the rows on the page."""
    return {row.org.name: tuple(getattr(row, n) for n in names) for row in response.context["page"].object_list}


COMMUNE_FIGURES = ("letters_received", "letters_waiting", "requested", "returned", "overdue", "percent")
WORKPLACE_FIGURES = (
    "letters_issued",
    "letters_received",
    "requested",
    "returned",
    "overdue",
    "percent",
    "rated",
    "rated_without",
)


# --------------------------------------------------------------------------- by commune


def test_each_commune_of_the_province_has_its_row_with_the_hand_computed_figures(client, cast, world):
    response = login(client, cast.board_officer).get(reverse("board:communes"))
    assert response.status_code == 200
    assert figures(response, *COMMUNE_FIGURES) == {
        "Đảng ủy phường Long Châu": (4, 0, 4, 2, 2, 50),
        "Đảng ủy phường Phú Khương": (0, 1, 1, 0, 1, 0),
    }
    totals = response.context["totals"]
    assert (totals.letters_received, totals.letters_waiting, totals.requested, totals.returned, totals.overdue) == (
        4,
        1,
        5,
        2,
        3,
    )
    assert totals.percent == 40
    body = response.content.decode()
    assert "Đảng ủy phường Ba Đình" not in body


def test_the_board_home_page_links_to_the_tables_and_the_late_committees(client, cast, world):
    body = login(client, cast.board_officer).get("/").content.decode()
    for url in (
        reverse("board:communes"),
        reverse("board:workplaces"),
        reverse("board:commune", args=[cast.long_chau.pk]),
        reverse("board:workplace", args=[cast.finance.pk]),
    ):
        assert f'href="{url}"' in body


def test_a_commune_with_nothing_yet_shows_a_dash_not_zero_per_cent(client, cast):
    response = login(client, cast.board_officer).get(reverse("board:communes"))
    assert figures(response, "requested", "percent")["Đảng ủy phường Long Châu"] == (0, None)
    assert "Chưa có phiếu nhận xét năm 2026 nào để vẽ biểu đồ" in response.content.decode()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("qua-han", ["Đảng ủy phường Long Châu", "Đảng ủy phường Phú Khương"]),
        ("ty-le", ["Đảng ủy phường Phú Khương", "Đảng ủy phường Long Châu"]),
        ("ten", ["Đảng ủy phường Long Châu", "Đảng ủy phường Phú Khương"]),
        ("sai", ["Đảng ủy phường Long Châu", "Đảng ủy phường Phú Khương"]),
    ],
)
def test_the_communes_sort_by_overdue_or_by_per_cent_returned(client, cast, world, sort, expected):
    response = login(client, cast.board_officer).get(reverse("board:communes"), {"sap_xep": sort})
    assert [row.org.name for row in response.context["page"].object_list] == expected


def test_the_communes_are_searched_without_diacritics(client, cast, world):
    response = login(client, cast.board_officer).get(reverse("board:communes"), {"q": "phu khuong"})
    assert list(figures(response, "overdue")) == ["Đảng ủy phường Phú Khương"]
    assert response.context["totals"].overdue == 1


def test_the_commune_page_draws_both_charts_with_their_numbers(client, cast, world):
    body = login(client, cast.board_officer).get(reverse("board:communes")).content.decode()
    assert body.count('<svg class="chart" role="img"') == 2
    # bar chart: the lowest per cent first, each bar with its label and number
    assert "Phường Phú Khương: 0% (0 trên 1 phiếu); Phường Long Châu: 50% (2 trên 4 phiếu)." in body
    assert re.search(r"<rect x=\"230\" y=\"\d+\" width=\"170\" height=\"17\"", body)  # 50 % of 340 px
    # stacked bar: every status with its count, and the overdue ones in the description
    for label, count in [
        ("Chờ chi bộ nơi cư trú viết, ký", 2),
        ("Chi bộ đã ký, chờ đảng ủy xác nhận", 1),
        ("Đảng ủy đã xác nhận, chờ gửi lại", 0),
        ("Đã gửi lại nơi công tác", 1),
        ("Nơi công tác đã nhận lại", 1),
    ]:
        assert f'{label}: <tspan font-weight="700">{count}</tspan>' in body
    assert "trong đó quá hạn: 3." in body
    assert "<title" in body and "<desc" in body


def test_the_bar_chart_shows_the_fifteen_lowest(client, cast):
    extra = Organisation.objects.bulk_create(
        [
            Organisation(
                kind=OrgKind.RESIDENCE_COMMITTEE,
                name=f"Đảng ủy xã Thử {i:02d}",
                province_code=86,
                commune=commune(PHU_KHUONG),
            )
            for i in range(20)
        ]
    )
    bulk_members(cast, 20, residence_committees=extra, returned_every=2)
    response = login(client, cast.board_officer).get(reverse("board:communes"))
    chart = response.context["chart"]
    assert len(chart.bars) == 15
    assert [bar.row.percent for bar in chart.bars] == [0] * 10 + [100] * 5


# --------------------------------------------------------------------------- by workplace committee


def test_each_workplace_committee_has_its_row_with_the_hand_computed_figures(client, cast, world):
    response = login(client, cast.board_officer).get(reverse("board:workplaces"))
    assert response.status_code == 200
    assert figures(response, *WORKPLACE_FIGURES) == {
        "Đảng ủy Sở Tài chính": (4, 3, 4, 2, 2, 50, 2, 1),
        "Đảng ủy Sở Y tế": (1, 1, 1, 0, 1, 0, 0, 0),
    }
    body = response.content.decode()
    assert "Đảng ủy Bộ Ngoại giao" not in body
    assert "Sở Tài chính: 50% (2 trên 4 phiếu)" in body


def test_the_workplace_committees_sort_and_search(client, cast, world):
    login(client, cast.board_officer)
    by_rate = client.get(reverse("board:workplaces"), {"sap_xep": "ty-le"})
    assert [r.org.name for r in by_rate.context["page"].object_list] == ["Đảng ủy Sở Y tế", "Đảng ủy Sở Tài chính"]
    found = client.get(reverse("board:workplaces"), {"q": "so y te"})
    assert [r.org.name for r in found.context["page"].object_list] == ["Đảng ủy Sở Y tế"]


# --------------------------------------------------------------------------- who may look


@pytest.mark.parametrize("name", ["board:communes", "board:workplaces"])
def test_only_a_board_officer_may_look(client, cast, name):
    url = reverse(name)
    assert login(Client(), cast.board_officer).get(url).status_code == 200
    for who in ("finance_secretary", "finance_cell_secretary", "lc_secretary", "lc_cell_secretary", "member_user"):
        assert login(Client(), getattr(cast, who)).get(url).status_code == 403, who
    assert login(Client(), cast.outsider).get(url).status_code == 403
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))


def test_another_province_board_sees_only_its_own_province(client, cast, world):
    response = login(client, world["officer"]).get(reverse("board:communes"))
    assert figures(response, "letters_waiting", "requested", "overdue") == {"Đảng ủy phường Ba Đình": (1, 1, 1)}
    response = client.get(reverse("board:workplaces"))
    assert figures(response, "letters_issued", "requested") == {"Đảng ủy Bộ Ngoại giao": (1, 1)}


# --------------------------------------------------------------------------- queries


_serial = itertools.count(1)


def bulk_members(
    cast,
    n,
    *,
    cells=None,
    residence_committees=None,
    residence_cell=None,
    letter_status=LetterStatus.RECEIVED,
    request_status=CommentStatus.REQUESTED,
    returned_every=0,
    rated_without=False,
    name="Đảng Viên Thử",
):
    """n members with a book, a letter and a 2026 comment request, written in bulk (no events).

    Member i works in cells[i % len] and is introduced to residence_committees[i % len]; every
    `returned_every`-th request is returned instead of `request_status`.
    """
    cells = cells or [cast.finance_cell]
    residence_committees = residence_committees or [cast.long_chau]
    term, profile = Term.current(), actions.default_profile()
    birth = datetime.date(1980, 1, 1)
    serials = [next(_serial) for _ in range(n)]
    members = Member.objects.bulk_create(
        [
            Member(
                full_name=f"{name} {s}",
                sex=Sex.MALE,
                birth_date=birth,
                admitted_on=datetime.date(2005, 1, 1),
                party_card_number=f"{70000000 + s}",
                national_id=national_id_for(Sex.MALE, birth, 700000 + s),
                workplace_cell=cells[i % len(cells)],
                residence_commune=residence_committees[i % len(residence_committees)].commune,
                residence_line=f"Số {s}, Khóm 9",
                sort_key=name_sort_key(f"{name} {s}"),
                search_text=fold(f"{name} {s}"),
            )
            for i, s in enumerate(serials)
        ]
    )
    books = Book.objects.bulk_create(
        [
            Book(
                member=m,
                term=term,
                profile=profile,
                holder=m.workplace_cell.workplace_committee,
                opened_on=datetime.date(2026, 1, 2),
            )
            for m in members
        ]
    )
    letters = IntroductionLetter.objects.bulk_create(
        [
            IntroductionLetter(
                book=b,
                status=letter_status,
                issuing_committee=b.holder,
                addressee=residence_committees[i % len(residence_committees)],
                residence_committee=residence_committees[i % len(residence_committees)],
                year=2026,
                number=100000 + s,
                full_name=m.full_name,
                sex=m.sex,
                birth_date=m.birth_date,
                admitted_on=m.admitted_on,
                workplace_cell=m.workplace_cell,
                residence_commune=m.residence_commune,
                residence_line=m.residence_line,
                residence_kind="permanent",
                issued_on=datetime.date(2026, 1, 10),
                received_on=datetime.date(2026, 1, 20) if letter_status == LetterStatus.RECEIVED else None,
                assigned_cell=residence_cell if letter_status == LetterStatus.RECEIVED else None,
            )
            for i, (s, m, b) in enumerate(zip(serials, members, books, strict=True))
        ]
    )
    requests = CommentRequest.objects.bulk_create(
        [
            CommentRequest(
                book=b,
                year=2026,
                letter=letter,
                status=CommentStatus.RETURNED if returned_every and i % returned_every else request_status,
                requesting_committee=b.holder,
                residence_committee=letter.residence_committee,
                residence_cell=residence_cell,
                requested_on=datetime.date(2026, 10, 2),
                due_on=datetime.date(2026, 10, 31),
                return_due_on=datetime.date(2026, 11, 15),
            )
            for i, (b, letter) in enumerate(zip(books, letters, strict=True))
        ]
    )
    if rated_without:
        rater = get_user_model().objects.get(username="tc_bithu")
        AnnualRating.objects.bulk_create(
            [
                AnnualRating(
                    book=b,
                    year=2026,
                    level=RatingLevel.DONE,
                    without_comment=True,
                    rated_on=datetime.date(2026, 11, 20),
                    rated_by=rater,
                )
                for b in books
            ]
        )
    return members, books, letters, requests


def queries_for(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def add_committees(kind, n, cast):
    if kind == OrgKind.RESIDENCE_COMMITTEE:
        extra = [
            Organisation(kind=kind, name=f"Đảng ủy xã Số {i}", province_code=86, commune=commune(PHU_KHUONG))
            for i in range(n)
        ]
    else:
        extra = [
            Organisation(kind=kind, name=f"Đảng ủy Công ty Số {i}", province_code=86, parent=cast.upper)
            for i in range(n)
        ]
    return Organisation.objects.bulk_create(extra)


@pytest.mark.parametrize("sort", ["qua-han", "ty-le"])
def test_the_commune_page_runs_the_same_queries_for_10_or_200_communes(client, cast, sort):
    login(client, cast.board_officer)
    url = reverse("board:communes")
    bulk_members(cast, 10, residence_committees=add_committees(OrgKind.RESIDENCE_COMMITTEE, 10, cast))
    few = queries_for(client, url, sap_xep=sort)
    bulk_members(cast, 190, residence_committees=add_committees(OrgKind.RESIDENCE_COMMITTEE, 190, cast))
    many = queries_for(client, url, sap_xep=sort)
    assert few == many
    assert client.get(url).context["page"].paginator.count == 202


def test_the_workplace_page_runs_the_same_queries_for_10_or_200_committees(client, cast):
    login(client, cast.board_officer)
    url = reverse("board:workplaces")
    bulk_members(cast, 10, cells=add_committees(OrgKind.WORKPLACE_COMMITTEE, 10, cast), rated_without=True)
    few = queries_for(client, url)
    bulk_members(cast, 190, cells=add_committees(OrgKind.WORKPLACE_COMMITTEE, 190, cast), rated_without=True)
    many = queries_for(client, url)
    assert few == many
    page = client.get(url, {"trang": 2})
    assert page.context["page"].number == 2
    assert page.context["totals"].rated_without == 200
