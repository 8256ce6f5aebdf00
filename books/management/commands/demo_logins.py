"""manage.py demo_logins: print the demo logins again."""

from django.core.management.base import BaseCommand

from books import demo


class Command(BaseCommand):
    help = "In danh sách tài khoản demo (vai trò, tên đăng nhập, mật khẩu, tổ chức)."

    def handle(self, *args, **options):
        table = demo.login_table() if demo.is_present() else ""
        if not table:
            self.stdout.write("Chưa có dữ liệu demo. Chạy: python manage.py seed_demo")
            return
        self.stdout.write(table)
