"""Metrics as data: one per entitlement of the Code and one per row of `findings.md`.

Each metric names its unit, the outcomes its units can have, which outcomes make the
numerator and which the denominator, in words as well as in code, and where its seed figure
comes from. How the units are counted is a builder in `findings.py` (or the duties, for the
entitlement metrics); computing and breaking down is `metrics.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from django.utils.translation import gettext, gettext_noop

from victimjourney.code.editions import all_entitlements
from victimjourney.inspection import findings as f
from victimjourney.journey.catalogue import STAGES

Kind = Literal["entitlement", "finding"]
YES_NO = ("yes", "no")
DUTY_PARTS = ("met", "late", "breached", "open", "not_applicable")
JUDGED = ("fully", "partially", "not_met")

# The words of the registry (titles, numerators and denominators in words, outcomes) are
# English, as the annual report and the exports print them; they are marked for translation
# (gettext_noop) and the dashboard pages show them in the page's language (`translated`).
OUTCOME_LABELS = {
    "yes": gettext_noop("yes"), "no": gettext_noop("no"), "met": gettext_noop("met on time"),
    "late": gettext_noop("late"), "breached": gettext_noop("never (breached)"),
    "open": gettext_noop("open (not yet due)"), "not_applicable": gettext_noop("not applicable"),
    "fully": gettext_noop("fully met"), "partially": gettext_noop("partially met"),
    "not_met": gettext_noop("not met"), "notified": gettext_noop("notified"),
    "undeterminable": gettext_noop("undeterminable"), "not_notified": gettext_noop("not notified"),
}

# Words built from a template (a title or a number put in): the template and what was put
# in, by the words, so that `translated` can write them in another language.
_FILLED: dict[str, tuple[str, dict[str, str]]] = {}


def _fill(template: str, **values: str) -> str:
    text = template % values
    _FILLED[text] = (template, values)
    return text


def translated(text: str) -> str:
    """Words of the registry (a metric's title, its numerator or denominator in words, an
    outcome's label, a stage's name) in the active language; other text as it is."""
    if not text:
        return text
    filled = _FILLED.get(text)
    if filled is not None:
        template, values = filled
        return gettext(template) % {name: gettext(value) for name, value in values.items()}
    return gettext(text)


@dataclass(frozen=True)
class Metric:
    id: str
    title: str
    stage: int
    kind: Kind
    unit: str
    numerator: str  # in words
    denominator: str  # in words
    outcomes: tuple[str, ...]
    numerator_outcomes: tuple[str, ...]
    denominator_outcomes: tuple[str, ...]
    builder: f.Builder | None = None  # None: an entitlement metric, counted from duties
    source: str = ""
    seed_figure: str = ""
    judgement: bool = False
    entitlement: str = ""
    citation: str = ""
    notes: str = ""
    higher_is_better: bool = True
    tags: tuple[str, ...] = field(default=())

    @property
    def stage_name(self) -> str:
        return STAGES.get(self.stage, "")


def _entitlement_metrics() -> list[Metric]:
    seen: dict[str, Metric] = {}
    for rule in all_entitlements():
        if not rule.duty:
            continue
        # One metric per entitlement id across editions; the latest edition's words.
        seen[rule.id] = Metric(
            id=f"entitlement.{rule.id}", title=rule.title, stage=rule.stage,
            kind="entitlement", unit="duty",
            numerator=_fill(gettext_noop("duties of '%(title)s' met on time (the evidence "
                                         "recorded by the deadline)"), title=rule.title),
            denominator=gettext_noop("duties whose deadline had passed or that were fulfilled, "
                                     "as of the instant (met on time, late, or never: "
                                     "breached); open and not applicable duties are counted "
                                     "apart"),
            outcomes=DUTY_PARTS, numerator_outcomes=("met",),
            denominator_outcomes=("met", "late", "breached"),
            entitlement=rule.id, citation=rule.citation,
            source="journey events (duties computed by the engine)")
    return sorted(seen.values(), key=lambda m: (m.stage, m.id))


def _finding(id: str, stage: int, title: str, numerator: str, denominator: str,
             builder: f.Builder, seed: str, source: str, *,
             outcomes: tuple[str, ...] = YES_NO, num: tuple[str, ...] = ("yes",),
             den: tuple[str, ...] | None = None, unit: str = "event", judgement: bool = False,
             higher_is_better: bool = True, notes: str = "") -> Metric:
    return Metric(id=id, title=title, stage=stage, kind="finding", unit=unit,
                  numerator=numerator, denominator=denominator, outcomes=outcomes,
                  numerator_outcomes=num, denominator_outcomes=den or outcomes, builder=builder,
                  seed_figure=seed, source=source, judgement=judgement,
                  higher_is_better=higher_is_better, notes=notes)


CRIME_RECORDING = "HMIC, Crime recording: making the victim count (2014)"
FRTI = "CJJI, Fatal road traffic incidents (2015)"
ONLINE = "HMIC, Online and on the edge (2015)"
GWENT = "HMCPSI, CPS Gwent and South Wales (2014)"
JUDGE_DEN = gettext_noop("case files judged by inspectors")

FINDINGS: list[Metric] = [
    _finding("recorded_via_recording_centre", 1,
             gettext_noop("Crimes recorded: reported to a crime recording centre"),
             gettext_noop("crimes recorded"),
             gettext_noop("crimes reported to a crime recording centre (each should be "
                          "recorded)"), f.recorded_via("recording_centre"),
             "783 / 799 (98%)", CRIME_RECORDING),
    _finding("recorded_via_call_handling", 1,
             gettext_noop("Crimes recorded: reported to call handling as an incident"),
             gettext_noop("crimes recorded"),
             gettext_noop("crimes reported to a call-handling centre"),
             f.recorded_via("call_handling"), "4,922 / 6,081 (81%)", CRIME_RECORDING),
    _finding("recorded_via_other_systems", 1,
             gettext_noop("Crimes recorded: reported on other stand-alone systems"),
             gettext_noop("crimes recorded"),
             gettext_noop("crimes reported on other stand-alone systems (specialist "
                          "departments)"), f.recorded_via("specialist_system"),
             "500 / 912 (55%)", CRIME_RECORDING),
    _finding("no_crime_incorrect", 1, gettext_noop("No-crime decisions judged incorrect"),
             gettext_noop("cancellation decisions judged incorrect (not met)"),
             gettext_noop("cancellation (no-crime) decisions reviewed by inspectors"),
             f.judged("no_crime_incorrect", 1), "664 / 3,246", CRIME_RECORDING,
             outcomes=JUDGED, num=("not_met",), unit="judgement", judgement=True,
             higher_is_better=False),
    _finding("no_crime_victim_told", 1, gettext_noop("Victims told their crime was cancelled"),
             gettext_noop("cancellations answered by a contact with the victim"),
             gettext_noop("cancellations (crime.cancelled) on cases with a victim"),
             f.no_crime_victim_told, "2,219 / 3,062 (72%)", CRIME_RECORDING),
    _finding("initial_response_good", 2,
             gettext_noop("Initial police response good or adequate"),
             gettext_noop("cases whose initial response was judged good (fully) or adequate "
                          "(partially)"),
             JUDGE_DEN, f.judged("initial_response_good", 2), "78% of 119", ONLINE,
             outcomes=JUDGED, num=("fully", "partially"), unit="judgement", judgement=True),
    _finding("assessment_help_good", 2, gettext_noop("Assessment and help good or adequate"),
             gettext_noop("cases whose assessment and help were judged good (fully) or "
                          "adequate (partially)"), JUDGE_DEN,
             f.judged("assessment_help_good", 2), "61% of 119",
             ONLINE, outcomes=JUDGED, num=("fully", "partially"), unit="judgement",
             judgement=True),
    _finding("caution_views_considered", 4,
             gettext_noop("Victim's views considered before a caution"),
             gettext_noop("cautions where the victim's views were recorded before it was "
                          "given"),
             gettext_noop("cautions (simple, conditional, youth) given on a case with a "
                          "victim"),
             f.ooc_views(f.CAUTIONS), "411 / 687 (60%)", CRIME_RECORDING),
    _finding("pnd_views_considered", 4,
             gettext_noop("Victim's views considered before a penalty notice"),
             gettext_noop("penalty notices for disorder where the victim's views were "
                          "recorded before"),
             gettext_noop("penalty notices for disorder given on a case with a victim"),
             f.ooc_views(("penalty_notice",)), "187 / 550 (34%)", CRIME_RECORDING),
    _finding("community_resolution_no_consultation", 4,
             gettext_noop("Community resolutions without consulting the victim"),
             gettext_noop("community resolutions with no record of the victim's views before "
                          "it was given"),
             gettext_noop("community resolutions given on a case with a victim"),
             f.ooc_views(("community_resolution",)), "196 / 907 (22%)", CRIME_RECORDING,
             num=("no",), higher_is_better=False),
    _finding("oocd_views_considered", 4,
             gettext_noop("Victim's wishes considered before an out-of-court disposal"),
             gettext_noop("out-of-court disposals where the victim's views were recorded "
                          "before it was given"),
             gettext_noop("out-of-court disposals of any kind given on a case with a victim"),
             f.ooc_views(("caution", "conditional_caution", "youth_caution",
                          "penalty_notice", "community_resolution")),
             "1,309 / 2,144 (61%)", CRIME_RECORDING),
    _finding("frti_charge_decision_communicated", 4,
             gettext_noop("FRTI: charging decision communicated to the family"),
             gettext_noop("fatal road traffic cases where a contact answers a charging "
                          "decision"),
             gettext_noop("fatal road traffic cases with a CPS charging decision"),
             f.frti_charge_decision_communicated, "12 / 72 (16.7%)", FRTI, unit="case"),
    _finding("frti_notifications_standard", 4,
             gettext_noop("FRTI: notifications to bereaved families met the standard"),
             gettext_noop("case files whose notifications fully met the timeliness and "
                          "accuracy standard (partially and not met are given too)"),
             JUDGE_DEN, f.judged("frti_notifications_standard", 4), "5.0% / 21.7% / 73.3%",
             FRTI, outcomes=JUDGED, num=("fully",), unit="judgement", judgement=True),
    _finding("frti_plea_consultation", 4,
             gettext_noop("FRTI: family consulted on accepting pleas"),
             gettext_noop("proposals answered by a contact with the family before the "
                          "decision"),
             gettext_noop("proposals to accept pleas to other charges (cps.decision_proposed) "
                          "in fatal road traffic cases"),
             f.frti_consultation("accept_plea_other_charge"), "11 / 18 (61.1%)", FRTI),
    _finding("frti_discontinuance_consultation", 4,
             gettext_noop("FRTI: family consulted on discontinuance"),
             gettext_noop("proposals answered by a contact with the family before the "
                          "decision"),
             gettext_noop("proposals to discontinue in fatal road traffic cases"),
             f.frti_consultation("discontinue"), "7 / 11 (63.6%)", FRTI),
    _finding("frti_decision_letter_timely", 4,
             gettext_noop("FRTI: timely letter after pleas accepted or discontinuance"),
             gettext_noop("letters sent on time (the duty met)"),
             gettext_noop("letter duties after accepting pleas to other charges or "
                          "discontinuing, in fatal road traffic cases, whose deadline has "
                          "passed"), f.frti_decision_letter_timely,
             "6 / 22 (27.3%)", FRTI, unit="duty"),
    _finding("right_to_review_notified", 4, gettext_noop("Victims' Right to Review notified"),
             gettext_noop("no-further-action decisions answered by a contact with the victim "
                          "(notified); the share undeterminable from the file is given too"),
             gettext_noop("CPS decisions to take no further action (notified, "
                          "undeterminable: no victim on the file, not notified)"),
             f.right_to_review_notified, "77.5% (19.8% undeterminable)",
             "HMCPSI/HMIC, Provision of charging decisions (2015)",
             outcomes=("notified", "undeterminable", "not_notified"), num=("notified",)),
    _finding("vi_letter_within_one_day", 4,
             gettext_noop("Letters to vulnerable or intimidated victims within one working "
                          "day"),
             gettext_noop("letters sent within one working day of the decision (met); late "
                          "and never sent are given too"),
             gettext_noop("CPS decision letter duties owed to victims flagged vulnerable or "
                          "intimidated, whose deadline has passed"), f.vi_letter_within_one_day,
             "13 / 29 on time, 8 late, 8 never", GWENT,
             outcomes=("met", "late", "breached"), num=("met",), unit="duty"),
    _finding("bereaved_meeting_offered", 4,
             gettext_noop("Meeting offered to explain a CPS decision"),
             gettext_noop("duties where the meeting was offered (meeting.offered)"),
             gettext_noop("duties to offer a meeting (cases where it should have been "
                          "offered)"),
             f.bereaved_meeting_offered, "9 / 20", GWENT, unit="duty"),
    _finding("special_measures_timely", 5,
             gettext_noop("Special measures applications timely and of good quality"),
             gettext_noop("case files whose application was judged timely and of good "
                          "quality (fully met)"), JUDGE_DEN,
             f.judged("special_measures_timely", 5), "67.5%",
             "HMCPSI annual report 2014-15 (1,101 cases)", outcomes=JUDGED, num=("fully",),
             unit="judgement", judgement=True),
    _finding("witness_attendance_secured", 5,
             gettext_noop("Attendance of victims and witnesses secured"),
             gettext_noop("requirements followed by the Witness Care Unit's full needs "
                          "assessment before the trial"),
             gettext_noop("victims required to give evidence (witness.required) whose trial "
                          "began"), f.witness_attendance_secured, "89.6%",
             "HMCPSI annual report 2014-15"),
    _finding("dhc_contact_within_one_day", 8,
             gettext_noop("Disability hate crime: contact within one day"),
             gettext_noop("duties met within the deadline (one working day: hate crime "
                          "victims are owed the enhanced service)"),
             gettext_noop("duties to tell the victim of a disability hate crime that a "
                          "suspect was arrested, whose deadline has passed"),
             f.dhc_contact_within_one_day, "29 / 50",
             "CJJI, Disability hate crime follow-up (2015)", unit="duty"),
    _finding("child_video_consent_sought", 8,
             gettext_noop("Forces routinely seeking a child's consent to a video interview"),
             _fill(gettext_noop("forces that sought consent in at least %(share)s of their "
                                "video-recorded interviews with children"),
                   share=f"{f.ROUTINELY:.0%}"),
             gettext_noop("forces with video-recorded interviews of children (under 18 on the "
                          "day)"),
             f.child_video_consent_sought, "1 / 6", "CJJI, Achieving best evidence (2014)",
             unit="force"),
    _finding("reoffending_assessment_prompt", 6,
             gettext_noop("Prompt and sufficient likelihood-of-reoffending assessments"),
             _fill(gettext_noop("custodial sentences followed within %(days)s days by a "
                                "complete assessment (offender.risk_assessed with complete)"),
                   days=str(f.PROMPT_ASSESSMENT_DAYS)),
             gettext_noop("custodial sentences (sentence.passed, custodial_months >= 1)"),
             f.reoffending_assessment_prompt, "3 / 12 (25%)",
             "HMI Prisons, HMP Foston Hall (2015)"),
]

JUDGEMENT_FINDINGS = {m.id: m for m in FINDINGS if m.judgement}


def all_metrics() -> list[Metric]:
    return [*_entitlement_metrics(), *FINDINGS]


def metric_by_id() -> dict[str, Metric]:
    return {m.id: m for m in all_metrics()}
