"""Reads for the inspection pages: permission-checked look-ups, dashboard figures (cached),
sample results in the seed report's form."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_noop

from victimjourney.accounts.permissions import DASHBOARDS, permitted
from victimjourney.inspection.metrics import Count, MetricResult, Period, metrics_compute
from victimjourney.inspection.models import Judgement, MetricSnapshot, Sample, SampledFile
from victimjourney.inspection.registry import JUDGEMENT_FINDINGS, Metric, metric_by_id
from victimjourney.inspection.source import source_django
from victimjourney.inspection.stats import Funnel, funnel

# Who sees the compliance dashboards (aggregates only): managers and PCCs' staff through the
# supervisor role, inspectors, administrators. Only roles that read every case open case files.
# Both are rows of the permission matrix (accounts.permissions: report `aggregates` and
# `case_files`).
DASHBOARD_ROLES = DASHBOARDS
CACHE_SECONDS = 15 * 60


def staff_for_dashboard(user: Any) -> Any:
    """The user's staff profile, if their role may see the dashboards; else 404."""
    staff = getattr(user, "staff", None)
    if staff is None or not permitted(staff.role, "none", "report", "aggregates"):
        raise Http404
    return staff


def staff_for_case_files(user: Any) -> Any:
    """Only roles that may read every case read sampled case files (inspectors)."""
    staff = staff_for_dashboard(user)
    if not permitted(staff.role, "none", "report", "case_files"):
        raise Http404
    return staff


def metric_get(metric_id: str) -> Metric:
    metric = metric_by_id().get(metric_id)
    if metric is None:
        raise Http404
    return metric


def _cached(key: str, compute: Any) -> list[MetricResult]:
    """Results from the cache (stored as plain counts: a metric's builder is code, not data),
    or computed and cached."""
    found = cache.get(key)
    if found is None:
        results = compute()
        cache.set(key, [(r.metric.id, r.overall, r.breakdowns) for r in results],
                  CACHE_SECONDS)
        return results  # type: ignore[no-any-return]
    known = metric_by_id()
    return [MetricResult(known[i], overall, breakdowns) for i, overall, breakdowns in found]


def snapshot_latest(year: int | None) -> MetricSnapshot | None:
    """The newest stored computation of every metric for YEAR (None: all years)."""
    return MetricSnapshot.objects.filter(year=year).order_by("-computed_at").first()


def snapshot_results(snapshot: MetricSnapshot,
                     metrics: list[Metric] | None = None) -> list[MetricResult]:
    known = metric_by_id()
    wanted = {m.id for m in metrics} if metrics is not None else None
    out = []
    for item in snapshot.results:
        metric = known.get(item["id"])
        if metric is None or (wanted is not None and metric.id not in wanted):
            continue
        out.append(MetricResult(metric, _count(item), {
            dim: {group: _count(c) for group, c in groups.items()}
            for dim, groups in item["breakdowns"].items()}))
    return out


def _count(item: dict[str, Any]) -> Count:
    return Count(dict(item["parts"]), item["numerator"], item["denominator"])


def dashboard_overview(*, as_of: dt.datetime, year: int | None) -> list[MetricResult]:
    """Every metric, overall, for a year (or all time): from the latest snapshot when there is
    one, else computed (and cached for a quarter of an hour)."""
    snapshot = snapshot_latest(year)
    if snapshot is not None:
        return snapshot_results(snapshot)
    key = f"inspection:overview:{as_of:%Y%m%d%H}:{year}"
    return _cached(key, lambda: metrics_compute(
        source_django(), as_of=as_of, period=Period.year(year) if year else None,
        dimensions=()))


@dataclass
class MetricDetail:
    result: MetricResult
    funnel: Funnel | None
    force_rows: list[tuple[str, Count, str]] = field(default_factory=list)


def metric_detail(metric: Metric, *, as_of: dt.datetime, year: int | None,
                  names: dict[str, str]) -> MetricDetail:
    key = f"inspection:metric:{metric.id}:{as_of:%Y%m%d%H}:{year}"

    def compute() -> list[MetricResult]:
        return metrics_compute(source_django(), as_of=as_of,
                               period=Period.year(year) if year else None, metrics=[metric])

    snapshot = snapshot_latest(year)
    found = snapshot_results(snapshot, [metric]) if snapshot is not None else []
    result = found[0] if found else _cached(key, compute)[0]
    by_force = result.breakdowns.get("force", {})
    plot = funnel((f, c.numerator, c.denominator) for f, c in sorted(by_force.items()))
    positions = {p.name: p.position for p in plot.points} if plot else {}
    rows = [(names.get(f, f), c, positions.get(f, gettext_noop("no cases")))
            for f, c in sorted(by_force.items(), key=lambda kv: names.get(kv[0], kv[0]))]
    return MetricDetail(result, plot, rows)


def samples_list() -> QuerySet[Sample]:
    return Sample.objects.all()


def sample_get(sample_id: int) -> Sample:
    sample = Sample.objects.filter(pk=sample_id).first()
    if sample is None:
        raise Http404
    return sample


def sampled_file_get(sample: Sample, file_id: int) -> SampledFile:
    found = sample.files.select_related("case").filter(pk=file_id).first()
    if found is None:
        raise Http404
    return found


@dataclass
class JudgedShare:
    finding: Metric
    counts: dict[str, int]
    total: int

    def share(self, outcome: str) -> float | None:
        return self.counts.get(outcome, 0) / self.total if self.total else None

    @property
    def shares(self) -> list[tuple[str, int, float | None]]:
        labels = {"fully": "fully met", "partially": "partially met", "not_met": "not met"}
        return [(labels[o], self.counts.get(o, 0), self.share(o))
                for o in ("fully", "partially", "not_met")]


def sample_results(sample: Sample) -> list[JudgedShare]:
    """The judgements of a sample's files, per finding, as the seed reports them: the share
    fully met, partially met and not met."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    files = sample.files.values_list("case_id", flat=True)
    rows = Judgement.objects.filter(case_id__in=files).values_list("finding", "outcome")
    for finding, outcome in rows:
        counts[finding][outcome] += 1
    return [JudgedShare(JUDGEMENT_FINDINGS[f], dict(c), sum(c.values()))
            for f, c in sorted(counts.items()) if f in JUDGEMENT_FINDINGS]


def sample_files(sample: Sample) -> list[tuple[SampledFile, list[Judgement]]]:
    files = list(sample.files.select_related("case"))
    judged: dict[int, list[Judgement]] = defaultdict(list)
    for j in Judgement.objects.filter(case_id__in=[f.case_id for f in files]):
        judged[j.case_id].append(j)
    return [(f, judged.get(f.case_id, [])) for f in files]
