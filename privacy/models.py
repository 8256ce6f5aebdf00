"""One row per time a member's personal data was shown to someone other than the member."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from books import clock
from members.models import Member
from orgs.models import Organisation


class ViewKind(models.TextChoices):
    PAGE = "page", gettext_lazy("Trang hồ sơ đảng viên")
    API = "api", gettext_lazy("API: một đảng viên")
    API_LIST = "api_list", gettext_lazy("API: danh sách đảng viên")
    EXPORT = "export", gettext_lazy("Xuất danh sách Excel")
    PDF = "pdf", gettext_lazy("In sổ liên hệ (PDF)")


class AppendOnly(Exception):
    """A view log row is never changed nor deleted (only a database administrator could)."""


class ViewLogQuerySet(models.QuerySet["PersonalDataView"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnly("Nhật ký xem dữ liệu cá nhân chỉ được ghi thêm.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly("Nhật ký xem dữ liệu cá nhân chỉ được ghi thêm.")


class PersonalDataView(models.Model):
    """Who (user, in which role of which organisation) saw whose personal data, how and when.

    `member` is set for one member's data; a list or an export writes one row with `count` and the
    `committee` whose members it showed (member empty).
    """

    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=gettext_lazy("người xem")
    )
    role = models.CharField(gettext_lazy("vai trò"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("tổ chức của người xem"),
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="data_views",
        verbose_name=gettext_lazy("đảng viên"),
    )
    committee = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("cấp ủy có đảng viên trong danh sách"),
    )
    count = models.PositiveIntegerField(gettext_lazy("số đảng viên"), default=1)
    what = models.CharField(gettext_lazy("xem qua"), max_length=10, choices=ViewKind.choices)
    path = models.CharField(gettext_lazy("địa chỉ"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(gettext_lazy("địa chỉ IP"), null=True, blank=True)
    viewed_at = models.DateTimeField(gettext_lazy("lúc"), default=clock.now, db_index=True)

    objects = ViewLogQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("lần xem dữ liệu cá nhân")
        verbose_name_plural = gettext_lazy("nhật ký xem dữ liệu cá nhân")
        indexes = [models.Index(fields=["member", "-viewed_at"], name="privacy_member_newest")]

    def __str__(self) -> str:
        return f"{self.viewer_id} → {self.member_id or self.count} ({self.what}, {self.viewed_at:%d/%m/%Y %H:%M})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnly("Nhật ký xem dữ liệu cá nhân chỉ được ghi thêm.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly("Nhật ký xem dữ liệu cá nhân chỉ được ghi thêm.")
