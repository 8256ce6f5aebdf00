"""The events of the current transaction whose committees' figures must be recounted.

Every event reaches here (tallies.signals) with its place in the hash chain. A transaction's events
are consecutive in the chain (the chain head stays locked from its first event to its commit), so
one range `first…last` says everything it did, however many events: on commit one task
(`tallies.tasks.refresh_after_events`) recounts the committees those events touched, in one
refresh. A read inside the same transaction (a test, a script acting then reading) recounts them
first: `flush()`.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db import transaction


class _Pending:
    """The chain range of one transaction's events, handed to the task queue once it commits."""

    def __init__(self) -> None:
        self.first: int | None = None
        self.last: int | None = None
        self.done = False

    def add(self, first: int, last: int) -> None:
        self.first = first if self.first is None else min(self.first, first)
        self.last = last if self.last is None else max(self.last, last)

    def take(self) -> tuple[int, int] | None:
        if self.first is None or self.last is None:
            return None
        taken, self.first, self.last = (self.first, self.last), None, None
        return taken

    def run(self) -> None:
        self.done = True
        taken = self.take()
        if taken is not None:
            from .tasks import refresh_after_events

            refresh_after_events.enqueue(*taken)

    def waiting_on(self, connection: Any) -> bool:
        """Still queued on this connection's open transaction (not run, not rolled back)."""
        return (
            not self.done
            and connection.in_atomic_block
            and any(entry[1] == self.run for entry in connection.run_on_commit)
        )


_local = threading.local()


def note(first_seq: int, last_seq: int, using: str | None = None) -> None:
    """Events first…last were appended: recount their committees once the transaction commits."""
    connection = transaction.get_connection(using)
    pending: _Pending | None = getattr(_local, "pending", None)
    if pending is not None and pending.waiting_on(connection):
        pending.add(first_seq, last_seq)
        return
    pending = _Pending()
    pending.add(first_seq, last_seq)
    _local.pending = pending
    transaction.on_commit(pending.run, using=using, robust=True)


def take(using: str | None = None) -> tuple[int, int] | None:
    """The range of the current (uncommitted) transaction's events not counted yet, now taken: the
    caller counts them. None without a query when there is none, which is always the case for a
    page read in its own request."""
    pending: _Pending | None = getattr(_local, "pending", None)
    if pending is None or not pending.waiting_on(transaction.get_connection(using)):
        return None
    return pending.take()


def flush(using: str | None = None) -> bool:
    """Recount now what the current transaction changed (the rows commit or roll back with it)."""
    taken = take(using)
    if taken is None:
        return False
    from .refresh import refresh_events

    refresh_events(*taken)
    return True
