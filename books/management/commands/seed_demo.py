"""manage.py seed_demo: load the demo province (merged Vĩnh Long) and print the demo logins."""

import time

from django.core.management.base import BaseCommand, CommandError

from books import demo
from orgs.models import Organisation


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu demo: tỉnh Vĩnh Long (sau sắp xếp) với 124 đảng ủy xã/phường, khoảng 30 cấp ủy "
        "nơi công tác và N đảng viên; năm trước đã xong, năm nay dừng ở hôm nay (giữa đợt nhận xét). "
        "Mọi thay đổi đi qua các thao tác nghiệp vụ (books.actions), trong một giao dịch. In số liệu "
        "và danh sách tài khoản demo. Chạy lại không tạo trùng: khi dữ liệu demo đã có, lệnh chỉ báo "
        "và in tài khoản. Cơ sở dữ liệu đã có tổ chức đảng khác thì lệnh từ chối (mã 1), trừ khi có "
        "--if-empty (bỏ qua, mã 0)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=2000, help="số đảng viên (mặc định 2000)")
        parser.add_argument("--seed", type=int, default=213, help="hạt giống ngẫu nhiên: cùng số, cùng dữ liệu")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="chỉ nạp khi chưa có tổ chức đảng nào, không báo lỗi nếu đã có (dùng trong make run)",
        )

    def handle(self, *args, members, seed, if_empty, **options):
        verbose = options["verbosity"] >= 2
        if demo.is_present():
            self.stdout.write("Dữ liệu demo đã có sẵn, không tạo thêm.")
            self._print_logins()
            return
        if Organisation.objects.exists():
            if if_empty:
                self.stdout.write(
                    "Cơ sở dữ liệu đã có tổ chức đảng (không phải dữ liệu demo): bỏ qua nạp dữ liệu demo."
                )
                return
            raise CommandError(
                "Cơ sở dữ liệu đã có tổ chức đảng không thuộc dữ liệu demo; seed_demo chỉ nạp vào cơ sở dữ liệu trống."
            )
        self.stdout.write(f"Đang nạp dữ liệu demo ({members} đảng viên) …")
        started = time.monotonic()
        try:
            seeder = demo.seed(members=members, seed=seed, log=self.stdout.write if verbose else None)
        except demo.DemoError as exc:
            raise CommandError(str(exc)) from None
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nạp dữ liệu demo trong {elapsed:.1f} giây: năm {seeder.P} đã xong, năm {seeder.Y} "
                f"dừng ở ngày {seeder.today:%d/%m/%Y}."
            )
        )
        figures = demo.figures()
        width = max(len(label) for label, _ in figures)
        for label, value in figures:
            self.stdout.write(f"  {label.ljust(width)}  {value:>7,}".replace(",", "."))
        self._print_logins()

    def _print_logins(self):
        table = demo.login_table()
        if table:
            self.stdout.write("\nTài khoản demo (mật khẩu chung):\n" + table)
        else:
            self.stdout.write("Chưa có tài khoản demo nào.")
