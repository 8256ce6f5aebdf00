"""`manage.py reset_two_factor <username>`: remove a user's phone and recovery codes (one event).

For when nobody who could use the admin action can log in (the only superuser lost their phone).
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import two_factor


class Command(BaseCommand):
    help = "Đặt lại xác thực hai bước của một người dùng (lần đăng nhập sau họ bật lại)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Không có người dùng “{options['username']}”.")
        two_factor.reset(user, by=None)
        self.stdout.write(f"Đã đặt lại xác thực hai bước của {user.get_username()}.")
