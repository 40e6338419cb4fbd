"""The journey of one synthetic crime: report, victims, recording, first contact, and the police
outcome the Home Office data gives for its force and offence (court stages in `court.py`).

Police outcomes follow the Home Office outcome types (docs/REAL-DATA.md has the table):
18 no suspect identified (some closed at once as a decision not to investigate); 14 and 16
the victim does not support action; 15 evidential difficulties (a suspect released without
charge, or a CPS decision not to charge); 1 charged; 2, 3, 6 and 8 out-of-court disposals
(proposed, the victim's views sought or not, given); 9 the CPS decides it is not in the
public interest; 10 and 21 closed as not in the public interest; 0 not yet assigned (the
investigation is still open); the rest closed for other reasons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from victimjourney.synthetic import assumptions as a
from victimjourney.synthetic.case import SyntheticCase, Trig
from victimjourney.synthetic.context import Choice, ForceContext, identity
from victimjourney.synthetic.court import prosecute
from victimjourney.synthetic.timeline import DAY, HOUR, MINUTE, lognormal_days
from victimjourney.victims.categories import CrimeFacts, age_on, crime_facts

CHANNEL = Choice([c for c, _ in a.CHANNELS], [w for _, w in a.CHANNELS])
HATE = Choice([s for s, _ in a.HATE_STRANDS], [w for _, w in a.HATE_STRANDS])
OOC_VIEWS_FACTOR = {"caution": 1.0, "conditional_caution": 1.0, "youth_caution": 1.0,
                    "penalty_notice": 0.6, "community_resolution": 1.25}
OOC_FINDING = {"caution": "caution_views_considered",
               "conditional_caution": "caution_views_considered",
               "youth_caution": "caution_views_considered",
               "penalty_notice": "pnd_views_considered",
               "community_resolution": "community_resolution_no_consultation"}
INITIAL = ("written_confirmation_of_crime", "info_support_services", "rj_information",
           "cics_information")


@dataclass(frozen=True)
class Offence:
    """What a Home Office offence name says (worked out once per name)."""

    death: bool
    most_serious: bool
    aggravated: bool  # racially or religiously aggravated: a hate crime
    victim: str  # "none", "business" or "" (by the subgroup's shares)
    child: tuple[int, int] | None  # the name says the victim is a child of these ages
    frti: bool


@lru_cache(maxsize=512)
def offence_info(offence: str) -> Offence:
    low = offence.lower()
    death = any(k in low for k in a.DEATH_OFFENCES)
    victim = ("none" if any(k in low for k in a.NO_VICTIM_OFFENCES)
              else "business" if any(k in low for k in a.BUSINESS_OFFENCES) else "")
    child = next(((young, old) for k, young, old in a.CHILD_OFFENCES if k in low), None)
    return Offence(death, any(k in low for k in a.MOST_SERIOUS_OFFENCES),
                   "racially or religiously aggravated" in low, victim, child,
                   death and "driving" in low)


@lru_cache(maxsize=4096)
def _facts(offence: str, group: str, domestic: bool, hate: tuple[str, ...], death: bool,
           most_serious: bool, child: bool) -> CrimeFacts:
    """The category rules' facts about a crime (`victims/categories.py`), by what they read."""
    data = {"offence": offence, "offence_group": group, "domestic_abuse": domestic,
            "hate": list(hate), "death": death, "most_serious": most_serious}
    return crime_facts(data, dt.date(2000, 1, 1), any_child_victim=child)


def victim_kind(rng, subgroup: str, info: Offence) -> str:
    if info.victim:
        return info.victim
    person, business, _ = a.VICTIM_KIND.get(subgroup, (1.0, 0.0, 0.0))
    roll = rng.random()
    return "person" if roll < person else "business" if roll < person + business else "none"


def child_age(rng, subgroup: str, info: Offence) -> int | None:
    """The victim's age on the offence date if a child, else None."""
    if info.child is not None:
        return rng.randint(*info.child)
    if rng.random() < a.CHILD_SHARE.get(subgroup, 0.0):
        return rng.randint(5, 17)
    return None


def crime(c: SyntheticCase, ctx: ForceContext, subgroup: str, group: str, offence: str,
          channel: str, t0: int, kind: str) -> None:
    """Write the whole journey of one case into C. KIND: recorded, unrecorded or cancelled."""
    rng, b, force = c.rng, ctx.behaviour, ctx.slug
    info = offence_info(offence)
    data: dict[str, Any] = {"offence": offence, "offence_group": group.lower(),
                            "channel": channel}
    report_day = c.clock.local_date(t0)
    offence_day = report_day - dt.timedelta(days=min(int(rng.expovariate(0.5)), 30))
    if subgroup in ("Rape", "Other sexual offences") and rng.random() < 0.3:
        offence_day = report_day - dt.timedelta(days=rng.randint(365, 20 * 365))  # historic
    if offence_day != report_day:
        data["offence_date"] = offence_day.isoformat()
    if rng.random() < a.DOMESTIC_ABUSE_SHARE.get(subgroup, 0.0):
        data["domestic_abuse"] = True
    if info.aggravated:
        data["hate"] = ["religion" if rng.random() < a.AGGRAVATED_RELIGION_SHARE else "race"]
    elif rng.random() < a.HATE_SHARE.get(subgroup, 0.0):
        data["hate"] = [HATE.draw(rng)]
    if info.death:
        data["death"] = True
    if info.most_serious:
        data["most_serious"] = True
    vkind = "bereaved" if info.death else victim_kind(rng, subgroup, info)
    age = child_age(rng, subgroup, info) if vkind == "person" else None
    c.hate = tuple(data.get("hate", ()))
    c.frti = info.frti
    c.identified_at = t0
    victims, age = _victims(c, ctx, vkind, age, offence_day)
    facts = _facts(offence, data["offence_group"], bool(data.get("domestic_abuse")), c.hate,
                   info.death, info.most_serious, age is not None)
    c.violent_or_sexual = facts.violent_or_sexual
    c.victims = [(key, v["kind"]) for key, v in victims]
    person = vkind == "person"
    recorded_cats = _recorded_categories(c, ctx, vkind, subgroup, data, victims)
    c.enhanced = vkind == "bereaved" or (person and (
        age is not None or bool(facts.most_serious_reason) or facts.sexual_offence
        or bool(recorded_cats)))
    c.vulnerable_or_intimidated = person and (
        age is not None or facts.sexual_offence
        or bool({"vulnerable", "intimidated"} & set(recorded_cats)))
    _count_victims(c, force, vkind, age, data, victims)

    rep = c.trigger("crime.reported", t0, data=data)
    for key, fields in victims:
        trig = c.trigger("victim.identified", t0, victim=key, data=fields)
        c.untimed(trig, 0.97, ("family_liaison_officer",), ctx.orgs.police,
                  evidence="family_liaison.assigned", within=2 * DAY, victim=key)
    for category, reason in recorded_cats.items():
        c.add("victim.categorised", t0, victim="V1", data={
            "category": category, "reason": reason, "confirmed_by": "officer in the case"})
    c.truth.count(force, f"cases_{kind}")
    if kind != "unrecorded":
        recorded_at = t0 + rng.randint(1, 36) * HOUR
        rec = c.trigger("crime.recorded", recorded_at)
    else:
        rec = None
    c.truth.finding(force, f"recorded_via_{channel}", "no" if rec is None else "yes")
    assert rep is not None
    c.untimed(rep, b.initial_contact, INITIAL, ctx.orgs.police, within=5 * DAY)
    if kind == "unrecorded":
        return
    c.untimed(rep, b.needs_assessment, ("needs_assessment_police",), ctx.orgs.police,
              evidence="needs_assessment.completed", within=10 * DAY)
    if person and rng.random() < b.referral_declined:
        c.add("referral.declined", t0 + 30 * MINUTE, data={"reason": "the victim declined"})
        c._record(rep, "referral_to_victim_services", "not_applicable")
    else:
        c.timed(rep, b.police, ("referral_to_victim_services",), ctx.orgs.police,
                evidence="referral.made", service="Victim Support")
    c.untimed(rec, b.update_agreed, ("update_frequency_agreed",), ctx.orgs.police,
              within=14 * DAY)
    if age is not None and subgroup in ("Rape", "Other sexual offences", "Violence with injury",
                                        "Violence without injury"):
        sought = rng.random() < b.child_consent
        c.add("interview.video_recorded", t0 + rng.randint(1, 10) * DAY, victim="V1",
              data={"consent_sought": sought})
        c.truth.finding(force, "child_video_interviews", "sought" if sought else "not_sought")
    if kind == "cancelled":
        _cancel(c, ctx, recorded_at)
        return
    code = ctx.outcomes[subgroup].draw(rng)
    c.truth.count(force, f"outcome_{code}")
    sentence_at = _outcome(c, ctx, code, t0, subgroup, group, offence, data, rep)
    if code == "1":
        c.before(rep, "vps_offer", b.vps_offered, sentence_at,
                 sentence_at is not None, "vps.offered", ctx.orgs.police)


def _born(rng, offence_day: dt.date, age: int) -> str:
    """A date of birth that makes the victim exactly AGE on OFFENCE_DAY."""
    day = offence_day - dt.timedelta(days=int(age * 365.25) + rng.randint(1, 360))
    while age_on(day, offence_day) > age:
        day += dt.timedelta(days=7)
    while age_on(day, offence_day) < age:
        day -= dt.timedelta(days=7)
    return day.isoformat()


def _victims(c: SyntheticCase, ctx: ForceContext, vkind: str, age: int | None,
             offence_day: dt.date) -> tuple[list[tuple[str, dict[str, Any]]], int | None]:
    """The victims' `victim.identified` data, and the age of a child victim on the offence
    date (None if the victim is not a child)."""
    rng = c.rng
    if vkind == "none":
        return [], None
    if vkind == "business":
        return [("V1", {"kind": "business",
                        "name": f"Business {rng.randint(1, 99999):05d}"})], None
    if vkind == "bereaved":
        count = rng.choice(a.BEREAVED_RELATIVES)
        return [(f"V{i}", {"kind": "bereaved_close_relative",
                           "name": identity(rng, ctx.year - rng.randint(20, 80)).name,
                           "relationship": rng.choice(("parent", "partner", "child",
                                                       "sibling"))})
                for i in range(1, count + 1)], None
    language = "cy" if ctx.wales and rng.random() < 0.15 else "en"
    if age is None and rng.random() < a.REPEAT_SHARE:
        uses, person = ctx.repeat_person(rng)
        c.repeat_uses = uses
        born = person.date_of_birth
        years = age_on(dt.date.fromisoformat(born), offence_day)
        age = years if years < 18 else None
    else:
        years = age if age is not None else min(90, 18 + int(rng.expovariate(1 / 22)))
        person = identity(rng, offence_day.year - years)
        born = _born(rng, offence_day, years)
        c.repeat_uses = 0
    fields = {"kind": "person", "name": person.name, "date_of_birth": born,
              "contact": {"postcode": person.postcode}, "language": language}
    out = [("V1", fields)]
    if age is not None and age < a.PARENT_BELOW_AGE:
        out.append(("V2", {"kind": "parent_or_guardian", "on_behalf_of": "V1",
                           "name": identity(rng, ctx.year - rng.randint(25, 50)).name,
                           "language": language}))
    return out, age


def _recorded_categories(c: SyntheticCase, ctx: ForceContext, vkind: str, subgroup: str,
                         data: dict[str, Any], victims: list) -> dict[str, str]:
    if vkind != "person":
        return {}
    rng = c.rng
    out = {}
    intimidated = (a.INTIMIDATED_SHARE_DOMESTIC if data.get("domestic_abuse")
                   else a.INTIMIDATED_SHARE)
    if rng.random() < intimidated:
        out["intimidated"] = "fear of the suspect"
    if rng.random() < a.VULNERABLE_ADULT_SHARE:
        out["vulnerable"] = "a mental disorder affects the quality of their evidence"
    if c.repeat_uses >= 3 and subgroup in a.PERSISTENT_SUBGROUPS:
        out["persistently_targeted"] = "reported as a victim three or more times this year"
    return out


def _count_victims(c: SyntheticCase, force: str, vkind: str, age: int | None,
                   data: dict[str, Any], victims: list) -> None:
    t = c.truth
    if victims:
        for _, fields in victims:
            t.count(force, f"victims_{fields['kind']}")
    else:
        t.count(force, "cases_without_victim")
    if vkind == "person":
        if age is not None:
            t.count(force, "victims_child")
        if c.repeat_uses:
            t.count(force, "victim_records_from_repeat_pool")
    if victims:
        if data.get("domestic_abuse"):
            t.count(force, "cases_domestic_abuse_with_victim")
        for strand in data.get("hate", ()):
            t.count(force, f"cases_hate_{strand}_with_victim")
        if c.enhanced:
            t.count(force, "victims_enhanced", len(victims))


def _cancel(c: SyntheticCase, ctx: ForceContext, recorded_at: int) -> None:
    rng = c.rng
    at = recorded_at + rng.randint(2, 30) * DAY
    cancelled = c.add("crime.cancelled", at, data={"reason": "additional verifiable "
                                                    "information: no crime took place"})
    if cancelled is None or not c.victims:
        return
    told = None
    if rng.random() < ctx.behaviour.cancel_told:
        told = c.contact(cancelled, at + rng.randint(1, 10) * DAY, ctx.orgs.police)
    c.truth.finding(ctx.slug, "no_crime_victim_told", "yes" if told else "no")


def _suspect(c: SyntheticCase, ctx: ForceContext, t0: int, code: str) -> int | None:
    """Arrest and interview (with the duties to tell the victim); the interview's time."""
    rng, b = c.rng, ctx.behaviour
    if rng.random() >= a.ARREST_SHARE.get(code, 0.0):
        return None
    at = t0 + int(lognormal_days(rng, 2, 6, 60) * DAY) + HOUR
    arrest = c.trigger("suspect.arrested", at)
    c.timed(arrest, b.police, ("suspect_arrested",), ctx.orgs.police)
    status = c.statuses.get("suspect_arrested")
    if arrest is not None and status in ("met", "late", "breached") and "disability" in c.hate:
        eligible = arrest.entitlements["suspect_arrested"][1]
        c.truth.finding(ctx.slug, "dhc_contact_within_one_day",
                        "yes" if status == "met" else "no", eligible)
    at += rng.randint(2, 10) * HOUR
    interview = c.trigger("suspect.interviewed", at)
    c.timed(interview, b.police, ("suspect_interviewed_under_caution",), ctx.orgs.police)
    return at


def _released(c: SyntheticCase, ctx: ForceContext, at: int) -> None:
    nfa = c.trigger("suspect.released_no_further_action", at, data={"reason": "evidential"})
    c.timed(nfa, ctx.behaviour.police,
            ("suspect_released_without_charge", "vrr_information_police"), ctx.orgs.police)


def _cps_nfa(c: SyntheticCase, ctx: ForceContext, at: int) -> None:
    decision = c.trigger("cps.decision", at, ctx.orgs.cps, data={"decision": "no_further_action"})
    if decision is None:
        return
    c.timed(decision, ctx.cps.cps, ("cps_decision_not_to_charge",), ctx.orgs.cps)
    outcome = "undeterminable" if not c.victims else "notified" if c.written else "not_notified"
    c.truth.finding(ctx.slug, "right_to_review_notified", outcome)
    if c.frti:
        c.truth.finding(ctx.slug, "frti_charge_decision_communicated",
                        "yes" if c.written else "no")


def _close(c: SyntheticCase, at: int, reason: str) -> Trig | None:
    return c.trigger("investigation.closed", at, data={"reason": reason})


def _outcome(c: SyntheticCase, ctx: ForceContext, code: str, t0: int, subgroup: str,
             group: str, offence: str, data: dict[str, Any], rep: Trig) -> int | None:
    """The police outcome's events; the sentence's time if the case reaches one."""
    rng, b = c.rng, ctx.behaviour
    if code == "0":
        _suspect(c, ctx, t0, code)
        return None
    if code == "18":
        if rng.random() < b.screen_out:
            closed = _close(c, t0 + rng.randint(2, 48) * HOUR, "decision_not_to_investigate")
            c.timed(closed, b.police, ("decision_not_to_investigate",), ctx.orgs.police)
        else:
            _close(c, t0 + int(lognormal_days(rng, 7, 20, 180) * DAY), "no_suspect_identified")
        return None
    interviewed = _suspect(c, ctx, t0, code)
    after = interviewed if interviewed is not None else t0
    timing = ctx.timing[group]
    decided = after + HOUR + int(lognormal_days(
        rng, timing["median_offence_to_charge_days"], timing["mean_offence_to_charge_days"],
        400) * DAY)
    if interviewed is not None and decided - interviewed > 2 * DAY and code in ("1", "9", "15"):
        kind = rng.random()
        if kind < a.BAIL_SHARE:
            bail = c.trigger("suspect.bailed", interviewed + HOUR,
                             data={"conditions": ["not to contact the victim"]})
            c.timed(bail, b.police, ("suspect_bailed_or_rui",), ctx.orgs.police)
        elif kind < a.BAIL_SHARE + a.RUI_SHARE:
            rui = c.trigger("suspect.released_under_investigation", interviewed + HOUR)
            c.timed(rui, b.police, ("suspect_bailed_or_rui",), ctx.orgs.police)
    if code == "1":
        return prosecute(c, ctx, decided, subgroup, group, offence, data)
    if code in ("2", "3", "6", "8"):
        _out_of_court(c, ctx, code, after, decided)
        return None
    if code == "9" or (code == "15" and interviewed is not None
                       and rng.random() < a.CPS_NFA_SHARE_OF_EVIDENTIAL):
        _cps_nfa(c, ctx, decided)
        reason = "not_in_public_interest" if code == "9" else "evidential_difficulties"
        _close(c, decided + rng.randint(1, 10) * DAY, reason)
        return None
    if interviewed is not None:
        _released(c, ctx, interviewed + rng.randint(1, 6) * HOUR)
    reason = {"14": "victim_does_not_support", "16": "victim_does_not_support",
              "15": "evidential_difficulties", "10": "not_in_public_interest",
              "21": "not_in_public_interest"}.get(code, "other")
    _close(c, max(decided, after + DAY), reason)
    return None


def _out_of_court(c: SyntheticCase, ctx: ForceContext, code: str, after: int,
                  decided: int) -> None:
    rng, b = c.rng, ctx.behaviour
    disposal = {"2": "youth_caution", "6": "penalty_notice", "8": "community_resolution"}.get(
        code, "conditional_caution" if rng.random() < a.CONDITIONAL_CAUTION_SHARE else "caution")
    proposed_at = after + HOUR
    issued_at = max(decided, proposed_at + rng.randint(1, 14) * DAY)
    proposed = c.trigger("ooc_disposal.proposed", proposed_at, data={"disposal": disposal})
    share = min(0.98, b.ooc_views * OOC_VIEWS_FACTOR[disposal])
    views = c.before(proposed, "out_of_court_disposal_views", share, issued_at,
                     issued_at <= c.horizon, "ooc_disposal.victim_views_recorded",
                     ctx.orgs.police, views="recorded by the officer in the case")
    issued = c.trigger("ooc_disposal.issued", issued_at, data={"disposal": disposal})
    c.timed(issued, b.police, ("out_of_court_disposal_outcome",), ctx.orgs.police)
    if issued is not None and c.victims:
        considered = "yes" if views is not None else "no"
        c.truth.finding(ctx.slug, OOC_FINDING[disposal], considered)
        c.truth.finding(ctx.slug, "oocd_views_considered", considered)
