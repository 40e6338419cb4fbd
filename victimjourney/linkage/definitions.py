"""Who is persistently targeted: a stated, configurable definition, evaluated on a person's
crimes across their linked records.

The Code gives no count. Its words (victims-code.md §1.5, Hertfordshire's paraphrase [O]):
"targeted on more than one occasion, over a period of time, particularly if you have been
deliberately targeted or you are a victim of harassment or stalking". The shipped definition
turns that into two tests, either of which proposes the category (a person still decides):

- `repeat_12_months`: three or more crimes against the person within twelve months;
- `harassment_pattern`: two or more harassment or stalking crimes within twelve months (a
  "course of conduct" under the Protection from Harassment Act 1997, s.7(3)(a), needs conduct
  on at least two occasions).

A force may state its own tests: `LINKAGE_PERSISTENT_TARGETING` in the settings, a list of
dicts with the fields of `TargetingTest` (docs/LINKAGE.md). Pure functions: no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

HARASSMENT_WORDS = ("harassment", "stalking", "malicious communications",
                    "controlling or coercive", "putting people in fear of violence")


@dataclass(frozen=True)
class TargetingTest:
    code: str
    description: str
    min_crimes: int
    window_days: int
    offence_words: tuple[str, ...] = ()  # only crimes whose offence names one of these count
    citation: str = "Victims' Code 2020, Chapter 1 (persistently targeted victims)"

    def counts(self, offence: str) -> bool:
        lowered = offence.lower()
        return not self.offence_words or any(w in lowered for w in self.offence_words)


SHIPPED: tuple[TargetingTest, ...] = (
    TargetingTest(
        code="repeat_12_months",
        description="three or more crimes against the person within twelve months",
        min_crimes=3, window_days=365),
    TargetingTest(
        code="harassment_pattern",
        description="two or more harassment or stalking crimes within twelve months",
        min_crimes=2, window_days=365, offence_words=HARASSMENT_WORDS,
        citation="Victims' Code 2020, Chapter 1; Protection from Harassment Act 1997, s.7(3)"),
)


@dataclass(frozen=True)
class Crime:
    """One crime against the person: a linked record's case."""

    record_id: int
    case_reference: str
    force: str
    offence: str
    reported_at: dt.datetime


@dataclass(frozen=True)
class Finding:
    test: TargetingTest
    crimes: tuple[Crime, ...] = field(default_factory=tuple)  # the window that meets it

    @property
    def summary(self) -> str:
        first, last = self.crimes[0].reported_at, self.crimes[-1].reported_at
        days = (last - first).days
        return (f"{len(self.crimes)} crimes in {days} days "
                f"({first:%d %b %Y} to {last:%d %b %Y}): {self.test.description}")


def definition_from_settings(value: Sequence[dict[str, Any]] | None) -> tuple[TargetingTest, ...]:
    """The tests in force: those stated in the settings, else the shipped ones."""
    if not value:
        return SHIPPED
    return tuple(TargetingTest(**{**item, "offence_words": tuple(item.get("offence_words", ()))})
                 for item in value)


def assess(crimes: Iterable[Crime], tests: Sequence[TargetingTest] = SHIPPED
           ) -> list[Finding]:
    """The tests a person's crimes meet, each with the earliest window of crimes that meets it
    (a case counts once, however many of the person's records it holds)."""
    by_case: dict[str, Crime] = {}
    for crime in sorted(crimes, key=lambda c: c.reported_at):
        by_case.setdefault(crime.case_reference, crime)
    ordered = sorted(by_case.values(), key=lambda c: c.reported_at)
    findings = []
    for test in tests:
        counted = [c for c in ordered if test.counts(c.offence)]
        window = _first_window(counted, test)
        if window:
            findings.append(Finding(test=test, crimes=tuple(window)))
    return findings


def _first_window(crimes: list[Crime], test: TargetingTest) -> list[Crime]:
    span = dt.timedelta(days=test.window_days)
    start = 0
    for end, crime in enumerate(crimes):
        while crime.reported_at - crimes[start].reported_at > span:
            start += 1
        if end - start + 1 >= test.min_crimes:
            # Extend to every crime in the window that starts here, for the evidence.
            last = end
            while (last + 1 < len(crimes)
                   and crimes[last + 1].reported_at - crimes[start].reported_at <= span):
                last += 1
            return crimes[start:last + 1]
    return []
