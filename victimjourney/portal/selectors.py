"""What the portal shows a victim: only their own case, only what the Code lets them see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from victimjourney.cases.models import CaseOrganisation
from victimjourney.code.editions import EDITIONS
from victimjourney.code.for_victims import plain_action
from victimjourney.core.clock import LONDON, local_date
from victimjourney.duties.models import Duty
from victimjourney.journey.models import Event
from victimjourney.letters.content import DECISIONS, VERDICTS
from victimjourney.organisations.models import Organisation
from victimjourney.victims.models import Victim

# The events a victim sees, in plain words, stage by stage. Anything else on the case (risk
# assessments, categorisation, flags, internal contacts between agencies, details of the
# suspect beyond what the Code provides) is not shown.
TIMELINE = {
    "crime.reported": gettext_noop("You reported the crime."),
    "crime.recorded": gettext_noop("The police recorded the crime."),
    "crime.cancelled": gettext_noop("The police cancelled the crime record."),
    "referral.made": gettext_noop("Your details were passed to victims' services."),
    "needs_assessment.completed": gettext_noop("The police asked what support you need."),
    "vps.offered": gettext_noop("You were offered the chance to make a Victim Personal "
                                "Statement."),
    "vps.made": gettext_noop("You made a Victim Personal Statement."),
    "suspect.arrested": gettext_noop("A suspect was arrested."),
    "suspect.interviewed": gettext_noop("A suspect was interviewed by the police."),
    "suspect.bailed": gettext_noop("The suspect was released on bail."),
    "suspect.bail_changed": gettext_noop("The suspect's bail conditions changed."),
    "suspect.released_no_further_action": gettext_noop("The suspect was released without "
                                                       "charge."),
    "suspect.released_under_investigation": gettext_noop("The suspect was released while the "
                                                         "police investigate."),
    "investigation.closed": gettext_noop("The police closed the investigation."),
    "suspect.charged": gettext_noop("The suspect was charged."),
    "cps.decision": gettext_noop("The Crown Prosecution Service made a decision: %(detail)s."),
    "ooc_disposal.issued": gettext_noop("The offender was dealt with out of court."),
    "right_to_review.requested": gettext_noop("You asked for a decision to be reviewed."),
    "right_to_review.decided": gettext_noop("The review of the decision was completed."),
    "witness.required": gettext_noop("You are needed as a witness at court."),
    "hearing.listed": gettext_noop("A court hearing was arranged."),
    "trial.date_set": gettext_noop("A trial date was set."),
    "trial.started": gettext_noop("The trial began."),
    "verdict.given": gettext_noop("The court reached a verdict: %(detail)s."),
    "sentence.passed": gettext_noop("The offender was sentenced: %(detail)s."),
    "appeal.lodged": gettext_noop("The offender appealed."),
    "appeal.decided": gettext_noop("The appeal was decided."),
    "vcs.offered": gettext_noop("You were offered the Victim Contact Scheme."),
    "vcs.opted_in": gettext_noop("You joined the Victim Contact Scheme."),
    "vcs.opted_out": gettext_noop("You chose not to join the Victim Contact Scheme."),
    "offender.released": gettext_noop("The offender was released (%(detail)s)."),
    "rj.information_given": gettext_noop("You were told about restorative justice."),
    "cics.information_given": gettext_noop("You were told about criminal injuries "
                                           "compensation."),
    "complaint.received": gettext_noop("You made a complaint."),
    "complaint.responded": gettext_noop("Your complaint was answered."),
    "contact.made": gettext_noop("We contacted you (%(detail)s)."),
}
STAGE_OF = {
    "crime.reported": 1, "crime.recorded": 1, "crime.cancelled": 1, "referral.made": 2,
    "needs_assessment.completed": 2,
}


@dataclass
class TimelineLine:
    when: dt.date
    text: str
    month_only: bool = False


def _detail(event: Event) -> str:
    data = event.data or {}
    if event.type == "cps.decision":
        return _(DECISIONS.get(data.get("decision", ""), "-")).lower()
    if event.type == "verdict.given":
        return _(VERDICTS.get(data.get("verdict", ""), "-")).lower()
    if event.type == "sentence.passed":
        return str(data.get("disposal", "-"))
    if event.type == "offender.released":
        # The Code gives the month of release, never the exact date or place.
        return formats.date_format(local_date(event.occurred_at), "F Y")
    if event.type == "contact.made":
        return str(data.get("channel", ""))
    return ""


def victim_timeline(victim: Victim) -> list[TimelineLine]:
    events = Event.objects.filter(case_id=victim.case_id, type__in=list(TIMELINE)).order_by(
        "occurred_at", "id")
    lines = []
    for event in events:
        if event.victim_key and event.victim_key != victim.key:
            continue  # another victim's own events
        text = _(TIMELINE[event.type])
        if "%(detail)s" in TIMELINE[event.type]:
            text = text % {"detail": _detail(event)}
        lines.append(TimelineLine(local_date(event.occurred_at), text,
                                  month_only=event.type == "offender.released"))
    return lines


@dataclass
class Upcoming:
    when: dt.datetime | dt.date
    text: str


def upcoming_dates(victim: Victim, today: dt.date) -> list[Upcoming]:
    out = []
    for event in Event.objects.filter(case_id=victim.case_id,
                                      type__in=["hearing.listed", "trial.date_set"]):
        data = event.data or {}
        if data.get("hearing_at"):
            when = dt.datetime.fromisoformat(data["hearing_at"]).astimezone(LONDON)
            if when.date() >= today:
                out.append(Upcoming(when, _("Court hearing")))
        if data.get("trial_date"):
            day = dt.date.fromisoformat(data["trial_date"])
            if day >= today:
                out.append(Upcoming(day, _("Trial")))
    return sorted(out, key=lambda u: str(u.when))


def named_contacts(victim: Victim) -> list[Organisation]:
    codes = CaseOrganisation.objects.filter(case_id=victim.case_id).values_list(
        "organisation_id", flat=True)
    return list(Organisation.objects.filter(code__in=list(codes)).exclude(kind="victim")
                .order_by("kind", "name"))


STATUS_WORDS = {
    "met": gettext_noop("Done on time"),
    "late": gettext_noop("Done, but late"),
    "breached": gettext_noop("Not done by the deadline"),
    "open": gettext_noop("Still to be done"),
    "not_applicable": gettext_noop("Does not apply"),
}


@dataclass
class RightLine:
    entitlement: str
    title: str
    meaning: str
    owed_by: str
    due: str
    status: str
    status_words: str


def victim_rights(victim: Victim) -> list[RightLine]:
    out = []
    for duty in Duty.objects.filter(victim=victim).select_related("provider").order_by(
            "triggered_at", "entitlement"):
        rule = EDITIONS[duty.edition].by_id()[duty.entitlement]
        spec = rule.enhanced if duty.enhanced else rule.standard
        due = (formats.date_format(duty.due_date, "j F Y") if duty.due_date
               else spec.describe_translated())
        out.append(RightLine(duty.entitlement, _(rule.title), plain_action(rule),
                             duty.provider.local_name, due, duty.status,
                             _(STATUS_WORDS[duty.status])))
    return out


def victim_messages(victim: Victim) -> list[Event]:
    # Newest first by when the service received them: a reply typed to the minute must not
    # sort before the question it answers.
    return list(Event.objects.filter(case_id=victim.case_id, type="portal.message",
                                     victim_key=victim.key).order_by("-recorded_at", "-id"))


def review_choices(victim: Victim) -> list[tuple[str, str]]:
    """Decisions the victim may ask to be reviewed (police NFA; CPS decisions that end it)."""
    out = []
    for event in Event.objects.filter(case_id=victim.case_id, type__in=[
            "suspect.released_no_further_action", "cps.decision"]).order_by("-occurred_at"):
        if event.type == "cps.decision" and (event.data or {}).get("decision") not in (
                "no_further_action", "discontinue", "offer_no_evidence"):
            continue
        label = _(TIMELINE[event.type])
        if "%(detail)s" in TIMELINE[event.type]:
            label = label % {"detail": _detail(event)}
        out.append((event.id, f"{formats.date_format(local_date(event.occurred_at), 'j F Y')}"
                              f": {label}"))
    return out
