"""The Victims' Code of Practice, 2013, 2015 and 2020 editions, as entitlement data.

Every row of `shared/spec/victims-code.md` §2 and §3 is here, with its provenance tags. Where
the source marks a fact UNVERIFIED, the rule carries the tag and the UI shows it beside the
deadline. An entitlement keeps one stable id across editions (so compliance can be compared
year on year); `edition` says which text applies, chosen by the date of the triggering event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_noop

from victimjourney.code.model import (
    Condition,
    Deadline,
    Edition,
    Eligibility,
    Entitlement,
    Evidence,
    Trigger,
    before,
    untimed,
    wd,
)

EDITION_META = {
    "2013": (gettext_noop("Code of Practice for Victims of Crime 2013"), dt.date(2013, 12, 10),
             "Victims' Code of Practice Order 2013 (SI 2013/2907)"),
    "2015": (gettext_noop("Code of Practice for Victims of Crime 2015"), dt.date(2015, 11, 16),
             "Code in operation 16 November 2015 (recital to SI 2020/1314)"),
    "2020": (gettext_noop("Code of Practice for Victims of Crime in England and Wales 2020"),
             dt.date(2021, 4, 1), "SI 2020/1314"),
}

T = Trigger
C = Condition
ONE_FIVE = {"enhanced": wd(1), "standard": wd(5)}
PEOPLE = Eligibility()
ANYONE = Eligibility(kinds=("person", "business", "bereaved_close_relative",
                            "parent_or_guardian", "family_spokesperson"))
CONTACT = Evidence(contact=True)

# Each spec: the id, fields common to every edition, and per-edition overrides. An edition
# absent from `editions` does not have the entitlement.
_SPECS: list[dict[str, Any]] = [
    # ---------------------------------------------------------------- 1. first contact
    dict(id="written_ack_of_crime", title=gettext_noop("Written acknowledgement of the crime report"),
         stage=1, provider="police", triggers=(T("crime.reported"),),
         action=gettext_noop("Send the victim a written acknowledgement that the crime was reported, with "
                   "the basic details of the offence (unless it would put them at risk)."),
         enhanced=untimed(), standard=untimed(), declined_by=("victim.opted_out",),
         editions={"2015": dict(citation="Victims' Code 2015, adult entitlements; Armed Forces "
                                         "Code para 58(1)",
                                provenance=("P", "S", "UNVERIFIED"),
                                notes="Deadline not stated (UNVERIFIED).")}),
    dict(id="written_confirmation_of_crime", title=gettext_noop("Written confirmation of the crime report"),
         stage=1, provider="police", triggers=(T("crime.reported"),), right="3",
         action=gettext_noop("Give the victim written confirmation of the crime with its basic details, the "
                   "crime reference number and the contact details of the officer in the case."),
         enhanced=untimed(), standard=untimed(), declined_by=("victim.opted_out",),
         editions={"2020": dict(citation="Victims' Code 2020, Right 3", provenance=("P", "O"))}),
    dict(id="written_info_leaflet", title=gettext_noop("Written information on what to expect"), stage=1,
         provider="police", triggers=(T("crime.reported"),),
         action=gettext_noop("Give the victim written information on what to expect from the criminal "
                   "justice system (the victim information leaflet)."),
         enhanced=untimed("without unnecessary delay"),
         standard=untimed("without unnecessary delay"),
         editions={"2013": dict(citation="Victims' Code 2013, police entitlements",
                                provenance=("O", "UNVERIFIED"),
                                notes="2006 Code: within 5 working days; 2013 timing not "
                                      "stated."),
                   "2015": dict(citation="Victims' Code 2015; Armed Forces Code para 58(4)",
                                provenance=("P", "O"))}),
    dict(id="needs_assessment_police", title=gettext_noop("Needs assessment by the police"), stage=2,
         provider="police", triggers=(T("crime.reported"),),
         action=gettext_noop("Assess the victim's needs and whether they are eligible for enhanced "
                   "entitlements, and pass that on to other service providers."),
         enhanced=untimed("timely"), standard=untimed("timely"),
         evidence=Evidence(contact=False, event_types=("needs_assessment.completed",)),
         editions={"2013": dict(citation="Victims' Code 2013, ch. 1 (enhanced entitlements)",
                                provenance=("O",)),
                   "2015": dict(citation="Victims' Code 2015; Armed Forces Code paras 39, 58(3)",
                                provenance=("P", "O")),
                   "2020": dict(citation="Victims' Code 2020, Right 4", right="4",
                                provenance=("O",))}),
    dict(id="referral_to_victim_services", title=gettext_noop("Referral to victims' services"), stage=2,
         provider="police", triggers=(T("crime.reported"),),
         action=gettext_noop("Pass the victim's details to victims' services (unless they opt out; for "
                   "sexual offence, domestic abuse and bereaved victims, with explicit consent)."),
         enhanced=wd(2), standard=wd(2),
         evidence=Evidence(contact=False, event_types=("referral.made",)),
         declined_by=("referral.declined", "victim.opted_out"),
         editions={"2013": dict(citation="Victims' Code 2013, police: referral within 2 working "
                                         "days of reporting", provenance=("O",)),
                   "2015": dict(citation="Victims' Code 2015, police: referral within 2 working "
                                         "days of reporting", provenance=("O",)),
                   "2020": dict(citation="Victims' Code 2020, Right 4", right="4",
                                provenance=("O",))}),
    dict(id="info_support_services", title=gettext_noop("Information about victims' services"), stage=2,
         provider="police", triggers=(T("crime.reported"),),
         action=gettext_noop("Tell the victim about victims' services and how to contact them, so they can "
                   "refer themselves at any time."),
         enhanced=untimed(), standard=untimed(),
         editions={"2013": dict(citation="Victims' Code 2013, police entitlements",
                                provenance=("O",)),
                   "2015": dict(citation="Victims' Code 2015, police entitlements",
                                provenance=("O",)),
                   "2020": dict(citation="Victims' Code 2020, Right 4", right="4",
                                provenance=("P", "O"))}),
    dict(id="specialist_support_referral", title=gettext_noop("Offer of referral to specialist support"),
         stage=2, provider="police",
         triggers=(T("needs_assessment.completed",
                     when=(C("specialist_support_needed", "true"),)),),
         action=gettext_noop("Offer the victim referral to specialist support services and tell them about "
                   "support at court such as special measures."),
         enhanced=untimed(), standard=untimed(),
         evidence=Evidence(contact=True, event_types=("referral.made",)),
         declined_by=("referral.declined",),
         editions={"2020": dict(citation="Victims' Code 2020, Right 4", right="4",
                                provenance=("P",))}),
    # ---------------------------------------------------------------- 3. investigation
    dict(id="decision_not_to_investigate", title=gettext_noop("Decision not to investigate"), stage=3,
         provider="police",
         triggers=(T("investigation.closed",
                     when=(C("reason", "eq", "decision_not_to_investigate"),)),),
         action=gettext_noop("Tell the victim that the police will not investigate the crime, and why."),
         **ONE_FIVE,
         editions={"2013": dict(citation="Victims' Code 2013, police",
                                provenance=("O", "UNVERIFIED"),
                                notes="The enhanced 1 working day is UNVERIFIED for 2013."),
                   "2015": dict(citation="Victims' Code 2015, police",
                                provenance=("O", "UNVERIFIED"),
                                notes="The enhanced 1 working day is UNVERIFIED for 2015."),
                   "2020": dict(citation="Victims' Code 2020, Right 6", right="6",
                                action=gettext_noop("Tell the victim that the police will not investigate, "
                                          "explain why, and offer referral to a support service."),
                                provenance=("O",))}),
    dict(id="update_frequency_agreed", title=gettext_noop("Agree how often to be updated"), stage=3,
         provider="police", triggers=(T("crime.recorded"),),
         action=gettext_noop("Agree with the victim how often and how they will be updated on the "
                   "investigation."),
         enhanced=untimed(), standard=untimed(), declined_by=("victim.opted_out",),
         editions={"2013": dict(citation="Victims' Code 2013 (update frequency rule)",
                                provenance=("UNVERIFIED",),
                                notes="2006 Code: at least monthly; the 2013/15 rule is "
                                      "UNVERIFIED."),
                   "2015": dict(citation="Victims' Code 2015 (update frequency rule)",
                                provenance=("UNVERIFIED",),
                                notes="The 2013/15 rule is UNVERIFIED."),
                   "2020": dict(citation="Victims' Code 2020, Right 6", right="6",
                                provenance=("O",))}),
    dict(id="suspect_arrested", title=gettext_noop("Suspect arrested"), stage=3, provider="police",
         triggers=(T("suspect.arrested"),),
         action=gettext_noop("Tell the victim that a suspect was arrested, with the reasons where applicable."),
         declined_by=("victim.opted_out",), **ONE_FIVE,
         editions={"2013": dict(citation="Victims' Code 2013, police: suspect arrested",
                                provenance=("O",)),
                   "2015": dict(citation="Victims' Code 2015, police: suspect arrested",
                                provenance=("O",)),
                   "2020": dict(citation="Victims' Code 2020, Right 6", right="6",
                                provenance=("O",))}),
    dict(id="suspect_interviewed_under_caution", title=gettext_noop("Suspect interviewed under caution"),
         stage=3, provider="police", triggers=(T("suspect.interviewed"),),
         action=gettext_noop("Tell the victim that a suspect was interviewed under caution."),
         declined_by=("victim.opted_out",), **ONE_FIVE,
         editions={"2013": dict(citation="Victims' Code 2013, police",
                                provenance=("UNVERIFIED",),
                                notes="Whether the 2013 Code had this duty is UNVERIFIED."),
                   "2015": dict(citation="Victims' Code 2015, police", provenance=("O",)),
                   "2020": dict(citation="Victims' Code 2020, Right 6", right="6",
                                provenance=("O",))}),
    dict(id="suspect_released_without_charge", title=gettext_noop("Suspect released without charge"),
         stage=3, provider="police", triggers=(T("suspect.released_no_further_action"),),
         action=gettext_noop("Tell the victim that the suspect was released without charge, and explain why."),
         declined_by=("victim.opted_out",), **ONE_FIVE,
         editions={"2013": dict(citation="Victims' Code 2013, police", provenance=("O",)),
                   "2015": dict(citation="Victims' Code 2015, police", provenance=("O",)),
                   "2020": dict(citation="Victims' Code 2020, Right 6", right="6",
                                action=gettext_noop("Tell the victim that the suspect was released without "
                                          "charge, explain why, how to get more information, how to "
                                          "seek a review and how to be referred to support."),
                                provenance=("O", "S"))}),
    dict(id="suspect_bailed_or_rui", title=gettext_noop("Suspect on bail or released under investigation"),
         stage=3, provider="police",
         triggers=(T("suspect.bailed"), T("suspect.bail_changed")),
         action=gettext_noop("Tell the victim that the suspect was released on police bail (or that bail "
                   "conditions changed), with the reasons and the conditions."),
         declined_by=("victim.opted_out",), **ONE_FIVE,
         editions={"2013": dict(citation="Victims' Code 2013, police", provenance=("O",)),
                   "2015": dict(citation="Victims' Code 2015, police", provenance=("O",)),
                   "2020": dict(citation="Victims' Code 2020, Right 6", right="6",
                                triggers=(T("suspect.bailed"), T("suspect.bail_changed"),
                                          T("suspect.released_under_investigation")),
                                action=gettext_noop("Tell the victim that the suspect was released on bail or "
                                          "under investigation (or that bail conditions changed), "
                                          "with the reasons and any conditions."),
                                provenance=("O",))}),
    dict(id="vps_offer", title=gettext_noop("Offer to make a Victim Personal Statement"), stage=3,
         provider="police", triggers=(T("witness_statement.taken"),),
         action=gettext_noop("Offer the victim the chance to make a Victim Personal Statement and record how "
                   "they would like it used in court."),
         enhanced=before("sentence.passed", text="before sentence"),
         standard=before("sentence.passed", text="before sentence"),
         evidence=Evidence(contact=False, event_types=("vps.offered",)),
         editions={"2013": dict(citation="Victims' Code 2013, police: VPS offered when the "
                                         "witness statement is taken", provenance=("O",)),
                   "2015": dict(citation="Victims' Code 2015, police: VPS", provenance=("O",)),
                   "2020": dict(citation="Victims' Code 2020, Right 7", right="7",
                                triggers=(T("crime.reported"),), provenance=("O",))}),
    dict(id="family_liaison_officer", title=gettext_noop("Family Liaison Officer for bereaved relatives"),
         stage=4, provider="police",
         triggers=(T("victim.identified", when=(C("kind", "eq", "bereaved_close_relative"),)),),
         action=gettext_noop("Assign a Family Liaison Officer to the bereaved family."),
         enhanced=untimed("as soon as possible"), standard=untimed("as soon as possible"),
         eligibility=Eligibility(kinds=("bereaved_close_relative",)),
         evidence=Evidence(contact=False, event_types=("family_liaison.assigned",)),
         editions={e: dict(citation=f"Victims' Code {e}, bereaved close relatives",
                           provenance=("O", "UNVERIFIED"),
                           notes="Deadline UNVERIFIED.")
                   for e in ("2013", "2015", "2020")}),
    # ---------------------------------------------------------------- 4. charge and pre-trial
    dict(id="suspect_charged", title=gettext_noop("Suspect charged"), stage=4, provider="police",
         triggers=(T("suspect.charged"),),
         action=gettext_noop("Tell the victim that the suspect was charged."),
         declined_by=("victim.opted_out",), **ONE_FIVE,
         editions={"2013": dict(citation="Victims' Code 2013, police: suspect charged",
                                provenance=("O",)),
                   "2015": dict(citation="Victims' Code 2015, police: suspect charged",
                                provenance=("O",)),
                   "2020": dict(citation="Victims' Code 2020, Right 6", right="6",
                                provenance=("I", "UNVERIFIED"),
                                notes="2020 wording UNVERIFIED.")}),
    dict(id="out_of_court_disposal_outcome", title=gettext_noop("Out-of-court disposal given"), stage=4,
         provider="police", triggers=(T("ooc_disposal.issued"),),
         action=gettext_noop("Tell the victim that the offender was given an out-of-court disposal."),
         declined_by=("victim.opted_out",), **ONE_FIVE,
         editions={e: dict(citation=f"Victims' Code {e}, police: out-of-court disposals"
                                    + (" (Right 6)" if e == "2020" else ""),
                           provenance=("O",), right="6" if e == "2020" else "")
                   for e in ("2013", "2015", "2020")}),
    dict(id="out_of_court_disposal_views", title=gettext_noop("Victim's views before an out-of-court disposal"),
         stage=4, provider="police", triggers=(T("ooc_disposal.proposed"),),
         action=gettext_noop("Seek and record the victim's views before deciding on an out-of-court disposal."),
         enhanced=before("ooc_disposal.issued"), standard=before("ooc_disposal.issued"),
         evidence=Evidence(contact=False, event_types=("ooc_disposal.victim_views_recorded",)),
         editions={"2013": dict(citation="Home Office out-of-court disposal guidance (earlier "
                                         "practice under the 2013 Code)",
                                provenance=("O", "UNVERIFIED")),
                   "2015": dict(citation="Home Office out-of-court disposal guidance (earlier "
                                         "practice under the 2015 Code)",
                                provenance=("O", "UNVERIFIED")),
                   "2020": dict(citation="Victims' Code 2020, Right 6", right="6",
                                provenance=("O", "UNVERIFIED"),
                                notes="Exact Code wording UNVERIFIED.")}),
    dict(id="vrr_information_police", title=gettext_noop("Right to review a police decision"), stage=4,
         provider="police", triggers=(T("suspect.released_no_further_action"),),
         action=gettext_noop("Tell the victim the reasons for the decision, how to get more information and "
                   "how to seek a review under the police Victims' Right to Review scheme."),
         enhanced=wd(1), standard=wd(5), declined_by=("victim.opted_out",),
         editions={e: dict(citation=f"Victims' Code {e}; NPCC Victims' Right to Review scheme"
                                    + (" (Right 6)" if e == "2020" else ""),
                           provenance=("O", "I"), right="6" if e == "2020" else "",
                           notes="The enhanced 1 working day is inferred [I].")
                   for e in ("2015", "2020")}),
    dict(id="police_vrr_acknowledgement", title=gettext_noop("Acknowledge a police review request"), stage=4,
         provider="police",
         triggers=(T("right_to_review.requested", when=(C("scheme", "eq", "police"),)),),
         action=gettext_noop("Acknowledge the victim's request for a review of the police decision."),
         enhanced=wd(10, "received"), standard=wd(10, "received"),
         editions={e: dict(citation="NPCC Victims' Right to Review scheme (Victims' Code "
                                    f"{e})", provenance=("O",))
                   for e in ("2015", "2020")}),
    dict(id="police_vrr", title=gettext_noop("Decide a police review request"), stage=4, provider="police",
         triggers=(T("right_to_review.requested", when=(C("scheme", "eq", "police"),)),),
         action=gettext_noop("Review the police decision and tell the victim the outcome."),
         enhanced=Deadline("working_days", 30, "received"),
         standard=Deadline("working_days", 30, "received"),
         evidence=Evidence(contact=False, event_types=("right_to_review.decided",),
                           ref_field="request"),
         editions={e: dict(citation="NPCC Victims' Right to Review scheme (Victims' Code "
                                    f"{e}): decision within 30 working days of receipt",
                           provenance=("O",), notes="Complex cases may take longer.")
                   for e in ("2015", "2020")}),
    dict(id="cps_decision_not_to_charge", title=gettext_noop("CPS decision not to prosecute"), stage=4,
         provider="cps",
         triggers=(T("cps.decision", when=(C("decision", "eq", "no_further_action"),)),),
         action=gettext_noop("Tell the victim the CPS decided not to prosecute, explain why, and tell them "
                   "about the Victims' Right to Review."),
         **ONE_FIVE,
         editions={"2013": dict(citation="Victims' Code 2013, CPS; CPS Victim Communication and "
                                         "Liaison scheme", provenance=("O",)),
                   "2015": dict(citation="Victims' Code 2015, ch. 2 part 2 (CPS)",
                                provenance=("P", "O")),
                   "2020": dict(citation="Victims' Code 2020, Right 6; CPS Victim Communication "
                                         "and Liaison guidance (30 Jan 2020)", right="6",
                                provenance=("P",))}),
    dict(id="cps_discontinue_or_alter_charge", title=gettext_noop("CPS discontinues or alters a charge"),
         stage=4, provider="cps",
         triggers=(T("cps.decision", when=(C("decision", "in", (
             "alter_charge", "discontinue", "accept_plea_other_charge", "offer_no_evidence")),)),),
         action=gettext_noop("Tell the victim the CPS decided to discontinue or substantially alter the charge "
                   "(or to offer no evidence), with the reasons, and how to seek a review where "
                   "proceedings end."),
         **ONE_FIVE,
         editions={"2013": dict(citation="Victims' Code 2013, CPS (Nottinghamshire FAQ wording)",
                                provenance=("O",)),
                   "2015": dict(citation="Victims' Code 2015, ch. 2 part 2 (CPS)",
                                provenance=("P", "O")),
                   "2020": dict(citation="Victims' Code 2020, Right 6; CPS VCL guidance",
                                right="6", provenance=("P",))}),
    dict(id="cps_meeting_on_decision", title=gettext_noop("Meeting to explain a CPS decision"), stage=4,
         provider="cps",
         # (b) substantially alter a charge, (c) discontinue, (d) offer no evidence.
         triggers=(T("cps.decision", when=(C("decision", "in", (
             "alter_charge", "discontinue", "offer_no_evidence")),)),),
         action=gettext_noop("Offer the bereaved family (or victim in a specified case) a meeting to explain "
                   "the decision, or explain why a meeting will not take place."),
         enhanced=untimed(), standard=untimed(),
         eligibility=Eligibility(kinds=("bereaved_close_relative", "family_spokesperson",
                                        "person", "parent_or_guardian"),
                                 case_flags=("death", "sexual_offence", "hate",
                                             "child_abuse")),
         evidence=Evidence(contact=False, event_types=("meeting.offered",)),
         editions={e: dict(citation=f"Victims' Code {e}, CPS; CPS VCL guidance (specified "
                                    "cases)", provenance=("O", "P", "UNVERIFIED"),
                           notes="The list of specified cases after 2013 is UNVERIFIED.")
                   for e in ("2013", "2015", "2020")}),
    dict(id="cps_vrr", title=gettext_noop("Decide a CPS review request"), stage=4, provider="cps",
         triggers=(T("right_to_review.requested", when=(C("scheme", "eq", "cps"),)),),
         action=gettext_noop("Review the CPS decision (local resolution, then independent review) and tell "
                   "the victim the outcome."),
         enhanced=untimed(), standard=untimed(),
         evidence=Evidence(contact=False, event_types=("right_to_review.decided",),
                           ref_field="request"),
         editions={e: dict(citation="CPS Victims' Right to Review scheme (from 5 June 2013)",
                           provenance=("O", "UNVERIFIED"),
                           notes="The CPS decision timescale (Annex B) is UNVERIFIED.")
                   for e in ("2013", "2015", "2020")}),
    dict(id="cps_bereaved_meetings_sentence", title=gettext_noop("Meetings for bereaved families at sentence"),
         stage=5, provider="cps",
         triggers=(T("verdict.given", when=(C("verdict", "in", ("guilty", "mixed")),)),),
         action=gettext_noop("Offer the bereaved family a meeting before sentencing to confirm their VPS, and "
                   "after the sentencing hearing to explain the sentence."),
         enhanced=untimed(), standard=untimed(),
         eligibility=Eligibility(kinds=("bereaved_close_relative", "family_spokesperson")),
         evidence=Evidence(contact=False, event_types=("meeting.offered",)),
         editions={"2020": dict(citation="Victims' Code 2020, Right 9", right="9",
                                provenance=("O",))}),
    dict(id="cps_expenses", title=gettext_noop("Pay witness expenses"), stage=5, provider="cps",
         triggers=(T("expenses.claimed"),),
         action=gettext_noop("Pay the witness's expenses claim."),
         enhanced=untimed("without unreasonable delay"),
         standard=untimed("without unreasonable delay"),
         evidence=Evidence(contact=False, event_types=("expenses.paid",), ref_field="claim"),
         editions={"2020": dict(citation="Victims' Code 2020, Right 10; Armed Forces Code "
                                         "para 176", right="10",
                                provenance=("P", "O", "UNVERIFIED"),
                                notes="2006 Code: 10 working days; the 2020 timescale is "
                                      "UNVERIFIED.")}),
    # ---------------------------------------------------------------- 5. trial
    dict(id="wcu_needs_assessment", title=gettext_noop("Witness Care Unit full needs assessment"), stage=5,
         provider="wcu", triggers=(T("witness.required"),), right="",
         action=gettext_noop("Carry out a full needs assessment (childcare, transport, language, medical "
                   "needs, intimidation) and offer referral to the Witness Service."),
         enhanced=untimed(), standard=untimed(),
         evidence=Evidence(contact=False, event_types=("wcu.needs_assessment.completed",)),
         editions={e: dict(citation=f"Victims' Code {e}, Witness Care Units"
                                    + (" (Rights 4 and 8)" if e == "2020" else ""),
                           provenance=("O", "UNVERIFIED"), notes="Deadline UNVERIFIED.")
                   for e in ("2013", "2015", "2020")}),
    dict(id="wcu_required_to_give_evidence", title=gettext_noop("Told they must give evidence"), stage=5,
         provider="wcu", triggers=(T("witness.required"),),
         action=gettext_noop("Tell the victim that they are required to give evidence."),
         enhanced=wd(1, "received"), standard=wd(1, "received"),
         editions={"2020": dict(citation="Victims' Code 2020, Right 8.2", right="8",
                                provenance=("O",))}),
    dict(id="wcu_hearing_date", title=gettext_noop("Hearing dates"), stage=5, provider="wcu",
         triggers=(T("hearing.listed"), T("trial.date_set")),
         action=gettext_noop("Tell the victim the time, date and place of the hearing."),
         enhanced=wd(1, "received"), standard=wd(5, "received"),
         declined_by=("victim.opted_out",),
         editions={"2013": dict(citation="Victims' Code 2013, Witness Care Units",
                                provenance=("UNVERIFIED",),
                                notes="The 2013 enhanced/standard split is UNVERIFIED."),
                   "2015": dict(citation="Victims' Code 2015, Witness Care Units",
                                provenance=("UNVERIFIED",),
                                notes="The 2015 enhanced/standard split is UNVERIFIED."),
                   "2020": dict(citation="Victims' Code 2020, Right 8.1", right="8",
                                standard=wd(1, "received"), provenance=("P", "O"))}),
    dict(id="wcu_bail_and_warrant_outcomes", title=gettext_noop("Court bail and warrant outcomes"), stage=5,
         provider="wcu", triggers=(T("court.bail_decided"), T("warrant.issued")),
         action=gettext_noop("Tell the victim the outcome of the bail hearing (with any conditions and "
                   "reasons), or that a warrant was issued for the defendant's arrest."),
         enhanced=wd(1, "received"), standard=wd(5, "received"),
         declined_by=("victim.opted_out",),
         editions={"2013": dict(citation="Victims' Code 2013, Witness Care Units",
                                provenance=("UNVERIFIED",)),
                   "2015": dict(citation="Victims' Code 2015, Witness Care Units",
                                provenance=("UNVERIFIED",)),
                   "2020": dict(citation="Victims' Code 2020, Right 8.1", right="8",
                                provenance=("O",))}),
    dict(id="special_measures", title=gettext_noop("Outcome of a special measures application"), stage=5,
         provider="wcu", triggers=(T("special_measures.decided"),),
         action=gettext_noop("Tell the victim the outcome of the application for special measures."),
         enhanced=wd(1, "received"), standard=wd(5, "received"),
         eligibility=Eligibility(categories=("vulnerable", "intimidated")),
         editions={e: dict(citation=f"Victims' Code {e}, special measures (YJCEA 1999 ss.16-17)"
                                    + (", Rights 4 and 8" if e == "2020" else ""),
                           provenance=("P", "O", "I"),
                           notes="Timing read as the Right 8 block [I].")
                   for e in ("2013", "2015", "2020")}),
    dict(id="pre_trial_court_visit", title=gettext_noop("Pre-trial court familiarisation visit"), stage=5,
         provider="wcu", triggers=(T("witness.required"),),
         action=gettext_noop("Offer referral to the Witness Service for a pre-trial visit to the court."),
         enhanced=before("trial.started", text="before the trial"),
         standard=before("trial.started", text="before the trial"),
         evidence=Evidence(contact=False, event_types=("court_visit.offered",)),
         editions={e: dict(citation=f"Victims' Code {e}, Witness Care Units"
                                    + (" (Right 8)" if e == "2020" else ""),
                           provenance=("O",))
                   for e in ("2013", "2015", "2020")}),
    dict(id="prosecutor_meets_witness", title=gettext_noop("Prosecutor meets the victim at court"), stage=5,
         provider="cps", triggers=(T("trial.started"),),
         action=gettext_noop("Where possible and if the court allows, the prosecutor meets the victim before "
                   "they give evidence."),
         enhanced=untimed("on the day of the trial, where possible"),
         standard=untimed("on the day of the trial, where possible"),
         eligibility=Eligibility(),
         editions={"2020": dict(citation="Victims' Code 2020, Right 8", right="8",
                                provenance=("O",))}),
    dict(id="wcu_verdict", title=gettext_noop("Verdict"), stage=5, provider="wcu",
         triggers=(T("verdict.given"),),
         action=gettext_noop("Tell the victim the verdict and, where available, a brief summary of reasons."),
         enhanced=wd(1, "received"), standard=wd(1, "received"),
         declined_by=("victim.opted_out",),
         editions={"2013": dict(citation="Victims' Code 2013, Witness Care Units",
                                provenance=("O", "UNVERIFIED"),
                                notes="The 2013 standard deadline is UNVERIFIED."),
                   "2015": dict(citation="Victims' Code 2015, Witness Care Units",
                                provenance=("O", "UNVERIFIED"),
                                notes="The 2015 standard deadline is UNVERIFIED."),
                   "2020": dict(citation="Victims' Code 2020, Right 9", right="9",
                                provenance=("O",))}),
    dict(id="wcu_sentence", title=gettext_noop("Sentence and what it means"), stage=5, provider="wcu",
         triggers=(T("sentence.passed"),),
         action=gettext_noop("Tell the victim the sentence, with a short explanation of its meaning and "
                   "effect."),
         enhanced=wd(1, "received"), standard=wd(1, "received"),
         declined_by=("victim.opted_out",),
         editions={"2013": dict(citation="Victims' Code 2013, Witness Care Units",
                                provenance=("O", "UNVERIFIED")),
                   "2015": dict(citation="Victims' Code 2015, Witness Care Units",
                                provenance=("O", "UNVERIFIED")),
                   "2020": dict(citation="Victims' Code 2020, Right 9", right="9",
                                provenance=("O",))}),
    dict(id="wcu_appeal", title=gettext_noop("Appeals"), stage=5, provider="wcu",
         triggers=(T("appeal.lodged"), T("appeal.hearing_listed"), T("appeal.decided")),
         action=gettext_noop("Tell the victim about the appeal: whether it may proceed, hearing dates, bail "
                   "changes and the outcome."),
         enhanced=wd(1, "received"), standard=wd(1, "received"),
         declined_by=("victim.opted_out",),
         editions={"2013": dict(citation="Victims' Code 2013, Witness Care Units (children)",
                                provenance=("O", "UNVERIFIED"),
                                notes="Stated for child victims; adults UNVERIFIED."),
                   "2015": dict(citation="Victims' Code 2015, Witness Care Units",
                                provenance=("O", "I", "UNVERIFIED")),
                   "2020": dict(citation="Victims' Code 2020, Right 9", right="9",
                                provenance=("UNVERIFIED",),
                                notes="The 2020 appeals timescale is UNVERIFIED.")}),
    # ---------------------------------------------------------------- 6. post-trial
    dict(id="vcs_referral", title=gettext_noop("Referral to the Victim Contact Scheme"), stage=6,
         provider="wcu",
         triggers=(T("sentence.passed", any_of=(C("custodial_months", "gte", 12),
                                                C("hospital_order", "true"))),),
         action=gettext_noop("Tell the victim about the Victim Contact Scheme and refer them to the probation "
                   "service unless they object."),
         eligibility=Eligibility(case_flags=("violent_or_sexual",)),
         evidence=Evidence(contact=False, event_types=("vcs.referred",)),
         declined_by=("vcs.opted_out",),
         enhanced=wd(20), standard=wd(20),
         editions={"2013": dict(citation="Victims' Code 2013, Victim Contact Scheme",
                                provenance=("O", "I"),
                                notes="Table id vcs_referral_2013; 20 working days measured "
                                      "from sentence [I]."),
                   "2015": dict(citation="Victims' Code 2015, Victim Contact Scheme",
                                provenance=("O", "I"),
                                notes="Table id vcs_referral_2013."),
                   "2020": dict(citation="Victims' Code 2020, Right 11", right="11",
                                enhanced=wd(10), standard=wd(10), provenance=("O", "I"),
                                notes="Table id vcs_referral_2020; the referrer is not named "
                                      "in the source (WCU [I]).")}),
    dict(id="vcs_initial_contact", title=gettext_noop("First contact from a Victim Liaison Officer"),
         stage=6, provider="probation",
         triggers=(T("sentence.passed", any_of=(C("custodial_months", "gte", 12),
                                                C("hospital_order", "true"))),),
         action=gettext_noop("Write to the victim offering contact or a meeting with a Victim Liaison "
                   "Officer."),
         eligibility=Eligibility(case_flags=("violent_or_sexual",)),
         evidence=Evidence(contact=True, event_types=("vcs.offered",)),
         declined_by=("vcs.opted_out",),
         enhanced=wd(40), standard=wd(40),
         editions={"2013": dict(citation="Victims' Code 2013, Victim Contact Scheme",
                                provenance=("S", "UNVERIFIED"),
                                notes="Table id vcs_initial_contact_2013."),
                   "2015": dict(citation="Victims' Code 2015, Victim Contact Scheme",
                                provenance=("S", "UNVERIFIED"),
                                notes="Table id vcs_initial_contact_2013."),
                   "2020": dict(citation="Victims' Code 2020, Right 11", right="11",
                                triggers=(T("vcs.referred"),),
                                enhanced=wd(20, "received"), standard=wd(20, "received"),
                                provenance=("O",),
                                notes="Table id vcs_initial_contact_2020: 20 working days of "
                                      "the referral.")}),
    dict(id="vcs_key_stages", title=gettext_noop("Key stages of the sentence"), stage=6,
         provider="probation",
         triggers=(T("offender.released"), T("release.under_consideration"),
                   T("licence.conditions_set"), T("offender.conditions_ended")),
         action=gettext_noop("Tell the victim about this key stage of the offender's sentence."),
         eligibility=Eligibility(vcs_opted_in=True),
         enhanced=untimed(), standard=untimed(), declined_by=("vcs.opted_out",),
         editions={e: dict(citation=f"Victims' Code {e}, Victim Contact Scheme"
                                    + (" (Right 11)" if e == "2020" else ""),
                           provenance=("O", "P"), right="11" if e == "2020" else "")
                   for e in ("2013", "2015", "2020")}),
    dict(id="vcs_licence_representations", title=gettext_noop("Representations on licence conditions"),
         stage=6, provider="probation", triggers=(T("release.under_consideration"),),
         action=gettext_noop("Invite the victim's representations about victim-related licence conditions "
                   "before the release decision."),
         eligibility=Eligibility(vcs_opted_in=True),
         enhanced=before("licence.conditions_set", "offender.released",
                         text="before the release decision"),
         standard=before("licence.conditions_set", "offender.released",
                         text="before the release decision"),
         evidence=Evidence(contact=False, event_types=("licence.representations_invited",)),
         declined_by=("vcs.opted_out",),
         editions={e: dict(citation=f"Victims' Code {e}, Victim Contact Scheme"
                                    + (" (Right 11)" if e == "2020" else ""),
                           provenance=("O", "P"), right="11" if e == "2020" else "")
                   for e in ("2013", "2015", "2020")}),
    dict(id="release_notification", title=gettext_noop("Expected month of release"), stage=6,
         provider="probation", triggers=(T("vcs.opted_in"),),
         action=gettext_noop("Tell the victim the expected month of release (or of parole eligibility), and "
                   "update them if it changes."),
         enhanced=untimed("very early following sentence"),
         standard=untimed("very early following sentence"), declined_by=("vcs.opted_out",),
         editions={e: dict(citation="NOMS Victim Contact Scheme guidance (Hansard written "
                                    "answer, 2013)", provenance=("P", "O"))
                   for e in ("2013", "2015", "2020")}),
    dict(id="unwanted_contact_from_offender", title=gettext_noop("Unwanted contact from the offender"),
         stage=6, provider="probation", triggers=(T("unwanted_contact.reported"),),
         action=gettext_noop("Act on the victim's report of unwanted contact from the offender and tell them "
                   "what was done."),
         enhanced=untimed(), standard=untimed(),
         editions={"2015": dict(citation="Victims' Code 2015; Armed Forces Code para 186",
                                provenance=("P", "O"))}),
    # ---------------------------------------------------------------- 7. restorative justice
    dict(id="rj_information", title=gettext_noop("Information about restorative justice"), stage=7,
         provider="police", triggers=(T("crime.reported"),),
         action=gettext_noop("Give the victim information about restorative justice and how to take part "
                   "(the youth offending team does this where the offender is under 18)."),
         enhanced=untimed(), standard=untimed(),
         evidence=Evidence(contact=True, event_types=("rj.information_given",)),
         editions={e: dict(citation=f"Victims' Code {e}, police: restorative justice"
                                    + (" (Right 3)" if e == "2020" else ""),
                           provenance=("O",), right="3" if e == "2020" else "")
                   for e in ("2013", "2015", "2020")}),
    # ---------------------------------------------------------------- 8. compensation, complaints
    dict(id="cics_information", title=gettext_noop("Information about compensation"), stage=8,
         provider="police", triggers=(T("crime.reported"),),
         action=gettext_noop("Tell the victim about compensation, including the Criminal Injuries "
                   "Compensation Scheme and how to claim."),
         enhanced=untimed(), standard=untimed(),
         evidence=Evidence(contact=True, event_types=("cics.information_given",)),
         editions={e: dict(citation=f"Victims' Code {e}, compensation"
                                    + (" (Right 5)" if e == "2020" else ""),
                           provenance=("P", "O"), right="5" if e == "2020" else "")
                   for e in ("2013", "2015", "2020")}),
    dict(id="cics_application_time_limit",
         title=gettext_noop("Time limit to claim criminal injuries compensation"), stage=8, provider="any",
         triggers=(T("crime.reported"),), duty=False,
         action=gettext_noop("The victim may apply to the Criminal Injuries Compensation Authority within two "
                   "years of the incident (longer for children); this is the victim's time limit, "
                   "shown so that they are told in time."),
         enhanced=untimed(), standard=untimed(),
         editions={e: dict(citation="Criminal Injuries Compensation Scheme 2012 (paras 87-89, "
                                    "UNVERIFIED)", provenance=("S", "O", "UNVERIFIED"))
                   for e in ("2013", "2015", "2020")}),
    dict(id="complaint_response", title=gettext_noop("Response to a complaint"), stage=8, provider="any",
         triggers=(T("complaint.received"),),
         action=gettext_noop("Give a substantive response to the complaint, or an acknowledgement setting out "
                   "when a full response will come, with how to escalate to the Parliamentary and "
                   "Health Service Ombudsman."),
         enhanced=wd(10), standard=wd(10), eligibility=ANYONE,
         evidence=Evidence(contact=False, event_types=("complaint.responded",),
                           ref_field="complaint"),
         editions={"2013": dict(citation="Victims' Code 2013, complaints",
                                provenance=("UNVERIFIED",),
                                notes="The 2013 timescale is UNVERIFIED."),
                   "2015": dict(citation="Victims' Code 2015, complaints (MoJ written answer, "
                                         "29 Oct 2015)", provenance=("P", "O")),
                   "2020": dict(citation="Victims' Code 2020, Right 12", right="12",
                                provenance=("P", "I", "UNVERIFIED"),
                                notes="2020 wording UNVERIFIED.")}),
    dict(id="interpretation_translation", title=gettext_noop("Interpretation and translation"), stage=8,
         provider="any", triggers=(T("interpretation.requested"),),
         action=gettext_noop("Provide interpretation into a language the victim understands, and translation "
                   "of the key documents, free of charge."),
         enhanced=untimed("on request"), standard=untimed("on request"), eligibility=ANYONE,
         evidence=Evidence(contact=False, event_types=("interpretation.provided",),
                           ref_field="request"),
         editions={"2015": dict(citation="Victims' Code 2015, paras 1.20-1.22",
                                provenance=("P",)),
                   "2020": dict(citation="Victims' Code 2020, Right 1", right="1",
                                provenance=("O",))}),
    dict(id="interview_support_right2", title=gettext_noop("Interviews kept to a minimum, with support"),
         stage=3, provider="police", triggers=(T("witness_statement.taken"),), duty=False,
         action=gettext_noop("Keep interviews to a minimum and without unjustified delay, by the same person "
                   "where possible; allow a person of the victim's choice; consider an interpreter "
                   "or Registered Intermediary."),
         enhanced=untimed("without unjustified delay"),
         standard=untimed("without unjustified delay"),
         editions={"2020": dict(citation="Victims' Code 2020, Right 2", right="2",
                                provenance=("O",))}),
    dict(id="business_isb", title=gettext_noop("Impact Statement for Business"), stage=3, provider="police",
         triggers=(T("witness_statement.taken"),),
         action=gettext_noop("Offer the business an Impact Statement for Business and record whether it "
                   "wants it read aloud."),
         enhanced=Deadline("calendar_days", 0, text="with the witness statement"),
         standard=Deadline("calendar_days", 0, text="with the witness statement"),
         eligibility=Eligibility(kinds=("business",)),
         evidence=Evidence(contact=False, event_types=("vps.offered",)),
         editions={e: dict(citation=f"Victims' Code {e}, ch. 4 (businesses)",
                           provenance=("S", "O"))
                   for e in ("2013", "2015")}),
]


def _build(edition: str) -> tuple[Entitlement, ...]:
    out = []
    for spec in _SPECS:
        per = spec.get("editions", {})
        if edition not in per:
            continue
        fields = {k: v for k, v in spec.items() if k != "editions"}
        fields.update(per[edition])
        out.append(Entitlement(edition=edition, **fields))
    return tuple(out)


EDITIONS: dict[str, Edition] = {
    key: Edition(id=key, title=title, in_force_from=start, instrument=instrument,
                 entitlements=_build(key))
    for key, (title, start, instrument) in EDITION_META.items()
}
_ORDER = sorted(EDITIONS.values(), key=lambda e: e.in_force_from)


def edition_on(day: dt.date) -> Edition | None:
    """The edition in force on a local date (None before 10 December 2013)."""
    found = None
    for edition in _ORDER:
        if edition.in_force_from <= day:
            found = edition
    return found


def all_entitlements() -> list[Entitlement]:
    return [e for edition in _ORDER for e in edition.entitlements]
