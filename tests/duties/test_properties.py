"""Properties of the engine over generated feeds (hypothesis)."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import ORGS
from victimjourney.core.clock import local_date
from victimjourney.core.workingdays import bank_holidays
from victimjourney.duties.engine import evaluate
from victimjourney.journey.feed import parse_event
from victimjourney.synthetic.generator import generate

AS_OF = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def feed(seed: int, cases: int, year: int):
    return [parse_event(line, n, ORGS)
            for n, line in enumerate(generate(cases=cases, seed=seed, year=year), 1)]


def snapshot(events):
    return sorted((d.case, d.victim, d.trigger_event, d.entitlement, d.status, d.due_date,
                   d.fulfilled_by, d.enhanced, d.provider)
                  for c in evaluate(events, as_of=AS_OF, orgs=ORGS) for d in c.duties)


seeds = st.integers(min_value=0, max_value=10_000)
years = st.sampled_from([2014, 2015, 2016, 2021, 2024])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seeds, years, st.randoms(use_true_random=False))
def test_shuffling_the_lines_of_a_feed_changes_no_duty(seed, year, rng):
    events = feed(seed, 6, year)
    shuffled = list(events)
    rng.shuffle(shuffled)
    assert snapshot(shuffled) == snapshot(events)


@settings(max_examples=25, deadline=None)
@given(seeds, years)
def test_replaying_a_feed_twice_changes_nothing(seed, year):
    events = feed(seed, 5, year)
    assert snapshot(events + events) == snapshot(events)


@settings(max_examples=25, deadline=None)
@given(seeds, years)
def test_deadlines_fall_on_working_days_after_the_trigger_never_before(seed, year):
    for case in evaluate(feed(seed, 6, year), as_of=AS_OF, orgs=ORGS):
        for duty in case.duties:
            if duty.due_date is None or duty.deadline_text.startswith("before"):
                continue
            assert duty.due_date > local_date(duty.triggered_at)
            if "working day" in duty.deadline_text:
                assert duty.due_date.weekday() < 5
                assert duty.due_date not in bank_holidays()


@settings(max_examples=15, deadline=None)
@given(seeds, years)
def test_every_duty_has_a_valid_status_and_evidence_only_when_fulfilled(seed, year):
    for case in evaluate(feed(seed, 6, year), as_of=AS_OF, orgs=ORGS):
        for duty in case.duties:
            assert duty.status in {"open", "met", "late", "breached", "not_applicable"}
            assert (duty.fulfilled_by is not None) == (duty.status in {"met", "late"})
            assert (duty.status == "not_applicable") == bool(duty.reason)
