"""The persistently-targeted definition, as situations a force would recognise."""

import datetime as dt

import pytest

from victimjourney.linkage.definitions import (
    SHIPPED,
    Crime,
    TargetingTest,
    assess,
    definition_from_settings,
)

LONDON = dt.UTC


def crime(day: str, offence: str = "criminal damage", case: str | None = None) -> Crime:
    return Crime(record_id=0, case_reference=case or f"C-{day}", force="Kent Police",
                 offence=offence, reported_at=dt.datetime.fromisoformat(day).replace(
                     tzinfo=LONDON))


@pytest.mark.parametrize(("crimes", "met"), [
    # three crimes within twelve months
    ([crime("2026-01-01"), crime("2026-05-01"), crime("2026-12-01")], ["repeat_12_months"]),
    # three crimes, but spread over more than twelve months
    ([crime("2025-01-01"), crime("2025-08-01"), crime("2026-01-02")], []),
    # two crimes only
    ([crime("2026-01-01"), crime("2026-02-01")], []),
    # two harassment crimes within twelve months: a pattern
    ([crime("2026-01-01", "harassment"), crime("2026-06-01", "stalking")],
     ["harassment_pattern"]),
    # harassment and unrelated crimes: three in twelve months, one harassment
    ([crime("2026-01-01", "harassment"), crime("2026-02-01"), crime("2026-03-01")],
     ["repeat_12_months"]),
    # the same case twice (two records of one person on it) counts once
    ([crime("2026-01-01", case="A"), crime("2026-01-02", case="A"), crime("2026-02-01")], []),
])
def test_the_shipped_definition(crimes, met):
    assert [f.test.code for f in assess(crimes)] == met


def test_a_finding_names_the_crimes_that_meet_it():
    found = assess([crime("2024-01-01"), crime("2026-01-01"), crime("2026-03-01"),
                    crime("2026-04-01"), crime("2026-04-20")])
    assert [c.case_reference for c in found[0].crimes] == [
        "C-2026-01-01", "C-2026-03-01", "C-2026-04-01", "C-2026-04-20"]
    assert found[0].summary == ("4 crimes in 109 days (01 Jan 2026 to 20 Apr 2026): three or "
                                "more crimes against the person within twelve months")


def test_a_force_may_state_its_own_tests():
    tests = definition_from_settings([{"code": "two_in_six_months",
                                  "description": "two crimes within six months",
                                  "min_crimes": 2, "window_days": 183}])
    assert tests == (TargetingTest(code="two_in_six_months",
                                   description="two crimes within six months", min_crimes=2,
                                   window_days=183),)
    assert [f.test.code for f in assess([crime("2026-01-01"), crime("2026-05-01")], tests)] == [
        "two_in_six_months"]
    assert definition_from_settings(None) == SHIPPED
