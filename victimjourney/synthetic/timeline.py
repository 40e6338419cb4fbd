"""Instants as whole seconds since 1970 (UTC), fast enough for millions of events.

The national generator keeps every instant as an int and formats it once, when the line is
written (`iso`, UTC with `+00:00`). Local dates (Europe/London) follow the UK rule in force
since 1996: summer time from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
Sunday of October. Deadlines are computed as the engine computes them (`duties/engine.py:
_deadline`): the end (next local midnight) of the Nth working day after the local date of the
base instant, on the calendar of `core/workingdays.py`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random

from victimjourney.core.workingdays import add_working_days

DAY = 86_400
HOUR = 3_600
MINUTE = 60
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def _last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 31)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def epoch_of_date(day: dt.date) -> int:
    """00:00 UTC of DAY."""
    return (day.toordinal() - _EPOCH_ORDINAL) * DAY


def date_of_epoch_day(number: int) -> dt.date:
    return dt.date.fromordinal(number + _EPOCH_ORDINAL)


class Clock:
    """London offsets and working-day deadlines over the years FIRST..LAST."""

    def __init__(self, first: int, last: int):
        self.changes: list[int] = []  # instants at which the offset flips (start, end, ...)
        for year in range(first, last + 1):
            self.changes.append(epoch_of_date(_last_sunday(year, 3)) + HOUR)
            self.changes.append(epoch_of_date(_last_sunday(year, 10)) + HOUR)
        self._days: dict[int, str] = {}
        self._minutes = [f"T{m // 60:02d}:{m % 60:02d}:00+00:00" for m in range(1440)]
        self._due: dict[tuple[int, int], int] = {}

    def offset(self, t: int) -> int:
        """The London offset from UTC at instant T, in seconds (3600 in summer)."""
        return HOUR if bisect.bisect_right(self.changes, t) % 2 else 0

    def local_day(self, t: int) -> int:
        """The local (London) date of T, as days since 1970-01-01."""
        return (t + self.offset(t)) // DAY

    def local_date(self, t: int) -> dt.date:
        return date_of_epoch_day(self.local_day(t))

    def local_midnight(self, day: int) -> int:
        """The instant the local day DAY (days since 1970) starts."""
        t0 = day * DAY
        return t0 - self.offset(t0)

    def at_local(self, day: int, seconds: int) -> int:
        """The instant SECONDS after the start of local day DAY (no DST change by day)."""
        start = self.local_midnight(day)
        return start + seconds

    def due(self, base: int, working_days: int) -> int:
        """The instant a duty due within WORKING_DAYS of BASE passes (the engine's rule)."""
        day = self.local_day(base)
        key = (day, working_days)
        found = self._due.get(key)
        if found is None:
            due_day = add_working_days(date_of_epoch_day(day), working_days)
            found = self.local_midnight(due_day.toordinal() - _EPOCH_ORDINAL + 1)
            self._due[key] = found
        return found

    def iso(self, t: int) -> str:
        day, rest = divmod(t, DAY)
        text = self._days.get(day)
        if text is None:
            text = self._days[day] = date_of_epoch_day(day).isoformat()
        minutes, seconds = divmod(rest, MINUTE)
        if not seconds:
            return text + self._minutes[minutes]
        return f"{text}T{minutes // 60:02d}:{minutes % 60:02d}:{seconds:02d}+00:00"


def lognormal_days(rng: random.Random, median: float, mean: float, cap: float) -> float:
    """Days drawn from a log-normal with this median and mean (a spread of at most
    sigma 1.5 when the mean is much larger), capped."""
    median = max(median, 0.25)
    sigma = math.sqrt(2 * math.log(mean / median)) if mean > median else 0.5
    return min(cap, median * math.exp(rng.gauss(0, min(sigma, 1.5))))


def working_hours(clock: Clock, rng: random.Random, start: int, end: int) -> int:
    """An instant in [START, END), in working hours (08:00-18:00 local) when the window
    allows: a letter is rarely sent at 3 a.m."""
    if end - start <= 60:
        return start
    t = rng.randrange(start, end)
    t -= t % MINUTE
    local = (t + clock.offset(t)) % DAY
    if 8 * HOUR <= local < 18 * HOUR:
        return max(t, start)
    moved = clock.at_local(clock.local_day(t), 8 * HOUR + rng.randrange(0, 10 * HOUR, MINUTE))
    return moved if start <= moved < end else max(t, start)
