"""open_province_campaign: in October the province's board asks every workplace committee's comments at once."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from books import actions
from books.errors import InvalidInput, NotAllowed, TransitionError
from books.models import Book, CommentRequest, CommentStatus, Event, RegulationProfile
from members.models import Sex
from orgs.models import Organisation, OrgKind, Role
from tests.cast import (
    LONG_CHAU,
    PHU_KHUONG,
    check_event,
    commune,
    grant,
    introduce,
    make_user,
    national_id_for,
    recording,
    refused_without_trace,
)

OCT_2 = datetime.date(2026, 10, 2)
VN = ZoneInfo("Asia/Ho_Chi_Minh")

WRONG_ACTORS = [
    "outsider",
    "member_user",
    "finance_secretary",
    "finance_clerk",
    "finance_cell_secretary",
    "health_secretary",
    "lc_secretary",
    "lc_clerk",
    "lc_cell_secretary",
    "pk_secretary",
    "pk_cell_secretary",
]


@pytest.fixture
def province(cast):
    """Province 86's members in every situation the campaign tells apart, on 10/01/2026."""
    with time_machine.travel(datetime.date(2026, 1, 10)):
        m = {"lc": cast.member}
        introduce(cast, cast.member, cell=cast.lc_cell_1)
        m["pk"] = cast.member_factory(full_name="Lê Văn Phú", commune_code=PHU_KHUONG)
        introduce(cast, m["pk"], cell=cast.pk_cell)
        m["no_letter"] = cast.member_factory(full_name="Trịnh Thị Mới")
        m["e1"] = cast.member_factory(full_name="Phan Văn Lưu Động")
        introduce(cast, m["e1"], cell=cast.lc_cell_2)
        actions.set_exemption(m["e1"], exemption="E1b", reason="Công tác lưu động", by=cast.finance_secretary)
        m["e2"] = cast.member_factory(full_name="Hoàng Văn Mật")
        introduce(cast, m["e2"], cell=cast.lc_cell_1)
        actions.set_exemption(m["e2"], exemption="E2", reason="Nhiệm vụ giữ bí mật", by=cast.finance_secretary)
        m["health"] = cast.member_factory(full_name="Lâm Thị Y", cell=cast.health_cell, sex=Sex.FEMALE)
        introduce(cast, m["health"], cell=cast.lc_cell_2)
    return m


@pytest.fixture
def other_province(cast):
    """Province 80: its board with an officer, a workplace committee and one member whose letter
    Long Châu has received (members of one province may live in another)."""
    board = Organisation.objects.create(
        kind=OrgKind.PROVINCE_BOARD, name="Ban Tổ chức Tỉnh ủy Tây Ninh", province_code=80
    )
    committee = Organisation.objects.create(
        kind=OrgKind.WORKPLACE_COMMITTEE, name="Đảng ủy Sở Xây dựng", province_code=80, place_name="Tây Ninh"
    )
    cell = Organisation.objects.create(
        kind=OrgKind.WORKPLACE_CELL, name="Chi bộ Phòng Quy hoạch", parent=committee, province_code=80
    )
    officer = make_user("tn_btc_canbo", "Châu Văn Tám")
    grant(officer, board, Role.BOARD_OFFICER)
    secretary = make_user("xd_bithu", "Kiều Văn Mười")
    grant(secretary, committee, Role.SECRETARY)
    birth = datetime.date(1979, 6, 1)
    with time_machine.travel(datetime.date(2026, 1, 10)):
        member = actions.register_member(
            by=secretary,
            workplace_cell=cell,
            full_name="Quách Văn Xa",
            sex=Sex.MALE,
            birth_date=birth,
            admitted_on=datetime.date(2005, 3, 3),
            party_card_number="80000001",
            national_id=national_id_for(Sex.MALE, birth, 990001, province=80),
            residence_commune=commune(LONG_CHAU),
            residence_line="Số 9, Khóm 1",
        )
        letter = actions.issue_letter(member, by=secretary)
        actions.confirm_letter(letter, cell=cast.lc_cell_1, by=cast.lc_clerk)
    return {"officer": officer, "committee": committee, "member": member}


def open_province(code=86, *, by, **kwargs):
    with time_machine.travel(OCT_2):
        return actions.open_province_campaign(code, by=by, **kwargs)


def test_it_asks_every_workplace_committee_of_the_province_at_once(cast, province):
    m = province
    results = open_province(by=cast.board_officer)
    assert set(results) == {cast.finance.pk, cast.health.pk}
    finance, health = results[cast.finance.pk], results[cast.health.pk]
    assert {r.book.member for r in finance.created} == {m["lc"], m["pk"]}
    assert (finance.already, finance.skipped_exempt, finance.skipped_no_letter) == (0, 2, 1)
    assert finance.by_residence_committee == {cast.long_chau.pk: 1, cast.phu_khuong.pk: 1}
    assert [r.book.member for r in health.created] == [m["health"]]
    assert health.by_residence_committee == {cast.long_chau.pk: 1}
    assert not CommentRequest.objects.filter(book__member__in=[m["e1"], m["e2"], m["no_letter"]]).exists()


def test_each_request_is_what_the_committees_own_campaign_would_make(cast, province):
    results = open_province(by=cast.board_officer)
    request = next(r for r in results[cast.health.pk].created)
    request.refresh_from_db()
    assert request.status == CommentStatus.REQUESTED
    assert request.year == 2026
    assert request.requested_on == OCT_2
    assert request.requested_by == cast.board_officer
    assert request.requesting_committee == cast.health
    assert request.residence_committee == cast.long_chau
    assert request.residence_cell == cast.lc_cell_2
    assert request.letter == cast.book(province["health"]).active_letter()
    assert (request.due_on, request.return_due_on) == (datetime.date(2026, 10, 31), datetime.date(2026, 11, 15))


def test_it_writes_one_event_per_request_in_the_board_officers_name(cast, province):
    with recording() as events:
        results = open_province(by=cast.board_officer)
    created = [r for result in results.values() for r in result.created]
    assert len(events) == len(created) == 3
    by_object = {e.object_id: e for e in events}
    for request in created:
        check_event(
            by_object[str(request.pk)],
            verb="comment_requested",
            by=cast.board_officer,
            role=Role.BOARD_OFFICER,
            org=cast.board,
            obj=request,
            after=CommentStatus.REQUESTED,
            member=request.book.member,
            book=request.book,
        )
        assert by_object[str(request.pk)].data == {"year": 2026, "residence_committee": request.residence_committee_id}


def test_the_system_may_open_it_without_a_user(cast, province):
    with recording() as events:
        results = open_province(by=None)
    assert sum(r.created_count for r in results.values()) == 3
    assert set(CommentRequest.objects.values_list("requested_by", flat=True)) == {None}
    assert {(e.actor, e.actor_name, e.actor_role, e.actor_org) for e in events} == {
        (None, actions.SYSTEM_NAME, "", None)
    }


def test_running_it_again_creates_nothing_and_writes_no_event(cast, province):
    open_province(by=None)
    requests, events = CommentRequest.objects.count(), Event.objects.count()
    again = open_province(by=cast.board_officer)
    assert [r.created_ids for r in again.values()] == [[], []]
    assert {pk: r.already for pk, r in again.items()} == {cast.finance.pk: 2, cast.health.pk: 1}
    assert {pk: r.by_residence_committee for pk, r in again.items()} == {cast.finance.pk: {}, cast.health.pk: {}}
    assert (CommentRequest.objects.count(), Event.objects.count()) == (requests, events)


def test_a_committee_that_opened_its_own_campaign_is_not_asked_twice(cast, province):
    with time_machine.travel(OCT_2):
        actions.open_campaign(cast.finance, by=cast.finance_clerk)
    results = open_province(by=cast.board_officer)
    assert (results[cast.finance.pk].created_ids, results[cast.finance.pk].already) == ([], 2)
    assert [r.book.member for r in results[cast.health.pk].created] == [province["health"]]
    assert CommentRequest.objects.values("book").distinct().count() == CommentRequest.objects.count() == 3


def test_a_dissolved_committee_is_left_out(cast, province):
    Organisation.objects.filter(pk=cast.health.pk).update(valid_until=datetime.date(2026, 6, 30))
    results = open_province(by=cast.board_officer)
    assert set(results) == {cast.finance.pk}
    assert not CommentRequest.objects.filter(book__member=province["health"]).exists()


@pytest.mark.parametrize(
    "when", [datetime.datetime(2026, 9, 30, 23, 30, tzinfo=VN), datetime.datetime(2026, 1, 10, 9, 0, tzinfo=VN)]
)
def test_it_is_refused_before_october_first(cast, province, when):
    with time_machine.travel(when), refused_without_trace(TransitionError) as info:
        actions.open_province_campaign(86, by=cast.board_officer)
    assert "01/10/2026" in str(info.value)


def test_it_is_refused_for_a_date_given_before_october_first(cast, province):
    with time_machine.travel(OCT_2), refused_without_trace(TransitionError):
        actions.open_province_campaign(86, by=None, on=datetime.date(2026, 9, 30))


def test_the_board_cannot_date_it_in_the_future_to_open_october_early(cast, province):
    with time_machine.travel(datetime.date(2026, 9, 20)), refused_without_trace(InvalidInput) as info:
        actions.open_province_campaign(86, by=cast.board_officer, on=datetime.date(2026, 10, 2))
    assert "tương lai" in str(info.value)


def test_it_is_refused_for_a_year_whose_october_has_not_come(cast, province):
    with time_machine.travel(OCT_2), refused_without_trace(TransitionError):
        actions.open_province_campaign(86, year=2027, by=cast.board_officer)


def test_it_is_refused_before_october_first_even_for_a_province_without_committees(cast):
    with time_machine.travel(datetime.date(2026, 9, 1)), refused_without_trace(TransitionError) as info:
        actions.open_province_campaign(80, by=None)
    assert "01/10/2026" in str(info.value)


def test_a_profile_whose_requests_start_later_holds_the_whole_province_back(cast, province):
    rules = actions.default_profile().rules
    later = RegulationProfile.objects.create(
        code="thu-15-10",
        name="Quy định thử (từ 15/10)",
        effective_from=datetime.date(2025, 1, 1),
        rules={**rules, "deadlines": {**rules["deadlines"], "comment_requests_from": "10-15"}},
    )
    Book.objects.filter(member=province["health"]).update(profile=later)
    with time_machine.travel(OCT_2), refused_without_trace(TransitionError) as info:
        actions.open_province_campaign(86, by=cast.board_officer)
    assert "15/10/2026" in str(info.value)
    with time_machine.travel(datetime.date(2026, 10, 15)):
        results = actions.open_province_campaign(86, by=cast.board_officer)
    assert sum(r.created_count for r in results.values()) == 3


@pytest.mark.parametrize("actor", WRONG_ACTORS)
def test_only_the_provinces_board_may_open_it(cast, actor):
    with time_machine.travel(OCT_2), refused_without_trace(NotAllowed):
        actions.open_province_campaign(86, by=getattr(cast, actor))


def test_a_board_officer_of_another_province_is_refused(cast, province, other_province):
    with time_machine.travel(OCT_2), refused_without_trace(NotAllowed):
        actions.open_province_campaign(86, by=other_province["officer"])


def test_each_board_opens_only_its_own_provinces_committees(cast, province, other_province):
    theirs = open_province(80, by=other_province["officer"])
    assert set(theirs) == {other_province["committee"].pk}
    assert [r.book.member for r in theirs[other_province["committee"].pk].created] == [other_province["member"]]
    ours = open_province(86, by=cast.board_officer)
    assert set(ours) == {cast.finance.pk, cast.health.pk}
    assert CommentRequest.objects.filter(book__member=other_province["member"]).count() == 1


def test_the_board_officer_role_in_another_kind_of_organisation_is_not_enough(cast):
    misplaced = make_user("tu_canbo", "Đinh Văn Lạc")
    grant(misplaced, cast.upper, Role.BOARD_OFFICER)
    with time_machine.travel(OCT_2), refused_without_trace(NotAllowed):
        actions.open_province_campaign(86, by=misplaced)


def test_a_board_officer_whose_role_has_ended_is_refused(cast):
    cast.board_officer.role_assignments.update(valid_until=datetime.date(2026, 9, 30))
    with time_machine.travel(OCT_2), refused_without_trace(NotAllowed):
        actions.open_province_campaign(86, by=cast.board_officer)
