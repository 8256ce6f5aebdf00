"""Who viewed a member's personal data: one row per view, visible to the member's own workplace
committee and to the member, never to anyone else; the member page's queries do not grow with it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ApiToken
from privacy.models import AppendOnly, PersonalDataView, ViewKind
from tests.cast import PASSWORD, introduce


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.OTP_REQUIRED_FOR_STAFF = False


def member_page(cast):
    return reverse("workplace:member", args=[cast.member.pk])


def test_opening_a_member_page_writes_one_row_naming_the_viewer_the_role_and_the_member(client, cast):
    login(client, cast.finance_secretary)
    assert client.get(member_page(cast)).status_code == 200
    row = PersonalDataView.objects.get()
    assert (row.viewer, row.organisation, row.member, row.what, row.count) == (
        cast.finance_secretary,
        cast.finance,
        cast.member,
        ViewKind.PAGE,
        1,
    )
    assert "Đảng ủy Sở Tài chính" in row.role
    assert row.path == member_page(cast) and row.ip == "127.0.0.1"


def test_the_members_own_committee_sees_who_viewed_newest_first(client, cast):
    login(client, cast.finance_cell_secretary)
    client.get(member_page(cast))
    login(client, cast.finance_secretary)
    client.get(member_page(cast))
    login(client, cast.finance_clerk)
    page = client.get(member_page(cast)).content.decode()
    section = page[page.index("Ai đã xem hồ sơ") :]
    # newest first: this very view (the clerk), the secretary, the cell secretary
    assert section.index("Lê Thị Mai") < section.index("Trần Quốc Hùng") < section.index("Võ Minh Tâm")


def test_the_cell_secretary_opens_the_page_but_does_not_see_the_log(client, cast):
    login(client, cast.finance_cell_secretary)
    page = client.get(member_page(cast))
    assert page.status_code == 200 and "Ai đã xem hồ sơ" not in page.content.decode()


def test_a_foreign_committee_gets_404_and_writes_nothing(client, cast):
    login(client, cast.health_secretary)
    assert client.get(member_page(cast)).status_code == 404
    assert not PersonalDataView.objects.exists()


def test_the_member_sees_who_viewed_their_data_and_their_own_looks_are_not_logged(client, cast):
    login(client, cast.finance_secretary)
    client.get(member_page(cast))
    login(client, cast.member_user)
    page = client.get(reverse("member:book")).content.decode()
    assert "Ai đã xem hồ sơ" in page and "Trần Quốc Hùng" in page
    book = cast.book(cast.member)
    assert client.get(reverse("documents:book", args=[book.pk])).status_code == 200
    assert PersonalDataView.objects.count() == 1


def test_the_residence_side_never_sees_the_log(client, cast):
    introduce(cast, cast.member)
    login(client, cast.finance_secretary)
    client.get(member_page(cast))
    for user in (cast.lc_clerk, cast.lc_cell_secretary):
        login(client, user)
        for url in (reverse("home"), reverse("residence:register"), reverse("cell:members"), member_page(cast)):
            response = client.get(url)
            assert "Ai đã xem hồ sơ" not in response.content.decode(), url
            assert "Trần Quốc Hùng" not in response.content.decode(), url


def test_the_member_page_runs_the_same_number_of_queries_with_1_or_45_rows_in_the_log(client, cast):
    login(client, cast.finance_clerk)
    client.get(member_page(cast))
    with CaptureQueriesContext(connection) as few:
        assert client.get(member_page(cast)).status_code == 200
    for _ in range(45):
        client.get(member_page(cast))
    with CaptureQueriesContext(connection) as many:
        page = client.get(member_page(cast) + "?xem_trang=2")
    assert page.status_code == 200 and "Trang 2 / 3" in page.content.decode()
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries][-5:]


def test_the_api_logs_a_member_with_identity_and_one_row_per_list(client, cast):
    introduce(cast, cast.member)
    secret = ApiToken.issue(cast.finance_clerk, "thử")[1]
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(f"/api/v1/members/{cast.member.pk}", headers=headers).status_code == 200
    cast.member_factory(full_name="Trần Thị Hai")
    assert client.get("/api/v1/members", headers=headers).json()["count"] == 2
    rows = list(PersonalDataView.objects.order_by("pk").values_list("what", "member", "count"))
    assert rows == [(ViewKind.API, cast.member.pk, 1), (ViewKind.API_LIST, None, 2)]
    # the residence side gets no ID numbers: nothing to log
    residence = ApiToken.issue(cast.lc_clerk, "thử")[1]
    client.get(f"/api/v1/members/{cast.member.pk}", headers={"Authorization": f"Bearer {residence}"})
    client.get("/api/v1/members", headers={"Authorization": f"Bearer {residence}"})
    assert PersonalDataView.objects.count() == 2


def test_an_export_writes_one_row_with_the_count(client, cast):
    for n in range(3):
        cast.member_factory(full_name=f"Đỗ Văn Xuất {n}")
    login(client, cast.finance_clerk)
    assert client.get(reverse("spreadsheets:members")).status_code == 200
    row = PersonalDataView.objects.get()
    assert (row.what, row.member, row.count, row.committee) == (ViewKind.EXPORT, None, 4, cast.finance)


def test_printing_the_whole_book_writes_one_row(client, cast):
    login(client, cast.finance_clerk)
    book = cast.book(cast.member)
    assert client.get(reverse("documents:book", args=[book.pk])).status_code == 200
    assert list(PersonalDataView.objects.values_list("what", "member")) == [(ViewKind.PDF, cast.member.pk)]


def test_the_log_is_append_only(client, cast):
    login(client, cast.finance_clerk)
    client.get(member_page(cast))
    row = PersonalDataView.objects.get()
    row.what = ViewKind.API
    with pytest.raises(AppendOnly):
        row.save()
    with pytest.raises(AppendOnly):
        row.delete()
    with pytest.raises(AppendOnly):
        PersonalDataView.objects.update(what=ViewKind.API)
    with pytest.raises(AppendOnly):
        PersonalDataView.objects.all().delete()
    assert PersonalDataView.objects.get().what == ViewKind.PAGE
