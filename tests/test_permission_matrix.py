"""Who may open what: every route of the URL configuration and every operation of the OpenAPI
document, for every role of the cast, with an object of the user's own organisation and one of a
foreign organisation.

Expected (rules: the view's `hat_kinds`, left by web.common.hat_required, and tests/permissions.py):
- screens: anonymous → the login page; a hat the route does not take → 403; an allowed hat with
  an object of its own organisation → 200 or a redirect (400 for a form posted empty), with a
  foreign one → 404; a list never names a member of the foreign organisation;
- the API: anonymous → 401; an object the caller does not see → 404; one it sees but may not
  act on → 403; a list never names a member of the foreign organisation.

The world is built once for the module through the actions. Every request runs in a transaction
rolled back right after it: a POST an allowed role sends may act (the screens are posted with an
empty form, the API with a valid body), and nothing it changes reaches the next request.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import ApiToken
from books import actions
from books.models import CommentStatus, LetterStatus, ResidenceRegisterEntry
from notifications.models import Notification, NotificationKind
from orgs.models import AdministrativeUnit, Organisation, OrgKind
from tests import permissions as rules
from tests.cast import LONG_CHAU, PHU_KHUONG, Cast, comment_at, make_user
from tests.conftest import SUITE_NOW

# every test asks for the database, so the test database is set up before the module's world is built
pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"1 0 obj\n<<>>\nendobj\n" * 10
FOREIGN_NAMES = ("Lý Thị Ngoại", "Lý Văn Về", "Lý Văn Đợi", "Lý Văn Gửi")
ORG_KEYS = {"residence_committee", "workplace_committee"}
PERSONAL_KEYS = {"notification", "token", "import"}  # a user's own: another user's is foreign to everyone


# --------------------------------------------------------------------------- the routes


@dataclass
class Route:
    key: str  # the URL name ("workplace:member"), or the pattern when it has none
    pattern: str
    callback: Callable[..., Any]
    arguments: list[str]


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            ns = ":".join(n for n in (namespace, item.namespace or "") if n)
            yield from _walk(item, prefix + str(item.pattern), ns)
        elif isinstance(item, URLPattern):
            pattern = prefix + str(item.pattern)
            name = f"{namespace}:{item.name}" if namespace and item.name else item.name
            arguments = list(re.findall(r"<(?:\w+:)?(\w+)>", pattern))
            yield Route(name or pattern, pattern, item.callback, arguments)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver()))


def skipped(route: Route) -> bool:
    return route.pattern.startswith("quan-tri/") or route.key in rules.SKIPPED


def screen_routes() -> list[Route]:
    """Every route but the admin, set_language and the API's operations (checked from the OpenAPI document)."""
    return [r for r in all_routes() if not skipped(r) and not _is_api_operation(r)]


def _is_api_operation(route: Route) -> bool:
    return route.pattern.startswith("api/v1/") and route.key not in rules.PUBLIC


def undeclared(route: Route) -> str | None:
    """Why the route has no rule, or None when it has one."""
    kinds = getattr(route.callback, "hat_kinds", None)
    declared = kinds is not None or route.key in rules.PUBLIC or route.key in rules.LOGGED_IN
    if not declared:
        return (
            f"{route.key} ({route.pattern}): no rule — wrap the view in web.common.hat_required "
            "or declare it in tests/permissions.py"
        )
    for argument in route.arguments:
        if argument not in rules.FIXED_ARGS.get(route.key, {}) and route.key not in rules.OBJECT_OF:
            return f"{route.key} ({route.pattern}): which object is <{argument}>? declare it in OBJECT_OF"
    return None


# --------------------------------------------------------------------------- the world


@dataclass
class World:
    cast: Cast
    own: dict[str, Any] = field(default_factory=dict)
    foreign: dict[str, Any] = field(default_factory=dict)
    personal: dict[str, dict[str, Any]] = field(default_factory=dict)  # key → role → the user's own object
    tokens: dict[str, str] = field(default_factory=dict)

    def user(self, role: str) -> Any:
        return None if role == "anonymous" else getattr(self.cast, role)

    def obj(self, key: str, side: str, role: str) -> Any:
        if key in self.personal:
            mine = self.personal[key]
            return mine.get(role) if side == "own" else mine["__foreign__"]
        return (self.own if side == "own" else self.foreign)[key]


def _build(cast: Cast) -> World:
    """Two worlds of the same shape: Sở Tài chính → Long Châu (own), Sở Y tế → Phú Khương (foreign)."""
    world = World(cast)
    sides = {
        "own": (cast.finance_cell, LONG_CHAU, cast.lc_cell_1, cast.member, cast.lc_secretary, cast.finance_clerk),
        "foreign": (cast.health_cell, PHU_KHUONG, cast.pk_cell, None, cast.pk_secretary, cast.health_secretary),
    }
    names = {"own": ("Lê Thị Về", "Võ Văn Đợi", "Đinh Văn Gửi"), "foreign": FOREIGN_NAMES[1:]}
    for side, (wcell, commune_code, rcell, member, residence_officer, workplace_officer) in sides.items():
        objs = world.own if side == "own" else world.foreign
        if member is None:
            member = cast.member_factory(full_name=FOREIGN_NAMES[0], cell=wcell, commune_code=commune_code)
            member.user = make_user("dv_ngoai", FOREIGN_NAMES[0])
            member.save(update_fields=["user"])
        signed = comment_at(cast, CommentStatus.SIGNED, member, cell=rcell)
        back, waiting, sent = names[side]
        returned = comment_at(
            cast,
            CommentStatus.RETURNED,
            cast.member_factory(full_name=back, cell=wcell, commune_code=commune_code),
            cell=rcell,
        )
        requested = comment_at(
            cast,
            CommentStatus.REQUESTED,
            cast.member_factory(full_name=waiting, cell=wcell, commune_code=commune_code),
            cell=rcell,
        )
        certified = comment_at(
            cast,
            CommentStatus.CERTIFIED,
            cast.member_factory(full_name=f"{sent} Hai", cell=wcell, commune_code=commune_code),
            cell=rcell,
        )
        letter_waiting = actions.issue_letter(
            cast.member_factory(full_name=sent, cell=wcell, commune_code=commune_code), by=workplace_officer
        )
        book = cast.book(member)
        letter = book.letters.get(status=LetterStatus.RECEIVED)
        notice = actions.raise_notice(
            member,
            description="Không dự sinh hoạt chi bộ",
            observed_on=datetime.date(2026, 11, 20),
            by=residence_officer,
        )
        scan = actions.attach_scan(
            letter, upload=SimpleUploadedFile("giay.pdf", PDF, content_type="application/pdf"), by=workplace_officer
        )
        change = actions.request_address_change(
            member,
            by=member.user,
            commune=cast_commune(commune_code),
            line="Số 9, đường Lê Lợi",
            moving_on=datetime.date(2026, 12, 1),
        )
        objs.update(
            member=member,
            book=book,
            letter=letter,
            letter_scan_target=letter,
            letter_waiting=letter_waiting,
            comment_signed=signed,
            comment_returned=returned,
            comment_requested=requested,
            comment_certified=certified,
            entry=ResidenceRegisterEntry.objects.get(member=member, left_on__isnull=True),
            notice=notice,
            scan=scan,
            address_change=change,
            residence_cell=rcell,
            workplace_cell=wcell,
            other_workplace_cell=cast.health_cell if side == "own" else cast.finance_cell,
            cell_members=list(
                ResidenceRegisterEntry.objects.filter(cell=rcell, left_on__isnull=True).values_list(
                    "member_id", flat=True
                )
            ),
            residence_committee=rcell.parent,
            workplace_committee=wcell.parent,
        )
    # The board's foreign organisations: another province's committees.
    elsewhere = Organisation.objects.create(kind=OrgKind.UPPER_COMMITTEE, name="Tỉnh ủy Cần Thơ", province_code=92)
    world.foreign["board_residence_committee"] = Organisation.objects.create(
        kind=OrgKind.RESIDENCE_COMMITTEE,
        name="Đảng ủy phường Ninh Kiều",
        parent=elsewhere,
        province_code=92,
        commune=AdministrativeUnit.objects.filter(edition="2025", level="commune", province_code=92).first(),
    )
    world.foreign["board_workplace_committee"] = Organisation.objects.create(
        kind=OrgKind.WORKPLACE_COMMITTEE, name="Đảng ủy Sở Tài chính Cần Thơ", parent=elsewhere, province_code=92
    )
    # What belongs to a user, not to an organisation: notifications, API keys, Excel imports.
    from documents.verification import codes_for
    from spreadsheets.models import MemberImport

    world.own["verification"] = codes_for([world.own["letter"]])[world.own["letter"].pk]
    # the year's letters printed in the background: a job of each side's workplace committee
    from documents.models import PrintJob

    for objs, officer in ((world.own, cast.finance_clerk), (world.foreign, cast.health_secretary)):
        objs["print_job"] = PrintJob.objects.create(user=officer, committee=objs["workplace_committee"], year=2026)
    world.foreign["verification"] = world.own["verification"]
    stranger = cast.health_secretary
    everyone = {role: world.user(role) for role in rules.ROLES if role != "anonymous"}
    world.personal["notification"] = {
        role: Notification.objects.create(recipient=user, kind=NotificationKind.NOTICE_ANSWERED, title="Thử")
        for role, user in {**everyone, "__foreign__": stranger}.items()
    }
    world.personal["token"] = {}
    for role, user in {**everyone, "__foreign__": stranger}.items():
        token, secret = ApiToken.issue(user, "ma trận quyền")
        world.personal["token"][role] = token
        world.tokens[role] = secret
    world.personal["import"] = {
        role: MemberImport.objects.create(user=user, committee=cast.finance, original_name="ds.xlsx", size=1)
        for role, user in everyone.items()
        if role in rules.WORKPLACE_STAFF
    }
    world.personal["import"]["__foreign__"] = MemberImport.objects.create(
        user=stranger, committee=cast.health, original_name="ds.xlsx", size=1
    )
    ContentType.objects.clear_cache()
    return world


def cast_commune(code: int) -> Any:
    from tests.cast import commune

    return commune(code)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The cast and its two worlds, built once; rolled back when the module is done."""
    from books.models import RegulationProfile, Term
    from books.profiles import ensure_default_profile_and_term
    from orgs.models import UnitSuccession
    from orgs.units import load_units

    with (
        django_db_blocker.unblock(),
        tempfile.TemporaryDirectory() as media,
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        time_machine.travel(SUITE_NOW, tick=True),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            if not AdministrativeUnit.objects.exists():
                load_units(AdministrativeUnit, UnitSuccession)
            ensure_default_profile_and_term(RegulationProfile, Term)
            yield _build(Cast.create())
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def media(world, settings):
    # hundreds of refusals: Django's "Forbidden"/"Not Found" log lines (with tracebacks) cost seconds
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.CRITICAL)
    # who sees what once logged in; the second factor has its own tests (tests/accounts)
    settings.OTP_REQUIRED_FOR_STAFF = False
    yield
    request_log.setLevel(level)


# --------------------------------------------------------------------------- requests


def rolled_back(send: Callable[[], Any]) -> Any:
    with transaction.atomic():
        response = send()
        transaction.set_rollback(True)
    return response


def client_for(world: World, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.user(role))
    return client


def is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def foreign_names_in(response: Any) -> list[str]:
    if "html" not in response.get("Content-Type", "") and "json" not in response.get("Content-Type", ""):
        return []
    text = response.content.decode()
    if "json" in response.get("Content-Type", ""):
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return [name for name in FOREIGN_NAMES if name in text]


def url_of(world: World, route: Route, role: str, side: str) -> tuple[str, str | None]:
    """The URL of the route for one role, naming an object of its own or of a foreign organisation."""
    if route.key == "api/v1/^.*$":
        return "/api/v1/nothing-here", None
    kwargs: dict[str, Any] = dict(rules.FIXED_ARGS.get(route.key, {}))
    key = rules.OBJECT_OF.get(route.key) if route.arguments else None
    if key is not None:
        if role == "board_officer" and side == "foreign" and key in ORG_KEYS:
            obj = world.foreign[f"board_{key}"]
        else:
            obj = world.obj(key, side, role)
        if obj is None:  # a personal object this role cannot have (an import of a non-committee user)
            obj = world.obj(key, "foreign", role)
        for argument in route.arguments:
            if argument == "kind":
                kwargs[argument] = "giay-gioi-thieu"
            elif argument == "token":
                kwargs[argument] = obj.token
            elif argument == "code":
                kwargs[argument] = obj
            else:
                kwargs[argument] = obj.pk
    return reverse(route.key, kwargs=kwargs), key


def expected_screen(route: Route, role: str, side: str, key: str | None) -> set[int] | str:
    """The statuses allowed, or "login" for a redirect to the login page."""
    if route.key in rules.PUBLIC:
        # the API's index and catch-all answer a JSON 404 (the API lives under its paths)
        return {200, 302, 404} if route.key.startswith("api") else {200, 302}
    if role == "anonymous":
        return "login"
    if route.key not in rules.LOGGED_IN and rules.ROLES[role] not in route.callback.hat_kinds:
        return {403}
    foreign = side == "foreign" and key is not None
    if foreign and role == "board_officer" and key not in ORG_KEYS and key not in PERSONAL_KEYS:
        foreign = False  # the board sees its whole province (rules.BOARD_SEES_THE_PROVINCE)
    if foreign or (key == "import" and role not in rules.WORKPLACE_STAFF):
        return {404}
    return {200, 302, 400}


def check_screen(world: World, client: Client, route: Route, role: str, side: str) -> list[str]:
    url, key = url_of(world, route, role, side)
    expected = expected_screen(route, role, side, key)
    response = rolled_back(lambda: client.get(url))
    method = "GET"
    if response.status_code == 405:
        method = "POST"
        response = rolled_back(lambda: client.post(url, {}))
    got = response.status_code
    problems = []
    where = f"{method} {url} [{route.key}] as {role}, {side} object"
    if expected == "login":
        if not is_login_redirect(response):
            problems.append(f"{where}: expected a redirect to the login page, got {got}")
    elif got not in expected or (got == 302 and is_login_redirect(response) and route.key not in rules.PUBLIC):
        problems.append(f"{where}: expected {sorted(expected)}, got {got}")
    if got == 200 and role != "board_officer" and (leaked := foreign_names_in(response)):
        problems.append(f"{where}: shows the foreign member(s) {leaked}")
    return problems


# --------------------------------------------------------------------------- the API


def api_operations(client: Client) -> list[tuple[str, str]]:
    document = client.get("/api/v1/openapi.json").json()
    return [(method.upper(), path) for path, ops in document["paths"].items() for method in ops]


def api_body(key: str, objs: dict[str, Any], cast: Cast) -> dict[str, Any]:
    member, book = objs["member"], objs["book"]
    return {
        "POST /members": {
            "workplace_cell_id": objs["workplace_cell"].pk,
            "full_name": "Thử Quyền Hạn",
            "sex": "M",
            "birth_date": "1990-01-01",
            "admitted_on": "2015-01-01",
            "party_card_number": "86999999",
            "national_id": "086090999999",
            "residence_commune_code": LONG_CHAU,
            "residence_line": "Số 1",
        },
        "POST /members/{member_id}/update": {"phone": "0900000000"},
        "POST /members/{member_id}/reassign-cell": {"cell_id": cast.lc_cell_2.pk},
        "POST /members/{member_id}/change-residence": {"commune_code": PHU_KHUONG, "line": "Số 2"},
        "POST /members/{member_id}/change-workplace": {"cell_id": objs["other_workplace_cell"].pk},
        "POST /members/{member_id}/end-employment": {"reason": "retired"},
        "POST /members/{member_id}/exemption": {"exemption": "E1a", "reason": "Ốm dài ngày"},
        "POST /members/{member_id}/exemption/clear": {},
        "POST /letters/prepare": {"member_id": member.pk},
        "POST /letters/issue": {"member_ids": [member.pk]},
        "POST /letters/confirm": {
            "items": [{"letter_id": objs["letter_waiting"].pk, "cell_id": objs["residence_cell"].pk}]
        },
        "POST /letters/{letter_id}/withdraw": {"reason": "Nhầm"},
        "POST /campaigns": {"committee_id": objs["workplace_committee"].pk, "year": 2026},
        "POST /comments/on-demand": {"book_id": book.pk, "reason": "Xét kết nạp"},
        "POST /comments/{comment_id}/write": {},
        "POST /comments/{comment_id}/sign": {},
        "POST /comments/{comment_id}/send-back": {"reason": "Thiếu ý kiến"},
        "POST /comments/{comment_id}/certify": {},
        "POST /comments/{comment_id}/return": {},
        "POST /comments/{comment_id}/acknowledge": {},
        "POST /books/{book_id}/rating": {"year": 2026, "level": "good"},
        "POST /notices": {"member_id": member.pk, "description": "Vắng sinh hoạt", "observed_on": "2026-11-20"},
        "POST /notices/{notice_id}/answer": {"answer": "Đã nhắc nhở"},
        "POST /meetings": {
            "cell_id": objs["residence_cell"].pk,
            "held_on": "2026-11-20",
            "attendance": [{"member_id": pk, "present": True} for pk in objs["cell_members"]],
        },
    }[key]


def check_api(world: World, client: Client, method: str, path: str, role: str, side: str) -> list[str]:
    short = path.removeprefix("/api/v1")
    key = f"{method} {short}"
    params = re.findall(r"\{(\w+)\}", short)
    objs = world.own if side == "own" else world.foreign
    url = path
    object_key = None
    for param in params:
        object_key = rules.API_OBJECT_OF_PARAM.get(param)
        if object_key is None:
            return [f"{key}: which object is {{{param}}}? declare it in API_OBJECT_OF_PARAM"]
        url = url.replace("{" + param + "}", str(objs[object_key].pk))
    if method == "POST" and key not in rules.API_ACT:
        return [f"{key}: no rule — declare who may act in tests/permissions.py API_ACT"]
    headers = {} if role == "anonymous" else {"Authorization": f"Bearer {world.tokens[role]}"}
    if method == "GET":
        response = rolled_back(lambda: client.get(url, headers=headers))
    else:
        body = json.dumps(api_body(key, objs, world.cast))
        response = rolled_back(lambda: client.post(url, body, content_type="application/json", headers=headers))
    got = response.status_code
    where = f"{method} {url} [{key}] as {role}, {side} object"
    board_sees = role == "board_officer"  # every object of the cast is in the board's province
    if key in rules.API_PUBLIC:
        expected = {200}
    elif role == "anonymous":
        expected = {401}
    elif method == "GET" and object_key is None:
        expected = {200}
    elif method == "GET":
        expected = {200} if role in rules.API_SEEN_BY[object_key] and (side == "own" or board_sees) else {404}
    elif object_key is not None:  # an action on the object in the path
        sees = role in rules.API_SEEN_BY[object_key] and (side == "own" or board_sees)
        if not sees:
            expected = {404}
        elif role in rules.API_ACT[key] and side == "own":
            expected = {200, 201, 400, 409}
        elif key in rules.API_BODY_OBJECT:  # the body's object may be out of the caller's sight: 404
            expected = {403, 404}
        else:
            expected = {403}
    else:  # an action on the object named in the body
        acts = role in rules.API_ACT[key] and side == "own"
        expected = {200, 201, 400, 409} if acts else {403, 404}
    problems = []
    if got not in expected:
        problems.append(f"{where}: expected {sorted(expected)}, got {got} {response.content[:200]!r}")
    if got in (200, 201) and role != "board_officer" and (leaked := foreign_names_in(response)):
        problems.append(f"{where}: shows the foreign member(s) {leaked}")
    return problems


# --------------------------------------------------------------------------- the tests


def test_every_route_has_a_declared_rule():
    problems = [reason for route in screen_routes() if (reason := undeclared(route))]
    assert not problems, "routes without a rule:\n" + "\n".join(problems)


def test_a_new_route_without_a_rule_fails_naming_it():
    def new_view(request):  # pragma: no cover - never called
        raise AssertionError

    route = Route("workplace:brand_new", "noi-cong-tac/moi/<int:pk>/", new_view, ["pk"])
    assert undeclared(route) == (
        "workplace:brand_new (noi-cong-tac/moi/<int:pk>/): no rule — wrap the view in "
        "web.common.hat_required or declare it in tests/permissions.py"
    )
    new_view.hat_kinds = frozenset({"workplace"})  # type: ignore[attr-defined]
    assert "declare it in OBJECT_OF" in (undeclared(route) or "")


def test_the_skipped_routes_are_the_admin_and_set_language_only():
    left_out = {r.key for r in all_routes() if skipped(r)}
    assert "set_language" in left_out
    assert all(key == "set_language" or pattern.startswith("quan-tri/") for key, pattern in _keys(left_out))


def _keys(keys: set[str]) -> list[tuple[str, str]]:
    by_key = {r.key: r.pattern for r in all_routes()}
    return [(k, by_key[k]) for k in keys]


def test_every_api_operation_has_a_declared_rule(client):
    problems = []
    for method, path in api_operations(client):
        short = path.removeprefix("/api/v1")
        for param in re.findall(r"\{(\w+)\}", short):
            if param not in rules.API_OBJECT_OF_PARAM:
                problems.append(f"{method} {short}: which object is {{{param}}}?")
        if method == "POST" and f"{method} {short}" not in rules.API_ACT:
            problems.append(f"{method} {short}: no rule in API_ACT")
        if method not in ("GET", "POST"):
            problems.append(f"{method} {short}: a method the matrix does not know")
    assert not problems, "API operations without a rule:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", list(rules.ROLES))
def test_screens_matrix(world, media, role):
    client = client_for(world, role)
    problems = []
    for route in screen_routes():
        if undeclared(route):
            continue  # reported by test_every_route_has_a_declared_rule
        if route.key in rules.PUBLIC or route.key in rules.LOGGED_IN:
            client = client_for(world, role)  # logging out, switching hats: a fresh session each time
        for side in ("own", "foreign") if route.arguments and route.key in rules.OBJECT_OF else ("own",):
            problems += check_screen(world, client, route, role, side)
    assert not problems, f"{len(problems)} cells of the matrix are wrong:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", list(rules.ROLES))
def test_api_matrix(world, media, role):
    client = Client()
    problems = []
    for method, path in api_operations(client):
        for side in ("own", "foreign"):
            problems += check_api(world, client, method, path, role, side)
    assert not problems, f"{len(problems)} cells of the API matrix are wrong:\n" + "\n".join(problems)
