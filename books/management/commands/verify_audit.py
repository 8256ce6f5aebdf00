"""manage.py verify_audit: check the whole event hash chain (docs/audit.md).

Walks every event in chain order, streamed (constant memory), recomputing each hash and each
link, and compares the end with the recorded chain head. Exit code 0 only when the chain is
intact; 1 with the first broken link named (event, position, time, what is wrong).
"""

import sys
import time

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from books import audit


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = (
        "Kiểm tra toàn bộ chuỗi mã băm của nhật ký sự kiện: tính lại mã băm từng sự kiện và từng mối "
        "nối, theo thứ tự chuỗi, rồi so với đầu chuỗi đã ghi nhận. Mã thoát 0 khi chuỗi nguyên vẹn; "
        "1 khi có mắt xích hỏng (báo mắt xích hỏng đầu tiên: sự kiện nào, lúc nào, hỏng thế nào)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="cơ sở dữ liệu (mặc định: default)")
        parser.add_argument("--chunk-size", type=int, default=2000, help="số dòng đọc mỗi lần (mặc định 2000)")

    def handle(self, *args, database, chunk_size, **options):
        started = time.monotonic()
        verdict = audit.verify(using=database, chunk_size=chunk_size)
        seconds = time.monotonic() - started
        checked = f"Đã kiểm tra {_number(verdict.checked)} sự kiện trong {f'{seconds:.2f}'.replace('.', ',')} giây."
        guards = audit.guard_names(database)
        if verdict.broken is not None:
            self.stdout.write(checked)
            self.stderr.write(self.style.ERROR("CHUỖI NHẬT KÝ BỊ HỎNG. " + verdict.broken.describe()))
            sys.exit(1)
        self.stdout.write(checked)
        self.stdout.write(self.style.SUCCESS("Chuỗi nhật ký nguyên vẹn."))
        self.stdout.write(
            f"Đầu chuỗi (ghi lại hoặc công bố để đối chiếu về sau): số thứ tự {verdict.head_seq}, "
            f"mã băm {verdict.head_hash}"
        )
        if not guards:
            self.stderr.write(
                self.style.WARNING(
                    "Cảnh báo: cơ sở dữ liệu không còn trigger chặn sửa/xóa sự kiện (xem docs/audit.md); "
                    "chạy lại migration books 0007 hoặc tạo lại trigger."
                )
            )
