"""Background tasks (django.tasks; `manage.py db_worker` runs them from the database queue)."""

from __future__ import annotations

import datetime
from typing import Any

from django.tasks import task

from . import events, mail, reminders


@task()
def send_notification_mail(notification_ids: list[int]) -> int:
    """Mail the notifications of one committed action: one digest per recipient."""
    return mail.deliver(notification_ids)


@task()
def notify_event_range(first_seq: int, last_seq: int) -> int:
    """The notifications of a big bulk write (the October campaign): the events first_seq…last_seq
    of the chain. Running it again writes nothing twice. Returns how many were written."""
    return len(events.notify_seq_range(first_seq, last_seq))


@task()
def run_reminders(on: str) -> dict[str, Any]:
    """The day's deadline reminders, overdue notices and escalations (`on` is YYYY-MM-DD)."""
    result = reminders.run(datetime.date.fromisoformat(on))
    return result.as_dict()
