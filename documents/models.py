"""The rows of the printed documents: the short code that leads from a paper to its state, and the
year's letters printed in the background."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from books import clock


class Verification(models.Model):
    """The verification code printed (with its QR code) on a letter 1-213 or a comment form 3-213.

    Made the first time the document is printed and never changed, so every copy of the paper
    carries the same code. The code is random (50 bits): it cannot be guessed from a number.
    """

    code = models.CharField("mã xác minh", max_length=16, unique=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)

    class Meta:
        verbose_name = "mã xác minh văn bản"
        verbose_name_plural = "mã xác minh văn bản"
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="one_verification_per_document")
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def document(self) -> models.Model | None:
        model = self.content_type.model_class()
        if model is None:
            return None
        return model._default_manager.filter(pk=self.object_id).first()


def new_token() -> str:
    return secrets.token_urlsafe(24)


def print_upload_to(instance: PrintJob, filename: str) -> str:
    """print/<token>.pdf under MEDIA_ROOT (private, never served by the web server): the name is never a member's."""
    return f"print/{instance.token}.pdf"


class PrintStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang chuẩn bị"
    DONE = "done", "Đã xong"
    FAILED = "failed", "Không in được"

    @property
    def badge(self) -> str:
        return {PrintStatus.QUEUED: "blue", PrintStatus.RUNNING: "blue", PrintStatus.DONE: "green"}.get(self, "red")

    @property
    def is_working(self) -> bool:
        return self in WORKING


WORKING = (PrintStatus.QUEUED, PrintStatus.RUNNING)


class PrintJob(models.Model):
    """Every letter 1-213 a workplace committee signed in a year, laid out in the background as one PDF.

    Made by `documents.jobs.start` when the year has more letters than LETTERS_BATCH_INLINE_MAX
    (fewer are printed at once, inside the request); the task `documents.tasks.print_letters_of_year`
    renders it with `documents.batch.render_parallel`. Anyone wearing the hat of the same committee
    reaches it by its random token; at most one is queued or running per committee and year.
    """

    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    committee = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("năm")
    status = models.CharField(max_length=10, choices=PrintStatus.choices, default=PrintStatus.QUEUED)
    letter_count = models.PositiveIntegerField("số giấy giới thiệu", default=0)
    file = models.FileField(upload_to=print_upload_to, max_length=200, blank=True)
    message = models.TextField("lý do không in được", blank=True)
    seconds = models.FloatField("thời gian chạy (giây)", null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "lần in giấy giới thiệu cả năm"
        verbose_name_plural = "các lần in giấy giới thiệu cả năm"
        indexes = [models.Index(fields=["committee", "year", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "year"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_working_print_job_per_committee_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} ({self.get_status_display()})"

    @property
    def state(self) -> PrintStatus:
        return PrintStatus(self.status)

    def drop_file(self) -> None:
        if self.file:
            self.file.delete(save=False)

    def record(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self, name, value)
        self.save(update_fields=[*values.keys()])
