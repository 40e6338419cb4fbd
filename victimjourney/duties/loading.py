"""The first half of importing one chunk: screen it against the stored log, find or create its
cases, store its new events.

On PostgreSQL each look-up is one query whatever the chunk's size (the ids go as one JSON
parameter, which psycopg sends as one string instead of adapting an array element by
element), and cases and events are written by COPY, case ids taken from the sequence first so
that nothing waits for RETURNING. On SQLite the ORM does the same.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from victimjourney.cases.models import Case
from victimjourney.core.bulk import (
    copy_rows,
    ids_allocate,
    index_lookups,
    is_postgres,
    json_param,
    lookup_sql,
)
from victimjourney.core.crypto import seal_payload
from victimjourney.core.errors import FeedError
from victimjourney.journey.feed import REF_FIELDS, JourneyEvent, check_batch
from victimjourney.journey.models import Event
from victimjourney.journey.services import stored_digest, stored_digest_matches
from victimjourney.victims.models import Victim

EVENT_COLUMNS = ("id", "type", "case_id", "victim_key", "provider_id", "occurred_at",
                 "received_at", "data", "digest", "batch_id", "recorded_at")
CASE_COLUMNS = ("id", "reference", "force_id", "offence", "reported_at", "created_at",
                "updated_at")
SQLITE_PARAMS = 500  # values per IN (...) on SQLite (its limit on parameters is 999 or more)


@dataclass
class Screened:
    fresh: list[JourneyEvent] = field(default_factory=list)  # new, valid, one per id
    repeated: int = 0  # already stored (or earlier in the chunk) with the same content
    errors: list[FeedError] = field(default_factory=list)


def rows_in(model: Any, column: str, values: Iterable[Any], columns: tuple[str, ...],
            **equal: object) -> list[tuple]:
    """COLUMNS of MODEL's rows whose COLUMN is among VALUES (and whose fields equal EQUAL):
    on PostgreSQL one query, VALUES as one JSON parameter, answered by index look-ups
    (`core.bulk.lookup_sql`; call it within `index_lookups`); batches of the ORM elsewhere."""
    values = list(values)
    if not values:
        return []
    if is_postgres():
        from django.db import connection

        field = model._meta.get_field(column)
        cast = "" if field.get_internal_type() in ("CharField", "TextField") else \
            f"::{field.db_type(connection)}"
        where = "".join(f" AND {name} = %s" for name in equal)
        with connection.cursor() as cursor:
            cursor.execute(lookup_sql(model._meta.db_table, field.column, columns, cast, where),
                           [json_param(values), *list[Any](equal.values())])
            return list(cursor.fetchall())
    out: list[tuple] = []
    for start in range(0, len(values), SQLITE_PARAMS):
        part = values[start:start + SQLITE_PARAMS]
        out.extend(model.objects.filter(**{f"{column}__in": part}, **equal)
                   .values_list(*columns))
    return out


def stored_digests(ids: Iterable[str]) -> dict[str, str]:
    return dict(rows_in(Event, "id", ids, ("id", "digest")))


def stored_cases(references: Iterable[str]) -> dict[str, int]:
    return dict(rows_in(Case, "reference", references, ("reference", "id")))


class StoredFacts:
    """What `check_batch` may need from the stored log about a chunk's cases: their victims
    and the events the chunk refers to. Read on first use, for the whole chunk at once; a case
    the database does not have has neither."""

    def __init__(self, cases: dict[str, int], events: list[JourneyEvent],
                 pending_victims: Mapping[str, set[str]] | None = None):
        self.cases = cases
        self.events = events
        self.pending_victims = pending_victims or {}
        self._victims: dict[int, set[str]] | None = None
        self._refs: dict[int, set[str]] | None = None

    def victims(self, reference: str) -> set[str]:
        case_id = self.cases.get(reference)
        if case_id is None:
            return set()
        if self._victims is None:
            self._victims = defaultdict(set)
            stored = sorted(set(self.cases.values()))
            for cid, key in rows_in(Victim, "case_id", stored, ("case_id", "key")):
                self._victims[cid].add(key)
        pending = self.pending_victims.get(reference)
        known = self._victims.get(case_id, set())
        return known | pending if pending else known

    def event_ids(self, reference: str) -> set[str]:
        case_id = self.cases.get(reference)
        if case_id is None:
            return set()
        if self._refs is None:
            wanted = {ev.data[name] for ev in self.events for name in REF_FIELDS[ev.type]
                      if isinstance(ev.data.get(name), str) and ev.case in self.cases}
            self._refs = defaultdict(set)
            for eid, cid in rows_in(Event, "id", wanted, ("id", "case_id")):
                self._refs[cid].add(eid)
        return self._refs.get(case_id, set())


def chunk_screen(events: list[JourneyEvent], *, keep_valid: bool,
                 pending_victims: Mapping[str, set[str]] | None = None
                 ) -> tuple[Screened, dict]:
    """Split a chunk into fresh events, repeats (same id, same content) and errors; also
    returns the ids of the chunk's cases already stored ({reference: id}).

    An id already stored with other content is an error; references to victims and events
    may be satisfied by the stored log (`check_batch`), and victims also by PENDING_VICTIMS
    (case reference -> victim keys of the chunk before, whose victims are not written yet).
    With KEEP_VALID, a line rejected makes the lines that needed it rejected too.
    """
    with index_lookups():
        return _screen(events, keep_valid=keep_valid, pending_victims=pending_victims)


def _screen(events: list[JourneyEvent], *, keep_valid: bool,
            pending_victims: Mapping[str, set[str]] | None = None) -> tuple[Screened, dict]:
    result = Screened()
    stored = stored_digests({e.id for e in events})
    cases = stored_cases({e.case for e in events})
    seen: set[str] = set()
    candidates = []
    for ev in events:
        digest = stored.get(ev.id)
        if digest is not None:
            if stored_digest_matches(digest, ev.digest):
                result.repeated += 1
            else:
                result.errors.append(FeedError(
                    ev.line, "id", f"event id {ev.id!r} is already stored with other content "
                    "(corrections are new events)", ev.id))
            continue
        # The same event twice in one chunk: check_batch reports a clash, else a repeat.
        seen.add(ev.id)
        candidates.append(ev)
    facts = StoredFacts(cases, candidates, pending_victims)
    while True:
        problems = check_batch(candidates, known_victims=facts.victims,
                               known_events=facts.event_ids)
        result.errors.extend(problems)
        if not problems or not keep_valid:
            break
        bad = {p.line for p in problems}
        candidates = [e for e in candidates if e.line not in bad]
    unique: dict[str, JourneyEvent] = {}
    for ev in candidates:
        if ev.id in unique:
            result.repeated += 1
        else:
            unique[ev.id] = ev
    result.fresh = list(unique.values())
    return result, cases


def cases_create(fresh: list[JourneyEvent], cases: dict[str, int], now: dt.datetime
                 ) -> set[str]:
    """Create the cases of FRESH events that CASES (reference -> id, updated) lacks; returns
    their references. A case takes its force, offence and report time from its
    `crime.reported` event (else its first event); never silently an unknown force."""
    missing = {e.case for e in fresh} - cases.keys()
    if not missing:
        return set()
    first: dict[str, JourneyEvent] = {}
    for ev in fresh:
        if ev.case not in missing:
            continue
        seen = first.get(ev.case)
        if seen is None or (ev.type == "crime.reported") > (seen.type == "crime.reported") or (
                (ev.type == "crime.reported") == (seen.type == "crime.reported")
                and (ev.occurred_at, ev.id) < (seen.occurred_at, seen.id)):
            first[ev.case] = ev
    refs = sorted(missing)
    rows = []
    for ref in refs:
        ev = first[ref]
        reported = ev.type == "crime.reported"
        rows.append((ref, ev.provider if ev.provider.startswith("police:") else None,
                     str(ev.data.get("offence", ""))[:200] if reported else "",
                     ev.occurred_at if reported else None, now, now))
    if is_postgres():
        ids = ids_allocate(Case._meta.db_table, len(rows))
        copy_rows(Case._meta.db_table, CASE_COLUMNS,
                  ((pk, *row) for pk, row in zip(ids, rows, strict=True)))
        cases.update(zip(refs, ids, strict=True))
    else:
        created = Case.objects.bulk_create([
            Case(reference=r[0], force_id=r[1], offence=r[2], reported_at=r[3]) for r in rows])
        cases.update((case.reference, case.pk) for case in created)
    return missing


def events_store(events: list[JourneyEvent], *, cases: dict[str, int], batch_id: int | None,
                 recorded_at: dt.datetime) -> int:
    """Store new events. COPY bypasses the model field, so it is handed the data with the
    contact details sealed (`Event.data`) and the digest as the log keeps it (a blind
    index); bulk_create goes through the field."""
    postgres = is_postgres()
    sensitive = Event._meta.get_field("data").sensitive  # type: ignore[attr-defined]
    rows = (
        (e.id, e.type, cases[e.case], e.victim or "", e.provider, e.occurred_at,
         e.received_at, seal_payload(e.data, sensitive) if postgres else e.data,
         stored_digest(e.digest), batch_id, recorded_at)
        for e in events
    )
    if postgres:
        return copy_rows(Event._meta.db_table, EVENT_COLUMNS, rows)
    objs = [Event(**dict(zip(EVENT_COLUMNS, row, strict=True))) for row in rows]
    Event.objects.bulk_create(objs, batch_size=2000)
    return len(objs)
