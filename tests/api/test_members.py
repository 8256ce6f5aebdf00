"""/members: who sees which members, with which fields; and the actions on a member."""

import datetime

import pytest
import time_machine

from books.models import IntroductionLetter, LetterStatus, ResidenceRegisterEntry
from members.models import Member
from tests.cast import LONG_CHAU, PHU_KHUONG, introduce, national_id_for

from .conftest import names, refusal

IDENTITY = {"party_card_number", "national_id", "birth_date", "phone", "email", "ratings"}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("finance_clerk", ["Hoàng Văn Mật", "Nguyễn Văn An", "Phan Văn Chờ"]),
        ("finance_cell_secretary", ["Hoàng Văn Mật", "Nguyễn Văn An", "Phan Văn Chờ"]),
        ("health_secretary", ["Lý Thị Y"]),
        ("lc_clerk", ["Nguyễn Văn An", "Phan Văn Chờ"]),
        ("lc_cell_secretary", ["Nguyễn Văn An"]),
        ("pk_secretary", ["Lý Thị Y"]),
        ("board_officer", ["Hoàng Văn Mật", "Lý Thị Y", "Nguyễn Văn An", "Phan Văn Chờ"]),
        ("member_user", ["Nguyễn Văn An"]),
        ("outsider", []),
    ],
)
def test_each_role_lists_its_own_members_and_the_residence_side_never_an_e2_one(api, cast, world, who, expected):
    assert names(api(getattr(cast, who)).get("/members")) == expected


def test_the_list_is_in_vietnamese_name_order_with_a_count(api, cast, world):
    body = api(cast.finance_clerk).get("/members").json()
    assert body["count"] == 3 and body["limit"] == 50 and body["offset"] == 0
    # by given name: An < Chờ < Mật
    assert [m["full_name"] for m in body["items"]] == ["Nguyễn Văn An", "Phan Văn Chờ", "Hoàng Văn Mật"]


def test_the_list_pages_with_limit_and_offset(api, cast, world):
    body = api(cast.finance_clerk).get("/members", limit=1, offset=1).json()
    assert body["count"] == 3 and [m["full_name"] for m in body["items"]] == ["Phan Văn Chờ"]
    assert api(cast.finance_clerk).get("/members", offset=10).json()["items"] == []


def test_a_page_larger_than_200_rows_is_refused_in_vietnamese(api, cast):
    body = refusal(api(cast.finance_clerk).get("/members", limit=500), 422)
    assert body["errors"] == {"limit": ["Phải nhỏ hơn hoặc bằng 200."]}
    assert "Dữ liệu gửi lên không hợp lệ" in body["detail"]


def test_the_residence_side_gets_no_identity_numbers(api, cast, world):
    for who in ("lc_clerk", "lc_cell_secretary"):
        items = api(getattr(cast, who)).get("/members").json()["items"]
        assert items and all(not (IDENTITY & set(item)) for item in items)
        detail = api(getattr(cast, who)).get(f"/members/{cast.member.pk}").json()
        assert not (IDENTITY & set(detail))
        assert detail["birth_year"] == 1985 and detail["residence_cell"]["name"] == "Chi bộ Khóm 1"


def test_the_workplace_side_gets_identity_numbers_and_ratings(api, cast, world):
    detail = api(cast.finance_clerk).get(f"/members/{cast.member.pk}").json()
    assert detail["party_card_number"] == cast.member.party_card_number
    assert detail["national_id"] == cast.member.national_id
    assert detail["birth_date"] == "1985-04-12"
    assert detail["ratings"] == [] and detail["book_id"] == cast.book(cast.member).pk
    assert detail["state"] == "received" and detail["residence_committee"]["name"] == "Đảng ủy phường Long Châu"


def test_a_user_on_both_sides_sees_identity_only_for_the_workplace_members(api, cast, world):
    from tests.cast import grant

    grant(cast.health_secretary, cast.long_chau, "clerk")
    items = {m["full_name"]: m for m in api(cast.health_secretary).get("/members").json()["items"]}
    assert set(items) == {"Lý Thị Y", "Nguyễn Văn An", "Phan Văn Chờ"}
    assert "national_id" in items["Lý Thị Y"]
    assert "national_id" not in items["Nguyễn Văn An"]


def test_search_needs_no_diacritics(api, cast, world):
    assert names(api(cast.finance_clerk).get("/members", q="nguyen van an")) == ["Nguyễn Văn An"]
    assert names(api(cast.finance_clerk).get("/members", q="PHAN van cho")) == ["Phan Văn Chờ"]


def test_the_workplace_side_finds_a_member_by_party_card_or_id_number(api, cast, world):
    assert names(api(cast.finance_clerk).get("/members", q=cast.member.party_card_number)) == ["Nguyễn Văn An"]
    assert names(api(cast.finance_clerk).get("/members", q=cast.member.national_id)) == ["Nguyễn Văn An"]


def test_the_residence_side_cannot_find_a_member_by_a_number_it_must_not_know(api, cast, world):
    assert names(api(cast.lc_clerk).get("/members", q=cast.member.national_id)) == []
    assert names(api(cast.lc_clerk).get("/members", q=cast.member.party_card_number)) == []
    assert names(api(cast.lc_clerk).get("/members", q="nguyen van an")) == ["Nguyễn Văn An"]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("received", ["Nguyễn Văn An"]),
        ("waiting", ["Phan Văn Chờ"]),
        ("not_introduced", ["Hoàng Văn Mật"]),
        ("to_introduce", []),
        ("closed", []),
    ],
)
def test_members_filter_by_state(api, cast, world, state, expected):
    assert names(api(cast.finance_clerk).get("/members", state=state)) == expected


def test_members_filter_by_exemption_and_by_cell(api, cast, world):
    finance = api(cast.finance_clerk)
    assert names(finance.get("/members", exemption="E2")) == ["Hoàng Văn Mật"]
    assert names(finance.get("/members", exemption="none")) == ["Nguyễn Văn An", "Phan Văn Chờ"]
    assert names(finance.get("/members", exemption="E1")) == []
    assert names(api(cast.lc_clerk).get("/members", cell=cast.lc_cell_1.pk)) == ["Nguyễn Văn An"]
    assert names(finance.get("/members", cell=cast.finance_cell.pk)) == [
        "Hoàng Văn Mật",
        "Nguyễn Văn An",
        "Phan Văn Chờ",
    ]
    refusal(finance.get("/members", state="unknown"), 422)


@pytest.mark.parametrize(
    ("who", "member"),
    [
        ("health_secretary", "an"),
        ("finance_clerk", "health"),
        ("pk_secretary", "an"),
        ("lc_clerk", "health"),
        ("lc_clerk", "secret"),
        ("lc_cell_secretary", "waiting"),
        ("outsider", "an"),
    ],
)
def test_a_member_the_caller_may_not_see_is_404(api, cast, world, who, member):
    body = refusal(api(getattr(cast, who)).get(f"/members/{world[member].pk}"), 404)
    assert body["detail"] == "Không tìm thấy hoặc bạn không có quyền xem."


def test_an_id_that_is_not_a_number_or_a_path_that_does_not_exist_is_a_json_404(api, cast):
    refusal(api(cast.finance_clerk).get("/members/khong-phai-so"), 404)
    refusal(api(cast.finance_clerk).get("/khong-co"), 404)


# --------------------------------------------------------------------------- register, update


def new_member(cast, **overrides):
    birth = datetime.date(1990, 3, 8)
    body = {
        "workplace_cell_id": cast.finance_cell.pk,
        "full_name": "Võ Thị Mới",
        "sex": "F",
        "birth_date": birth.isoformat(),
        "admitted_on": "2015-09-02",
        "official_on": "2016-09-02",
        "party_card_number": "86123456",
        "national_id": national_id_for("F", birth, 777),
        "residence_commune_code": LONG_CHAU,
        "residence_line": "Số 5, đường Lê Lợi, Khóm 2",
    }
    body.update(overrides)
    return body


def test_the_workplace_committee_registers_a_member_with_a_book(api, cast):
    response = api(cast.finance_clerk).post("/members", new_member(cast))
    assert response.status_code == 201, response.content
    body = response.json()
    member = Member.objects.get(pk=body["id"])
    assert member.full_name == "Võ Thị Mới" and member.residence_commune.code == LONG_CHAU
    assert body["book_id"] == cast.book(member).pk and body["state"] == "to_introduce"
    assert body["national_id"] == member.national_id


def test_registering_with_a_wrong_id_number_says_which_field_is_wrong(api, cast):
    body = refusal(api(cast.finance_clerk).post("/members", new_member(cast, national_id="123")), 400)
    assert "national_id" in body["errors"] and "12 chữ số" in body["detail"]
    assert not Member.objects.filter(full_name="Võ Thị Mới").exists()


def test_registering_with_an_unknown_commune_code_is_400(api, cast):
    body = refusal(api(cast.finance_clerk).post("/members", new_member(cast, residence_commune_code=999999)), 400)
    assert body["errors"] == {"residence_commune_code": ["Mã đơn vị hành chính không đúng."]}


def test_registering_into_a_cell_of_another_committee_is_404(api, cast):
    refusal(api(cast.health_secretary).post("/members", new_member(cast)), 404)
    assert not Member.objects.filter(full_name="Võ Thị Mới").exists()


def test_a_residence_committee_may_not_register_members(api, cast):
    body = refusal(api(cast.lc_clerk).post("/members", new_member(cast, workplace_cell_id=cast.lc_cell_1.pk)), 403)
    assert "không có quyền" in body["detail"]


def test_a_body_that_does_not_fit_the_schema_is_422_in_vietnamese(api, cast):
    body = refusal(
        api(cast.finance_clerk).post("/members", {"full_name": "Thiếu", "sex": "X", "birth_date": "27/11/1990"}), 422
    )
    assert body["errors"]["sex"] == ["Phải là một trong các giá trị: 'M' hoặc 'F'."]
    assert body["errors"]["birth_date"] == ["Ngày không hợp lệ: viết theo dạng YYYY-MM-DD, ví dụ 2026-10-20."]
    assert body["errors"]["workplace_cell_id"] == ["Thiếu trường bắt buộc."]
    assert body["detail"].startswith("Dữ liệu gửi lên không hợp lệ — workplace_cell_id: Thiếu trường bắt buộc; sex:")


def test_a_body_that_is_not_json_is_422_in_vietnamese(api, cast):
    body = refusal(api(cast.finance_clerk).post("/members", raw="{not json"), 422)
    assert "JSON" in body["detail"]


def test_an_unknown_field_is_refused_rather_than_ignored(api, cast):
    body = refusal(api(cast.finance_clerk).post("/members", new_member(cast, party_secret="x")), 422)
    assert body["errors"] == {"party_secret": ["Trường này không có trong API."]}


def test_the_workplace_committee_corrects_a_member(api, cast, world):
    response = api(cast.finance_clerk).post(f"/members/{cast.member.pk}/update", {"phone": "0912345678"})
    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "0912345678"
    cast.member.refresh_from_db()
    assert cast.member.phone == "0912345678"


def test_another_committee_cannot_correct_a_member(api, cast, world):
    refusal(api(cast.health_secretary).post(f"/members/{cast.member.pk}/update", {"phone": "0900000000"}), 404)
    refusal(api(cast.lc_clerk).post(f"/members/{cast.member.pk}/update", {"phone": "0900000000"}), 403)
    cast.member.refresh_from_db()
    assert cast.member.phone == ""


# --------------------------------------------------------------------------- residence side: cells


def test_the_residence_committee_moves_a_member_to_another_cell(api, cast, world):
    response = api(cast.lc_clerk).post(f"/members/{cast.member.pk}/reassign-cell", {"cell_id": cast.lc_cell_2.pk})
    assert response.status_code == 200, response.content
    assert response.json()["cell"]["name"] == "Chi bộ Khóm 2"
    assert ResidenceRegisterEntry.objects.get(member=cast.member, left_on__isnull=True).cell == cast.lc_cell_2


def test_moving_to_the_same_cell_is_409_in_vietnamese(api, cast, world):
    body = refusal(
        api(cast.lc_clerk).post(f"/members/{cast.member.pk}/reassign-cell", {"cell_id": cast.lc_cell_1.pk}), 409
    )
    assert body["detail"] == "Đảng viên đã sinh hoạt ở chi bộ này."


def test_phu_khuong_can_neither_move_a_long_chau_member_nor_use_a_long_chau_cell(api, cast, world):
    refusal(api(cast.pk_secretary).post(f"/members/{cast.member.pk}/reassign-cell", {"cell_id": cast.pk_cell.pk}), 404)
    refusal(api(cast.lc_clerk).post(f"/members/{cast.member.pk}/reassign-cell", {"cell_id": cast.pk_cell.pk}), 404)
    assert ResidenceRegisterEntry.objects.get(member=cast.member, left_on__isnull=True).cell == cast.lc_cell_1


# --------------------------------------------------------------------------- life events


def test_a_change_of_residence_issues_a_new_letter(api, cast, world):
    response = api(cast.finance_clerk).post(
        f"/members/{cast.member.pk}/change-residence", {"commune_code": PHU_KHUONG, "line": "Số 9, Khu phố 3"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["new_letter"]["status"] == "issued"
    assert body["new_letter"]["addressee"]["name"] == "Đảng ủy phường Phú Khương"
    assert body["member"]["residence_commune"]["code"] == PHU_KHUONG
    assert IntroductionLetter.objects.get(pk=body["new_letter"]["id"]).book.member == cast.member


def test_a_change_of_residence_to_the_same_address_is_400(api, cast, world):
    body = refusal(
        api(cast.finance_clerk).post(
            f"/members/{cast.member.pk}/change-residence",
            {"commune_code": LONG_CHAU, "line": cast.member.residence_line},
        ),
        400,
    )
    assert body["detail"] == "Địa chỉ mới trùng địa chỉ hiện tại."


def test_a_change_of_workplace_passes_the_book_to_the_new_committee(api, cast, world):
    response = api(cast.finance_clerk).post(
        f"/members/{cast.member.pk}/change-workplace", {"cell_id": cast.health_cell.pk}
    )
    assert response.status_code == 200, response.content
    assert response.json()["holder"]["name"] == "Đảng ủy Sở Y tế"
    assert names(api(cast.health_secretary).get("/members")) == ["Lý Thị Y", "Nguyễn Văn An"]
    refusal(api(cast.finance_clerk).get(f"/members/{cast.member.pk}"), 404)


def test_a_change_of_workplace_to_a_residence_cell_is_404(api, cast, world):
    refusal(
        api(cast.finance_clerk).post(f"/members/{cast.member.pk}/change-workplace", {"cell_id": cast.lc_cell_1.pk}), 404
    )


def test_retirement_closes_the_book(api, cast, world):
    response = api(cast.finance_clerk).post(f"/members/{cast.member.pk}/end-employment", {"reason": "retired"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed" and response.json()["closed_reason"] == "retired"
    again = refusal(api(cast.finance_clerk).post(f"/members/{cast.member.pk}/end-employment", {"reason": "left"}), 409)
    assert "không còn công tác" in again["detail"]


def test_an_exemption_is_set_and_cleared(api, cast, world):
    finance = api(cast.finance_clerk)
    response = finance.post(f"/members/{cast.member.pk}/exemption", {"exemption": "E1b", "reason": "Công tác lưu động"})
    assert response.status_code == 200, response.content
    assert response.json()["exemption"] == "E1b" and response.json()["exemption_reason"] == "Công tác lưu động"
    again = refusal(finance.post(f"/members/{cast.member.pk}/exemption", {"exemption": "E1b", "reason": "lại"}), 409)
    assert again["detail"] == "Đảng viên đã ở diện này."
    cleared = finance.post(f"/members/{cast.member.pk}/exemption/clear")
    assert cleared.status_code == 200 and cleared.json()["exemption"] == ""


def test_an_exemption_without_a_reason_is_400_with_the_field(api, cast, world):
    body = refusal(
        api(cast.finance_clerk).post(f"/members/{cast.member.pk}/exemption", {"exemption": "E1a", "reason": ""}), 400
    )
    assert body["errors"] == {"reason": ["Bắt buộc."]}


def test_making_a_member_e2_removes_them_from_the_residence_side_at_once(api, cast, world):
    assert "Nguyễn Văn An" in names(api(cast.lc_clerk).get("/members"))
    api(cast.finance_clerk).post(f"/members/{cast.member.pk}/exemption", {"exemption": "E2", "reason": "Giữ bí mật"})
    assert "Nguyễn Văn An" not in names(api(cast.lc_clerk).get("/members"))
    refusal(api(cast.lc_clerk).get(f"/members/{cast.member.pk}"), 404)
    letters = api(cast.lc_clerk).get("/letters").json()["items"]
    assert all(item["member"]["id"] != cast.member.pk for item in letters)


def test_a_new_received_member_shows_in_the_residence_cell(api, cast, world):
    newcomer = cast.member_factory(full_name="Trương Văn Đến")
    with time_machine.travel(datetime.date(2026, 2, 1)):
        introduce(cast, newcomer, cell=cast.lc_cell_1)
    assert names(api(cast.lc_cell_secretary).get("/members")) == ["Nguyễn Văn An", "Trương Văn Đến"]
    assert IntroductionLetter.objects.filter(book__member=newcomer, status=LetterStatus.RECEIVED).exists()


def test_answers_are_utf8_json_that_reads_as_vietnamese(api, cast):
    response = api(cast.finance_clerk).get("/members/999999")
    assert response["Content-Type"].startswith("application/json")
    assert "Không tìm thấy hoặc bạn không có quyền xem." in response.content.decode()


def test_blank_filters_filter_nothing(api, cast, world):
    # what the docs page's "try it" form sends when its fields are left empty
    response = api(cast.finance_clerk).get("/members", q="", cell="", state="", exemption="", limit="", offset="")
    assert names(response) == ["Hoàng Văn Mật", "Nguyễn Văn An", "Phan Văn Chờ"]
