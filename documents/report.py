"""The province board's summary report of a campaign: the same figures as the board's screens
(web.board), for the whole province in one printed document with its charts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from books import access
from books.queries import campaign_year
from orgs.models import Organisation

from .content import Header, Signature, header_of


@dataclass
class ReportDoc:
    header: Header
    year: int
    today: datetime.date
    communes: list[Any]
    communes_total: Any
    workplaces: list[Any]
    workplaces_total: Any
    chart: Any
    stacked: Any
    signature: Signature

    @property
    def title(self) -> str:
        return f"BÁO CÁO TÌNH HÌNH THỰC HIỆN QUY ĐỊNH 213-QĐ/TW NĂM {self.year}"


def report_doc(scope: access.Scope, board: Organisation | None, today: datetime.date, author: str) -> ReportDoc:
    """Both sides of the campaign for everything the board's scope reaches. Ten queries."""
    from web import board as screens  # the board's own figures, so paper and screen never differ

    communes = screens.sorted_rows(
        screens.commune_rows(scope, today, screens.residence_committees(scope, today)), "ten"
    )
    workplaces = screens.sorted_rows(
        screens.workplace_rows(scope, today, screens.workplace_committees(scope, today)), "ten"
    )
    communes_total = screens.total(communes)
    return ReportDoc(
        header=header_of(board, today),
        year=campaign_year(today),
        today=today,
        communes=communes,
        communes_total=communes_total,
        workplaces=workplaces,
        workplaces_total=screens.total(workplaces),
        chart=screens.bar_chart("report-chart", communes),
        stacked=screens.stacked_bar("report-stacked", communes_total),
        signature=Signature("", "NGƯỜI LẬP BÁO CÁO", author),
    )
