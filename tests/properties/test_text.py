"""The text helpers and the number validators on any input: NFC and NFD give the same stored text
and the same search key; validators only ever say, in Vietnamese, what is wrong."""

from __future__ import annotations

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from members.models import Member, Sex, validate_national_id, validate_party_card
from orgs.text import fold, name_sort_key, nfc
from tests.cast import national_id_for
from tests.properties.strategies import FAST, dates, names, typed, vietnamese

anything = st.text() | typed


@FAST
@given(text=anything)
def test_nfc_is_idempotent_and_the_same_for_decomposed_input(text):
    assert nfc(nfc(text)) == nfc(text)
    assert nfc(unicodedata.normalize("NFD", text)) == nfc(text)
    assert unicodedata.is_normalized("NFC", nfc(text))
    assert nfc(text) == nfc(text).strip()


@FAST
@given(text=anything)
def test_fold_and_the_sort_key_ignore_the_normal_form_and_never_raise(text):
    decomposed = unicodedata.normalize("NFD", text)
    assert fold(decomposed) == fold(text)
    assert not any(unicodedata.combining(ch) for ch in fold(text))
    key = name_sort_key(text)
    assert key == name_sort_key(decomposed)
    assert key.isdigit() or key == ""


@FAST
@given(value=anything, sex=st.sampled_from([None, Sex.MALE, Sex.FEMALE]), born=st.none() | dates)
def test_the_cccd_and_card_validators_raise_only_a_vietnamese_validation_error(value, sex, born):
    with translation.override("vi"):
        checks = (lambda: validate_national_id(value, sex=sex, birth_date=born), lambda: validate_party_card(value))
        for check in checks:
            try:
                check()
            except ValidationError as error:
                assert all(vietnamese(m) for m in error.messages)
            else:
                assert value.isascii() and value.isdigit()


@FAST
@given(sex=st.sampled_from([Sex.MALE, Sex.FEMALE]), born=dates, serial=st.integers(0, 999_999))
def test_a_well_formed_cccd_is_accepted(sex, born, serial):
    validate_national_id(national_id_for(sex, born, serial), sex=sex, birth_date=born)


@pytest.mark.django_db
@FAST
@given(name=names.filter(lambda s: len(nfc(s)) >= 2))
def test_a_name_typed_decomposed_is_stored_composed_and_found_the_same_way(cast, name):
    member = cast.member_factory(full_name=unicodedata.normalize("NFD", name))
    member.refresh_from_db()
    assert member.full_name == nfc(name)
    assert member.sort_key == name_sort_key(name)
    assert Member.objects.search(name).filter(pk=member.pk).exists()
    assert Member.objects.search(unicodedata.normalize("NFD", name)).filter(pk=member.pk).exists()
