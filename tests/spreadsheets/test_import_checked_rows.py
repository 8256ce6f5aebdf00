"""The import after the preview: it registers the rows the check kept, never reads the .xlsx again,
and re-checks only what can change in between (numbers taken, cells and communes no longer
active, the user's role), refusing every row with a message naming the row."""

import datetime

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from books import audit, clock
from members.models import Member
from orgs.models import AdministrativeUnit, Organisation, RoleAssignment
from spreadsheets import service
from spreadsheets.models import ImportStatus, MemberImport
from tests.cast import LONG_CHAU, row_counts
from tests.spreadsheets.files import good_row, xlsx

UPLOAD = reverse("spreadsheets:upload")


def checked(client, rows) -> MemberImport:
    """Upload rows and return the import, checked and READY."""
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("danh-sach.xlsx", xlsx(rows))})
    assert response.status_code == 302, response.content.decode()[:2000]
    item = MemberImport.objects.get()
    assert item.status == ImportStatus.READY, item.errors
    return item


def confirm(client, item: MemberImport) -> tuple[MemberImport, str]:
    response = client.post(reverse("spreadsheets:import_confirm", args=[item.token]))
    text = client.get(response.url).content.decode()
    item.refresh_from_db()
    return item, text


def files(media) -> list[str]:
    return sorted(p.name for p in media.rglob("*") if p.is_file())


def test_the_check_keeps_the_checked_rows_and_deletes_the_xlsx(cast, login, media):
    client = login(cast.finance_clerk)
    item = checked(client, [good_row(1), good_row(2)])
    assert not item.file
    assert files(media) == [f"{item.token}.rows.jsonl"]
    assert len(item.checked_digest) == 64
    assert len(item.checked_path.read_bytes().splitlines()) == 2


def test_the_import_registers_the_kept_rows_without_opening_any_workbook(cast, login, media, monkeypatch):
    client = login(cast.finance_clerk)
    rows = [good_row(3), good_row(4, official_on=None, residence_kind="Tạm trú"), good_row(5, commune="truong an")]
    item = checked(client, rows)

    def no_workbook(*args, **kwargs):
        raise AssertionError("the import opened a workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", no_workbook)
    monkeypatch.setattr(openpyxl.reader.excel, "load_workbook", no_workbook)
    before = Member.objects.count()
    item, text = confirm(client, item)
    assert (item.status, item.imported) == (ImportStatus.DONE, 3), item.message
    assert "Đã nhập 3 đảng viên" in text
    assert Member.objects.count() == before + 3
    fourth = Member.objects.get(party_card_number=rows[1]["party_card_number"])
    assert (fourth.official_on, fourth.residence_kind, fourth.birth_date) == (
        None,
        "temporary",
        rows[1]["birth_date"].date(),
    )
    fifth = Member.objects.get(party_card_number=rows[2]["party_card_number"])
    assert (fifth.residence_commune.code, fifth.residence_commune.edition) == (LONG_CHAU, "2025")  # the successor
    assert files(media) == []  # the kept rows are deleted once imported
    assert audit.verify().intact


def test_an_id_number_taken_between_the_preview_and_the_import_refuses_every_row_naming_the_row(cast, login, media):
    client = login(cast.finance_clerk)
    rows = [good_row(6), good_row(7), good_row(8)]
    item = checked(client, rows)
    fast = cast.member_factory(full_name="Người Nhanh Tay")
    Member.objects.filter(pk=fast.pk).update(national_id=rows[1]["national_id"])
    before = row_counts()
    item, text = confirm(client, item)
    assert item.status == ImportStatus.FAILED
    assert "Chưa nhập đảng viên nào. Dòng 3: Số định danh cá nhân này đã có trong hệ thống." in text
    assert row_counts() == before
    assert files(media) == []


def test_a_cell_dissolved_between_the_preview_and_the_import_refuses_every_row(cast, login):
    client = login(cast.finance_clerk)
    item = checked(client, [good_row(9), good_row(10)])
    Organisation.objects.filter(pk=cast.finance_cell.pk).update(valid_until=clock.today() - datetime.timedelta(days=1))
    before = row_counts()
    item, text = confirm(client, item)
    assert item.status == ImportStatus.FAILED
    assert "Chưa nhập đảng viên nào. Dòng 2, cột I (Chi bộ): chi bộ đã kiểm tra không còn hoạt động" in text
    assert row_counts() == before


def test_a_commune_ended_between_the_preview_and_the_import_refuses_every_row(cast, login):
    client = login(cast.finance_clerk)
    item = checked(client, [good_row(11, commune="29551"), good_row(12, commune="phu khuong")])
    AdministrativeUnit.objects.filter(code=LONG_CHAU, edition="2025").update(
        valid_until=clock.today() - datetime.timedelta(days=1)
    )
    before = row_counts()
    item, text = confirm(client, item)
    assert item.status == ImportStatus.FAILED
    assert "Dòng 2, cột K (Xã/phường/đặc khu nơi cư trú): Phường Long Châu, Tỉnh Vĩnh Long không còn hiệu lực" in text
    assert row_counts() == before


def test_a_clerk_whose_role_ended_after_the_preview_imports_nothing(cast, login):
    client = login(cast.finance_clerk)
    item = checked(client, [good_row(13)])
    RoleAssignment.objects.filter(user=cast.finance_clerk).update(
        valid_until=clock.today() - datetime.timedelta(days=1)
    )
    before = row_counts()
    service.begin_import(item)  # the screen would now refuse the hat; the background worker must refuse too
    item.refresh_from_db()
    assert item.status == ImportStatus.FAILED and item.message.startswith("Chưa nhập đảng viên nào. Dòng 2: ")
    assert row_counts() == before


def test_checked_rows_changed_on_disk_import_nothing(cast, login):
    client = login(cast.finance_clerk)
    item = checked(client, [good_row(14), good_row(15)])
    kept = item.checked_path
    kept.write_bytes(kept.read_bytes().replace(b"Nguy\xe1\xbb\x85n", b"Tr\xe1\xba\xa7n"))  # Nguyễn → Trần
    before = row_counts()
    item, text = confirm(client, item)
    assert item.status == ImportStatus.FAILED
    assert "đã bị thay đổi sau khi kiểm tra" in text
    assert row_counts() == before


def test_checked_rows_gone_import_nothing_and_say_to_upload_again(cast, login):
    client = login(cast.finance_clerk)
    item = checked(client, [good_row(16)])
    item.checked_path.unlink()
    item, text = confirm(client, item)
    assert item.status == ImportStatus.FAILED
    assert "Dữ liệu đã kiểm tra của tệp này không còn" in text and "Hãy tải tệp lên lại" in text


def test_a_file_with_errors_keeps_no_rows(cast, login, media):
    client = login(cast.finance_clerk)
    client.post(UPLOAD, {"file": SimpleUploadedFile("x.xlsx", xlsx([good_row(17), good_row(18, sex="Khác")]))})
    item = MemberImport.objects.get()
    assert item.status == ImportStatus.INVALID and not item.checked_digest
    assert files(media) == []


def test_an_import_left_unconfirmed_expires_and_its_rows_are_deleted(cast, login, media, settings):
    client = login(cast.finance_clerk)
    item = checked(client, [good_row(19)])
    with time_machine.travel(clock.now() + datetime.timedelta(days=settings.IMPORT_KEEP_DAYS, hours=1)):
        client = login(cast.finance_clerk)  # a week later: a new session
        client.post(UPLOAD, {"file": SimpleUploadedFile("y.xlsx", xlsx([good_row(20)]))})  # any upload expires it
        item.refresh_from_db()
        assert item.status == ImportStatus.EXPIRED
        assert not item.checked_path.exists()
        text = client.get(reverse("spreadsheets:import_status", args=[item.token])).content.decode()
        assert "Quá 7 ngày chưa nhập" in text
        before = row_counts()
        client.post(reverse("spreadsheets:import_confirm", args=[item.token]))  # does nothing
        item.refresh_from_db()
        assert item.status == ImportStatus.EXPIRED and row_counts() == before


@pytest.mark.django_db
def test_expire_imports_command_expires_only_what_is_past_its_days(cast, login, settings):
    from django.core.management import call_command

    client = login(cast.finance_clerk)
    item = checked(client, [good_row(21)])
    call_command("expire_imports")
    item.refresh_from_db()
    assert item.status == ImportStatus.READY and item.checked_path.exists()
    with time_machine.travel(clock.now() + datetime.timedelta(days=settings.IMPORT_KEEP_DAYS + 1)):
        call_command("expire_imports")
    item.refresh_from_db()
    assert item.status == ImportStatus.EXPIRED and not item.checked_path.exists()
