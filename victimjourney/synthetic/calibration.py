"""The shipped calibration table (`data/calibration.json`, built by `calibrate.py` from the real
data) and the volume plan of a national year drawn from it.

Each force's share of the year's crimes, and each offence subgroup's share within the force,
are those of the Home Office outcomes data for 2018/19 (5.2 million offences recorded by the 43
territorial forces). The national total is a parameter (default 6.7 million: police recorded
crime in England and Wales excluding fraud, in the year to March 2024, ONS), so a scale of 0.1
is about 670,000 recorded crimes; the 2018/19 shares are applied to it unchanged.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

CALIBRATION = Path(__file__).parent / "data" / "calibration.json"
NATIONAL_TOTAL = 6_700_000


@lru_cache(maxsize=1)
def load_calibration() -> dict[str, Any]:
    return json.loads(CALIBRATION.read_text(encoding="utf-8"))


def apportion(weights: dict[Any, float], total: int) -> dict[Any, int]:
    """TOTAL split in proportion to WEIGHTS by largest remainder (ties in key order): the
    parts add up to TOTAL exactly and the same inputs always give the same parts."""
    whole = sum(weights.values())
    if whole <= 0 or total <= 0:
        return dict.fromkeys(weights, 0)
    exact = {k: total * w / whole for k, w in weights.items()}
    parts = {k: int(v) for k, v in exact.items()}
    left = total - sum(parts.values())
    for key in sorted(exact, key=lambda k: (-(exact[k] - parts[k]), str(k)))[:left]:
        parts[key] += 1
    return parts


@dataclass(frozen=True)
class ForcePlan:
    slug: str
    recorded: int
    # months[m][subgroup] = recorded crimes of that subgroup reported in month m (0-11)
    months: tuple[dict[str, int], ...]


def plan(*, scale: float, seed: int, total: int = NATIONAL_TOTAL) -> dict[str, ForcePlan]:
    """Recorded crimes per force, offence subgroup and month for a year at SCALE of TOTAL.

    Forces and subgroups by largest remainder over the national cells (so the national figure
    is exact); each crime then falls in a month drawn in proportion to the month's days."""
    cal = load_calibration()
    cells = {(slug, sub): n for slug, force in cal["forces"].items()
             for sub, outcomes in force["outcomes"].items()
             for n in [sum(outcomes.values())] if n > 0}
    counts = apportion(cells, round(total * scale))
    days = [31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    out = {}
    for slug in sorted(cal["forces"]):
        rng = random.Random(f"{seed}:plan:{slug}")
        months: list[dict[str, int]] = [{} for _ in range(12)]
        recorded = 0
        for sub in sorted(cal["forces"][slug]["outcomes"]):
            n = counts.get((slug, sub), 0)
            recorded += n
            for month in rng.choices(range(12), weights=days, k=n):
                months[month][sub] = months[month].get(sub, 0) + 1
        out[slug] = ForcePlan(slug, recorded, tuple(months))
    return out


def subgroup_offences(subgroup: str) -> tuple[str, list[str], list[int]]:
    """The offence group, the Home Office offences of SUBGROUP and their national counts."""
    entry = load_calibration()["subgroups"][subgroup]
    names = [name for name, _ in entry["offences"]]
    return entry["group"], names, [n for _, n in entry["offences"]]
