"""rollover_term: at the end of the term every open book closes and employed members get a new one."""

import datetime

import pytest
import time_machine

from books import actions
from books.errors import NotAllowed, TransitionError
from books.models import (
    Book,
    BookClosedReason,
    BookStatus,
    CommentRequest,
    CommentStatus,
    Event,
    IntroductionLetter,
    LetterStatus,
    RegulationProfile,
    ResidenceRegisterEntry,
    Term,
    TermStatus,
)
from members.models import EmploymentStatus
from tests.cast import check_event, introduce, recording, refused, request_comments, sign_request

JAN_2030 = datetime.date(2030, 1, 3)


@pytest.fixture
def admin(db):
    """The national administrator: the term is national, so no province's board closes it."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("quantri", password="x", full_name="Quản Trị Hệ Thống")


@pytest.fixture
def year_2026(cast):
    """Four members as 2026 ends: received (comment acknowledged), issued (comment pending),
    retired, and E2."""
    received, issued, retired, hidden = cast.member, cast.member_factory(), cast.member_factory(), cast.member_factory()
    introduce(cast, received, received_on=datetime.date(2026, 1, 10))
    actions.issue_letter(issued, by=cast.finance_clerk, on=datetime.date(2026, 1, 10))
    requests = {r.book.member_id: r for r in request_comments(cast)}
    done = sign_request(cast, requests[received.pk])
    actions.certify_comment(done, by=cast.lc_secretary)
    actions.return_comment(done, by=cast.lc_clerk)
    actions.acknowledge_comment(done, by=cast.finance_clerk)
    actions.end_employment(retired, reason=EmploymentStatus.RETIRED, by=cast.finance_clerk)
    actions.set_exemption(hidden, exemption="E2", reason="Nhiệm vụ cần giữ bí mật", by=cast.finance_clerk)
    return {
        "received": received,
        "issued": issued,
        "retired": retired,
        "hidden": hidden,
        "acknowledged": done,
        "pending": requests[issued.pk],
    }


def open_book(member):
    return Book.objects.get(member=member, status=BookStatus.OPEN)


def test_it_closes_every_open_book_and_opens_a_new_term(cast, year_2026, admin):
    old_term = Term.current()
    old_books = {key: open_book(year_2026[key]) for key in ("received", "issued", "hidden")}
    with time_machine.travel(JAN_2030), recording() as events:
        result = actions.rollover_term(by=admin)

    old_term.refresh_from_db()
    assert (old_term.status, old_term.closed_on) == (TermStatus.CLOSED, JAN_2030)
    new_term = Term.current()
    assert (new_term.start_year, new_term.end_year, new_term.status) == (2030, 2035, TermStatus.OPEN)
    assert (result.closed_term, result.new_term) == (old_term, new_term)
    assert (result.books_opened, result.letters_carried, result.comments_moved) == (3, 2, 1)
    for key, old in old_books.items():
        old.refresh_from_db()
        assert (old.status, old.closed_on, old.closed_reason) == (
            BookStatus.CLOSED,
            JAN_2030,
            BookClosedReason.TERM_END,
        )
        new = open_book(year_2026[key])
        assert (new.term, new.holder, new.profile, new.opened_on) == (new_term, old.holder, old.profile, JAN_2030)
    retired_book = Book.objects.get(member=year_2026["retired"])
    assert retired_book.closed_reason == BookClosedReason.RETIRED
    (event,) = events
    check_event(
        event,
        verb="term_rolled_over",
        by=admin,
        role="superuser",
        org=None,
        obj=new_term,
        before="2025-2030",
        after="2030-2035",
    )
    assert event.data == {"books_closed": 3, "books_opened": 3, "letters_carried": 2, "comments_moved": 1}


def test_the_new_books_open_under_the_successor_profile_and_the_old_ones_keep_theirs(cast, year_2026, admin, settings):
    old_profile = actions.default_profile()
    successor = RegulationProfile.objects.create(
        code="thu-2030",
        name="Quy định kế tiếp (thử)",
        effective_from=datetime.date(2030, 1, 1),
        rules={**old_profile.rules, "term_years": 5},
    )
    settings.DEFAULT_REGULATION_PROFILE = "thu-2030"
    old_books = [open_book(year_2026[key]) for key in ("received", "issued", "hidden")]
    with time_machine.travel(JAN_2030):
        actions.rollover_term(by=admin)

    new_books = Book.objects.filter(term=Term.current())
    assert new_books.count() == 3
    assert set(new_books.values_list("profile", flat=True)) == {successor.pk}
    for old in old_books:
        old.refresh_from_db()
        assert (old.status, old.profile) == (BookStatus.CLOSED, old_profile)
    carried = IntroductionLetter.objects.filter(carried_over_from__isnull=False)
    assert {letter.book.profile for letter in carried} == {successor}


def test_letters_in_force_are_carried_with_their_number_and_status(cast, year_2026, admin):
    old_letters = {key: IntroductionLetter.objects.get(book__member=year_2026[key]) for key in ("received", "issued")}
    with time_machine.travel(JAN_2030):
        actions.rollover_term(by=admin)

    for key, old in old_letters.items():
        carried = IntroductionLetter.objects.get(carried_over_from=old)
        assert carried.book == open_book(year_2026[key])
        assert carried.number is None
        assert carried.display_number == old.display_number
        assert carried.status == old.status
        assert (carried.addressee, carried.residence_committee) == (old.addressee, old.residence_committee)
        assert (carried.issued_on, carried.received_on, carried.assigned_cell) == (
            old.issued_on,
            old.received_on,
            old.assigned_cell,
        )
        assert carried.full_name == old.full_name
        old.refresh_from_db()
        assert (old.status, old.ended_on) == (LetterStatus.CARRIED_OVER, JAN_2030)
    assert old_letters["received"].display_number == "1-GGT/ĐU"
    assert not IntroductionLetter.objects.filter(book=open_book(year_2026["hidden"])).exists()


def test_open_comment_requests_move_to_the_new_book(cast, year_2026, admin):
    with time_machine.travel(JAN_2030):
        actions.rollover_term(by=admin)

    pending = CommentRequest.objects.get(pk=year_2026["pending"].pk)
    assert pending.book == open_book(year_2026["issued"])
    assert pending.letter.carried_over_from_id == year_2026["pending"].letter_id
    assert pending.status == CommentStatus.REQUESTED
    acknowledged = CommentRequest.objects.get(pk=year_2026["acknowledged"].pk)
    assert acknowledged.book.status == BookStatus.CLOSED


def test_the_register_row_follows_the_carried_letter(cast, year_2026, admin):
    with time_machine.travel(JAN_2030):
        actions.rollover_term(by=admin)
    entry = ResidenceRegisterEntry.objects.get(member=year_2026["received"], left_on__isnull=True)
    assert entry.letter.book == open_book(year_2026["received"])
    assert entry.letter.status == LetterStatus.RECEIVED


def test_the_residence_side_receives_the_carried_letter_not_the_old_one(cast, year_2026):
    old = IntroductionLetter.objects.get(book__member=year_2026["issued"])
    with time_machine.travel(JAN_2030):
        actions.rollover_term(by=None)
        with refused(TransitionError, "không ở trạng thái chờ tiếp nhận", old):
            actions.confirm_letter(old, cell=cast.lc_cell_1, by=cast.lc_clerk)
        carried = IntroductionLetter.objects.get(carried_over_from=old)
        actions.confirm_letter(carried, cell=cast.lc_cell_1, by=cast.lc_clerk)
    assert ResidenceRegisterEntry.objects.get(member=year_2026["issued"]).letter == carried


def test_a_letter_of_a_closed_book_cannot_be_withdrawn(cast, year_2026):
    old = IntroductionLetter.objects.get(book__member=year_2026["received"])
    with time_machine.travel(JAN_2030):
        actions.rollover_term(by=None)
        entry = ResidenceRegisterEntry.objects.get(member=year_2026["received"], left_on__isnull=True)
        with refused(TransitionError, "sổ liên hệ đã đóng", old, entry):
            actions.withdraw_letter(old, reason="Nhầm sổ", by=cast.finance_clerk)


def test_the_system_may_roll_over_on_its_own(cast, year_2026):
    with time_machine.travel(JAN_2030):
        actions.rollover_term(by=None)
    event = Event.objects.get(verb="term_rolled_over")
    assert (event.actor, event.actor_name, event.actor_role, event.actor_org) == (
        None,
        "Hệ thống (tác vụ tự động)",
        "",
        None,
    )


def test_it_refuses_before_the_terms_last_year(cast, year_2026, admin):
    term = Term.current()
    book = open_book(year_2026["received"])
    with (
        time_machine.travel(datetime.date(2029, 12, 31)),
        refused(TransitionError, "chưa đến năm kết thúc", term, book),
    ):
        actions.rollover_term(by=admin)


def test_a_second_rollover_in_the_same_year_is_refused(cast):
    with time_machine.travel(JAN_2030):
        actions.rollover_term(by=None)
        with refused(TransitionError, "Nhiệm kỳ 2030–2035 chưa đến năm kết thúc", Term.current()):
            actions.rollover_term(by=None)


@pytest.mark.parametrize("actor", ["board_officer", "finance_secretary", "lc_secretary", "outsider", "member_user"])
def test_it_refuses_anyone_but_the_system_and_the_national_administrator(cast, actor):
    term = Term.current()
    with time_machine.travel(JAN_2030), refused(NotAllowed, "Chỉ quản trị hệ thống", term, cast.book(cast.member)):
        actions.rollover_term(by=getattr(cast, actor))
