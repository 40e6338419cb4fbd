"""Writes of the inspection: judgements (one at a time, or imported in bulk), samples of case
files, and exports of metric tables."""

from __future__ import annotations

import csv
import datetime as dt
import random
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from victimjourney.cases.models import Case
from victimjourney.core import clock
from victimjourney.inspection.metrics import MetricResult, Period, metrics_compute, results_table
from victimjourney.inspection.models import (
    OUTCOMES,
    Judgement,
    MetricSnapshot,
    Sample,
    SampledFile,
)
from victimjourney.inspection.registry import JUDGEMENT_FINDINGS
from victimjourney.inspection.source import source_django

OUTCOME_CODES = {code for code, _ in OUTCOMES}
IMPORT_COLUMNS = ("case", "finding", "outcome", "subject", "notes", "inspector")


@dataclass(frozen=True)
class ImportProblem:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


class JudgementImportError(Exception):
    """A judgement file with errors: nothing of it was stored."""

    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:20]))


def _inspector_name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def judgement_record(*, case: Case, finding: str, outcome: str, notes: str = "",
                     subject: str = "", user: Any = None, sample: Sample | None = None,
                     source: str = "form") -> Judgement:
    """Record (or replace) an inspector's judgement of one case file against one finding."""
    if finding not in JUDGEMENT_FINDINGS:
        raise ValueError(f"{finding} is not a finding judged by inspectors")
    if outcome not in OUTCOME_CODES:
        raise ValueError(f"{outcome} is not one of {sorted(OUTCOME_CODES)}")
    judgement, _ = Judgement.objects.update_or_create(
        case=case, finding=finding, subject=subject,
        defaults=dict(outcome=outcome, notes=notes, inspector=user,
                      inspector_name=_inspector_name(user) or "unknown", sample=sample,
                      source=source, recorded_at=clock.now()))
    return judgement


def judgements_import(*, rows: Iterable[dict[str, str]], source: str, user: Any = None) -> int:
    """Import judgements (columns: case, finding, outcome, and optionally subject, notes,
    inspector), whole or not at all: any bad row raises JudgementImportError naming every
    line and field at fault, and nothing is stored. Returns the number of rows stored."""
    parsed: list[tuple[int, dict[str, str]]] = []
    problems: list[ImportProblem] = []
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        clean = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        for name in ("case", "finding", "outcome"):
            if not clean.get(name):
                problems.append(ImportProblem(number, name, _("required")))
        if clean.get("finding") and clean["finding"] not in JUDGEMENT_FINDINGS:
            problems.append(ImportProblem(number, "finding", _(
                "unknown finding %(finding)s; one of %(findings)s") % {
                    "finding": repr(clean["finding"]),
                    "findings": ", ".join(sorted(JUDGEMENT_FINDINGS))}))
        if clean.get("outcome") and clean["outcome"] not in OUTCOME_CODES:
            problems.append(ImportProblem(number, "outcome", _(
                "%(outcome)s is not fully, partially or not_met") % {
                    "outcome": repr(clean["outcome"])}))
        parsed.append((number, clean))
    references = {row["case"] for _, row in parsed if row.get("case")}
    case_ids: dict[str, int] = {}
    refs = sorted(references)
    for start in range(0, len(refs), 500):
        case_ids.update(Case.objects.filter(reference__in=refs[start:start + 500])
                        .values_list("reference", "id"))
    seen: dict[tuple[str, str, str], int] = {}
    for number, row in parsed:
        if row.get("case") and row["case"] not in case_ids:
            problems.append(ImportProblem(number, "case", _("no case %(case)s")
                                          % {"case": repr(row["case"])}))
        key = (row.get("case", ""), row.get("finding", ""), row.get("subject", ""))
        if key in seen:
            problems.append(ImportProblem(number, "case", _(
                "the same file, finding and subject as line %(line)s") % {"line": seen[key]}))
        seen[key] = number
    if problems:
        raise JudgementImportError(sorted(problems, key=lambda p: p.line))
    now = clock.now()
    default_name = _inspector_name(user) or "imported"
    objects = [Judgement(case_id=case_ids[row["case"]], finding=row["finding"],
                         subject=row.get("subject", ""), outcome=row["outcome"],
                         notes=row.get("notes", ""), inspector=user,
                         inspector_name=row.get("inspector") or default_name,
                         source=source[:200], recorded_at=now)
               for _, row in parsed]
    with transaction.atomic():
        Judgement.objects.bulk_create(
            objects, batch_size=1000, update_conflicts=True,
            unique_fields=["case", "finding", "subject"],
            update_fields=["outcome", "notes", "inspector", "inspector_name", "source",
                           "recorded_at"])
    return len(objects)


def judgements_import_csv(*, path: str | Path, user: Any = None) -> int:
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"case", "finding", "outcome"} - set(reader.fieldnames or ())
        if missing:
            raise JudgementImportError([ImportProblem(1, name, _("missing column"))
                                        for name in sorted(missing)])
        return judgements_import(rows=reader, source=f"import:{Path(path).name}", user=user)


def sample_draw(*, name: str, seed: int, per_stratum: int = 20, year: int | None = None,
                finding: str = "", created_by: str = "", forces: Sequence[str] | None = None
                ) -> Sample:
    """A stratified random sample: PER_STRATUM case files from each police force (all of
    them where a force has fewer), reproducible from SEED: the same seed, population and size
    draw the same files. The population is every case (reported in YEAR, local dates, when
    given) whose force is known."""
    cases = Case.objects.filter(force__isnull=False)
    if year is not None:
        start = clock.start_of_local_day(dt.date(year, 1, 1))
        end = clock.start_of_local_day(dt.date(year + 1, 1, 1))
        cases = cases.filter(reported_at__gte=start, reported_at__lt=end)
    if forces:
        cases = cases.filter(force_id__in=list(forces))
    strata: dict[str, list[int]] = defaultdict(list)
    for case_id, force in cases.order_by("id").values_list("id", "force_id").iterator():
        strata[force].append(case_id)
    with transaction.atomic():
        sample = Sample.objects.create(name=name, seed=seed, per_stratum=per_stratum,
                                       year=year, finding=finding, created_at=clock.now(),
                                       created_by=created_by or "unknown")
        files: list[SampledFile] = []
        for stratum in sorted(strata):
            population = strata[stratum]
            # One generator per stratum, seeded by the sample's seed and the stratum's name,
            # so that adding a force does not change the files drawn for another.
            rng = random.Random(f"{seed}:{stratum}")  # noqa: S311 - sampling, not secrecy
            chosen = rng.sample(population, min(per_stratum, len(population)))
            files.extend(SampledFile(sample=sample, case_id=case_id, stratum=stratum,
                                     position=i + 1) for i, case_id in enumerate(chosen))
        SampledFile.objects.bulk_create(files, batch_size=1000)
    return sample


def metrics_export(results: Iterable[MetricResult], path: str | Path) -> int:
    """Write the metric table (one row per metric, dimension and group) as CSV or Parquet,
    by the file's suffix. Returns the number of rows."""
    rows = results_table(results)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), str(target))
    else:
        with target.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["metric"])
            writer.writeheader()
            writer.writerows(rows)
    return len(rows)


def snapshot_create(*, year: int | None, as_of: dt.datetime | None = None) -> MetricSnapshot:
    """Compute every metric with every breakdown and store it for the dashboards."""
    instant = as_of or clock.now()
    started = time.perf_counter()
    results = metrics_compute(source_django(), as_of=instant,
                              period=Period.year(year) if year else None)
    return MetricSnapshot.objects.create(
        year=year, as_of=instant, computed_at=clock.now(),
        seconds=round(time.perf_counter() - started, 2),
        results=[r.as_dict() for r in results])
