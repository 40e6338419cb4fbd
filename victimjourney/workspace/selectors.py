"""What the case page shows, assembled from the stored record (already access-checked)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from victimjourney.accounts.permissions import fields_visible
from victimjourney.cases.models import Case
from victimjourney.core.clock import local_date
from victimjourney.duties.recorded import category_label
from victimjourney.duties.selectors import DutyView, duties_of_case, duty_views
from victimjourney.journey.catalogue import EVENT_TYPES, STAGES
from victimjourney.journey.models import Event
from victimjourney.letters.content import LETTER_TYPES
from victimjourney.organisations.reference import OrganisationRef
from victimjourney.victims.models import CategoryRecord, Victim
from victimjourney.workspace.forms import CHOICE_LABELS


@dataclass
class CategoryLine:
    label: str
    reason: str
    source: str
    since: dt.datetime
    confirmed_by: str


@dataclass
class VictimPanel:
    victim: Victim
    categories: list[CategoryLine]
    history: list[CategoryRecord]
    duties: list[DutyView]
    contact: dict | None  # None: hidden from this role
    contact_hidden_reason: str = ""
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class TimelineEvent:
    event: Event
    doc: str
    when: dt.datetime
    provider_name: str
    summary: str
    letter: bool = False


@dataclass
class CasePage:
    victims: list[VictimPanel]
    timeline: list[tuple[str, list[TimelineEvent]]]
    contacts: list[TimelineEvent]
    domestic_abuse: bool
    flags: list[FlagView] = field(default_factory=list)


SUMMARY_LABELS = {
    "offence": gettext_noop("offence"),
    "decision": gettext_noop("decision"),
    "disposal": gettext_noop("disposal"),
    "verdict": gettext_noop("verdict"),
    "channel": gettext_noop("channel"),
    "category": gettext_noop("category"),
    "reason": gettext_noop("reason"),
    "summary": gettext_noop("summary"),
    "kind": gettext_noop("kind"),
    "plea": gettext_noop("plea"),
    "scheme": gettext_noop("scheme"),
    "outcome": gettext_noop("outcome"),
}


def _summary(event: Event) -> str:
    """The event's main facts, a choice from the catalogue by its label ("decision: No
    further action", not the code), what was typed as typed."""
    data = event.data or {}
    spec = EVENT_TYPES.get(event.type)

    def value(key: str) -> Any:
        value = data[key]
        field = spec.fields.get(key) if spec else None
        if field is not None and field.kind == "enum" and value in CHOICE_LABELS:
            return CHOICE_LABELS[value]
        return value

    parts = [f"{_(label)}: {value(key)}" for key, label in SUMMARY_LABELS.items()
             if data.get(key)]
    if event.victim_key:
        parts.append(_("victim %(key)s") % {"key": event.victim_key})
    return "; ".join(str(p) for p in parts)


def _current_categories(history: list[CategoryRecord], now: dt.datetime) -> list[CategoryLine]:
    latest: dict[str, CategoryRecord] = {}
    for record in history:
        if record.effective_at <= now:
            latest[record.category] = record
    return [CategoryLine(category_label(r.category), r.reason, r.source,
                         r.effective_at, r.confirmed_by)
            for r in latest.values() if r.state == "applies"]


def case_page(case: Case, *, role: str, relationship: str, orgs: dict[str, OrganisationRef],
              now: dt.datetime) -> CasePage:
    """The case as ROLE sees it, its organisation having RELATIONSHIP to the case: contact
    details and safe-contact notes only where the permission matrix allows
    (`accounts.permissions.fields_visible`)."""
    events = list(case.events.order_by("occurred_at", "id"))
    domestic = any(e.type == "crime.reported" and (e.data or {}).get("domestic_abuse")
                   for e in events)
    duties = duties_of_case(case.pk)
    victims = []
    for victim in case.victims.order_by("key").prefetch_related("categories"):
        history = list(victim.categories.all())
        contact, _hidden = fields_visible(role, relationship, "victim", victim.contact,
                                          domestic_abuse=domestic)
        visible = contact is not None
        views = duty_views(duties.get(victim.key, []), orgs)
        counts: dict[str, int] = {}
        for view in views:
            counts[view.duty.status] = counts.get(view.duty.status, 0) + 1
        victims.append(VictimPanel(
            victim=victim, categories=_current_categories(history, now), history=history,
            duties=views, contact=contact,
            contact_hidden_reason="" if visible else (
                _("Hidden: a domestic abuse victim's contact details are shown only to the "
                  "roles that must contact or protect them.") if domestic else
                _("Hidden: your role does not need the victim's contact details.")),
            counts=counts,
        ))
    by_stage: dict[int, list[TimelineEvent]] = {}
    contacts = []
    for ev in events:
        etype = EVENT_TYPES.get(ev.type)
        org = orgs.get(ev.provider_id)
        item = TimelineEvent(ev, _(etype.doc) if etype else ev.type, ev.occurred_at,
                             org.local_name if org else ev.provider_id, _summary(ev),
                             letter=ev.type in LETTER_TYPES)
        stage = etype.stage if etype else 0
        by_stage.setdefault(stage, []).append(item)
        if ev.type == "contact.made":
            contacts.append(item)
    timeline = [(_(STAGES[s]), by_stage[s]) for s in (1, 2, 3, 4, 5, 6, 7, 8, 0)
                if s in by_stage]
    return CasePage(victims=victims, timeline=timeline, contacts=contacts,
                    domestic_abuse=domestic,
                    flags=flags_in_force(events, orgs=orgs, today=local_date(now),
                                         role=role, relationship=relationship,
                                         domestic_abuse=domestic))


def local_day(instant: dt.datetime) -> dt.date:
    return local_date(instant)


@dataclass
class FlagView:
    victim_key: str
    flag: str
    label: str
    note: str
    set_by: str
    organisation: str
    set_at: dt.datetime
    review_on: dt.date | None
    needs_review: bool


FLAG_LABELS = {
    "special_measures": gettext_noop("Special measures"),
    "intermediary": gettext_noop("Registered intermediary"),
    "interpreter": gettext_noop("Interpreter"),
    "safe_contact": gettext_noop("Safe contact only"),
    "do_not_send_letters": gettext_noop("Do not send letters to this address"),
    "other": gettext_noop("Other"),
}


def flags_in_force(events: list[Event], *, orgs: dict[str, OrganisationRef],
                   today: dt.date, role: str, relationship: str,
                   domestic_abuse: bool) -> list[FlagView]:
    """Flags set and not cleared, newest setting wins; past its review date it needs review.
    The note of a safe-contact flag is a contact detail: shown only where ROLE may see the
    victim's contact details (`fields_visible`)."""
    current: dict[tuple[str, str], Event | None] = {}
    for item in events:
        if item.type in ("flag.set", "flag.cleared"):
            key = (item.victim_key, item.data["flag"])
            current[key] = item if item.type == "flag.set" else None
    out = []
    for (victim, flag), ev in sorted(current.items()):
        if ev is None:
            continue
        review = dt.date.fromisoformat(ev.data["review_on"]) if ev.data.get("review_on") else None
        org = orgs.get(ev.provider_id)
        data, _hidden = fields_visible(role, relationship, "event", ev.data,
                                       domestic_abuse=domestic_abuse, event_type=ev.type)
        note = (data or {}).get("note", "")
        out.append(FlagView(victim, flag, _(FLAG_LABELS.get(flag, flag)), note,
                            ev.data.get("set_by", ""), org.local_name if org else ev.provider_id,
                            ev.occurred_at, review, review is not None and review < today))
    return out
