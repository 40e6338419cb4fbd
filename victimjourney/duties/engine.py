"""Duties: events x the Code's rules x the victims' categories.

`evaluate_case` is a pure function of a case's events, the organisations and an instant: no
database and no clock. Every decision it makes (which edition, which victims, enhanced or not,
the deadline, what fulfilled it, the status) is recorded on the `DutyResult` so that it can
explain itself.

Rules of evaluation (product.md, event-feed.md, victims-code.md):
- events are considered in (occurred_at, id) order, so the order of lines in a feed changes
  nothing; corrections replace or withdraw the event they correct;
- the edition is the one in force on the local date of the triggering event;
- an event without a victim concerns every victim on the case; for a victim identified after the
  trigger, the clock starts when they were identified (Right 3: "or victim identified during the
  investigation");
- the deadline follows the categories in force when the trigger occurred;
- a duty due by the end of a day is met by evidence before the next local midnight; a duty due
  "before the decision" is met by evidence no later than the decision.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from victimjourney.code.editions import EDITIONS, edition_on
from victimjourney.code.model import Deadline, Entitlement
from victimjourney.core.clock import end_of_local_day, local_date
from victimjourney.core.workingdays import add_working_days
from victimjourney.journey.feed import JourneyEvent
from victimjourney.organisations.reference import OrganisationRef, organisation_kind
from victimjourney.victims.categories import (
    CategoryChange,
    CrimeFacts,
    VictimFacts,
    age_on,
    crime_facts,
    derived_changes,
    in_force,
)

STATUSES = ("open", "met", "late", "breached", "not_applicable")


@dataclass(frozen=True)
class DutyResult:
    case: str
    victim: str
    trigger_event: str
    trigger_type: str
    triggered_at: dt.datetime  # when this victim's clock started
    entitlement: str
    edition: str
    provider: str
    enhanced: bool
    basis: str  # why the enhanced or standard deadline applies
    due_date: dt.date | None
    due_at: dt.datetime | None
    status: str
    fulfilled_by: str | None = None
    fulfilled_at: dt.datetime | None = None
    reason: str = ""  # for not_applicable
    deadline_text: str = ""
    unverified: bool = False

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.trigger_event, self.victim, self.entitlement)


@dataclass
class CaseEvaluation:
    case: str
    duties: list[DutyResult]
    victims: dict[str, VictimFacts]
    categories: dict[str, list[CategoryChange]]
    crime: CrimeFacts | None
    force: str | None
    events: list[JourneyEvent] = field(default_factory=list)


@lru_cache(maxsize=1)
def _rule_index() -> dict[tuple[str, str], tuple[Entitlement, ...]]:
    index: dict[tuple[str, str], list[Entitlement]] = defaultdict(list)
    for edition in EDITIONS.values():
        for rule in edition.entitlements:
            if not rule.duty:
                continue
            for event_type in {t.event_type for t in rule.triggers}:
                index[(edition.id, event_type)].append(rule)
    return {k: tuple(v) for k, v in index.items()}


def _matches(rule: Entitlement, event: JourneyEvent) -> bool:
    for trigger in rule.triggers:
        if trigger.event_type != event.type:
            continue
        if not all(c.holds(event.data) for c in trigger.when):
            continue
        if trigger.any_of and not any(c.holds(event.data) for c in trigger.any_of):
            continue
        return True
    return False


def apply_corrections(events: Iterable[JourneyEvent]) -> list[JourneyEvent]:
    """The events as corrected: withdrawn ones dropped, replaced fields applied in order."""
    events = list(events)
    corrections = sorted(
        (e for e in events if e.type == "correction.recorded"),
        key=lambda e: (e.occurred_at, e.id),
    )
    if not corrections:
        return events
    by_id = {e.id: e for e in events}
    withdrawn: set[str] = set()
    for corr in corrections:
        target = by_id.get(corr.data["corrects"])
        if target is None or target.type == "correction.recorded":
            continue
        if corr.data.get("withdrawn"):
            withdrawn.add(target.id)
            continue
        new: dict[str, Any] = dict(corr.data.get("replacement") or {})
        changes: dict[str, Any] = {}
        for name in ("occurred_at", "received_at"):
            if isinstance(new.get(name), str):
                changes[name] = dt.datetime.fromisoformat(new[name])
        if "victim" in new:
            changes["victim"] = new["victim"]
        if isinstance(new.get("data"), dict):
            changes["data"] = {**target.data, **new["data"]}
        by_id[target.id] = replace(target, **changes)
    return [by_id[e.id] for e in events if e.id not in withdrawn]


def _resolve_provider(rule: Entitlement, event: JourneyEvent, force: str | None,
                      orgs: Mapping[str, OrganisationRef]) -> str:
    if rule.provider == "any":
        about = event.data.get("about")
        return about if isinstance(about, str) else event.provider
    if organisation_kind(event.provider) == rule.provider:
        return event.provider
    force_ref = orgs.get(f"police:{force}") if force else None
    if force_ref is not None:
        if rule.provider == "police":
            return force_ref.code
        if rule.provider == "cps" and force_ref.cps_area:
            return force_ref.cps_area
        if rule.provider == "probation" and force_ref.probation_region:
            return force_ref.probation_region
        if rule.provider == "wcu":
            return f"wcu:{force}"
    return event.provider


def _deadline(spec: Deadline, base: dt.datetime) -> tuple[dt.date | None, dt.datetime | None]:
    if spec.kind == "working_days":
        due = add_working_days(local_date(base), spec.days)
        return due, end_of_local_day(due)
    if spec.kind == "calendar_days":
        due = local_date(base) + dt.timedelta(days=spec.days)
        return due, end_of_local_day(due)
    return None, None


def _concerns(event: JourneyEvent, victim: str) -> bool:
    return event.victim is None or event.victim == victim


class _CaseIndex:
    """Look-ups over one case's (sorted, corrected) events."""

    def __init__(self, events: list[JourneyEvent]):
        self.by_type: dict[str, list[JourneyEvent]] = defaultdict(list)
        self.answers: dict[str, list[JourneyEvent]] = defaultdict(list)
        for ev in events:
            self.by_type[ev.type].append(ev)
            if ev.type == "contact.made" and ev.data.get("answers"):
                self.answers[ev.data["answers"]].append(ev)

    def evidence(self, rule: Entitlement, trigger: JourneyEvent, victim: str
                 ) -> JourneyEvent | None:
        best: JourneyEvent | None = None
        ev_spec = rule.evidence
        if ev_spec.contact:
            for contact in self.answers.get(trigger.id, ()):
                if not _concerns(contact, victim):
                    continue
                only = contact.data.get("entitlements")
                if only and rule.id not in only:
                    continue
                best = contact
                break
        for etype in ev_spec.event_types:
            for ev in self.by_type.get(etype, ()):
                if best is not None and (ev.occurred_at, ev.id) >= (best.occurred_at, best.id):
                    break
                if not _concerns(ev, victim):
                    continue
                if ev_spec.ref_field is not None:
                    if ev.data.get(ev_spec.ref_field) != trigger.id:
                        continue
                elif ev.occurred_at < trigger.occurred_at:
                    continue
                best = ev
                break
        return best

    def first_after(self, types: tuple[str, ...], after: JourneyEvent, victim: str
                    ) -> JourneyEvent | None:
        found: JourneyEvent | None = None
        for etype in types:
            for ev in self.by_type.get(etype, ()):
                if (ev.occurred_at, ev.id) <= (after.occurred_at, after.id):
                    continue
                if not _concerns(ev, victim):
                    continue
                if found is None or (ev.occurred_at, ev.id) < (found.occurred_at, found.id):
                    found = ev
                break
        return found

    def declined(self, rule: Entitlement, victim: str, started: dt.datetime
                 ) -> list[JourneyEvent]:
        """The victim's declines and opt-outs that can excuse this duty. An opt-out followed,
        before the duty started, by an opt-in to the same service no longer counts."""
        out = []
        opt_ins: list[JourneyEvent] | None = None  # read only when an opt-out is met
        for etype in rule.declined_by:
            for ev in self.by_type.get(etype, ()):
                if not _concerns(ev, victim):
                    continue
                if etype == "victim.opted_out":
                    if not _covers(ev, rule.id):
                        continue
                    if opt_ins is None:
                        opt_ins = [e for e in self.by_type.get("victim.opted_in", ())
                                   if _concerns(e, victim) and _covers(e, rule.id)]
                    if any(ev.occurred_at < back.occurred_at <= started for back in opt_ins):
                        continue
                out.append(ev)
        if len(out) > 1:
            out.sort(key=lambda e: (e.occurred_at, e.id))
        return out

    def vcs_member(self, victim: str, instant: dt.datetime) -> bool:
        state = False
        changes = [e for t in ("vcs.opted_in", "vcs.opted_out") for e in self.by_type.get(t, ())
                   if _concerns(e, victim) and e.occurred_at <= instant]
        for ev in sorted(changes, key=lambda e: (e.occurred_at, e.id)):
            state = ev.type == "vcs.opted_in"
        return state


def _covers(event: JourneyEvent, entitlement: str) -> bool:
    scope = event.data.get("entitlements") or ()
    return entitlement in scope or "all" in scope


CATEGORY_LABELS = {
    "vulnerable": "vulnerable",
    "intimidated": "intimidated",
    "persistently_targeted": "persistently targeted",
    "most_serious_crime": "a victim of the most serious crime",
    "bereaved_close_relative": "a bereaved close relative",
}

KIND_LABELS = {
    "business": "a business",
    "person": "a person",
    "bereaved_close_relative": "a bereaved close relative",
    "parent_or_guardian": "a parent or guardian",
    "family_spokesperson": "a family spokesperson",
}


def _ineligible(rule: Entitlement, victim: VictimFacts, cats: Mapping[str, CategoryChange],
                flags: set[str], index: _CaseIndex, at: dt.datetime) -> str:
    elig = rule.eligibility
    if victim.kind not in elig.kinds:
        return f"not eligible: the entitlement is not owed to {KIND_LABELS[victim.kind]}"
    if elig.categories and not any(c in cats for c in elig.categories):
        wanted = " or ".join(CATEGORY_LABELS[c] for c in elig.categories)
        return f"not eligible: owed only to a victim who is {wanted}"
    if elig.case_flags and not (flags & set(elig.case_flags)):
        wanted = ", ".join(f.replace("_", " ") for f in elig.case_flags)
        return f"not eligible: owed only in cases of {wanted}"
    if elig.vcs_opted_in and not index.vcs_member(victim.key, at):
        return "not eligible: the victim had not joined the Victim Contact Scheme"
    return ""


def _basis(cats: Mapping[str, CategoryChange]) -> str:
    if not cats:
        return "the victim had no enhanced-entitlement category at the time"
    parts = []
    for name in sorted(cats):
        change = cats[name]
        label = CATEGORY_LABELS[name]
        if change.source == "derived":
            parts.append(f"{change.reason}: {label}")
        else:
            who = f", confirmed by {change.confirmed_by}" if change.confirmed_by else ""
            parts.append(f"the victim was categorised as {label}: {change.reason}{who}")
    return "; ".join(parts)


def evaluate_case(
    events: Iterable[JourneyEvent],
    *,
    as_of: dt.datetime,
    orgs: Mapping[str, OrganisationRef],
) -> CaseEvaluation:
    """Every duty owed on one case as of AS_OF (events after AS_OF are not yet known)."""
    # An event sent twice is one event (ids are unique; the importer rejects clashes).
    known = list({e.id: e for e in events if e.occurred_at <= as_of}.values())
    ordered = sorted(apply_corrections(known), key=lambda e: (e.occurred_at, e.id))
    case_ref = ordered[0].case if ordered else ""
    index = _CaseIndex(ordered)

    crime_event = next((e for e in ordered if e.type == "crime.reported"), None)
    force = None
    for ev in ([crime_event] if crime_event else []) + ordered:
        if organisation_kind(ev.provider) == "police":
            force = ev.provider.split(":", 1)[1]
            break

    victims: dict[str, VictimFacts] = {}
    for ev in index.by_type.get("victim.identified", ()):
        assert ev.victim is not None
        first = victims.get(ev.victim)
        dob = ev.data.get("date_of_birth")
        victims[ev.victim] = VictimFacts(
            key=ev.victim, kind=ev.data["kind"],
            identified_at=first.identified_at if first else ev.occurred_at,
            identified_by=first.identified_by if first else ev.id,
            date_of_birth=dt.date.fromisoformat(dob) if dob else (
                first.date_of_birth if first else None),
            on_behalf_of=ev.data.get("on_behalf_of") or (first.on_behalf_of if first else None),
            name=ev.data.get("name") or (first.name if first else ""),
            language=ev.data.get("language") or (first.language if first else "en"),
        )

    crime: CrimeFacts | None = None
    if crime_event is not None:
        report_day = local_date(crime_event.occurred_at)
        data = crime_event.data
        offence_day = dt.date.fromisoformat(data["offence_date"]) if data.get(
            "offence_date") else report_day
        any_child = any(v.date_of_birth and age_on(v.date_of_birth, offence_day) < 18
                        for v in victims.values() if v.kind == "person")
        crime = crime_facts(data, report_day, any_child_victim=any_child)
    flags = crime.flags() if crime else set()

    categories: dict[str, list[CategoryChange]] = {}
    crime_at = (crime_event.id, crime_event.occurred_at) if crime_event else None
    for key, victim in victims.items():
        categories[key] = derived_changes(victim, crime, crime_at)
    for ev in index.by_type.get("victim.categorised", ()):
        assert ev.victim is not None
        categories.setdefault(ev.victim, []).append(CategoryChange(
            ev.occurred_at, ev.data["category"], ev.data.get("state") or "applies",
            ev.data["reason"], "recorded", ev.id, ev.data.get("confirmed_by") or "", rank=1))
    for key, victim in victims.items():
        # A parent, guardian or spokesperson takes the categories of the victim they act for.
        if victim.on_behalf_of and victim.on_behalf_of in categories:
            inherited = [replace(c, at=max(c.at, victim.identified_at),
                                 reason=f"acting for {victim.on_behalf_of}, who is "
                                        f"{CATEGORY_LABELS[c.category]}: {c.reason}")
                         for c in categories[victim.on_behalf_of]]
            categories[key] = categories[key] + inherited

    rules = _rule_index()
    duties: list[DutyResult] = []
    for ev in ordered:
        edition = edition_on(local_date(ev.occurred_at))
        if edition is None:
            continue
        candidates = rules.get((edition.id, ev.type))
        if not candidates:
            continue
        targets = [ev.victim] if ev.victim is not None else sorted(victims)
        for rule in candidates:
            if not _matches(rule, ev):
                continue
            provider = _resolve_provider(rule, ev, force, orgs)
            for key in targets:
                victim_facts = victims.get(key)
                if victim_facts is None:
                    continue
                duties.append(_duty(rule, ev, victim_facts, categories.get(key, []), flags,
                                    index, provider, case_ref, as_of))
    return CaseEvaluation(case_ref, duties, victims, categories, crime, force, ordered)


def _duty(rule: Entitlement, trigger: JourneyEvent, victim: VictimFacts,
          changes: list[CategoryChange], flags: set[str], index: _CaseIndex, provider: str,
          case_ref: str, as_of: dt.datetime) -> DutyResult:
    started = max(trigger.occurred_at, victim.identified_at)
    cats = in_force(changes, started)
    enhanced = bool(cats)
    spec = rule.enhanced if enhanced else rule.standard
    base = trigger.received_at if spec.clock == "received" else trigger.occurred_at
    base = max(base, victim.identified_at)
    due_date, due_at = _deadline(spec, base)
    decision: JourneyEvent | None = None
    if spec.kind == "before_event":
        decision = index.first_after(spec.before, trigger, victim.key)
        if decision is not None:
            due_at, due_date = decision.occurred_at, local_date(decision.occurred_at)
    why_not = _ineligible(rule, victim, cats, flags, index, started)
    status, reason, fulfilled_by, fulfilled_at = _outcome(
        rule, trigger, victim.key, index, started, due_at, decision, as_of, why_not)
    return DutyResult(
        case_ref, victim.key, trigger.id, trigger.type, started, rule.id, rule.edition, provider,
        enhanced, _basis(cats), due_date, due_at, status, fulfilled_by, fulfilled_at, reason,
        spec.describe(), rule.unverified)


def _outcome(rule: Entitlement, trigger: JourneyEvent, victim: str, index: _CaseIndex,
             started: dt.datetime, due_at: dt.datetime | None, decision: JourneyEvent | None,
             as_of: dt.datetime, why_not: str
             ) -> tuple[str, str, str | None, dt.datetime | None]:
    """(status, reason, fulfilled_by, fulfilled_at) of one duty."""
    if why_not:
        return "not_applicable", why_not, None, None
    evidence = index.evidence(rule, trigger, victim)
    if evidence is not None and evidence.occurred_at <= as_of:
        on_time = due_at is None or (
            evidence.occurred_at <= due_at if decision is not None
            else evidence.occurred_at < due_at)
        for decline in index.declined(rule, victim, started):
            if decline.occurred_at < evidence.occurred_at and (
                    due_at is None or decline.occurred_at < due_at):
                return "not_applicable", _declined(decline), None, None
        return ("met" if on_time else "late"), "", evidence.id, evidence.occurred_at
    for decline in index.declined(rule, victim, started):
        if due_at is None or decline.occurred_at < due_at:
            return "not_applicable", _declined(decline), None, None
    # A "before the decision" duty is breached once the decision is known without it.
    if decision is not None or (due_at is not None and as_of >= due_at):
        return "breached", "", None, None
    return "open", "", None, None


def _declined(event: JourneyEvent) -> str:
    day = local_date(event.occurred_at).isoformat()
    if event.type == "vcs.opted_out":
        return f"the victim opted out of the Victim Contact Scheme on {day} ({event.id})"
    if event.type == "referral.declined":
        return f"the victim declined referral on {day} ({event.id})"
    return f"the victim opted out on {day} ({event.id})"


def evaluate(events: Iterable[JourneyEvent], *, as_of: dt.datetime,
             orgs: Mapping[str, OrganisationRef]) -> list[CaseEvaluation]:
    """Evaluate every case of a feed (grouped by case reference)."""
    by_case: dict[str, list[JourneyEvent]] = defaultdict(list)
    for ev in events:
        by_case[ev.case].append(ev)
    return [evaluate_case(by_case[case], as_of=as_of, orgs=orgs) for case in sorted(by_case)]
