"""Every role lands on its own home page; the pages run a fixed number of queries."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from books import actions
from orgs.models import Role
from tests.cast import PASSWORD, grant, make_user


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert "Đăng nhập" in page.content.decode()


def test_a_wrong_password_is_told_in_vietnamese(client, cast):
    response = client.post(reverse("login"), {"username": "tc_bithu", "password": "sai"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("finance_secretary", ["Đảng ủy Sở Tài chính", "Cần giới thiệu", "Phiếu xin ý kiến nhận xét năm 2026"]),
        ("finance_clerk", ["Đảng ủy Sở Tài chính", "Chờ nơi cư trú tiếp nhận"]),
        ("finance_cell_secretary", ["Chi bộ Phòng Ngân sách", "Đảng viên của chi bộ", "Nguyễn Văn An"]),
        ("lc_secretary", ["Đảng ủy phường Long Châu", "Giấy giới thiệu chờ tiếp nhận", "Chi bộ Khóm 1"]),
        ("lc_clerk", ["Đảng ủy phường Long Châu", "Chi bộ Khóm 2"]),
        ("lc_cell_secretary", ["Chi bộ Khóm 1", "Cần nhận xét"]),
        ("board_officer", ["Ban Tổ chức Tỉnh ủy Vĩnh Long", "Quá hạn"]),
        ("member_user", ["Sổ liên hệ của tôi", "Nguyễn Văn An", "Nhiệm kỳ 2025–2030"]),
        ("outsider", ["Chưa có vai trò"]),
    ],
)
def test_each_role_lands_on_its_own_home_page(client, cast, who, expected):
    login(client, getattr(cast, who))
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    for text in expected:
        assert text in body


def test_a_deputy_secretary_lands_on_the_workplace_committee_home(client, cast):
    deputy = make_user("tc_phobithu", "Phan Thị Ngọc Lan")
    grant(deputy, cast.finance, Role.DEPUTY)
    login(client, deputy)
    response = client.get("/")
    assert response.status_code == 200
    assert response.templates[0].name == "accounts/home_workplace.html"
    body = response.content.decode()
    for text in ["Đảng ủy Sở Tài chính", "Cần giới thiệu", "Phiếu xin ý kiến nhận xét năm 2026"]:
        assert text in body


def test_the_residence_side_never_sees_an_e2_member(client, cast):
    secret = cast.member_factory(full_name="Hoàng Văn Mật")
    with time_machine.travel(datetime.date(2026, 1, 10)):
        letter = actions.issue_letter(secret, by=cast.finance_clerk)
        actions.confirm_letter(letter, cell=cast.lc_cell_1, by=cast.lc_clerk)
    login(client, cast.lc_cell_secretary)
    assert "Hoàng Văn Mật" in client.get("/").content.decode()
    actions.set_exemption(secret, exemption="E2", reason="Nhiệm vụ cần giữ bí mật", by=cast.finance_secretary)
    assert "Hoàng Văn Mật" not in client.get("/").content.decode()


def test_a_user_with_two_roles_can_switch_between_them(client, cast):
    grant(cast.lc_clerk, cast.finance, "clerk")
    login(client, cast.lc_clerk)
    assert "Đảng ủy phường Long Châu" in client.get("/").content.decode()
    hats = client.get("/").context["hats"]
    finance_hat = next(h for h in hats if h.organisation == cast.finance)
    response = client.post(reverse("switch_role"), {"role": finance_hat.key}, follow=True)
    body = response.content.decode()
    assert "Cần giới thiệu" in body and "Đảng ủy Sở Tài chính" in body
    refused = client.post(reverse("switch_role"), {"role": "ra:999999"}, follow=True)
    assert "Vai trò không hợp lệ" in refused.content.decode()


def _home_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "who", ["finance_secretary", "finance_cell_secretary", "lc_secretary", "lc_cell_secretary", "board_officer"]
)
def test_home_pages_run_the_same_number_of_queries_for_few_or_many_members(client, cast, who):
    def add_members(n):
        members = [cast.member_factory() for _ in range(n)]
        with time_machine.travel(datetime.date(2026, 1, 10)):
            letters = actions.issue_letters(members, by=cast.finance_clerk)
            actions.confirm_letters([(letter, cast.lc_cell_1) for letter in letters], by=cast.lc_clerk)
        with time_machine.travel(datetime.date(2026, 11, 20)):
            actions.open_campaign(cast.finance, by=cast.finance_clerk)

    login(client, getattr(cast, who))
    add_members(3)
    with time_machine.travel(datetime.date(2026, 11, 20)):
        few = _home_queries(client)
    add_members(20)
    with time_machine.travel(datetime.date(2026, 11, 20)):
        many = _home_queries(client)
    assert few == many


def test_healthz_answers_when_the_database_does(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def _database_down(patch):
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    def broken(self, sql, params=None):
        raise OperationalError("down")

    patch.setattr(CursorWrapper, "execute", broken)


def test_healthz_says_503_when_the_database_fails(client, db, monkeypatch):
    with monkeypatch.context() as patch:
        _database_down(patch)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "OperationalError"}


@pytest.fixture
def production(settings):
    """The production settings that stop a probe: https redirect and a real ALLOWED_HOSTS."""
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["example.org"]
    return settings


def test_in_production_a_probe_by_ip_over_plain_http_gets_200(client, db, production):
    # the same request to any other page is refused: the settings are really in force
    assert client.get("/dang-nhap/", HTTP_HOST="10.0.0.5").status_code == 400
    assert client.get("/dang-nhap/", HTTP_HOST="example.org").status_code == 301

    response = client.get("/healthz", HTTP_HOST="10.0.0.5")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response["Cache-Control"] == "no-store" and response["X-Content-Type-Options"] == "nosniff"
    assert client.head("/healthz", HTTP_HOST="10.0.0.5").status_code == 200


def test_in_production_a_probe_by_ip_gets_503_when_the_database_is_down(client, db, production, monkeypatch):
    with monkeypatch.context() as patch:
        _database_down(patch)
        response = client.get("/healthz", HTTP_HOST="10.0.0.5")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_healthz_answers_only_get_and_head(client, db, production):
    assert client.post("/healthz", HTTP_HOST="example.org", secure=True).status_code == 405


def test_gunicorn_access_log_leaves_out_successful_probes_only():
    import logging

    from config.healthz import QuietHealthzFilter

    def line(path, status):
        return logging.LogRecord("gunicorn.access", logging.INFO, "", 0, "%(r)s", ({"U": path, "s": status},), None)

    quiet = QuietHealthzFilter()
    assert not quiet.filter(line("/healthz", 200))
    assert quiet.filter(line("/healthz", 503))
    assert quiet.filter(line("/", 200))
