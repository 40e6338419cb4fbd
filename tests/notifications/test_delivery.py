"""Sending, receipts, retries and fallback, against a real SMTP server and a GOV.UK Notify
stand-in running the real client (the worker's function called directly; see test_worker.py
for the django-tasks worker itself)."""

import datetime as dt
import time

import pytest

from tests.notifications.conftest import (
    EMAIL_ONLY,
    EVERYTHING,
    NOW,
    TOKEN,
    case_import,
    event,
    feed,
    notice_of,
    only_delivery,
)
from victimjourney.core import clock
from victimjourney.duties.models import Duty
from victimjourney.journey.models import Event
from victimjourney.notifications import channels
from victimjourney.notifications.delivery import delivery_send
from victimjourney.notifications.evidence import evidence_record
from victimjourney.notifications.models import Delivery, Receipt
from victimjourney.notifications.tasks import notices_sweep

pytestmark = pytest.mark.django_db

SMS_ONLY = {"phone": "07700 900123"}


def send(delivery, at=NOW):
    with clock.frozen(at):
        return delivery_send(delivery_id=delivery.pk)


def callback(client, payload, token=TOKEN):
    return client.post("/notifications/notify/callback/", payload,
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


def arrest(reference, contact, **kwargs):
    case_import(reference, contact=contact, events=(
        event(reference, "a", "suspect.arrested", "2026-11-25 15:00"),), **kwargs)
    return only_delivery(notice_of(reference, "arrested"))


def test_an_email_accepted_by_the_smtp_server_meets_the_duty(now, wired, mailbox):
    delivery = arrest("KEN/20/26", EMAIL_ONLY)
    assert send(delivery) == "delivered"
    (message,) = mailbox.to("sam@example.org")
    assert message["Message-ID"] == f"<vj-{delivery.pk}-0@victimjourney.invalid>"
    assert message["Subject"] == "An update about your case"
    text = message.get_payload(decode=True).decode()
    assert "Kent Police has an update about your case. Sign in" in text
    # Nothing about the case outside the portal and letters.
    for detail in ("KEN/20/26", "assault", "arrested", "Sam Jones"):
        assert detail not in text
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.delivered_at) == ("delivered", 1, NOW)
    (receipt,) = Receipt.objects.filter(delivery=delivery)
    assert (receipt.source, receipt.status[:3]) == ("smtp", "250")
    duty = Duty.objects.get(trigger_event_id="KEN/20/26-a", entitlement="suspect_arrested")
    assert duty.status == "open"  # not met until the evidence is written
    evidence_record()
    duty.refresh_from_db()
    contact = Event.objects.get(id=f"notice-{delivery.notice_id}")
    assert (contact.type, contact.data["channel"], contact.data["answers"],
            contact.data["entitlements"]) == ("contact.made", "email", "KEN/20/26-a",
                                              ["suspect_arrested"])
    assert (duty.status, duty.fulfilled_by_id) == ("met", contact.id)
    assert evidence_record() == 0  # written once


def test_a_delivery_is_sent_at_most_once(now, wired, mailbox):
    delivery = arrest("KEN/21/26", EMAIL_ONLY)
    assert send(delivery) == "delivered"
    assert send(delivery) == "not claimed"
    assert len(mailbox.wire) == 1


def test_a_text_is_delivered_when_notify_says_so(now, wired, notify, client):
    delivery = arrest("KEN/22/26", SMS_ONLY)
    assert send(delivery) == "sent"
    delivery.refresh_from_db()
    sms = notify.notifications[delivery.provider_id]
    assert (sms["reference"], sms["phone_number"]) == (f"vj-{delivery.pk}-0", "07700 900123")
    assert "Kent Police has an update about your case" in sms["body"]
    assert notice_of("KEN/22/26", "arrested").status == "open"  # sent is not delivered
    payload = notify.set_status(delivery.provider_id, "delivered")
    assert callback(client, payload, token="wrong").status_code == 401
    assert callback(client, payload).json() == {"result": "delivered"}
    assert callback(client, payload).json() == {"result": "recorded"}  # a repeat is harmless
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    evidence_record()
    assert Duty.objects.get(trigger_event_id="KEN/22/26-a",
                            entitlement="suspect_arrested").fulfilled_by_id is not None


def test_notify_500_and_429_are_retried_with_backoff_then_sent_once(now, wired, notify):
    notify.script.extend(["500", "429"])
    delivery = arrest("KEN/23/26", SMS_ONLY)
    assert send(delivery) == "retry"
    delivery.refresh_from_db()
    first_wait = delivery.next_attempt_at - NOW
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert "Notify 500" in delivery.last_error
    assert send(delivery) == "not claimed"  # not due yet
    assert send(delivery, NOW + dt.timedelta(seconds=1)) == "retry"
    delivery.refresh_from_db()
    assert "Notify 429" in delivery.last_error
    assert dt.timedelta(seconds=0.01) <= first_wait <= dt.timedelta(seconds=0.02)
    assert send(delivery, NOW + dt.timedelta(seconds=2)) == "sent"
    assert len(notify.notifications) == 1
    assert notify.posts() == 3


def test_a_timeout_after_notify_created_the_text_does_not_send_it_twice(now, wired, notify):
    notify.script.append("slow_create")
    delivery = arrest("KEN/24/26", SMS_ONLY)
    assert send(delivery) == "retry"
    assert send(delivery, NOW + dt.timedelta(seconds=1)) == "sent"
    delivery.refresh_from_db()
    (only,) = notify.notifications.values()
    assert delivery.provider_id == only["id"]
    assert notify.posts() == 1  # the retry asked Notify by reference instead of sending


def test_a_permanent_failure_falls_back_to_the_next_channel_then_a_person(now, wired, notify):
    contact = {"phone": "01622 690690", "address": "1 High Street\nMaidstone"}
    delivery = arrest("KEN/25/26", contact)
    assert delivery.channel == "sms"
    assert send(delivery) == "failed"  # a landline: Notify refuses it (400)
    delivery.refresh_from_db()
    assert delivery.last_error == "Notify 400: phone_number Not a UK mobile number"
    letter = Delivery.objects.get(fallback_from=delivery)
    assert (letter.channel, letter.status) == ("letter", "queued")
    assert send(letter) == "failed"  # two lines and no postcode
    task = Delivery.objects.get(fallback_from=letter)
    assert (task.channel, task.status) == ("phone", "task")
    assert notice_of("KEN/25/26", "arrested").status == "open"


def test_a_failure_reported_later_by_notify_also_falls_back(now, wired, notify, client):
    delivery = arrest("KEN/26/26", {**EVERYTHING, "preferred": "sms"})
    send(delivery)
    delivery.refresh_from_db()
    callback(client, notify.set_status(delivery.provider_id, "permanent-failure"))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("failed",
                                                      "notify_callback: permanent-failure")
    assert Delivery.objects.get(fallback_from=delivery).channel == "email"


def test_no_text_ever_goes_to_a_number_marked_unsafe(now, wired, notify):
    delivery = arrest("KEN/27/26", {**SMS_ONLY, "address": "1 High St\nMaidstone\nME14 1AA"})
    assert delivery.channel == "sms"
    # Before the worker runs, the victim tells us the suspect has the phone.
    feed(event("KEN/27/26", "v2", "victim.identified", "2026-11-25 16:00", victim="V1",
               kind="person", contact={**SMS_ONLY, "phone_unsafe": True,
                                       "address": "1 High St\nMaidstone\nME14 1AA"}))
    assert send(delivery) == "failed"
    delivery.refresh_from_db()
    assert delivery.last_error == "not sent: the phone number is marked unsafe"
    assert notify.requests == []
    assert Delivery.objects.get(fallback_from=delivery).channel == "letter"


def test_a_flag_set_after_planning_stops_the_letter(now, wired, notify):
    delivery = arrest("KEN/28/26", {"address": "1 High St\nMaidstone\nME14 1AA"})
    feed(event("KEN/28/26", "f", "flag.set", "2026-11-25 16:00", victim="V1",
               flag="do_not_send_letters", review_on="2027-01-01"))
    assert send(delivery) == "failed"
    assert notify.requests == []
    assert Delivery.objects.get(fallback_from=delivery).channel == "phone"


def test_a_letter_carries_the_facts_to_a_safe_address(now, wired, notify, client):
    case_import("KEN/29/26", contact={"address": "1 High Street\nMaidstone\nME14 1AA"},
                events=(event("KEN/29/26", "d", "cps.decision", "2026-11-25 10:00",
                              provider="cps:south-east", decision="discontinue"),))
    delivery = only_delivery(notice_of("KEN/29/26", "decision"))
    assert send(delivery) == "sent"
    delivery.refresh_from_db()
    letter = notify.notifications[delivery.provider_id]
    assert letter["line_1"] == "Sam Jones"
    assert "Decision: The case has been stopped (discontinued)" in letter["body"]
    assert "Crime reference: KEN/29/26" in letter["body"]
    callback(client, notify.set_status(delivery.provider_id, "received"))
    assert notice_of("KEN/29/26", "decision").status == "delivered"


def test_a_lost_callback_is_made_good_by_polling_notify(now, wired, notify):
    delivery = arrest("KEN/30/26", SMS_ONLY)
    send(delivery)
    delivery.refresh_from_db()
    notify.set_status(delivery.provider_id, "delivered")  # the callback never arrives
    with clock.frozen(NOW + dt.timedelta(minutes=5)):
        assert notices_sweep()["polled"] == 0  # too early to ask
    with clock.frozen(NOW + dt.timedelta(minutes=20)):
        assert notices_sweep() == {"recovered": 0, "requeued": 1, "polled": 1, "evidence": 1}
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert ("GET", f"/v2/notifications/{delivery.provider_id}") in notify.requests


def test_a_worker_that_died_while_sending_is_recovered_with_the_same_key(now, wired, mailbox):
    delivery = arrest("KEN/31/26", EMAIL_ONLY)
    # A worker claimed it, reached the end of DATA (the mail may have gone) and died.
    Delivery.objects.filter(pk=delivery.pk).update(
        status="sending", claim_token="dead", lease_until=NOW + dt.timedelta(seconds=300),
        committing_at=NOW, attempts=1)
    with clock.frozen(NOW + dt.timedelta(seconds=60)):
        assert notices_sweep()["recovered"] == 0  # its lease has not run out
    with clock.frozen(NOW + dt.timedelta(seconds=301)):
        assert notices_sweep()["recovered"] == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.ambiguous, delivery.generation) == ("queued", True, 0)
    assert send(delivery, NOW + dt.timedelta(seconds=302)) == "delivered"
    (message,) = mailbox.to("sam@example.org")
    assert message["Message-ID"] == f"<vj-{delivery.pk}-0@victimjourney.invalid>"


def test_the_smtp_server_refusing_the_address_falls_back(now, wired, mailbox):
    mailbox.refuse.add("gone@example.org")
    delivery = arrest("KEN/32/26", {"email": "gone@example.org", "phone": "07700 900123"})
    assert send(delivery) == "failed"
    delivery.refresh_from_db()
    assert delivery.last_error.startswith("recipient refused: 550")
    assert Delivery.objects.get(fallback_from=delivery).channel == "sms"


def test_the_smtp_server_down_is_retried_not_fallen_back(now, wired, mailbox):
    mailbox.stop()
    delivery = arrest("KEN/33/26", {"email": "sam@example.org", "phone": "07700 900123"})
    assert send(delivery) == "retry"
    mailbox.start()
    assert send(delivery, NOW + dt.timedelta(seconds=1)) == "delivered"
    assert not Delivery.objects.filter(fallback_from=delivery).exists()


def test_a_worker_that_lost_its_claim_stops_before_the_end_of_data(now, wired, mailbox,
                                                                   monkeypatch):
    delivery = arrest("KEN/34/26", EMAIL_ONLY)
    real = channels.send_email

    def overtaken(**kwargs):
        # The lease ran out and the sweep queued it again while this worker was slow.
        Delivery.objects.filter(pk=delivery.pk).update(claim_token="another-worker")
        return real(**kwargs)

    monkeypatch.setattr(channels, "send_email", overtaken)
    assert send(delivery) == "claim lost"
    time.sleep(0.1)
    assert mailbox.wire == []  # the server dropped the unfinished message
    delivery.refresh_from_db()
    assert (delivery.status, delivery.committing_at) == ("sending", None)
