from django.core.management.base import BaseCommand

from orgs.models import AdministrativeUnit, UnitSuccession
from orgs.units import load_units


class Command(BaseCommand):
    help = (
        "Nạp các đơn vị hành chính còn thiếu (34 tỉnh, 3.321 xã/phường/đặc khu, đơn vị trước 2025 và "
        "quan hệ kế thừa) từ gói vietnam-provinces đã ghim phiên bản. Chạy lại không tạo trùng."
    )

    def handle(self, *args, **options):
        counts = load_units(AdministrativeUnit, UnitSuccession)
        for key, value in sorted(counts.items()):
            self.stdout.write(f"{key}: {value:,}".replace(",", "."))
