"""Vietnamese text: NFC everywhere, search without diacritics, names sorted the Vietnamese way."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from members.models import Member
from orgs.text import fold, name_sort_key, nfc


def test_nfc_joins_decomposed_letters_and_collapses_spaces():
    decomposed = unicodedata.normalize("NFD", "  Nguyễn   Văn  Ộ ")
    assert nfc(decomposed) == "Nguyễn Văn Ộ"
    assert nfc(None) == ""


def test_fold_drops_tones_and_marks_and_turns_d_stroke_into_d():
    assert fold("Nguyễn Văn Đức") == "nguyen van duc"
    assert fold(unicodedata.normalize("NFD", "Trương Thị Ánh")) == "truong thi anh"


def test_names_sort_by_given_then_middle_then_family_name():
    names = ["Trần Văn Bình", "Lê An", "Nguyễn Văn An", "Phạm Thị Ánh", "Võ Anh"]
    assert sorted(names, key=name_sort_key) == ["Lê An", "Nguyễn Văn An", "Võ Anh", "Phạm Thị Ánh", "Trần Văn Bình"]


def test_d_stroke_comes_after_d_and_the_marked_vowels_after_the_plain_ones():
    assert sorted(["Lê Đào", "Lê Dung", "Lê Duy"], key=name_sort_key) == ["Lê Dung", "Lê Duy", "Lê Đào"]
    assert sorted(["Hồ Ân", "Hồ Ăn", "Hồ An"], key=name_sort_key) == ["Hồ An", "Hồ Ăn", "Hồ Ân"]
    assert sorted(["Mai Ưng", "Mai Uyên"], key=name_sort_key) == ["Mai Uyên", "Mai Ưng"]


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạ ", min_size=1, max_size=30))
def test_the_key_is_the_same_for_composed_and_decomposed_input(name):
    assert name_sort_key(unicodedata.normalize("NFD", name)) == name_sort_key(name)


def test_members_are_found_without_diacritics_by_name_card_or_id(cast):
    member = cast.member_factory(full_name=unicodedata.normalize("NFD", "Đỗ Thị Ngọc Ánh"))
    assert member.full_name == "Đỗ Thị Ngọc Ánh"  # stored NFC
    assert list(Member.objects.search("do thi ngoc anh")) == [member]
    assert list(Member.objects.search("ĐỖ THỊ")) == [member]
    assert list(Member.objects.search(member.party_card_number)) == [member]
    assert list(Member.objects.search(member.national_id[-6:])) == [member]
    assert not Member.objects.search("ngoc anh x").exists()


def test_member_lists_come_in_vietnamese_order(cast):
    for name in ["Trần Văn Bình", "Lê Thị Đào", "Phạm Văn Dũng"]:
        cast.member_factory(full_name=name)
    names = list(Member.objects.vietnamese_order().values_list("full_name", flat=True))
    assert names == ["Nguyễn Văn An", "Trần Văn Bình", "Phạm Văn Dũng", "Lê Thị Đào"]
