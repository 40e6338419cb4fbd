"""Legislation test cases for every entitlement of the 2013 Victims' Code.

Each case is a small situation (a feed of journey events on one Kent case), an instant, and
the duty the engine must compute for victim V1 (or business B1): its edition, the provider
that owes it, whether the enhanced deadline applies, the exact due date and the status at that
instant. Every entitlement of `EDITIONS["2013"]` has a case for an enhanced-entitlement victim
and for a standard victim; `test_every_2013_entitlement_has_cases` fails when a rule is added
without a case.

Times are London wall-clock times unless written with an offset. The 2013 Code was in force
from 10 December 2013 to 15 November 2015. Bank holidays of England and Wales that the cases
cross (weekends are skipped too):

- Easter 2014: Good Friday 18 Apr, Easter Monday 21 Apr; early May 5 May 2014;
  spring 26 May 2014; summer 25 Aug 2014;
- Christmas 2014: Christmas Day Thu 25 Dec, Boxing Day Fri 26 Dec, New Year's Day Thu 1 Jan 2015;
- Easter 2015: Good Friday 3 Apr, Easter Monday 6 Apr; spring 25 May 2015.

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

EDITION = "2013"
ORGS = shipped_organisations()
LONDON = ZoneInfo("Europe/London")
CASE_REF = "46/12345/14"

POLICE = "police:kent"
CPS = "cps:south-east"
WCU = "wcu:kent"
PROBATION = "probation:kent-surrey-sussex"
COURT = "court:maidstone-crown-court"
PRISON = "prison:hmp-elmley"

REPORTED = "2014-04-17 10:00"  # Maundy Thursday 2014
ADULT = "1979-03-02"  # 35 on 17 Apr 2014
CHILD = "2000-09-30"  # 13 on 17 Apr 2014: vulnerable, so enhanced
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
            channel: str = "letter", **data: Any) -> JourneyEvent:
    return ev(id, "contact.made", at, victim=victim, provider=provider, channel=channel,
              answers=answers, **data)


def crime(offence: str, at: str = REPORTED, **facts: Any) -> JourneyEvent:
    return ev("crime", "crime.reported", at, offence=offence, channel="call_handling", **facts)


def person(dob: str, at: str = REPORTED) -> JourneyEvent:
    return ev("id-V1", "victim.identified", at, victim="V1", kind="person", date_of_birth=dob)


# ------------------------------------------------------------------ the victims of the cases
def standard(*events: JourneyEvent) -> tuple[JourneyEvent, ...]:
    """An adult victim of theft from the person: no category, standard deadlines."""
    return (crime(THEFT), person(ADULT), *events)


def enhanced(*events: JourneyEvent) -> tuple[JourneyEvent, ...]:
    """A 13-year-old victim of theft from the person: vulnerable (under 18), enhanced."""
    return (crime(THEFT), person(CHILD), *events)


def intimidated(*events: JourneyEvent) -> tuple[JourneyEvent, ...]:
    """An adult theft victim categorised as intimidated when the crime was reported."""
    return (crime(THEFT), person(ADULT),
            ev("cat", "victim.categorised", REPORTED, victim="V1", category="intimidated",
               reason="afraid of reprisals from the suspect, a neighbour",
               confirmed_by="PC 4821 Hale"),
            *events)


def adult_abh(*events: JourneyEvent) -> tuple[JourneyEvent, ...]:
    """An adult victim of ABH: a violent offence (VCS), but a standard victim."""
    return (crime(ABH), person(ADULT), *events)


def child_abh(*events: JourneyEvent) -> tuple[JourneyEvent, ...]:
    """A 13-year-old victim of ABH: enhanced (vulnerable), violent offence, child abuse."""
    return (crime(ABH), person(CHILD), *events)


def sexual(*events: JourneyEvent) -> tuple[JourneyEvent, ...]:
    """An adult complainant of a sexual offence: most serious crime, so enhanced."""
    return (crime("sexual assault", sexual_offence=True), person(ADULT), *events)


def hate_declined(*events: JourneyEvent) -> tuple[JourneyEvent, ...]:
    """An adult victim of racially aggravated criminal damage who declined enhanced service."""
    return (crime("criminal damage", hate=["race"]), person(ADULT),
            ev("decl", "victim.categorised", REPORTED, victim="V1",
               category="most_serious_crime", state="declined",
               reason="the victim asked for the standard service"),
            *events)


def bereaved(*events: JourneyEvent, declined: bool = False) -> tuple[JourneyEvent, ...]:
    """The mother of a murder victim: a bereaved close relative (enhanced unless declined)."""
    out = [crime("murder", death=True),
           ev("id-V1", "victim.identified", REPORTED, victim="V1",
              kind="bereaved_close_relative", relationship="mother")]
    if declined:
        out.append(ev("decl", "victim.categorised", REPORTED, victim="V1",
                      category="bereaved_close_relative", state="declined",
                      reason="the family asked for the standard service"))
    return (*out, *events)


def business(*events: JourneyEvent) -> tuple[JourneyEvent, ...]:
    """A shop that was a victim of shoplifting: a business, never enhanced."""
    return (crime("shoplifting"),
            ev("id-B1", "victim.identified", REPORTED, victim="B1", kind="business",
               name="Canterbury Stores Ltd"),
            *events)


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
    # ============================================================ 1. first contact
    # Untimed ("without unnecessary delay"): open until fulfilled, never late.
    Case("written_info_leaflet", ENH, "open-a-week-on", enhanced(), "2014-04-24 12:00",
         owed(POLICE, True, None, "open")),
    Case("written_info_leaflet", STD, "met-by-letter", standard(
        contact("leaflet", "crime", "2014-05-06 11:00", entitlements=["written_info_leaflet"])),
        "2014-05-07 09:00", owed(POLICE, False, None, "met", "leaflet")),

    # ============================================================ 2. response
    Case("needs_assessment_police", ENH, "met-by-assessment", enhanced(
        ev("na", "needs_assessment.completed", "2014-04-17 11:00", enhanced_eligible=True)),
        "2014-04-18 09:00", owed(POLICE, True, None, "met", "na")),
    Case("needs_assessment_police", STD, "open", standard(), "2014-06-02 09:00",
         owed(POLICE, False, None, "open")),

    # 2 wd of reporting for everyone. Reported Thu 17 Apr 2014: Good Friday 18 Apr, Sat 19,
    # Sun 20 and Easter Monday 21 Apr are skipped: Tue 22 (1), Wed 23 Apr (2).
    Case("referral_to_victim_services", ENH, "met-on-the-last-day", enhanced(
        ev("ref", "referral.made", "2014-04-23 17:00", service="Victim Support")),
        "2014-04-24 09:00", owed(POLICE, True, D(2014, 4, 23), "met", "ref")),
    Case("referral_to_victim_services", STD, "breached-at-midnight", standard(),
         "2014-04-24 00:00", owed(POLICE, False, D(2014, 4, 23), "breached")),
    Case("referral_to_victim_services", STD, "late", standard(
        ev("ref", "referral.made", "2014-04-24 09:00", service="Victim Support")),
        "2014-04-25 09:00", owed(POLICE, False, D(2014, 4, 23), "late", "ref")),
    Case("referral_to_victim_services", STD, "declined", standard(
        ev("no", "referral.declined", "2014-04-17 10:30", victim="V1",
           reason="already supported by a local charity")),
        "2014-04-24 09:00",
        owed(POLICE, False, D(2014, 4, 23), "not_applicable", reason="declined referral")),
    # A victim identified after the report: the clock starts then (Tue 22 Apr 2014):
    # Wed 23 (1), Thu 24 Apr (2).
    Case("referral_to_victim_services", STD, "clock-from-identification",
         (crime(THEFT), person(ADULT, at="2014-04-22 15:00")), "2014-04-23 09:00",
         owed(POLICE, False, D(2014, 4, 24), "open")),

    Case("info_support_services", ENH, "open", enhanced(), "2014-05-01 09:00",
         owed(POLICE, True, None, "open")),
    # A contact answering the report with no `entitlements` list fulfils every contact duty.
    Case("info_support_services", STD, "met-by-contact", standard(
        contact("call", "crime", "2014-04-17 11:00")),
        "2014-04-18 09:00", owed(POLICE, False, None, "met", "call")),

    # ============================================================ 3. investigation
    # Closed Mon 22 Dec 2014. Enhanced 1 wd: Tue 23 Dec. Standard 5 wd: Tue 23 (1), Wed 24 (2),
    # [Thu 25 Christmas Day, Fri 26 Boxing Day, Sat 27, Sun 28], Mon 29 (3), Tue 30 (4),
    # Wed 31 Dec (5).
    Case("decision_not_to_investigate", ENH, "breached", enhanced(
        ev("closed", "investigation.closed", "2014-12-22 15:00",
           reason="decision_not_to_investigate")),
        "2014-12-24 10:00", owed(POLICE, True, D(2014, 12, 23), "breached")),
    Case("decision_not_to_investigate", STD, "open-over-christmas", standard(
        ev("closed", "investigation.closed", "2014-12-22 15:00",
           reason="decision_not_to_investigate")),
        "2014-12-24 10:00", owed(POLICE, False, D(2014, 12, 31), "open")),
    Case("decision_not_to_investigate", STD, "other-closure-no-duty", standard(
        ev("closed", "investigation.closed", "2014-12-22 15:00",
           reason="no_suspect_identified")),
        "2014-12-24 10:00", NO_DUTY),

    Case("update_frequency_agreed", ENH, "met", enhanced(
        ev("rec", "crime.recorded", "2014-04-17 12:00", crime_reference=CASE_REF),
        contact("agreed", "rec", "2014-04-25 10:00", channel="phone")),
        "2014-04-28 09:00", owed(POLICE, True, None, "met", "agreed")),
    Case("update_frequency_agreed", STD, "opted-out", standard(
        ev("rec", "crime.recorded", "2014-04-17 12:00", crime_reference=CASE_REF),
        ev("out", "victim.opted_out", "2014-04-18 09:00", victim="V1",
           entitlements=["update_frequency_agreed"], reason="wants no updates")),
        "2014-05-01 09:00", owed(POLICE, False, None, "not_applicable", reason="opted out")),

    # Arrested Thu 17 Apr 2014 18:00. Enhanced 1 wd: [Good Friday 18, Sat 19, Sun 20, Easter
    # Monday 21] Tue 22 Apr. Standard 5 wd: Tue 22, Wed 23, Thu 24, Fri 25, Mon 28 Apr.
    Case("suspect_arrested", ENH, "met-after-easter", enhanced(
        ev("arrest", "suspect.arrested", "2014-04-17 18:00"),
        contact("told", "arrest", "2014-04-22 16:00", channel="phone")),
        "2014-04-23 09:00", owed(POLICE, True, D(2014, 4, 22), "met", "told")),
    Case("suspect_arrested", STD, "late", standard(
        ev("arrest", "suspect.arrested", "2014-04-17 18:00"),
        contact("told", "arrest", "2014-04-29 10:00")),
        "2014-04-30 09:00", owed(POLICE, False, D(2014, 4, 28), "late", "told")),
    Case("suspect_arrested", STD, "opted-out-of-all-updates", standard(
        ev("out", "victim.opted_out", "2014-04-17 12:00", victim="V1", entitlements=["all"]),
        ev("arrest", "suspect.arrested", "2014-04-17 18:00")),
        "2014-04-30 09:00",
        owed(POLICE, False, D(2014, 4, 28), "not_applicable", reason="opted out")),

    # Interviewed Fri 2 May 2014. Enhanced: [Sat 3, Sun 4, early May bank holiday Mon 5]
    # Tue 6 May. Standard: Tue 6, Wed 7, Thu 8, Fri 9, Mon 12 May.
    Case("suspect_interviewed_under_caution", ENH, "open", enhanced(
        ev("int", "suspect.interviewed", "2014-05-02 11:00")),
        "2014-05-06 09:00", owed(POLICE, True, D(2014, 5, 6), "open")),
    Case("suspect_interviewed_under_caution", STD, "breached", standard(
        ev("int", "suspect.interviewed", "2014-05-02 11:00")),
        "2014-05-13 09:00", owed(POLICE, False, D(2014, 5, 12), "breached")),

    # Released without charge Wed 24 Dec 2014 16:00. Enhanced: [Christmas Day Thu 25, Boxing
    # Day Fri 26, Sat 27, Sun 28] Mon 29 Dec. Standard: Mon 29 (1), Tue 30 (2), Wed 31 (3),
    # [New Year's Day Thu 1 Jan], Fri 2 (4), Mon 5 Jan 2015 (5).
    Case("suspect_released_without_charge", ENH, "late", enhanced(
        ev("nfa", "suspect.released_no_further_action", "2014-12-24 16:00",
           reason="insufficient evidence"),
        contact("told", "nfa", "2014-12-30 10:00")),
        "2014-12-31 09:00", owed(POLICE, True, D(2014, 12, 29), "late", "told")),
    Case("suspect_released_without_charge", STD, "open", standard(
        ev("nfa", "suspect.released_no_further_action", "2014-12-24 16:00",
           reason="insufficient evidence")),
        "2015-01-02 09:00", owed(POLICE, False, D(2015, 1, 5), "open")),

    # Bailed Fri 23 May 2014 20:00. Enhanced: [Sat 24, Sun 25, spring bank holiday Mon 26]
    # Tue 27 May. Standard: Tue 27, Wed 28, Thu 29, Fri 30 May, Mon 2 Jun.
    Case("suspect_bailed_or_rui", ENH, "open", enhanced(
        ev("bail", "suspect.bailed", "2014-05-23 20:00", conditions=["not to contact V1"])),
        "2014-05-27 08:00", owed(POLICE, True, D(2014, 5, 27), "open")),
    Case("suspect_bailed_or_rui", STD, "bail-varied-met", standard(
        ev("var", "suspect.bail_changed", "2014-05-23 20:00", change="varied"),
        contact("told", "var", "2014-05-30 10:00", channel="email")),
        "2014-06-03 09:00", owed(POLICE, False, D(2014, 6, 2), "met", "told")),
    # Release under investigation is a 2020 trigger; the 2013 Code has no duty for it.
    Case("suspect_bailed_or_rui", STD, "rui-no-duty-in-2013", standard(
        ev("rui", "suspect.released_under_investigation", "2014-05-23 20:00")),
        "2014-06-03 09:00", NO_DUTY),

    # Offered when the witness statement is taken; due "before sentence".
    Case("vps_offer", ENH, "met-no-sentence-yet", enhanced(
        ev("ws", "witness_statement.taken", "2014-04-17 14:00", victim="V1"),
        ev("vps", "vps.offered", "2014-04-17 14:30", victim="V1")),
        "2014-05-01 09:00", owed(POLICE, True, None, "met", "vps")),
    Case("vps_offer", STD, "breached-at-sentence", standard(
        ev("ws", "witness_statement.taken", "2014-04-17 14:00", victim="V1"),
        ev("sent", "sentence.passed", "2014-08-22 12:00", provider=COURT,
           disposal="community order")),
        "2014-08-22 13:00", owed(POLICE, False, D(2014, 8, 22), "breached")),
    Case("vps_offer", STD, "late-after-sentence", standard(
        ev("ws", "witness_statement.taken", "2014-04-17 14:00", victim="V1"),
        ev("sent", "sentence.passed", "2014-08-22 12:00", provider=COURT,
           disposal="community order"),
        ev("vps", "vps.offered", "2014-09-01 10:00", victim="V1")),
        "2014-09-02 09:00", owed(POLICE, False, D(2014, 8, 22), "late", "vps")),

    # Bereaved close relatives are enhanced unless they decline (the 2013/15 default).
    Case("family_liaison_officer", ENH, "met", bereaved(
        ev("flo", "family_liaison.assigned", "2014-04-17 11:30", victim="V1",
           officer="DC 2207 Price")),
        "2014-04-18 09:00", owed(POLICE, True, None, "met", "flo")),
    Case("family_liaison_officer", STD, "declined-enhanced-open", bereaved(declined=True),
         "2014-04-18 09:00", owed(POLICE, False, None, "open")),
    Case("family_liaison_officer", STD, "not-bereaved-no-duty", standard(),
         "2014-04-18 09:00", NO_DUTY),

    # ============================================================ 4. charge and pre-trial
    # Charged Tue 23 Dec 2014. Enhanced: Wed 24 Dec. Standard: Wed 24 (1), [Christmas Day
    # Thu 25, Boxing Day Fri 26, Sat 27, Sun 28], Mon 29 (2), Tue 30 (3), Wed 31 (4),
    # [New Year's Day Thu 1 Jan], Fri 2 Jan 2015 (5).
    Case("suspect_charged", ENH, "open", enhanced(
        ev("chg", "suspect.charged", "2014-12-23 14:00", charges=["theft"])),
        "2014-12-24 12:00", owed(POLICE, True, D(2014, 12, 24), "open")),
    Case("suspect_charged", STD, "met-a-minute-before-midnight", standard(
        ev("chg", "suspect.charged", "2014-12-23 14:00", charges=["theft"]),
        contact("told", "chg", "2015-01-02 23:59", channel="email")),
        "2015-01-05 09:00", owed(POLICE, False, D(2015, 1, 2), "met", "told")),

    # Disposal given Fri 22 Aug 2014. Enhanced: [Sat 23, Sun 24, summer bank holiday Mon 25]
    # Tue 26 Aug. Standard: Tue 26, Wed 27, Thu 28, Fri 29 Aug, Mon 1 Sep.
    Case("out_of_court_disposal_outcome", ENH, "open", enhanced(
        ev("ooc", "ooc_disposal.issued", "2014-08-22 11:00", disposal="youth_caution")),
        "2014-08-26 09:00", owed(POLICE, True, D(2014, 8, 26), "open")),
    Case("out_of_court_disposal_outcome", STD, "breached", standard(
        ev("ooc", "ooc_disposal.issued", "2014-08-22 11:00", disposal="caution")),
        "2014-09-02 09:00", owed(POLICE, False, D(2014, 9, 1), "breached")),

    # Before the decision: due the local date of the ooc_disposal.issued (Fri 22 Aug 2014).
    Case("out_of_court_disposal_views", ENH, "open-no-decision-yet", enhanced(
        ev("prop", "ooc_disposal.proposed", "2014-08-18 10:00", disposal="youth_caution")),
        "2014-08-20 09:00", owed(POLICE, True, None, "open")),
    Case("out_of_court_disposal_views", STD, "met-before-decision", standard(
        ev("prop", "ooc_disposal.proposed", "2014-08-18 10:00", disposal="caution"),
        ev("views", "ooc_disposal.victim_views_recorded", "2014-08-20 15:00", victim="V1",
           views="content with a caution"),
        ev("ooc", "ooc_disposal.issued", "2014-08-22 11:00", disposal="caution")),
        "2014-08-22 12:00", owed(POLICE, False, D(2014, 8, 22), "met", "views")),
    Case("out_of_court_disposal_views", STD, "breached-by-decision", standard(
        ev("prop", "ooc_disposal.proposed", "2014-08-18 10:00", disposal="caution"),
        ev("ooc", "ooc_disposal.issued", "2014-08-22 11:00", disposal="caution")),
        "2014-08-22 12:00", owed(POLICE, False, D(2014, 8, 22), "breached")),

    # CPS decides not to prosecute Wed 31 Dec 2014. Enhanced: [New Year's Day Thu 1 Jan]
    # Fri 2 Jan 2015. Standard: Fri 2 (1), Mon 5 (2), Tue 6 (3), Wed 7 (4), Thu 8 Jan (5).
    Case("cps_decision_not_to_charge", ENH, "open", enhanced(
        ev("dec", "cps.decision", "2014-12-31 16:00", provider=CPS,
           decision="no_further_action")),
        "2015-01-02 09:00", owed(CPS, True, D(2015, 1, 2), "open")),
    # Recorded by the police: the duty is still the CPS area's (Kent is in CPS South East).
    Case("cps_decision_not_to_charge", STD, "recorded-by-police-breached", standard(
        ev("dec", "cps.decision", "2014-12-31 16:00", decision="no_further_action")),
        "2015-01-09 09:00", owed(CPS, False, D(2015, 1, 8), "breached")),
    Case("cps_decision_not_to_charge", STD, "charge-no-duty", standard(
        ev("dec", "cps.decision", "2014-12-31 16:00", provider=CPS, decision="charge")),
        "2015-01-09 09:00", NO_DUTY),

    # Decision Thu 2 Apr 2015. Enhanced: [Good Friday 3 Apr, Sat 4, Sun 5, Easter Monday 6]
    # Tue 7 Apr. Standard: Tue 7, Wed 8, Thu 9, Fri 10, Mon 13 Apr.
    Case("cps_discontinue_or_alter_charge", ENH, "offer-no-evidence-met", enhanced(
        ev("dec", "cps.decision", "2015-04-02 12:00", provider=CPS,
           decision="offer_no_evidence"),
        contact("vcl", "dec", "2015-04-07 15:00", provider=CPS)),
        "2015-04-08 09:00", owed(CPS, True, D(2015, 4, 7), "met", "vcl")),
    Case("cps_discontinue_or_alter_charge", STD, "alter-charge-open", standard(
        ev("dec", "cps.decision", "2015-04-02 12:00", provider=CPS, decision="alter_charge")),
        "2015-04-08 09:00", owed(CPS, False, D(2015, 4, 13), "open")),

    # Meetings only in specified cases (death, sexual offence, hate crime, child abuse).
    Case("cps_meeting_on_decision", ENH, "sexual-offence-open", sexual(
        ev("dec", "cps.decision", "2015-04-02 12:00", provider=CPS, decision="discontinue")),
        "2015-04-08 09:00", owed(CPS, True, None, "open")),
    Case("cps_meeting_on_decision", STD, "hate-crime-met", hate_declined(
        ev("dec", "cps.decision", "2015-04-02 12:00", provider=CPS, decision="discontinue"),
        ev("meet", "meeting.offered", "2015-04-09 10:00", victim="V1", provider=CPS,
           decision="dec")),
        "2015-04-10 09:00", owed(CPS, False, None, "met", "meet")),
    Case("cps_meeting_on_decision", STD, "theft-not-specified", standard(
        ev("dec", "cps.decision", "2015-04-02 12:00", provider=CPS, decision="discontinue")),
        "2015-04-10 09:00",
        owed(CPS, False, None, "not_applicable", reason="owed only in cases of")),

    # CPS Victims' Right to Review (from 5 June 2013): timescale not stated.
    Case("cps_vrr", ENH, "met-by-decision", enhanced(
        ev("dec", "cps.decision", "2014-12-31 16:00", provider=CPS,
           decision="no_further_action"),
        ev("rtr", "right_to_review.requested", "2015-01-12 10:00", victim="V1", provider=CPS,
           scheme="cps", decision="dec"),
        ev("done", "right_to_review.decided", "2015-02-20 10:00", victim="V1", provider=CPS,
           request="rtr", outcome="upheld")),
        "2015-02-23 09:00", owed(CPS, True, None, "met", "done")),
    Case("cps_vrr", STD, "open", standard(
        ev("rtr", "right_to_review.requested", "2015-01-12 10:00", victim="V1", provider=CPS,
           scheme="cps")),
        "2015-02-23 09:00", owed(CPS, False, None, "open")),
    Case("cps_vrr", STD, "police-scheme-no-duty", standard(
        ev("rtr", "right_to_review.requested", "2015-01-12 10:00", victim="V1",
           scheme="police")),
        "2015-02-23 09:00", NO_DUTY),

    # ============================================================ 5. trial
    Case("wcu_needs_assessment", ENH, "met", enhanced(
        ev("req", "witness.required", "2015-05-11 10:00", victim="V1", provider=CPS),
        ev("wna", "wcu.needs_assessment.completed", "2015-05-13 14:00", victim="V1",
           provider=WCU)),
        "2015-05-14 09:00", owed(WCU, True, None, "met", "wna")),
    Case("wcu_needs_assessment", STD, "open", standard(
        ev("req", "witness.required", "2015-05-11 10:00", victim="V1", provider=CPS)),
        "2015-05-14 09:00", owed(WCU, False, None, "open")),

    # Listed Tue 23 Dec 2014, received by the WCU Wed 24 Dec: the clock runs from receipt.
    # Enhanced 1 wd: [Christmas Day Thu 25, Boxing Day Fri 26, Sat 27, Sun 28] Mon 29 Dec.
    # Standard 5 wd: Mon 29 (1), Tue 30 (2), Wed 31 (3), [New Year's Day Thu 1 Jan],
    # Fri 2 (4), Mon 5 Jan 2015 (5).
    Case("wcu_hearing_date", ENH, "met-from-receipt", enhanced(
        ev("hl", "hearing.listed", "2014-12-23 15:00", received="2014-12-24 09:00",
           provider=COURT, hearing_at=instant("2015-02-02 10:00"), kind="trial"),
        contact("told", "hl", "2014-12-29 10:00", provider=WCU, channel="phone")),
        "2014-12-30 09:00", owed(WCU, True, D(2014, 12, 29), "met", "told")),
    Case("wcu_hearing_date", STD, "breached", standard(
        ev("hl", "hearing.listed", "2014-12-23 15:00", received="2014-12-24 09:00",
           provider=COURT, kind="trial")),
        "2015-01-06 09:00", owed(WCU, False, D(2015, 1, 5), "breached")),
    # Trial date set Fri 9 Jan 2015: Mon 12, Tue 13, Wed 14, Thu 15, Fri 16 Jan.
    Case("wcu_hearing_date", STD, "trial-date-set-open", standard(
        ev("tds", "trial.date_set", "2015-01-09 16:00", provider=COURT,
           trial_date="2015-06-01", court=COURT)),
        "2015-01-12 09:00", owed(WCU, False, D(2015, 1, 16), "open")),

    # Bail decided Fri 19 Dec 2014, received Mon 22 Dec. Enhanced: Tue 23 Dec. Standard:
    # Tue 23 (1), Wed 24 (2), [Christmas Day Thu 25, Boxing Day Fri 26, Sat 27, Sun 28],
    # Mon 29 (3), Tue 30 (4), Wed 31 Dec (5).
    Case("wcu_bail_and_warrant_outcomes", ENH, "bail-open", enhanced(
        ev("bail", "court.bail_decided", "2014-12-19 16:00", received="2014-12-22 09:00",
           provider=COURT, conditions=["curfew"])),
        "2014-12-22 12:00", owed(WCU, True, D(2014, 12, 23), "open")),
    Case("wcu_bail_and_warrant_outcomes", STD, "warrant-breached", standard(
        ev("war", "warrant.issued", "2014-12-19 16:00", received="2014-12-22 09:00",
           provider=COURT)),
        "2015-01-01 12:00", owed(WCU, False, D(2014, 12, 31), "breached")),

    # Decided Thu 21 May 2015, received Fri 22 May. Enhanced: [Sat 23, Sun 24, spring bank
    # holiday Mon 25] Tue 26 May. Standard (not owed: not vulnerable or intimidated): Tue 26,
    # Wed 27, Thu 28, Fri 29 May, Mon 1 Jun.
    Case("special_measures", ENH, "intimidated-met", intimidated(
        ev("sm", "special_measures.decided", "2015-05-21 15:00", received="2015-05-22 10:00",
           provider=COURT, granted=True, measures=["screens"]),
        contact("told", "sm", "2015-05-26 17:00", provider=WCU)),
        "2015-05-27 09:00", owed(WCU, True, D(2015, 5, 26), "met", "told")),
    Case("special_measures", STD, "not-eligible", standard(
        ev("sm", "special_measures.decided", "2015-05-21 15:00", received="2015-05-22 10:00",
           provider=COURT, granted=False)),
        "2015-05-27 09:00",
        owed(WCU, False, D(2015, 6, 1), "not_applicable",
             reason="owed only to a victim who is vulnerable or intimidated")),
    Case("special_measures", ENH, "sexual-offence-complainant-eligible", sexual(
        ev("sm", "special_measures.decided", "2015-05-21 15:00", received="2015-05-22 10:00",
           provider=COURT, granted=True, measures=["live link"])),
        "2015-05-22 12:00", owed(WCU, True, D(2015, 5, 26), "open")),

    # Before the trial: due the trial's local date (Mon 1 Jun 2015).
    Case("pre_trial_court_visit", ENH, "met-before-trial", enhanced(
        ev("req", "witness.required", "2015-05-11 10:00", victim="V1", provider=CPS),
        ev("visit", "court_visit.offered", "2015-05-12 11:00", victim="V1", provider=WCU),
        ev("trial", "trial.started", "2015-06-01 10:00", provider=COURT)),
        "2015-06-01 12:00", owed(WCU, True, D(2015, 6, 1), "met", "visit")),
    Case("pre_trial_court_visit", STD, "breached-by-trial", standard(
        ev("req", "witness.required", "2015-05-11 10:00", victim="V1", provider=CPS),
        ev("trial", "trial.started", "2015-06-01 10:00", provider=COURT)),
        "2015-06-01 12:00", owed(WCU, False, D(2015, 6, 1), "breached")),
    Case("pre_trial_court_visit", STD, "open-before-trial", standard(
        ev("req", "witness.required", "2015-05-11 10:00", victim="V1", provider=CPS)),
        "2015-05-20 09:00", owed(WCU, False, None, "open")),

    # Verdict Thu 4 Jun 2015, received Fri 5 Jun: 1 wd for everyone [Sat 6, Sun 7] Mon 8 Jun.
    Case("wcu_verdict", ENH, "open", enhanced(
        ev("ver", "verdict.given", "2015-06-04 15:00", received="2015-06-05 09:00",
           provider=COURT, verdict="guilty")),
        "2015-06-05 12:00", owed(WCU, True, D(2015, 6, 8), "open")),
    Case("wcu_verdict", STD, "met", standard(
        ev("ver", "verdict.given", "2015-06-04 15:00", received="2015-06-05 09:00",
           provider=COURT, verdict="not_guilty"),
        contact("told", "ver", "2015-06-08 11:00", provider=WCU, channel="phone")),
        "2015-06-09 09:00", owed(WCU, False, D(2015, 6, 8), "met", "told")),

    # Sentence Fri 22 Aug 2014, received the same day: [Sat 23, Sun 24, summer bank holiday
    # Mon 25] Tue 26 Aug.
    Case("wcu_sentence", ENH, "breached", enhanced(
        ev("sent", "sentence.passed", "2014-08-22 12:00", received="2014-08-22 16:00",
           provider=COURT, disposal="youth rehabilitation order")),
        "2014-08-27 09:00", owed(WCU, True, D(2014, 8, 26), "breached")),
    Case("wcu_sentence", STD, "open", standard(
        ev("sent", "sentence.passed", "2014-08-22 12:00", received="2014-08-22 16:00",
           provider=COURT, disposal="community order")),
        "2014-08-26 09:00", owed(WCU, False, D(2014, 8, 26), "open")),

    # Appeal lodged Thu 18 Sep 2014, received Fri 19 Sep: [Sat 20, Sun 21] Mon 22 Sep.
    Case("wcu_appeal", ENH, "lodged-open", enhanced(
        ev("app", "appeal.lodged", "2014-09-18 14:00", received="2014-09-19 11:00",
           provider=COURT)),
        "2014-09-19 12:00", owed(WCU, True, D(2014, 9, 22), "open")),
    # Appeal hearing listed Tue 23 Dec 2014, received Wed 24 Dec: [Christmas Day Thu 25,
    # Boxing Day Fri 26, Sat 27, Sun 28] Mon 29 Dec.
    Case("wcu_appeal", STD, "hearing-listed-met", standard(
        ev("apl", "appeal.hearing_listed", "2014-12-23 12:00", received="2014-12-24 10:00",
           provider=COURT, hearing_at=instant("2015-02-16 10:30")),
        contact("told", "apl", "2014-12-29 09:30", provider=WCU)),
        "2014-12-30 09:00", owed(WCU, False, D(2014, 12, 29), "met", "told")),

    # ============================================================ 6. post-trial
    # Sentenced Fri 22 Aug 2014 to 18 months for ABH. 20 wd from sentence: [summer bank
    # holiday Mon 25 Aug] Tue 26 (1) ... Fri 29 (4), Mon 1 Sep (5) ... Fri 19 (19),
    # Mon 22 Sep (20).
    Case("vcs_referral", ENH, "met", child_abh(
        ev("sent", "sentence.passed", "2014-08-22 12:00", provider=COURT,
           disposal="detention and training order", custodial_months=18),
        ev("vcs", "vcs.referred", "2014-09-01 10:00", victim="V1", provider=WCU)),
        "2014-09-02 09:00", owed(WCU, True, D(2014, 9, 22), "met", "vcs")),
    Case("vcs_referral", STD, "breached", adult_abh(
        ev("sent", "sentence.passed", "2014-08-22 12:00", provider=COURT,
           disposal="imprisonment", custodial_months=18)),
        "2014-09-23 09:00", owed(WCU, False, D(2014, 9, 22), "breached")),
    Case("vcs_referral", STD, "hospital-order-open", adult_abh(
        ev("sent", "sentence.passed", "2014-08-22 12:00", provider=COURT,
           disposal="hospital order", hospital_order=True)),
        "2014-09-01 09:00", owed(WCU, False, D(2014, 9, 22), "open")),
    Case("vcs_referral", STD, "not-violent-or-sexual", standard(
        ev("sent", "sentence.passed", "2014-08-22 12:00", provider=COURT,
           disposal="imprisonment", custodial_months=18)),
        "2014-09-01 09:00",
        owed(WCU, False, D(2014, 9, 22), "not_applicable", reason="violent or sexual")),
    Case("vcs_referral", STD, "under-12-months-no-duty", adult_abh(
        ev("sent", "sentence.passed", "2014-08-22 12:00", provider=COURT,
           disposal="imprisonment", custodial_months=6)),
        "2014-09-01 09:00", NO_DUTY),

    # 40 wd from the sentence of Fri 22 Aug 2014: Mon 22 Sep is the 20th (above), then
    # Tue 23 Sep (21) ... Fri 17 Oct (39), Mon 20 Oct (40).
    Case("vcs_initial_contact", ENH, "late", child_abh(
        ev("sent", "sentence.passed", "2014-08-22 12:00", provider=COURT,
           disposal="detention and training order", custodial_months=18),
        ev("vlo", "vcs.offered", "2014-10-21 10:00", victim="V1", provider=PROBATION)),
        "2014-10-22 09:00", owed(PROBATION, True, D(2014, 10, 20), "late", "vlo")),
    Case("vcs_initial_contact", STD, "open", adult_abh(
        ev("sent", "sentence.passed", "2014-08-22 12:00", provider=COURT,
           disposal="imprisonment", custodial_months=18)),
        "2014-10-01 09:00", owed(PROBATION, False, D(2014, 10, 20), "open")),

    # Key stages: only for victims who joined the VCS (opted in Mon 6 Oct 2014).
    Case("vcs_key_stages", ENH, "release-open", child_abh(
        ev("in", "vcs.opted_in", "2014-10-06 10:00", victim="V1", provider=PROBATION),
        ev("rel", "offender.released", "2015-05-22 09:00", provider=PRISON)),
        "2015-05-22 12:00", owed(PROBATION, True, None, "open")),
    Case("vcs_key_stages", STD, "licence-conditions-met", adult_abh(
        ev("in", "vcs.opted_in", "2014-10-06 10:00", victim="V1", provider=PROBATION),
        ev("lic", "licence.conditions_set", "2015-04-30 15:00", provider=PROBATION,
           conditions=["no contact with V1"]),
        contact("vlo", "lic", "2015-05-01 10:00", provider=PROBATION)),
        "2015-05-05 09:00", owed(PROBATION, False, None, "met", "vlo")),
    Case("vcs_key_stages", STD, "not-in-the-scheme", adult_abh(
        ev("rel", "offender.released", "2015-05-22 09:00", provider=PRISON)),
        "2015-05-22 12:00",
        owed(PROBATION, False, None, "not_applicable",
             reason="had not joined the Victim Contact Scheme")),

    # Before the release decision: due the local date of licence.conditions_set or
    # offender.released, whichever comes first.
    Case("vcs_licence_representations", ENH, "met-before-conditions", child_abh(
        ev("in", "vcs.opted_in", "2014-10-06 10:00", victim="V1", provider=PROBATION),
        ev("ruc", "release.under_consideration", "2015-04-13 10:00", provider=PROBATION),
        ev("inv", "licence.representations_invited", "2015-04-14 10:00", victim="V1",
           provider=PROBATION),
        ev("lic", "licence.conditions_set", "2015-04-30 15:00", provider=PROBATION)),
        "2015-05-01 09:00", owed(PROBATION, True, D(2015, 4, 30), "met", "inv")),
    Case("vcs_licence_representations", STD, "breached-by-release", adult_abh(
        ev("in", "vcs.opted_in", "2014-10-06 10:00", victim="V1", provider=PROBATION),
        ev("ruc", "release.under_consideration", "2015-04-13 10:00", provider=PROBATION),
        ev("rel", "offender.released", "2015-05-22 09:00", provider=PRISON)),
        "2015-05-22 12:00", owed(PROBATION, False, D(2015, 5, 22), "breached")),
    Case("vcs_licence_representations", STD, "open-no-decision", adult_abh(
        ev("in", "vcs.opted_in", "2014-10-06 10:00", victim="V1", provider=PROBATION),
        ev("ruc", "release.under_consideration", "2015-04-13 10:00", provider=PROBATION)),
        "2015-04-20 09:00", owed(PROBATION, False, None, "open")),

    Case("release_notification", ENH, "open", child_abh(
        ev("in", "vcs.opted_in", "2014-10-06 10:00", victim="V1", provider=PROBATION)),
        "2014-10-20 09:00", owed(PROBATION, True, None, "open")),
    Case("release_notification", STD, "opted-out-of-vcs", adult_abh(
        ev("in", "vcs.opted_in", "2014-10-06 10:00", victim="V1", provider=PROBATION),
        ev("outvcs", "vcs.opted_out", "2014-10-08 10:00", victim="V1", provider=PROBATION)),
        "2014-10-20 09:00",
        owed(PROBATION, False, None, "not_applicable",
             reason="opted out of the Victim Contact Scheme")),

    # ============================================================ 7. restorative justice
    Case("rj_information", ENH, "met", enhanced(
        ev("rj", "rj.information_given", "2014-04-22 10:00", victim="V1")),
        "2014-04-23 09:00", owed(POLICE, True, None, "met", "rj")),
    Case("rj_information", STD, "open", standard(), "2014-04-23 09:00",
         owed(POLICE, False, None, "open")),

    # ============================================================ 8. compensation, complaints
    Case("cics_information", ENH, "open", enhanced(), "2014-04-23 09:00",
         owed(POLICE, True, None, "open")),
    Case("cics_information", STD, "met", standard(
        ev("cics", "cics.information_given", "2014-04-24 10:00", victim="V1")),
        "2014-04-25 09:00", owed(POLICE, False, None, "met", "cics")),

    # The victim's own time limit: shown, never tracked as a duty.
    Case("cics_application_time_limit", ENH, "no-duty", enhanced(), "2014-04-23 09:00",
         NO_DUTY),
    Case("cics_application_time_limit", STD, "no-duty", standard(), "2014-04-23 09:00",
         NO_DUTY),

    # Complaint received Wed 24 Dec 2014: 10 wd, [Christmas Day Thu 25, Boxing Day Fri 26,
    # Sat 27, Sun 28] Mon 29 (1), Tue 30 (2), Wed 31 (3), [New Year's Day Thu 1 Jan],
    # Fri 2 (4), Mon 5 (5), Tue 6 (6), Wed 7 (7), Thu 8 (8), Fri 9 (9), Mon 12 Jan 2015 (10).
    Case("complaint_response", ENH, "met", enhanced(
        ev("cmp", "complaint.received", "2014-12-24 10:00", victim="V1",
           entitlement="suspect_released_without_charge"),
        ev("ack", "complaint.responded", "2015-01-12 15:00", victim="V1", complaint="cmp",
           kind="acknowledgement")),
        "2015-01-13 09:00", owed(POLICE, True, D(2015, 1, 12), "met", "ack")),
    # Received by the CPS about the Witness Care Unit: the WCU owes the response.
    Case("complaint_response", STD, "about-the-wcu-late", standard(
        ev("cmp", "complaint.received", "2014-12-24 10:00", victim="V1", provider=CPS,
           about=WCU, entitlement="wcu_hearing_date"),
        ev("resp", "complaint.responded", "2015-01-13 10:00", victim="V1", provider=WCU,
           complaint="cmp", kind="full_response")),
        "2015-01-14 09:00", owed(WCU, False, D(2015, 1, 12), "late", "resp")),
    Case("complaint_response", STD, "business-open", business(
        ev("cmp", "complaint.received", "2014-12-24 10:00", victim="B1")),
        "2015-01-05 09:00", owed(POLICE, False, D(2015, 1, 12), "open"), victim="B1"),

    # Impact Statement for Business, "with the witness statement": due the same day
    # (Thu 17 Apr 2014). Businesses only; a business is never enhanced.
    Case("business_isb", STD, "business-met-same-day", business(
        ev("ws", "witness_statement.taken", "2014-04-17 14:00", victim="B1"),
        ev("isb", "vps.offered", "2014-04-17 14:30", victim="B1")),
        "2014-04-18 09:00", owed(POLICE, False, D(2014, 4, 17), "met", "isb"), victim="B1"),
    Case("business_isb", STD, "business-breached-next-day", business(
        ev("ws", "witness_statement.taken", "2014-04-17 14:00", victim="B1")),
        "2014-04-18 00:00", owed(POLICE, False, D(2014, 4, 17), "breached"), victim="B1"),
    Case("business_isb", ENH, "person-not-eligible", enhanced(
        ev("ws", "witness_statement.taken", "2014-04-17 14:00", victim="V1")),
        "2014-04-18 09:00",
        owed(POLICE, True, D(2014, 4, 17), "not_applicable", reason="not owed to a person")),
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
def test_2013_entitlement(case: Case) -> None:
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


def test_every_2013_entitlement_has_cases() -> None:
    rules = EDITIONS[EDITION].entitlements
    assert {c.entitlement for c in CASES} == {r.id for r in rules}
    for rule in rules:
        mine = [c for c in CASES if c.entitlement == rule.id]
        assert {c.profile for c in mine} >= {ENH, STD}, rule.id
        if not rule.duty:
            assert all(c.expect is None for c in mine), rule.id


def test_the_2013_tables_show_every_status() -> None:
    shown = {c.expect.status for c in CASES if c.expect is not None and not c.xfail}
    assert shown == {"open", "met", "late", "breached", "not_applicable"}


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


# Entitlements that later editions added: a 2014 case has none of them.
LATER_ONLY = ("written_ack_of_crime", "written_confirmation_of_crime", "vrr_information_police",
              "police_vrr_acknowledgement", "police_vrr", "specialist_support_referral",
              "interpretation_translation", "unwanted_contact_from_offender",
              "wcu_required_to_give_evidence", "prosecutor_meets_witness",
              "cps_bereaved_meetings_sentence", "cps_expenses", "interview_support_right2")


def test_later_entitlements_are_not_owed_under_the_2013_code() -> None:
    events = (
        *bereaved(),
        ev("id-V2", "victim.identified", REPORTED, victim="V2", kind="person",
           date_of_birth=ADULT),
        ev("na", "needs_assessment.completed", "2014-04-17 11:00",
           specialist_support_needed=True),
        ev("ws", "witness_statement.taken", "2014-04-17 14:00"),
        ev("nfa", "suspect.released_no_further_action", "2014-05-02 11:00"),
        ev("rtr", "right_to_review.requested", "2014-05-06 10:00", victim="V2",
           scheme="police"),
        ev("int", "interpretation.requested", "2014-05-06 11:00", victim="V2", language="pl"),
        ev("req", "witness.required", "2014-09-01 10:00", provider=CPS),
        ev("trial", "trial.started", "2014-10-06 10:00", provider=COURT),
        ev("exp", "expenses.claimed", "2014-10-06 17:00", victim="V2", provider=CPS),
        ev("ver", "verdict.given", "2014-10-08 15:00", provider=COURT, verdict="guilty"),
        ev("unw", "unwanted_contact.reported", "2015-06-01 10:00", victim="V2",
           provider=PROBATION),
    )
    as_of = dt.datetime.fromisoformat(instant("2015-06-02 09:00"))
    duties = evaluate_case(events, as_of=as_of, orgs=ORGS).duties
    assert {d.edition for d in duties} == {EDITION}
    assert not {d.entitlement for d in duties} & set(LATER_ONLY)
    later = set(EDITIONS["2015"].by_id()) | set(EDITIONS["2020"].by_id())
    assert set(LATER_ONLY) == later - set(EDITIONS[EDITION].by_id())


@pytest.mark.parametrize(("reported", "edition"), [
    pytest.param("2013-12-10 00:05", "2013", id="first-day-of-the-2013-code"),
    # 23:30 UTC on Sun 15 Nov 2015 is 23:30 GMT, still the last day of the 2013 Code.
    pytest.param("2015-11-15T23:30:00+00:00", "2013", id="last-minutes-of-the-2013-code"),
    pytest.param("2015-11-16 00:05", "2015", id="first-day-of-the-2015-code"),
])
def test_the_edition_is_the_one_in_force_on_the_local_date(reported: str, edition: str) -> None:
    events = (crime(THEFT, at=reported), person(ADULT, at=reported))
    as_of = dt.datetime.fromisoformat(instant(reported))
    duties = evaluate_case(events, as_of=as_of, orgs=ORGS).duties
    referral = [d for d in duties if d.entitlement == "referral_to_victim_services"]
    assert [d.edition for d in referral] == [edition]
