"""Encryption at rest of victims' contact details: addresses, phone numbers, email addresses
and safe-contact notes, wherever they are stored (docs/ARCHITECTURE.md, "Encryption at rest").

Values are sealed with Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) under the
keys in the setting VJ_FIELD_KEYS (environment variable of the same name: comma-separated,
newest first). A sealed value is text that names its key:

    vjenc1:<key id>:<Fernet token>

The key id is the first 8 hex digits of the SHA-256 of the key. Reading picks the key by its id
(no trial decryption under every key, as MultiFernet would do), and `victimjourney rotate_keys`
finds the values still under an older key without decrypting anything. New values are always
sealed under the newest key.

`blind_index` is a keyed HMAC (VJ_BLIND_INDEX_KEY) for values that must be compared but not
read back, such as the digest of a journey event's content: an unkeyed hash of content whose
only unknown part is a phone number could be reversed by trying every number.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NoReturn

import orjson
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

PREFIX = "vjenc1"
# The key of an event payload under which its sensitive keys are sealed together.
PAYLOAD_MARK = "_sealed"
GENERATE_HINT = "generate one with `victimjourney rotate_keys --generate-key`"


class FieldKeyError(ImproperlyConfigured):
    """VJ_FIELD_KEYS or VJ_BLIND_INDEX_KEY is missing or malformed."""


class SealedValueError(Exception):
    """A stored value cannot be decrypted: its key is not configured, or it was altered.
    Names the field, the record (when known) and the key id."""

    def __init__(self, *, field: str, record: Any = None, key_id: str | None, reason: str):
        self.field = field
        self.record = record
        self.key_id = key_id
        self.reason = reason
        where = field + ("" if record is None else f" of record {record!r}")
        super().__init__(f"cannot decrypt {where}: {reason}")


@dataclass(frozen=True)
class Keyring:
    newest: str  # key id of the key new values are sealed under
    fernets: Mapping[str, Fernet]  # every configured key, by id


def key_id_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:8]


@lru_cache(maxsize=8)
def _keyring(keys: tuple[str, ...]) -> Keyring:
    if not keys:
        raise FieldKeyError(
            "VJ_FIELD_KEYS is not set: victims' contact details cannot be encrypted or read. "
            f"Set it to one or more Fernet keys, newest first ({GENERATE_HINT}).")
    fernets: dict[str, Fernet] = {}
    seen: dict[str, str] = {}
    for position, key in enumerate(keys, start=1):
        try:
            fernet = Fernet(key)
        except ValueError:
            raise FieldKeyError(
                f"VJ_FIELD_KEYS: key {position} is not a Fernet key (32 url-safe base64-encoded "
                f"bytes); {GENERATE_HINT}") from None
        kid = key_id_of(key)
        if seen.setdefault(kid, key) != key:
            raise FieldKeyError(f"VJ_FIELD_KEYS: two keys have the id {kid}: replace one")
        fernets.setdefault(kid, fernet)
    return Keyring(newest=key_id_of(keys[0]), fernets=fernets)


def keyring() -> Keyring:
    """The configured keys: read from settings on every call (tests change them), parsed
    once for each value the setting takes."""
    return _keyring(tuple(getattr(settings, "VJ_FIELD_KEYS", ()) or ()))


def generate_key() -> str:
    return Fernet.generate_key().decode()


def key_id(value: str) -> str | None:
    """The key id of a sealed value; None when VALUE is not sealed (plaintext)."""
    if not value.startswith(PREFIX + ":"):
        return None
    parts = value.split(":", 2)
    return parts[1] if len(parts) == 3 else None


def seal(plaintext: bytes) -> str:
    ring = keyring()
    token = ring.fernets[ring.newest].encrypt(plaintext).decode()
    return f"{PREFIX}:{ring.newest}:{token}"


def unseal(value: str, *, field: str, record: Any = None) -> bytes:
    """The plaintext of a sealed value. Raises SealedValueError naming FIELD and RECORD."""
    kid = key_id(value)
    if kid is None:
        raise SealedValueError(field=field, record=record, key_id=None,
                               reason="the stored value is not in the vjenc1 format")
    ring = keyring()
    fernet = ring.fernets.get(kid)
    if fernet is None:
        raise SealedValueError(
            field=field, record=record, key_id=kid,
            reason=f"it is encrypted under key id {kid}, which is not in VJ_FIELD_KEYS (ids "
                   f"configured: {', '.join(ring.fernets)}). Put the old key back after the "
                   "new one and run `victimjourney rotate_keys`.")
    try:
        return fernet.decrypt(value.split(":", 2)[2])
    except InvalidToken:
        raise SealedValueError(
            field=field, record=record, key_id=kid,
            reason=f"the value under key id {kid} fails its integrity check (altered, or "
                   "another key with the same id)") from None


def dumps(value: Any) -> bytes:
    try:
        return orjson.dumps(value)
    except TypeError:  # integers beyond 64 bits: rare, and slower
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def seal_json(value: Any) -> str:
    return seal(dumps(value))


def unseal_json(value: str, *, field: str, record: Any = None) -> Any:
    return json.loads(unseal(value, field=field, record=record))


# --- Event payloads: the sensitive keys sealed together, the rest left readable -------------

def _mentions(value: Any, sensitive: frozenset[str]) -> bool:
    if isinstance(value, dict):
        return any(k in sensitive or (isinstance(v, dict | list) and _mentions(v, sensitive))
                   for k, v in value.items())
    return any(isinstance(v, dict | list) and _mentions(v, sensitive) for v in value)


def seal_payload(data: dict[str, Any], sensitive: frozenset[str]) -> dict[str, Any]:
    """DATA with every sensitive top-level key sealed together under PAYLOAD_MARK.

    A key is sensitive when its name is in SENSITIVE or its value holds such a key at any depth
    (a correction's `replacement.data.contact`, needs-assessment answers with `safe_contact`).
    A key named PAYLOAD_MARK in the input is sealed too, so reading always gives DATA back.
    """
    secret = None  # most events carry no contact details: build nothing for them
    for k, v in data.items():
        if k in sensitive or k == PAYLOAD_MARK or (
                isinstance(v, dict | list) and _mentions(v, sensitive)):
            if secret is None:
                secret = {}
            secret[k] = v
    if secret is None:
        return data
    out = {k: v for k, v in data.items() if k not in secret}
    out[PAYLOAD_MARK] = seal_json(secret)
    return out


def unseal_payload(data: dict[str, Any], *, field: str, record: Any = None) -> dict[str, Any]:
    token = data.get(PAYLOAD_MARK)
    if token is None:
        return data
    if not isinstance(token, str):
        raise SealedValueError(field=field, record=record, key_id=None,
                               reason=f"{PAYLOAD_MARK} is not a sealed value")
    secret = unseal_json(token, field=field, record=record)
    out = {k: v for k, v in data.items() if k != PAYLOAD_MARK}
    out.update(secret)
    return out


# --- A value read from the database that cannot be decrypted --------------------------------

class Unreadable:
    """Stands for a stored value that cannot be decrypted. Reading the field of a model
    instance raises SealedValueError naming the record (`fields.SealedAttribute`); any other
    use raises it naming the field. Saving the instance back writes the stored value unchanged.
    """

    __slots__ = ("error", "stored")

    def __init__(self, stored: Any, error: SealedValueError):
        self.stored = stored  # exactly as read from the database
        # Without its traceback, whose frames would keep the query's cursor alive.
        self.error = error.with_traceback(None)

    def fail(self, record: Any = None) -> NoReturn:
        if record is None:
            raise self.error
        raise SealedValueError(field=self.error.field, record=record, key_id=self.error.key_id,
                               reason=self.error.reason)

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        self.fail()

    __getitem__ = __iter__ = __len__ = __contains__ = __bool__ = __str__ = _refuse
    get = keys = items = values = copy = startswith = _refuse

    def __repr__(self) -> str:
        return f"<Unreadable {self.error.field} (key id {self.error.key_id})>"


# --- Blind indexes --------------------------------------------------------------------------

@lru_cache(maxsize=4)
def _blind_key(value: str, setting: str = "VJ_BLIND_INDEX_KEY") -> bytes:
    """VALUE as an HMAC key: VJ_BLIND_INDEX_KEY, or (SETTING) one of VJ_BLIND_INDEX_OLD_KEYS."""
    if not value:
        raise FieldKeyError(
            f"{setting} is not set: it keys the digests that let a re-sent journey "
            "event be recognised without storing a guessable hash of a victim's contact "
            "details. Set it to a random string of at least 32 characters.")
    if len(value) < 32:
        raise FieldKeyError(f"{setting} must be at least 32 characters long")
    return value.encode()


def blind_index(text: str) -> str:
    """A keyed HMAC-SHA256 of TEXT (64 hex digits): equal texts give equal indexes, and
    nobody without VJ_BLIND_INDEX_KEY can test a guess."""
    return _hmac(_blind_key(str(getattr(settings, "VJ_BLIND_INDEX_KEY", "") or "")), text)


def _hmac(key: bytes, text: str) -> str:
    return hmac.digest(key, text.encode(), "sha256").hex()


def old_blind_keys() -> list[bytes]:
    """The keys of VJ_BLIND_INDEX_OLD_KEYS: set only while `rotate_keys --blind-index` moves
    the stored indexes to VJ_BLIND_INDEX_KEY, so that what is still under an old key is
    recognised meanwhile. Empty otherwise."""
    setting = "VJ_BLIND_INDEX_OLD_KEYS: each key (a VJ_BLIND_INDEX_KEY being replaced)"
    return [_blind_key(value, setting)
            for value in getattr(settings, "VJ_BLIND_INDEX_OLD_KEYS", ()) if value]


def old_blind_indexes(text: str) -> list[str]:
    """TEXT's blind index under each old key still configured (`old_blind_keys`)."""
    return [_hmac(key, text) for key in old_blind_keys()]


def blind_indexes(text: str) -> list[str]:
    """TEXT's blind index under VJ_BLIND_INDEX_KEY, then under each old key still configured:
    what a stored index of TEXT may be during a rotation."""
    return [blind_index(text), *old_blind_indexes(text)]


@checks.register(checks.Tags.security, deploy=True)
def keys_check(app_configs: Any = None, **kwargs: Any) -> list[checks.Error]:
    """`check --deploy`: the keys are set and well formed (a server without them would fail
    at the first contact detail it reads or writes)."""
    problems = []
    for number, probe in enumerate((keyring, lambda: blind_indexes("probe")), start=1):
        try:
            probe()
        except FieldKeyError as exc:
            problems.append(checks.Error(str(exc), id=f"crypto.E00{number}",
                                         hint="See .env.example and docs/ARCHITECTURE.md."))
    return problems
