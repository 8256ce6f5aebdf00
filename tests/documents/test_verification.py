"""The public verification page: kind, number and date, issuer, still valid or not, initials only."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from books import actions
from books.models import CommentStatus
from documents.models import Verification
from documents.verification import ALPHABET, codes_for, printed
from tests.cast import PHU_KHUONG, comment_at, commune, introduce
from tests.web.residence_rows import TODAY


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY):
        yield


def page(client, code):
    return client.get(reverse("documents:verify", args=[code]))


def text_of(response):
    return " ".join(response.content.decode().split())


def test_a_printed_letter_gets_one_random_code_that_never_changes(cast):
    letter = introduce(cast, cast.member)
    first = codes_for([letter])[letter.pk]
    assert re.fullmatch(f"[{ALPHABET}]{{10}}", first)  # 10 × 5 bits = 50 random bits
    assert codes_for([letter])[letter.pk] == first
    assert Verification.objects.count() == 1
    other = introduce(cast, cast.member_factory())
    assert codes_for([other])[other.pk] != first


def test_the_page_says_kind_number_date_issuer_validity_and_only_initials(client, cast):
    letter = introduce(cast, cast.member, received_on=datetime.date(2026, 1, 10))
    code = codes_for([letter])[letter.pk]
    response = page(client, printed(code))  # anonymous: no login needed
    assert response.status_code == 200
    body = text_of(response)
    assert "Giấy giới thiệu đảng viên đang công tác về nơi cư trú (mẫu 1-213)" in body
    assert f"Số {letter.display_number}" in body and "ngày 10/01/2026" in body
    assert "Đảng ủy Sở Tài chính" in body and "Còn hiệu lực" in body
    assert "N.V.A." in body
    member = cast.member
    for private in (member.full_name, member.party_card_number, member.national_id, member.residence_line, "1985"):
        assert private not in body


def test_a_letter_superseded_by_a_move_is_no_longer_valid(client, cast):
    letter = introduce(cast, cast.member)
    code = codes_for([letter])[letter.pk]
    assert "Còn hiệu lực" in text_of(page(client, code))
    actions.change_residence(cast.member, commune=commune(PHU_KHUONG), line="Số 9, Khu phố 3", by=cast.finance_clerk)
    body = text_of(page(client, code))
    assert "không còn hiệu lực" in body.lower() and "Còn hiệu lực" not in body


def test_a_withdrawn_letter_is_no_longer_valid(client, cast):
    letter = introduce(cast, cast.member)
    code = codes_for([letter])[letter.pk]
    actions.withdraw_letter(letter, reason="Ký nhầm", by=cast.finance_secretary)
    assert "Không còn hiệu lực — giấy giới thiệu đã bị thu hồi." in text_of(page(client, code))


def test_a_returned_comment_is_valid_and_names_both_committees(client, cast):
    request = comment_at(cast, CommentStatus.RETURNED)
    body = text_of(page(client, codes_for([request])[request.pk]))
    assert "Phiếu xin ý kiến nhận xét của chi ủy nơi cư trú (mẫu 3-213)" in body
    assert "Năm 2026" in body and "Còn hiệu lực" in body
    assert "Đảng ủy Sở Tài chính" in body and "Đảng ủy phường Long Châu" in body
    assert "Gương mẫu" not in body  # never the comment itself


def test_a_code_typed_by_hand_is_found_in_lower_case_without_the_dash(client, cast):
    letter = introduce(cast, cast.member)
    code = codes_for([letter])[letter.pk]
    assert page(client, code.lower()).status_code == 200
    response = client.get(reverse("documents:verify_form"), {"ma": code.lower()})
    assert response.status_code == 302 and response["Location"] == reverse("documents:verify", args=[printed(code)])


def test_a_wrong_code_is_a_plain_404_in_vietnamese(client, cast):
    response = page(client, "ABCDE-FGHJK")
    assert response.status_code == 404
    assert "Không tìm thấy mã xác minh" in text_of(response)
