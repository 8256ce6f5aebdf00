"""Residence committee: the register (sổ theo dõi) — filters, the term's comment columns, rows that
left; moving a member to another cell; raising a violation notice."""

import datetime
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from books import actions
from books.models import CommentStatus, Event, LeaveReason, ResidenceRegisterEntry, ViolationNotice
from tests.cast import PASSWORD, PHU_KHUONG, comment_at, introduce
from tests.web.residence_rows import TODAY, body, bulk_members, secrets_of


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY):
        yield


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def url(**params):
    return reverse("residence:register")


def registered(cast, member=None, *, cell=None, on=datetime.date(2026, 1, 10)):
    member = member or cast.member
    with time_machine.travel(on):
        introduce(cast, member, cell=cell or cast.lc_cell_1)
    return ResidenceRegisterEntry.objects.get(member=member, left_on__isnull=True)


# --------------------------------------------------------------------------- the list


def test_each_row_shows_what_the_residence_side_may_see(client, cast):
    entry = registered(cast)
    login(client, cast.lc_clerk)
    response = client.get(url())
    assert response.status_code == 200
    page = body(response)
    for text in (
        "Nguyễn Văn An",
        "Nam, sinh năm 1985",
        "Chi bộ Phòng Ngân sách, Đảng ủy Sở Tài chính",
        cast.member.residence_line,
        f"Giấy số {entry.letter.display_number}",
        "Tiếp nhận 10/01/2026",
        "Chi bộ Khóm 1",
    ):
        assert text in page, text
    for year in range(2025, 2031):
        assert f"Nhận xét {year}" in page
    for secret in (cast.member.party_card_number, cast.member.national_id):
        assert secret not in page


def test_the_year_columns_show_each_years_comment_status_and_summary(client, cast):
    registered(cast)
    comment_at(cast, CommentStatus.RETURNED)
    login(client, cast.lc_secretary)
    response = client.get(url())
    entry = response.context["page"].object_list[0]
    columns = dict(entry.columns)
    assert columns[2025] is None and columns[2027] is None
    assert columns[2026].status == CommentStatus.RETURNED
    page = body(response)
    assert "<strong>Hoàn thành tốt</strong>" in page
    assert "Đã gửi lại nơi công tác" in page


def test_filters_by_cell_workplace_committee_date_and_name_without_diacritics(client, cast):
    registered(cast)
    lan = registered(cast, cast.member_factory(full_name="Đỗ Thị Lan"), cell=cast.lc_cell_2)
    late = registered(cast, cast.member_factory(full_name="Lý Văn Muộn"), on=datetime.date(2026, 6, 1))
    doctor = registered(cast, cast.member_factory(full_name="Phan Văn Y", cell=cast.health_cell))
    login(client, cast.lc_clerk)

    def names(**params):
        return {e.member.full_name for e in client.get(url(), params).context["page"].object_list}

    everyone = {"Nguyễn Văn An", "Đỗ Thị Lan", "Lý Văn Muộn", "Phan Văn Y"}
    assert names() == everyone
    assert names(chi_bo=cast.lc_cell_2.pk) == {lan.member.full_name}
    assert names(noi_cong_tac=cast.health.pk) == {doctor.member.full_name}
    assert names(tu_ngay="01/05/2026") == {late.member.full_name}
    assert names(den_ngay="31/01/2026") == everyone - {late.member.full_name}
    assert names(q="do thi lan") == {"Đỗ Thị Lan"}
    assert names(q=cast.member.party_card_number) == set()


def test_a_wrong_filter_date_is_explained_and_the_rest_still_applies(client, cast):
    registered(cast)
    registered(cast, cast.member_factory(full_name="Đỗ Thị Lan"), cell=cast.lc_cell_2)
    login(client, cast.lc_clerk)
    response = client.get(url(), {"tu_ngay": "32/13/2026", "chi_bo": cast.lc_cell_2.pk})
    assert response.status_code == 200
    assert response.context["filters"].errors["tu_ngay"]
    assert [e.member.full_name for e in response.context["page"].object_list] == ["Đỗ Thị Lan"]
    assert 'value="32/13/2026"' in body(response)


def test_rows_that_left_are_shown_only_on_request_with_date_and_reason(client, cast):
    entry = registered(cast)
    actions.reassign_cell(cast.member, cell=cast.lc_cell_2, by=cast.lc_clerk, on=datetime.date(2026, 11, 1))
    login(client, cast.lc_clerk)
    rows = client.get(url()).context["page"].object_list
    assert [(e.cell, e.left_on) for e in rows] == [(cast.lc_cell_2, None)]
    response = client.get(url(), {"da_roi": "on"})
    assert len(response.context["page"].object_list) == 2
    page = body(response)
    assert "31/10/2026" in page and LeaveReason.REASSIGNED.label in page
    assert entry.pk in [e.pk for e in response.context["page"].object_list]


def test_htmx_filtering_answers_with_the_table_only(client, cast):
    registered(cast)
    login(client, cast.lc_clerk)
    response = client.get(url(), {"q": "an"}, headers={"HX-Request": "true"})
    page = body(response)
    assert page.lstrip().startswith("<section") and "Nguyễn Văn An" in page and "<html" not in page


def test_another_committees_rows_and_e2_members_are_never_listed(client, cast):
    registered(cast)
    registered(cast, cast.member_factory(full_name="Tô Văn Khác", commune_code=PHU_KHUONG), cell=cast.pk_cell)
    bulk_members(cast, 1, exemption="E2", name="Hoàng Văn Mật")
    login(client, cast.lc_clerk)
    page = body(client.get(url(), {"da_roi": "on"}))
    assert "Nguyễn Văn An" in page
    assert "Tô Văn Khác" not in page and "Hoàng Văn Mật" not in page


@pytest.mark.parametrize(
    "who", ["finance_secretary", "finance_cell_secretary", "lc_cell_secretary", "board_officer", "member_user"]
)
def test_other_roles_may_not_read_the_register(client, cast, who):
    entry = registered(cast)
    login(client, getattr(cast, who))
    assert client.get(url()).status_code == 403
    assert client.get(reverse("residence:reassign", args=[entry.pk])).status_code == 403
    assert client.post(reverse("residence:raise_notice", args=[entry.pk]), {}).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, cast):
    for target in (url(), reverse("residence:reassign", args=[1]), reverse("residence:raise_notice", args=[1])):
        response = client.get(target)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def _queries(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url(), params).status_code == 200
    return len(ctx.captured_queries)


def test_the_register_runs_the_same_number_of_queries_for_10_or_200_rows(client, cast):
    login(client, cast.lc_clerk)
    bulk_members(cast, 10, comment_status=CommentStatus.SIGNED)
    few = _queries(client), _queries(client, da_roi="on", chi_bo=cast.lc_cell_1.pk, q="pham")
    members = bulk_members(cast, 190, comment_status=CommentStatus.REQUESTED)
    many = _queries(client), _queries(client, da_roi="on", chi_bo=cast.lc_cell_1.pk, q="pham")
    assert few == many
    page = body(client.get(url()))
    for secret in secrets_of(members[:50]):
        assert secret not in page


# --------------------------------------------------------------------------- move to another cell


def test_a_member_is_moved_to_another_cell(client, cast):
    entry = registered(cast)
    login(client, cast.lc_clerk)
    target = reverse("residence:reassign", args=[entry.pk])
    page = client.get(target)
    assert page.status_code == 200 and "Chi bộ Khóm 2" in body(page)
    with mock.patch.object(actions, "reassign_cell", wraps=actions.reassign_cell) as spy:
        response = client.post(target, {"cell": cast.lc_cell_2.pk, "on": "20/11/2026"})
    assert response.status_code == 302 and response.url == url()
    assert spy.call_count == 1
    now = ResidenceRegisterEntry.objects.get(member=cast.member, left_on__isnull=True)
    assert (now.cell, now.entered_on) == (cast.lc_cell_2, datetime.date(2026, 11, 20))
    assert Event.objects.filter(verb="cell_reassigned", actor=cast.lc_clerk).count() == 1
    assert "Đã chuyển đồng chí Nguyễn Văn An từ Chi bộ Khóm 1 sang Chi bộ Khóm 2" in body(client.get(url()))


def test_a_refused_move_says_why_and_keeps_the_choice(client, cast):
    entry = registered(cast)
    login(client, cast.lc_clerk)
    response = client.post(
        reverse("residence:reassign", args=[entry.pk]), {"cell": cast.lc_cell_2.pk, "on": "05/01/2026"}
    )
    assert response.status_code == 200
    page = body(response)
    assert "Ngày chuyển chi bộ không thể trước ngày tiếp nhận" in page
    assert response.context["form"]["cell"].value() == str(cast.lc_cell_2.pk)
    assert 'value="05/01/2026"' in page
    assert ResidenceRegisterEntry.objects.get(pk=entry.pk).left_on is None


def test_moving_another_committees_row_or_a_closed_row_is_not_found(client, cast):
    foreign = registered(cast, cast.member_factory(commune_code=PHU_KHUONG), cell=cast.pk_cell)
    mine = registered(cast)
    actions.reassign_cell(cast.member, cell=cast.lc_cell_2, by=cast.lc_clerk, on=datetime.date(2026, 11, 1))
    login(client, cast.lc_clerk)
    assert client.get(reverse("residence:reassign", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("residence:reassign", args=[foreign.pk]), {"cell": cast.lc_cell_2.pk}).status_code == 404
    assert client.get(reverse("residence:reassign", args=[mine.pk])).status_code == 404
    assert client.get(reverse("residence:raise_notice", args=[foreign.pk])).status_code == 404


# --------------------------------------------------------------------------- violation notice


def test_a_violation_notice_goes_to_the_workplace_committee(client, cast):
    entry = registered(cast)
    login(client, cast.lc_secretary)
    target = reverse("residence:raise_notice", args=[entry.pk])
    page = body(client.get(target))
    assert "Đảng ủy Sở Tài chính" in page and "Gửi phiếu báo về nơi công tác" in page
    with mock.patch.object(actions, "raise_notice", wraps=actions.raise_notice) as spy:
        response = client.post(
            target, {"observed_on": "20/11/2026", "description": "Gây mất trật tự tại khu dân cư nhiều lần."}
        )
    assert response.status_code == 302
    assert spy.call_count == 1
    notice = ViolationNotice.objects.get()
    assert (notice.workplace_committee, notice.residence_committee) == (cast.finance, cast.long_chau)
    assert notice.observed_on == datetime.date(2026, 11, 20)
    assert "Đã gửi phiếu báo về Đảng ủy Sở Tài chính" in body(client.get(url()))
    assert "Gây mất trật tự tại khu dân cư nhiều lần." in body(client.get(target))


def test_a_refused_notice_says_why_and_keeps_the_text(client, cast):
    entry = registered(cast)
    login(client, cast.lc_secretary)
    response = client.post(
        reverse("residence:raise_notice", args=[entry.pk]),
        {"observed_on": "20/11/2026", "description": "Say rượu"},
    )
    assert response.status_code == 200
    assert "Hãy mô tả rõ việc vi phạm." in body(response)
    assert response.context["form"].errors["description"] == ["Quá ngắn."]
    assert "Say rượu</textarea>" in body(response)
    assert not ViolationNotice.objects.exists()
    response = client.post(
        reverse("residence:raise_notice", args=[entry.pk]),
        {"observed_on": "30/11/2026", "description": "Gây mất trật tự tại khu dân cư."},
    )
    assert "Ngày xảy ra không thể ở tương lai." in body(response)
    assert not ViolationNotice.objects.exists()
