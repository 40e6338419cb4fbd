"""What the national generator knows about one force area while it writes its cases."""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from victimjourney.linkage.synthetic import COMMON_SURNAMES, FEMALE, MALE
from victimjourney.synthetic import assumptions as a
from victimjourney.synthetic.behaviour import CpsBehaviour, ForceBehaviour, ProbationBehaviour
from victimjourney.synthetic.case import Orgs

WALES = ("dyfed-powys", "gwent", "north-wales", "south-wales")
_LETTERS = "ABCDEFGHJKLMNPRSTUWXY"


class Choice:
    """A weighted choice, drawn with one random number."""

    def __init__(self, items: list[Any], weights: Sequence[float]):
        self.items = items
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1] if self.cum else 0.0

    def draw(self, rng: random.Random) -> Any:
        return self.items[bisect_right(self.cum, rng.random() * self.total)
                          if self.total else 0]


@dataclass(frozen=True)
class Identity:
    name: str
    date_of_birth: str  # ISO
    birth_year: int
    postcode: str


def identity(rng: random.Random, birth_year: int) -> Identity:
    first = rng.choice(MALE if rng.random() < 0.5 else FEMALE).title()
    surname = rng.choice(COMMON_SURNAMES).title()
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    postcode = (f"{rng.choice(_LETTERS)}{rng.choice(_LETTERS)}{rng.randint(1, 29)} "
                f"{rng.randint(1, 9)}{rng.choice(_LETTERS)}{rng.choice(_LETTERS)}")
    return Identity(f"{first} {surname}", f"{birth_year:04d}-{month:02d}-{day:02d}", birth_year,
                    postcode)


@dataclass
class ForceContext:
    slug: str
    orgs: Orgs
    behaviour: ForceBehaviour
    cps: CpsBehaviour
    probation: ProbationBehaviour
    outcomes: dict[str, Choice]  # subgroup -> Home Office outcome type code
    conviction_rate: dict[str, float]  # CPS category -> convictions / finalised
    timing: dict[str, dict[str, float]]  # offence group -> MoJ median and mean days
    seed: int
    year: int
    repeat_pool: int  # people who may be reported as victims more than once
    repeat_uses: list[int] = field(default_factory=list)
    _people: dict[int, Identity] = field(default_factory=dict)

    @property
    def wales(self) -> bool:
        return self.slug in WALES

    def repeat_person(self, rng: random.Random) -> tuple[int, Identity]:
        """A person from the force's repeat pool (the same name, date of birth and postcode
        every time they are drawn), and how many reports they now have."""
        index = rng.randrange(self.repeat_pool)
        person = self._people.get(index)
        if person is None:
            prng = random.Random(f"{self.seed}:{self.slug}:person:{index}")
            person = self._people[index] = identity(prng, self.year - prng.randint(18, 80))
        self.repeat_uses[index] += 1
        return self.repeat_uses[index], person


def conviction_rates(cps: dict[str, list[int]], national: dict[str, list[int]]
                     ) -> dict[str, float]:
    """Convictions / (convictions + unsuccessful) by CPS category; the national rate where the
    area has fewer than 20 finalised cases."""
    out = {}
    for category, (conv, fail) in national.items():
        c, f = cps.get(category, [0, 0])
        if c + f < 20:
            c, f = conv, fail
        out[category] = c / (c + f) if c + f else 0.8
    return out


def repeat_pool_size(person_victims: float) -> int:
    return max(1, round(person_victims * a.REPEAT_SHARE / a.REPEAT_MEAN_REPORTS))
