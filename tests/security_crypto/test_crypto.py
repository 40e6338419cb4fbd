"""The sealing primitives (victimjourney/core/crypto.py): key ids, rotation order, failures
that name what failed, payloads sealed in part, keyed blind indexes. No database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from victimjourney.accounts.permissions import CONTACT_KEYS
from victimjourney.core import crypto
from victimjourney.core.crypto import PAYLOAD_MARK, FieldKeyError, SealedValueError
from victimjourney.journey.catalogue import EVENT_TYPES
from victimjourney.journey.models import SENSITIVE_DATA_KEYS

ROOT = Path(__file__).resolve().parents[2]
KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def test_a_sealed_value_names_its_key_and_hides_the_plaintext(settings):
    settings.VJ_FIELD_KEYS = [KEY_A]
    sealed = crypto.seal(b"07700 900456")
    prefix, kid, token = sealed.split(":", 2)
    assert (prefix, kid) == ("vjenc1", crypto.key_id_of(KEY_A))
    assert "07700" not in sealed and "900456" not in sealed
    assert Fernet(KEY_A).decrypt(token) == b"07700 900456"
    assert crypto.unseal(sealed, field="f") == b"07700 900456"
    assert crypto.seal(b"07700 900456") != sealed  # a fresh IV every time


def test_new_values_use_the_first_key_and_older_keys_still_open(settings):
    settings.VJ_FIELD_KEYS = [KEY_A]
    old = crypto.seal_json({"email": "a@example.invalid"})
    settings.VJ_FIELD_KEYS = [KEY_B, KEY_A]
    new = crypto.seal_json({"email": "b@example.invalid"})
    assert crypto.key_id(old) == crypto.key_id_of(KEY_A)
    assert crypto.key_id(new) == crypto.key_id_of(KEY_B)
    assert crypto.unseal_json(old, field="f") == {"email": "a@example.invalid"}
    assert crypto.unseal_json(new, field="f") == {"email": "b@example.invalid"}


def test_a_value_under_a_removed_key_fails_naming_the_field_the_record_and_the_key(settings):
    settings.VJ_FIELD_KEYS = [KEY_A]
    sealed = crypto.seal(b"secret")
    settings.VJ_FIELD_KEYS = [KEY_B]
    with pytest.raises(SealedValueError) as caught:
        crypto.unseal(sealed, field="victims.Victim.contact", record=42)
    message = str(caught.value)
    assert message.startswith("cannot decrypt victims.Victim.contact of record 42: ")
    assert f"key id {crypto.key_id_of(KEY_A)}, which is not in VJ_FIELD_KEYS" in message
    assert (caught.value.field, caught.value.record, caught.value.key_id) == (
        "victims.Victim.contact", 42, crypto.key_id_of(KEY_A))


def test_an_altered_value_fails_its_integrity_check(settings):
    settings.VJ_FIELD_KEYS = [KEY_A]
    sealed = crypto.seal(b"secret")
    altered = sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:]
    with pytest.raises(SealedValueError, match="fails its integrity check"):
        crypto.unseal(altered, field="f")


@pytest.mark.parametrize(("keys", "message"), [
    ([], "VJ_FIELD_KEYS is not set"),
    (["not-a-key"], "VJ_FIELD_KEYS: key 1 is not a Fernet key"),
    ([KEY_A, "short"], "VJ_FIELD_KEYS: key 2 is not a Fernet key"),
])
def test_missing_or_malformed_keys_fail_loudly(settings, keys, message):
    settings.VJ_FIELD_KEYS = keys
    with pytest.raises(FieldKeyError, match=message):
        crypto.seal(b"x")


def test_the_blind_index_is_keyed(settings):
    settings.VJ_BLIND_INDEX_KEY = "k" * 32
    first = crypto.blind_index("07700 900456")
    assert first == crypto.blind_index("07700 900456")
    assert first != crypto.blind_index("07700 900457")
    settings.VJ_BLIND_INDEX_KEY = "j" * 32
    assert crypto.blind_index("07700 900456") != first
    settings.VJ_BLIND_INDEX_KEY = ""
    with pytest.raises(FieldKeyError, match="VJ_BLIND_INDEX_KEY is not set"):
        crypto.blind_index("x")
    settings.VJ_BLIND_INDEX_KEY = "too short"
    with pytest.raises(FieldKeyError, match="at least 32 characters"):
        crypto.blind_index("x")


def test_a_payload_seals_its_contact_details_and_keeps_the_rest_readable(settings):
    settings.VJ_FIELD_KEYS = [KEY_A]
    data = {"kind": "person", "name": "Sam", "contact": {"phone": "07700 900456"},
            "email": "sam@example.invalid", "channel": "sms",
            "replacement": {"data": {"contact": {"address": "1 Lane"}}},
            "answers": {"safe_contact": "after 6pm", "q1": "yes"},
            "conditions": ["not to contact the victim"], PAYLOAD_MARK: "looks sealed"}
    sealed = crypto.seal_payload(data, SENSITIVE_DATA_KEYS)
    assert set(sealed) == {"kind", "name", "channel", "conditions", PAYLOAD_MARK}
    assert crypto.key_id(sealed[PAYLOAD_MARK]) == crypto.key_id_of(KEY_A)
    assert "07700" not in str(sealed) and "1 Lane" not in str(sealed)
    assert crypto.unseal_payload(sealed, field="f") == data


def test_a_payload_without_contact_details_is_stored_as_it_is():
    data = {"offence": "assault", "domestic_abuse": True}
    assert crypto.seal_payload(data, SENSITIVE_DATA_KEYS) is data


def test_every_contact_field_of_the_catalogue_and_the_permission_matrix_is_sealed():
    words = ("contact", "address", "phone", "email", "postcode", "safe")
    named = {name for spec in EVENT_TYPES.values() for name in spec.fields
             if any(word in name for word in words)}
    assert named == {"contact", "contact_times", "safe_contact", "email", "phone"}
    assert named <= SENSITIVE_DATA_KEYS
    assert CONTACT_KEYS <= SENSITIVE_DATA_KEYS
    assert "note" in SENSITIVE_DATA_KEYS  # a safe-contact flag's note


def _settings_import(**env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items()
            if k not in ("VJ_FIELD_KEYS", "VJ_BLIND_INDEX_KEY", "DJANGO_DEBUG")}
    return subprocess.run([sys.executable, "-c", "import config.settings as s; "
                           "print(len(s.VJ_FIELD_KEYS), bool(s.VJ_BLIND_INDEX_KEY))"],
                          cwd=ROOT, env={**base, "DJANGO_SECRET_KEY": "x", **env},
                          capture_output=True, text=True, timeout=60, check=False)


def test_production_refuses_the_development_keys_and_debug_gets_them():
    dev_key = "ZGV2ZWxvcG1lbnQtb25seS1maWVsZC1rZXktLTMyYiE="
    refused = _settings_import(DJANGO_DEBUG="false", VJ_FIELD_KEYS=dev_key,
                               VJ_BLIND_INDEX_KEY="b" * 32)
    assert refused.returncode == 1
    assert "must not use the development keys when DJANGO_DEBUG is off" in refused.stderr
    debug = _settings_import(DJANGO_DEBUG="true")
    assert (debug.returncode, debug.stdout) == (0, "1 True\n")
    production = _settings_import(DJANGO_DEBUG="false")
    assert (production.returncode, production.stdout) == (0, "0 False\n")


def test_the_deploy_check_reports_missing_or_malformed_keys(settings):
    settings.VJ_FIELD_KEYS = []
    settings.VJ_BLIND_INDEX_KEY = "short"
    assert [(e.id, e.msg.split(":")[0]) for e in crypto.keys_check()] == [
        ("crypto.E001", "VJ_FIELD_KEYS is not set"),
        ("crypto.E002", "VJ_BLIND_INDEX_KEY must be at least 32 characters long")]
    settings.VJ_FIELD_KEYS = [KEY_A]
    settings.VJ_BLIND_INDEX_KEY = "b" * 32
    assert crypto.keys_check() == []
    settings.VJ_BLIND_INDEX_OLD_KEYS = ["c" * 31]  # checked too, by its own name
    assert [(e.id, e.msg.split(":")[0]) for e in crypto.keys_check()] == [
        ("crypto.E002", "VJ_BLIND_INDEX_OLD_KEYS")]
    assert "(a VJ_BLIND_INDEX_KEY being replaced) must be at least 32 characters long" in (
        crypto.keys_check()[0].msg)
    settings.VJ_BLIND_INDEX_OLD_KEYS = ["c" * 32]
    assert crypto.keys_check() == []
