"""manage.py send_reminders: queue the day's deadline reminders (cron or a systemd timer calls it)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from books import clock
from notifications import reminders
from notifications.tasks import run_reminders


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Ngày không hợp lệ: {value} (viết theo dạng YYYY-MM-DD, ví dụ 2026-10-24).") from None


class Command(BaseCommand):
    help = (
        "Xếp vào hàng đợi tác vụ nhắc hạn của một ngày (mặc định hôm nay): nhắc trước các hạn của bộ quy "
        "định (gửi giấy giới thiệu, chi bộ nhận xét, gửi lại nhận xét, xếp loại), báo quá hạn cho người "
        "còn việc và báo Ban Tổ chức Tỉnh ủy. `manage.py db_worker` chạy tác vụ. Chạy lại trong ngày "
        "không gửi trùng. --now chạy ngay trong lệnh này, không qua hàng đợi."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=str, help="ngày nhắc, dạng YYYY-MM-DD (mặc định: hôm nay)")
        parser.add_argument("--now", action="store_true", help="chạy ngay, không qua hàng đợi tác vụ")

    def handle(self, *args, date=None, now=False, **options):
        on = _date(date) if date else clock.today()
        if now:
            result = reminders.run(on)
            self.stdout.write(
                f"Nhắc hạn ngày {on:%d/%m/%Y}: {result.reminders} nhắc trước hạn, {result.overdue} báo quá hạn, "
                f"{result.escalations} báo Ban Tổ chức, {result.emails} thư; {result.already_sent} đã gửi từ trước."
            )
            return
        queued = run_reminders.enqueue(on.isoformat())
        self.stdout.write(f"Đã xếp tác vụ nhắc hạn ngày {on:%d/%m/%Y} vào hàng đợi (mã {queued.id}).")
