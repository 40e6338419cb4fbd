"""The only source of "now" in the project.

Rule evaluation never calls this: it is handed an instant. Services and commands call `now()`;
tests freeze it with `frozen(instant)`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    if _frozen is not None:
        return _frozen
    return dt.datetime.now(tz=UTC)


@contextlib.contextmanager
def frozen(instant: dt.datetime) -> Iterator[None]:
    global _frozen
    if instant.tzinfo is None:
        raise ValueError("a frozen instant must be timezone-aware")
    previous, _frozen = _frozen, instant
    try:
        yield
    finally:
        _frozen = previous


def local_date(instant: dt.datetime) -> dt.date:
    """The calendar date in England and Wales at an instant (BST in summer, GMT in winter)."""
    return instant.astimezone(LONDON).date()


def start_of_local_day(day: dt.date) -> dt.datetime:
    # Midnight is never skipped or repeated by UK DST changes (they happen at 01:00 and 02:00),
    # so the local midnight is unambiguous.
    return dt.datetime.combine(day, dt.time(0), tzinfo=LONDON)


def end_of_local_day(day: dt.date) -> dt.datetime:
    """The instant a deadline "by the end of DAY" passes: the next local midnight."""
    return start_of_local_day(day + dt.timedelta(days=1))


def parse_instant(value: str) -> dt.datetime:
    """Parse an ISO 8601 instant that carries an offset; naive values are refused."""
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("an instant must include a UTC offset, e.g. 2024-03-04T16:20:00+00:00")
    return parsed
