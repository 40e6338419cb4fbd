"""Importing a large feed file: checked whole first, then applied in committed batches that a
later run resumes after a crash.

1. The file is known by its size and SHA-256 (read once, streaming).
2. Check (nothing applied): every line is parsed and screened, chunk by chunk, against the
   stored log and the file's earlier lines, which are kept in a scratch table (`ImportLine`),
   not in memory, so memory stays flat however large the file. The check is one transaction
   that is rolled back at its end, so a crash leaves nothing of it behind. Any invalid line:
   FeedErrors naming every invalid line (up to 1,000) and its field; nothing is applied.
3. Apply: batches of `batch_lines` lines, each in its own transaction, through the same chunk
   step as `feed_import`. The checkpoint (`ImportCheckpoint`: byte offset and number of the
   last line applied, counters, size of the rejects file) is written in the batch's own
   transaction, so it can never disagree with what was committed. A crash loses at most the
   batch under way.
4. Resume: the unfinished checkpoint of the same file (same size and SHA-256) says where to go
   on from; the check is not repeated. A file that changed since is refused. Without a
   checkpoint the import starts again from line 1, and the events already stored are repeats
   (same id, same content), which change nothing: no event or duty is ever stored twice.
With `keep_valid` there is no check: each batch keeps its valid lines and writes the rejected
ones to the rejects file (truncated on resume to what the checkpoint recorded, then appended).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.db import transaction

from victimjourney.core import clock
from victimjourney.core.bulk import copies_in_background, copy_rows, index_lookups, is_postgres
from victimjourney.core.errors import DomainError, FeedError, FeedErrors
from victimjourney.duties.loading import StoredFacts, rows_in, stored_cases, stored_digests
from victimjourney.duties.models import ImportCheckpoint, ImportLine
from victimjourney.duties.services import (
    ANALYZE_AFTER,
    CHUNK_LINES,
    MAX_ERRORS,
    ChunkImporter,
    ImportResult,
    batch_close,
    checks_immediate,
    imported_tables_analyze,
)
from victimjourney.journey.feed import REF_FIELDS, JourneyEvent, check_batch, parse_lines
from victimjourney.journey.models import ImportBatch
from victimjourney.journey.services import stored_digest, stored_digest_matches
from victimjourney.organisations.selectors import organisation_refs

BATCH_LINES = 50_000
COUNTERS = ("events_new", "events_repeated", "rejected", "duties_written", "cases")
Progress = Callable[[int], None] | None


class ResumeRefused(DomainError):
    """The file to resume is not the file whose import was interrupted."""


class BatchRefused(FeedErrors):
    """A batch of the apply pass failed its checks (the log changed since the file was
    checked): the batches before it stay applied, and the checkpoint says how far."""

    def __init__(self, errors: list[FeedError], lines_done: int):
        super().__init__(errors)
        self.lines_done = lines_done
        self.args = (f"{self.args[0]}\nLines 1-{lines_done:,} had been applied, in committed "
                     "batches; the batch holding the first error was not. Fix the feed and "
                     "import it again: what is already stored is recognised and skipped.",)


@dataclass(frozen=True)
class FileIdentity:
    path: str
    size: int
    sha256: str


def file_identity(path: str) -> FileIdentity:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return FileIdentity(os.path.abspath(path), size, digest.hexdigest())


def _lines(handle: BinaryIO, first: int) -> Iterator[tuple[int, str | FeedError, int]]:
    """(line number, text or the error of a line that is not UTF-8, bytes) from HANDLE's
    position on, numbering from FIRST."""
    for number, raw in enumerate(handle, start=first):
        try:
            yield number, raw.decode("utf-8"), len(raw)
        except UnicodeDecodeError as exc:
            yield number, FeedError(number, "(line)", f"not UTF-8 text ({exc.reason} at byte "
                                    f"{exc.start})"), len(raw)


def _texts(items: list[tuple[int, str | FeedError, int]], errors: list[FeedError]
           ) -> list[str]:
    """The texts of a chunk; a line that is not text is reported and read as a blank line."""
    out = []
    for _, text, _ in items:
        if isinstance(text, FeedError):
            errors.append(text)
            out.append("")
        else:
            out.append(text)
    return out


def _read(handle: BinaryIO, first: int, size: int
          ) -> Iterator[list[tuple[int, str | FeedError, int]]]:
    chunk: list[tuple[int, str | FeedError, int]] = []
    for item in _lines(handle, first):
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# ------------------------------------------------------------------------------------ check

class _FileSoFar:
    """What the lines already checked say, read from the scratch table for one chunk."""

    def __init__(self, checkpoint: ImportCheckpoint, events: list[JourneyEvent]):
        self.checkpoint = checkpoint
        cases = {e.case for e in events}
        self.ids = {eid: (line, digest) for eid, line, digest in rows_in(
            ImportLine, "event_id", {e.id for e in events}, ("event_id", "line", "digest"),
            checkpoint_id=checkpoint.pk)}
        self.victims: dict[str, set[str]] = {}
        for case, victim in rows_in(ImportLine, "case_ref", cases, ("case_ref", "victim"),
                                    checkpoint_id=checkpoint.pk, type="victim.identified"):
            self.victims.setdefault(case, set()).add(victim)
        wanted = {ev.data[name] for ev in events for name in REF_FIELDS[ev.type]
                  if isinstance(ev.data.get(name), str)}
        self.refs: dict[str, set[str]] = {}
        for eid, case in rows_in(ImportLine, "event_id", wanted, ("event_id", "case_ref"),
                                 checkpoint_id=checkpoint.pk):
            self.refs.setdefault(case, set()).add(eid)


def _check_chunk(checkpoint: ImportCheckpoint, events: list[JourneyEvent]
                 ) -> list[FeedError]:
    """Screen a chunk against the log and the file's earlier lines; stage its valid lines."""
    with index_lookups():
        return _check(checkpoint, events)


def _check(checkpoint: ImportCheckpoint, events: list[JourneyEvent]) -> list[FeedError]:
    errors: list[FeedError] = []
    so_far = _FileSoFar(checkpoint, events)
    stored = stored_digests({e.id for e in events})
    candidates = []
    for ev in events:
        digest = stored_digest(ev.digest)
        earlier = so_far.ids.get(ev.id)
        if earlier is not None:
            if earlier[1] != digest:
                errors.append(FeedError(ev.line, "id", f"id {ev.id!r} was used on line "
                                        f"{earlier[0]} with other content", ev.id))
            continue
        if ev.id in stored:
            if not stored_digest_matches(stored[ev.id], ev.digest):
                errors.append(FeedError(
                    ev.line, "id", f"event id {ev.id!r} is already stored with other content "
                    "(corrections are new events)", ev.id))
            continue
        candidates.append(ev)
    facts = StoredFacts(stored_cases({e.case for e in candidates}), candidates)
    errors.extend(check_batch(
        candidates,
        known_victims=lambda ref: facts.victims(ref) | so_far.victims.get(ref, set()),
        known_events=lambda ref: facts.event_ids(ref) | so_far.refs.get(ref, set())))
    if not errors:
        unique = {ev.id: ev for ev in reversed(candidates)}  # the first line of a repeat
        rows = [(checkpoint.pk, ev.line, ev.id, stored_digest(ev.digest), ev.case, ev.type,
                 ev.victim or "") for ev in unique.values()]
        columns = ("checkpoint_id", "line", "event_id", "digest", "case_ref", "type", "victim")
        if is_postgres():
            copy_rows(ImportLine._meta.db_table, columns, rows)
        else:
            ImportLine.objects.bulk_create(
                [ImportLine(**dict(zip(columns, row, strict=True))) for row in rows],
                batch_size=2000)
    return errors


def feed_check(path: str, checkpoint: ImportCheckpoint, *, chunk_lines: int = CHUNK_LINES,
               on_progress: Progress = None) -> None:
    """Check the whole file; raises FeedErrors naming every invalid line (nothing applied).
    The scratch rows are rolled back at the end, whatever happens."""
    orgs = organisation_refs()
    errors: list[FeedError] = []
    with transaction.atomic():
        savepoint = transaction.savepoint()
        try:
            with open(path, "rb") as handle, copies_in_background():
                for items in _read(handle, 1, chunk_lines):
                    chunk_errors: list[FeedError] = []
                    texts = _texts(items, chunk_errors)
                    events = list(parse_lines(texts, orgs, chunk_errors,
                                              start_line=items[0][0]))
                    if not errors and not chunk_errors:
                        chunk_errors.extend(_check_chunk(checkpoint, events))
                    errors.extend(chunk_errors[: MAX_ERRORS - len(errors)])
                    if on_progress:
                        on_progress(len(items))
        finally:
            transaction.savepoint_rollback(savepoint)
    if errors:
        raise FeedErrors(sorted(errors, key=lambda e: e.line))


# ------------------------------------------------------------------------------------ apply

def _checkpoint_find(identity: FileIdentity, *, keep_valid: bool) -> ImportCheckpoint | None:
    """The interrupted import of this file to resume. Refuses a file that changed."""
    found = (ImportCheckpoint.objects.filter(source=identity.path[:500], finished_at=None,
                                             keep_valid=keep_valid)
             .order_by("-started_at", "-pk").first())
    if found is None:
        return None
    if (found.size, found.sha256) != (identity.size, identity.sha256):
        raise ResumeRefused(
            f"{identity.path} has changed since its import was interrupted (it was "
            f"{found.size:,} bytes, SHA-256 {found.sha256[:12]}..., now {identity.size:,} bytes,"
            f" {identity.sha256[:12]}...): import it again without --resume")
    return found


def _apply(path: str, checkpoint: ImportCheckpoint, *, rejects_path: str | None,
           batch_lines: int, chunk_lines: int, on_progress: Progress) -> None:
    orgs = organisation_refs()
    rejects = None
    if rejects_path:
        rejects = open(rejects_path, "a+", encoding="utf-8")  # noqa: SIM115
        rejects.truncate(checkpoint.rejects_size)  # what a crashed batch wrote, it rewrites
        rejects.seek(checkpoint.rejects_size)
    try:
        with open(path, "rb") as handle:
            handle.seek(checkpoint.offset)
            for items in _read(handle, checkpoint.lines_done + 1, batch_lines):
                _apply_batch(checkpoint, items, orgs=orgs, rejects=rejects,
                             chunk_lines=chunk_lines, on_progress=on_progress)
    finally:
        if rejects:
            rejects.close()


def _apply_batch(checkpoint: ImportCheckpoint, items: list[tuple[int, str | FeedError, int]],
                 *, orgs: dict, rejects, chunk_lines: int, on_progress: Progress) -> None:
    now = clock.now()
    with transaction.atomic():
        checks_immediate()
        if checkpoint.batch_id is None:
            checkpoint.batch = ImportBatch.objects.create(source=checkpoint.source,
                                                          started_at=checkpoint.started_at)
        assert checkpoint.batch is not None
        importer = ChunkImporter(batch=checkpoint.batch, keep_valid=checkpoint.keep_valid,
                                 rejects=rejects, orgs=orgs, now=now)
        result = ImportResult(batch_id=checkpoint.batch_id)
        with copies_in_background():
            for start in range(0, len(items), chunk_lines):
                part = items[start:start + chunk_lines]
                unreadable: list[FeedError] = []
                texts = _texts(part, unreadable)
                if unreadable and not checkpoint.keep_valid:
                    raise FeedErrors(unreadable)
                for error in unreadable:
                    result.rejected += 1
                    importer.reject(texts, part[0][0], error)
                result.add(importer.chunk(part[0][0], texts))
                if on_progress:
                    on_progress(len(part))
            result.duties_written += importer.finish()
        importer.raise_errors()
        if rejects:
            rejects.flush()
            os.fsync(rejects.fileno())
            checkpoint.rejects_size = rejects.tell()
        checkpoint.offset += sum(size for _, _, size in items)
        checkpoint.lines_done = items[-1][0]
        for name in COUNTERS:
            setattr(checkpoint, name, getattr(checkpoint, name) + getattr(result, name))
        checkpoint.save()


def feed_import_file(
    path: str, *, resume: bool = False, keep_valid: bool = False,
    rejects_path: str | None = None, batch_lines: int = BATCH_LINES,
    chunk_lines: int = CHUNK_LINES, on_check: Progress = None, on_progress: Progress = None,
) -> tuple[ImportResult, ImportCheckpoint]:
    """Import the JSON Lines file PATH as the module docstring says. Returns the totals of the
    whole import (including the runs it resumed) and its checkpoint. ON_CHECK and ON_PROGRESS
    are told the lines checked and applied as they go (ON_CHECK -1: the check was done by
    the run resumed; ON_PROGRESS is first told the lines that run had applied)."""
    identity = file_identity(path)
    checkpoint = _checkpoint_find(identity, keep_valid=keep_valid) if resume else None
    if checkpoint is None:
        checkpoint = ImportCheckpoint(source=identity.path[:500], size=identity.size,
                                      sha256=identity.sha256, keep_valid=keep_valid,
                                      started_at=clock.now())
        if not keep_valid:
            checkpoint.save()
            try:
                feed_check(path, checkpoint, chunk_lines=chunk_lines, on_progress=on_check)
            except BaseException:
                checkpoint.delete()
                raise
            checkpoint.validated_at = clock.now()
        checkpoint.save()
    elif on_check:
        on_check(-1)  # checked by the run that was interrupted
    if on_progress and checkpoint.lines_done:
        on_progress(checkpoint.lines_done)
    try:
        _apply(path, checkpoint, rejects_path=rejects_path, batch_lines=batch_lines,
               chunk_lines=chunk_lines, on_progress=on_progress)
    except FeedErrors as exc:
        raise BatchRefused(exc.errors, checkpoint.lines_done) from None
    result = ImportResult(batch_id=checkpoint.batch_id, lines=checkpoint.lines_done,
                          **{name: getattr(checkpoint, name) for name in COUNTERS})
    with transaction.atomic():
        if checkpoint.batch is None:  # an empty file
            checkpoint.batch = ImportBatch.objects.create(source=checkpoint.source,
                                                          started_at=checkpoint.started_at)
            result.batch_id = checkpoint.batch_id
        batch_close(checkpoint.batch, result, identity.sha256)
        checkpoint.finished_at = clock.now()
        checkpoint.save()
    if result.events_new >= ANALYZE_AFTER:
        imported_tables_analyze()  # committed batches: autovacuum would, but later
    return result, checkpoint
