"""The annual consolidated report on compliance with the Victims' Code, generated from data.

One chapter per journey stage, in the order of the inspectorates' consolidated report (first
contact to compensation and complaints): what the Code expects, the principal findings as
computed (beside the seed report's figure), compliance per entitlement, and a funnel plot and
table per police force area with the test of whether forces vary more than chance. Then the
entitlements with no data (the gaps in coverage) and the change since the previous year.
Written as HTML and PDF (WeasyPrint), with the metric table as CSV and Parquet.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from victimjourney.code.editions import edition_on
from victimjourney.code.model import Entitlement
from victimjourney.inspection.charts import funnel_svg
from victimjourney.inspection.metrics import Count, MetricResult, Period, metrics_compute_periods
from victimjourney.inspection.registry import all_metrics
from victimjourney.inspection.services import metrics_export
from victimjourney.inspection.source import Source
from victimjourney.inspection.stats import Funnel, funnel, wilson
from victimjourney.journey.catalogue import STAGES
from victimjourney.organisations.reference import shipped_organisations

REPORT_STAGES = (1, 2, 3, 4, 5, 6, 7, 8)


@dataclass
class Change:
    metric_id: str
    title: str
    before: Count
    after: Count
    p_value: float | None

    @property
    def points(self) -> float | None:
        if self.before.value is None or self.after.value is None:
            return None
        return (self.after.value - self.before.value) * 100


@dataclass
class Chapter:
    stage: int
    name: str
    expects: list[Entitlement]
    findings: list[MetricResult]
    entitlements: list[MetricResult]
    pooled: Count
    by_force: list[tuple[str, Count, str]]
    funnel: Funnel | None
    chart: SafeString = field(default_factory=lambda: mark_safe(""))


@dataclass
class Report:
    year: int
    as_of: dt.datetime
    chapters: list[Chapter]
    gaps: list[tuple[int, str, str, str]]  # stage, id, title, why
    changes: list[Change]
    summary: dict[str, object]
    results: list[MetricResult]


def two_proportions(x1: int, n1: int, x2: int, n2: int) -> float | None:
    """Two-sided P for a difference between two proportions (pooled z-test)."""
    if not n1 or not n2:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 1.0
    z = (x2 / n2 - x1 / n1) / se
    return math.erfc(abs(z) / math.sqrt(2))


def _pool(results: list[MetricResult], dim: str | None = None) -> dict[str, Count]:
    """Sum the duty counts of several entitlement metrics (overall, or per group of DIM)."""
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in results:
        groups = {"": r.overall} if dim is None else r.breakdowns.get(dim, {})
        for group, count in groups.items():
            for outcome, n in count.parts.items():
                totals[group][outcome] += n
    return {g: Count(dict(p), p.get("met", 0), p.get("met", 0) + p.get("late", 0)
                     + p.get("breached", 0)) for g, p in totals.items()}


def report_build(source: Source, *, year: int, as_of: dt.datetime) -> Report:
    # Both years in one pass (each unit counted under the year it started in); the force
    # breakdown of the year before is not shown.
    results, before = metrics_compute_periods(
        source, as_of=as_of, periods=(Period.year(year), Period.year(year - 1)),
        dimensions=("force",))
    names = {code: org.name for code, org in shipped_organisations().items()}
    editions = {e.id: e for e in (edition_on(dt.date(year, 1, 1)),
                                  edition_on(dt.date(year, 12, 31))) if e is not None}
    in_force = {rule.id: rule for e in editions.values() for rule in e.entitlements}
    chapters = []
    for stage in REPORT_STAGES:
        ents = [r for r in results if r.metric.kind == "entitlement" and r.metric.stage == stage
                and (r.metric.entitlement in in_force or any(r.overall.parts.values()))]
        pooled = _pool(ents).get("", Count({}, 0, 0))
        per_force = _pool(ents, "force")
        plot = funnel((f, c.numerator, c.denominator) for f, c in sorted(per_force.items()))
        position = {p.name: p.position for p in plot.points} if plot else {}
        rows = sorted(((names.get(f, f), c, position.get(f, "no duties due"))
                       for f, c in per_force.items()), key=lambda row: row[0])
        chapter = Chapter(
            stage=stage, name=STAGES[stage],
            expects=[r for r in in_force.values() if r.stage == stage and r.duty],
            findings=[r for r in results if r.metric.kind == "finding"
                      and r.metric.stage == stage],
            entitlements=ents, pooled=pooled, by_force=rows, funnel=plot)
        if plot is not None and len(plot.points) > 1:
            chapter.chart = mark_safe(funnel_svg(  # noqa: S308 - SVG generated from our data
                plot, title=f"Stage {stage}: duties met on time, by force area",
                width=400, height=260))
        chapters.append(chapter)
    gaps = []
    for r in results:
        m = r.metric
        if m.kind == "entitlement" and m.entitlement in in_force and not sum(
                r.overall.parts.values()):
            gaps.append((m.stage, m.id, m.title, "no duty of this entitlement in the year: "
                         "no provider recorded the event that triggers it"))
        elif m.kind == "finding" and r.overall.denominator == 0:
            gaps.append((m.stage, m.id, m.title, "no case in the year gave this finding "
                         "anything to count" + (" (no judgements recorded)" if m.judgement
                                                else "")))
    gaps.sort()
    previous = {r.metric.id: r for r in before}
    changes = []
    for r in results:
        old = previous[r.metric.id].overall
        if r.overall.denominator or old.denominator:
            changes.append(Change(r.metric.id, r.metric.title, old, r.overall, two_proportions(
                old.numerator, old.denominator, r.overall.numerator, r.overall.denominator)))
    all_duties = _pool([r for r in results if r.metric.kind == "entitlement"])
    overall = all_duties.get("", Count({}, 0, 0))
    forces = _pool([r for r in results if r.metric.kind == "entitlement"], "force")
    national = funnel((f, c.numerator, c.denominator) for f, c in sorted(forces.items()))
    summary: dict[str, object] = {
        "duties_due": overall.denominator, "met": overall.numerator,
        "rate": overall.value, "interval": wilson(overall.numerator, overall.denominator),
        "late": overall.parts.get("late", 0), "never": overall.parts.get("breached", 0),
        "forces": len(national.points) if national else 0,
        "outside998": sum(1 for p in national.points if p.outside998) if national else 0,
        "overdispersion": national.overdispersion if national else None,
        "gaps": len(gaps), "findings": sum(1 for r in results if r.metric.kind == "finding"
                                           and r.overall.denominator),
        "metrics": len(all_metrics()),
    }
    return Report(year, as_of, chapters, gaps, changes, summary, results)


def report_html(report: Report) -> str:
    return render_to_string("inspection/report.html", {"report": report})


def report_write(report: Report, out: str | Path) -> dict[str, Path]:
    """Write the report into OUT: report.html, report.pdf, metrics.csv and metrics.parquet."""
    from weasyprint import HTML

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    html = report_html(report)
    paths = {"html": folder / f"report-{report.year}.html",
             "pdf": folder / f"report-{report.year}.pdf",
             "csv": folder / f"metrics-{report.year}.csv",
             "parquet": folder / f"metrics-{report.year}.parquet"}
    paths["html"].write_text(html, encoding="utf-8")
    HTML(string=html, base_url=str(folder)).write_pdf(str(paths["pdf"]))
    metrics_export(report.results, paths["csv"])
    metrics_export(report.results, paths["parquet"])
    return paths
