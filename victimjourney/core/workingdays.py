"""Working days in England and Wales.

The Code counts most deadlines in working days. Its own definition of a working day is
UNVERIFIED (victims-code.md §2 conventions); we take Monday to Friday, excluding the bank
holidays of England and Wales, from the offline `holidays` package (no network at run time).
Wales has the same bank holidays as England. Where a holiday falls on a weekend the
package lists the substitute weekday too, so it is skipped as well.
"""

from __future__ import annotations

import bisect
import datetime as dt
from functools import lru_cache

import holidays

FIRST_YEAR = 1990
LAST_YEAR = 2045


@lru_cache(maxsize=1)
def bank_holidays() -> frozenset[dt.date]:
    calendar = holidays.country_holidays(
        "GB", subdiv="ENG", years=range(FIRST_YEAR, LAST_YEAR + 1)
    )
    return frozenset(calendar.keys())


@lru_cache(maxsize=1)
def _working_ordinals() -> list[int]:
    """Sorted ordinals of every working day in the supported range."""
    hols = bank_holidays()
    day = dt.date(FIRST_YEAR, 1, 1)
    end = dt.date(LAST_YEAR, 12, 31)
    ordinals = []
    while day <= end:
        if day.weekday() < 5 and day not in hols:
            ordinals.append(day.toordinal())
        day += dt.timedelta(days=1)
    return ordinals


def _check_range(day: dt.date) -> None:
    if not (FIRST_YEAR <= day.year <= LAST_YEAR - 1):
        raise ValueError(
            f"{day.isoformat()} is outside the working-day calendar "
            f"({FIRST_YEAR}-{LAST_YEAR - 1})"
        )


def is_working_day(day: dt.date) -> bool:
    _check_range(day)
    return day.weekday() < 5 and day not in bank_holidays()


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The Nth working day after DAY (DAY itself never counts, working day or not).

    "Within one working day" of something on a Friday is the following Monday, or Tuesday
    after a bank holiday Monday.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    _check_range(day)
    ordinals = _working_ordinals()
    index = bisect.bisect_right(ordinals, day.toordinal()) + count - 1
    return dt.date.fromordinal(ordinals[index])


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after START up to and including END (0 if END is not after START)."""
    _check_range(start)
    _check_range(end)
    ordinals = _working_ordinals()
    return max(
        0,
        bisect.bisect_right(ordinals, end.toordinal())
        - bisect.bisect_right(ordinals, start.toordinal()),
    )
