"""Residence committee: its residence cells with their figures, and each cell's members."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from books import actions
from books.models import CommentStatus
from orgs.models import Organisation, OrgKind
from tests.cast import PASSWORD, PHU_KHUONG, comment_at, introduce
from tests.web.residence_rows import TODAY, body, bulk_cells, bulk_members, secrets_of


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY):
        yield


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def url():
    return reverse("residence:cells")


def test_each_cell_shows_members_comments_waiting_and_last_meeting(client, cast):
    comment_at(cast, CommentStatus.REQUESTED)
    other = cast.member_factory(full_name="Lê Văn Bình")
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, other, cell=cast.lc_cell_1)
    bulk_members(cast, 1, cell=cast.lc_cell_2, exemption="E2", name="Hoàng Văn Mật")
    actions.record_meeting(
        cast.lc_cell_1,
        held_on=datetime.date(2026, 11, 15),
        attendance={cast.member.pk: True, other.pk: (False, "Ốm")},
        by=cast.lc_cell_secretary,
    )
    login(client, cast.lc_clerk)
    response = client.get(url())
    assert response.status_code == 200
    rows = {c.name: (c.registered, c.waiting, c.overdue, c.last_meeting) for c in response.context["page"]}
    assert rows == {
        "Chi bộ Khóm 1": (2, 1, 1, datetime.date(2026, 11, 15)),
        # the E2 member is not counted
        "Chi bộ Khóm 2": (0, 0, 0, None),
    }
    page = body(response)
    assert "15/11/2026" in page and "Chưa ghi" in page and "Chi bộ Khu phố 3" not in page


def test_a_cell_lists_its_members_now_searchable_without_diacritics(client, cast):
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, cast.member, cell=cast.lc_cell_1)
        introduce(cast, cast.member_factory(full_name="Đỗ Thị Lan"), cell=cast.lc_cell_1)
        introduce(cast, cast.member_factory(full_name="Lê Văn Bình"), cell=cast.lc_cell_2)
    login(client, cast.lc_secretary)
    target = reverse("residence:cell", args=[cast.lc_cell_1.pk])
    page = body(client.get(target))
    assert "Nguyễn Văn An" in page and "Đỗ Thị Lan" in page and "Lê Văn Bình" not in page
    assert "Chi bộ Phòng Ngân sách, Đảng ủy Sở Tài chính" in page and "10/01/2026" in page
    found = body(client.get(target, {"q": "do thi"}))
    assert "Đỗ Thị Lan" in found and "Nguyễn Văn An" not in found


def test_another_committees_cell_is_not_found(client, cast):
    login(client, cast.lc_clerk)
    assert client.get(reverse("residence:cell", args=[cast.pk_cell.pk])).status_code == 404
    assert client.get(reverse("residence:cell", args=[cast.finance_cell.pk])).status_code == 404
    login(client, cast.pk_secretary)
    assert client.get(reverse("residence:cell", args=[cast.pk_cell.pk])).status_code == 200
    assert client.get(reverse("residence:cell", args=[cast.lc_cell_1.pk])).status_code == 404


@pytest.mark.parametrize(
    "who", ["finance_secretary", "finance_cell_secretary", "lc_cell_secretary", "board_officer", "member_user"]
)
def test_other_roles_may_not_see_the_cells(client, cast, who):
    login(client, getattr(cast, who))
    assert client.get(url()).status_code == 403
    assert client.get(reverse("residence:cell", args=[cast.lc_cell_1.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, cast):
    response = client.get(url())
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def _queries(client, target):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(target).status_code == 200
    return len(ctx.captured_queries)


def test_the_cells_list_runs_the_same_number_of_queries_for_10_or_200_cells(client, cast):
    login(client, cast.lc_clerk)
    bulk_cells(cast, 8)
    bulk_members(cast, 5, comment_status=CommentStatus.REQUESTED)
    few = _queries(client, url())
    cells = bulk_cells(cast, 190)
    for cell in cells[:5]:
        bulk_members(cast, 2, cell=cell, comment_status=CommentStatus.REQUESTED)
    many = _queries(client, url())
    assert few == many


def test_a_cells_members_run_the_same_number_of_queries_for_10_or_200(client, cast):
    target = reverse("residence:cell", args=[cast.lc_cell_1.pk])
    login(client, cast.lc_clerk)
    bulk_members(cast, 10)
    few = _queries(client, target)
    members = bulk_members(cast, 190)
    many = _queries(client, target)
    assert few == many
    page = body(client.get(target))
    for secret in secrets_of(members[:30]):
        assert secret not in page


def test_a_phu_khuong_member_never_shows_in_long_chau(client, cast):
    elsewhere = cast.member_factory(full_name="Tô Văn Khác", commune_code=PHU_KHUONG)
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, elsewhere, cell=cast.pk_cell)
    login(client, cast.lc_clerk)
    assert "Tô Văn Khác" not in body(client.get(reverse("residence:cell", args=[cast.lc_cell_1.pk])))


def test_cells_are_listed_in_natural_order(client, cast):
    Organisation.objects.create(
        kind=OrgKind.RESIDENCE_CELL,
        name="Chi bộ Khóm 10",
        parent=cast.long_chau,
        province_code=86,
        commune=cast.long_chau.commune,
        area_name="Khóm 10",
    )
    login(client, cast.lc_clerk)
    names = [c.name for c in client.get(url()).context["page"]]
    assert names == ["Chi bộ Khóm 1", "Chi bộ Khóm 2", "Chi bộ Khóm 10"]
