"""Letters to victims, written from the one case record.

Every letter about an event states the facts of that event as the case record holds them,
through one function (`letter_facts`), whichever agency sends it: the CPS's letter and the
Witness Care Unit's letter about the same decision cannot state different facts. Only the
sender and the sender's next steps differ. Text is translated (English and Welsh) through
Django's i18n, in the victim's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from victimjourney.cases.models import Case
from victimjourney.core.clock import LONDON
from victimjourney.journey.models import Event
from victimjourney.organisations.reference import OrganisationRef
from victimjourney.victims.models import Victim

LETTER_TYPES = (
    "suspect.arrested", "suspect.interviewed", "suspect.bailed",
    "suspect.released_no_further_action", "suspect.released_under_investigation",
    "suspect.charged", "cps.decision", "ooc_disposal.issued", "hearing.listed",
    "trial.date_set", "verdict.given", "sentence.passed", "investigation.closed",
)


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class Letter:
    language: str
    sender: str
    recipient: str
    reference: str
    dated: dt.date
    subject: str
    facts: tuple[Fact, ...]
    body: tuple[str, ...]
    rights: tuple[str, ...]


def _day(instant: dt.datetime) -> str:
    """A local date in the active language ("3 March 2024", "3 Mawrth 2024")."""
    return formats.date_format(instant.astimezone(LONDON).date(), "j F Y")


def letter_facts(case: Case, event: Event) -> tuple[Fact, ...]:
    """The facts a letter states about EVENT, from the case record (translated labels)."""
    data = event.data or {}
    facts = [Fact(_("Crime reference"), case.reference),
             Fact(_("Offence"), case.offence or "-"),
             Fact(_("Date"), _day(event.occurred_at))]
    if event.type == "cps.decision":
        facts.append(Fact(_("Decision"), _(DECISIONS.get(data.get("decision", ""), "-"))))
    if event.type == "suspect.charged" and data.get("charges"):
        facts.append(Fact(_("Charges"), "; ".join(data["charges"])))
    if event.type == "suspect.bailed" and data.get("conditions"):
        facts.append(Fact(_("Bail conditions"), "; ".join(data["conditions"])))
    if event.type in ("hearing.listed",) and data.get("hearing_at"):
        facts.append(Fact(_("Hearing"), _day(dt.datetime.fromisoformat(data["hearing_at"]))))
    if event.type == "trial.date_set" and data.get("trial_date"):
        facts.append(Fact(_("Trial date"), data["trial_date"]))
    if event.type == "verdict.given":
        facts.append(Fact(_("Verdict"), _(VERDICTS.get(data.get("verdict", ""), "-"))))
    if event.type == "sentence.passed":
        facts.append(Fact(_("Sentence"), str(data.get("disposal", "-"))))
        if data.get("custodial_months"):
            facts.append(Fact(_("Length of custody"),
                              _("%(n)s months") % {"n": data["custodial_months"]}))
    if event.type == "ooc_disposal.issued":
        facts.append(Fact(_("Disposal"), str(data.get("disposal", "")).replace("_", " ")))
    return tuple(facts)


DECISIONS = {
    "charge": gettext_noop("The suspect will be charged"),
    "no_further_action": gettext_noop("No further action: the case will not be prosecuted"),
    "alter_charge": gettext_noop("The charge has been substantially changed"),
    "discontinue": gettext_noop("The case has been stopped (discontinued)"),
    "accept_plea_other_charge": gettext_noop(
        "A guilty plea to a different charge has been accepted"),
    "offer_no_evidence": gettext_noop("The prosecution offered no evidence"),
}
VERDICTS = {"guilty": gettext_noop("Guilty"), "not_guilty": gettext_noop("Not guilty"),
            "mixed": gettext_noop("Guilty of some charges")}


def _subject(event: Event) -> str:
    return {
        "suspect.arrested": _("A suspect has been arrested"),
        "suspect.interviewed": _("A suspect has been interviewed"),
        "suspect.bailed": _("The suspect has been released on bail"),
        "suspect.released_no_further_action": _("The suspect has been released without charge"),
        "suspect.released_under_investigation": _("The suspect has been released under "
                                                  "investigation"),
        "suspect.charged": _("The suspect has been charged"),
        "cps.decision": _("A decision about your case"),
        "ooc_disposal.issued": _("The offender has been dealt with out of court"),
        "hearing.listed": _("A court hearing has been arranged"),
        "trial.date_set": _("A trial date has been set"),
        "verdict.given": _("The verdict in your case"),
        "sentence.passed": _("The sentence in your case"),
        "investigation.closed": _("The investigation has been closed"),
    }[event.type]


def _rights(event: Event) -> tuple[str, ...]:
    data = event.data or {}
    out = []
    if event.type == "cps.decision" and data.get("decision") in (
            "no_further_action", "discontinue", "offer_no_evidence"):
        out.append(_("You have the right to ask for this decision to be reviewed under the "
                     "Victims' Right to Review scheme. Ask within 10 working days of this "
                     "letter if you can; a request can be made up to 3 months after it."))
    if event.type == "suspect.released_no_further_action":
        out.append(_("You can ask the police to review this decision under the Victims' Right "
                     "to Review scheme."))
    if event.type == "sentence.passed":
        out.append(_("If the sentence is 12 months or more for a violent or sexual offence, "
                     "you can join the Victim Contact Scheme to hear about the offender's "
                     "release."))
    out.append(_("You can make a complaint if you have not received the services the Victims' "
                 "Code says you should."))
    return tuple(out)


def letter_for(*, case: Case, victim: Victim, event: Event, sender: OrganisationRef,
               dated: dt.date) -> Letter:
    if event.type not in LETTER_TYPES:
        raise ValueError(f"no letter for {event.type}")
    language = victim.language if victim.language in ("en", "cy") else "en"
    with translation.override(language):
        return Letter(
            language=language,
            sender=sender.local_name,
            recipient=victim.name or _("The victim"),
            reference=case.reference,
            dated=dated,
            subject=_subject(event),
            facts=letter_facts(case, event),
            body=(_("We are writing to tell you about a development in your case."),
                  _("If you have any questions, please contact us using the details below, "
                    "quoting the crime reference.")),
            rights=_rights(event),
        )
