"""sign_comment: the residence cell signs its comment, made together with the Mặt trận committee."""

import datetime

import pytest
import time_machine

from books import actions
from books.errors import InvalidInput, NotAllowed, TransitionError
from books.models import CommentStatus
from members.models import Member
from tests.cast import (
    COMMENT_DAYS,
    FRONT_PARTICIPANT,
    actor,
    check_event,
    comment_at,
    full_comment,
    introduce,
    lc_cell_2_secretary,
    recording,
    refused_without_trace,
)

DAY = datetime.date(2026, 10, 20)


@pytest.fixture
def request_(cast):
    """cast.member's 2026 comment request, waiting at Chi bộ Khóm 1 (which has a chi ủy)."""
    return comment_at(cast, CommentStatus.REQUESTED)


def sign(request, by, **kwargs):
    with time_machine.travel(DAY):
        return actions.sign_comment(request, by=by, **kwargs)


def test_the_cell_secretary_signs_a_written_draft_for_the_chi_uy(cast, request_):
    with time_machine.travel(DAY):
        actions.write_comment(request_, by=cast.lc_cell_secretary, **full_comment())
    with recording() as events:
        request = sign(request_, cast.lc_cell_secretary)
    request.refresh_from_db()
    assert request.status == CommentStatus.SIGNED
    assert request.signed_on == DAY
    assert request.signed_by == cast.lc_cell_secretary
    assert request.signer_name == "Nguyễn Thị Bảy"
    assert request.signer_title == "T/M CHI ỦY, BÍ THƯ"
    assert request.entered_on_behalf_of == ""
    assert len(events) == 1
    check_event(
        events[0],
        verb="comment_signed",
        by=cast.lc_cell_secretary,
        role="cell_secretary",
        org=cast.lc_cell_1,
        obj=request,
        before=CommentStatus.DRAFTED,
        after=CommentStatus.SIGNED,
        member=cast.member,
        book=cast.book(cast.member),
    )
    assert events[0].data == {"summary": "tot"}


def test_it_writes_and_signs_in_one_call_with_one_event(cast, request_):
    with recording() as events:
        request = sign(request_, cast.lc_cell_secretary, **full_comment())
    request.refresh_from_db()
    assert request.status == CommentStatus.SIGNED
    assert request.front_participant == FRONT_PARTICIPANT
    assert [(e.verb, e.state_before, e.state_after) for e in events] == [
        ("comment_signed", CommentStatus.REQUESTED, CommentStatus.SIGNED)
    ]


def test_a_cell_without_chi_uy_signs_as_its_secretary(cast):
    request = comment_at(cast, CommentStatus.REQUESTED, cell=cast.lc_cell_2)
    secretary = lc_cell_2_secretary(cast)
    request = sign(request, secretary, **full_comment())
    assert (request.signer_name, request.signer_title) == ("Bùi Văn Chín", "BÍ THƯ CHI BỘ")


def test_a_clerk_entering_a_paper_form_signs_in_the_name_of_the_paper_signer(cast):
    request = comment_at(cast, CommentStatus.REQUESTED, cell=cast.lc_cell_2)
    with recording() as events:
        request = sign(request, cast.lc_clerk, on_behalf_of="Bùi  Văn Chín", **full_comment())
    request.refresh_from_db()
    assert request.signer_name == "Bùi Văn Chín"
    assert request.signer_title == "BÍ THƯ CHI BỘ"
    assert request.entered_on_behalf_of == "Bùi Văn Chín"
    assert request.signed_by == cast.lc_clerk
    assert (events[0].actor, events[0].actor_role, events[0].actor_org) == (cast.lc_clerk, "clerk", cast.long_chau)


def test_a_clerk_signing_for_a_cell_with_chi_uy_prints_its_title(cast, request_):
    request = sign(request_, cast.lc_clerk, on_behalf_of="Nguyễn Thị Bảy", **full_comment())
    assert (request.signer_name, request.signer_title) == ("Nguyễn Thị Bảy", "T/M CHI ỦY, BÍ THƯ")


@pytest.mark.parametrize("missing", ["guong_mau", "nghia_vu_cong_dan", "sinh_hoat", "lien_he"])
def test_every_criterion_of_the_profile_must_be_commented(cast, request_, missing):
    content = full_comment()
    content["criteria"][missing] = "   "
    with refused_without_trace(InvalidInput) as info:
        sign(request_, cast.lc_cell_secretary, **content)
    assert "criteria" in info.value.field_errors


def test_a_saved_draft_with_a_missing_criterion_cannot_be_signed(cast, request_):
    content = full_comment()
    del content["criteria"]["lien_he"]
    with time_machine.travel(DAY):
        actions.write_comment(request_, by=cast.lc_cell_secretary, **content)
    with refused_without_trace(InvalidInput) as info:
        sign(request_, cast.lc_cell_secretary)
    assert len(info.value.field_errors["criteria"]) == 1


def test_a_summary_is_needed(cast, request_):
    content = full_comment()
    del content["summary"]
    with refused_without_trace(InvalidInput) as info:
        sign(request_, cast.lc_cell_secretary, **content)
    assert list(info.value.field_errors) == ["summary"]


def test_the_mat_tran_participant_is_needed(cast, request_):
    content = full_comment()
    content["front_participant"] = ""
    with refused_without_trace(InvalidInput) as info:
        sign(request_, cast.lc_cell_secretary, **content)
    assert list(info.value.field_errors) == ["front_participant"]
    assert "Mặt trận" in info.value.field_errors["front_participant"][0]


def test_an_empty_request_lists_everything_missing(cast, request_):
    with refused_without_trace(InvalidInput) as info:
        sign(request_, cast.lc_cell_secretary)
    assert set(info.value.field_errors) == {"criteria", "summary", "front_participant"}
    assert len(info.value.field_errors["criteria"]) == len(request_.book.profile.criteria)


def test_criteria_and_summary_must_come_from_the_profile(cast, request_):
    content = full_comment()
    content["criteria"]["dao_duc"] = "Tốt."
    with refused_without_trace(InvalidInput):
        sign(request_, cast.lc_cell_secretary, **content)
    content = full_comment()
    content["summary"] = "good"
    with refused_without_trace(InvalidInput):
        sign(request_, cast.lc_cell_secretary, **content)


def test_a_sent_back_comment_is_signed_again(cast):
    request = comment_at(cast, CommentStatus.SIGNED)
    with time_machine.travel(DAY):
        actions.send_back_comment(request, reason="Ghi rõ ý kiến nhân dân.", by=cast.lc_secretary)
        actions.write_comment(request, by=cast.lc_cell_secretary, people_opinion="Nhân dân đánh giá tốt.")
    request = sign(request, cast.lc_cell_secretary)
    assert request.status == CommentStatus.SIGNED
    assert request.people_opinion == "Nhân dân đánh giá tốt."


@pytest.mark.parametrize("status", ["signed", "certified", "returned", "acknowledged", "cancelled"])
def test_it_is_refused_unless_requested_or_drafted(cast, status):
    request = comment_at(cast, status)
    with time_machine.travel(COMMENT_DAYS["acknowledged"]), refused_without_trace(TransitionError):
        actions.sign_comment(request, by=cast.lc_cell_secretary, **full_comment())


@pytest.mark.parametrize(
    "who",
    [
        "outsider",
        "member_user",
        "board_officer",
        "finance_secretary",
        "finance_cell_secretary",
        "pk_secretary",
        "pk_cell_secretary",
        "lc_cell_2_secretary",
    ],
)
def test_only_the_cell_or_its_residence_committee_may_sign(cast, request_, who):
    with refused_without_trace(NotAllowed):
        sign(request_, actor(cast, who), **full_comment())


def test_phu_khuongs_cell_cannot_sign_for_long_chau_but_signs_its_own(cast, request_):
    other = cast.member_factory(full_name="Lê Văn Phú", commune_code=28756)
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, other, cell=cast.pk_cell)
    own = comment_at(cast, CommentStatus.REQUESTED, other)
    with refused_without_trace(NotAllowed):
        sign(request_, cast.pk_cell_secretary, **full_comment())
    assert sign(own, cast.pk_cell_secretary, **full_comment()).signer_title == "T/M CHI ỦY, BÍ THƯ"


def test_an_e2_member_cannot_be_signed_for(cast, request_):
    Member.objects.filter(pk=cast.member.pk).update(exemption="E2", exemption_reason="Giữ bí mật")
    with refused_without_trace(TransitionError):
        sign(request_, cast.lc_cell_secretary, **full_comment())


def test_a_committee_entering_a_paper_form_must_name_the_paper_signer(cast, request_):
    with refused_without_trace(InvalidInput) as info:
        sign(request_, cast.lc_clerk, **full_comment())
    assert "tên bí thư đã ký trên phiếu" in str(info.value)


def test_a_request_without_a_residence_cell_cannot_be_signed(cast):
    waiting = cast.member_factory()
    with time_machine.travel(datetime.date(2026, 1, 10)):
        actions.issue_letter(waiting, by=cast.finance_clerk)  # issued, not yet received: no cell
    with time_machine.travel(datetime.date(2026, 10, 2)):
        (request,) = [
            r for r in actions.open_campaign(cast.finance, by=cast.finance_clerk).created if r.book.member == waiting
        ]
    assert request.residence_cell is None
    with refused_without_trace(TransitionError) as info:
        sign(request, cast.lc_clerk, on_behalf_of="Bùi Văn Chín", **full_comment())
    assert "chưa được phân công về chi bộ" in str(info.value)


def test_a_signature_cannot_be_dated_in_the_future(cast, request_):
    with refused_without_trace(InvalidInput) as info:
        sign(request_, cast.lc_cell_secretary, on=DAY + datetime.timedelta(days=1), **full_comment())
    assert "tương lai" in str(info.value)
