"""Replay: evaluate a feed into duties without a database (organisations from reference data)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from victimjourney.core.errors import FeedError, FeedErrors
from victimjourney.duties.engine import DutyResult, evaluate
from victimjourney.duties.explain import explain
from victimjourney.journey.feed import check_batch, parse_lines
from victimjourney.organisations.reference import OrganisationRef


def replay(lines: Iterable[str], *, as_of: dt.datetime,
           orgs: Mapping[str, OrganisationRef]) -> list[DutyResult]:
    errors: list[FeedError] = []
    events = list(parse_lines(lines, orgs, errors))
    errors.extend(check_batch(events))
    if errors:
        raise FeedErrors(sorted(errors, key=lambda e: e.line))
    unique = {e.id: e for e in events}  # a repeated identical line is a no-op
    duties = [d for case in evaluate(unique.values(), as_of=as_of, orgs=orgs)
              for d in case.duties]
    return sorted(duties, key=lambda d: (d.case, d.victim, d.triggered_at, d.trigger_event,
                                         d.entitlement))


def duty_json(duty: DutyResult, orgs: Mapping[str, OrganisationRef]) -> dict[str, Any]:
    org = orgs.get(duty.provider)
    return {
        "case": duty.case,
        "victim": duty.victim,
        "trigger_event": duty.trigger_event,
        "trigger_type": duty.trigger_type,
        "entitlement": duty.entitlement,
        "edition": duty.edition,
        "provider": duty.provider,
        "provider_name": org.name if org else duty.provider,
        "enhanced": duty.enhanced,
        "due_date": duty.due_date.isoformat() if duty.due_date else None,
        "due_at": duty.due_at.isoformat() if duty.due_at else None,
        "status": duty.status,
        "fulfilled_by": duty.fulfilled_by,
        "fulfilled_at": duty.fulfilled_at.isoformat() if duty.fulfilled_at else None,
        "reason": duty.reason or None,
        "unverified": duty.unverified,
        "explanation": explain(duty, orgs),
    }
