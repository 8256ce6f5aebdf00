"""manage.py restore FILE: put a backup made by `manage.py backup` back (books/backup.py)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from books.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Khôi phục cơ sở dữ liệu từ tệp do manage.py backup tạo ra, THAY THẾ toàn bộ dữ liệu hiện có. "
        "SQLite: chép lại bằng API sao lưu; PostgreSQL: pg_restore --clean --if-exists trong một giao "
        "dịch (lỗi thì không thay đổi gì). Nên dừng ứng dụng trong lúc khôi phục, rồi chạy "
        "manage.py verify_audit."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="tệp sao lưu")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="cơ sở dữ liệu (mặc định: default)")

    def handle(self, *args, file, database, **options):
        started = time.monotonic()
        try:
            restore(file, database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Đã khôi phục từ {file} ({time.monotonic() - started:.1f} giây).")
        self.stdout.write("Nên chạy manage.py verify_audit để kiểm tra chuỗi nhật ký sau khi khôi phục.")
