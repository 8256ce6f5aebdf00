"""Workplace committee: the October campaign, previewed then opened."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from books import actions
from books.models import CommentRequest
from tests.cast import PASSWORD, PHU_KHUONG, introduce
from web.workplace import campaign_preview

CAMPAIGN = reverse("workplace:campaign")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.fixture
def committee_year(cast):
    """Long Châu ×2, Phú Khương ×1, one E1, one E2, one without a letter, one retired."""
    second = cast.member_factory(full_name="Lê Thị Hai")
    third = cast.member_factory(full_name="Bùi Thị Khương", commune_code=PHU_KHUONG)
    soldier = cast.member_factory(full_name="Lâm Văn Lính")
    secret = cast.member_factory(full_name="Hoàng Văn Mật")
    cast.member_factory(full_name="Đinh Văn Chưa")
    retired = cast.member_factory(full_name="Mai Văn Hưu")
    with time_machine.travel(datetime.date(2026, 1, 10)):
        for member in (cast.member, soldier, secret, retired):
            introduce(cast, member)
        actions.issue_letters([second, third], by=cast.finance_clerk)  # not received yet: still asked
    actions.set_exemption(soldier, exemption="E1a", reason="Ở doanh trại", by=cast.finance_clerk)
    actions.set_exemption(secret, exemption="E2", reason="Giữ bí mật", by=cast.finance_clerk)
    actions.end_employment(retired, reason="retired", by=cast.finance_clerk)
    cast.member_factory(full_name="Đỗ Thị Y Tá", cell=cast.health_cell)
    return cast


def test_the_preview_counts_requests_by_residence_committee_and_who_is_skipped(committee_year):
    cast = committee_year
    preview = campaign_preview(cast.finance, 2026)
    assert [(org.name, n) for org, n in preview.by_committee] == [
        ("Đảng ủy phường Long Châu", 2),
        ("Đảng ủy phường Phú Khương", 1),
    ]
    assert preview.to_send == 3
    assert [m.full_name for m in preview.skipped_e1] == ["Lâm Văn Lính"]
    assert [m.full_name for m in preview.skipped_e2] == ["Hoàng Văn Mật"]
    assert [m.full_name for m in preview.no_letter] == ["Đinh Văn Chưa"]
    assert preview.starts_on == datetime.date(2026, 10, 1)


def test_the_preview_says_what_open_campaign_then_does(committee_year):
    cast = committee_year
    preview = campaign_preview(cast.finance, 2026)
    with time_machine.travel(datetime.date(2026, 10, 2)):
        result = actions.open_campaign(cast.finance, year=2026, by=cast.finance_clerk)
    assert result.by_residence_committee == {org.pk: n for org, n in preview.by_committee}
    assert result.skipped_exempt == preview.skipped_exempt
    assert result.skipped_no_letter == len(preview.no_letter)
    again = campaign_preview(cast.finance, 2026)
    assert (again.to_send, len(again.already)) == (0, 3)


def test_the_page_shows_the_preview_and_opens_the_campaign(client, committee_year):
    cast = committee_year
    login(client, cast.finance_clerk)
    with time_machine.travel(datetime.date(2026, 10, 2)):
        page = client.get(CAMPAIGN)
        assert page.status_code == 200
        body = page.content.decode()
        assert "3 phiếu sẽ gửi tới 2 đảng ủy nơi cư trú" in body
        assert "Mở đợt và gửi 3 phiếu xin ý kiến nhận xét" in body
        assert "Đinh Văn Chưa" in body and "Lâm Văn Lính" in body
        response = client.post(CAMPAIGN)
        assert response.status_code == 302
        assert CommentRequest.objects.filter(year=2026).count() == 3
        after = client.get(CAMPAIGN).content.decode()
    assert "Đã gửi 3 phiếu xin ý kiến nhận xét năm 2026 tới 2 đảng ủy nơi cư trú." in after
    assert "Không còn phiếu nào cần gửi" in after


def test_opening_twice_creates_nothing_new_and_says_so(client, committee_year):
    cast = committee_year
    login(client, cast.finance_clerk)
    with time_machine.travel(datetime.date(2026, 10, 2)):
        client.post(CAMPAIGN)
        response = client.post(CAMPAIGN, follow=True)
    assert CommentRequest.objects.count() == 3
    assert "Không có phiếu mới nào cần gửi cho năm 2026" in response.content.decode()


def test_before_the_first_of_october_it_is_refused_politely(client, committee_year):
    cast = committee_year
    login(client, cast.finance_secretary)
    with time_machine.travel(datetime.date(2026, 9, 25)):
        page = client.get(CAMPAIGN).content.decode()
        assert "đợt được mở từ ngày <strong>01/10/2026</strong>" in page
        assert "disabled" in page
        response = client.post(CAMPAIGN)
    assert response.status_code == 200
    assert "Chưa đến thời gian xin ý kiến nhận xét năm 2026 (từ ngày 01/10/2026)." in response.content.decode()
    assert not CommentRequest.objects.exists()


@pytest.mark.parametrize("who", ["finance_cell_secretary", "lc_secretary", "board_officer", "member_user"])
def test_only_the_workplace_committee_opens_its_campaign(client, cast, who):
    introduce(cast, cast.member)
    login(client, getattr(cast, who))
    assert client.get(CAMPAIGN).status_code == 403
    assert client.post(CAMPAIGN).status_code == 403
    assert not CommentRequest.objects.exists()


def test_another_committee_opens_only_its_own(client, committee_year):
    cast = committee_year
    login(client, cast.health_secretary)
    with time_machine.travel(datetime.date(2026, 10, 2)):
        assert "Không còn phiếu nào cần gửi" in client.get(CAMPAIGN).content.decode()
        client.post(CAMPAIGN)
    assert not CommentRequest.objects.exists()  # the nurse has no letter; ours are untouched
