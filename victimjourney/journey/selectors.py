"""Reads of the journey log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from victimjourney.journey.feed import JourneyEvent
from victimjourney.journey.models import Event


def event_as_journey(row: Mapping[str, Any], case_ref: str) -> JourneyEvent:
    """An engine event from a stored row (a `.values()` dict)."""
    return JourneyEvent(
        id=row["id"], type=row["type"], case=case_ref,
        provider=row["provider_id"], occurred_at=row["occurred_at"],
        received_at=row["received_at"], victim=row["victim_key"] or None,
        data=row["data"] or {}, digest=row["digest"],
    )


def case_events(case_ids: Iterable[int]) -> dict[int, list[JourneyEvent]]:
    """All stored events of the given cases, as engine events, keyed by case id."""
    ids = list(case_ids)
    out: dict[int, list[JourneyEvent]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = Event.objects.filter(case_id__in=ids).values(
        "id", "type", "case_id", "case__reference", "provider_id", "occurred_at",
        "received_at", "victim_key", "data", "digest")
    for row in rows.iterator(chunk_size=5000):
        out[row["case_id"]].append(event_as_journey(row, row["case__reference"]))
    return out


def case_event_ids(reference: str) -> set[str]:
    return set(Event.objects.filter(case__reference=reference).values_list("id", flat=True))
