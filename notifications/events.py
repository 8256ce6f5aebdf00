"""From the event log to notifications: after each action, tell whoever must act next.

Every action writes one `Event` (`books.actions`). The receivers in `notifications.signals`
collect the new events of a transaction and, once it commits, `notify_events` turns them into
notifications in a few queries whatever their number (the events, the objects they name, the
organisations, the role holders, then one bulk insert). Doing the work clears the notification
for everyone who was told (it is marked read), and a member who becomes E2 disappears from
every residence-side notification.

| Verb | Who is told |
|---|---|
| letter_issued, residence_changed, address_change_accepted (new letter) | the letter's residence committee staff |
| letter_received, cell_reassigned | the residence cell's secretary (also told of the member's open requests) |
| comment_requested (on demand too) | the residence cell's secretary (the committee's staff while no cell) |
| comment_sent_back | the residence cell's secretary |
| comment_signed | staff of the residence committee (to certify) |
| comment_returned | staff of the requesting workplace committee (to acknowledge) |
| notice_raised | staff of the workplace committee |
| notice_answered | staff of the residence committee |
| workplace_changed | staff of the new workplace committee |
| address_change_requested | staff of the workplace committee holding the book |
| address_change_accepted / _rejected | the member (and the new letter, as above) |

Staff means the secretary, deputies and clerks (`COMMITTEE_ROLES`). The person who acted is
never told of their own action.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import transaction
from django.utils import timezone

from books.models import (
    AddressChangeRequest,
    CommentKind,
    CommentRequest,
    CommentStatus,
    Event,
    IntroductionLetter,
    ViolationNotice,
)
from members.models import Exemption, Member
from orgs.models import COMMITTEE_ROLES, RESIDENCE_SIDE, Organisation, Role, RoleAssignment
from orgs.text import fold

from . import links
from .models import EMAIL_KINDS, Notification
from .models import NotificationKind as K

logger = logging.getLogger(__name__)

STAFF = frozenset(COMMITTEE_ROLES)
CELL_SECRETARY = frozenset({Role.CELL_SECRETARY})
WRITABLE = (CommentStatus.REQUESTED, CommentStatus.DRAFTED)
# Events are processed in chunks so that no query holds more ids than a database accepts.
CHUNK = 2000


def _date(value: datetime.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


@dataclass
class Target:
    """Who must act next on one event, and what they are told."""

    kind: str
    title: str
    body: str
    object_key: str
    org_id: int | None = None  # the organisation whose role holders are told
    roles: frozenset[str] = STAFF
    user_id: int | None = None  # or one user directly (the member)
    object_id: int | None = None  # for the link
    # a residence cell with no secretary in the system: its committee's staff are told instead
    fallback_org: int | None = None
    pages: list[links.Candidate] | None = None  # where to go, instead of the kind's usual pages


@dataclass
class Resolution:
    """Work done: unread notifications on `key` (of `kinds`, all when None) become read."""

    key: str
    kinds: frozenset[str] | None = None
    except_org: int | None = None

    def covers(self, n: Notification) -> bool:
        return (
            n.object_key == self.key
            and (self.kinds is None or n.kind in self.kinds)
            and (self.except_org is None or n.organisation_id != self.except_org)
        )


@dataclass
class Loaded:
    """The objects a chunk of events names, each loaded in one query."""

    letters: dict[int, IntroductionLetter] = field(default_factory=dict)
    comments: dict[int, CommentRequest] = field(default_factory=dict)
    notices: dict[int, ViolationNotice] = field(default_factory=dict)
    address_changes: dict[int, AddressChangeRequest] = field(default_factory=dict)
    orgs: dict[int, Organisation] = field(default_factory=dict)
    # open comment requests (still to write) of members just received or moved to another cell
    writable_by_member: dict[int, list[CommentRequest]] = field(default_factory=dict)

    def org_name(self, pk: int | None) -> str:
        org = self.orgs.get(pk) if pk else None
        return org.name if org else ""


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


LETTER_VERBS = {"letter_issued", "letter_received"}
COMMENT_VERBS = {
    "comment_requested",
    "comment_requested_on_demand",
    "comment_sent_back",
    "comment_signed",
    "comment_returned",
}
NOTICE_VERBS = {"notice_raised", "notice_answered"}
# a move to a new address (accepting a member's request does the same work) sends a new letter
NEW_LETTER_VERBS = {"residence_changed", "address_change_accepted"}
MEMBER_SEEN_TO = {
    "comment_drafted",
    "comment_signed",
    "letter_withdrawn",
    "residence_changed",
    "address_change_accepted",
    "employment_ended",
}
ADDRESS_VERBS = {"address_change_requested", "address_change_accepted", "address_change_rejected"}


def _load(events: Sequence[Event]) -> Loaded:
    loaded = Loaded()
    letter_ids: set[int] = set()
    comment_ids: set[int] = set()
    notice_ids: set[int] = set()
    address_ids: set[int] = set()
    moved_members: set[int] = set()
    org_ids: set[int] = set()
    for e in events:
        pk = _int(e.object_id)
        if e.verb in NEW_LETTER_VERBS and _int(e.data.get("new_letter")):
            letter_ids.add(int(e.data["new_letter"]))
        if e.verb in LETTER_VERBS and pk:
            letter_ids.add(pk)
        elif e.verb in COMMENT_VERBS and pk:
            comment_ids.add(pk)
        elif e.verb in NOTICE_VERBS and pk:
            notice_ids.add(pk)
        elif e.verb in ADDRESS_VERBS and pk:
            address_ids.add(pk)
        elif e.verb == "cell_reassigned":
            org_ids.add(_int(e.data.get("to")) or 0)
        elif e.verb == "workplace_changed":
            org_ids.update({_int(e.data.get("to_holder")) or 0, _int(e.data.get("to_cell")) or 0})
        if e.verb in {"letter_received", "cell_reassigned"} and e.member_id:
            moved_members.add(e.member_id)
        if e.book_id and e.verb == "address_change_requested":
            org_ids.add(e.book.holder_id)  # type: ignore[union-attr]
    if letter_ids:
        loaded.letters = IntroductionLetter.objects.in_bulk(letter_ids)
        for letter in loaded.letters.values():
            org_ids.update(
                pk for pk in (letter.residence_committee_id, letter.assigned_cell_id, letter.issuing_committee_id) if pk
            )
    if comment_ids:
        loaded.comments = CommentRequest.objects.in_bulk(comment_ids)
    if moved_members:
        for request in CommentRequest.objects.filter(
            book__member_id__in=moved_members, status__in=WRITABLE
        ).select_related("book"):
            loaded.writable_by_member.setdefault(request.book.member_id, []).append(request)
            loaded.comments.setdefault(request.pk, request)
    for request in loaded.comments.values():
        org_ids.update(
            pk
            for pk in (request.residence_cell_id, request.residence_committee_id, request.requesting_committee_id)
            if pk
        )
    if notice_ids:
        loaded.notices = ViolationNotice.objects.in_bulk(notice_ids)
        for notice in loaded.notices.values():
            org_ids.update({notice.residence_committee_id, notice.workplace_committee_id})
    if address_ids:
        loaded.address_changes = AddressChangeRequest.objects.select_related("commune").in_bulk(address_ids)
    org_ids.discard(0)
    if org_ids:
        loaded.orgs = Organisation.objects.only("pk", "name", "kind").in_bulk(org_ids)
    return loaded


# --------------------------------------------------------------------------- who must act next


def _who(member: Member | None) -> str:
    """'Đồng chí Nguyễn Văn An (Chi bộ Phòng Ngân sách, Đảng ủy Sở Tài chính)'."""
    if member is None:
        return ""
    return f"Đồng chí {member.full_name} ({member.workplace_cell.workplace_label})"


def _letter_number(letter: IntroductionLetter) -> str:
    if letter.number is None:
        return ""
    return f"số {letter.number}-{letter.number_code}/{letter.number_suffix} "


def _letter_to_receive(e: Event, letter: IntroductionLetter | None, loaded: Loaded) -> list[Target]:
    if letter is None:
        return []
    return [
        Target(
            K.LETTER_TO_RECEIVE,
            "Có giấy giới thiệu mới cần tiếp nhận",
            f"{_who(e.member)}: giấy giới thiệu {_letter_number(letter)}ngày {_date(letter.issued_on)} "
            f"của {loaded.org_name(letter.issuing_committee_id)}. Hãy tiếp nhận và phân công chi bộ nơi cư trú.",
            f"letter:{letter.pk}",
            org_id=letter.residence_committee_id,
            object_id=letter.pk,
        )
    ]


def _comment_to_write(e: Event, request: CommentRequest, loaded: Loaded) -> Target:
    what = "nhận xét khi cần (diện miễn)" if request.kind == CommentKind.ON_DEMAND else f"nhận xét năm {request.year}"
    body = f"{_who(e.member)}: {what}, hạn chi bộ nhận xét {_date(request.due_on)}."
    if request.residence_cell_id:
        return Target(
            K.COMMENT_TO_WRITE,
            "Có phiếu xin ý kiến nhận xét cần viết",
            body,
            f"comment:{request.pk}",
            org_id=request.residence_cell_id,
            roles=CELL_SECRETARY,
            object_id=request.pk,
            fallback_org=request.residence_committee_id,
        )
    return Target(
        K.COMMENT_TO_WRITE,
        "Có phiếu xin ý kiến nhận xét, chưa có chi bộ để viết",
        body + " Đảng viên chưa được phân công chi bộ nơi cư trú: hãy tiếp nhận giấy giới thiệu và phân công chi bộ.",
        f"comment:{request.pk}",
        org_id=request.residence_committee_id,
        object_id=request.pk,
        pages=links.LETTER_FIRST,
    )


def _targets(e: Event, loaded: Loaded) -> tuple[list[Resolution], list[Target]]:
    """What the event finishes, and who must act next."""
    verb, pk, data = e.verb, _int(e.object_id), e.data or {}
    done: list[Resolution] = []
    todo: list[Target] = []
    # whatever the verb, the requests and letters it ended wait on nobody any more
    for comment_id in data.get("cancelled_comments") or []:
        done.append(Resolution(f"comment:{comment_id}"))
    for name in ("old_letter", "letter"):
        if _int(data.get(name)):
            done.append(Resolution(f"letter:{data[name]}"))

    if verb == "letter_issued":
        todo += _letter_to_receive(e, loaded.letters.get(pk or 0), loaded)
    elif verb in NEW_LETTER_VERBS:
        todo += _letter_to_receive(e, loaded.letters.get(_int(data.get("new_letter")) or 0), loaded)
    elif verb in {"letter_received", "letter_withdrawn"}:
        done.append(Resolution(f"letter:{pk}", frozenset({K.LETTER_TO_RECEIVE})))
    if e.member_id and verb in MEMBER_SEEN_TO:
        # the cell has taken the new member in hand, or the member has left it
        done.append(Resolution(f"assigned:{e.member_id}", frozenset({K.MEMBER_ASSIGNED})))
    if verb in {"letter_received", "cell_reassigned"} and e.member is not None:
        letter = loaded.letters.get(pk or 0) if verb == "letter_received" else None
        cell_id = letter.assigned_cell_id if letter is not None else _int(data.get("to"))
        if cell_id:
            done.append(Resolution(f"assigned:{e.member_id}", frozenset({K.MEMBER_ASSIGNED}), cell_id))
            committee = e.actor_org.name if e.actor_org else "đảng ủy"
            since = _date(letter.received_on) if letter is not None else _date(timezone.localdate(e.at))
            todo.append(
                Target(
                    K.MEMBER_ASSIGNED,
                    "Có đảng viên mới về sinh hoạt tại chi bộ",
                    f"{_who(e.member)} được {committee} phân công về {loaded.org_name(cell_id)} từ ngày {since}.",
                    f"assigned:{e.member_id}",
                    org_id=cell_id,
                    roles=CELL_SECRETARY,
                    object_id=e.member_id,
                )
            )
        # the member's comment requests still to write now belong to the (new) cell
        for writable in loaded.writable_by_member.get(e.member_id or 0, []):
            if writable.residence_cell_id:
                done.append(
                    Resolution(f"comment:{writable.pk}", frozenset({K.COMMENT_TO_WRITE}), writable.residence_cell_id)
                )
                todo.append(_comment_to_write(e, writable, loaded))

    request = loaded.comments.get(pk or 0) if verb in COMMENT_VERBS else None
    if request is not None:
        key = f"comment:{request.pk}"
        if verb in {"comment_requested", "comment_requested_on_demand"}:
            todo.append(_comment_to_write(e, request, loaded))
        elif verb == "comment_sent_back":
            done.append(Resolution(key, frozenset({K.COMMENT_TO_CERTIFY})))
            if request.residence_cell_id:
                todo.append(
                    Target(
                        K.COMMENT_TO_FIX,
                        "Đảng ủy trả lại nhận xét để chi bộ sửa",
                        f"{_who(e.member)}: {loaded.org_name(request.residence_committee_id)} trả lại nhận xét năm "
                        f"{request.year}. Lý do: {data.get('reason', '')}",
                        key,
                        org_id=request.residence_cell_id,
                        roles=CELL_SECRETARY,
                        object_id=request.pk,
                        fallback_org=request.residence_committee_id,
                    )
                )
        elif verb == "comment_signed":
            done.append(Resolution(key, frozenset({K.COMMENT_TO_WRITE, K.COMMENT_TO_FIX})))
            todo.append(
                Target(
                    K.COMMENT_TO_CERTIFY,
                    "Có nhận xét chi bộ đã ký cần xác nhận",
                    f"{_who(e.member)}: {loaded.org_name(request.residence_cell_id)} đã ký nhận xét năm "
                    f"{request.year}. Hạn gửi lại nơi công tác {_date(request.return_due_on)}.",
                    key,
                    org_id=request.residence_committee_id,
                    object_id=request.pk,
                )
            )
        elif verb == "comment_returned":
            todo.append(
                Target(
                    K.COMMENT_TO_ACKNOWLEDGE,
                    "Nơi cư trú đã gửi lại nhận xét",
                    f"{_who(e.member)}: {loaded.org_name(request.residence_committee_id)} đã gửi lại nhận xét năm "
                    f"{request.year}. Hãy xác nhận đã nhận.",
                    key,
                    org_id=request.requesting_committee_id,
                    object_id=request.pk,
                )
            )
    elif verb == "comment_certified":
        done.append(Resolution(f"comment:{pk}", frozenset({K.COMMENT_TO_CERTIFY})))
    elif verb == "comment_acknowledged":
        done.append(Resolution(f"comment:{pk}", frozenset({K.COMMENT_TO_ACKNOWLEDGE})))

    notice = loaded.notices.get(pk or 0) if verb in NOTICE_VERBS else None
    if notice is not None and verb == "notice_raised":
        todo.append(
            Target(
                K.NOTICE_TO_ANSWER,
                "Có phiếu báo vi phạm cần trả lời",
                f"{_who(e.member)}: {loaded.org_name(notice.residence_committee_id)} báo ngày "
                f"{_date(notice.raised_on)}. Hạn trả lời {_date(notice.answer_due_on)}.",
                f"notice:{notice.pk}",
                org_id=notice.workplace_committee_id,
                object_id=notice.pk,
            )
        )
    elif notice is not None and verb == "notice_answered":
        done.append(Resolution(f"notice:{notice.pk}", frozenset({K.NOTICE_TO_ANSWER})))
        todo.append(
            Target(
                K.NOTICE_ANSWERED,
                "Nơi công tác đã trả lời phiếu báo",
                f"{_who(e.member)}: {loaded.org_name(notice.workplace_committee_id)} đã trả lời phiếu báo ngày "
                f"{_date(notice.raised_on)}.",
                f"notice:{notice.pk}",
                org_id=notice.residence_committee_id,
                object_id=notice.pk,
            )
        )

    if verb == "workplace_changed" and _int(data.get("to_holder")):
        holder = int(data["to_holder"])
        todo.append(
            Target(
                K.BOOK_TRANSFERRED,
                "Có sổ liên hệ chuyển đến",
                f"{_who(e.member)} chuyển về {loaded.org_name(_int(data.get('to_cell')))}; từ nay "
                f"{loaded.org_name(holder)} giữ sổ liên hệ của đồng chí.",
                f"book:{e.book_id}",
                org_id=holder,
                object_id=e.member_id,
            )
        )

    change = loaded.address_changes.get(pk or 0) if verb in ADDRESS_VERBS else None
    if change is not None and verb == "address_change_requested" and e.book is not None:
        todo.append(
            Target(
                K.ADDRESS_CHANGE,
                "Đảng viên đề nghị chuyển nơi cư trú",
                f"{_who(e.member)} báo chuyển đến {change.line}, {change.commune.name} từ ngày "
                f"{_date(change.moving_on)}. Hãy ghi địa chỉ mới (gửi giấy giới thiệu mới) hoặc trả lời.",
                f"address:{change.pk}",
                org_id=e.book.holder_id,
                object_id=change.pk,
            )
        )
    elif change is not None and e.member is not None and e.member.user_id:
        done.append(Resolution(f"address:{change.pk}", frozenset({K.ADDRESS_CHANGE})))
        accepted = verb == "address_change_accepted"
        todo.append(
            Target(
                K.ADDRESS_CHANGE_HANDLED,
                "Cấp ủy đã ghi nơi cư trú mới của đồng chí"
                if accepted
                else "Đề nghị chuyển nơi cư trú không được chấp nhận",
                f"{e.actor_org.name if e.actor_org else 'Cấp ủy'} đã ghi địa chỉ {change.line}, {change.commune.name} "
                "và gửi giấy giới thiệu mới về nơi cư trú."
                if accepted
                else f"Trả lời của {e.actor_org.name if e.actor_org else 'cấp ủy'}: {change.answer}",
                f"address:{change.pk}",
                user_id=e.member.user_id,
                object_id=change.pk,
            )
        )
    return done, todo


# --------------------------------------------------------------------------- the batch


def notify_events(event_ids: Iterable[int], *, once: bool = False) -> list[Notification]:
    """Write the notifications of these events (in order of their ids); returns those created.

    `once`: leave out the events that already have a notification (a task run again after a
    crash or twice by mistake writes nothing twice; each chunk commits on its own).
    """
    ids = sorted(set(event_ids))
    created: list[Notification] = []
    for start in range(0, len(ids), CHUNK):
        with transaction.atomic():
            created += _notify_chunk(ids[start : start + CHUNK], once=once)
    return created


def notify_seq_range(first_seq: int, last_seq: int) -> list[Notification]:
    """The notifications of the events first_seq…last_seq of the chain (the task of a big batch).

    Idempotent: an event that already has its notifications is left out.
    """
    ids = Event.objects.filter(seq__gte=first_seq, seq__lte=last_seq).order_by().values_list("pk", flat=True)
    return notify_events(ids, once=True)


def _notify_chunk(ids: list[int], *, once: bool = False) -> list[Notification]:
    if once:
        told = set(Notification.objects.filter(event_id__in=ids).values_list("event_id", flat=True).distinct())
        ids = [pk for pk in ids if pk not in told]
    events = list(
        Event.objects.filter(pk__in=ids)
        .select_related("member__workplace_cell__parent", "actor_org", "book")
        .order_by("pk")
    )
    if not events:
        return []
    loaded = _load(events)
    planned = [(e, *_targets(e, loaded)) for e in events]

    org_ids = {pk for _e, _done, todo in planned for t in todo for pk in (t.org_id, t.fallback_org) if pk}
    holders: dict[int, list[tuple[int, str]]] = defaultdict(list)
    emails: dict[int, bool] = {}
    org_kinds = {pk: org.kind for pk, org in loaded.orgs.items()}
    if org_ids:
        rows = (
            RoleAssignment.objects.active()
            .filter(organisation_id__in=org_ids, user__is_active=True)
            .values_list("user_id", "organisation_id", "role", "user__email", "organisation__kind")
        )
        for holder_id, holder_org, role, email, holder_org_kind in rows:
            holders[holder_org].append((holder_id, role))
            emails[holder_id] = bool(email)
            org_kinds[holder_org] = holder_org_kind

    fresh: list[Notification] = []  # in event order
    # the unread ones of this chunk by (recipient, object, kind): the same work is announced once
    waiting: dict[tuple[int, str, str], Notification] = {}
    by_key: dict[str, list[Notification]] = defaultdict(list)
    resolutions: list[Resolution] = []
    e2_members: set[int] = set()
    for e, done, todo in planned:
        for resolution in done:
            resolutions.append(resolution)
            for n in by_key.get(resolution.key, []):
                if n.read_at is None and resolution.covers(n):
                    n.read_at = e.at
        if e.verb == "exemption_set" and e.state_after == Exemption.E2 and e.member_id:
            e2_members.add(e.member_id)
            fresh = [n for n in fresh if not (n.member_id == e.member_id and _residence(n, org_kinds))]
            kept = set(map(id, fresh))
            waiting = {key: n for key, n in waiting.items() if id(n) in kept}
            by_key = defaultdict(list, {key: [n for n in ns if id(n) in kept] for key, ns in by_key.items()})
        member = e.member
        residence_hidden = member is not None and member.exemption == Exemption.E2
        for target in todo:
            if target.user_id is not None:
                recipients: list[tuple[int, int | None]] = [(target.user_id, None)]
            else:
                org_kind = org_kinds.get(target.org_id or 0, "")
                if residence_hidden and org_kind in RESIDENCE_SIDE:
                    continue  # the residence side never hears of an E2 member
                recipients = [
                    (user_id, target.org_id)
                    for user_id, role in holders.get(target.org_id or 0, [])
                    if role in target.roles
                ]
                if not recipients and target.fallback_org:
                    target = replace(
                        target,
                        org_id=target.fallback_org,
                        roles=STAFF,
                        body=f"{target.body} {loaded.org_name(target.org_id)} chưa có bí thư trên hệ thống: "
                        "đảng ủy nhập phiếu thay chi bộ.",
                    )
                    recipients = [
                        (user_id, target.org_id)
                        for user_id, role in holders.get(target.org_id or 0, [])
                        if role in STAFF
                    ]
            for user_id, org_id in recipients:
                announced = waiting.get((user_id, target.object_key, target.kind))
                if user_id == e.actor_id or (announced is not None and announced.read_at is None):
                    continue
                org_kind = org_kinds.get(org_id or 0, "member")
                notification = Notification(
                    recipient_id=user_id,
                    organisation_id=org_id,
                    kind=target.kind,
                    title=target.title[:200],
                    body=target.body,
                    link=links.event_link(
                        target.kind,
                        org_kind,
                        object_id=target.object_id,
                        member_id=e.member_id,
                        candidates=target.pages,
                    ),
                    event=e,
                    member_id=e.member_id,
                    object_key=target.object_key,
                    search_text=fold(f"{target.title} {target.body}"),
                    created_at=e.at,
                )
                fresh.append(notification)
                waiting[(user_id, target.object_key, target.kind)] = notification
                by_key[target.object_key].append(notification)

    now = timezone.now()
    if resolutions:
        _resolve_stored(resolutions, now)
    if e2_members:
        Notification.objects.filter(member_id__in=e2_members, organisation__kind__in=RESIDENCE_SIDE).delete()
    created = Notification.objects.bulk_create(fresh)
    to_mail = [
        n.pk
        for n in created
        if n.pk is not None and n.read_at is None and n.kind in EMAIL_KINDS and emails.get(n.recipient_id, False)
    ]
    if to_mail:
        transaction.on_commit(lambda: _enqueue_mail(to_mail), robust=True)
    return created


def _residence(n: Notification, org_kinds: dict[int, str]) -> bool:
    return org_kinds.get(n.organisation_id or 0, "") in RESIDENCE_SIDE


def _resolve_stored(resolutions: list[Resolution], now: datetime.datetime) -> None:
    """Mark read the unread notifications written earlier that this chunk's work has done."""
    by_key: dict[str, list[Resolution]] = defaultdict(list)
    for resolution in resolutions:
        by_key[resolution.key].append(resolution)
    candidates = Notification.objects.filter(object_key__in=list(by_key), read_at__isnull=True).only(
        "pk", "object_key", "kind", "organisation_id"
    )
    done = [n.pk for n in candidates if any(r.covers(n) for r in by_key[n.object_key])]
    if done:
        Notification.objects.filter(pk__in=done).update(read_at=now)


def _enqueue_mail(ids: list[int]) -> None:
    from .tasks import send_notification_mail

    send_notification_mail.enqueue(ids)


# --------------------------------------------------------------------------- after commit


class _Batch:
    """The events of one transaction, processed once it commits."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.done = False

    def run(self) -> None:
        self.done = True
        notify_events(self.ids)

    def waiting_on(self, connection: Any) -> bool:
        """Still queued on this connection's open transaction (not run, not rolled back)."""
        return (
            not self.done
            and connection.in_atomic_block
            and any(entry[1] == self.run for entry in connection.run_on_commit)
        )


_local = threading.local()

# From this many events, a bulk write that gives its `seq_range` (the October campaign) is
# notified by a task (`tasks.notify_event_range`), not in the process that wrote it.
BACKGROUND_FROM = 1000


def notify_in_background(first_seq: int, last_seq: int, using: str | None = None) -> None:
    """Once the current transaction commits, queue the notifications of events first_seq…last_seq."""

    def enqueue() -> None:
        from .tasks import notify_event_range

        notify_event_range.enqueue(first_seq, last_seq)

    transaction.on_commit(enqueue, using=using, robust=True)


def notify_after_commit(events: Iterable[Event | int], using: str | None = None) -> None:
    """Notify about these new events (or event ids) once the current transaction commits (at
    once without one).

    All the events of one transaction go in one batch, so an action on 200 members costs the
    same handful of queries as an action on one.
    """
    ids: set[int] = {pk for pk in (e if isinstance(e, int) else e.pk for e in events) if pk is not None}
    if not ids:
        return
    connection = transaction.get_connection(using)
    batch: _Batch | None = getattr(_local, "batch", None)
    if batch is not None and batch.waiting_on(connection):
        batch.ids.update(ids)
        return
    batch = _Batch()
    batch.ids.update(ids)
    _local.batch = batch
    transaction.on_commit(batch.run, using=using, robust=True)
