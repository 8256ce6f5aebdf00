"""Who viewed a member's personal data (PDP law 2025, Nghị định 13/2023/NĐ-CP): an append-only log.

Views call `record_view(request, member, what=...)` when they show one member's personal data
(ID number, party-card number, ratings), and `record_bulk(request, count, what=...)` once per
list or export that shows many. Viewing is not a state change: this is not books.Event.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def record_view(request: HttpRequest, member: Any, *, what: str) -> None:
    from .log import record_view as record

    record(request, member, what=what)


def record_bulk(request: HttpRequest, count: int, *, what: str, committee: Any = None) -> None:
    from .log import record_bulk as record

    record(request, count, what=what, committee=committee)
