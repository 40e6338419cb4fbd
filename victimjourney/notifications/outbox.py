"""The transactional outbox: notices are written in the same transaction as the events that
cause them.

`duties.services.feed_import` calls `notices_plan` for every chunk it stores, with the case
evaluations it has just projected. For each duty a notice can answer (`kinds.kind_for`), still
owed (`NOTIFICATIONS_PLAN_STATUSES`) and whose trigger reached the system recently
(`NOTIFICATIONS_PLAN_WINDOW_DAYS`: a bulk import of an old feed sends nothing), one notice per
(trigger, victim, kind) is rendered and its first delivery queued on the best allowed channel.
Tasks are enqueued on commit; if that is lost, the sweep finds the queued rows. A notice whose
duties were all met another way (a person phoned) has its waiting deliveries cancelled.

The worker side (sending, receipts) is in `delivery.py`. Modules in the import cycle
duties.services -> outbox -> tasks -> delivery/evidence -> duties.services import each other
as modules, so any import order works.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from victimjourney.cases.models import Case
from victimjourney.core.errors import DomainError
from victimjourney.duties.engine import CaseEvaluation
from victimjourney.journey.models import Event
from victimjourney.notifications import delivery, tasks
from victimjourney.notifications.conf import setting
from victimjourney.notifications.content import notice_content
from victimjourney.notifications.invitations import invitations_plan
from victimjourney.notifications.kinds import KINDS, NoticeKind, answered_by_contact, kind_for
from victimjourney.notifications.models import Delivery, Notice
from victimjourney.notifications.rules import channel_order, flags_in_force, refusal
from victimjourney.organisations.reference import OrganisationRef
from victimjourney.organisations.selectors import organisation_refs
from victimjourney.victims.models import Victim


@dataclass
class _Plan:
    key: str
    kind: NoticeKind
    case_id: int
    evaluation: CaseEvaluation
    victim: str
    trigger: str
    provider: str
    entitlements: list[str] = field(default_factory=list)
    due_at: dt.datetime | None = None


def _chunks(items: Sequence[Any], size: int = 500) -> Sequence[Sequence[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def notices_plan(items: Sequence[tuple[int, CaseEvaluation]], now: dt.datetime) -> int:
    """Write the notices the evaluated cases call for (see the module docstring). Returns the
    number of notices created."""
    invitations_plan(items, now)
    since = now - dt.timedelta(days=float(setting("NOTIFICATIONS_PLAN_WINDOW_DAYS")))
    owed = set(setting("NOTIFICATIONS_PLAN_STATUSES"))
    planned: dict[str, _Plan] = {}
    settled: set[str] = set()
    for case_id, evaluation in items:
        triggers: dict[str, Any] | None = None
        for duty in evaluation.duties:
            kind = kind_for(duty.entitlement, duty.trigger_type)
            if kind is None:
                continue
            if triggers is None:
                triggers = {e.id: e for e in evaluation.events}
            trigger = triggers.get(duty.trigger_event)
            # When the trigger reached the system: a late-recorded event still counts.
            if trigger is None or max(trigger.occurred_at, trigger.received_at) < since:
                continue
            key = f"{duty.trigger_event}:{duty.victim}:{kind.code}"
            if duty.status not in owed:
                settled.add(key)
                continue
            if kind.evidence == "contact" and not answered_by_contact(duty.edition,
                                                                      duty.entitlement):
                continue
            plan = planned.get(key)
            if plan is None:
                plan = planned[key] = _Plan(key, kind, case_id, evaluation, duty.victim,
                                            duty.trigger_event, duty.provider)
            plan.entitlements.append(duty.entitlement)
            if duty.due_at is not None and (plan.due_at is None or duty.due_at < plan.due_at):
                plan.due_at = duty.due_at
    if settled - planned.keys():
        _settle(sorted(settled - planned.keys()))
    if not planned:
        return 0
    existing: set[str] = set()
    for chunk in _chunks(list(planned)):
        existing.update(Notice.objects.filter(key__in=chunk).values_list("key", flat=True))
    fresh = [plan for key, plan in planned.items() if key not in existing]
    return _create(fresh, now) if fresh else 0


def _settle(keys: list[str]) -> None:
    """Duties met another way: cancel what is still waiting to be sent (never a send that is
    under way: if it is delivered, its evidence is simply a second contact)."""
    for chunk in _chunks(keys):
        notices = Notice.objects.filter(key__in=chunk, status="open")
        Delivery.objects.filter(notice__in=notices, status="queued").update(status="cancelled")
        Delivery.objects.filter(notice__in=notices, status="task").update(status="done")
        Notice.objects.filter(key__in=chunk, status="open").exclude(
            deliveries__status__in=("sending", "sent")).update(status="cancelled")


def _create(plans: list[_Plan], now: dt.datetime) -> int:
    case_ids = {p.case_id for p in plans}
    victims = {(v.case_id, v.key): v for v in Victim.objects.filter(
        case_id__in=case_ids, key__in={p.victim for p in plans})}
    cases = Case.objects.in_bulk(case_ids)
    events = Event.objects.in_bulk([p.trigger for p in plans])
    orgs = organisation_refs()
    made: list[tuple[Notice, str]] = []
    for plan in plans:
        victim = victims.get((plan.case_id, plan.victim))
        event = events.get(plan.trigger)
        sender = orgs.get(plan.provider)
        if victim is None or event is None or sender is None:
            continue  # e.g. a complaint about nobody in particular, recorded by the victim
        extra = {"response_days": setting("NOTIFICATIONS_COMPLAINT_RESPONSE_DAYS")}
        content = notice_content(kind=plan.kind, case=cases[plan.case_id], victim=victim,
                                 event=event, sender=sender, extra=extra)
        flags = flags_in_force(plan.evaluation.events, plan.victim)
        order = channel_order(victim.contact or {}, flags, plan.kind)
        notice = Notice(key=plan.key, kind=plan.kind.code, case_id=plan.case_id, victim=victim,
                        trigger_event_id=plan.trigger, entitlements=plan.entitlements,
                        sender_id=sender.code, due_at=plan.due_at, created_at=now,
                        **_content_fields(content))
        made.append((notice, order[0] if order else ""))
    return len(_store(made, now))


def _content_fields(content: Any) -> dict[str, str]:
    return {"language": content.language, "title": content.title, "body": content.body,
            "alert_subject": content.alert_subject, "alert_text": content.alert_text}


def _store(made: list[tuple[Notice, str]], now: dt.datetime) -> list[Notice]:
    """Insert notices and their first deliveries; enqueue the sends on commit."""
    if not made:
        return []
    for notice, channel in made:
        if not channel:
            notice.status = "failed"
    notices = Notice.objects.bulk_create([n for n, _ in made], batch_size=500)
    deliveries = [Delivery(notice=notice, channel=channel, status=delivery.initial_status(channel),
                           created_at=now,
                           sent_at=now if delivery.initial_status(channel) == "sent" else None)
                  for notice, (_, channel) in zip(notices, made, strict=True) if channel]
    Delivery.objects.bulk_create(deliveries, batch_size=500)
    queued = [d.pk for d in deliveries if d.status == "queued"]
    if queued:
        transaction.on_commit(lambda: tasks.deliveries_enqueue(queued))
    return notices


def notice_direct(*, kind_code: str, key: str, victim: Victim, sender: OrganisationRef,
                  extra: dict[str, Any], channel: str | None, now: dt.datetime) -> Notice:
    """A notice asked for directly (portal invitation, one-time code): no trigger, no duty.
    The same KEY twice returns the first notice (the caller's idempotency key)."""
    kind = KINDS[kind_code]
    found = Notice.objects.filter(key=key).first()
    if found is not None:
        return found
    contact, flags = delivery.victim_contact(victim)
    if channel is not None:
        why_not = refusal(channel, contact, flags, kind)
        if why_not:
            raise DomainError(f"cannot send by {channel}: {why_not}")
        first = channel
    else:
        order = channel_order(contact, flags, kind)
        if not order:
            raise DomainError("no channel allowed for this victim: ask a person to help")
        first = order[0]
    content = notice_content(kind=kind, case=Case.objects.get(pk=victim.case_id),
                             victim=victim, event=None, sender=sender, extra=extra)
    notice = Notice(key=key, kind=kind.code, case_id=victim.case_id, victim=victim,
                    sender_id=sender.code, created_at=now, **_content_fields(content))
    with transaction.atomic():
        return _store([(notice, first)], now)[0]

