"""Writes of duties: importing a feed into the log and the duties it produces; the sweep.

`feed_import` is the one path by which events enter the database, from a file, the API or a
form: validate, store the events, then re-evaluate every case they touch and store its victims,
category history and duties. A batch is applied whole or not at all (or, with `keep_valid`, the
valid lines are kept and every rejected line is written to `rejects`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TextIO

from django.db import connection, transaction

from victimjourney.cases.models import Case, CaseOrganisation
from victimjourney.core import clock
from victimjourney.core.bulk import copy_rows, insert_returning, is_postgres
from victimjourney.core.errors import FeedError, FeedErrors
from victimjourney.duties.engine import CaseEvaluation, DutyResult, evaluate_case
from victimjourney.duties.models import Duty
from victimjourney.journey.feed import JourneyEvent, parse_lines
from victimjourney.journey.models import ImportBatch
from victimjourney.journey.selectors import case_events
from victimjourney.journey.services import (
    StoredChunk,
    cases_ensure,
    events_insert,
    events_screen,
)
from victimjourney.notifications import outbox
from victimjourney.organisations.reference import OrganisationRef
from victimjourney.organisations.selectors import organisation_refs
from victimjourney.victims.categories import in_force
from victimjourney.victims.models import CategoryRecord, Victim

MAX_ERRORS = 1000
CATEGORY_COLUMNS = ("victim_id", "category", "state", "reason", "source", "confirmed_by",
                    "effective_at", "event_id")
DUTY_COLUMNS = (
    "case_id", "victim_id", "trigger_event_id", "trigger_type", "triggered_at", "entitlement",
    "edition", "provider_id", "enhanced", "basis", "due_date", "due_at", "deadline_text",
    "status", "fulfilled_by_id", "fulfilled_at", "reason", "unverified", "evaluated_at",
)


@dataclass
class ImportResult:
    batch_id: int | None
    lines: int = 0
    events_new: int = 0
    events_repeated: int = 0
    rejected: int = 0
    duties_written: int = 0  # duties created, changed or removed
    cases: int = 0  # cases created


def _chunks(lines: Iterable[str], size: int) -> Iterator[tuple[int, list[str]]]:
    chunk: list[str] = []
    start = 1
    number = 0
    for number, text in enumerate(lines, start=1):
        chunk.append(text)
        if len(chunk) >= size:
            yield start, chunk
            start, chunk = number + 1, []
    if chunk:
        yield start, chunk


def _reject(rejects: TextIO | None, texts: list[str], start: int, error: FeedError) -> None:
    if rejects is None:
        return
    text = texts[error.line - start] if 0 <= error.line - start < len(texts) else ""
    rejects.write(json.dumps({"line": error.line, "field": error.field, "error": error.message,
                              "text": text.rstrip("\n")}, ensure_ascii=False) + "\n")


def feed_import(
    *, lines: Iterable[str], source: str, keep_valid: bool = False,
    rejects: TextIO | None = None, chunk_lines: int = 5000,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import a JSON Lines feed. Raises FeedErrors (and applies nothing) on any invalid line,
    unless KEEP_VALID, when invalid lines go to REJECTS and the rest is applied."""
    orgs = organisation_refs()
    now = clock.now()
    errors: list[FeedError] = []
    digest = hashlib.sha256()
    with transaction.atomic():
        if is_postgres():
            # Check foreign keys row by row rather than queueing millions of checks (and their
            # memory) for the commit.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        batch = ImportBatch.objects.create(source=source[:500], started_at=now)
        result = ImportResult(batch_id=batch.pk)
        failing = False
        for start, texts in _chunks(lines, chunk_lines):
            for text in texts:
                digest.update(text.encode())
            result.lines += len(texts)
            chunk_errors: list[FeedError] = []
            events = list(parse_lines(texts, orgs, chunk_errors, start_line=start))
            if not failing:
                screened = events_screen(events, keep_valid=keep_valid)
                chunk_errors.extend(screened.errors)
            if chunk_errors:
                result.rejected += len({e.line for e in chunk_errors})
                if keep_valid:
                    for error in chunk_errors:
                        _reject(rejects, texts, start, error)
                else:
                    failing = True
                    errors.extend(chunk_errors[: MAX_ERRORS - len(errors)])
            if not failing:
                result.events_repeated += screened.repeated
                written = _store(screened.fresh, batch, orgs, now)
                result.events_new += len(screened.fresh)
                result.duties_written += written[0]
                result.cases += written[1]
            if on_progress:
                on_progress(len(texts))
        if errors:
            transaction.set_rollback(True)
            raise FeedErrors(sorted(errors, key=lambda e: e.line))
        batch.finished_at = clock.now()
        batch.sha256 = digest.hexdigest()
        for name in ("lines", "events_new", "events_repeated", "rejected", "duties_written"):
            setattr(batch, name, getattr(result, name))
        batch.save()
    return result


def _store(fresh: list[JourneyEvent], batch: ImportBatch, orgs: dict[str, OrganisationRef],
           now: dt.datetime) -> tuple[int, int]:
    """Store a chunk's new events and re-project every case they touch."""
    if not fresh:
        return 0, 0
    chunk = StoredChunk()
    cases_ensure(fresh, chunk)
    events_insert(fresh, case_ids=chunk.case_ids, batch=batch, recorded_at=now)
    touched = {e.case for e in fresh}
    # A case created by this chunk has no other events: evaluate it from memory. A case
    # already stored is read back whole (its earlier events plus this chunk's).
    by_case: dict[str, list[JourneyEvent]] = defaultdict(list)
    for ev in fresh:
        if ev.case in chunk.new_cases:
            by_case[ev.case].append(ev)
    old_refs = touched - chunk.new_cases
    # Two imports touching one stored case at once must not undo each other's duties: lock
    # the cases (in id order, to avoid deadlocks) before reading their events back.
    old_ids = sorted(chunk.case_ids[ref] for ref in old_refs)
    if old_ids:
        list(Case.objects.select_for_update().filter(pk__in=old_ids).order_by("pk")
             .values_list("pk", flat=True))
    stored = case_events(old_ids)
    for ref in old_refs:
        by_case[ref] = stored[chunk.case_ids[ref]]
    evaluations = [evaluate_case(by_case[ref], as_of=now, orgs=orgs) for ref in sorted(touched)]
    new = [(chunk.case_ids[e.case], e) for e in evaluations if e.case in chunk.new_cases]
    old = [(chunk.case_ids[e.case], e) for e in evaluations if e.case not in chunk.new_cases]
    written = projections_create(new, now) + projections_refresh(old, now)
    outbox.notices_plan(new + old, now)
    case_organisations_write(new, fresh_cases=True)
    case_organisations_write(old, fresh_cases=False)
    return written, len(chunk.new_cases)


def case_organisations_write(items: list[tuple[int, CaseEvaluation]], *,
                             fresh_cases: bool) -> None:
    """Record which organisations are involved in each case (for access scoping)."""
    rows = sorted({(case_id, code) for case_id, evaluation in items
                   for code in ({e.provider for e in evaluation.events}
                                | {d.provider for d in evaluation.duties})
                   if code != "victim"})
    if not rows:
        return
    if fresh_cases and is_postgres():
        copy_rows(CaseOrganisation._meta.db_table, ("case_id", "organisation_id"), rows)
        return
    CaseOrganisation.objects.bulk_create(
        [CaseOrganisation(case_id=case_id, organisation_id=code) for case_id, code in rows],
        ignore_conflicts=True, batch_size=2000)


def _category_rows(victim_id: int, evaluation: CaseEvaluation, key: str) -> list[CategoryRecord]:
    return [
        CategoryRecord(victim_id=victim_id, category=c.category, state=c.state, reason=c.reason,
                       source=c.source, confirmed_by=c.confirmed_by, effective_at=c.at,
                       event_id=c.event_id)
        for c in sorted(evaluation.categories.get(key, []), key=lambda c: (c.at, c.rank))
    ]


PREFERENCE_FIELDS = ("channel", "contact_times", "safe_contact", "email", "phone")


def _victim_fields(evaluation: CaseEvaluation, key: str, now: dt.datetime) -> dict:
    """The victim's record as the events say: details from `victim.identified`, then the
    victim's own changes (`victim.preferences_updated`), latest last."""
    facts = evaluation.victims[key]
    contact: dict = {}
    language = facts.language
    for ev in evaluation.events:
        if ev.victim != key:
            continue
        if ev.type == "victim.identified" and ev.data.get("contact"):
            contact = {**contact, **ev.data["contact"]}
        elif ev.type == "victim.preferences_updated":
            contact.update({k: ev.data[k] for k in PREFERENCE_FIELDS if ev.data.get(k)})
            language = ev.data.get("language") or language
    return dict(kind=facts.kind, name=facts.name, date_of_birth=facts.date_of_birth,
                on_behalf_of=facts.on_behalf_of or "", language=language,
                contact=contact, identified_at=facts.identified_at,
                enhanced_now=bool(in_force(evaluation.categories.get(key, []), now)))


def _duty_row(case_id: int, victim_id: int, d: DutyResult, now: dt.datetime) -> tuple:
    return (case_id, victim_id, d.trigger_event, d.trigger_type, d.triggered_at, d.entitlement,
            d.edition, d.provider, d.enhanced, d.basis, d.due_date, d.due_at, d.deadline_text,
            d.status, d.fulfilled_by, d.fulfilled_at, d.reason, d.unverified, now)


def projections_create(items: list[tuple[int, CaseEvaluation]], now: dt.datetime) -> int:
    """Victims, category history and duties of cases new to the database."""
    if not items:
        return 0
    victims = [(case_id, key, _victim_fields(evaluation, key, now))
               for case_id, evaluation in items for key in sorted(evaluation.victims)]
    if is_postgres():
        columns = [("case_id", "bigint"), ("key", "text"), ("kind", "text"), ("name", "text"),
                   ("date_of_birth", "date"), ("on_behalf_of", "text"), ("language", "text"),
                   ("contact", "jsonb"), ("identified_at", "timestamptz"),
                   ("enhanced_now", "boolean")]
        returned = insert_returning(
            Victim._meta.db_table, columns,
            [(case_id, key, *(fields[name] for name, _ in columns[2:]))
             for case_id, key, fields in victims],
            returning=("case_id", "key", "id"))
        ids = {(case_id, key): pk for case_id, key, pk in returned}
    else:
        objs = [Victim(case_id=case_id, key=key, **fields) for case_id, key, fields in victims]
        Victim.objects.bulk_create(objs, batch_size=2000)
        ids = {(v.case_id, v.key): v.pk for v in objs}
    categories = []
    for case_id, evaluation in items:
        for key in evaluation.victims:
            categories.extend(_category_rows(ids[(case_id, key)], evaluation, key))
    if is_postgres():
        copy_rows(CategoryRecord._meta.db_table, CATEGORY_COLUMNS,
                  ([getattr(c, name) for name in CATEGORY_COLUMNS] for c in categories))
    else:
        CategoryRecord.objects.bulk_create(categories, batch_size=2000)
    rows = [_duty_row(case_id, ids[(case_id, d.victim)], d, now)
            for case_id, evaluation in items for d in evaluation.duties]
    _duties_insert(rows)
    return len(rows)


def _duties_insert(rows: list[tuple]) -> None:
    if is_postgres():
        copy_rows(Duty._meta.db_table, DUTY_COLUMNS, rows)
        return
    Duty.objects.bulk_create([Duty(**dict(zip(DUTY_COLUMNS, row, strict=True))) for row in rows],
                             batch_size=1000)


def projections_refresh(items: list[tuple[int, CaseEvaluation]], now: dt.datetime) -> int:
    """Re-project cases already stored: victims updated in place, duties upserted by their
    natural key (trigger, victim, entitlement) so a duty keeps its id, stale duties removed.
    Returns the number of duties created, changed or removed."""
    written = 0
    for case_id, evaluation in items:
        existing = {v.key: v for v in Victim.objects.filter(case_id=case_id)}
        for key in sorted(evaluation.victims):
            fields = _victim_fields(evaluation, key, now)
            if key in existing:
                Victim.objects.filter(pk=existing[key].pk).update(**fields)
            else:
                existing[key] = Victim.objects.create(case_id=case_id, key=key, **fields)
        victim_ids = {key: v.pk for key, v in existing.items()}
        CategoryRecord.objects.filter(victim__case_id=case_id).delete()
        CategoryRecord.objects.bulk_create(
            [row for key in evaluation.victims
             for row in _category_rows(victim_ids[key], evaluation, key)])
        current = {(d.trigger_event_id, d.victim_id, d.entitlement): d
                   for d in Duty.objects.filter(case_id=case_id)}
        fresh_keys = set()
        to_create = []
        to_update = []
        for result in evaluation.duties:
            row = dict(zip(DUTY_COLUMNS, _duty_row(case_id, victim_ids[result.victim], result,
                                                   now), strict=True))
            natural = (result.trigger_event, victim_ids[result.victim], result.entitlement)
            fresh_keys.add(natural)
            if natural in current:
                duty = current[natural]
                changed = any(getattr(duty, name) != value for name, value in row.items()
                              if name != "evaluated_at")
                if changed:
                    for name, value in row.items():
                        setattr(duty, name, value)
                    to_update.append(duty)
            else:
                to_create.append(Duty(**row))
        stale = [d.pk for natural, d in current.items() if natural not in fresh_keys]
        if stale:
            Duty.objects.filter(pk__in=stale).delete()
        Duty.objects.bulk_create(to_create)
        if to_update:
            names = [c.removesuffix("_id") if c.endswith("_id") else c for c in DUTY_COLUMNS
                     if c not in ("case_id", "victim_id", "trigger_event_id", "entitlement")]
            Duty.objects.bulk_update(to_update, names)
        written += len(to_create) + len(to_update) + len(stale)
    return written


def duties_sweep(*, now: dt.datetime | None = None) -> int:
    """Mark open duties whose deadline has passed as breached. Idempotent: one conditional
    update over the indexed (status, due_at) pair, so running it twice changes nothing."""
    instant = now or clock.now()
    return Duty.objects.filter(status="open", due_at__isnull=False, due_at__lte=instant).update(
        status="breached", evaluated_at=instant)
