"""A charged case through the courts to sentence, the Victim Contact Scheme and release.

Whether it ends in a conviction follows the CPS's conviction rate for the force's CPS area and
the offence's principal category (real data); how long each stage takes follows the MoJ
prosecution times for the offence group (median and mean, as a log-normal). Pleas, the split of
unsuccessful prosecutions, sentences and the Scheme's take-up are assumptions
(`assumptions.py`). Offenders are released at the halfway point of a custodial term, and the
release events are written when they fall before the horizon.
"""

from __future__ import annotations

import math
from typing import Any

from victimjourney.synthetic import assumptions as a
from victimjourney.synthetic.calibrate import CPS_CATEGORY_OF
from victimjourney.synthetic.case import SyntheticCase
from victimjourney.synthetic.context import Choice, ForceContext
from victimjourney.synthetic.timeline import DAY, HOUR, lognormal_days

OTHER = "All Other Offences (excluding Motoring)"
NON_CUSTODIAL = Choice([d for d, _ in a.NON_CUSTODIAL], [w for _, w in a.NON_CUSTODIAL])


def _days(ctx_timing: dict[str, float], measure: str, cap: float, rng) -> int:
    return int(lognormal_days(rng, ctx_timing[f"median_{measure}"],
                              ctx_timing[f"mean_{measure}"], cap) * DAY)


def prosecute(c: SyntheticCase, ctx: ForceContext, decided: int, subgroup: str, group: str,
              offence: str, data: dict[str, Any]) -> int | None:
    """Charge and what follows; the sentence's time if one is written."""
    rng, b, orgs = c.rng, ctx.behaviour, ctx.orgs
    timing = ctx.timing[group]
    category = CPS_CATEGORY_OF.get(subgroup, OTHER)
    if c.frti or rng.random() < a.CPS_CHARGE_SHARE:
        decision = c.add("cps.decision", decided, orgs.cps, data={"decision": "charge"})
        if decision is not None and c.frti:
            told = None
            if rng.random() < ctx.cps.frti_told:
                told = c.contact(decision, decided + rng.randint(1, 5) * DAY, orgs.cps)
            c.truth.finding(ctx.slug, "frti_charge_decision_communicated",
                            "yes" if told else "no")
    charged_at = decided + 2 * HOUR
    charged = c.trigger("suspect.charged", charged_at, data={"charges": [offence]})
    c.timed(charged, b.police, ("suspect_charged",), orgs.police)
    first = charged_at + max(DAY, _days(timing, "charge_to_first_listing_days", 120, rng))
    listed = c.trigger("hearing.listed", charged_at + HOUR, orgs.wcu,
                       data={"hearing_at": c.clock.iso(first), "kind": "first hearing"},
                       received=charged_at + rng.randint(2, 30) * HOUR)
    c.timed(listed, b.wcu, ("wcu_hearing_date",), orgs.wcu)
    convicted = rng.random() < ctx.conviction_rate[category]
    if convicted and rng.random() < a.GUILTY_PLEA_SHARE.get(category, a.GUILTY_PLEA_DEFAULT):
        c.add("plea.entered", first, orgs.wcu, data={"plea": "guilty"})
        later = 0 if rng.random() < 0.5 else rng.randint(14, 42) * DAY
        return sentence(c, ctx, first + later + 3 * HOUR, category)
    c.add("plea.entered", first, orgs.wcu, data={"plea": "not_guilty"})
    required_at = first + rng.randint(1, 5) * DAY
    trial = required_at + max(14 * DAY, _days(
        timing, "sending_to_crown_court_to_main_hearing_days", 700, rng))
    required = None  # no victim, no victim to call as a witness
    if c.victims:
        required = c.trigger("witness.required", required_at, orgs.wcu,
                             received=required_at + rng.randint(1, 24) * HOUR)
    c.timed(required, b.wcu, ("wcu_required_to_give_evidence",), orgs.wcu)
    assessed = c.untimed(required, b.witness_assessed, ("wcu_needs_assessment",), orgs.wcu,
                         evidence="wcu.needs_assessment.completed",
                         within=max(HOUR, trial - required_at - 2 * DAY))
    if c.vulnerable_or_intimidated:
        c.add("special_measures.applied", required_at + 2 * DAY, orgs.cps,
              data={"measures": ["screens", "live link"]})
        sm_at = required_at + rng.randint(7, 13) * DAY
        measures = c.trigger("special_measures.decided", sm_at, orgs.wcu,
                             data={"granted": rng.random() < a.SPECIAL_MEASURES_GRANTED,
                                   "measures": ["screens"]},
                             received=sm_at + rng.randint(1, 8) * HOUR)
        c.timed(measures, b.wcu, ("special_measures",), orgs.wcu)
    date_set = c.trigger("trial.date_set", required_at + HOUR, orgs.wcu,
                         data={"trial_date": c.clock.local_date(trial).isoformat()},
                         received=required_at + rng.randint(2, 24) * HOUR)
    c.timed(date_set, b.wcu, ("wcu_hearing_date",), orgs.wcu)
    if not convicted and rng.random() >= a.ACQUITTED_SHARE_OF_UNSUCCESSFUL:
        no_evidence = rng.random() < a.OFFER_NO_EVIDENCE_SHARE
        at = trial if no_evidence else required_at + int((trial - required_at)
                                                         * rng.uniform(0.2, 0.9))
        dropped = c.trigger("cps.decision", at, orgs.cps, data={
            "decision": "offer_no_evidence" if no_evidence else "discontinue"})
        c.timed(dropped, ctx.cps.cps, ("cps_discontinue_or_alter_charge",), orgs.cps)
        c.before(required, "pre_trial_court_visit", b.wcu.on_time, None, False,
                 "court_visit.offered", orgs.wcu)
        return None
    c.before(required, "pre_trial_court_visit", b.wcu.on_time, trial, trial <= c.horizon,
             "court_visit.offered", orgs.wcu)
    started = c.trigger("trial.started", trial, orgs.wcu)
    c.untimed(started, ctx.cps.meets_witness, ("prosecutor_meets_witness",), orgs.cps,
              within=6 * HOUR)
    if required is not None and started is not None and c.victims:
        secured = assessed is not None and assessed <= trial
        c.truth.finding(ctx.slug, "witness_attendance_secured", "yes" if secured else "no")
    verdict_at = trial + _days(timing, "main_hearing_to_completion_days", 90, rng) + 4 * HOUR
    verdict = c.trigger("verdict.given", verdict_at, orgs.wcu,
                        data={"verdict": "guilty" if convicted else "not_guilty"},
                        received=verdict_at + rng.randint(1, 6) * HOUR)
    c.timed(verdict, b.wcu, ("wcu_verdict",), orgs.wcu)
    if not convicted or verdict is None:
        return None
    later = 0 if rng.random() < 0.3 else rng.randint(14, 42) * DAY
    return sentence(c, ctx, verdict_at + later + HOUR, category)


def sentence(c: SyntheticCase, ctx: ForceContext, at: int, category: str) -> int | None:
    rng, orgs = c.rng, ctx.orgs
    share, median = a.CUSTODY.get(category, a.CUSTODY[OTHER])
    months = 0
    disposal = NON_CUSTODIAL.draw(rng)
    if rng.random() < share:
        months = max(1, round(median * math.exp(rng.gauss(0, 0.6))))
        disposal = "immediate custody"
    passed = c.trigger("sentence.passed", at, orgs.wcu,
                       data={"disposal": disposal, "custodial_months": months},
                       received=at + rng.randint(1, 6) * HOUR)
    if passed is None:
        return None
    c.truth.count(ctx.slug, "sentences_custodial" if months else "sentences_other")
    c.timed(passed, ctx.behaviour.wcu, ("wcu_sentence",), orgs.wcu)
    if months:
        _risk_assessment(c, ctx, at)
    referred_at = c.timed(passed, ctx.behaviour.wcu, ("vcs_referral",), orgs.wcu,
                          evidence="vcs.referred")
    if referred_at is not None and c.written is not None:
        _victim_contact_scheme(c, ctx, c.written, referred_at)
    if months:
        _release(c, ctx, at + int(months * 30.44 * a.RELEASE_SHARE_OF_TERM) * DAY)
    return at


def _risk_assessment(c: SyntheticCase, ctx: ForceContext, at: int) -> None:
    rng = c.rng
    prompt = rng.random() < ctx.probation.risk_assessed
    if prompt:
        when, complete = at + rng.randint(7, 55) * DAY, True
    elif rng.random() < 0.5:
        when, complete = at + rng.randint(7, 55) * DAY, False
    else:
        when, complete = at + rng.randint(58, 200) * DAY, True
    written = c.add("offender.risk_assessed", when, ctx.orgs.probation,
                    data={"complete": complete})
    c.truth.finding(ctx.slug, "reoffending_assessment_prompt",
                    "yes" if written is not None and prompt else "no")


def _victim_contact_scheme(c: SyntheticCase, ctx: ForceContext, referred: str, at: int) -> None:
    rng, orgs, p = c.rng, ctx.orgs, ctx.probation
    trig = c.started(referred, "vcs.referred", at, orgs.wcu)
    offered_at = c.timed(trig, p.probation, ("vcs_initial_contact",), orgs.probation)
    if offered_at is None:
        return
    answer_at = offered_at + rng.randint(1, 20) * DAY
    if rng.random() < a.VCS_OPT_IN_SHARE:
        joined = c.trigger("vcs.opted_in", answer_at, orgs.probation)
        if joined is not None:
            c.vcs_joined_at = answer_at
            c.untimed(joined, p.key_stages_told, ("release_notification",), orgs.probation)
    else:
        c.add("vcs.opted_out", answer_at, orgs.probation)


def _release(c: SyntheticCase, ctx: ForceContext, release_at: int) -> None:
    orgs, p = ctx.orgs, ctx.probation
    considered_at = release_at - 60 * DAY
    considered = c.trigger("release.under_consideration", considered_at, orgs.probation)
    if considered is None:
        return
    c.untimed(considered, p.key_stages_told, ("vcs_key_stages",), orgs.probation,
              within=7 * DAY)
    conditions_at = release_at - 14 * DAY
    c.before(considered, "vcs_licence_representations", p.probation.on_time, conditions_at,
             conditions_at <= c.horizon, "licence.representations_invited", orgs.probation)
    for etype, t in (("licence.conditions_set", conditions_at), ("offender.released",
                                                                 release_at)):
        data = {"conditions": ["not to contact the victim"]} if etype.startswith("licence") \
            else None
        trig = c.trigger(etype, t, orgs.probation, data=data)
        c.untimed(trig, p.key_stages_told, ("vcs_key_stages",), orgs.probation,
                  within=7 * DAY)
