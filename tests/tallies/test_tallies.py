"""The board's figures kept per committee (tallies): equal to a recount, recounted by a task after each
committed change, overdue computed on the day read, a fixed number of queries to read them."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from books import actions
from books.queries import province_overview, province_overview_recount
from orgs.models import Organisation, OrgKind
from tallies import pending
from tallies.models import CommitteeTally
from tallies.refresh import COMMENTS, affected, refresh_all
from tests.cast import PASSWORD, PHU_KHUONG, introduce
from tests.tallies.recount import assert_tallies_equal_a_recount
from tests.web.test_board_completion import add_committees, build_world, bulk_members, foreign_province

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime.date(2026, 11, 27)
TASK = "tallies.tasks.refresh_after_events"


@pytest.fixture(autouse=True)
def _nine_o_clock():
    with time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0, tzinfo=VN), tick=False):
        yield


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block's on-commit callbacks as a real commit would (the test's transaction never commits)."""

    def block():
        pending._local.pending = None  # the cast's own events wait on the test's transaction: start afresh
        return django_capture_on_commit_callbacks(execute=True)

    return block


@pytest.fixture
def worker(monkeypatch):
    """`manage.py db_worker --batch`: every queued task, then stop (the test's connection kept open)."""
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    return lambda: call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def tally(org, year=2026):
    """The committee's own-province row (the board's table), as stored."""
    return CommitteeTally.objects.get(organisation=org, year=year, workplace_province=org.province_code)


def tasks():
    return list(DBTaskResult.objects.filter(task_path=TASK).order_by("enqueued_at"))


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


# --------------------------------------------------------------------------- equal to a recount


def test_the_tables_and_the_home_equal_a_recount_of_the_hand_computed_world(cast):
    build_world(cast)
    assert_tallies_equal_a_recount(TODAY)
    assert CommitteeTally.objects.filter(year=2026).count() >= 6  # every committee of both provinces
    assert (tally(cast.long_chau).letters_received, tally(cast.long_chau).requested) == (4, 4)


def test_the_table_counts_its_province_s_members_and_the_home_everything_its_communes_handle(cast):
    """A Hà Nội member living in Long Châu: his letter waits at Long Châu. Vĩnh Long's table (its
    members only, as books.access) leaves it out; Vĩnh Long's home (every letter to its communes)
    counts it. Both read the same tallies, split by the members' province."""
    hanoi = foreign_province(cast)
    visitor = cast.member_factory(full_name="Kiều Văn Khách", cell=hanoi["cell"], by=hanoi["secretary"])
    actions.issue_letter(visitor, by=hanoi["secretary"])
    assert_tallies_equal_a_recount(TODAY)
    assert tally(cast.long_chau).letters_waiting == 0
    from_hanoi = CommitteeTally.objects.get(organisation=cast.long_chau, year=2026, workplace_province=1)
    assert from_hanoi.letters_waiting == 1
    assert province_overview(86, TODAY).letters["issued"] == 1


def test_a_committee_without_a_row_is_counted_when_first_read(cast):
    introduce(cast, cast.member)
    pending._local.pending = None  # as if committed and the task not run yet
    assert not CommitteeTally.objects.exists()
    assert_tallies_equal_a_recount(TODAY)
    assert tally(cast.long_chau).letters_received == 1


def test_a_read_in_the_transaction_that_acted_sees_what_it_did(cast):
    refresh_all()
    introduce(cast, cast.member)
    assert tally(cast.long_chau).letters_received == 0  # not recounted yet: nothing committed
    assert_tallies_equal_a_recount(TODAY)
    assert tally(cast.long_chau).letters_received == 1


# --------------------------------------------------------------------------- overdue on the day read


def test_overdue_moves_with_the_date_without_a_recount(cast):
    build_world(cast)
    pending.flush()  # what the world's actions changed, as the task would after their commit
    stored = list(CommitteeTally.objects.order_by("pk").values())
    seen = {}
    for day in (datetime.date(2026, 10, 31), datetime.date(2026, 11, 1), datetime.date(2026, 11, 16)):
        with time_machine.travel(datetime.datetime.combine(day, datetime.time(9), tzinfo=VN), tick=False):
            with CaptureQueriesContext(connection) as ctx:
                seen[day] = province_overview(86, day).comments["overdue"]
            assert not [q for q in ctx.captured_queries if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"])]
            assert seen[day] == province_overview_recount(86, day).comments["overdue"]
            assert_tallies_equal_a_recount(day)
    # due 31/10: nobody late on the day; Cường, Dung and Giang… then Em's return (due 15/11) too
    assert seen == {datetime.date(2026, 10, 31): 0, datetime.date(2026, 11, 1): 2, datetime.date(2026, 11, 16): 3}
    assert list(CommitteeTally.objects.order_by("pk").values()) == stored


# --------------------------------------------------------------------------- kept up to date after commit


def test_a_committed_action_queues_one_recount_that_the_worker_does(cast, committed, worker):
    refresh_all()
    with committed():
        actions.issue_letter(cast.member, by=cast.finance_clerk)
    (task,) = tasks()
    assert tally(cast.long_chau).letters_waiting == 0  # waits for the worker
    worker()
    assert DBTaskResult.objects.get(pk=task.pk).status == "SUCCESSFUL"
    assert tally(cast.long_chau).letters_waiting == 1
    assert tally(cast.finance).letters_waiting == 1
    assert_tallies_equal_a_recount(TODAY)


def test_many_events_of_one_transaction_make_one_recount(cast, committed, worker):
    members = [cast.member, *(cast.member_factory() for _ in range(3))]
    with committed():
        letters = actions.issue_letters(members, by=cast.finance_clerk)
    with committed():
        actions.confirm_letters([(letter, cast.lc_cell_1) for letter in letters], by=cast.lc_clerk)
    first, second = tasks()
    assert second.args_kwargs["args"][1] - second.args_kwargs["args"][0] == 3  # four events, one range
    worker()
    assert tally(cast.long_chau).letters_received == 4
    assert_tallies_equal_a_recount(TODAY)


def test_the_october_campaign_recounts_its_committees_once_and_only_their_comments(cast, committed, worker):
    members = [cast.member, cast.member_factory(), cast.member_factory(commune_code=PHU_KHUONG)]
    for member in members[:2]:
        introduce(cast, member)
    introduce(cast, members[2], cell=cast.pk_cell)
    refresh_all()
    with committed():
        result = actions.open_campaign(cast.finance, year=2026, by=cast.finance_clerk)
    assert len(result.created) == 3
    first, last = tasks()[0].args_kwargs["args"]
    touched, parts = affected(first, last, 2026)
    assert touched == {cast.finance.pk, cast.long_chau.pk, cast.phu_khuong.pk} and parts == {COMMENTS}
    worker()
    assert len(tasks()) == 1
    requested = [tally(org).requested for org in (cast.finance, cast.long_chau, cast.phu_khuong)]
    assert requested == [3, 2, 1]
    assert tally(cast.long_chau).letters_received == 2  # kept from before: the campaign moves no letter
    assert_tallies_equal_a_recount(TODAY)


def test_a_change_of_workplace_recounts_the_committee_that_held_the_book(cast, committed, worker):
    introduce(cast, cast.member)
    actions.open_campaign(cast.finance, year=2026, by=cast.finance_clerk)
    refresh_all()
    with committed():
        actions.change_workplace(cast.member, cell=cast.health_cell, by=cast.finance_secretary)
    first, last = tasks()[0].args_kwargs["args"]
    touched, _ = affected(first, last, 2026)
    assert {cast.finance.pk, cast.health.pk, cast.long_chau.pk} <= touched
    worker()
    assert (tally(cast.finance).letters_received, tally(cast.health).letters_received) == (0, 1)
    assert (tally(cast.finance).requested, tally(cast.health).requested) == (0, 1)
    assert_tallies_equal_a_recount(TODAY)


def test_a_merger_recounts_the_merged_committee_and_its_successor(cast, committed, worker):
    member = cast.member_factory(commune_code=PHU_KHUONG)
    actions.issue_letter(member, by=cast.finance_clerk)
    refresh_all()
    with committed():
        actions.merge_communes([cast.phu_khuong], into=cast.long_chau, by=cast.board_officer)
    first, last = tasks()[0].args_kwargs["args"]
    assert {cast.phu_khuong.pk, cast.long_chau.pk} <= affected(first, last, 2026)[0]
    worker()
    assert (tally(cast.phu_khuong).letters_waiting, tally(cast.long_chau).letters_waiting) == (0, 1)
    assert_tallies_equal_a_recount(TODAY)


def test_a_new_term_recounts_every_committee(cast, committed):
    with time_machine.travel(datetime.date(2030, 12, 31)), committed():
        actions.rollover_term(by=None)
    first, last = tasks()[0].args_kwargs["args"]
    assert affected(first, last, 2030) == (None, {"letters", "comments", "ratings"})


def test_work_that_changes_no_figure_queues_no_recount(cast, committed):
    introduce(cast, cast.member)
    with committed():
        cast.member_factory()
        actions.update_member(cast.member, full_name="Nguyễn Thị Thu Hằng", by=cast.finance_secretary)
    with committed():
        actions.record_meeting(
            cast.lc_cell_1, held_on=TODAY, attendance={cast.member.pk: True}, by=cast.lc_cell_secretary
        )
    assert tasks() == []


# --------------------------------------------------------------------------- reading: queries and age


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("kind", "url", "place"),
    [
        (OrgKind.RESIDENCE_COMMITTEE, "board:communes", "residence_committees"),
        (OrgKind.WORKPLACE_COMMITTEE, "board:workplaces", "cells"),
        (OrgKind.RESIDENCE_COMMITTEE, "home", "residence_committees"),
    ],
)
def test_a_board_page_runs_the_same_queries_for_5_or_50_committees(client, cast, kind, url, place):
    login(client, cast.board_officer)
    bulk_members(cast, 5, **{place: add_committees(kind, 5, cast)})
    refresh_all()
    few = queries_for(client, reverse(url))
    bulk_members(cast, 45, **{place: add_committees(kind, 45, cast)})
    refresh_all()
    many = queries_for(client, reverse(url))
    assert few == many
    assert_tallies_equal_a_recount(TODAY)


@pytest.mark.parametrize("url", ["board:communes", "board:workplaces", "home"])
def test_the_page_says_when_the_figures_were_counted_once_older_than_five_minutes(client, cast, url):
    introduce(cast, cast.member)
    refresh_all()
    login(client, cast.board_officer)
    line = "Số liệu cập nhật lúc 09:00 ngày 27/11/2026"
    assert line not in client.get(reverse(url)).content.decode()
    with time_machine.travel(datetime.datetime(2026, 11, 27, 9, 4, tzinfo=VN), tick=False):
        assert line not in client.get(reverse(url)).content.decode()
    with time_machine.travel(datetime.datetime(2026, 11, 27, 9, 40, tzinfo=VN), tick=False):
        assert line in client.get(reverse(url)).content.decode()


# --------------------------------------------------------------------------- the command


def test_refresh_tallies_asks_for_a_province_or_all(db):
    with pytest.raises(CommandError, match="--province N"):
        call_command("refresh_tallies", stdout=io.StringIO())


def test_refresh_tallies_all_counts_every_committee_of_every_province(cast):
    build_world(cast)
    pending._local.pending = None
    out = io.StringIO()
    call_command("refresh_tallies", "--all", stdout=out)
    committees = Organisation.objects.filter(kind__in=[OrgKind.RESIDENCE_COMMITTEE, OrgKind.WORKPLACE_COMMITTEE])
    assert set(CommitteeTally.objects.values_list("organisation_id", flat=True)) == set(
        committees.values_list("pk", flat=True)
    )
    assert f"Đã đếm lại số liệu năm 2026 của {committees.count()} cấp ủy" in out.getvalue()
    assert_tallies_equal_a_recount(TODAY)


def test_refresh_tallies_for_one_province_leaves_the_others_alone(cast):
    world = build_world(cast)
    pending._local.pending = None
    call_command("refresh_tallies", "--province", "1", stdout=io.StringIO())
    assert set(CommitteeTally.objects.values_list("organisation_id", flat=True)) == {
        world["workplace"].pk,
        world["residence"].pk,
    }
