"""Each screen shows its print button, pointing at the print view of the same object."""

import pytest
import time_machine
from django.urls import reverse

from books.models import CommentStatus
from tests.cast import PASSWORD, comment_at
from tests.web.residence_rows import TODAY


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY):
        yield


def page(client, user, url):
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 200, url
    client.logout()
    return response.content.decode()


def test_every_screen_links_to_its_print(client, cast):
    comment = comment_at(cast, CommentStatus.CERTIFIED)
    book = cast.book(cast.member)
    letter = book.letters.get()
    member_page = page(client, cast.finance_clerk, reverse("workplace:member", args=[cast.member.pk]))
    for url in (
        reverse("documents:book", args=[book.pk]),
        reverse("documents:letter", args=[letter.pk]),
        reverse("documents:comment", args=[comment.pk]),
    ):
        assert f'href="{url}"' in member_page, url
    review = page(client, cast.finance_clerk, reverse("workplace:review"))
    assert reverse("documents:letters_of_year") + "?nam=2026" in review and reverse("documents:blanks") in review
    register = page(client, cast.lc_clerk, reverse("residence:register") + "?q=an")
    assert reverse("documents:register") + "?q=an" in register
    certified = page(client, cast.lc_clerk, reverse("residence:comments") + "?trang_thai=da_xac_nhan")
    assert reverse("documents:comment", args=[comment.pk]) in certified
    for name in ("board:communes", "board:workplaces"):
        assert reverse("documents:report") in page(client, cast.board_officer, reverse(name))
    assert reverse("documents:book", args=[book.pk]) in page(client, cast.member_user, reverse("member:book"))
    blanks = page(client, cast.lc_clerk, reverse("documents:blanks"))
    assert reverse("documents:blank", args=["1-213"]) in blanks and reverse("documents:blank", args=["3-213"]) in blanks
