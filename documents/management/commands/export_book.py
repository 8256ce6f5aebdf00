"""manage.py export_book --card <party-card number> [--term 2025-2030] -o FILE.pdf

The whole book of a member for a term (cover, letters, the comments of each year, the history),
for archiving. Run by the server's operator: it reads the book directly, not through a user's scope.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from books.models import Book, Term
from documents.views import BOOK_ROWS, book_pdf_bytes
from members.models import Member


class Command(BaseCommand):
    help = "Xuất cả sổ liên hệ của một đảng viên trong một nhiệm kỳ ra tệp PDF để lưu trữ."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--card", required=True, help="số thẻ đảng viên")
        parser.add_argument("--term", default="", help="nhiệm kỳ, ví dụ 2025-2030 (mặc định: nhiệm kỳ mới nhất của sổ)")
        parser.add_argument("-o", "--output", required=True, help="tệp PDF ghi ra")

    def handle(self, *args: Any, **options: Any) -> None:
        card = options["card"].strip()
        member = Member.objects.filter(party_card_number=card).first()
        if member is None:
            raise CommandError(f"Không có đảng viên nào mang số thẻ {card}.")
        books = Book.objects.filter(member=member).select_related(*BOOK_ROWS).order_by("-term__start_year")
        if options["term"]:
            found = re.fullmatch(r"\s*(\d{4})\s*[-–]\s*(\d{4})\s*", options["term"])
            if found is None:
                raise CommandError(f"Nhiệm kỳ “{options['term']}” không đúng dạng 2025-2030.")
            start, end = int(found.group(1)), int(found.group(2))
            if not Term.objects.filter(start_year=start, end_year=end).exists():
                raise CommandError(f"Không có nhiệm kỳ {start}-{end}.")
            books = books.filter(term__start_year=start, term__end_year=end)
        book = books.first()
        if book is None:
            wanted = f" nhiệm kỳ {options['term']}" if options["term"] else ""
            raise CommandError(f"Đảng viên {member.full_name} (thẻ {card}) không có sổ liên hệ{wanted}.")
        data = book_pdf_bytes(book, None)
        output = Path(options["output"])
        try:
            output.write_bytes(data)
        except OSError as error:
            raise CommandError(f"Không ghi được tệp {output}: {error.strerror}.") from None
        term = book.term
        self.stdout.write(
            f"Đã ghi sổ liên hệ nhiệm kỳ {term.start_year}-{term.end_year} của {member.full_name} "
            f"vào {output} ({len(data) // 1024} KB)."
        )
