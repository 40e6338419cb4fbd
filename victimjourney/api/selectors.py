"""Reads for the REST API, scoped to the organisation of the calling key.

An organisation reads the cases it is involved in (`cases.CaseOrganisation`: it recorded an
event on the case, or owes a duty on it). A case it is not involved in answers exactly like a
case that does not exist (zulip's access_<thing> pattern).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Mapping
from typing import Any

from django.db.models import Count, F, QuerySet

from victimjourney.accounts.permissions import API_KEY, fields_visible, permitted, works_with
from victimjourney.api.models import ApiKey
from victimjourney.cases.models import Case, CaseOrganisation
from victimjourney.code.editions import all_entitlements
from victimjourney.core.clock import end_of_local_day, start_of_local_day
from victimjourney.core.errors import NotFound
from victimjourney.duties.models import STATUS_CHOICES, Duty
from victimjourney.duties.replay import duty_json
from victimjourney.duties.selectors import duties_of_case, duty_as_result
from victimjourney.organisations.models import Organisation
from victimjourney.organisations.reference import OrganisationRef

TOKEN_PREFIX = "vj_"  # noqa: S105 (the public start of every token, not a secret)
MAX_TOKEN = 200
STATUSES = tuple(code for code, _ in STATUS_CHOICES)
# The latest edition's title of each entitlement (an id keeps its meaning across editions).
ENTITLEMENT_TITLES = {e.id: e.title for e in all_entitlements()}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_key_for_token(token: str) -> ApiKey | None:
    """The live key a token belongs to: not revoked, of an active organisation; else None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > MAX_TOKEN:
        return None
    return (ApiKey.objects.select_related("organisation")
            .filter(hashed=token_hash(token), revoked_at__isnull=True,
                    organisation__active=True)
            .first())


def cases_of_organisation(organisation: str) -> QuerySet[Case]:
    """The cases a key of ORGANISATION reads (the permission matrix: those it is involved in;
    its own force's cases are among them)."""
    if not permitted(API_KEY, "involved", "case", "summary"):
        return Case.objects.none()
    return Case.objects.filter(organisations__organisation_id=organisation)


def access_case_for_organisation(organisation: str, reference: str) -> Case:
    """The case, if ORGANISATION is involved in it; otherwise NotFound, as for a missing one."""
    if "\x00" in reference:  # cannot be stored, so cannot exist (PostgreSQL refuses NUL)
        raise NotFound("no such case")
    case = cases_of_organisation(organisation).filter(reference=reference).first()
    if case is None:
        raise NotFound("no such case")
    return case


def cases_page(*, organisation: str, reference_prefix: str | None = None,
               reported_from: dt.date | None = None, reported_to: dt.date | None = None
               ) -> QuerySet[Case]:
    """The organisation's cases, most recently reported first (dates are local dates)."""
    cases = cases_of_organisation(organisation)
    if reference_prefix:
        cases = cases.filter(reference__startswith=reference_prefix)
    if reported_from is not None:
        cases = cases.filter(reported_at__gte=start_of_local_day(reported_from))
    if reported_to is not None and reported_to < dt.date.max:
        cases = cases.filter(reported_at__lt=end_of_local_day(reported_to))
    return cases.order_by(F("reported_at").desc(nulls_last=True), "reference")


def duties_owed(*, organisation: str, status: str | None = None,
                entitlement: str | None = None, due_from: dt.date | None = None,
                due_to: dt.date | None = None) -> QuerySet[Duty]:
    """Duties the organisation owes, soonest due first (undated last)."""
    duties = Duty.objects.filter(provider_id=organisation).select_related("case", "victim")
    if status:
        duties = duties.filter(status=status)
    if entitlement:
        duties = duties.filter(entitlement=entitlement)
    if due_from is not None:
        duties = duties.filter(due_date__gte=due_from)
    if due_to is not None:
        duties = duties.filter(due_date__lte=due_to)
    return duties.order_by(F("due_at").asc(nulls_last=True), "id")


def providers_of(duties: Collection[Duty]) -> dict[str, OrganisationRef]:
    """The reference records of the organisations owing DUTIES (what explanations name)."""
    return organisation_refs_of({d.provider_id for d in duties})


def organisation_refs_of(codes: Collection[str]) -> dict[str, OrganisationRef]:
    """The reference records of the organisations CODES: one small query, rather than every
    organisation on every request."""
    return {
        org.code: OrganisationRef(
            code=org.code, kind=org.kind, name=org.name, force=org.force,
            cps_area=org.cps_area, probation_region=org.probation_region,
            country=org.country, population=org.population)
        for org in Organisation.objects.filter(code__in=codes)
    }


def duty_out(duty: Duty, orgs: Mapping[str, OrganisationRef]) -> dict[str, Any]:
    """A stored duty in the replay's JSON shape (with its explanation), plus its id and title."""
    return {"id": duty.pk, "title": ENTITLEMENT_TITLES.get(duty.entitlement, duty.entitlement),
            **duty_json(duty_as_result(duty), orgs)}


def duty_metrics_of(*, organisation: str) -> dict[str, Any]:
    """Per entitlement, the duties the organisation owes by status, and the totals. Counts as
    stored: an open duty past its deadline counts as breached once the overdue sweep has run."""
    rows = (Duty.objects.filter(provider_id=organisation)
            .values_list("entitlement", "status").annotate(n=Count("id"))
            .order_by("entitlement", "status"))
    by_entitlement: dict[str, dict[str, int]] = {}
    for entitlement, status, n in rows:
        by_entitlement.setdefault(entitlement, dict.fromkeys(STATUSES, 0))[status] = n
    totals = dict.fromkeys((*STATUSES, "total"), 0)
    entitlements = []
    for entitlement, counts in by_entitlement.items():
        counts["total"] = sum(counts.values())
        for status, n in counts.items():
            totals[status] += n
        entitlements.append({"entitlement": entitlement,
                             "title": ENTITLEMENT_TITLES.get(entitlement, entitlement),
                             **counts})
    return {"organisation": organisation, "entitlements": entitlements, "totals": totals}


def case_detail(case: Case, *, relationship: str) -> dict[str, Any]:
    """Everything the API shows of a case: its victims with their category history, every duty
    with its explanation, and the event log.

    Contact details (a victim's `contact`, and every contact field anywhere in an event's
    data: `accounts.permissions.CONTACT_KEYS`) are left out: the permission matrix grants a
    key no contact field set (`fields_visible`), and a domestic abuse victim's address is
    shown only to the roles that must contact or protect them.
    """
    domestic = case.events.filter(type="crime.reported", data__domestic_abuse=True).exists()
    duties = duties_of_case(case.pk)
    orgs = providers_of([d for ds in duties.values() for d in ds])
    victims = []
    for victim in case.victims.order_by("key").prefetch_related("categories"):
        victims.append({
            "key": victim.key, "kind": victim.kind, "name": victim.name,
            "date_of_birth": victim.date_of_birth, "language": victim.language,
            "on_behalf_of": victim.on_behalf_of or None, "identified_at": victim.identified_at,
            "enhanced": victim.enhanced_now,
            "categories": [
                {"category": c.category, "state": c.state, "reason": c.reason,
                 "source": c.source, "confirmed_by": c.confirmed_by,
                 "effective_at": c.effective_at}
                for c in victim.categories.all()],
        })
    events = []
    for event in case.events.order_by("occurred_at", "id"):
        data, removed = fields_visible(API_KEY, relationship, "event", event.data or {},
                                       domestic_abuse=domestic, event_type=event.type)
        events.append({
            "id": event.id, "type": event.type, "provider": event.provider_id,
            "occurred_at": event.occurred_at, "received_at": event.received_at,
            "victim": event.victim_key or None, "data": data, "recorded_at": event.recorded_at,
            "redacted": removed,
        })
    return {
        **case_summary(case),
        "organisations": sorted(case.organisations.values_list("organisation_id", flat=True)),
        "victims": victims,
        "duties": [duty_out(d, orgs) for key in sorted(duties) for d in duties[key]],
        "events": events,
    }


def case_summary(case: Case) -> dict[str, Any]:
    return {"reference": case.reference, "force": case.force_id, "offence": case.offence,
            "reported_at": case.reported_at, "updated_at": case.updated_at}


def cases_refused(*, organisation: str, references: Collection[str]) -> set[str]:
    """The references among REFERENCES on which ORGANISATION may not record events.

    It may record events on a case it is involved in, or on a case of a police force it works
    with: that force's CPS area, Witness Care Unit or probation region, or a court, youth
    offending team or prison in the force's area (the organisations that take a case over
    from the police). Only a police force opens a new case; for anyone else, a case that does
    not exist is refused exactly like one it may not touch.
    """
    refs = set(references)
    if not refs:
        return set()
    found = {ref: (pk, force) for ref, pk, force in
             Case.objects.filter(reference__in=refs).values_list("reference", "id", "force_id")}
    involved = set(CaseOrganisation.objects
                   .filter(case_id__in=[pk for pk, _ in found.values()],
                           organisation_id=organisation)
                   .values_list("case_id", flat=True))
    orgs = organisation_refs_of({organisation} | {f for _, f in found.values() if f})
    me = orgs.get(organisation)
    refused = set()
    for ref in refs:
        if ref not in found:
            # Opening a case: the matrix's `own` is a police force opening its own case.
            opener = "own" if me is not None and me.kind == "police" else "none"
            if not permitted(API_KEY, opener, "case", "create"):
                refused.add(ref)
            continue
        pk, force = found[ref]
        force_ref = orgs.get(force) if force else None
        if force == organisation:
            relationship = "own"
        elif pk in involved:
            relationship = "involved"
        elif me is not None and force_ref is not None and works_with(me, force_ref):
            relationship = "partner"
        else:
            relationship = "none"
        if not permitted(API_KEY, relationship, "event", "record"):
            refused.add(ref)
    return refused
