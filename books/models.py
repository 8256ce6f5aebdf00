"""The contact book of a term and everything in it: letters, register, comments, meetings,
notices, ratings, and the append-only event log.

Status fields change only through `books.actions`; each model's allowed transitions sit next
to its status choices.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from members.models import Exemption, Member, ResidenceKind, Sex
from orgs.models import AdministrativeUnit, Organisation

from . import clock
from .profiles import REGULATION_213_2020


class Badge:
    """Colour names for status badges; templates read `status_badge` off the choice."""

    GREY = "grey"
    BLUE = "blue"
    AMBER = "amber"
    GREEN = "green"
    RED = "red"


# --------------------------------------------------------------------------- profile, term


class RegulationProfile(models.Model):
    """A set of rules (deadlines, criteria, exemptions, form texts) a book is opened under."""

    code = models.CharField("mã", max_length=30, unique=True)
    name = models.CharField("tên", max_length=200)
    effective_from = models.DateField("áp dụng từ")
    rules = models.JSONField("quy tắc", default=dict)

    class Meta:
        verbose_name = "bộ quy định"
        verbose_name_plural = "bộ quy định"

    def __str__(self) -> str:
        return self.name

    REQUIRED_DEADLINES = tuple(REGULATION_213_2020["deadlines"])

    def clean(self) -> None:
        deadlines = (self.rules or {}).get("deadlines", {})
        missing = [key for key in self.REQUIRED_DEADLINES if key not in deadlines]
        if missing:
            raise ValidationError({"rules": f"Thiếu thời hạn: {', '.join(missing)}."})
        for key, value in deadlines.items():
            try:
                month, day = (int(x) for x in str(value).split("-"))
                datetime.date(2024, month, day)
            except ValueError:
                raise ValidationError({"rules": f"Thời hạn {key} không hợp lệ: {value}."}) from None
        if not self.rules.get("criteria") or not self.rules.get("summary_levels"):
            raise ValidationError({"rules": "Bộ quy định phải có tiêu chí và mức nhận xét."})

    def deadline(self, key: str, year: int) -> datetime.date:
        """The date of a named deadline in a given year (29/02 falls back to 28/02)."""
        month, day = (int(x) for x in self.rules["deadlines"][key].split("-"))
        try:
            return datetime.date(year, month, day)
        except ValueError:
            return datetime.date(year, month, day - 1)

    @property
    def criteria(self) -> list[dict[str, str]]:
        return list(self.rules.get("criteria", []))

    @property
    def summary_levels(self) -> list[dict[str, str]]:
        return list(self.rules.get("summary_levels", []))

    def summary_label(self, key: str) -> str:
        return next((s["label"] for s in self.summary_levels if s["key"] == key), key)

    @property
    def on_demand_reasons(self) -> list[dict[str, str]]:
        return list(self.rules.get("on_demand_reasons", []))

    def reason_label(self, key: str) -> str:
        return next((r["label"] for r in self.on_demand_reasons if r["key"] == key), key)

    def exemption_rule(self, code: str) -> dict[str, Any]:
        return dict(self.rules.get("exemptions", {}).get(code, {}))

    def is_introduced(self, exemption: str) -> bool:
        """Whether a member with this exemption is introduced to the residence side at all."""
        return not exemption or bool(self.exemption_rule(exemption).get("introduced", True))

    def gets_periodic_comment(self, exemption: str) -> bool:
        return not exemption or bool(self.exemption_rule(exemption).get("periodic_comment", True))

    def form_text(self, key: str, **values: Any) -> str:
        return str(self.rules.get("forms", {}).get(key, "")).format(**values)


class TermStatus(models.TextChoices):
    OPEN = "open", "Đang thực hiện"
    CLOSED = "closed", "Đã kết thúc"


class Term(models.Model):
    """A 5-year term of the party committees (nhiệm kỳ); one book per member per term."""

    start_year = models.PositiveSmallIntegerField("năm bắt đầu", unique=True)
    end_year = models.PositiveSmallIntegerField("năm kết thúc")
    status = models.CharField(max_length=10, choices=TermStatus.choices, default=TermStatus.OPEN)
    closed_on = models.DateField("ngày kết thúc", null=True, blank=True)

    class Meta:
        verbose_name = "nhiệm kỳ"
        verbose_name_plural = "nhiệm kỳ"
        ordering = ["start_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="open"),
                name="one_open_term",
                violation_error_message="Chỉ có một nhiệm kỳ đang thực hiện.",
            ),
            models.CheckConstraint(
                condition=Q(end_year__gt=models.F("start_year")),
                name="term_end_after_start",
                violation_error_message="Năm kết thúc phải sau năm bắt đầu.",
            ),
        ]

    def __str__(self) -> str:
        return f"Nhiệm kỳ {self.start_year}–{self.end_year}"

    def contains_year(self, year: int) -> bool:
        return self.start_year <= year <= self.end_year

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    @classmethod
    def current(cls) -> Term | None:
        return cls.objects.filter(status=TermStatus.OPEN).first()


# --------------------------------------------------------------------------- book


class BookStatus(models.TextChoices):
    OPEN = "open", "Đang sử dụng"
    CLOSED = "closed", "Đã đóng"

    @property
    def badge(self) -> str:
        return Badge.GREEN if self == BookStatus.OPEN else Badge.GREY


class BookClosedReason(models.TextChoices):
    TERM_END = "term_end", "Hết nhiệm kỳ"
    RETIRED = "retired", "Nghỉ hưu"
    LEFT_EMPLOYMENT = "left", "Thôi công tác"


class BookQuerySet(models.QuerySet["Book"]):
    def open(self) -> BookQuerySet:
        return self.filter(status=BookStatus.OPEN)


class Book(models.Model):
    """One member's contact book for one term, held by the workplace committee."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="books")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="books")
    profile = models.ForeignKey(
        RegulationProfile, on_delete=models.PROTECT, related_name="books", verbose_name="quy định"
    )
    holder = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="held_books",
        verbose_name="cấp ủy giữ sổ",
    )
    status = models.CharField(max_length=10, choices=BookStatus.choices, default=BookStatus.OPEN)
    opened_on = models.DateField("ngày mở sổ")
    closed_on = models.DateField("ngày đóng sổ", null=True, blank=True)
    closed_reason = models.CharField("lý do đóng sổ", max_length=10, choices=BookClosedReason.choices, blank=True)

    objects = BookQuerySet.as_manager()

    class Meta:
        verbose_name = "sổ liên hệ"
        verbose_name_plural = "sổ liên hệ"
        constraints = [
            models.UniqueConstraint(
                fields=["member", "term"],
                name="one_book_per_member_term",
                violation_error_message="Đảng viên đã có sổ liên hệ trong nhiệm kỳ này.",
            )
        ]
        indexes = [models.Index(fields=["holder", "status"])]

    def __str__(self) -> str:
        return f"Sổ liên hệ {self.member} — {self.term}"

    @property
    def is_open(self) -> bool:
        return self.status == BookStatus.OPEN

    def active_letter(self) -> IntroductionLetter | None:
        return self.letters.filter(status__in=LetterStatus.active()).first()


# --------------------------------------------------------------------------- letter 1-213


class LetterStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    ISSUED = "issued", "Đã gửi, chờ tiếp nhận"
    RECEIVED = "received", "Đã tiếp nhận"
    SUPERSEDED = "superseded", "Đã thay bằng giấy mới"
    WITHDRAWN = "withdrawn", "Đã thu hồi"
    CARRIED_OVER = "carried", "Chuyển sang sổ nhiệm kỳ mới"

    @classmethod
    def active(cls) -> list[str]:
        return [cls.DRAFT, cls.ISSUED, cls.RECEIVED]

    @property
    def badge(self) -> str:
        return {
            LetterStatus.DRAFT: Badge.GREY,
            LetterStatus.ISSUED: Badge.AMBER,
            LetterStatus.RECEIVED: Badge.GREEN,
        }.get(self, Badge.GREY)


LETTER_TRANSITIONS: dict[str, set[str]] = {
    LetterStatus.DRAFT: {LetterStatus.ISSUED, LetterStatus.WITHDRAWN, LetterStatus.CARRIED_OVER},
    LetterStatus.ISSUED: {
        LetterStatus.RECEIVED,
        LetterStatus.SUPERSEDED,
        LetterStatus.WITHDRAWN,
        LetterStatus.CARRIED_OVER,
    },
    LetterStatus.RECEIVED: {LetterStatus.SUPERSEDED, LetterStatus.WITHDRAWN, LetterStatus.CARRIED_OVER},
    LetterStatus.SUPERSEDED: set(),
    LetterStatus.WITHDRAWN: set(),
    LetterStatus.CARRIED_OVER: set(),
}


class LetterCounter(models.Model):
    """The last letter number used by a committee in a year ("Số 12-GGT/ĐU")."""

    committee = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["committee", "year"], name="letter_counter_unique")]

    def __str__(self) -> str:
        return f"{self.committee} {self.year}: {self.last_number}"


class IntroductionLetter(models.Model):
    """Mẫu 1-213: the workplace committee introduces a member to the residence committee.

    The member's particulars and address are copied at issue time, so the letter reads the
    same years later. A carried-over letter (new term) has no number of its own and shows the
    number of the letter it continues.
    """

    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="letters")
    status = models.CharField(max_length=12, choices=LetterStatus.choices, default=LetterStatus.DRAFT)
    issuing_committee = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="issued_letters")
    addressee = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="addressed_letters",
        verbose_name="kính gửi",
    )
    residence_committee = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="letters_to_handle",
        help_text="Cấp ủy nơi cư trú đang xử lý: là nơi nhận, hoặc đơn vị kế thừa sau sắp xếp.",
    )
    year = models.PositiveSmallIntegerField("năm")
    number = models.PositiveIntegerField("số", null=True, blank=True)
    number_code = models.CharField(max_length=10, default="GGT")
    number_suffix = models.CharField(max_length=16, default="ĐU")
    carried_over_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="carried_into"
    )
    superseded_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="supersedes"
    )
    # snapshot of the member at issue time
    full_name = models.CharField("họ và tên", max_length=120)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    birth_date = models.DateField()
    admitted_on = models.DateField()
    official_on = models.DateField(null=True, blank=True)
    workplace_cell = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="chi bộ nơi công tác"
    )
    residence_commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    residence_line = models.CharField(max_length=200)
    residence_kind = models.CharField(max_length=10, choices=ResidenceKind.choices)
    exemption = models.CharField(max_length=3, choices=Exemption.choices, blank=True)
    # signature
    issued_on = models.DateField("ngày ký", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signer_name = models.CharField(max_length=120, blank=True)
    signer_title = models.CharField(max_length=40, blank=True)
    # receipt block, filled by the residence committee
    received_on = models.DateField("ngày tiếp nhận", null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receiver_name = models.CharField(max_length=120, blank=True)
    assigned_cell = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_letters",
        verbose_name="chi bộ nơi cư trú",
    )
    ended_on = models.DateField("ngày hết hiệu lực", null=True, blank=True)
    end_reason = models.CharField("lý do", max_length=300, blank=True)
    entered_on_behalf_of = models.CharField(
        "nhập thay cho", max_length=200, blank=True, help_text="Nhập từ giấy: người ký trên giấy."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "giấy giới thiệu (mẫu 1-213)"
        verbose_name_plural = "giấy giới thiệu (mẫu 1-213)"
        constraints = [
            models.UniqueConstraint(
                fields=["book"],
                condition=Q(status__in=["draft", "issued", "received"]),
                name="one_active_letter_per_book",
                violation_error_message="Sổ này đã có một giấy giới thiệu đang có hiệu lực.",
            ),
            models.UniqueConstraint(
                fields=["issuing_committee", "year", "number"],
                condition=Q(number__isnull=False),
                name="letter_number_unique",
                violation_error_message="Số giấy giới thiệu đã dùng trong năm.",
            ),
        ]
        indexes = [
            models.Index(fields=["residence_committee", "status"]),
            models.Index(fields=["issuing_committee", "status"]),
        ]

    def __str__(self) -> str:
        return f"Giấy giới thiệu {self.display_number} — {self.full_name}"

    @property
    def display_number(self) -> str:
        letter = self
        while letter.number is None and letter.carried_over_from is not None:
            letter = letter.carried_over_from
        if letter.number is None:
            return "(chưa có số)"
        return f"{letter.number}-{letter.number_code}/{letter.number_suffix}"

    @property
    def is_active(self) -> bool:
        return self.status in LetterStatus.active()


# --------------------------------------------------------------------------- register


class LeaveReason(models.TextChoices):
    MOVED = "moved", "Chuyển nơi cư trú"
    RETIRED = "retired", "Nghỉ hưu"
    LEFT_EMPLOYMENT = "left", "Thôi công tác"
    EXEMPT = "exempt", "Thuộc diện không giới thiệu (E2)"
    MERGED = "merged", "Sắp xếp đơn vị hành chính"
    WITHDRAWN = "withdrawn", "Thu hồi giấy giới thiệu"
    REASSIGNED = "cell", "Chuyển sang chi bộ khác của đảng ủy"


class ResidenceRegisterEntry(models.Model):
    """A row of the residence committee's register (sổ theo dõi), from receipt until leaving."""

    residence_committee = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="register_entries")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="register_entries")
    letter = models.ForeignKey(IntroductionLetter, on_delete=models.PROTECT, related_name="register_entries")
    cell = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="cell_register_entries",
        verbose_name="chi bộ nơi cư trú",
    )
    entered_on = models.DateField("ngày tiếp nhận")
    left_on = models.DateField("ngày rời", null=True, blank=True)
    left_reason = models.CharField("lý do rời", max_length=10, choices=LeaveReason.choices, blank=True)
    left_note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "dòng sổ theo dõi"
        verbose_name_plural = "sổ theo dõi đảng viên đang công tác"
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(left_on__isnull=True),
                name="one_open_register_entry_per_member",
                violation_error_message="Đảng viên đang có tên trong sổ theo dõi của một nơi cư trú.",
            )
        ]
        indexes = [models.Index(fields=["residence_committee", "left_on"])]

    def __str__(self) -> str:
        return f"{self.member} — {self.residence_committee}"

    @property
    def is_open(self) -> bool:
        return self.left_on is None


# --------------------------------------------------------------------------- comment 3-213


class CommentKind(models.TextChoices):
    PERIODIC = "periodic", "Hằng năm"
    ON_DEMAND = "on_demand", "Khi cần (đảng viên diện E1)"


class CommentStatus(models.TextChoices):
    REQUESTED = "requested", "Chờ chi bộ nhận xét"
    DRAFTED = "drafted", "Chi bộ đang viết"
    SIGNED = "signed", "Chi bộ đã ký, chờ xác nhận"
    CERTIFIED = "certified", "Đảng ủy đã xác nhận, chờ gửi lại"
    RETURNED = "returned", "Đã gửi lại nơi công tác"
    ACKNOWLEDGED = "acknowledged", "Nơi công tác đã nhận"
    CANCELLED = "cancelled", "Đã hủy"

    @classmethod
    def open(cls) -> list[str]:
        return [cls.REQUESTED, cls.DRAFTED, cls.SIGNED, cls.CERTIFIED]

    @classmethod
    def with_comment(cls) -> list[str]:
        return [cls.SIGNED, cls.CERTIFIED, cls.RETURNED, cls.ACKNOWLEDGED]

    @property
    def badge(self) -> str:
        return {
            CommentStatus.REQUESTED: Badge.AMBER,
            CommentStatus.DRAFTED: Badge.AMBER,
            CommentStatus.SIGNED: Badge.BLUE,
            CommentStatus.CERTIFIED: Badge.BLUE,
            CommentStatus.RETURNED: Badge.GREEN,
            CommentStatus.ACKNOWLEDGED: Badge.GREEN,
        }.get(self, Badge.GREY)


COMMENT_TRANSITIONS: dict[str, set[str]] = {
    CommentStatus.REQUESTED: {CommentStatus.DRAFTED, CommentStatus.SIGNED, CommentStatus.CANCELLED},
    CommentStatus.DRAFTED: {CommentStatus.DRAFTED, CommentStatus.SIGNED, CommentStatus.CANCELLED},
    CommentStatus.SIGNED: {CommentStatus.CERTIFIED, CommentStatus.DRAFTED, CommentStatus.CANCELLED},
    CommentStatus.CERTIFIED: {CommentStatus.RETURNED, CommentStatus.CANCELLED},
    CommentStatus.RETURNED: {CommentStatus.ACKNOWLEDGED},
    CommentStatus.ACKNOWLEDGED: set(),
    CommentStatus.CANCELLED: set(),
}


class CommentRequestQuerySet(models.QuerySet["CommentRequest"]):
    def overdue(self, today: datetime.date | None = None) -> CommentRequestQuerySet:
        today = today or clock.today()
        return self.filter(
            Q(status__in=[CommentStatus.REQUESTED, CommentStatus.DRAFTED], due_on__lt=today)
            | Q(status__in=[CommentStatus.SIGNED, CommentStatus.CERTIFIED], return_due_on__lt=today)
        )


class CommentRequest(models.Model):
    """Mẫu 3-213: the workplace asks, the residence cell comments, the committee certifies."""

    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="comments")
    year = models.PositiveSmallIntegerField("năm")
    kind = models.CharField(max_length=10, choices=CommentKind.choices, default=CommentKind.PERIODIC)
    reason = models.CharField("lý do xin ý kiến", max_length=20, blank=True)
    reason_note = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=12, choices=CommentStatus.choices, default=CommentStatus.REQUESTED)
    letter = models.ForeignKey(IntroductionLetter, on_delete=models.PROTECT, related_name="comments")
    # No single-column indexes where a composite of Meta.indexes starts with the column, and none on
    # the users' foreign keys (nothing looks a request up by its signer): every index is written
    # for each of the ≈ 2 M requests of an October (docs/performance.md, "October campaign").
    requesting_committee = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    residence_committee = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="comment_requests", db_index=False
    )
    residence_cell = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cell_comment_requests",
        db_index=False,
    )
    requested_on = models.DateField("ngày đề nghị")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    due_on = models.DateField("hạn nhận xét")
    return_due_on = models.DateField("hạn gửi lại")
    # the comment itself
    criteria = models.JSONField("nhận xét theo tiêu chí", default=dict, blank=True)
    shortcomings = models.TextField("khuyết điểm, hạn chế", blank=True)
    people_opinion = models.TextField("ý kiến của nhân dân, ban công tác Mặt trận", blank=True)
    summary = models.CharField("kết quả", max_length=30, blank=True)
    front_participant = models.CharField("đại diện ban công tác Mặt trận", max_length=160, blank=True)
    drafted_at = models.DateTimeField(null=True, blank=True)
    signed_on = models.DateField("ngày ký nhận xét", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    signer_name = models.CharField(max_length=120, blank=True)
    signer_title = models.CharField(max_length=40, blank=True)
    entered_on_behalf_of = models.CharField("nhập thay cho", max_length=200, blank=True)
    certified_on = models.DateField("ngày xác nhận", null=True, blank=True)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    certifier_name = models.CharField(max_length=120, blank=True)
    returned_on = models.DateField("ngày gửi lại", null=True, blank=True)
    acknowledged_on = models.DateField("ngày nhận lại", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    cancelled_on = models.DateField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)

    objects = CommentRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "phiếu nhận xét (mẫu 3-213)"
        verbose_name_plural = "phiếu nhận xét (mẫu 3-213)"
        constraints = [
            models.UniqueConstraint(
                fields=["book", "year"],
                condition=Q(kind="periodic") & ~Q(status="cancelled"),
                name="one_periodic_comment_per_book_year",
                violation_error_message="Đã có phiếu xin ý kiến nhận xét năm này cho sổ này.",
            )
        ]
        indexes = [
            models.Index(fields=["residence_committee", "status"]),
            models.Index(fields=["residence_cell", "status"]),
            models.Index(fields=["requesting_committee", "year", "status"]),
        ]

    def __str__(self) -> str:
        return f"Phiếu nhận xét {self.year} — {self.book.member}"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or clock.today()
        if self.status in (CommentStatus.REQUESTED, CommentStatus.DRAFTED):
            return today > self.due_on
        if self.status in (CommentStatus.SIGNED, CommentStatus.CERTIFIED):
            return today > self.return_due_on
        return False

    @property
    def has_comment(self) -> bool:
        return self.status in CommentStatus.with_comment()

    @property
    def summary_label(self) -> str:
        return self.book.profile.summary_label(self.summary) if self.summary else ""


# --------------------------------------------------------------------------- meetings


class ResidenceMeeting(models.Model):
    """A residence cell's 6-monthly meeting with its 213 members."""

    cell = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField("ngày họp")
    year = models.PositiveSmallIntegerField()
    half = models.PositiveSmallIntegerField("kỳ", choices=[(1, "6 tháng đầu năm"), (2, "6 tháng cuối năm")])
    topic = models.CharField("nội dung", max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = "buổi sinh hoạt nơi cư trú"
        verbose_name_plural = "buổi sinh hoạt nơi cư trú"
        constraints = [
            models.UniqueConstraint(
                fields=["cell", "year", "half"],
                name="one_meeting_per_cell_half_year",
                violation_error_message="Chi bộ đã ghi buổi sinh hoạt của kỳ này.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cell} — {self.held_on:%d/%m/%Y}"


class MeetingAttendance(models.Model):
    """Whether one 213 member attended one residence meeting."""

    meeting = models.ForeignKey(ResidenceMeeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="attendance")
    present = models.BooleanField("có mặt")
    absence_reason = models.CharField("lý do vắng", max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_per_member")]

    def __str__(self) -> str:
        return f"{self.member}: {'có mặt' if self.present else 'vắng'}"


# --------------------------------------------------------------------------- notices


class NoticeStatus(models.TextChoices):
    RAISED = "raised", "Chờ nơi công tác trả lời"
    ANSWERED = "answered", "Đã trả lời"

    @property
    def badge(self) -> str:
        return Badge.AMBER if self == NoticeStatus.RAISED else Badge.GREEN


NOTICE_TRANSITIONS: dict[str, set[str]] = {NoticeStatus.RAISED: {NoticeStatus.ANSWERED}, NoticeStatus.ANSWERED: set()}


class ViolationNotice(models.Model):
    """Phiếu báo: the residence committee reports a violation; the workplace must answer."""

    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="notices")
    residence_committee = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="raised_notices")
    workplace_committee = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="received_notices")
    status = models.CharField(max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.RAISED)
    observed_on = models.DateField("ngày xảy ra")
    description = models.TextField("nội dung vi phạm")
    raised_on = models.DateField("ngày báo")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answer_due_on = models.DateField("hạn trả lời")
    answer = models.TextField("nơi công tác đã xử lý", blank=True)
    answered_on = models.DateField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "phiếu báo vi phạm"
        verbose_name_plural = "phiếu báo vi phạm"
        indexes = [models.Index(fields=["workplace_committee", "status"])]

    def __str__(self) -> str:
        return f"Phiếu báo {self.raised_on:%d/%m/%Y} — {self.book.member}"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.status == NoticeStatus.RAISED and (today or clock.today()) > self.answer_due_on


# --------------------------------------------------------------------------- rating


class RatingLevel(models.TextChoices):
    """QĐ 124 / HD 25: the four levels of the annual rating of a party member."""

    EXCELLENT = "excellent", "Hoàn thành xuất sắc nhiệm vụ"
    GOOD = "good", "Hoàn thành tốt nhiệm vụ"
    DONE = "done", "Hoàn thành nhiệm vụ"
    NOT_DONE = "not_done", "Không hoàn thành nhiệm vụ"


class AnnualRating(models.Model):
    """The December rating by the workplace cell, with the year's residence comment as evidence."""

    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="ratings")
    year = models.PositiveSmallIntegerField("năm")
    level = models.CharField("mức xếp loại", max_length=10, choices=RatingLevel.choices)
    comment = models.ForeignKey(CommentRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="ratings")
    without_comment = models.BooleanField(
        "xếp loại khi chưa có nhận xét nơi cư trú",
        help_text="Đúng khi không có phiếu nhận xét đã gửi lại của năm.",
    )
    rated_on = models.DateField("ngày xếp loại")
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "xếp loại cuối năm"
        verbose_name_plural = "xếp loại cuối năm"
        constraints = [
            models.UniqueConstraint(
                fields=["book", "year"],
                name="one_rating_per_book_year",
                violation_error_message="Đảng viên đã được xếp loại năm này.",
            ),
            models.CheckConstraint(
                condition=Q(without_comment=True) | Q(comment__isnull=False),
                name="rating_without_comment_is_flagged",
                violation_error_message="Xếp loại không có nhận xét phải được đánh dấu.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.get_level_display()} — {self.book.member}"


# --------------------------------------------------------------------------- events


class AppendOnlyQuerySet(models.QuerySet["Event"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Nhật ký sự kiện chỉ được ghi thêm, không được sửa.")

    def bulk_create(self, objs: Iterable[Event], *args: Any, **kwargs: Any) -> list[Event]:  # type: ignore[override]
        objs = list(objs)
        if any(not obj.hash or obj.seq is None for obj in objs):
            raise PermissionError("Sự kiện chỉ được ghi qua books.audit.append (chuỗi mã băm).")
        return list(super().bulk_create(objs, *args, **kwargs))  # type: ignore[arg-type]

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Nhật ký sự kiện chỉ được ghi thêm, không được xóa.")


class Event(models.Model):
    """One successful action: who, in which role and organisation, did what to which object.

    Append-only: rows are never updated or deleted, and they form one hash chain (books/audit.py,
    docs/audit.md): `seq` is the place in the chain, `prev_hash` the hash of the event before,
    `hash` the SHA-256 of this event's content and `prev_hash`. Written only by `audit.append`.
    """

    at = models.DateTimeField("thời điểm", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    actor_name = models.CharField("người thực hiện", max_length=150)
    actor_role = models.CharField("vai trò", max_length=20, blank=True)
    actor_org = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    verb = models.CharField("việc", max_length=40)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    book = models.ForeignKey(Book, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    state_before = models.CharField(max_length=30, blank=True)
    state_after = models.CharField(max_length=30, blank=True)
    data = models.JSONField(default=dict, blank=True)
    seq = models.PositiveBigIntegerField("số thứ tự trong chuỗi", unique=True, editable=False)
    prev_hash = models.CharField("mã băm sự kiện trước", max_length=64, editable=False)
    # No index: a SHA-256 lands on a random leaf page, which made every bulk append slow
    # (docs/audit.md, "Why there is no index on hash"); verify walks the chain by `seq`.
    hash = models.CharField("mã băm", max_length=64, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "sự kiện"
        verbose_name_plural = "nhật ký sự kiện"
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            # a plain btree for `verb = …` (admin filter); no varchar_pattern_ops twin on PostgreSQL
            models.Index(fields=["verb"], name="books_event_verb_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_name}: {self.verb_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Nhật ký sự kiện chỉ được ghi thêm, không được sửa.")
        if not self.hash or self.seq is None:
            raise PermissionError("Sự kiện chỉ được ghi qua books.audit.append (chuỗi mã băm).")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Nhật ký sự kiện chỉ được ghi thêm, không được xóa.")

    @property
    def verb_label(self) -> str:
        from .verbs import VERB_LABELS

        return VERB_LABELS.get(self.verb, self.verb)


class EventChainHead(models.Model):
    """The one row (pk=1) that records the end of the event chain.

    Locked FOR UPDATE by `audit.append` so that appends form one line; compared with the last
    event by `verify_audit` (events deleted off the end, rows added past it).
    """

    seq = models.PositiveBigIntegerField("số sự kiện trong chuỗi", default=0)
    hash = models.CharField("mã băm sự kiện cuối", max_length=64, default="0" * 64)
    event_id = models.BigIntegerField("sự kiện cuối", null=True, blank=True)

    class Meta:
        verbose_name = "đầu chuỗi nhật ký"
        verbose_name_plural = "đầu chuỗi nhật ký"

    def __str__(self) -> str:
        return f"{self.seq} sự kiện, {self.hash[:16]}…"


# --------------------------------------------------------------------------- address change


class AddressChangeStatus(models.TextChoices):
    PENDING = "pending", "Chờ cấp ủy nơi công tác xử lý"
    DONE = "done", "Đã ghi địa chỉ mới"
    REJECTED = "rejected", "Không chấp nhận"

    @property
    def badge(self) -> str:
        return {
            AddressChangeStatus.PENDING: Badge.AMBER,
            AddressChangeStatus.DONE: Badge.GREEN,
            AddressChangeStatus.REJECTED: Badge.RED,
        }[self]


ADDRESS_CHANGE_TRANSITIONS: dict[str, set[str]] = {
    AddressChangeStatus.PENDING: {AddressChangeStatus.DONE, AddressChangeStatus.REJECTED},
    AddressChangeStatus.DONE: set(),
    AddressChangeStatus.REJECTED: set(),
}


class AddressChangeRequest(models.Model):
    """A member asks the workplace committee to record a new residence (and send a new letter)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="address_change_requests")
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="address_change_requests")
    commune = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name="xã/phường/đặc khu mới"
    )
    line = models.CharField("số nhà, đường, thôn/ấp/khóm/tổ", max_length=200)
    residence_kind = models.CharField("loại cư trú", max_length=10, choices=ResidenceKind.choices)
    moving_on = models.DateField("chuyển đến từ ngày")
    note = models.TextField("ghi chú của đảng viên", blank=True)
    status = models.CharField(max_length=10, choices=AddressChangeStatus.choices, default=AddressChangeStatus.PENDING)
    created_at = models.DateTimeField("ngày gửi", default=clock.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_on = models.DateField("ngày xử lý", null=True, blank=True)
    answer = models.TextField("trả lời của cấp ủy", blank=True)

    class Meta:
        verbose_name = "đề nghị chuyển nơi cư trú"
        verbose_name_plural = "đề nghị chuyển nơi cư trú"
        constraints = [
            models.UniqueConstraint(
                fields=["book"],
                condition=Q(status="pending"),
                name="one_pending_address_change_per_book",
                violation_error_message="Đã có một đề nghị chuyển nơi cư trú đang chờ xử lý.",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(answer=""),
                name="rejected_address_change_has_answer",
                violation_error_message="Không chấp nhận đề nghị thì phải ghi lý do.",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"Đề nghị chuyển nơi cư trú — {self.member}"

    @property
    def is_pending(self) -> bool:
        return self.status == AddressChangeStatus.PENDING

    def address(self) -> str:
        return f"{self.line}, {self.commune.full_name()}"


# --------------------------------------------------------------------------- scans of paper forms


class ScanType(models.TextChoices):
    """The kinds of scan accepted, as detected from the file's first bytes (never its name)."""

    PDF = "application/pdf", "PDF"
    JPEG = "image/jpeg", "Ảnh JPEG"
    PNG = "image/png", "Ảnh PNG"

    @property
    def extension(self) -> str:
        return {ScanType.PDF: "pdf", ScanType.JPEG: "jpg", ScanType.PNG: "png"}[self]


def scan_upload_to(instance: Attachment, filename: str) -> str:
    """scans/YYYY/<random>.<ext>: the stored name never comes from the uploader."""
    import secrets

    year = (instance.uploaded_at or clock.now()).year
    return f"scans/{year:04d}/{secrets.token_hex(16)}.{ScanType(instance.content_type).extension}"


class Attachment(models.Model):
    """The scan of a paper form entered by a clerk: an introduction letter or a comment form."""

    letter = models.ForeignKey(
        IntroductionLetter, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments"
    )
    comment = models.ForeignKey(
        CommentRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField("tệp", upload_to=scan_upload_to, max_length=200)
    original_name = models.CharField("tên tệp gốc", max_length=200)
    size = models.PositiveIntegerField("dung lượng (byte)")
    content_type = models.CharField("loại tệp", max_length=30, choices=ScanType.choices)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("thời điểm tải lên", default=clock.now)

    class Meta:
        verbose_name = "bản quét"
        verbose_name_plural = "bản quét"
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(letter__isnull=False, comment__isnull=True) | Q(letter__isnull=True, comment__isnull=False),
                name="attachment_of_one_document",
                violation_error_message="Bản quét phải thuộc đúng một giấy tờ (giấy giới thiệu hoặc phiếu nhận xét).",
            )
        ]

    def __str__(self) -> str:
        return f"Bản quét {self.original_name}"

    @property
    def document(self) -> IntroductionLetter | CommentRequest:
        document = self.letter if self.letter_id else self.comment
        assert document is not None  # the check constraint: exactly one is set
        return document

    @property
    def download_name(self) -> str:
        """The original name with the extension of the detected type."""
        stem = self.original_name.rsplit(".", 1)[0] if "." in self.original_name else self.original_name
        return f"{stem or 'ban-quet'}.{ScanType(self.content_type).extension}"
