"""manage.py refresh_tallies: recount the board's figures (nightly from cron, and the first fill)."""

from django.core.management.base import BaseCommand, CommandError

from books import clock
from books.queries import campaign_year
from tallies.refresh import refresh_all


class Command(BaseCommand):
    help = (
        "Đếm lại số liệu tổng hợp theo cấp ủy (bảng theo xã/phường, theo nơi công tác và trang chủ của "
        "Ban Tổ chức) của năm nhận xét hiện tại: --province N cho một tỉnh (lặp lại được), --all cho cả "
        "nước. Mỗi tỉnh một giao dịch. Chạy hằng đêm (cron) và một lần sau khi cài đặt hoặc nạp dữ liệu."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", type=int, action="append", default=[], help="mã tỉnh (lặp lại được)")
        parser.add_argument("--all", action="store_true", help="mọi tỉnh")
        parser.add_argument("--year", type=int, help="năm nhận xét (mặc định: năm của đợt nhận xét hiện tại)")

    def handle(self, *args, province, all, year, **options):
        if not province and not all:
            raise CommandError("Hãy chọn --province N (một hoặc nhiều tỉnh) hoặc --all (cả nước).")
        if province and all:
            raise CommandError("Chọn --province hoặc --all, không chọn cả hai.")
        year = year or campaign_year(clock.today())
        log = self.stdout.write if options["verbosity"] >= 2 else None
        done = refresh_all(year, provinces=None if all else province, log=log)
        committees = f"{done.committees:,}".replace(",", ".")
        rows = f"{done.rows:,}".replace(",", ".")
        seconds = f"{done.seconds:.1f}".replace(".", ",")
        self.stdout.write(f"Đã đếm lại số liệu năm {year} của {committees} cấp ủy ({rows} dòng) trong {seconds} giây.")
