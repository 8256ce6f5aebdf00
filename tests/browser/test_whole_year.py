"""The whole 213 year in a real browser, by the personas, each on their own screens.

The workplace clerk issues the letters → the residence committee receives them and assigns the
cells → the workplace opens the October campaign → the residence cell secretary, on a 360 px
phone, writes, saves and signs the comments → the residence committee certifies and returns
them → the workplace acknowledges → the December rating shows the comment beside it.
Screenshots of every step go to test-output/screenshots/year-*.png.
"""

import datetime
import re
import zoneinfo

import pytest
import time_machine

from books.models import AnnualRating, CommentRequest, CommentStatus, IntroductionLetter, LetterStatus
from tests.browser.test_login import log_in

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def on(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=VN), tick=True)


def log_out(page):
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("heading", name="Đăng nhập").wait_for()


def success(page, pattern):
    message = page.locator(".msg.success").filter(has_text=re.compile(pattern))
    message.first.wait_for()
    return message.first.inner_text()


@pytest.mark.django_db(transaction=True)
def test_the_whole_year_in_the_browser(page, phone, cast, shoot):
    members = [cast.member, cast.member_factory(full_name="Lê Thị Hồng"), cast.member_factory(full_name="Đỗ Văn Đạt")]

    # January: the workplace clerk signs and sends the start-of-year letters
    with on(datetime.date(2026, 1, 12)):
        log_in(page, "tc_vanthu")
        page.goto("/noi-cong-tac/gioi-thieu-dau-nam/")
        page.locator("#chon-het").check()
        page.get_by_role("button", name=re.compile("Ký và gửi giấy giới thiệu cho người đã chọn")).click()
        shoot(page, "year-01-letters-confirm")
        page.get_by_role("button", name=re.compile(r"Ký và gửi 3 giấy giới thiệu")).click()
        text = success(page, "GGT")
        assert "1-GGT/ĐU" in text and "3-GGT/ĐU" in text
        shoot(page, "year-02-letters-sent")
        log_out(page)
    assert IntroductionLetter.objects.filter(status=LetterStatus.ISSUED).count() == 3

    # January: the residence committee receives them; the cell is guessed from "Khóm 1"
    with on(datetime.date(2026, 1, 20)):
        log_in(page, "lc_vanthu")
        page.goto("/noi-cu-tru/giay-gioi-thieu/")
        for box in page.locator('input[name="chon"]').all():
            box.check()
        shoot(page, "year-03-letters-to-receive")
        page.get_by_role("button", name="Tiếp nhận và phân công các giấy đã chọn").click()
        success(page, "iếp nhận")
        shoot(page, "year-04-letters-received")
        log_out(page)
    letters = IntroductionLetter.objects.filter(status=LetterStatus.RECEIVED)
    assert letters.count() == 3
    assert {letter.assigned_cell for letter in letters} == {cast.lc_cell_1}

    # October: the workplace opens the campaign after a preview
    with on(datetime.date(2026, 10, 2)):
        log_in(page, "tc_vanthu")
        page.goto("/noi-cong-tac/dot-nhan-xet/")
        page.get_by_text("Đảng ủy phường Long Châu").first.wait_for()
        shoot(page, "year-05-campaign-preview")
        page.get_by_role("button", name=re.compile("Mở đợt và gửi 3 phiếu")).click()
        success(page, "3")
        log_out(page)
    assert CommentRequest.objects.filter(status=CommentStatus.REQUESTED).count() == 3

    # October: the residence cell secretary, on a phone, writes, saves, reloads and signs
    with on(datetime.date(2026, 10, 20)):
        log_in(phone, "lc_k1_bithu")
        for index, member in enumerate(sorted(members, key=lambda m: m.sort_key)):
            phone.goto("/chi-bo/nhan-xet/")
            phone.get_by_role("link", name=re.compile(member.full_name)).first.click()
            for area in phone.locator('textarea[name^="criteria_"]').all():
                area.fill("Gương mẫu, tích cực tham gia phong trào của khóm.")
            phone.get_by_label(re.compile("Đại diện ban công tác Mặt trận")).fill(
                "Bà Lê Thị Ba, Trưởng ban công tác Mặt trận khóm"
            )
            phone.get_by_role("button", name="Lưu nháp").click()
            success(phone, "nháp")
            phone.reload()
            assert "Gương mẫu" in phone.locator('textarea[name^="criteria_"]').first.input_value()
            phone.get_by_label("Hoàn thành tốt trách nhiệm nơi cư trú").check()
            if index == 0:
                shoot(phone, "year-06-cell-comment-phone")
                assert phone.evaluate("document.documentElement.scrollWidth") <= 360
            phone.get_by_role("button", name="Ký nhận xét").click()
            success(phone, "ký")
        shoot(phone, "year-07-cell-signed-phone")
        log_out(phone)
    assert CommentRequest.objects.filter(status=CommentStatus.SIGNED).count() == 3

    # October: the residence committee certifies and returns them in one go
    with on(datetime.date(2026, 10, 25)):
        log_in(page, "lc_bithu")
        page.goto("/noi-cu-tru/nhan-xet/")
        for box in page.locator('input[name="chon"]').all():
            box.check()
        shoot(page, "year-08-comments-to-certify")
        page.get_by_role("button", name="Xác nhận và gửi về nơi công tác các phiếu đã chọn").click()
        page.locator(".msg").first.wait_for()
        shoot(page, "year-09-comments-returned")
        log_out(page)
    assert CommentRequest.objects.filter(status=CommentStatus.RETURNED).count() == 3

    # November: the workplace acknowledges them
    with on(datetime.date(2026, 11, 5)):
        log_in(page, "tc_vanthu")
        page.goto("/noi-cong-tac/nhan-xet/")
        for box in page.locator('input[name="chon"]').all():
            box.check()
        page.get_by_role("button", name="Đã nhận các phiếu đã chọn").click()
        page.locator(".msg").first.wait_for()
        shoot(page, "year-10-comments-acknowledged")
        log_out(page)
    assert CommentRequest.objects.filter(status=CommentStatus.ACKNOWLEDGED).count() == 3

    # December: the rating form shows the residence comment beside it
    with on(datetime.date(2026, 12, 15)):
        log_in(page, "tc_bithu")
        page.goto("/noi-cong-tac/xep-loai/")
        row = page.get_by_role("row").filter(has_text=cast.member.full_name)
        row.get_by_role("link", name="Xếp loại").click()
        page.get_by_text("Hoàn thành tốt trách nhiệm nơi cư trú").first.wait_for()
        page.get_by_text("Bà Lê Thị Ba").first.wait_for()
        page.get_by_label("Hoàn thành tốt nhiệm vụ").check()
        shoot(page, "year-11-rating-with-comment")
        page.get_by_role("button", name="Ghi xếp loại năm 2026").click()
        page.locator(".msg.success").first.wait_for()
        shoot(page, "year-12-rated")
        log_out(page)
    rating = AnnualRating.objects.get(book__member=cast.member, year=2026)
    assert rating.comment is not None and not rating.without_comment
