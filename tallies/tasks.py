"""Background tasks (django.tasks; `manage.py db_worker` runs them from the database queue)."""

from __future__ import annotations

from typing import Any

from django.tasks import task

from .refresh import refresh_events


@task()
def refresh_after_events(first_seq: int, last_seq: int) -> dict[str, Any]:
    """Recount the committees touched by the events first…last of the chain (one transaction's)."""
    return refresh_events(first_seq, last_seq).as_dict()
