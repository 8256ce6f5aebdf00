"""Numbers in query strings and posts that are not ids (superscript digits, Arabic-Indic digits,
numbers beyond a bigint) name nothing: the page answers as for an unknown id, never with a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.web.test_residence_comments import login
from web.common import to_id

ODD = ["²", "٣", "-1", "0", "99999999999999999999999", " 12 ", "1e3", ""]


def test_to_id_takes_ascii_digits_within_a_bigint_only():
    assert to_id("12") == 12
    assert to_id(" 12 ") == 12
    assert to_id(12) == 12
    assert to_id(2**63 - 1) == 2**63 - 1
    for value in ["²", "٣", "-1", "0", str(2**63), "1e3", "", None, "12a"]:
        assert to_id(value) is None, value


@pytest.mark.parametrize("value", ODD)
def test_the_residence_comment_list_filtered_by_an_odd_cell_is_not_a_server_error(client, cast, value):
    login(client, cast.lc_clerk)
    assert client.get(reverse("residence:comments"), {"chi_bo": value}).status_code == 200


@pytest.mark.parametrize("value", ODD)
def test_the_commune_search_of_the_address_change_is_not_a_server_error(client, cast, value):
    login(client, cast.member_user)
    response = client.get(reverse("member:commune_search"), {"commune_search": "long", "commune": value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["²", "99999999999999999999999"])
def test_bulk_certifying_odd_ids_is_not_found(client, cast, value):
    login(client, cast.lc_secretary)
    response = client.post(reverse("residence:comments_bulk"), {"chon": [value], "viec": "xac_nhan"})
    assert response.status_code == 404
