"""Party members under Regulation 213, their residence and their exemption."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgs.models import AdministrativeUnit, Organisation, OrgKind
from orgs.text import fold, name_sort_key, nfc

# Place-of-registration codes that open a 12-digit citizen ID (CCCD): the official province
# codes of the 63 pre-2025 provinces, zero-padded to three digits.
CCCD_PROVINCE_CODES = frozenset(
    {1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36,
     37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74,
     75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96}
)  # fmt: skip


class Sex(models.TextChoices):
    MALE = "M", "Nam"
    FEMALE = "F", "Nữ"


def cccd_century_digit(sex: str, birth_year: int) -> int:
    """The 4th digit of a citizen ID: century of birth and sex (0/1 = 1900s, 2/3 = 2000s …)."""
    century_index = (birth_year // 100) - 19
    return century_index * 2 + (1 if sex == Sex.FEMALE else 0)


def validate_national_id(value: str, *, sex: str | None = None, birth_date: datetime.date | None = None) -> None:
    """Check a 12-digit citizen ID: digits, province code, and (when known) sex and birth year."""
    if len(value) != 12 or not (value.isascii() and value.isdigit()):
        raise ValidationError(_("Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."), code="format")
    if int(value[:3]) not in CCCD_PROVINCE_CODES:
        raise ValidationError(_("Ba chữ số đầu của số CCCD không phải mã tỉnh nơi đăng ký khai sinh."), code="province")
    if sex and birth_date:
        if int(value[3]) != cccd_century_digit(sex, birth_date.year):
            raise ValidationError(_("Chữ số thứ tư của số CCCD không khớp giới tính và thế kỷ sinh."), code="sex")
        if int(value[4:6]) != birth_date.year % 100:
            raise ValidationError(_("Chữ số thứ năm và sáu của số CCCD phải là hai số cuối của năm sinh."), code="year")


def validate_party_card(value: str) -> None:
    if not (value.isascii() and value.isdigit()) or not 6 <= len(value) <= 12:
        raise ValidationError(_("Số thẻ đảng viên gồm 6 đến 12 chữ số."), code="format")


class ResidenceKind(models.TextChoices):
    PERMANENT = "permanent", "Thường trú"
    TEMPORARY = "temporary", "Tạm trú"


class Exemption(models.TextChoices):
    """HD 33 exemptions. E1: introduced but exempt from activities; E2: never introduced."""

    NONE = "", "Không"
    E1A = "E1a", "E1a — quân đội, công an ở doanh trại / xa nơi cư trú"
    E1B = "E1b", "E1b — công tác xa, lưu động, cán bộ luân chuyển ở nhà công vụ"
    E1C = "E1c", "E1c — đi học tập trung từ 12 tháng, học xa nơi cư trú"
    E2 = "E2", "E2 — không giới thiệu (nhiệm vụ cần giữ bí mật, sẵn sàng chiến đấu)"

    @classmethod
    def e1(cls) -> set[str]:
        return {cls.E1A, cls.E1B, cls.E1C}


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", "Đang công tác"
    RETIRED = "retired", "Đã nghỉ hưu"
    LEFT = "left", "Thôi công tác"


class MemberQuerySet(models.QuerySet["Member"]):
    def search(self, text: str) -> MemberQuerySet:
        """Diacritic-free search by name, party-card number or ID number."""
        needle = fold(text)
        if not needle:
            return self
        return self.filter(search_text__contains=needle)

    def vietnamese_order(self) -> MemberQuerySet:
        return self.order_by("sort_key", "pk")

    def residence_visible(self) -> MemberQuerySet:
        """Members the residence side may ever see: never an E2 member."""
        return self.exclude(exemption=Exemption.E2)


def e2_member_ids() -> models.QuerySet[Member, Any]:
    """The ids of the E2 members (never shown on the residence side), from their partial index.

    `~Q(member__in=e2_member_ids())` on a row that has the member's id (a register row) is
    `NOT (member_id IN (…))`: PostgreSQL hashes the country's few E2 ids once (≈ 1 ms for 12,000)
    instead of reading the member of every row to check its exemption (9,257 rows: 45 → 9 ms;
    docs/performance.md, "Pages").
    """
    return Member.objects.filter(exemption=Exemption.E2).values("pk")


class Member(models.Model):
    """An employed party member under Regulation 213."""

    full_name = models.CharField(gettext_lazy("họ và tên"), max_length=120)
    sex = models.CharField(gettext_lazy("giới tính"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(gettext_lazy("ngày sinh"))
    admitted_on = models.DateField(gettext_lazy("ngày vào Đảng"))
    official_on = models.DateField(gettext_lazy("ngày chính thức"), null=True, blank=True)
    party_card_number = models.CharField(
        gettext_lazy("số thẻ đảng viên"),
        max_length=12,
        unique=True,
        validators=[validate_party_card],
        error_messages={"unique": gettext_lazy("Số thẻ đảng viên này đã có trong hệ thống.")},
    )
    national_id = models.CharField(
        gettext_lazy("số định danh cá nhân"),
        max_length=12,
        unique=True,
        error_messages={"unique": gettext_lazy("Số định danh cá nhân này đã có trong hệ thống.")},
    )
    phone = models.CharField(gettext_lazy("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(gettext_lazy("thư điện tử"), blank=True)
    workplace_cell = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="workplace_members",
        verbose_name=gettext_lazy("chi bộ nơi công tác"),
        limit_choices_to={"kind__in": [OrgKind.WORKPLACE_CELL, OrgKind.WORKPLACE_COMMITTEE]},
    )
    workplace_title = models.CharField(gettext_lazy("chức vụ, đơn vị công tác"), max_length=200, blank=True)
    residence_commune = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name=gettext_lazy("xã/phường/đặc khu nơi cư trú"),
    )
    residence_line = models.CharField(gettext_lazy("số nhà, đường, thôn/ấp/khóm/tổ"), max_length=200)
    residence_kind = models.CharField(
        gettext_lazy("loại cư trú"), max_length=10, choices=ResidenceKind.choices, default=ResidenceKind.PERMANENT
    )
    exemption = models.CharField(
        gettext_lazy("miễn sinh hoạt nơi cư trú"), max_length=3, choices=Exemption.choices, blank=True, default=""
    )
    exemption_reason = models.CharField(gettext_lazy("lý do miễn"), max_length=300, blank=True)
    exemption_from = models.DateField(gettext_lazy("miễn từ ngày"), null=True, blank=True)
    exemption_until = models.DateField(gettext_lazy("miễn đến ngày"), null=True, blank=True)
    employment = models.CharField(
        gettext_lazy("tình trạng công tác"),
        max_length=10,
        choices=EmploymentStatus.choices,
        default=EmploymentStatus.EMPLOYED,
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
        verbose_name=gettext_lazy("tài khoản"),
    )
    sort_key = models.CharField(max_length=400, editable=False, db_index=True)
    search_text = models.CharField(max_length=300, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("đảng viên")
        verbose_name_plural = gettext_lazy("đảng viên")
        indexes = [
            models.Index(fields=["workplace_cell", "sort_key"]),
            models.Index(fields=["id"], condition=Q(exemption="E2"), name="members_e2_ids"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(exemption="") | ~Q(exemption_reason=""),
                name="exemption_has_reason",
                violation_error_message=gettext_lazy("Miễn sinh hoạt nơi cư trú phải ghi lý do."),
            ),
            models.CheckConstraint(
                condition=Q(official_on__isnull=True) | Q(official_on__gte=models.F("admitted_on")),
                name="official_after_admitted",
                violation_error_message=gettext_lazy("Ngày chính thức không thể trước ngày vào Đảng."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.derive_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {"sort_key", "search_text", "updated_at"}
        super().save(*args, **kwargs)

    def derive_fields(self) -> None:
        """Texts in NFC and the sort and search keys: what save() does before writing (and bulk_create cannot)."""
        self.full_name = nfc(self.full_name)
        self.residence_line = nfc(self.residence_line)
        self.exemption_reason = nfc(self.exemption_reason)
        self.workplace_title = nfc(self.workplace_title)
        self.sort_key = name_sort_key(self.full_name)
        self.search_text = " ".join(
            part for part in (fold(self.full_name), self.party_card_number, self.national_id) if part
        )

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.national_id:
            try:
                validate_national_id(self.national_id, sex=self.sex, birth_date=self.birth_date)
            except ValidationError as exc:
                errors.setdefault("national_id", []).extend(exc.messages)
        if self.birth_date and self.admitted_on:
            age = (self.admitted_on - self.birth_date).days // 365
            if age < 18:
                errors.setdefault("admitted_on", []).append(_("Đảng viên vào Đảng khi đủ 18 tuổi."))
        if self.official_on and self.admitted_on and self.official_on < self.admitted_on:
            errors.setdefault("official_on", []).append(_("Ngày chính thức không thể trước ngày vào Đảng."))
        from books.clock import today

        ended = self.residence_commune.valid_until if self.residence_commune_id else None
        if ended is not None and ended < today():
            errors.setdefault("residence_commune", []).append(
                _("Xã/phường này không còn (sau sắp xếp 2025); hãy chọn đơn vị hiện nay.")
            )
        if self.workplace_cell_id and not self.workplace_cell.is_workplace_side:
            errors.setdefault("workplace_cell", []).append(_("Hãy chọn chi bộ nơi công tác."))
        if errors:
            raise ValidationError(errors)

    @property
    def is_e1(self) -> bool:
        return self.exemption in Exemption.e1()

    @property
    def is_e2(self) -> bool:
        return self.exemption == Exemption.E2

    @property
    def workplace_committee(self) -> Organisation:
        return self.workplace_cell.workplace_committee

    @property
    def birth_year(self) -> int:
        return self.birth_date.year

    def address(self) -> str:
        return f"{self.residence_line}, {self.residence_commune.full_name()}"
