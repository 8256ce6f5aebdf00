"""merge_communes: residence committees (and their communes) pass to a successor, history kept."""

import datetime
from types import SimpleNamespace

import pytest

from books import actions
from books.errors import InvalidInput, NotAllowed, TransitionError
from books.models import CommentRequest, LeaveReason, LetterStatus, ResidenceRegisterEntry, ViolationNotice
from orgs.models import Organisation, OrgKind, Role, UnitSuccession
from tests.cast import LONG_CHAU, TAN_NGAI, check_event, commune, grant, make_user, recording, refused

CAI_KHE = 31120  # Phường Cái Khế, Cần Thơ


def residence_committee(name, code, province_code=86, cell_name="Chi bộ Khóm 5"):
    committee = Organisation.objects.create(
        kind=OrgKind.RESIDENCE_COMMITTEE, name=name, province_code=province_code, commune=commune(code)
    )
    cell = Organisation.objects.create(
        kind=OrgKind.RESIDENCE_CELL,
        name=cell_name,
        parent=committee,
        province_code=province_code,
        commune=commune(code),
        area_name=cell_name.removeprefix("Chi bộ "),
    )
    return committee, cell


@pytest.fixture
def tan_ngai(cast):
    """Đảng ủy phường Tân Ngãi with one cell and a clerk; one member received there (with an open
    comment request and a notice), one member whose letter is on its way, one not yet introduced."""
    committee, cell = residence_committee("Đảng ủy phường Tân Ngãi", TAN_NGAI)
    clerk = make_user("tn_vanthu", "Phan Thị Ngãi")
    grant(clerk, committee, Role.CLERK)
    received, issued, later = (cast.member_factory(commune_code=TAN_NGAI) for _ in range(3))
    letter = actions.issue_letter(received, by=cast.finance_clerk, on=datetime.date(2026, 1, 10))
    actions.confirm_letter(letter, cell=cell, by=clerk, received_on=datetime.date(2026, 1, 15))
    waiting = actions.issue_letter(issued, by=cast.finance_clerk, on=datetime.date(2026, 1, 10))
    requests = actions.open_campaign(cast.finance, year=2026, by=cast.finance_clerk).created
    notice = actions.raise_notice(
        received, description="Không tham gia họp khu phố ba lần liền", observed_on=datetime.date(2026, 11, 1), by=clerk
    )
    return SimpleNamespace(
        committee=committee,
        cell=cell,
        clerk=clerk,
        received=received,
        issued=issued,
        later=later,
        letter=letter,
        waiting=waiting,
        request=next(r for r in requests if r.book.member_id == received.pk),
        notice=notice,
    )


def test_the_successor_takes_over_cells_members_register_letters_comments_and_notices(cast, tan_ngai):
    today = datetime.date.today()
    yesterday = today - datetime.timedelta(days=1)
    old_entry = ResidenceRegisterEntry.objects.get(member=tan_ngai.received)
    with recording() as events:
        returned = actions.merge_communes([tan_ngai.committee], into=cast.long_chau, by=cast.board_officer)

    assert returned == cast.long_chau
    tan_ngai.cell.refresh_from_db()
    assert (tan_ngai.cell.parent, tan_ngai.cell.commune) == (cast.long_chau, commune(LONG_CHAU))
    for member in (tan_ngai.received, tan_ngai.issued, tan_ngai.later):
        member.refresh_from_db()
        assert member.residence_commune == commune(LONG_CHAU)
    old_entry.refresh_from_db()
    assert (old_entry.left_on, old_entry.left_reason, old_entry.residence_committee) == (
        yesterday,
        LeaveReason.MERGED,
        tan_ngai.committee,
    )
    new_entry = ResidenceRegisterEntry.objects.get(member=tan_ngai.received, left_on__isnull=True)
    assert (new_entry.residence_committee, new_entry.letter, new_entry.cell, new_entry.entered_on) == (
        cast.long_chau,
        tan_ngai.letter,
        tan_ngai.cell,
        today,
    )
    for letter in (tan_ngai.letter, tan_ngai.waiting):
        letter.refresh_from_db()
        assert letter.residence_committee == cast.long_chau
        assert letter.addressee == tan_ngai.committee
        assert letter.residence_commune == commune(TAN_NGAI)
    assert tan_ngai.letter.status == LetterStatus.RECEIVED
    request = CommentRequest.objects.get(pk=tan_ngai.request.pk)
    assert (request.residence_committee, request.residence_cell) == (cast.long_chau, tan_ngai.cell)
    assert ViolationNotice.objects.get(pk=tan_ngai.notice.pk).residence_committee == cast.long_chau
    (event,) = events
    check_event(
        event,
        verb="communes_merged",
        by=cast.board_officer,
        role="board_officer",
        org=cast.board,
        obj=cast.long_chau,
    )
    assert event.data["merged"] == [tan_ngai.committee.pk]
    assert event.data["register_entries"] == 1 and event.data["letters"] == 2 and event.data["members"] == 3


def test_the_old_committee_and_commune_end_the_day_before_and_point_to_the_successor(cast, tan_ngai):
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    actions.merge_communes([tan_ngai.committee], into=cast.long_chau, by=cast.board_officer)

    tan_ngai.committee.refresh_from_db()
    assert (tan_ngai.committee.valid_until, tan_ngai.committee.successor) == (yesterday, cast.long_chau)
    assert tan_ngai.committee.current() == cast.long_chau
    old_commune = commune(TAN_NGAI)
    assert old_commune.valid_until == yesterday
    link = UnitSuccession.objects.get(predecessor=old_commune)
    assert (link.successor, link.effective_on) == (commune(LONG_CHAU), datetime.date.today())
    assert old_commune.resolve_current() == commune(LONG_CHAU)
    assert Organisation.objects.residence_committee_for(old_commune) is None


def test_the_successor_then_does_the_work_and_the_old_committee_no_longer_can(cast, tan_ngai):
    actions.merge_communes([tan_ngai.committee], into=cast.long_chau, by=None)
    tan_ngai.cell.refresh_from_db()
    with refused(NotAllowed, "không có quyền", tan_ngai.waiting):
        actions.confirm_letter(tan_ngai.waiting, cell=tan_ngai.cell, by=tan_ngai.clerk)
    actions.confirm_letter(tan_ngai.waiting, cell=tan_ngai.cell, by=cast.lc_clerk)
    actions.reassign_cell(tan_ngai.received, cell=cast.lc_cell_1, by=cast.lc_clerk)
    new = actions.issue_letter(tan_ngai.later, by=cast.finance_clerk)
    assert new.addressee == cast.long_chau


def test_several_committees_merge_at_once(cast, tan_ngai):
    other, other_cell = residence_committee("Đảng ủy phường Phú Khương cũ", 28777, cell_name="Chi bộ Khu phố 9")
    actions.merge_communes([tan_ngai.committee, other], into=cast.long_chau, by=cast.board_officer)
    other.refresh_from_db()
    other_cell.refresh_from_db()
    assert (other.successor, other_cell.parent) == (cast.long_chau, cast.long_chau)


def test_the_system_may_merge(cast, tan_ngai):
    with recording() as events:
        actions.merge_communes([tan_ngai.committee], into=cast.long_chau, by=None)
    (event,) = events
    assert (event.actor, event.actor_org, event.verb) == (None, None, "communes_merged")


@pytest.mark.parametrize("actor", ["lc_secretary", "lc_clerk", "finance_secretary", "outsider", "member_user"])
def test_it_refuses_anyone_but_the_board(cast, tan_ngai, actor):
    with refused(NotAllowed, "Chỉ Ban Tổ chức Tỉnh ủy", tan_ngai.committee, tan_ngai.cell, commune(TAN_NGAI)):
        actions.merge_communes([tan_ngai.committee], into=cast.long_chau, by=getattr(cast, actor))


def test_the_old_committees_own_clerk_may_not_merge_it(cast, tan_ngai):
    with refused(NotAllowed, "Chỉ Ban Tổ chức Tỉnh ủy", tan_ngai.committee):
        actions.merge_communes([tan_ngai.committee], into=cast.long_chau, by=tan_ngai.clerk)


def test_a_board_officer_of_another_province_may_not_merge(cast, tan_ngai):
    can_tho = Organisation.objects.create(
        kind=OrgKind.PROVINCE_BOARD, name="Ban Tổ chức Thành ủy Cần Thơ", province_code=92
    )
    officer = make_user("btc_cantho", "Lâm Văn Cần")
    grant(officer, can_tho, Role.BOARD_OFFICER)
    with refused(NotAllowed, "Chỉ Ban Tổ chức Tỉnh ủy", tan_ngai.committee, tan_ngai.cell, commune(TAN_NGAI)):
        actions.merge_communes([tan_ngai.committee], into=cast.long_chau, by=officer)


def test_it_refuses_a_committee_of_another_province(cast):
    cai_khe, cell = residence_committee("Đảng ủy phường Cái Khế", CAI_KHE, province_code=92)
    with refused(InvalidInput, "tỉnh khác", cai_khe, cell, commune(CAI_KHE)):
        actions.merge_communes([cai_khe], into=cast.long_chau, by=cast.board_officer)


def test_it_refuses_to_merge_a_committee_into_itself(cast):
    with refused(InvalidInput, "vào chính nó", cast.long_chau):
        actions.merge_communes([cast.long_chau], into=cast.long_chau, by=cast.board_officer)


@pytest.mark.parametrize("org", ["finance", "lc_cell_1", "board"])
def test_it_refuses_a_successor_that_is_not_a_residence_committee(cast, org):
    with refused(InvalidInput, "Đơn vị kế thừa phải là một đảng ủy xã/phường/đặc khu", cast.phu_khuong):
        actions.merge_communes([cast.phu_khuong], into=getattr(cast, org), by=cast.board_officer)


def test_it_refuses_to_merge_something_that_is_not_a_residence_committee(cast):
    with refused(InvalidInput, "không phải đảng ủy xã/phường/đặc khu", cast.lc_cell_2):
        actions.merge_communes([cast.lc_cell_2], into=cast.phu_khuong, by=cast.board_officer)


def test_it_refuses_a_committee_already_merged(cast, tan_ngai):
    actions.merge_communes([tan_ngai.committee], into=cast.long_chau, by=cast.board_officer)
    with refused(TransitionError, "đã thôi hoạt động", tan_ngai.committee, tan_ngai.cell):
        actions.merge_communes([tan_ngai.committee], into=cast.phu_khuong, by=cast.board_officer)


def test_it_refuses_to_merge_into_a_committee_already_merged(cast, tan_ngai):
    actions.merge_communes([tan_ngai.committee], into=cast.long_chau, by=cast.board_officer)
    # tan_ngai.committee is the caller's copy from before the merge: the action must read the row
    with refused(InvalidInput, "đang hoạt động", cast.phu_khuong, cast.pk_cell, tan_ngai.committee):
        actions.merge_communes([cast.phu_khuong], into=tan_ngai.committee, by=cast.board_officer)


def test_it_refuses_an_empty_list(cast):
    with refused(InvalidInput, "Hãy chọn đảng ủy cần hợp nhất"):
        actions.merge_communes([], into=cast.long_chau, by=cast.board_officer)


def test_a_ward_of_another_province_merges_along_its_official_succession(cast):
    from orgs.models import AdministrativeUnit

    ward_8 = AdministrativeUnit.objects.get(edition="pre2025", level="commune", code=28759)  # Phường 8, Bến Tre
    old = Organisation.objects.create(
        kind=OrgKind.RESIDENCE_COMMITTEE, name="Đảng ủy Phường 8", province_code=83, commune=ward_8
    )
    actions.merge_communes([old], into=cast.phu_khuong, by=cast.board_officer, on=datetime.date(2025, 7, 1))
    old.refresh_from_db()
    assert (old.successor, old.valid_until) == (cast.phu_khuong, datetime.date(2025, 6, 30))
