"""Computing the metrics: counts in the database (Ibis), intervals in Python.

`metrics_compute` runs every metric of the registry (or a chosen few) as of an instant,
optionally for a period of local dates, overall and broken down by each dimension;
`metrics_compute_periods` does it for several periods in one pass. The entitlement metrics
share one unit table over the duties; each finding has its own. With few dimensions each unit
table is grouped where it stands; with many, the units are enriched into one temporary table
first (docs/INSPECTION.md, "How a computation runs").
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import ibis
import ibis.expr.types as ir
from django.utils.translation import gettext_noop

from victimjourney.core.clock import start_of_local_day
from victimjourney.inspection.registry import Metric, all_metrics
from victimjourney.inspection.relations import (
    PERIOD_INDEX,
    Relations,
    nullable,
    units_by_victim_category,
    units_enrich,
)
from victimjourney.inspection.source import Source
from victimjourney.inspection.stats import wilson

DIMENSIONS = ("force", "provider", "offence_group", "category", "victim_category", "stage",
              "channel", "month", "quarter", "year")
DIMENSION_LABELS = {  # shown in the page's language (gettext) on the dashboards
    "force": gettext_noop("police force area"),
    "provider": gettext_noop("organisation that owes the service"),
    "offence_group": gettext_noop("offence group"),
    "category": gettext_noop("victim category (enhanced or standard)"),
    "victim_category": gettext_noop("victim category"), "stage": gettext_noop("journey stage"),
    "channel": gettext_noop("reporting channel"), "month": gettext_noop("month"),
    "quarter": gettext_noop("quarter"), "year": gettext_noop("year"),
}


@dataclass(frozen=True)
class Period:
    """Local dates from START up to, not including, END ('YYYY-MM-DD')."""

    start: str
    end: str

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(f"{year:04d}-01-01", f"{year + 1:04d}-01-01")


@dataclass
class Count:
    parts: dict[str, int]
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.numerator, self.denominator)

    def as_dict(self) -> dict[str, Any]:
        low_high = self.interval
        return {"numerator": self.numerator, "denominator": self.denominator,
                "value": self.value, "ci95_low": low_high[0] if low_high else None,
                "ci95_high": low_high[1] if low_high else None, "parts": dict(self.parts)}


@dataclass
class MetricResult:
    metric: Metric
    overall: Count
    breakdowns: dict[str, dict[str, Count]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        m = self.metric
        return {
            "id": m.id, "title": m.title, "kind": m.kind, "stage": m.stage,
            "stage_name": m.stage_name, "unit": m.unit, "numerator_words": m.numerator,
            "denominator_words": m.denominator, "seed_figure": m.seed_figure,
            "source": m.source, **self.overall.as_dict(),
            "breakdowns": {dim: {group: c.as_dict() for group, c in groups.items()}
                           for dim, groups in self.breakdowns.items()},
        }


def count_of(metric: Metric, parts: dict[str, int]) -> Count:
    full = {o: int(parts.get(o, 0)) for o in metric.outcomes}
    return Count(full, sum(full[o] for o in metric.numerator_outcomes),
                 sum(full[o] for o in metric.denominator_outcomes))


def _rows(expr: ir.Table) -> list[dict[str, Any]]:
    return expr.to_pyarrow().to_pylist()


# Up to this many dimensions, the breakdowns are grouped straight from each metric's units
# (one grouped query per metric, nothing written); with more, or with victim_category (where a
# unit counts under each of its victim's categories), the units are enriched into one
# temporary table first and each dimension is a grouped query over it.
DIRECT_DIMENSIONS = 2


def _bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    return (start_of_local_day(dt.date.fromisoformat(period.start)),
            start_of_local_day(dt.date.fromisoformat(period.end)))


def _disjoint(periods: Sequence[Period | None]) -> bool:
    if any(p is None for p in periods):
        return len(periods) == 1
    spans = sorted(_bounds(p) for p in periods if p is not None)
    return all(before[1] <= after[0] for before, after in pairwise(spans))


def _label_periods(source: Source, units: ir.Table, periods: Sequence[Period | None]
                   ) -> ir.Table:
    """The units that started within one of PERIODS (local dates, compared as instants so
    that an index on the instant serves), with PERIOD_INDEX: which one. PERIODS do not
    overlap; [None] is all time."""
    if list(periods) == [None]:
        return units.mutate(**{PERIOD_INDEX: ibis.literal(0).cast("int64")})
    started = units.started
    spans = sorted((_bounds(p), i) for i, p in enumerate(periods) if p is not None)
    ranges: list[list[dt.datetime]] = []
    for (start, end), _ in spans:
        if ranges and ranges[-1][1] == start:
            ranges[-1][1] = end
        else:
            ranges.append([start, end])
    within = [(started >= source.instant(start, started)) & (started < source.instant(end, started))
              for start, end in ranges]
    condition = within[0]
    for other in within[1:]:
        condition = condition | other
    if len(spans) == 1:
        index: ir.Value = ibis.literal(spans[0][1])
    else:
        # The first period (in time) ending after the start: the filter has kept only units
        # within one of them.
        index = ibis.cases(*[(started < source.instant(end, started), i)
                             for (_, end), i in spans])
    return units.filter(condition).mutate(**{PERIOD_INDEX: index.cast("int64")})


def _grouped(units: ir.Table, keys: Sequence[str]) -> list[dict[str, Any]]:
    return _rows(units.group_by([*keys, "outcome"]).aggregate(n=ibis._.count()))


def _parts(rel: Relations, chosen: Sequence[Metric]) -> list[ir.Table]:
    """The unit tables of the chosen metrics: one for every entitlement metric (the duties),
    one per finding."""
    parts = []
    entitlements = [m for m in chosen if m.kind == "entitlement"]
    if entitlements:
        d = rel.duties
        d = d.filter(d.entitlement.isin([m.entitlement for m in entitlements]))
        parts.append(rel.duty_units(d, metric=ibis.literal("entitlement.") + d.entitlement))
    for metric in chosen:
        if metric.kind == "finding":
            assert metric.builder is not None
            built = metric.builder(rel)
            parts.append(built.mutate(metric=ibis.literal(metric.id),
                                      unit=ibis.literal(metric.id + ":") + built.unit))
    return parts


# {(period index, metric id): {outcome: n}}, and per dimension {(period, metric): {group: ...}}
Tally = dict[tuple[int, str], dict[str, int]]
GroupTally = dict[tuple[int, str], dict[str, dict[str, int]]]


def _group(value: Any) -> str:
    return str(value) if value is not None else "unknown"


def _tally_direct(source: Source, rel: Relations, parts: Sequence[ir.Table],
                  dimensions: Sequence[str]) -> tuple[Tally, dict[str, GroupTally]]:
    """Each part grouped by metric, period, the dimensions and outcome, where it stands: the
    overall counts are the sums over the groups (each dimension gives a unit exactly one
    group: the joins that add them are on unique keys)."""
    overall: Tally = defaultdict(lambda: defaultdict(int))
    by_dim: dict[str, GroupTally] = {
        dim: defaultdict(lambda: defaultdict(lambda: defaultdict(int))) for dim in dimensions}
    keys = ["metric", PERIOD_INDEX, *dimensions]
    for part in parts:
        if dimensions:
            if source.dialect == "sqlite":
                # One statement for a finding and its enrichment would nest too deep for
                # SQLite's parser: the part is run into a table of its own first.
                part = source.materialize(part)
            part = units_enrich(rel, part, dimensions)
        for row in _grouped(part, keys):
            key = (int(row[PERIOD_INDEX]), row["metric"])
            n = int(row["n"])
            overall[key][row["outcome"]] += n
            for dim in dimensions:
                by_dim[dim][key][_group(row[dim])][row["outcome"]] += n
    return overall, by_dim


def _tally_materialized(source: Source, rel: Relations, parts: Sequence[ir.Table],
                        dimensions: Sequence[str]) -> tuple[Tally, dict[str, GroupTally]]:
    """Every part's units, enriched, into one temporary table; each breakdown is then one
    grouped query over it."""
    if source.dialect == "sqlite":
        # See _tally_direct: each part into a table of its own first.
        parts = [source.materialize(part) for part in parts]
    units = source.materialize_all(
        nullable(units_enrich(rel, part, dimensions)) for part in parts)
    overall: Tally = defaultdict(dict)
    for row in _grouped(units, ["metric", PERIOD_INDEX]):
        overall[(int(row[PERIOD_INDEX]), row["metric"])][row["outcome"]] = int(row["n"])
    by_dim: dict[str, GroupTally] = {}
    for dim in dimensions:
        grouped = units_by_victim_category(rel, units) if dim == "victim_category" else units
        tally: GroupTally = defaultdict(lambda: defaultdict(dict))
        for row in _grouped(grouped, ["metric", PERIOD_INDEX, dim]):
            tally[(int(row[PERIOD_INDEX]), row["metric"])][_group(row[dim])][
                row["outcome"]] = int(row["n"])
        by_dim[dim] = tally
    return overall, by_dim


def metrics_compute(source: Source, *, as_of: dt.datetime, period: Period | None = None,
                    metrics: Sequence[Metric] | None = None,
                    dimensions: Sequence[str] = DIMENSIONS) -> list[MetricResult]:
    """Every metric (or METRICS) as of AS_OF, units started within PERIOD, broken down."""
    return metrics_compute_periods(source, as_of=as_of, periods=(period,), metrics=metrics,
                                   dimensions=dimensions)[0]


def metrics_compute_periods(source: Source, *, as_of: dt.datetime,
                            periods: Sequence[Period | None],
                            metrics: Sequence[Metric] | None = None,
                            dimensions: Sequence[str] = DIMENSIONS
                            ) -> list[list[MetricResult]]:
    """`metrics_compute` for each of PERIODS (the report's year and the year before), in one
    pass over the data when they do not overlap: each unit is labelled with its period and
    counted under it, so a period's figures are those it would have alone.

    The entitlement metrics share one unit table over the duties; each finding has its own.
    With few dimensions (the report: force) each unit table is grouped where it stands; with
    many (the nightly snapshot) the units are enriched into one temporary table first."""
    periods = list(periods)
    if not _disjoint(periods):
        return [metrics_compute_periods(source, as_of=as_of, periods=(p,), metrics=metrics,
                                        dimensions=dimensions)[0] for p in periods]
    chosen = list(metrics) if metrics is not None else all_metrics()
    by_key = {m.id: m for m in chosen}
    results = [{m.id: MetricResult(m, count_of(m, {})) for m in chosen} for _ in periods]
    dims = list(dimensions)
    with source.scratch():
        rel = Relations(source, as_of=as_of)
        rel.materialize()
        parts = [_label_periods(source, part, periods) for part in _parts(rel, chosen)]
        if not parts:
            return [list(r.values()) for r in results]
        direct = "victim_category" not in dims and len(dims) <= DIRECT_DIMENSIONS
        tally = _tally_direct if direct else _tally_materialized
        overall, by_dim = tally(source, rel, parts, dims)
    for (index, key), outcomes in overall.items():
        results[index][key].overall = count_of(by_key[key], outcomes)
    for index, result in enumerate(results):
        for dim in dims:
            for m in chosen:
                groups = by_dim[dim].get((index, m.id), {})
                result[m.id].breakdowns[dim] = {
                    g: count_of(m, dict(p)) for g, p in sorted(groups.items())}
    return [[r[m.id] for m in chosen] for r in results]


def results_table(results: Iterable[MetricResult]) -> list[dict[str, Any]]:
    """Flat rows (metric, dimension, group, counts, value, interval) for CSV and Parquet."""
    rows = []
    for r in results:
        groups: list[tuple[str, str, Count]] = [("all", "all", r.overall)]
        for dim, by_group in r.breakdowns.items():
            groups.extend((dim, g, c) for g, c in by_group.items())
        for dim, group, count in groups:
            low_high = count.interval
            rows.append({
                "metric": r.metric.id, "kind": r.metric.kind, "stage": r.metric.stage,
                "dimension": dim, "group": group, "numerator": count.numerator,
                "denominator": count.denominator, "value": count.value,
                "ci95_low": low_high[0] if low_high else None,
                "ci95_high": low_high[1] if low_high else None,
                **{f"n_{o}": count.parts.get(o, 0) for o in
                   ("met", "late", "breached", "open", "not_applicable", "yes", "no",
                    "fully", "partially", "not_met", "notified", "undeterminable",
                    "not_notified")},
            })
    return rows
