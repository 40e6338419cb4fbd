"""Subject access requests made by victims through the portal: received, due one calendar
month later (UK GDPR art. 12(3)), fulfilled by the administrators' export."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.db import transaction

from victimjourney.audit.services import audit_record
from victimjourney.core.clock import local_date
from victimjourney.privacy.models import SubjectAccessRequest
from victimjourney.victims.models import Victim


def one_month_after(day: dt.date) -> dt.date:
    """The same day of the next month, or that month's last day when it has no such day
    (received 31 January: due 28 or 29 February), as the ICO counts a month."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def access_request_open(victim: Victim) -> SubjectAccessRequest | None:
    return (SubjectAccessRequest.objects.filter(victim=victim, fulfilled_at__isnull=True)
            .order_by("received_at", "id").first())


def access_request(*, victim: Victim, now: dt.datetime) -> tuple[SubjectAccessRequest, bool]:
    """Record VICTIM's request for their data (audited), unless one is already open: the
    request and whether it is new."""
    with transaction.atomic():
        Victim.objects.select_for_update().filter(pk=victim.pk).first()  # one at a time
        existing = access_request_open(victim)
        if existing is not None:
            return existing, False
        request = SubjectAccessRequest.objects.create(
            victim=victim, case_reference=victim.case.reference, victim_key=victim.key,
            received_at=now, due_on=one_month_after(local_date(now)))
        audit_record(user=None, action="portal_subject_access_request",
                     case_reference=victim.case.reference, victim_key=victim.key,
                     detail=f"due {request.due_on.isoformat()}")
    return request, True


def access_requests_fulfil(*, reference: str, victim_key: str, user: Any,
                           now: dt.datetime) -> int:
    """Mark the victim's open requests fulfilled by an export made now by USER."""
    who = (user.get_username() if user is not None else "subject_access command")[:200]
    return SubjectAccessRequest.objects.filter(
        case_reference=reference, victim_key=victim_key, fulfilled_at__isnull=True,
    ).update(fulfilled_at=now, fulfilled_by=who)
