"""Reads of the journey log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import closing
from typing import Any

from victimjourney.core.crypto import Unreadable
from victimjourney.journey.feed import JourneyEvent
from victimjourney.journey.models import Event


def event_as_journey(row: Mapping[str, Any], case_ref: str) -> JourneyEvent:
    """An engine event from a stored row (a `.values()` dict). Its data is read decrypted
    (`Event.data`); one that cannot be decrypted is an error naming the event. Its digest is
    the stored blind index, not the feed's `event_digest`."""
    data = row["data"]
    if isinstance(data, Unreadable):
        data.fail(record=row["id"])
    return JourneyEvent(
        id=row["id"], type=row["type"], case=case_ref,
        provider=row["provider_id"], occurred_at=row["occurred_at"],
        received_at=row["received_at"], victim=row["victim_key"] or None,
        data=data or {}, digest=row["digest"],
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
    unreadable = None
    stream = rows.iterator(chunk_size=5000)
    with closing(stream):  # type: ignore[type-var]  # a generator: it has close()
        for row in stream:
            if isinstance(row["data"], Unreadable):
                # Raised once the stream is closed: an exception in flight would keep
                # PostgreSQL's server-side cursor open, to be closed later inside whatever
                # transaction is open then.
                unreadable = row
                break
            out[row["case_id"]].append(event_as_journey(row, row["case__reference"]))
    if unreadable is not None:
        event_as_journey(unreadable, unreadable["case__reference"])
    return out


def case_event_ids(reference: str) -> set[str]:
    return set(Event.objects.filter(case__reference=reference).values_list("id", flat=True))
