"""Where a notification takes its reader: the page on which the waiting work is done.

Each kind of work lists the pages that can show it, most precise first: a page for the object
itself (a comment, a notice), then the list it sits in, then the home page. The first name that
exists in the URL configuration wins, so a notification never carries a dead link.
"""

from __future__ import annotations

import functools

from django.urls import NoReverseMatch, reverse

from orgs.models import OrgKind

from .models import NotificationKind as K

# (url name, argument): argument "object" is the id of the object the work is about, "member" the
# member's id, None no argument.
Candidate = tuple[str, str | None]

W, WC, R, RC, B = (
    OrgKind.WORKPLACE_COMMITTEE,
    OrgKind.WORKPLACE_CELL,
    OrgKind.RESIDENCE_COMMITTEE,
    OrgKind.RESIDENCE_CELL,
    OrgKind.PROVINCE_BOARD,
)

# (kind, kind of the recipient's organisation, or "member") -> candidates
EVENT_LINKS: dict[tuple[str, str], list[Candidate]] = {
    (K.LETTER_TO_RECEIVE, R): [("residence:letters", None)],
    (K.MEMBER_ASSIGNED, RC): [("cell:members", None)],
    (K.COMMENT_TO_WRITE, RC): [("cell:comment", "object"), ("cell:comments", None)],
    # a cell without a secretary: the committee enters the paper form for it
    (K.COMMENT_TO_WRITE, R): [("residence:paper_comment", "object"), ("residence:waiting", None)],
    (K.COMMENT_TO_FIX, RC): [("cell:comment", "object"), ("cell:comments", None)],
    (K.COMMENT_TO_FIX, R): [("residence:paper_comment", "object"), ("residence:waiting", None)],
    (K.COMMENT_TO_CERTIFY, R): [("residence:comments", None)],
    (K.COMMENT_TO_ACKNOWLEDGE, W): [("workplace:comment", "object"), ("workplace:returned", None)],
    (K.NOTICE_TO_ANSWER, W): [("workplace:notice", "object"), ("workplace:notices", None)],
    (K.NOTICE_ANSWERED, R): [("residence:notice", "object"), ("residence:register", None)],
    (K.BOOK_TRANSFERRED, W): [("workplace:member", "member"), ("workplace:members", None)],
    (K.ADDRESS_CHANGE, W): [
        ("workplace:address_change", "object"),
        ("workplace:member_residence", "member"),
        ("workplace:member", "member"),
    ],
    (K.ADDRESS_CHANGE_HANDLED, "member"): [("member:book", None)],
}
# a request whose letter is not received yet: receiving it (and assigning a cell) comes first
LETTER_FIRST: list[Candidate] = [("residence:letters", None)]

# (reminder topic, kind of the recipient's organisation) -> candidates
TOPIC_LINKS: dict[tuple[str, str], list[Candidate]] = {
    ("letters_to_issue", W): [("workplace:review", None), ("workplace:members", None)],
    ("comments_to_write", RC): [("cell:comments", None)],
    ("comments_to_write", R): [("residence:waiting", None), ("residence:comments", None)],
    ("comments_to_return", R): [("residence:comments", None)],
    ("ratings", W): [("workplace:ratings", None), ("workplace:members", None)],
    ("ratings", WC): [("workplace:ratings", None), ("workplace:members", None)],
    # the board: late residence committees for the comments, late workplace committees otherwise
    ("comments_to_write", B): [("board:communes", None)],
    ("comments_to_return", B): [("board:communes", None)],
    ("letters_to_issue", B): [("board:workplaces", None)],
    ("ratings", B): [("board:workplaces", None)],
}


@functools.cache
def _exists(name: str, argument: str | None) -> bool:
    try:
        reverse(name, args=[1] if argument else None)
    except NoReverseMatch:
        return False
    return True


def first_link(candidates: list[Candidate], *, object_id: int | None = None, member_id: int | None = None) -> str:
    """The first candidate page that exists (with its argument), else the home page."""
    for name, argument in candidates:
        value = {"object": object_id, "member": member_id, None: None}[argument]
        if argument is not None and value is None:
            continue
        if _exists(name, argument):
            return reverse(name, args=[value] if argument else None)
    return reverse("home")


def event_link(
    kind: str, org_kind: str, *, object_id: int | None, member_id: int | None, candidates: list[Candidate] | None = None
) -> str:
    chosen = candidates if candidates is not None else EVENT_LINKS.get((kind, org_kind), [])
    return first_link(chosen, object_id=object_id, member_id=member_id)


def topic_link(topic: str, org_kind: str) -> str:
    return first_link(TOPIC_LINKS.get((topic, org_kind), []))
