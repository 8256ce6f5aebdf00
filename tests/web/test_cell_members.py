"""Residence cell secretary: my members — the register rows of the cell, phone first."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from books import actions
from tests.cast import PASSWORD, introduce
from tests.web.residence_rows import TODAY, body, bulk_members, secrets_of


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY):
        yield


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def url():
    return reverse("cell:members")


def test_the_secretary_sees_the_cells_members_with_birth_year_workplace_and_address(client, cast):
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, cast.member, cell=cast.lc_cell_1)
        introduce(cast, cast.member_factory(full_name="Lê Văn Bình"), cell=cast.lc_cell_2)
    login(client, cast.lc_cell_secretary)
    response = client.get(url())
    assert response.status_code == 200
    page = body(response)
    for text in (
        "Nguyễn Văn An",
        "sinh năm 1985",
        "Chi bộ Phòng Ngân sách, Đảng ủy Sở Tài chính",
        cast.member.residence_line,
    ):
        assert text in page, text
    assert "Lê Văn Bình" not in page  # Khóm 2's member
    assert cast.member.party_card_number not in page and cast.member.national_id not in page


def test_the_search_finds_a_name_typed_without_diacritics(client, cast):
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, cast.member, cell=cast.lc_cell_1)
        introduce(cast, cast.member_factory(full_name="Đặng Thị Ánh"), cell=cast.lc_cell_1)
    login(client, cast.lc_cell_secretary)
    page = body(client.get(url(), {"q": "dang thi anh"}))
    assert "Đặng Thị Ánh" in page and "Nguyễn Văn An" not in page
    assert "Không có đảng viên nào tên" in body(client.get(url(), {"q": cast.member.national_id}))


def test_e2_members_and_members_who_moved_away_are_not_listed(client, cast):
    bulk_members(cast, 1, exemption="E2", name="Hoàng Văn Mật")
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, cast.member, cell=cast.lc_cell_1)
    actions.reassign_cell(cast.member, cell=cast.lc_cell_2, by=cast.lc_clerk)
    login(client, cast.lc_cell_secretary)
    page = body(client.get(url()))
    assert "Hoàng Văn Mật" not in page and "Nguyễn Văn An" not in page


@pytest.mark.parametrize(
    "who", ["lc_secretary", "lc_clerk", "finance_secretary", "finance_cell_secretary", "member_user"]
)
def test_other_roles_may_not_use_the_cell_pages(client, cast, who):
    login(client, getattr(cast, who))
    for name in ("cell:members", "cell:meeting", "cell:comments"):
        assert client.get(reverse(name)).status_code == 403, name


def test_anonymous_visitors_are_sent_to_log_in(client, cast):
    for name in ("cell:members", "cell:meeting", "cell:comments"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def _queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url()).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_runs_the_same_number_of_queries_for_10_or_200_members(client, cast):
    login(client, cast.lc_cell_secretary)
    bulk_members(cast, 10)
    few = _queries(client)
    members = bulk_members(cast, 190)
    many = _queries(client)
    assert few == many
    page = body(client.get(url()))
    for secret in secrets_of(members[:50]):
        assert secret not in page
