"""The daily mix of the roles, as locust users (bench/load/run.sh runs it; see docs/reliability.md).

Every simulated person logs in through the real login form (CSRF token from the page) with a
login of their own, listed by bench/load/setup_users.py in the JSON file named by LOAD_USERS, then
works through the screens of their role with a few seconds of reading between clicks:

- workplace clerk (Văn phòng đảng ủy nơi công tác): overview, members list (search, pages,
  filters), a member's page, the start-of-year review, the comments returned, one of them;
- residence clerk (Văn phòng đảng ủy nơi cư trú): letters to receive, the register (filters,
  search, pages), the signed and certified comments, the requests waiting at the cells;
- cell secretary on a phone (Bí thư chi bộ nơi cư trú): the members, the comments to write, one
  comment page, and "Lưu nháp" (a POST of the form with its CSRF token) on a comment still open;
- board officer (Ban Tổ chức Tỉnh ủy): the communes and workplaces tables, a drill-down;
- member (Đảng viên): their own book;
- API client: the members, letters and comments lists with a bearer key, a page at a time.

A response counts as an error when its status is not the expected one, when a page comes back as
the login form (session lost) or when "Lưu nháp" is refused. The draft saved is one of a few fixed
texts, so runs can be repeated on the same data without using anything up.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

POOLS = json.loads(Path(os.environ.get("LOAD_USERS", "/tmp/load-users.json")).read_text(encoding="utf-8"))
PASSWORD = POOLS["password"]
_next = {role: itertools.count() for role in POOLS}

# Vietnamese name parts as people type them in a search box (with or without diacritics).
SEARCHES = ["nguyen", "tran thi", "Lê", "huynh", "pham van", "võ", "dang", "Ngọc", "thanh", "minh", "hoa", "tuan"]
PHONE = (
    "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
)
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
DRAFTS = [
    "Gương mẫu chấp hành chủ trương của Đảng, chính sách, pháp luật của Nhà nước và quy định của địa phương.",
    "Tham gia đầy đủ các hoạt động ở khu dân cư, giữ mối liên hệ tốt với nhân dân nơi cư trú.",
    "Gia đình văn hóa; tích cực tham gia phong trào toàn dân bảo vệ an ninh Tổ quốc.",
]

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# the pager (templates/web/partials/keyset_pager.html) links numbered pages "?trang=N" while a list is short
PAGE_LINK = re.compile(r'[?&;]trang=(\d+)|aria-current="page">(\d+)<')


def take(role: str) -> str:
    """The next login of the role: every simulated person has their own while the pool lasts."""
    names = POOLS[role]
    return names[next(_next[role]) % len(names)]


def ids(html: str, prefix: str) -> list[int]:
    """The ids of the links `prefix<id>/` on a page, in order, without repeats."""
    found = re.findall(re.escape(prefix) + r'(\d+)/"', html)
    return list(dict.fromkeys(int(n) for n in found))


def last_page(html: str) -> int:
    """How many numbered pages a list has, from its pager's links; 1 without a pager."""
    numbers = [int(link or current) for link, current in PAGE_LINK.findall(html)]
    return max(numbers, default=1)


def options(html: str, select: str) -> list[str]:
    """The non-empty option values of <select name=select> on a page."""
    match = re.search(rf'<select[^>]*name="{select}"[^>]*>(.*?)</select>', html, re.S)
    if not match:
        return []
    return [v for v in re.findall(r'<option value="([^"]*)"', match.group(1)) if v]


class FormFields(HTMLParser):
    """The fields a browser would submit from the first <form method="post"> of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self.in_form = False
        self.done = False
        self.textarea: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post" and not self.done:
            self.in_form = True
        elif not self.in_form:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self.textarea, self.text = a["name"], []

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self.textarea is not None:
            self.fields.append((self.textarea, "".join(self.text).removeprefix("\n")))
            self.textarea = None
        elif tag == "form" and self.in_form:
            self.in_form, self.done = False, True


def form_fields(html: str) -> list[tuple[str, str]]:
    parser = FormFields()
    parser.feed(html)
    return parser.fields


class Person(FastHttpUser):
    """Someone at a browser: logs in once with their own login, then reads pages."""

    abstract = True
    role = ""
    wait_time = between(2, 8)
    user_agent = DESKTOP

    def on_start(self) -> None:
        self.username = take(self.role)
        self.headers = {"User-Agent": self.user_agent, "Accept-Language": "vi-VN,vi;q=0.9"}
        self.log_in()

    def log_in(self) -> None:
        page = self.page("/dang-nhap/", "login form")
        token = CSRF.search(page)
        if token is None:
            raise StopUser()
        # the browser loads the style sheet and htmx once, then keeps them (WhiteNoise, cache headers)
        for asset in dict.fromkeys(re.findall(r'(?:href|src)="(/static/[^"]+)"', page)):
            self.client.get(asset, name="static file", headers=self.headers)
        body = {"csrfmiddlewaretoken": token.group(1), "username": self.username, "password": PASSWORD, "next": "/"}
        with self.post("/dang-nhap/", body, "login") as response:
            where = response.headers.get("Location", "")
            if response.status_code != 302 or where != "/":
                response.failure(f"login of {self.username} went to {response.status_code} {where!r}")
                raise StopUser()
        self.page("/", f"{self.role}: home")

    def post(self, url: str, fields: dict[str, str] | list[tuple[str, str]], name: str):  # noqa: ANN201
        headers = {**self.headers, "Content-Type": "application/x-www-form-urlencoded", "Referer": self.host + url}
        return self.client.post(
            url, data=urlencode(fields), name=name, headers=headers, allow_redirects=False, catch_response=True
        )

    def page(self, url: str, name: str) -> str:
        """GET a page; anything but a 200 with the page (not the login form) is an error."""
        with self.client.get(url, name=name, headers=self.headers, catch_response=True) as response:
            text = response.text or ""
            if response.status_code != 200:
                response.failure(f"{response.status_code} on {url}")
            elif url != "/dang-nhap/" and 'name="password"' in text:
                response.failure(f"{url} answered with the login form: session lost")
            return text if response.status_code == 200 else ""


class WorkplaceClerk(Person):
    """Văn phòng đảng ủy nơi công tác."""

    role = "workplace"
    fixed_count = 28

    def on_start(self) -> None:
        super().on_start()
        self.members: list[int] = []
        self.pages = 1
        self.cells: list[str] = []
        self.list_members()

    @task(3)
    def overview(self) -> None:
        self.page("/", f"{self.role}: home")

    @task(4)
    def list_members(self) -> None:
        choice = random.random()
        if choice < 0.4 or self.pages == 1:
            query = {"trang": random.randint(1, self.pages)} if self.pages > 1 else {}
            html = self.page("/noi-cong-tac/dang-vien/?" + urlencode(query), "workplace: members list (page)")
            self.pages = max(self.pages, last_page(html))
            self.cells = options(html, "chi_bo") or self.cells
        elif choice < 0.8:
            html = self.page(
                "/noi-cong-tac/dang-vien/?" + urlencode({"q": random.choice(SEARCHES)}), "workplace: members search"
            )
        else:
            query = {"tinh_trang": random.choice(["", "mien"])}
            if self.cells:
                query["chi_bo"] = random.choice(self.cells)
            html = self.page("/noi-cong-tac/dang-vien/?" + urlencode(query), "workplace: members filtered")
        self.members = ids(html, "/noi-cong-tac/dang-vien/") or self.members

    @task(4)
    def member_page(self) -> None:
        if self.members:
            self.page(f"/noi-cong-tac/dang-vien/{random.choice(self.members)}/", "workplace: member page")

    @task(2)
    def review(self) -> None:
        self.page("/noi-cong-tac/gioi-thieu-dau-nam/", "workplace: start-of-year review")

    @task(2)
    def returned(self) -> None:
        done = random.random() < 0.3
        html = self.page("/noi-cong-tac/nhan-xet/" + ("?da_nhan=1" if done else ""), "workplace: comments returned")
        found = ids(html, "/noi-cong-tac/nhan-xet/")
        if found:
            self.page(f"/noi-cong-tac/nhan-xet/{random.choice(found)}/", "workplace: a returned comment")


class ResidenceClerk(Person):
    """Văn phòng đảng ủy nơi cư trú (xã/phường)."""

    role = "residence"
    fixed_count = 25

    def on_start(self) -> None:
        super().on_start()
        self.pages = 1
        self.cells: list[str] = []
        self.register()

    @task(2)
    def overview(self) -> None:
        self.page("/", f"{self.role}: home")

    @task(3)
    def letters(self) -> None:
        query = {"q": random.choice(SEARCHES)} if random.random() < 0.3 else {}
        self.page("/noi-cu-tru/giay-gioi-thieu/?" + urlencode(query), "residence: letters to receive")

    @task(4)
    def register(self) -> None:
        query: dict[str, object] = {}
        choice = random.random()
        if choice < 0.3 and self.cells:
            query["chi_bo"] = random.choice(self.cells)
        elif choice < 0.55:
            query["q"] = random.choice(SEARCHES)
        elif choice < 0.65:
            query["da_roi"] = "on"
        elif self.pages > 1:
            query["trang"] = random.randint(1, self.pages)
        html = self.page("/noi-cu-tru/so-theo-doi/?" + urlencode(query), "residence: register")
        if not query:
            self.pages = last_page(html)
            self.cells = options(html, "chi_bo") or self.cells

    @task(2)
    def comments(self) -> None:
        tab = random.choice(["da_ky", "da_ky", "da_xac_nhan"])
        self.page(f"/noi-cu-tru/nhan-xet/?trang_thai={tab}", "residence: comments signed/certified")

    @task(1)
    def waiting(self) -> None:
        self.page("/noi-cu-tru/nhan-xet/cho-chi-bo/", "residence: waiting at the cells")


class CellSecretary(Person):
    """Bí thư chi bộ nơi cư trú, on a phone: writes the comments (mẫu 3-213)."""

    role = "cell"
    fixed_count = 20
    user_agent = PHONE

    def on_start(self) -> None:
        super().on_start()
        self.requests: list[int] = []
        self.comments()

    @task(2)
    def overview(self) -> None:
        self.page("/", f"{self.role}: home")

    @task(2)
    def members(self) -> None:
        self.page("/chi-bo/dang-vien/", "cell: members")

    @task(2)
    def comments(self) -> None:
        html = self.page("/chi-bo/nhan-xet/", "cell: comments to write")
        self.requests = ids(html, "/chi-bo/nhan-xet/") or self.requests

    @task(3)
    def comment_page(self) -> None:
        if self.requests:
            self.page(f"/chi-bo/nhan-xet/{random.choice(self.requests)}/", "cell: comment page")

    @task(1)
    def save_draft(self) -> None:
        """Open a comment still to write and press "Lưu nháp" with one criterion (re)written."""
        if not self.requests:
            return
        url = f"/chi-bo/nhan-xet/{random.choice(self.requests)}/"
        html = self.page(url, "cell: comment page")
        fields = form_fields(html)
        if not any(name == "csrfmiddlewaretoken" for name, _ in fields):
            return  # signed already (read only): nothing to save
        criteria = [name for name, _ in fields if name.startswith("criteria_")]
        if criteria:
            target = random.choice(criteria)
            fields = [(n, random.choice(DRAFTS) if n == target else unescape(v)) for n, v in fields]
        fields.append(("viec", "nhap"))
        with self.post(url, fields, "cell: save draft (POST)") as response:
            if response.status_code != 302 or response.headers.get("Location") != url:
                response.failure(f"draft refused: {response.status_code} {response.headers.get('Location')!r}")
                return
        self.page(url, "cell: comment page")


class BoardOfficer(Person):
    """Cán bộ Ban Tổ chức Tỉnh ủy: the province tables and a drill-down."""

    role = "board"
    fixed_count = 5
    wait_time = between(3, 10)

    def on_start(self) -> None:
        super().on_start()
        self.communes: list[int] = []
        self.workplaces: list[int] = []

    @task(3)
    def communes_table(self) -> None:
        query = {"sap_xep": random.choice(["qua-han", "ten", "ty-le"])}
        if random.random() < 0.3:
            query["q"] = random.choice(["long", "phu", "tan", "an", "binh"])
        html = self.page("/ban-to-chuc/?" + urlencode(query), "board: communes")
        self.communes = ids(html, "/ban-to-chuc/xa-phuong/") or self.communes

    @task(2)
    def workplaces_table(self) -> None:
        html = self.page("/ban-to-chuc/noi-cong-tac/", "board: workplaces")
        self.workplaces = ids(html, "/ban-to-chuc/noi-cong-tac/") or self.workplaces

    @task(3)
    def drill_down(self) -> None:
        if self.communes and (random.random() < 0.5 or not self.workplaces):
            self.page(f"/ban-to-chuc/xa-phuong/{random.choice(self.communes)}/", "board: a commune")
        elif self.workplaces:
            self.page(f"/ban-to-chuc/noi-cong-tac/{random.choice(self.workplaces)}/", "board: a workplace")


class Member(Person):
    """Đảng viên: reads their own book now and then."""

    role = "member"
    fixed_count = 15
    wait_time = between(5, 20)

    @task
    def my_book(self) -> None:
        self.page("/cua-toi/", "member: my book")


class ApiClient(FastHttpUser):
    """A program of a committee reading through the API with its key (no session, no CSRF)."""

    fixed_count = 7
    wait_time = between(1, 4)

    def on_start(self) -> None:
        self.headers = {"Authorization": f"Bearer {take('api')}", "Accept": "application/json"}
        self.counts = {"members": 0, "letters": 0, "comments": 0}
        self.member_ids: list[int] = []

    def read(self, what: str, weight_name: str) -> dict:
        offset = random.randrange(0, self.counts[what], 50) if self.counts[what] > 50 else 0
        query = urlencode({"limit": 50, "offset": offset})
        with self.client.get(
            f"/api/v1/{what}?{query}", name=weight_name, headers=self.headers, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} on /api/v1/{what}")
                return {}
            body = json.loads(response.text)
        self.counts[what] = body.get("count", 0)
        return body

    @task(3)
    def members(self) -> None:
        body = self.read("members", "api: members list")
        self.member_ids = [item["id"] for item in body.get("items", [])] or self.member_ids

    @task(1)
    def member(self) -> None:
        if self.member_ids:
            pk = random.choice(self.member_ids)
            with self.client.get(
                f"/api/v1/members/{pk}", name="api: a member", headers=self.headers, catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"{response.status_code} on /api/v1/members/{pk}")

    @task(2)
    def letters(self) -> None:
        self.read("letters", "api: letters list")

    @task(2)
    def comments(self) -> None:
        self.read("comments", "api: comments list")


@events.test_start.add_listener
def _pools(environment, **_kwargs) -> None:  # noqa: ANN001
    sizes = ", ".join(f"{role} {len(names)}" for role, names in POOLS.items() if role != "password")
    print(f"load: logins available per role: {sizes}")


# Every request, one line (seconds since the first request, type, name, ms, ok), in LOAD_REQUESTS
# when set: locust's own percentiles are over the whole run, and bench/load/summary.py also wants
# them without the first minute, when all the users log in at once.
_path = os.environ.get("LOAD_REQUESTS")
_log = open(_path, "w", encoding="utf-8", buffering=1 << 16) if _path else None  # noqa: SIM115
_first: list[float] = []


@events.request.add_listener
def _record(request_type, name, response_time, exception, start_time=None, **_kwargs) -> None:  # noqa: ANN001
    if _log is None:
        return
    at = start_time if start_time is not None else time.time()
    if not _first:
        _first.append(at)
    _log.write(f"{at - _first[0]:.3f}\t{request_type}\t{name}\t{response_time:.1f}\t{0 if exception else 1}\n")


@events.quitting.add_listener
def _close(**_kwargs) -> None:  # noqa: ANN003
    if _log is not None:
        _log.close()
