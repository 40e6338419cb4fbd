"""Each entitlement's action in the victim's own words, for the portal ("My rights").

The rule data (`editions.py`) states what an agency must do, as an instruction to staff ("Tell
the victim ..."). A victim reads what they are owed: "You should be told ...". Keyed by the
staff wording, so every action of every edition has exactly one plain counterpart (a test checks
that none is missing); Welsh in the locale files like every other string.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

from victimjourney.code.model import Entitlement

PLAIN: dict[str, str] = {
    "Give the victim written information on what to expect from the criminal justice system (the victim information leaflet).":  # noqa: E501
        gettext_noop("You should be given written information about what to expect from the criminal justice system."),  # noqa: E501
    "Assess the victim's needs and whether they are eligible for enhanced entitlements, and pass that on to other service providers.":  # noqa: E501
        gettext_noop("The police should ask about your needs and whether you should get extra support, and pass this on to the other services helping you."),  # noqa: E501
    "Pass the victim's details to victims' services (unless they opt out; for sexual offence, domestic abuse and bereaved victims, with explicit consent).":  # noqa: E501
        gettext_noop("Your details should be passed to a victim support service, unless you say no. For some crimes they will ask you first."),  # noqa: E501
    "Tell the victim about victims' services and how to contact them, so they can refer themselves at any time.":  # noqa: E501
        gettext_noop("You should be told about support services for victims and how to contact them yourself, at any time."),  # noqa: E501
    "Tell the victim that the police will not investigate the crime, and why.":
        gettext_noop("If the police decide not to investigate, you should be told, and why."),
    "Agree with the victim how often and how they will be updated on the investigation.":
        gettext_noop("The police should agree with you how often, and how, you will get updates about the investigation."),  # noqa: E501
    "Tell the victim that a suspect was arrested, with the reasons where applicable.":
        gettext_noop("If someone is arrested, you should be told, and why."),
    "Tell the victim that a suspect was interviewed under caution.":
        gettext_noop("If a suspect is interviewed under caution, you should be told."),
    "Tell the victim that the suspect was released without charge, and explain why.":
        gettext_noop("If the suspect is released without being charged, you should be told, and why."),  # noqa: E501
    "Tell the victim that the suspect was released on police bail (or that bail conditions changed), with the reasons and the conditions.":  # noqa: E501
        gettext_noop("If the suspect is released on bail, or their bail conditions change, you should be told, with the reasons and the conditions."),  # noqa: E501
    "Offer the victim the chance to make a Victim Personal Statement and record how they would like it used in court.":  # noqa: E501
        gettext_noop("You should be offered the chance to make a Victim Personal Statement, saying how the crime has affected you, and asked how you would like it used in court."),  # noqa: E501
    "Assign a Family Liaison Officer to the bereaved family.":
        gettext_noop("Your family should have a Family Liaison Officer."),
    "Tell the victim that the suspect was charged.":
        gettext_noop("If the suspect is charged, you should be told."),
    "Tell the victim that the offender was given an out-of-court disposal.":
        gettext_noop("If the offender is dealt with without going to court (for example a caution), you should be told."),  # noqa: E501
    "Seek and record the victim's views before deciding on an out-of-court disposal.":
        gettext_noop("Before the police decide to deal with the offender without going to court, they should ask for your views."),  # noqa: E501
    "Tell the victim the CPS decided not to prosecute, explain why, and tell them about the Victims' Right to Review.":  # noqa: E501
        gettext_noop("If the prosecutors (CPS) decide not to prosecute, you should be told why, and how to ask for the decision to be reviewed."),  # noqa: E501
    "Tell the victim the CPS decided to discontinue or substantially alter the charge (or to offer no evidence), with the reasons, and how to seek a review where proceedings end.":  # noqa: E501
        gettext_noop("If the prosecutors (CPS) drop or change the charge a lot, you should be told why, and how to ask for a review if the case ends."),  # noqa: E501
    "Offer the bereaved family (or victim in a specified case) a meeting to explain the decision, or explain why a meeting will not take place.":  # noqa: E501
        gettext_noop("You should be offered a meeting with the prosecutor to explain the decision, or told why there will not be one."),  # noqa: E501
    "Review the CPS decision (local resolution, then independent review) and tell the victim the outcome.":  # noqa: E501
        gettext_noop("If you ask, the prosecutors (CPS) should review their decision and tell you the result."),  # noqa: E501
    "Carry out a full needs assessment (childcare, transport, language, medical needs, intimidation) and offer referral to the Witness Service.":  # noqa: E501
        gettext_noop("The Witness Care Unit should ask what you need to go to court (such as childcare, transport, language or medical needs, or if you feel afraid) and offer you help from the Witness Service."),  # noqa: E501
    "Tell the victim the time, date and place of the hearing.":
        gettext_noop("You should be told the time, date and place of each court hearing."),
    "Tell the victim the outcome of the bail hearing (with any conditions and reasons), or that a warrant was issued for the defendant's arrest.":  # noqa: E501
        gettext_noop("You should be told what the court decided about bail (with any conditions and the reasons), or that a warrant was issued to arrest the defendant."),  # noqa: E501
    "Tell the victim the outcome of the application for special measures.":
        gettext_noop("If help to give evidence was asked for (special measures, such as a screen or a video link), you should be told what the court decided."),  # noqa: E501
    "Offer referral to the Witness Service for a pre-trial visit to the court.":
        gettext_noop("You should be offered a visit to the court before the trial, with the Witness Service."),  # noqa: E501
    "Tell the victim the verdict and, where available, a brief summary of reasons.":
        gettext_noop("You should be told the verdict and, where there are any, a short summary of the reasons."),  # noqa: E501
    "Tell the victim the sentence, with a short explanation of its meaning and effect.":
        gettext_noop("You should be told the sentence, with a short explanation of what it means."),
    "Tell the victim about the appeal: whether it may proceed, hearing dates, bail changes and the outcome.":  # noqa: E501
        gettext_noop("If there is an appeal, you should be told whether it can go ahead, the hearing dates, any bail changes and the result."),  # noqa: E501
    "Tell the victim about the Victim Contact Scheme and refer them to the probation service unless they object.":  # noqa: E501
        gettext_noop("You should be told about the Victim Contact Scheme, and your details passed to the probation service unless you say no."),  # noqa: E501
    "Write to the victim offering contact or a meeting with a Victim Liaison Officer.":
        gettext_noop("The probation service should write to you offering contact or a meeting with a Victim Liaison Officer."),  # noqa: E501
    "Tell the victim about this key stage of the offender's sentence.":
        gettext_noop("You should be told about important stages of the offender's sentence."),
    "Invite the victim's representations about victim-related licence conditions before the release decision.":  # noqa: E501
        gettext_noop("Before the offender's release is decided, you should be asked what conditions you want on their licence to protect you."),  # noqa: E501
    "Tell the victim the expected month of release (or of parole eligibility), and update them if it changes.":  # noqa: E501
        gettext_noop("You should be told the month the offender is expected to be released (or can first be considered for parole), and told again if it changes."),  # noqa: E501
    "Give the victim information about restorative justice and how to take part (the youth offending team does this where the offender is under 18).":  # noqa: E501
        gettext_noop("You should be told about restorative justice (a chance to communicate with the offender, if you want to) and how to take part."),  # noqa: E501
    "Tell the victim about compensation, including the Criminal Injuries Compensation Scheme and how to claim.":  # noqa: E501
        gettext_noop("You should be told about compensation, including the Criminal Injuries Compensation Scheme, and how to claim."),  # noqa: E501
    "The victim may apply to the Criminal Injuries Compensation Authority within two years of the incident (longer for children); this is the victim's time limit, shown so that they are told in time.":  # noqa: E501
        gettext_noop("You can apply to the Criminal Injuries Compensation Authority within two years of the crime (longer for children). This is your deadline, not the agencies'."),  # noqa: E501
    "Give a substantive response to the complaint, or an acknowledgement setting out when a full response will come, with how to escalate to the Parliamentary and Health Service Ombudsman.":  # noqa: E501
        gettext_noop("If you complain, you should get a full answer, or be told when you will get one, and how to take it to the Parliamentary and Health Service Ombudsman."),  # noqa: E501
    "Offer the business an Impact Statement for Business and record whether it wants it read aloud.":  # noqa: E501
        gettext_noop("Your business should be offered the chance to make an Impact Statement for Business, and asked whether it should be read out in court."),  # noqa: E501
    "Send the victim a written acknowledgement that the crime was reported, with the basic details of the offence (unless it would put them at risk).":  # noqa: E501
        gettext_noop("You should get written confirmation that you reported the crime, with its basic details (unless that would put you at risk)."),  # noqa: E501
    "Tell the victim the reasons for the decision, how to get more information and how to seek a review under the police Victims' Right to Review scheme.":  # noqa: E501
        gettext_noop("If the police decide not to take the case further, you should be told why, how to find out more and how to ask for a review."),  # noqa: E501
    "Acknowledge the victim's request for a review of the police decision.":
        gettext_noop("If you ask the police to review their decision, they should confirm they have your request."),  # noqa: E501
    "Review the police decision and tell the victim the outcome.":
        gettext_noop("If you ask, the police should review their decision and tell you the result."),  # noqa: E501
    "Act on the victim's report of unwanted contact from the offender and tell them what was done.":
        gettext_noop("If the offender contacts you and you do not want it, tell us: something should be done, and you should be told what."),  # noqa: E501
    "Provide interpretation into a language the victim understands, and translation of the key documents, free of charge.":  # noqa: E501
        gettext_noop("If you need it, you should get an interpreter and translations of important documents, free of charge."),  # noqa: E501
    "Give the victim written confirmation of the crime with its basic details, the crime reference number and the contact details of the officer in the case.":  # noqa: E501
        gettext_noop("You should get written confirmation of the crime, with its basic details, the crime reference number and how to contact the officer in charge."),  # noqa: E501
    "Offer the victim referral to specialist support services and tell them about support at court such as special measures.":  # noqa: E501
        gettext_noop("You should be offered help from specialist support services, and told about help at court such as special measures."),  # noqa: E501
    "Tell the victim that the police will not investigate, explain why, and offer referral to a support service.":  # noqa: E501
        gettext_noop("If the police decide not to investigate, you should be told why and offered help from a support service."),  # noqa: E501
    "Tell the victim that the suspect was released without charge, explain why, how to get more information, how to seek a review and how to be referred to support.":  # noqa: E501
        gettext_noop("If the suspect is released without being charged, you should be told why, how to find out more, how to ask for a review and how to get support."),  # noqa: E501
    "Tell the victim that the suspect was released on bail or under investigation (or that bail conditions changed), with the reasons and any conditions.":  # noqa: E501
        gettext_noop("If the suspect is released on bail or while the investigation continues, or their bail conditions change, you should be told, with the reasons and any conditions."),  # noqa: E501
    "Offer the bereaved family a meeting before sentencing to confirm their VPS, and after the sentencing hearing to explain the sentence.":  # noqa: E501
        gettext_noop("Your family should be offered a meeting with the prosecutor before sentencing, about your Victim Personal Statement, and another after it, to explain the sentence."),  # noqa: E501
    "Pay the witness's expenses claim.":
        gettext_noop("If you claim expenses for going to court as a witness, they should be paid."),
    "Tell the victim that they are required to give evidence.":
        gettext_noop("If you are needed to give evidence in court, you should be told."),
    "Where possible and if the court allows, the prosecutor meets the victim before they give evidence.":  # noqa: E501
        gettext_noop("Where possible, the prosecutor should meet you before you give evidence."),
    "Keep interviews to a minimum and without unjustified delay, by the same person where possible; allow a person of the victim's choice; consider an interpreter or Registered Intermediary.":  # noqa: E501
        gettext_noop("Interviews should be as few as possible, without needless delay, by the same person where possible; you can bring someone you choose, and an interpreter or intermediary should be considered."),  # noqa: E501
}


def plain_action(rule: Entitlement) -> str:
    """What RULE owes the victim, in their words and language (the staff wording if missing)."""
    text = PLAIN.get(rule.action)
    return gettext(text) if text else gettext(rule.action)
