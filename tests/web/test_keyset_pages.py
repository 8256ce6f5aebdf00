"""Long lists paged by their sort key (web/keyset.py): "Trang sau" / "Trang trước" by `?sau=` /
`?truoc=`, every row once in Vietnamese order, a fixed number of queries at any depth, counts capped."""

import html
import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from books.models import CommentRequest, CommentStatus, ResidenceRegisterEntry
from members.models import Member
from orgs.text import fold, name_sort_key
from tests.cast import PASSWORD
from tests.web import residence_rows
from tests.web.test_workplace_lists import bulk_members

MEMBERS = reverse("workplace:members")
REGISTER = reverse("residence:register")
OVERDUE = reverse("workplace:overdue")
LINK = re.compile(r'<a class="btn" href="\?([^"]*)" rel="(next|prev)">')


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def link(response, rel):
    """The query string of the page's "Trang sau" (next) or "Trang trước" (prev) link, or None."""
    found = {r: html.unescape(q) for q, r in LINK.findall(response.content.decode())}
    return found.get(rel)


def walk(client, path, params=None, *, back=False):
    """Follow "Trang sau" from the first page to the last (then, with `back`, "Trang trước" to the
    first again): the pk of every row of every page, in the order seen, and the pages' sizes."""
    response = client.get(path, params or {})
    assert response.status_code == 200
    pages = [[row.pk for row in response.context["page"]]]
    while (query := link(response, "next")) is not None:
        response = client.get(f"{path}?{query}")
        assert response.status_code == 200
        pages.append([row.pk for row in response.context["page"]])
        assert len(pages) < 100, "the pages never end"
    if not back:
        return pages
    backwards = [pages[-1]]
    while (query := link(response, "prev")) is not None:
        response = client.get(f"{path}?{query}")
        backwards.append([row.pk for row in response.context["page"]])
        assert len(backwards) < 100
    backwards.reverse()
    return pages, backwards


def equal_names(members, name):
    """Give these members the very same name (equal sort keys: the id decides)."""
    for m in members:
        Member.objects.filter(pk=m.pk).update(
            full_name=name, sort_key=name_sort_key(name), search_text=f"{fold(name)} {m.party_card_number}"
        )


def finance_members_in_order(**search):
    rows = Member.objects.filter(workplace_cell__parent=search.pop("committee"), **search)
    return list(rows.order_by("sort_key", "pk").values_list("pk", flat=True))


# --------------------------------------------------------------------------- the member list


def test_walking_the_member_list_forward_and_back_visits_every_member_once_in_vietnamese_order(client, cast):
    books = bulk_members(cast, 130)
    equal_names([b.member for b in books[:40]], "Nguyễn Văn An")  # 40 namesakes across two pages
    equal_names([b.member for b in books[40:45]], "Nguyễn Văn Ấn")  # tones only as the tie-breaker
    login(client, cast.finance_clerk)

    forward, backward = walk(client, MEMBERS, back=True)

    expected = finance_members_in_order(committee=cast.finance)
    assert [len(p) for p in forward] == [50, 50, 31]
    assert [pk for page in forward for pk in page] == expected
    assert backward == forward
    seen = list(Member.objects.filter(pk__in=expected).values_list("full_name", "sort_key", "pk"))
    by_pk = {pk: (name, key) for name, key, pk in seen}
    keys = [(by_pk[pk][1], pk) for pk in expected]
    assert keys == sorted(keys)
    names = [by_pk[pk][0] for pk in expected]
    assert names.index("Nguyễn Văn An") < names.index("Nguyễn Văn Ấn")


def test_the_search_and_the_filters_stay_in_the_links(client, cast):
    books = bulk_members(cast, 130)
    equal_names([b.member for b in books[:70]], "Trần Thị Bé")
    login(client, cast.finance_clerk)
    first = client.get(MEMBERS, {"q": "tran thi be"})
    assert QueryDict(link(first, "next"))["q"] == "tran thi be"
    pages = walk(client, MEMBERS, {"q": "tran thi be"})
    found = [pk for page in pages for pk in page]
    assert found == finance_members_in_order(committee=cast.finance, full_name="Trần Thị Bé")
    assert len(found) == 70 == len(set(found))
    filtered = walk(client, MEMBERS, {"q": "tran thi be", "mien": "khong"})
    assert [pk for page in filtered for pk in page] == finance_members_in_order(
        committee=cast.finance, full_name="Trần Thị Bé", exemption=""
    )


def test_a_deep_page_and_the_first_run_the_same_queries_for_10_or_200_members(client, cast):
    login(client, cast.finance_clerk)

    def queries(params):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(MEMBERS, params)
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    bulk_members(cast, 10)
    first_few, response = queries({})
    rows = list(response.context["page"])
    cursor = f"{rows[4].sort_key},{rows[4].pk}"
    deep_few, response = queries({"sau": cursor})
    assert len(response.context["page"]) == len(rows) - 5
    bulk_members(cast, 190)
    first_many, _ = queries({})
    last = finance_members_in_order(committee=cast.finance)[149]
    deep_many, response = queries({"sau": f"{Member.objects.get(pk=last).sort_key},{last}"})
    assert response.context["page"].start == 151
    assert len(response.context["page"]) == 50
    back_many, response = queries({"truoc": f"{Member.objects.get(pk=last).sort_key},{last}"})
    assert response.context["page"].start == 100
    assert first_few == first_many
    assert deep_few == deep_many == back_many


def test_the_first_page_reads_no_offset_and_a_deep_page_starts_at_its_key(client, cast):
    bulk_members(cast, 120)
    login(client, cast.finance_clerk)
    with CaptureQueriesContext(connection) as first:
        response = client.get(MEMBERS)
    with CaptureQueriesContext(connection) as deep:
        client.get(f"{MEMBERS}?{link(response, 'next')}")
    assert not any("OFFSET" in q["sql"] for q in first.captured_queries + deep.captured_queries)


def test_a_count_past_the_cap_says_more_than(client, cast, monkeypatch):
    from web import keyset

    monkeypatch.setattr(keyset, "CAP", 60)
    bulk_members(cast, 80)
    login(client, cast.finance_clerk)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(MEMBERS)
    page = response.context["page"]
    assert page.capped and page.count == 61
    text = response.content.decode()
    assert "Hơn 60 đảng viên" in text
    assert "Dòng 1–50 trong hơn 60" in text
    assert any("LIMIT 61" in q["sql"] for q in ctx.captured_queries), "the count stops at the cap"
    pages = walk(client, MEMBERS)
    assert sum(len(p) for p in pages) == 81  # 80 + the cast's own member: paging is not capped


def test_a_small_count_is_exact_and_thousands_are_grouped_with_dots(client, cast):
    bulk_members(cast, 60)
    login(client, cast.finance_clerk)
    response = client.get(MEMBERS)
    assert response.context["page"].count == 61
    assert not response.context["page"].capped
    assert "61 đảng viên" in response.content.decode()
    assert "Dòng 1–50 trong 61" in response.content.decode()


@pytest.mark.parametrize(
    "bad",
    [
        "abc",
        "1,2,3",
        ",",
        "123",
        "１２,3",  # full-width digits are digits to Python, not to us
        "12,99999999999999999999999",
        "12,-5",
        "12%00,5",
        "12,5\x00",
        "ạ,5",
        "12," + "9" * 5000,
        "9" * 500 + ",1",
    ],
)
def test_a_bad_cursor_gives_the_first_page_never_an_error(client, cast, bad):
    bulk_members(cast, 60)
    login(client, cast.finance_clerk)
    first = [m.pk for m in client.get(MEMBERS).context["page"]]
    for name in ("sau", "truoc"):
        response = client.get(MEMBERS, {name: bad})
        assert response.status_code == 200
        assert [m.pk for m in response.context["page"]] == first


def test_a_cursor_past_the_end_gives_an_empty_page_with_the_way_back(client, cast):
    bulk_members(cast, 60)
    login(client, cast.finance_clerk)
    response = client.get(MEMBERS, {"sau": "9" * 40 + ",1"})
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert "« Trang đầu" in response.content.decode()


def test_small_lists_have_numbered_pages(client, cast):
    bulk_members(cast, 120)
    login(client, cast.finance_clerk)
    response = client.get(MEMBERS)
    text = response.content.decode()
    assert "trang=2" in text and "trang=3" in text
    third = client.get(MEMBERS, {"trang": 3})
    assert [m.pk for m in third.context["page"]] == finance_members_in_order(committee=cast.finance)[100:]
    assert third.context["page"].number == 3


# --------------------------------------------------------------------------- the register


def test_walking_the_register_visits_every_row_once_with_equal_names(client, cast):
    members = residence_rows.bulk_members(cast, 75)
    residence_rows.bulk_members(cast, 40, cell=cast.lc_cell_2)
    equal_names(members[:55], "Phạm Thị Hàng")
    login(client, cast.lc_clerk)

    forward, backward = walk(client, REGISTER, back=True)

    expected = list(
        ResidenceRegisterEntry.objects.filter(residence_committee=cast.long_chau, left_on__isnull=True)
        .order_by("member__sort_key", "member_id", "-entered_on", "pk")
        .values_list("pk", flat=True)
    )
    assert [pk for page in forward for pk in page] == expected
    assert backward == forward
    by_cell = walk(client, REGISTER, {"chi_bo": str(cast.lc_cell_2.pk)})
    assert sum(len(p) for p in by_cell) == 40


# --------------------------------------------------------------------------- a list in groups


def test_the_overdue_list_pages_through_committees_named_with_commas(client, cast):
    cast.phu_khuong.name = "Đảng ủy phường Phú Khương, tỉnh Vĩnh Long"
    cast.phu_khuong.save(update_fields=["name"])
    bulk_members(cast, 130, letters=True, comments=CommentStatus.REQUESTED)
    login(client, cast.finance_clerk)

    forward, backward = walk(client, OVERDUE, back=True)

    expected = list(
        CommentRequest.objects.filter(requesting_committee=cast.finance, year=2026, status=CommentStatus.REQUESTED)
        .order_by("residence_committee__name", "residence_committee_id", "book__member__sort_key", "pk")
        .values_list("pk", flat=True)
    )
    assert len(expected) >= 130
    assert [pk for page in forward for pk in page] == expected
    assert backward == forward


def test_a_cursor_from_another_committees_list_shows_only_ones_own_rows(client, cast):
    bulk_members(cast, 80)
    nurse = cast.member_factory(full_name="Đỗ Thị Y Tá", cell=cast.health_cell)
    login(client, cast.finance_clerk)
    theirs = link(client.get(MEMBERS), "next")
    login(client, cast.health_secretary)
    for params in ({}, {"sau": QueryDict(theirs)["sau"]}, {"truoc": QueryDict(theirs)["sau"]}):
        seen = [m.pk for m in client.get(MEMBERS, params).context["page"]]
        assert set(seen) <= {nurse.pk}


def test_the_register_filter_offers_each_members_workplace_committee_cells_parent_or_chi_bo_co_so(client, cast):
    from orgs.models import Organisation, OrgKind

    grassroots = Organisation.objects.create(
        kind=OrgKind.WORKPLACE_COMMITTEE, name="Chi bộ Bưu điện tỉnh", parent=cast.finance.parent, province_code=86
    )
    members = residence_rows.bulk_members(cast, 3)
    Member.objects.filter(pk=members[0].pk).update(workplace_cell=grassroots)
    login(client, cast.lc_clerk)
    offered = dict(client.get(REGISTER).context["filters"].fields["noi_cong_tac"].choices)
    assert str(grassroots.pk) in offered and str(cast.finance.pk) in offered
    assert str(cast.finance_cell.pk) not in offered and str(cast.finance.parent.pk) not in offered
