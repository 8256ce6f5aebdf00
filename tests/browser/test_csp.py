"""In a real browser: the Content-Security-Policy blocks nothing on the main pages of each role
(no 'Refused to …' in the console), htmx and the select-all box still work under it."""

import pytest

from tests.browser.test_login import log_in

ROLES = ["tc_vanthu", "lc_vanthu", "lc_k1_bithu", "btc_canbo", "dv_an"]


def watch_console(page):
    seen: list[str] = []
    page.on("console", lambda message: seen.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: seen.append(f"pageerror: {error}"))
    return seen


def violations(messages):
    return [m for m in messages if "Content Security Policy" in m or "Refused to" in m or m.startswith("pageerror")]


@pytest.mark.django_db(transaction=True)
def test_no_csp_violation_on_the_main_pages_of_each_role(page, cast, shoot):
    console = watch_console(page)
    visited = []
    for username in ROLES:
        log_in(page, username)
        page.locator("main h1").first.wait_for()
        hrefs = page.locator("nav.mainnav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        for href in [*hrefs, "/tai-khoan/", "/tai-khoan/doi-mat-khau/", "/thong-bao/"]:
            page.goto(href)
            page.wait_for_load_state("load")
            assert page.evaluate("typeof htmx") == "object", href
            # htmx was told not to inject its <style>; app.css carries the indicator rule
            assert page.evaluate("document.querySelectorAll('style').length") == 0, href
            visited.append(href)
        page.get_by_role("button", name="Đăng xuất").click()
        page.get_by_role("heading", name="Đăng nhập").wait_for()
    for href in ["/quen-mat-khau/", "/api/v1/docs"]:
        page.goto(href)
        page.wait_for_load_state("load")
    assert len(visited) >= 15
    assert violations(console) == []
    # the control: an inline script put in by hand is refused, and the console shows it
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1'; document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.x") == "undefined"
    assert any("inline script" in m for m in violations(console)), console


@pytest.mark.django_db(transaction=True)
def test_select_all_works_from_the_static_script(page, cast, shoot):
    cast.member_factory(full_name="Lê Thị Hồng")
    console = watch_console(page)
    log_in(page, "tc_vanthu")
    page.goto("/noi-cong-tac/gioi-thieu-dau-nam/")
    boxes = page.locator('input[name="chon"]')
    assert boxes.count() >= 2
    page.locator("#chon-het").check()
    assert all(box.is_checked() for box in boxes.all())
    page.locator("#chon-het").uncheck()
    assert not any(box.is_checked() for box in boxes.all())
    shoot(page, "csp-select-all")
    assert violations(console) == []
