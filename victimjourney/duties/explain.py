"""Plain-English explanations of duties, from the duty's own facts and its rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from victimjourney.code.editions import EDITIONS
from victimjourney.code.model import Entitlement
from victimjourney.core.clock import local_date
from victimjourney.duties.engine import DutyResult
from victimjourney.organisations.reference import OrganisationRef


def long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def rule_for(edition: str, entitlement: str) -> Entitlement:
    return EDITIONS[edition].by_id()[entitlement]


def explain(duty: DutyResult, orgs: Mapping[str, OrganisationRef]) -> str:
    rule = rule_for(duty.edition, duty.entitlement)
    org = orgs.get(duty.provider)
    owed_by = org.name if org else duty.provider
    level = "enhanced entitlement" if duty.enhanced else "standard entitlement"
    parts = [rule.action]
    if rule.enhanced.kind == "before_event":
        when = rule.enhanced.text or "before the decision"
        if duty.due_date is not None:
            when += f" (the decision came on {long_date(duty.due_date)})"
        parts.append(f"Owed by {owed_by} {when}, because {duty.basis} ({level}).")
    elif duty.due_date is not None:
        parts.append(
            f"Owed by {owed_by} by the end of {long_date(duty.due_date)}: "
            f"{duty.deadline_text}, because {duty.basis} ({level})."
        )
    else:
        parts.append(f"Owed by {owed_by}; the Code sets no time limit "
                     f"({duty.deadline_text}).")
    edition = EDITIONS[duty.edition]
    parts.append(f"{edition.title}: {rule.citation} [{', '.join(rule.provenance)}].")
    if rule.unverified:
        parts.append("Part of this rule is UNVERIFIED against the Code's own text.")
    if duty.status == "met":
        assert duty.fulfilled_at is not None
        parts.append(f"Met on {long_date(local_date(duty.fulfilled_at))} ({duty.fulfilled_by}).")
    elif duty.status == "late":
        assert duty.fulfilled_at is not None
        parts.append(f"Late: done on {long_date(local_date(duty.fulfilled_at))} "
                     f"({duty.fulfilled_by}), after the deadline.")
    elif duty.status == "breached":
        parts.append("Breached: not done by the deadline.")
    elif duty.status == "not_applicable":
        parts.append(f"Not applicable: {duty.reason}.")
    else:
        parts.append("Open.")
    return " ".join(parts)
