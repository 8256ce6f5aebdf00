"""Background tasks (django.tasks; `manage.py db_worker` runs them from the database queue)."""

from __future__ import annotations

import datetime
from typing import Any

from django.tasks import task

from . import mail, reminders


@task()
def send_notification_mail(notification_ids: list[int]) -> int:
    """Mail the notifications of one committed action: one digest per recipient."""
    return mail.deliver(notification_ids)


@task()
def run_reminders(on: str) -> dict[str, Any]:
    """The day's deadline reminders, overdue notices and escalations (`on` is YYYY-MM-DD)."""
    result = reminders.run(datetime.date.fromisoformat(on))
    return result.as_dict()
