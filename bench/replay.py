"""Import benchmark: a synthetic feed through `feed_import` on PostgreSQL, against raw COPY.

    /tmp/vjvenv/bin/python bench/replay.py                    # 100,000 cases (about 1M events)
    /tmp/vjvenv/bin/python bench/replay.py --cases 5000       # a quick run
    /tmp/vjvenv/bin/python bench/replay.py --sizes 10000 50000 100000   # memory as the feed grows
    /tmp/vjvenv/bin/python bench/replay.py --json             # the figures as JSON on stdout

For each size: generate the feed (timed, not counted), create a fresh database, migrate, then
in one child process each (so peak RSS is that run's own):
  import    `feed_import` of the whole file: wall time, events/s, duties, peak RSS, CPU of the
            process and of its PostgreSQL backend, the backend's private memory, and the time
            spent in each stage of the import (timers wrapped around the functions
            `duties.services` calls; the project's files are not touched);
  raw COPY  the same events into a bare, unindexed table with psycopg `cursor.copy()`;
  raw-tables  every row the import stored, dumped, then COPYed into the same tables of a fresh
            database (indexes, keys checked at once): PostgreSQL's own cost of storing them;
  evaluate  parse + `duties.engine.evaluate` alone, no database.
A PostgreSQL server is started with scripts/postgres unless DATABASE_URL is set, in which case
its server is used (databases `vjbench_*` are created there, and dropped unless --keep).
Progress goes to stderr; the table and summary (or the JSON) to stdout. Exit status 1 if a
consistency check failed (events or duties stored differ from the feed / the evaluation).
See bench/README.md.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import platform
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_SCRIPT = ROOT / "scripts" / "postgres"
TARGET_EVENTS_PER_S = 10_000
TARGET_SHARE_OF_RAW_COPY = 0.25  # import events/s at least a quarter of raw COPY's
FLAT_TOLERANCE = 1.25  # peak RSS of the largest run may be at most 25% above the smallest's
CHUNK_LINES = 5000  # feed_import's default chunk; the evaluate-only run groups the same way
RESULT_MARK = "BENCH-RESULT "
BENCH_FIELD_KEY = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
BENCH_BLIND_INDEX_KEY = secrets.token_hex(32)
PROGRESS_EVERY = 100_000

RAW_TABLE = "bench_raw_event"
RAW_COLUMNS = ("id", "type", "case_ref", "provider", "occurred_at", "received_at", "victim",
               "data")
RAW_DDL = (f"CREATE TABLE {RAW_TABLE} (id text, type text, case_ref text, provider text, "
           "occurred_at timestamptz, received_at timestamptz, victim text, data jsonb)")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Child processes: one per measurement, each reporting its figures as one JSON line on stdout.
# --------------------------------------------------------------------------------------------

def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _backend_rss_mb(pid: int | None) -> float | None:
    """Private (anonymous) RSS of a local PostgreSQL backend, or None if it cannot be read."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _backend_cpu_s(pid: int | None) -> float | None:
    """User + system CPU seconds of a local PostgreSQL backend, or None."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class _Progress:
    """on_progress callback: a line on stderr every PROGRESS_EVERY lines; samples the server
    backend's memory after every chunk (the import's transaction is still open then)."""

    def __init__(self, label: str, backend_pid: int | None = None) -> None:
        self.label, self.done, self.next = label, 0, PROGRESS_EVERY
        self.start = self.last = time.perf_counter()
        self.backend_pid = backend_pid
        self.backend_peak_mb: float | None = None

    def __call__(self, lines: int) -> None:
        self.done += lines
        self.last = time.perf_counter()
        backend = _backend_rss_mb(self.backend_pid)
        if backend is not None:
            self.backend_peak_mb = max(self.backend_peak_mb or 0.0, backend)
        if self.done >= self.next:
            self.next += PROGRESS_EVERY
            rate = self.done / max(time.perf_counter() - self.start, 1e-9)
            log(f"  {self.label}: {self.done:,} lines, {rate:,.0f}/s, "
                f"RSS {_current_rss_mb():,.0f} MB")


def _chunks(handle: Any, size: int) -> Iterator[tuple[int, list[str]]]:
    chunk: list[str] = []
    start = 1
    for number, text in enumerate(handle, start=1):
        chunk.append(text)
        if len(chunk) >= size:
            yield start, chunk
            start, chunk = number + 1, []
    if chunk:
        yield start, chunk


# The stages of feed_import, timed by wrapping the names the import's modules look up at call
# time: "module:function" (nested: `duties_insert` runs inside `projections_create`, which the
# report takes out). Missing names are skipped.
STAGES = ("services:parse_lines", "services:chunk_screen", "services:cases_create",
          "services:events_store", "services:case_events", "services:evaluate_case",
          "services:projections_create", "projections:duties_insert",
          "services:projections_refresh", "outbox:notices_plan",
          "services:case_organisations_write")


def _instrument(modules: dict[str, Any]) -> dict[str, float]:
    import functools

    spent: dict[str, float] = {}

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                out = fn(*args, **kwargs)
                if name == "parse_lines":  # a generator: time its consumption
                    out = list(out)
                return out
            finally:
                spent[name] += time.perf_counter() - t
        return wrapper

    for stage in STAGES:
        module_name, name = stage.split(":")
        module = modules[module_name]
        fn = getattr(module, name, None)
        if callable(fn):
            spent[name] = 0.0
            setattr(module, name, timed(name, fn))
    return spent


def child_migrate(feed: str, profile: str | None) -> dict[str, Any]:
    _django_setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    return {"seconds": time.perf_counter() - started}


def child_import(feed: str, profile: str | None) -> dict[str, Any]:
    _django_setup()
    from django.conf import settings
    from django.db import connection

    from victimjourney.duties import projections, services
    from victimjourney.duties.models import Duty
    from victimjourney.journey.models import Event

    if settings.DEBUG:  # Django would keep every query in memory
        raise SystemExit("DJANGO_DEBUG must be off for the benchmark")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), inet_server_addr()::text")
        pid, server_addr = cursor.fetchone()
    local = server_addr is None or server_addr.split("/")[0] in ("127.0.0.1", "::1")
    backend_pid = pid if local and _backend_rss_mb(pid) is not None else None
    backend_before = _backend_rss_mb(backend_pid)
    spent = {} if profile else _instrument(
        {"services": services, "projections": projections, "outbox": services.outbox})
    feed_import = services.feed_import
    baseline = _current_rss_mb()
    progress = _Progress("import", backend_pid)

    def run() -> Any:
        with open(feed, encoding="utf-8") as handle:
            return feed_import(lines=handle, source=feed, on_progress=progress)

    cpu_before, backend_cpu_before = _cpu_s(), _backend_cpu_s(backend_pid)
    started = time.perf_counter()
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(run)
        seconds = time.perf_counter() - started
        out = Path(profile) / f"import-{Path(feed).stem}.pstats"
        profiler.dump_stats(out)
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(20)
        log(f"profile written to {out}")
    else:
        result = run()
        seconds = time.perf_counter() - started
    peak = _peak_rss_mb()
    cpu = _cpu_s() - cpu_before
    backend_cpu_after = _backend_cpu_s(backend_pid)
    backend_cpu = (None if backend_cpu_before is None or backend_cpu_after is None
                   else backend_cpu_after - backend_cpu_before)
    # After the last chunk: the batch row and the commit, where PostgreSQL runs the deferred
    # foreign-key checks of every row written in the transaction.
    spent["after_last_chunk"] = started + seconds - progress.last
    return {
        "seconds": seconds,
        "lines": result.lines,
        "events_new": result.events_new,
        "events_repeated": result.events_repeated,
        "rejected": result.rejected,
        "cases": result.cases,
        "duties_written": result.duties_written,
        "events_stored": Event.objects.count(),
        "duties_stored": Duty.objects.count(),
        "baseline_rss_mb": baseline,
        "peak_rss_mb": peak,
        "backend_rss_before_mb": backend_before,
        "backend_peak_rss_mb": progress.backend_peak_mb,
        "stages_s": spent,
        "cpu_s": cpu,
        "backend_cpu_s": backend_cpu,
        "profiled": bool(profile),
    }


def child_raw_copy(feed: str, profile: str | None) -> dict[str, Any]:
    import psycopg
    from psycopg.types.json import Jsonb

    loads = json.loads
    copy_sql = f"COPY {RAW_TABLE} ({', '.join(RAW_COLUMNS)}) FROM STDIN"
    with psycopg.connect(_libpq_url(os.environ["DATABASE_URL"])) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
        conn.execute(RAW_DDL)
        conn.commit()
        row = conn.execute("SELECT pg_backend_pid()").fetchone()
        backend_pid = row[0] if row and _backend_cpu_s(row[0]) is not None else None
        baseline = _current_rss_mb()
        rows = 0
        cpu_before, backend_before = _cpu_s(), _backend_cpu_s(backend_pid)
        started = time.perf_counter()
        with open(feed, encoding="utf-8") as handle, conn.cursor() as cursor, \
                cursor.copy(copy_sql) as copy:
            for text in handle:
                if not text.strip():
                    continue
                raw = loads(text)
                occurred = raw["occurred_at"]
                copy.write_row((raw["id"], raw["type"], raw["case"], raw["provider"], occurred,
                                raw.get("received_at") or occurred, raw.get("victim"),
                                Jsonb(raw.get("data") or {})))
                rows += 1
        conn.commit()
        seconds = time.perf_counter() - started
        cpu = _cpu_s() - cpu_before
        backend_after = _backend_cpu_s(backend_pid)
        backend_cpu = (None if backend_before is None or backend_after is None
                       else backend_after - backend_before)
        row = conn.execute(f"SELECT count(*) FROM {RAW_TABLE}").fetchone()
        stored = row[0] if row else 0
        size = conn.execute("SELECT pg_total_relation_size(%s)", (RAW_TABLE,)).fetchone()
    return {"seconds": seconds, "rows": rows, "rows_stored": stored, "cpu_s": cpu,
            "backend_cpu_s": backend_cpu,
            "table_mb": (size[0] if size else 0) / (1024 * 1024),
            "baseline_rss_mb": baseline, "peak_rss_mb": _peak_rss_mb()}


def _fk_order(conn: Any, tables: list[str]) -> list[str]:
    """TABLES ordered so that every table comes after the tables its foreign keys name."""
    rows = conn.execute(
        "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s) "
        "AND confrelid::regclass::text = ANY(%s)", (tables, tables)).fetchall()
    needs = {table: {parent for child, parent in rows if child == table and parent != table}
             for table in tables}
    ordered: list[str] = []
    while needs:
        ready = sorted(t for t, parents in needs.items() if not parents - set(ordered))
        if not ready:
            raise SystemExit(f"foreign keys form a cycle among {sorted(needs)}")
        ordered += ready
        for table in ready:
            del needs[table]
    return ordered


def _table_counts(conn: Any) -> dict[str, int]:
    names = [row[0] for row in conn.execute(
        "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON "
        "n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'").fetchall()]
    return {name: _count(conn, name) for name in names if name != RAW_TABLE}


def _count(conn: Any, table: str) -> int:
    row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def child_raw_tables(feed: str, profile: str | None) -> dict[str, Any]:
    """The floor the product's schema sets: every row the import stored (cases, events,
    victims, categories, duties, ...), as stored, COPYed by psycopg into the same tables of a
    freshly migrated database (their indexes, keys and triggers; foreign keys checked at once,
    as the import has them), in one transaction. What PostgreSQL alone needs to store what the
    import stores, without parsing, checking or evaluating anything."""
    import psycopg

    source_url = os.environ["BENCH_SOURCE_URL"]
    workdir = Path(tempfile.mkdtemp(prefix="vjbench-tables-"))
    notes: list[str] = []
    with psycopg.connect(_libpq_url(source_url)) as source, \
            psycopg.connect(_libpq_url(os.environ["DATABASE_URL"])) as target:
        stored, fresh = _table_counts(source), _table_counts(target)
        tables = [t for t, n in stored.items() if n > fresh.get(t, 0) and t != "django_migrations"]
        for table in [t for t in tables if fresh.get(t)]:
            notes.append(f"{table}: the import added {stored[table] - fresh[table]:,} rows to "
                         f"{fresh[table]:,} a fresh database holds; not copied")
            tables.remove(table)
        tables = _fk_order(source, tables)
        files = {}
        for table in tables:  # dumped first, not timed
            files[table] = workdir / f"{table}.copy"
            with open(files[table], "wb") as out, source.cursor() as cursor, \
                    cursor.copy(f"COPY {table} TO STDOUT (FORMAT BINARY)") as copy:
                for block in copy:
                    out.write(block)
        row = target.execute("SELECT pg_backend_pid()").fetchone()
        backend_pid = row[0] if row and _backend_cpu_s(row[0]) is not None else None
        target.commit()
        cpu_before, backend_before = _cpu_s(), _backend_cpu_s(backend_pid)
        started = time.perf_counter()
        target.execute("SET CONSTRAINTS ALL IMMEDIATE")
        per_table = {}
        for table in tables:
            table_started = time.perf_counter()
            with open(files[table], "rb") as handle, target.cursor() as cursor, \
                    cursor.copy(f"COPY {table} FROM STDIN (FORMAT BINARY)") as copy:
                while block := handle.read(1 << 20):
                    copy.write(block)
            per_table[table] = time.perf_counter() - table_started
        target.commit()
        seconds = time.perf_counter() - started
        cpu = _cpu_s() - cpu_before
        backend_after = _backend_cpu_s(backend_pid)
        copied = {t: _count(target, t) for t in tables}
    size_mb = sum(f.stat().st_size for f in files.values()) / (1024 * 1024)
    for path in files.values():
        path.unlink()
    workdir.rmdir()
    return {"seconds": seconds, "cpu_s": cpu,
            "backend_cpu_s": (None if backend_before is None or backend_after is None
                              else backend_after - backend_before),
            "rows": {t: stored[t] for t in tables}, "rows_copied": copied,
            "table_seconds": per_table, "mb": size_mb, "notes": notes}


def child_import_file(feed: str, profile: str | None) -> dict[str, Any]:
    """`victimjourney import FILE` as the command runs it: the whole file checked, then
    applied in committed batches with a checkpoint (duties.fileimport)."""
    _django_setup()
    from victimjourney.duties.fileimport import feed_import_file
    from victimjourney.duties.models import Duty
    from victimjourney.journey.models import Event

    baseline = _current_rss_mb()
    checked = _Progress("check")
    progress = _Progress("import (batched)")
    cpu_before = _cpu_s()
    started = time.perf_counter()
    result, _ = feed_import_file(feed, on_check=checked, on_progress=progress)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "check_s": checked.last - checked.start,
            "cpu_s": _cpu_s() - cpu_before, "lines": result.lines,
            "events_new": result.events_new, "events_stored": Event.objects.count(),
            "duties_stored": Duty.objects.count(), "baseline_rss_mb": baseline,
            "peak_rss_mb": _peak_rss_mb()}


def child_evaluate(feed: str, profile: str | None) -> dict[str, Any]:
    """Parse + evaluate, no database, chunked like feed_import. The synthetic feed is written
    case by case, so a case is evaluated once all its lines are parsed (the last case of a
    chunk waits for the next chunk)."""
    _django_setup()  # settings only: nothing here touches the database
    from victimjourney.core import clock
    from victimjourney.core.errors import FeedError
    from victimjourney.duties.engine import evaluate
    from victimjourney.journey.feed import JourneyEvent, parse_lines
    from victimjourney.organisations.reference import shipped_organisations

    orgs = shipped_organisations()
    as_of = clock.now()
    errors: list[FeedError] = []
    parse_s = evaluate_s = 0.0
    events = duties = cases = 0
    pending: list[JourneyEvent] = []
    baseline = _current_rss_mb()
    progress = _Progress("evaluate")

    def run(ready: list[JourneyEvent]) -> None:
        nonlocal evaluate_s, duties, cases
        t = time.perf_counter()
        evaluations = evaluate(ready, as_of=as_of, orgs=orgs)
        evaluate_s += time.perf_counter() - t
        cases += len(evaluations)
        duties += sum(len(e.duties) for e in evaluations)

    started = time.perf_counter()
    with open(feed, encoding="utf-8") as handle:
        for start, texts in _chunks(handle, CHUNK_LINES):
            t = time.perf_counter()
            pending.extend(parse_lines(texts, orgs, errors, start_line=start))
            parse_s += time.perf_counter() - t
            if errors:
                raise SystemExit(f"feed has invalid lines, e.g. {errors[0]}")
            events += len(texts)
            if pending:
                last, cut = pending[-1].case, len(pending)
                while cut and pending[cut - 1].case == last:
                    cut -= 1
                ready, pending = pending[:cut], pending[cut:]
                if ready:
                    run(ready)
            progress(len(texts))
    if pending:
        run(pending)
    return {"seconds": time.perf_counter() - started, "parse_s": parse_s,
            "evaluate_s": evaluate_s, "events": events, "cases": cases, "duties": duties,
            "baseline_rss_mb": baseline, "peak_rss_mb": _peak_rss_mb()}


CHILDREN: dict[str, Callable[[str, str | None], dict[str, Any]]] = {
    "migrate": child_migrate,
    "import": child_import,
    "raw-copy": child_raw_copy,
    "raw-tables": child_raw_tables,
    "evaluate": child_evaluate,
    "import-file": child_import_file,
}


def child_main(kind: str, feed: str, profile: str | None) -> None:
    result = CHILDREN[kind](feed, profile)
    print(RESULT_MARK + json.dumps(result), flush=True)


# --------------------------------------------------------------------------------------------
# Parent: the server, the databases, the feeds, and the report.
# --------------------------------------------------------------------------------------------

def _libpq_url(url: str) -> str:
    parts = urlsplit(url)
    scheme = "postgresql" if parts.scheme in ("postgres", "postgresql", "pgsql") else parts.scheme
    return urlunsplit((scheme, parts.netloc, parts.path, parts.query, parts.fragment))


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Server:
    """Our own throwaway PostgreSQL (scripts/postgres), or the one DATABASE_URL names."""

    def __init__(self, port: int, keep: bool) -> None:
        self.keep = keep
        self.base: Path | None = None
        given = os.environ.get("DATABASE_URL")
        if given:
            if not urlsplit(given).scheme.startswith(("postgres", "pgsql")):
                raise SystemExit(f"DATABASE_URL must name a PostgreSQL server, not {given!r}")
            self.url = given
        else:
            self.url = f"postgres://postgres@127.0.0.1:{port}/postgres"
            self.base = Path(tempfile.gettempdir()) / f"vjbench-pg-{port}"
            self.port = port

    def __enter__(self) -> Server:
        if self.base is not None:
            if _port_in_use(self.port):
                raise SystemExit(f"port {self.port} is in use: choose another with --port, or "
                                 "set DATABASE_URL to use a running server")
            log(f"starting PostgreSQL in {self.base} on port {self.port}")
            subprocess.run([str(POSTGRES_SCRIPT), "start", str(self.base), str(self.port)],
                           check=True)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.base is None:
            return
        if self.keep:
            log(f"server kept: {self.url} (stop: scripts/postgres stop {self.base})")
            return
        log("stopping PostgreSQL")
        subprocess.run([str(POSTGRES_SCRIPT), "stop", str(self.base)], check=False)

    def admin(self) -> Any:
        import psycopg

        return psycopg.connect(_libpq_url(_with_database(self.url, "postgres")), autocommit=True)

    def createdb(self, name: str) -> str:
        from psycopg import sql

        with self.admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return _with_database(self.url, name)

    def dropdb(self, name: str) -> None:
        from psycopg import sql

        with self.admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))

    def version(self) -> str:
        with self.admin() as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "?"


def run_child(kind: str, feed: Path, database_url: str, profile: str | None = None,
              extra_env: dict[str, str] | None = None) -> dict[str, Any]:
    env = dict(os.environ, **(extra_env or {}))
    env.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings",
               DJANGO_DEBUG="false", PYTHONHASHSEED="0")
    env.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-not-for-production")
    # Encryption at rest needs its keys once DEBUG is off: throwaway ones, for this run only.
    env.setdefault("VJ_FIELD_KEYS", BENCH_FIELD_KEY)
    env.setdefault("VJ_BLIND_INDEX_KEY", BENCH_BLIND_INDEX_KEY)
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind,
               "--feed", str(feed)]
    if profile:
        command += ["--profile", profile]
    proc = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True,
                          check=False)
    results = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if proc.returncode != 0 or not results:
        sys.stderr.write(proc.stdout)
        raise SystemExit(f"the {kind} child failed (exit status {proc.returncode})")
    return json.loads(results[-1][len(RESULT_MARK):])


def generate_feed(path: Path, cases: int, seed: int) -> tuple[int, float]:
    from victimjourney.synthetic.generator import write_feed

    started = time.perf_counter()
    events = write_feed(str(path), cases=cases, seed=seed)
    return events, time.perf_counter() - started


def bench_size(server: Server, workdir: Path, cases: int, args: argparse.Namespace
               ) -> dict[str, Any]:
    feed = workdir / f"feed-{cases}.jsonl"
    log(f"{cases:,} cases: generating the feed (seed {args.seed})")
    events, generate_s = generate_feed(feed, cases, args.seed)
    feed_mb = feed.stat().st_size / (1024 * 1024)
    log(f"  {events:,} events, {feed_mb:,.0f} MB in {generate_s:.1f} s (not counted)")

    name = f"vjbench_{cases}_{os.getpid()}"
    url = server.createdb(name)
    log(f"  database {name}: migrating")
    migrate = run_child("migrate", feed, url)
    log(f"  migrated in {migrate['seconds']:.1f} s; importing")
    imported = run_child("import", feed, url, args.profile)
    log(f"  import: {imported['seconds']:.1f} s, "
        f"{events / imported['seconds']:,.0f} events/s, peak RSS "
        f"{imported['peak_rss_mb']:,.0f} MB; raw COPY")
    raw = run_child("raw-copy", feed, url)
    log(f"  raw COPY: {raw['seconds']:.1f} s, {events / raw['seconds']:,.0f} events/s; "
        "evaluate only")
    tables_name = f"{name}_tables"
    tables_url = server.createdb(tables_name)
    run_child("migrate", feed, tables_url)
    tables = run_child("raw-tables", feed, tables_url, extra_env={"BENCH_SOURCE_URL": url})
    if not args.keep:
        server.dropdb(tables_name)
    log(f"  raw COPY of the rows the import stored, into the product's tables: "
        f"{tables['seconds']:.1f} s ({sum(tables['rows'].values()):,} rows, "
        f"{len(tables['rows'])} tables); evaluate only")
    evaluated = run_child("evaluate", feed, url)
    log(f"  evaluate only: {evaluated['seconds']:.1f} s "
        f"(parse {evaluated['parse_s']:.1f} s, evaluate {evaluated['evaluate_s']:.1f} s)")

    batched = None
    if args.file_import:
        file_name = f"{name}_file"
        file_url = server.createdb(file_name)
        run_child("migrate", feed, file_url)
        log("  the import command's batched path (check, then committed batches)")
        batched = run_child("import-file", feed, file_url)
        log(f"  batched import: {batched['seconds']:.1f} s, "
            f"{events / batched['seconds']:,.0f} events/s (check {batched['check_s']:.1f} s)")
        if not args.keep:
            server.dropdb(file_name)

    checks, notes = [], []
    if batched is not None and (batched["events_stored"], batched["duties_stored"]) != (
            imported["events_stored"], imported["duties_stored"]):
        checks.append("the batched import stored other counts of events or duties: "
                      f"{batched['events_stored']:,} / {batched['duties_stored']:,}")
    if imported["events_stored"] != events or imported["events_new"] != events:
        checks.append(f"events stored {imported['events_stored']:,} != feed {events:,}")
    if evaluated["duties"] != imported["duties_stored"]:
        checks.append(f"duties stored {imported['duties_stored']:,} != "
                      f"{evaluated['duties']:,} found by evaluation alone")
    if tables["rows_copied"] != tables["rows"]:
        checks.append(f"the raw COPY into the product's tables stored {tables['rows_copied']} "
                      f"rows, not the {tables['rows']} the import stored")
    notes.extend(tables["notes"])
    if raw["rows_stored"] != events:
        checks.append(f"raw COPY stored {raw['rows_stored']:,} rows != feed {events:,}")
    if imported["duties_written"] < imported["duties_stored"]:
        checks.append(f"feed_import reported {imported['duties_written']:,} duties created or "
                      f"changed, fewer than the {imported['duties_stored']:,} stored")
    for problem in checks:
        log(f"  CHECK FAILED: {problem}")
    for note in notes:
        log(f"  note: {note}")

    feed.unlink()
    if not args.keep:
        server.dropdb(name)
    import_s, raw_s = imported["seconds"], raw["seconds"]
    return {
        "cases": cases,
        "events": events,
        "feed_mb": round(feed_mb, 1),
        "database": name if args.keep else None,
        "generate_s": round(generate_s, 2),
        "migrate_s": round(migrate["seconds"], 2),
        "import": {
            "seconds": round(import_s, 2),
            "events_per_s": round(events / import_s),
            "duties_stored": imported["duties_stored"],
            "duties_written": imported["duties_written"],
            "cases": imported["cases"],
            "peak_rss_mb": round(imported["peak_rss_mb"], 1),
            "baseline_rss_mb": round(imported["baseline_rss_mb"], 1),
            "backend_rss_before_mb": _round(imported["backend_rss_before_mb"]),
            "backend_peak_rss_mb": _round(imported["backend_peak_rss_mb"]),
            "stages_s": _stages(imported["stages_s"]),
            "cpu_s": round(imported["cpu_s"], 1),
            "backend_cpu_s": _round(imported["backend_cpu_s"]),
            "profiled": imported["profiled"],
        },
        "raw_copy": {
            "seconds": round(raw_s, 2),
            "events_per_s": round(events / raw_s),
            "cpu_s": round(raw["cpu_s"], 2),
            "backend_cpu_s": _round(raw["backend_cpu_s"], 2),
            "table_mb": round(raw["table_mb"], 1),
            "peak_rss_mb": round(raw["peak_rss_mb"], 1),
        },
        "raw_tables": {
            "seconds": round(tables["seconds"], 2),
            "cpu_s": round(tables["cpu_s"], 2),
            "backend_cpu_s": _round(tables["backend_cpu_s"], 2),
            "rows": tables["rows"],
            # each table's COPY (its rows, indexes and keys checked at once), in FK order
            "table_seconds": {t: round(v, 2) for t, v in tables["table_seconds"].items()},
            "mb": round(tables["mb"], 1),
            # What storing alone costs, against a raw COPY of the events into a bare table:
            # no importer can beat raw_s / tables_s as a share of raw COPY on this schema.
            "floor_share_of_raw_copy": round(raw_s / tables["seconds"], 4),
            "events_per_s": round(events / tables["seconds"]),
        },
        # However the work were shared out over this machine's cores (several connections,
        # processes), an importer must spend at least the CPU of storing the rows and of
        # parsing and evaluating the feed (each measured alone above): its time is at least
        # their sum over the cores, so its share of raw COPY at most raw_s / that.
        "cpu_bound": _cpu_bound(raw_s, tables, evaluated),
        "share_of_raw_tables": round(tables["seconds"] / import_s, 4),
        "ratio": round(import_s / raw_s, 2),
        # Import throughput as a share of raw COPY's, both measured in this run.
        "share_of_raw_copy": round(raw_s / import_s, 4),
        "batched_import": None if batched is None else {
            "seconds": round(batched["seconds"], 2),
            "check_s": round(batched["check_s"], 2),
            "events_per_s": round(events / batched["seconds"]),
            "share_of_raw_copy": round(raw_s / batched["seconds"], 4),
            "cpu_s": round(batched["cpu_s"], 1),
            "peak_rss_mb": round(batched["peak_rss_mb"], 1),
        },
        "evaluate_only": {
            "seconds": round(evaluated["seconds"], 2),
            "parse_s": round(evaluated["parse_s"], 2),
            "evaluate_s": round(evaluated["evaluate_s"], 2),
            "events_per_s": round(events / evaluated["seconds"]),
            "duties": evaluated["duties"],
            "peak_rss_mb": round(evaluated["peak_rss_mb"], 1),
            "share_of_import": round(evaluated["seconds"] / import_s, 3),
        },
        "checks_failed": checks,
        "notes": notes,
    }


def _cpu_bound(raw_s: float, tables: dict[str, Any], evaluated: dict[str, Any]
               ) -> dict[str, Any]:
    cores = os.cpu_count() or 1
    cpu = tables["cpu_s"] + (tables["backend_cpu_s"] or tables["seconds"]) + evaluated["seconds"]
    return {"cores": cores, "cpu_s": round(cpu, 2), "seconds": round(cpu / cores, 2),
            "share_of_raw_copy": round(raw_s / (cpu / cores), 4)}


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _stages(spent: dict[str, float]) -> dict[str, float]:
    """Exclusive times: the duty COPY is taken out of projections_create."""
    out = dict(spent)
    if "duties_insert" in out and "projections_create" in out:
        out["projections_create"] -= out["duties_insert"]
    return {name: round(value, 2) for name, value in out.items()}


STAGE_LABELS = {
    "parse_lines": "parse + validate lines",
    "chunk_screen": "screen (stored ids, cases, victims, refs)",
    "cases_create": "cases: create (COPY)",
    "events_store": "events: seal + COPY",
    "case_events": "read back cases split by chunks",
    "evaluate_case": "evaluate duties",
    "projections_create": "victims + categories (COPY)",
    "duties_insert": "duties COPY",
    "projections_refresh": "re-project split cases (set-based)",
    "notices_plan": "notifications outbox plan",
    "case_organisations_write": "case organisations (COPY)",
    "after_last_chunk": "final commit",
}
STAGE_NAMES = tuple(stage.split(":")[1] for stage in STAGES)


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                            "platform": platform.platform()}
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    info["memory_gib"] = round(int(line.split()[1]) / (1024 * 1024), 1)
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        import django

        info["django"] = django.get_version()
    except ImportError:
        pass
    return info


def summary_line(run: dict[str, Any]) -> str:
    imp, raw = run["import"], run["raw_copy"]
    return (f"{run['cases']} cases, {run['events']} events: {imp['events_per_s']:,} events/s "
            f"({imp['seconds']:.1f} s), peak RSS {imp['peak_rss_mb']:.0f} MB; "
            f"raw COPY {raw['events_per_s']:,} events/s; import / raw COPY "
            f"{100 * run['share_of_raw_copy']:.1f}% (time ratio {run['ratio']:.1f}x); "
            f"raw COPY of every stored row into the product's tables "
            f"{run['raw_tables']['seconds']:.1f} s: import / that "
            f"{100 * run['share_of_raw_tables']:.1f}%, storing alone / raw COPY "
            f"{100 * run['raw_tables']['floor_share_of_raw_copy']:.1f}%")


def verdicts(runs: list[dict[str, Any]]) -> dict[str, Any]:
    slowest = min(r["import"]["events_per_s"] for r in runs)
    lowest_share = min(r["share_of_raw_copy"] for r in runs)
    out: dict[str, Any] = {
        "target_events_per_s": TARGET_EVENTS_PER_S,
        "slowest_events_per_s": slowest,
        "throughput_met": slowest >= TARGET_EVENTS_PER_S,
        "target_share_of_raw_copy": TARGET_SHARE_OF_RAW_COPY,
        "lowest_share_of_raw_copy": lowest_share,
        "share_met": lowest_share >= TARGET_SHARE_OF_RAW_COPY,
        "lowest_share_of_raw_tables": min(r["share_of_raw_tables"] for r in runs),
        "highest_floor_share": max(r["raw_tables"]["floor_share_of_raw_copy"] for r in runs),
        "highest_cpu_bound_share": max(r["cpu_bound"]["share_of_raw_copy"] for r in runs),
    }
    if len(runs) > 1:
        small, large = runs[0]["import"]["peak_rss_mb"], runs[-1]["import"]["peak_rss_mb"]
        out.update(memory_growth=round(large / small, 3),
                   memory_flat=large <= small * FLAT_TOLERANCE)
        first, last = (runs[0]["import"]["backend_peak_rss_mb"],
                       runs[-1]["import"]["backend_peak_rss_mb"])
        if first and last:
            out["backend_memory_growth"] = round(last / first, 3)
    return out


def _cpu_ratio(run: dict[str, Any]) -> str:
    """Process + backend CPU of the import over those of raw COPY: steadier than wall time
    when other work shares the machine."""
    imp, raw = run["import"], run["raw_copy"]
    if imp["backend_cpu_s"] is None or raw["backend_cpu_s"] is None:
        return "n/a"
    return f"{(imp['cpu_s'] + imp['backend_cpu_s']) / (raw['cpu_s'] + raw['backend_cpu_s']):.1f}x"


def _cpu_pair(figures: dict[str, Any]) -> str:
    """CPU seconds of a raw COPY's process + its backend ("n/a" when unread)."""
    backend = figures["backend_cpu_s"]
    return f"{figures['cpu_s']:.2f} + " + ("n/a" if backend is None else f"{backend:.2f}")


def print_report(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    runs = report["runs"]
    console = Console(width=max(120, 44 + 16 * len(runs)))
    table = Table(title=f"Victim Journey import benchmark (seed {report['seed']}, "
                        f"{report['machine'].get('cpus')} CPUs, PostgreSQL "
                        f"{report['postgres']})")
    table.add_column("")
    for run in runs:
        table.add_column(f"{run['cases']:,} cases", justify="right")

    def row(label: str, fn: Callable[[dict[str, Any]], str]) -> None:
        table.add_row(label, *[fn(r) for r in runs])

    row("events", lambda r: f"{r['events']:,}")
    row("feed (MB)", lambda r: f"{r['feed_mb']:,.0f}")
    row("generate (s, not counted)", lambda r: f"{r['generate_s']:.1f}")
    row("[bold]import wall time (s)", lambda r: f"{r['import']['seconds']:.1f}")
    row("[bold]import events/s", lambda r: f"{r['import']['events_per_s']:,}")
    row("duties stored", lambda r: f"{r['import']['duties_stored']:,}")
    row("  duties created or changed (reported)", lambda r: f"{r['import']['duties_written']:,}")
    row("  CPU: importing process (s)",
        lambda r: f"{r['import']['cpu_s']:.1f} ({100 * r['import']['cpu_s'] / r['import']['seconds']:.0f}%)")  # noqa: E501
    row("  CPU: its PostgreSQL backend (s)",
        lambda r: "n/a" if r["import"]["backend_cpu_s"] is None
        else f"{r['import']['backend_cpu_s']:.1f} ({100 * r['import']['backend_cpu_s'] / r['import']['seconds']:.0f}%)")  # noqa: E501
    row("[bold]import peak RSS (MB)", lambda r: f"{r['import']['peak_rss_mb']:.0f}")
    row("  RSS before import (MB)", lambda r: f"{r['import']['baseline_rss_mb']:.0f}")
    row("  PostgreSQL backend, peak private RSS (MB)",
        lambda r: "n/a" if r["import"]["backend_peak_rss_mb"] is None
        else f"{r['import']['backend_peak_rss_mb']:.0f}")
    row("raw COPY (s)", lambda r: f"{r['raw_copy']['seconds']:.1f}")
    row("raw COPY events/s", lambda r: f"{r['raw_copy']['events_per_s']:,}")
    row("  CPU: raw COPY process + backend (s)", lambda r: _cpu_pair(r["raw_copy"]))
    row("[bold]import / raw COPY (events/s)",
        lambda r: f"{100 * r['share_of_raw_copy']:.1f}%")
    row("  time ratio import / raw COPY", lambda r: f"{r['ratio']:.1f}x")
    row("  CPU ratio import / raw COPY (both processes)", _cpu_ratio)
    row("raw COPY of every row the import stored, into the product's tables (s)",
        lambda r: f"{r['raw_tables']['seconds']:.1f}")
    row("  rows copied (tables)",
        lambda r: f"{sum(r['raw_tables']['rows'].values()):,} ({len(r['raw_tables']['rows'])})")
    row("  CPU: process + backend (s)", lambda r: _cpu_pair(r["raw_tables"]))
    def table_cell(name: str) -> Callable[[dict[str, Any]], str]:
        return lambda r: (f"{r['raw_tables']['rows'].get(name, 0):,}, "
                          f"{r['raw_tables']['table_seconds'].get(name, 0):.1f}")

    for name in dict.fromkeys(t for r in runs for t in r["raw_tables"]["table_seconds"]):
        row(f"    {name}: rows, s", table_cell(name))
    row("  import / raw COPY of the events alone into the product's events table",
        lambda r: f"{100 * r['raw_tables']['table_seconds'].get('journey_event', 0) / r['import']['seconds']:.1f}%")  # noqa: E501
    row("  storing alone (one connection), as a share of raw COPY",
        lambda r: f"{100 * r['raw_tables']['floor_share_of_raw_copy']:.1f}%")
    row("  storing + parsing + evaluating (CPU s, each alone) over the cores (s)",
        lambda r: f"{r['cpu_bound']['cpu_s']:.1f} / {r['cpu_bound']['cores']} = "
        f"{r['cpu_bound']['seconds']:.1f}")
    row("  best share of raw COPY any importer could reach on this machine",
        lambda r: f"{100 * r['cpu_bound']['share_of_raw_copy']:.1f}%")
    row("[bold]import / raw COPY into the product's tables",
        lambda r: f"{100 * r['share_of_raw_tables']:.1f}%")
    row("parse only (s)", lambda r: f"{r['evaluate_only']['parse_s']:.1f}")
    row("evaluate only (s)", lambda r: f"{r['evaluate_only']['evaluate_s']:.1f}")
    row("parse + evaluate events/s", lambda r: f"{r['evaluate_only']['events_per_s']:,}")
    row("parse + evaluate, share of import",
        lambda r: f"{100 * r['evaluate_only']['share_of_import']:.0f}%")
    stages = [name for name in (*STAGE_NAMES, "after_last_chunk")
              if all(name in r["import"]["stages_s"] for r in runs)]
    if stages:
        table.add_section()
        table.add_row("[bold]inside the import (s, % of import)", *["" for _ in runs])
        for name in stages:
            table.add_row("  " + STAGE_LABELS.get(name, name), *[
                f"{r['import']['stages_s'][name]:.1f} "
                f"({100 * r['import']['stages_s'][name] / r['import']['seconds']:.0f}%)"
                for r in runs])
        row("  other (chunking, hashing, bookkeeping)",
            lambda r: f"{r['import']['seconds'] - sum(r['import']['stages_s'][n] for n in stages):.1f}")  # noqa: E501
    console.print(table)
    for run in runs:
        console.print(summary_line(run), soft_wrap=True, highlight=False)
        if run.get("batched_import"):
            b = run["batched_import"]
            console.print(f"  batched import (the command): {b['events_per_s']:,} events/s "
                          f"({b['seconds']:.1f} s, of which the check {b['check_s']:.1f} s), "
                          f"{100 * b['share_of_raw_copy']:.1f}% of raw COPY, peak RSS "
                          f"{b['peak_rss_mb']:.0f} MB", soft_wrap=True, highlight=False)
        if run["import"]["profiled"]:
            console.print("  (import ran under cProfile: its time is inflated)", style="yellow")
        for problem in run["checks_failed"]:
            console.print(f"  CHECK FAILED: {problem}", style="red", soft_wrap=True)
        for note in run["notes"]:
            console.print(f"  note: {note}", style="yellow", soft_wrap=True)
    v = report["verdicts"]
    share = "[green]met" if v["share_met"] else "[red]NOT met"
    console.print(f"target import >= {100 * v['target_share_of_raw_copy']:.0f}% of raw COPY "
                  f"(events/s, same run): {share}[/] (lowest "
                  f"{100 * v['lowest_share_of_raw_copy']:.1f}%)")
    console.print(f"  storing the rows alone (raw COPY into the product's tables, one "
                  f"connection) is at most {100 * v['highest_floor_share']:.1f}% of raw COPY; "
                  f"with storing, parsing and evaluating spread perfectly over every core, at "
                  f"most {100 * v['highest_cpu_bound_share']:.1f}%; the import is at least "
                  f"{100 * v['lowest_share_of_raw_tables']:.1f}% of the raw COPY into the "
                  "product's tables", soft_wrap=True)
    met = "[green]met" if v["throughput_met"] else "[red]NOT met"
    console.print(f"target >= {v['target_events_per_s']:,} events/s: {met}[/] "
                  f"(slowest run {v['slowest_events_per_s']:,} events/s)")
    if "memory_flat" in v:
        flat = "[green]flat" if v["memory_flat"] else "[red]NOT flat"
        console.print(f"memory as the feed grows {runs[0]['cases']:,} -> "
                      f"{runs[-1]['cases']:,} cases: {flat}[/] (peak RSS x{v['memory_growth']:.2f},"
                      f" tolerance x{FLAT_TOLERANCE})")
        if "backend_memory_growth" in v:
            console.print(f"PostgreSQL backend private memory over the same runs: "
                          f"x{v['backend_memory_growth']:.2f} (the import is one transaction)")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases in the feed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sizes", type=int, nargs="+", metavar="CASES",
                        help="several feed sizes (cases), one fresh database and child each")
    parser.add_argument("--port", type=int, default=55499, help="port of our own server")
    parser.add_argument("--keep", action="store_true",
                        help="keep the server and the databases (default: remove them)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--save", metavar="FILE", help="also write the JSON figures to FILE")
    parser.add_argument("--file-import", action="store_true",
                        help="also time the import command's batched, resumable path "
                             "(check, then committed batches) in a database of its own")
    parser.add_argument("--profile", metavar="DIR",
                        help="run the import under cProfile, write DIR/import-*.pstats and print "
                             "the top functions on stderr (inflates the import's time)")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--feed", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        child_main(args.child, args.feed, args.profile)
        return 0
    sizes = sorted(set(args.sizes)) if args.sizes else [args.cases]
    if min(sizes) < 1:
        raise SystemExit("sizes must be at least 1 case")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
        args.profile = str(Path(args.profile).resolve())
    started = dt.datetime.now(dt.UTC)
    runs = []
    with Server(args.port, args.keep) as server, tempfile.TemporaryDirectory(
            prefix="vjbench-feed-") as workdir:
        version = server.version()
        for cases in sizes:
            runs.append(bench_size(server, Path(workdir), cases, args))
    for run in runs:
        run["summary"] = summary_line(run)
    report = {
        "date": started.isoformat(timespec="seconds"),
        "seed": args.seed,
        "machine": machine(),
        "postgres": version,
        "chunk_lines": CHUNK_LINES,
        "runs": runs,
        "verdicts": verdicts(runs),
    }
    if args.save:
        Path(args.save).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    return 1 if any(r["checks_failed"] for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
