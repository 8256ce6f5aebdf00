"""The doors from the event log into the tallies: the same two as the notifications'.

`audit.append_one` (every action's `_event`) saves the event, which sends `post_save`; the bulk
writes of `books.audit` (register_members, the October campaign) do not, and `books.actions`
sends `events_bulk_created` for them, with the events or with their range in the chain. Every
event written through `books.audit` comes by one of the two, so no action needs to know about
the tallies. Events that change no figure (NO_EFFECT: a member registered, a meeting…) are let by.
"""

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from books.actions import events_bulk_created
from books.models import Event

from . import pending
from .refresh import NO_EFFECT


@receiver(post_save, sender=Event, dispatch_uid="tallies.event_saved")
def event_saved(sender: Any, instance: Event, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw and instance.seq is not None and instance.verb not in NO_EFFECT:
        pending.note(instance.seq, instance.seq, using=kwargs.get("using"))


@receiver(events_bulk_created, sender=Event, dispatch_uid="tallies.events_bulk_created")
def events_saved_in_bulk(
    sender: Any, events: list[Event], seq_range: tuple[int, int] | None = None, **kwargs: Any
) -> None:
    seqs = [e.seq for e in events if e.seq is not None and e.verb not in NO_EFFECT] + list(seq_range or ())
    if seqs:
        pending.note(min(seqs), max(seqs))
