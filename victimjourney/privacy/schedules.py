"""Retention schedules as data: for each kind of record, how long it is kept, from when, what
happens then (delete or anonymise) and on what basis (docs/PRIVACY.md explains the choices).

Data Protection Act 2018 Part 3, s.39 (the fifth data protection principle): personal data
processed for a law enforcement purpose is kept for no longer than is necessary, with time limits
for its periodic review. Police information is reviewed under the College of Policing's
Authorised Professional Practice on the Management of Police Information (MoPI), which groups
records by the seriousness of the offence; the case records here follow those groups.

Pure: no database and no clock. A force changes a period with the setting
`PRIVACY_RETENTION_OVERRIDES` ("kind=period" pairs, e.g. "journey.group3=7y,portal.codes=90d").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

from victimjourney.core.clock import LONDON
from victimjourney.victims.categories import MOST_SERIOUS_KEYWORDS, crime_facts

Action = Literal["anonymise", "delete"]

TO_CONFIRM = "to be confirmed by the data protection officer"
DPA_S39 = ("Data Protection Act 2018 Part 3, s.39 (fifth data protection principle): kept for no "
           "longer than is necessary for the law enforcement purpose")
MOPI = "College of Policing, Authorised Professional Practice: Management of Police Information"

# What each trigger means (the instant a period runs from).
TRIGGERS = {
    "case_clear": "the start of the case's clear period: its last event, or the end of a "
                  "custodial sentence passed on it if that is later",
    "victim_birth": "the date of birth of the youngest victim on the case (the case's clear "
                    "period start when no date of birth is known); never sooner than the "
                    "schedule's minimum after the clear period start",
    "case_due": "the moment the case's journey records fall due (the same run, the same "
                "transaction)",
    "created": "the moment the record was created",
    "window_start": "the start of the counting window (and after any lock has ended)",
}


@dataclass(frozen=True)
class Period:
    years: int = 0
    months: int = 0
    days: int = 0

    def after(self, instant: dt.datetime) -> dt.datetime:
        """INSTANT moved on by this period in local calendar terms (29 February plus a year
        is 28 February)."""
        local = instant.astimezone(LONDON)
        months = local.month - 1 + self.months + 12 * self.years
        year, month = local.year + months // 12, months % 12 + 1
        day = min(local.day, calendar.monthrange(year, month)[1])
        moved = dt.datetime.combine(dt.date(year, month, day), local.timetz().replace(
            tzinfo=None), tzinfo=LONDON)
        return moved + dt.timedelta(days=self.days)

    def before(self, instant: dt.datetime) -> dt.datetime:
        """INSTANT moved back by this period: records created at or before it are due."""
        local = instant.astimezone(LONDON) - dt.timedelta(days=self.days)
        months = local.month - 1 - self.months - 12 * self.years
        year, month = local.year + months // 12, months % 12 + 1
        day = min(local.day, calendar.monthrange(year, month)[1])
        return dt.datetime.combine(dt.date(year, month, day), local.timetz().replace(
            tzinfo=None), tzinfo=LONDON)

    def __str__(self) -> str:
        parts = [(self.years, "year"), (self.months, "month"), (self.days, "day")]
        text = ", ".join(f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n)
        return text or "none (at the trigger)"


_PERIOD_RE = re.compile(r"^\s*(\d+)\s*(y|years?|m|months?|d|days?)\s*$", re.IGNORECASE)


def period_parse(text: str) -> Period:
    """'7y', '18m', '90d', '7 years' -> Period. ValueError otherwise."""
    match = _PERIOD_RE.match(text)
    if not match:
        raise ValueError(f"not a period: {text!r} (use e.g. 7y, 18m or 90d)")
    n, unit = int(match.group(1)), match.group(2)[0].lower()
    return Period(**{"y": {"years": n}, "m": {"months": n}, "d": {"days": n}}[unit])


@dataclass(frozen=True)
class Schedule:
    kind: str  # stable code, e.g. "journey.group3"
    title: str
    records: tuple[str, ...]  # app_label.Model, what the kind covers
    trigger: str  # a key of TRIGGERS
    period: Period
    action: Action
    basis: str  # the legal basis, as stated
    notes: str = ""
    scope: int | None = None  # MoPI group of the case, for the journey kinds
    overridable: bool = True
    # Never sooner than this after the case's clear-period start (group 1: its first review).
    at_least: Period | None = None


_CASE_RECORDS = ("journey.Event", "victims.Victim", "victims.CategoryRecord")
_CASE_NOTE = ("Names, contact details and free text are removed; a date of birth becomes 1 "
              "January of the birth year, moved only as far as needed to keep the victim's "
              "age (under 18 or not) on every date of the case. Event types, instants, "
              "categories, offence, force, duties and their outcomes are kept, so compliance "
              "figures do not change.")

SCHEDULES: tuple[Schedule, ...] = (
    Schedule(
        "journey.group1", "Journey events and victims' personal data: MoPI group 1 cases "
        "(certain public protection matters)", _CASE_RECORDS, "victim_birth", Period(years=100),
        "anonymise",
        f"{DPA_S39}; {MOPI}, group 1 (retain until the subject is deemed to have reached 100 "
        f"years of age, reviewed every 10 years). Applying the 100 years to the youngest victim, "
        f"and never before the first 10-year review, is {TO_CONFIRM}.", _CASE_NOTE, scope=1,
        at_least=Period(years=10)),
    Schedule(
        "journey.group2", "Journey events and victims' personal data: MoPI group 2 cases (other "
        "sexual, violent or serious offences)", _CASE_RECORDS, "case_clear", Period(years=10),
        "anonymise",
        f"{DPA_S39}; {MOPI}, group 2 (review after a 10-year clear period). Anonymising at the "
        f"first review rather than reviewing case by case is {TO_CONFIRM}.", _CASE_NOTE,
        scope=2),
    Schedule(
        "journey.group3", "Journey events and victims' personal data: MoPI group 3 cases (all "
        "other offences)", _CASE_RECORDS, "case_clear", Period(years=6), "anonymise",
        f"{DPA_S39}; {MOPI}, group 3 (6-year clear period, after which records may be disposed "
        f"of).", _CASE_NOTE, scope=3),
    Schedule(
        "duties", "Duties owed to victims", ("duties.Duty",), "case_due", Period(), "anonymise",
        f"{DPA_S39}. The duties are the compliance record the inspection figures are computed "
        f"from; their basis text quotes recorded reasons and names, which go; "
        f"entitlement, provider, deadline, status and times stay. {TO_CONFIRM}.",
        overridable=False),
    Schedule(
        "notifications", "Notices to victims, their deliveries and receipts",
        ("notifications.Notice", "notifications.Delivery", "notifications.Receipt"),
        "case_due", Period(), "delete",
        f"{DPA_S39}. What a victim was told is kept as long as the case record it came from; the "
        f"contact event that evidences it stays in the (anonymised) journey. {TO_CONFIRM}.",
        overridable=False),
    Schedule(
        "linkage", "Repeat-victim linkage: records, blocking keys, candidate links, decisions "
        "and category proposals",
        ("linkage.LinkRecord", "linkage.LinkKey", "linkage.CandidateLink",
         "linkage.LinkDecision", "linkage.CategoryProposal"),
        "case_due", Period(), "delete",
        f"{DPA_S39}. Linkage holds normalised names, dates of birth and addresses: an anonymised "
        f"victim cannot be linked, so the records go (a link's other side loses the link; its "
        f"own category events stay).", overridable=False),
    Schedule(
        "judgements", "Inspectors' case-file judgements", ("inspection.Judgement",), "case_due",
        Period(), "anonymise",
        f"{DPA_S39}. The judgement (finding, outcome, date) is a compliance figure and stays; "
        f"the inspector's free-text notes, which may quote the file, go. {TO_CONFIRM}.",
        overridable=False),
    Schedule(
        "portal.codes", "Portal sign-in codes (the victim's portal account is their contact "
        "details on the victim record, anonymised with the case)", ("portal.OneTimeCode",),
        "created", Period(days=30), "delete",
        f"{DPA_S39}. A code is valid for 10 minutes; 30 days keeps enough to investigate a "
        f"misuse report. All of a case's codes also go when the case falls due. {TO_CONFIRM}.",
        notes="Only a keyed hash of a code is ever stored."),
    Schedule(
        "portal.throttles", "Portal sign-in throttles (keyed hashes of a case reference or an "
        "IP address, with counts)", ("portal.Throttle",), "window_start", Period(days=1),
        "delete",
        f"{DPA_S39}. A window lasts at most an hour; a locked key is kept until its lock ends.",
    ),
    Schedule(
        "privacy.requests", "Victims' requests for a copy of their data (case reference, victim "
        "key, when received, due and fulfilled, by whom)", ("privacy.SubjectAccessRequest",),
        "created", Period(years=6), "delete",
        f"UK GDPR art. 5(2) (accountability: showing each request was answered in time) and "
        f"{DPA_S39}. 6 years follows the Limitation Act 1980 period for claims, as for the "
        f"audit log. {TO_CONFIRM}.",
        notes="A victim's requests also go with the victim's record."),
    Schedule(
        "audit", "Audit entries (who read or recorded what, when)", ("audit.AuditEntry",),
        "created", Period(years=6), "delete",
        f"Data Protection Act 2018 Part 3, s.62 (logs of consultation and disclosure, used to "
        f"verify lawfulness) and s.39. The Act sets no period for logs; 6 years follows the "
        f"Limitation Act 1980 period for claims. {TO_CONFIRM}.",
        notes="The oldest entries go first, so the log keeps an unbroken tail."),
)

# The MoPI group of a case, from its crime.reported payload.
GROUP1_WORDS = ("murder", "manslaughter", "rape", "causing death", "infanticide")


def mopi_group(crime: Mapping[str, object] | None) -> int:
    """MoPI group of a case from its `crime.reported` payload:

    1 (certain public protection matters): a death, an offence recorded as one of the most
      serious, or homicide, rape, and the §1.4 list of the Victims' Code that is not covered by
      domestic abuse, sexual offences or hate crime (terrorism, trafficking, attempted murder,
      kidnap, false imprisonment, arson endangering life, wounding with intent);
    2 (other sexual, violent or serious offences): sexual offences, domestic abuse, hate crime
      and violent offences;
    3: everything else. A case with no crime report is taken as group 2.
    Which offences fall in group 1 is to be confirmed by the data protection officer (the APP
    lists them by statute).
    """
    if crime is None:
        return 2
    data = dict(crime)
    text = (str(data.get("offence", "")) + " " + str(data.get("offence_group", ""))).lower()
    if data.get("death") or data.get("most_serious") or any(w in text for w in GROUP1_WORDS) \
            or any(keyword in text for keyword, _ in MOST_SERIOUS_KEYWORDS):
        return 1
    facts = crime_facts(data, dt.date(2000, 1, 1))
    if facts.sexual_offence or facts.domestic_abuse or facts.hate or facts.violent_or_sexual:
        return 2
    return 3


def _overrides(raw: Mapping[str, str] | Iterable[str] | None) -> dict[str, Period]:
    if not raw:
        return {}
    pairs: list[tuple[str, str]] = []
    if isinstance(raw, Mapping):
        pairs = [(str(k), str(v)) for k, v in raw.items()]
    else:
        for item in raw:
            if "=" not in item:
                raise ValueError(f"PRIVACY_RETENTION_OVERRIDES: {item!r} is not kind=period")
            kind, _, value = item.partition("=")
            pairs.append((kind.strip(), value.strip()))
    known = {s.kind: s for s in SCHEDULES}
    out = {}
    for kind, value in pairs:
        if kind not in known:
            raise ValueError(f"PRIVACY_RETENTION_OVERRIDES: unknown kind {kind!r}; one of "
                             f"{', '.join(s.kind for s in SCHEDULES if s.overridable)}")
        if not known[kind].overridable:
            raise ValueError(f"PRIVACY_RETENTION_OVERRIDES: {kind} follows its case and has no "
                             f"period of its own")
        try:
            out[kind] = period_parse(value)
        except ValueError as exc:
            raise ValueError(f"PRIVACY_RETENTION_OVERRIDES: {kind}: {exc}") from None
    return out


def schedules_load(overrides: Mapping[str, str] | Iterable[str] | None = None
                   ) -> dict[str, Schedule]:
    """The schedules by kind, with a force's overrides applied (ValueError on a bad one)."""
    periods = _overrides(overrides)
    out = {}
    for schedule in SCHEDULES:
        if schedule.kind in periods:
            schedule = replace(schedule, period=periods[schedule.kind],
                               notes=(schedule.notes + " Period set by the force.").strip())
        out[schedule.kind] = schedule
    return out


def journey_schedule(schedules: Mapping[str, Schedule], group: int) -> Schedule:
    return schedules[f"journey.group{group}"]


@dataclass(frozen=True)
class CaseFacts:
    """What the due date of a case depends on."""

    case_id: int
    reference: str
    last_event_at: dt.datetime | None
    last_recorded_at: dt.datetime | None
    crime: Mapping[str, object] | None
    sentences: tuple[tuple[dt.datetime, int], ...] = ()  # (passed at, custodial months)
    youngest_birth: dt.date | None = None


@dataclass(frozen=True)
class CaseDue:
    kind: str
    group: int
    clear_from: dt.datetime
    due_at: dt.datetime


def case_due(facts: CaseFacts, schedules: Mapping[str, Schedule]) -> CaseDue | None:
    """When the case's journey records fall due, under which schedule (None: no events)."""
    if facts.last_event_at is None:
        return None
    clear_from = facts.last_event_at
    for passed_at, months in facts.sentences:
        if months > 0:
            clear_from = max(clear_from, Period(months=months).after(passed_at))
    group = mopi_group(facts.crime)
    schedule = journey_schedule(schedules, group)
    anchor = clear_from
    if schedule.trigger == "victim_birth" and facts.youngest_birth is not None:
        anchor = dt.datetime.combine(facts.youngest_birth, dt.time(0), tzinfo=LONDON)
    due = schedule.period.after(anchor)
    earliest = schedule.at_least.after(clear_from) if schedule.at_least else clear_from
    return CaseDue(schedule.kind, group, clear_from, max(due, earliest))
