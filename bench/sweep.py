"""Overdue sweep benchmark: `victimjourney sweep` over a million open duties, on PostgreSQL.

    /tmp/vjvenv/bin/python bench/sweep.py                        # 1,000,000 open duties
    /tmp/vjvenv/bin/python bench/sweep.py --open 200000          # a quick run
    /tmp/vjvenv/bin/python bench/sweep.py --json                 # the figures as JSON

A fresh database (migrated) is loaded by COPY with OPEN open duties and CLOSED met, late or
breached ones, on CASES cases with one victim each. Open duties are due at instants spread
evenly from DAYS_OVERDUE days before the sweep's instant to 60 days after it (so about
OVERDUE_SHARE of them are past due), and a tenth of them have no time limit (due_at NULL),
as "before the decision" duties do. Then VACUUM (ANALYZE), as autovacuum would after a bulk
load, and, in the same run and on the same rows:
  raw SQL   the equivalent UPDATE through psycopg, in a transaction rolled back;
  sweep     `duties.services.duties_sweep(now=...)`, as the command runs it (rolled back
            too, except the last run, which is kept);
  again     the sweep once more on the swept table (idempotent: nothing left to mark).
Each of raw SQL and sweep runs REPEAT times (alternately); the best and the median are shown,
with the plan of the sweep's statement (EXPLAIN ANALYZE, rolled back). Target: the sweep
under 1 second for a million open duties. A PostgreSQL server is started with
scripts/postgres unless DATABASE_URL names one (its database `vjbench_sweep_<pid>` is dropped
at the end unless --keep). Progress on stderr; the table (or JSON) on stdout; exit status 1 if
a check failed (the sweep marked other duties than the raw SQL, or left an overdue one open).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.replay import (  # noqa: E402
    BENCH_BLIND_INDEX_KEY,
    BENCH_FIELD_KEY,
    Server,
    _backend_cpu_s,
    _libpq_url,
    log,
    machine,
)
from victimjourney.core.clock import LONDON, end_of_local_day  # noqa: E402

TARGET_S = 1.0
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)  # the sweep's instant: 2 a.m.
ENTITLEMENTS = ("right_1_information", "right_3_initial_contact", "right_5_charge",
                "right_6_decision", "right_7_hearing", "right_11_release")
CLOSED = ("met", "late", "breached")


def _duty_rows(args: argparse.Namespace):
    """(case, victim, trigger event, entitlement, due_at, status) of every duty, deterministic.

    Deadlines fall at local midnight (`due_at` is the end of the due date), so a day's worth
    of duties falls due at once. The open duties are due on the DAYS_OVERDUE days up to the
    sweep's instant (those are overdue: what a sweep finds when it last ran that long ago)
    and on the 60 days after it, in an order unrelated to the order of the rows (the
    pessimistic case: the overdue rows are spread over the whole table)."""
    first_day = (NOW - dt.timedelta(days=args.days_overdue)).astimezone(LONDON).date()
    days = args.days_overdue + 60
    for n in range(args.open + args.closed):
        case = n % args.cases + 1
        if n < args.open:
            status = "open"
            day = first_day + dt.timedelta(days=(n * 7919) % days)
            due = None if n % 10 == 9 else end_of_local_day(day)
        else:
            status = CLOSED[n % 3]
            due = end_of_local_day(first_day - dt.timedelta(days=1 + n % 300))
        yield case, case, f"E{n // len(ENTITLEMENTS)}", ENTITLEMENTS[n % len(ENTITLEMENTS)], \
            due, status


def load(conn: Any, args: argparse.Namespace) -> dict[str, float]:
    """Cases, victims and duties by COPY (binary)."""
    started = time.perf_counter()
    created = NOW - dt.timedelta(days=90)
    with conn.cursor() as cursor:
        with cursor.copy("COPY cases_case (id, reference, force_id, offence, reported_at, "
                         "created_at, updated_at) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int8", "text", "text", "text", "timestamptz", "timestamptz",
                            "timestamptz"])
            for case in range(1, args.cases + 1):
                copy.write_row((case, f"BEN/{case:07d}/26", "police:kent", "theft", created,
                                created, created))
        contact = cursor.execute(
            "SELECT data_type FROM information_schema.columns WHERE table_name = "
            "'victims_victim' AND column_name = 'contact'").fetchone()
        jsonb = contact is not None and contact[0] == "jsonb"
        with cursor.copy("COPY victims_victim (id, case_id, key, kind, name, on_behalf_of, "
                         "language, contact, identified_at, enhanced_now) FROM STDIN "
                         "(FORMAT BINARY)") as copy:
            copy.set_types(["int8", "int8", "text", "text", "text", "text", "text",
                            "jsonb" if jsonb else "text", "timestamptz", "bool"])
            from django.db import connection

            from victimjourney.victims.models import Victim

            # An empty contact as the model field stores it (sealed when encrypted at rest).
            empty = Victim._meta.get_field("contact").get_db_prep_value({}, connection)
            for case in range(1, args.cases + 1):
                copy.write_row((case, case, "V1", "person", "", "", "en", empty, created,
                                False))
        for table in ("cases_case", "victims_victim"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)",
                           [args.cases])
        loaded = time.perf_counter()
        with cursor.copy("COPY duties_duty (case_id, victim_id, trigger_event_id, "
                         "trigger_type, triggered_at, entitlement, edition, provider_id, "
                         "enhanced, basis, due_date, due_at, deadline_text, status, reason, "
                         "unverified, evaluated_at) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int8", "int8", "text", "text", "timestamptz", "text", "text",
                            "text", "bool", "text", "date", "timestamptz", "text", "text",
                            "text", "bool", "timestamptz"])
            for case, victim, trigger, entitlement, due, status in _duty_rows(args):
                day = (due - dt.timedelta(hours=12)).astimezone(LONDON).date() if due else None
                copy.write_row((case, victim, trigger, "suspect.charged", created, entitlement,
                                "2020", "police:kent", False, "", day, due,
                                "within 5 working days", status, "", False, created))
    conn.commit()
    return {"cases_victims_s": loaded - started, "duties_s": time.perf_counter() - loaded}


RAW_SQL = ("UPDATE duties_duty SET status = 'breached', evaluated_at = %s "
           "WHERE status = 'open' AND due_at <= %s")


def _backend_pid(execute: Any) -> int | None:
    row = execute("SELECT pg_backend_pid()")
    pid = row[0] if row else None
    return pid if pid is not None and _backend_cpu_s(pid) is not None else None


def time_raw(conn: Any) -> tuple[float, int, float | None]:
    pid = _backend_pid(lambda sql: conn.execute(sql).fetchone())
    cpu = _backend_cpu_s(pid)
    started = time.perf_counter()
    cursor = conn.execute(RAW_SQL, [NOW, NOW])
    seconds = time.perf_counter() - started
    after = _backend_cpu_s(pid)
    conn.rollback()
    return seconds, cursor.rowcount, None if cpu is None or after is None else after - cpu


def time_sweep(keep: bool) -> tuple[float, int, float | None]:
    from django.db import connection, transaction

    from victimjourney.duties.services import duties_sweep

    def one(sql: str) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()

    pid = _backend_pid(one)
    with transaction.atomic():
        cpu = _backend_cpu_s(pid)
        started = time.perf_counter()
        count = duties_sweep(now=NOW)
        seconds = time.perf_counter() - started
        after = _backend_cpu_s(pid)
        if not keep:
            transaction.set_rollback(True)
    return seconds, count, None if cpu is None or after is None else after - cpu


def sweep_plan() -> list[str]:
    """EXPLAIN ANALYZE of the very statement `duties_sweep` sends (captured in a savepoint
    rolled back, then explained in a transaction rolled back)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    with transaction.atomic():
        savepoint = transaction.savepoint()
        with CaptureQueriesContext(connection) as captured:
            time_sweep(keep=True)
        transaction.savepoint_rollback(savepoint)
        statement = next(q["sql"] for q in captured.captured_queries
                         if q["sql"].startswith("UPDATE"))
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement.replace("%", "%%"))
            lines = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    return [f"statement: {statement}", *lines]


def tune(server: Server, shared_buffers: str) -> str:
    """Give the benchmark's own server the buffer cache a production server would have (a
    quarter of the memory is usual; the default 128MB holds a tenth of these duties): set it,
    then restart. A server named by DATABASE_URL is left as it is."""
    import subprocess

    if server.base is None or not shared_buffers:
        with server.admin() as conn:
            row = conn.execute("SHOW shared_buffers").fetchone()
        return str(row[0]) if row else "?"
    with server.admin() as conn:
        conn.execute(f"ALTER SYSTEM SET shared_buffers = '{shared_buffers}'")
    bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    data = server.base / "data"
    command = f"{bindir}/pg_ctl -D {data} -l {server.base}/log -w restart"
    if os.geteuid() == 0:
        subprocess.run(["su", "postgres", "-s", "/bin/bash", "-c", command], check=True,
                       stdout=subprocess.DEVNULL)
    else:
        subprocess.run(["bash", "-c", command], check=True, stdout=subprocess.DEVNULL)
    with server.admin() as conn:
        row = conn.execute("SHOW shared_buffers").fetchone()
    return str(row[0]) if row else "?"


def run(args: argparse.Namespace) -> dict[str, Any]:
    import psycopg

    with Server(args.port, args.keep) as server:
        shared_buffers = tune(server, args.shared_buffers)
        log(f"shared_buffers {shared_buffers}")
        name = f"vjbench_sweep_{os.getpid()}"
        url = server.createdb(name)
        os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings",
                          DJANGO_DEBUG="false")
        os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-not-for-production")
        os.environ.setdefault("VJ_FIELD_KEYS", BENCH_FIELD_KEY)
        os.environ.setdefault("VJ_BLIND_INDEX_KEY", BENCH_BLIND_INDEX_KEY)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        log(f"database {name}: migrating")
        call_command("migrate", verbosity=0, interactive=False)
        try:
            with psycopg.connect(_libpq_url(url)) as conn:
                log(f"loading {args.open:,} open and {args.closed:,} closed duties by COPY")
                loaded = load(conn, args)
                log(f"  loaded in {sum(loaded.values()):.1f} s; VACUUM (ANALYZE)")
                conn.autocommit = True
                started = time.perf_counter()
                conn.execute("VACUUM (ANALYZE) duties_duty")
                vacuum_s = time.perf_counter() - started
                # As a running server's checkpoints would have: write out the load's pages,
                # so that the sweep does not pay for them.
                try:
                    conn.execute("CHECKPOINT")
                except psycopg.Error as exc:
                    log(f"  CHECKPOINT refused ({exc}); the sweep may write the load's pages")
                conn.autocommit = False
                counts = dict(conn.execute(
                    "SELECT status, count(*) FROM duties_duty GROUP BY status").fetchall())
                row = conn.execute("SELECT count(*) FROM duties_duty WHERE status = 'open' "
                                   "AND due_at <= %s", [NOW]).fetchone()
                overdue = row[0] if row else 0
                conn.rollback()
                plan = sweep_plan()
                raw_times, sweep_times, raw_cpu, sweep_cpu = [], [], [], []
                raw_rows = sweep_rows = -1
                for attempt in range(args.repeat):
                    seconds, raw_rows, cpu = time_raw(conn)
                    raw_times.append(seconds)
                    raw_cpu.append(cpu)
                    seconds, sweep_rows, cpu = time_sweep(keep=attempt == args.repeat - 1)
                    sweep_times.append(seconds)
                    sweep_cpu.append(cpu)
                    log(f"  run {attempt + 1}: raw SQL {raw_times[-1]:.3f} s, sweep "
                        f"{sweep_times[-1]:.3f} s ({sweep_rows:,} duties)")
                again_s, again_rows, _ = time_sweep(keep=True)
                row = conn.execute("SELECT count(*) FROM duties_duty WHERE status = 'open' "
                                   "AND due_at <= %s", [NOW]).fetchone()
                left = row[0] if row else 0
                conn.rollback()
        finally:
            connection.close()
            if not args.keep:
                server.dropdb(name)
        version = server.version()
    checks = []
    if sweep_rows != overdue or raw_rows != overdue:
        checks.append(f"sweep marked {sweep_rows:,}, raw SQL {raw_rows:,}, overdue {overdue:,}")
    if left or again_rows:
        checks.append(f"{left:,} overdue duties still open after the sweep; the second sweep "
                      f"marked {again_rows:,}")
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(), "postgres": version,
        "shared_buffers": shared_buffers,
        "open": args.open, "closed": args.closed, "cases": args.cases,
        "statuses": counts, "overdue": overdue,
        "load_s": {k: round(v, 2) for k, v in loaded.items()}, "vacuum_analyze_s":
        round(vacuum_s, 2),
        "sweep_backend_cpu_s": _cpu_figures(sweep_cpu),
        "raw_sql_backend_cpu_s": _cpu_figures(raw_cpu),
        "load_average": os.getloadavg(),
        "sweep_s": {"best": round(min(sweep_times), 3),
                    "median": round(statistics.median(sweep_times), 3),
                    "all": [round(t, 3) for t in sweep_times]},
        "raw_sql_s": {"best": round(min(raw_times), 3),
                      "median": round(statistics.median(raw_times), 3),
                      "all": [round(t, 3) for t in raw_times]},
        "marked": sweep_rows, "again_s": round(again_s, 4), "again_marked": again_rows,
        "target_s": TARGET_S, "met": min(sweep_times) < TARGET_S and not checks,
        "plan": plan, "checks_failed": checks,
    }


def _cpu_figures(values: list[float | None]) -> list[float] | None:
    return None if any(v is None for v in values) else [round(v or 0.0, 3) for v in values]


def print_report(report: dict[str, Any]) -> None:
    sweep, raw = report["sweep_s"], report["raw_sql_s"]
    print(f"Overdue sweep benchmark, PostgreSQL {report['postgres']} (shared_buffers "
          f"{report['shared_buffers']}), {report['machine'].get('cpus')} CPUs")
    print(f"  duties: {report['open']:,} open ({report['overdue']:,} of them overdue), "
          f"{report['closed']:,} closed, on {report['cases']:,} cases; statuses "
          f"{report['statuses']}")
    print(f"  load by COPY: {report['load_s']} s; VACUUM (ANALYZE) "
          f"{report['vacuum_analyze_s']} s")
    print(f"  sweep (duties_sweep):  best {sweep['best']:.3f} s, median {sweep['median']:.3f} s"
          f" {sweep['all']}, {report['marked']:,} duties marked breached")
    print(f"  raw SQL UPDATE:        best {raw['best']:.3f} s, median {raw['median']:.3f} s "
          f"{raw['all']}")
    print(f"  PostgreSQL backend CPU (s): sweep {report['sweep_backend_cpu_s']}, raw SQL "
          f"{report['raw_sql_backend_cpu_s']}; load average {report['load_average']}")
    print(f"  sweep again (nothing due): {report['again_s']:.4f} s, {report['again_marked']} "
          "marked")
    print("  plan of the sweep's UPDATE (EXPLAIN ANALYZE, rolled back):")
    for line in report["plan"]:
        print(f"    {line}")
    verdict = "met" if report["met"] else "NOT met"
    print(f"target: sweep under {report['target_s']:.0f} s for {report['open']:,} open duties:"
          f" {verdict} (best {sweep['best']:.3f} s)")
    for problem in report["checks_failed"]:
        print(f"  CHECK FAILED: {problem}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--open", type=int, default=1_000_000, help="open duties")
    parser.add_argument("--closed", type=int, default=500_000,
                        help="met, late or breached duties")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--days-overdue", type=int, default=1,
                        help="open duties falling due on this many days up to the sweep's "
                             "instant (default 1: a daily sweep's catch)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each")
    parser.add_argument("--port", type=int, default=55498, help="port of our own server")
    parser.add_argument("--shared-buffers", default="1GB",
                        help="shared_buffers of our own server (default 1GB; '' leaves 128MB)")
    parser.add_argument("--keep", action="store_true", help="keep the server and database")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if min(args.open, args.cases, args.repeat) < 1:
        raise SystemExit("--open, --cases and --repeat must be at least 1")
    report = run(args)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    return 1 if report["checks_failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
