"""Deadline reminders, overdue notices and the escalation to the province board.

Run once a day (`manage.py send_reminders`, from cron; the task worker runs it). For each
deadline of the regulation profile that still has work waiting:

- `REMINDER_DAYS` days before it (default 7 and 1): a reminder to whoever still has the work;
- once it has passed: an overdue notice to them, and an escalation to the board officers of the
  province board of their province, listing which organisations are late and by how many.

| Work | Deadline (profile key) | Who still has it |
|---|---|---|
| letters to issue | letter_window_end | workplace committee staff (members without a letter sent) |
| comments to write | the request's due_on (comment_due) | the residence cell's secretary (or the committee) |
| comments to return | the request's return_due_on (return_due) | residence committee staff |
| ratings | rating_end | workplace committee staff and the workplace cell's secretary |

Each reminder sent is logged (`ReminderLog`: recipient, organisation, work, deadline, stage), so
a second run the same day, or any later day, sends nothing twice. A day without a run is caught
up by the next one: it sends the closest stage reached, and an overdue deadline is reported on
the first run within `ESCALATION_WINDOW_DAYS` after it. E2 members are never listed to the
residence side. Everything a run writes goes out as one email digest per recipient.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from books.models import Book, BookStatus, CommentRequest, CommentStatus, LetterStatus, RegulationProfile
from members.models import EmploymentStatus, Exemption
from orgs.models import COMMITTEE_ROLES, Organisation, OrgKind, Role, RoleAssignment
from orgs.text import fold

from . import links, mail
from .models import EMAIL_KINDS, Notification, NotificationKind, ReminderLog, ReminderStage

# An overdue deadline is still reported by the first run within this many days after it.
ESCALATION_WINDOW_DAYS = 30
# A reminder names at most this many members; the rest are counted.
MAX_NAMES = 30

STAFF = frozenset(COMMITTEE_ROLES)
CELL_SECRETARY = frozenset({Role.CELL_SECRETARY})


@dataclass(frozen=True)
class Topic:
    key: str
    deadline_label: str  # "hạn chi bộ nhận xét"
    noun: str  # after a number: "3 phiếu xin ý kiến chưa ký nhận xét"


TOPICS = {
    t.key: t
    for t in (
        Topic("letters_to_issue", "hạn gửi giấy giới thiệu đầu năm", "đảng viên chưa được gửi giấy giới thiệu"),
        Topic("comments_to_write", "hạn chi bộ nhận xét", "phiếu xin ý kiến chưa ký nhận xét"),
        Topic("comments_to_return", "hạn gửi nhận xét về nơi công tác", "phiếu nhận xét chưa gửi lại nơi công tác"),
        Topic("ratings", "hạn xếp loại đảng viên cuối năm", "đảng viên chưa được xếp loại năm {year}"),
    )
}


@dataclass(frozen=True)
class Late:
    """One member's work still waiting on one organisation before (or after) one deadline."""

    topic: str
    deadline: datetime.date
    org_id: int
    roles: frozenset[str]
    province_code: int | None
    name: str
    sort_key: str
    # the committee named in the escalation to the board (None: already counted by another Late)
    report_to: int | None
    # a cell without a secretary: its committee's staff are told instead (None: nobody else)
    fallback: int | None = None


@dataclass
class RunResult:
    on: datetime.date
    reminders: int = 0
    overdue: int = 0
    escalations: int = 0
    already_sent: int = 0
    emails: int = 0
    notification_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "reminders": self.reminders,
            "overdue": self.overdue,
            "escalations": self.escalations,
            "already_sent": self.already_sent,
            "emails": self.emails,
        }


def reminder_days() -> list[int]:
    days = sorted({int(d) for d in getattr(settings, "REMINDER_DAYS", (7, 1)) if int(d) >= 0})
    return days or [1]


# --------------------------------------------------------------------------- who still has work


def _comments_to_write(lo: datetime.date, hi: datetime.date) -> Iterator[Late]:
    rows = (
        CommentRequest.objects.filter(
            status__in=[CommentStatus.REQUESTED, CommentStatus.DRAFTED], due_on__range=(lo, hi)
        )
        .exclude(book__member__exemption=Exemption.E2)
        .values_list(
            "due_on",
            "residence_cell_id",
            "residence_committee_id",
            "residence_committee__province_code",
            "book__member__full_name",
            "book__member__sort_key",
        )
    )
    for due, cell, committee, province, name, key in rows:
        roles = CELL_SECRETARY if cell else STAFF
        yield Late("comments_to_write", due, cell or committee, roles, province, name, key, committee, committee)


def _comments_to_return(lo: datetime.date, hi: datetime.date) -> Iterator[Late]:
    rows = (
        CommentRequest.objects.filter(status__in=CommentStatus.open(), return_due_on__range=(lo, hi))
        .exclude(book__member__exemption=Exemption.E2)
        .values_list(
            "return_due_on",
            "residence_committee_id",
            "residence_committee__province_code",
            "book__member__full_name",
            "book__member__sort_key",
        )
    )
    for due, committee, province, name, key in rows:
        yield Late("comments_to_return", due, committee, STAFF, province, name, key, committee)


def _open_books(profile: RegulationProfile) -> Any:
    return Book.objects.filter(profile=profile, status=BookStatus.OPEN, member__employment=EmploymentStatus.EMPLOYED)


def _letters_to_issue(profiles: list[RegulationProfile], on: datetime.date, lo: datetime.date, hi: datetime.date):
    for profile in profiles:
        deadline = profile.deadline("letter_window_end", on.year)
        if not lo <= deadline <= hi:
            continue
        never_introduced = [code for code in Exemption.values if code and not profile.is_introduced(code)]
        rows = (
            _open_books(profile)
            .exclude(member__exemption__in=never_introduced)
            .exclude(letters__status__in=[LetterStatus.ISSUED, LetterStatus.RECEIVED])
            .values_list("holder_id", "holder__province_code", "member__full_name", "member__sort_key")
        )
        for holder, province, name, key in rows:
            yield Late("letters_to_issue", deadline, holder, STAFF, province, name, key, holder)


def _ratings(profiles: list[RegulationProfile], on: datetime.date, lo: datetime.date, hi: datetime.date):
    for profile in profiles:
        for year in (on.year - 1, on.year):
            deadline = profile.deadline("rating_end", year)
            if not lo <= deadline <= hi:
                continue
            rows = (
                _open_books(profile)
                .filter(term__start_year__lte=year, term__end_year__gte=year)
                .exclude(ratings__year=year)
                .values_list(
                    "holder_id",
                    "holder__province_code",
                    "member__workplace_cell_id",
                    "member__workplace_cell__kind",
                    "member__full_name",
                    "member__sort_key",
                )
            )
            for holder, province, cell, cell_kind, name, key in rows:
                yield Late("ratings", deadline, holder, STAFF, province, name, key, holder)
                if cell_kind == OrgKind.WORKPLACE_CELL:
                    yield Late("ratings", deadline, cell, CELL_SECRETARY, province, name, key, None)


def collect(on: datetime.date) -> list[Late]:
    """Everything still waiting on someone with a deadline from ESCALATION_WINDOW_DAYS ago to the
    furthest reminder ahead."""
    lo = on - datetime.timedelta(days=ESCALATION_WINDOW_DAYS)
    hi = on + datetime.timedelta(days=max(reminder_days()))
    profiles = list(RegulationProfile.objects.all())
    return [
        *_comments_to_write(lo, hi),
        *_comments_to_return(lo, hi),
        *_letters_to_issue(profiles, on, lo, hi),
        *_ratings(profiles, on, lo, hi),
    ]


# --------------------------------------------------------------------------- texts


def _noun(topic: str, deadline: datetime.date) -> str:
    return TOPICS[topic].noun.format(year=deadline.year)


def _names(lates: list[Late]) -> str:
    names = [late.name for late in sorted(lates, key=lambda late: (late.sort_key, late.name))]
    shown = "\n".join(f"- {name}" for name in names[:MAX_NAMES])
    if len(names) > MAX_NAMES:
        shown += f"\n… và {len(names) - MAX_NAMES} đồng chí khác."
    return shown


Text = tuple[str, str, str]  # kind, title, body


def _reminder_text(org_name: str, lates: list[Late], on: datetime.date) -> Text:
    """Kind, title and body of a reminder (before the deadline) or an overdue notice (after it)."""
    first = lates[0]
    deadline, topic = first.deadline, TOPICS[first.topic]
    noun = f"{len(lates)} {_noun(first.topic, deadline)}"
    delta = (deadline - on).days
    if delta >= 0:
        when = "hôm nay là ngày cuối" if delta == 0 else f"còn {delta} ngày"
        kind, title = NotificationKind.REMINDER, f"Nhắc hạn: {noun} — hạn {deadline:%d/%m/%Y}"
        body = f"{org_name} còn {noun}; {topic.deadline_label} là ngày {deadline:%d/%m/%Y} ({when})."
    else:
        kind, title = NotificationKind.OVERDUE, f"Quá hạn: {noun} — hạn {deadline:%d/%m/%Y}"
        body = (
            f"{org_name} còn {noun}; {topic.deadline_label} là ngày {deadline:%d/%m/%Y}, đã quá {-delta} ngày. "
            "Đề nghị hoàn thành ngay."
        )
    return kind, title, f"{body}\nGồm các đồng chí:\n{_names(lates)}"


def _escalation_text(
    topic: str, deadline: datetime.date, late_orgs: list[tuple[str, int]], on: datetime.date
) -> tuple[str, str]:
    total = sum(count for _name, count in late_orgs)
    title = f"Chậm hạn: {total} {_noun(topic, deadline)} — hạn {deadline:%d/%m/%Y}"
    label = TOPICS[topic].deadline_label
    rows = "\n".join(f"- {name}: {count}" for name, count in sorted(late_orgs, key=lambda x: (-x[1], fold(x[0]))))
    body = (
        f"{label[0].upper()}{label[1:]} là ngày {deadline:%d/%m/%Y}. Đến ngày {on:%d/%m/%Y}, "
        f"{len(late_orgs)} tổ chức còn chậm ({_noun(topic, deadline)}):\n{rows}"
    )
    return title, body


# --------------------------------------------------------------------------- the run


@dataclass
class _Plan:
    org_id: int
    roles: frozenset[str]
    stage: str
    days_before: int
    lates: list[Late]


def run(on: datetime.date) -> RunResult:
    """Send the day's reminders, overdue notices and escalations (never the same one twice)."""
    result = RunResult(on)
    days = reminder_days()
    lates = collect(on)
    if not lates:
        return result
    # (topic, deadline, province) -> {late committee id: how many}
    late_by_province: dict[tuple[str, datetime.date, int], Counter[int]] = defaultdict(Counter)
    for late in lates:
        if late.deadline < on and late.report_to is not None and late.province_code is not None:
            late_by_province[(late.topic, late.deadline, late.province_code)][late.report_to] += 1
    holders, org_info, boards = _people(
        {late.org_id for late in lates} | {late.fallback for late in lates if late.fallback},
        {org_id for per_org in late_by_province.values() for org_id in per_org},
        {province for (_t, _d, province) in late_by_province},
    )
    groups: dict[tuple[str, datetime.date, int, frozenset[str]], list[Late]] = defaultdict(list)
    for late in lates:
        org_id, roles = late.org_id, late.roles
        if not any(role in roles for _user, role in holders.get(org_id, [])):
            if late.fallback is None:
                continue
            org_id, roles = late.fallback, STAFF
        groups[(late.topic, late.deadline, org_id, roles)].append(late)
    plans = []
    for (_topic, deadline, org_id, roles), group in groups.items():
        delta = (deadline - on).days
        if delta >= 0:
            plans.append(_Plan(org_id, roles, ReminderStage.BEFORE, min(d for d in days if d >= delta), group))
        else:
            plans.append(_Plan(org_id, roles, ReminderStage.OVERDUE, 0, group))
    sent = set(
        ReminderLog.objects.filter(deadline__in={late.deadline for late in lates}).values_list(
            "recipient_id", "organisation_id", "topic", "deadline", "stage", "days_before"
        )
    )
    notifications: list[Notification] = []
    logs: list[ReminderLog] = []

    def add(user_id: int, org_id: int, about: tuple[str, datetime.date], stage: str, days: int, text: Text) -> None:
        topic, deadline = about
        key = (user_id, org_id, topic, deadline, stage, days)
        if key in sent:
            result.already_sent += 1
            return
        sent.add(key)
        kind, title, body = text
        notifications.append(
            Notification(
                recipient_id=user_id,
                organisation_id=org_id,
                kind=kind,
                title=title[:200],
                body=body,
                link=links.topic_link(topic, org_info.get(org_id, ("", ""))[1]),
                object_key=f"{topic}:{deadline.isoformat()}",
                search_text=fold(f"{title} {body}"),
            )
        )
        logs.append(
            ReminderLog(
                recipient_id=user_id,
                organisation_id=org_id,
                topic=topic,
                deadline=deadline,
                stage=stage,
                days_before=days,
                sent_on=on,
            )
        )

    for plan in plans:
        text = _reminder_text(org_info.get(plan.org_id, ("", ""))[0], plan.lates, on)
        for user_id, role in holders.get(plan.org_id, []):
            if role in plan.roles:
                add(
                    user_id,
                    plan.org_id,
                    (plan.lates[0].topic, plan.lates[0].deadline),
                    plan.stage,
                    plan.days_before,
                    text,
                )
    for (topic, deadline, province), per_org in late_by_province.items():
        late_orgs = [(org_info.get(org_id, ("?", ""))[0], count) for org_id, count in per_org.items()]
        title, body = _escalation_text(topic, deadline, late_orgs, on)
        for board_id in boards.get(province, []):
            for user_id, role in holders.get(board_id, []):
                if role == Role.BOARD_OFFICER:
                    text = (NotificationKind.ESCALATION, title, body)
                    add(user_id, board_id, (topic, deadline), ReminderStage.ESCALATION, 0, text)

    with transaction.atomic():
        created = Notification.objects.bulk_create(notifications)
        for log, notification in zip(logs, created, strict=True):
            log.notification = notification
        ReminderLog.objects.bulk_create(logs)
    counts = Counter(n.kind for n in created)
    result.reminders = counts[NotificationKind.REMINDER]
    result.overdue = counts[NotificationKind.OVERDUE]
    result.escalations = counts[NotificationKind.ESCALATION]
    result.notification_ids = [n.pk for n in created]
    result.emails = mail.deliver([n.pk for n in created if n.kind in EMAIL_KINDS])
    return result


def _people(
    org_ids: set[int], reported: set[int], provinces: set[int]
) -> tuple[dict[int, list[tuple[int, str]]], dict[int, tuple[str, str]], dict[int, list[int]]]:
    """Role holders of the organisations and of the province boards (one query), and the names
    and kinds of every organisation named (one more)."""
    holders: dict[int, list[tuple[int, str]]] = defaultdict(list)
    org_info: dict[int, tuple[str, str]] = {}
    boards: dict[int, list[int]] = defaultdict(list)
    rows = (
        RoleAssignment.objects.active()
        .filter(user__is_active=True)
        .filter(
            Q(organisation_id__in=org_ids)
            | Q(
                role=Role.BOARD_OFFICER,
                organisation__kind=OrgKind.PROVINCE_BOARD,
                organisation__province_code__in=provinces,
            )
        )
        .values_list("user_id", "organisation_id", "role", "organisation__kind", "organisation__province_code")
    )
    for user_id, org_id, role, kind, province in rows:
        holders[org_id].append((user_id, role))
        if kind == OrgKind.PROVINCE_BOARD and province in provinces and org_id not in boards[province]:
            boards[province].append(org_id)
    named = org_ids | reported | {pk for ids in boards.values() for pk in ids}
    org_info = {
        pk: (name, kind)
        for pk, name, kind in Organisation.objects.filter(pk__in=named).values_list("pk", "name", "kind")
    }
    return holders, org_info, boards
