"""Writes to the audit log: the one place entries are created (and, for retention, purged).

Every entry is chained to the one before it (`chain.py`). Writers serialise so that no two
entries link to the same predecessor: on PostgreSQL a transaction-level advisory lock is taken
before the last hash is read and held until the entry is committed; on SQLite the database's
single writer does the same. The cost is one indexed read (the newest entry by id) per entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction

from victimjourney.audit.chain import (
    CHECKPOINT_ACTION,
    GENESIS,
    checkpoint_detail,
    entry_hash,
)
from victimjourney.audit.models import AuditEntry
from victimjourney.core import clock

# pg_advisory_xact_lock key of the audit chain ("VJAU"); no other code takes this key.
CHAIN_LOCK = 0x564A4155


def _lock_chain() -> None:
    """Hold the chain until the current transaction ends (PostgreSQL; SQLite's write
    transaction serialises writers already)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def _head_hash(*, default: str = GENESIS) -> str:
    return AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or default


def audit_record(*, user: Any, action: str, case_reference: str = "", victim_key: str = "",
                 detail: str = "", actor_name: str | None = None,
                 organisation: str | None = None, role: str | None = None) -> AuditEntry:
    """Append one entry. The actor is USER (a signed-in staff member: name, organisation and
    role from the profile), or, with USER None, ACTOR_NAME / ORGANISATION / ROLE (an API key,
    a command, the retention purge); "anonymous" when nothing names one.

    Inside an outer transaction the chain stays locked until that transaction ends, so callers
    should record at the end of their work."""
    return _append(_fields(user=user, action=action, case_reference=case_reference,
                           victim_key=victim_key, detail=detail, actor_name=actor_name,
                           organisation=organisation, role=role))


def _fields(*, user: Any, action: str, case_reference: str, victim_key: str, detail: str,
            actor_name: str | None, organisation: str | None, role: str | None
            ) -> dict[str, Any]:
    signed_in = bool(user and user.is_authenticated)
    staff = getattr(user, "staff", None) if signed_in else None
    return {
        "at": clock.now(),
        "actor_id": user.pk if signed_in else None,
        "actor_name": (user.get_username() if signed_in else actor_name or "anonymous")[:150],
        "organisation": (staff.organisation_id if staff else organisation or "")[:120],
        "role": (staff.role if staff else role or "")[:40],
        "action": action[:40],
        "case_reference": case_reference[:100],
        "victim_key": victim_key[:100],
        "detail": detail[:500],
    }


def _append(fields: dict[str, Any], *, after: str | None = None) -> AuditEntry:
    """Store an entry linked to the newest one (or to AFTER, the hash of the last entry a purge
    deleted, when the purge left no other)."""
    with transaction.atomic():
        _lock_chain()
        prev = _head_hash(default=after or GENESIS)
        entry = AuditEntry(**fields, prev_hash=prev, hash=entry_hash(fields, prev))
        entry.save(force_insert=True)
    return entry


def audit_purge(*, before: dt.datetime) -> AuditEntry | None:
    """Delete the oldest entries, those written before BEFORE, for retention; return the
    checkpoint entry appended in their place, or None if nothing was old enough.

    Only a prefix of the chain (in id order) is deleted: everything before the first entry
    written at or after BEFORE. The checkpoint records the id and hash of the last entry deleted,
    which the first entry kept links to, so `audit_check` verifies from there. On PostgreSQL
    the delete is allowed by `SET LOCAL victimjourney.audit_retention = 'on'`, switched off
    again straight after it (migration 0003)."""
    with transaction.atomic():
        _lock_chain()
        keep_from = (AuditEntry.objects.filter(at__gte=before).order_by("id")
                     .values_list("id", flat=True).first())
        doomed = AuditEntry.objects.all()
        if keep_from is not None:
            doomed = doomed.filter(id__lt=keep_from)
        last = doomed.order_by("-id").values("id", "hash").first()
        if last is None:
            return None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL victimjourney.audit_retention = 'on'")
        purged, _ = doomed.delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL victimjourney.audit_retention = 'off'")
        detail = checkpoint_detail(purged=purged, through_id=last["id"],
                                   through_hash=last["hash"], before=before)
        return _append(_fields(user=None, action=CHECKPOINT_ACTION, case_reference="",
                               victim_key="", detail=detail, actor_name="retention",
                               organisation="", role=""), after=last["hash"])
