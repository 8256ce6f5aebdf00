"""What waits on a user: in-app notifications (from the event log and the deadline reminders)
and the log that makes a reminder run idempotent.

Notifications are derived data: they are written after the action's transaction commits
(`notifications.events`), never by a view, and a failure to write them never undoes an action.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from books.models import Badge, Event
from members.models import Exemption, Member
from orgs.models import RESIDENCE_SIDE, Organisation


class NotificationKind(models.TextChoices):
    LETTER_TO_RECEIVE = "letter_to_receive", "Giấy giới thiệu cần tiếp nhận"
    MEMBER_ASSIGNED = "member_assigned", "Đảng viên mới về chi bộ"
    COMMENT_TO_WRITE = "comment_to_write", "Phiếu cần nhận xét"
    COMMENT_TO_FIX = "comment_to_fix", "Nhận xét bị trả lại để sửa"
    COMMENT_TO_CERTIFY = "comment_to_certify", "Nhận xét cần xác nhận"
    COMMENT_TO_ACKNOWLEDGE = "comment_to_ack", "Nhận xét gửi về cần nhận"
    NOTICE_TO_ANSWER = "notice_to_answer", "Phiếu báo cần trả lời"
    NOTICE_ANSWERED = "notice_answered", "Phiếu báo đã được trả lời"
    BOOK_TRANSFERRED = "book_transferred", "Sổ liên hệ chuyển đến"
    ADDRESS_CHANGE = "address_change", "Đề nghị chuyển nơi cư trú"
    ADDRESS_CHANGE_HANDLED = "address_handled", "Đề nghị chuyển nơi cư trú đã xử lý"
    REMINDER = "reminder", "Nhắc hạn"
    OVERDUE = "overdue", "Quá hạn"
    ESCALATION = "escalation", "Báo cáo chậm hạn"

    @property
    def badge(self) -> str:
        if self in (NotificationKind.OVERDUE, NotificationKind.ESCALATION):
            return Badge.RED
        if self == NotificationKind.REMINDER:
            return Badge.AMBER
        if self in (NotificationKind.NOTICE_ANSWERED, NotificationKind.ADDRESS_CHANGE_HANDLED):
            return Badge.GREEN
        return Badge.BLUE


# What is also sent by email (the rest stays in the app): new letters to receive, comment
# requests, returned comments, and the deadline reminders, overdue items and escalations.
EMAIL_KINDS = frozenset(
    {
        NotificationKind.LETTER_TO_RECEIVE,
        NotificationKind.COMMENT_TO_WRITE,
        NotificationKind.COMMENT_TO_ACKNOWLEDGE,
        NotificationKind.REMINDER,
        NotificationKind.OVERDUE,
        NotificationKind.ESCALATION,
    }
)


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_user(self, user: Any) -> NotificationQuerySet:
        """The user's own notifications; never one about an E2 member on the residence side."""
        return self.filter(recipient_id=user.pk).exclude(
            Q(member__exemption=Exemption.E2) & Q(organisation__kind__in=RESIDENCE_SIDE)
        )

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


def unread_count(user: Any) -> Callable[[], int]:
    """The user's unread count as a callable that queries once, on first use (for the header)."""
    return functools.cache(lambda: Notification.objects.for_user(user).unread().count())


class Notification(models.Model):
    """Something that waits on one user, in one of their organisations."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=gettext_lazy("người nhận"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("với vai trò tại"),
        help_text=gettext_lazy("Trống khi gửi cho chính đảng viên."),
    )
    kind = models.CharField(gettext_lazy("loại"), max_length=20, choices=NotificationKind.choices)
    title = models.CharField(gettext_lazy("tiêu đề"), max_length=200)
    body = models.TextField(gettext_lazy("nội dung"), blank=True)
    link = models.CharField(gettext_lazy("đường dẫn"), max_length=300, blank=True)
    event = models.ForeignKey(Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=gettext_lazy("Đảng viên được nói tới, nếu chỉ một người."),
    )
    # "comment:12": the object the work is about, so that doing the work clears the notification
    object_key = models.CharField(max_length=40, blank=True, db_index=True)
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(gettext_lazy("thời điểm"), default=timezone.now)
    read_at = models.DateTimeField(gettext_lazy("đã đọc lúc"), null=True, blank=True)
    emailed_at = models.DateTimeField(gettext_lazy("đã gửi thư lúc"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("thông báo")
        verbose_name_plural = gettext_lazy("thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_unread"),
            models.Index(fields=["recipient", "-created_at", "-id"], name="notif_recipient_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.recipient}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def kind_choice(self) -> NotificationKind:
        return NotificationKind(self.kind)


class ReminderStage(models.TextChoices):
    BEFORE = "before", "Nhắc trước hạn"
    OVERDUE = "overdue", "Quá hạn"
    ESCALATION = "escalation", "Báo Ban Tổ chức"


class ReminderLog(models.Model):
    """One reminder sent: a second run (the same day or later) never sends it again."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(gettext_lazy("việc"), max_length=30)
    deadline = models.DateField(gettext_lazy("hạn"))
    stage = models.CharField(gettext_lazy("lần nhắc"), max_length=12, choices=ReminderStage.choices)
    days_before = models.PositiveSmallIntegerField(gettext_lazy("số ngày trước hạn"), default=0)
    sent_on = models.DateField(gettext_lazy("ngày gửi"))
    notification = models.ForeignKey(Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = gettext_lazy("lần nhắc hạn")
        verbose_name_plural = gettext_lazy("nhật ký nhắc hạn")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "organisation", "topic", "deadline", "stage", "days_before"],
                name="one_reminder_per_deadline_stage",
                violation_error_message=gettext_lazy("Lần nhắc này đã được gửi."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.deadline:%d/%m/%Y} {self.stage} → {self.recipient}"
