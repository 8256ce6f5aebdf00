"""Random sequences of workflow actions over a small cast keep the 213 invariants.

A hypothesis state machine prepares, issues, confirms and withdraws letters, moves members (home,
residence cell, workplace), corrects them, sets and clears exemptions, ends employment, runs the
October campaign and the whole comment chain, rates, raises and answers notices, records meetings,
merges Phú Khương into Long Châu and rolls the term over — mostly by someone holding the role,
otherwise by anybody in the cast. The finance committee's secretary may leave on the way: its
clerk then has nobody to enter letters for. Before each call it works out whether the call must
be refused (wrong actor, wrong state, bad input) or must succeed, and after each step it checks
what must always hold:

- a refused action raises a DomainError in Vietnamese and changes nothing (no Event either);
- a successful action writes one Event (open_campaign: one per request it created; the bulk
  issue_letters / confirm_letters: one per letter);
- at most one active letter per book, at most one open register row per member, and an open
  register row exactly for each received letter (and only while the member has an open book);
- an E2 member is never on the residence side; a closed book or an E1 member has nothing waiting
  at the residence;
- no comment request is ever lost; at most one non-cancelled periodic request per book and year;
  statuses only move along COMMENT_TRANSITIONS (letters along LETTER_TRANSITIONS).

Each example runs in its own savepoint, rolled back at teardown, on a clock frozen at one of a few
days of autumn 2026 that only moves forward; crossing October 1 runs the campaign cron. On
any of these days from October the term may end: the clock jumps to January 2030 and the cron
rolls the term over (a few days of 2030 follow, October's cron included).
"""

import datetime
import os
from collections import Counter
from zoneinfo import ZoneInfo

import time_machine
from django.db import transaction
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from books import actions
from books.errors import DomainError
from books.models import (
    COMMENT_TRANSITIONS,
    LETTER_TRANSITIONS,
    AnnualRating,
    Book,
    BookStatus,
    CommentKind,
    CommentRequest,
    CommentStatus,
    Event,
    IntroductionLetter,
    LetterStatus,
    NoticeStatus,
    ResidenceRegisterEntry,
    Term,
    ViolationNotice,
)
from members.models import EmploymentStatus, Exemption, Member
from orgs.models import RoleAssignment
from tests.cast import LONG_CHAU, PHU_KHUONG, Cast, commune, full_comment, is_vietnamese, workflow_state

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# The clock of an example: it starts before or just after the campaign opens and only moves forward.
DAYS_2026 = [
    datetime.date(2026, 9, 25),
    datetime.date(2026, 10, 5),
    datetime.date(2026, 10, 28),
    datetime.date(2026, 11, 20),
    datetime.date(2026, 12, 10),
]
# after the term ends (the rollover needs the term's end year)
DAYS_2030 = [datetime.date(2030, 1, 5), datetime.date(2030, 10, 5), datetime.date(2030, 12, 10)]
USERS = (
    "finance_secretary",
    "finance_clerk",
    "health_secretary",
    "finance_cell_secretary",
    "lc_secretary",
    "lc_clerk",
    "lc_cell_secretary",
    "pk_secretary",
    "pk_cell_secretary",
    "board_officer",
    "member_user",
    "outsider",
)
# How often each action is drawn. One rule draws them (rather than one rule each) so that
# Hypothesis's swarm testing, which switches whole rules off in an example, cannot cut the
# comment chain in the middle; the chain gets the most weight because it needs the most steps.
ACTIONS = {
    "issue_letters": 4,
    "confirm_letters": 4,
    "change_residence": 2,
    "change_workplace": 2,
    "set_exemption": 2,
    "end_employment": 2,
    "register_member": 2,
    "open_campaign": 2,
    "request_comment_on_demand": 2,
    "comment_step": 16,
    "record_rating": 2,
    "raise_notice": 2,
    "answer_notice": 2,
    "record_meeting": 2,
    "time_passes": 2,
    # the rarer ones: corrections, withdrawals, the merger, the end of the term, a secretary leaving
    "prepare_letter": 1,
    "withdraw_letter": 1,
    "reassign_cell": 1,
    "clear_exemption": 1,
    "update_member": 1,
    "merge_communes": 1,
    "rollover_term": 1,
    "secretary_leaves": 1,
}
WEIGHTED = [name for name, weight in ACTIONS.items() for _ in range(weight)]
# The comment steps that fit a request's status.
NEXT_STEPS = {
    CommentStatus.REQUESTED: ["write", "sign"],
    CommentStatus.DRAFTED: ["write", "sign"],
    CommentStatus.SIGNED: ["certify", "send_back"],
    CommentStatus.CERTIFIED: ["return"],
    CommentStatus.RETURNED: ["acknowledge"],
    CommentStatus.ACKNOWLEDGED: [],
    CommentStatus.CANCELLED: [],
}
COMMENT_STEPS = ["write", "sign", "send_back", "certify", "return", "acknowledge"]
NOTICE = "Không chấp hành quy định giữ gìn vệ sinh môi trường của khóm."
ANSWER = "Chi bộ đã kiểm điểm, đồng chí nhận khuyết điểm và cam kết khắc phục."


def at(day):
    return datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=VN)


def campaign_opens(day):
    return datetime.date(day.year, 10, 1)


class Workflow(RuleBasedStateMachine):
    weighted = WEIGHTED  # a subclass may draw its own mix

    def __init__(self):
        super().__init__()
        # one savepoint per example, rolled back in teardown: every example starts from the same DB
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        self.days = list(DAYS_2026)
        self.day = 0
        self.clock = time_machine.travel(at(self.days[0]), tick=False)
        self.clock.start()
        self.cast = cast = Cast.create()
        self.member_ids = [
            cast.member.pk,
            cast.member_factory(full_name="Lê Văn Phú", commune_code=PHU_KHUONG).pk,
            cast.member_factory(full_name="Lâm Thị Y", cell=cast.health_cell).pk,
            cast.member_factory(full_name="Phạm Văn Khương", cell=cast.health_cell, commune_code=PHU_KHUONG).pk,
        ]
        # who holds a role in which organisation (each organisation of the cast has one kind of role)
        self.holders = {
            cast.finance.pk: {"finance_secretary", "finance_clerk"},
            cast.health.pk: {"health_secretary"},
            cast.finance_cell.pk: {"finance_cell_secretary"},
            cast.long_chau.pk: {"lc_secretary", "lc_clerk"},
            cast.lc_cell_1.pk: {"lc_cell_secretary"},
            cast.phu_khuong.pk: {"pk_secretary"},
            cast.pk_cell.pk: {"pk_cell_secretary"},
        }
        # the name each workplace committee's letters are signed in (its secretary; none once gone)
        self.signers = {
            cast.finance.pk: cast.finance_secretary.full_name,
            cast.health.pk: cast.health_secretary.full_name,
        }
        self.merged = False
        self.seen_letters: dict[int, str] = {}
        self.seen_comments: dict[int, str] = {}
        self.employed = len(self.member_ids)
        self.outcomes: Counter[str] = Counter()

    def teardown(self):
        self.clock.stop()
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)

    @initialize(data=st.data(), start=st.sampled_from([0, 1]))
    def introduce_some_members(self, data, start):
        """Start in late September or early October, some members introduced, some only sent a letter."""
        cells = [self.cast.lc_cell_1, self.cast.lc_cell_2, self.cast.pk_cell]
        for member in Member.objects.filter(pk__in=self.member_ids).order_by("pk"):
            home = [c for c in cells if c.commune_id == member.residence_commune_id]
            step = data.draw(st.sampled_from(["none", "issued", *home]), label=f"introduce {member}")
            if step == "none":
                continue
            by = self.user(min(self.holders[self.open_book(member).holder_id]))
            letter = self.attempt("issue_letters", lambda m=member, b=by: actions.issue_letter(m, by=b), succeed=True)
            if step != "issued":
                receiver = self.user(min(self.holders[step.parent_id]))
                self.attempt(
                    "confirm_letters",
                    lambda lt=letter, c=step, r=receiver: actions.confirm_letter(lt, cell=c, by=r),
                    succeed=True,
                )
        if start:
            self.move_clock(start)  # after the introductions, so that the cron finds them

    @rule(data=st.data())
    def act(self, data):
        getattr(self, data.draw(st.sampled_from(self.weighted), label="action"))(data)

    # ------------------------------------------------------------------ plumbing

    @property
    def today(self):
        return self.days[self.day]

    def move_clock(self, day):
        before, self.day = self.today, day
        self.clock.stop()
        self.clock = time_machine.travel(at(self.today), tick=False)
        self.clock.start()
        if before < campaign_opens(self.today) <= self.today:
            # what the daily cron job does from October 1
            for committee in (self.cast.finance, self.cast.health):
                self.attempt(
                    "open_campaign",
                    lambda c=committee: actions.open_campaign(c, by=None),
                    succeed=True,
                    events=lambda result: len(result.created),
                )

    def allowed(self, *orgs):
        """The cast users holding a role in any of `orgs`."""
        names = set()
        for org in orgs:
            if org is not None:
                names |= self.holders.get(org.pk, set())
        return names

    def pick_actor(self, data, allowed):
        """Mostly someone with the role (when there is one), otherwise anybody."""
        if allowed and data.draw(st.integers(0, 3), label="right actor") > 0:
            return data.draw(st.sampled_from(sorted(allowed)), label="actor")
        return data.draw(st.sampled_from(USERS), label="actor")

    def user(self, name):
        return None if name is None else getattr(self.cast, name)

    def pick_member(self, data):
        return Member.objects.get(pk=data.draw(st.sampled_from(self.member_ids), label="member"))

    def open_book(self, member):
        return member.books.filter(status=BookStatus.OPEN).select_related("holder").first()

    def homes(self):
        """The communes one may live in today: Phú Khương ends with the merger."""
        return [LONG_CHAU] if self.merged else [LONG_CHAU, PHU_KHUONG]

    def signs_for(self, by, committee):
        """What a letter signed by `by` for `committee` prints: (name, entered on behalf of), or
        None when `by` is a clerk and the committee has nobody who can sign."""
        if by.endswith("_secretary"):
            return getattr(self.cast, by).full_name, ""
        signer = self.signers.get(committee.pk)
        return (signer, signer) if signer else None

    def attempt(self, label, call, *, why=None, refuse="", succeed=False, events=lambda result: 1):
        """Run an action that must be refused (`refuse` says why) or must succeed.

        `why` decides both: refused for that reason, or ("") bound to succeed. Refused: a Vietnamese
        DomainError and nothing changed. Done: exactly `events(result)` new Events.
        """
        if why is not None:
            refuse, succeed = why, not why
        before = workflow_state() if not succeed else None  # only a refusal is compared with it
        events_before = Event.objects.count()
        try:
            result = call()
        except DomainError as exc:
            assert not succeed, f"{label}: refused although allowed: {exc}"
            assert is_vietnamese(str(exc)), f"{label}: message not in Vietnamese: {exc}"
            assert workflow_state() == before, f"{label}: refused ({exc}) but the database changed"
            self.outcomes[f"{label} refused"] += 1
            return None
        assert not refuse, f"{label}: done although it must be refused ({refuse})"
        written = Event.objects.count() - events_before
        assert written == events(result), f"{label}: {written} events written, {events(result)} expected"
        self.outcomes[f"{label} done"] += 1
        return result

    # ------------------------------------------------------------------ members and letters

    def time_passes(self, data):
        if self.day < len(self.days) - 1:
            self.move_clock(self.day + 1)

    def register_member(self, data):
        if len(self.member_ids) >= 6:
            return
        cell = data.draw(st.sampled_from([self.cast.finance_cell, self.cast.health_cell]), label="workplace")
        home = data.draw(st.sampled_from(self.homes()), label="home")
        by = self.user(min(self.holders[cell.workplace_committee.pk]))
        member = self.attempt(
            "register_member", lambda: self.cast.member_factory(cell=cell, commune_code=home, by=by), succeed=True
        )
        self.member_ids.append(member.pk)

    def issue_letters(self, data):
        # mostly members with no letter in force (so that letters get signed, by a clerk too)
        free = sorted(
            Book.objects.filter(member__in=self.member_ids, status=BookStatus.OPEN)
            .exclude(letters__status__in=[LetterStatus.ISSUED, LetterStatus.RECEIVED])
            .values_list("member_id", flat=True)
        )
        pool = free if free and data.draw(st.integers(0, 3), label="members without a letter") > 0 else self.member_ids
        chosen = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True), label="members")
        members = [Member.objects.get(pk=pk) for pk in chosen]
        allowed = set(USERS)
        why = ""
        for member in members:
            book = self.open_book(member)
            if book is None:
                why = "a member has no open book"
                continue
            allowed &= self.allowed(book.holder)
            active = book.active_letter()
            if member.exemption == Exemption.E2:
                why = "an E2 member is never introduced"
            elif active is not None and active.status != LetterStatus.DRAFT:
                why = "a member already has a letter in force"
        by = self.pick_actor(data, allowed)
        if by not in allowed:
            why = why or f"{by} may not sign for every member's committee"
        elif any(self.signs_for(by, book.holder) is None for book in map(self.open_book, members) if book):
            why = why or "a clerk, and the committee has nobody to sign"
        letters = self.attempt(
            "issue_letters",
            lambda: actions.issue_letters(members, by=self.user(by)),
            why=why,
            events=len,
        )
        for letter in letters or []:
            self.check_signature(letter, by)

    def check_signature(self, letter, by):
        """Signed in the secretary's name, never the clerk's; a clerk's letter says on whose behalf."""
        name, on_behalf_of = self.signs_for(by, letter.issuing_committee)
        assert (letter.signer_name, letter.signer_title) == (name, "BÍ THƯ")
        assert letter.signed_by == self.user(by)
        assert letter.entered_on_behalf_of == on_behalf_of
        event = Event.objects.filter(object_id=str(letter.pk), verb="letter_issued").last()
        if event is not None:
            assert event.data.get("on_behalf_of", "") == on_behalf_of

    def prepare_letter(self, data):
        member = self.pick_member(data)
        book = self.open_book(member)
        allowed = self.allowed(book.holder) if book else set()
        by = self.pick_actor(data, allowed)
        if book is None:
            why = "the book is closed"
        elif by not in allowed:
            why = f"{by} does not hold the book"
        elif member.exemption == Exemption.E2:
            why = "an E2 member is never introduced"
        elif book.active_letter() is not None:
            why = "a letter is in force already"
        else:
            why = ""
        self.attempt("prepare_letter", lambda: actions.prepare_letter(member, by=self.user(by)), why=why)

    def withdraw_letter(self, data):
        letters = list(IntroductionLetter.objects.select_related("book__holder").order_by("pk"))
        if not letters:
            return
        active = [letter for letter in letters if letter.status in LetterStatus.active()]
        pool = active if active and data.draw(st.integers(0, 3), label="a letter in force") > 0 else letters
        letter = data.draw(st.sampled_from(pool), label="letter")
        reason = data.draw(st.sampled_from(["Ghi sai địa chỉ nơi cư trú", " "]), label="reason")
        allowed = self.allowed(letter.book.holder)
        by = self.pick_actor(data, allowed)
        if by not in allowed:
            why = f"{by} does not hold the book"
        elif not reason.strip():
            why = "no reason"
        elif letter.book.status != BookStatus.OPEN:
            why = "a closed book's letter"
        elif letter.status not in LetterStatus.active():
            why = f"a {letter.status} letter"
        else:
            why = ""
        self.attempt(
            "withdraw_letter",
            lambda: actions.withdraw_letter(letter, reason=reason, by=self.user(by)),
            why=why,
        )

    def reassign_cell(self, data):
        member = self.pick_member(data)
        entry = ResidenceRegisterEntry.objects.filter(member=member, left_on__isnull=True).first()
        cells = [self.cast.lc_cell_1, self.cast.lc_cell_2, self.cast.pk_cell]
        right = [c for c in cells if entry is not None and c.parent_id == entry.residence_committee_id]
        cell = data.draw(st.sampled_from(right if right and data.draw(st.integers(0, 3)) > 0 else cells), label="cell")
        allowed = self.allowed(entry.residence_committee) if entry else set()
        by = self.pick_actor(data, allowed)
        if entry is None:
            why = "not in a residence register"
        elif by not in allowed:
            why = f"{by} is not the committee where the member is registered"
        elif cell.parent_id != entry.residence_committee_id:
            why = "the cell belongs to another committee"
        elif cell.pk == entry.cell_id:
            why = "already in that cell"
        else:
            why = ""
        self.attempt(
            "reassign_cell",
            lambda: actions.reassign_cell(member, cell=cell, by=self.user(by)),
            why=why,
        )

    def confirm_letters(self, data):
        letters = list(IntroductionLetter.objects.order_by("pk"))
        if not letters:
            return
        issued = [letter for letter in letters if letter.status == LetterStatus.ISSUED]
        pool = issued if issued and data.draw(st.integers(0, 3), label="issued ones") > 0 else letters
        chosen = data.draw(
            st.lists(st.sampled_from(pool), min_size=1, max_size=2, unique_by=lambda x: x.pk), label="letters"
        )
        cells = [self.cast.lc_cell_1, self.cast.lc_cell_2, self.cast.pk_cell]
        pairs = []
        allowed = set(USERS)
        why = ""
        for letter in chosen:
            # (none once the letter's committee has merged away: its cells went with it)
            right = [c for c in cells if c.parent_id == letter.residence_committee_id]
            cell = data.draw(
                st.sampled_from(right if right and data.draw(st.integers(0, 3)) > 0 else cells), label="cell"
            )
            pairs.append((letter, cell))
            allowed &= self.allowed(letter.residence_committee)
            if letter.status != LetterStatus.ISSUED:
                why = "only an issued letter is received"
            elif cell.parent_id != letter.residence_committee_id:
                why = "the cell belongs to another committee"
        by = self.pick_actor(data, allowed)
        if by not in allowed:
            why = why or f"{by} does not receive letters for that committee"
        self.attempt(
            "confirm_letters",
            lambda: actions.confirm_letters(pairs, by=self.user(by)),
            why=why,
            events=len,
        )

    def change_residence(self, data):
        member = self.pick_member(data)
        unit = commune(data.draw(st.sampled_from([LONG_CHAU, PHU_KHUONG]), label="commune"))
        line = data.draw(st.sampled_from(["Số 1, Khóm 1", "Số 2, Khóm 2"]), label="line")
        book = self.open_book(member)
        allowed = self.allowed(book.holder) if book else set()
        by = self.pick_actor(data, allowed)
        if book is None:
            why = "the book is closed"
        elif by not in allowed:
            why = f"{by} does not hold the book"
        elif unit.valid_until is not None and unit.valid_until < self.today:
            why = "Phú Khương has merged into Long Châu"
        elif unit.pk == member.residence_commune_id and line == member.residence_line:
            why = "the same address"
        elif book.active_letter() is not None and self.signs_for(by, book.holder) is None:
            why = "a new letter, and nobody to sign it"
        else:
            why = ""
        self.attempt(
            "change_residence",
            lambda: actions.change_residence(member, commune=unit, line=line, by=self.user(by)),
            why=why,
        )
        if not why and book.active_letter() is not None:
            self.check_signature(book.active_letter(), by)

    def change_workplace(self, data):
        member = self.pick_member(data)
        cell = data.draw(st.sampled_from([self.cast.finance_cell, self.cast.health_cell]), label="cell")
        book = self.open_book(member)
        allowed = self.allowed(book.holder, cell.workplace_committee) if book else set()
        by = self.pick_actor(data, allowed)
        if book is None:
            why = "the book is closed"
        elif cell.pk == member.workplace_cell_id:
            why = "already in that cell"
        elif by not in allowed:
            why = f"{by} is on neither side of the move"
        else:
            why = ""
        self.attempt(
            "change_workplace",
            lambda: actions.change_workplace(member, cell=cell, by=self.user(by)),
            why=why,
        )

    def set_exemption(self, data):
        member = self.pick_member(data)
        exemption = data.draw(st.sampled_from(["", "E1a", "E2"]), label="exemption")
        book = self.open_book(member)
        allowed = self.allowed(book.holder) if book else set()
        by = self.pick_actor(data, allowed)
        if book is None:
            why = "the book is closed"
        elif by not in allowed:
            why = f"{by} does not hold the book"
        elif exemption == member.exemption:
            why = "no change"
        else:
            why = ""
        reason = "Theo quyết định của cấp ủy" if exemption else ""
        self.attempt(
            "set_exemption",
            lambda: actions.set_exemption(member, exemption=exemption, reason=reason, by=self.user(by)),
            why=why,
        )

    def clear_exemption(self, data):
        exempt = sorted(Member.objects.exclude(exemption="").values_list("pk", flat=True))
        if exempt and data.draw(st.integers(0, 3), label="an exempt member") > 0:
            member = Member.objects.get(pk=data.draw(st.sampled_from(exempt), label="member"))
        else:
            member = self.pick_member(data)
        book = self.open_book(member)
        allowed = self.allowed(book.holder) if book else set()
        by = self.pick_actor(data, allowed)
        if book is None:
            why = "the book is closed"
        elif by not in allowed:
            why = f"{by} does not hold the book"
        elif not member.exemption:
            why = "not exempt"
        else:
            why = ""
        self.attempt("clear_exemption", lambda: actions.clear_exemption(member, by=self.user(by)), why=why)

    def update_member(self, data):
        member = self.pick_member(data)
        changes = data.draw(
            st.sampled_from(
                [{"phone": "0912 345 678"}, {"phone": "0987 654 321"}, {"full_name": ""}, {"residence_line": "Số 9"}]
            ),
            label="changes",
        )
        allowed = self.allowed(member.workplace_committee)
        by = self.pick_actor(data, allowed)
        if by not in allowed:
            why = f"{by} is not the member's workplace committee"
        elif "residence_line" in changes:
            why = "the address has its own action"
        elif changes.get("full_name") == "":
            why = "a name is required"
        else:
            why = ""
        changed = any(getattr(member, name) != value for name, value in changes.items())
        self.attempt(
            "update_member",
            lambda: actions.update_member(member, by=self.user(by), **changes),
            why=why,
            events=lambda result: int(changed),  # a correction that changes nothing writes nothing
        )

    def end_employment(self, data):
        if self.employed <= 3:  # keep enough members to work with
            return
        member = self.pick_member(data)
        reason = data.draw(st.sampled_from([EmploymentStatus.RETIRED, EmploymentStatus.LEFT]), label="reason")
        book = self.open_book(member)
        allowed = self.allowed(book.holder) if book else set()
        by = self.pick_actor(data, allowed)
        if member.employment != EmploymentStatus.EMPLOYED or book is None:
            why = "no longer employed"
        elif by not in allowed:
            why = f"{by} does not hold the book"
        else:
            why = ""
        self.attempt(
            "end_employment",
            lambda: actions.end_employment(member, reason=reason, by=self.user(by)),
            why=why,
        )

    # ------------------------------------------------------------------ comments

    def open_campaign(self, data):
        committee = data.draw(st.sampled_from([self.cast.finance, self.cast.health]), label="committee")
        allowed = self.allowed(committee)
        by = None if data.draw(st.integers(0, 5), label="cron") == 0 else self.pick_actor(data, allowed)
        year = self.today.year
        candidates = actions.campaign_candidates(committee, year)
        if by is not None and by not in allowed:
            why = f"{by} is not on the committee"
        elif self.today < campaign_opens(self.today):
            why = "before October 1"
        else:
            why = ""
        result = self.attempt(
            "open_campaign",
            lambda: actions.open_campaign(committee, by=self.user(by)),
            why=why,
            events=lambda result: len(result.created),
        )
        if result is not None:
            # afterwards every introduced, non-exempt member of the committee has the year's request
            for book in candidates:
                introduced = book.letters.filter(status__in=[LetterStatus.ISSUED, LetterStatus.RECEIVED]).exists()
                if introduced and not book.member.exemption:
                    live = book.comments.filter(year=year, kind=CommentKind.PERIODIC)
                    assert live.exclude(status=CommentStatus.CANCELLED).count() == 1, f"missed {book.member}"

    def request_comment_on_demand(self, data):
        member = self.pick_member(data)
        reason = data.draw(st.sampled_from(["cadre", "reward", "discipline", "periodic"]), label="reason")
        book = self.open_book(member) or member.books.order_by("-pk").first()
        allowed = self.allowed(book.holder)
        by = self.pick_actor(data, allowed)
        introduced = book.letters.filter(status__in=[LetterStatus.ISSUED, LetterStatus.RECEIVED]).exists()
        if by not in allowed:
            why = f"{by} does not hold the book"
        elif book.status != BookStatus.OPEN:
            why = "the book is closed"
        elif not member.is_e1:
            why = "only for E1 members"
        elif reason == "periodic":
            why = "not a reason of the profile"
        elif not introduced:
            why = "never introduced"
        else:
            why = ""
        self.attempt(
            "request_comment_on_demand",
            lambda: actions.request_comment_on_demand(book, reason=reason, by=self.user(by)),
            why=why,
        )

    def comment_step(self, data):
        """Move a comment request one step: mostly an open one, mostly the step its status calls for."""
        requests = list(
            CommentRequest.objects.select_related(
                "book__member", "book__profile", "residence_cell", "residence_committee", "requesting_committee"
            ).order_by("pk")
        )
        if not requests:
            return
        moving = [r for r in requests if NEXT_STEPS[r.status]]
        if moving and data.draw(st.integers(0, 3), label="an open request") > 0:
            requests = moving
        request = data.draw(st.sampled_from(requests), label="request")
        fitting = NEXT_STEPS[request.status]
        if fitting and data.draw(st.integers(0, 3), label="a fitting step") > 0:
            step = data.draw(st.sampled_from(fitting), label="step")
        else:
            step = data.draw(st.sampled_from(COMMENT_STEPS), label="step")
        getattr(self, f"comment_{step}")(data, request)

    def comment_write(self, data, request):
        allowed = self.allowed(request.residence_cell, request.residence_committee)
        by = self.pick_actor(data, allowed)
        content = data.draw(st.sampled_from(["full", "one criterion", "unknown criterion", "unknown summary"]))
        first = request.book.profile.criteria[0]["key"]
        fields = {
            "full": full_comment(),
            "one criterion": {"criteria": {first: "Gương mẫu."}},
            "unknown criterion": {"criteria": {"dao_duc": "Tốt."}},
            "unknown summary": {"summary": "xuat_sac"},
        }[content]
        if by not in allowed:
            why = f"{by} is not the cell or its committee"
        elif request.status not in (CommentStatus.REQUESTED, CommentStatus.DRAFTED):
            why = f"cannot write on a {request.status} comment"
        elif request.book.member.exemption == Exemption.E2:
            why = "E2 member"
        elif content.startswith("unknown"):
            why = "not in the profile"
        else:
            why = ""
        self.attempt(
            "write_comment",
            lambda: actions.write_comment(request, by=self.user(by), **fields),
            why=why,
        )

    def comment_sign(self, data, request):
        allowed = self.allowed(request.residence_cell, request.residence_committee)
        by = self.pick_actor(data, allowed)
        content = data.draw(st.sampled_from(["full", "nothing", "no Mặt trận"]), label="content")
        fields = {"full": full_comment(), "nothing": {}, "no Mặt trận": {**full_comment(), "front_participant": ""}}
        fields = dict(fields[content])
        # the committee entering a paper form must name the secretary who signed the paper
        for_paper = by in self.allowed(request.residence_committee)
        if data.draw(st.booleans(), label="names the paper signer"):
            fields["on_behalf_of"] = "Bùi Văn Chín"
        keys = [c["key"] for c in request.book.profile.criteria]
        complete = content == "full" or (
            content == "nothing"
            and all((request.criteria or {}).get(k, "").strip() for k in keys)
            and bool(request.summary)
            and bool(request.front_participant)
        )
        if by not in allowed:
            why = f"{by} is not the cell or its committee"
        elif request.status not in (CommentStatus.REQUESTED, CommentStatus.DRAFTED):
            why = f"cannot sign a {request.status} comment"
        elif request.book.member.exemption == Exemption.E2:
            why = "E2 member"
        elif request.residence_cell is None:
            why = "no residence cell assigned yet"
        elif for_paper and "on_behalf_of" not in fields:
            why = "a committee entering a paper form without the paper signer"
        elif not complete:
            why = "the comment is incomplete"
        else:
            why = ""
        signed = self.attempt(
            "sign_comment",
            lambda: actions.sign_comment(request, by=self.user(by), **fields),
            why=why,
        )
        if signed is not None:
            cell = signed.residence_cell
            title = "T/M CHI ỦY, BÍ THƯ" if cell is not None and cell.has_executive else "BÍ THƯ CHI BỘ"
            assert signed.signer_title == title

    def committee_step(self, label, data, request, status, action, committee, **kwargs):
        allowed = self.allowed(committee)
        by = self.pick_actor(data, allowed)
        if by not in allowed:
            why = f"{by} is not on {committee}"
        elif request.status != status:
            why = f"a {request.status} comment"
        else:
            why = ""
        self.attempt(label, lambda: action(request, by=self.user(by), **kwargs), why=why)

    def comment_send_back(self, data, request):
        self.committee_step(
            "send_back_comment",
            data,
            request,
            CommentStatus.SIGNED,
            actions.send_back_comment,
            request.residence_committee,
            reason="Ghi rõ ý kiến của nhân dân.",
        )

    def comment_certify(self, data, request):
        self.committee_step(
            "certify_comment", data, request, CommentStatus.SIGNED, actions.certify_comment, request.residence_committee
        )

    def comment_return(self, data, request):
        self.committee_step(
            "return_comment",
            data,
            request,
            CommentStatus.CERTIFIED,
            actions.return_comment,
            request.residence_committee,
        )

    def comment_acknowledge(self, data, request):
        self.committee_step(
            "acknowledge_comment",
            data,
            request,
            CommentStatus.RETURNED,
            actions.acknowledge_comment,
            request.requesting_committee,
        )

    # ------------------------------------------------------------------ rating, notices, meetings

    def record_rating(self, data):
        member = self.pick_member(data)
        level = data.draw(st.sampled_from(["good", "excellent", "bogus"]), label="level")
        year = self.today.year + data.draw(st.sampled_from([-1, -1, 0, 1]), label="year")
        book = member.books.filter(status=BookStatus.OPEN).first() or member.books.order_by("-pk").first()
        allowed = self.allowed(book.holder, member.workplace_cell)
        by = self.pick_actor(data, allowed)
        if by not in allowed:
            why = f"{by} neither holds the book nor leads the member's cell"
        elif level == "bogus":
            why = "not one of the four levels"
        elif year > self.today.year or not book.term.contains_year(year):
            why = "a future year, or one outside the book's term"
        elif self.today < datetime.date(year, 12, 1):
            why = "the year's rating waits for December"
        elif AnnualRating.objects.filter(book=book, year=year).exists():
            why = "already rated"
        else:
            why = ""
        expected = actions.comment_for_rating(book, year)
        rating = self.attempt(
            "record_rating",
            lambda: actions.record_rating(book, year=year, level=level, by=self.user(by)),
            why=why,
        )
        if rating is not None:
            assert rating.comment == expected
            assert rating.without_comment == (expected is None)

    def raise_notice(self, data):
        member = self.pick_member(data)
        description = data.draw(st.sampled_from([NOTICE, "Vi phạm."]), label="description")
        entry = ResidenceRegisterEntry.objects.filter(member=member, left_on__isnull=True).first()
        allowed = self.allowed(entry.residence_committee) if entry else set()
        by = self.pick_actor(data, allowed)
        if entry is None or member.exemption == Exemption.E2:
            why = "not registered at a residence"
        elif by not in allowed:
            why = f"{by} is not the committee where the member is registered"
        elif description != NOTICE:
            why = "too short"
        else:
            why = ""
        self.attempt(
            "raise_notice",
            lambda: actions.raise_notice(member, description=description, observed_on=self.today, by=self.user(by)),
            why=why,
        )

    def answer_notice(self, data):
        notices = list(ViolationNotice.objects.order_by("pk"))
        if not notices:
            return
        notice = data.draw(st.sampled_from(notices), label="notice")
        allowed = self.allowed(notice.workplace_committee)
        by = self.pick_actor(data, allowed)
        if by not in allowed:
            why = f"{by} is not the workplace committee"
        elif notice.status != NoticeStatus.RAISED:
            why = "already answered"
        else:
            why = ""
        self.attempt(
            "answer_notice",
            lambda: actions.answer_notice(notice, answer=ANSWER, by=self.user(by)),
            why=why,
        )

    def record_meeting(self, data):
        cell = data.draw(st.sampled_from([self.cast.lc_cell_1, self.cast.lc_cell_2, self.cast.pk_cell]), label="cell")
        held_on = self.today - datetime.timedelta(days=data.draw(st.sampled_from([0, 10, 40, -1]), label="days ago"))
        registered = set(
            ResidenceRegisterEntry.objects.filter(cell=cell, entered_on__lte=held_on)
            .exclude(left_on__lt=held_on)
            .exclude(member__exemption=Exemption.E2)
            .values_list("member_id", flat=True)
        )
        pool = (
            sorted(registered) if registered and data.draw(st.integers(0, 3), label="its members") else self.member_ids
        )
        attendance = data.draw(
            st.dictionaries(st.sampled_from(pool), st.booleans(), min_size=1, max_size=3), label="attendance"
        )
        allowed = self.allowed(cell, cell.parent)
        by = self.pick_actor(data, allowed)
        if by not in allowed:
            why = f"{by} is neither the cell nor its committee"
        elif held_on > self.today:
            why = "a future date"
        elif set(attendance) - registered:
            why = "a member not in the cell's register that day"
        else:
            why = ""
        self.attempt(
            "record_meeting",
            lambda: actions.record_meeting(cell, held_on=held_on, attendance=attendance, by=self.user(by)),
            why=why,
        )

    # ------------------------------------------------------------------ merger, term, people

    def merge_communes(self, data):
        """Phú Khương merges into Long Châu, once (tests/actions/test_merge_communes.py has the rest)."""
        by = self.pick_actor(data, {"board_officer"})
        if by != "board_officer":
            why = f"{by} is not on the province's board"
        elif self.merged:
            why = "Phú Khương has merged already"
        else:
            why = ""
        done = self.attempt(
            "merge_communes",
            lambda: actions.merge_communes([self.cast.phu_khuong], into=self.cast.long_chau, by=self.user(by)),
            why=why,
        )
        if done is not None:
            self.merged = True
            for org in (self.cast.phu_khuong, self.cast.pk_cell, self.cast.long_chau):
                org.refresh_from_db()  # the cell now belongs to Long Châu
            assert not Member.objects.filter(residence_commune=commune(PHU_KHUONG)).exists()
            assert not IntroductionLetter.objects.filter(
                residence_committee=self.cast.phu_khuong, status__in=LetterStatus.active()
            ).exists()
            assert not ResidenceRegisterEntry.objects.filter(
                residence_committee=self.cast.phu_khuong, left_on__isnull=True
            ).exists()

    def rollover_term(self, data):
        """Refused before the term's end year (and to anyone but the cron); sometimes, once the
        2026 campaign has begun, the clock first jumps to January 2030, where the cron rolls the
        term over."""
        by = None if data.draw(st.booleans(), label="cron") else data.draw(st.sampled_from(USERS), label="actor")
        term = Term.current()
        # not before the year's campaign: the requests it made must go on in the new books
        started = campaign_opens(self.today) <= self.today
        jump = self.today.year == 2026 and started and data.draw(st.integers(0, 2), label="the term ends") == 0
        if jump:
            self.days = [*self.days[: self.day + 1], *DAYS_2030]
            self.move_clock(self.day + 1)
        if by is not None:
            why = f"{by} may not end the term"  # only the cron or a national administrator
        elif self.today.year < term.end_year:
            why = "before the term's end year"
        else:
            why = ""
        books = list(Book.objects.filter(status=BookStatus.OPEN).values_list("pk", "member__employment"))
        result = self.attempt("rollover_term", lambda: actions.rollover_term(by=self.user(by)), why=why)
        if result is not None:
            assert result.books_opened == sum(1 for _, employment in books if employment == EmploymentStatus.EMPLOYED)
            assert not Book.objects.filter(pk__in=[pk for pk, _ in books], status=BookStatus.OPEN).exists()
            assert set(Book.objects.filter(term=result.new_term).values_list("profile", flat=True)) <= {
                actions.default_profile().pk
            }

    def secretary_leaves(self, data):
        """Sometimes the finance committee's secretary leaves: from then on its clerk has nobody to
        enter letters for (no action: the role simply ends)."""
        finance = self.cast.finance
        if "finance_secretary" not in self.holders[finance.pk] or data.draw(st.integers(0, 2), label="leaves"):
            return
        RoleAssignment.objects.filter(user=self.cast.finance_secretary, organisation=finance).update(
            valid_until=self.today - datetime.timedelta(days=1)
        )
        self.holders[finance.pk] = self.holders[finance.pk] - {"finance_secretary"}
        del self.signers[finance.pk]

    # ------------------------------------------------------------------ invariants

    @invariant()
    def letters_and_register_agree(self):
        letters = list(IntroductionLetter.objects.values_list("pk", "book_id", "status"))
        active = Counter(book for _, book, status in letters if status in LetterStatus.active())
        assert max(active.values(), default=0) <= 1, "two letters in force in one book"
        for pk, _, status in letters:
            old = self.seen_letters.get(pk, status)
            assert status == old or status in LETTER_TRANSITIONS[old], f"letter {pk}: {old} -> {status}"
            self.seen_letters[pk] = status
        rows = ResidenceRegisterEntry.objects.filter(left_on__isnull=True)
        open_rows = list(rows.values_list("member", "letter"))
        assert max(Counter(m for m, _ in open_rows).values(), default=0) <= 1, "two open register rows"
        received = {pk for pk, _, status in letters if status == LetterStatus.RECEIVED}
        assert {letter for _, letter in open_rows} == received, "open register rows != received letters"
        assert not rows.exclude(member__books__status=BookStatus.OPEN).exists(), "registered without an open book"

    @invariant()
    def e2_members_are_never_on_the_residence_side(self):
        self.employed = Member.objects.filter(employment=EmploymentStatus.EMPLOYED).count()
        e2 = list(Member.objects.filter(exemption=Exemption.E2).values_list("pk", flat=True))
        assert not IntroductionLetter.objects.filter(book__member__in=e2, status__in=LetterStatus.active()).exists()
        assert not ResidenceRegisterEntry.objects.filter(member__in=e2, left_on__isnull=True).exists()
        assert not CommentRequest.objects.filter(book__member__in=e2, status__in=CommentStatus.open()).exists()
        assert not Member.objects.residence_visible().filter(pk__in=e2).exists()

    @invariant()
    def closed_books_and_e1_members_have_nothing_waiting(self):
        closed = Book.objects.filter(status=BookStatus.CLOSED)
        assert not IntroductionLetter.objects.filter(book__in=closed, status__in=LetterStatus.active()).exists()
        assert not CommentRequest.objects.filter(book__in=closed, status__in=CommentStatus.open()).exists()
        assert not CommentRequest.objects.filter(
            book__member__exemption__in=sorted(Exemption.e1()),
            kind=CommentKind.PERIODIC,
            status__in=[CommentStatus.REQUESTED, CommentStatus.DRAFTED],
        ).exists(), "an E1 member still waits for a periodic comment"

    @invariant()
    def no_comment_is_lost_duplicated_or_moved_backwards(self):
        comments = list(CommentRequest.objects.values_list("pk", "book_id", "year", "kind", "status"))
        now = {pk: status for pk, *_, status in comments}
        assert set(self.seen_comments) <= set(now), "a comment request disappeared"
        for pk, status in now.items():
            old = self.seen_comments.get(pk, status)
            assert status == old or status in COMMENT_TRANSITIONS[old], f"comment {pk}: {old} -> {status}"
        self.seen_comments = now
        live = Counter(
            (book, year)
            for _, book, year, kind, status in comments
            if kind == CommentKind.PERIODIC and status != CommentStatus.CANCELLED
        )
        assert max(live.values(), default=0) <= 1, "two periodic requests for one book and year"


def test_random_workflows_keep_the_invariants(db):
    run_state_machine_as_test(
        Workflow,
        settings=settings(
            # make test: 20 sequences of 40 steps (tests/tallies runs the same machine again, 12 × 30);
            # make fuzz: WORKFLOW_EXAMPLES=200
            max_examples=int(os.environ.get("WORKFLOW_EXAMPLES", "20")),
            stateful_step_count=40,
            deadline=None,  # a step is a few database transactions; its time says nothing
            derandomize=True,  # the same examples on every run, here and in CI
            database=None,  # nothing written to .hypothesis/
            # drawing a step reads the database (the objects to pick from), which the health check
            # counts as slow data generation; the time goes to the actions, not to generation
            suppress_health_check=[HealthCheck.too_slow],
            # shrinking a failure can take many minutes; CI only needs to see it fail
            # (HYPOTHESIS_SHRINK=1 shrinks it for debugging)
            phases=list(Phase) if os.environ.get("HYPOTHESIS_SHRINK") else [Phase.explicit, Phase.generate],
        ),
    )
