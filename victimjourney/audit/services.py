"""Writes to the audit log."""

from __future__ import annotations

from typing import Any

from victimjourney.audit.models import AuditEntry
from victimjourney.core import clock


def audit_record(*, user: Any, action: str, case_reference: str = "", victim_key: str = "",
                 detail: str = "") -> AuditEntry:
    staff = getattr(user, "staff", None)
    return AuditEntry.objects.create(
        at=clock.now(), actor=user if user and user.is_authenticated else None,
        actor_name=user.get_username() if user and user.is_authenticated else "anonymous",
        organisation=staff.organisation_id if staff else "",
        role=staff.role if staff else "",
        action=action, case_reference=case_reference, victim_key=victim_key,
        detail=detail[:500],
    )
