"""manage.py send_reminders: cron queues the day's reminders; the task worker sends them."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from books import actions
from notifications.models import Notification, NotificationKind
from tests.cast import introduce


@pytest.fixture
def requested(cast):
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, cast.member, cell=cast.lc_cell_1)
    with time_machine.travel(datetime.date(2026, 10, 2)):
        actions.open_campaign(cast.finance, by=cast.finance_clerk)
    cast.lc_cell_secretary.email = "bay@longchau.vn"
    cast.lc_cell_secretary.save()
    return cast


def command(*args):
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_it_queues_the_days_run_and_the_worker_sends_it(requested, worker):
    output = command("--date", "2026-10-24")
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.args_kwargs["args"]) == ("notifications.tasks.run_reminders", ["2026-10-24"])
    assert "Đã xếp tác vụ nhắc hạn ngày 24/10/2026 vào hàng đợi" in output
    assert not Notification.objects.exists() and mail.outbox == []
    worker()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert Notification.objects.filter(kind=NotificationKind.REMINDER, recipient=requested.lc_cell_secretary).exists()
    assert [m.to for m in mail.outbox] == [["bay@longchau.vn"]]
    assert mail.outbox[0].subject.startswith("[Sổ liên hệ 213] Nhắc hạn: 1 phiếu xin ý kiến chưa ký nhận xét")


def test_without_a_date_it_is_today(requested):
    with time_machine.travel(datetime.datetime(2026, 10, 30, 6, 15)):
        assert "ngày 30/10/2026" in command()
    assert DBTaskResult.objects.get().args_kwargs["args"] == ["2026-10-30"]


def test_now_runs_at_once_and_a_second_run_sends_nothing(requested):
    first = command("--date", "2026-10-24", "--now")
    assert "Nhắc hạn ngày 24/10/2026: 1 nhắc trước hạn, 0 báo quá hạn, 0 báo Ban Tổ chức, 1 thư" in first
    second = command("--date", "2026-10-24", "--now")
    assert "0 nhắc trước hạn" in second and "1 đã gửi từ trước" in second
    assert len(mail.outbox) == 1
    assert not DBTaskResult.objects.exists()


def test_a_wrong_date_is_refused_in_vietnamese(db):
    with pytest.raises(CommandError, match="Ngày không hợp lệ: 24/10/2026"):
        command("--date", "24/10/2026")
