"""manage.py create_api_token <username> [--name NAME]: make an API key and print it once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.models import ApiToken


class Command(BaseCommand):
    help = "Tạo khóa API cho một người dùng và in khóa ra (chỉ một lần; hệ thống chỉ lưu mã băm)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="Tên đăng nhập của người dùng.")
        parser.add_argument("--name", default="Khóa tạo bằng lệnh", help="Tên gợi nhớ của khóa.")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Không có người dùng “{options['username']}”.")
        if not user.is_active:
            raise CommandError(f"Người dùng “{user.username}” đã bị khóa: khóa API sẽ không dùng được.")
        token, secret = ApiToken.issue(user, options["name"])
        self.stderr.write(
            f"Đã tạo khóa “{token.name}” cho {user.get_full_name()} ({user.username}). Hãy cất khóa ngay:"
        )
        self.stdout.write(secret)
