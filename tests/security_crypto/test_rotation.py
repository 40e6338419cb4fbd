"""Key rotation (`victimjourney rotate_keys`): values sealed under key A, key B added first,
rotation, key A removed: everything is still readable. Idempotent, with a dry run; a value
under a key no longer configured is an error naming the field and the record."""

from __future__ import annotations

import io
import json

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from tests.helpers import lines
from tests.security_crypto.conftest import EMAIL, FEED, NEW_PHONE, PHONE, REF, event_data, stored
from victimjourney.core import crypto
from victimjourney.core.crypto import SealedValueError, Unreadable
from victimjourney.duties.services import feed_import
from victimjourney.journey.models import Event
from victimjourney.journey.selectors import case_events
from victimjourney.journey.services import events_rekeyable
from victimjourney.notifications.models import Delivery, Receipt
from victimjourney.victims.models import Victim

pytestmark = pytest.mark.django_db
SEALED_EVENTS = ["s2", "s4", "s5", "s6"]


@pytest.fixture
def keys():
    return Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture
def case_under_a(settings, db, now, keys):
    """The case, with a failed delivery and a Notify receipt, all sealed under key A."""
    settings.VJ_FIELD_KEYS = [keys[0]]
    feed_import(lines=lines(*FEED), source="test")
    delivery = Delivery.objects.filter(notice__case__reference=REF).first()
    assert delivery is not None
    Delivery.objects.filter(pk=delivery.pk).update(last_error=f"refused: {EMAIL}")
    Receipt.objects.create(delivery=delivery, source="notify_callback", status="delivered",
                           at=now, recorded_at=now, detail={"to": PHONE})
    return delivery


def rotate(*args: str) -> str:
    out = io.StringIO()
    call_command("rotate_keys", "--quiet", *args, stdout=out)
    return out.getvalue()


def key_ids() -> dict[str, set[str | None]]:
    """The key id of every stored sealed value, by column."""
    events = {crypto.key_id(json.loads(event_data(i))["_sealed"]) for i in SEALED_EVENTS}
    return {
        "victims.Victim.contact": {crypto.key_id(v) for v in stored("victims_victim",
                                                                    "contact")},
        "journey.Event.data": events,
        "notifications.Delivery.last_error": {
            crypto.key_id(v) for v in stored("notifications_delivery", "last_error")},
        "notifications.Receipt.detail": {crypto.key_id(v) for v in stored(
            "notifications_receipt", "detail")},
    }


def everything_readable(delivery: Delivery) -> tuple:
    victim = Victim.objects.get(key="V1")
    [events] = case_events([victim.case_id]).values()
    return (victim.contact["phone"], victim.contact["email"],
            {e.id: e.data for e in events}["s2"]["contact"]["phone"],
            Event.objects.get(id="s4").data["phone"],
            Delivery.objects.get(pk=delivery.pk).last_error,
            Receipt.objects.get().detail)


def test_rotation_moves_every_value_to_the_new_key_and_the_old_key_can_then_go(
        settings, keys, case_under_a):
    key_a, key_b = keys
    a, b = crypto.key_id_of(key_a), crypto.key_id_of(key_b)
    assert {ids.pop() for ids in key_ids().values()} == {a}
    expected = (NEW_PHONE, EMAIL, PHONE, NEW_PHONE, f"refused: {EMAIL}", {"to": PHONE})
    settings.VJ_FIELD_KEYS = [key_b, key_a]
    deliveries = Delivery.objects.count()
    report = rotate()
    assert "victims.Victim.contact: 1 re-encrypted" in report
    assert "journey.Event.data: 4 re-encrypted" in report
    assert f"notifications.Delivery.last_error: {deliveries} re-encrypted" in report
    assert "notifications.Receipt.detail: 1 re-encrypted" in report
    assert key_ids() == {label: {b} for label in key_ids()}
    settings.VJ_FIELD_KEYS = [key_b]
    assert everything_readable(case_under_a) == expected
    # the append-only log is append-only again once the rotation is done
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Event.objects.filter(id="s2").update(data={"kind": "business"})


def test_a_second_rotation_writes_nothing(settings, keys, case_under_a):
    settings.VJ_FIELD_KEYS = [keys[1], keys[0]]
    rotate()
    before = (stored("victims_victim", "contact"), stored("journey_event", "data"),
              stored("notifications_delivery", "last_error"))
    again = json.loads(rotate("--json"))
    linkage = {f"linkage.LinkRecord.{name}": 0
               for name in ("postcode", "address", "house", "phone", "email")}
    assert again["values"] == {"victims.Victim.contact": 0, "journey.Event.data": 0,
                               "notifications.Delivery.last_error": 0,
                               "notifications.Receipt.detail": 0, **linkage}
    assert (stored("victims_victim", "contact"), stored("journey_event", "data"),
            stored("notifications_delivery", "last_error")) == before


def test_a_dry_run_counts_and_writes_nothing(settings, keys, case_under_a):
    settings.VJ_FIELD_KEYS = [keys[1], keys[0]]
    before = (stored("victims_victim", "contact"), stored("journey_event", "data"))
    report = json.loads(rotate("--dry-run", "--json", "--chunk-size", "2"))
    assert report["dry_run"] is True
    assert (report["values"]["victims.Victim.contact"], report["values"]["journey.Event.data"]
            ) == (1, 4)
    assert (stored("victims_victim", "contact"), stored("journey_event", "data")) == before


def test_a_value_under_a_removed_key_is_an_error_naming_the_field_and_the_record(
        settings, keys, case_under_a):
    settings.VJ_FIELD_KEYS = [keys[1]]  # key A removed before rotating
    a = crypto.key_id_of(keys[0])
    victim = Victim.objects.get(key="V1")
    assert victim.name == "Sam Hughes"  # the rest of the record reads as before
    with pytest.raises(SealedValueError) as caught:
        victim.contact  # noqa: B018
    assert str(caught.value).startswith(
        f"cannot decrypt victims.Victim.contact of record {victim.pk}: it is encrypted under "
        f"key id {a}, which is not in VJ_FIELD_KEYS")
    with pytest.raises(SealedValueError, match=r"journey\.Event\.data of record 's4'"):
        Event.objects.get(id="s4").data  # noqa: B018
    with pytest.raises(SealedValueError, match=r"journey\.Event\.data of record 's2'"):
        case_events([victim.case_id])
    [value] = Victim.objects.values_list("contact", flat=True)
    assert isinstance(value, Unreadable)
    with pytest.raises(SealedValueError, match=r"cannot decrypt victims\.Victim\.contact: "):
        value.get("phone")
    with pytest.raises(CommandError, match=r"journey\.Event\.data of record 's2'|victims\.Victim"
                                           r"\.contact of record"):
        rotate()


def test_rotation_seals_values_written_before_encryption(sealed_case):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE victims_victim SET contact = %s",
                       [json.dumps({"phone": "01234 567890"})])
    assert Victim.objects.get().contact == {"phone": "01234 567890"}
    assert "victims.Victim.contact: 1 re-encrypted" in rotate()
    [raw] = stored("victims_victim", "contact")
    assert crypto.key_id(raw) == crypto.keyring().newest and "567890" not in raw
    assert Victim.objects.get().contact == {"phone": "01234 567890"}


@pytest.mark.postgres
def test_the_rekey_escape_lets_only_data_and_digest_change(sealed_case):
    for change in ({"type": "crime.recorded"}, {"victim_key": "V9"}):
        with pytest.raises(DatabaseError, match="append-only"), events_rekeyable():
            Event.objects.filter(id="s2").update(**change)
    with pytest.raises(DatabaseError, match="append-only"), events_rekeyable(), \
            connection.cursor() as cursor:
        cursor.execute("DELETE FROM journey_event WHERE id = 's3'")
    with events_rekeyable():
        assert Event.objects.filter(id="s3").update(digest="0" * 64) == 1


def test_generate_key_prints_a_fernet_key():
    key = rotate("--generate-key").strip()
    assert Fernet(key).decrypt(Fernet(key).encrypt(b"x")) == b"x"
