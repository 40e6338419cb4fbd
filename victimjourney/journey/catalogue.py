"""The catalogue of journey event types, by stage, with the payload fields each carries.

One definition serves three purposes: validation of incoming feeds (`feed.py`), the published
JSON Schema (`schema.py`, `docs/event-feed.schema.json`), and the catalogue page of the docs.
Types marked `added` extend `shared/spec/event-feed.md` (which allows the project to add types).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

SCHEMA_VERSION = "1.0.0"

STAGES = {
    1: gettext_noop("first contact"),
    2: gettext_noop("response"),
    3: gettext_noop("investigation"),
    4: gettext_noop("charge and pre-trial"),
    5: gettext_noop("trial, sentencing and appeal"),
    6: gettext_noop("post-trial"),
    7: gettext_noop("restorative justice"),
    8: gettext_noop("compensation, complaints and enhanced entitlements"),
    0: gettext_noop("any stage"),
}

VICTIM_KINDS = (
    "person", "business", "bereaved_close_relative", "parent_or_guardian", "family_spokesperson",
)
CATEGORIES = (
    "vulnerable", "intimidated", "persistently_targeted", "most_serious_crime",
    "bereaved_close_relative",
)
CATEGORY_STATES = ("applies", "declined", "removed")
CHANNELS = ("recording_centre", "call_handling", "specialist_system", "online", "in_person")
HATE_STRANDS = ("disability", "race", "religion", "sexual_orientation", "transgender")
CONTACT_CHANNELS = ("letter", "email", "sms", "phone", "in_person", "portal")
CPS_DECISIONS = (
    "charge", "no_further_action", "alter_charge", "discontinue", "accept_plea_other_charge",
    "offer_no_evidence",
)
OOC_DISPOSALS = (
    "caution", "conditional_caution", "penalty_notice", "community_resolution", "youth_caution",
)
FLAGS = (
    "special_measures", "intermediary", "interpreter", "safe_contact", "do_not_send_letters",
    "other",
)
CLOSURE_REASONS = (
    "no_suspect_identified", "evidential_difficulties", "victim_does_not_support",
    "not_in_public_interest", "decision_not_to_investigate", "other",
)


@dataclass(frozen=True)
class Field:
    kind: str  # str, bool, int, date, datetime, enum, list, object, event_ref, org_ref, victim_ref
    required: bool = False
    choices: tuple[str, ...] = ()
    items: str = "str"  # for lists: str or enum
    doc: str = ""


@dataclass(frozen=True)
class EventType:
    name: str
    stage: int
    doc: str
    fields: dict[str, Field] = field(default_factory=dict)
    victim_specific: bool = False  # must name a victim
    added: bool = False  # not in shared/spec/event-feed.md; added by this project


def _t(type_name: str, stage: int, doc: str, /, added: bool = False, victim: bool = False,
       **fields: Field) -> EventType:
    return EventType(name=type_name, stage=stage, doc=doc, fields=fields, added=added,
                     victim_specific=victim)


S = Field("str")
REASON = Field("str", doc=gettext_noop("why, in plain words"))

EVENT_TYPES: dict[str, EventType] = {t.name: t for t in (
    # 1. first contact
    _t("crime.reported", 1, gettext_noop("A crime was reported to the police."),
       offence=Field("str", required=True, doc=gettext_noop("Home Office offence name or code")),
       offence_group=Field("str", doc=gettext_noop("e.g. violence against the person, sexual offences")),
       channel=Field("enum", choices=CHANNELS),
       domestic_abuse=Field("bool"),
       hate=Field("list", items="enum", choices=HATE_STRANDS),
       sexual_offence=Field("bool"),
       most_serious=Field("bool", doc=gettext_noop("an offence on the Code's most-serious-crime list")),
       death=Field("bool", doc=gettext_noop("a death was caused by the criminal conduct")),
       violent_or_sexual=Field("bool", doc=gettext_noop("a specified violent or sexual offence (VCS)")),
       offence_date=Field("date", doc=gettext_noop("when it happened; defaults to the report's local date"))),
    _t("crime.recorded", 1, gettext_noop("The crime was recorded under the National Crime Recording Standard."),
       crime_reference=S),
    _t("crime.cancelled", 1, gettext_noop("The crime record was cancelled (no-crimed)."),
       reason=Field("str", required=True), correct=Field("bool", doc=gettext_noop("judged correct on audit"))),
    _t("victim.identified", 1,
       gettext_noop("A victim (or a person exercising a victim's rights) was identified."),
       victim=True,
       kind=Field("enum", required=True, choices=VICTIM_KINDS),
       name=S, date_of_birth=Field("date"), contact=Field("object"),
       language=Field("enum", choices=("en", "cy")),
       on_behalf_of=Field("victim_ref", doc=gettext_noop("the victim whose rights this person exercises")),
       relationship=S),
    _t("victim.categorised", 1, gettext_noop("A category was confirmed, added, declined or removed by a person."),
       victim=True,
       category=Field("enum", required=True, choices=CATEGORIES),
       reason=Field("str", required=True),
       confirmed_by=S,
       state=Field("enum", choices=CATEGORY_STATES, doc=gettext_noop("default: applies"))),
    _t("victim.opted_out", 0, gettext_noop("The victim asked not to receive a service."), added=True,
       victim=True,
       entitlements=Field("list", required=True, doc=gettext_noop("entitlement ids, or 'all' for every update")),
       reason=REASON),
    # 2. response
    _t("response.attended", 2, gettext_noop("Officers attended.")),
    _t("risk_assessment.completed", 2, gettext_noop("A risk assessment was completed."),
       level=Field("enum", choices=("standard", "medium", "high"))),
    _t("needs_assessment.completed", 2, gettext_noop("The police's initial needs assessment was completed."),
       answers=Field("object"), specialist_support_needed=Field("bool"),
       enhanced_eligible=Field("bool")),
    _t("referral.made", 2, gettext_noop("The victim's details were passed to victims' services."),
       service=S),
    _t("referral.declined", 2, gettext_noop("The victim declined referral to victims' services."),
       reason=REASON),
    # 3. investigation
    _t("witness_statement.taken", 3, gettext_noop("An evidential witness statement was taken."), added=True),
    _t("vps.offered", 3, gettext_noop("The victim was offered the chance to make a Victim Personal Statement.")),
    _t("vps.made", 3, gettext_noop("The victim made a Victim Personal Statement."),
       reading_preference=Field("enum", choices=("read_by_victim", "read_for_victim",
                                                 "played", "not_read"))),
    _t("suspect.arrested", 3, gettext_noop("A suspect was arrested.")),
    _t("suspect.interviewed", 3, gettext_noop("A suspect was interviewed under caution.")),
    _t("suspect.bailed", 3, gettext_noop("A suspect was released on police bail."),
       conditions=Field("list")),
    _t("suspect.bail_changed", 3, gettext_noop("Police bail conditions were varied or cancelled."), added=True,
       conditions=Field("list"), change=Field("enum", choices=("varied", "cancelled"))),
    _t("suspect.released_no_further_action", 3, gettext_noop("A suspect was released without charge."),
       reason=REASON),
    _t("suspect.released_under_investigation", 3, gettext_noop("A suspect was released under investigation.")),
    _t("investigation.closed", 3, gettext_noop("The investigation was closed."),
       reason=Field("enum", choices=CLOSURE_REASONS)),
    # 4. charge and pre-trial
    _t("suspect.charged", 4, gettext_noop("A suspect was charged."), charges=Field("list")),
    _t("cps.decision", 4, gettext_noop("The CPS made a charging or case decision."),
       decision=Field("enum", required=True, choices=CPS_DECISIONS), reasons=S),
    _t("ooc_disposal.proposed", 4, gettext_noop("An out-of-court disposal is being considered."),
       disposal=Field("enum", required=True, choices=OOC_DISPOSALS)),
    _t("ooc_disposal.victim_views_recorded", 4, gettext_noop("The victim's views on a disposal were recorded."),
       views=S),
    _t("ooc_disposal.issued", 4, gettext_noop("An out-of-court disposal was given."),
       disposal=Field("enum", required=True, choices=OOC_DISPOSALS)),
    _t("right_to_review.requested", 4, gettext_noop("The victim asked for a review of a decision (VRR)."),
       scheme=Field("enum", required=True, choices=("police", "cps")),
       decision=Field("event_ref", doc=gettext_noop("the decision to be reviewed"))),
    _t("right_to_review.decided", 4, gettext_noop("A Victims' Right to Review request was decided."),
       request=Field("event_ref", required=True),
       outcome=Field("enum", choices=("upheld", "overturned", "resolved_locally"))),
    _t("family_liaison.assigned", 4, gettext_noop("A Family Liaison Officer was assigned."), officer=S),
    _t("meeting.offered", 4, gettext_noop("A meeting was offered to explain a decision or the sentence."),
       decision=Field("event_ref")),
    _t("expenses.claimed", 4, gettext_noop("A witness submitted a completed expenses claim."), added=True),
    _t("expenses.paid", 4, gettext_noop("Witness expenses were paid."), added=True,
       claim=Field("event_ref")),
    # 5. trial, sentencing and appeal
    _t("plea.entered", 5, gettext_noop("The defendant entered a plea."), added=True,
       plea=Field("enum", required=True, choices=("guilty", "not_guilty", "mixed"))),
    _t("witness.required", 5, gettext_noop("The CPS told the Witness Care Unit the victim must give evidence."),
       added=True),
    _t("wcu.needs_assessment.completed", 5, gettext_noop("The Witness Care Unit's full needs assessment."),
       answers=Field("object")),
    _t("special_measures.applied", 5, gettext_noop("Special measures were applied for."),
       measures=Field("list")),
    _t("special_measures.decided", 5, gettext_noop("The court decided a special measures application."),
       granted=Field("bool"), measures=Field("list")),
    _t("court_visit.offered", 5, gettext_noop("A pre-trial court familiarisation visit was offered.")),
    _t("hearing.listed", 5, gettext_noop("The court listed a hearing."),
       hearing_at=Field("datetime"), court=Field("org_ref"), kind=S),
    _t("trial.date_set", 5, gettext_noop("A trial date was set."), trial_date=Field("date"),
       court=Field("org_ref")),
    _t("trial.started", 5, gettext_noop("The trial began."), added=True),
    _t("court.bail_decided", 5, gettext_noop("The court decided bail (including conditions and changes)."),
       added=True, conditions=Field("list"), remanded=Field("bool")),
    _t("warrant.issued", 5, gettext_noop("The court issued a warrant for the defendant's arrest."), added=True),
    _t("verdict.given", 5, gettext_noop("The verdict."),
       verdict=Field("enum", required=True, choices=("guilty", "not_guilty", "mixed"))),
    _t("sentence.passed", 5, gettext_noop("The offender was sentenced."),
       disposal=Field("str", required=True), custodial_months=Field("int"),
       hospital_order=Field("bool"), explanation=S),
    _t("appeal.lodged", 5, gettext_noop("The offender lodged an appeal.")),
    _t("appeal.hearing_listed", 5, gettext_noop("An appeal hearing was listed."), hearing_at=Field("datetime")),
    _t("appeal.decided", 5, gettext_noop("An appeal was decided."), outcome=S),
    # 6. post-trial
    _t("vcs.referred", 6, gettext_noop("The victim was referred to the probation Victim Contact Scheme."),
       added=True),
    _t("vcs.offered", 6, gettext_noop("The Victim Contact Scheme was offered (contact from a VLO).")),
    _t("vcs.opted_in", 6, gettext_noop("The victim joined the Victim Contact Scheme.")),
    _t("vcs.opted_out", 6, gettext_noop("The victim declined the Victim Contact Scheme.")),
    _t("vlo.assigned", 6, gettext_noop("A Victim Liaison Officer was assigned."), officer=S),
    _t("release.under_consideration", 6, gettext_noop("Release or discharge is being considered."),
       added=True),
    _t("licence.representations_invited", 6,
       gettext_noop("The victim was invited to make representations about licence conditions.")),
    _t("licence.conditions_set", 6, gettext_noop("Licence conditions were set."), conditions=Field("list")),
    _t("offender.released", 6, gettext_noop("The offender was released.")),
    _t("offender.conditions_ended", 6, gettext_noop("Victim-related licence conditions ended.")),
    _t("unwanted_contact.reported", 6, gettext_noop("The victim reported unwanted contact from the offender."),
       added=True),
    # 7. restorative justice
    _t("rj.information_given", 7, gettext_noop("Information about restorative justice was given.")),
    _t("rj.referred", 7, gettext_noop("The victim was referred to restorative justice services.")),
    _t("rj.completed", 7, gettext_noop("A restorative justice process was completed.")),
    # 8. compensation and complaints
    _t("cics.information_given", 8, gettext_noop("Information about criminal injuries compensation was given.")),
    _t("complaint.received", 8, gettext_noop("A complaint about a Code entitlement was received."),
       about=Field("org_ref", doc=gettext_noop("the organisation complained about; default: the provider")),
       entitlement=S),
    _t("complaint.responded", 8, gettext_noop("A complaint was acknowledged or answered."),
       complaint=Field("event_ref", required=True),
       kind=Field("enum", choices=("acknowledgement", "full_response"))),
    _t("interpretation.requested", 8, gettext_noop("The victim asked for interpretation or translation."),
       added=True, language=S),
    _t("interpretation.provided", 8, gettext_noop("Interpretation or translation was provided."), added=True,
       request=Field("event_ref")),
    # any stage
    _t("contact.made", 0, gettext_noop("Contact with the victim: the evidence that fulfils a duty."),
       channel=Field("enum", required=True, choices=CONTACT_CHANNELS),
       answers=Field("event_ref", doc=gettext_noop("the event whose duty this contact fulfils")),
       entitlements=Field("list", doc=gettext_noop("limit to these entitlements (default: all the answered "
                                      "event's duties fulfilled by contact)")),
       summary=S),
    _t("flag.set", 0, gettext_noop("A flag on the victim that every agency on the case must see."),
       added=True, victim=True,
       flag=Field("enum", required=True, choices=FLAGS),
       note=Field("str", doc=gettext_noop("what the flag means for this victim")),
       set_by=Field("str", doc=gettext_noop("the person who set it")),
       review_on=Field("date", required=True, doc=gettext_noop("when the flag must be checked again"))),
    _t("flag.cleared", 0, gettext_noop("A flag was cleared."), added=True, victim=True,
       flag=Field("enum", required=True, choices=FLAGS),
       reason=Field("str", required=True), cleared_by=S),
    _t("correction.recorded", 0, gettext_noop("A correction to an earlier event: the log is never edited."),
       added=True,
       corrects=Field("event_ref", required=True),
       reason=Field("str", required=True),
       withdrawn=Field("bool", doc=gettext_noop("the corrected event was recorded in error")),
       replacement=Field("object", doc=gettext_noop("new values for occurred_at, received_at, victim or "
                                       "data fields of the corrected event"))),
    # The victim portal and the messages between a victim and the team on the case.
    _t("victim.opted_in", 0, gettext_noop("The victim asked to receive a service again."),
       added=True, victim=True,
       entitlements=Field("list", required=True, doc=gettext_noop("entitlement ids, or 'all'"))),
    _t("victim.preferences_updated", 0,
       gettext_noop("The victim changed how they want to be contacted."), added=True,
       victim=True,
       channel=Field("enum", choices=CONTACT_CHANNELS), contact_times=S,
       language=Field("enum", choices=("en", "cy")), safe_contact=S, email=S, phone=S),
    _t("portal.invited", 1, gettext_noop("The victim was invited to follow their case online."),
       added=True, victim=True, channel=Field("enum", choices=CONTACT_CHANNELS)),
    _t("portal.message", 0, gettext_noop("A message between the victim and the team."),
       added=True, victim=True,
       text=Field("str", required=True),
       direction=Field("enum", required=True, choices=("from_victim", "to_victim")),
       in_reply_to=Field("event_ref"), sent_by=S),
    _t("service.rated", 0, gettext_noop("The victim rated a service."), added=True, victim=True,
       entitlement=Field("str", required=True), rating=Field("int", required=True),
       comment=S),
    # Facts the inspection findings need (docs/INSPECTION.md).
    _t("cps.decision_proposed", 4,
       gettext_noop("The prosecutor proposes a decision on which the victim or bereaved family "
                    "must be consulted first (pleas to other charges, discontinuance)."),
       added=True,
       decision=Field("enum", required=True, choices=CPS_DECISIONS),
       reasons=S),
    _t("interview.video_recorded", 3,
       gettext_noop("A video-recorded (Achieving Best Evidence) interview with the victim."),
       added=True, victim=True,
       consent_sought=Field("bool", doc=gettext_noop("the victim was asked whether they wanted a video "
                                        "interview or a written statement"))),
    _t("offender.risk_assessed", 6,
       gettext_noop("The offender's likelihood of reoffending was assessed (OASys)."),
       added=True,
       complete=Field("bool", doc=gettext_noop("every section of the assessment was completed"))),
)}

TOP_LEVEL_FIELDS = (
    "id", "type", "case", "provider", "occurred_at", "received_at", "victim", "data",
)
