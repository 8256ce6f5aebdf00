"""Benchmark of the member import: a generated N-row .xlsx (default 100,000), three phases.

    .venv/bin/python bench/import_members.py [--rows 100000] [--skip-import] [--profile DIR]
        [--database-url URL]

1. read: openpyxl read-only, iterating every row once (the floor: reading alone);
2. check: our check (spreadsheets.checker.check_file: every cell validated, lookups, duplicates,
   the database), writing the checked rows as the upload → preview step does (CheckedRows);
3. import: what the user waits for after the preview (import_checked: the kept rows read back,
   re-checked, register_members per chunk, one transaction), on a throwaway SQLite database, or
   with --database-url on a PostgreSQL database (prepared once; the import is rolled back).
Each phase runs in its own process, so the peak memory printed (ru_maxrss) is that phase's own;
the file is read again at the end (the load may have moved: the ratios use the mean of the two
reads, and a warning says when they differ by more than 15 %); the last lines give import /
read and (check + import) / read. With --profile DIR each phase
runs under cProfile, writes DIR/<phase>.prof and prints its 25 most expensive functions.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import json
import os
import pstats
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
    # --database-url (PostgreSQL) or the throwaway SQLite file; run as in production: DEBUG off
    # (DEBUG keeps every query and quotes its parameters on SQLite: seconds on 100,000 rows)
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{db}"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-import-members-only-never-in-production")
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
    if get_user_model().objects.filter(username="bench").exists():  # a PostgreSQL database prepared before
        return
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
    """Run one phase; `seconds` is the phase itself, `startup` Django's setup before it (a web or
    task worker has done it long before the user clicks)."""
    started = time.perf_counter()
    result: dict[str, object] = {"phase": name}
    kept = path.with_suffix(".rows.jsonl")
    if name == "read":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True)
        count = sum(1 for _ in workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
        workbook.close()
        result["rows"] = count
    else:
        setup_django(db)
        from django.contrib.auth import get_user_model
        from django.db import connection, transaction

        from orgs.models import Organisation
        from spreadsheets.checker import check_file, import_checked

        committee = Organisation.objects.get(name="Đảng ủy Sở Tài chính")
        by = get_user_model().objects.get(username="bench")
        result["startup"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        if name == "check":
            outcome = check_file(path, committee, keep=kept)
            result.update(rows=outcome.rows_total, errors=outcome.error_count, notes=outcome.note_count)
            kept.with_suffix(".sha256").write_text(outcome.digest)
            result["kept_mb"] = round(kept.stat().st_size / 1e6, 1) if outcome.digest else 0
        elif connection.vendor == "postgresql":
            # a database of the benchmark cluster stays as it was: the import is rolled back,
            # after its last statement (COPY, the chain's head) and before the time is taken
            with transaction.atomic():
                result["imported"] = import_checked(kept, kept.with_suffix(".sha256").read_text(), committee, by=by)
                result["seconds"] = round(time.perf_counter() - started, 1)
                transaction.set_rollback(True)
            result["rolled_back"] = True
        else:
            result["imported"] = import_checked(kept, kept.with_suffix(".sha256").read_text(), committee, by=by)
    result.setdefault("seconds", round(time.perf_counter() - started, 1))
    result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB
    return result


def profiled(name: str, path: Path, db: Path, folder: Path) -> dict[str, object]:
    profile = cProfile.Profile()
    result = profile.runcall(phase, name, path, db)
    profile.dump_stats(folder / f"{name}.prof")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(25)
    print(out.getvalue(), file=sys.stderr)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--profile", type=Path, help="write DIR/<phase>.prof (cProfile) and print the top functions")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL database instead of a throwaway SQLite file, e.g. $(bench/pg.sh url solienhe_import); "
        "prepared once (a committee, a cell, a clerk), every import rolled back",
    )
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.database_url:
        os.environ["BENCH_DATABASE_URL"] = args.database_url  # inherited by the phases' processes
    if args.phase:
        if args.phase == "prepare":
            prepare_db(Path(args.db))
            return
        if args.profile:
            result = profiled(args.phase, Path(args.file), Path(args.db), args.profile)
        else:
            result = phase(args.phase, Path(args.file), Path(args.db))
        print(json.dumps(result))
        return
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        path, db = Path(folder) / "members.xlsx", Path(folder) / "bench.sqlite3"
        started = time.perf_counter()
        setup_generate = [sys.executable, __file__, "--phase", "prepare", "--db", str(db)]
        generate(path, args.rows)
        print(
            f"generated {args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s"
        )
        subprocess.run(setup_generate, check=True, cwd=ROOT)
        # the reading again at the end: on a shared machine the load moves, and a ratio is only
        # worth something when both reads agree
        phases = ["read", "check"] + ([] if args.skip_import else ["import"]) + ["read"]
        results: dict[str, dict[str, object]] = {}
        reads: list[float] = []
        for name in phases:
            command = [sys.executable, __file__, "--phase", name, "--file", str(path), "--db", str(db)]
            if args.profile:
                command += ["--profile", str(args.profile)]
            done = subprocess.run(command, check=True, cwd=ROOT, capture_output=True, text=True)
            if args.profile:
                print(done.stderr)
            out = done.stdout.strip().splitlines()[-1]
            results[name] = json.loads(out)
            if name == "read":
                reads.append(float(results[name]["seconds"]))  # type: ignore[arg-type]
            print(out)
        read = sum(reads) / len(reads)
        print(f"read: {' s, '.join(f'{r:.1f}' for r in reads)} s (mean {read:.1f} s; the ratios use the mean)")
        if max(reads) > 1.15 * min(reads):
            print("the two reads differ by more than 15 %: the load moved during the run, measure again")
        check = float(results["check"]["seconds"])  # type: ignore[arg-type]
        print(f"check / read: {check / read:.2f}x")
        if "import" in results:
            imported = float(results["import"]["seconds"])  # type: ignore[arg-type]
            print(f"import (after the preview) / read: {imported / read:.2f}x (goal <= 2x)")
            print(f"check + import / read: {(check + imported) / read:.2f}x")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
