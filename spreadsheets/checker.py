"""Reading a member list from .xlsx: refuse broken files, check every row, then import all or none.

The sheet is read once, streamed (openpyxl read_only=True), by the check: it keeps what the
preview shows, the few keys that must be unique (card and ID numbers, with their row), and writes
each checked row as one JSON line to a file next to the upload (`CheckedRows`; its SHA-256 is kept
with the import). The import never parses the .xlsx again: it reads those lines back, re-checks
only what can change between the preview and the import (the cells and communes still active, the
card and ID numbers still free, the user's role in the committee) and registers the rows through
books.actions.register_members in chunks of IMPORT_CHUNK, all inside one transaction. Nothing
holds the sheet or the rows in memory.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from books import actions, clock
from books.errors import DomainError
from members.models import Member, ResidenceKind, Sex, validate_national_id, validate_party_card
from orgs.models import AdministrativeUnit, Organisation, OrgKind, UnitEdition, UnitLevel
from orgs.text import fold, nfc

from .columns import COLUMNS, DATA_SHEET, LETTER, Column

MAX_STORED_ERRORS = 1000
MAX_STORED_NOTES = 200
SAMPLE_ROWS = 20
# This many empty rows in a row end the list (a sheet formatted far below its data).
BLANK_RUN_ENDS_LIST = 1000
# No column needs more than 200 characters; a longer cell is a pasted document, refused at once.
MAX_CELL_CHARS = 1000
# Messages quote at most this many characters of what was written in a cell.
QUOTED_CHARS = 60
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_MERGE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?ref=\"([A-Z0-9:$]+)\"")
_DATE_TEXT = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_PREFIXES = ("phuong ", "xa ", "dac khu ", "thi tran ")


class FileRefused(Exception):
    """The file cannot be read as a member list at all; the message says why, in Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def megabytes(size: int) -> str:
    return actions.megabytes(size)


def shown(value: Any) -> str:
    """What a cell holds, NFC, shortened for a message (a long cell is not copied into every error)."""
    text = nfc(str(value))
    return text if len(text) <= QUOTED_CHARS else text[: QUOTED_CHARS - 1] + "…"


def _count(number: int) -> str:
    return f"{number:,}".replace(",", ".")


# --------------------------------------------------------------------------- opening the file


def check_container(path: Path) -> None:
    """Refuse what is not an .xlsx file: empty, too large, not a zip, a zip but not a workbook, truncated."""
    size = path.stat().st_size
    limit = settings.IMPORT_MAX_BYTES
    if size == 0:
        raise FileRefused("Tệp rỗng (0 byte): hãy chọn tệp danh sách đảng viên .xlsx.")
    if size > limit:
        raise FileRefused(
            f"Tệp quá lớn ({megabytes(size)}); giới hạn là {megabytes(limit)}. Hãy chia danh sách thành nhiều tệp."
        )
    with path.open("rb") as handle:
        head = handle.read(4)
    if not zipfile.is_zipfile(path):
        if head == b"PK\x03\x04":
            raise FileRefused(
                "Tệp .xlsx bị hỏng hoặc chưa tải lên hết (thiếu phần cuối tệp). "
                "Hãy mở tệp bằng Excel, lưu lại rồi tải lên lần nữa."
            )
        if head == b"\xd0\xcf\x11\xe0":
            raise FileRefused(
                "Đây là tệp Excel 97-2003 (.xls). Hãy mở bằng Excel và lưu lại dạng “Sổ làm việc Excel (*.xlsx)”."
            )
        raise FileRefused(
            "Tệp không phải tệp Excel .xlsx (nội dung không phải sổ làm việc Excel). "
            "Nếu là .csv hoặc .xls, hãy mở bằng Excel và lưu lại dạng “Sổ làm việc Excel (*.xlsx)”."
        )
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                raise FileRefused(
                    "Tệp là tệp nén nhưng không phải sổ làm việc Excel .xlsx (có thể là .docx, .ods hoặc .zip). "
                    "Hãy dùng tệp mẫu tải từ trang này."
                )
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
                # the sizes in the zip directory bound what can be read: zipfile stops at them
                raise FileRefused(
                    f"Tệp .xlsx khi giải nén lớn bất thường ({megabytes(unpacked)}; giới hạn "
                    f"{megabytes(settings.IMPORT_MAX_UNPACKED_BYTES)}): có thể là tệp bị làm giả. "
                    "Hãy dùng tệp mẫu tải từ trang này, chỉ điền danh sách đảng viên."
                )
            broken = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error):
        broken = "?"
    if broken:
        raise FileRefused(
            "Tệp .xlsx bị hỏng (dữ liệu bên trong không đọc được). Hãy mở bằng Excel, lưu lại rồi tải lên."
        )


@dataclass
class Sheet:
    """An open data sheet: its workbook (to close) and the estimated number of member rows."""

    workbook: Any
    worksheet: Any
    estimated_rows: int | None

    def close(self) -> None:
        self.workbook.close()


def open_sheet(path: Path) -> Sheet:
    """Open the data sheet read-only and check its header row; FileRefused when anything is wrong."""
    from openpyxl import load_workbook

    check_container(path)
    # before openpyxl: it reads every sheet to its end when the sheet does not state its size
    scans = scan_sheets(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise FileRefused("Tệp .xlsx bị hỏng, không đọc được. Hãy mở bằng Excel, lưu lại rồi tải lên lần nữa.") from exc
    if DATA_SHEET not in workbook.sheetnames:
        found = ", ".join(f"“{shown(name)}”" for name in workbook.sheetnames[:10])
        workbook.close()
        raise FileRefused(
            f"Không thấy trang tính “{DATA_SHEET}” (tệp có: {found}). "
            "Hãy dùng tệp mẫu tải từ trang này và giữ nguyên tên trang tính."
        )
    worksheet = workbook[DATA_SHEET]
    try:
        header = next(worksheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
        check_header(header)
        scan = scans.get(str(worksheet._worksheet_path).lstrip("/")) or SheetScan(0, "")
        if scan.merged:
            raise FileRefused(
                f"Trang “{DATA_SHEET}” có ô gộp ({scan.merged}). Tệp nhập cần mỗi đảng viên một dòng và mỗi ô "
                "một giá trị: hãy bỏ gộp ô (Unmerge Cells), điền đủ từng dòng rồi tải lên lại."
            )
    except FileRefused:
        workbook.close()
        raise
    except Exception as exc:
        workbook.close()
        raise FileRefused("Tệp .xlsx bị hỏng, không đọc được dòng tiêu đề.") from exc
    max_row = worksheet.max_row
    estimated = max(max_row - 1 if isinstance(max_row, int) else 0, scan.rows - 1)
    if estimated > settings.IMPORT_MAX_ROWS + BLANK_RUN_ENDS_LIST:
        workbook.close()
        raise too_many_rows()
    return Sheet(workbook, worksheet, estimated)


@dataclass
class SheetScan:
    rows: int
    merged: str


def scan_sheets(path: Path) -> dict[str, SheetScan]:
    """One fast pass over the XML of each worksheet, before anything is parsed: count its rows (a
    dimension may be missing or wrong) and stop as soon as there are too many; note a merged range."""
    limit = settings.IMPORT_MAX_ROWS + BLANK_RUN_ENDS_LIST + 1
    scans: dict[str, SheetScan] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml") and "/_rels/" not in name:
                    scans[name] = _scan(archive, name, limit)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise FileRefused(
            "Tệp .xlsx bị hỏng (dữ liệu bên trong không đọc được). Hãy mở bằng Excel, lưu lại rồi tải lên."
        ) from exc
    return scans


def _scan(archive: zipfile.ZipFile, name: str, limit: int) -> SheetScan:
    rows = 0
    merged = ""
    tail = b""
    with archive.open(name) as source:
        while chunk := source.read(1 << 20):
            data = tail + chunk
            # a tag starting in the last 256 bytes may be cut by the chunk boundary: counted with the next chunk
            keep = max(0, len(data) - 256)
            rows += sum(1 for match in _ROW_TAG.finditer(data) if match.start() < keep)
            if rows > limit:
                raise too_many_rows()
            if not merged and (found := _MERGE_TAG.search(data)):
                merged = found.group(1).decode().replace("$", "")
            tail = data[keep:]
    rows += len(_ROW_TAG.findall(tail))
    if rows > limit:
        raise too_many_rows()
    return SheetScan(rows, merged)


def too_many_rows() -> FileRefused:
    return FileRefused(
        f"Tệp có quá {_count(settings.IMPORT_MAX_ROWS)} dòng đảng viên. Hãy chia danh sách thành nhiều tệp."
    )


def _header_text(value: Any) -> str:
    return fold(str(value or "").replace("*", ""))


def check_header(header: tuple[Any, ...]) -> None:
    """Row 1 must hold the template's headers, in order (diacritics, case and a trailing * do not matter)."""
    got = [_header_text(value) for value in header]
    if not any(got):
        raise FileRefused(
            f"Dòng 1 của trang “{DATA_SHEET}” trống: "
            "dòng này phải là dòng tiêu đề của tệp mẫu (Họ và tên, Giới tính, …)."
        )
    problems = []
    for index, column in enumerate(COLUMNS):
        actual = got[index] if index < len(got) else ""
        if actual != column.folded:
            shown = str(header[index]) if index < len(header) and header[index] is not None else "(trống)"
            problems.append(f"cột {LETTER[column.key]} phải là “{column.header}” (đang là “{shown}”)")
    if problems:
        raise FileRefused(
            "Dòng tiêu đề không đúng tệp mẫu: " + "; ".join(problems[:5]) + ". Hãy dùng tệp mẫu tải từ trang này."
        )


# --------------------------------------------------------------------------- reading cells


def parse_date(value: Any) -> datetime.date:
    """A real Excel date, or text dd/mm/yyyy (d/m/yyyy, dd.mm.yyyy, yyyy-mm-dd); ValueError says why."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float):
        raise ValueError("là một số, không phải ngày: hãy định dạng ô là ngày hoặc ghi dạng dd/mm/yyyy")
    text = nfc(str(value))
    match = _DATE_TEXT.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO_DATE.match(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise ValueError(f"“{shown(text)}” không phải ngày; hãy ghi dạng ngày/tháng/năm, ví dụ 05/01/1985")
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(f"ngày “{text}” không có thật") from None


def digits(value: Any, *, width: int = 0) -> tuple[str, bool]:
    """Text of a number cell: Excel keeps 086… as 86…; `width` puts the leading zeros back (then True)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
        if width and value >= 0 and len(text) < width:
            return text.zfill(width), True
        return text, False
    return nfc(str(value)).replace(" ", ""), False


@dataclass
class Problem:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        column = next(c for c in COLUMNS if c.key == self.column)
        return {"row": self.row, "col": LETTER[column.key], "header": column.header, "message": self.message}


# --------------------------------------------------------------------------- lookups loaded once


class Communes:
    """Current communes by code and by diacritic-free name; pre-2025 ones resolve to their successor."""

    def __init__(self, province_code: int | None, on: datetime.date) -> None:
        self.province_code = province_code
        self.on = on
        self.current_by_code: dict[int, int] = {}
        self.old_by_code: dict[int, int] = {}
        self.current_by_name: dict[str, list[int]] = {}
        self.old_by_name: dict[str, list[int]] = {}
        self.province_of: dict[int, int] = {}
        rows = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE).values_list(
            "pk", "edition", "code", "search_name", "province_code", "valid_until"
        )
        for pk, edition, code, search_name, province, valid_until in rows:
            current = edition == UnitEdition.Y2025 and (valid_until is None or valid_until >= on)
            self.province_of[pk] = province
            (self.current_by_code if current else self.old_by_code).setdefault(code, pk)
            names = self.current_by_name if current else self.old_by_name
            for key in self._keys(search_name):
                names.setdefault(key, []).append(pk)
        self.provinces = {
            search_name: code
            for code, search_name in AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).values_list(
                "province_code", "search_name"
            )
        }
        self._units: dict[int, AdministrativeUnit] = {}
        self._successor: dict[int, AdministrativeUnit] = {}

    @staticmethod
    def _keys(search_name: str) -> set[str]:
        keys = {search_name}
        for prefix in _PREFIXES:
            if search_name.startswith(prefix):
                keys.add(search_name[len(prefix) :])
        return keys

    def unit(self, pk: int) -> AdministrativeUnit:
        if pk not in self._units:
            self._units[pk] = AdministrativeUnit.objects.select_related("parent__parent").get(pk=pk)
        return self._units[pk]

    def successor(self, pk: int) -> AdministrativeUnit:
        if pk not in self._successor:
            self._successor[pk] = self.unit(pk).resolve_current(self.on)
        return self._successor[pk]

    def _narrow(self, pks: list[int], province_hint: str) -> list[int]:
        """Prefer the province written after the comma, else the committee's own province."""
        if province_hint:
            wanted = {code for name, code in self.provinces.items() if province_hint in name}
            pks = [pk for pk in pks if self.province_of[pk] in wanted] or pks
        if len(pks) > 1 and self.province_code:
            own = [pk for pk in pks if self.province_of[pk] == self.province_code]
            pks = own or pks
        return pks

    def find(self, value: Any) -> tuple[AdministrativeUnit, str]:
        """(current unit, note) for a code or a name; ValueError says why none fits."""
        text, _padded = digits(value)
        if text.isascii() and text.isdigit():
            if len(text) > 9:
                raise ValueError(f"“{shown(text)}” không phải mã xã/phường/đặc khu (mã có 5 chữ số)")
            code = int(text)
            if code in self.current_by_code:
                return self.unit(self.current_by_code[code]), ""
            if code in self.old_by_code:
                return self._old(self.old_by_code[code], f"mã {code}")
            raise ValueError(f"không có xã/phường/đặc khu mã {code} trong danh mục")
        name, _comma, rest = nfc(str(value)).partition(",")
        key, hint = fold(name), fold(rest).replace("tinh ", "").replace("thanh pho ", "").strip()
        if not key:
            raise ValueError("trống")
        pks = self._narrow(self.current_by_name.get(key, []), hint)
        if len(pks) == 1:
            return self.unit(pks[0]), ""
        if len(pks) > 1:
            raise ValueError(f"có {len(pks)} xã/phường cùng tên “{shown(name)}”: hãy ghi mã đơn vị hoặc thêm tên tỉnh")
        old = self.old_by_name.get(key, [])
        if hint:
            old = self._narrow(old, hint)
        successors = {self.successor(pk).pk: pk for pk in old}
        if len(successors) > 1 and self.province_code:
            # a pre-2025 name is narrowed by where its successor is now (merged provinces)
            own = {new: pk for new, pk in successors.items() if self.successor(pk).province_code == self.province_code}
            successors = own or successors
        if len(successors) == 1:
            return self._old(next(iter(successors.values())), f"“{shown(name)}”")
        if len(successors) > 1:
            raise ValueError(
                f"“{shown(name)}” (tên trước 01/07/2025) trùng tên ở {len(successors)} nơi: hãy ghi mã đơn vị hiện nay"
            )
        raise ValueError(f"không tìm thấy xã/phường/đặc khu “{shown(name)}” (hãy ghi mã hoặc tên hiện nay)")

    def _old(self, pk: int, written: str) -> tuple[AdministrativeUnit, str]:
        old = self.unit(pk)
        new = self.successor(pk)
        if new.pk == old.pk:
            raise ValueError(f"{old.full_name()} không còn từ 01/07/2025 và không có đơn vị kế thừa")
        return new, f"{written} ({old.full_name()}, trước 01/07/2025) → {new.full_name()}"


class Cells:
    """The committee's workplace cells by diacritic-free name (with or without “Chi bộ”)."""

    def __init__(self, committee: Organisation, on: datetime.date) -> None:
        cells = list(
            Organisation.objects.active(on).filter(kind=OrgKind.WORKPLACE_CELL, parent=committee).order_by("pk")
        )
        self.default = committee if not cells else (cells[0] if len(cells) == 1 else None)
        self.by_name: dict[str, Organisation] = {}
        for cell in cells:
            self.by_name[cell.search_name] = cell
            if cell.search_name.startswith("chi bo "):
                self.by_name.setdefault(cell.search_name[len("chi bo ") :], cell)
        self.names = [cell.name for cell in cells]

    def find(self, value: Any) -> Organisation:
        key = fold(str(value or ""))
        if not key:
            if self.default is None:
                raise ValueError("đảng ủy có nhiều chi bộ: hãy ghi tên chi bộ")
            return self.default
        cell = self.by_name.get(key)
        if cell is None:
            raise ValueError(f"không có chi bộ “{shown(value)}” trong đảng ủy (có: {', '.join(self.names[:8])})")
        return cell


# --------------------------------------------------------------------------- checking rows


@dataclass
class Outcome:
    """What one pass over the file found: the preview's figures, errors, notes and first rows."""

    rows_total: int = 0
    bad_rows: set[int] = field(default_factory=set)
    errors: list[Problem] = field(default_factory=list)
    error_count: int = 0
    notes: list[dict[str, Any]] = field(default_factory=list)
    note_count: int = 0
    sample: list[dict[str, Any]] = field(default_factory=list)
    imported: int = 0
    digest: str = ""

    def error(self, problem: Problem) -> None:
        self.error_count += 1
        self.bad_rows.add(problem.row)
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(problem)

    def note(self, row: int, column: str, message: str) -> None:
        self.note_count += 1
        if len(self.notes) < MAX_STORED_NOTES:
            self.notes.append(Problem(row, column, message).as_dict())


class RowChecker:
    """Checks rows one at a time and remembers the card and ID numbers seen (for duplicates)."""

    def __init__(self, committee: Organisation, *, on: datetime.date | None = None) -> None:
        self.committee = committee
        self.on = on or clock.today()
        self.communes = Communes(committee.province_code, self.on)
        self.cells = Cells(committee, self.on)
        self.cards: dict[str, int] = {}
        self.ids: dict[str, int] = {}

    def check(self, number: int, values: dict[str, Any], outcome: Outcome) -> dict[str, Any] | None:
        """The fields for register_member, or None when the row has errors (recorded in outcome)."""
        problems: list[Problem] = []

        def fail(column: str, message: str) -> None:
            problems.append(Problem(number, column, message))

        def required(key: str) -> Any:
            value = values.get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                fail(key, "bắt buộc, đang trống")
                return None
            return value

        def text(key: str, limit: int) -> str:
            value = nfc(str(values.get(key) or ""))
            if len(value) > limit:
                fail(key, f"dài quá {limit} ký tự")
            return value

        def date(key: str, *, optional: bool = False) -> datetime.date | None:
            value = values.get(key) if optional else required(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                return None
            try:
                parsed = parse_date(value)
            except ValueError as exc:
                fail(key, str(exc))
                return None
            if parsed > self.on:
                fail(key, f"ngày {parsed:%d/%m/%Y} ở tương lai")
            elif parsed.year < 1900:
                fail(key, f"năm {parsed.year} không hợp lệ")
            return parsed

        fields: dict[str, Any] = {}
        fields["full_name"] = text("full_name", 120) if required("full_name") is not None else ""
        sex = None
        if (raw_sex := required("sex")) is not None:
            sex = {"nam": Sex.MALE, "nu": Sex.FEMALE}.get(fold(str(raw_sex)))
            if sex is None:
                fail("sex", f"“{shown(raw_sex)}” không phải Nam hoặc Nữ")
        birth = date("birth_date")
        national_id = ""
        if (raw_id := required("national_id")) is not None:
            national_id, padded = digits(raw_id, width=12)
            try:
                validate_national_id(national_id, sex=sex, birth_date=birth)
            except ValidationError as exc:
                fail("national_id", exc.messages[0])
            else:
                if padded:
                    outcome.note(number, "national_id", f"ô dạng số: đã thêm số 0 ở đầu → {national_id}")
                first = self.ids.setdefault(national_id, number)
                if first != number:
                    fail("national_id", f"trùng số CCCD với dòng {first}")
        card = ""
        if (raw_card := required("party_card_number")) is not None:
            card, _padded = digits(raw_card)
            try:
                validate_party_card(card)
            except ValidationError as exc:
                fail("party_card_number", exc.messages[0])
            else:
                first = self.cards.setdefault(card, number)
                if first != number:
                    fail("party_card_number", f"trùng số thẻ đảng viên với dòng {first}")
        admitted = date("admitted_on")
        official = date("official_on", optional=True)
        if birth and admitted and (admitted - birth).days // 365 < 18:
            fail("admitted_on", "đảng viên vào Đảng khi đủ 18 tuổi")
        if official and admitted and official < admitted:
            fail("official_on", "ngày chính thức không thể trước ngày vào Đảng")
        cell = None
        try:
            cell = self.cells.find(values.get("cell"))
        except ValueError as exc:
            fail("cell", str(exc))
        commune = None
        if (raw_commune := required("commune")) is not None:
            try:
                commune, note = self.communes.find(raw_commune)
                if note:
                    outcome.note(number, "commune", note)
            except ValueError as exc:
                fail("commune", str(exc))
        line = text("residence_line", 200) if required("residence_line") is not None else ""
        kind = ResidenceKind.PERMANENT
        if raw_kind := fold(str(values.get("residence_kind") or "")):
            found = {"thuong tru": ResidenceKind.PERMANENT, "tam tru": ResidenceKind.TEMPORARY}.get(raw_kind)
            if found is None:
                fail("residence_kind", f"“{shown(values['residence_kind'])}” không phải Thường trú hoặc Tạm trú")
            else:
                kind = found
        title = text("workplace_title", 200)
        phone, _ = digits(values.get("phone") or "")
        if len(phone) > 20:
            fail("phone", "dài quá 20 ký tự")
        email = nfc(str(values.get("email") or ""))
        if email:
            try:
                validate_email(email)
            except ValidationError:
                fail("email", f"“{shown(email)}” không phải địa chỉ thư điện tử")
        for problem in problems:
            outcome.error(problem)
        if problems:
            return None
        fields.update(
            sex=sex,
            birth_date=birth,
            national_id=national_id,
            party_card_number=card,
            admitted_on=admitted,
            official_on=official,
            workplace_cell=cell,
            workplace_title=title,
            residence_commune=commune,
            residence_line=line,
            residence_kind=kind,
            phone=phone,
            email=email,
        )
        return fields

    def check_database(self, outcome: Outcome) -> None:
        """Card and ID numbers already in the system: an error at the row that repeats them."""
        for key, seen, column, what in (
            ("party_card_number", self.cards, "party_card_number", "số thẻ đảng viên"),
            ("national_id", self.ids, "national_id", "số CCCD"),
        ):
            values = list(seen)
            for start in range(0, len(values), 500):
                chunk = values[start : start + 500]
                for value, name in Member.objects.filter(**{f"{key}__in": chunk}).values_list(key, "full_name"):
                    outcome.error(Problem(seen[value], column, f"{what} {value} đã có trong hệ thống ({name})"))


def data_rows(sheet: Sheet) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, values by column key) of each non-empty row below the header; refuses formulas."""
    blank_run = 0
    count = 0
    for number, row in enumerate(sheet.worksheet.iter_rows(min_row=2, values_only=True), start=2):
        if not any(value is not None and str(value).strip() for value in row[: len(COLUMNS)]):
            blank_run += 1
            if blank_run >= BLANK_RUN_ENDS_LIST:
                return
            continue
        blank_run = 0
        values: dict[str, Any] = {}
        for column, value in zip(COLUMNS, row, strict=False):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise FileRefused(
                    f"Ô {LETTER[column.key]}{number} ({column.header}) dài {_count(len(value))} ký tự; "
                    f"mỗi ô nhận tối đa {_count(MAX_CELL_CHARS)} ký tự. Hãy sửa ô này rồi tải lên lại."
                )
            if isinstance(value, str) and value.startswith("="):
                raise FileRefused(
                    f"Ô {LETTER[column.key]}{number} ({column.header}) chứa công thức “{value[:40]}”. "
                    "Tệp nhập chỉ nhận giá trị: hãy chọn cả trang, sao chép rồi dán giá trị (Paste Values) "
                    "và tải lên lại."
                )
            values[column.key] = value
        count += 1
        if count > settings.IMPORT_MAX_ROWS:
            raise too_many_rows()
        yield number, values


def _sample(fields: dict[str, Any], number: int) -> dict[str, Any]:
    return {
        "row": number,
        "full_name": fields["full_name"],
        "sex": Sex(fields["sex"]).label,
        "birth_date": fields["birth_date"].strftime("%d/%m/%Y"),
        "party_card_number": fields["party_card_number"],
        "cell": fields["workplace_cell"].name,
        "commune": fields["residence_commune"].full_name(),
    }


def _read(path: Path, step: Callable[[int, dict[str, Any]], None]) -> None:
    sheet = open_sheet(path)
    try:
        for number, values in data_rows(sheet):
            step(number, values)
    except FileRefused:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError) as exc:
        raise FileRefused("Tệp .xlsx bị hỏng giữa chừng, không đọc được hết các dòng.") from exc
    finally:
        sheet.close()


# --------------------------------------------------------------------------- the checked rows, kept for the import

# One JSON array per checked row, in this order (dates ISO, the cell and the commune by id).
KEPT_FIELDS = (
    "full_name",
    "sex",
    "birth_date",
    "national_id",
    "party_card_number",
    "admitted_on",
    "official_on",
    "workplace_cell",
    "workplace_title",
    "residence_commune",
    "residence_line",
    "residence_kind",
    "phone",
    "email",
)
_DATES = ("birth_date", "admitted_on", "official_on")
_COMMUNE_AT = 1 + KEPT_FIELDS.index("residence_commune")


class CheckedRows:
    """Writes the rows the check found good, one JSON line each, and their SHA-256.

    `[row number, *KEPT_FIELDS]`: about 250 bytes a row (25 MB for 100,000), written as the check
    goes, so nothing is held in memory. Written to `<path>.part` and renamed when complete: a
    check that dies half-way leaves no file that looks whole.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(path.name + ".part")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = self.partial.open("wb")
        self.sha = hashlib.sha256()

    def add(self, number: int, fields: dict[str, Any]) -> None:
        values: list[Any] = [number]
        for key in KEPT_FIELDS:
            value = fields[key]
            if key in _DATES:
                value = value.isoformat() if value is not None else None
            elif key in ("workplace_cell", "residence_commune"):
                value = value.pk
            values.append(value)
        line = json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        self.sha.update(line)
        self.handle.write(line)

    def finish(self) -> str:
        """Close and put the file in place; returns its SHA-256 (hex)."""
        self.handle.close()
        os.replace(self.partial, self.path)
        return self.sha.hexdigest()

    def discard(self) -> None:
        self.handle.close()
        self.partial.unlink(missing_ok=True)


def check_file(path: Path, committee: Organisation, *, keep: Path | None = None) -> Outcome:
    """One streaming pass: every row checked, then the card and ID numbers against the database.

    With `keep`, the checked rows are written there (`CheckedRows`) when every row is good, and
    `outcome.digest` is their SHA-256; when any row has an error nothing is kept.
    """
    outcome = Outcome()
    checker = RowChecker(committee)
    kept = CheckedRows(keep) if keep is not None else None

    def step(number: int, values: dict[str, Any]) -> None:
        outcome.rows_total += 1
        fields = checker.check(number, values, outcome)
        if fields is None:
            return
        if len(outcome.sample) < SAMPLE_ROWS:
            outcome.sample.append(_sample(fields, number))
        if kept is not None and not outcome.error_count:
            kept.add(number, fields)

    try:
        _read(path, step)
        if outcome.rows_total == 0:
            raise FileRefused(f"Trang “{DATA_SHEET}” không có dòng đảng viên nào (chỉ có dòng tiêu đề).")
        checker.check_database(outcome)
    except BaseException:
        if kept is not None:
            kept.discard()
        raise
    if kept is not None:
        if outcome.error_count:
            kept.discard()
        else:
            outcome.digest = kept.finish()
    outcome.errors.sort(key=lambda p: (p.row, [c.key for c in COLUMNS].index(p.column)))
    return outcome


class ImportAborted(Exception):
    """A row failed during the import: everything is rolled back; the message names the row."""


# Rows handed to books.actions.register_members at once (bounded memory, few statements per row).
IMPORT_CHUNK = 2000

_GONE = "Dữ liệu đã kiểm tra của tệp này không còn (đã quá hạn hoặc đã bị xóa). Hãy tải tệp lên lại để kiểm tra."
_ALTERED = (
    "Dữ liệu đã kiểm tra của tệp này đã bị thay đổi sau khi kiểm tra nên không dùng được. "
    "Hãy tải tệp lên lại để kiểm tra."
)
_AGAIN = "Hãy tải tệp lên lại để kiểm tra."


def _kept_lines(path: Path, digest: str) -> Iterator[bytes]:
    """The kept rows' lines, once their SHA-256 is the one recorded by the check (else ImportAborted).

    The digest is checked over the whole file before the first line is handed out: a file changed
    on disk imports nothing, not even its first rows (≈ 0.1 s for 100,000 rows)."""
    sha = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                sha.update(block)
    except FileNotFoundError:
        raise ImportAborted(_GONE) from None
    if not digest or sha.hexdigest() != digest:
        raise ImportAborted(_ALTERED)
    with path.open("rb") as handle:
        yield from handle


class Recheck:
    """What may have changed since the preview: the committee's cells, the communes still current."""

    def __init__(self, committee: Organisation, on: datetime.date) -> None:
        self.on = on
        cells = Organisation.objects.active(on).filter(kind=OrgKind.WORKPLACE_CELL, parent=committee)
        self.cells = {cell.pk: cell for cell in cells.select_related("parent")}
        if not self.cells:  # a committee without cells registers its members itself (Cells.default)
            self.cells = {committee.pk: committee}
        self.communes: dict[int, AdministrativeUnit] = {}

    def load_communes(self, pks: set[int]) -> None:
        missing = pks - self.communes.keys()
        if missing:
            units = AdministrativeUnit.objects.filter(pk__in=missing).select_related("parent__parent")
            self.communes.update((unit.pk, unit) for unit in units)

    def fields(self, values: Sequence[Any]) -> dict[str, Any]:
        """The fields for register_members from one kept line; ImportAborted names the row when
        its cell or commune is no longer usable."""
        number, *rest = values
        fields = dict(zip(KEPT_FIELDS, rest, strict=True))
        for key in _DATES:
            if fields[key] is not None:
                fields[key] = datetime.date.fromisoformat(fields[key])
        cell = self.cells.get(fields["workplace_cell"])
        if cell is None:
            raise ImportAborted(
                _where(Problem(number, "cell", "").as_dict())
                + "chi bộ đã kiểm tra không còn hoạt động trong đảng ủy (thay đổi sau khi kiểm tra tệp). "
                + _AGAIN
            )
        unit = self.communes.get(fields["residence_commune"])
        if unit is None or unit.edition != UnitEdition.Y2025 or (unit.valid_until and unit.valid_until < self.on):
            name = unit.full_name() if unit is not None else "xã/phường đã kiểm tra"
            raise ImportAborted(
                _where(Problem(number, "commune", "").as_dict())
                + f"{name} không còn hiệu lực (thay đổi sau khi kiểm tra tệp). "
                + _AGAIN
            )
        fields["workplace_cell"] = cell
        fields["residence_commune"] = unit
        return fields


@transaction.atomic
def import_checked(kept: Path, digest: str, committee: Organisation, *, by: Any) -> int:
    """Register the rows the check kept (never the .xlsx again), in chunks; all rows or none.

    Re-checked here, because they can change between the preview and the import: the cells and
    communes still active (`Recheck`), and in register_members the user's role in the committee
    and the card and ID numbers still free in the system (with every field validated again).
    A refusal raises ImportAborted naming the row; the transaction rolls everything back.
    """
    recheck = Recheck(committee, clock.today())
    count = 0
    chunk: list[list[Any]] = []

    def flush() -> None:
        nonlocal count
        recheck.load_communes({values[_COMMUNE_AT] for values in chunk})
        rows = [recheck.fields(values) for values in chunk]
        try:
            actions.register_members(rows, by=by)
        except actions.RowRefused as refusal:
            raise ImportAborted(f"Dòng {chunk[refusal.index][0]}: {refusal.message}") from None
        except DomainError as error:
            raise ImportAborted(f"Dòng {chunk[0][0]}: {error.message}") from None
        count += len(chunk)
        chunk.clear()

    for line in _kept_lines(kept, digest):
        chunk.append(json.loads(line))
        if len(chunk) >= IMPORT_CHUNK:
            flush()
    if chunk:
        flush()
    return count


def _where(problem: dict[str, Any]) -> str:
    return f"Dòng {problem['row']}, cột {problem['col']} ({problem['header']}): "


def describe(problem: dict[str, Any]) -> str:
    """'Dòng 12, cột E (Số CCCD): …' as the preview shows it."""
    return _where(problem) + problem["message"]


def timed[T](work: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


__all__ = [
    "COLUMNS",
    "Column",
    "FileRefused",
    "ImportAborted",
    "Outcome",
    "check_file",
    "describe",
    "import_checked",
    "open_sheet",
]
