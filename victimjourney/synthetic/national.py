"""The synthetic national year: 43 forces, their real crime volumes and outcomes, a known truth.

    national_write("year.jsonl", scale=0.1, seed=1)   # about 670,000 recorded crimes

Volumes, offence mix and police outcomes per force come from the Home Office data, conviction
rates from the CPS, stage durations from the MoJ (`calibration.py`); victims and their
categories, courts and sentences from stated assumptions (`assumptions.py`); each force's (and
CPS area's, probation region's) behaviour from the seed (`behaviour.py`). Cases are written
month by month, force by force, each case's events together and in time order, so a feed
import finds a case whole within a chunk. The output is streamed: memory does not grow with the
year. The year runs from 1 January of YEAR; events after the horizon (1 January of YEAR + 2)
are not written, and the truth is the state at the horizon (docs/REAL-DATA.md).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from victimjourney.journey.feed import LAST_YEAR
from victimjourney.organisations.reference import shipped_organisations
from victimjourney.synthetic.behaviour import behaviours
from victimjourney.synthetic.calibration import (
    NATIONAL_TOTAL,
    load_calibration,
    plan,
    subgroup_offences,
)
from victimjourney.synthetic.case import TRACKED, Orgs, SyntheticCase
from victimjourney.synthetic.context import (
    Choice,
    ForceContext,
    conviction_rates,
    repeat_pool_size,
)
from victimjourney.synthetic.journey import CHANNEL, crime
from victimjourney.synthetic.timeline import DAY, HOUR, MINUTE, Clock, epoch_of_date
from victimjourney.synthetic.truth import Truth, truth_write

FIRST_YEAR = 2022  # the 2020 Code (in force from April 2021) governs the whole year
# Hours of the day at which crimes are reported (more in the afternoon and evening).
HOURS = Choice(list(range(24)), [1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 5,
                                 4, 3, 2, 2])
PERSON_SHARE = 0.75  # of crimes, a person victim: sizes the repeat-victim pool


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR - 2:
        raise ValueError(f"the year must be between {FIRST_YEAR} and {LAST_YEAR - 2}: the 2020 "
                         "Code must govern the whole year and its horizon")


def horizon_of(year: int) -> dt.datetime:
    return dt.datetime(year + 2, 1, 1, tzinfo=dt.UTC)


def _contexts(seed: int, year: int, plans: dict[str, Any]) -> dict[str, ForceContext]:
    cal = load_calibration()
    orgs = shipped_organisations()
    kinds = behaviours(seed, sorted(plans))
    out = {}
    for slug, force_plan in plans.items():
        police = orgs[f"police:{slug}"]
        force = cal["forces"][slug]
        out[slug] = ForceContext(
            slug=slug,
            orgs=Orgs(slug, police.code, f"wcu:{slug}", police.cps_area,
                      police.probation_region),
            behaviour=kinds.forces[slug], cps=kinds.cps[police.cps_area],
            probation=kinds.probation[police.probation_region],
            outcomes={sub: Choice(list(o), list(o.values()))
                      for sub, o in force["outcomes"].items()},
            conviction_rate=conviction_rates(force["cps"], cal["cps_national"]),
            timing=cal["timeliness"], seed=seed, year=year,
            repeat_pool=repeat_pool_size(force_plan.recorded * PERSON_SHARE),
        )
        out[slug].repeat_uses = [0] * out[slug].repeat_pool
    return out


def channel_recording_rate(rate: float, channel: str) -> float:
    """The share of crimes reported through CHANNEL that a force with RATE records (the
    inspection found recording centres best and stand-alone systems worst)."""
    if channel == "recording_centre":
        return min(0.99, rate + 0.1)
    if channel == "specialist_system":
        return max(0.4, rate - 0.3)
    return rate


@dataclass
class Generated:
    cases: int = 0
    recorded: int = 0
    events: int = 0
    seconds: float = 0.0


def national_cases(*, scale: float, seed: int, year: int = 2024, total: int = NATIONAL_TOTAL,
                   truth: Truth | None = None, on_recorded: Callable[[int], None] | None = None,
                   stats: Generated | None = None) -> Iterator[list[bytes]]:
    """Yield each case's feed lines (JSON, bytes), case by case."""
    check_year(year)
    truth = truth if truth is not None else Truth()
    stats = stats if stats is not None else Generated()
    plans = plan(scale=scale, seed=seed, total=total)
    contexts = _contexts(seed, year, plans)
    truth.forces.update(plans)
    clock = Clock(year - 1, year + 3)
    horizon = int(horizon_of(year).timestamp())
    offences = {}
    for sub in load_calibration()["subgroups"]:
        group, names, weights = subgroup_offences(sub)
        offences[sub] = (group, Choice(names, weights))
    serial = dict.fromkeys(plans, 0)
    yy = year % 100
    for month in range(12):
        first = dt.date(year, month + 1, 1)
        last = dt.date(year + (month == 11), month % 12 + 2 if month < 11 else 1, 1)
        first_day, days = epoch_of_date(first) // DAY, (last - first).days
        for slug in sorted(plans):
            ctx = contexts[slug]
            rng = random.Random(f"{seed}:{slug}:{year}:{month}")
            subs = [s for s, n in sorted(plans[slug].months[month].items()) for _ in range(n)]
            rng.shuffle(subs)
            times = sorted(clock.at_local(first_day + rng.randrange(days),
                                          HOURS.draw(rng) * HOUR + rng.randrange(60) * MINUTE)
                           for _ in subs)
            for sub, t0 in zip(subs, times, strict=True):
                group, choice = offences[sub]
                offence = choice.draw(rng)
                channel = CHANNEL.draw(rng)
                kinds = ["recorded"]
                rate = channel_recording_rate(ctx.behaviour.recording_rate, channel)
                if rng.random() < (1 - rate) / rate:
                    kinds.append("unrecorded")
                if rng.random() < ctx.behaviour.cancel_rate:
                    kinds.append("cancelled")
                for kind in kinds:
                    serial[slug] += 1
                    at = t0 if kind == "recorded" else clock.at_local(
                        first_day + rng.randrange(days), HOURS.draw(rng) * HOUR)
                    case = SyntheticCase(f"{slug}-{yy:02d}-{serial[slug]:07d}", ctx.orgs,
                                         clock, rng, truth, horizon)
                    crime(case, ctx, sub, group, offence, channel, at, kind)
                    case.finish()
                    lines = case.lines()
                    stats.cases += 1
                    stats.events += len(lines)
                    truth.count(slug, "events", len(lines))
                    yield lines
                stats.recorded += 1
                if on_recorded:
                    on_recorded(1)
    for slug, ctx in contexts.items():
        truth.repeat_uses[slug] = ctx.repeat_uses


def planned_recorded(scale: float, total: int = NATIONAL_TOTAL) -> int:
    return round(total * scale)


def national_write(path: str, *, scale: float, seed: int, year: int = 2024,
                   total: int = NATIONAL_TOTAL, truth_path: str | None = None,
                   on_recorded: Callable[[int], None] | None = None) -> Generated:
    """Write the year's feed to PATH (JSON Lines) and its ground truth to TRUTH_PATH
    (default PATH + '.truth.json')."""
    truth = Truth()
    stats = Generated()
    started = time.perf_counter()
    with open(path, "wb") as out:
        for lines in national_cases(scale=scale, seed=seed, year=year, total=total,
                                    truth=truth, on_recorded=on_recorded, stats=stats):
            out.write(b"\n".join(lines) + b"\n")
    stats.seconds = time.perf_counter() - started
    truth_write(truth_path or f"{path}.truth.json", truth_header(
        scale=scale, seed=seed, year=year, total=total, stats=stats, feed=path), truth)
    return stats


def truth_header(*, scale: float, seed: int, year: int, total: int, stats: Generated,
                 feed: str) -> dict[str, Any]:
    cal = load_calibration()
    plans = plan(scale=scale, seed=seed, total=total)
    kinds = behaviours(seed, sorted(plans))
    volumes = {}
    for slug, force in cal["forces"].items():
        population = force["population_2010"]
        volumes[slug] = {
            "population_2010": population, "recorded_2018_19": force["recorded"],
            "recorded_generated": plans[slug].recorded,
            "recorded_per_1000_population_at_full_scale": round(
                1000 * plans[slug].recorded / scale / population, 1) if scale else None,
        }
    return {
        "generator": "victimjourney.synthetic.national", "version": 1,
        "feed": os.path.basename(feed),
        "seed": seed, "scale": scale, "year": year, "national_total": total,
        "truth_as_of": horizon_of(year).isoformat(),
        "cases": stats.cases, "recorded_crimes": stats.recorded, "events": stats.events,
        "calibration": cal["sources"],
        "tracked_entitlements": sorted({e for ents in TRACKED.values() for e, _ in ents}),
        "parameters": kinds.as_dict(), "force_volumes": volumes,
    }
