"""Two users acting on the same thing at the same moment, on PostgreSQL (docs/reliability.md).

Real threads, each with its own database connection, released together by a barrier. The
transition check is slowed down (both threads sleep just before it) so that without the row lock
both would pass it: the tests fail if `_lock` stops serialising. SQLite lets one writer at a time
by design (BEGIN IMMEDIATE), so the tests run on PostgreSQL only.
"""

import datetime
import threading
import time
from unittest import mock

import pytest
import time_machine
from django.db import connection, connections
from django.utils import timezone

from books import actions, audit
from books.errors import DomainError, TransitionError
from books.models import CommentRequest, CommentStatus, Event, IntroductionLetter
from tests.cast import COMMENT_DAYS, comment_at, full_comment, introduce

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT … FOR UPDATE) only exist on PostgreSQL; SQLite takes one writer at a time",
    ),
]


def at_once(*calls, slow_check=0.3):
    """Run the calls in threads released together; return [(result | exception)] in call order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    original = actions._check_transition

    def slow(*args, **kwargs):
        time.sleep(slow_check)
        return original(*args, **kwargs)

    def worker(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connections.close_all()

    with mock.patch.object(actions, "_check_transition", slow):
        threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    return results


def one_success(results, error=DomainError):
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(failures) == len(results) - 1, results
    assert all(isinstance(f, error) for f in failures), failures
    return failures


def test_two_officers_confirming_the_same_letter_at_once_one_is_told_it_is_done(cast):
    letter = actions.issue_letter(cast.member, by=cast.finance_clerk)
    results = at_once(
        lambda: actions.confirm_letter(letter, cell=cast.lc_cell_1, by=cast.lc_clerk),
        lambda: actions.confirm_letter(letter, cell=cast.lc_cell_2, by=cast.lc_secretary),
    )
    (refusal,) = one_success(results, TransitionError)
    assert "không ở trạng thái chờ tiếp nhận" in refusal.message
    assert Event.objects.filter(verb="letter_received", object_id=str(letter.pk)).count() == 1
    assert IntroductionLetter.objects.get(pk=letter.pk).status == "received"
    assert cast.member.register_entries.count() == 1
    assert audit.verify().intact


def test_two_people_signing_the_same_comment_at_once_one_is_told_it_is_signed(cast):
    request = comment_at(cast, CommentStatus.REQUESTED)
    actions.write_comment(request, by=cast.lc_cell_secretary, **full_comment())
    results = at_once(
        lambda: actions.sign_comment(request, by=cast.lc_cell_secretary),
        lambda: actions.sign_comment(request, by=cast.lc_clerk, on_behalf_of="Nguyễn Thị Bảy"),
    )
    (refusal,) = one_success(results, TransitionError)
    assert refusal.message == "Phiếu này không ở trạng thái chờ ký."
    assert Event.objects.filter(verb="comment_signed", object_id=str(request.pk)).count() == 1
    assert CommentRequest.objects.get(pk=request.pk).status == CommentStatus.SIGNED
    assert audit.verify().intact


def test_the_october_campaign_started_twice_at_once_creates_each_request_once(cast):
    with time_machine.travel(datetime.date(2026, 1, 10)):
        for member in [cast.member, *(cast.member_factory() for _ in range(3))]:
            introduce(cast, member)
    with time_machine.travel(COMMENT_DAYS["requested"]):
        results = at_once(
            lambda: actions.open_campaign(cast.finance, year=2026, by=cast.finance_clerk),
            lambda: actions.open_campaign(cast.finance, year=2026, by=cast.finance_secretary),
            slow_check=0,
        )
    assert not [r for r in results if isinstance(r, Exception)], results
    created = sorted(len(r.created) for r in results)
    requests = CommentRequest.objects.filter(year=2026, kind="periodic")
    assert created == [0, 4] and requests.count() == 4
    assert requests.values("book").distinct().count() == 4
    assert Event.objects.filter(verb="comment_requested").count() == 4
    assert audit.verify().intact


def test_concurrent_appends_keep_one_linear_chain():
    def writer(tag):
        def run():
            for i in range(25):
                audit.append_one(Event(at=timezone.now(), actor_name=tag, verb="t", data={"i": i}))
            audit.append([Event(at=timezone.now(), actor_name=tag, verb="t") for _ in range(10)])
            return tag

        return run

    results = at_once(writer("A"), writer("B"), writer("C"), slow_check=0)
    assert results == ["A", "B", "C"]
    seqs = list(Event.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 106))
    assert audit.verify().intact
    # the writers really interleaved (otherwise this test proves nothing about the lock)
    names = "".join(Event.objects.order_by("seq").values_list("actor_name", flat=True))
    assert names.count("AB") + names.count("BA") + names.count("AC") + names.count("CA") > 0
