"""The worker's side of the outbox: claim a delivery, send it, record what happened; receipts;
fallback; the sweep that recovers from crashed workers.

At most once: a delivery is claimed by one conditional UPDATE (queued -> sending, with a fresh
claim token and a lease); only the claimant records the outcome, again conditionally. A
worker that dies leaves the delivery `sending`; after its lease the sweep queues it again with
the same idempotency key (`Delivery.reference`): Notify is asked first whether it already has
that reference, and an email keeps its Message-ID (and is flagged `ambiguous` when the worker
died after the end of DATA, the only moment a duplicate on the wire is possible).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, Q, Value, When
from django.db.models.expressions import F
from notifications_python_client.errors import APIError

from victimjourney.core import clock
from victimjourney.duties.engine import apply_corrections
from victimjourney.journey.models import Event
from victimjourney.journey.selectors import event_as_journey
from victimjourney.notifications import channels, tasks
from victimjourney.notifications.channels import Outcome
from victimjourney.notifications.conf import setting
from victimjourney.notifications.kinds import KINDS, SENT_CHANNELS
from victimjourney.notifications.models import Delivery, Notice, Receipt
from victimjourney.notifications.rules import (
    address_lines,
    flags_in_force,
    next_channel,
    refusal,
    retry_delay,
)
from victimjourney.victims.models import Victim

logger = logging.getLogger(__name__)

LIVE = ("queued", "sending", "sent")  # statuses a receipt may still move on


def _seconds(name: str) -> dt.timedelta:
    return dt.timedelta(seconds=float(setting(name)))


def initial_status(channel: str) -> str:
    """Email, text and letter wait for the worker; a portal message is there to be read; a
    phone call is a task for a person."""
    return {"portal": "sent", "phone": "task"}.get(channel, "queued")


def contact_now(notice: Notice) -> tuple[dict[str, Any], set[str]]:
    """The victim's contact record and flags as they stand now (not when the notice was
    planned): the safety rules are checked again just before sending."""
    return victim_contact(notice.victim)


FLAG_EVENTS = ("flag.set", "flag.cleared", "correction.recorded")


def victim_contact(victim: Victim) -> tuple[dict[str, Any], set[str]]:
    rows = Event.objects.filter(case_id=victim.case_id, type__in=FLAG_EVENTS).values(
        "id", "type", "provider_id", "occurred_at", "received_at", "victim_key", "data",
        "digest")
    # Corrections can withdraw a flag: the engine's rule applies them.
    events = apply_corrections(event_as_journey(row, "") for row in rows)
    return dict(victim.contact or {}), flags_in_force(events, victim.key)


# ------------------------------------------------------------------------------ sending

def delivery_send(*, delivery_id: int) -> str:
    """Claim delivery DELIVERY_ID if it is due, send it, and record the outcome."""
    now = clock.now()
    token = uuid.uuid4().hex
    claimed = (Delivery.objects.filter(pk=delivery_id, status="queued",
                                       channel__in=SENT_CHANNELS)
               .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
               .update(status="sending", claim_token=token, claimed_at=now,
                       lease_until=now + _seconds("NOTIFICATIONS_CLAIM_SECONDS"),
                       attempts=F("attempts") + 1, committing_at=None))
    if not claimed:
        return "not claimed"
    delivery = Delivery.objects.select_related("notice", "notice__victim").get(pk=delivery_id)
    notice = delivery.notice
    contact, flags = contact_now(notice)
    why_not = refusal(delivery.channel, contact, flags, KINDS[notice.kind])
    if why_not:
        outcome = Outcome("failed", detail=f"not sent: {why_not}")
    else:
        try:
            outcome = _send(delivery, notice, contact, token)
        except channels.ClaimLost:
            return "claim lost"
    return outcome_record(delivery, token, outcome)


def _send(delivery: Delivery, notice: Notice, contact: dict[str, Any], token: str) -> Outcome:
    check_first = delivery.attempts > 1 or delivery.ambiguous

    def checkpoint() -> None:
        """Just before the step that cannot be undone: is the claim still ours? (It renews the
        lease; for an email it marks the moment after which the message may have gone.)"""
        moment = clock.now()
        fields: dict[str, Any] = {
            "lease_until": moment + _seconds("NOTIFICATIONS_CLAIM_SECONDS")}
        if delivery.channel == "email":
            fields["committing_at"] = moment
        if not Delivery.objects.filter(pk=delivery.pk, status="sending",
                                       claim_token=token).update(**fields):
            raise channels.ClaimLost(delivery.reference)

    if delivery.channel == "email":
        domain = setting("NOTIFICATIONS_MESSAGE_ID_DOMAIN")
        return channels.send_email(to=str(contact["email"]), subject=notice.alert_subject,
                                   text=notice.alert_text,
                                   message_id=f"<{delivery.reference}@{domain}>",
                                   before_commit=checkpoint)
    if delivery.channel == "sms":
        return channels.send_sms(reference=delivery.reference, phone=str(contact["phone"]),
                                 text=notice.alert_text, check_first=check_first,
                                 before_commit=checkpoint)
    lines = address_lines(contact)
    if notice.victim.name:
        lines = [notice.victim.name, *lines]
    return channels.send_letter(reference=delivery.reference, address=lines,
                                subject=notice.title, text=notice.body,
                                check_first=check_first, before_commit=checkpoint)


def outcome_record(delivery: Delivery, token: str, outcome: Outcome) -> str:
    """Record the claimant's outcome. Does nothing if the claim was lost meanwhile (a receipt
    or the sweep moved the delivery on)."""
    now = clock.now()
    mine = Delivery.objects.filter(pk=delivery.pk, status="sending", claim_token=token)
    result = outcome.result
    if result == "retry" and delivery.attempts >= int(setting("NOTIFICATIONS_MAX_ATTEMPTS")):
        result = "failed"
        outcome = Outcome("failed", detail=f"gave up after {delivery.attempts} attempts: "
                                           f"{outcome.detail}")
    done = {"lease_until": None, "claim_token": ""}
    with transaction.atomic():
        if result == "retry":
            due = now + retry_delay(delivery.attempts,
                                    base=float(setting("NOTIFICATIONS_RETRY_BASE_SECONDS")),
                                    cap=float(setting("NOTIFICATIONS_RETRY_CAP_SECONDS")))
            # Notify says its copy failed for a technical reason: the next one needs a new key.
            bump = 1 if outcome.status in channels.NOTIFY_RESEND else 0
            if not mine.update(status="queued", next_attempt_at=due, last_error=outcome.detail,
                               generation=F("generation") + bump, **done):
                return "claim lost"
            transaction.on_commit(lambda: tasks.delivery_enqueue(delivery.pk, due))
            return "retry"
        if result == "failed":
            if not mine.update(status="failed", failed_at=now, last_error=outcome.detail,
                               provider_id=outcome.provider_id,
                               provider_status=outcome.status[:40], **done):
                return "claim lost"
            fall_back(delivery, now)
            return "failed"
        if result == "delivered":
            # Accepted by the SMTP server (or found delivered at Notify): the receipt is now.
            if not mine.update(status="delivered", sent_at=now, delivered_at=now,
                               provider_id=outcome.provider_id,
                               provider_status=outcome.status[:40], last_error="", **done):
                return "claim lost"
            Receipt.objects.create(
                delivery=delivery, status=outcome.status[:40], at=now, recorded_at=now,
                source="smtp" if delivery.channel == "email" else "notify_lookup",
                detail={"reply": outcome.status, "id": outcome.provider_id})
            notice_delivered(delivery.notice_id, delivery.channel, now,
                             kind=delivery.notice.kind)
            return result
        if not mine.update(status="sent", sent_at=now, provider_id=outcome.provider_id,
                           provider_status=outcome.status[:40], last_error="", **done):
            return "claim lost"
        return result


# ------------------------------------------------------------------------ receipts, fallback

def receipt_apply(*, delivery: Delivery, status: str, at: dt.datetime, source: str,
                  detail: dict[str, Any], confirmed: bool = False,
                  generation: int | None = None) -> str:
    """Record a receipt and move the delivery on: delivered, failed (fall back), or to be sent
    again. A receipt for an older generation (before a supervisor's retry) is only recorded."""
    now = clock.now()
    at = min(at, now)
    Receipt.objects.create(delivery=delivery, source=source, status=status[:40], at=at,
                           detail=detail, recorded_at=now)
    result = "delivered" if confirmed else channels.notify_result(status)
    live = Delivery.objects.filter(pk=delivery.pk, status__in=LIVE,
                                   generation=delivery.generation if generation is None
                                   else generation)
    if result == "delivered":
        if live.update(status="delivered", delivered_at=at, provider_status=status[:40],
                       lease_until=None, claim_token=""):
            notice_delivered(delivery.notice_id, delivery.channel, at)
            return "delivered"
    elif result == "failed":
        if live.update(status="failed", failed_at=at, provider_status=status[:40],
                       last_error=f"{source}: {status}", lease_until=None, claim_token=""):
            fall_back(delivery, now)
            return "failed"
    elif result == "retry":
        if live.filter(status="sent").update(
                status="queued", generation=F("generation") + 1, next_attempt_at=None,
                provider_id="", provider_status=status[:40], last_error=f"{source}: {status}"):
            transaction.on_commit(lambda: tasks.delivery_enqueue(delivery.pk, None))
            return "retry"
    else:
        live.filter(status="sent").update(provider_status=status[:40])
    return "recorded"


def notice_delivered(notice_id: int, channel: str, at: dt.datetime, *,
                     kind: str | None = None) -> bool:
    """The notice reached the victim: stop its other deliveries and have its evidence written
    (which meets the duties it answers)."""
    updated = Notice.objects.filter(pk=notice_id, status__in=("open", "failed", "cancelled")
                                    ).update(status="delivered", delivered_at=at,
                                             delivered_channel=channel)
    if not updated:
        return False
    Delivery.objects.filter(notice_id=notice_id, status__in=("queued", "task")).update(
        status=Case(When(status="task", then=Value("done")), default=Value("cancelled")))
    if kind in (None, "one_time_code"):
        Notice.objects.filter(pk=notice_id, kind="one_time_code").update(
            body="(the code is not kept)", alert_text="(the code is not kept)")
    transaction.on_commit(tasks.evidence_enqueue)
    return True


def fall_back(delivery: Delivery, now: dt.datetime) -> Delivery | None:
    """After a permanent failure: the next channel allowed now, or, with none left, the notice
    has failed (a phone task is always allowed for notices the duties cause)."""
    notice = Notice.objects.select_related("victim").get(pk=delivery.notice_id)
    if notice.status != "open":
        return None
    contact, flags = contact_now(notice)
    tried = Delivery.objects.filter(notice=notice).values_list("channel", flat=True)
    channel = next_channel(contact, flags, KINDS[notice.kind], tried)
    if channel is None:
        Notice.objects.filter(pk=notice.pk, status="open").update(status="failed")
        Notice.objects.filter(pk=notice.pk, kind="one_time_code").update(
            body="(the code is not kept)", alert_text="(the code is not kept)")
        return None
    status = initial_status(channel)
    try:
        with transaction.atomic():
            new = Delivery.objects.create(
                notice=notice, channel=channel, status=status, created_at=now,
                sent_at=now if status == "sent" else None, fallback_from=delivery)
    except IntegrityError:
        return None  # another receipt already fell back to that channel
    if status == "queued":
        transaction.on_commit(lambda: tasks.delivery_enqueue(new.pk, None))
    return new


# --------------------------------------------------------------------------------- the sweep

def deliveries_recover(now: dt.datetime) -> int:
    """Queue again every delivery whose worker died while sending (its lease ran out)."""
    count = 0
    for pk, token, committing in Delivery.objects.filter(
            status="sending", lease_until__lt=now).values_list(
            "pk", "claim_token", "committing_at"):
        # An email whose worker died after the end of DATA may have gone: its resend keeps
        # the Message-ID and is flagged. Before that moment nothing left.
        flagged = {"ambiguous": True} if committing is not None else {}
        with transaction.atomic():
            if Delivery.objects.filter(pk=pk, status="sending", claim_token=token,
                                       lease_until__lt=now).update(
                    status="queued", claim_token="", lease_until=None, next_attempt_at=None,
                    enqueued_at=now, last_error="the worker stopped while sending; queued "
                                                "again with the same idempotency key",
                    **flagged):
                transaction.on_commit(partial(tasks.delivery_enqueue, pk, None))
                count += 1
    return count


def deliveries_requeue(now: dt.datetime) -> int:
    """Enqueue again queued deliveries whose task was lost: due for a while, and with no task
    waiting (a long queue is not a lost task)."""
    cut = now - _seconds("NOTIFICATIONS_REQUEUE_SECONDS")
    due = Delivery.objects.filter(status="queued", channel__in=SENT_CHANNELS).filter(
        Q(next_attempt_at__isnull=True, created_at__lte=cut) | Q(next_attempt_at__lte=cut)
    ).filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=cut))
    waiting = tasks.deliveries_waiting()
    ids = [pk for pk in due.values_list("pk", flat=True)[:5000]
           if waiting is None or pk not in waiting][:1000]
    Delivery.objects.filter(pk__in=ids, status="queued").update(enqueued_at=now)
    for pk in ids:
        tasks.delivery_enqueue(pk, None)
    return len(ids)


def deliveries_poll(now: dt.datetime, *, limit: int = 200) -> int:
    """Ask Notify for texts and letters sent a while ago with no receipt (a lost callback)."""
    cut = now - _seconds("NOTIFICATIONS_POLL_AFTER_SECONDS")
    waiting = Delivery.objects.filter(status="sent", channel__in=("sms", "letter"),
                                      sent_at__lte=cut).exclude(provider_id="").filter(
        Q(last_polled_at__isnull=True) | Q(last_polled_at__lte=cut))
    count = 0
    for delivery in waiting.order_by("sent_at")[:limit]:
        try:
            status = channels.notify_status(delivery.provider_id)
        except APIError as exc:
            logger.warning("Notify status of %s failed: %s", delivery.reference, exc)
            continue
        with transaction.atomic():
            Delivery.objects.filter(pk=delivery.pk).update(last_polled_at=now)
            receipt_apply(delivery=delivery, status=status, at=now, source="notify_poll",
                          detail={"id": delivery.provider_id})
        count += 1
    return count
