"""One synthetic case: its events, and the duties the generator means to be met or not.

`SyntheticCase.trigger` adds an event that starts duties and returns what it started, from the
generator's own table of the 2020 Code's triggers (`TRACKED`): which entitlements, for which
victims (eligibility: people, not businesses; vulnerable or intimidated victims for special
measures; violent or sexual crimes for the Victim Contact Scheme; its members for key
stages). The deadlines are the Code's (`code/editions.py`: days, enhanced or standard, from
the event or its receipt) on the working-day calendar. `timed`, `untimed` and `before` then
fulfil those duties on time, late or never by the organisation's behaviour and record in the
`Truth` the status each duty has at the truth instant (the horizon), exactly as the engine and
the metrics should find it. Events after the horizon are not written: the year is cut there.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from victimjourney.code.editions import EDITIONS
from victimjourney.synthetic.behaviour import Timeliness
from victimjourney.synthetic.timeline import DAY, HOUR, MINUTE, Clock, working_hours
from victimjourney.synthetic.truth import Truth

RULES = EDITIONS["2020"].by_id()
RULE_PROVIDER = {ent: rule.provider for ent, rule in RULES.items()}
_Cond = Callable[[dict[str, Any]], bool] | None
_NFA = ("no_further_action",)
_ALTER = ("alter_charge", "discontinue", "accept_plea_other_charge", "offer_no_evidence")

# Event type -> (entitlement, condition on the event's data) the generator tracks.
TRACKED: dict[str, tuple[tuple[str, _Cond], ...]] = {
    "crime.reported": (("written_confirmation_of_crime", None), ("info_support_services", None),
                       ("rj_information", None), ("cics_information", None),
                       ("needs_assessment_police", None),
                       ("referral_to_victim_services", None), ("vps_offer", None)),
    "crime.recorded": (("update_frequency_agreed", None),),
    "investigation.closed": (("decision_not_to_investigate",
                              lambda d: d.get("reason") == "decision_not_to_investigate"),),
    "suspect.arrested": (("suspect_arrested", None),),
    "suspect.interviewed": (("suspect_interviewed_under_caution", None),),
    "suspect.released_no_further_action": (("suspect_released_without_charge", None),
                                           ("vrr_information_police", None)),
    "suspect.bailed": (("suspect_bailed_or_rui", None),),
    "suspect.released_under_investigation": (("suspect_bailed_or_rui", None),),
    "suspect.charged": (("suspect_charged", None),),
    "ooc_disposal.proposed": (("out_of_court_disposal_views", None),),
    "ooc_disposal.issued": (("out_of_court_disposal_outcome", None),),
    "cps.decision": (("cps_decision_not_to_charge", lambda d: d.get("decision") in _NFA),
                     ("cps_discontinue_or_alter_charge",
                      lambda d: d.get("decision") in _ALTER)),
    "hearing.listed": (("wcu_hearing_date", None),),
    "trial.date_set": (("wcu_hearing_date", None),),
    "witness.required": (("wcu_required_to_give_evidence", None),
                         ("wcu_needs_assessment", None), ("pre_trial_court_visit", None)),
    "special_measures.decided": (("special_measures", None),),
    "trial.started": (("prosecutor_meets_witness", None),),
    "verdict.given": (("wcu_verdict", None),),
    "sentence.passed": (("wcu_sentence", None),
                        ("vcs_referral", lambda d: (d.get("custodial_months") or 0) >= 12)),
    "vcs.referred": (("vcs_initial_contact", None),),
    "vcs.opted_in": (("release_notification", None),),
    "release.under_consideration": (("vcs_key_stages", None),
                                    ("vcs_licence_representations", None)),
    "licence.conditions_set": (("vcs_key_stages", None),),
    "offender.released": (("vcs_key_stages", None),),
    "victim.identified": (("family_liaison_officer",
                           lambda d: d.get("kind") == "bereaved_close_relative"),),
}
PEOPLE = ("person", "bereaved_close_relative", "parent_or_guardian", "family_spokesperson")
VCS_ONLY = ("vcs_key_stages", "vcs_licence_representations")
VIOLENT_OR_SEXUAL_ONLY = ("vcs_referral", "vcs_initial_contact")
# Entitlements owed to some people only (see `_eligible`), and the kinds owed all the others.
SPECIAL = frozenset(("family_liaison_officer", "special_measures", *VIOLENT_OR_SEXUAL_ONLY,
                     *VCS_ONLY))
PLAIN = frozenset(PEOPLE)


@dataclass(slots=True)
class Trig:
    id: str
    t: int
    received: int
    entitlements: dict[str, tuple[str, int]]  # entitlement -> (provider, eligible victims)


@dataclass(frozen=True)
class Orgs:
    """The organisation codes of a force area."""

    force: str
    police: str
    wcu: str
    cps: str
    probation: str


class SyntheticCase:
    def __init__(self, ref: str, orgs: Orgs, clock: Clock, rng: random.Random, truth: Truth,
                 horizon: int):
        self.ref, self.orgs, self.clock, self.rng = ref, orgs, clock, rng
        self.truth, self.horizon = truth, horizon
        self.events: list[tuple[int, int, dict[str, Any]]] = []
        self.n = 0
        self.victims: list[tuple[str, str]] = []  # key, kind
        self.identified_at = 0
        self.enhanced = False
        self.vulnerable_or_intimidated = False
        self.violent_or_sexual = False
        self.vcs_joined_at: int | None = None  # joined the Victim Contact Scheme
        self.frti = False  # a fatal road traffic incident
        self.hate: tuple[str, ...] = ()
        self.repeat_uses = 0  # reports of this victim so far (0: not from the repeat pool)
        self.pending: dict[tuple[str, str], tuple[Trig, str]] = {}  # duties not yet recorded
        self.statuses: dict[str, str] = {}  # of the last `timed` call
        self.written: str | None = None  # the evidence event of the last call, if written

    # -- events ----------------------------------------------------------------------------
    def add(self, etype: str, t: int, provider: str | None = None, victim: str | None = None,
            data: dict[str, Any] | None = None, received: int | None = None) -> str | None:
        """Add an event; None (nothing written) if it falls after the horizon."""
        if t > self.horizon:
            return None
        self.n += 1
        eid = f"{self.ref}-{self.n:02d}"
        line: dict[str, Any] = {"id": eid, "type": etype, "case": self.ref,
                                "provider": provider or self.orgs.police,
                                "occurred_at": self.clock.iso(t)}
        if received is not None and received != t:
            line["received_at"] = self.clock.iso(received)
        if victim is not None:
            line["victim"] = victim
        line["data"] = data or {}
        self.events.append((t, self.n, line))
        return eid

    def contact(self, answers: str, t: int, provider: str, **extra: Any) -> str | None:
        data = {"channel": self.rng.choice(("letter", "email", "phone", "sms")),
                "answers": answers, **extra}
        return self.add("contact.made", t, provider, data=data)

    def finish(self) -> None:
        """Record the duties nothing answered: breached once their deadline has passed by the
        horizon, open otherwise (and open when due before a decision that never came)."""
        for trig, ent in list(self.pending.values()):
            spec = RULES[ent].enhanced if self.enhanced else RULES[ent].standard
            status = "open"
            if spec.kind == "working_days" and self._due(ent, trig) <= self.horizon:
                status = "breached"
            self._record(trig, ent, status)

    def lines(self) -> list[bytes]:
        self.events.sort(key=lambda e: (e[0], e[1]))
        return [orjson.dumps(e[2]) for e in self.events]

    # -- duties ----------------------------------------------------------------------------
    def _provider(self, kind: str, event_provider: str) -> str:
        if event_provider.startswith(kind + ":"):
            return event_provider
        return getattr(self.orgs, kind)

    def _eligible(self, ent: str, kind: str, t: int) -> bool:
        if ent == "family_liaison_officer":
            return kind == "bereaved_close_relative"
        if kind not in PEOPLE:
            return False
        if ent == "special_measures":
            return self.vulnerable_or_intimidated
        if ent in VIOLENT_OR_SEXUAL_ONLY:
            return self.violent_or_sexual
        if ent in VCS_ONLY:
            return self.vcs_joined_at is not None and self.vcs_joined_at <= t
        return True

    def trigger(self, etype: str, t: int, provider: str | None = None,
                data: dict[str, Any] | None = None, received: int | None = None,
                victim: str | None = None) -> Trig | None:
        provider = provider or self.orgs.police
        eid = self.add(etype, t, provider, victim, data, received)
        if eid is None:
            return None
        return self.started(eid, etype, t, provider, data, received, victim)

    def started(self, eid: str, etype: str, t: int, provider: str,
                data: dict[str, Any] | None = None, received: int | None = None,
                victim: str | None = None) -> Trig:
        """The tracked duties an event already added starts (not-applicable ones recorded)."""
        trig = Trig(eid, t, received if received is not None else t, {})
        tracked = TRACKED.get(etype)
        if not tracked or not self.victims:
            return trig
        # An event about one victim starts duties for that victim only.
        kinds = [k for key, k in self.victims if victim is None or key == victim]
        people = all(kind in PLAIN for kind in kinds)
        for ent, cond in tracked:
            if cond is not None and not cond(data or {}):
                continue
            org = self._provider(RULE_PROVIDER[ent], provider)
            if people and ent not in SPECIAL:
                eligible = len(kinds)  # owed to every person, whatever the case
            else:
                eligible = sum(1 for kind in kinds if self._eligible(ent, kind, t))
            if eligible < len(kinds):
                self.truth.duty(self.orgs.force, org, ent, "not_applicable",
                                len(kinds) - eligible)
            if eligible:
                trig.entitlements[ent] = (org, eligible)
                self.pending[(eid, ent)] = (trig, ent)
        return trig

    def _due(self, ent: str, trig: Trig) -> int:
        rule = RULES[ent]
        spec = rule.enhanced if self.enhanced else rule.standard
        base = trig.received if spec.clock == "received" else trig.t
        return self.clock.due(max(base, self.identified_at), spec.days)

    def _record(self, trig: Trig, ent: str, status: str) -> None:
        self.pending.pop((trig.id, ent), None)
        found = trig.entitlements.get(ent)
        if found is not None:
            self.truth.duty(self.orgs.force, found[0], ent, status, found[1])

    def timed(self, trig: Trig | None, timeliness: Timeliness, ents: tuple[str, ...],
              provider: str, evidence: str | None = None, **extra: Any) -> int | None:
        """Fulfil ENTS of TRIG (deadlines in working days) by one contact (or an EVIDENCE
        event) on time, late or never; returns when, if written."""
        self.written = None
        self.statuses = {}
        if trig is None:
            return None
        mine = [e for e in ents if e in trig.entitlements]
        if not mine:
            return None
        dues = {e: self._due(e, trig) for e in mine}
        roll = self.rng.random()
        start = max(trig.t, trig.received) + 10 * MINUTE
        when: int | None = None
        if roll < timeliness.on_time:
            when = working_hours(self.clock, self.rng, start, min(dues.values()) - MINUTE)
        elif roll < timeliness.on_time + timeliness.late:
            late_from = max(dues.values()) + HOUR
            when = working_hours(self.clock, self.rng, late_from, late_from + 10 * DAY)
        written = None
        if when is not None:
            written = (self.contact(trig.id, when, provider, **extra) if evidence is None
                       else self.add(evidence, when, provider, data=extra or None))
        self.statuses = {}
        for ent in mine:
            if written is not None and when is not None:
                status = "met" if when < dues[ent] else "late"
            else:
                status = "breached" if dues[ent] <= self.horizon else "open"
            self.statuses[ent] = status
            self._record(trig, ent, status)
        self.written = written
        return when if written is not None else None

    def untimed(self, trig: Trig | None, share: float, ents: tuple[str, ...], provider: str,
                evidence: str | None = None, within: int = 30 * DAY,
                victim: str | None = None, **extra: Any) -> int | None:
        """Duties with no deadline: fulfilled (met) with probability SHARE within WITHIN of
        the trigger, else left open. An EVIDENCE event names VICTIM when the duty is one
        victim's (it would otherwise fulfil every victim's)."""
        self.written = None
        if trig is None:
            return None
        mine = [e for e in ents if e in trig.entitlements]
        if not mine:
            return None
        written = None
        when = None
        if self.rng.random() < share:
            start = max(trig.t, trig.received) + 10 * MINUTE
            when = working_hours(self.clock, self.rng, start, start + within)
            written = (self.contact(trig.id, when, provider, **extra) if evidence is None
                       else self.add(evidence, when, provider, victim, data=extra or None))
        for ent in mine:
            self._record(trig, ent, "met" if written is not None else "open")
        self.written = written
        return when if written is not None else None

    def before(self, trig: Trig | None, ent: str, share: float, decision: int | None,
               decided: bool, evidence: str, provider: str, **extra: Any) -> int | None:
        """A duty due before a decision (at DECISION, written if DECIDED): its evidence
        before the decision with probability SHARE, else never."""
        if trig is None or ent not in trig.entitlements:
            return None
        written = None
        when = None
        if self.rng.random() < share:
            start = trig.t + 10 * MINUTE
            end = decision - 10 * MINUTE if decision is not None else start + 30 * DAY
            when = working_hours(self.clock, self.rng, start, max(end, start + MINUTE))
            written = self.add(evidence, when, provider, data=extra or None)
        status = "met" if written is not None else "breached" if decided else "open"
        self._record(trig, ent, status)
        return when if written is not None else None
