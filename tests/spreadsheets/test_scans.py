"""Scans on the screens: the upload form of a letter or comment, the list on the member page, downloads."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from books import actions
from books.models import Attachment, Event
from tests.cast import comment_at, introduce

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"0" * 64


@pytest.fixture
def letter(cast):
    with time_machine.travel(datetime.date(2026, 1, 10)):
        return introduce(cast, cast.member)


def scan_file(content=PDF, name="giay.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_workplace_clerk_attaches_a_scan_from_the_letter_page(cast, letter, login):
    client = login(cast.finance_clerk)
    url = reverse("scans:attach", args=["giay-gioi-thieu", letter.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": scan_file(PNG, "ảnh chụp.pdf")})
    assert response.status_code == 302
    scan = Attachment.objects.get()
    assert (scan.letter, scan.content_type, scan.original_name) == (letter, "image/png", "ảnh chụp.pdf")
    assert Event.objects.filter(verb="scan_attached").count() == 1
    page = client.get(reverse("workplace:member", args=[cast.member.pk]))
    assert "ảnh chụp.pdf" in page.content.decode()
    assert reverse("scans:download", args=[scan.pk]) in page.content.decode()
    assert "Đính kèm bản quét giấy tờ" in page.content.decode()  # the event on the timeline


def test_a_refused_upload_says_why_and_stores_nothing(cast, letter, login, media):
    client = login(cast.finance_clerk)
    url = reverse("scans:attach", args=["giay-gioi-thieu", letter.pk])
    response = client.post(url, {"file": scan_file(b"<html><script>alert(1)</script>", "giay.pdf")})
    assert response.status_code == 400
    assert "không phải bản quét PDF, JPEG hoặc PNG" in response.content.decode()
    assert not Attachment.objects.exists()
    assert not Event.objects.filter(verb="scan_attached").exists()


def test_the_residence_clerk_attaches_the_scan_of_a_paper_comment(cast, login):
    request = comment_at(cast, "requested")
    client = login(cast.lc_clerk)
    page = client.get(reverse("residence:paper_comment", args=[request.pk]))
    url = reverse("scans:attach", args=["nhan-xet", request.pk])
    assert url in page.content.decode()
    assert client.post(url, {"file": scan_file()}).status_code == 302
    assert Attachment.objects.get().comment == request


def test_download_is_an_attachment_with_the_checked_type_and_no_sniffing(cast, letter, login):
    scan = actions.attach_scan(letter, upload=scan_file(PNG, "giay.pdf"), by=cast.finance_clerk)
    response = login(cast.finance_clerk).get(reverse("scans:download", args=[scan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="giay.png"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PNG


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("finance_secretary", 200),
        ("finance_cell_secretary", 200),
        ("lc_clerk", 200),
        ("lc_cell_secretary", 200),
        ("board_officer", 200),
        ("health_secretary", 404),
        ("pk_secretary", 404),
        ("member_user", 403),
        ("outsider", 403),
    ],
)
def test_download_follows_who_sees_the_document(cast, letter, login, who, status):
    scan = actions.attach_scan(letter, upload=scan_file(), by=cast.finance_clerk)
    assert login(getattr(cast, who)).get(reverse("scans:download", args=[scan.pk])).status_code == status


@pytest.mark.parametrize(
    ("who", "status"), [("health_secretary", 404), ("finance_cell_secretary", 403), ("board_officer", 403)]
)
def test_the_upload_form_is_for_the_committees_holding_the_document(cast, letter, login, who, status):
    url = reverse("scans:attach", args=["giay-gioi-thieu", letter.pk])
    client = login(getattr(cast, who))
    assert client.get(url).status_code == status
    assert client.post(url, {"file": scan_file()}).status_code == status
    assert not Attachment.objects.exists()


def test_the_residence_side_never_reaches_a_draft_letter(cast, login):
    draft = actions.prepare_letter(cast.member, by=cast.finance_clerk)
    client = login(cast.lc_clerk)
    assert client.get(reverse("scans:attach", args=["giay-gioi-thieu", draft.pk])).status_code == 404
