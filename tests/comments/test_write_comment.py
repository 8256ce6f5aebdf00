"""write_comment: the residence cell drafts its comment; it can change it until it signs."""

import datetime
import unicodedata

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
    recording,
    refused_without_trace,
)

DAY = datetime.date(2026, 10, 12)


@pytest.fixture
def request_(cast):
    """cast.member's 2026 comment request, waiting at Chi bộ Khóm 1."""
    return comment_at(cast, CommentStatus.REQUESTED)


def write(request, by, **content):
    with time_machine.travel(DAY):
        return actions.write_comment(request, by=by, **content)


def test_the_cell_secretary_saves_a_draft(cast, request_):
    profile = request_.book.profile
    first = profile.criteria[0]["key"]
    with recording() as events:
        request = write(request_, cast.lc_cell_secretary, criteria={first: "Gương mẫu."}, shortcomings="Chưa dự họp.")
    request.refresh_from_db()
    assert request.status == CommentStatus.DRAFTED
    # every criterion of the profile is kept, the missing ones empty
    assert request.criteria == {c["key"]: ("Gương mẫu." if c["key"] == first else "") for c in profile.criteria}
    assert request.shortcomings == "Chưa dự họp."
    assert request.drafted_at.date() == DAY
    assert request.signed_on is None
    assert len(events) == 1
    check_event(
        events[0],
        verb="comment_drafted",
        by=cast.lc_cell_secretary,
        role="cell_secretary",
        org=cast.lc_cell_1,
        obj=request,
        before=CommentStatus.REQUESTED,
        after=CommentStatus.DRAFTED,
        member=cast.member,
        book=cast.book(cast.member),
    )


def test_a_draft_can_be_written_again_and_keeps_what_is_not_given(cast, request_):
    write(request_, cast.lc_cell_secretary, **full_comment())
    with recording() as events:
        request = write(request_, cast.lc_cell_secretary, people_opinion="Nhân dân đánh giá tốt.")
    request.refresh_from_db()
    assert request.status == CommentStatus.DRAFTED
    assert request.people_opinion == "Nhân dân đánh giá tốt."
    assert request.front_participant == FRONT_PARTICIPANT
    assert request.summary == full_comment()["summary"]
    assert [(e.verb, e.state_before, e.state_after) for e in events] == [
        ("comment_drafted", CommentStatus.DRAFTED, CommentStatus.DRAFTED)
    ]


def test_the_text_is_stored_in_nfc(cast, request_):
    decomposed = unicodedata.normalize("NFD", "Tích cực  tham gia   dọn vệ sinh khóm")
    request = write(request_, cast.lc_cell_secretary, shortcomings=decomposed)
    request.refresh_from_db()
    assert request.shortcomings == "Tích cực tham gia dọn vệ sinh khóm"
    assert unicodedata.is_normalized("NFC", request.shortcomings)


def test_criteria_keys_must_come_from_the_profile(cast, request_):
    with refused_without_trace(InvalidInput) as info:
        write(request_, cast.lc_cell_secretary, criteria={"guong_mau": "Tốt.", "dao_duc": "Tốt."})
    assert info.value.field_errors == {"criteria": ["dao_duc"]}


def test_the_summary_must_be_one_of_the_profiles_levels(cast, request_):
    with refused_without_trace(InvalidInput) as info:
        write(request_, cast.lc_cell_secretary, summary="xuat_sac")
    assert "summary" in info.value.field_errors


@pytest.mark.parametrize("summary", ["tot", "hoan_thanh", "khong_hoan_thanh"])
def test_every_summary_level_of_the_profile_is_accepted(cast, request_, summary):
    request = write(request_, cast.lc_cell_secretary, summary=summary)
    assert request.summary == summary


def test_a_field_not_on_the_form_is_refused(cast, request_):
    with refused_without_trace(InvalidInput):
        write(request_, cast.lc_cell_secretary, rating="excellent")


def test_a_committee_clerk_entering_a_paper_form_records_on_whose_behalf(cast, request_):
    with recording() as events:
        request = write(request_, cast.lc_clerk, on_behalf_of="Nguyễn Thị Bảy, Bí thư chi bộ Khóm 1", **full_comment())
    request.refresh_from_db()
    assert request.entered_on_behalf_of == "Nguyễn Thị Bảy, Bí thư chi bộ Khóm 1"
    assert (events[0].actor, events[0].actor_role, events[0].actor_org) == (cast.lc_clerk, "clerk", cast.long_chau)


@pytest.mark.parametrize("status", ["signed", "certified", "returned", "acknowledged", "cancelled"])
def test_nothing_can_be_written_once_signed_or_closed(cast, status):
    request = comment_at(cast, status)
    with time_machine.travel(COMMENT_DAYS["acknowledged"]), refused_without_trace(TransitionError):
        actions.write_comment(request, by=cast.lc_cell_secretary, shortcomings="Sửa sau khi ký.")


@pytest.mark.parametrize(
    "who",
    [
        "outsider",
        "member_user",
        "board_officer",
        "finance_secretary",
        "finance_clerk",
        "finance_cell_secretary",
        "pk_secretary",
        "pk_cell_secretary",
        "lc_cell_2_secretary",
    ],
)
def test_only_the_cell_or_its_residence_committee_may_write(cast, request_, who):
    with refused_without_trace(NotAllowed):
        write(request_, actor(cast, who), **full_comment())


def test_without_a_cell_only_the_residence_committee_may_write(cast):
    with time_machine.travel(datetime.date(2026, 1, 10)):
        actions.issue_letter(cast.member, by=cast.finance_clerk)  # not yet received: no cell
    request = comment_at(cast, CommentStatus.REQUESTED)
    assert request.residence_cell is None
    with refused_without_trace(NotAllowed):
        write(request, cast.lc_cell_secretary, **full_comment())
    assert write(request, cast.lc_secretary, **full_comment()).status == CommentStatus.DRAFTED


def test_an_e2_member_cannot_be_commented_on(cast, request_):
    # Only a direct data change (an import) can leave an E2 member with an open request.
    Member.objects.filter(pk=cast.member.pk).update(exemption="E2", exemption_reason="Giữ bí mật")
    with refused_without_trace(TransitionError):
        write(request_, cast.lc_cell_secretary, **full_comment())


def test_setting_e2_cancels_the_request_so_it_cannot_be_written(cast, request_):
    write(request_, cast.lc_cell_secretary, **full_comment())
    with time_machine.travel(DAY):
        actions.set_exemption(cast.member, exemption="E2", reason="Giữ bí mật", by=cast.finance_secretary)
    request_.refresh_from_db()
    assert request_.status == CommentStatus.CANCELLED
    with refused_without_trace(TransitionError):
        write(request_, cast.lc_cell_secretary, **full_comment())
