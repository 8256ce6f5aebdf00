"""How long the printed documents take on the demo data. Figures are printed, not asserted.

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python bench/documents.py [--workers 2]

Measures one letter 1-213, one whole book, a batch of 100 letters in one PDF, and 1,000 letters
(ten PDFs of 100) spread over the cores with multiprocessing. Printing gives each letter its
verification code, as the screens do: the codes are made first, in the parent process, so the
workers only read.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def setup() -> None:
    import django

    django.setup()


def render_letters(ids: list[int]) -> tuple[int, int, float]:
    """One PDF of these letters: (letters, bytes, seconds)."""
    setup()
    from books.models import IntroductionLetter
    from documents import content, pdf

    start = time.perf_counter()
    letters = list(content.letter_rows(IntroductionLetter.objects.filter(pk__in=ids)).order_by("pk"))
    data = pdf.render_pdf("documents/letters.html", {"docs": content.letter_docs(letters), "title": "bench"})
    return len(letters), len(data), time.perf_counter() - start


def timed(label: str, work) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    size = ", " + f"{len(result) // 1024:,} KB".replace(",", ".") if isinstance(result, bytes) and result else ""
    print(f"{label:<46} {seconds:7.2f} s{size}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--skip-thousand", action="store_true")
    args = parser.parse_args()
    setup()
    from books.models import Book, IntroductionLetter, LetterStatus
    from documents import content, pdf, views
    from documents.verification import codes_for

    sent = IntroductionLetter.objects.exclude(status=LetterStatus.DRAFT).order_by("pk")
    ids = list(sent.values_list("pk", flat=True)[:1000])
    if len(ids) < 100:
        sys.exit("Cần dữ liệu mẫu có ít nhất 100 giấy giới thiệu (manage.py seed_demo).")
    codes_for(list(sent.filter(pk__in=ids)))  # the codes exist before the timing, as after a first print
    print(f"Dữ liệu: {sent.count():,} giấy giới thiệu đã ký; đo trên {len(ids):,} giấy.".replace(",", "."))

    timed("Khởi động WeasyPrint (lần đầu, một giấy)", lambda: render_letters(ids[:1]) and b"")
    timed(
        "Một giấy giới thiệu (mẫu 1-213)",
        lambda: pdf.render_pdf(
            "documents/letters.html",
            {"docs": content.letter_docs(list(content.letter_rows(sent.filter(pk=ids[1])))), "title": "bench"},
        ),
    )
    book = (
        Book.objects.filter(comments__status="acknowledged").select_related(*views.BOOK_ROWS).order_by("pk").first()
        or Book.objects.select_related(*views.BOOK_ROWS).order_by("pk").first()
    )
    assert book is not None
    timed(f"Cả sổ liên hệ ({book.member.full_name})", lambda: views.book_pdf_bytes(book, None))
    timed(
        "100 giấy giới thiệu trong một tệp PDF",
        lambda: pdf.render_pdf(
            "documents/letters.html",
            {"docs": content.letter_docs(list(content.letter_rows(sent.filter(pk__in=ids[:100])))), "title": "bench"},
        ),
    )
    if args.skip_thousand or len(ids) < 1000:
        return
    chunks = [ids[i : i + 100] for i in range(0, 1000, 100)]
    start = time.perf_counter()
    with get_context("spawn").Pool(args.workers) as pool:
        done = pool.map(render_letters, chunks)
    seconds = time.perf_counter() - start
    pages = sum(n for n, _, _ in done)
    slowest = max(s for _, _, s in done)
    print(
        f"{pages:,} giấy (10 tệp × 100) trên {args.workers} nhân".replace(",", ".").ljust(46)
        + f" {seconds:7.2f} s (tệp chậm nhất {slowest:.1f} s)"
    )
    from documents import batch

    docs = content.letter_docs(list(content.letter_rows(sent.filter(pk__in=ids)).order_by("pk")))
    timed(
        f"1.000 giấy trong MỘT tệp (documents.batch, {args.workers} tiến trình)",
        lambda: batch.render_parallel("documents/letters.html", docs, {"title": "bench"}, workers=args.workers),
    )


if __name__ == "__main__":
    main()
