"""Writes to the journey log: storing validated events, idempotently and append-only.

The whole import (events, then the duties they produce) is orchestrated by
`duties.services.feed_import`; this module stores one chunk of events and reports what changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction

from victimjourney.cases.models import Case
from victimjourney.core import clock
from victimjourney.core.bulk import copy_rows, insert_returning, is_postgres
from victimjourney.core.crypto import blind_index, seal_payload
from victimjourney.core.errors import FeedError
from victimjourney.journey.feed import JourneyEvent, check_batch
from victimjourney.journey.models import SENSITIVE_DATA_KEYS, Event, ImportBatch
from victimjourney.journey.selectors import case_event_ids
from victimjourney.victims.models import Victim

EVENT_COLUMNS = ("id", "type", "case_id", "victim_key", "provider_id", "occurred_at",
                 "received_at", "data", "digest", "batch_id", "recorded_at")


@dataclass
class StoredChunk:
    fresh: list[JourneyEvent] = field(default_factory=list)
    repeated: int = 0
    errors: list[FeedError] = field(default_factory=list)
    case_ids: dict[str, int] = field(default_factory=dict)  # reference -> id, touched cases
    new_cases: set[str] = field(default_factory=set)  # references created by this chunk


def stored_digest(digest: str) -> str:
    """What the log stores for an event's content digest (`feed.event_digest`): a keyed blind
    index, since a plain hash of an event whose only unknown is a phone number or an email
    address could be reversed by trying every value. Same content, same stored digest."""
    return blind_index(digest)


def _stored_digests(ids: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    if is_postgres():
        # One array parameter per 1,000 ids: cheap to plan, and small enough that PostgreSQL
        # keeps to the primary-key index (at 5,000 it chose a sequential scan of the log).
        with connection.cursor() as cursor:
            for start in range(0, len(ids), 1000):
                cursor.execute(f"SELECT id, digest FROM {Event._meta.db_table} "  # noqa: S608
                               "WHERE id = ANY(%s)", [ids[start:start + 1000]])
                out.update(cursor.fetchall())
        return out
    for start in range(0, len(ids), 5000):
        part = ids[start:start + 5000]
        out.update(Event.objects.filter(id__in=part).values_list("id", "digest"))
    return out


def _victim_keys(reference: str) -> set[str]:
    return set(Victim.objects.filter(case__reference=reference).values_list("key", flat=True))


def events_screen(events: Iterable[JourneyEvent], *, keep_valid: bool) -> StoredChunk:
    """Split a chunk into fresh events, repeats (same id, same content) and errors.

    Checks against what is stored: an id already stored with other content is an error, and
    references to victims and events may be satisfied by the stored log.
    """
    result = StoredChunk()
    events = list(events)
    stored = _stored_digests(list({e.id for e in events}))
    seen: set[str] = set()
    candidates = []
    for ev in events:
        digest = stored.get(ev.id)
        if digest is not None:
            if digest == stored_digest(ev.digest):
                result.repeated += 1
            else:
                result.errors.append(FeedError(
                    ev.line, "id", f"event id {ev.id!r} is already stored with other content "
                    "(corrections are new events)", ev.id))
            continue
        if ev.id in seen:
            # The same event twice in one batch: check_batch reports a clash, else a repeat.
            candidates.append(ev)
            continue
        seen.add(ev.id)
        candidates.append(ev)
    while True:
        problems = check_batch(candidates, known_victims=_victim_keys,
                               known_events=case_event_ids)
        if not problems or not keep_valid:
            result.errors.extend(problems)
            break
        bad = {p.line for p in problems}
        result.errors.extend(problems)
        candidates = [e for e in candidates if e.line not in bad]
    unique: dict[str, JourneyEvent] = {}
    for ev in candidates:
        if ev.id in unique:
            result.repeated += 1
        else:
            unique[ev.id] = ev
    result.fresh = list(unique.values())
    return result


def cases_ensure(events: list[JourneyEvent], chunk: StoredChunk) -> None:
    """Find or create the cases of a chunk's events (never silently for an unknown force)."""
    refs = {e.case for e in events}
    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT reference, id FROM {Case._meta.db_table} "  # noqa: S608
                           "WHERE reference = ANY(%s)", [list(refs)])
            existing = dict(cursor.fetchall())
    else:
        existing = dict(Case.objects.filter(reference__in=refs).values_list("reference", "id"))
    missing = refs - existing.keys()
    if missing:
        first: dict[str, JourneyEvent] = {}
        for ev in sorted(events, key=lambda e: (e.occurred_at, e.id)):
            if ev.case in missing and (ev.case not in first or (
                    ev.type == "crime.reported" and first[ev.case].type != "crime.reported")):
                first[ev.case] = ev
        rows = []
        now = clock.now()
        for ref in sorted(missing):
            ev = first[ref]
            reported = ev.type == "crime.reported"
            rows.append((ref, ev.provider if ev.provider.startswith("police:") else None,
                         str(ev.data.get("offence", ""))[:200] if reported else "",
                         ev.occurred_at if reported else None, now, now))
        if is_postgres():
            existing.update(insert_returning(
                Case._meta.db_table,
                [("reference", "text"), ("force_id", "text"), ("offence", "text"),
                 ("reported_at", "timestamptz"), ("created_at", "timestamptz"),
                 ("updated_at", "timestamptz")],
                rows, returning=("reference", "id")))
        else:
            created = Case.objects.bulk_create([
                Case(reference=r[0], force_id=r[1], offence=r[2], reported_at=r[3])
                for r in rows])
            existing.update((case.reference, case.pk) for case in created)
        chunk.new_cases |= missing
    chunk.case_ids.update(existing)


def events_insert(events: list[JourneyEvent], *, case_ids: dict[str, int], batch: ImportBatch,
                  recorded_at) -> int:
    # COPY bypasses the model field, so it is handed the data with contact details sealed;
    # bulk_create goes through the field, which seals them.
    postgres = is_postgres()
    rows = (
        (e.id, e.type, case_ids[e.case], e.victim or "", e.provider, e.occurred_at,
         e.received_at, seal_payload(e.data, SENSITIVE_DATA_KEYS) if postgres else e.data,
         stored_digest(e.digest), batch.pk, recorded_at)
        for e in events
    )
    if postgres:
        return copy_rows(Event._meta.db_table, EVENT_COLUMNS, rows, json_columns=("data",))
    objs = [Event(id=r[0], type=r[1], case_id=r[2], victim_key=r[3], provider_id=r[4],
                  occurred_at=r[5], received_at=r[6], data=r[7], digest=r[8], batch_id=r[9],
                  recorded_at=r[10]) for r in rows]
    Event.objects.bulk_create(objs, batch_size=2000)
    return len(objs)


# The SQLite trigger of migration 0002, re-created by `events_rekeyable`.
SQLITE_APPEND_ONLY = """
CREATE TRIGGER journey_event_append_only BEFORE UPDATE ON journey_event
BEGIN
  SELECT RAISE(ABORT, 'journey events are append-only: record a correction.recorded event instead');
END;
"""


@contextmanager
def events_rekeyable() -> Iterator[None]:
    """A transaction in which stored events' data and digest may be rewritten, to re-encrypt
    their contact details under a new key (`victimjourney rotate_keys`); nothing else.

    PostgreSQL: the append-only trigger's `victimjourney.rekey` escape (migration 0004), which
    allows an UPDATE that changes only `data` and `digest`, never a DELETE. SQLite (the laptop
    demo) cannot read a session setting in a trigger: the trigger is dropped and re-created
    inside the transaction, so no other connection ever sees the log without it.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if is_postgres():
            cursor.execute("SET LOCAL victimjourney.rekey = 'on'")
            yield
            cursor.execute("SET LOCAL victimjourney.rekey = 'off'")
        else:
            cursor.execute("DROP TRIGGER journey_event_append_only")
            yield
            cursor.execute(SQLITE_APPEND_ONLY)
