"""Each print view lets in exactly whom its screen lets in: another committee's object is a 404,
a wrong hat a 403, an anonymous visitor goes to the login page. (What the allowed prints say is
in test_printed.py; these requests are refused before anything is rendered.)"""

import pytest
import time_machine
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from books.models import CommentStatus
from tests.cast import PASSWORD, comment_at, introduce
from tests.web.residence_rows import TODAY


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY):
        yield


def as_user(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def letter(cast):
    return introduce(cast, cast.member)


def test_anonymous_visitors_are_sent_to_the_login_page(client, cast, letter):
    book = cast.book(cast.member)
    for url in (
        reverse("documents:letter", args=[letter.pk]),
        reverse("documents:book", args=[book.pk]),
        reverse("documents:register"),
        reverse("documents:report"),
        reverse("documents:blank", args=["1-213"]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL) + "?next=")


def test_another_workplace_committee_gets_404_for_a_letter_a_comment_and_a_book(client, cast, letter):
    comment = comment_at(cast, CommentStatus.RETURNED)
    as_user(client, cast.health_secretary)
    for url in (
        reverse("documents:letter", args=[letter.pk]),
        reverse("documents:comment", args=[comment.pk]),
        reverse("documents:book", args=[cast.book(cast.member).pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_another_residence_committee_gets_404_for_a_comment(client, cast):
    comment = comment_at(cast, CommentStatus.SIGNED)
    as_user(client, cast.pk_secretary)
    assert client.get(reverse("documents:comment", args=[comment.pk])).status_code == 404


def test_the_residence_side_may_not_print_letters_books_or_the_batch(client, cast, letter):
    as_user(client, cast.lc_clerk)
    assert client.get(reverse("documents:letter", args=[letter.pk])).status_code == 403
    assert client.get(reverse("documents:book", args=[cast.book(cast.member).pk])).status_code == 403
    assert client.get(reverse("documents:letters_of_year")).status_code == 403


def test_the_register_is_the_residence_committees_and_the_report_the_boards(client, cast):
    as_user(client, cast.finance_clerk)
    assert client.get(reverse("documents:register")).status_code == 403
    assert client.get(reverse("documents:report")).status_code == 403
    client.logout()
    as_user(client, cast.board_officer)
    assert client.get(reverse("documents:register")).status_code == 403


def test_a_member_prints_their_own_book_but_never_another_members(client, cast):
    other = cast.member_factory(full_name="Lê Thị Khác")
    as_user(client, cast.member_user)
    assert client.get(reverse("documents:book", args=[cast.book(other).pk])).status_code == 404
    assert client.get(reverse("documents:letters_of_year")).status_code == 403


def test_a_user_without_any_role_cannot_print_even_a_blank_form(client, cast):
    as_user(client, cast.outsider)
    assert client.get(reverse("documents:blank", args=["1-213"])).status_code == 403


def test_an_unknown_blank_form_is_404(client, cast):
    as_user(client, cast.finance_clerk)
    assert client.get(reverse("documents:blank", args=["9-213"])).status_code == 404


def test_a_year_without_letters_says_so_instead_of_an_empty_pdf(client, cast):
    as_user(client, cast.finance_clerk)
    response = client.get(reverse("documents:letters_of_year"), {"nam": "2024"})
    assert response.status_code == 404
    assert "chưa ký giấy giới thiệu nào" in response.content.decode()
