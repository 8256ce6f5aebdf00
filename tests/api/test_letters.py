"""/letters: introduction letters (mẫu 1-213), who sees them, and issue → confirm → withdraw."""

import datetime

import pytest
import time_machine

from books.models import IntroductionLetter, LetterStatus, ResidenceRegisterEntry

from .conftest import names, refusal


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("finance_clerk", ["Hoàng Văn Mật", "Nguyễn Văn An", "Phan Văn Chờ"]),
        ("health_secretary", ["Lý Thị Y"]),
        ("lc_clerk", ["Nguyễn Văn An", "Phan Văn Chờ"]),
        ("lc_cell_secretary", ["Nguyễn Văn An"]),
        ("pk_secretary", ["Lý Thị Y"]),
        ("board_officer", ["Hoàng Văn Mật", "Lý Thị Y", "Nguyễn Văn An", "Phan Văn Chờ"]),
        ("member_user", ["Nguyễn Văn An"]),
        ("outsider", []),
    ],
)
def test_each_role_lists_the_letters_it_may_see(api, cast, world, who, expected):
    assert names(api(getattr(cast, who)).get("/letters")) == expected


def test_a_letter_reads_as_the_form_with_its_number_signer_and_cell(api, cast, world):
    letter = cast.book(cast.member).active_letter()
    body = api(cast.lc_clerk).get(f"/letters/{letter.pk}").json()
    assert body["number"] == letter.display_number
    assert body["status"] == "received" and body["status_label"] == "Đã tiếp nhận"
    assert body["issuing_committee"]["name"] == "Đảng ủy Sở Tài chính"
    assert body["assigned_cell"]["name"] == "Chi bộ Khóm 1"
    assert body["issued_on"] == "2026-01-10" and body["received_on"] == "2026-01-10"
    assert body["birth_date"] == "1985-04-12" and "national_id" not in body


def test_letters_filter_by_status_year_committees_and_name(api, cast, world):
    finance = api(cast.finance_clerk)
    assert names(finance.get("/letters", status="issued")) == ["Phan Văn Chờ"]
    assert names(finance.get("/letters", status="withdrawn")) == ["Hoàng Văn Mật"]
    assert names(finance.get("/letters", year=2025)) == []
    assert names(finance.get("/letters", year=2026, q="nguyen van")) == ["Nguyễn Văn An"]
    assert names(api(cast.board_officer).get("/letters", residence_committee=cast.phu_khuong.pk)) == ["Lý Thị Y"]
    assert names(api(cast.board_officer).get("/letters", issuing_committee=cast.health.pk)) == ["Lý Thị Y"]
    refusal(finance.get("/letters", status="lost"), 422)


@pytest.mark.parametrize(
    ("who", "member"),
    [("health_secretary", "an"), ("pk_secretary", "an"), ("lc_clerk", "health"), ("lc_clerk", "secret")],
)
def test_a_letter_of_another_committee_is_404(api, cast, world, who, member):
    letter = IntroductionLetter.objects.filter(book__member=world[member]).first()
    refusal(api(getattr(cast, who)).get(f"/letters/{letter.pk}"), 404)


def test_a_draft_stays_on_the_workplace_side(api, cast):
    response = api(cast.finance_clerk).post("/letters/prepare", {"member_id": cast.member.pk})
    assert response.status_code == 201, response.content
    draft = response.json()
    assert draft["status"] == "draft" and draft["number"] is None
    assert draft["addressee"]["name"] == "Đảng ủy phường Long Châu"
    refusal(api(cast.lc_clerk).get(f"/letters/{draft['id']}"), 404)
    again = refusal(api(cast.finance_clerk).post("/letters/prepare", {"member_id": cast.member.pk}), 409)
    assert again["detail"] == "Nguyễn Văn An: đã có giấy giới thiệu đang có hiệu lực."


def test_the_workplace_committee_issues_letters_for_several_members_at_once(api, cast):
    other = cast.member_factory(full_name="Đỗ Thị Hai")
    with time_machine.travel(datetime.date(2026, 1, 12)):
        response = api(cast.finance_clerk).post("/letters/issue", {"member_ids": [cast.member.pk, other.pk]})
    assert response.status_code == 200, response.content
    letters = response.json()
    assert [x["status"] for x in letters] == ["issued", "issued"]
    assert [x["number"] for x in letters] == ["1-GGT/ĐU", "2-GGT/ĐU"]
    assert letters[0]["signer_name"] == "Trần Quốc Hùng" and letters[0]["issued_on"] == "2026-01-12"
    assert names(api(cast.lc_clerk).get("/letters", status="issued")) == ["Nguyễn Văn An", "Đỗ Thị Hai"]


def test_issuing_is_all_or_nothing_and_a_second_letter_is_409(api, cast, world):
    fresh = cast.member_factory(full_name="Mai Văn Mới")
    body = refusal(api(cast.finance_clerk).post("/letters/issue", {"member_ids": [fresh.pk, cast.member.pk]}), 409)
    assert "đã có giấy giới thiệu số" in body["detail"]
    assert not IntroductionLetter.objects.filter(book__member=fresh).exists()


def test_issuing_for_a_member_of_another_committee_is_404_and_issues_nothing(api, cast, world):
    fresh = cast.member_factory(full_name="Mai Văn Mới")
    refusal(api(cast.finance_clerk).post("/letters/issue", {"member_ids": [fresh.pk, world["health"].pk]}), 404)
    assert not IntroductionLetter.objects.filter(book__member=fresh).exists()


def test_issuing_for_nobody_or_in_the_future_is_400(api, cast):
    body = refusal(api(cast.finance_clerk).post("/letters/issue", {"member_ids": []}), 400)
    assert body["detail"] == "Chưa chọn đảng viên nào."
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    body = refusal(api(cast.finance_clerk).post("/letters/issue", {"member_ids": [cast.member.pk], "on": future}), 400)
    assert body["errors"] == {"on": ["Ngày ở tương lai."]}


def test_a_cell_secretary_of_the_workplace_may_not_sign_letters(api, cast):
    body = refusal(api(cast.finance_cell_secretary).post("/letters/issue", {"member_ids": [cast.member.pk]}), 403)
    assert body["detail"] == "Bạn không có quyền ký giấy giới thiệu của cấp ủy này."


def test_the_residence_committee_confirms_letters_with_their_cells(api, cast, world):
    letter = world["waiting_letter"]
    with time_machine.travel(datetime.date(2026, 1, 20)):
        response = api(cast.lc_clerk).post(
            "/letters/confirm", {"items": [{"letter_id": letter.pk, "cell_id": cast.lc_cell_2.pk}]}
        )
    assert response.status_code == 200, response.content
    [confirmed] = response.json()
    assert confirmed["status"] == "received" and confirmed["received_on"] == "2026-01-20"
    assert confirmed["assigned_cell"]["name"] == "Chi bộ Khóm 2" and confirmed["receiver_name"] == "Đặng Thị Hoa"
    assert ResidenceRegisterEntry.objects.get(member=world["waiting"], left_on__isnull=True).cell == cast.lc_cell_2
    again = refusal(
        api(cast.lc_clerk).post(
            "/letters/confirm", {"items": [{"letter_id": letter.pk, "cell_id": cast.lc_cell_1.pk}]}
        ),
        409,
    )
    assert "không ở trạng thái chờ tiếp nhận" in again["detail"]


def test_phu_khuong_cannot_confirm_a_letter_sent_to_long_chau(api, cast, world):
    letter = world["waiting_letter"]
    refusal(
        api(cast.pk_secretary).post(
            "/letters/confirm", {"items": [{"letter_id": letter.pk, "cell_id": cast.pk_cell.pk}]}
        ),
        404,
    )
    refusal(
        api(cast.lc_clerk).post("/letters/confirm", {"items": [{"letter_id": letter.pk, "cell_id": cast.pk_cell.pk}]}),
        404,
    )
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ISSUED


def test_a_receipt_before_the_letter_was_signed_is_400(api, cast, world):
    body = refusal(
        api(cast.lc_clerk).post(
            "/letters/confirm",
            {
                "items": [{"letter_id": world["waiting_letter"].pk, "cell_id": cast.lc_cell_1.pk}],
                "received_on": "2025-12-31",
            },
        ),
        400,
    )
    assert body["errors"] == {"received_on": ["Trước ngày ký giấy."]}


def test_the_workplace_committee_withdraws_a_letter_with_a_reason(api, cast, world):
    letter = world["waiting_letter"]
    body = refusal(api(cast.finance_clerk).post(f"/letters/{letter.pk}/withdraw", {"reason": ""}), 400)
    assert body["errors"] == {"reason": ["Bắt buộc."]}
    response = api(cast.finance_clerk).post(f"/letters/{letter.pk}/withdraw", {"reason": "Gửi nhầm"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn" and response.json()["end_reason"] == "Gửi nhầm"
    again = refusal(api(cast.finance_clerk).post(f"/letters/{letter.pk}/withdraw", {"reason": "Lần nữa"}), 409)
    assert again["detail"] == "Giấy giới thiệu này đã hết hiệu lực."


def test_the_residence_side_may_read_a_letter_but_not_withdraw_it(api, cast, world):
    letter = world["waiting_letter"]
    body = refusal(api(cast.lc_clerk).post(f"/letters/{letter.pk}/withdraw", {"reason": "Không nhận"}), 403)
    assert body["detail"] == "Bạn không có quyền thu hồi giấy giới thiệu này."
    refusal(api(cast.health_secretary).post(f"/letters/{letter.pk}/withdraw", {"reason": "Không"}), 404)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ISSUED


def test_a_missing_body_or_a_body_that_is_not_an_object_is_422(api, cast):
    body = refusal(api(cast.finance_clerk).post("/letters/issue", raw=""), 422)
    assert body["errors"] == {"body": ["Thiếu trường bắt buộc."]}
    body = refusal(api(cast.finance_clerk).post("/letters/issue", raw="[1, 2]"), 422)
    assert body["errors"] == {"body": ["Phải là một đối tượng JSON."]}
    body = refusal(api(cast.finance_clerk).post("/letters/issue", {"member_ids": ["a"]}), 422)
    assert body["errors"] == {"member_ids.0": ["Phải là một số nguyên."]}
