"""The two doors from the event log into the notifications: every new `Event` row.

`Event.objects.create` (every action's `_event`) sends `post_save`; the October campaign writes
its events with `bulk_create`, which does not, so `books.actions` sends `events_bulk_created`
for them. Both hand the events to `notify_after_commit`, which waits for the transaction.
"""

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from books.actions import events_bulk_created
from books.models import Event

from .events import notify_after_commit


@receiver(post_save, sender=Event, dispatch_uid="notifications.event_saved")
def event_saved(sender: Any, instance: Event, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        notify_after_commit([instance], using=kwargs.get("using"))


@receiver(events_bulk_created, sender=Event, dispatch_uid="notifications.events_bulk_created")
def events_saved_in_bulk(sender: Any, events: list[Event], **kwargs: Any) -> None:
    notify_after_commit(events)
