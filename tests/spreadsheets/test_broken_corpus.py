"""A corpus of broken and hostile uploads (issue 5, bad input): each is refused with a clear
Vietnamese message and nothing is written — no member, no event, no upload left on disk.

The ordinary broken files (empty, not a zip, .xls, truncated, wrong sheet, wrong headers,
formulas, no rows) are in test_import.py; this file adds the large and hostile ones. Large files
are written as raw sheet XML through a streaming zip writer, so no test needs openpyxl to write
a million rows.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from books.models import Attachment, Event
from spreadsheets.checker import MAX_CELL_CHARS
from spreadsheets.columns import COLUMNS, DATA_SHEET
from spreadsheets.models import ImportStatus, MemberImport
from tests.cast import row_counts
from tests.spreadsheets.files import HEADERS, good_row, xlsx
from tests.spreadsheets.test_scans import PDF, PNG, letter  # noqa: F401  (fixture)

UPLOAD = reverse("spreadsheets:upload")
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# --------------------------------------------------------------------------- writing raw .xlsx


def _static_parts(*, shared_strings: bool) -> dict[str, str]:
    overrides = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        if shared_strings
        else ""
    )
    rels = f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>' if shared_strings else ""
    return {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{REL}">'
            f'<sheets><sheet name="{DATA_SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>{rels}'
            "</Relationships>"
        ),
    }


def _header_row() -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{escape(header)}</t></is></c>' for i, header in enumerate(HEADERS)
    )
    return f'<row r="1">{cells}</row>'


def raw_xlsx(
    path: Path,
    rows: Iterable[str],
    *,
    dimension: str | None = None,
    shared: Iterable[str] | None = None,
    after_data: str = "",
) -> Path:
    """A workbook with the template's header and `rows` (raw <row> XML, streamed into the zip)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in _static_parts(shared_strings=shared is not None).items():
            archive.writestr(name, text)
        if shared is not None:
            with archive.open("xl/sharedStrings.xml", "w") as handle:
                handle.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}">'.encode())
                for text in shared:
                    handle.write(f"<si><t>{escape(text)}</t></si>".encode())
                handle.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as handle:
            handle.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">'.encode())
            if dimension:
                handle.write(f'<dimension ref="{dimension}"/>'.encode())
            handle.write(f"<sheetData>{_header_row()}".encode())
            batch: list[str] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= 100:
                    handle.write("".join(batch).encode())
                    batch = []
            handle.write("".join(batch).encode())
            handle.write(f"</sheetData>{after_data}</worksheet>".encode())
    return path


def member_rows(count: int) -> Iterator[str]:
    """Cheap rows: an empty STT, a name and a card number (enough to count as a member row). Rows and
    cells without an "r" attribute follow the previous ones (as the format allows), so the same text
    repeats and a million rows are written in a second."""
    row = '<row><c/><c t="inlineStr"><is><t>A</t></is></c><c/><c/><c/><c><v>1</v></c></row>'
    block = row * 10_000
    for _ in range(count // 10_000):
        yield block
    yield row * (count % 10_000)


# --------------------------------------------------------------------------- driving the upload


def send(client, content: bytes, name: str = "danh-sach.xlsx"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})


def refusal_text(client, response) -> str:
    """The refusal as the clerk reads it: at once on the upload page (400, no import kept), or on the
    status page when it came while the rows were read (the import is REFUSED and its file dropped)."""
    if response.status_code == 302:
        text = client.get(response.url).content.decode()
        item = MemberImport.objects.get()
        assert item.status == ImportStatus.REFUSED and not item.file
        return text
    assert response.status_code == 400, response.status_code
    assert not MemberImport.objects.exists()
    text = response.content.decode()
    assert "Không dùng được tệp này." in text and "Chưa ghi gì vào hệ thống." in text
    return text


@pytest.fixture
def clerk(cast, login):
    return login(cast.finance_clerk)


def assert_nothing_written(before, media):
    assert row_counts() == before  # no member, book, event…
    assert not any(p.is_file() for p in media.rglob("*")), list(media.rglob("*"))


@pytest.fixture(scope="module")
def million_rows(tmp_path_factory) -> dict[str, Path]:
    """1,000,000 member rows, once with a dimension that says so and once with none (a writer may omit it)."""
    folder = tmp_path_factory.mktemp("million")
    return {
        "dimension": raw_xlsx(folder / "a.xlsx", member_rows(1_000_000), dimension="A1:O1000001"),
        "no dimension": raw_xlsx(folder / "b.xlsx", member_rows(1_000_000)),
    }


@pytest.mark.parametrize("variant", ["dimension", "no dimension"])
def test_a_million_rows_are_refused_at_the_row_limit_without_reading_the_rest(
    cast, clerk, media, million_rows, variant
):
    content = million_rows[variant].read_bytes()
    before = row_counts()
    started = time.perf_counter()
    response = send(clerk, content)
    seconds = time.perf_counter() - started
    text = refusal_text(clerk, response)
    assert "Tệp có quá 200.000 dòng đảng viên. Hãy chia danh sách thành nhiều tệp." in text
    assert response.status_code == 400  # refused on upload: no row was checked, no import kept
    assert seconds < 5, f"{seconds:.1f} s"
    assert_nothing_written(before, media)


def test_the_row_count_does_not_trust_a_dimension_that_lies(cast, clerk, media, tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 50
    path = raw_xlsx(tmp_path / "x.xlsx", member_rows(2_000), dimension="A1:O3")
    before = row_counts()
    text = refusal_text(clerk, send(clerk, path.read_bytes()))
    assert "Tệp có quá 50 dòng đảng viên" in text
    assert_nothing_written(before, media)


def test_ten_megabytes_in_one_cell_are_refused_at_that_cell_without_a_memory_blow_up(cast, clerk, media, tmp_path):
    huge = "Nguyễn " * (10 * 1000 * 1000 // 7)  # 9,999,997 characters
    row = '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>0</v></c></row>'
    path = raw_xlsx(tmp_path / "x.xlsx", [row], shared=[huge])
    assert path.stat().st_size < 200_000  # small on disk, huge once unpacked
    del huge
    before = row_counts()
    tracemalloc.start()
    try:
        response = send(clerk, path.read_bytes())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    text = refusal_text(clerk, response)
    assert "Ô B2 (Họ và tên) dài 9.999.997 ký tự; mỗi ô nhận tối đa 1.000 ký tự." in text
    assert len(text) < 100_000  # the cell is not copied into the page
    assert peak < 150 * 1000 * 1000, f"peak {peak / 1e6:.0f} MB"
    assert_nothing_written(before, media)


def test_a_long_cell_in_a_checked_column_is_quoted_short_in_its_error(cast, clerk, media):
    """Up to the cell limit a value is an ordinary row error; the message quotes only its start."""
    content = xlsx([good_row(1, sex="X" * MAX_CELL_CHARS)])
    response = send(clerk, content)
    text = clerk.get(response.url).content.decode()
    assert MemberImport.objects.get().status == ImportStatus.INVALID
    assert "“" + "X" * 59 + "…” không phải Nam hoặc Nữ" in text
    assert "X" * 61 not in text


def test_an_xlsx_bomb_is_refused_by_its_unpacked_size_before_anything_is_read(cast, clerk, media, tmp_path, settings):
    # scaled down: the limit is 25 × IMPORT_MAX_BYTES (500 MB); here 40 MB against a 60 MB sheet
    settings.IMPORT_MAX_UNPACKED_BYTES = 40 * 1000 * 1000
    padding = (" " * 1_000_000 for _ in range(60))
    path = raw_xlsx(tmp_path / "bomb.xlsx", padding)
    assert path.stat().st_size < 1_000_000
    before = row_counts()
    started = time.perf_counter()
    text = refusal_text(clerk, send(clerk, path.read_bytes()))
    assert time.perf_counter() - started < 2
    assert "Tệp .xlsx khi giải nén lớn bất thường (60,0 MB; giới hạn 40,0 MB)" in text
    assert_nothing_written(before, media)


def _merged_file() -> bytes:
    """The kind a clerk makes: one cell's name written once over two rows."""
    workbook = load_workbook(io.BytesIO(xlsx([good_row(1), good_row(2, cell=None)])))
    sheet = workbook[DATA_SHEET]
    sheet.merge_cells("I2:I3")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _broken_xml(tmp: Path) -> bytes:
    return raw_xlsx(tmp / "x.xlsx", ['<row r="2"><c r="B2" t="inlineStr"><is><t>An</t></is></c>', "<row"]).read_bytes()


def _bad_crc(tmp: Path) -> bytes:
    content = bytearray(xlsx([good_row(1)]))
    at = content.index(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml") + 40
    content[at] ^= 0xFF  # one byte of the compressed sheet flipped
    return bytes(content)


HOSTILE = {
    "merged cells": (lambda tmp: _merged_file(), "có ô gộp (I2:I3)"),
    "a PNG named .xlsx": (lambda tmp: PNG, "không phải tệp Excel .xlsx"),
    "a PDF named .xlsx": (lambda tmp: PDF, "không phải tệp Excel .xlsx"),
    "sheet XML cut off": (_broken_xml, "bị hỏng"),
    "a damaged byte inside": (_bad_crc, "bị hỏng"),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_file_is_refused_with_its_reason_and_nothing_is_written(cast, clerk, media, tmp_path, kind):
    make, message = HOSTILE[kind]
    content = make(tmp_path)
    before = row_counts()
    text = refusal_text(clerk, send(clerk, content))
    assert message in text
    assert_nothing_written(before, media)


def test_columns_of_the_template_are_the_ones_written_here():
    assert len(HEADERS) == len(COLUMNS) == 15  # the raw writer names columns A…O


# --------------------------------------------------------------------------- scans


@pytest.fixture
def scan_url(letter):  # noqa: F811
    return reverse("scans:attach", args=["giay-gioi-thieu", letter.pk])


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
WRONG_SCANS = {
    "an SVG named .png": (SVG, "anh.png", "image/png"),
    "a program named .pdf": (b"MZ\x90\x00" + b"\x00" * 200, "phieu.pdf", "application/pdf"),
    "a zip named .jpg": (xlsx([]), "anh.jpg", "image/jpeg"),
    "a PNG header alone": (b"\x89PNG", "anh.png", "image/png"),
}


@pytest.mark.parametrize("kind", WRONG_SCANS)
def test_a_scan_of_the_wrong_type_behind_a_right_name_is_refused(cast, clerk, media, scan_url, kind):
    content, name, content_type = WRONG_SCANS[kind]
    before = row_counts()
    response = clerk.post(scan_url, {"file": SimpleUploadedFile(name, content, content_type=content_type)})
    assert response.status_code == 400
    assert "không phải bản quét PDF, JPEG hoặc PNG" in response.content.decode()
    assert not Attachment.objects.exists() and not Event.objects.filter(verb="scan_attached").exists()
    assert_nothing_written(before, media)


def test_a_pdf_named_png_is_kept_as_the_pdf_it_is(cast, clerk, scan_url):
    assert (
        clerk.post(scan_url, {"file": SimpleUploadedFile("anh.png", PDF, content_type="image/png")}).status_code == 302
    )
    scan = Attachment.objects.get()
    assert (scan.content_type, scan.download_name) == ("application/pdf", "anh.pdf")


def test_an_oversize_scan_is_refused_on_the_page_with_the_limit(cast, clerk, media, scan_url, settings):
    settings.SCAN_MAX_BYTES = 2_000_000
    before = row_counts()
    big = PDF + b"0" * 2_000_000
    response = clerk.post(scan_url, {"file": SimpleUploadedFile("phieu.pdf", big, content_type="application/pdf")})
    assert response.status_code == 400
    assert "quá lớn (2,0 MB); giới hạn là 2,0 MB" in response.content.decode()
    assert_nothing_written(before, media)
