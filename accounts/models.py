"""User accounts. A Vietnamese full name is one field, written family name first."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy

from orgs.text import nfc


class User(AbstractUser):
    """A person who logs in: a committee secretary or clerk, a cell secretary, an officer, a member."""

    full_name = models.CharField(gettext_lazy("họ và tên"), max_length=150, blank=True)

    class Meta:
        verbose_name = gettext_lazy("người dùng")
        verbose_name_plural = gettext_lazy("người dùng")

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.full_name = nfc(self.full_name)
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name.rsplit(" ", 1)[-1] if self.full_name else self.username

    def __str__(self) -> str:
        return self.get_full_name()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A user's key to the REST API. Only the SHA-256 of the secret is stored; it is shown once.

    The secret reads `slh_<prefix>_<random>`; the prefix is kept in clear so the owner can tell
    their keys apart. A revoked key stays listed (with its date) and never works again.
    """

    SCHEME = "slh"

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(gettext_lazy("tên gợi nhớ"), max_length=80)
    prefix = models.CharField(gettext_lazy("mã đầu"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(gettext_lazy("ngày tạo"), auto_now_add=True)
    last_used_at = models.DateTimeField(gettext_lazy("lần dùng gần nhất"), null=True, blank=True)
    revoked_at = models.DateTimeField(gettext_lazy("ngày thu hồi"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("khóa API")
        verbose_name_plural = gettext_lazy("khóa API")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(secret: str) -> str:
        import hashlib

        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def issue(cls, user: "User", name: str) -> tuple["ApiToken", str]:
        """A new key for `user`; returns the row and the secret (the only time it exists in clear)."""
        import secrets

        prefix = secrets.token_hex(4)
        secret = f"{cls.SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"
        token = cls.objects.create(
            user=user, name=nfc(name)[:80] or "Khóa API", prefix=prefix, key_hash=cls.hash(secret)
        )
        return token, secret

    @classmethod
    def user_for(cls, secret: str) -> "User | None":
        """The active user a secret belongs to (one query), or None; marks the key as used."""
        from django.utils import timezone

        token = (
            cls.objects.active()
            .filter(key_hash=cls.hash(secret.strip()), user__is_active=True)
            .select_related("user")
            .first()
        )
        if token is None:
            return None
        now = timezone.now()
        # one write a minute at most, so a busy client does not write on every call
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self) -> None:
        from django.utils import timezone

        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
