"""manage.py generate_dataset --members N: a country's worth of books for the benchmarks (PostgreSQL)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from dataset import generate as engine


class Command(BaseCommand):
    help = (
        "Nạp bộ dữ liệu quy mô quốc gia vào PostgreSQL trống (đã migrate) bằng COPY: 34 tỉnh, 3.321 đảng ủy "
        "xã/phường/đặc khu, khoảng 25.000 chi bộ nơi cư trú, cấp ủy nơi công tác, N đảng viên với sổ, giấy giới "
        "thiệu, sổ theo dõi, phiếu nhận xét 2025 và 2026, sinh hoạt, xếp loại 2025 và chuỗi sự kiện hợp lệ. "
        "Mọi tài khoản có mật khẩu chung 'solienhe-bench'. Xem docs/performance.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, required=True, help="số đảng viên")
        parser.add_argument("--seed", type=int, default=213, help="hạt giống ngẫu nhiên: cùng số, cùng dữ liệu")
        parser.add_argument(
            "--database-url",
            help="postgres://… của cơ sở dữ liệu cần nạp (mặc định: cơ sở dữ liệu của DATABASE_URL / settings)",
        )
        parser.add_argument("--workers", type=int, default=2, help="số tiến trình sinh dữ liệu (mặc định 2)")
        parser.add_argument(
            "--keep-indexes",
            action="store_true",
            help="không bỏ chỉ mục trong lúc nạp (để so sánh; mặc định bỏ rồi tạo lại sau khi nạp)",
        )
        parser.add_argument(
            "--full-history",
            action="store_true",
            help="ghi sự kiện cho mọi bước của năm 2025 (mặc định: năm 2025 nhập từ sổ giấy khi đưa vào dùng "
            "05/01/2026, một sự kiện cho mỗi đảng viên; từ đó mọi thao tác đều có sự kiện)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="cơ sở dữ liệu đã có dữ liệu thì bỏ qua, không báo lỗi (mã 0)",
        )

    def handle(self, *args, members, seed, database_url, workers, keep_indexes, full_history, if_empty, **options):
        if members < 1:
            raise CommandError("--members phải là số dương.")
        started = time.monotonic()
        if database_url:
            import psycopg

            with psycopg.connect(database_url) as conn:
                report = self._run(conn, members, seed, workers, keep_indexes, full_history, if_empty)
                if report is None:
                    return
                t0 = time.monotonic()
                conn.commit()
                report.seconds["COMMIT"] = time.monotonic() - t0
                self._summary(conn, report, time.monotonic() - started)
            self.stdout.write(
                "Số liệu tổng hợp (tallies) chưa đếm: chạy DATABASE_URL=<cơ sở dữ liệu ấy> "
                "manage.py refresh_tallies --all."
            )
            return
        if connection.vendor != "postgresql":
            raise CommandError("generate_dataset chỉ chạy trên PostgreSQL (đặt DATABASE_URL=postgres://…).")
        with transaction.atomic():
            connection.ensure_connection()
            report = self._run(connection.connection, members, seed, workers, keep_indexes, full_history, if_empty)
            if report is not None:
                self._tallies(report)
        if report is not None:
            self._summary(connection.connection, report, time.monotonic() - started)

    def _tallies(self, report):
        """The board's figures of every committee (tallies), set-based: a few grouped queries a province."""
        from tallies.refresh import refresh_all

        t0 = time.monotonic()
        done = refresh_all()
        report.seconds["số liệu tổng hợp (tallies)"] = time.monotonic() - t0
        report.rows["tallies_committeetally"] = done.rows

    def _run(self, conn, members, seed, workers, keep_indexes, full_history, if_empty):
        with conn.cursor() as cur:
            problem = engine.check_empty(cur)
        if problem:
            if if_empty:
                self.stdout.write(f"{problem} Bỏ qua (--if-empty).")
                return None
            raise CommandError(problem)
        count = f"{members:,}".replace(",", ".")
        self.stdout.write(f"Đang sinh {count} đảng viên (hạt giống {seed}, {workers} tiến trình) …")
        try:
            return engine.generate(
                conn,
                members=members,
                seed=seed,
                workers=workers,
                drop_indexes=not keep_indexes,
                full_history=full_history,
                log=self.stdout.write,
            )
        except engine.DatasetError as exc:
            raise CommandError(str(exc)) from None

    def _summary(self, conn, report, elapsed):
        out = self.stdout.write
        out(self.style.SUCCESS(f"Xong trong {elapsed:.1f} giây."))
        out("Thời gian từng bước (giây):")
        for name, seconds in report.seconds.items():
            out(f"  {name:<44} {seconds:8.1f}")
        out("Số dòng:")
        total = 0
        for table, count in sorted(report.rows.items()):
            total += count
            out(f"  {table:<44} {count:>12,}".replace(",", "."))
        out(f"  {'tổng':<44} {total:>12,}".replace(",", "."))
        with conn.cursor() as cur:
            cur.execute("SELECT current_database(), pg_size_pretty(pg_database_size(current_database()))")
            name, size = cur.fetchone()
            out(f"Cơ sở dữ liệu {name}: {size}")
            out(f"\nMột số tài khoản (mật khẩu chung: {engine.PASSWORD}):")
            for label, sql in LOGIN_QUERIES:
                cur.execute(sql)
                row = cur.fetchone()
                if row:
                    out(f"  {label:<40} {row[0]:<22} {row[1]} ({row[2]:,} đảng viên)".replace(",", "."))


# the workplace committee holding the most books, the residence committee with the most register
# rows, and so on: the heaviest pages of each role, for the page benchmarks
LOGIN_QUERIES = (
    (
        "văn phòng cấp ủy nơi công tác lớn nhất",
        "SELECT u.username, o.name, count(*) FROM books_book b JOIN orgs_organisation o ON o.id = b.holder_id "
        "JOIN orgs_roleassignment r ON r.organisation_id = o.id AND r.role = 'clerk' "
        "JOIN accounts_user u ON u.id = r.user_id "
        "GROUP BY u.username, o.name ORDER BY count(*) DESC LIMIT 1",
    ),
    (
        "bí thư cấp ủy nơi công tác lớn nhất",
        "SELECT u.username, o.name, count(*) FROM books_book b JOIN orgs_organisation o ON o.id = b.holder_id "
        "JOIN orgs_roleassignment r ON r.organisation_id = o.id AND r.role = 'secretary' "
        "JOIN accounts_user u ON u.id = r.user_id "
        "GROUP BY u.username, o.name ORDER BY count(*) DESC LIMIT 1",
    ),
    (
        "văn phòng đảng ủy xã/phường lớn nhất",
        "SELECT u.username, o.name, count(*) FROM books_residenceregisterentry e JOIN orgs_organisation o "
        "ON o.id = e.residence_committee_id JOIN orgs_roleassignment r ON r.organisation_id = o.id "
        "AND r.role = 'clerk' "
        "JOIN accounts_user u ON u.id = r.user_id WHERE e.left_on IS NULL GROUP BY u.username, o.name "
        "ORDER BY count(*) DESC LIMIT 1",
    ),
    (
        "bí thư chi bộ nơi cư trú lớn nhất",
        "SELECT u.username, o.name, count(*) FROM books_residenceregisterentry e JOIN orgs_organisation o "
        "ON o.id = e.cell_id JOIN orgs_roleassignment r ON r.organisation_id = o.id AND r.role = 'cell_secretary' "
        "JOIN accounts_user u ON u.id = r.user_id WHERE e.left_on IS NULL GROUP BY u.username, o.name "
        "ORDER BY count(*) DESC LIMIT 1",
    ),
    (
        "cán bộ Ban Tổ chức tỉnh lớn nhất",
        "SELECT u.username, o.name, count(*) FROM books_book b JOIN orgs_organisation w ON w.id = b.holder_id "
        "JOIN orgs_organisation o ON o.kind = 'board' AND o.province_code = w.province_code "
        "JOIN orgs_roleassignment r ON r.organisation_id = o.id JOIN accounts_user u ON u.id = r.user_id "
        "WHERE u.username LIKE '%%.canbo' GROUP BY u.username, o.name ORDER BY count(*) DESC LIMIT 1",
    ),
)
