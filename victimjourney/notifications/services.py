"""Writes of the notifications app for pages, the portal and the API.

The outbox itself is written by `outbox.notices_plan` (inside `feed_import`); sending and
receipts are `delivery.py`. Here: the notices the portal asks for (an invitation, a one-time
code), a victim reading a notice in the portal, a supervisor's retry, a Notify callback.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.db.models import F

from victimjourney.core import clock
from victimjourney.core.errors import DomainError, NotFound
from victimjourney.notifications import delivery, outbox, tasks
from victimjourney.notifications.kinds import SENT_CHANNELS
from victimjourney.notifications.models import Delivery, Notice, Receipt
from victimjourney.organisations.reference import OrganisationRef
from victimjourney.victims.models import Victim


def notice_invitation(*, victim: Victim, sender: OrganisationRef, link: str, key: str,
                      days: int = 14, channel: str | None = None) -> Notice:
    """Invite VICTIM to the portal (issue 4): the link and nothing about the case."""
    return outbox.notice_direct(kind_code="portal_invitation", key=key, victim=victim,
                                sender=sender, extra={"link": link, "days": days},
                                channel=channel, now=clock.now())


def notice_code(*, victim: Victim, sender: OrganisationRef, code: str, key: str,
                minutes: int = 10, channel: str | None = None) -> Notice:
    """Send a one-time code by text or email. The code is not kept once the notice is
    delivered or has failed."""
    return outbox.notice_direct(kind_code="one_time_code", key=key, victim=victim,
                                sender=sender, extra={"code": code, "minutes": minutes},
                                channel=channel, now=clock.now())


def notice_read_in_portal(*, notice_id: int, victim_id: int) -> bool:
    """The victim opened the notice in the portal: it is delivered (by the portal), whatever
    channel was still trying, and its duties are met. Only the victim's own notice."""
    now = clock.now()
    notice = Notice.objects.filter(pk=notice_id, victim_id=victim_id).first()
    if notice is None:
        raise NotFound("no such notice")
    with transaction.atomic():
        portal, _ = Delivery.objects.get_or_create(
            notice=notice, channel="portal",
            defaults={"status": "sent", "created_at": now, "sent_at": now})
        result = delivery.receipt_apply(delivery=portal, status="read", at=now,
                                        source="portal", detail={}, confirmed=True)
    return result == "delivered"


_REFERENCE = re.compile(r"^vj-(\d+)-(\d+)$")


def notify_callback_record(payload: dict[str, Any]) -> str:
    """A GOV.UK Notify delivery receipt (its callback): find the delivery by our reference
    (or Notify's id), record it and act on it."""
    reference = str(payload.get("reference") or "")
    provider_id = str(payload.get("id") or "")
    status = str(payload.get("status") or "")
    found = _REFERENCE.match(reference)
    row = None
    generation = None
    if found:
        row = Delivery.objects.filter(pk=int(found.group(1))).first()
        generation = int(found.group(2))
    if row is None and provider_id:
        row = Delivery.objects.filter(provider_id=provider_id).first()
    if row is None or not status:
        return "unknown"
    at = clock.now()
    for name in ("completed_at", "sent_at", "created_at"):
        if payload.get(name):
            try:
                at = dt.datetime.fromisoformat(str(payload[name]).replace("Z", "+00:00"))
                break
            except ValueError:
                continue
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    with transaction.atomic():
        if provider_id and not row.provider_id:
            Delivery.objects.filter(pk=row.pk, provider_id="").update(provider_id=provider_id)
        return delivery.receipt_apply(delivery=row, status=status, at=at,
                                      source="notify_callback", detail=payload,
                                      generation=generation)


def delivery_retry(*, delivery_id: int, by: str) -> Delivery:
    """A supervisor's retry. A failed delivery, or one sent with no receipt, is sent again
    with a new idempotency key; a stuck one is queued again (same key: it may have gone)."""
    now = clock.now()
    row = Delivery.objects.select_related("notice").filter(pk=delivery_id).first()
    if row is None:
        raise NotFound("no such delivery")
    if row.notice.status == "delivered":
        raise DomainError("This notice has already been delivered.")
    if row.channel not in SENT_CHANNELS:
        raise DomainError("Only email, text message and letter deliveries can be retried.")
    same = Delivery.objects.filter(pk=row.pk, status=row.status, generation=row.generation)
    fields: dict[str, Any] = {"status": "queued", "next_attempt_at": None, "attempts": 0,
                              "claim_token": "", "lease_until": None, "retried_by": by[:150],
                              "enqueued_at": now}
    if row.status in ("failed", "sent"):
        fields.update(generation=F("generation") + 1, committing_at=None, ambiguous=False,
                      provider_id="", provider_status="", failed_at=None, sent_at=None,
                      last_error="")
    elif row.status == "sending":
        if row.lease_until and row.lease_until > now:
            raise DomainError("This delivery is being sent now.")
        same = same.filter(claim_token=row.claim_token)
        if row.committing_at is not None:
            fields["ambiguous"] = True
    elif row.status != "queued":
        raise DomainError("This delivery cannot be retried.")
    with transaction.atomic():
        if not same.update(**fields):
            raise DomainError("This delivery changed meanwhile: reload the page.")
        Notice.objects.filter(pk=row.notice_id, status__in=("failed", "cancelled")
                              ).update(status="open")
        Receipt.objects.create(delivery=row, source="staff", status="retry", at=now,
                               detail={"by": by, "was": row.status}, recorded_at=now)
        transaction.on_commit(lambda: tasks.delivery_enqueue(row.pk, None))
    row.refresh_from_db()
    return row
