"""Inspection benchmark: metrics and the annual report over a synthetic year on PostgreSQL,
against the same metrics over a Parquet export in DuckDB.

    DATABASE_URL=postgres://postgres@127.0.0.1:55440/postgres \\
        /tmp/vjvenv/bin/python bench/inspection.py                  # a tenth-scale year
    ... bench/inspection.py --cases 50000                            # a quicker run
    ... bench/inspection.py --reuse vjbench_insp_50000 --cases 50000  # skip the import

Steps (each timed, figures printed at the end, or as JSON with --json):
  1. a fresh database `vjbench_insp_<cases>` on the server of DATABASE_URL, migrated;
  2. a synthetic year (`synthetic.generator`, seed 1, year 2024; a tenth of England and
     Wales's 6.6 million crimes is 660,000 cases) and a smaller previous year (for the
     report's change table), through `feed_import`, so duties are computed as in production;
     then ANALYZE (the planner's statistics, as autovacuum would gather them);
  3. the report for 2024: every metric for 2024 and 2023 (one pass, the force breakdown),
     the HTML and the PDF (target: under 60 s);
  4. dashboard queries: the overview (every metric, overall) and one metric's page (an
     entitlement with every breakdown), each computed afresh; then the nightly snapshot
     (`metrics --snapshot`) and the same two pages' queries reading it (target: under 1 s);
  5. export of the tables to Parquet, then the same metrics in DuckDB over the files.
The database is dropped at the end unless --keep (or --reuse).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as con:
        con.execute(statement)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=660_000)
    parser.add_argument("--previous", type=float, default=0.25,
                        help="the previous year's size, as a share of --cases")
    parser.add_argument("--reuse", help="an existing database to measure (no import)")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("DATABASE_URL must name a PostgreSQL server", file=sys.stderr)
        return 2
    name = args.reuse or f"vjbench_insp_{args.cases}"
    if not args.reuse:
        _admin(url, f'DROP DATABASE IF EXISTS "{name}"')
        _admin(url, f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = _with_database(url, name)
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret")
    # Keys for the fields encrypted at rest (core/crypto.py): random, for this run only (the
    # metrics read no encrypted field, so a reused database needs no particular key).
    os.environ.setdefault("VJ_FIELD_KEYS", base64.urlsafe_b64encode(os.urandom(32)).decode())
    os.environ.setdefault("VJ_BLIND_INDEX_KEY", base64.urlsafe_b64encode(os.urandom(32)).decode())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from victimjourney.core import clock
    from victimjourney.duties.models import Duty
    from victimjourney.duties.services import feed_import
    from victimjourney.inspection.metrics import Period, metrics_compute
    from victimjourney.inspection.registry import metric_by_id
    from victimjourney.inspection.report import report_build, report_write
    from victimjourney.inspection.selectors import dashboard_overview, metric_detail
    from victimjourney.inspection.services import snapshot_create
    from victimjourney.inspection.source import source_django, source_parquet, tables_export
    from victimjourney.journey.models import Event
    from victimjourney.organisations.reference import shipped_organisations
    from victimjourney.synthetic.generator import generate

    figures: dict[str, object] = {"cases": args.cases, "database": name}
    if not args.reuse:
        call_command("migrate", verbosity=0, run_syncdb=True)
        for year, cases, seed in ((2023, int(args.cases * args.previous), 2),
                                  (2024, args.cases, 1)):
            log(f"importing {cases:,} synthetic cases of {year}")
            start = time.perf_counter()
            done = 0

            def lines(year: int = year, cases: int = cases, seed: int = seed):
                for line in generate(cases=cases, seed=seed, year=year):
                    yield json.dumps(line, separators=(",", ":"))

            def progress(n: int, began: float = start) -> None:
                nonlocal done
                done += n
                if done % 500_000 < n:
                    log(f"  {done:,} lines, {done / (time.perf_counter() - began):,.0f}/s")

            feed_import(lines=lines(), source=f"bench {year}", on_progress=progress)
            figures[f"import_{year}_s"] = round(time.perf_counter() - start, 1)
        # Planner statistics for the tables just filled, as autovacuum would gather them a
        # little later (the report runs on a database imported hours before, not seconds).
        start = time.perf_counter()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        figures["analyze_s"] = round(time.perf_counter() - start, 1)
    figures["events"] = Event.objects.count()
    figures["duties"] = Duty.objects.count()
    log(f"{figures['events']:,} events, {figures['duties']:,} duties")
    as_of = clock.now()

    with tempfile.TemporaryDirectory() as tmp:
        log("report for 2024 (metrics for 2024 and 2023, HTML, PDF)")
        start = time.perf_counter()
        report = report_build(source_django(), year=2024, as_of=as_of)
        built = time.perf_counter()
        report_write(report, tmp)  # HTML, PDF, CSV and Parquet
        figures["report_metrics_s"] = round(built - start, 2)
        figures["report_total_s"] = round(time.perf_counter() - start, 2)

        log("dashboard queries")
        start = time.perf_counter()
        overview = metrics_compute(source_django(), as_of=as_of, period=Period.year(2024),
                                   dimensions=())
        figures["dashboard_overview_s"] = round(time.perf_counter() - start, 2)
        metric = metric_by_id()["entitlement.referral_to_victim_services"]
        start = time.perf_counter()
        metrics_compute(source_django(), as_of=as_of, period=Period.year(2024),
                        metrics=[metric])
        figures["dashboard_metric_page_s"] = round(time.perf_counter() - start, 2)
        finding = metric_by_id()["vi_letter_within_one_day"]
        start = time.perf_counter()
        metrics_compute(source_django(), as_of=as_of, period=Period.year(2024),
                        metrics=[finding])
        figures["dashboard_finding_page_s"] = round(time.perf_counter() - start, 2)

        log("nightly snapshot, then the dashboards reading it")
        start = time.perf_counter()
        snapshot_create(year=2024, as_of=as_of)
        figures["snapshot_s"] = round(time.perf_counter() - start, 2)
        names = {code: org.name for code, org in shipped_organisations().items()}
        start = time.perf_counter()
        dashboard_overview(as_of=as_of, year=2024)
        figures["dashboard_overview_snapshot_s"] = round(time.perf_counter() - start, 3)
        start = time.perf_counter()
        metric_detail(metric, as_of=as_of, year=2024, names=names)
        figures["dashboard_metric_page_snapshot_s"] = round(time.perf_counter() - start, 3)

        log("Parquet export, then DuckDB")
        start = time.perf_counter()
        folder = Path(tmp) / "parquet"
        tables_export(source_django(), folder)
        figures["parquet_export_s"] = round(time.perf_counter() - start, 2)
        size = sum(p.stat().st_size for p in folder.rglob("*.parquet"))
        figures["parquet_mb"] = round(size / 2**20, 1)
        start = time.perf_counter()
        postgres = metrics_compute(source_django(), as_of=as_of, period=Period.year(2024),
                                   dimensions=("force",))
        figures["metrics_postgres_s"] = round(time.perf_counter() - start, 2)
        start = time.perf_counter()
        duck = metrics_compute(source_parquet(folder), as_of=as_of, period=Period.year(2024),
                               dimensions=("force",))
        figures["metrics_duckdb_s"] = round(time.perf_counter() - start, 2)
        same = ({r.metric.id: (r.overall.numerator, r.overall.denominator) for r in postgres}
                == {r.metric.id: (r.overall.numerator, r.overall.denominator) for r in duck})
        figures["duckdb_matches_postgres"] = same
        figures["metrics"] = len(overview)

    if not (args.keep or args.reuse):
        from django.db import connections

        connections.close_all()
        _admin(url, f'DROP DATABASE IF EXISTS "{name}"')
    if args.json:
        print(json.dumps(figures, indent=1))
    else:
        for key, value in figures.items():
            print(f"{key:<28} {value}")
        print(f"{'targets':<28} report under 60 s: "
              f"{'met' if figures['report_total_s'] < 60 else 'NOT met'}; dashboard queries "
              f"under 1 s (from the nightly snapshot): {'met' if max(figures['dashboard_overview_snapshot_s'], figures['dashboard_metric_page_snapshot_s']) < 1 else 'NOT met'}")  # type: ignore[call-overload]  # noqa: E501
    return 0 if figures["duckdb_matches_postgres"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
