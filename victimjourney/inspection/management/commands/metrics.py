"""victimjourney metrics: every compliance metric as of an instant, with its breakdowns.

    victimjourney metrics --as-of 2015-06-30T00:00:00+00:00 --format json
    victimjourney metrics --year 2014 --format table
    victimjourney metrics --out metrics.parquet          # the metric table, CSV or Parquet
    victimjourney metrics --export-tables DIR            # the analytics export (no metrics)
    victimjourney metrics --parquet DIR --format table   # the same metrics, DuckDB over DIR
    victimjourney metrics --parquet DIR --spark          # ... on a local Spark session
    victimjourney metrics --snapshot --year 2024         # store them for the dashboards
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from victimjourney.core import clock
from victimjourney.inspection.metrics import DIMENSIONS, Period, metrics_compute
from victimjourney.inspection.registry import metric_by_id
from victimjourney.inspection.services import metrics_export, snapshot_create
from victimjourney.inspection.source import source_django, source_parquet, tables_export


class Command(BaseCommand):
    help = "Print every compliance metric (JSON or a table), or export the metric tables."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="an ISO 8601 instant with offset (default: now)")
        parser.add_argument("--year", type=int, help="only units that started in this year")
        parser.add_argument("--format", choices=("json", "table"), default="table")
        parser.add_argument("--metric", action="append", default=[],
                            help="a metric id (repeatable; default: all)")
        parser.add_argument("--dimensions", default=",".join(DIMENSIONS),
                            help="comma-separated breakdowns ('' for none)")
        parser.add_argument("--out", help="also write the metric table to this .csv or "
                                          ".parquet file")
        parser.add_argument("--parquet", help="read the tables from the analytics export in "
                                              "this folder (DuckDB) instead of the database")
        parser.add_argument("--spark", action="store_true",
                            help="with --parquet: run on a local Spark session (the `spark` "
                                 "extra, Java 17) instead of DuckDB")
        parser.add_argument("--export-tables", help="write the analytics export (as "
                                                    "`victimjourney export`, without the "
                                                    "metric table) to this folder, then stop")
        parser.add_argument("--snapshot", action="store_true",
                            help="compute every metric and breakdown and store it for the "
                                 "dashboards (run nightly), then stop")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["export_tables"]:
            counts = tables_export(source_django(), opts["export_tables"])
            for name, rows in counts.items():
                self.stdout.write(f"{name}: {rows} rows")
            return
        try:
            as_of = clock.parse_instant(opts["as_of"]) if opts["as_of"] else clock.now()
        except ValueError as exc:
            raise CommandError(f"--as-of: {exc}") from exc
        if opts["snapshot"]:
            snapshot = snapshot_create(year=opts["year"], as_of=as_of)
            self.stdout.write(f"stored {snapshot} ({len(snapshot.results)} metrics, "
                              f"{snapshot.seconds} s)")
            return
        known = metric_by_id()
        unknown = [m for m in opts["metric"] if m not in known]
        if unknown:
            raise CommandError(f"unknown metric: {', '.join(unknown)}")
        dims = tuple(d for d in opts["dimensions"].split(",") if d)
        bad = [d for d in dims if d not in DIMENSIONS]
        if bad:
            raise CommandError(f"unknown dimension: {', '.join(bad)}; one of "
                               f"{', '.join(DIMENSIONS)}")
        if opts["spark"] and not opts["parquet"]:
            raise CommandError("--spark reads an export: give --parquet DIR")
        source = (source_parquet(opts["parquet"], backend="pyspark" if opts["spark"] else "duckdb")
                  if opts["parquet"] else source_django())
        results = metrics_compute(
            source, as_of=as_of, period=Period.year(opts["year"]) if opts["year"] else None,
            metrics=[known[m] for m in opts["metric"]] or None, dimensions=dims)
        if opts["out"]:
            rows = metrics_export(results, opts["out"])
            self.stderr.write(f"wrote {rows} rows to {opts['out']}")
        if opts["format"] == "json":
            self.stdout.write(json.dumps([r.as_dict() for r in results], indent=1))
            return
        self.stdout.write(f"{'metric':<46} {'stage':>5} {'num':>8} {'den':>8} {'value':>7} "
                          f"{'95% interval':>15}")
        for r in results:
            c = r.overall
            value = f"{c.value:.1%}" if c.value is not None else "-"
            interval = (f"{c.interval[0]:.1%}-{c.interval[1]:.1%}" if c.interval else "-")
            self.stdout.write(f"{r.metric.id:<46} {r.metric.stage:>5} {c.numerator:>8} "
                              f"{c.denominator:>8} {value:>7} {interval:>15}")
