"""Writes of the REST API: API keys, events posted by an organisation, the audit of reads."""

from __future__ import annotations

import datetime as dt
import math
import secrets
from collections.abc import Sequence
from typing import Any

import orjson
from django.db import IntegrityError, transaction

from victimjourney.api.models import ApiKey
from victimjourney.api.selectors import TOKEN_PREFIX, cases_refused, token_hash
from victimjourney.audit.models import AuditEntry
from victimjourney.audit.services import audit_record
from victimjourney.cases.models import Case
from victimjourney.core import clock
from victimjourney.core.errors import DomainError, FeedError, FeedErrors
from victimjourney.duties.services import ImportResult, feed_import
from victimjourney.organisations.models import Organisation

# A key's last use is written at most once a minute, so that a busy key does not make every
# request update (and lock) the same row.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
# Concurrent requests that create the same case or event collide on a unique index; the loser
# is retried (it then sees the winner's rows), this many times in all.
ATTEMPTS = 3


class WriteRefused(DomainError):
    """Events an API key may not record (another organisation's name, another's case)."""

    def __init__(self, errors: list[FeedError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:10]))


class WriteConflict(DomainError):
    """Concurrent writes to the same case kept colliding; the client should retry."""


def api_key_create(*, organisation: str, name: str) -> tuple[ApiKey, str]:
    """A new key for ORGANISATION. Returns the key and its token, which is not stored and
    cannot be shown again."""
    name = name.strip()
    if not name or len(name) > 100:
        raise DomainError("a key needs a name of 1 to 100 characters")
    org = Organisation.objects.filter(code=organisation).first()
    if org is None:
        raise DomainError(f"unknown organisation code {organisation!r}")
    if not org.active:
        raise DomainError(f"organisation {organisation!r} is not active")
    if org.kind == "victim":
        raise DomainError("victims record events through the portal, not with an API key")
    if ApiKey.objects.filter(organisation=org, name=name, revoked_at__isnull=True).exists():
        raise DomainError(f"{organisation} already has a live key named {name!r}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(organisation=org, name=name, prefix=token[:11],
                                hashed=token_hash(token), created_at=clock.now())
    return key, token


def api_key_secret() -> tuple[str, str, str]:
    """A new token with its prefix and hash (for the admin's add form)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, token[:11], token_hash(token)


def api_key_revoke(*, organisation: str, name: str) -> ApiKey:
    """Revoke the live key named NAME of ORGANISATION: it stops working at once."""
    key = ApiKey.objects.filter(organisation_id=organisation, name=name,
                                revoked_at__isnull=True).first()
    if key is None:
        raise DomainError(f"{organisation} has no live key named {name!r}")
    key.revoked_at = clock.now()
    ApiKey.objects.filter(pk=key.pk).update(revoked_at=key.revoked_at)
    return key


def api_key_touch(*, key: ApiKey, now: dt.datetime) -> None:
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now


def api_audit_record(*, key: ApiKey, action: str, case_reference: str = "",
                     victim_key: str = "", detail: str = "") -> AuditEntry:
    """An audit entry whose actor is an API key (no user): its name and organisation."""
    return audit_record(user=None, actor_name=f"API key {key.name} ({key.prefix}…)",
                        organisation=key.organisation_id, role="api_key", action=action,
                        case_reference=case_reference, victim_key=victim_key, detail=detail)


def _unstorable(value: Any, path: str) -> str | None:
    """The path of the first string the database cannot store, or of a non-finite number."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if "\x00" in item or any("\ud800" <= ch <= "\udfff" for ch in item):
                return where
        elif isinstance(item, float):
            if not math.isfinite(item):
                return where
        elif isinstance(item, dict):
            for k, v in item.items():
                if not isinstance(k, str) or _unstorable(k, where) is not None:
                    return where
                stack.append((v, f"{where}.{k}" if where else k))
        elif isinstance(item, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(item))
    return None


def _scope_errors(key: ApiKey, events: Sequence[dict[str, Any]]) -> list[FeedError]:
    organisation = key.organisation_id
    errors = []
    refs = set()
    for line, event in enumerate(events, start=1):
        eid = event.get("id") if isinstance(event.get("id"), str) else None
        provider, case = event.get("provider"), event.get("case")
        if isinstance(provider, str) and provider != organisation:
            errors.append(FeedError(line, "provider", f"this key records events as "
                                    f"{organisation} only, not as {provider!r}", eid))
        if isinstance(case, str):
            refs.add(case)
    refused = cases_refused(organisation=organisation, references=refs)
    for line, event in enumerate(events, start=1):
        if isinstance(event.get("case"), str) and event["case"] in refused:
            eid = event.get("id") if isinstance(event.get("id"), str) else None
            errors.append(FeedError(line, "case", f"no case {event['case']!r} on which "
                                    f"{organisation} may record events", eid))
    return sorted(errors, key=lambda e: e.line)


def events_record(*, key: ApiKey, events: Sequence[dict[str, Any]]) -> ImportResult:
    """Record events posted with KEY, whole or not at all, through `feed_import`.

    Events are recorded only as the key's organisation and only on cases it may write to
    (`selectors.cases_refused`); otherwise WriteRefused names every offending line. Invalid
    events raise FeedErrors, as from a file. The cases written to are locked for the
    transaction, so concurrent posts to one case are applied one after the other.
    """
    errors = []
    for line, event in enumerate(events, start=1):
        where = _unstorable(event, "")
        if where is not None:
            errors.append(FeedError(line, where or "(event)", "contains a NUL character, an "
                                    "unpaired surrogate or a non-finite number, which cannot "
                                    "be stored"))
    if errors:
        raise FeedErrors(errors)
    refused = _scope_errors(key, events)
    if refused:
        raise WriteRefused(refused)
    lines = [orjson.dumps(event).decode() for event in events]
    refs = sorted({e["case"] for e in events if isinstance(e.get("case"), str)})
    source = f"api:{key.organisation_id}:{key.name}"
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction.atomic():
                list(Case.objects.select_for_update().filter(reference__in=refs)
                     .order_by("id").values_list("id", flat=True))
                return feed_import(lines=lines, source=source)
        except IntegrityError:
            if attempt == ATTEMPTS:
                raise WriteConflict("other requests were writing the same cases or events at "
                                    "the same time; nothing was applied: send it again") from None
    raise AssertionError("unreachable")
