"""manage.py open_campaigns: the October campaign of comment requests (mẫu 3-213), for cron."""

import logging
import time

from django.core.management.base import BaseCommand, CommandError

from books import actions, clock
from books.errors import DomainError
from orgs.models import Organisation, OrgKind

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Mở đợt xin ý kiến nhận xét nơi cư trú (mẫu 3-213) cho mọi cấp ủy cơ sở nơi công tác đang hoạt "
        "động, hoặc cho các cấp ủy chỉ định bằng --committee. Chạy lại bao nhiêu lần cũng được: phiếu "
        "đã có không tạo lại. Mỗi cấp ủy chạy trong giao dịch riêng. Cấp ủy bị từ chối theo quy định "
        "(ví dụ chưa đến ngày 01/10) được báo lại và lệnh vẫn kết thúc với mã 0, để cron chạy sớm "
        "không báo động; lệnh trả mã 1 khi tham số sai (cấp ủy không có, không phải cấp ủy nơi công "
        "tác) hoặc khi có lỗi ngoài dự kiến ở một cấp ủy nào đó (các cấp ủy khác vẫn được chạy)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="năm nhận xét (mặc định: năm hiện tại)")
        parser.add_argument(
            "--committee",
            type=int,
            nargs="+",
            dest="committees",
            metavar="ID",
            help="chỉ mở cho các cấp ủy có mã (id) này",
        )
        parser.add_argument(
            "--by-province",
            action="store_true",
            help="cả nước theo từng tỉnh: mỗi tỉnh một giao dịch và vài câu lệnh theo tập hợp (nhanh nhất; "
            "chạy lại sau khi bị ngắt thì hoàn tất phần còn lại, không tạo trùng)",
        )

    def handle(self, *args, year=None, committees=None, by_province=False, **options):
        year = year or clock.today().year
        if by_province:
            if committees:
                raise CommandError("Dùng --committee hoặc --by-province, không dùng cả hai.")
            self._by_province(year)
            return
        if committees:
            found = {c.pk: c for c in Organisation.objects.filter(pk__in=committees)}
            missing = [str(pk) for pk in committees if pk not in found]
            if missing:
                raise CommandError(f"Không có tổ chức đảng mã {', '.join(missing)}.")
            wrong = [c.name for c in found.values() if c.kind != OrgKind.WORKPLACE_COMMITTEE]
            if wrong:
                raise CommandError(f"Không phải cấp ủy cơ sở nơi công tác: {', '.join(wrong)}.")
            targets = [found[pk] for pk in dict.fromkeys(committees)]
        else:
            targets = list(
                Organisation.objects.active(clock.today()).filter(kind=OrgKind.WORKPLACE_COMMITTEE).order_by("name")
            )
        self.stdout.write(f"Đợt xin ý kiến nhận xét năm {year}: {len(targets)} cấp ủy nơi công tác.")
        totals = {"created": 0, "already": 0, "exempt": 0, "no_letter": 0}
        refused: list[str] = []
        failed: list[str] = []
        for committee in targets:
            try:
                result = actions.open_campaign(committee, year=year, by=None)
            except DomainError as exc:
                refused.append(committee.name)
                self.stdout.write(self.style.WARNING(f"  {committee.name}: không mở được — {exc.message}"))
                continue
            except Exception as exc:  # one committee's failure must not stop the others
                logger.exception("open_campaign failed for committee %s", committee.pk)
                failed.append(committee.name)
                self.stderr.write(f"  {committee.name}: lỗi ngoài dự kiến — {exc}")
                continue
            counts = {
                "created": result.created_count,
                "already": result.already,
                "exempt": result.skipped_exempt,
                "no_letter": result.skipped_no_letter,
            }
            for key, value in counts.items():
                totals[key] += value
            self.stdout.write(f"  {committee.name}: {_describe(counts)}")
        self.stdout.write(f"Tổng cộng: {_describe(totals)}.")
        if refused:
            self.stdout.write(f"{len(refused)} cấp ủy không mở được đợt theo quy định (xem ở trên).")
        if failed:
            raise CommandError(f"{len(failed)} cấp ủy gặp lỗi ngoài dự kiến: {', '.join(failed)}.")

    def _by_province(self, year: int) -> None:
        provinces = sorted(
            {
                code
                for code in Organisation.objects.active(clock.today())
                .filter(kind=OrgKind.WORKPLACE_COMMITTEE)
                .values_list("province_code", flat=True)
                if code is not None
            }
        )
        self.stdout.write(f"Đợt xin ý kiến nhận xét năm {year}: {len(provinces)} tỉnh, thành phố.")
        totals = {"created": 0, "already": 0, "exempt": 0, "no_letter": 0}
        failed: list[str] = []
        for code in provinces:
            started = time.perf_counter()
            try:
                results = actions.open_province_campaign(code, year=year, by=None)
            except DomainError as exc:
                self.stdout.write(self.style.WARNING(f"  Tỉnh mã {code}: không mở được — {exc.message}"))
                continue
            except Exception as exc:  # one province's failure must not stop the others
                logger.exception("open_province_campaign failed for province %s", code)
                failed.append(str(code))
                self.stderr.write(f"  Tỉnh mã {code}: lỗi ngoài dự kiến — {exc}")
                continue
            counts = {
                "created": sum(r.created_count for r in results.values()),
                "already": sum(r.already for r in results.values()),
                "exempt": sum(r.skipped_exempt for r in results.values()),
                "no_letter": sum(r.skipped_no_letter for r in results.values()),
            }
            for key, value in counts.items():
                totals[key] += value
            seconds = time.perf_counter() - started
            self.stdout.write(f"  Tỉnh mã {code} ({len(results)} cấp ủy, {seconds:.1f} giây): {_describe(counts)}")
        self.stdout.write(f"Tổng cộng: {_describe(totals)}.")
        if failed:
            raise CommandError(f"{len(failed)} tỉnh gặp lỗi ngoài dự kiến: mã {', '.join(failed)}.")


def _describe(counts: dict[str, int]) -> str:
    return (
        f"tạo {counts['created']} phiếu, đã có {counts['already']}, bỏ qua {counts['exempt']} "
        f"(diện miễn) và {counts['no_letter']} (chưa có giấy giới thiệu)"
    )
