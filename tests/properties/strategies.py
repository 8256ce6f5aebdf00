"""Hypothesis strategies for what people type and paste, and the test that a message is Vietnamese."""

from __future__ import annotations

import datetime
import unicodedata

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# fast: one core, the whole folder well under a minute
FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵĐĂÂÊÔƠƯỘỆỮ "
names = st.text(alphabet=VIETNAMESE, min_size=1, max_size=40)
dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2026, 11, 27))

# what ends up in a form field: anything, Vietnamese typed NFC or NFD, whitespace, digits, huge, dates
typed = st.one_of(
    st.text(max_size=60),
    names,
    names.map(lambda s: unicodedata.normalize("NFD", s)),
    st.sampled_from(["", " ", "\t\n", "\u00a0", "\u200b", "0", "-1", "1e309", "9" * 23, "²³", "a\x00b"]),
    st.text(alphabet="0123456789", min_size=1, max_size=30),
    dates.map(lambda d: d.strftime("%d/%m/%Y")),
    dates.map(lambda d: d.isoformat()),
    st.sampled_from(["31/02/2026", "00/00/0000", "29/02/2025", "9999-12-31", "0001-01-01"]),
    st.just("Nguyễn Văn Ộ " * 8000),
)


def vietnamese(message: str) -> bool:
    """A message a Vietnamese reader understands: it has Vietnamese letters (every sentence of ours has
    a diacritic) and is none of Django's English defaults."""
    return any(ord(ch) > 127 and ch.isalpha() for ch in message) and "not allowed" not in message


# per form class: 27 classes × this many examples
PER_FORM = settings(FAST, max_examples=25)
