"""Residence committee: letters to receive — receive and assign a cell, one or many at once."""

import datetime
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from books import actions
from books.models import Event, IntroductionLetter, LetterStatus, ResidenceRegisterEntry
from tests.cast import PASSWORD, PHU_KHUONG
from tests.web.residence_rows import TODAY, body, bulk_members, secrets_of


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY):
        yield


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def url():
    return reverse("residence:letters")


def issued(cast, member=None, *, line=None):
    member = member or cast.member
    if line is not None:
        member.residence_line = line
        member.save(update_fields=["residence_line"])
    with time_machine.travel(datetime.date(2026, 11, 2)):
        return actions.issue_letter(member, by=cast.finance_clerk)


def test_the_committee_sees_each_letter_with_member_address_issuer_number_and_date(client, cast):
    letter = issued(cast)
    login(client, cast.lc_clerk)
    response = client.get(url())
    assert response.status_code == 200
    page = body(response)
    for text in (
        "Nguyễn Văn An",
        letter.residence_line,
        "Đảng ủy Sở Tài chính",
        f"Số {letter.display_number}",
        "02/11/2026",
        "Chi bộ Phòng Ngân sách, Đảng ủy Sở Tài chính",
        "Tiếp nhận và phân công",
    ):
        assert text in page, text


def test_the_cell_is_guessed_from_the_address_line(client, cast):
    in_k2 = issued(cast, cast.member_factory(), line="Số 5, hẻm 3, Khóm 2")
    nowhere = issued(cast, cast.member_factory(), line="Số 9, đường 30/4, Khóm 12")
    login(client, cast.lc_secretary)
    form = client.get(url()).context["form"]
    assert form[f"o_{in_k2.pk}"].value() == str(cast.lc_cell_2.pk)
    # "Khóm 12" is not "Khóm 1": no guess rather than a wrong one
    assert form[f"o_{nowhere.pk}"].value() == ""
    assert form[f"ngay_{in_k2.pk}"].value() == datetime.date(2026, 11, 27)


def test_receiving_a_letter_assigns_the_cell_and_enters_the_register(client, cast):
    letter = issued(cast)
    login(client, cast.lc_clerk)
    with mock.patch.object(actions, "confirm_letters", wraps=actions.confirm_letters) as spy:
        response = client.post(
            url(), {"chon": [letter.pk], f"o_{letter.pk}": cast.lc_cell_2.pk, f"ngay_{letter.pk}": "20/11/2026"}
        )
    assert response.status_code == 302 and response.url == url()
    assert spy.call_count == 1
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RECEIVED
    assert (letter.assigned_cell, letter.received_on) == (cast.lc_cell_2, datetime.date(2026, 11, 20))
    entry = ResidenceRegisterEntry.objects.get(member=cast.member, left_on__isnull=True)
    assert entry.cell == cast.lc_cell_2
    assert Event.objects.filter(verb="letter_received", object_id=str(letter.pk), actor=cast.lc_clerk).exists()
    page = body(client.get(url()))
    assert "Đã tiếp nhận 1 giấy giới thiệu" in page and "Nguyễn Văn An → Chi bộ Khóm 2" in page


def test_several_letters_are_received_at_once_each_with_its_own_cell_and_date(client, cast):
    first, second = issued(cast), issued(cast, cast.member_factory(full_name="Lê Văn Bình"))
    login(client, cast.lc_secretary)
    response = client.post(
        url(),
        {
            "chon": [first.pk, second.pk],
            f"o_{first.pk}": cast.lc_cell_1.pk,
            f"ngay_{first.pk}": "25/11/2026",
            f"o_{second.pk}": cast.lc_cell_2.pk,
            f"ngay_{second.pk}": "26/11/2026",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.assigned_cell, first.received_on) == (cast.lc_cell_1, datetime.date(2026, 11, 25))
    assert (second.assigned_cell, second.received_on) == (cast.lc_cell_2, datetime.date(2026, 11, 26))


def test_the_whole_page_can_be_received_with_the_guessed_cells(client, cast):
    letters = [issued(cast, cast.member_factory(), line=f"Số {i}, Khóm 1") for i in range(3)]
    login(client, cast.lc_clerk)
    form = client.get(url()).context["form"]
    data = {name: form[name].value() for name in form.fields if name.startswith(("o_", "ngay_"))}
    data = {k: (v.strftime("%d/%m/%Y") if isinstance(v, datetime.date) else v) for k, v in data.items()}
    response = client.post(url(), {**data, "tat_ca": "1"})
    assert response.status_code == 302
    assert {letter.assigned_cell for letter in IntroductionLetter.objects.filter(pk__in=[x.pk for x in letters])} == {
        cast.lc_cell_1
    }


def test_a_paper_letter_records_on_whose_behalf_it_was_entered(client, cast):
    letter = issued(cast)
    login(client, cast.lc_clerk)
    client.post(
        url(),
        {
            "chon": [letter.pk],
            f"o_{letter.pk}": cast.lc_cell_1.pk,
            f"ngay_{letter.pk}": "27/11/2026",
            "thay_cho": "Huỳnh Văn Sáu (ký trên giấy)",
        },
    )
    letter.refresh_from_db()
    assert letter.entered_on_behalf_of == "Huỳnh Văn Sáu (ký trên giấy)"


def test_a_refusal_names_the_letter_receives_none_and_keeps_what_was_typed(client, cast):
    early = issued(cast, cast.member_factory(full_name="Võ Thị Sớm"))
    fine = issued(cast)
    login(client, cast.lc_clerk)
    response = client.post(
        url(),
        {
            "chon": [early.pk, fine.pk],
            f"o_{early.pk}": cast.lc_cell_2.pk,
            f"ngay_{early.pk}": "01/11/2026",  # before the letter was signed (02/11)
            f"o_{fine.pk}": cast.lc_cell_1.pk,
            f"ngay_{fine.pk}": "26/11/2026",
            "thay_cho": "Bản giấy",
        },
    )
    assert response.status_code == 200
    page = body(response)
    assert "Võ Thị Sớm" in page and "Ngày tiếp nhận không thể trước ngày ký giấy giới thiệu" in page
    form = response.context["form"]
    assert form.errors[f"ngay_{early.pk}"] == ["Trước ngày ký giấy."]
    assert form[f"o_{early.pk}"].value() == str(cast.lc_cell_2.pk)
    assert form[f"ngay_{fine.pk}"].value() == "26/11/2026"
    assert form["thay_cho"].value() == "Bản giấy"
    assert 'value="26/11/2026"' in page
    # all or none: the good letter was not received either
    assert set(IntroductionLetter.objects.filter(pk__in=[early.pk, fine.pk]).values_list("status", flat=True)) == {
        LetterStatus.ISSUED
    }
    assert not ResidenceRegisterEntry.objects.exists()


def test_a_letter_received_meanwhile_by_a_colleague_is_named_in_the_refusal(client, cast):
    letter = issued(cast)
    login(client, cast.lc_clerk)
    actions.confirm_letter(letter, cell=cast.lc_cell_1, by=cast.lc_secretary)
    response = client.post(url(), {"chon": [letter.pk], f"o_{letter.pk}": cast.lc_cell_2.pk, f"ngay_{letter.pk}": ""})
    assert "Hãy nhập ngày tiếp nhận giấy của đồng chí Nguyễn Văn An" in body(response)
    response = client.post(
        url(), {"chon": [letter.pk], f"o_{letter.pk}": cast.lc_cell_2.pk, f"ngay_{letter.pk}": "27/11/2026"}
    )
    assert response.status_code == 200
    assert "Nguyễn Văn An" in body(response) and "không ở trạng thái chờ tiếp nhận" in body(response)
    letter.refresh_from_db()
    assert letter.assigned_cell == cast.lc_cell_1


def test_a_chosen_letter_without_a_cell_is_marked_on_its_row(client, cast):
    letter = issued(cast, line="Số 1, đường 2/9")
    login(client, cast.lc_clerk)
    response = client.post(url(), {"chon": [letter.pk], f"ngay_{letter.pk}": "27/11/2026"})
    assert response.status_code == 200
    assert response.context["form"].errors[f"o_{letter.pk}"] == ["Hãy chọn chi bộ cho đồng chí Nguyễn Văn An."]
    assert IntroductionLetter.objects.get(pk=letter.pk).status == LetterStatus.ISSUED


def test_choosing_nothing_says_what_to_do(client, cast):
    issued(cast)
    login(client, cast.lc_clerk)
    response = client.post(url(), {})
    assert "Hãy chọn ít nhất một giấy giới thiệu để tiếp nhận." in body(response)


def test_another_committees_letter_is_not_found(client, cast):
    elsewhere = cast.member_factory(commune_code=PHU_KHUONG)
    letter = issued(cast, elsewhere)
    login(client, cast.lc_clerk)
    assert "Trần Thị Thử" not in body(client.get(url()))
    response = client.post(url(), {"chon": [letter.pk], f"o_{letter.pk}": cast.lc_cell_1.pk})
    assert response.status_code == 404
    assert IntroductionLetter.objects.get(pk=letter.pk).status == LetterStatus.ISSUED
    login(client, cast.pk_secretary)
    assert elsewhere.full_name in body(client.get(url()))


@pytest.mark.parametrize(
    "who", ["finance_secretary", "finance_cell_secretary", "lc_cell_secretary", "board_officer", "member_user"]
)
def test_other_roles_may_not_use_the_page(client, cast, who):
    login(client, getattr(cast, who))
    assert client.get(url()).status_code == 403
    assert client.post(url(), {}).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, cast):
    response = client.get(url())
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_search_finds_names_without_diacritics_and_never_by_card_number(client, cast):
    issued(cast, cast.member_factory(full_name="Đặng Thị Ánh"))
    other = cast.member_factory(full_name="Lâm Văn Cường")
    issued(cast, other)
    login(client, cast.lc_clerk)
    page = body(client.get(url(), {"q": "dang thi anh"}))
    assert "Đặng Thị Ánh" in page and "Lâm Văn Cường" not in page
    assert "Lâm Văn Cường" not in body(client.get(url(), {"q": other.party_card_number}))


def test_an_e2_member_is_never_listed(client, cast):
    secret = bulk_members(cast, 1, letter_status=LetterStatus.ISSUED, exemption="E2", name="Hoàng Văn Mật")
    issued(cast)
    login(client, cast.lc_clerk)
    page = body(client.get(url()))
    assert "Nguyễn Văn An" in page
    assert "Hoàng Văn Mật" not in page
    letter = IntroductionLetter.objects.get(book__member=secret[0])
    response = client.post(url(), {"chon": [letter.pk], f"o_{letter.pk}": cast.lc_cell_1.pk})
    assert response.status_code == 404


def test_no_card_or_id_number_is_printed(client, cast):
    members = bulk_members(cast, 5, letter_status=LetterStatus.ISSUED)
    login(client, cast.lc_clerk)
    page = body(client.get(url()))
    assert members[0].full_name in page
    for secret in secrets_of(members):
        assert secret not in page


def _queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url()).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_runs_the_same_number_of_queries_for_10_or_200_letters(client, cast):
    login(client, cast.lc_clerk)
    bulk_members(cast, 10, letter_status=LetterStatus.ISSUED)
    few = _queries(client)
    bulk_members(cast, 190, letter_status=LetterStatus.ISSUED)
    many = _queries(client)
    assert few == many


def test_a_letter_with_a_large_id_is_received_from_the_page_as_rendered(client, cast):
    """Ids are printed without the Vietnamese thousands dot (1.974 is not 1974)."""
    letter = issued(cast)
    IntroductionLetter.objects.filter(pk=letter.pk).update(id=123456)
    login(client, cast.lc_clerk)
    page = body(client.get(url()))
    assert 'name="chon" value="123456"' in page
    response = client.post(url(), {"chon": ["123456"], "o_123456": cast.lc_cell_1.pk, "ngay_123456": "27/11/2026"})
    assert response.status_code == 302
    assert IntroductionLetter.objects.get(pk=123456).status == LetterStatus.RECEIVED
