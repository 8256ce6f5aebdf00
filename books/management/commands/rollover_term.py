"""manage.py rollover_term: close the current term and open the next one."""

import sys

from django.core.management.base import BaseCommand, CommandError

from books import actions, clock
from books.errors import DomainError
from books.models import Book, BookStatus, Term


class Command(BaseCommand):
    help = (
        "Kết thúc nhiệm kỳ đang thực hiện và mở nhiệm kỳ mới: đóng mọi sổ liên hệ đang dùng, mở sổ "
        "mới cho đảng viên đang công tác, chuyển sang sổ mới các giấy giới thiệu còn hiệu lực và các "
        "phiếu nhận xét đang làm. Chỉ chạy được từ năm kết thúc nhiệm kỳ. Khi không chạy tương tác "
        "(cron), phải thêm --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--yes", action="store_true", help="không hỏi lại")

    def handle(self, *args, yes=False, **options):
        term = Term.current()
        if term is None:
            raise CommandError("Chưa có nhiệm kỳ nào đang thực hiện.")
        today = clock.today()
        if today.year < term.end_year:
            raise CommandError(
                f"Nhiệm kỳ {term.start_year}–{term.end_year} chưa đến năm kết thúc ({term.end_year}); "
                f"hôm nay {today:%d/%m/%Y} chưa kết thúc được."
            )
        open_books = Book.objects.filter(term=term, status=BookStatus.OPEN).count()
        self.stdout.write(f"Kết thúc {term}: {open_books} sổ liên hệ đang dùng sẽ được đóng.")
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("Không chạy tương tác: thêm --yes để xác nhận.")
            answer = input("Gõ 'đồng ý' để tiếp tục: ").strip().lower()
            if answer not in {"đồng ý", "dong y", "có", "co", "yes", "y"}:
                raise CommandError("Đã hủy, không thay đổi gì.")
        try:
            result = actions.rollover_term(by=None)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã kết thúc nhiệm kỳ {result.closed_term.start_year}–{result.closed_term.end_year} và mở "
                f"nhiệm kỳ {result.new_term.start_year}–{result.new_term.end_year}."
            )
        )
        self.stdout.write(f"  Sổ đã đóng: {open_books}")
        self.stdout.write(f"  Sổ mới mở (đảng viên đang công tác): {result.books_opened}")
        self.stdout.write(f"  Giấy giới thiệu chuyển sang sổ mới: {result.letters_carried}")
        self.stdout.write(f"  Phiếu nhận xét đang làm chuyển theo: {result.comments_moved}")
