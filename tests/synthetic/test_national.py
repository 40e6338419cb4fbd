"""The synthetic national year: deterministic, valid, sized by the real data, and its ground
truth is what the duty engine finds."""

import datetime as dt
import json
from collections import Counter, defaultdict

import orjson
import pytest

from victimjourney.duties.engine import evaluate
from victimjourney.journey.feed import check_batch, parse_lines
from victimjourney.organisations.reference import shipped_organisations
from victimjourney.synthetic.calibration import load_calibration, plan
from victimjourney.synthetic.national import national_cases, national_write
from victimjourney.synthetic.truth import Truth

SCALE = 0.0004  # 2,680 recorded crimes


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    path = tmp_path_factory.mktemp("national") / "year.jsonl"
    stats = national_write(str(path), scale=SCALE, seed=11)
    lines = path.read_text(encoding="utf-8").splitlines()
    truth = json.loads((path.parent / "year.jsonl.truth.json").read_text(encoding="utf-8"))
    return stats, lines, truth


def _feed(lines):
    errors = []
    events = list(parse_lines(lines, shipped_organisations(), errors))
    return events, errors


def test_the_same_seed_gives_the_same_feed_and_another_seed_another():
    first = [line for case in national_cases(scale=0.0001, seed=3) for line in case]
    again = [line for case in national_cases(scale=0.0001, seed=3) for line in case]
    other = [line for case in national_cases(scale=0.0001, seed=4) for line in case]
    assert first == again
    assert first != other
    assert len(first) > 3000


def test_every_line_is_a_valid_event_and_each_case_is_written_whole_in_time_order(year):
    stats, lines, truth = year
    events, errors = _feed(lines)
    assert errors == []
    assert check_batch(events) == []
    assert len(events) == stats.events == truth["events"]
    order = []
    times = defaultdict(list)
    for ev in events:
        if not order or order[-1] != ev.case:
            order.append(ev.case)
        times[ev.case].append(ev.occurred_at)
    assert len(order) == len(set(order)) == stats.cases  # no case split across the feed
    assert all(t == sorted(t) for t in times.values())
    horizon = dt.datetime.fromisoformat(truth["truth_as_of"])
    assert max(ev.occurred_at for ev in events) <= horizon


def test_forces_are_sized_by_the_home_office_volumes():
    cal = load_calibration()
    plans = plan(scale=0.01, seed=1)
    assert len(plans) == 43
    assert sum(p.recorded for p in plans.values()) == 67_000
    total = sum(f["recorded"] for f in cal["forces"].values())
    for slug in ("metropolitan", "city-of-london", "thames-valley", "dyfed-powys"):
        expected = 67_000 * cal["forces"][slug]["recorded"] / total
        assert abs(plans[slug].recorded - expected) <= 1
    months = plans["metropolitan"].months
    assert sum(sum(m.values()) for m in months) == plans["metropolitan"].recorded
    assert min(sum(m.values()) for m in months) > 0.06 * plans["metropolitan"].recorded


def test_the_engine_finds_exactly_the_duties_the_truth_records(year):
    _, lines, truth = year
    events, _ = _feed(lines)
    as_of = dt.datetime.fromisoformat(truth["truth_as_of"])
    tracked = set(truth["tracked_entitlements"])
    found = Counter()
    for evaluation in evaluate(events, as_of=as_of, orgs=shipped_organisations()):
        for duty in evaluation.duties:
            if duty.entitlement in tracked:
                found[(evaluation.force, duty.entitlement, duty.status)] += 1
    expected = Counter({(force, ent, status): n
                        for force, body in truth["forces"].items()
                        for ent, statuses in body["duties"].items()
                        for status, n in statuses.items() if n})
    assert found == expected
    assert {s for (_, _, s) in expected} == {"met", "late", "breached", "open",
                                            "not_applicable"}


def test_the_truth_counts_what_the_feed_holds(year):
    stats, lines, truth = year
    raw = [orjson.loads(line) for line in lines]
    reports = [e for e in raw if e["type"] == "crime.reported"]
    victims = Counter(e["data"]["kind"] for e in raw if e["type"] == "victim.identified")
    national = truth["national"]["counts"]
    assert len(reports) == stats.cases == truth["cases"]
    assert national["cases_recorded"] == stats.recorded
    cancelled = sum(1 for e in raw if e["type"] == "crime.cancelled")
    assert national["cases_cancelled"] == cancelled > 0  # recorded, then cancelled
    assert national["cases_recorded"] + cancelled == sum(
        1 for e in raw if e["type"] == "crime.recorded")
    assert national["cases_unrecorded"] == stats.cases - stats.recorded - cancelled > 0
    assert {k: national.get(f"victims_{k}", 0) for k in victims} == victims
    assert {"person", "business", "parent_or_guardian"} <= set(victims) <= {
        "person", "business", "parent_or_guardian", "bereaved_close_relative"}
    assert national["cases_domestic_abuse_with_victim"] == sum(
        1 for e in reports if e["data"].get("domestic_abuse")
        and any(v["case"] == e["case"] for v in raw if v["type"] == "victim.identified"))
    assert national["events"] == len(lines)


def test_each_force_is_on_time_as_often_as_its_parameter_says(year):
    """The largest force's police duties met on time, as a share of those due by the truth
    instant, recover its drawn on-time rate (within sampling error)."""
    _, _, truth = year
    met = late = breached = 0
    for ent, statuses in truth["forces"]["metropolitan"]["duties_by_provider"][
            "police:metropolitan"].items():
        if ent in ("suspect_arrested", "suspect_interviewed_under_caution",
                   "referral_to_victim_services", "decision_not_to_investigate",
                   "suspect_released_without_charge", "suspect_charged"):
            met, late, breached = (met + statuses["met"], late + statuses["late"],
                                   breached + statuses["breached"])
    parameter = truth["parameters"]["forces"]["metropolitan"]["police"]
    n = met + late + breached
    assert n > 300
    assert abs(met / n - parameter["on_time"]) < 3 * (0.25 / n) ** 0.5
    assert abs(late / n - parameter["late"]) < 3 * (0.25 / n) ** 0.5


def test_category_rates_are_of_the_national_order(year):
    _, _, truth = year
    counts = truth["national"]["counts"]
    recorded = counts["cases_recorded"]
    assert 0.1 < counts["cases_domestic_abuse_with_victim"] / recorded < 0.2
    hate = sum(n for k, n in counts.items() if k.startswith("cases_hate_"))
    assert 0.01 < hate / recorded < 0.04
    assert 0.05 < counts["victims_child"] / counts["victims_person"] < 0.2
    assert truth["national"]["counts"]["victim_records_from_repeat_pool"] > 0
    repeats = sum(f["repeat_victims"]["people_reported_more_than_once"]
                  for f in truth["forces"].values())
    assert repeats > 0


def test_a_year_the_2020_code_does_not_cover_is_refused():
    with pytest.raises(ValueError, match="between 2022"):
        next(national_cases(scale=0.0001, seed=1, year=2019, truth=Truth()))


@pytest.mark.parametrize(("subgroup", "group", "offence"), [
    # One to three bereaved relatives, each owed a family liaison officer.
    ("Homicide", "Violence against the person", "Homicide"),
    # A child and the parent acting for them.
    ("Other sexual offences", "Sexual offences", "Sexual assault on a female child under 13"),
    ("Shoplifting", "Theft offences", "Shoplifting"),  # a business: nothing is owed to it
])
def test_cases_with_several_victims_or_none_owed_agree_with_the_engine(subgroup, group,
                                                                       offence):
    import random

    from victimjourney.synthetic.case import SyntheticCase
    from victimjourney.synthetic.journey import crime
    from victimjourney.synthetic.national import _contexts, horizon_of
    from victimjourney.synthetic.timeline import Clock

    truth = Truth()
    ctx = _contexts(5, 2024, plan(scale=0.0001, seed=5))["metropolitan"]
    clock, rng = Clock(2023, 2027), random.Random(5)
    horizon = int(horizon_of(2024).timestamp())
    lines = []
    for number in range(150):
        case = SyntheticCase(f"T-{number}", ctx.orgs, clock, rng, truth, horizon)
        t0 = int(dt.datetime(2024, 1, 1, tzinfo=dt.UTC).timestamp()) + number * 86_400
        crime(case, ctx, subgroup, group, offence, "call_handling", t0, "recorded")
        case.finish()
        lines += [line.decode() for line in case.lines()]
    events, errors = _feed(lines)
    assert errors == []
    found = Counter()
    for evaluation in evaluate(events, as_of=horizon_of(2024), orgs=shipped_organisations()):
        for duty in evaluation.duties:
            found[(duty.entitlement, duty.status)] += 1
    expected = Counter({(ent, status): n for (_, _, ent, status), n in truth.duties.items()
                        if n})
    assert {k: found[k] for k in expected} == dict(expected)
    assert sum(expected.values()) > 150
