"""request_address_change / handle_address_change: the member asks, the workplace committee decides.

Accepting records the move exactly as change_residence does (old letter superseded, new letter
issued) in the same transaction; rejecting needs an answer; a refusal changes nothing.
"""

import contextlib
import datetime

import pytest
import time_machine

from books import actions
from books.errors import InvalidInput, NotAllowed, TransitionError
from books.models import AddressChangeRequest, AddressChangeStatus, LetterStatus
from members.models import ResidenceKind
from orgs.models import AdministrativeUnit
from tests.cast import (
    LONG_CHAU,
    PHU_KHUONG,
    TAN_NGAI,
    check_event,
    commune,
    introduce,
    is_vietnamese,
    recording,
    refused,
)

NEW_LINE = "Số 12, đường Nguyễn Huệ, Khu phố 3"
MOVING_ON = datetime.date(2026, 12, 1)


def ask(cast, member=None, **changes):
    member = member or cast.member
    by = changes.pop("by", member.user)
    fields = {
        "commune": commune(PHU_KHUONG),
        "line": NEW_LINE,
        "residence_kind": ResidenceKind.PERMANENT,
        "moving_on": MOVING_ON,
        "note": "Gia đình chuyển về nhà mới.",
    }
    fields.update(changes)
    return actions.request_address_change(member, by=by, **fields)


@contextlib.contextmanager
def no_new_request():
    before = list(AddressChangeRequest.objects.order_by("pk").values())
    yield
    assert list(AddressChangeRequest.objects.order_by("pk").values()) == before


# --------------------------------------------------------------------------- the member asks


def test_a_member_asks_and_the_request_waits_for_the_workplace_committee(cast):
    member = cast.member
    letter = introduce(cast, member)
    with recording() as events:
        request = ask(cast)
    request.refresh_from_db()
    assert request.status == AddressChangeStatus.PENDING
    assert (request.member, request.book) == (member, cast.book(member))
    assert (request.commune, request.line, request.residence_kind) == (commune(PHU_KHUONG), NEW_LINE, "permanent")
    assert (request.moving_on, request.note) == (MOVING_ON, "Gia đình chuyển về nhà mới.")
    assert request.handled_by is None and request.handled_on is None
    # nothing moves until the committee decides
    member.refresh_from_db()
    assert member.residence_commune == commune(LONG_CHAU)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RECEIVED
    (event,) = events
    check_event(
        event,
        verb="address_change_requested",
        by=cast.member_user,
        role="member",
        org=None,
        obj=request,
        after=AddressChangeStatus.PENDING,
        member=member,
        book=cast.book(member),
    )
    assert event.data["moving_on"] == "2026-12-01"


def test_the_line_is_normalised(cast):
    request = ask(cast, line="  Số 12,   đường Nguyễn Huệ  ")
    assert request.line == "Số 12, đường Nguyễn Huệ"


OTHER_USERS = [
    "outsider",
    "finance_secretary",
    "finance_clerk",
    "board_officer",
    "lc_secretary",
    "finance_cell_secretary",
]


@pytest.mark.parametrize("actor", OTHER_USERS)
def test_only_the_member_themself_may_ask(cast, actor):
    with no_new_request(), refused(NotAllowed, "Chỉ chính đảng viên", cast.member):
        ask(cast, by=getattr(cast, actor))


def test_a_member_without_a_login_cannot_be_asked_for_by_anyone(cast):
    other = cast.member_factory()
    with no_new_request(), refused(NotAllowed, "Chỉ chính đảng viên", other):
        ask(cast, other, by=cast.member_user)


def test_an_inactive_login_cannot_ask(cast):
    cast.member_user.is_active = False
    cast.member_user.save()
    with no_new_request(), refused(NotAllowed, "Chỉ chính đảng viên"):
        ask(cast)


def test_a_second_request_waits_until_the_first_is_handled(cast):
    first = ask(cast)
    with no_new_request(), refused(TransitionError, "đang chờ cấp ủy xử lý"):
        ask(cast, line="Số 99, Khu phố 1")
    actions.handle_address_change(first, accept=False, answer="Chưa có xác nhận cư trú.", by=cast.finance_clerk)
    second = ask(cast, line="Số 99, Khu phố 1")
    assert second.status == AddressChangeStatus.PENDING


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"line": "   "}, "line", "số nhà"),
        ({"residence_kind": "hotel"}, "residence_kind", "thường trú hoặc tạm trú"),
        ({"note": "x" * 1001}, "note", "1.000 ký tự"),
    ],
)
def test_it_says_which_field_to_fix(cast, changes, field, message):
    with no_new_request(), refused(InvalidInput, message) as info:
        ask(cast, **changes)
    assert field in info.value.field_errors
    assert is_vietnamese(str(info.value))


def test_it_refuses_a_commune_abolished_in_2025(cast):
    legacy = AdministrativeUnit.objects.get(edition="pre2025", level="commune", code=29542)
    with no_new_request(), refused(InvalidInput, "xã/phường/đặc khu hiện nay") as info:
        ask(cast, commune=legacy)
    assert "commune" in info.value.field_errors


def test_it_refuses_a_province_as_the_commune(cast):
    with no_new_request(), refused(InvalidInput, "xã/phường/đặc khu hiện nay"):
        ask(cast, commune=commune(LONG_CHAU).parent)


def test_it_refuses_the_current_address(cast):
    member = cast.member
    with no_new_request(), refused(InvalidInput, "trùng địa chỉ hiện tại"):
        ask(cast, commune=member.residence_commune, line=member.residence_line)


def test_the_same_place_as_temporary_residence_is_a_change(cast):
    member = cast.member
    request = ask(cast, commune=member.residence_commune, line=member.residence_line, residence_kind="temporary")
    assert request.residence_kind == ResidenceKind.TEMPORARY


def test_a_member_whose_book_is_closed_cannot_ask(cast):
    actions.end_employment(cast.member, reason="retired", by=cast.finance_clerk)
    with no_new_request(), refused(TransitionError, "không có sổ liên hệ đang sử dụng"):
        ask(cast)


# --------------------------------------------------------------------------- the committee accepts


def test_accepting_supersedes_the_letter_and_issues_a_new_one(cast):
    member = cast.member
    old = introduce(cast, member)
    request = ask(cast)
    with recording() as events:
        handled = actions.handle_address_change(request, accept=True, by=cast.finance_clerk)
    handled.refresh_from_db()
    assert handled.status == AddressChangeStatus.DONE
    assert (handled.handled_by, handled.handled_on, handled.answer) == (cast.finance_clerk, datetime.date.today(), "")
    member.refresh_from_db()
    assert (member.residence_commune, member.residence_line) == (commune(PHU_KHUONG), NEW_LINE)
    old.refresh_from_db()
    new = old.superseded_by
    assert old.status == LetterStatus.SUPERSEDED
    assert (new.status, new.addressee, new.display_number) == (LetterStatus.ISSUED, cast.phu_khuong, "2-GGT/ĐU")
    assert (new.residence_line, new.residence_kind) == (NEW_LINE, "permanent")
    (accepted,) = events  # one action, one event: the move is recorded in its data
    check_event(
        accepted,
        verb="address_change_accepted",
        by=cast.finance_clerk,
        role="clerk",
        org=cast.finance,
        obj=request,
        before=AddressChangeStatus.PENDING,
        after=AddressChangeStatus.DONE,
        member=member,
        book=cast.book(member),
    )
    assert accepted.data["new_letter"] == new.pk
    assert accepted.data["old_letter"] == old.pk
    assert accepted.data["new"]["commune"] == commune(PHU_KHUONG).pk


def test_accepting_a_temporary_residence_writes_it_on_the_new_letter(cast):
    introduce(cast, cast.member)
    request = ask(cast, residence_kind="temporary")
    actions.handle_address_change(request, accept=True, by=cast.finance_secretary)
    cast.member.refresh_from_db()
    assert cast.member.residence_kind == ResidenceKind.TEMPORARY
    assert cast.book(cast.member).active_letter().residence_kind == ResidenceKind.TEMPORARY


def test_accepting_for_a_member_never_introduced_just_records_the_address(cast):
    request = ask(cast)
    with recording() as events:
        actions.handle_address_change(request, accept=True, by=cast.finance_clerk)
    assert [e.verb for e in events] == ["address_change_accepted"]
    assert events[0].data["new_letter"] is None
    cast.member.refresh_from_db()
    assert cast.member.residence_commune == commune(PHU_KHUONG)


def test_when_the_move_cannot_be_recorded_nothing_changes_and_the_request_still_waits(cast):
    letter = introduce(cast, cast.member)
    request = ask(cast, commune=commune(TAN_NGAI))
    with refused(TransitionError, "chưa có đảng ủy của Phường Tân Ngãi", cast.member, letter, request):
        actions.handle_address_change(request, accept=True, by=cast.finance_clerk)


def test_a_request_overtaken_by_a_manual_move_can_only_be_rejected(cast):
    request = ask(cast)
    actions.change_residence(cast.member, commune=commune(PHU_KHUONG), line=NEW_LINE, by=cast.finance_clerk)
    with refused(InvalidInput, "trùng địa chỉ hiện tại", request):
        actions.handle_address_change(request, accept=True, by=cast.finance_clerk)
    actions.handle_address_change(request, accept=False, answer="Đã ghi địa chỉ mới từ trước.", by=cast.finance_clerk)


def test_after_a_change_of_workplace_the_new_committee_decides(cast):
    request = ask(cast)
    actions.change_workplace(cast.member, cell=cast.health_cell, by=cast.finance_clerk)
    with refused(NotAllowed, "không có quyền", request):
        actions.handle_address_change(request, accept=True, by=cast.finance_clerk)
    actions.handle_address_change(request, accept=True, by=cast.health_secretary)
    request.refresh_from_db()
    assert request.status == AddressChangeStatus.DONE


# --------------------------------------------------------------------------- the committee rejects


def test_rejecting_keeps_the_address_and_tells_the_member_why(cast):
    letter = introduce(cast, cast.member)
    request = ask(cast)
    with recording() as events:
        actions.handle_address_change(
            request, accept=False, answer="  Chưa có   xác nhận tạm trú của công an phường. ", by=cast.finance_clerk
        )
    request.refresh_from_db()
    assert (request.status, request.answer) == ("rejected", "Chưa có xác nhận tạm trú của công an phường.")
    assert (request.handled_by, request.handled_on) == (cast.finance_clerk, datetime.date.today())
    cast.member.refresh_from_db()
    assert cast.member.residence_commune == commune(LONG_CHAU)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RECEIVED
    (event,) = events
    check_event(
        event,
        verb="address_change_rejected",
        by=cast.finance_clerk,
        role="clerk",
        org=cast.finance,
        obj=request,
        before=AddressChangeStatus.PENDING,
        after=AddressChangeStatus.REJECTED,
        member=cast.member,
        book=cast.book(cast.member),
    )


@pytest.mark.parametrize("answer", ["", "   ", "Ko"])
def test_rejecting_needs_an_answer(cast, answer):
    request = ask(cast)
    with refused(InvalidInput, "lý do không chấp nhận", request) as info:
        actions.handle_address_change(request, accept=False, answer=answer, by=cast.finance_clerk)
    assert "answer" in info.value.field_errors


@pytest.mark.parametrize("accept", [True, False])
def test_a_handled_request_cannot_be_handled_again(cast, accept):
    request = ask(cast)
    actions.handle_address_change(request, accept=False, answer="Địa chỉ chưa rõ số nhà.", by=cast.finance_clerk)
    request.refresh_from_db()
    with refused(TransitionError, "đã được xử lý", request):
        actions.handle_address_change(request, accept=accept, answer="Lần hai, xử lý lại.", by=cast.finance_clerk)


@pytest.mark.parametrize(
    "actor",
    [
        "outsider",
        "member_user",
        "board_officer",
        "finance_cell_secretary",
        "health_secretary",
        "lc_secretary",
        "pk_secretary",
    ],
)
def test_only_the_committee_holding_the_book_may_decide(cast, actor):
    introduce(cast, cast.member)
    request = ask(cast)
    with refused(NotAllowed, "không có quyền", cast.member, request):
        actions.handle_address_change(request, accept=True, by=getattr(cast, actor))


def test_it_refuses_a_handling_date_in_the_future(cast):
    request = ask(cast)
    with refused(InvalidInput, "tương lai", request):
        actions.handle_address_change(
            request, accept=False, answer="Chưa rõ địa chỉ.", by=cast.finance_clerk, on=datetime.date(2027, 1, 5)
        )


def test_the_request_is_dated_when_it_was_sent(cast):
    with time_machine.travel(datetime.datetime(2026, 3, 4, 8, 0, tzinfo=datetime.UTC)):
        request = ask(cast)
    assert request.created_at.date() == datetime.date(2026, 3, 4)
