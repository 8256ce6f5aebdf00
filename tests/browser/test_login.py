"""In a real browser: log in as each role and land on that role's home page."""

import pytest

from tests.cast import PASSWORD


def log_in(page, username, password=PASSWORD):
    page.goto("/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


HOMES = [
    ("tc_bithu", "Đảng ủy Sở Tài chính"),
    ("tc_cb_bithu", "Chi bộ Phòng Ngân sách"),
    ("lc_vanthu", "Đảng ủy phường Long Châu"),
    ("lc_k1_bithu", "Chi bộ Khóm 1"),
    ("btc_canbo", "Ban Tổ chức Tỉnh ủy Vĩnh Long"),
    ("dv_an", "Sổ liên hệ của tôi"),
]


@pytest.mark.django_db(transaction=True)
def test_each_role_logs_in_and_sees_its_home(page, cast, shoot):
    for username, heading in HOMES:
        log_in(page, username)
        page.get_by_role("heading", level=1, name=heading).wait_for()
        shoot(page, f"home-{username}")
        page.get_by_role("button", name="Đăng xuất").click()
        page.get_by_role("heading", name="Đăng nhập").wait_for()


@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_is_explained_in_vietnamese(page, cast, shoot):
    log_in(page, "tc_bithu", "sai-mat-khau")
    page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng").wait_for()
    assert page.get_by_label("Tên đăng nhập").input_value() == "tc_bithu"
    shoot(page, "login-wrong-password")


@pytest.mark.django_db(transaction=True)
def test_the_cell_secretary_home_fits_a_360px_phone(phone, cast, shoot):
    log_in(phone, "lc_k1_bithu")
    phone.get_by_role("heading", level=1, name="Chi bộ Khóm 1").wait_for()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways: {width}px"
    shoot(phone, "home-cell-secretary-phone")
