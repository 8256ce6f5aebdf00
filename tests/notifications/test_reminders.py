"""Reminders before each deadline of the profile, overdue notices and the escalation to the
province board after it; never the same one twice."""

import datetime

import pytest
import time_machine
from django.core import mail

from books import actions, clock
from books.models import CommentRequest
from members.models import Member
from notifications import reminders
from notifications.models import Notification, NotificationKind, ReminderLog
from orgs.models import Organisation, OrgKind
from tests.cast import FRONT_PARTICIPANT, PHU_KHUONG, grant, introduce, is_vietnamese, make_user

JAN = datetime.date(2026, 1, 10)


def run(day):
    """The reminder run of `day`, on that day's clock (as the cron job would)."""
    with time_machine.travel(datetime.datetime.fromisoformat(f"{day} 06:15")):
        return reminders.run(clock.today())


def told(kind=None):
    rows = Notification.objects.select_related("recipient", "organisation").order_by("pk")
    if kind:
        rows = rows.filter(kind=kind)
    return sorted((n.recipient.username, n.organisation.name) for n in rows)


def text_of(username, kind):
    n = Notification.objects.get(recipient__username=username, kind=kind)
    return f"{n.title}\n{n.body}"


@pytest.fixture
def campaign(cast):
    """Three requests of 2026: An in Khóm 1, Bé in Khóm 2 (no secretary), Ba in Phú Khương."""
    be = cast.member_factory(full_name="Lê Văn Bé")
    ba = cast.member_factory(full_name="Trần Văn Ba", commune_code=PHU_KHUONG)
    with time_machine.travel(JAN):
        introduce(cast, cast.member, cell=cast.lc_cell_1)
        introduce(cast, be, cell=cast.lc_cell_2)
        introduce(cast, ba, cell=cast.pk_cell)
    with time_machine.travel(datetime.date(2026, 10, 2)):
        actions.open_campaign(cast.finance, by=cast.finance_clerk)
    # another province's board must never hear of Vĩnh Long
    other = Organisation.objects.create(
        kind=OrgKind.PROVINCE_BOARD, name="Ban Tổ chức Tỉnh ủy Cần Thơ", province_code=92
    )
    grant(make_user("btc_cantho", "Hồ Văn Mười"), other, "board_officer")
    return cast


def request_of(member):
    return CommentRequest.objects.get(book__member=member)


def sign(cast, member):
    request = request_of(member)
    criteria = {c["key"]: "Gương mẫu." for c in request.book.profile.criteria}
    with time_machine.travel(datetime.date(2026, 10, 20)):
        actions.sign_comment(
            request, by=cast.lc_cell_secretary, criteria=criteria, summary="tot", front_participant=FRONT_PARTICIPANT
        )
    return request


CELLS_AND_LC = [
    ("lc_bithu", "Đảng ủy phường Long Châu"),  # Khóm 2 has no secretary: its committee is told
    ("lc_k1_bithu", "Chi bộ Khóm 1"),
    ("lc_vanthu", "Đảng ủy phường Long Châu"),
    ("pk_kp3_bithu", "Chi bộ Khu phố 3"),
]


def test_seven_days_before_the_comment_deadline_the_cells_with_work_are_reminded(campaign):
    result = run("2026-10-24")
    assert (result.reminders, result.overdue, result.escalations) == (4, 0, 0)
    assert told(NotificationKind.REMINDER) == CELLS_AND_LC
    text = text_of("lc_k1_bithu", NotificationKind.REMINDER)
    assert text.startswith("Nhắc hạn: 1 phiếu xin ý kiến chưa ký nhận xét — hạn 31/10/2026")
    assert "còn 7 ngày" in text and "- Nguyễn Văn An" in text and "Lê Văn Bé" not in text
    assert "Chi bộ Khóm 2" not in text
    assert "- Lê Văn Bé" in text_of("lc_vanthu", NotificationKind.REMINDER)
    assert is_vietnamese(text)


def test_a_second_run_the_same_day_sends_nothing(campaign, immediate_tasks):
    campaign.lc_cell_secretary.email = "bay@longchau.vn"
    campaign.lc_cell_secretary.save()
    run("2026-10-24")
    before = Notification.objects.count()
    again = run("2026-10-24")
    assert (again.reminders, again.already_sent, again.emails) == (0, 4, 0)
    assert Notification.objects.count() == before
    assert len(mail.outbox) == 1
    assert run("2026-10-26").reminders == 0  # between the two reminders


def test_one_day_before_comes_the_last_reminder_and_only_to_cells_still_late(campaign):
    run("2026-10-24")
    sign(campaign, campaign.member)  # Khóm 1 has done its work
    result = run("2026-10-30")
    last = Notification.objects.filter(kind=NotificationKind.REMINDER, title__contains="31/10/2026").order_by("-pk")
    assert result.reminders == 3
    assert "lc_k1_bithu" not in {n.recipient.username for n in last[:3]}
    assert "còn 1 ngày" in last[0].body


def test_a_missed_day_is_caught_up_by_the_next_run(campaign):
    result = run("2026-10-27")
    assert result.reminders == 4
    assert "còn 4 ngày" in text_of("lc_k1_bithu", NotificationKind.REMINDER)
    assert ReminderLog.objects.filter(days_before=7).count() == 4


def test_after_the_comment_deadline_the_late_are_told_and_the_board_gets_who_is_late(campaign, immediate_tasks):
    campaign.board_officer.email = "binh@btc.vinhlong.gov.vn"
    campaign.board_officer.save()
    sign(campaign, campaign.member)
    result = run("2026-11-01")
    assert (result.reminders, result.overdue, result.escalations) == (0, 3, 1)
    assert told(NotificationKind.OVERDUE) == [
        ("lc_bithu", "Đảng ủy phường Long Châu"),
        ("lc_vanthu", "Đảng ủy phường Long Châu"),
        ("pk_kp3_bithu", "Chi bộ Khu phố 3"),
    ]
    assert "đã quá 1 ngày" in text_of("pk_kp3_bithu", NotificationKind.OVERDUE)
    assert told(NotificationKind.ESCALATION) == [("btc_canbo", "Ban Tổ chức Tỉnh ủy Vĩnh Long")]  # not Cần Thơ
    escalation = text_of("btc_canbo", NotificationKind.ESCALATION)
    assert escalation.startswith("Chậm hạn: 2 phiếu xin ý kiến chưa ký nhận xét — hạn 31/10/2026")
    assert "- Đảng ủy phường Long Châu: 1\n- Đảng ủy phường Phú Khương: 1" in escalation
    assert "Đến ngày 01/11/2026" in escalation
    board_mail = [m for m in mail.outbox if m.to == ["binh@btc.vinhlong.gov.vn"]]
    assert len(board_mail) == 1 and board_mail[0].subject.startswith("[Sổ liên hệ 213] Chậm hạn:")
    assert run("2026-11-02").escalations == 0


def test_the_return_deadline_reminds_the_residence_committees_then_escalates(campaign):
    sign(campaign, campaign.member)
    run("2026-11-01")
    result = run("2026-11-08")
    assert told(NotificationKind.REMINDER) == [
        ("lc_bithu", "Đảng ủy phường Long Châu"),
        ("lc_vanthu", "Đảng ủy phường Long Châu"),
        ("pk_bithu", "Đảng ủy phường Phú Khương"),
    ]
    assert result.reminders == 3
    assert "2 phiếu nhận xét chưa gửi lại nơi công tác" in text_of("lc_vanthu", NotificationKind.REMINDER)
    result = run("2026-11-16")
    assert result.escalations == 1
    escalation = Notification.objects.get(kind=NotificationKind.ESCALATION, title__contains="15/11/2026")
    assert "- Đảng ủy phường Long Châu: 2\n- Đảng ủy phường Phú Khương: 1" in escalation.body


def test_a_run_sends_one_digest_per_recipient(campaign, immediate_tasks):
    campaign.lc_clerk.email = "hoa@longchau.vn"
    campaign.lc_clerk.save()
    result = run("2026-11-16")  # the first run: both deadlines of Long Châu are past
    mine = [m for m in mail.outbox if m.to == ["hoa@longchau.vn"]]
    assert len(mine) == 1
    assert mine[0].subject == "[Sổ liên hệ 213] 2 việc đang chờ đồng chí xử lý"
    assert "Quá hạn: 1 phiếu xin ý kiến chưa ký nhận xét" in mine[0].body
    assert "Quá hạn: 2 phiếu nhận xét chưa gửi lại nơi công tác" in mine[0].body
    assert result.emails == 1


def test_an_e2_member_is_never_listed_to_the_residence_side(campaign):
    Member.objects.filter(pk=campaign.member.pk).update(exemption="E2", exemption_reason="Giữ bí mật")
    run("2026-10-24")
    for n in Notification.objects.all():
        assert "Nguyễn Văn An" not in n.body
    assert "lc_k1_bithu" not in {username for username, _org in told()}


def test_members_without_a_letter_remind_the_workplace_committee_before_the_letter_window_ends(cast):
    introduced = cast.member_factory(full_name="Lê Văn Bé")
    with time_machine.travel(JAN):
        introduce(cast, introduced)
    cast.member_factory(full_name="Hoàng Văn Mật", cell=cast.health_cell)
    with time_machine.travel(JAN):
        actions.set_exemption(cast.member, exemption="E2", reason="Nhiệm vụ cần giữ bí mật", by=cast.finance_secretary)
    still = cast.member_factory(full_name="Phan Thị Cúc")
    result = run("2026-02-21")
    assert told(NotificationKind.REMINDER) == [
        ("tc_bithu", "Đảng ủy Sở Tài chính"),
        ("tc_vanthu", "Đảng ủy Sở Tài chính"),
        ("yt_bithu", "Đảng ủy Sở Y tế"),
    ]
    text = text_of("tc_vanthu", NotificationKind.REMINDER)
    assert "1 đảng viên chưa được gửi giấy giới thiệu" in text and still.full_name in text
    assert "Lê Văn Bé" not in text and "Nguyễn Văn An" not in text  # introduced; E2 is never introduced
    assert result.reminders == 3
    escalation = run("2026-03-01")
    assert escalation.escalations == 1
    body = Notification.objects.get(kind=NotificationKind.ESCALATION).body
    assert "Đảng ủy Sở Tài chính: 1" in body and "Đảng ủy Sở Y tế: 1" in body


def test_ratings_remind_the_committee_and_the_cell_secretary_in_december(cast):
    rated = cast.member_factory(full_name="Lê Văn Bé")
    with time_machine.travel(datetime.date(2026, 12, 20)):
        actions.record_rating(cast.book(rated), year=2026, level="good", by=cast.finance_cell_secretary)
    run("2026-12-24")
    assert told(NotificationKind.REMINDER) == [
        ("tc_bithu", "Đảng ủy Sở Tài chính"),
        ("tc_cb_bithu", "Chi bộ Phòng Ngân sách"),
        ("tc_vanthu", "Đảng ủy Sở Tài chính"),
    ]
    text = text_of("tc_cb_bithu", NotificationKind.REMINDER)
    assert "1 đảng viên chưa được xếp loại năm 2026" in text and "Nguyễn Văn An" in text and "Lê Văn Bé" not in text
    result = run("2027-01-01")
    assert result.escalations == 1 and result.overdue == 3


def test_the_reminder_days_are_a_setting(campaign, settings):
    settings.REMINDER_DAYS = [3]
    assert run("2026-10-24").reminders == 0
    assert run("2026-10-28").reminders == 4
