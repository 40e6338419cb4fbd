"""Importing data.police.uk files through the journey's one import path.

`policeuk_import` reads and checks every file first (`policeuk.read_file`); if any has an
error, nothing is stored and every error is reported with its file, line and column. Then, in
one transaction, street files are imported before outcomes files (so an outcome finds a crime
imported in the same run), each through `duties.services.feed_import`: crimes become cases
with `crime.reported` and `crime.recorded`, outcomes the matching journey events. An outcome
whose crime is not in the database, and an outcome with no journey counterpart, is counted and
reported, never invented. Importing a file twice stores nothing new (the event ids are derived
from the Crime ID, the month and the outcome).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction

from victimjourney.cases.models import Case
from victimjourney.core.errors import DomainError, FeedError, FeedErrors
from victimjourney.duties.services import feed_import
from victimjourney.realdata.policeuk import (
    FileReport,
    Row,
    outcome_event,
    read_file,
    street_events,
)


class PoliceUkRefused(DomainError):
    """Files with errors: nothing was stored. Each error names the file, the line, the column."""

    def __init__(self, errors: list[tuple[str, FeedError]]):
        self.errors = errors
        shown = "\n".join(f"{path}: {e}" for path, e in errors[:50])
        more = f"\n... and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{len(errors)} error(s); nothing was imported:\n{shown}{more}")


def _street_rows(rows: list[Row], report: FileReport) -> list[Row]:
    """One row per Crime ID (the first); repeats counted, as duplicates or as conflicts."""
    first: dict[str, Row] = {}
    for row in rows:
        seen = first.get(row.crime_id)
        if seen is None:
            first[row.crime_id] = row
        elif (seen.value, seen.month, seen.force) == (row.value, row.month, row.force):
            report.duplicate_rows += 1
        else:
            report.conflicting_rows += 1
    report.crimes = len(first)
    report.by_value.update(row.value for row in first.values())
    return list(first.values())


def _outcome_rows(rows: list[Row], report: FileReport) -> list[Row]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for row in rows:
        key = (row.crime_id, row.month, row.value)
        if key in seen:
            report.duplicate_rows += 1
            continue
        seen.add(key)
        out.append(row)
        report.by_value[row.value] += 1
    return sorted(out, key=lambda r: (r.crime_id, r.month, r.line))


def _stored_cases(references: Iterable[str]) -> set[str]:
    refs = sorted(set(references))
    found: set[str] = set()
    for start in range(0, len(refs), 1000):
        found.update(Case.objects.filter(reference__in=refs[start:start + 1000])
                     .values_list("reference", flat=True))
    return found


def _feed(report: FileReport, rows: list[Row]) -> tuple[list[str], list[int]]:
    """Feed lines for the rows, with the CSV line each came from."""
    lines: list[str] = []
    origins: list[int] = []
    if report.kind == "street":
        for row in rows:
            for event in street_events(row):
                lines.append(json.dumps(event))
                origins.append(row.line)
        return lines, origins
    stored = _stored_cases(r.crime_id for r in rows)
    for row in rows:
        outcome = outcome_event(row)
        if outcome is None:
            report.no_counterpart[row.value] += 1
            continue
        if row.crime_id not in stored:
            report.crime_not_imported += 1
            continue
        lines.append(json.dumps(outcome))
        origins.append(row.line)
    return lines, origins


def policeuk_import(*, paths: list[str], kind: str | None = None, force: str | None = None,
                    on_file: Callable[[FileReport, int], Callable[[int], None] | None]
                    | None = None) -> list[FileReport]:
    """Import police.uk files (all or nothing). ON_FILE(report, lines) may return a progress
    callback for that file's import."""
    errors: list[tuple[str, FeedError]] = []
    read: list[tuple[FileReport, list[Row]]] = []
    for path in paths:
        try:
            rows, report, file_errors = read_file(path, kind=kind, force=force)
        except FeedError as exc:
            errors.append((path, exc))
            continue
        errors.extend((path, e) for e in file_errors)
        read.append((report, rows))
    if errors:
        raise PoliceUkRefused(errors)
    read.sort(key=lambda item: item[0].kind != "street")  # crimes before their outcomes
    with transaction.atomic():
        for report, rows in read:
            unique = (_street_rows(rows, report) if report.kind == "street"
                      else _outcome_rows(rows, report))
            lines, origins = _feed(report, unique)
            progress = on_file(report, len(lines)) if on_file else None
            try:
                result = feed_import(lines=lines, source=f"police.uk {report.kind}: "
                                                         f"{report.path}",
                                     on_progress=progress)
            except FeedErrors as exc:
                raise PoliceUkRefused([(report.path, _csv_error(e, origins))
                                       for e in exc.errors]) from None
            report.events = result.events_new
    return [report for report, _ in read]


def _csv_error(error: FeedError, origins: list[int]) -> FeedError:
    line = origins[error.line - 1] if 0 < error.line <= len(origins) else error.line
    return FeedError(line, error.field, error.message, error.event_id)


def report_lines(report: FileReport) -> list[str]:
    """The report of one file, in words."""
    out = [f"{report.path} ({report.kind}): {report.rows} rows; "
           f"{report.skipped_no_crime_id} without a Crime ID (anti-social behaviour) skipped; "
           f"{report.duplicate_rows} duplicate rows"
           + (f", {report.conflicting_rows} repeated Crime IDs with other values (first kept)"
              if report.conflicting_rows else "")
           + f"; {report.events} new events."]
    if report.kind == "street":
        out.append(f"  {report.crimes} crimes: " + _counts(report.by_value))
    else:
        mapped = sum(report.by_value.values()) - sum(report.no_counterpart.values())
        out.append(f"  outcomes by type: {_counts(report.by_value)}")
        out.append(f"  {mapped} with a journey counterpart, of which "
                   f"{report.crime_not_imported} for crimes not in the database (skipped)")
        if report.no_counterpart:
            out.append("  no journey counterpart (counted, not imported): "
                       + _counts(report.no_counterpart))
    return out


def _counts(counter: Any) -> str:
    return ", ".join(f"{name} {n}" for name, n in counter.most_common())
