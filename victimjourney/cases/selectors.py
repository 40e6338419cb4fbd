"""Reads of cases, permission-checked: a case a user may not see looks exactly like one that
does not exist (zulip's access_<thing> pattern)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from victimjourney.accounts.roles import CAN_SEE_ALL_CASES
from victimjourney.cases.models import Case
from victimjourney.core.errors import NotFound


def staff_of(user: Any):
    staff = getattr(user, "staff", None) if user and user.is_authenticated else None
    if staff is None:
        raise NotFound("no such case")
    return staff


def cases_visible(user: Any) -> QuerySet[Case]:
    staff = getattr(user, "staff", None) if user and user.is_authenticated else None
    if staff is None:
        return Case.objects.none()
    if staff.role in CAN_SEE_ALL_CASES:
        return Case.objects.all()
    return Case.objects.filter(organisations__organisation_id=staff.organisation_id)


def access_case(user: Any, reference: str) -> Case:
    """The case, if USER may see it; otherwise NotFound, exactly as for a missing case."""
    case = cases_visible(user).select_related("force").filter(reference=reference).first()
    if case is None:
        raise NotFound("no such case")
    return case
