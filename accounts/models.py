"""User accounts. A Vietnamese full name is one field, written family name first."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from orgs.text import nfc


class User(AbstractUser):
    """A person who logs in: a committee secretary or clerk, a cell secretary, an officer, a member."""

    full_name = models.CharField("họ và tên", max_length=150, blank=True)

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.full_name = nfc(self.full_name)
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name.rsplit(" ", 1)[-1] if self.full_name else self.username

    def __str__(self) -> str:
        return self.get_full_name()
