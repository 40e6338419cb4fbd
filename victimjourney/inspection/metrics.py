"""Computing the metrics: counts in the database (Ibis), intervals in Python.

`metrics_compute` runs every metric of the registry (or a chosen few) as of an instant,
optionally for a period of local dates, overall and broken down by each dimension. The
entitlement metrics share one grouped query per dimension over the duties; each finding is one
query per dimension over its own units.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir

from victimjourney.core.clock import start_of_local_day
from victimjourney.inspection.registry import Metric, all_metrics
from victimjourney.inspection.relations import (
    Relations,
    nullable,
    units_by_victim_category,
    units_enrich,
)
from victimjourney.inspection.source import Source
from victimjourney.inspection.stats import wilson

DIMENSIONS = ("force", "provider", "offence_group", "category", "victim_category", "stage",
              "channel", "month", "quarter", "year")
DIMENSION_LABELS = {
    "force": "police force area", "provider": "organisation that owes the service",
    "offence_group": "offence group", "category": "victim category (enhanced or standard)",
    "victim_category": "victim category", "stage": "journey stage",
    "channel": "reporting channel", "month": "month", "quarter": "quarter", "year": "year",
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


def _filter_period(source: Source, units: ir.Table, period: Period | None) -> ir.Table:
    """Units that started within PERIOD (local dates, compared as instants so that an index
    on the instant serves)."""
    if period is None:
        return units
    start = start_of_local_day(dt.date.fromisoformat(period.start))
    end = start_of_local_day(dt.date.fromisoformat(period.end))
    return units.filter((units.started >= source.instant(start, units.started))
                        & (units.started < source.instant(end, units.started)))


def _grouped(units: ir.Table, keys: Sequence[str]) -> list[dict[str, Any]]:
    return _rows(units.group_by([*keys, "outcome"]).aggregate(n=ibis._.count()))


def _collect(rows: Iterable[dict[str, Any]], key: str | None, dim: str | None
             ) -> dict[str, dict[str, dict[str, int]]]:
    """{metric key: {group: {outcome: n}}} from grouped rows."""
    out: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        metric_key = row[key] if key else ""
        group = "" if dim is None else str(row[dim]) if row[dim] is not None else "unknown"
        out[metric_key][group][row["outcome"]] = int(row["n"])
    return out


def metrics_compute(source: Source, *, as_of: dt.datetime, period: Period | None = None,
                    metrics: Sequence[Metric] | None = None,
                    dimensions: Sequence[str] = DIMENSIONS) -> list[MetricResult]:
    """Every metric (or METRICS) as of AS_OF, units started within PERIOD, broken down.

    Every metric's units go into one temporary table (metric, unit, outcome and the
    dimensions); each breakdown is then one grouped query over it."""
    chosen = list(metrics) if metrics is not None else all_metrics()
    by_key = {m.id: m for m in chosen}
    with source.scratch():
        rel = Relations(source, as_of=as_of)
        rel.materialize()
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
        results = {m.id: MetricResult(m, count_of(m, {})) for m in chosen}
        if not parts:
            return list(results.values())
        parts = [_filter_period(source, part, period) for part in parts]
        if not dimensions:
            # Overall counts only: each part grouped where it stands, nothing materialised.
            rows = [row for part in parts for row in _grouped(part, ["metric"])]
            for key, groups in _collect(rows, "metric", None).items():
                results[key].overall = count_of(by_key[key], groups.get("", {}))
            return [results[m.id] for m in chosen]
        if source.dialect == "sqlite":
            # One statement for a finding and its enrichment would nest too deep for
            # SQLite's parser: each part is run into a table of its own first.
            parts = [source.materialize(part) for part in parts]
        units = source.materialize_all(
            nullable(units_enrich(rel, part, dimensions)) for part in parts)
        for key, groups in _collect(_grouped(units, ["metric"]), "metric", None).items():
            results[key].overall = count_of(by_key[key], groups.get("", {}))
        for dim in dimensions:
            if dim == "victim_category":
                rows = _grouped(units_by_victim_category(rel, units), ["metric", dim])
            else:
                rows = _grouped(units, ["metric", dim])
            collected = _collect(rows, "metric", dim)
            for m in chosen:
                groups = collected.get(m.id, {})
                results[m.id].breakdowns[dim] = {
                    g: count_of(m, p) for g, p in sorted(groups.items())}
        return [results[m.id] for m in chosen]


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
