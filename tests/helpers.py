"""Builders for journey events in tests."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

from victimjourney.journey.feed import JourneyEvent, parse_event
from victimjourney.organisations.reference import shipped_organisations

LONDON = ZoneInfo("Europe/London")
ORGS = shipped_organisations()


def at(text: str) -> dt.datetime:
    """A local time in England and Wales: at('2014-04-17 16:20')."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


def raw(eid: str, etype: str, when: str, *, case: str = "C1", victim: str | None = None,
        received: str | None = None, provider: str = "police:kent", **data: Any) -> dict:
    line: dict[str, Any] = {"id": eid, "type": etype, "case": case, "provider": provider,
                            "occurred_at": at(when).isoformat()}
    if received:
        line["received_at"] = at(received).isoformat()
    if victim:
        line["victim"] = victim
    line["data"] = data
    return line


def ev(eid: str, etype: str, when: str, **kwargs: Any) -> JourneyEvent:
    return parse_event(raw(eid, etype, when, **kwargs), 0, ORGS)


def lines(*raws: dict) -> list[str]:
    return [json.dumps(r) + "\n" for r in raws]
