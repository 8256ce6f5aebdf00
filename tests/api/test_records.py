"""/books (and the rating), /register, /notices, /meetings, /organisations, /units."""

import datetime

import pytest
import time_machine

from books import actions
from books.models import AnnualRating, CommentStatus, ResidenceMeeting, ViolationNotice
from tests.cast import comment_at

from .conftest import names, refusal

# --------------------------------------------------------------------------- books


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("finance_clerk", ["Hoàng Văn Mật", "Nguyễn Văn An", "Phan Văn Chờ"]),
        ("finance_cell_secretary", ["Hoàng Văn Mật", "Nguyễn Văn An", "Phan Văn Chờ"]),
        ("health_secretary", ["Lý Thị Y"]),
        ("lc_clerk", []),
        ("lc_cell_secretary", []),
        ("board_officer", ["Hoàng Văn Mật", "Lý Thị Y", "Nguyễn Văn An", "Phan Văn Chờ"]),
        ("member_user", ["Nguyễn Văn An"]),
    ],
)
def test_books_belong_to_the_workplace_side_the_board_and_the_member(api, cast, world, who, expected):
    assert names(api(getattr(cast, who)).get("/books")) == expected


def test_books_filter_by_status_holder_term_and_name(api, cast, world):
    board = api(cast.board_officer)
    assert names(board.get("/books", holder=cast.health.pk)) == ["Lý Thị Y"]
    assert names(board.get("/books", term=2025, q="ly thi")) == ["Lý Thị Y"]
    assert names(board.get("/books", term=2030)) == []
    assert names(board.get("/books", status="closed")) == []


def test_a_book_holds_its_whole_timeline(api, cast, world):
    book = cast.book(cast.member)
    body = api(cast.member_user).get(f"/books/{book.pk}").json()
    assert body["term"] == {"start_year": 2025, "end_year": 2030, "label": "Nhiệm kỳ 2025–2030"}
    assert body["holder"]["name"] == "Đảng ủy Sở Tài chính" and body["profile"] == "213/2020"
    assert [x["status"] for x in body["letters"]] == ["received"]
    # oldest first (the cast registers An today; the letter was dated back to January)
    assert [e["verb"] for e in body["events"]] == ["letter_issued", "letter_received", "member_registered"]
    assert [e["at"] for e in body["events"]] == sorted(e["at"] for e in body["events"])
    assert (
        body["events"][0]["actor_name"] == "Lê Thị Mai" and body["events"][0]["verb_label"] == "Ký, gửi giấy giới thiệu"
    )


@pytest.mark.parametrize("who", ["health_secretary", "lc_clerk", "lc_cell_secretary", "pk_secretary", "outsider"])
def test_a_book_of_someone_else_is_404(api, cast, world, who):
    refusal(api(getattr(cast, who)).get(f"/books/{cast.book(cast.member).pk}"), 404)


# --------------------------------------------------------------------------- rating


def rate(api, user, book, **body):
    with time_machine.travel(datetime.date(2026, 12, 10)):
        return api(user).post(f"/books/{book.pk}/rating", {"year": 2026, "level": "good", **body})


def test_the_december_rating_links_the_comment_that_came_back(api, cast, world):
    comment = comment_at(cast, CommentStatus.ACKNOWLEDGED)
    response = rate(api, cast.finance_clerk, cast.book(cast.member), note="Đủ điều kiện")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["comment_id"] == comment.pk and body["without_comment"] is False
    assert body["level_label"] == "Hoàn thành tốt nhiệm vụ" and body["rated_on"] == "2026-12-10"
    again = refusal(rate(api, cast.finance_clerk, cast.book(cast.member)), 409)
    assert again["detail"] == "Nguyễn Văn An đã được xếp loại năm 2026."
    detail = api(cast.finance_clerk).get(f"/members/{cast.member.pk}").json()
    assert [r["year"] for r in detail["ratings"]] == [2026]


def test_a_rating_without_a_returned_comment_is_flagged(api, cast, world):
    response = rate(api, cast.finance_cell_secretary, cast.book(world["waiting"]), level="done")
    assert response.status_code == 201, response.content
    assert response.json()["without_comment"] is True and response.json()["comment_id"] is None


def test_only_the_workplace_side_rates(api, cast, world):
    refusal(rate(api, cast.lc_clerk, cast.book(cast.member)), 404)
    refusal(rate(api, cast.health_secretary, cast.book(cast.member)), 404)
    refusal(rate(api, cast.member_user, cast.book(cast.member)), 403)
    refusal(rate(api, cast.finance_clerk, cast.book(cast.member), level="tot"), 422)
    body = refusal(rate(api, cast.finance_clerk, cast.book(cast.member), year=2031), 400)
    assert body["errors"] == {"year": ["Không hợp lệ."]}
    assert not AnnualRating.objects.exists()


# --------------------------------------------------------------------------- register


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("lc_clerk", ["Nguyễn Văn An"]),
        ("lc_cell_secretary", ["Nguyễn Văn An"]),
        ("pk_secretary", ["Lý Thị Y"]),
        ("pk_cell_secretary", ["Lý Thị Y"]),
        ("finance_clerk", ["Nguyễn Văn An"]),
        ("health_secretary", ["Lý Thị Y"]),
        ("board_officer", ["Lý Thị Y", "Nguyễn Văn An"]),
        ("outsider", []),
    ],
)
def test_the_register_shows_each_side_its_rows_and_never_an_e2_member(api, cast, world, who, expected):
    assert names(api(getattr(cast, who)).get("/register")) == expected


def test_a_register_row_has_the_letter_the_cell_and_each_years_comment_but_no_identity(api, cast, world):
    comment_at(cast, CommentStatus.SIGNED)
    [row] = api(cast.lc_clerk).get("/register").json()["items"]
    assert row["cell"]["name"] == "Chi bộ Khóm 1" and row["is_open"] is True
    assert row["letter"]["number"] == cast.book(cast.member).active_letter().display_number
    assert row["member"]["workplace_label"] == "Chi bộ Phòng Ngân sách, Đảng ủy Sở Tài chính"
    assert row["member"]["address"].endswith("Phường Long Châu, Tỉnh Vĩnh Long")
    assert [(c["year"], c["status"], c["summary"]) for c in row["comments"]] == [(2026, "signed", "tot")]
    assert not {"national_id", "party_card_number"} & set(row["member"])


def test_the_register_filters_by_committee_cell_and_open_rows(api, cast, world):
    with time_machine.travel(datetime.date(2026, 3, 1)):
        actions.reassign_cell(cast.member, cell=cast.lc_cell_2, by=cast.lc_clerk)
    lc = api(cast.lc_clerk)
    assert lc.get("/register").json()["count"] == 2
    assert [r["cell"]["name"] for r in lc.get("/register", open="true").json()["items"]] == ["Chi bộ Khóm 2"]
    assert [r["left_reason"] for r in lc.get("/register", open="false").json()["items"]] == ["cell"]
    assert lc.get("/register", cell=cast.lc_cell_1.pk).json()["count"] == 1
    assert api(cast.board_officer).get("/register", residence_committee=cast.phu_khuong.pk).json()["count"] == 1
    assert names(lc.get("/register", q="nguyen van an", open="true")) == ["Nguyễn Văn An"]


# --------------------------------------------------------------------------- notices


def raise_for_an(api, cast, **body):
    with time_machine.travel(datetime.date(2026, 6, 1)):
        return api(cast.lc_clerk).post(
            "/notices",
            {
                "member_id": cast.member.pk,
                "description": "Không chấp hành quy định về trật tự đô thị.",
                "observed_on": "2026-05-20",
                **body,
            },
        )


def test_the_residence_committee_raises_a_notice_and_the_workplace_answers(api, cast, world):
    response = raise_for_an(api, cast)
    assert response.status_code == 201, response.content
    notice = response.json()
    assert notice["status"] == "raised" and notice["answer_due_on"] == "2026-07-01"
    assert (
        notice["workplace_committee"]["name"] == "Đảng ủy Sở Tài chính" and notice["raised_by_name"] == "Đặng Thị Hoa"
    )
    assert [n["id"] for n in api(cast.finance_clerk).get("/notices").json()["items"]] == [notice["id"]]
    refusal(api(cast.lc_clerk).post(f"/notices/{notice['id']}/answer", {"answer": "Đã nhắc nhở đảng viên."}), 403)
    refusal(
        api(cast.health_secretary).post(f"/notices/{notice['id']}/answer", {"answer": "Đã nhắc nhở đảng viên."}), 404
    )
    refusal(api(cast.finance_clerk).post(f"/notices/{notice['id']}/answer", {"answer": "Ừ"}), 400)
    with time_machine.travel(datetime.date(2026, 6, 15)):
        answered = api(cast.finance_clerk).post(
            f"/notices/{notice['id']}/answer", {"answer": "Chi bộ đã kiểm điểm, nhắc nhở."}
        )
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert answered.json()["answered_by_name"] == "Lê Thị Mai"
    again = refusal(
        api(cast.finance_clerk).post(f"/notices/{notice['id']}/answer", {"answer": "Lần nữa, đã xử lý."}), 409
    )
    assert again["detail"] == "Phiếu báo này đã được trả lời."


def test_notices_are_seen_by_both_sides_of_that_member_only(api, cast, world):
    notice_id = raise_for_an(api, cast).json()["id"]
    assert [n["id"] for n in api(cast.lc_clerk).get("/notices").json()["items"]] == [notice_id]
    for who in ("health_secretary", "pk_secretary", "outsider"):
        assert api(getattr(cast, who)).get("/notices").json()["count"] == 0
        refusal(api(getattr(cast, who)).get(f"/notices/{notice_id}"), 404)


def test_notices_filter_by_status_and_overdue(api, cast, world):
    raise_for_an(api, cast)
    finance = api(cast.finance_clerk)
    assert finance.get("/notices", status="answered").json()["count"] == 0
    with time_machine.travel(datetime.date(2026, 6, 20)):
        assert finance.get("/notices", overdue="true").json()["count"] == 0
    with time_machine.travel(datetime.date(2026, 7, 2)):
        assert finance.get("/notices", overdue="true").json()["count"] == 1
        assert finance.get("/notices").json()["items"][0]["overdue"] is True


def test_phu_khuong_cannot_report_a_member_of_long_chau(api, cast, world):
    with time_machine.travel(datetime.date(2026, 6, 1)):
        body = {"member_id": cast.member.pk, "description": "Vi phạm quy định nơi cư trú.", "observed_on": "2026-05-20"}
        refusal(api(cast.pk_secretary).post("/notices", body), 404)
        short = refusal(api(cast.lc_clerk).post("/notices", {**body, "description": "Ngắn"}), 400)
    assert short["errors"] == {"description": ["Quá ngắn."]}
    assert not ViolationNotice.objects.exists()


def test_a_notice_about_a_member_who_becomes_e2_leaves_the_residence_side(api, cast, world):
    notice_id = raise_for_an(api, cast).json()["id"]
    actions.set_exemption(cast.member, exemption="E2", reason="Giữ bí mật", by=cast.finance_clerk)
    assert api(cast.lc_clerk).get("/notices").json()["count"] == 0
    refusal(api(cast.lc_clerk).get(f"/notices/{notice_id}"), 404)
    assert api(cast.finance_clerk).get("/notices").json()["count"] == 1


# --------------------------------------------------------------------------- meetings


def record(api, user, cell, attendance, held_on="2026-06-20"):
    with time_machine.travel(datetime.date(2026, 6, 25)):
        return api(user).post(
            "/meetings", {"cell_id": cell.pk, "held_on": held_on, "topic": "Sơ kết 6 tháng", "attendance": attendance}
        )


def test_the_residence_cell_records_its_meeting(api, cast, world):
    response = record(api, cast.lc_cell_secretary, cast.lc_cell_1, [{"member_id": cast.member.pk, "present": True}])
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["year"], body["half"], body["present"], body["absent"]) == (2026, 1, 1, 0)
    assert body["attendance"] == [
        {"member": {"id": cast.member.pk, "full_name": "Nguyễn Văn An"}, "present": True, "absence_reason": ""}
    ]
    corrected = record(
        api,
        cast.lc_clerk,
        cast.lc_cell_1,
        [{"member_id": cast.member.pk, "present": False, "absence_reason": "Đi công tác"}],
    )
    assert corrected.json()["id"] == body["id"] and corrected.json()["absent"] == 1
    assert ResidenceMeeting.objects.count() == 1


def test_a_meeting_is_refused_for_a_stranger_a_foreign_cell_or_a_future_day(api, cast, world):
    stranger = refusal(
        record(api, cast.lc_cell_secretary, cast.lc_cell_1, [{"member_id": world["health"].pk, "present": True}]), 400
    )
    assert stranger["detail"] == "Có đảng viên không sinh hoạt ở chi bộ này vào ngày họp."
    refusal(record(api, cast.pk_cell_secretary, cast.lc_cell_1, [{"member_id": cast.member.pk, "present": True}]), 404)
    future = refusal(
        record(
            api,
            cast.lc_cell_secretary,
            cast.lc_cell_1,
            [{"member_id": cast.member.pk, "present": True}],
            held_on="2026-07-30",
        ),
        400,
    )
    assert future["errors"] == {"held_on": ["Ngày ở tương lai."]}
    assert not ResidenceMeeting.objects.exists()


def test_meetings_are_listed_for_their_residence_side_and_the_board(api, cast, world):
    record(api, cast.lc_cell_secretary, cast.lc_cell_1, [{"member_id": cast.member.pk, "present": True}])
    for who, count in (
        ("lc_clerk", 1),
        ("lc_cell_secretary", 1),
        ("board_officer", 1),
        ("pk_secretary", 0),
        ("finance_clerk", 0),
    ):
        assert api(getattr(cast, who)).get("/meetings").json()["count"] == count, who
    assert api(cast.lc_clerk).get("/meetings", cell=cast.lc_cell_2.pk).json()["count"] == 0
    assert api(cast.lc_clerk).get("/meetings", year=2026).json()["count"] == 1


def test_an_e2_member_disappears_from_past_attendance_lists(api, cast, world):
    record(api, cast.lc_cell_secretary, cast.lc_cell_1, [{"member_id": cast.member.pk, "present": True}])
    actions.set_exemption(cast.member, exemption="E2", reason="Giữ bí mật", by=cast.finance_clerk)
    [meeting] = api(cast.lc_clerk).get("/meetings").json()["items"]
    assert meeting["attendance"] == [] and meeting["present"] == 0


# --------------------------------------------------------------------------- organisations, units


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("finance_clerk", ["Chi bộ Phòng Ngân sách", "Đảng ủy Sở Tài chính"]),
        ("lc_clerk", ["Chi bộ Khóm 1", "Chi bộ Khóm 2", "Đảng ủy phường Long Châu"]),
        ("pk_cell_secretary", ["Chi bộ Khu phố 3"]),
        ("outsider", []),
    ],
)
def test_each_role_lists_its_own_organisations_and_those_under_them(api, cast, who, expected):
    response = api(getattr(cast, who)).get("/organisations")
    assert sorted(o["name"] for o in response.json()["items"]) == expected


def test_organisations_filter_by_kind_parent_and_name(api, cast):
    board = api(cast.board_officer)
    assert [o["name"] for o in board.get("/organisations", kind="residence").json()["items"]] == [
        "Đảng ủy phường Long Châu",
        "Đảng ủy phường Phú Khương",
    ]
    assert board.get("/organisations", parent=cast.long_chau.pk).json()["count"] == 2
    [khom] = board.get("/organisations", q="khom 1").json()["items"]
    assert (
        khom["has_executive"] is True and khom["commune"]["code"] == 29551 and khom["parent"]["id"] == cast.long_chau.pk
    )


def test_units_are_found_by_code_or_by_name_without_diacritics(api, cast):
    user = api(cast.outsider)
    [unit] = user.get("/units", code=29551).json()["items"]
    assert unit["name"] == "Phường Long Châu" and unit["parent"]["name"] == "Tỉnh Vĩnh Long" and unit["current"] is True
    assert [u["code"] for u in user.get("/units", q="phuong long chau").json()["items"]] == [29551]
    provinces = user.get("/units", level="province", limit=100).json()
    assert provinces["count"] == 34


def test_a_pre_2025_unit_names_its_successor(api, cast):
    old = api(cast.outsider).get("/units", edition="pre2025", level="province", q="ben tre").json()["items"]
    assert [u["successors"][0]["name"] for u in old] == ["Tỉnh Vĩnh Long"]
    assert old[0]["current"] is False
