"""The two doors from the event log into the notifications: every new `Event` row.

`Event.objects.create` (every action's `_event`) sends `post_save`; the bulk writes of
`books.audit` do not, so `books.actions` sends `events_bulk_created` for them. Both hand the
events to `notify_after_commit`, which waits for the transaction; a big batch that says its
`seq_range` (the October campaign) goes to the task queue instead, once the transaction commits
(`notify_in_background`): the campaign's transaction and request do not write its notifications.
"""

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from books.actions import events_bulk_created
from books.models import Event

from . import events as notifying


@receiver(post_save, sender=Event, dispatch_uid="notifications.event_saved")
def event_saved(sender: Any, instance: Event, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        notifying.notify_after_commit([instance], using=kwargs.get("using"))


@receiver(events_bulk_created, sender=Event, dispatch_uid="notifications.events_bulk_created")
def events_saved_in_bulk(
    sender: Any,
    events: list[Event],
    event_ids: list[int] | None = None,
    seq_range: tuple[int, int] | None = None,
    **kwargs: Any,
) -> None:
    ids = [e.pk for e in events if e.pk is not None] + list(event_ids or [])
    if seq_range is not None and len(ids) >= notifying.BACKGROUND_FROM:
        notifying.notify_in_background(*seq_range)
    else:
        notifying.notify_after_commit(ids)
