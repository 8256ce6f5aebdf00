"""Benchmark of the member import: a generated N-row .xlsx (default 100,000), read three ways.

    .venv/bin/python bench/import_members.py [--rows 100000] [--skip-import]

1. openpyxl read-only, iterating every row once (the floor: reading alone);
2. our check (spreadsheets.checker.check_file: every cell validated, lookups, duplicates, DB);
3. our check + import (import_file: a second streaming pass, register_members per chunk of 1,000
   rows, one transaction) on a throwaway SQLite database.
Each phase runs in its own process, so the peak memory printed (ru_maxrss) is that phase's own.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def generate(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    from spreadsheets.columns import COLUMNS, DATA_SHEET

    def national_id_for(sex: str, birth: datetime.date, serial: int) -> str:
        century = (birth.year // 100 - 19) * 2 + (1 if sex == "F" else 0)
        return f"086{century}{birth.year % 100:02d}{serial % 1_000_000:06d}"

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(DATA_SHEET)
    sheet.append([c.header for c in COLUMNS])
    for n in range(1, rows + 1):
        female = n % 2 == 1
        birth = datetime.datetime(1960 + n % 40, 1 + n % 12, 1 + n % 28)
        sheet.append(
            [
                n,
                f"Nguyễn Thị Thử {n}",
                "Nữ" if female else "Nam",
                birth,
                national_id_for("F" if female else "M", birth.date(), n),
                str(10_000_000 + n),
                datetime.datetime(birth.year + 25, 5, 19) if n % 3 else f"19/05/{birth.year + 25}",
                None,
                "Chi bộ Phòng Ngân sách",
                "Chuyên viên",
                "long chau" if n % 4 else "29551",
                f"Số {n}, đường Phạm Thái Bường",
                "Thường trú",
                "",
                "",
            ]
        )
    workbook.save(path)


def setup_django(db: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["IMPORT_MAX_ROWS"] = "1000000"
    os.environ["IMPORT_MAX_BYTES"] = str(500 * 1000 * 1000)
    import django

    django.setup()


def prepare_db(db: Path) -> None:
    setup_django(db)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from books.models import RegulationProfile, Term
    from books.profiles import ensure_default_profile_and_term
    from orgs.models import Organisation, OrgKind, Role, RoleAssignment

    call_command("migrate", verbosity=0)
    ensure_default_profile_and_term(RegulationProfile, Term)
    committee = Organisation.objects.create(
        kind=OrgKind.WORKPLACE_COMMITTEE, name="Đảng ủy Sở Tài chính", province_code=86
    )
    Organisation.objects.create(
        kind=OrgKind.WORKPLACE_CELL, name="Chi bộ Phòng Ngân sách", parent=committee, province_code=86
    )
    clerk = get_user_model().objects.create_user(username="bench", password="x", full_name="Văn Thư")
    RoleAssignment.objects.create(
        user=clerk, organisation=committee, role=Role.CLERK, valid_from=datetime.date(2020, 1, 1)
    )


def phase(name: str, path: Path, db: Path) -> dict[str, object]:
    started = time.perf_counter()
    result: dict[str, object] = {"phase": name}
    if name == "read":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True)
        count = sum(1 for _ in workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
        workbook.close()
        result["rows"] = count
    else:
        setup_django(db)
        from django.contrib.auth import get_user_model

        from orgs.models import Organisation
        from spreadsheets.checker import check_file, import_file

        committee = Organisation.objects.get(name="Đảng ủy Sở Tài chính")
        outcome = check_file(path, committee)
        result.update(rows=outcome.rows_total, errors=outcome.error_count, notes=outcome.note_count)
        result["check_seconds"] = round(time.perf_counter() - started, 1)
        if name == "import" and not outcome.error_count:
            result["imported"] = import_file(path, committee, by=get_user_model().objects.get(username="bench"))
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        if args.phase == "prepare":
            prepare_db(Path(args.db))
            return
        print(json.dumps(phase(args.phase, Path(args.file), Path(args.db))))
        return
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        path, db = Path(folder) / "members.xlsx", Path(folder) / "bench.sqlite3"
        started = time.perf_counter()
        setup_generate = [sys.executable, __file__, "--phase", "prepare", "--db", str(db)]
        generate(path, args.rows)
        print(
            f"generated {args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s"
        )
        subprocess.run(setup_generate, check=True, cwd=ROOT)
        phases = ["read", "check"] + ([] if args.skip_import else ["import"])
        for name in phases:
            out = (
                subprocess.run(
                    [sys.executable, __file__, "--phase", name, "--file", str(path), "--db", str(db)],
                    check=True,
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            print(out)


if __name__ == "__main__":
    main()
