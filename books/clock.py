"""The clock the actions read. Normally the real time; `override()` backdates a block of work.

Used by `seed_demo` so that a demo year reads as a year (letters in January, comments in
October) rather than as one minute of inserts. Never used by views or the API.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from collections.abc import Iterator

from django.utils import timezone

_fixed: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar("solienhe_clock", default=None)


def now() -> datetime.datetime:
    fixed = _fixed.get()
    return fixed if fixed is not None else timezone.now()


def today() -> datetime.date:
    fixed = _fixed.get()
    return timezone.localdate(fixed) if fixed is not None else timezone.localdate()


@contextlib.contextmanager
def override(when: datetime.datetime | datetime.date) -> Iterator[None]:
    """Run the block as if it were `when` (a date means 09:00 local time that day)."""
    if not isinstance(when, datetime.datetime):
        when = datetime.datetime.combine(when, datetime.time(9, 0))
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    token = _fixed.set(when)
    try:
        yield
    finally:
        _fixed.reset(token)
