"""manage.py backup -o FILE: a consistent copy of the whole database (books/backup.py)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from books.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Sao lưu toàn bộ cơ sở dữ liệu vào một tệp: SQLite bằng API sao lưu trực tuyến (ứng dụng vẫn "
        "chạy), PostgreSQL bằng pg_dump -Fc. Tệp tải lên (bản quét) nằm ở MEDIA_ROOT: sao chép riêng."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, type=Path, help="tệp sao lưu sẽ ghi")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="cơ sở dữ liệu (mặc định: default)")

    def handle(self, *args, output, database, **options):
        started = time.monotonic()
        try:
            backup(output, database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = output.stat().st_size
        self.stdout.write(
            f"Đã sao lưu vào {output} ({size:,} byte, {time.monotonic() - started:.1f} giây).".replace(",", ".")
        )
