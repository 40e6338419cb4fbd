"""Victim categories with reasons: which enhanced-entitlement categories apply, and why.

Derived where the Code allows (victims-code.md §1.3-1.8):
- vulnerable: under 18 on the date of the offence (from date of birth; §1.6(a), §1.8);
- most_serious_crime: domestic abuse, hate crime, sexual offences and the rest of the §1.4 list;
- intimidated: the complainant in a sexual offence (YJCEA 1999 s.17(4), §1.7);
- bereaved_close_relative: a close relative bereaved by criminal conduct (§1.2, §1.4 item 1);
- a parent, guardian or family spokesperson exercises the rights of the victim they act for, so
  they take that victim's categories.
A person confirms, adds, declines (the victim's opt-out, §1.3) or removes a category with a
`victim.categorised` event, which takes effect at its `occurred_at`. Pure functions: no database
and no clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# §1.4: victims of the most serious crime (2013/2015 list; the 2020 list is inferred [I]).
MOST_SERIOUS_KEYWORDS = (
    ("terroris", "terrorism"),
    ("trafficking", "human trafficking"),
    ("modern slavery", "human trafficking"),
    ("attempted murder", "attempted murder"),
    ("attempt murder", "attempted murder"),
    ("kidnap", "kidnap"),
    ("false imprisonment", "false imprisonment"),
    ("arson endangering life", "arson with intent to endanger life"),
    ("arson with intent to endanger life", "arson with intent to endanger life"),
    ("wounding with intent", "wounding or causing grievous bodily harm with intent"),
    ("grievous bodily harm with intent", "wounding or causing grievous bodily harm with intent"),
    ("gbh with intent", "wounding or causing grievous bodily harm with intent"),
    ("section 18", "wounding or causing grievous bodily harm with intent"),
)
VIOLENT_OR_SEXUAL_KEYWORDS = (
    "assault", "wounding", "grievous bodily harm", "actual bodily harm", "murder",
    "manslaughter", "robbery", "rape", "sexual", "violence", "causing death", "kidnap",
    "stalking", "harassment", "threats to kill", "arson", "false imprisonment", "abuse",
)


@dataclass(frozen=True)
class CrimeFacts:
    offence: str = ""
    offence_date: dt.date | None = None
    domestic_abuse: bool = False
    sexual_offence: bool = False
    hate: tuple[str, ...] = ()
    death: bool = False
    most_serious_reason: str = ""  # why the crime is on the §1.4 list, or ""
    violent_or_sexual: bool = False
    child_abuse: bool = False

    def flags(self) -> set[str]:
        out = set()
        for name in ("domestic_abuse", "sexual_offence", "death", "violent_or_sexual",
                     "child_abuse"):
            if getattr(self, name):
                out.add(name)
        if self.hate:
            out.add("hate")
        if self.most_serious_reason:
            out.add("most_serious")
        return out


def crime_facts(data: dict, report_date: dt.date, any_child_victim: bool = False) -> CrimeFacts:
    offence = str(data.get("offence", ""))
    lowered = (offence + " " + str(data.get("offence_group", ""))).lower()
    hate = tuple(data.get("hate") or ())
    domestic = bool(data.get("domestic_abuse"))
    sexual = bool(data.get("sexual_offence")) or "sexual" in lowered or "rape" in lowered
    reason = ""
    if domestic:
        reason = "domestic abuse"
    elif sexual:
        reason = "a sexual offence"
    elif hate:
        reason = "hate crime (" + ", ".join(s.replace("_", " ") for s in hate) + ")"
    elif data.get("death"):
        reason = "a death caused by criminal conduct"
    elif data.get("most_serious"):
        reason = offence or "the offence"  # the force recorded it as one of the most serious
    else:
        for keyword, label in MOST_SERIOUS_KEYWORDS:
            if keyword in lowered:
                reason = label
                break
    violent_or_sexual = data.get("violent_or_sexual")
    if violent_or_sexual is None:
        violent_or_sexual = sexual or any(k in lowered for k in VIOLENT_OR_SEXUAL_KEYWORDS)
    offence_date = report_date
    if data.get("offence_date"):
        offence_date = dt.date.fromisoformat(data["offence_date"])
    return CrimeFacts(
        offence=offence, offence_date=offence_date, domestic_abuse=domestic,
        sexual_offence=sexual, hate=hate, death=bool(data.get("death")),
        most_serious_reason=reason, violent_or_sexual=bool(violent_or_sexual),
        child_abuse=any_child_victim and (domestic or sexual or bool(violent_or_sexual)),
    )


def age_on(dob: dt.date, day: dt.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


@dataclass(frozen=True)
class CategoryChange:
    """One entry of a victim's category history."""

    at: dt.datetime
    category: str
    state: str  # applies, declined, removed
    reason: str
    source: str  # derived or recorded
    event_id: str
    confirmed_by: str = ""
    rank: int = 0  # recorded (1) beats derived (0) at the same instant


@dataclass(frozen=True)
class VictimFacts:
    key: str
    kind: str
    identified_at: dt.datetime
    identified_by: str  # event id
    date_of_birth: dt.date | None = None
    on_behalf_of: str | None = None
    name: str = ""
    language: str = "en"


def derived_changes(victim: VictimFacts, crime: CrimeFacts | None,
                    crime_event: tuple[str, dt.datetime] | None) -> list[CategoryChange]:
    """The categories the Code derives from the facts, effective when the facts were known."""
    out: list[CategoryChange] = []
    if victim.kind == "business":
        return out
    if victim.kind == "bereaved_close_relative":
        out.append(CategoryChange(
            victim.identified_at, "bereaved_close_relative", "applies",
            "the victim is a close relative bereaved by criminal conduct", "derived",
            victim.identified_by))
    if crime is None or crime_event is None:
        return out
    at = max(victim.identified_at, crime_event[1])
    known_later = victim.identified_at >= crime_event[1]
    source_event = victim.identified_by if known_later else crime_event[0]
    if victim.date_of_birth and crime.offence_date and victim.kind == "person":
        age = age_on(victim.date_of_birth, crime.offence_date)
        if age < 18:
            out.append(CategoryChange(
                at, "vulnerable", "applies",
                f"the victim was under 18 on the offence date (aged {age} on "
                f"{crime.offence_date.isoformat()})",
                "derived", source_event))
    if crime.sexual_offence and victim.kind == "person":
        # YJCEA 1999 s.17(4): a complainant in a sexual offence is eligible for assistance as
        # an intimidated witness unless they say they do not want to be (victims-code.md §1.7).
        out.append(CategoryChange(
            at, "intimidated", "applies",
            "the victim is the complainant in a sexual offence (YJCEA 1999 s.17(4))",
            "derived", source_event))
    if crime.most_serious_reason and victim.kind != "bereaved_close_relative":
        out.append(CategoryChange(
            at, "most_serious_crime", "applies",
            f"the victim was a victim of {crime.most_serious_reason}, one of the most serious "
            "crimes",
            "derived", source_event))
    return out


def in_force(changes: list[CategoryChange], instant: dt.datetime) -> dict[str, CategoryChange]:
    """The categories that apply at INSTANT, each with the change that made it apply."""
    if not changes:
        return {}
    latest: dict[str, CategoryChange] = {}
    for change in sorted(changes, key=lambda c: (c.at, c.rank, c.event_id)):
        if change.at > instant:
            break
        latest[change.category] = change
    return {cat: ch for cat, ch in latest.items() if ch.state == "applies"}
