"""Page performance: the main pages over HTTP under gunicorn, 20 concurrent clients, and the
stock Django admin changelist of the same members as the baseline (issue 6, docs/performance.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:55432/bench_10k .venv/bin/python bench/pages.py \
        --label 10k --out /tmp/pages-10k.json
    .venv/bin/python bench/pages.py --compare /tmp/pages-10k.json /tmp/pages-2500k.json

What it does, in order:
1. setup (in this process, on DATABASE_URL): picks the workplace committee holding the most
   members, the residence committee with the most registered members and the board of the
   workplace committee's province (or takes --workplace/--residence/--board ids), and makes (or
   resets) four logins: bench_wp (clerk of the workplace committee), bench_res (clerk of the
   residence committee), bench_board (board officer) and bench_admin (superuser, for the
   baseline), plus an API key for bench_wp. Nothing else in the database is changed, except the
   rows the pages themselves write (the member page logs who viewed whom).
2. queries per page: each page through Django's test client in this process with
   CaptureQueriesContext (second call, so that one-off caches are warm).
3. gunicorn (sync workers, DEBUG=false, a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1,
   OTP_REQUIRED_FOR_STAFF=false, plain http) with DJANGO_SETTINGS_MODULE=bench.settings_admin:
   the application's own URLs plus /bench-admin/ (bench/urls_admin.py).
4. load: --clients threads (20), each with its own requests.Session per login (logged in once
   through the real login form: django-axes counts only failures), pull the requests from one
   shuffled queue (--requests per page), wait --think seconds between two of their requests, and
   time each response (status must be 200 and not the login form). Phase "pages": our pages
   mixed. Phase "baseline": our member list alone, then the admin changelist alone, same clients.
   The RSS of every gunicorn worker is sampled every 0.5 s (ps).
5. prints one table per phase (p50, p95, max in ms, queries) and the RSS; --out writes JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-pages-Mat-khau-2026"  # noqa: S105  (bench logins on a bench database only)
API_KEY_NAME = "bench/pages.py"
LOGINS = ("bench_wp", "bench_res", "bench_cell", "bench_board", "bench_admin")
DEEP = 20  # "page 20": the member list and the register followed by "Trang sau" 19 times


def bench_environment(port: int, workdir: Path) -> dict[str, str]:
    """The settings of a production-like run on plain http on 127.0.0.1 (each one of config/settings.py)."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings_admin",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_COOKIES": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "TRUSTED_PROXY_COUNT": "0",
        "OTP_REQUIRED_FOR_STAFF": "false",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


# --------------------------------------------------------------------------- setup (in-process)


@dataclass
class Setup:
    workplace: int
    workplace_name: str
    workplace_members: int
    residence: int
    residence_name: str
    residence_registered: int
    cell: int
    cell_name: str
    board_residence: int | None
    board: int | None
    board_name: str
    member_ids: list[int]
    api_key: str
    members_total: int
    deep: dict[str, str] = field(default_factory=dict)  # page name → URL of page DEEP (keyset)


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def choose_and_make_logins(args: argparse.Namespace) -> Setup:
    import datetime

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.db.models import Count, F, Func, Q, QuerySet

    from accounts.models import ApiToken
    from books.models import Book, BookStatus, ResidenceRegisterEntry
    from members.models import Member
    from orgs.models import Organisation, OrgKind, Role, RoleAssignment

    def biggest_or_sized(grouped: QuerySet[Any], size: str | None) -> Any:
        """The group with the most rows, or (--…-size) the one whose count is nearest to `size`
        (a number, or "median": the median of the groups' counts)."""
        grouped = grouped.annotate(n=Count("pk"))
        if size is None:
            return grouped.order_by("-n").first()
        if size == "median":
            counts = sorted(row["n"] for row in grouped)
            wanted = counts[len(counts) // 2] if counts else 0
        else:
            wanted = int(size)
        return grouped.annotate(off=Func(F("n") - wanted, function="ABS")).order_by("off", "-n").first()

    if args.workplace:
        workplace = Organisation.objects.get(pk=args.workplace)
    else:
        top = biggest_or_sized(Book.objects.filter(status=BookStatus.OPEN).values("holder"), args.workplace_size)
        if top is None:
            raise SystemExit("bench/pages.py: no open book in this database (run seed_demo or generate_dataset)")
        workplace = Organisation.objects.get(pk=top["holder"])
    if args.residence:
        residence = Organisation.objects.get(pk=args.residence)
    else:
        top = biggest_or_sized(
            ResidenceRegisterEntry.objects.filter(left_on__isnull=True).values("residence_committee"),
            args.residence_size,
        )
        if top is None:
            raise SystemExit("bench/pages.py: nobody registered at a residence committee in this database")
        residence = Organisation.objects.get(pk=top["residence_committee"])
    board = (
        Organisation.objects.get(pk=args.board)
        if args.board
        else Organisation.objects.filter(kind=OrgKind.PROVINCE_BOARD, province_code=workplace.province_code)
        .order_by("pk")
        .first()
    )
    # the residence committee's biggest cell (its secretary: bench_cell) and, for the board's
    # drill-down, the residence committee of the board's province with the most registered members
    top_cell = (
        ResidenceRegisterEntry.objects.filter(left_on__isnull=True, residence_committee=residence)
        .values("cell")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    if top_cell is None:
        raise SystemExit("bench/pages.py: the residence committee has no registered member")
    cell = Organisation.objects.get(pk=top_cell["cell"])
    board_residence = None
    if board is not None:
        top = biggest_or_sized(
            ResidenceRegisterEntry.objects.filter(
                left_on__isnull=True, residence_committee__province_code=board.province_code
            ).values("residence_committee"),
            args.residence_size,
        )
        board_residence = top["residence_committee"] if top else None
    in_committee = Q(workplace_cell=workplace) | Q(workplace_cell__parent=workplace)
    member_ids = list(
        Member.objects.filter(in_committee, books__status=BookStatus.OPEN)
        .order_by("pk")
        .values_list("pk", flat=True)[:2000]
    )
    random.Random(6).shuffle(member_ids)

    User = get_user_model()
    since = datetime.date(2000, 1, 1)
    roles = {
        "bench_wp": (workplace, Role.CLERK),
        "bench_res": (residence, Role.CLERK),
        "bench_cell": (cell, Role.CELL_SECRETARY),
        "bench_board": (board, Role.BOARD_OFFICER),
        "bench_admin": (None, None),
    }
    with transaction.atomic():
        users = {}
        for username, (org, role) in roles.items():
            user, _ = User.objects.get_or_create(username=username, defaults={"full_name": f"Chạy thử {username}"})
            user.set_password(PASSWORD)
            user.is_active = True
            user.is_staff = user.is_superuser = username == "bench_admin"
            user.save()
            RoleAssignment.objects.filter(user=user).delete()
            if org is not None:
                RoleAssignment.objects.create(user=user, organisation=org, role=role, valid_from=since)
            users[username] = user
        ApiToken.objects.filter(user=users["bench_wp"], name=API_KEY_NAME).delete()
        _token, api_key = ApiToken.issue(users["bench_wp"], API_KEY_NAME)
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(username__in=LOGINS).delete()
    return Setup(
        workplace=workplace.pk,
        workplace_name=workplace.name,
        workplace_members=Member.objects.filter(in_committee).count(),
        residence=residence.pk,
        residence_name=residence.name,
        residence_registered=ResidenceRegisterEntry.objects.filter(
            residence_committee=residence, left_on__isnull=True
        ).count(),
        cell=cell.pk,
        cell_name=cell.name,
        board_residence=board_residence,
        board=board.pk if board else None,
        board_name=board.name if board else "",
        member_ids=member_ids,
        api_key=api_key,
        members_total=Member.objects.count(),
    )


@dataclass(frozen=True)
class Page:
    name: str
    login: str  # one of LOGINS, or "api" (bearer key of bench_wp)
    url: str  # may contain {member}
    phase: str = "pages"  # "pages" or "baseline"


# the lists whose page DEEP is timed too: (page name, login, first page)
DEEP_LISTS = [
    (f"member list, page {DEEP}", "bench_wp", "/noi-cong-tac/dang-vien/"),
    (f"residence register, page {DEEP}", "bench_res", "/noi-cu-tru/so-theo-doi/"),
]


def page_list(setup: Setup) -> list[Page]:
    pages = [
        Page("workplace overview (/)", "bench_wp", "/"),
        Page("member list", "bench_wp", "/noi-cong-tac/dang-vien/"),
        Page("member list, search", "bench_wp", "/noi-cong-tac/dang-vien/?q=nguyen+van"),
        Page("member page", "bench_wp", "/noi-cong-tac/dang-vien/{member}/"),
        Page("start-of-year review", "bench_wp", "/noi-cong-tac/gioi-thieu-dau-nam/"),
        Page("comments returned", "bench_wp", "/noi-cong-tac/nhan-xet/"),
        Page("comments overdue", "bench_wp", "/noi-cong-tac/nhan-xet/chua-gui-ve/"),
        Page("comments at the residence", "bench_wp", "/noi-cong-tac/nhan-xet/chua-gui-ve/?tat_ca=1"),
        Page("ratings", "bench_wp", "/noi-cong-tac/xep-loai/"),
        Page("residence overview (/)", "bench_res", "/"),
        Page("residence register", "bench_res", "/noi-cu-tru/so-theo-doi/"),
        Page("letters to receive", "bench_res", "/noi-cu-tru/giay-gioi-thieu/"),
        Page("residence comments signed", "bench_res", "/noi-cu-tru/nhan-xet/"),
        Page("residence comments certified", "bench_res", "/noi-cu-tru/nhan-xet/?trang_thai=da_xac_nhan"),
        Page("waiting at the cells", "bench_res", "/noi-cu-tru/nhan-xet/cho-chi-bo/"),
        Page("residence cells", "bench_res", "/noi-cu-tru/chi-bo/"),
        Page("one residence cell", "bench_res", f"/noi-cu-tru/chi-bo/{setup.cell}/"),
        Page("cell: members", "bench_cell", "/chi-bo/dang-vien/"),
        Page("cell: comments", "bench_cell", "/chi-bo/nhan-xet/"),
        Page("API members", "api", "/api/v1/members?limit=50"),
        Page("API letters", "api", "/api/v1/letters?limit=50"),
        Page("API comments", "api", "/api/v1/comments?limit=50"),
    ]
    pages += [Page(name, login, setup.deep.get(name, first)) for name, login, first in DEEP_LISTS]
    if setup.board:
        pages += [
            Page("board overview (/)", "bench_board", "/"),
            Page("board: by commune", "bench_board", "/ban-to-chuc/"),
            Page("board: by workplace", "bench_board", "/ban-to-chuc/noi-cong-tac/"),
            Page("board: workplace overdue", "bench_board", f"/ban-to-chuc/noi-cong-tac/{setup.workplace}/"),
            Page(
                "board: workplace letters waiting",
                "bench_board",
                f"/ban-to-chuc/noi-cong-tac/{setup.workplace}/?xem=cho-tiep-nhan",
            ),
            Page(
                "board: workplace rated without",
                "bench_board",
                f"/ban-to-chuc/noi-cong-tac/{setup.workplace}/?xem=xep-loai-khong-nhan-xet",
            ),
        ]
        if setup.board_residence:
            pages += [
                Page("board: commune overdue", "bench_board", f"/ban-to-chuc/xa-phuong/{setup.board_residence}/"),
                Page(
                    "board: commune letters waiting",
                    "bench_board",
                    f"/ban-to-chuc/xa-phuong/{setup.board_residence}/?xem=cho-tiep-nhan",
                ),
            ]
    pages += [
        Page("member list (ours)", "bench_wp", "/noi-cong-tac/dang-vien/", "baseline"),
        Page("member list, search (ours)", "bench_wp", "/noi-cong-tac/dang-vien/?q=nguyen+van", "baseline"),
        Page("admin changelist", "bench_admin", "/bench-admin/members/member/", "baseline"),
        Page("admin changelist, search", "bench_admin", "/bench-admin/members/member/?q=nguyen+van", "baseline"),
    ]
    return pages


NEXT = re.compile(r'href="\?([^"]*)" rel="next"')


def find_deep_pages(setup: Setup) -> None:
    """The URL of page DEEP of each long list, by following its "Trang sau" link (keyset pages:
    `?sau=<sort key>,<id>`), in-process with the test client; the last page if the list is shorter."""
    import html

    from django.contrib.auth import get_user_model
    from django.test import Client

    User = get_user_model()
    for name, login_name, first in DEEP_LISTS:
        client = Client()
        client.force_login(User.objects.get(username=login_name), backend="django.contrib.auth.backends.ModelBackend")
        url = first
        for _ in range(DEEP - 1):
            found = NEXT.search(client.get(url).content.decode())
            if found is None:
                break
            url = first.split("?")[0] + "?" + html.unescape(found.group(1))
        setup.deep[name] = url


def count_queries(setup: Setup, pages: list[Page], show: str = "") -> dict[str, int]:
    """Queries per page, in-process through the test client (second call of each page)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    User = get_user_model()
    clients: dict[str, Client] = {}
    for login in LOGINS:
        client = Client()
        client.force_login(User.objects.get(username=login), backend="django.contrib.auth.backends.ModelBackend")
        clients[login] = client
    clients["api"] = Client(headers={"Authorization": f"Bearer {setup.api_key}"})
    counts: dict[str, int] = {}
    for page in pages:
        client = clients[page.login]
        url = page.url.format(member=setup.member_ids[0])
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                wall = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"bench/pages.py: {page.name} {url} answered {response.status_code} in-process")
        counts[page.name] = len(captured.captured_queries)
        if show == "time":
            times = [float(q["time"]) * 1000 for q in captured.captured_queries]
            print(
                f"  {page.name:34} {wall:9.1f} ms in-process, {len(times):3d} queries, {sum(times):8.1f} ms in SQL, "
                f"slowest {max(times, default=0):8.1f} ms"
            )
        if show in ("sql", "explain"):
            print(f"\n=== {page.name} ({url}): {counts[page.name]} queries")
            for q in captured.captured_queries:
                print(f"\n--- {float(q['time']) * 1000:.1f} ms\n{q['sql']}")
                if show == "explain" and connection.vendor == "postgresql" and q["sql"].lstrip().startswith("SELECT"):
                    with connection.cursor() as cursor:
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                        print("\n".join("    " + row[0] for row in cursor.fetchall()))
    return counts


# --------------------------------------------------------------------------- gunicorn and the load


def start_gunicorn(env: dict[str, str], port: int, workers: int, workdir: Path) -> subprocess.Popen[bytes]:
    log = open(workdir / "gunicorn.log", "ab")  # noqa: SIM115  (closed with the process)
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--backlog",
            "256",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    import requests

    for _ in range(120):
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except requests.RequestException:
            pass
        if process.poll() is not None:
            raise SystemExit(f"bench/pages.py: gunicorn exited, see {workdir / 'gunicorn.log'}")
        time.sleep(0.5)
    process.terminate()
    raise SystemExit("bench/pages.py: gunicorn did not answer /healthz in 60 s")


def worker_rss(master: int) -> dict[int, int]:
    """{worker pid: RSS in kB} of gunicorn's workers (ps)."""
    out = subprocess.run(["ps", "-o", "pid=,rss=", "--ppid", str(master)], capture_output=True, text=True).stdout
    return {int(pid): int(rss) for pid, rss in (line.split() for line in out.splitlines() if line.strip())}


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def login(base: str, username: str) -> Any:
    import requests

    session = requests.Session()
    form = session.get(f"{base}/dang-nhap/", timeout=60)
    token = CSRF.search(form.text)
    if token is None:
        raise RuntimeError("no CSRF token on the login form")
    answer = session.post(
        f"{base}/dang-nhap/",
        data={"csrfmiddlewaretoken": token.group(1), "username": username, "password": PASSWORD, "next": "/"},
        headers={"Referer": f"{base}/dang-nhap/"},
        timeout=60,
    )
    if answer.status_code != 200 or 'name="password"' in answer.text:
        raise RuntimeError(f"login of {username} failed ({answer.status_code} {answer.url})")
    return session


@dataclass
class Result:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    wall: float = 0.0


def run_load(
    base: str, setup: Setup, pages: list[Page], per_page: int, clients: int, think: float, seed: int
) -> Result:
    import requests

    rng = random.Random(seed)
    work: queue.Queue[tuple[Page, str]] = queue.Queue()
    items = []
    for page in pages:
        for i in range(per_page):
            items.append((page, page.url.format(member=setup.member_ids[i % len(setup.member_ids)])))
    rng.shuffle(items)
    for item in items:
        work.put(item)
    result = Result(latencies={p.name: [] for p in pages}, errors={p.name: [] for p in pages})
    lock = threading.Lock()
    logins = sorted({p.login for p in pages} - {"api"})
    sessions_ready = threading.Barrier(clients + 1)

    def client() -> None:
        sessions = {name: login(base, name) for name in logins}
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {setup.api_key}"
        sessions["api"] = api
        sessions_ready.wait()
        while True:
            try:
                page, url = work.get_nowait()
            except queue.Empty:
                return
            started = time.perf_counter()
            try:
                response = sessions[page.login].get(base + url, timeout=120, allow_redirects=False)
                elapsed = time.perf_counter() - started
                problem = None
                if response.status_code != 200:
                    problem = f"{response.status_code} {url}"
                elif page.login != "api" and 'name="password"' in response.text and "dang-nhap" in response.url:
                    problem = f"login form instead of {url}"
            except requests.RequestException as error:
                elapsed, problem = time.perf_counter() - started, f"{type(error).__name__} {url}"
            with lock:
                if problem:
                    result.errors[page.name].append(problem)
                else:
                    result.latencies[page.name].append(elapsed * 1000)
            if think:
                time.sleep(think * rng.uniform(0.5, 1.5))

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    sessions_ready.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    result.wall = time.perf_counter() - started
    return result


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def summarise(result: Result, counts: dict[str, int]) -> list[dict[str, Any]]:
    rows = []
    for name, values in result.latencies.items():
        rows.append(
            {
                "page": name,
                "n": len(values),
                "errors": len(result.errors[name]),
                "p50": round(percentile(values, 50), 1),
                "p95": round(percentile(values, 95), 1),
                "max": round(max(values), 1) if values else None,
                "mean": round(statistics.fmean(values), 1) if values else None,
                "queries": counts.get(name),
            }
        )
    return rows


def print_table(title: str, rows: list[dict[str, Any]], wall: float) -> None:
    done = sum(r["n"] for r in rows)
    print(f"\n{title}: {done} requests in {wall:.1f} s ({done / wall:.1f}/s)")
    print(f"  {'page':32} {'n':>5} {'err':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>7}")
    for r in rows:
        print(
            f"  {r['page']:32} {r['n']:5d} {r['errors']:4d} {r['p50']:8.1f} {r['p95']:8.1f} "
            f"{(r['max'] or 0):8.1f} {r['queries'] if r['queries'] is not None else '-':>7}"
        )


def compare(paths: list[str]) -> None:
    """Side by side: p95 of each page in two runs (e.g. 10k and 2.5M) and the growth."""
    a, b = (json.loads(Path(p).read_text(encoding="utf-8")) for p in paths)
    for run in (a, b):
        print(
            f"{run['label']}: {run['members']:,} members; workplace committee of {run['workplace_members']:,},"
            f" residence committee of {run.get('residence_registered', '?')} registered"
        )
    print(f"{'page':32} {a['label']:>12} {b['label']:>12} {'growth':>7} {'queries':>9}")
    for phase in ("pages", "baseline"):
        for think in a["phases"]:
            if phase not in a["phases"][think] or phase not in b["phases"].get(think, {}):
                continue
            ra = {r["page"]: r for r in a["phases"][think][phase]["rows"]}
            rb = {r["page"]: r for r in b["phases"][think][phase]["rows"]}
            print(f"-- {phase}, think {think} s (p95 ms)")
            for name, row in ra.items():
                if name in rb:
                    growth = rb[name]["p95"] / row["p95"] if row["p95"] else float("nan")
                    print(
                        f"{name:32} {row['p95']:12.1f} {rb[name]['p95']:12.1f} {growth:6.2f}x "
                        f"{row['queries']!s:>4}/{rb[name]['queries']!s:<4}"
                    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", default="")
    parser.add_argument("--requests", type=int, default=200, help="requests per page and phase (default 200)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument(
        "--think",
        type=float,
        action="append",
        help="seconds between a client's requests (±50 %%), repeatable; default: 1 and 0 (saturated)",
    )
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--port", type=int, default=8763)
    parser.add_argument("--workplace", type=int)
    parser.add_argument("--residence", type=int)
    parser.add_argument("--board", type=int)
    parser.add_argument(
        "--workplace-size",
        help="instead of the biggest: the workplace committee whose open books are nearest this number"
        ' ("median": the median of the committees)',
    )
    parser.add_argument(
        "--residence-size",
        help="instead of the biggest: the residence committees (the bench's and the board's) whose registered"
        ' members are nearest this number ("median": the median of the committees)',
    )
    parser.add_argument("--workdir", default="/tmp/solienhe-bench-pages")
    parser.add_argument("--out", help="write the figures as JSON here (default: WORKDIR-LABEL.json)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the admin baseline phase")
    parser.add_argument("--only", help="a regular expression: only the pages whose name matches")
    parser.add_argument(
        "--sql",
        choices=["time", "sql", "explain"],
        help="time each page once in-process (time), or print its SQL (sql; with EXPLAIN ANALYZE on PostgreSQL:"
        " explain), and stop; all in a transaction rolled back",
    )
    parser.add_argument("--compare", nargs=2, metavar="JSON", help="compare two --out files and stop")
    args = parser.parse_args()
    if args.compare:
        compare(args.compare)
        return
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("bench/pages.py: set DATABASE_URL (see docs/performance.md)")
    thinks = args.think if args.think else [1.0, 0.0]
    label = args.label or os.environ["DATABASE_URL"].rsplit("/", 1)[-1]
    out = args.out or f"{args.workdir}-{label}.json"
    workdir = Path(args.workdir)
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    env = {**os.environ, **bench_environment(args.port, workdir)}
    os.environ.update(env)
    python = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], cwd=ROOT, env=env, check=True
    )
    django_setup()
    from django.db import connection

    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    from django.db import transaction

    # --sql: in a transaction rolled back at the end, so that the logins made for the run and the
    # rows the pages write (who viewed whom) do not stay in the benchmark database
    with transaction.atomic():
        t0 = time.perf_counter()
        setup = choose_and_make_logins(args)
        print(
            f"database: {connection.vendor} {connection.settings_dict['NAME']}, {setup.members_total:,} members; "
            f"setup {time.perf_counter() - t0:.1f} s"
        )
        print(f"workplace committee #{setup.workplace} {setup.workplace_name}: {setup.workplace_members:,} members")
        print(
            f"residence committee #{setup.residence} {setup.residence_name}: {setup.residence_registered:,} registered;"
            f" its cell #{setup.cell} {setup.cell_name}"
        )
        print(f"board #{setup.board} {setup.board_name}; its residence committee #{setup.board_residence}")
        find_deep_pages(setup)
        for name, url in setup.deep.items():
            print(f"{name}: {url[:120]}")
        os.environ["BENCH_ADMIN_COMMITTEE"] = env["BENCH_ADMIN_COMMITTEE"] = str(setup.workplace)
        pages = page_list(setup)
        if args.only:
            pages = [p for p in pages if re.search(args.only, p.name)]
        if args.no_baseline:
            pages = [p for p in pages if p.phase != "baseline"]
        counts = count_queries(setup, pages, args.sql or "")
        if args.sql:
            transaction.set_rollback(True)
    connection.close()
    if args.sql:
        return

    process = start_gunicorn(env, args.port, args.workers, workdir)
    base = f"http://127.0.0.1:{args.port}"
    rss_peak: dict[int, int] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            for pid, rss in worker_rss(process.pid).items():
                rss_peak[pid] = max(rss_peak.get(pid, 0), rss)
            stop.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    report: dict[str, Any] = {
        "label": label,
        "members": setup.members_total,
        "workplace_members": setup.workplace_members,
        "residence_registered": setup.residence_registered,
        "clients": args.clients,
        "workers": args.workers,
        "requests_per_page": args.requests,
        "load_before": os.getloadavg(),
        "phases": {},
    }
    try:
        # warm every worker (imports, template cache, connections) before timing
        run_load(base, setup, pages, 3, args.clients, 0, seed=0)
        for think in thinks:
            report["phases"][str(think)] = {}
            for phase in ("pages", "baseline"):
                chosen = [p for p in pages if p.phase == phase]
                if not chosen:
                    continue
                if phase == "baseline":
                    # each page alone, so that neither shares the CPU with the other
                    result = Result()
                    for page in chosen:
                        one = run_load(base, setup, [page], args.requests, args.clients, think, seed=1)
                        result.latencies.update(one.latencies)
                        result.errors.update(one.errors)
                        result.wall += one.wall
                else:
                    result = run_load(base, setup, chosen, args.requests, args.clients, think, seed=1)
                rows = summarise(result, counts)
                print_table(f"{phase}, {args.clients} clients, think {think} s", rows, result.wall)
                for name, errors in result.errors.items():
                    if errors:
                        print(f"  errors on {name}: {errors[:3]}")
                report["phases"][str(think)][phase] = {"rows": rows, "wall": result.wall}
    finally:
        stop.set()
        sampler.join()
        process.terminate()
        process.wait(30)
    peak = max(rss_peak.values(), default=0)
    print(
        f"\ngunicorn workers: {args.workers}; peak RSS per worker: "
        + ", ".join(f"{v / 1024:.0f}" for v in sorted(rss_peak.values()))
        + f" MB (max {peak / 1024:.0f} MB)"
    )
    print(f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    report["rss_peak_mb"] = [round(v / 1024) for v in sorted(rss_peak.values())]
    report["load_after"] = os.getloadavg()
    Path(out).write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"figures written to {out}")
    if any(r["errors"] for t in report["phases"].values() for ph in t.values() for r in ph["rows"]):
        sys.exit(1)


if __name__ == "__main__":
    main()
