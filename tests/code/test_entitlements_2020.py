"""Legislation test cases for every entitlement of the 2020 Victims' Code (the 12 Rights).

Each case is a small situation (a feed of journey events on one Kent case), an instant, and
the duty the engine must compute for victim V1: its edition, the provider that owes it,
whether the enhanced deadline applies, the exact due date and the status at that instant.
Every entitlement of `EDITIONS["2020"]` has a case for an enhanced-entitlement victim and for
a standard victim; `test_every_2020_entitlement_has_cases` fails when a rule is added without
a case.

Times are London wall-clock times unless written with an offset. The 2020 Code is in force
from 1 April 2021. Bank holidays of England and Wales that the cases cross (weekends are
skipped too):

- Easter 2021: Good Friday 2 Apr, Easter Monday 5 Apr;
- 2022: spring bank holiday Thu 2 Jun and Platinum Jubilee Fri 3 Jun; summer Mon 29 Aug;
  State Funeral of Queen Elizabeth II Mon 19 Sep; Boxing Day Mon 26 Dec and Christmas Day
  (substitute) Tue 27 Dec;
- 2023: New Year's Day (substitute) Mon 2 Jan; Good Friday 7 Apr, Easter Monday 10 Apr;
  early May Mon 1 May; Coronation of King Charles III Mon 8 May; spring Mon 29 May;
  summer Mon 28 Aug; Christmas Day Mon 25 Dec, Boxing Day Tue 26 Dec;
- New Year's Day Mon 1 Jan 2024.

A duty due on a date is met by evidence before the next local midnight; a duty due "before the
decision" has the decision's local date as due date (none while there is no decision), and is
met by evidence no later than the decision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from victimjourney.code.editions import EDITIONS
from victimjourney.duties.engine import DutyResult, evaluate_case
from victimjourney.journey.feed import JourneyEvent, parse_event
from victimjourney.organisations.reference import shipped_organisations

EDITION = "2020"
ORGS = shipped_organisations()
LONDON = ZoneInfo("Europe/London")
CASE_REF = "46/56789/22"

POLICE = "police:kent"
CPS = "cps:south-east"
WCU = "wcu:kent"
PROBATION = "probation:kent-surrey-sussex"
COURT = "court:maidstone-crown-court"
PRISON = "prison:hmp-elmley"

REPORTED = "2022-06-01 10:00"  # Wednesday before the Platinum Jubilee weekend
ADULT = "1984-11-23"  # 37 on 1 Jun 2022
CHILD = "2007-02-14"  # 15 on 1 Jun 2022: vulnerable, so enhanced
THEFT = "theft from the person"  # no flag: an adult victim of it is a standard victim
ABH = "assault occasioning actual bodily harm"  # violent (VCS), not one of the most serious


def instant(value: str) -> str:
    """An ISO instant with its offset; a value without one is London local time."""
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LONDON)
    return parsed.isoformat()


def ev(id: str, type: str, at: str, victim: str | None = None, received: str | None = None,
       provider: str = POLICE, **data: Any) -> JourneyEvent:
    raw: dict[str, Any] = {"id": id, "type": type, "case": CASE_REF, "provider": provider,
                           "occurred_at": instant(at)}
    if received is not None:
        raw["received_at"] = instant(received)
    if victim is not None:
        raw["victim"] = victim
    raw["data"] = data
    return parse_event(raw, 0, ORGS)


def contact(id: str, answers: str, at: str, provider: str = POLICE, victim: str = "V1",
            channel: str = "email", **data: Any) -> JourneyEvent:
    return ev(id, "contact.made", at, victim=victim, provider=provider, channel=channel,
              answers=answers, **data)


def crime(offence: str, at: str = REPORTED, **facts: Any) -> JourneyEvent:
    return ev("crime", "crime.reported", at, offence=offence, channel="online", **facts)


def person(dob: str, at: str = REPORTED) -> JourneyEvent:
    return ev("id-V1", "victim.identified", at, victim="V1", kind="person", date_of_birth=dob)


def categorised(category: str, at: str = REPORTED, id: str = "cat", **data: Any) -> JourneyEvent:
    data.setdefault("reason", "afraid of giving evidence against a neighbour")
    return ev(id, "victim.categorised", at, victim="V1", category=category, **data)


# ------------------------------------------------------------------ the victims of the cases
def standard(*events: JourneyEvent) -> tuple[JourneyEvent, ...]:
    """An adult victim of theft from the person: no category, standard deadlines."""
    return (crime(THEFT), person(ADULT), *events)


def enhanced(*events: JourneyEvent) -> tuple[JourneyEvent, ...]:
    """An adult theft victim the police categorised as intimidated when it was reported."""
    return (crime(THEFT), person(ADULT), categorised("intimidated", confirmed_by="PC 1187 Ng"),
            *events)


def child(*events: JourneyEvent) -> tuple[JourneyEvent, ...]:
    """A 15-year-old victim of theft from the person: vulnerable (under 18), enhanced."""
    return (crime(THEFT), person(CHILD), *events)


def domestic(*events: JourneyEvent) -> tuple[JourneyEvent, ...]:
    """An adult victim of domestic abuse: the most serious crime, so enhanced."""
    return (crime("common assault", domestic_abuse=True), person(ADULT), *events)


def adult_abh(*events: JourneyEvent) -> tuple[JourneyEvent, ...]:
    """An adult victim of ABH: a violent offence (VCS), but a standard victim."""
    return (crime(ABH), person(ADULT), *events)


def child_abh(*events: JourneyEvent) -> tuple[JourneyEvent, ...]:
    """A 15-year-old victim of ABH: enhanced (vulnerable), violent offence, child abuse."""
    return (crime(ABH), person(CHILD), *events)


def sexual(*events: JourneyEvent) -> tuple[JourneyEvent, ...]:
    """An adult complainant of a sexual offence: most serious crime, so enhanced."""
    return (crime("sexual assault", sexual_offence=True), person(ADULT), *events)


def hate_declined(*events: JourneyEvent) -> tuple[JourneyEvent, ...]:
    """An adult victim of homophobic criminal damage who declined Enhanced Rights."""
    return (crime("criminal damage", hate=["sexual_orientation"]), person(ADULT),
            categorised("most_serious_crime", id="decl", state="declined",
                        reason="the victim asked for the standard service"),
            *events)


def bereaved(*events: JourneyEvent, declined: bool = False) -> tuple[JourneyEvent, ...]:
    """The father of a murder victim: a bereaved close relative (enhanced unless declined)."""
    out = [crime("murder", death=True),
           ev("id-V1", "victim.identified", REPORTED, victim="V1",
              kind="bereaved_close_relative", relationship="father")]
    if declined:
        out.append(categorised("bereaved_close_relative", id="decl", state="declined",
                               reason="the family asked for the standard service"))
    return (*out, *events)


# ------------------------------------------------------------------ the table
@dataclass(frozen=True)
class Expected:
    provider: str
    enhanced: bool
    due: dt.date | None
    status: str
    fulfilled_by: str | None = None
    reason: str = ""  # a fragment of the not_applicable reason


@dataclass(frozen=True)
class Case:
    entitlement: str
    profile: str  # "enhanced" or "standard": the kind of victim the case is about
    label: str
    events: tuple[JourneyEvent, ...]
    as_of: str
    expect: Expected | None  # None: no duty at all
    victim: str = "V1"
    xfail: str = ""

    @property
    def id(self) -> str:
        return f"{self.entitlement}-{self.profile}-{self.label}"


def owed(provider: str, enhanced: bool, due: dt.date | None, status: str,
         fulfilled_by: str | None = None, reason: str = "") -> Expected:
    return Expected(provider, enhanced, due, status, fulfilled_by, reason)


NO_DUTY = None
ENH, STD = "enhanced", "standard"
D = dt.date

CASES: list[Case] = [
    # ============================================================ Right 1: understood
    Case("interpretation_translation", ENH, "met", enhanced(
        ev("req", "interpretation.requested", "2022-06-01 10:30", victim="V1", language="pl"),
        ev("int", "interpretation.provided", "2022-06-01 14:00", victim="V1", request="req")),
        "2022-06-02 09:00", owed(POLICE, True, None, "met", "int")),
    Case("interpretation_translation", STD, "open", standard(
        ev("req", "interpretation.requested", "2022-06-01 10:30", victim="V1", language="ro")),
        "2022-06-06 09:00", owed(POLICE, False, None, "open")),

    # ============================================================ Right 2: crime recorded
    # A standing right ("without unjustified delay"): shown, never tracked as a duty.
    Case("interview_support_right2", ENH, "no-duty", enhanced(
        ev("ws", "witness_statement.taken", "2022-06-01 14:00", victim="V1")),
        "2022-06-02 09:00", NO_DUTY),
    Case("interview_support_right2", STD, "no-duty", standard(
        ev("ws", "witness_statement.taken", "2022-06-01 14:00", victim="V1")),
        "2022-06-02 09:00", NO_DUTY),

    # ============================================================ Right 3: information
    Case("written_confirmation_of_crime", ENH, "met-same-day", enhanced(
        contact("conf", "crime", "2022-06-01 16:00",
                entitlements=["written_confirmation_of_crime"])),
        "2022-06-02 09:00", owed(POLICE, True, None, "met", "conf")),
    Case("written_confirmation_of_crime", STD, "open", standard(), "2022-06-10 09:00",
         owed(POLICE, False, None, "open")),
    Case("written_confirmation_of_crime", STD, "opted-out", standard(
        ev("out", "victim.opted_out", "2022-06-01 10:30", victim="V1",
           entitlements=["written_confirmation_of_crime"], reason="unsafe to write home")),
        "2022-06-10 09:00", owed(POLICE, False, None, "not_applicable", reason="opted out")),

    Case("rj_information", ENH, "open", enhanced(), "2022-06-10 09:00",
         owed(POLICE, True, None, "open")),
    Case("rj_information", STD, "met", standard(
        ev("rj", "rj.information_given", "2022-06-08 10:00", victim="V1")),
        "2022-06-10 09:00", owed(POLICE, False, None, "met", "rj")),

    # ============================================================ Right 4: support
    Case("needs_assessment_police", ENH, "open", enhanced(), "2022-06-10 09:00",
         owed(POLICE, True, None, "open")),
    Case("needs_assessment_police", STD, "met", standard(
        ev("na", "needs_assessment.completed", "2022-06-01 11:00", enhanced_eligible=False)),
        "2022-06-10 09:00", owed(POLICE, False, None, "met", "na")),

    # 2 wd of reporting for everyone. Reported Wed 1 Jun 2022: [spring bank holiday Thu 2 Jun,
    # Platinum Jubilee Fri 3 Jun, Sat 4, Sun 5] Mon 6 (1), Tue 7 Jun (2).
    Case("referral_to_victim_services", ENH, "met", enhanced(
        ev("ref", "referral.made", "2022-06-07 11:00", service="Kent Victim Support")),
        "2022-06-08 09:00", owed(POLICE, True, D(2022, 6, 7), "met", "ref")),
    Case("referral_to_victim_services", STD, "breached", standard(), "2022-06-08 09:00",
         owed(POLICE, False, D(2022, 6, 7), "breached")),
    # A victim identified on Fri 10 Jun: the clock starts then: Mon 13 (1), Tue 14 Jun (2).
    Case("referral_to_victim_services", STD, "clock-from-identification",
         (crime(THEFT), person(ADULT, at="2022-06-10 12:00")), "2022-06-13 09:00",
         owed(POLICE, False, D(2022, 6, 14), "open")),
    # Reported at 23:30 UTC on 31 Mar 2021, i.e. 00:30 BST on Thu 1 Apr 2021, the first day of
    # the 2020 Code: [Good Friday 2 Apr, Sat 3, Sun 4, Easter Monday 5 Apr] Tue 6 (1),
    # Wed 7 Apr (2).
    Case("referral_to_victim_services", STD, "first-day-of-the-code",
         (crime(THEFT, at="2021-03-31T23:30:00+00:00"),
          person(ADULT, at="2021-03-31T23:30:00+00:00")),
         "2021-04-06 09:00", owed(POLICE, False, D(2021, 4, 7), "open")),

    Case("info_support_services", ENH, "met", enhanced(
        contact("info", "crime", "2022-06-01 12:00", entitlements=["info_support_services"])),
        "2022-06-02 09:00", owed(POLICE, True, None, "met", "info")),
    Case("info_support_services", STD, "open", standard(), "2022-06-02 09:00",
         owed(POLICE, False, None, "open")),

    # Triggered by a needs assessment that found a need for specialist support.
    Case("specialist_support_referral", ENH, "met-by-referral", domestic(
        ev("na", "needs_assessment.completed", "2022-06-01 15:00",
           specialist_support_needed=True),
        ev("isva", "referral.made", "2022-06-06 10:00", victim="V1", service="IDVA service")),
        "2022-06-07 09:00", owed(POLICE, True, None, "met", "isva")),
    Case("specialist_support_referral", STD, "declined", standard(
        ev("na", "needs_assessment.completed", "2022-06-01 15:00",
           specialist_support_needed=True),
        ev("no", "referral.declined", "2022-06-02 10:00", victim="V1")),
        "2022-06-07 09:00",
        owed(POLICE, False, None, "not_applicable", reason="declined referral")),
    Case("specialist_support_referral", STD, "no-need-no-duty", standard(
        ev("na", "needs_assessment.completed", "2022-06-01 15:00",
           specialist_support_needed=False)),
        "2022-06-07 09:00", NO_DUTY),

    # Bereaved close relatives are enhanced unless they decline.
    Case("family_liaison_officer", ENH, "open", bereaved(), "2022-06-01 12:00",
         owed(POLICE, True, None, "open")),
    Case("family_liaison_officer", STD, "declined-enhanced-met", bereaved(
        ev("flo", "family_liaison.assigned", "2022-06-01 13:00", victim="V1",
           officer="DS 3390 Okafor"), declined=True),
        "2022-06-02 09:00", owed(POLICE, False, None, "met", "flo")),

    # ============================================================ Right 5: compensation
    Case("cics_information", ENH, "open", enhanced(), "2022-06-10 09:00",
         owed(POLICE, True, None, "open")),
    Case("cics_information", STD, "met-by-contact", standard(
        contact("cics", "crime", "2022-06-02 10:00", entitlements=["cics_information"])),
        "2022-06-10 09:00", owed(POLICE, False, None, "met", "cics")),

    Case("cics_application_time_limit", ENH, "no-duty", child(), "2022-06-10 09:00",
         NO_DUTY),
    Case("cics_application_time_limit", STD, "no-duty", standard(), "2022-06-10 09:00",
         NO_DUTY),

    # ============================================================ Right 6: investigation
    # Closed Fri 14 Oct 2022. Enhanced: [Sat 15, Sun 16] Mon 17 Oct. Standard: Mon 17, Tue 18,
    # Wed 19, Thu 20, Fri 21 Oct.
    Case("decision_not_to_investigate", ENH, "met", enhanced(
        ev("closed", "investigation.closed", "2022-10-14 16:00",
           reason="decision_not_to_investigate"),
        contact("told", "closed", "2022-10-17 10:00")),
        "2022-10-18 09:00", owed(POLICE, True, D(2022, 10, 17), "met", "told")),
    Case("decision_not_to_investigate", STD, "breached", standard(
        ev("closed", "investigation.closed", "2022-10-14 16:00",
           reason="decision_not_to_investigate")),
        "2022-10-24 09:00", owed(POLICE, False, D(2022, 10, 21), "breached")),

    Case("update_frequency_agreed", ENH, "open", enhanced(
        ev("rec", "crime.recorded", "2022-06-01 12:00", crime_reference=CASE_REF)),
        "2022-06-10 09:00", owed(POLICE, True, None, "open")),
    Case("update_frequency_agreed", STD, "met", standard(
        ev("rec", "crime.recorded", "2022-06-01 12:00", crime_reference=CASE_REF),
        contact("agreed", "rec", "2022-06-06 10:00", channel="phone",
                summary="monthly updates by email")),
        "2022-06-10 09:00", owed(POLICE, False, None, "met", "agreed")),

    # Arrested Wed 1 Jun 2022 18:00. Enhanced 1 wd: [spring bank holiday Thu 2, Platinum
    # Jubilee Fri 3, Sat 4, Sun 5] Mon 6 Jun. Standard 5 wd: Mon 6, Tue 7, Wed 8, Thu 9,
    # Fri 10 Jun.
    Case("suspect_arrested", ENH, "late", enhanced(
        ev("arrest", "suspect.arrested", "2022-06-01 18:00"),
        contact("told", "arrest", "2022-06-07 09:00")),
        "2022-06-08 09:00", owed(POLICE, True, D(2022, 6, 6), "late", "told")),
    Case("suspect_arrested", STD, "open", standard(
        ev("arrest", "suspect.arrested", "2022-06-01 18:00")),
        "2022-06-08 09:00", owed(POLICE, False, D(2022, 6, 10), "open")),
    # Categorised as intimidated the day after the arrest: the arrest duty keeps the
    # standard deadline (categories in force when the trigger occurred).
    Case("suspect_arrested", STD, "categorised-after-the-arrest", standard(
        ev("arrest", "suspect.arrested", "2022-06-01 18:00"),
        categorised("intimidated", at="2022-06-02 11:00")),
        "2022-06-08 09:00", owed(POLICE, False, D(2022, 6, 10), "open")),
    Case("suspect_arrested", STD, "assault-with-intent-to-resist-arrest-is-not-gbh",
         (crime("assault with intent to resist arrest"), person(ADULT),
          ev("arrest", "suspect.arrested", "2022-06-01 18:00")),
         "2022-06-08 09:00", owed(POLICE, False, D(2022, 6, 10), "open")),

    # Interviewed Fri 16 Sep 2022. Enhanced: [Sat 17, Sun 18, State Funeral Mon 19 Sep]
    # Tue 20 Sep. Standard: Tue 20, Wed 21, Thu 22, Fri 23, Mon 26 Sep.
    Case("suspect_interviewed_under_caution", ENH, "open", child(
        ev("int", "suspect.interviewed", "2022-09-16 11:00")),
        "2022-09-19 12:00", owed(POLICE, True, D(2022, 9, 20), "open")),
    Case("suspect_interviewed_under_caution", STD, "met", standard(
        ev("int", "suspect.interviewed", "2022-09-16 11:00"),
        contact("told", "int", "2022-09-26 17:30", channel="sms")),
        "2022-09-27 09:00", owed(POLICE, False, D(2022, 9, 26), "met", "told")),

    # Released under investigation Fri 16 Sep 2022 (a 2020 trigger): enhanced Tue 20 Sep.
    Case("suspect_bailed_or_rui", ENH, "rui-open", domestic(
        ev("rui", "suspect.released_under_investigation", "2022-09-16 15:00")),
        "2022-09-19 12:00", owed(POLICE, True, D(2022, 9, 20), "open")),
    # Bailed Fri 26 Aug 2022: [Sat 27, Sun 28, summer bank holiday Mon 29] Tue 30 (1),
    # Wed 31 (2), Thu 1 Sep (3), Fri 2 (4), Mon 5 Sep (5).
    Case("suspect_bailed_or_rui", STD, "bail-breached", standard(
        ev("bail", "suspect.bailed", "2022-08-26 19:00", conditions=["residence"])),
        "2022-09-06 09:00", owed(POLICE, False, D(2022, 9, 5), "breached")),

    # Released without charge Fri 23 Dec 2022 16:00. Enhanced: [Sat 24, Sun 25, Boxing Day
    # Mon 26, Christmas Day (substitute) Tue 27] Wed 28 Dec. Standard: Wed 28 (1), Thu 29 (2),
    # Fri 30 (3), [Sat 31, Sun 1, New Year's Day (substitute) Mon 2 Jan], Tue 3 (4),
    # Wed 4 Jan 2023 (5).
    Case("suspect_released_without_charge", ENH, "open", enhanced(
        ev("nfa", "suspect.released_no_further_action", "2022-12-23 16:00",
           reason="evidential difficulties")),
        "2022-12-28 12:00", owed(POLICE, True, D(2022, 12, 28), "open")),
    Case("suspect_released_without_charge", STD, "breached", standard(
        ev("nfa", "suspect.released_no_further_action", "2022-12-23 16:00",
           reason="evidential difficulties")),
        "2023-01-05 09:00", owed(POLICE, False, D(2023, 1, 4), "breached")),

    # The same trigger and dates as above: one letter answers both duties.
    Case("vrr_information_police", ENH, "met", enhanced(
        ev("nfa", "suspect.released_no_further_action", "2022-12-23 16:00"),
        contact("letter", "nfa", "2022-12-28 15:00", channel="letter")),
        "2022-12-29 09:00", owed(POLICE, True, D(2022, 12, 28), "met", "letter")),
    Case("vrr_information_police", STD, "opted-out", standard(
        ev("out", "victim.opted_out", "2022-12-01 10:00", victim="V1",
           entitlements=["vrr_information_police"]),
        ev("nfa", "suspect.released_no_further_action", "2022-12-23 16:00")),
        "2023-01-05 09:00",
        owed(POLICE, False, D(2023, 1, 4), "not_applicable", reason="opted out")),

    # Request made Mon 27 Mar 2023, received Tue 28 Mar. Acknowledgement: 10 wd from
    # receipt: Wed 29 (1) ... Thu 6 Apr (7), [Good Friday 7, Sat 8, Sun 9, Easter Monday 10],
    # Tue 11 (8), Wed 12 (9), Thu 13 Apr (10).
    Case("police_vrr_acknowledgement", ENH, "met", enhanced(
        ev("rtr", "right_to_review.requested", "2023-03-27 09:00", received="2023-03-28 09:00",
           victim="V1", scheme="police"),
        contact("ack", "rtr", "2023-04-12 16:00")),
        "2023-04-14 09:00", owed(POLICE, True, D(2023, 4, 13), "met", "ack")),
    Case("police_vrr_acknowledgement", STD, "breached", standard(
        ev("rtr", "right_to_review.requested", "2023-03-27 09:00", received="2023-03-28 09:00",
           victim="V1", scheme="police")),
        "2023-04-14 09:00", owed(POLICE, False, D(2023, 4, 13), "breached")),
    Case("police_vrr_acknowledgement", STD, "cps-scheme-no-duty", standard(
        ev("rtr", "right_to_review.requested", "2023-03-27 09:00", victim="V1",
           provider=CPS, scheme="cps")),
        "2023-04-13 09:00", NO_DUTY),

    # Decision: 30 wd from receipt (Tue 28 Mar 2023): Wed 29 Mar (1) ... Thu 6 Apr (7),
    # [Good Friday 7, Easter Monday 10 Apr], Tue 11 (8) ... Fri 28 Apr (21), [early May bank
    # holiday Mon 1 May], Tue 2 (22) ... Fri 5 (25), [Coronation Mon 8 May], Tue 9 (26) ...
    # Fri 12 (29), Mon 15 May (30).
    Case("police_vrr", ENH, "met-on-the-day", enhanced(
        ev("rtr", "right_to_review.requested", "2023-03-27 09:00", received="2023-03-28 09:00",
           victim="V1", scheme="police"),
        ev("rev", "right_to_review.decided", "2023-05-15 16:00", victim="V1", request="rtr",
           outcome="upheld")),
        "2023-05-16 09:00", owed(POLICE, True, D(2023, 5, 15), "met", "rev")),
    Case("police_vrr", STD, "late", standard(
        ev("rtr", "right_to_review.requested", "2023-03-27 09:00", received="2023-03-28 09:00",
           victim="V1", scheme="police"),
        ev("rev", "right_to_review.decided", "2023-05-16 10:00", victim="V1", request="rtr",
           outcome="overturned")),
        "2023-05-17 09:00", owed(POLICE, False, D(2023, 5, 15), "late", "rev")),

    # Charged Thu 22 Dec 2022. Enhanced: Fri 23 Dec. Standard: Fri 23 (1), [Sat 24, Sun 25,
    # Boxing Day Mon 26, Christmas Day (substitute) Tue 27], Wed 28 (2), Thu 29 (3),
    # Fri 30 (4), [Sat 31, Sun 1, New Year's Day (substitute) Mon 2 Jan], Tue 3 Jan 2023 (5).
    Case("suspect_charged", ENH, "breached", enhanced(
        ev("chg", "suspect.charged", "2022-12-22 14:00", charges=["theft"])),
        "2022-12-24 09:00", owed(POLICE, True, D(2022, 12, 23), "breached")),
    Case("suspect_charged", STD, "open", standard(
        ev("chg", "suspect.charged", "2022-12-22 14:00", charges=["theft"])),
        "2023-01-02 09:00", owed(POLICE, False, D(2023, 1, 3), "open")),

    # Disposal given at 23:30 UTC on Thu 6 Oct 2022, i.e. 00:30 BST on Fri 7 Oct: the local
    # date counts. Enhanced: [Sat 8, Sun 9] Mon 10 Oct. Standard: Mon 10, Tue 11, Wed 12,
    # Thu 13, Fri 14 Oct.
    Case("out_of_court_disposal_outcome", ENH, "open", enhanced(
        ev("ooc", "ooc_disposal.issued", "2022-10-06T23:30:00+00:00",
           disposal="conditional_caution")),
        "2022-10-10 09:00", owed(POLICE, True, D(2022, 10, 10), "open")),
    Case("out_of_court_disposal_outcome", STD, "late", standard(
        ev("ooc", "ooc_disposal.issued", "2022-10-06T23:30:00+00:00",
           disposal="community_resolution"),
        contact("told", "ooc", "2022-10-17 10:00")),
        "2022-10-18 09:00", owed(POLICE, False, D(2022, 10, 14), "late", "told")),

    # Before the decision: due the decision's local date, Fri 7 Oct 2022 (see above).
    Case("out_of_court_disposal_views", ENH, "met", enhanced(
        ev("prop", "ooc_disposal.proposed", "2022-10-03 10:00", disposal="conditional_caution"),
        ev("views", "ooc_disposal.victim_views_recorded", "2022-10-05 15:00", victim="V1",
           views="wants a no-contact condition"),
        ev("ooc", "ooc_disposal.issued", "2022-10-06T23:30:00+00:00",
           disposal="conditional_caution")),
        "2022-10-07 09:00", owed(POLICE, True, D(2022, 10, 7), "met", "views")),
    Case("out_of_court_disposal_views", STD, "late-after-decision", standard(
        ev("prop", "ooc_disposal.proposed", "2022-10-03 10:00",
           disposal="community_resolution"),
        ev("ooc", "ooc_disposal.issued", "2022-10-06T23:30:00+00:00",
           disposal="community_resolution"),
        ev("views", "ooc_disposal.victim_views_recorded", "2022-10-06T23:45:00+00:00",
           victim="V1")),
        "2022-10-07 09:00", owed(POLICE, False, D(2022, 10, 7), "late", "views")),
    Case("out_of_court_disposal_views", STD, "open-no-decision", standard(
        ev("prop", "ooc_disposal.proposed", "2022-10-03 10:00",
           disposal="community_resolution")),
        "2022-10-05 09:00", owed(POLICE, False, None, "open")),

    # CPS decides not to prosecute Fri 30 Dec 2022. Enhanced: [Sat 31, Sun 1, New Year's Day
    # (substitute) Mon 2 Jan] Tue 3 Jan 2023. Standard: Tue 3, Wed 4, Thu 5, Fri 6, Mon 9 Jan.
    Case("cps_decision_not_to_charge", ENH, "open", enhanced(
        ev("dec", "cps.decision", "2022-12-30 15:00", provider=CPS,
           decision="no_further_action")),
        "2023-01-02 09:00", owed(CPS, True, D(2023, 1, 3), "open")),
    Case("cps_decision_not_to_charge", STD, "met", standard(
        ev("dec", "cps.decision", "2022-12-30 15:00", provider=CPS,
           decision="no_further_action"),
        contact("vcl", "dec", "2023-01-09 12:00", provider=CPS, channel="letter")),
        "2023-01-10 09:00", owed(CPS, False, D(2023, 1, 9), "met", "vcl")),

    # Decision Thu 6 Apr 2023. Enhanced: [Good Friday 7, Sat 8, Sun 9, Easter Monday 10]
    # Tue 11 Apr. Standard: Tue 11, Wed 12, Thu 13, Fri 14, Mon 17 Apr.
    Case("cps_discontinue_or_alter_charge", ENH, "breached", domestic(
        ev("dec", "cps.decision", "2023-04-06 12:00", provider=CPS, decision="discontinue")),
        "2023-04-12 09:00", owed(CPS, True, D(2023, 4, 11), "breached")),
    Case("cps_discontinue_or_alter_charge", STD, "open", standard(
        ev("dec", "cps.decision", "2023-04-06 12:00", provider=CPS,
           decision="accept_plea_other_charge")),
        "2023-04-12 09:00", owed(CPS, False, D(2023, 4, 17), "open")),

    # Meetings only in specified cases (death, sexual offence, hate crime, child abuse).
    Case("cps_meeting_on_decision", ENH, "child-abuse-met", child_abh(
        ev("dec", "cps.decision", "2023-04-06 12:00", provider=CPS,
           decision="offer_no_evidence"),
        ev("meet", "meeting.offered", "2023-04-13 10:00", victim="V1", provider=CPS,
           decision="dec")),
        "2023-04-14 09:00", owed(CPS, True, None, "met", "meet")),
    Case("cps_meeting_on_decision", STD, "hate-crime-open", hate_declined(
        ev("dec", "cps.decision", "2023-04-06 12:00", provider=CPS, decision="alter_charge")),
        "2023-04-14 09:00", owed(CPS, False, None, "open")),
    Case("cps_meeting_on_decision", STD, "theft-not-specified", standard(
        ev("dec", "cps.decision", "2023-04-06 12:00", provider=CPS, decision="alter_charge")),
        "2023-04-14 09:00",
        owed(CPS, False, None, "not_applicable", reason="owed only in cases of")),

    Case("cps_vrr", ENH, "open", enhanced(
        ev("rtr", "right_to_review.requested", "2023-01-16 10:00", victim="V1", provider=CPS,
           scheme="cps")),
        "2023-02-01 09:00", owed(CPS, True, None, "open")),
    Case("cps_vrr", STD, "met", standard(
        ev("rtr", "right_to_review.requested", "2023-01-16 10:00", victim="V1", provider=CPS,
           scheme="cps"),
        ev("rev", "right_to_review.decided", "2023-01-30 10:00", victim="V1", provider=CPS,
           request="rtr", outcome="resolved_locally")),
        "2023-02-01 09:00", owed(CPS, False, None, "met", "rev")),

    # ============================================================ Right 7: VPS
    # Offered from the report (2020), before sentence.
    Case("vps_offer", ENH, "met-no-sentence-yet", enhanced(
        ev("vps", "vps.offered", "2022-06-01 11:00", victim="V1")),
        "2022-06-02 09:00", owed(POLICE, True, None, "met", "vps")),
    Case("vps_offer", STD, "breached-at-sentence", standard(
        ev("sent", "sentence.passed", "2023-08-25 12:00", provider=COURT,
           disposal="suspended sentence order")),
        "2023-08-25 13:00", owed(POLICE, False, D(2023, 8, 25), "breached")),

    # ============================================================ Right 8: trial
    # Witness needed: the CPS tells the WCU Tue 2 May 2023; the WCU receives it Fri 5 May.
    Case("wcu_needs_assessment", ENH, "open", enhanced(
        ev("req", "witness.required", "2023-05-02 10:00", received="2023-05-05 09:00",
           victim="V1", provider=CPS)),
        "2023-05-09 09:00", owed(WCU, True, None, "open")),
    Case("wcu_needs_assessment", STD, "met", standard(
        ev("req", "witness.required", "2023-05-02 10:00", received="2023-05-05 09:00",
           victim="V1", provider=CPS),
        ev("wna", "wcu.needs_assessment.completed", "2023-05-09 14:00", victim="V1",
           provider=WCU)),
        "2023-05-10 09:00", owed(WCU, False, None, "met", "wna")),

    # Right 8.2: 1 wd of receipt for everyone. Received Fri 5 May 2023: [Sat 6, Sun 7,
    # Coronation bank holiday Mon 8 May] Tue 9 May.
    Case("wcu_required_to_give_evidence", ENH, "met", enhanced(
        ev("req", "witness.required", "2023-05-02 10:00", received="2023-05-05 09:00",
           victim="V1", provider=CPS),
        contact("told", "req", "2023-05-09 10:00", provider=WCU, channel="phone")),
        "2023-05-10 09:00", owed(WCU, True, D(2023, 5, 9), "met", "told")),
    Case("wcu_required_to_give_evidence", STD, "breached", standard(
        ev("req", "witness.required", "2023-05-02 10:00", received="2023-05-05 09:00",
           victim="V1", provider=CPS)),
        "2023-05-10 09:00", owed(WCU, False, D(2023, 5, 9), "breached")),

    # Right 8.1: 1 wd of receipt for everyone. Listed Thu 4 May 2023, received Fri 5 May:
    # [Sat 6, Sun 7, Coronation Mon 8 May] Tue 9 May.
    Case("wcu_hearing_date", ENH, "open", enhanced(
        ev("hl", "hearing.listed", "2023-05-04 15:00", received="2023-05-05 10:00",
           provider=COURT, hearing_at=instant("2023-06-12 10:00"), kind="trial")),
        "2023-05-09 09:00", owed(WCU, True, D(2023, 5, 9), "open")),
    Case("wcu_hearing_date", STD, "met", standard(
        ev("hl", "hearing.listed", "2023-05-04 15:00", received="2023-05-05 10:00",
           provider=COURT, kind="trial"),
        contact("told", "hl", "2023-05-09 15:00", provider=WCU)),
        "2023-05-10 09:00", owed(WCU, False, D(2023, 5, 9), "met", "told")),
    Case("wcu_hearing_date", STD, "trial-date-set-breached", standard(
        ev("tds", "trial.date_set", "2023-05-05 11:00", provider=COURT,
           trial_date="2023-06-12", court=COURT)),
        "2023-05-10 09:00", owed(WCU, False, D(2023, 5, 9), "breached")),

    # Bail decided Fri 28 Apr 2023, received the same day. Enhanced: [Sat 29, Sun 30, early
    # May bank holiday Mon 1 May] Tue 2 May. Standard: Tue 2 (1), Wed 3 (2), Thu 4 (3),
    # Fri 5 (4), [Coronation Mon 8 May], Tue 9 May (5).
    Case("wcu_bail_and_warrant_outcomes", ENH, "bail-met", enhanced(
        ev("bail", "court.bail_decided", "2023-04-28 12:00", received="2023-04-28 16:00",
           provider=COURT, remanded=True),
        contact("told", "bail", "2023-05-02 10:00", provider=WCU, channel="phone")),
        "2023-05-03 09:00", owed(WCU, True, D(2023, 5, 2), "met", "told")),
    Case("wcu_bail_and_warrant_outcomes", STD, "warrant-open", standard(
        ev("war", "warrant.issued", "2023-04-28 12:00", received="2023-04-28 16:00",
           provider=COURT)),
        "2023-05-08 09:00", owed(WCU, False, D(2023, 5, 9), "open")),

    # Decided Fri 19 May 2023, received Fri 26 May. Enhanced: [Sat 27, Sun 28, spring bank
    # holiday Mon 29] Tue 30 May. Standard (not owed): Tue 30, Wed 31, Thu 1 Jun, Fri 2,
    # Mon 5 Jun.
    Case("special_measures", ENH, "intimidated-open", enhanced(
        ev("sm", "special_measures.decided", "2023-05-19 15:00", received="2023-05-26 11:00",
           provider=COURT, granted=True, measures=["screens"])),
        "2023-05-30 09:00", owed(WCU, True, D(2023, 5, 30), "open")),
    Case("special_measures", ENH, "child-met", child(
        ev("sm", "special_measures.decided", "2023-05-19 15:00", received="2023-05-26 11:00",
           provider=COURT, granted=True, measures=["live link"]),
        contact("told", "sm", "2023-05-30 12:00", provider=WCU, channel="phone")),
        "2023-05-31 09:00", owed(WCU, True, D(2023, 5, 30), "met", "told")),
    Case("special_measures", STD, "not-eligible", standard(
        ev("sm", "special_measures.decided", "2023-05-19 15:00", received="2023-05-26 11:00",
           provider=COURT, granted=False)),
        "2023-05-31 09:00",
        owed(WCU, False, D(2023, 6, 5), "not_applicable",
             reason="owed only to a victim who is vulnerable or intimidated")),
    Case("special_measures", ENH, "sexual-offence-complainant-eligible", sexual(
        ev("sm", "special_measures.decided", "2023-05-19 15:00", received="2023-05-26 11:00",
           provider=COURT, granted=True, measures=["video-recorded evidence in chief"])),
        "2023-05-26 12:00", owed(WCU, True, D(2023, 5, 30), "open")),

    # Before the trial: due the trial's local date (Mon 12 Jun 2023).
    Case("pre_trial_court_visit", ENH, "late-on-the-trial-day", enhanced(
        ev("req", "witness.required", "2023-05-02 10:00", victim="V1", provider=CPS),
        ev("trial", "trial.started", "2023-06-12 10:00", provider=COURT),
        ev("visit", "court_visit.offered", "2023-06-12 11:00", victim="V1", provider=WCU)),
        "2023-06-12 12:00", owed(WCU, True, D(2023, 6, 12), "late", "visit")),
    Case("pre_trial_court_visit", STD, "met-at-the-start", standard(
        ev("req", "witness.required", "2023-05-02 10:00", victim="V1", provider=CPS),
        ev("visit", "court_visit.offered", "2023-06-12 10:00", victim="V1", provider=WCU),
        ev("trial", "trial.started", "2023-06-12 10:00", provider=COURT)),
        "2023-06-12 12:00", owed(WCU, False, D(2023, 6, 12), "met", "visit")),

    # The prosecutor meets the victim on the day of the trial, where possible (untimed).
    Case("prosecutor_meets_witness", ENH, "met", enhanced(
        ev("trial", "trial.started", "2023-06-12 10:00", provider=COURT),
        contact("met", "trial", "2023-06-12 10:15", provider=CPS, channel="in_person")),
        "2023-06-12 12:00", owed(CPS, True, None, "met", "met")),
    Case("prosecutor_meets_witness", STD, "open", standard(
        ev("trial", "trial.started", "2023-06-12 10:00", provider=COURT)),
        "2023-06-12 12:00", owed(CPS, False, None, "open")),

    # ============================================================ Right 9: outcome
    # Verdict Thu 22 Jun 2023, received Fri 23 Jun: 1 wd for everyone, [Sat 24, Sun 25]
    # Mon 26 Jun.
    Case("wcu_verdict", ENH, "breached", enhanced(
        ev("ver", "verdict.given", "2023-06-22 16:00", received="2023-06-23 09:00",
           provider=COURT, verdict="guilty")),
        "2023-06-27 09:00", owed(WCU, True, D(2023, 6, 26), "breached")),
    Case("wcu_verdict", STD, "met", standard(
        ev("ver", "verdict.given", "2023-06-22 16:00", received="2023-06-23 09:00",
           provider=COURT, verdict="mixed"),
        contact("told", "ver", "2023-06-26 10:00", provider=WCU, channel="phone")),
        "2023-06-27 09:00", owed(WCU, False, D(2023, 6, 26), "met", "told")),

    # Bereaved families: meetings before and after sentence, on a guilty verdict.
    Case("cps_bereaved_meetings_sentence", ENH, "met", bereaved(
        ev("ver", "verdict.given", "2023-06-22 16:00", provider=COURT, verdict="guilty"),
        ev("meet", "meeting.offered", "2023-06-26 10:00", victim="V1", provider=CPS)),
        "2023-06-27 09:00", owed(CPS, True, None, "met", "meet")),
    Case("cps_bereaved_meetings_sentence", STD, "declined-enhanced-open", bereaved(
        ev("ver", "verdict.given", "2023-06-22 16:00", provider=COURT, verdict="mixed"),
        declined=True),
        "2023-06-27 09:00", owed(CPS, False, None, "open")),
    Case("cps_bereaved_meetings_sentence", STD, "acquittal-no-duty", bereaved(
        ev("ver", "verdict.given", "2023-06-22 16:00", provider=COURT, verdict="not_guilty"),
        declined=True),
        "2023-06-27 09:00", NO_DUTY),
    Case("cps_bereaved_meetings_sentence", STD, "not-bereaved", standard(
        ev("ver", "verdict.given", "2023-06-22 16:00", provider=COURT, verdict="guilty")),
        "2023-06-27 09:00",
        owed(CPS, False, None, "not_applicable", reason="not owed to a person")),

    # Sentence Fri 25 Aug 2023, received the same day: [Sat 26, Sun 27, summer bank holiday
    # Mon 28] Tue 29 Aug.
    Case("wcu_sentence", ENH, "met", enhanced(
        ev("sent", "sentence.passed", "2023-08-25 12:00", received="2023-08-25 15:00",
           provider=COURT, disposal="imprisonment", custodial_months=8),
        contact("told", "sent", "2023-08-29 11:00", provider=WCU, channel="phone")),
        "2023-08-30 09:00", owed(WCU, True, D(2023, 8, 29), "met", "told")),
    Case("wcu_sentence", STD, "opted-out", standard(
        ev("out", "victim.opted_out", "2023-08-01 10:00", victim="V1",
           entitlements=["wcu_sentence"]),
        ev("sent", "sentence.passed", "2023-08-25 12:00", received="2023-08-25 15:00",
           provider=COURT, disposal="fine")),
        "2023-08-30 09:00",
        owed(WCU, False, D(2023, 8, 29), "not_applicable", reason="opted out")),

    # Appeal lodged Thu 21 Sep 2023, received Fri 22 Sep: [Sat 23, Sun 24] Mon 25 Sep.
    Case("wcu_appeal", ENH, "lodged-open", enhanced(
        ev("app", "appeal.lodged", "2023-09-21 14:00", received="2023-09-22 10:00",
           provider=COURT)),
        "2023-09-25 09:00", owed(WCU, True, D(2023, 9, 25), "open")),
    # Appeal decided Fri 22 Dec 2023: [Sat 23, Sun 24, Christmas Day Mon 25, Boxing Day
    # Tue 26] Wed 27 Dec.
    Case("wcu_appeal", STD, "decided-late", standard(
        ev("apd", "appeal.decided", "2023-12-22 11:00", received="2023-12-22 15:00",
           provider=COURT, outcome="dismissed"),
        contact("told", "apd", "2023-12-28 10:00", provider=WCU)),
        "2023-12-29 09:00", owed(WCU, False, D(2023, 12, 27), "late", "told")),

    # ============================================================ Right 10: expenses
    Case("cps_expenses", ENH, "met", enhanced(
        ev("claim", "expenses.claimed", "2023-06-12 18:00", victim="V1", provider=CPS),
        ev("paid", "expenses.paid", "2023-06-20 10:00", victim="V1", provider=CPS,
           claim="claim")),
        "2023-06-21 09:00", owed(CPS, True, None, "met", "paid")),
    Case("cps_expenses", STD, "open", standard(
        ev("claim", "expenses.claimed", "2023-06-12 18:00", victim="V1", provider=CPS)),
        "2023-06-21 09:00", owed(CPS, False, None, "open")),

    # ============================================================ Right 11: VCS
    # Sentenced Fri 25 Aug 2023 to 24 months for ABH. 10 wd from sentence: [summer bank
    # holiday Mon 28 Aug] Tue 29 (1), Wed 30, Thu 31, Fri 1 Sep (4), Mon 4 (5) ... Fri 8 (9),
    # Mon 11 Sep (10).
    Case("vcs_referral", ENH, "met", child_abh(
        ev("sent", "sentence.passed", "2023-08-25 12:00", provider=COURT,
           disposal="detention and training order", custodial_months=24),
        ev("vcs", "vcs.referred", "2023-09-08 16:00", victim="V1", provider=WCU)),
        "2023-09-11 09:00", owed(WCU, True, D(2023, 9, 11), "met", "vcs")),
    Case("vcs_referral", STD, "breached", adult_abh(
        ev("sent", "sentence.passed", "2023-08-25 12:00", provider=COURT,
           disposal="imprisonment", custodial_months=24)),
        "2023-09-12 09:00", owed(WCU, False, D(2023, 9, 11), "breached")),
    Case("vcs_referral", STD, "not-violent-or-sexual", standard(
        ev("sent", "sentence.passed", "2023-08-25 12:00", provider=COURT,
           disposal="imprisonment", custodial_months=24)),
        "2023-09-12 09:00",
        owed(WCU, False, D(2023, 9, 11), "not_applicable", reason="violent or sexual")),
    Case("vcs_referral", STD, "eleven-months-no-duty", adult_abh(
        ev("sent", "sentence.passed", "2023-08-25 12:00", provider=COURT,
           disposal="imprisonment", custodial_months=11)),
        "2023-09-12 09:00", NO_DUTY),

    # 20 wd of receiving the referral (Mon 11 Sep 2023): Tue 12 Sep (1) ... Fri 29 Sep (14),
    # Mon 2 Oct (15) ... Fri 6 Oct (19), Mon 9 Oct (20).
    Case("vcs_initial_contact", ENH, "met", child_abh(
        ev("vcs", "vcs.referred", "2023-09-08 16:00", received="2023-09-11 09:00",
           victim="V1", provider=WCU),
        contact("vlo", "vcs", "2023-10-02 10:00", provider=PROBATION, channel="letter")),
        "2023-10-03 09:00", owed(PROBATION, True, D(2023, 10, 9), "met", "vlo")),
    Case("vcs_initial_contact", STD, "open", adult_abh(
        ev("vcs", "vcs.referred", "2023-09-08 16:00", received="2023-09-11 09:00",
           victim="V1", provider=WCU)),
        "2023-10-01 09:00", owed(PROBATION, False, D(2023, 10, 9), "open")),
    Case("vcs_initial_contact", STD, "opted-out", adult_abh(
        ev("vcs", "vcs.referred", "2023-09-08 16:00", received="2023-09-11 09:00",
           victim="V1", provider=WCU),
        ev("no", "vcs.opted_out", "2023-09-20 10:00", victim="V1", provider=PROBATION)),
        "2023-10-10 09:00",
        owed(PROBATION, False, D(2023, 10, 9), "not_applicable",
             reason="opted out of the Victim Contact Scheme")),

    # Key stages: only for victims who joined the VCS (opted in Mon 16 Oct 2023).
    Case("vcs_key_stages", ENH, "release-open", child_abh(
        ev("in", "vcs.opted_in", "2023-10-16 10:00", victim="V1", provider=PROBATION),
        ev("rel", "offender.released", "2024-08-23 09:00", provider=PRISON)),
        "2024-08-23 12:00", owed(PROBATION, True, None, "open")),
    Case("vcs_key_stages", STD, "conditions-ended-met", adult_abh(
        ev("in", "vcs.opted_in", "2023-10-16 10:00", victim="V1", provider=PROBATION),
        ev("end", "offender.conditions_ended", "2025-08-26 09:00", provider=PROBATION),
        contact("vlo", "end", "2025-08-27 10:00", provider=PROBATION)),
        "2025-08-28 09:00", owed(PROBATION, False, None, "met", "vlo")),
    Case("vcs_key_stages", STD, "not-in-the-scheme", adult_abh(
        ev("rel", "offender.released", "2024-08-23 09:00", provider=PRISON)),
        "2024-08-23 12:00",
        owed(PROBATION, False, None, "not_applicable",
             reason="had not joined the Victim Contact Scheme")),

    # Before the release decision: due the local date of licence.conditions_set (Fri 9 Aug
    # 2024) or offender.released, whichever comes first.
    Case("vcs_licence_representations", ENH, "breached-by-conditions", child_abh(
        ev("in", "vcs.opted_in", "2023-10-16 10:00", victim="V1", provider=PROBATION),
        ev("ruc", "release.under_consideration", "2024-07-08 10:00", provider=PROBATION),
        ev("lic", "licence.conditions_set", "2024-08-09 15:00", provider=PROBATION),
        ev("rel", "offender.released", "2024-08-23 09:00", provider=PRISON)),
        "2024-08-23 12:00", owed(PROBATION, True, D(2024, 8, 9), "breached")),
    Case("vcs_licence_representations", STD, "met-no-decision-yet", adult_abh(
        ev("in", "vcs.opted_in", "2023-10-16 10:00", victim="V1", provider=PROBATION),
        ev("ruc", "release.under_consideration", "2024-07-08 10:00", provider=PROBATION),
        ev("inv", "licence.representations_invited", "2024-07-09 10:00", victim="V1",
           provider=PROBATION)),
        "2024-07-10 09:00", owed(PROBATION, False, None, "met", "inv")),

    Case("release_notification", ENH, "met", child_abh(
        ev("in", "vcs.opted_in", "2023-10-16 10:00", victim="V1", provider=PROBATION),
        contact("month", "in", "2023-10-20 10:00", provider=PROBATION, channel="letter")),
        "2023-10-23 09:00", owed(PROBATION, True, None, "met", "month")),
    Case("release_notification", STD, "open", adult_abh(
        ev("in", "vcs.opted_in", "2023-10-16 10:00", victim="V1", provider=PROBATION)),
        "2023-10-23 09:00", owed(PROBATION, False, None, "open")),

    # ============================================================ Right 12: complaints
    # Received Fri 22 Dec 2023: 10 wd, [Sat 23, Sun 24, Christmas Day Mon 25, Boxing Day
    # Tue 26] Wed 27 (1), Thu 28 (2), Fri 29 (3), [Sat 30, Sun 31, New Year's Day Mon 1 Jan],
    # Tue 2 (4), Wed 3 (5), Thu 4 (6), Fri 5 (7), Mon 8 (8), Tue 9 (9), Wed 10 Jan 2024 (10).
    Case("complaint_response", ENH, "met", enhanced(
        ev("cmp", "complaint.received", "2023-12-22 11:00", victim="V1",
           entitlement="suspect_arrested"),
        ev("resp", "complaint.responded", "2024-01-10 16:00", victim="V1", complaint="cmp",
           kind="full_response")),
        "2024-01-11 09:00", owed(POLICE, True, D(2024, 1, 10), "met", "resp")),
    # Received by the police about the CPS: the CPS owes the response.
    Case("complaint_response", STD, "about-the-cps-breached", standard(
        ev("cmp", "complaint.received", "2023-12-22 11:00", victim="V1", about=CPS,
           entitlement="cps_decision_not_to_charge")),
        "2024-01-11 09:00", owed(CPS, False, D(2024, 1, 10), "breached")),
]


def duties_of(case: Case) -> list[DutyResult]:
    as_of = dt.datetime.fromisoformat(instant(case.as_of))
    evaluation = evaluate_case(case.events, as_of=as_of, orgs=ORGS)
    return [d for d in evaluation.duties
            if d.entitlement == case.entitlement and d.victim == case.victim]


def _param(case: Case) -> Any:
    marks = [pytest.mark.xfail(reason=case.xfail, strict=True)] if case.xfail else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_2020_entitlement(case: Case) -> None:
    duties = duties_of(case)
    if case.expect is None:
        assert duties == []
        return
    assert len(duties) == 1, duties
    duty, want = duties[0], case.expect
    assert (duty.edition, duty.provider, duty.enhanced, duty.due_date, duty.status) == (
        EDITION, want.provider, want.enhanced, want.due, want.status)
    assert duty.fulfilled_by == want.fulfilled_by
    assert want.reason in duty.reason


def test_every_2020_entitlement_has_cases() -> None:
    rules = EDITIONS[EDITION].entitlements
    assert {c.entitlement for c in CASES} == {r.id for r in rules}
    for rule in rules:
        mine = [c for c in CASES if c.entitlement == rule.id]
        assert {c.profile for c in mine} >= {ENH, STD}, rule.id
        if not rule.duty:
            assert all(c.expect is None for c in mine), rule.id


def test_the_2020_tables_show_every_status() -> None:
    shown = {c.expect.status for c in CASES if c.expect is not None and not c.xfail}
    assert shown == {"open", "met", "late", "breached", "not_applicable"}


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


# Entitlements of earlier editions only: a 2022 case has none of them.
EARLIER_ONLY = ("written_ack_of_crime", "written_info_leaflet", "unwanted_contact_from_offender",
                "business_isb")


def test_earlier_entitlements_are_not_owed_under_the_2020_code() -> None:
    events = (
        crime("shoplifting"),
        ev("id-B1", "victim.identified", REPORTED, victim="B1", kind="business",
           name="Medway Stores Ltd"),
        person(ADULT),
        ev("ws", "witness_statement.taken", "2022-06-01 14:00"),
        ev("unw", "unwanted_contact.reported", "2024-09-02 10:00", victim="V1",
           provider=PROBATION),
    )
    as_of = dt.datetime.fromisoformat(instant("2024-09-03 09:00"))
    duties = evaluate_case(events, as_of=as_of, orgs=ORGS).duties
    assert duties and {d.edition for d in duties} == {EDITION}
    assert not {d.entitlement for d in duties} & set(EARLIER_ONLY)
    earlier = set(EDITIONS["2013"].by_id()) | set(EDITIONS["2015"].by_id())
    assert set(EARLIER_ONLY) == earlier - set(EDITIONS[EDITION].by_id())


@pytest.mark.parametrize(("reported", "edition", "confirmation"), [
    # 23:30 BST on Wed 31 Mar 2021 is still the 2015 Code: a written acknowledgement.
    pytest.param("2021-03-31 23:30", "2015", "written_ack_of_crime",
                 id="last-minutes-of-the-2015-code"),
    # 23:30 UTC on 31 Mar 2021 is 00:30 BST on 1 Apr 2021: the 2020 Code, Right 3.
    pytest.param("2021-03-31T23:30:00+00:00", "2020", "written_confirmation_of_crime",
                 id="first-minutes-of-the-2020-code"),
])
def test_the_edition_is_the_one_in_force_on_the_local_date(
        reported: str, edition: str, confirmation: str) -> None:
    events = (crime(THEFT, at=reported), person(ADULT, at=reported))
    as_of = dt.datetime.fromisoformat(instant(reported))
    duties = evaluate_case(events, as_of=as_of, orgs=ORGS).duties
    assert {d.edition for d in duties} == {edition}
    assert confirmation in {d.entitlement for d in duties}
