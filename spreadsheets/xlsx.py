"""Writing .xlsx files the house way: Vietnamese headers, real dates shown dd/mm/yyyy, widths,
a frozen header row and an autofilter. Large sheets are written in openpyxl's write_only mode
(rows streamed to the file, never held in memory)."""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

DATE_FORMAT = "dd/mm/yyyy"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Col:
    header: str
    width: int = 14
    kind: str = "text"  # "text", "date", "int"


def _cell(sheet: Any, value: Any, col: Col) -> Any:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime.datetime | datetime.date):
        cell.number_format = DATE_FORMAT
    elif col.kind == "text" and isinstance(value, str):
        cell.number_format = "@"
    return cell


def write_sheet(workbook: Workbook, title: str, columns: Sequence[Col], rows: Iterable[Sequence[Any]]) -> int:
    """Append a write-only sheet; returns the number of data rows written."""
    sheet = workbook.create_sheet(title=title[:31])
    for index, col in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = col.width
    sheet.freeze_panes = "A2"
    header = []
    for col in columns:
        cell = WriteOnlyCell(sheet, value=col.header)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([_cell(sheet, value, col) for value, col in zip(row, columns, strict=True)])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    return count


def workbook_bytes(sheets: Sequence[tuple[str, Sequence[Col], Iterable[Sequence[Any]]]]) -> bytes:
    """A whole write-only workbook as bytes (spooled through a temporary file)."""
    workbook = Workbook(write_only=True)
    for title, columns, rows in sheets:
        write_sheet(workbook, title, columns, rows)
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        workbook.save(handle.name)
        handle.seek(0)
        return handle.read()
