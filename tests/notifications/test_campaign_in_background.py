"""A big October campaign is notified by a task, not in its own transaction or request.

From `notifications.events.BACKGROUND_FROM` created requests (1,000; lowered here to 2) the
campaign's commit queues `notify_event_range` with the range of its events in the chain; the
worker writes the same notifications the inline path writes, and running it again writes none.
"""

import datetime

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult

from books import actions
from books.models import Event
from notifications import events as notifying
from notifications.events import notify_events
from notifications.models import Notification, NotificationKind
from tests.cast import grant, introduce

JAN = datetime.date(2026, 1, 10)
OCT = datetime.date(2026, 10, 2)
TASK = "notifications.tasks.notify_event_range"
COLUMNS = ("recipient_id", "organisation_id", "kind", "title", "body", "link", "event_id", "member_id", "object_key")


def snapshot():
    return sorted(Notification.objects.values_list(*COLUMNS, "created_at", "read_at"))


@pytest.fixture
def three_members(cast):
    """Three members of Sở Tài chính introduced to Long Châu: two cells, one with no secretary."""
    grant(cast.pk_cell_secretary, cast.lc_cell_2, "cell_secretary")
    with time_machine.travel(JAN):
        introduce(cast, cast.member, cell=cast.lc_cell_1)
        introduce(cast, cast.member_factory(full_name="Lê Văn Bé"), cell=cast.lc_cell_2)
        introduce(cast, cast.member_factory(full_name="Trần Thị Cúc"), cell=cast.lc_cell_1)
    return cast


@pytest.fixture
def background(monkeypatch):
    monkeypatch.setattr(notifying, "BACKGROUND_FROM", 2)


@pytest.mark.django_db
def test_a_big_campaign_queues_one_task_and_writes_no_notification_itself(three_members, background, committed):
    cast = three_members
    with committed(), time_machine.travel(OCT):
        created = actions.open_campaign(cast.finance, by=cast.finance_clerk).created
    assert len(created) == 3
    assert not Notification.objects.filter(kind=NotificationKind.COMMENT_TO_WRITE).exists()
    task = DBTaskResult.objects.get(task_path=TASK)
    seqs = sorted(Event.objects.filter(verb="comment_requested").values_list("seq", flat=True))
    assert task.args_kwargs["args"] == [seqs[0], seqs[-1]] and seqs == list(range(seqs[0], seqs[-1] + 1))


@pytest.mark.django_db
def test_the_task_writes_the_notifications_the_inline_path_writes_and_nothing_twice(
    three_members, background, committed, worker
):
    cast = three_members
    with committed(), time_machine.travel(OCT):
        actions.open_campaign(cast.finance, by=cast.finance_clerk)
    worker()
    assert DBTaskResult.objects.get(task_path=TASK).status == "SUCCESSFUL"
    by_task = snapshot()
    to_write = [n for n in by_task if n[2] == NotificationKind.COMMENT_TO_WRITE]
    assert sorted((n[0], n[1]) for n in to_write) == sorted(
        [
            (cast.lc_cell_secretary.pk, cast.lc_cell_1.pk),
            (cast.lc_cell_secretary.pk, cast.lc_cell_1.pk),
            (cast.pk_cell_secretary.pk, cast.lc_cell_2.pk),
        ]
    )

    # the inline path (what ran after commit before) on the same events gives the same rows
    event_ids = list(Event.objects.filter(verb="comment_requested").values_list("pk", flat=True))
    Notification.objects.filter(event_id__in=event_ids).delete()
    with time_machine.travel(OCT):
        notify_events(event_ids)
    assert snapshot() == by_task

    # the task again (a retry, or queued twice): nothing doubled
    seqs = Event.objects.filter(pk__in=event_ids).values_list("seq", flat=True)
    from notifications.tasks import notify_event_range

    with committed():
        notify_event_range.enqueue(min(seqs), max(seqs))
    worker()
    assert DBTaskResult.objects.filter(task_path=TASK, status="SUCCESSFUL").count() == 2
    assert snapshot() == by_task


@pytest.mark.django_db
def test_a_small_campaign_is_still_notified_when_it_commits(three_members, committed):
    cast = three_members
    with committed(), time_machine.travel(OCT):
        actions.open_campaign(cast.finance, by=cast.finance_clerk)
    assert Notification.objects.filter(kind=NotificationKind.COMMENT_TO_WRITE).count() == 3
    assert not DBTaskResult.objects.filter(task_path=TASK).exists()
