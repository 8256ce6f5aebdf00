"""Vietnamese text helpers: NFC normalisation, diacritic-free search keys, name sort keys, and
ids typed or posted as text."""

import functools
import re
import unicodedata
from typing import Any

_SPACES = re.compile(r"\s+")

# The Vietnamese alphabet in order; đ comes after d, ă and â after a, and so on.
ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
# Ranks start at 10 so that "00" (end of a name part) and "01" (between words) sort first.
_LETTER_RANK = {letter: rank for rank, letter in enumerate(ALPHABET, start=10)}
# Dictionary order of the tones: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Combining marks that make a base letter of the alphabet rather than a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)


def nfc(value: str | None) -> str:
    """NFC-normalise, trim and collapse inner whitespace; None becomes ''."""
    if not value:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def fold(value: str | None) -> str:
    """Lower-case, diacritic-free form for search: 'Nguyễn Văn Đức' -> 'nguyen van duc'."""
    text = nfc(value).lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _letter_and_tone(char: str) -> tuple[str, str]:
    """Split one NFC character into its alphabet letter (NFC) and its tone mark."""
    decomposed = unicodedata.normalize("NFD", char)
    base = decomposed[0]
    marks = decomposed[1:]
    letter_marks = "".join(m for m in marks if m in _LETTER_MARKS)
    tone = "".join(m for m in marks if m in _TONE_RANK)
    return unicodedata.normalize("NFC", base + letter_marks), tone


# Names repeat their words (Nguyễn, Thị, Văn, …): a bulk import sorts 100,000 names in a few.
@functools.lru_cache(maxsize=65536)
def _word_key(word: str) -> tuple[str, str]:
    primary: list[str] = []
    tones: list[str] = []
    for char in nfc(word).lower():
        letter, tone = _letter_and_tone(char)
        rank = _LETTER_RANK.get(letter)
        if rank is None:
            # Letters outside the Vietnamese alphabet (f, j, w, z) and digits sort after y.
            rank = 40 + (ord(letter) % 50) if letter.isalnum() else 99
        primary.append(f"{rank:02d}")
        tones.append(str(_TONE_RANK.get(tone, 0)))
    return "".join(primary), "".join(tones)


def name_sort_key(full_name: str) -> str:
    """A digits-only key that sorts names the Vietnamese way in any database collation.

    Order: given name (last word), then middle names, then family name (first word); letters
    in alphabet order (d < đ, a < ă < â), tones only as the tie-breaker: An < Anh < Ánh < Ăn.
    """
    words = nfc(full_name).split(" ")
    if not words or words == [""]:
        return ""
    given, middle, family = words[-1], words[1:-1], words[0] if len(words) > 1 else ""
    parts = [given, " ".join(middle), family]
    primary_parts: list[str] = []
    tone_parts: list[str] = []
    for part in parts:
        word_primary: list[str] = []
        for word in part.split(" ") if part else []:
            p, t = _word_key(word)
            word_primary.append(p)
            tone_parts.append(t)
        # "01" separates words inside a part; "00" ends a part: both sort before any letter.
        primary_parts.append("01".join(word_primary))
    return "00".join(primary_parts) + "00" + "".join(tone_parts)


# The largest id a row can have (PostgreSQL bigint): a larger number names nothing.
MAX_ID = 2**63 - 1


def to_id(value: Any) -> int | None:
    """A posted or queried id as a number, or None when it cannot name a row: only ASCII digits
    ("²" and "٣" are digits to Python, not to us), at least 1, at most a bigint (SQLite overflows)."""
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None
