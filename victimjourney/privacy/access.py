"""Subject access: everything held about one victim on one case, with third parties' data
redacted (Data Protection Act 2018 Part 3, s.45; UK GDPR Art. 15 where Part 3 does not apply).

`subject_access_collect` builds the document (its shape is in docs/PRIVACY.md);
`subject_access_export` writes it as `subject-access.json` and `subject-access.pdf` and audits
the export.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation

from victimjourney.accounts.roles import ROLES
from victimjourney.audit.models import AuditEntry
from victimjourney.audit.services import audit_record
from victimjourney.cases.models import Case
from victimjourney.code.editions import all_entitlements
from victimjourney.core import clock
from victimjourney.core.errors import NotFound
from victimjourney.duties.engine import apply_corrections
from victimjourney.duties.models import Duty
from victimjourney.journey.feed import JourneyEvent
from victimjourney.journey.selectors import case_events
from victimjourney.linkage.models import CandidateLink, CategoryProposal, LinkRecord
from victimjourney.notifications.models import Notice
from victimjourney.organisations.selectors import organisation_refs
from victimjourney.portal.models import OneTimeCode
from victimjourney.privacy.models import CaseRetention, SubjectAccessRequest
from victimjourney.privacy.redact import STAFF_FIELDS, THIRD_PARTY, People, Redactor
from victimjourney.privacy.requests import access_requests_fulfil
from victimjourney.privacy.schedules import case_due
from victimjourney.privacy.selectors import case_facts
from victimjourney.privacy.services import schedules_in_force
from victimjourney.victims.models import CategoryRecord, Victim

FORMAT = "victimjourney.subject-access/1"
JSON_NAME, PDF_NAME = "subject-access.json", "subject-access.pdf"
IDENTITY_TYPES = ("victim.identified", "victim.preferences_updated")
PREFERENCE_CONTACT = ("email", "phone", "safe_contact")


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _identity(data: dict[str, Any]) -> dict[str, Any]:
    contact = dict(data.get("contact") or {}) if isinstance(data.get("contact"), dict) else {}
    contact.update({k: data[k] for k in PREFERENCE_CONTACT if isinstance(data.get(k), str)})
    return {"name": str(data.get("name") or ""), "contact": contact,
            "born": str(data.get("date_of_birth") or "")}


def _people(victim: Victim, victims: list[Victim], events: list[JourneyEvent],
            corrected: dict[str, JourneyEvent]) -> People:
    """Who is who on the case: the subject's own details (as recorded and as corrected), the
    other victims' and every staff name the case's records carry."""
    people = People()
    people.add_own(name=victim.name, contact=victim.contact,
                   born=_iso(victim.date_of_birth) or "")
    by_id = {e.id: e for e in events}
    for ev in [*events, *corrected.values()]:
        data = ev.data or {}
        if ev.type in IDENTITY_TYPES:
            (people.add_own if ev.victim == victim.key else people.add_other)(**_identity(data))
        replacement = data.get("replacement") or {}
        target = by_id.get(str(data.get("corrects")))
        if ev.type == "correction.recorded" and target and target.type in IDENTITY_TYPES \
                and isinstance(replacement.get("data"), dict):
            own = target.victim == victim.key
            (people.add_own if own else people.add_other)(**_identity(replacement["data"]))
        for payload in (data, replacement.get("data") or {}):
            for name in STAFF_FIELDS:
                if isinstance(payload.get(name), str) and payload[name].strip() \
                        and payload[name].strip() not in people.own_names:
                    people.add_other(name=payload[name])
    for other in victims:
        if other.pk != victim.pk:
            people.add_other(name=other.name, contact=other.contact,
                             born=_iso(other.date_of_birth) or "")
    return people


def _actor(entry: AuditEntry, orgs: dict[str, Any]) -> str:
    """Staff are shown by role and organisation, never by name."""
    if entry.action.startswith("portal_"):
        return "you, through the victim portal"
    if not entry.role and not entry.organisation:
        return "the system" if entry.actor_name != "anonymous" else "the system (no user)"
    org = orgs.get(entry.organisation)
    return (f"{ROLES.get(entry.role, entry.role or 'staff')}, "
            f"{org.name if org else entry.organisation or 'unknown organisation'}")


def _events(victim: Victim, events: list[JourneyEvent], corrected: dict[str, JourneyEvent],
            redactor: Redactor) -> list[dict[str, Any]]:
    by_id = {e.id: e for e in events}
    out = []
    for ev in events:
        target = by_id.get(str(ev.data.get("corrects"))) if ev.type == "correction.recorded" \
            else None
        about = target.victim if target is not None else ev.victim
        if about not in (None, victim.key):
            continue  # another victim's event, or a correction of one
        own = about == victim.key
        now = corrected.get(ev.id)
        target_type = target.type if target is not None else None
        out.append({
            "id": ev.id, "type": ev.type, "provider": ev.provider,
            "occurred_at": _iso(ev.occurred_at), "received_at": _iso(ev.received_at),
            "victim": ev.victim,
            "data": redactor.payload(ev.data, own=own, event_type=ev.type,
                                     target_type=target_type),
            "withdrawn": now is None,
            "corrected_data": (redactor.payload(now.data, own=own, event_type=ev.type)
                               if now is not None and now.data != ev.data else None),
        })
    return out


def _duties(victim: Victim, redactor: Redactor, orgs: dict[str, Any]) -> list[dict[str, Any]]:
    titles = {(e.id, e.edition): e.title for e in all_entitlements()}
    return [{
        "entitlement": d.entitlement, "title": titles.get((d.entitlement, d.edition), ""),
        "edition": d.edition, "provider": d.provider_id,
        "provider_name": orgs[d.provider_id].name if d.provider_id in orgs else d.provider_id,
        "status": d.status, "enhanced": d.enhanced, "deadline": d.deadline_text,
        "due_date": _iso(d.due_date), "due_at": _iso(d.due_at),
        "triggered_at": _iso(d.triggered_at), "trigger_event": d.trigger_event_id,
        "trigger_type": d.trigger_type, "fulfilled_at": _iso(d.fulfilled_at),
        "fulfilled_by": d.fulfilled_by_id, "basis": redactor.text(d.basis),
        "reason": redactor.text(d.reason),
    } for d in Duty.objects.filter(victim=victim).order_by("triggered_at", "entitlement")]


def _notices(victim: Victim, redactor: Redactor) -> list[dict[str, Any]]:
    return [{
        "kind": n.kind, "sender": n.sender_id, "language": n.language,
        "title": redactor.text(n.title), "body": redactor.text(n.body), "status": n.status,
        "created_at": _iso(n.created_at), "delivered_at": _iso(n.delivered_at),
        "delivered_channel": n.delivered_channel, "entitlements": n.entitlements,
        "deliveries": [{"channel": d.channel, "status": d.status,
                        "created_at": _iso(d.created_at), "sent_at": _iso(d.sent_at),
                        "delivered_at": _iso(d.delivered_at), "failed_at": _iso(d.failed_at),
                        "receipts": [{"source": r.source, "status": r.status, "at": _iso(r.at)}
                                     for r in d.receipts.all()]}
                       for d in n.deliveries.order_by("created_at", "id")],
    } for n in Notice.objects.filter(victim=victim).order_by("created_at", "id")]


def _linkage(victim: Victim, redactor: Redactor) -> dict[str, Any]:
    record = LinkRecord.objects.filter(victim=victim).first()
    if record is None:
        return {"record": None, "links": [], "proposals": []}
    fields = ("first_name", "surname", "dob", "birth_year", "postcode", "address", "house",
              "phone", "email")
    links = []
    for link in (CandidateLink.objects.filter(Q(left=record) | Q(right=record))
                 .select_related("left__case", "right__case").order_by("found_at", "id")):
        other = link.right if link.left_id == record.pk else link.left
        last = link.decisions.order_by("-decided_at", "-id").first()
        links.append({
            "other_record": other.case.reference if link.status == "confirmed" else THIRD_PARTY,
            "match_probability": round(link.match_probability, 4), "status": link.status,
            "found_at": _iso(link.found_at), "decided_at": _iso(link.decided_at),
            "decided_by": (f"staff, {last.organisation}" if last and last.organisation
                           else ("staff" if link.decided_by else "")),
            "reason": redactor.text(link.reason)})
    proposals = [{"rule": p.rule, "summary": redactor.text(p.summary), "status": p.status,
                  "proposed_at": _iso(p.proposed_at), "decided_at": _iso(p.decided_at),
                  "reason": redactor.text(p.reason)}
                 for p in CategoryProposal.objects.filter(record=record).order_by("proposed_at")]
    return {"record": {**{f: getattr(record, f) for f in fields},
                       "indexed_at": _iso(record.indexed_at)},
            "links": links, "proposals": proposals}


def _retention(case: Case) -> dict[str, Any] | None:
    schedules = schedules_in_force()
    facts = case_facts([case.pk])
    due = case_due(facts[0], schedules) if facts else None
    if due is None:
        return None
    schedule = schedules[due.kind]
    done = CaseRetention.objects.filter(case=case).first()
    return {"schedule": due.kind, "mopi_group": due.group, "action": schedule.action,
            "period": str(schedule.period), "runs_from": _iso(due.clear_from),
            "due_at": _iso(due.due_at), "basis": schedule.basis,
            "anonymised_at": _iso(done.applied_at) if done else None}


def subject_access_collect(*, reference: str, victim_key: str) -> dict[str, Any]:
    """The subject access document for victim VICTIM_KEY on case REFERENCE."""
    case = Case.objects.filter(reference=reference).select_related("force").first()
    victim = Victim.objects.filter(case=case, key=victim_key).first() if case else None
    if case is None or victim is None:
        raise NotFound(f"no victim {victim_key} on case {reference}")
    events = sorted(case_events([case.pk])[case.pk], key=lambda e: (e.occurred_at, e.id))
    corrected = {e.id: e for e in apply_corrections(events)}
    victims = list(Victim.objects.filter(case=case))
    entries = list(AuditEntry.objects.filter(case_reference=reference).order_by("at", "id"))
    people = _people(victim, victims, events, corrected)
    # Staff who appear in the records by name: in the audit log, category confirmations and
    # linkage decisions (their names in free text are redacted too).
    for name in [*(a.actor_name for a in entries if a.actor_id or a.role or a.organisation),
                 *CategoryRecord.objects.filter(victim__case=case).values_list(
                     "confirmed_by", flat=True),
                 *CandidateLink.objects.filter(Q(left__case=case) | Q(right__case=case))
                 .values_list("decided_by", flat=True)]:
        if name and name.strip() not in people.own_names:
            people.add_other(name=name)
    redactor = Redactor(people)
    orgs = organisation_refs()
    audit: list[dict[str, Any]] = [
        {"at": _iso(a.at), "action": a.action, "by": _actor(a, orgs),
         "detail": redactor.text(a.detail)}
        for a in entries if a.victim_key in (victim_key, "")]
    return {
        "format": FORMAT, "generated_at": _iso(clock.now()),
        "case": {"reference": case.reference, "force": case.force.name if case.force else "",
                 "offence": case.offence, "reported_at": _iso(case.reported_at)},
        "subject": {"key": victim.key, "kind": victim.kind, "name": victim.name,
                    "date_of_birth": _iso(victim.date_of_birth), "language": victim.language,
                    "contact": victim.contact, "on_behalf_of": victim.on_behalf_of,
                    "identified_at": _iso(victim.identified_at),
                    "enhanced_now": victim.enhanced_now},
        "categories": [{"category": c.category, "state": c.state,
                        "reason": redactor.text(c.reason), "source": c.source,
                        "confirmed_by": redactor.staff(c.confirmed_by),
                        "effective_at": _iso(c.effective_at), "event_id": c.event_id}
                       for c in CategoryRecord.objects.filter(victim=victim)],
        "events": _events(victim, events, corrected, redactor),
        "duties": _duties(victim, redactor, orgs),
        "notices": _notices(victim, redactor),
        "portal": {
            "sign_in_codes": [{"channel": c.channel, "created_at": _iso(c.created_at),
                               "expires_at": _iso(c.expires_at), "used_at": _iso(c.used_at),
                               "attempts": c.attempts}
                              for c in OneTimeCode.objects.filter(victim=victim)
                              .order_by("created_at", "id")],
            "activity": [a for a in audit if a["action"].startswith("portal_")],
        },
        "linkage": _linkage(victim, redactor),
        "requests": [{"received_at": _iso(r.received_at), "due_on": _iso(r.due_on),
                      "fulfilled_at": _iso(r.fulfilled_at)}
                     for r in SubjectAccessRequest.objects.filter(victim=victim)
                     .order_by("received_at", "id")],
        "audit": [a for a in audit if not a["action"].startswith("portal_")],
        "retention": _retention(case),
        "redaction": {
            "marker": THIRD_PARTY,
            "note": "Names, dates of birth, addresses, phone numbers and email addresses of "
                    "anyone other than you are replaced by the marker; staff are shown by role "
                    "and organisation. Free text has been checked automatically and must be "
                    "read by a person before release.",
        },
    }


def subject_access_pdf(document: dict[str, Any]) -> bytes:
    """The document as the person reads it: a PDF in their own language (English or Welsh,
    as recorded on the victim), whoever exports it."""
    from weasyprint import HTML

    language = document["subject"].get("language")
    with translation.override(language if language in ("en", "cy") else "en"):
        html = render_to_string("privacy/subject_access.html", {"doc": document})
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]


def subject_access_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def subject_access_audit(*, document: dict[str, Any], user: Any, what: str) -> None:
    """One audit entry per export: who (USER, or the command), whom, what was handed over."""
    audit_record(user=user, actor_name="subject_access command" if user is None else None,
                 action="subject_access_export", case_reference=document["case"]["reference"],
                 victim_key=document["subject"]["key"],
                 detail=f"{what}: {len(document['events'])} events, "
                        f"{len(document['duties'])} duties, {len(document['notices'])} notices")


def subject_access_export(*, reference: str, victim_key: str, out: str | Path,
                          user: Any = None) -> dict[str, Path]:
    """Write the subject access files into OUT and audit the export."""
    document = subject_access_collect(reference=reference, victim_key=victim_key)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"json": folder / JSON_NAME, "pdf": folder / PDF_NAME}
    paths["json"].write_text(subject_access_json(document), encoding="utf-8")
    paths["pdf"].write_bytes(subject_access_pdf(document))
    subject_access_audit(document=document, user=user, what="json and pdf")
    access_requests_fulfil(reference=reference, victim_key=victim_key, user=user,
                           now=clock.now())
    return paths
