"""Residence cell secretary: record the 6-monthly meeting — date, topic, one tap per member."""

import datetime
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from books import actions
from books.models import Event, MeetingAttendance, ResidenceMeeting
from tests.cast import PASSWORD, introduce
from tests.web.residence_rows import TODAY, body, bulk_members, secrets_of


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY):
        yield


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def url():
    return reverse("cell:meeting")


@pytest.fixture
def two(cast):
    """Nguyễn Văn An and Lê Văn Bình, both in Chi bộ Khóm 1 since 10/01/2026."""
    binh = cast.member_factory(full_name="Lê Văn Bình")
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, cast.member, cell=cast.lc_cell_1)
        introduce(cast, binh, cell=cast.lc_cell_1)
    return cast.member, binh


def test_the_form_lists_every_member_present_by_default_and_today(client, cast, two):
    an, binh = two
    login(client, cast.lc_cell_secretary)
    response = client.get(url())
    assert response.status_code == 200
    form = response.context["form"]
    assert form["held_on"].value() == datetime.date(2026, 11, 27)
    assert [m.full_name for m in form.people] == ["Nguyễn Văn An", "Lê Văn Bình"]
    assert form[f"p_{an.pk}"].value() == "co"
    page = body(response)
    assert "6 tháng cuối năm 2026" in page and "Lý do vắng" in page and 'value="27/11/2026"' in page


def test_recording_the_meeting_calls_the_action_with_everyones_attendance(client, cast, two):
    an, binh = two
    login(client, cast.lc_cell_secretary)
    with mock.patch.object(actions, "record_meeting", wraps=actions.record_meeting) as spy:
        response = client.post(
            url(),
            {
                "held_on": "20/11/2026",
                "topic": "Sơ kết 6 tháng cuối năm",
                f"p_{an.pk}": "co",
                f"p_{binh.pk}": "vang",
                f"r_{binh.pk}": "Đi công tác",
            },
        )
    assert response.status_code == 302 and response.url == url() + "?ky=2026-2"
    assert spy.call_count == 1
    meeting = ResidenceMeeting.objects.get()
    assert (meeting.cell, meeting.held_on, meeting.half, meeting.topic) == (
        cast.lc_cell_1,
        datetime.date(2026, 11, 20),
        2,
        "Sơ kết 6 tháng cuối năm",
    )
    marks = {a.member_id: (a.present, a.absence_reason) for a in MeetingAttendance.objects.all()}
    assert marks == {an.pk: (True, ""), binh.pk: (False, "Đi công tác")}
    assert Event.objects.get(verb="meeting_recorded").actor == cast.lc_cell_secretary
    assert "Đã ghi buổi sinh hoạt ngày 20/11/2026: 1 có mặt, 1 vắng." in body(client.get(response.url))


def test_recording_the_same_half_year_again_shows_the_earlier_record_and_corrects_it(client, cast, two):
    an, binh = two
    actions.record_meeting(
        cast.lc_cell_1,
        held_on=datetime.date(2026, 11, 20),
        attendance={an.pk: True, binh.pk: (False, "Ốm")},
        topic="Sơ kết",
        by=cast.lc_cell_secretary,
    )
    login(client, cast.lc_cell_secretary)
    response = client.get(url())
    form = response.context["form"]
    assert form["held_on"].value() == datetime.date(2026, 11, 20)
    assert form["topic"].value() == "Sơ kết"
    assert (form[f"p_{binh.pk}"].value(), form[f"r_{binh.pk}"].value()) == ("vang", "Ốm")
    assert "Kỳ này đã ghi ngày 20/11/2026" in body(response)
    client.post(
        url(),
        {"held_on": "21/11/2026", "topic": "Sơ kết", f"p_{an.pk}": "vang", f"r_{an.pk}": "Bận", f"p_{binh.pk}": "co"},
    )
    meeting = ResidenceMeeting.objects.get()
    assert meeting.held_on == datetime.date(2026, 11, 21)
    marks = {a.member_id: (a.present, a.absence_reason) for a in meeting.attendance.all()}
    assert marks == {an.pk: (False, "Bận"), binh.pk: (True, "")}


def test_an_earlier_half_year_can_be_opened_and_corrected(client, cast, two):
    an, binh = two
    actions.record_meeting(
        cast.lc_cell_1,
        held_on=datetime.date(2026, 6, 15),
        attendance={an.pk: True, binh.pk: True},
        by=cast.lc_cell_secretary,
    )
    login(client, cast.lc_cell_secretary)
    assert "Xem, sửa kỳ này" in body(client.get(url()))
    response = client.get(url(), {"ky": "2026-1"})
    assert response.context["form"]["held_on"].value() == datetime.date(2026, 6, 15)
    assert "6 tháng đầu năm 2026" in body(response)


def test_a_future_date_is_refused_and_every_mark_typed_is_kept(client, cast, two):
    an, binh = two
    login(client, cast.lc_cell_secretary)
    response = client.post(
        url(),
        {"held_on": "30/11/2026", "topic": "Họp", f"p_{an.pk}": "co", f"p_{binh.pk}": "vang", f"r_{binh.pk}": "Ốm"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["held_on"] == ["Ngày họp không thể ở tương lai."]
    assert (form[f"p_{binh.pk}"].value(), form[f"r_{binh.pk}"].value()) == ("vang", "Ốm")
    assert 'value="30/11/2026"' in body(response)
    assert not ResidenceMeeting.objects.exists()


def test_a_date_before_a_member_arrived_is_explained_with_the_name(client, cast, two):
    an, binh = two
    login(client, cast.lc_cell_secretary)
    response = client.post(url(), {"held_on": "05/01/2026", f"p_{an.pk}": "co", f"p_{binh.pk}": "co"})
    assert response.status_code == 200
    assert "Nguyễn Văn An, Lê Văn Bình" in response.context["form"].errors["held_on"][0]
    assert not ResidenceMeeting.objects.exists()


def test_every_member_must_be_marked(client, cast, two):
    an, binh = two
    login(client, cast.lc_cell_secretary)
    response = client.post(url(), {"held_on": "20/11/2026", f"p_{an.pk}": "co"})
    assert "Đánh dấu có mặt hay vắng cho Lê Văn Bình." in body(response)
    assert not ResidenceMeeting.objects.exists()


def test_another_cells_members_and_e2_members_are_not_on_the_list(client, cast, two):
    bulk_members(cast, 1, cell=cast.lc_cell_2, name="Trương Văn Khác")
    bulk_members(cast, 1, exemption="E2", name="Hoàng Văn Mật")
    login(client, cast.lc_cell_secretary)
    page = body(client.get(url()))
    assert "Nguyễn Văn An" in page
    assert "Trương Văn Khác" not in page and "Hoàng Văn Mật" not in page


def test_a_stranger_posted_into_the_form_is_ignored(client, cast, two):
    an, binh = two
    other = bulk_members(cast, 1, cell=cast.lc_cell_2)[0]
    login(client, cast.lc_cell_secretary)
    client.post(url(), {"held_on": "20/11/2026", f"p_{an.pk}": "co", f"p_{binh.pk}": "co", f"p_{other.pk}": "vang"})
    assert set(MeetingAttendance.objects.values_list("member_id", flat=True)) == {an.pk, binh.pk}


def _queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url()).status_code == 200
    return len(ctx.captured_queries)


def test_the_form_runs_the_same_number_of_queries_for_10_or_200_members(client, cast):
    login(client, cast.lc_cell_secretary)
    few_members = bulk_members(cast, 10)
    actions.record_meeting(
        cast.lc_cell_1,
        held_on=datetime.date(2026, 11, 20),
        attendance={m.pk: True for m in few_members},
        by=cast.lc_cell_secretary,
    )
    few = _queries(client)
    members = bulk_members(cast, 190)
    many = _queries(client)
    assert few == many
    page = body(client.get(url()))
    for secret in secrets_of(members[:50]):
        assert secret not in page


@pytest.mark.parametrize("ky", ["2027-1", "2026-3", "abc", "2026"])
def test_a_half_year_still_to_come_or_garbled_falls_back_to_the_current_one(client, cast, two, ky):
    login(client, cast.lc_cell_secretary)
    response = client.get(url(), {"ky": ky})
    assert (response.context["year"], response.context["half"]) == (2026, 2)
