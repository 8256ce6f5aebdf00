"""Building .xlsx files for the import tests: good rows, rows with errors, broken files."""

from __future__ import annotations

import datetime
import io
from typing import Any

from openpyxl import Workbook

from members.models import Sex
from spreadsheets.columns import COLUMNS, DATA_SHEET
from tests.cast import national_id_for

HEADERS = [column.header for column in COLUMNS]


def good_row(n: int, **overrides: Any) -> dict[str, Any]:
    """A valid member row (values by column key); n makes card and ID numbers unique."""
    sex = Sex.FEMALE if n % 2 else Sex.MALE
    birth = datetime.date(1970 + n % 15, 1 + n % 12, 1 + n % 27)
    row = {
        "stt": n,
        "full_name": f"Nguyễn Thị Nhập {n}",
        "sex": "Nữ" if sex == Sex.FEMALE else "Nam",
        "birth_date": datetime.datetime(birth.year, birth.month, birth.day),
        "national_id": national_id_for(sex, birth, 500_000 + n),
        "party_card_number": str(91_000_000 + n),
        "admitted_on": "19/05/2010",
        "official_on": datetime.datetime(2011, 5, 19),
        "cell": "Chi bộ Phòng Ngân sách",
        "workplace_title": "Chuyên viên",
        "commune": "long chau",
        "residence_line": f"Số {n}, đường Phạm Thái Bường, Khóm 1",
        "residence_kind": "Thường trú",
        "phone": "0909123456",
        "email": f"nhap{n}@example.vn",
    }
    row.update(overrides)
    return row


def xlsx(rows: list[dict[str, Any]], *, headers: list[str] | None = None, sheet: str = DATA_SHEET) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    ws.append(headers if headers is not None else HEADERS)
    for row in rows:
        ws.append([row.get(column.key) for column in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
