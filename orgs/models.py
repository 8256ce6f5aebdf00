"""Administrative units, party organisations and the roles users hold in them."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .text import fold, nfc

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class UnitLevel(models.TextChoices):
    PROVINCE = "province", "Tỉnh / thành phố"
    DISTRICT = "district", "Quận / huyện (trước 2025)"
    COMMUNE = "commune", "Xã / phường / đặc khu"


class UnitEdition(models.TextChoices):
    """Which official list a unit belongs to; codes are unique only inside one edition."""

    PRE_2025 = "pre2025", "Trước 01/07/2025"
    Y2025 = "2025", "Từ 01/07/2025"


REFORM_2025 = datetime.date(2025, 7, 1)


class AdministrativeUnitQuerySet(models.QuerySet["AdministrativeUnit"]):
    def current(self, on: datetime.date | None = None) -> AdministrativeUnitQuerySet:
        on = on or datetime.date.today()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on)
        )


class AdministrativeUnit(models.Model):
    """A province, district or commune from the official list, keyed by its official code."""

    edition = models.CharField(gettext_lazy("danh mục"), max_length=8, choices=UnitEdition.choices)
    level = models.CharField(gettext_lazy("cấp"), max_length=10, choices=UnitLevel.choices)
    code = models.PositiveIntegerField(gettext_lazy("mã"))
    name = models.CharField(gettext_lazy("tên"), max_length=120)
    division_type = models.CharField(gettext_lazy("loại"), max_length=40)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    province_code = models.PositiveIntegerField(gettext_lazy("mã tỉnh"), db_index=True)
    valid_from = models.DateField(gettext_lazy("hiệu lực từ"), null=True, blank=True)
    valid_until = models.DateField(gettext_lazy("hiệu lực đến"), null=True, blank=True)
    search_name = models.CharField(max_length=120, editable=False, db_index=True)
    successors = models.ManyToManyField(
        "self",
        through="UnitSuccession",
        through_fields=("predecessor", "successor"),
        symmetrical=False,
        related_name="predecessors",
        blank=True,
    )

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("đơn vị hành chính")
        verbose_name_plural = gettext_lazy("đơn vị hành chính")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "level", "code"],
                name="unit_code_unique_per_edition",
                violation_error_message=gettext_lazy("Mã đơn vị hành chính đã có trong danh mục này."),
            )
        ]
        indexes = [models.Index(fields=["level", "province_code"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.name = nfc(self.name)
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def is_current(self) -> bool:
        return self.valid_until is None

    def province(self) -> AdministrativeUnit | None:
        unit: AdministrativeUnit | None = self
        while unit is not None and unit.level != UnitLevel.PROVINCE:
            unit = unit.parent
        return unit

    def full_name(self) -> str:
        """'Phường Phú Khương, Tỉnh Vĩnh Long'; a pre-2025 ward also names its district."""
        names = []
        unit: AdministrativeUnit | None = self
        while unit is not None:
            names.append(unit.name)
            unit = unit.parent
        return ", ".join(names)

    def resolve_current(self, on: datetime.date | None = None) -> AdministrativeUnit:
        """The unit an address in this unit belongs to on `on` (default: today).

        A pre-2025 ward split between several successors resolves to the first (main) one;
        a unit still valid on that day resolves to itself.
        """
        on = on or datetime.date.today()
        unit = self
        seen = {unit.pk}
        while unit.valid_until is not None and unit.valid_until < on:
            link = unit.successor_links.order_by("-is_main", "pk").select_related("successor").first()
            if link is None or link.successor_id in seen:
                break
            unit = link.successor
            seen.add(unit.pk)
        return unit


class UnitSuccession(models.Model):
    """A unit that took over (all or part of) an older unit, e.g. on 01/07/2025."""

    predecessor = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="predecessor_links")
    is_partial = models.BooleanField(gettext_lazy("chỉ một phần"), default=False)
    is_main = models.BooleanField(gettext_lazy("đơn vị kế thừa chính"), default=True)
    effective_on = models.DateField(gettext_lazy("hiệu lực"), default=REFORM_2025)

    class Meta:
        verbose_name = gettext_lazy("kế thừa đơn vị hành chính")
        verbose_name_plural = gettext_lazy("kế thừa đơn vị hành chính")
        constraints = [models.UniqueConstraint(fields=["predecessor", "successor"], name="unit_succession_unique")]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class OrgKind(models.TextChoices):
    """The kinds of party organisation the 213 process involves."""

    UPPER_COMMITTEE = "upper", "Cấp ủy cấp trên"
    PROVINCE_BOARD = "board", "Ban Tổ chức Tỉnh ủy"
    WORKPLACE_COMMITTEE = "workplace", "Cấp ủy cơ sở nơi công tác"
    WORKPLACE_CELL = "workplace_cell", "Chi bộ nơi công tác"
    RESIDENCE_COMMITTEE = "residence", "Đảng ủy xã/phường/đặc khu nơi cư trú"
    RESIDENCE_CELL = "residence_cell", "Chi bộ thôn/ấp/khóm/tổ dân phố"


WORKPLACE_SIDE = {OrgKind.WORKPLACE_COMMITTEE, OrgKind.WORKPLACE_CELL}
RESIDENCE_SIDE = {OrgKind.RESIDENCE_COMMITTEE, OrgKind.RESIDENCE_CELL}


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def active(self, on: datetime.date | None = None) -> OrganisationQuerySet:
        on = on or datetime.date.today()
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on)).filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on)
        )

    def residence_committee_for(
        self, commune: AdministrativeUnit, on: datetime.date | None = None
    ) -> Organisation | None:
        """The commune party committee where a member living in `commune` is introduced."""
        return self.active(on).filter(kind=OrgKind.RESIDENCE_COMMITTEE, commune=commune).order_by("pk").first()


class Organisation(models.Model):
    """A party organisation: committee, cell or the provincial organisation board."""

    kind = models.CharField(gettext_lazy("loại"), max_length=16, choices=OrgKind.choices)
    name = models.CharField(gettext_lazy("tên"), max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=gettext_lazy("tổ chức cấp trên"),
    )
    province_code = models.PositiveIntegerField(gettext_lazy("mã tỉnh"), null=True, blank=True, db_index=True)
    commune = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="party_organisations",
        verbose_name=gettext_lazy("xã/phường"),
        help_text=gettext_lazy("Chỉ cho tổ chức phía nơi cư trú: mã xã/phường/đặc khu."),
    )
    area_name = models.CharField(
        gettext_lazy("thôn/ấp/khóm/tổ dân phố"),
        max_length=120,
        blank=True,
        help_text=gettext_lazy("Chỉ cho chi bộ nơi cư trú."),
    )
    has_executive = models.BooleanField(
        gettext_lazy("có chi ủy"),
        default=False,
        help_text=gettext_lazy("Chi bộ có chi ủy: phiếu nhận xét ký T/M CHI ỦY; không có thì bí thư chi bộ ký."),
    )
    letter_suffix = models.CharField(
        gettext_lazy("ký hiệu văn bản"),
        max_length=16,
        default="ĐU",
        help_text=gettext_lazy("Phần sau số giấy giới thiệu: Số 12-GGT/ĐU."),
    )
    place_name = models.CharField(
        gettext_lazy("địa danh ghi trên văn bản"), max_length=60, blank=True, help_text=gettext_lazy("Ví dụ: Vĩnh Long")
    )
    valid_from = models.DateField(gettext_lazy("hoạt động từ"), null=True, blank=True)
    valid_until = models.DateField(gettext_lazy("hoạt động đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=gettext_lazy("tổ chức kế thừa"),
    )
    search_name = models.CharField(max_length=200, editable=False, db_index=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("tổ chức đảng")
        verbose_name_plural = gettext_lazy("tổ chức đảng")
        indexes = [
            models.Index(fields=["kind", "commune"]),
            models.Index(fields=["kind", "province_code"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["residence", "residence_cell"]) | Q(commune__isnull=False),
                name="residence_org_has_commune",
                violation_error_message=gettext_lazy("Tổ chức phía nơi cư trú phải có mã xã/phường/đặc khu."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.normalise_text()
        super().save(*args, **kwargs)

    def normalise_text(self) -> None:
        """Names composed (NFC) and the folded search name; `save` does it, `bulk_create` callers must."""
        self.name = nfc(self.name)
        self.area_name = nfc(self.area_name)
        self.search_name = fold(self.name)

    def clean(self) -> None:
        expected_parent = {
            OrgKind.WORKPLACE_CELL: {OrgKind.WORKPLACE_COMMITTEE},
            OrgKind.RESIDENCE_CELL: {OrgKind.RESIDENCE_COMMITTEE},
        }.get(OrgKind(self.kind))
        if expected_parent and (self.parent is None or self.parent.kind not in expected_parent):
            raise ValidationError({"parent": _("Chi bộ phải trực thuộc đúng loại cấp ủy (nơi công tác / nơi cư trú).")})
        if self.kind in RESIDENCE_SIDE and self.commune_id is None:
            raise ValidationError({"commune": _("Tổ chức phía nơi cư trú phải có mã xã/phường.")})

    @property
    def is_workplace_side(self) -> bool:
        return self.kind in WORKPLACE_SIDE

    @property
    def is_residence_side(self) -> bool:
        return self.kind in RESIDENCE_SIDE

    @property
    def is_active(self) -> bool:
        return self.valid_until is None or self.valid_until >= datetime.date.today()

    @property
    def workplace_committee(self) -> Organisation:
        """The grassroots committee that holds a workplace cell's books (a chi bộ cơ sở is its own)."""
        if self.kind == OrgKind.WORKPLACE_CELL and self.parent is not None:
            return self.parent
        return self

    @property
    def workplace_label(self) -> str:
        """'Chi bộ Phòng Ngân sách, Đảng ủy Sở Tài chính'; a chi bộ cơ sở is named once."""
        committee = self.workplace_committee
        return self.name if committee.pk == self.pk else f"{self.name}, {committee.name}"

    def current(self) -> Organisation:
        """Follow successors (2025 merges) to the organisation that acts today."""
        org = self
        seen = {org.pk}
        while org.successor_id is not None and org.successor_id not in seen:
            org = org.successor  # type: ignore[assignment]
            seen.add(org.pk)
        return org


class Role(models.TextChoices):
    SECRETARY = "secretary", "Bí thư"
    DEPUTY = "deputy", "Phó Bí thư"
    CLERK = "clerk", "Văn phòng / cán bộ giúp việc"
    CELL_SECRETARY = "cell_secretary", "Bí thư chi bộ"
    BOARD_OFFICER = "board_officer", "Cán bộ Ban Tổ chức"


COMMITTEE_ROLES = {Role.SECRETARY, Role.DEPUTY, Role.CLERK}
SIGNING_ROLES = {Role.SECRETARY, Role.DEPUTY}

# Which roles make sense in which kind of organisation.
ROLES_BY_KIND: dict[str, set[str]] = {
    OrgKind.WORKPLACE_COMMITTEE: {Role.SECRETARY, Role.DEPUTY, Role.CLERK},
    OrgKind.WORKPLACE_CELL: {Role.CELL_SECRETARY},
    OrgKind.RESIDENCE_COMMITTEE: {Role.SECRETARY, Role.DEPUTY, Role.CLERK},
    OrgKind.RESIDENCE_CELL: {Role.CELL_SECRETARY},
    OrgKind.PROVINCE_BOARD: {Role.BOARD_OFFICER},
    OrgKind.UPPER_COMMITTEE: {Role.SECRETARY, Role.DEPUTY, Role.CLERK},
}


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def active(self, on: datetime.date | None = None) -> RoleAssignmentQuerySet:
        on = on or datetime.date.today()
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on)).filter(valid_from__lte=on)


class RoleAssignment(models.Model):
    """A user's role in one party organisation, for a period."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="role_assignments")
    role = models.CharField(gettext_lazy("vai trò"), max_length=20, choices=Role.choices)
    valid_from = models.DateField(gettext_lazy("từ ngày"), default=datetime.date.today)
    valid_until = models.DateField(gettext_lazy("đến ngày"), null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("vai trò")
        verbose_name_plural = gettext_lazy("vai trò")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(valid_until__isnull=True),
                name="one_open_role_per_user_org",
                violation_error_message=gettext_lazy("Người dùng đã có vai trò này trong tổ chức."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.organisation}"

    def clean(self) -> None:
        allowed = ROLES_BY_KIND.get(self.organisation.kind, set())
        if self.role not in allowed:
            raise ValidationError(
                {"role": _("Vai trò này không dùng cho %(kind)s.") % {"kind": self.organisation.get_kind_display()}}
            )


def roles_of(user: AbstractBaseUser | AnonymousUser | None, on: datetime.date | None = None) -> list[RoleAssignment]:
    """The active role assignments of a user, with their organisations loaded."""
    if user is None or not user.is_authenticated:
        return []
    return list(
        RoleAssignment.objects.active(on)
        .filter(user_id=user.pk)
        .select_related("organisation", "organisation__parent", "organisation__commune")
        .order_by("pk")
    )
