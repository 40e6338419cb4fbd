"""A case feed equivalent to the samples behind the seed report's figures (findings.md).

Every figure of findings.md is rebuilt here as journey events (and, for the findings that are
an inspector's judgement, as judgement records), all in 2014, so that the metrics, and the
report for 2014, must reproduce each numerator and denominator exactly. Each block also has
controls that a wrong definition would count (a disposal without a victim, views recorded
after the disposal, an adult's video interview, a non-custodial sentence, ...).

Figures given only as a percentage are rebuilt on the smallest count that rounds to it
(78% of 119 is 93; 61% of 119 is 73; 67.5% is 27 of 40; 89.6% is 43 of 48; 77.5% and 19.8%
are 86 and 22 of 111; 5.0%, 21.7% and 73.3% are 3, 13 and 44 of 60).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from victimjourney.core.clock import LONDON
from victimjourney.core.workingdays import add_working_days
from victimjourney.organisations.reference import TERRITORIAL_FORCES, shipped_organisations

ORGS = shipped_organisations()
START = dt.datetime(2014, 1, 6, 9, 0, tzinfo=LONDON)  # a Monday

# Expected (numerator, denominator) and parts, by finding id.
EXPECTED: dict[str, tuple[int, int]] = {
    "recorded_via_recording_centre": (783, 799),
    "recorded_via_call_handling": (4922, 6081),
    "recorded_via_other_systems": (500, 912),
    "no_crime_incorrect": (664, 3246),
    "no_crime_victim_told": (2219, 3062),
    "initial_response_good": (93, 119),
    "assessment_help_good": (73, 119),
    "caution_views_considered": (411, 687),
    "pnd_views_considered": (187, 550),
    "community_resolution_no_consultation": (196, 907),
    "oocd_views_considered": (1309, 2144),
    "frti_charge_decision_communicated": (12, 72),
    "frti_notifications_standard": (3, 60),
    "frti_plea_consultation": (11, 18),
    "frti_discontinuance_consultation": (7, 11),
    "frti_decision_letter_timely": (6, 22),
    "right_to_review_notified": (86, 111),
    "vi_letter_within_one_day": (13, 29),
    "bereaved_meeting_offered": (9, 20),
    "special_measures_timely": (27, 40),
    "witness_attendance_secured": (43, 48),
    "dhc_contact_within_one_day": (29, 50),
    "child_video_consent_sought": (1, 6),
    "reoffending_assessment_prompt": (3, 12),
}
EXPECTED_PARTS: dict[str, dict[str, int]] = {
    "frti_notifications_standard": {"fully": 3, "partially": 13, "not_met": 44},
    "vi_letter_within_one_day": {"met": 13, "late": 8, "breached": 8},
    "right_to_review_notified": {"notified": 86, "undeterminable": 22, "not_notified": 3},
    "community_resolution_no_consultation": {"yes": 711, "no": 196},
}


def local(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def working(at: dt.datetime, days: int, hour: int = 10) -> dt.datetime:
    return local(add_working_days(at.astimezone(LONDON).date(), days), hour)


@dataclass
class Feed:
    lines: list[dict[str, Any]] = field(default_factory=list)
    judgements: list[dict[str, str]] = field(default_factory=list)
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))
    forces: itertools.cycle = field(default_factory=lambda: itertools.cycle(TERRITORIAL_FORCES))

    def case(self, prefix: str, *, force: str | None = None, offence: str = "theft from the "
             "person", group: str = "theft offences", at: dt.datetime | None = None,
             **facts: Any) -> Case:
        number = next(self.counter)
        force = force or next(self.forces)
        reported = at or START + dt.timedelta(days=number % 250, minutes=number % 600)
        ref = f"{prefix}/{number:06d}/14"
        c = Case(self, ref, force, reported)
        c.add("crime.reported", reported, offence=offence, offence_group=group, **facts)
        return c

    def judge(self, case: Case, finding: str, outcome: str, subject: str = "") -> None:
        self.judgements.append({"case": case.ref, "finding": finding, "outcome": outcome,
                                "subject": subject, "notes": "", "inspector": "seed sample"})

    def jsonl(self) -> list[str]:
        return [json.dumps(line) for line in self.lines]


@dataclass
class Case:
    feed: Feed
    ref: str
    force: str
    reported: dt.datetime
    n: int = 0

    @property
    def police(self) -> str:
        return f"police:{self.force}"

    @property
    def cps(self) -> str:
        return ORGS[self.police].cps_area

    def add(self, etype: str, at: dt.datetime, provider: str | None = None,
            victim: str | None = None, **data: Any) -> str:
        self.n += 1
        eid = f"{self.ref}-{self.n:02d}"
        line: dict[str, Any] = {"id": eid, "type": etype, "case": self.ref,
                                "provider": provider or self.police,
                                "occurred_at": at.isoformat()}
        if victim:
            line["victim"] = victim
        line["data"] = data
        self.feed.lines.append(line)
        return eid

    def victim(self, kind: str = "person", dob: str = "1975-05-01", key: str = "V1",
               at: dt.datetime | None = None) -> str:
        data: dict[str, Any] = {"kind": kind, "name": "Seed Victim"}
        if dob and kind == "person":
            data["date_of_birth"] = dob
        return self.add("victim.identified", at or self.reported, victim=key, **data)

    def contact(self, answers: str, at: dt.datetime, provider: str | None = None) -> str:
        return self.add("contact.made", at, provider, victim="V1", channel="letter",
                        answers=answers)


def split(total: int, *shares: int) -> list[str]:
    """Labels for TOTAL units: the first share 'a', the next 'b', ... the rest 'z'."""
    out = []
    for label, share in zip("abcdefg", shares, strict=False):
        out += [label] * share
    return out + ["z"] * (total - len(out))


def build() -> Feed:
    feed = Feed()
    _recording(feed)
    _online(feed)
    _out_of_court(feed)
    nfa = _frti(feed)
    nfa = _gwent_letters(feed, nfa)
    _right_to_review(feed, nfa)
    _witnesses(feed)
    _disability_hate_crime(feed)
    _video_interviews(feed)
    _reoffending(feed)
    return feed


def _recording(feed: Feed) -> None:
    """Crime recording by channel; the no-crime (cancellation) sample on recorded crimes."""
    recorded: list[Case] = []
    for channel, done, total in (("recording_centre", 783, 799),
                                 ("call_handling", 4922, 6081),
                                 ("specialist_system", 500, 912)):
        for i in range(total):
            c = feed.case("REC", channel=channel)
            if i < done:
                c.add("crime.recorded", c.reported + dt.timedelta(hours=3))
                recorded.append(c)
    # Control: crimes reported online count in none of the three.
    for _ in range(5):
        feed.case("REC", channel="online")
    # 3,246 cancellations reviewed: 664 judged incorrect. 3,062 of them have a victim on the
    # file, and 2,219 of those were told.
    for i, c in enumerate(recorded[:3246]):
        cancelled = c.add("crime.cancelled", c.reported + dt.timedelta(days=2),
                          reason="additional verifiable information")
        feed.judge(c, "no_crime_incorrect", "not_met" if i < 664 else "fully", cancelled)
        if i < 3062:
            c.victim(at=c.reported + dt.timedelta(hours=1))
            if i < 2219:
                c.contact(cancelled, c.reported + dt.timedelta(days=3))


def _online(feed: Feed) -> None:
    """Online and on the edge: 119 cases judged on two questions; the special measures
    sample of the HMCPSI annual report: 40 relevant cases."""
    for label in split(119, 60, 33):
        c = feed.case("OLE", offence="sexual communication with a child",
                      group="sexual offences")
        feed.judge(c, "initial_response_good",
                   {"a": "fully", "b": "partially", "z": "not_met"}[label])
    for i in range(119):
        c = feed.case("OLF", offence="sexual communication with a child",
                      group="sexual offences")
        feed.judge(c, "assessment_help_good",
                   "fully" if i < 40 else "partially" if i < 73 else "not_met")
    for label in split(40, 27, 8):
        c = feed.case("SPM", offence="assault occasioning actual bodily harm",
                      group="violence against the person")
        feed.judge(c, "special_measures_timely",
                   {"a": "fully", "b": "partially", "z": "not_met"}[label])


def _out_of_court(feed: Feed) -> None:
    """Out-of-court disposals with a victim: views recorded before the disposal, or not."""
    kinds = (("caution", 687, 411), ("penalty_notice", 550, 187),
             ("community_resolution", 907, 711))
    for disposal, total, with_views in kinds:
        for i in range(total):
            c = feed.case("OOC", offence="criminal damage", group="criminal damage and arson")
            c.victim()
            kind = disposal
            if disposal == "caution":
                kind = ("caution", "conditional_caution", "youth_caution")[i % 3]
            proposed = c.reported + dt.timedelta(days=5)
            c.add("ooc_disposal.proposed", proposed, disposal=kind)
            issued = c.reported + dt.timedelta(days=9)
            if i < with_views:
                c.add("ooc_disposal.victim_views_recorded", proposed + dt.timedelta(days=1),
                      victim="V1", views="content with the disposal")
            elif i < with_views + 3:
                # Control: views recorded after the disposal was given do not count.
                c.add("ooc_disposal.victim_views_recorded", issued + dt.timedelta(days=1),
                      victim="V1", views="asked afterwards")
            c.add("ooc_disposal.issued", issued, disposal=kind)
    # Control: disposals on cases without a victim are in no denominator.
    for kind in ("caution", "penalty_notice", "community_resolution"):
        c = feed.case("OOC", offence="possession of cannabis", group="drug offences")
        c.add("ooc_disposal.issued", c.reported + dt.timedelta(days=3), disposal=kind)


def _frti(feed: Feed) -> dict[str, int]:
    """Fatal road traffic incidents: 72 cases. Returns the no-further-action tally (none)."""
    cases = []
    for i in range(72):
        offence = ("causing death by dangerous driving" if i % 2 else
                   "causing death by careless driving")
        c = feed.case("FRT", offence=offence, group="violence against the person", death=True)
        c.victim(kind="bereaved_close_relative", dob="")
        decided = c.reported + dt.timedelta(days=30)
        decision = c.add("cps.decision", decided, c.cps, decision="charge")
        if i < 12:
            c.contact(decision, decided + dt.timedelta(days=2), c.cps)
        cases.append(c)
    # 60 files that reached court were judged for notifications: 3 fully, 13 partially.
    for i, c in enumerate(cases[:60]):
        feed.judge(c, "frti_notifications_standard",
                   "fully" if i < 3 else "partially" if i < 16 else "not_met")
    # Proposals: 18 to accept pleas to other charges (11 consulted), 11 to discontinue (7).
    # Decisions that followed: 14 pleas accepted, 8 discontinued (22); 6 letters on time.
    # Of the 8 discontinuances, 2 families were offered a meeting (cps_meeting_on_decision).
    timely = iter(split(22, 6, 8))  # a: on time, b: late, z: never
    for i, c in enumerate(cases[:29]):
        decision = "accept_plea_other_charge" if i < 18 else "discontinue"
        j = i if i < 18 else i - 18
        consulted = j < (11 if i < 18 else 7)
        decides = j < (14 if i < 18 else 8)
        proposed_at = c.reported + dt.timedelta(days=60)
        decided_at = proposed_at + dt.timedelta(days=10)
        proposal = c.add("cps.decision_proposed", proposed_at, c.cps, decision=decision)
        if consulted:
            c.contact(proposal, proposed_at + dt.timedelta(days=3), c.cps)
        elif decides and j == (13 if i < 18 else 7):
            # Control: a consultation after the decision is no consultation.
            c.contact(proposal, decided_at + dt.timedelta(days=1), c.cps)
        if not decides:
            continue
        made = c.add("cps.decision", decided_at, c.cps, decision=decision)
        letter = next(timely)
        if letter == "a":
            c.contact(made, decided_at + dt.timedelta(hours=3), c.cps)
        elif letter == "b":
            c.contact(made, working(decided_at, 4), c.cps)
        if decision == "discontinue" and j < 2:
            c.add("meeting.offered", decided_at + dt.timedelta(days=1), c.cps, decision=made)
    return {"notified": 0, "not_notified": 0, "undeterminable": 0}


GWENT_DECISIONS = ("discontinue", "no_further_action", "alter_charge", "offer_no_evidence",
                   "accept_plea_other_charge")


def _gwent_letters(feed: Feed, nfa: dict[str, int]) -> dict[str, int]:
    """CPS Gwent and South Wales: 29 flagged cases (13 letters on time, 8 late, 8 never);
    20 cases where a meeting should have been offered (9 offered: 2 of them FRTI above)."""
    for i, label in enumerate(split(29, 13, 8)):
        force = ("gwent", "south-wales")[i % 2]
        c = feed.case("GSW", force=force, offence="assault occasioning actual bodily harm",
                      group="violence against the person")
        c.victim()
        c.add("victim.categorised", c.reported + dt.timedelta(hours=1), victim="V1",
              category=("vulnerable", "intimidated")[i % 2], reason="flagged on the case file",
              confirmed_by="officer in the case")
        decision = GWENT_DECISIONS[i % len(GWENT_DECISIONS)]
        decided_at = c.reported + dt.timedelta(days=20)
        made = c.add("cps.decision", decided_at, "cps:cymru-wales", decision=decision)
        if label == "a":
            c.contact(made, working(decided_at, 1, hour=9), "cps:cymru-wales")
        elif label == "b":
            c.contact(made, working(decided_at, 4), "cps:cymru-wales")
        if decision == "no_further_action":
            nfa["notified" if label in "ab" else "not_notified"] += 1
    # Control: a victim flagged only after the decision is not counted.
    c = feed.case("GSW", force="gwent")
    c.victim()
    made = c.add("cps.decision", c.reported + dt.timedelta(days=20), "cps:cymru-wales",
                 decision="discontinue")
    c.add("victim.categorised", c.reported + dt.timedelta(days=25), victim="V1",
          category="vulnerable", reason="found vulnerable later", confirmed_by="CPS lawyer")
    # Meetings: 12 more cases of a death (not on the roads), 7 meetings offered.
    for i in range(12):
        c = feed.case("GSM", force=("gwent", "south-wales")[i % 2], offence="manslaughter",
                      group="violence against the person", death=True)
        c.victim(kind="bereaved_close_relative", dob="")
        decided_at = c.reported + dt.timedelta(days=40)
        made = c.add("cps.decision", decided_at, "cps:cymru-wales",
                     decision=("alter_charge", "discontinue")[i % 2])
        if i < 7:
            c.add("meeting.offered", decided_at + dt.timedelta(days=2), "cps:cymru-wales",
                  decision=made)
    return nfa


def _right_to_review(feed: Feed, nfa: dict[str, int]) -> None:
    """No-further-action decisions: 111 in all, 86 notified, 22 with no victim on the file."""
    wanted = {"notified": 86, "undeterminable": 22, "not_notified": 3}
    for outcome, total in wanted.items():
        for _ in range(total - nfa[outcome]):
            c = feed.case("RTR", offence="fraud by false representation", group="fraud")
            if outcome != "undeterminable":
                c.victim()
            decided_at = c.reported + dt.timedelta(days=15)
            made = c.add("cps.decision", decided_at, c.cps, decision="no_further_action")
            if outcome == "notified":
                c.contact(made, decided_at + dt.timedelta(days=1), c.cps)


def _witnesses(feed: Feed) -> None:
    """Victims required as witnesses whose trial began: 43 of 48 assessed before trial."""
    for label in split(48, 43, 1):
        c = feed.case("WIT", offence="common assault", group="violence against the person")
        wcu = f"wcu:{c.force}"
        required = c.reported + dt.timedelta(days=30)
        c.add("witness.required", required, wcu)
        trial = required + dt.timedelta(days=40)
        if label == "a":
            c.add("wcu.needs_assessment.completed", required + dt.timedelta(days=5), wcu)
        elif label == "b":
            # Control: an assessment after the trial began does not secure attendance.
            c.add("wcu.needs_assessment.completed", trial + dt.timedelta(days=1), wcu)
        c.add("trial.started", trial, wcu)
    # Control: a requirement with no trial (a late guilty plea) is in no denominator.
    for _ in range(2):
        c = feed.case("WIT", offence="common assault", group="violence against the person")
        c.add("witness.required", c.reported + dt.timedelta(days=30), f"wcu:{c.force}")


def _disability_hate_crime(feed: Feed) -> None:
    """Disability hate crimes with a suspect arrested: 29 of 50 victims told within a day."""
    for label in split(50, 29, 11):
        c = feed.case("DHC", offence="harassment", group="stalking and harassment",
                      hate=["disability"])
        c.victim()
        arrested = c.reported + dt.timedelta(days=3)
        arrest = c.add("suspect.arrested", arrested)
        if label == "a":
            c.contact(arrest, arrested + dt.timedelta(hours=2))
        elif label == "b":
            c.contact(arrest, working(arrested, 3))
    # Control: a race hate crime is not a disability hate crime.
    c = feed.case("DHC", offence="harassment", group="stalking and harassment", hate=["race"])
    c.victim()
    c.add("suspect.arrested", c.reported + dt.timedelta(days=3))


def _video_interviews(feed: Feed) -> None:
    """Video-recorded interviews with children in six forces: one seeks consent routinely."""
    # force: (interviews with children, of which consent sought, adults with consent sought)
    forces = {"northumbria": (5, 5, 0), "kent": (5, 3, 0), "north-wales": (4, 3, 2),
              "sussex": (5, 0, 0), "merseyside": (5, 2, 0), "west-yorkshire": (5, 1, 0),
              "dorset": (0, 0, 3)}  # Dorset: adults only, so not a force with child interviews
    for force, (children, sought, adults) in forces.items():
        for i in range(children + adults):
            child = i < children
            c = feed.case("ABE", force=force, offence="sexual assault on a child under 13",
                          group="sexual offences")
            c.victim(dob="2004-03-01" if child else "1980-03-01")
            c.add("interview.video_recorded", c.reported + dt.timedelta(days=2), victim="V1",
                  consent_sought=(i < sought) if child else True)


def _reoffending(feed: Feed) -> None:
    """Custodial sentences: 3 of 12 followed promptly by a complete assessment."""
    prison = "prison:hmp-foston-hall"
    for label in split(12, 3, 3, 3):
        c = feed.case("FOS", force="derbyshire", offence="wounding with intent",
                      group="violence against the person")
        sentenced = c.reported + dt.timedelta(days=90)
        c.add("sentence.passed", sentenced, "wcu:derbyshire", disposal="immediate custody",
              custodial_months=30)
        if label == "a":
            c.add("offender.risk_assessed", sentenced + dt.timedelta(days=30), prison,
                  complete=True)
        elif label == "b":  # too late
            c.add("offender.risk_assessed", sentenced + dt.timedelta(days=120), prison,
                  complete=True)
        elif label == "c":  # prompt but not complete
            c.add("offender.risk_assessed", sentenced + dt.timedelta(days=20), prison,
                  complete=False)
    # Control: a community order is not a custodial sentence.
    c = feed.case("FOS", force="derbyshire", offence="common assault",
                  group="violence against the person")
    c.add("sentence.passed", c.reported + dt.timedelta(days=60), "wcu:derbyshire",
          disposal="community order", custodial_months=0)
