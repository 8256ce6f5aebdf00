"""attach_scan: a clerk attaches the scan of a paper form (1-213 letter, 3-213 comment).

The type is read from the file's first bytes, never from its name; one event per scan.
"""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from books import actions
from books.errors import InvalidInput, NotAllowed
from books.models import Attachment, Event, ScanType
from members.models import Exemption
from tests.cast import check_event, comment_at, introduce, recording, refused

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
PDF = b"%PDF-1.7\n" + b"1 0 obj\n<<>>\nendobj\n" * 10


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SCAN_MAX_BYTES = 1_000
    return tmp_path


def upload(content: bytes, name: str = "phieu.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def letter(cast):
    with time_machine.travel(datetime.date(2026, 1, 10)):
        return introduce(cast, cast.member)


def test_a_png_named_pdf_is_stored_as_a_png(cast, letter, media):
    scan = actions.attach_scan(letter, upload=upload(PNG, "giay-gioi-thieu.pdf"), by=cast.finance_clerk)

    scan.refresh_from_db()
    assert scan.content_type == ScanType.PNG
    assert scan.file.name.endswith(".png") and scan.file.name.startswith("scans/2026/")
    assert "giay-gioi-thieu" not in scan.file.name  # the stored name never comes from the uploader
    assert scan.original_name == "giay-gioi-thieu.pdf"
    assert scan.download_name == "giay-gioi-thieu.png"
    assert scan.size == len(PNG)
    assert (media / scan.file.name).read_bytes() == PNG
    assert scan.letter == letter and scan.comment is None


@pytest.mark.parametrize(("content", "kind"), [(PDF, ScanType.PDF), (JPEG, ScanType.JPEG), (PNG, ScanType.PNG)])
def test_pdf_jpeg_and_png_are_recognised_by_content(cast, letter, content, kind):
    scan = actions.attach_scan(
        letter, upload=upload(content, "scan.bin", "application/octet-stream"), by=cast.finance_clerk
    )
    assert scan.content_type == kind


def test_one_event_records_each_scan(cast, letter):
    with recording() as events:
        scan = actions.attach_scan(letter, upload=upload(PDF, r"C:\Scans\Giấy GT.pdf"), by=cast.finance_clerk)
    (event,) = events
    check_event(
        event,
        verb="scan_attached",
        by=cast.finance_clerk,
        role="clerk",
        org=cast.finance,
        obj=letter,
        member=cast.member,
        book=cast.book(cast.member),
    )
    assert event.data == {"attachment": scan.pk, "name": "Giấy GT.pdf", "type": "application/pdf", "size": len(PDF)}


def test_a_text_file_named_pdf_is_refused(cast, letter, media):
    with refused(InvalidInput, "không phải bản quét PDF, JPEG hoặc PNG", letter):
        actions.attach_scan(letter, upload=upload(b"Hello, this is not a scan\n", "phieu.pdf"), by=cast.finance_clerk)
    assert not Attachment.objects.exists()
    assert not any(media.rglob("*.*"))


def test_an_oversize_scan_is_refused_with_the_limit(cast, letter, media):
    with refused(InvalidInput, r"quá lớn \(0,0 MB\); giới hạn là 0,0 MB", letter):
        actions.attach_scan(letter, upload=upload(PDF + b"x" * 1_000), by=cast.finance_clerk)
    assert not any(media.rglob("*.*"))


def test_an_empty_file_is_refused(cast, letter):
    with refused(InvalidInput, "Tệp rỗng", letter):
        actions.attach_scan(letter, upload=upload(b""), by=cast.finance_clerk)


def test_the_residence_clerk_attaches_the_scan_of_a_paper_comment(cast):
    request = comment_at(cast, "signed")
    with recording() as events:
        scan = actions.attach_scan(request, upload=upload(JPEG, "phieu-3-213.jpg"), by=cast.lc_clerk)
    assert scan.comment == request and scan.letter is None
    (event,) = events
    assert (event.verb, event.actor_org, event.object_id) == ("scan_attached", cast.long_chau, str(request.pk))


@pytest.mark.parametrize(
    "who", ["outsider", "member_user", "board_officer", "finance_cell_secretary", "health_secretary", "pk_secretary"]
)
def test_only_the_committees_holding_the_document_may_attach(cast, letter, who):
    with refused(NotAllowed, "không có quyền", letter):
        actions.attach_scan(letter, upload=upload(PDF), by=getattr(cast, who))


def test_the_residence_side_cannot_attach_to_a_draft_letter(cast):
    draft = actions.prepare_letter(cast.member, by=cast.finance_clerk)
    with refused(NotAllowed, "không có quyền", draft):
        actions.attach_scan(draft, upload=upload(PDF), by=cast.lc_clerk)
    assert actions.attach_scan(draft, upload=upload(PDF), by=cast.finance_clerk).letter == draft


def test_the_residence_side_never_attaches_for_an_e2_member(cast, letter):
    actions.set_exemption(cast.member, exemption=Exemption.E2, reason="Nhiệm vụ đặc biệt", by=cast.finance_clerk)
    letter.refresh_from_db()
    with refused(NotAllowed, "không có quyền"):
        actions.attach_scan(letter, upload=upload(PDF), by=cast.lc_clerk)


def test_a_refused_scan_leaves_no_event(cast, letter):
    before = Event.objects.count()
    with pytest.raises(InvalidInput):
        actions.attach_scan(letter, upload=upload(b"GIF89a" + b"\x00" * 20), by=cast.finance_clerk)
    assert Event.objects.count() == before
