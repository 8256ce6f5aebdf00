"""Importing members from .xlsx: every row checked, a preview with each error at its row and
column, then all rows or none, each member through books.actions.register_member."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from books.models import Book, Event
from members.models import Member, ResidenceKind
from spreadsheets.columns import COLUMNS, DATA_SHEET, GUIDE_SHEET
from spreadsheets.models import ImportStatus, MemberImport
from tests.cast import LONG_CHAU, PHU_KHUONG, row_counts
from tests.spreadsheets.files import HEADERS, good_row, xlsx

UPLOAD = reverse("spreadsheets:upload")


def send(client, content: bytes, name: str = "danh-sach.xlsx"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})


def status_page(client, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response.url)


def the_import() -> MemberImport:
    return MemberImport.objects.get()


# --------------------------------------------------------------------------- the template


def test_the_template_has_vietnamese_headers_a_guide_and_drop_down_lists(cast, login):
    response = login(cast.finance_clerk).get(reverse("spreadsheets:template"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mau-danh-sach-dang-vien.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:1] == [DATA_SHEET] and GUIDE_SHEET in workbook.sheetnames
    data = workbook[DATA_SHEET]
    assert [cell.value for cell in data[1]] == HEADERS
    assert data.freeze_panes == "B2"
    lists = {tuple(v.sqref.ranges)[0].coord.split(":")[0]: v.formula1 for v in data.data_validations.dataValidation}
    assert set(lists) == {"C2", "I2", "M2"}  # sex, cell, residence kind
    choices = workbook["Danh mục"]
    assert [choices.cell(row=r, column=3).value for r in (2,)] == ["Chi bộ Phòng Ngân sách"]
    guide = "\n".join(str(c.value) for row in workbook[GUIDE_SHEET].iter_rows() for c in row if c.value)
    for column in COLUMNS:
        assert column.header in guide
    assert "long chau" in guide


def test_the_template_filled_in_imports_as_it_is(cast, login):
    client = login(cast.finance_clerk)
    workbook = load_workbook(io.BytesIO(client.get(reverse("spreadsheets:template")).content))
    row = good_row(1)
    workbook[DATA_SHEET].append([row[column.key] for column in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    page = status_page(client, send(client, buffer.getvalue()))
    assert the_import().status == ImportStatus.READY, page.content.decode()


# --------------------------------------------------------------------------- good files


def test_a_good_file_is_previewed_then_imported_through_the_action(cast, login):
    client = login(cast.finance_clerk)
    rows = [
        good_row(1),
        good_row(2, commune=str(PHU_KHUONG), residence_kind="Tạm trú", official_on=None, birth_date="3/3/1972"),
        good_row(3, commune="Phường Long Châu, Vĩnh Long", cell="phong ngan sach", national_id=None),
    ]
    rows[2]["national_id"] = good_row(3)["national_id"]
    before = Member.objects.count()
    page = status_page(client, send(client, xlsx(rows)))
    text = page.content.decode()
    assert the_import().status == ImportStatus.READY
    assert "Nhập 3 đảng viên" in text and "Nguyễn Thị Nhập 1" in text
    assert Member.objects.count() == before  # nothing before the import is confirmed

    response = client.post(reverse("spreadsheets:import_confirm", args=[the_import().token]))
    assert "Đã nhập 3 đảng viên" in client.get(response.url).content.decode()
    item = the_import()
    assert (item.status, item.imported, bool(item.file)) == (ImportStatus.DONE, 3, False)

    second = Member.objects.get(party_card_number=rows[1]["party_card_number"])
    assert second.full_name == "Nguyễn Thị Nhập 2"
    assert second.birth_date == datetime.date(1972, 3, 3)
    assert second.official_on is None
    assert second.residence_commune.code == PHU_KHUONG
    assert second.residence_kind == ResidenceKind.TEMPORARY
    assert second.workplace_cell == cast.finance_cell
    first = Member.objects.get(party_card_number=rows[0]["party_card_number"])
    assert first.admitted_on == datetime.date(2010, 5, 19) and first.official_on == datetime.date(2011, 5, 19)
    assert first.residence_commune.code == LONG_CHAU and first.email == "nhap1@example.vn"
    assert first.national_id == rows[0]["national_id"]
    assert Member.objects.get(party_card_number=rows[2]["party_card_number"]).residence_commune.code == LONG_CHAU
    imported = Member.objects.filter(party_card_number__in=[r["party_card_number"] for r in rows])
    assert Book.objects.filter(member__in=imported, status="open", holder=cast.finance).count() == 3
    events = Event.objects.filter(verb="member_registered", member__in=imported)
    assert {(e.actor, e.actor_org) for e in events} == {(cast.finance_clerk, cast.finance)} and events.count() == 3


def test_numbers_typed_as_numbers_keep_their_leading_zero(cast, login):
    client = login(cast.finance_clerk)
    row = good_row(4)
    row["national_id"] = "0" + row["national_id"][1:]  # a Hà Nội ID 001…
    row["national_id"], expected = int(row["national_id"]), row["national_id"]
    row["party_card_number"] = int(row["party_card_number"])
    text = status_page(client, send(client, xlsx([row]))).content.decode()
    assert the_import().status == ImportStatus.READY, text
    assert f"Dòng 2, cột E (Số CCCD): ô dạng số: đã thêm số 0 ở đầu → {expected}" in text
    client.post(reverse("spreadsheets:import_confirm", args=[the_import().token]))
    assert Member.objects.filter(national_id=expected, party_card_number=str(row["party_card_number"])).exists()


def test_a_pre_2025_commune_resolves_to_its_successor_with_a_note(cast, login):
    client = login(cast.finance_clerk)
    rows = [good_row(5, commune="truong an"), good_row(6, commune="29572")]
    text = status_page(client, send(client, xlsx(rows))).content.decode()
    assert the_import().status == ImportStatus.READY, text
    assert "Dòng 2, cột K (Xã/phường/đặc khu nơi cư trú): “truong an” (Phường Trường An" in text
    assert "trước 01/07/2025) → Phường Long Châu, Tỉnh Vĩnh Long" in text
    assert "Dòng 3, cột K (Xã/phường/đặc khu nơi cư trú): mã 29572" in text
    client.post(reverse("spreadsheets:import_confirm", args=[the_import().token]))
    communes = Member.objects.filter(party_card_number__in=[r["party_card_number"] for r in rows]).values_list(
        "residence_commune__code", "residence_commune__edition"
    )
    assert list(communes) == [(LONG_CHAU, "2025"), (LONG_CHAU, "2025")]


# --------------------------------------------------------------------------- errors everywhere


def test_errors_in_many_places_are_each_shown_at_their_row_and_column_and_nothing_is_written(cast, login):
    client = login(cast.finance_clerk)
    existing = cast.member
    rows = [
        good_row(10),  # row 2: good
        good_row(11, full_name="", sex="Khác"),  # row 3: B, C
        good_row(12, birth_date="31/02/1990", admitted_on=12345),  # row 4: D, G
        good_row(13, national_id="12345"),  # row 5: E
        good_row(14, party_card_number=good_row(10)["party_card_number"]),  # row 6: F duplicate in file
        good_row(15, party_card_number=existing.party_card_number),  # row 7: F already in the system
        good_row(16, admitted_on="01/01/2000", birth_date="01/01/1990"),  # row 8: G under 18
        good_row(17, official_on="01/01/2009"),  # row 9: H before admission
        good_row(18, cell="Chi bộ Không Có"),  # row 10: I
        good_row(19, commune="xa khong ton tai"),  # row 11: K
        good_row(20, residence_line="", residence_kind="Vãng lai", email="khong-phai-thu"),  # row 12: L, M, O
        good_row(
            21, **{k: good_row(10)[k] for k in ("national_id", "sex", "birth_date")}
        ),  # row 13: E duplicate in file
        good_row(22, commune="Phường 1"),  # row 14: K, pre-2025 wards of Vĩnh Long and Trà Vinh, both merged in
        good_row(23, commune="xa tan thanh"),  # row 15: K, a current name of many communes elsewhere
    ]
    before = row_counts()
    text = status_page(client, send(client, xlsx(rows))).content.decode()
    item = the_import()
    assert item.status == ImportStatus.INVALID
    expected = [
        "Dòng 3, cột B (Họ và tên): bắt buộc, đang trống",
        "Dòng 3, cột C (Giới tính): “Khác” không phải Nam hoặc Nữ",
        "Dòng 4, cột D (Ngày sinh): ngày “31/02/1990” không có thật",
        "Dòng 4, cột G (Ngày vào Đảng): là một số, không phải ngày",
        "Dòng 5, cột E (Số CCCD): Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số.",
        "Dòng 6, cột F (Số thẻ đảng viên): trùng số thẻ đảng viên với dòng 2",
        f"Dòng 7, cột F (Số thẻ đảng viên): số thẻ đảng viên {existing.party_card_number} đã có trong hệ thống",
        "Dòng 8, cột E (Số CCCD): Chữ số thứ năm và sáu của số CCCD phải là hai số cuối của năm sinh.",
        "Dòng 8, cột G (Ngày vào Đảng): đảng viên vào Đảng khi đủ 18 tuổi",
        "Dòng 9, cột H (Ngày chính thức): ngày chính thức không thể trước ngày vào Đảng",
        "Dòng 10, cột I (Chi bộ): không có chi bộ “Chi bộ Không Có” trong đảng ủy",
        "Dòng 11, cột K (Xã/phường/đặc khu nơi cư trú): không tìm thấy xã/phường/đặc khu “xa khong ton tai”",
        "Dòng 12, cột L (Số nhà, đường, thôn/ấp/khóm/tổ): bắt buộc, đang trống",
        "Dòng 12, cột M (Loại cư trú): “Vãng lai” không phải Thường trú hoặc Tạm trú",
        "Dòng 12, cột O (Thư điện tử): “khong-phai-thu” không phải địa chỉ thư điện tử",
        "Dòng 13, cột E (Số CCCD): trùng số CCCD với dòng 2",
        "Dòng 14, cột K (Xã/phường/đặc khu nơi cư trú): “Phường 1” (tên trước 01/07/2025) trùng tên ở 3 nơi",
        "Dòng 15, cột K (Xã/phường/đặc khu nơi cư trú): có 13 xã/phường cùng tên “xa tan thanh”: hãy ghi mã",
    ]
    for line in expected:
        assert line in text, line
    shown = [e["row"] for e in item.errors]
    assert shown == sorted(shown)
    assert (item.rows_total, item.rows_bad, item.error_count) == (14, 13, 18)
    assert "chưa nhập dòng nào" in text
    assert row_counts() == before
    # the import button is not offered, and posting anyway does nothing
    assert reverse("spreadsheets:import_confirm", args=[item.token]) not in text
    client.post(reverse("spreadsheets:import_confirm", args=[item.token]))
    assert row_counts() == before and the_import().status == ImportStatus.INVALID


def test_a_row_refused_by_the_action_during_the_import_rolls_back_every_row(cast, login):
    client = login(cast.finance_clerk)
    rows = [good_row(30), good_row(31), good_row(32)]
    status_page(client, send(client, xlsx(rows)))
    # between the preview and the import someone registers the same card number on screen
    cast.member_factory(full_name="Người Nhanh Tay")
    Member.objects.filter(full_name="Người Nhanh Tay").update(party_card_number=rows[2]["party_card_number"])
    before = row_counts()
    text = client.get(
        client.post(reverse("spreadsheets:import_confirm", args=[the_import().token])).url
    ).content.decode()
    assert the_import().status == ImportStatus.FAILED
    assert "Chưa nhập đảng viên nào. Dòng 4: Số thẻ đảng viên này đã có trong hệ thống." in text
    assert row_counts() == before


# --------------------------------------------------------------------------- broken files


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _formula_file() -> bytes:
    content = xlsx([good_row(40)])
    workbook = load_workbook(io.BytesIO(content))
    workbook[DATA_SHEET]["F2"] = "=91000000+40"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


BROKEN = {
    "empty": (b"", "Tệp rỗng"),
    "not a zip": (b"Ho va ten;Gioi tinh\nNguyen Van A;Nam\n", "không phải tệp Excel .xlsx"),
    "an old .xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Excel 97-2003 (.xls)"),
    "a zip but not a workbook": (_zip({"word/document.xml": b"<w/>"}), "không phải sổ làm việc Excel"),
    "truncated": (xlsx([good_row(41)])[:-200], "bị hỏng hoặc chưa tải lên hết"),
    "wrong sheet": (
        xlsx([good_row(42)], sheet="Sheet1"),
        "Không thấy trang tính “Danh sách đảng viên” (tệp có: “Sheet1”)",
    ),
    "wrong headers": (
        xlsx([good_row(43)], headers=["STT", "Tên", *HEADERS[2:]]),
        "cột B phải là “Họ và tên” (đang là “Tên”)",
    ),
    "missing headers": (xlsx([good_row(44)], headers=HEADERS[:10]), "cột K phải là “Xã/phường/đặc khu nơi cư trú”"),
    "no header": (xlsx([good_row(45)], headers=[]), "Dòng 1 của trang “Danh sách đảng viên” trống"),
    "formulas": (_formula_file(), "Ô F2 (Số thẻ đảng viên) chứa công thức “=91000000+40”"),
    "no rows": (xlsx([]), "không có dòng đảng viên nào"),
}


@pytest.mark.parametrize("kind", BROKEN)
def test_a_broken_file_is_refused_with_its_reason_and_nothing_is_written(cast, login, media, kind):
    content, message = BROKEN[kind]
    client = login(cast.finance_clerk)
    before = row_counts()
    response = send(client, content)
    if response.status_code == 302:  # refused once its rows are read: the status page says why
        text = client.get(response.url).content.decode()
        assert the_import().status == ImportStatus.REFUSED
    else:
        assert response.status_code == 400
        text = response.content.decode()
        assert not MemberImport.objects.exists()
        assert "Chưa ghi gì vào hệ thống" in text
    assert message in text
    assert row_counts() == before
    assert not any(p.is_file() for p in media.rglob("*"))  # no upload is kept


def test_too_many_rows_and_too_large_files_are_refused(cast, login, settings):
    client = login(cast.finance_clerk)
    settings.IMPORT_MAX_ROWS = 3
    response = send(client, xlsx([good_row(n) for n in range(50, 54)]))
    text = client.get(response.url).content.decode() if response.status_code == 302 else response.content.decode()
    assert "Tệp có quá 3 dòng đảng viên" in text
    settings.IMPORT_MAX_ROWS = 100
    settings.IMPORT_MAX_BYTES = 1000
    response = send(client, xlsx([good_row(60)]))
    assert response.status_code == 400
    assert "Tệp quá lớn (0,0 MB); giới hạn là 0,0 MB" in response.content.decode()
    assert not Member.objects.filter(full_name__startswith="Nguyễn Thị Nhập").exists()


# --------------------------------------------------------------------------- large files: in the background


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def test_a_large_file_is_checked_and_imported_as_background_tasks(
    cast, login, settings, immediate_tasks, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 50
    client = login(cast.finance_clerk)
    rows = [good_row(n) for n in range(100, 300)]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = send(client, xlsx(rows))
    item = the_import()
    assert item.background and item.status == ImportStatus.CHECKING
    waiting = client.get(response.url).content.decode()
    assert 'hx-trigger="every 2s"' in waiting and "đang kiểm tra" in waiting
    for callback in queued:  # the worker picks the task up after the commit
        callback()
    polled = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert polled.startswith('<div id="nhap-trang-thai"') and "every 2s" not in polled
    assert "Nhập 200 đảng viên" in polled
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("spreadsheets:import_confirm", args=[item.token]))
    item.refresh_from_db()
    assert (item.status, item.imported) == (ImportStatus.DONE, 200)
    assert Member.objects.filter(full_name__startswith="Nguyễn Thị Nhập").count() == 200


# --------------------------------------------------------------------------- who may import


@pytest.mark.parametrize("who", ["finance_cell_secretary", "lc_clerk", "board_officer", "member_user", "outsider"])
def test_only_a_workplace_committee_imports(cast, login, who):
    client = login(getattr(cast, who))
    assert client.get(UPLOAD).status_code == 403
    assert client.get(reverse("spreadsheets:template")).status_code == 403
    assert send(client, xlsx([good_row(70)])).status_code == 403
    assert not MemberImport.objects.exists()


def test_an_import_is_reached_only_by_its_uploader(cast, login, client):
    send(login(cast.finance_clerk), xlsx([good_row(80)]))
    token = the_import().token
    for other in (cast.finance_secretary, cast.health_secretary):
        client.logout()
        login(other)
        assert client.get(reverse("spreadsheets:import_status", args=[token])).status_code == 404
        assert client.post(reverse("spreadsheets:import_confirm", args=[token])).status_code == 404
    assert the_import().status == ImportStatus.READY
