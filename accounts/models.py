"""User accounts. A Vietnamese full name is one field, written family name first."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy
from django_otp.models import Device, ThrottlingMixin

from orgs.text import nfc


class User(AbstractUser):  # type: ignore[django-manager-missing]  # django-otp devices: untyped package
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


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """A user's one-time recovery codes for two-factor login when the phone is lost.

    A django-otp device, so a login with a code is a verified login like one with the phone.
    Only a SHA-256 of each code (salted with the user's id) is stored; the codes are shown once.
    """

    class Meta:
        verbose_name = gettext_lazy("bộ mã dự phòng")
        verbose_name_plural = gettext_lazy("bộ mã dự phòng")

    CODE_COUNT = 10
    ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper without doubt

    @staticmethod
    def normalize(code: str) -> str:
        return "".join(ch for ch in code.lower() if ch.isalnum())

    def hash(self, code: str) -> str:
        import hashlib

        return hashlib.sha256(f"{self.user_id}:{self.normalize(code)}".encode()).hexdigest()

    def generate(self) -> list[str]:
        """Replace every code by CODE_COUNT new ones; returns them (the only time they exist in clear)."""
        import secrets

        codes = []
        for _i in range(self.CODE_COUNT):
            raw = "".join(secrets.choice(self.ALPHABET) for _j in range(10))
            codes.append(f"{raw[:5]}-{raw[5:]}")
        self.codes.all().delete()
        RecoveryCode.objects.bulk_create([RecoveryCode(device=self, code_hash=self.hash(c)) for c in codes])
        return codes

    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()

    def get_throttle_factor(self) -> int:
        return 1

    def verify_token(self, token: str) -> bool:
        from django.utils import timezone

        allowed, _data = self.verify_is_allowed()
        if not allowed:
            return False
        used = self.codes.filter(code_hash=self.hash(token), used_at__isnull=True).update(used_at=timezone.now())
        if used:
            self.throttle_reset()
            return True
        self.throttle_increment()
        return False


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("mã dự phòng")
        verbose_name_plural = gettext_lazy("mã dự phòng")

    def __str__(self) -> str:
        return f"{self.device.user} — {'đã dùng' if self.used_at else 'chưa dùng'}"
