"""The set-based October campaign: a whole province at once gives what each committee's run gives."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction

from books import actions, audit
from books.errors import NotAllowed
from books.models import CommentRequest, Event
from tests.cast import introduce, refused_without_trace

OCT_2 = datetime.date(2026, 10, 2)
FIELDS = (
    "book_id",
    "year",
    "kind",
    "status",
    "letter_id",
    "requesting_committee_id",
    "residence_committee_id",
    "residence_cell_id",
    "requested_on",
    "requested_by_id",
    "due_on",
    "return_due_on",
    "criteria",
    "summary",
)


@pytest.fixture
def province(cast):
    """Both workplace committees of the cast with members in every situation the campaign tells apart."""
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, cast.member, cell=cast.lc_cell_1)
        for cell in (cast.finance_cell, cast.health_cell):
            for _ in range(2):
                introduce(cast, cast.member_factory(cell=cell), cell=cast.lc_cell_2)
            cast.member_factory(cell=cell)  # no letter
            e1 = cast.member_factory(cell=cell)
            introduce(cast, e1, cell=cast.lc_cell_1)
            by = cast.finance_secretary if cell == cast.finance_cell else cast.health_secretary
            actions.set_exemption(e1, exemption="E1b", reason="Công tác lưu động", by=by)
            e2 = cast.member_factory(cell=cell)
            introduce(cast, e2, cell=cast.lc_cell_1)
            actions.set_exemption(e2, exemption="E2", reason="Nhiệm vụ giữ bí mật", by=by)
    return cast


def requests():
    return sorted(CommentRequest.objects.filter(year=2026).values_list(*FIELDS))


def events():
    return sorted(
        (e.verb, e.object_repr, e.member_id, e.book_id, e.state_after, tuple(sorted(e.data.items())))
        for e in Event.objects.filter(verb="comment_requested")
    )


def counts(result):
    return (result.created_count, result.already, result.skipped_exempt, result.skipped_no_letter)


class Undo(Exception):
    pass


@pytest.mark.django_db
def test_the_province_at_once_creates_what_each_committee_creates_with_the_same_events(province):
    cast = province
    with pytest.raises(Undo), transaction.atomic(), time_machine.travel(OCT_2):  # a savepoint, rolled back
        each = {c.pk: actions.open_campaign(c, by=None) for c in (cast.finance, cast.health)}
        expected_requests, expected_events = requests(), events()
        raise Undo
    assert len(expected_requests) == 5 and not CommentRequest.objects.exists()
    with time_machine.travel(OCT_2):
        together = actions.open_province_campaign(86, by=None)
    assert requests() == expected_requests
    assert events() == expected_events
    assert {pk: counts(r) for pk, r in together.items() if pk in each} == {pk: counts(r) for pk, r in each.items()}
    assert {pk: r.by_residence_committee for pk, r in together.items() if r.created_ids} == {
        pk: r.by_residence_committee for pk, r in each.items()
    }
    assert audit.verify().intact


@pytest.mark.django_db
def test_the_province_run_again_creates_nothing_and_counts_everyone_as_already_asked(province):
    with time_machine.travel(OCT_2):
        first = actions.open_province_campaign(86, by=None)
        before = (CommentRequest.objects.count(), Event.objects.count())
        again = actions.open_province_campaign(86, by=None)
    assert sum(r.created_count for r in first.values()) == 5
    assert sum(r.created_count for r in again.values()) == 0
    assert sum(r.already for r in again.values()) == 5
    assert (CommentRequest.objects.count(), Event.objects.count()) == before


@pytest.mark.django_db
def test_the_created_requests_load_on_demand_in_creation_order(province):
    with time_machine.travel(OCT_2):
        result = actions.open_campaign(province.finance, by=province.finance_clerk)
    assert [r.pk for r in result.created] == sorted(result.created_ids)
    assert {r.book.member.exemption for r in result.created} == {""}


@pytest.mark.django_db
def test_only_the_board_or_the_system_opens_a_whole_province(province):
    with time_machine.travel(OCT_2), refused_without_trace(NotAllowed):
        actions.open_province_campaign(86, by=province.finance_secretary)
    with time_machine.travel(OCT_2):
        assert sum(r.created_count for r in actions.open_province_campaign(86, by=province.board_officer).values())


@pytest.mark.django_db
def test_the_command_by_province_opens_every_committee_and_is_idempotent(province):
    out = io.StringIO()
    with time_machine.travel(OCT_2):
        call_command("open_campaigns", "--by-province", stdout=out)
        call_command("open_campaigns", "--by-province", stdout=out)
    text = out.getvalue()
    assert "Tổng cộng: tạo 5 phiếu, đã có 0, bỏ qua 4 (diện miễn) và 2 (chưa có giấy giới thiệu)." in text
    assert "Tổng cộng: tạo 0 phiếu, đã có 5, bỏ qua 4 (diện miễn) và 2 (chưa có giấy giới thiệu)." in text
    assert CommentRequest.objects.count() == 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and concurrent writers: PostgreSQL only")
def test_a_province_run_and_a_committee_run_at_once_create_each_request_once(province):
    from tests.audit.test_conflicts import at_once

    with time_machine.travel(OCT_2):
        results = at_once(
            lambda: actions.open_province_campaign(86, by=None),
            lambda: actions.open_campaign(province.finance, by=province.finance_clerk),
            lambda: actions.open_province_campaign(86, by=None),
            slow_check=0,
        )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert CommentRequest.objects.filter(year=2026).count() == 5
    assert CommentRequest.objects.values("book").distinct().count() == 5
    assert Event.objects.filter(verb="comment_requested").count() == 5
    assert audit.verify().intact
