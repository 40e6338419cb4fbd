"""Contact details are stored encrypted (raw SQL sees no plaintext) and read back decrypted by
the model fields, the engine and the projections; a re-sent event is still a no-op. Runs on
PostgreSQL and on SQLite."""

from __future__ import annotations

import pytest
from django.core.exceptions import FieldError
from django.db import connection

from tests.helpers import lines
from tests.security_crypto.conftest import (
    ADDRESS,
    EMAIL,
    FEED,
    FLAG_NOTE,
    NEW_PHONE,
    PHONE,
    REF,
    SAFE,
    assert_no_plaintext,
    event_data,
    stored,
)
from victimjourney.core import crypto
from victimjourney.core.errors import FeedErrors
from victimjourney.duties.services import feed_import
from victimjourney.journey.feed import event_digest
from victimjourney.journey.models import Event
from victimjourney.journey.selectors import case_events
from victimjourney.notifications.models import Delivery, Notice, Receipt
from victimjourney.victims.models import Victim

pytestmark = pytest.mark.django_db


def test_the_victims_contact_column_holds_no_plaintext_and_reads_back(sealed_case):
    [raw] = stored("victims_victim", "contact")
    assert raw.startswith(f"vjenc1:{crypto.keyring().newest}:")
    assert_no_plaintext([raw])
    victim = Victim.objects.get(case__reference=sealed_case, key="V1")
    # victim.identified, then the victim's own change (a new phone, sms, evenings)
    assert victim.contact == {"email": EMAIL, "phone": NEW_PHONE, "address": ADDRESS,
                              "safe_contact": SAFE, "channel": "sms",
                              "contact_times": "evenings"}
    assert list(Victim.objects.values_list("contact", flat=True)) == [victim.contact]


def test_event_contact_details_are_sealed_and_the_other_data_stays_plain(sealed_case):
    assert_no_plaintext(stored("journey_event", "data"))
    for event_id in ("s2", "s4", "s5", "s6"):
        assert '"_sealed"' in event_data(event_id).replace(": ", ":"), event_id
    assert '"_sealed"' not in event_data("s1")
    assert '"domestic_abuse"' in event_data("s1") and '"Sam Hughes"' in event_data("s2")
    # lookups on data that is not sensitive keep working (the linkage page uses this one)
    assert list(Event.objects.filter(data__domestic_abuse=True).values_list("id", flat=True)
                ) == ["s1"]
    assert Event.objects.get(id="s2").data == FEED[1]["data"]
    assert Event.objects.get(id="s4").data == FEED[3]["data"]
    assert Event.objects.get(id="s5").data["note"] == FLAG_NOTE
    assert Event.objects.get(id="s6").data["replacement"]["data"]["contact"]["phone"] == PHONE


def test_the_engine_reads_events_decrypted(sealed_case):
    [events] = case_events([Victim.objects.get().case_id]).values()
    by_id = {e.id: e for e in events}
    assert by_id["s2"].data["contact"]["email"] == EMAIL
    assert by_id["s4"].data["phone"] == NEW_PHONE


def test_searching_an_encrypted_value_is_refused(sealed_case):
    with pytest.raises(FieldError, match=r"victims\.Victim\.contact is encrypted"):
        list(Victim.objects.filter(contact__email=EMAIL))
    with pytest.raises(FieldError, match=r"victims\.Victim\.contact is encrypted"):
        list(Victim.objects.filter(contact={"email": EMAIL}))
    with pytest.raises(FieldError, match="'phone' is encrypted and cannot be searched"):
        list(Event.objects.filter(data__phone=NEW_PHONE))
    assert Victim.objects.filter(contact__isnull=False).count() == 1


def test_a_resent_event_is_a_no_op_and_other_content_under_its_id_is_an_error(sealed_case):
    again = feed_import(lines=lines(*FEED), source="again")
    assert (again.events_new, again.events_repeated) == (0, len(FEED))
    changed = {**FEED[1], "data": {**FEED[1]["data"], "contact": {"phone": "07700 900000"}}}
    with pytest.raises(FeedErrors, match="'s2' is already stored with other content"):
        feed_import(lines=lines(changed), source="changed")


def test_the_stored_digest_is_keyed_not_a_plain_hash_of_the_content(sealed_case, settings):
    event = Event.objects.select_related("case").get(id="s4")
    plain = event_digest(type=event.type, case=event.case.reference, provider=event.provider_id,
                         occurred_at=event.occurred_at, received_at=event.received_at,
                         victim=event.victim_key, data=event.data)
    assert event.digest == crypto.blind_index(plain) != plain
    settings.VJ_BLIND_INDEX_KEY = "another-blind-index-key-of-32-chars!"
    assert crypto.blind_index(plain) != event.digest


def test_notification_recipients_and_errors_are_stored_encrypted(sealed_case, now):
    victim = Victim.objects.get()
    notice = Notice.objects.create(
        key="test-notice", kind="update", case_id=victim.case_id, victim=victim,
        sender_id="police:kent", language="en", title="t", body="b", alert_subject="s",
        alert_text="a", created_at=now)
    delivery = Delivery.objects.create(
        notice=notice, channel="email", status="failed", created_at=now,
        last_error=f"recipient refused: 550 <{EMAIL}> unknown")
    Receipt.objects.create(delivery=delivery, source="notify_callback", status="delivered",
                           at=now, recorded_at=now, detail={"to": PHONE, "status": "delivered"})
    Delivery.objects.filter(pk=delivery.pk).update(last_error=f"again: {EMAIL}")
    assert_no_plaintext(stored("notifications_delivery", "last_error")
                        + stored("notifications_receipt", "detail"))
    assert Delivery.objects.get(pk=delivery.pk).last_error == f"again: {EMAIL}"
    assert Receipt.objects.get(delivery=delivery).detail == {"to": PHONE, "status": "delivered"}


def test_an_update_through_the_orm_seals_too(sealed_case):
    Victim.objects.filter(case__reference=REF).update(contact={"phone": "01234 567890"})
    [raw] = stored("victims_victim", "contact")
    assert "567890" not in raw
    assert Victim.objects.get().contact == {"phone": "01234 567890"}


@pytest.mark.postgres
def test_on_postgresql_event_data_stays_jsonb():
    with connection.cursor() as cursor:
        cursor.execute("SELECT data_type FROM information_schema.columns WHERE table_name = "
                       "'journey_event' AND column_name = 'data'")
        assert cursor.fetchone() == ("jsonb",)
        cursor.execute("SELECT data_type FROM information_schema.columns WHERE table_name = "
                       "'victims_victim' AND column_name = 'contact'")
        assert cursor.fetchone() == ("text",)


def test_the_linkage_index_holds_no_plaintext_contact_details_and_still_finds_the_person(
        sealed_case, now):
    """Linkage keeps its own normalised copy of the contact details: sealed like the victim's,
    its blocking keys stored as blind indexes, and the first-contact look-up still finds the
    victim by phone and email alone."""
    from victimjourney.linkage.indexing import records_index_refresh, stored_keys
    from victimjourney.linkage.lookup import candidate_ids
    from victimjourney.linkage.models import LinkRecord
    from victimjourney.linkage.normalise import LinkInput, normalise

    records_index_refresh(now=now)
    record = LinkRecord.objects.get(victim__case__reference=sealed_case, victim__key="V1")
    assert record.phone and record.email  # read back in plaintext by the fields
    for column in ("postcode", "address", "house", "phone", "email"):
        values = stored("linkage_linkrecord", column)
        assert values and all(v.startswith("vjenc1:") for v in values), column
        assert_no_plaintext(values)
    keys = stored("linkage_linkkey", "key")
    assert keys and all(len(k) == 64 for k in keys)
    phone_digits = "".join(ch for ch in NEW_PHONE if ch.isdigit())
    assert not any(phone_digits[-6:] in k or "example" in k for k in keys)
    by_contact = normalise(LinkInput(name="Someone Else", phone=NEW_PHONE, email=EMAIL))
    assert candidate_ids(stored_keys(by_contact)) == [record.pk]
