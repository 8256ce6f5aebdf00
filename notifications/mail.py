"""Email: one digest per recipient for a batch of notifications, in Vietnamese, with links.

Only notifications still unread and not yet mailed are sent (work done before the worker ran
is not announced), and only to active users with an email address: the others see them in the
app. Each sent notification is stamped `emailed_at`, so running the same batch again sends nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from members.models import Exemption
from orgs.models import RESIDENCE_SIDE

from .models import Notification

SUBJECT_PREFIX = "[Sổ liên hệ 213]"


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _digest(name: str, items: list[Notification]) -> tuple[str, str]:
    """Subject and plain-text body of one recipient's mail."""
    if len(items) == 1:
        subject = f"{SUBJECT_PREFIX} {items[0].title}"
        intro = "Trên Sổ liên hệ 213 có một việc mới đang chờ đồng chí:"
    else:
        subject = f"{SUBJECT_PREFIX} {len(items)} việc đang chờ đồng chí xử lý"
        intro = f"Trên Sổ liên hệ 213 có {len(items)} việc mới đang chờ đồng chí:"
    lines = [f"Kính gửi đồng chí {name},", "", intro, ""]
    for number, n in enumerate(items, start=1):
        lines.append(f"{number}. {n.title}")
        if n.organisation_id:
            lines.append(f"   Vai trò: {n.organisation.name}")  # type: ignore[union-attr]
        for body_line in n.body.splitlines():
            lines.append(f"   {body_line}")
        lines.append(f"   Xem: {absolute(reverse('notifications:open', args=[n.pk]))}")
        lines.append("")
    lines += [
        f"Xem tất cả thông báo: {absolute(reverse('notifications:list'))}",
        "",
        "Thư này được gửi tự động từ Sổ liên hệ 213, xin đừng trả lời thư này.",
    ]
    return subject, "\n".join(lines)


def deliver(notification_ids: Iterable[int]) -> int:
    """Mail these notifications, one message per recipient; returns the number of messages sent."""
    rows = (
        Notification.objects.filter(pk__in=list(notification_ids), emailed_at__isnull=True, read_at__isnull=True)
        .filter(recipient__is_active=True)
        .exclude(recipient__email="")
        .exclude(Q(member__exemption=Exemption.E2) & Q(organisation__kind__in=RESIDENCE_SIDE))
        .select_related("recipient", "organisation")
        .order_by("recipient_id", "created_at", "pk")
    )
    by_recipient: dict[int, list[Notification]] = defaultdict(list)
    for n in rows:
        by_recipient[n.recipient_id].append(n)
    if not by_recipient:
        return 0
    messages = []
    for items in by_recipient.values():
        user = items[0].recipient
        subject, body = _digest(user.get_full_name() or user.get_username(), items)
        messages.append(
            EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email])
        )
    sent = mailers.default.send_messages(messages) or 0
    Notification.objects.filter(pk__in=[n.pk for items in by_recipient.values() for n in items]).update(
        emailed_at=timezone.now()
    )
    return sent
