"""manage.py expire_imports: delete the checked rows of member imports left unconfirmed (spreadsheets.service)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from spreadsheets.service import expire_stale


class Command(BaseCommand):
    help = (
        "Xóa dữ liệu đã kiểm tra của các lần nhập đảng viên từ Excel chưa được xác nhận nhập sau "
        "IMPORT_KEEP_DAYS ngày (mỗi lần tải tệp lên cũng làm việc này)."
    )

    def handle(self, *args, **options):
        count = expire_stale()
        self.stdout.write(f"Đã hết hạn {count} lần nhập (quá {settings.IMPORT_KEEP_DAYS} ngày chưa nhập).")
