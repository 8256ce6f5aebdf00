"""The import's cell readers on every kind of value openpyxl hands over (text, numbers, booleans,
dates, datetimes, times, None, very long text): a value, or a Vietnamese error at its column."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from spreadsheets.checker import Outcome, RowChecker, digits, parse_date
from spreadsheets.columns import COLUMNS
from tests.properties.strategies import FAST, dates, typed, vietnamese

cells = st.one_of(
    st.none(),
    typed,
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.just("x" * 1000),
)


@FAST
@given(value=cells)
def test_a_date_cell_is_a_date_or_a_vietnamese_reason(value):
    try:
        parsed = parse_date(value)
    except ValueError as error:
        assert vietnamese(str(error)), str(error)
        assert len(str(error)) < 200  # a long cell is quoted short
    else:
        assert type(parsed) is datetime.date


@FAST
@given(day=dates)
def test_a_date_written_any_accepted_way_or_as_an_excel_date_is_the_same_day(day):
    written = {
        day.strftime("%d/%m/%Y"),
        f"{day.day}/{day.month}/{day.year}",
        day.strftime("%d.%m.%Y"),
        day.strftime("%d-%m-%Y"),
        day.isoformat(),
    }
    assert {parse_date(text) for text in written} == {day}
    assert parse_date(datetime.datetime(day.year, day.month, day.day)) == day == parse_date(day)


@FAST
@given(value=cells)
def test_digits_never_raise_and_give_text_without_spaces(value):
    text, padded = digits(value, width=12)
    assert isinstance(text, str) and " " not in text
    assert not padded or (len(text) == 12 and text.isdigit())


def test_a_row_of_anything_is_fields_or_errors_each_tied_to_its_column(cast):
    checker = RowChecker(cast.finance)
    keys = {column.key for column in COLUMNS}

    @FAST
    @given(values=st.fixed_dictionaries({}, optional={column.key: cells for column in COLUMNS}))
    def check(values):
        outcome = Outcome()
        fields = checker.check(2, values, outcome)
        if fields is None:
            assert outcome.errors
        for problem in outcome.errors:
            assert problem.row == 2 and problem.column in keys
            assert vietnamese(problem.message), problem.message
            assert len(problem.message) < 400

    check()
