"""The downloadable member-list template: the data sheet with its headers and drop-down lists,
a “Hướng dẫn” sheet explaining every column, and a “Danh mục” sheet holding the lists."""

from __future__ import annotations

import io

from django.conf import settings
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from books import clock
from orgs.models import Organisation, OrgKind

from .columns import COLUMNS, DATA_SHEET, GUIDE_SHEET, LETTER, LISTS_SHEET

REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
OPTIONAL_FILL = PatternFill("solid", fgColor="DDE7F3")


def _list_validation(formula: str, column: str, rows: int, title: str, prompt: str) -> DataValidation:
    validation = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False)
    validation.error = prompt
    validation.errorTitle = title
    validation.prompt = prompt
    validation.promptTitle = title
    validation.showErrorMessage = True
    validation.showInputMessage = True
    validation.add(f"{column}2:{column}{rows + 1}")
    return validation


def build_template(committee: Organisation) -> bytes:
    """The template for one workplace committee: its cells are the drop-down list of column Chi bộ."""
    cells = list(
        Organisation.objects.active(clock.today())
        .filter(kind=OrgKind.WORKPLACE_CELL, parent=committee)
        .order_by("name", "pk")
        .values_list("name", flat=True)
    )
    rows = min(settings.IMPORT_MAX_ROWS, 5000)
    workbook = Workbook()
    data = workbook.active
    data.title = DATA_SHEET
    data.append([column.header for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        cell = data.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if column.required else OPTIONAL_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        data.column_dimensions[get_column_letter(index)].width = column.width
        # column styles (no empty cells written): text keeps the leading zeros of an ID number
        if column.key in {"national_id", "party_card_number", "phone"}:
            data.column_dimensions[get_column_letter(index)].number_format = "@"
        elif column.key in {"birth_date", "admitted_on", "official_on"}:
            data.column_dimensions[get_column_letter(index)].number_format = "dd/mm/yyyy"
    data.freeze_panes = "B2"
    data.row_dimensions[1].height = 32

    lists = workbook.create_sheet(LISTS_SHEET)
    lists.append(["Giới tính", "Loại cư trú", "Chi bộ"])
    for index, values in enumerate((["Nam", "Nữ"], ["Thường trú", "Tạm trú"], cells or [committee.name]), start=1):
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=index, value=value)
    lists.column_dimensions["C"].width = 40
    lists.sheet_state = "hidden"

    def span(column: str, count: int) -> str:
        return f"'{LISTS_SHEET}'!${column}$2:${column}${count + 1}"

    data.add_data_validation(_list_validation(span("A", 2), LETTER["sex"], rows, "Giới tính", "Chọn Nam hoặc Nữ."))
    data.add_data_validation(
        _list_validation(
            span("B", 2), LETTER["residence_kind"], rows, "Loại cư trú", "Thường trú hoặc Tạm trú (trống: Thường trú)."
        )
    )
    if cells:
        data.add_data_validation(
            _list_validation(
                span("C", len(cells)), LETTER["cell"], rows, "Chi bộ", "Chọn chi bộ nơi công tác trong đảng ủy."
            )
        )

    guide = workbook.create_sheet(GUIDE_SHEET)
    guide.append([f"Hướng dẫn nhập danh sách đảng viên — {committee.name}"])
    guide["A1"].font = Font(bold=True, size=13)
    guide.append([])
    guide.append(
        [
            f"Ghi mỗi đảng viên một dòng ở trang “{DATA_SHEET}”, từ dòng 2; giữ nguyên dòng tiêu đề và tên trang. "
            "Ô tiêu đề màu cam là bắt buộc. Không dùng công thức: chỉ ghi giá trị. Tệp được kiểm tra toàn bộ "
            "trước khi nhập; nếu còn một lỗi thì chưa nhập dòng nào."
        ]
    )
    guide.append([])
    guide.append(["Cột", "Tiêu đề", "Bắt buộc", "Cách ghi", "Ví dụ"])
    for cell in guide[5]:
        cell.font = Font(bold=True)
        cell.fill = OPTIONAL_FILL
    for column in COLUMNS:
        guide.append([LETTER[column.key], column.header, "Có" if column.required else "", column.guide, column.example])
    if cells:
        guide.append([])
        guide.append(["Các chi bộ của đảng ủy: " + "; ".join(cells)])
    for letter, width in zip("ABCDE", (6, 30, 10, 90, 30), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
