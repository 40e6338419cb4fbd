"""Writes of duties: importing a feed into the log and the duties it produces; the sweep.

`feed_import` is the one path by which events enter the database, from a file, the API or a
form: validate, store the events, then re-evaluate every case they touch and store its victims,
category history and duties. A batch is applied whole or not at all (or, with `keep_valid`, the
valid lines are kept and every rejected line is written to `rejects`). A large file is
imported in committed, resumable batches by `duties.fileimport`, through the same chunk step.
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
from victimjourney.core.bulk import (
    copies_in_background,
    ids_allocate,
    index_lookups,
    is_postgres,
    tables_analyze,
)
from victimjourney.core.errors import FeedError, FeedErrors
from victimjourney.duties.engine import CaseEvaluation, evaluate_case
from victimjourney.duties.loading import cases_create, chunk_screen, events_store
from victimjourney.duties.models import Duty
from victimjourney.duties.projections import (
    case_organisations_write,
    projections_create,
    projections_refresh,
    victim_ids_needed,
)
from victimjourney.journey.feed import JourneyEvent, parse_lines
from victimjourney.journey.models import Event, ImportBatch
from victimjourney.journey.selectors import case_events
from victimjourney.notifications import outbox
from victimjourney.organisations.reference import OrganisationRef
from victimjourney.organisations.selectors import organisation_refs
from victimjourney.victims.models import CategoryRecord, Victim

MAX_ERRORS = 1000
CHUNK_LINES = 5000
# An import that stores at least this many events analyses the tables it filled before it
# commits (`core.bulk.tables_analyze`): what follows it is planned from the rows it stored.
ANALYZE_AFTER = 10_000


def imported_tables_analyze() -> None:
    tables_analyze([m._meta.db_table for m in (Event, Duty, Case, CaseOrganisation, Victim,
                                                CategoryRecord)])


@dataclass
class ImportResult:
    batch_id: int | None
    lines: int = 0
    events_new: int = 0
    events_repeated: int = 0
    rejected: int = 0
    duties_written: int = 0  # duties created, changed or removed
    cases: int = 0  # cases created

    def add(self, other: ImportResult) -> None:
        for name in ("lines", "events_new", "events_repeated", "rejected", "duties_written",
                     "cases"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _chunks(lines: Iterable[str], size: int, start: int = 1
            ) -> Iterator[tuple[int, list[str]]]:
    chunk: list[str] = []
    number = start - 1
    for number, text in enumerate(lines, start=start):
        chunk.append(text)
        if len(chunk) >= size:
            yield number - len(chunk) + 1, chunk
            chunk = []
    if chunk:
        yield number - len(chunk) + 1, chunk


def _reject(rejects: TextIO | None, texts: list[str], start: int, error: FeedError) -> None:
    if rejects is None:
        return
    text = texts[error.line - start] if 0 <= error.line - start < len(texts) else ""
    rejects.write(json.dumps({"line": error.line, "field": error.field, "error": error.message,
                              "text": text.rstrip("\n")}, ensure_ascii=False) + "\n")


def checks_immediate() -> None:
    """Check foreign keys row by row rather than queueing millions of checks (and their
    memory) for the commit."""
    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class ChunkImporter:
    """Imports a feed chunk by chunk into one ImportBatch. Each chunk is screened, stored and
    projected (`chunk`); after the first error (unless KEEP_VALID) the rest is only parsed, to
    report every invalid line. The caller owns the transaction(s)."""

    def __init__(self, *, batch: ImportBatch, keep_valid: bool, rejects: TextIO | None,
                 orgs: dict[str, OrganisationRef] | None = None,
                 now: dt.datetime | None = None) -> None:
        self.batch = batch
        self.keep_valid = keep_valid
        self.rejects = rejects
        self.orgs = organisation_refs() if orgs is None else orgs
        self.now = clock.now() if now is None else now
        self.errors: list[FeedError] = []
        self.failing = False
        self.pending: _Projections | None = None  # the chunk before's, not yet written
        self.flushed = 0  # duties written by the last flush

    def chunk(self, start: int, texts: list[str]) -> ImportResult:
        result = ImportResult(batch_id=self.batch.pk, lines=len(texts))
        chunk_errors: list[FeedError] = []
        events = list(parse_lines(texts, self.orgs, chunk_errors, start_line=start))
        if not self.failing:
            screened, cases = chunk_screen(
                events, keep_valid=self.keep_valid,
                pending_victims=self.pending.victims if self.pending else None)
            chunk_errors.extend(screened.errors)
        if chunk_errors:
            result.rejected += len({e.line for e in chunk_errors})
            if self.keep_valid:
                for error in sorted(chunk_errors, key=lambda e: e.line):
                    _reject(self.rejects, texts, start, error)
            else:
                self.failing = True
                self.errors.extend(chunk_errors[: MAX_ERRORS - len(self.errors)])
        if not self.failing:
            result.events_repeated += screened.repeated
            result.events_new += len(screened.fresh)
            if screened.fresh:
                result.cases, pending = _store(screened.fresh, cases, self.batch, self.orgs,
                                               self.now, before_events=self.flush)
                result.duties_written += self.flushed
                self.pending = pending
        return result

    def flush(self) -> None:
        """Write the projections of the chunk before (see `_store`)."""
        self.flushed = 0
        if self.pending is not None:
            pending, self.pending = self.pending, None
            self.flushed = pending.write()

    def finish(self) -> int:
        """Write what is still pending (after the last chunk, before the commit); returns the
        duties written. Nothing when the import is failing: it is rolled back."""
        if self.failing:
            self.pending = None
            return 0
        self.flush()
        return self.flushed

    def reject(self, texts: list[str], start: int, error: FeedError) -> None:
        _reject(self.rejects, texts, start, error)

    def raise_errors(self) -> None:
        if self.errors:
            raise FeedErrors(sorted(self.errors, key=lambda e: e.line))


def batch_close(batch: ImportBatch, result: ImportResult, sha256: str) -> None:
    batch.finished_at = clock.now()
    batch.sha256 = sha256
    for name in ("lines", "events_new", "events_repeated", "rejected", "duties_written"):
        setattr(batch, name, getattr(result, name))
    batch.save()


def feed_import(
    *, lines: Iterable[str], source: str, keep_valid: bool = False,
    rejects: TextIO | None = None, chunk_lines: int = CHUNK_LINES,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import a JSON Lines feed in one transaction. Raises FeedErrors (and applies nothing)
    on any invalid line, unless KEEP_VALID, when invalid lines go to REJECTS and the rest is
    applied."""
    now = clock.now()
    digest = hashlib.sha256()
    with transaction.atomic():
        checks_immediate()
        batch = ImportBatch.objects.create(source=source[:500], started_at=now)
        importer = ChunkImporter(batch=batch, keep_valid=keep_valid, rejects=rejects, now=now)
        result = ImportResult(batch_id=batch.pk)
        with copies_in_background():
            for start, texts in _chunks(lines, chunk_lines):
                for text in texts:
                    digest.update(text.encode())
                result.add(importer.chunk(start, texts))
                if on_progress:
                    on_progress(len(texts))
            result.duties_written += importer.finish()
        if importer.errors:
            transaction.set_rollback(True)
            importer.raise_errors()
        if result.events_new >= ANALYZE_AFTER:
            imported_tables_analyze()
        batch_close(batch, result, digest.hexdigest())
    return result


@dataclass
class _Projections:
    """A chunk's evaluations, waiting to be written: victims, category history, duties, case
    organisations, notices."""

    new: list[tuple[int, CaseEvaluation]]  # cases this chunk created, with their ids
    old: list[tuple[int, CaseEvaluation]]  # cases stored before it
    new_ids: Iterator[int]  # victim ids taken from the sequence for them (PostgreSQL)
    now: dt.datetime

    @property
    def victims(self) -> dict[str, set[str]]:
        """The victims of each case, as written once these projections are."""
        return {e.case: set(e.victims) for _, e in self.new + self.old}

    def write(self) -> int:
        written = projections_refresh(self.old, self.now, self.new_ids)
        case_organisations_write(self.old, fresh_cases=False)
        written += projections_create(self.new, self.now, self.new_ids)
        case_organisations_write(self.new, fresh_cases=True)
        # Reads the victims just written: its statements wait for the COPYs (only when a notice
        # is due, i.e. for recent events; an old feed plans none and reads nothing).
        outbox.notices_plan(self.new + self.old, self.now)
        return written


def _store(fresh: list[JourneyEvent], cases: dict[str, int], batch: ImportBatch,
           orgs: dict[str, OrganisationRef], now: dt.datetime,
           before_events: Callable[[], None]) -> tuple[int, _Projections]:
    """Store a chunk's new events and evaluate every case they touch. CASES holds the ids of
    the chunk's stored cases ({reference: id}). Returns the number of cases created and the
    projections to write, which the caller writes after the next chunk's reads.

    The order is the pipeline's, so that on PostgreSQL (`copies_in_background`) the server and
    Python work at once: this chunk's reads (screen, locks, events read back, new ids) first;
    then BEFORE_EVENTS writes the previous chunk's projections (their statements wait for
    nothing queued but this chunk's few new cases); then this chunk's events are queued, and
    the engine evaluates while the server stores the projections and the events, and goes on
    storing while the next chunk is parsed and screened. The screen of the next chunk reads
    victims from the projections, so it is given those still pending (`_Projections.victims`);
    the re-projection of a case split across chunks comes after the chunk before it is
    written, so it sees its duties."""
    touched = {e.case for e in fresh}
    old_refs = touched & cases.keys()
    # Two imports touching one stored case at once must not undo each other's duties: lock
    # the cases (in id order, to avoid deadlocks) before reading their events back. A case
    # this transaction creates is invisible to the others until it commits: no lock needed.
    old_ids = sorted(cases[ref] for ref in old_refs)
    with index_lookups():
        if old_ids:
            list(Case.objects.select_for_update().filter(pk__in=old_ids).order_by("pk")
                 .values_list("pk", flat=True))
        stored = case_events(old_ids)
    new_ids = iter(ids_allocate(Victim._meta.db_table, victim_ids_needed(fresh))
                   if is_postgres() else ())
    new_cases = cases_create(fresh, cases, now)
    before_events()
    events_store(fresh, cases=cases, batch_id=batch.pk, recorded_at=now)
    # A case this chunk created is evaluated from the chunk alone; a stored one from its
    # stored events and the chunk's.
    by_case: dict[str, list[JourneyEvent]] = defaultdict(list)
    for ref in old_refs:
        by_case[ref] = list(stored[cases[ref]])
    for ev in fresh:
        by_case[ev.case].append(ev)
    evaluations = [evaluate_case(by_case[ref], as_of=now, orgs=orgs) for ref in sorted(touched)]
    new = [(cases[e.case], e) for e in evaluations if e.case in new_cases]
    old = [(cases[e.case], e) for e in evaluations if e.case not in new_cases]
    return len(new_cases), _Projections(new, old, new_ids, now)


def duties_sweep(*, now: dt.datetime | None = None) -> int:
    """Mark open duties whose deadline has passed as breached. Idempotent: one conditional
    UPDATE, so running it twice changes nothing. It reads only the overdue open duties,
    through the partial index `duty_open_by_due` (`due_at` where `status = 'open'`), so its
    cost follows how many have fallen due, not how many are open (bench/sweep.py). Nothing
    else follows from a breach: notices are planned by the import (`outbox.notices_plan`),
    and the engine itself reports a duty breached once its deadline has passed."""
    instant = now or clock.now()
    return Duty.objects.filter(status="open", due_at__isnull=False, due_at__lte=instant).update(
        status="breached", evaluated_at=instant)


__all__ = ["CaseEvaluation", "ImportResult", "duties_sweep", "feed_import"]
