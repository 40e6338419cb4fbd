"""What the portal asks of the notifications app, and complaints."""

import pytest

from tests.notifications.conftest import (
    EMAIL_ONLY,
    case_import,
    event,
    notice_of,
    only_delivery,
)
from tests.notifications.test_delivery import send
from victimjourney.core.errors import DomainError, NotFound
from victimjourney.duties.models import Duty
from victimjourney.journey.models import Event
from victimjourney.notifications.evidence import evidence_record
from victimjourney.notifications.models import Delivery, Notice
from victimjourney.notifications.selectors import portal_messages
from victimjourney.notifications.services import (
    notice_code,
    notice_invitation,
    notice_read_in_portal,
)
from victimjourney.organisations.selectors import organisation_refs

pytestmark = pytest.mark.django_db


def test_reading_a_notice_in_the_portal_delivers_it_and_meets_the_duty(now):
    case = case_import("KEN/60/26", contact={"preferred": "portal"}, events=(
        event("KEN/60/26", "a", "suspect.arrested", "2026-11-25 15:00"),))
    victim = case.victims.get(key="V1")
    notice = notice_of("KEN/60/26", "arrested")
    assert (only_delivery(notice).channel, only_delivery(notice).status) == ("portal", "sent")
    assert [n.title for n in portal_messages(victim.pk)] == [
        "A suspect has been arrested", "We have recorded the crime you reported"]
    with pytest.raises(NotFound):
        notice_read_in_portal(notice_id=notice.pk, victim_id=victim.pk + 1)
    assert notice_read_in_portal(notice_id=notice.pk, victim_id=victim.pk)
    assert not notice_read_in_portal(notice_id=notice.pk, victim_id=victim.pk)  # once
    evidence_record()
    contact = Event.objects.get(id=f"notice-{notice.pk}")
    assert contact.data["channel"] == "portal"
    assert Duty.objects.get(trigger_event_id="KEN/60/26-a").status == "met"


def test_reading_in_the_portal_stops_a_letter_still_waiting(now):
    case_import("KEN/61/26", contact={"address": "1 High St\nMaidstone\nME14 1AA"}, events=(
        event("KEN/61/26", "a", "suspect.arrested", "2026-11-25 15:00"),))
    notice = notice_of("KEN/61/26", "arrested")
    notice_read_in_portal(notice_id=notice.pk, victim_id=notice.victim_id)
    assert dict(notice.deliveries.values_list("channel", "status")) == {
        "letter": "cancelled", "portal": "delivered"}


def test_a_complaint_is_acknowledged_and_the_acknowledgement_is_the_evidence(now, wired):
    case_import("KEN/62/26", contact=EMAIL_ONLY, events=(
        event("KEN/62/26", "c", "complaint.received", "2026-11-25 15:00", victim="V1",
              provider="victim", about="police:kent"),))
    notice = notice_of("KEN/62/26", "complaint_ack")
    assert notice.sender_id == "police:kent"
    assert "a full response within 20 working days" in notice.body
    assert "Parliamentary and Health Service Ombudsman" in notice.body
    assert send(only_delivery(notice)) == "delivered"
    evidence_record()
    answer = Event.objects.get(id=f"notice-{notice.pk}")
    assert (answer.type, answer.data) == ("complaint.responded", {
        "complaint": "KEN/62/26-c", "kind": "acknowledgement"})
    assert Duty.objects.get(trigger_event_id="KEN/62/26-c").status == "met"


def test_a_one_time_code_goes_by_text_and_is_not_kept(now, wired, notify):
    case = case_import("KEN/63/26", contact={"phone": "07700 900123",
                                             "address": "1 High St\nMaidstone\nME14 1AA"})
    victim = case.victims.get(key="V1")
    sender = organisation_refs()["police:kent"]
    notice = notice_code(victim=victim, sender=sender, code="493021", key="code:1")
    assert notice_code(victim=victim, sender=sender, code="000000", key="code:1") == notice
    delivery = only_delivery(notice)
    assert delivery.channel == "sms"
    send(delivery)
    delivery.refresh_from_db()
    assert "Your security code is 493021." in notify.notifications[delivery.provider_id]["body"]
    notice_read_in_portal(notice_id=notice.pk, victim_id=victim.pk)  # stands for the receipt
    notice.refresh_from_db()
    assert "493021" not in notice.body + notice.alert_text
    with pytest.raises(DomainError, match="cannot send by letter"):
        notice_code(victim=victim, sender=sender, code="1", key="code:2", channel="letter")
    assert not Notice.objects.filter(key="code:2").exists()


def test_an_invitation_carries_the_link_and_answers_no_duty(now, wired, mailbox):
    case = case_import("KEN/64/26", contact=EMAIL_ONLY, language="cy")
    victim = case.victims.get(key="V1")
    notice = notice_invitation(victim=victim, sender=organisation_refs()["police:kent"],
                               link="https://portal.example/i/xyz", key="invite:1")
    assert send(only_delivery(notice)) == "delivered"
    (message,) = mailbox.to("sam@example.org")
    assert message["Subject"] == "Gallwch ddilyn eich achos ar-lein"
    assert "https://portal.example/i/xyz" in message.get_payload(decode=True).decode()
    assert evidence_record() == 1
    notice.refresh_from_db()
    assert (notice.evidence_event_id, notice.evidence_error) == ("", "")
    assert Delivery.objects.filter(notice=notice).count() == 1
