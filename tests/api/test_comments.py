"""/comments and /campaigns: the October campaign and every step of a comment (mẫu 3-213)."""

import datetime

import pytest
import time_machine

from books import actions
from books.models import CommentRequest, CommentStatus
from tests.cast import COMMENT_DAYS, PHU_KHUONG, comment_at, full_comment, introduce

from .conftest import names, refusal


@pytest.fixture
def requested(cast, world):
    """The 2026 campaign of both workplace committees: An's request at Long Châu, Y's at Phú Khương."""
    with time_machine.travel(COMMENT_DAYS["requested"]):
        actions.open_campaign(cast.finance, year=2026, by=cast.finance_clerk)
        actions.open_campaign(cast.health, year=2026, by=cast.health_secretary)
    return {
        "an": CommentRequest.objects.get(book__member=cast.member),
        "health": CommentRequest.objects.get(book__member=world["health"]),
        "waiting": CommentRequest.objects.get(book__member=world["waiting"]),
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("finance_clerk", ["Nguyễn Văn An", "Phan Văn Chờ"]),
        ("health_secretary", ["Lý Thị Y"]),
        ("lc_clerk", ["Nguyễn Văn An", "Phan Văn Chờ"]),
        ("lc_cell_secretary", ["Nguyễn Văn An"]),
        ("pk_secretary", ["Lý Thị Y"]),
        ("pk_cell_secretary", ["Lý Thị Y"]),
        ("board_officer", ["Lý Thị Y", "Nguyễn Văn An", "Phan Văn Chờ"]),
        ("outsider", []),
    ],
)
def test_each_role_lists_the_comment_requests_it_may_see(api, cast, requested, who, expected):
    assert names(api(getattr(cast, who)).get("/comments")) == expected


def test_a_request_shows_the_criteria_of_its_profile_and_its_deadlines(api, cast, requested):
    body = api(cast.lc_cell_secretary).get(f"/comments/{requested['an'].pk}").json()
    assert body["status"] == "requested" and body["year"] == 2026 and body["kind"] == "periodic"
    assert body["due_on"] == "2026-10-31" and body["return_due_on"] == "2026-11-15"
    assert [c["key"] for c in body["criteria"]] == ["guong_mau", "nghia_vu_cong_dan", "sinh_hoat", "lien_he"]
    assert body["residence_cell"]["name"] == "Chi bộ Khóm 1"
    assert body["requesting_committee"]["name"] == "Đảng ủy Sở Tài chính"


def test_comments_filter_by_year_status_kind_cell_name_and_overdue(api, cast, requested):
    lc = api(cast.lc_clerk)
    assert names(lc.get("/comments", year=2026, status="requested", kind="periodic")) == [
        "Nguyễn Văn An",
        "Phan Văn Chờ",
    ]
    assert names(lc.get("/comments", year=2025)) == []
    assert names(lc.get("/comments", residence_cell=cast.lc_cell_1.pk)) == ["Nguyễn Văn An"]
    assert names(lc.get("/comments", q="phan van")) == ["Phan Văn Chờ"]
    with time_machine.travel(datetime.date(2026, 10, 20)):
        assert names(lc.get("/comments", overdue="true")) == []
    with time_machine.travel(datetime.date(2026, 11, 10)):
        assert names(lc.get("/comments", overdue="true")) == ["Nguyễn Văn An", "Phan Văn Chờ"]
        assert lc.get("/comments", overdue="false").json()["count"] == 0
        assert all(item["overdue"] for item in lc.get("/comments").json()["items"])


@pytest.mark.parametrize(
    ("who", "which"),
    [
        ("health_secretary", "an"),
        ("pk_secretary", "an"),
        ("pk_cell_secretary", "an"),
        ("lc_clerk", "health"),
        ("finance_clerk", "health"),
    ],
)
def test_a_comment_of_another_committee_is_404_to_read_and_to_act_on(api, cast, requested, who, which):
    request = requested[which]
    refusal(api(getattr(cast, who)).get(f"/comments/{request.pk}"), 404)
    refusal(api(getattr(cast, who)).post(f"/comments/{request.pk}/write", full_comment()), 404)
    refusal(api(getattr(cast, who)).post(f"/comments/{request.pk}/certify"), 404)
    request.refresh_from_db()
    assert request.status == CommentStatus.REQUESTED


# --------------------------------------------------------------------------- campaign, on demand


def test_the_workplace_committee_opens_the_october_campaign_once(api, cast, world):
    with time_machine.travel(datetime.date(2026, 10, 2)):
        response = api(cast.finance_clerk).post("/campaigns", {"committee_id": cast.finance.pk})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["created"] == 2 and body["year"] == 2026 and body["skipped_no_letter"] == 0
        assert body["by_residence_committee"] == [
            {
                "residence_committee": {
                    "id": cast.long_chau.pk,
                    "name": "Đảng ủy phường Long Châu",
                    "kind": "residence",
                },
                "requests": 2,
            }
        ]
        assert sorted(body["created_ids"]) == sorted(CommentRequest.objects.values_list("pk", flat=True))
        again = api(cast.finance_clerk).post("/campaigns", {"committee_id": cast.finance.pk}).json()
        assert again["created"] == 0 and again["already"] == 2


def test_the_campaign_cannot_open_before_october(api, cast, world):
    with time_machine.travel(datetime.date(2026, 9, 20)):
        body = refusal(api(cast.finance_clerk).post("/campaigns", {"committee_id": cast.finance.pk}), 409)
    assert body["detail"] == "Chưa đến thời gian xin ý kiến nhận xét năm 2026 (từ ngày 01/10/2026)."
    assert not CommentRequest.objects.exists()


def test_only_the_committee_itself_opens_its_campaign(api, cast, world):
    with time_machine.travel(datetime.date(2026, 10, 2)):
        refusal(api(cast.health_secretary).post("/campaigns", {"committee_id": cast.finance.pk}), 404)
        refusal(api(cast.finance_cell_secretary).post("/campaigns", {"committee_id": cast.finance.pk}), 404)
        refusal(api(cast.board_officer).post("/campaigns", {"committee_id": cast.finance.pk}), 403)
    assert not CommentRequest.objects.exists()


def test_an_e1_member_gets_a_comment_on_demand(api, cast, world):
    actions.set_exemption(cast.member, exemption="E1b", reason="Công tác lưu động", by=cast.finance_clerk)
    book = cast.book(cast.member)
    body = refusal(api(cast.finance_clerk).post("/comments/on-demand", {"book_id": book.pk, "reason": "lý do lạ"}), 400)
    assert body["errors"] == {"reason": ["Không hợp lệ."]}
    response = api(cast.finance_clerk).post(
        "/comments/on-demand", {"book_id": book.pk, "reason": "cadre", "note": "Quy hoạch"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "on_demand" and response.json()["reason_label"] == "Công tác cán bộ"
    assert names(api(cast.lc_cell_secretary).get("/comments", kind="on_demand")) == ["Nguyễn Văn An"]


def test_a_member_who_is_not_e1_gets_no_comment_on_demand(api, cast, world):
    body = refusal(
        api(cast.finance_clerk).post("/comments/on-demand", {"book_id": cast.book(cast.member).pk, "reason": "cadre"}),
        409,
    )
    assert "không thuộc diện E1" in body["detail"]
    refusal(
        api(cast.health_secretary).post(
            "/comments/on-demand", {"book_id": cast.book(cast.member).pk, "reason": "cadre"}
        ),
        404,
    )


# --------------------------------------------------------------------------- the residence cell writes and signs


def test_the_residence_cell_saves_a_draft_then_signs(api, cast, requested):
    cell = api(cast.lc_cell_secretary)
    request = requested["an"]
    with time_machine.travel(COMMENT_DAYS["drafted"]):
        draft = cell.post(f"/comments/{request.pk}/write", {"criteria": {"guong_mau": "Gương mẫu."}, "summary": "tot"})
    assert draft.status_code == 200, draft.content
    assert draft.json()["status"] == "drafted"
    assert draft.json()["criteria"][0] == {
        "key": "guong_mau",
        "label": draft.json()["criteria"][0]["label"],
        "text": "Gương mẫu.",
    }
    with time_machine.travel(COMMENT_DAYS["signed"]):
        missing = refusal(cell.post(f"/comments/{request.pk}/sign", {}), 400)
        assert missing["detail"].startswith("Chưa ký được: Chưa nhận xét:")
        assert set(missing["errors"]) == {"criteria", "front_participant"}
        signed = cell.post(f"/comments/{request.pk}/sign", full_comment())
    assert signed.status_code == 200, signed.content
    body = signed.json()
    assert body["status"] == "signed" and body["signed_on"] == "2026-10-20"
    assert body["signer_name"] == "Nguyễn Thị Bảy" and body["signer_title"] == "T/M CHI ỦY, BÍ THƯ"
    assert body["summary_label"] == "Hoàn thành tốt trách nhiệm nơi cư trú"
    with time_machine.travel(COMMENT_DAYS["signed"]):
        again = refusal(cell.post(f"/comments/{request.pk}/write", {"shortcomings": "Sửa"}), 409)
    assert again["detail"] == "Chi bộ đã ký nhận xét, không sửa được nữa; chỉ sửa khi đảng ủy trả lại."


def test_a_comment_with_an_unknown_criterion_or_summary_is_400(api, cast, requested):
    cell = api(cast.lc_cell_secretary)
    body = refusal(cell.post(f"/comments/{requested['an'].pk}/write", {"criteria": {"khac": "x"}}), 400)
    assert body["errors"] == {"criteria": ["khac"]}
    body = refusal(cell.post(f"/comments/{requested['an'].pk}/write", {"summary": "xuat_sac"}), 400)
    assert body["errors"] == {"summary": ["Hãy chọn một mức."]}


def test_the_committee_entering_a_paper_form_must_name_the_signer(api, cast, requested):
    with time_machine.travel(COMMENT_DAYS["signed"]):
        body = refusal(api(cast.lc_clerk).post(f"/comments/{requested['an'].pk}/sign", full_comment()), 400)
        assert body["errors"] == {"on_behalf_of": ["Bắt buộc khi cấp ủy nhập thay."]}
        ok = api(cast.lc_clerk).post(
            f"/comments/{requested['an'].pk}/sign", {**full_comment(), "on_behalf_of": "Nguyễn Thị Bảy"}
        )
    assert ok.status_code == 200 and ok.json()["entered_on_behalf_of"] == "Nguyễn Thị Bảy"


def test_a_request_without_a_cell_cannot_be_signed(api, cast, requested):
    with time_machine.travel(COMMENT_DAYS["signed"]):
        body = refusal(
            api(cast.lc_clerk).post(
                f"/comments/{requested['waiting'].pk}/sign", {**full_comment(), "on_behalf_of": "Ai đó"}
            ),
            409,
        )
    assert "chưa có chi bộ để ký" in body["detail"]


# --------------------------------------------------------------------------- the committee certifies, returns


def test_certifying_a_comment_the_cell_has_not_signed_is_409_in_vietnamese(api, cast, requested):
    body = refusal(api(cast.lc_secretary).post(f"/comments/{requested['an'].pk}/certify"), 409)
    assert body == {"detail": "Chỉ xác nhận được nhận xét chi bộ đã ký.", "errors": {}}


def test_the_residence_committee_sends_back_certifies_and_returns(api, cast, world):
    request = comment_at(cast, CommentStatus.SIGNED)
    lc = api(cast.lc_secretary)
    refusal(lc.post(f"/comments/{request.pk}/send-back", {"reason": ""}), 400)
    back = lc.post(f"/comments/{request.pk}/send-back", {"reason": "Ghi rõ ý kiến của Mặt trận"})
    assert back.status_code == 200 and back.json()["status"] == "drafted" and back.json()["signer_name"] == ""
    with time_machine.travel(COMMENT_DAYS["signed"]):
        api(cast.lc_cell_secretary).post(f"/comments/{request.pk}/sign", {"people_opinion": "Bà con đồng tình"})
    with time_machine.travel(COMMENT_DAYS["certified"]):
        certified = lc.post(f"/comments/{request.pk}/certify")
    assert certified.status_code == 200, certified.content
    assert certified.json()["status"] == "certified" and certified.json()["certifier_name"] == "Huỳnh Văn Sáu"
    with time_machine.travel(COMMENT_DAYS["returned"]):
        returned = lc.post(f"/comments/{request.pk}/return", {"on": "2026-10-30"})
    assert returned.json()["status"] == "returned" and returned.json()["returned_on"] == "2026-10-30"


def test_the_cell_secretary_may_not_certify_or_send_back(api, cast, world):
    request = comment_at(cast, CommentStatus.SIGNED)
    body = refusal(api(cast.lc_cell_secretary).post(f"/comments/{request.pk}/certify"), 403)
    assert body["detail"] == "Bạn không có quyền xác nhận nhận xét này."
    refusal(api(cast.lc_cell_secretary).post(f"/comments/{request.pk}/send-back", {"reason": "Sửa"}), 403)


def test_a_certification_before_the_signature_is_400(api, cast, world):
    request = comment_at(cast, CommentStatus.SIGNED)
    with time_machine.travel(COMMENT_DAYS["certified"]):
        body = refusal(api(cast.lc_secretary).post(f"/comments/{request.pk}/certify", {"on": "2026-10-01"}), 400)
    assert body["detail"] == "Ngày xác nhận không thể trước ngày chi bộ ký."


def test_a_date_that_is_not_iso_is_422(api, cast, world):
    request = comment_at(cast, CommentStatus.SIGNED)
    body = refusal(api(cast.lc_secretary).post(f"/comments/{request.pk}/certify", {"on": "25/10/2026"}), 422)
    assert body["errors"] == {"on": ["Ngày không hợp lệ: viết theo dạng YYYY-MM-DD, ví dụ 2026-10-20."]}


def test_the_workplace_acknowledges_and_only_the_requesting_committee_may(api, cast, world):
    request = comment_at(cast, CommentStatus.RETURNED)
    refusal(api(cast.health_secretary).post(f"/comments/{request.pk}/acknowledge"), 404)
    refusal(api(cast.lc_secretary).post(f"/comments/{request.pk}/acknowledge"), 403)
    with time_machine.travel(COMMENT_DAYS["acknowledged"]):
        response = api(cast.finance_clerk).post(f"/comments/{request.pk}/acknowledge")
    assert response.status_code == 200 and response.json()["status"] == "acknowledged"
    assert response.json()["acknowledged_on"] == "2026-11-05"


def test_phu_khuong_works_its_own_comments_only(api, cast, world):
    other = cast.member_factory(cell=cast.health_cell, commune_code=PHU_KHUONG, full_name="Tô Văn Khác")
    with time_machine.travel(datetime.date(2026, 1, 11)):
        introduce(cast, other, cell=cast.pk_cell)
    request = comment_at(cast, CommentStatus.REQUESTED, world["health"])
    with time_machine.travel(COMMENT_DAYS["signed"]):
        response = api(cast.pk_cell_secretary).post(f"/comments/{request.pk}/sign", full_comment())
        assert response.status_code == 200 and response.json()["status"] == "signed"
        an = comment_at(cast, CommentStatus.REQUESTED)
        refusal(api(cast.pk_cell_secretary).post(f"/comments/{an.pk}/sign", full_comment()), 404)
