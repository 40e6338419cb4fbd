"""The transactional outbox: which notices an import writes, on which channel, and when it
writes none."""

import pytest

from tests.notifications.conftest import (
    EMAIL_ONLY,
    EVERYTHING,
    case_import,
    event,
    feed,
    notice_of,
    only_delivery,
)
from victimjourney.core.errors import FeedErrors
from victimjourney.duties.models import Duty
from victimjourney.notifications.models import Delivery, Notice

pytestmark = pytest.mark.django_db


def test_an_arrest_writes_one_notice_per_victim_in_the_same_transaction(
        now, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        case_import("KEN/10/26", contact=EMAIL_ONLY, events=(
            event("KEN/10/26", "a", "suspect.arrested", "2026-11-25 15:00"),))
    notice = notice_of("KEN/10/26", "arrested")
    assert (notice.key, notice.entitlements, notice.sender_id, notice.language, notice.title) == (
        "KEN/10/26-a:V1:arrested", ["suspect_arrested"], "police:kent", "en",
        "A suspect has been arrested")
    assert notice.due_at == Duty.objects.get(trigger_event_id="KEN/10/26-a").due_at
    delivery = only_delivery(notice)
    assert (delivery.channel, delivery.status, delivery.attempts) == ("email", "queued", 0)
    # The crime report's written confirmation is a notice too; both are enqueued on commit.
    assert sorted(Notice.objects.values_list("kind", flat=True)) == ["arrested", "crime_recorded"]
    assert len(callbacks) == 1


def test_a_rejected_batch_writes_no_notice(now):
    with pytest.raises(FeedErrors):
        case_import("KEN/11/26", contact=EMAIL_ONLY, events=(
            event("KEN/11/26", "a", "suspect.arrested", "2026-11-25 15:00"),
            event("KEN/11/26", "b", "no.such.type", "2026-11-25 15:00")))
    assert not Notice.objects.exists()
    assert not Delivery.objects.exists()


def test_importing_again_or_adding_events_never_duplicates_a_notice(now):
    arrest = event("KEN/12/26", "a", "suspect.arrested", "2026-11-25 15:00")
    case_import("KEN/12/26", contact=EMAIL_ONLY, events=(arrest,))
    feed(arrest)  # the same event again: a no-op
    feed(event("KEN/12/26", "i", "suspect.interviewed", "2026-11-25 17:00"))
    assert sorted(Notice.objects.values_list("kind", flat=True)) == [
        "arrested", "crime_recorded", "interviewed"]
    assert Delivery.objects.count() == 3


def test_a_historical_import_sends_nothing(now):
    case_import("KEN/13/24", contact=EMAIL_ONLY, day="2024-03-04", events=(
        event("KEN/13/24", "a", "suspect.arrested", "2024-03-05 15:00"),
        event("KEN/13/24", "c", "suspect.charged", "2024-05-01 10:00", charges=["assault"])))
    assert Duty.objects.filter(case__reference="KEN/13/24", status="breached").exists()
    assert not Notice.objects.exists()


def test_an_old_event_recorded_late_is_still_notified(now):
    # Occurred three weeks ago, but the police only learned of it yesterday.
    case_import("KEN/14/26", contact=EMAIL_ONLY, events=(
        event("KEN/14/26", "a", "suspect.arrested", "2026-11-05 15:00"),))
    assert not Notice.objects.filter(kind="arrested").exists()
    feed(event("KEN/14/26", "b", "suspect.bailed", "2026-11-05 18:00",
               received="2026-11-25 10:00", conditions=["not to contact the victim"]))
    assert notice_of("KEN/14/26", "bailed").entitlements == ["suspect_bailed_or_rui"]


def test_one_notice_answers_every_duty_of_its_kind(now):
    case_import("KEN/15/26", contact=EMAIL_ONLY, events=(
        event("KEN/15/26", "n", "suspect.released_no_further_action", "2026-11-25 15:00",
              reason="insufficient evidence"),))
    notice = notice_of("KEN/15/26", "released_nfa")
    assert notice.entitlements == ["suspect_released_without_charge", "vrr_information_police"]
    assert "The reason: insufficient evidence." in notice.body
    assert "Victims' Right to Review" in notice.body


@pytest.mark.parametrize(("contact", "flags", "channel", "status"), [
    (EVERYTHING, (), "email", "queued"),
    ({**EVERYTHING, "preferred": "letter"}, (), "letter", "queued"),
    ({"phone": "07700 900123", "address": "1 High St\nMaidstone\nME14 1AA"}, (), "sms",
     "queued"),
    ({"phone": "07700 900123", "phone_unsafe": True, "address": "1 High St\nA\nME14 1AA"},
     (), "letter", "queued"),
    ({"phone": "07700 900123", "phone_unsafe": True, "address": "1 High St\nA\nME14 1AA"},
     ("do_not_send_letters",), "phone", "task"),
    ({**EVERYTHING, "preferred": "sms"}, ("safe_contact",), "phone", "task"),
    ({**EVERYTHING, "safe_channels": ["letter"]}, ("safe_contact",), "letter", "queued"),
    (EVERYTHING, ("interpreter",), "phone", "task"),
    ({"preferred": "portal"}, (), "portal", "sent"),
    ({}, (), "phone", "task"),
])
def test_preferences_and_safe_contact_rules_choose_the_first_channel(
        now, contact, flags, channel, status):
    flag_events = tuple(event("KEN/16/26", f"f{i}", "flag.set", "2026-11-25 09:30", victim="V1",
                              flag=flag, review_on="2027-01-01") for i, flag in enumerate(flags))
    case_import("KEN/16/26", contact=contact, events=(
        *flag_events, event("KEN/16/26", "a", "suspect.arrested", "2026-11-25 15:00")))
    delivery = only_delivery(notice_of("KEN/16/26", "arrested"))
    assert (delivery.channel, delivery.status) == (channel, status)


def test_a_duty_met_by_a_phone_call_cancels_the_waiting_notice(now):
    case_import("KEN/17/26", contact=EMAIL_ONLY, events=(
        event("KEN/17/26", "a", "suspect.arrested", "2026-11-25 15:00"),))
    feed(event("KEN/17/26", "p", "contact.made", "2026-11-25 16:00", victim="V1",
               channel="phone", answers="KEN/17/26-a", summary="told by phone"))
    notice = notice_of("KEN/17/26", "arrested")
    assert notice.status == "cancelled"
    assert only_delivery(notice).status == "cancelled"
    assert notice_of("KEN/17/26", "crime_recorded").status == "open"  # another duty


def test_welsh_speakers_get_the_notice_in_welsh(now):
    case_import("KEN/18/26", contact=EMAIL_ONLY, language="cy", name="Rhian Evans", events=(
        event("KEN/18/26", "c", "suspect.charged", "2026-11-25 15:00",
              charges=["assault occasioning actual bodily harm"]),))
    notice = notice_of("KEN/18/26", "charged")
    assert notice.language == "cy"
    assert notice.title == "Mae’r sawl a ddrwgdybir wedi cael ei gyhuddo"
    assert notice.body.startswith("Mae’r sawl a ddrwgdybir wedi cael ei gyhuddo\n\n"
                                  "Annwyl Rhian Evans,")
    assert "25 Tachwedd 2026" in notice.body
    assert notice.alert_subject == "Diweddariad am eich achos"
