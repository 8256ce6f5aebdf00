"""An Excel import of members: the stored file between the preview and the import, and its state."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models

from books import clock
from orgs.models import Organisation


def new_token() -> str:
    return secrets.token_urlsafe(24)


def import_upload_to(instance: MemberImport, filename: str) -> str:
    """imports/<token>.xlsx: the name never comes from the uploader."""
    return f"imports/{instance.token}.xlsx"


class ImportStatus(models.TextChoices):
    CHECKING = "checking", "Đang kiểm tra tệp"
    REFUSED = "refused", "Tệp không dùng được"
    INVALID = "invalid", "Có lỗi, chưa nhập"
    READY = "ready", "Hợp lệ, chờ nhập"
    IMPORTING = "importing", "Đang nhập"
    DONE = "done", "Đã nhập"
    FAILED = "failed", "Không nhập được, chưa ghi gì"
    EXPIRED = "expired", "Quá hạn, chưa nhập"

    @property
    def badge(self) -> str:
        return {
            ImportStatus.CHECKING: "blue",
            ImportStatus.READY: "green",
            ImportStatus.IMPORTING: "blue",
            ImportStatus.DONE: "green",
        }.get(self, "red")

    @property
    def is_working(self) -> bool:
        return self in (ImportStatus.CHECKING, ImportStatus.IMPORTING)


class MemberImport(models.Model):
    """One uploaded member list of a workplace committee: checked, then imported all or none.

    Only the user who uploaded it, wearing the hat of the same committee, reaches it (by its
    random token). The .xlsx is deleted once checked: the import reads the checked rows kept
    next to it (`checked_path`, their SHA-256 in `checked_digest`), deleted in turn once imported,
    or when the import expires (`service.expire_stale`).
    """

    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    committee = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to=import_upload_to, max_length=200, blank=True)
    original_name = models.CharField("tên tệp", max_length=200)
    size = models.PositiveIntegerField("dung lượng (byte)")
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKING)
    background = models.BooleanField("chạy nền", default=False)
    message = models.TextField("lý do không dùng được tệp", blank=True)
    rows_total = models.PositiveIntegerField("số dòng đảng viên", default=0)
    rows_bad = models.PositiveIntegerField("số dòng có lỗi", default=0)
    error_count = models.PositiveIntegerField("số lỗi", default=0)
    errors = models.JSONField("lỗi (phần đầu)", default=list, blank=True)
    notes = models.JSONField("ghi chú (phần đầu)", default=list, blank=True)
    note_count = models.PositiveIntegerField(default=0)
    sample = models.JSONField("các dòng đầu", default=list, blank=True)
    imported = models.PositiveIntegerField("số đảng viên đã nhập", default=0)
    checked_digest = models.CharField("SHA-256 của các dòng đã kiểm tra", max_length=64, blank=True)
    seconds = models.FloatField("thời gian chạy (giây)", null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "lần nhập đảng viên từ Excel"
        verbose_name_plural = "các lần nhập đảng viên từ Excel"
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def rows_good(self) -> int:
        return self.rows_total - self.rows_bad

    @property
    def state(self) -> ImportStatus:
        return ImportStatus(self.status)

    @property
    def checked_path(self) -> Path:
        """The checked rows (spreadsheets.checker.CheckedRows), next to where the upload was stored."""
        return Path(settings.MEDIA_ROOT) / "imports" / f"{self.token}.rows.jsonl"

    def drop_file(self) -> None:
        """Delete the stored upload (once checked, or when it cannot be used)."""
        if self.file:
            self.file.delete(save=False)

    def drop_checked(self) -> None:
        """Delete the checked rows (after the import, or when the import expires)."""
        self.checked_path.unlink(missing_ok=True)

    def record(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self, name, value)
        self.save(update_fields=[*values.keys()])
