"""The board's figures, kept per committee and campaign year instead of counted on every view.

One row per (committee, campaign year, province where the books' members work): the board of a
province counts only the books of members working in its province (`books.access`), while its
overview counts everything its residence committees handle; splitting by the members' province
gives both exactly. Written only by `tallies.refresh`.
"""

from __future__ import annotations

import datetime

from django.db import models

from orgs.models import Organisation


class CommitteeTally(models.Model):
    """A committee's letters, comments of the year and ratings, counted over one province's members."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="tallies")
    year = models.PositiveSmallIntegerField("năm")
    # province code of the workplace cell of the books' members (0: a cell without one)
    workplace_province = models.PositiveIntegerField("tỉnh nơi công tác của đảng viên", default=0)
    # letters in force: of the residence committee (addressed to it now) or of the workplace committee
    # (of the books it holds); not tied to a year
    letters_waiting = models.PositiveIntegerField(default=0)
    letters_received = models.PositiveIntegerField(default=0)
    letters_received_open = models.PositiveIntegerField(default=0)  # of open books (the board's home)
    # the year's comment requests (cancelled ones never counted)
    requested = models.PositiveIntegerField(default=0)
    at_cell = models.PositiveIntegerField(default=0)
    signed = models.PositiveIntegerField(default=0)
    certified = models.PositiveIntegerField(default=0)
    returned_only = models.PositiveIntegerField(default=0)
    acknowledged = models.PositiveIntegerField(default=0)
    # the open ones by deadline, {"YYYY-MM-DD": count}: overdue is a matter of today's date, so it is
    # summed when read. At the cell: by `due_on`; signed or certified: by `return_due_on`.
    at_cell_due = models.JSONField(default=dict, blank=True)
    at_committee_due = models.JSONField(default=dict, blank=True)
    # the year's December ratings (workplace committees)
    rated = models.PositiveIntegerField(default=0)
    rated_without = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField("cập nhật lúc")

    class Meta:
        verbose_name = "số liệu tổng hợp của cấp ủy"
        verbose_name_plural = "số liệu tổng hợp của cấp ủy"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "workplace_province"], name="one_tally_per_committee_year_province"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.year} ({self.workplace_province})"

    def overdue(self, today: datetime.date) -> int:
        """Requests past their deadline on `today`: the rule of CommentRequest.is_overdue."""
        day = today.isoformat()
        return sum(n for due, n in self.at_cell_due.items() if due < day) + sum(
            n for due, n in self.at_committee_due.items() if due < day
        )
