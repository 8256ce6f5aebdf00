"""Email after commit, as a background task: one Vietnamese digest per recipient, links to the site."""

import datetime

import pytest
import time_machine
from django.core import mail
from django_tasks_db.models import DBTaskResult

from books import actions
from members.models import Member
from notifications.mail import deliver
from notifications.models import Notification, NotificationKind
from tests.cast import introduce, is_vietnamese

JAN = datetime.date(2026, 1, 10)


@pytest.fixture
def emails(cast):
    for user, address in (
        (cast.lc_clerk, "hoa@longchau.vn"),
        (cast.lc_cell_secretary, "bay@longchau.vn"),
        (cast.finance_clerk, "mai@stc.vinhlong.gov.vn"),
    ):
        user.email = address
        user.save(update_fields=["email"])
    return cast


def test_a_new_letter_is_mailed_in_vietnamese_to_staff_with_an_address(emails, committed, immediate_tasks, settings):
    cast = emails
    settings.SITE_URL = "https://solienhe.vinhlong.vn"
    with committed(), time_machine.travel(JAN):
        letter = actions.issue_letter(cast.member, by=cast.finance_clerk)
    assert len(mail.outbox) == 1  # lc_bithu has no address: in-app only
    message = mail.outbox[0]
    assert message.to == ["hoa@longchau.vn"]
    assert message.subject == "[Sổ liên hệ 213] Có giấy giới thiệu mới cần tiếp nhận"
    assert message.body.startswith("Kính gửi đồng chí Đặng Thị Hoa,")
    assert letter.display_number in message.body and "Nguyễn Văn An" in message.body
    n = Notification.objects.get(recipient=cast.lc_clerk)
    assert f"https://solienhe.vinhlong.vn/thong-bao/{n.pk}/mo/" in message.body
    assert "https://solienhe.vinhlong.vn/thong-bao/" in message.body
    assert is_vietnamese(message.subject) and is_vietnamese(message.body)
    assert n.emailed_at is not None
    assert Notification.objects.get(recipient=cast.lc_secretary).emailed_at is None


def test_many_letters_at_once_make_one_digest_per_recipient(emails, committed, immediate_tasks):
    cast = emails
    members = [cast.member, cast.member_factory(full_name="Lê Văn Bé"), cast.member_factory(full_name="Phan Thị Cúc")]
    with committed(), time_machine.travel(JAN):
        actions.issue_letters(members, by=cast.finance_clerk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[Sổ liên hệ 213] 3 việc đang chờ đồng chí xử lý"
    for name in ("Nguyễn Văn An", "Lê Văn Bé", "Phan Thị Cúc"):
        assert name in message.body
    assert message.body.count("Xem: ") == 3


def test_comment_requests_and_returns_are_mailed_but_not_every_step(emails, committed, immediate_tasks):
    cast = emails
    with time_machine.travel(JAN):
        introduce(cast, cast.member, cell=cast.lc_cell_1)
    mail.outbox.clear()
    with committed(), time_machine.travel(datetime.date(2026, 10, 2)):
        request = actions.open_campaign(cast.finance, by=cast.finance_clerk).created[0]
    assert [m.to for m in mail.outbox] == [["bay@longchau.vn"]]
    assert mail.outbox[0].subject == "[Sổ liên hệ 213] Có phiếu xin ý kiến nhận xét cần viết"
    criteria = {c["key"]: "Gương mẫu." for c in request.book.profile.criteria}
    with committed(), time_machine.travel(datetime.date(2026, 10, 20)):
        actions.sign_comment(
            request, by=cast.lc_cell_secretary, criteria=criteria, summary="tot", front_participant="Bà Ba"
        )
    assert len(mail.outbox) == 1  # "to certify" stays in the app
    assert Notification.objects.get(kind=NotificationKind.COMMENT_TO_CERTIFY, recipient=cast.lc_clerk).read_at is None
    with time_machine.travel(datetime.date(2026, 10, 25)):
        actions.certify_comment(request, by=cast.lc_secretary)
    with committed(), time_machine.travel(datetime.date(2026, 11, 1)):
        actions.return_comment(request, by=cast.lc_secretary)
    assert mail.outbox[-1].to == ["mai@stc.vinhlong.gov.vn"]
    assert mail.outbox[-1].subject == "[Sổ liên hệ 213] Nơi cư trú đã gửi lại nhận xét"


def test_with_the_database_queue_the_mail_waits_for_the_worker(emails, committed, worker):
    cast = emails
    with committed(), time_machine.travel(JAN):
        actions.issue_letter(cast.member, by=cast.finance_clerk)
    assert mail.outbox == []
    task = DBTaskResult.objects.get(task_path="notifications.tasks.send_notification_mail")
    worker()
    assert [m.to for m in mail.outbox] == [["hoa@longchau.vn"]]
    assert DBTaskResult.objects.get(pk=task.pk).status == "SUCCESSFUL"


def test_work_done_before_the_worker_ran_is_not_mailed(emails, committed, worker):
    cast = emails
    with committed(), time_machine.travel(JAN):
        letter = actions.issue_letter(cast.member, by=cast.finance_clerk)
    with committed(), time_machine.travel(JAN):
        actions.confirm_letter(letter, cell=cast.lc_cell_1, by=cast.lc_secretary)
    worker()
    assert mail.outbox == []


def test_a_batch_is_mailed_once_however_often_it_is_delivered(emails, committed):
    cast = emails
    with committed(), time_machine.travel(JAN):
        actions.issue_letter(cast.member, by=cast.finance_clerk)
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert deliver(ids) == 1
    assert deliver(ids) == 0
    assert len(mail.outbox) == 1


def test_no_mail_about_an_e2_member_to_the_residence_side(emails, committed):
    cast = emails
    with committed(), time_machine.travel(JAN):
        actions.issue_letter(cast.member, by=cast.finance_clerk)
    Member.objects.filter(pk=cast.member.pk).update(exemption="E2", exemption_reason="Giữ bí mật")
    assert deliver(Notification.objects.values_list("pk", flat=True)) == 0
    assert mail.outbox == []
