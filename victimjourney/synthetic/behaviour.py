"""How each organisation behaves in the synthetic national year: the known truth.

Every police force (and its Witness Care Unit), CPS area and probation region gets parameters
drawn once from the seed, each uniformly within a range set around the inspections' figures
(`shared/spec/findings.md`, e.g. 72% of victims told of a cancelled crime, 61% of out-of-court
disposals with the victim's views considered). The generator follows them case by case, so the
analytics should recover them (within sampling error) and the ground-truth file records them.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from typing import Any

from victimjourney.organisations.reference import CPS_AREAS, PROBATION_REGIONS


@dataclass(frozen=True)
class Timeliness:
    """Of the duties the organisation owes with a deadline: the share it fulfils on time,
    the share late; the rest never."""

    on_time: float
    late: float

    @property
    def never(self) -> float:
        return round(1 - self.on_time - self.late, 6)


@dataclass(frozen=True)
class ForceBehaviour:
    police: Timeliness
    wcu: Timeliness
    recording_rate: float  # share of crimes reported by call handling that are recorded
    cancel_rate: float  # recorded crimes later cancelled (no-crimed), per recorded crime
    cancel_told: float  # cancellations the victim is told about
    ooc_views: float  # out-of-court disposals with the victim's views recorded before
    screen_out: float  # crimes with no suspect closed at once: a decision not to investigate
    initial_contact: float  # written confirmation of the crime sent (untimed duties)
    needs_assessment: float  # police needs assessment done
    referral_declined: float  # victims who decline referral to victims' services
    update_agreed: float  # frequency of updates agreed after recording
    vps_offered: float  # Victim Personal Statement offered before sentence
    child_consent: float  # child's consent sought to a video-recorded interview
    witness_assessed: float  # WCU full needs assessment done before the trial


@dataclass(frozen=True)
class CpsBehaviour:
    cps: Timeliness
    frti_told: float  # fatal road traffic cases: the charging decision told to the family
    meets_witness: float  # prosecutor meets the victim at court


@dataclass(frozen=True)
class ProbationBehaviour:
    probation: Timeliness
    risk_assessed: float  # custodial sentences followed promptly by a complete OASys
    key_stages_told: float  # key stages of the sentence told to VCS members


def _timeliness(rng: random.Random, low: float, high: float) -> Timeliness:
    on_time = round(rng.uniform(low, high), 3)
    late = round(rng.uniform(0.02, min(0.3, 1 - on_time)), 3)
    return Timeliness(on_time, late)


def _u(rng: random.Random, low: float, high: float) -> float:
    return round(rng.uniform(low, high), 3)


def force_behaviour(seed: int, force: str) -> ForceBehaviour:
    rng = random.Random(f"{seed}:behaviour:police:{force}")
    return ForceBehaviour(
        police=_timeliness(rng, 0.45, 0.92), wcu=_timeliness(rng, 0.6, 0.95),
        recording_rate=_u(rng, 0.8, 0.97), cancel_rate=_u(rng, 0.005, 0.03),
        cancel_told=_u(rng, 0.5, 0.95), ooc_views=_u(rng, 0.35, 0.9),
        screen_out=_u(rng, 0.1, 0.45), initial_contact=_u(rng, 0.7, 0.98),
        needs_assessment=_u(rng, 0.5, 0.95), referral_declined=_u(rng, 0.2, 0.45),
        update_agreed=_u(rng, 0.3, 0.9), vps_offered=_u(rng, 0.4, 0.9),
        child_consent=_u(rng, 0.3, 1.0), witness_assessed=_u(rng, 0.75, 0.98),
    )


def cps_behaviour(seed: int, area: str) -> CpsBehaviour:
    rng = random.Random(f"{seed}:behaviour:cps:{area}")
    return CpsBehaviour(cps=_timeliness(rng, 0.4, 0.9), frti_told=_u(rng, 0.1, 0.6),
                        meets_witness=_u(rng, 0.5, 0.95))


def probation_behaviour(seed: int, region: str) -> ProbationBehaviour:
    rng = random.Random(f"{seed}:behaviour:probation:{region}")
    return ProbationBehaviour(probation=_timeliness(rng, 0.5, 0.95),
                              risk_assessed=_u(rng, 0.15, 0.6),
                              key_stages_told=_u(rng, 0.6, 0.95))


@dataclass(frozen=True)
class Behaviours:
    forces: dict[str, ForceBehaviour]
    cps: dict[str, CpsBehaviour]
    probation: dict[str, ProbationBehaviour]

    def as_dict(self) -> dict[str, Any]:
        return {"forces": {k: asdict(v) for k, v in self.forces.items()},
                "cps": {k: asdict(v) for k, v in self.cps.items()},
                "probation": {k: asdict(v) for k, v in self.probation.items()}}


def behaviours(seed: int, forces: list[str]) -> Behaviours:
    return Behaviours(
        forces={f: force_behaviour(seed, f) for f in forces},
        cps={f"cps:{a}": cps_behaviour(seed, a) for a in sorted(CPS_AREAS)},
        probation={f"probation:{r}": probation_behaviour(seed, r)
                   for r in sorted(PROBATION_REGIONS)},
    )
