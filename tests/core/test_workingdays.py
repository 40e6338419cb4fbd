import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from victimjourney.core.workingdays import (
    add_working_days,
    bank_holidays,
    is_working_day,
    working_days_between,
)

D = dt.date


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (D(2014, 4, 17), 1, D(2014, 4, 22)),  # Maundy Thursday: Good Friday, Easter Monday
        (D(2014, 4, 17), 5, D(2014, 4, 28)),
        (D(2024, 3, 4), 1, D(2024, 3, 5)),  # an ordinary Monday
        (D(2024, 3, 8), 1, D(2024, 3, 11)),  # Friday to Monday
        (D(2024, 3, 9), 1, D(2024, 3, 11)),  # Saturday: the next working day
        (D(2024, 12, 24), 1, D(2024, 12, 27)),  # Christmas Day and Boxing Day
        (D(2020, 12, 24), 1, D(2020, 12, 29)),  # Boxing Day on Saturday: Monday 28th substitute
        (D(2021, 12, 24), 1, D(2021, 12, 29)),  # 25th/26th on a weekend: 27th and 28th off
        (D(2026, 12, 24), 1, D(2026, 12, 29)),  # Boxing Day Saturday: substitute Monday 28th
        (D(2022, 9, 16), 1, D(2022, 9, 20)),  # State funeral of Elizabeth II, Monday 19 Sep
        (D(2023, 5, 5), 1, D(2023, 5, 9)),  # Coronation bank holiday, Monday 8 May
        (D(2014, 12, 24), 2, D(2014, 12, 30)),  # Monday 29th is the first
    ],
)
def test_add_working_days_skips_weekends_and_bank_holidays(start, days, due):
    assert add_working_days(start, days) == due


@pytest.mark.parametrize(
    "day",
    [D(2014, 4, 18), D(2014, 4, 21), D(2024, 12, 25), D(2024, 12, 26), D(2026, 12, 28),
     D(2020, 5, 8), D(2022, 6, 3)],
)
def test_bank_holidays_are_not_working_days(day):
    assert day in bank_holidays()
    assert not is_working_day(day)


def test_working_days_between_counts_after_start_up_to_end():
    assert working_days_between(D(2014, 4, 17), D(2014, 4, 22)) == 1
    assert working_days_between(D(2014, 4, 22), D(2014, 4, 17)) == 0


def test_dates_outside_the_calendar_are_refused():
    with pytest.raises(ValueError, match="outside the working-day calendar"):
        add_working_days(D(1985, 1, 1), 1)


days_in_range = st.dates(min_value=D(2005, 1, 1), max_value=D(2040, 12, 31))


@given(days_in_range, st.integers(min_value=1, max_value=40))
def test_a_deadline_falls_on_a_working_day_after_the_trigger(start, n):
    due = add_working_days(start, n)
    assert due > start
    assert due.weekday() < 5
    assert due not in bank_holidays()
    assert working_days_between(start, due) == n


@given(days_in_range, st.integers(min_value=1, max_value=20))
def test_more_working_days_is_never_earlier(start, n):
    assert add_working_days(start, n + 1) > add_working_days(start, n)


@given(days_in_range)
def test_one_working_day_skips_only_non_working_days(start):
    due = add_working_days(start, 1)
    day = start + dt.timedelta(days=1)
    while day < due:
        assert not is_working_day(day)
        day += dt.timedelta(days=1)
