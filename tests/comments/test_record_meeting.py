"""record_meeting: a residence cell records its 6-monthly meeting and who of its 213 members came."""

import datetime

import pytest
import time_machine

from books import actions
from books.errors import InvalidInput, NotAllowed
from books.models import MeetingAttendance, ResidenceMeeting
from tests.cast import PHU_KHUONG, actor, check_event, introduce, recording, refused_without_trace

JUNE = datetime.date(2026, 6, 20)
TODAY = datetime.date(2026, 11, 27)


@pytest.fixture
def khom_1(cast):
    """cast.member received into Khóm 1 on 15/01; another member into Khóm 2."""
    with time_machine.travel(datetime.date(2026, 1, 15)):
        introduce(cast, cast.member, cell=cast.lc_cell_1)
        other = cast.member_factory(full_name="Lê Thị Hai")
        introduce(cast, other, cell=cast.lc_cell_2)
    return {"an": cast.member, "khom_2": other}


def record(cell, by, attendance, held_on=JUNE, **kwargs):
    with time_machine.travel(TODAY):
        return actions.record_meeting(cell, held_on=held_on, attendance=attendance, by=by, **kwargs)


def test_the_cell_secretary_records_the_meeting_and_attendance(cast, khom_1):
    with recording() as events:
        meeting = record(cast.lc_cell_1, cast.lc_cell_secretary, {cast.member.pk: True}, topic="Sơ kết 6 tháng")
    meeting.refresh_from_db()
    assert (meeting.cell, meeting.held_on, meeting.year, meeting.half) == (cast.lc_cell_1, JUNE, 2026, 1)
    assert meeting.topic == "Sơ kết 6 tháng"
    assert meeting.recorded_by == cast.lc_cell_secretary
    assert list(meeting.attendance.values_list("member", "present", "absence_reason")) == [(cast.member.pk, True, "")]
    assert len(events) == 1
    check_event(
        events[0],
        verb="meeting_recorded",
        by=cast.lc_cell_secretary,
        role="cell_secretary",
        org=cast.lc_cell_1,
        obj=meeting,
    )
    assert events[0].data == {"held_on": "2026-06-20", "present": 1, "absent": 0, "corrected": False}


def test_an_absence_keeps_its_reason(cast, khom_1):
    meeting = record(cast.lc_cell_1, cast.lc_cell_secretary, {cast.member.pk: (False, "Đi công tác tỉnh ngoài")})
    row = MeetingAttendance.objects.get(meeting=meeting, member=cast.member)
    assert (row.present, row.absence_reason) == (False, "Đi công tác tỉnh ngoài")


@pytest.mark.parametrize("who", ["lc_secretary", "lc_clerk"])
def test_the_residence_committee_may_record_for_its_cell(cast, khom_1, who):
    meeting = record(cast.lc_cell_1, getattr(cast, who), {cast.member.pk: True})
    assert meeting.recorded_by == getattr(cast, who)


def test_correcting_the_same_half_year_updates_the_meeting(cast, khom_1):
    first = record(cast.lc_cell_1, cast.lc_cell_secretary, {cast.member.pk: True}, topic="Sơ kết")
    with recording() as events:
        again = record(
            cast.lc_cell_1, cast.lc_clerk, {cast.member.pk: (False, "Ốm")}, held_on=datetime.date(2026, 6, 25)
        )
    assert again.pk == first.pk
    assert ResidenceMeeting.objects.filter(cell=cast.lc_cell_1).count() == 1
    assert MeetingAttendance.objects.filter(meeting=first).count() == 1
    again.refresh_from_db()
    assert again.held_on == datetime.date(2026, 6, 25)
    assert again.topic == "Sơ kết"  # kept when the correction gives none
    assert again.recorded_by == cast.lc_clerk
    row = MeetingAttendance.objects.get(meeting=first, member=cast.member)
    assert (row.present, row.absence_reason) == (False, "Ốm")
    assert [(e.verb, e.data["corrected"]) for e in events] == [("meeting_recorded", True)]


def test_the_second_half_year_is_another_meeting(cast, khom_1):
    first = record(cast.lc_cell_1, cast.lc_cell_secretary, {cast.member.pk: True})
    second = record(cast.lc_cell_1, cast.lc_cell_secretary, {cast.member.pk: True}, held_on=datetime.date(2026, 7, 1))
    assert second.pk != first.pk
    assert (second.year, second.half) == (2026, 2)


def test_a_member_of_another_cell_cannot_be_marked(cast, khom_1):
    with refused_without_trace(InvalidInput) as info:
        record(cast.lc_cell_1, cast.lc_cell_secretary, {cast.member.pk: True, khom_1["khom_2"].pk: True})
    assert str(khom_1["khom_2"].pk) in info.value.field_errors["attendance"][0]


def test_a_member_received_after_the_meeting_was_not_yet_in_the_register(cast, khom_1):
    late = cast.member_factory(full_name="Đỗ Văn Muộn")
    with time_machine.travel(datetime.date(2026, 6, 25)):
        introduce(cast, late, cell=cast.lc_cell_1)
    with refused_without_trace(InvalidInput):
        record(cast.lc_cell_1, cast.lc_cell_secretary, {late.pk: True})
    meeting = record(cast.lc_cell_1, cast.lc_cell_secretary, {late.pk: True}, held_on=datetime.date(2026, 7, 10))
    assert meeting.attendance.get().member == late


def test_a_member_who_moved_away_is_only_in_the_register_until_leaving(cast, khom_1):
    with time_machine.travel(datetime.date(2026, 3, 1)):
        actions.change_residence(
            cast.member, commune=cast.phu_khuong.commune, line="Số 9, Khu phố 3", by=cast.finance_secretary
        )
    assert record(cast.lc_cell_1, cast.lc_cell_secretary, {cast.member.pk: True}, held_on=datetime.date(2026, 2, 20))
    with refused_without_trace(InvalidInput):
        record(cast.lc_cell_1, cast.lc_cell_secretary, {cast.member.pk: True}, held_on=datetime.date(2026, 9, 20))


def test_an_e2_member_is_never_marked(cast, khom_1):
    with time_machine.travel(datetime.date(2026, 3, 1)):
        actions.set_exemption(cast.member, exemption="E2", reason="Giữ bí mật", by=cast.finance_secretary)
    with refused_without_trace(InvalidInput):
        record(cast.lc_cell_1, cast.lc_cell_secretary, {cast.member.pk: True}, held_on=datetime.date(2026, 2, 20))


def test_a_member_never_introduced_cannot_be_marked(cast, khom_1):
    stranger = cast.member_factory(full_name="Người Lạ", commune_code=PHU_KHUONG)
    with refused_without_trace(InvalidInput):
        record(cast.lc_cell_1, cast.lc_cell_secretary, {stranger.pk: True})


def test_a_future_date_is_refused(cast, khom_1):
    with refused_without_trace(InvalidInput) as info:
        record(cast.lc_cell_1, cast.lc_cell_secretary, {cast.member.pk: True}, held_on=datetime.date(2026, 11, 28))
    assert "held_on" in info.value.field_errors


def test_the_attendance_cannot_be_empty(cast, khom_1):
    with refused_without_trace(InvalidInput):
        record(cast.lc_cell_1, cast.lc_cell_secretary, {})


def test_only_a_residence_cell_records_213_meetings(cast, khom_1):
    with refused_without_trace(InvalidInput):
        record(cast.finance_cell, cast.finance_cell_secretary, {cast.member.pk: True})


@pytest.mark.parametrize(
    "who",
    [
        "outsider",
        "member_user",
        "board_officer",
        "finance_secretary",
        "finance_cell_secretary",
        "pk_secretary",
        "pk_cell_secretary",
        "lc_cell_2_secretary",
    ],
)
def test_only_the_cell_or_its_committee_may_record(cast, khom_1, who):
    with refused_without_trace(NotAllowed):
        record(cast.lc_cell_1, actor(cast, who), {cast.member.pk: True})


def test_a_correction_replaces_the_list_of_who_was_marked(cast, khom_1):
    with time_machine.travel(datetime.date(2026, 1, 16)):
        second = cast.member_factory(full_name="Phan Văn Ba")
        introduce(cast, second, cell=cast.lc_cell_1)
    record(cast.lc_cell_1, cast.lc_cell_secretary, {cast.member.pk: True, second.pk: False})
    meeting = record(cast.lc_cell_1, cast.lc_cell_secretary, {cast.member.pk: True})
    assert list(meeting.attendance.values_list("member", flat=True)) == [cast.member.pk]
