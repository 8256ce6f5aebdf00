"""What the residence side never sees, on every one of its pages: an E2 member, a party-card
number, an ID number, a rating."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from books import actions
from books.models import CommentStatus, RatingLevel, ResidenceRegisterEntry
from tests.cast import PASSWORD, comment_at
from tests.web.residence_rows import TODAY, body, bulk_members, secrets_of

RATING_NOTE = "Ghi chú xếp loại chỉ nơi công tác được xem"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY):
        yield


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.fixture
def world(cast):
    """A member at every step of the year, a rating, and E2 members with letters and comments."""
    signed = comment_at(cast, CommentStatus.SIGNED)
    waiting = comment_at(cast, CommentStatus.REQUESTED, cast.member_factory(full_name="Lê Văn Bình"))
    certified = comment_at(cast, CommentStatus.CERTIFIED, cast.member_factory(full_name="Đỗ Thị Lan"))
    issued = cast.member_factory(full_name="Mai Văn Chờ")
    actions.issue_letter(issued, by=cast.finance_clerk)
    actions.record_rating(
        cast.book(cast.member), year=2025, level=RatingLevel.EXCELLENT, note=RATING_NOTE, by=cast.finance_secretary
    )
    visible = [cast.member, waiting.book.member, certified.book.member, issued]
    hidden = [
        *bulk_members(cast, 1, exemption="E2", comment_status=CommentStatus.SIGNED, name="Hoàng Văn Mật"),
        *bulk_members(cast, 1, exemption="E2", comment_status=CommentStatus.REQUESTED, name="Hoàng Văn Kín"),
        *bulk_members(cast, 1, exemption="E2", letter_status="issued", name="Hoàng Văn Giấu"),
    ]
    entry = ResidenceRegisterEntry.objects.get(member=cast.member, left_on__isnull=True)
    return {"signed": signed, "waiting": waiting, "entry": entry, "visible": visible, "hidden": hidden}


def committee_pages(cast, world):
    entry, signed, waiting = world["entry"], world["signed"], world["waiting"]
    return [
        reverse("home"),
        reverse("residence:letters"),
        reverse("residence:register"),
        reverse("residence:register") + "?da_roi=on",
        reverse("residence:reassign", args=[entry.pk]),
        reverse("residence:raise_notice", args=[entry.pk]),
        reverse("residence:comments"),
        reverse("residence:comments") + "?trang_thai=da_xac_nhan",
        reverse("residence:waiting"),
        reverse("residence:send_back", args=[signed.pk]),
        reverse("residence:paper_comment", args=[waiting.pk]),
        reverse("residence:cells"),
        reverse("residence:cell", args=[cast.lc_cell_1.pk]),
    ]


def cell_pages(cast, world):
    return [
        reverse("home"),
        reverse("cell:members"),
        reverse("cell:meeting"),
        reverse("cell:comments"),
        reverse("cell:comment", args=[world["waiting"].pk]),
        reverse("cell:comment", args=[world["signed"].pk]),
    ]


def check(client, urls, world, *, shows):
    everything = ""
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = body(response)
        everything += page
        for secret in secrets_of(world["visible"] + world["hidden"]):
            assert secret not in page, (url, secret)
        for member in world["hidden"]:
            assert member.full_name not in page, (url, member.full_name)
        assert RatingLevel.EXCELLENT.label not in page and RATING_NOTE not in page, url
    for name in shows:
        assert name in everything


def test_the_committee_pages_never_show_e2_members_card_or_id_numbers_or_ratings(client, cast, world):
    login(client, cast.lc_clerk)
    check(
        client,
        committee_pages(cast, world),
        world,
        shows=["Nguyễn Văn An", "Lê Văn Bình", "Đỗ Thị Lan", "Mai Văn Chờ"],
    )


def test_the_cell_pages_never_show_e2_members_card_or_id_numbers_or_ratings(client, cast, world):
    actions.record_meeting(
        cast.lc_cell_1,
        held_on=datetime.date(2026, 11, 20),
        attendance={cast.member.pk: True},
        by=cast.lc_cell_secretary,
    )
    login(client, cast.lc_cell_secretary)
    check(client, cell_pages(cast, world), world, shows=["Nguyễn Văn An", "Lê Văn Bình"])


# --------------------------------------------------------------------------- API, Excel and PDF


def api_urls(world):
    hidden = world["hidden"][0]
    return [
        "/api/v1/members",
        f"/api/v1/members/{world['visible'][0].pk}",
        "/api/v1/members?q=86",
        "/api/v1/letters",
        "/api/v1/comments",
        f"/api/v1/comments/{world['signed'].pk}",
        "/api/v1/register",
        "/api/v1/notices",
        "/api/v1/meetings",
        "/api/v1/books",
        f"/api/v1/members/{hidden.pk}",
    ]


def xlsx_text(content):
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for value in row if value
    )


def pdf_text(content, tmp_path):
    import subprocess

    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return " ".join(text.split())  # a name may wrap in a table cell


def assert_nothing_secret(text, world, where):
    for secret in secrets_of(world["visible"] + world["hidden"]):
        assert secret not in text, (where, secret)
    for member in world["hidden"]:
        assert member.full_name not in text, (where, member.full_name)
    assert RatingLevel.EXCELLENT.label not in text and RATING_NOTE not in text, where


@pytest.mark.parametrize("who", ["lc_clerk", "lc_cell_secretary"])
def test_the_api_never_gives_the_residence_side_e2_members_card_or_id_numbers_or_ratings(client, cast, world, who):
    login(client, getattr(cast, who))
    everything = ""
    for url in api_urls(world):
        response = client.get(url)
        if url.endswith(f"/members/{world['hidden'][0].pk}"):
            assert response.status_code == 404, url  # an E2 member does not exist for the residence side
            continue
        assert response.status_code == 200, (url, response.content[:200])
        text = response.content.decode("unicode_escape").encode("latin-1").decode()
        everything += text
        assert_nothing_secret(text, world, url)
        assert "national_id" not in text and "party_card_number" not in text, url
    assert "Nguyễn Văn An" in everything


def test_the_residence_exports_and_pdfs_never_show_e2_members_card_or_id_numbers_or_ratings(
    client, cast, world, tmp_path
):
    login(client, cast.lc_clerk)
    register = client.get(reverse("spreadsheets:register"))
    assert register.status_code == 200
    text = xlsx_text(register.content)
    assert_nothing_secret(text, world, "spreadsheets:register")
    assert "Nguyễn Văn An" in text
    pdfs = [reverse("documents:register"), reverse("documents:comment", args=[world["signed"].pk])]
    for url in pdfs:
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", url
        text = pdf_text(response.content, tmp_path)
        assert_nothing_secret(text, world, url)
        assert "Nguyễn Văn An" in text or "NGUYỄN VĂN AN" in text, url
