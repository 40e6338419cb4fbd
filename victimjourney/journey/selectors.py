"""Reads of the journey log."""

from __future__ import annotations

from collections.abc import Iterable

from victimjourney.journey.feed import JourneyEvent
from victimjourney.journey.models import Event


def event_as_journey(row: Event | dict, case_ref: str) -> JourneyEvent:
    get = row.get if isinstance(row, dict) else row.__dict__.get
    return JourneyEvent(
        id=get("id"), type=get("type"), case=case_ref,
        provider=get("provider_id"), occurred_at=get("occurred_at"),
        received_at=get("received_at"), victim=get("victim_key") or None,
        data=get("data") or {}, digest=get("digest"),
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
