"""What the workspace's navigation offers the signed-in staff member: only the sections
their role may open (the same checks the pages make, so a link never leads to "not found")."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from victimjourney.accounts.permissions import permitted
from victimjourney.linkage.permissions import may


def staff_navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    staff = getattr(user, "staff", None) if user is not None and user.is_authenticated else None
    if staff is None:
        return {}
    role = staff.role
    return {"nav": {
        "team": permitted(role, "own", "duty", "team"),
        "compliance": permitted(role, "none", "report", "aggregates"),
        "linkage": may(role, "lookup"),
    }}
