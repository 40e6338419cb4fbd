"""A synthetic journey event feed with a known truth, deterministic for a seed.

Forces are sized by population; each force has a behaviour (how often it fulfils a duty on
time, late, or never), so that analytics have a known answer. Used by the demo data, the
benchmarks and the tests. Offence mix and category rates are coarse national shares (see
docs/ARCHITECTURE.md); the national-scale calibration belongs to the generator's own issue.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from victimjourney.core.clock import LONDON
from victimjourney.core.workingdays import add_working_days
from victimjourney.organisations.reference import shipped_organisations

# (offence, offence group, share, flags)
OFFENCES: tuple[tuple[str, str, float, dict[str, Any]], ...] = (
    ("theft from the person", "theft offences", 0.20, {}),
    ("burglary - residential", "burglary", 0.10, {}),
    ("criminal damage", "criminal damage and arson", 0.12, {}),
    ("common assault", "violence against the person", 0.14, {}),
    ("assault occasioning actual bodily harm", "violence against the person", 0.10, {}),
    ("harassment", "stalking and harassment", 0.08, {}),
    ("stalking", "stalking and harassment", 0.03, {}),
    ("robbery of personal property", "robbery", 0.04, {}),
    ("fraud by false representation", "fraud", 0.06, {}),
    ("sexual assault on a female aged 13 and over", "sexual offences", 0.05,
     {"sexual_offence": True}),
    ("rape of a female aged 16 and over", "sexual offences", 0.02, {"sexual_offence": True}),
    ("wounding with intent to do grievous bodily harm", "violence against the person", 0.02,
     {}),
    ("arson endangering life", "criminal damage and arson", 0.01, {}),
    ("causing death by dangerous driving", "violence against the person", 0.005,
     {"death": True}),
    ("murder", "violence against the person", 0.005, {"death": True}),
    ("kidnapping", "violence against the person", 0.01, {}),
)


@dataclass(frozen=True)
class ForceBehaviour:
    on_time: float  # share of duties fulfilled on time
    late: float  # share fulfilled late (the rest: never)


def force_behaviours(seed: int) -> dict[str, ForceBehaviour]:
    rng = random.Random(seed * 7919 + 17)
    out = {}
    for _code, org in sorted(shipped_organisations().items()):
        if org.kind == "police":
            on_time = round(rng.uniform(0.45, 0.9), 3)
            late = round(rng.uniform(0.05, 1 - on_time), 3)
            out[org.force] = ForceBehaviour(on_time, late)
    return out


class _Case:
    def __init__(self, ref: str, force: str, rng: random.Random, behaviour: ForceBehaviour):
        self.ref, self.force, self.rng, self.behaviour = ref, force, rng, behaviour
        self.lines: list[dict[str, Any]] = []
        self.n = 0

    def add(self, etype: str, at: dt.datetime, provider: str | None = None,
            victim: str | None = None, data: dict | None = None,
            received: dt.datetime | None = None) -> str:
        self.n += 1
        eid = f"{self.ref}-{self.n:02d}"
        line: dict[str, Any] = {"id": eid, "type": etype, "case": self.ref,
                                "provider": provider or f"police:{self.force}",
                                "occurred_at": at.isoformat()}
        if received is not None:
            line["received_at"] = received.isoformat()
        if victim:
            line["victim"] = victim
        line["data"] = data or {}
        self.lines.append(line)
        return eid

    def respond(self, trigger: str, at: dt.datetime, days: int, provider: str | None = None,
                victim: str = "V1", event_type: str = "contact.made",
                data: dict | None = None) -> None:
        """Fulfil a duty on time, late or never, by the force's behaviour."""
        roll = self.rng.random()
        if roll < self.behaviour.on_time:
            when = _working(at, self.rng.randint(0, max(0, days - 1))) + dt.timedelta(hours=2)
        elif roll < self.behaviour.on_time + self.behaviour.late:
            when = _working(at, days + self.rng.randint(1, 8)) + dt.timedelta(hours=3)
        else:
            return
        payload = data if data is not None else {"channel": self.rng.choice(
            ("letter", "email", "phone", "sms")), "answers": trigger}
        self.add(event_type, when, provider, victim, payload)


def _working(at: dt.datetime, days: int) -> dt.datetime:
    if days <= 0:
        return at
    day = add_working_days(at.astimezone(LONDON).date(), days)
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=LONDON)


def generate(*, cases: int, seed: int, year: int = 2024,
             start: dt.datetime | None = None) -> Iterator[dict[str, Any]]:
    """Yield the events of CASES synthetic cases, case by case, reported over the year from
    START (default 1 January of YEAR)."""
    rng = random.Random(seed)
    orgs = shipped_organisations()
    forces = [o for o in orgs.values() if o.kind == "police" and o.population]
    weights = [o.population or 0 for o in forces]
    behaviours = force_behaviours(seed)
    offence_weights = [o[2] for o in OFFENCES]
    if start is None:
        start = dt.datetime(year, 1, 1, 8, 0, tzinfo=LONDON)
    year = start.year
    for number in range(1, cases + 1):
        force = rng.choices(forces, weights)[0]
        c = _Case(f"{force.force[:3].upper()}/{number:07d}/{year % 100:02d}", force.force,
                  random.Random(rng.random()), behaviours[force.force])
        yield from _journey(c, rng, start, offence_weights)


def _journey(c: _Case, rng: random.Random, start: dt.datetime,
             offence_weights: list[float]) -> Iterator[dict[str, Any]]:
    offence, group, _, flags = rng.choices(OFFENCES, offence_weights)[0]
    reported = start + dt.timedelta(minutes=rng.randint(0, 360 * 24 * 60))
    data: dict[str, Any] = {"offence": offence, "offence_group": group,
                            "channel": rng.choice(("call_handling", "online", "in_person",
                                                   "recording_centre")), **flags}
    if group in ("violence against the person", "stalking and harassment") and rng.random() < 0.3:
        data["domestic_abuse"] = True
    if rng.random() < 0.03:
        data["hate"] = [rng.choice(("race", "religion", "disability", "sexual_orientation",
                                    "transgender"))]
    crime = c.add("crime.reported", reported, data=data)
    c.add("crime.recorded", reported + dt.timedelta(hours=rng.randint(1, 48)))
    age = rng.choices((rng.randint(8, 17), rng.randint(18, 90)), (0.15, 0.85))[0]
    dob = dt.date(reported.year - age, rng.randint(1, 12), rng.randint(1, 28))
    if flags.get("death"):
        c.add("victim.identified", reported, victim="V1", data={
            "kind": "bereaved_close_relative", "name": "Bereaved relative"})
    else:
        c.add("victim.identified", reported, victim="V1", data={
            "kind": "person", "date_of_birth": dob.isoformat(), "name": "Synthetic Victim",
            "language": "cy" if c.force in ("north-wales", "dyfed-powys") and rng.random() < 0.2
            else "en"})
    if rng.random() < 0.06:
        c.add("victim.categorised", reported + dt.timedelta(hours=2), victim="V1", data={
            "category": "intimidated", "reason": "fear of the suspect's associates",
            "confirmed_by": "officer in the case"})
    c.respond(crime, reported, 2, event_type="referral.made", data={"service": "Victim Support"})
    c.respond(crime, reported, 5, event_type="needs_assessment.completed", data={})
    c.add("contact.made", reported + dt.timedelta(days=1), victim="V1",
          data={"channel": "letter", "answers": crime,
                "entitlements": ["written_confirmation_of_crime", "written_ack_of_crime",
                                 "written_info_leaflet", "info_support_services",
                                 "rj_information", "cics_information"]})
    at = reported + dt.timedelta(days=rng.randint(1, 20))
    if rng.random() < 0.45:
        arrest = c.add("suspect.arrested", at)
        c.respond(arrest, at, 1)
        at += dt.timedelta(hours=6)
        interview = c.add("suspect.interviewed", at)
        c.respond(interview, at, 1)
        at += dt.timedelta(hours=3)
        outcome = rng.random()
        if outcome < 0.35:
            nfa = c.add("suspect.released_no_further_action", at, data={"reason": "evidential"})
            c.respond(nfa, at, 1)
        elif outcome < 0.55:
            bail = c.add("suspect.bailed", at, data={"conditions": ["not to contact the victim"]})
            c.respond(bail, at, 1)
        else:
            at += dt.timedelta(days=rng.randint(1, 30))
            cps_area = shipped_organisations()[f"police:{c.force}"].cps_area
            if rng.random() < 0.15:
                decision = c.add("cps.decision", at, cps_area,
                                 data={"decision": "no_further_action"})
                c.respond(decision, at, 1, provider=cps_area)
            else:
                c.add("cps.decision", at, cps_area, data={"decision": "charge"})
                charged = c.add("suspect.charged", at + dt.timedelta(hours=2),
                                data={"charges": [offence]})
                c.respond(charged, at, 1)
                yield from _court(c, rng, at + dt.timedelta(days=rng.randint(7, 60)))
    else:
        c.add("investigation.closed", at, data={"reason": "no_suspect_identified"})
    yield from c.lines


def _court(c: _Case, rng: random.Random, at: dt.datetime) -> Iterator[dict[str, Any]]:
    wcu = f"wcu:{c.force}"
    received = at + dt.timedelta(hours=rng.randint(1, 30))
    hearing = c.add("hearing.listed", at, wcu, received=received,
                    data={"hearing_at": (at + dt.timedelta(days=14)).isoformat(),
                          "kind": "first hearing"})
    c.respond(hearing, received, 1, provider=wcu)
    at += dt.timedelta(days=14)
    if rng.random() < 0.3:
        c.add("plea.entered", at, wcu, data={"plea": "not_guilty"})
        required = c.add("witness.required", at + dt.timedelta(days=2), wcu)
        c.respond(required, at + dt.timedelta(days=2), 1, provider=wcu)
        c.respond(required, at + dt.timedelta(days=2), 10, provider=wcu,
                  event_type="wcu.needs_assessment.completed", data={})
        at += dt.timedelta(days=rng.randint(30, 120))
        c.add("trial.started", at, wcu)
    verdict_data = {"verdict": rng.choices(("guilty", "not_guilty"), (0.8, 0.2))[0]}
    verdict = c.add("verdict.given", at + dt.timedelta(days=1), wcu, data=verdict_data,
                    received=at + dt.timedelta(days=1, hours=4))
    c.respond(verdict, at + dt.timedelta(days=1, hours=4), 1, provider=wcu)
    if verdict_data["verdict"] == "guilty":
        at += dt.timedelta(days=rng.randint(1, 40))
        months = rng.choices((0, rng.randint(1, 11), rng.randint(12, 120)), (0.5, 0.3, 0.2))[0]
        sentence = c.add("sentence.passed", at, wcu, received=at + dt.timedelta(hours=5), data={
            "disposal": "immediate custody" if months else "community order",
            "custodial_months": months})
        c.respond(sentence, at + dt.timedelta(hours=5), 1, provider=wcu)
    yield from ()


def write_feed(path: str, *, cases: int, seed: int, year: int = 2024,
               on_case: Any = None) -> int:
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        last_case = None
        for line in generate(cases=cases, seed=seed, year=year):
            out.write(json.dumps(line, separators=(",", ":")) + "\n")
            count += 1
            if on_case and line["case"] != last_case:
                last_case = line["case"]
                on_case()
    return count
