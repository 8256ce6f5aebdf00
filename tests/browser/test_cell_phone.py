"""On a 360 px phone, the residence cell secretary records the 6-monthly meeting, then writes a
member's comment, saves it as a draft, reloads it and signs it."""

import contextlib
import datetime

import pytest
import time_machine
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from books import actions
from books.models import CommentRequest, CommentStatus, MeetingAttendance, ResidenceMeeting
from tests.cast import FRONT_PARTICIPANT, PASSWORD, introduce


def log_in(page, username):
    page.goto("/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def fits_the_phone(page):
    # the layout settles after the web font and htmx have run: give it up to 3 s before measuring
    page.wait_for_load_state("networkidle")
    with contextlib.suppress(PlaywrightTimeout):  # measured and reported below
        page.wait_for_function("document.documentElement.scrollWidth <= 360", timeout=3000)
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 360)
            .filter(e => { for (let a = e.parentElement; a; a = a.parentElement) {
                if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return false; }
                return true; })
            .slice(0, 5).map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').trim().slice(0, 60))"""
    )
    assert width <= 360, f"{page.url} scrolls sideways: {width}px; too wide: {wide}"


def tall_enough(locator, minimum=44):
    box = locator.bounding_box()
    assert box is not None and box["height"] >= minimum, f"tap target too small: {box}"


@pytest.mark.django_db(transaction=True)
def test_the_cell_secretary_records_a_meeting_and_writes_and_signs_a_comment_on_a_phone(phone, cast, shoot):
    binh = cast.member_factory(full_name="Lê Văn Bình")
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, cast.member, cell=cast.lc_cell_1)
        introduce(cast, binh, cell=cast.lc_cell_1)
    with time_machine.travel(datetime.date(2026, 10, 2)):
        actions.open_campaign(cast.finance, year=2026, by=cast.finance_clerk)
    request = CommentRequest.objects.get(book__member=cast.member, year=2026)
    profile = actions.default_profile()

    log_in(phone, "lc_k1_bithu")
    phone.get_by_role("heading", level=1, name="Chi bộ Khóm 1").wait_for()
    fits_the_phone(phone)

    # --- the 6-monthly meeting: one tap per member
    phone.get_by_role("link", name="Ghi buổi sinh hoạt 6 tháng").click()
    phone.get_by_role("heading", level=1, name="Ghi buổi sinh hoạt 6 tháng").wait_for()
    fits_the_phone(phone)
    phone.get_by_label("Nội dung buổi sinh hoạt").fill("Sơ kết 6 tháng cuối năm, triển khai nhiệm vụ")
    binh_box = phone.locator("fieldset.res-att", has_text="Lê Văn Bình")
    absent = binh_box.locator("label.res-vang")
    tall_enough(absent)
    absent.click()
    phone.get_by_label("Lý do vắng — Lê Văn Bình").fill("Đi công tác tỉnh ngoài")
    shoot(phone, "cell-phone-1-meeting-form")
    save = phone.get_by_role("button", name="Lưu biên bản sinh hoạt")
    tall_enough(save)
    save.click()
    phone.get_by_text("1 có mặt, 1 vắng").first.wait_for()
    phone.get_by_text("Kỳ này đã ghi ngày").wait_for()
    fits_the_phone(phone)
    shoot(phone, "cell-phone-2-meeting-recorded")
    meeting = ResidenceMeeting.objects.get(cell=cast.lc_cell_1)
    assert meeting.topic == "Sơ kết 6 tháng cuối năm, triển khai nhiệm vụ"
    marks = {a.member_id: (a.present, a.absence_reason) for a in MeetingAttendance.objects.filter(meeting=meeting)}
    assert marks == {cast.member.pk: (True, ""), binh.pk: (False, "Đi công tác tỉnh ngoài")}

    # --- "Cần nhận xét", then the comment: a draft first
    phone.goto("/chi-bo/nhan-xet/")
    phone.get_by_role("heading", name="Cần nhận xét (2)").wait_for()
    fits_the_phone(phone)
    shoot(phone, "cell-phone-3-to-comment")
    phone.get_by_role("link", name="Nguyễn Văn An").click()
    phone.get_by_role("heading", level=1, name="Nhận xét đảng viên năm 2026").wait_for()
    fits_the_phone(phone)
    first, second, *rest = profile.criteria
    phone.get_by_label(first["label"]).fill("Gương mẫu chấp hành, vận động gia đình cùng thực hiện.")
    phone.get_by_label(second["label"]).fill("Thực hiện tốt nghĩa vụ công dân nơi cư trú.")
    phone.get_by_label("Khuyết điểm, hạn chế").fill("Có lúc chưa dự họp tổ dân phố.")
    draft = phone.get_by_role("button", name="Lưu nháp")
    tall_enough(draft)
    draft.click()
    phone.get_by_text("Đã lưu nháp nhận xét của đồng chí Nguyễn Văn An").wait_for()
    assert CommentRequest.objects.get(pk=request.pk).status == CommentStatus.DRAFTED
    phone.reload()
    assert phone.get_by_label(first["label"]).input_value() == "Gương mẫu chấp hành, vận động gia đình cùng thực hiện."
    assert phone.get_by_label("Khuyết điểm, hạn chế").input_value() == "Có lúc chưa dự họp tổ dân phố."
    shoot(phone, "cell-phone-4-draft-reloaded")

    # --- signing too early says what is missing and loses nothing
    phone.get_by_role("button", name="Ký nhận xét").click()
    phone.get_by_text("Chưa ký được").first.wait_for()
    assert phone.get_by_label(second["label"]).input_value() == "Thực hiện tốt nghĩa vụ công dân nơi cư trú."
    fits_the_phone(phone)
    shoot(phone, "cell-phone-5-sign-refused")
    assert CommentRequest.objects.get(pk=request.pk).status == CommentStatus.DRAFTED

    # --- complete it and sign
    for criterion in rest:
        phone.get_by_label(criterion["label"]).fill("Tham gia đầy đủ, giữ liên hệ tốt với chi ủy và Mặt trận.")
    phone.get_by_label("Ý kiến của nhân dân, ban công tác Mặt trận").fill("Nhân dân và Mặt trận khu dân cư đồng tình.")
    summary = phone.locator("label.res-choice", has_text=profile.summary_levels[0]["label"])
    tall_enough(summary)
    summary.click()
    phone.get_by_label("Đại diện ban công tác Mặt trận cùng nhận xét (họ tên, chức danh)").fill(FRONT_PARTICIPANT)
    sign = phone.get_by_role("button", name="Ký nhận xét")
    tall_enough(sign)
    sign.click()
    phone.get_by_text("Đã ký nhận xét của đồng chí Nguyễn Văn An").wait_for()
    phone.get_by_text("T/M CHI ỦY, BÍ THƯ Nguyễn Thị Bảy").wait_for()
    assert phone.locator("textarea").count() == 0
    fits_the_phone(phone)
    shoot(phone, "cell-phone-6-signed")
    signed = CommentRequest.objects.get(pk=request.pk)
    assert signed.status == CommentStatus.SIGNED
    assert signed.front_participant == FRONT_PARTICIPANT
    assert signed.summary == profile.summary_levels[0]["key"]
    assert signed.criteria[first["key"]] == "Gương mẫu chấp hành, vận động gia đình cùng thực hiện."
