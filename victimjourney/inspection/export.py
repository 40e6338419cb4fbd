"""The analytics export: cases, events, victims, categories, duties, judgements and the metric
table, as Parquet, with a manifest; and the metrics computed back from it (DuckDB or Spark).

    victimjourney export --out DIR

Layout of DIR (version EXPORT_VERSION):

    manifest.json                        tables, files, row counts, columns, versions, source
    cases.parquet  victims.parquet  categories.parquet  judgements.parquet
    events/month=2024-01/part-0.parquet  one folder per UTC month of `occurred_at`
    duties/month=2024-01/part-0.parquet  one folder per UTC month of `triggered_at`
    metrics.parquet                      every metric and breakdown as of the export

Only what the metrics need is exported: no names, dates of birth, contact details or free
text (notes, reasons, summaries, bases). An event's payload keeps only the fields in
`relations.PAYLOAD_FIELDS` (codes, flags, event references); whether the victim an event names
was under 18 that day is exported instead of the date of birth (`relations.UNDER_18`). Event
ids (which feeds build from crime reference numbers) are replaced by pseudonyms: a keyed hash
(BLAKE2b) under a random key drawn for the export and never stored, applied alike wherever an
event id appears (`events.id`, `duties.trigger_event_id` and `fulfilled_by_id`, the payload's
`answers` and `corrects`), so joins are kept and the ids cannot be recovered or linked across
exports. The columns are listed in TABLE_SPECS and documented in docs/SCALING.md. The files
keep the database's column names, so the metric definitions read them unchanged
(`export_open`).

Each table is streamed in record batches (PostgreSQL: a server-side cursor; events and duties
one month at a time), so memory stays flat whatever the size. On PostgreSQL the export reads
one snapshot (a REPEATABLE READ, READ ONLY transaction): a feed imported meanwhile is either
wholly in it or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import orjson

from victimjourney.inspection.relations import PAYLOAD_FIELDS, UNDER_18, under_18
from victimjourney.inspection.source import TABLES, Source, source_django

EXPORT_FORMAT = "victimjourney-analytics-export"
EXPORT_VERSION = 1
BATCH_ROWS = 50_000
PARTITION = "month"
# Columns and payload fields that hold an event id (replaced by its pseudonym).
EVENT_ID_COLUMNS = ("id", "trigger_event_id", "fulfilled_by_id")
EVENT_REF_FIELDS = ("answers", "corrects")


@dataclass(frozen=True)
class TableSpec:
    name: str  # in the export
    table: str  # in the database (the metric definitions' name)
    columns: tuple[str, ...]
    doc: str
    partition: str | None = None  # a timestamp column: one folder per UTC month
    event_ids: tuple[str, ...] = ()  # columns holding event ids (pseudonymised)


TABLE_SPECS: tuple[TableSpec, ...] = (
    TableSpec("cases", "cases_case", ("id", "force_id", "reported_at"),
              "a case: its force and when the crime was reported (not the crime reference "
              "number, not the offence text: the offence code is in crime.reported's payload)"),
    TableSpec("events", "journey_event",
              ("id", "type", "case_id", "victim_key", "provider_id", "occurred_at", "data",
               UNDER_18),
              "the journey events; `data` keeps only the payload fields the metrics read; "
              f"`{UNDER_18}`: the victim the event names was under 18 on the local day of the "
              "event (empty: no victim named, or no date of birth)",
              partition="occurred_at", event_ids=("id",)),
    TableSpec("victims", "victims_victim", ("id", "case_id", "key", "kind", "identified_at"),
              "a victim on a case: the key within the case (V1) and the kind, never the name, "
              "date of birth, contact details or language"),
    TableSpec("categories", "victims_categoryrecord",
              ("id", "victim_id", "category", "state", "source", "effective_at"),
              "victim categories (enhanced entitlements) and when they took effect; not the "
              "reason or who confirmed it"),
    TableSpec("duties", "duties_duty",
              ("id", "case_id", "victim_id", "trigger_event_id", "trigger_type",
               "triggered_at", "entitlement", "edition", "provider_id", "enhanced",
               "due_date", "due_at", "status", "fulfilled_by_id", "fulfilled_at",
               "unverified"),
              "duties computed by the engine: entitlement, Code edition, provider, deadline, "
              "status; not the basis or reason text", partition="triggered_at",
              event_ids=("trigger_event_id", "fulfilled_by_id")),
    TableSpec("judgements", "inspection_judgement",
              ("id", "case_id", "finding", "outcome", "recorded_at"),
              "inspectors' judgements of case files; not the notes, subject or inspector"),
)
assert {s.table for s in TABLE_SPECS} == set(TABLES)


class ExportError(Exception):
    pass


# -- writing ---------------------------------------------------------------------------------
def _arrow_type(kind: Any) -> Any:
    import pyarrow as pa

    if kind.is_timestamp():
        return pa.timestamp("us", tz="UTC")
    if kind.is_date():
        return pa.date32()
    if kind.is_boolean():
        return pa.bool_()
    if kind.is_integer():
        return pa.int64()
    if kind.is_floating() or kind.is_decimal():
        return pa.float64()
    return pa.string()


class Pseudonyms:
    """Event ids to pseudonyms: BLAKE2b keyed with a random key drawn once per export and never
    stored (the same id gives the same pseudonym within one export only)."""

    def __init__(self, key: bytes | None = None):
        self._key = key or secrets.token_bytes(32)

    def __call__(self, value: str | None) -> str | None:
        if value is None:
            return None
        return hashlib.blake2b(value.encode(), key=self._key, digest_size=16).hexdigest()

    def column(self, values: list[str | None]) -> list[str | None]:
        return [self(v) for v in values]

    def payloads(self, texts: list[str | None]) -> list[str | None]:
        """Each payload (JSON text) with only the fields the metrics read, event references
        pseudonymised."""
        out: list[str | None] = []
        for text in texts:
            if text is None:
                out.append(None)
                continue
            data = orjson.loads(text)
            kept = ({k: data[k] for k in PAYLOAD_FIELDS if k in data}
                    if isinstance(data, dict) else {})
            for k in EVENT_REF_FIELDS:
                if isinstance(kept.get(k), str):
                    kept[k] = self(kept[k])
            out.append(orjson.dumps(kept).decode())
        return out


def _table_expr(source: Source, spec: TableSpec) -> ir.Table:
    t = source.table(spec.table)
    if spec.table != "journey_event":
        return t.select(*spec.columns)
    v = source.table("victims_victim")
    v = v.select(u_case=v.case_id, u_key=v.key, u_born=v.date_of_birth)
    j = t.left_join(v, (t.case_id == v.u_case) & (t.victim_key == v.u_key))
    flag = ibis.ifelse(j.u_born.notnull(), under_18(source, j.occurred_at, j.u_born),
                       ibis.null().cast("boolean"))
    plain = [c for c in spec.columns if c not in ("data", UNDER_18)]
    return j.select(*plain, data=j.data.cast("string"), **{UNDER_18: flag}).select(
        *spec.columns)


def _batches(source: Source, expr: ir.Table) -> Iterator[Any]:
    """EXPR's rows in record batches of about BATCH_ROWS, never the whole table at once:
    PostgreSQL through Ibis's server-side cursor; SQLite (whose Ibis backend reads everything
    first) from Django's own cursor, a batch at a time, values still as SQLite gives them."""
    import pyarrow as pa

    if source.dialect != "sqlite":
        yield from expr.to_pyarrow_batches(chunk_size=BATCH_ROWS)
        return
    cursor = source.con.con.execute(str(source.con.compile(expr)))
    names = list(expr.columns)
    while rows := cursor.fetchmany(BATCH_ROWS):
        columns = list(zip(*rows, strict=True))
        yield pa.RecordBatch.from_arrays([pa.array(c) for c in columns], names=names)


def _column(values: Any, field: Any) -> Any:
    """A column of a batch as FIELD's type (SQLite's text instants and dates parsed)."""
    import pyarrow as pa

    if pa.types.is_string(values.type) and (pa.types.is_timestamp(field.type)
                                            or pa.types.is_date(field.type)):
        if pa.types.is_timestamp(field.type):
            return values.cast(pa.timestamp("us")).cast(field.type)
        return values.cast(pa.timestamp("us")).cast(pa.date32())
    if pa.types.is_null(values.type):
        return pa.nulls(len(values), field.type)
    return values.cast(field.type)


class _Sink:
    """The Parquet files of one table: one, or one per UTC month of a timestamp column. Rows
    are buffered per file and written as row groups of BATCH_ROWS; when the buffers together
    pass four batches, the fullest is written early, so memory stays bounded however the rows
    arrive."""

    def __init__(self, folder: Path, spec: TableSpec, schema: Any):
        self.folder, self.spec, self.schema = folder, spec, schema
        self.buffers: dict[str, list[Any]] = {}
        self.buffered: dict[str, int] = {}
        self.writers: dict[str, Any] = {}
        self.rows: dict[str, int] = {}

    def relative(self, key: str) -> str:
        if self.spec.partition is None:
            return f"{self.spec.name}.parquet"
        return f"{self.spec.name}/{PARTITION}={key}/part-0.parquet"

    def add(self, batch: Any) -> None:
        import pyarrow.compute as pc

        if self.spec.partition is None:
            self._buffer("", batch)
            return
        months = pc.strftime(batch.column(self.spec.partition), format="%Y-%m")
        for month in pc.unique(months).to_pylist():
            self._buffer(month, batch.filter(pc.equal(months, month)))

    def _buffer(self, key: str, batch: Any) -> None:
        self.buffers.setdefault(key, []).append(batch)
        self.buffered[key] = self.buffered.get(key, 0) + batch.num_rows
        if self.buffered[key] >= BATCH_ROWS:
            self._flush(key)
        while sum(self.buffered.values()) > 4 * BATCH_ROWS:
            self._flush(max(self.buffered, key=lambda k: self.buffered[k]))

    def _flush(self, key: str) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        batches = self.buffers.pop(key, [])
        self.buffered.pop(key, None)
        if not batches:
            return
        if key not in self.writers:
            path = self.folder / self.relative(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            self.writers[key] = pq.ParquetWriter(str(path), self.schema, compression="zstd")
        table = pa.Table.from_batches(batches, schema=self.schema)
        self.writers[key].write_table(table, row_group_size=BATCH_ROWS)
        self.rows[key] = self.rows.get(key, 0) + table.num_rows

    def close(self) -> list[str]:
        """Write what is buffered, close the files; their paths, relative to the folder."""
        for key in list(self.buffers):
            self._flush(key)
        for writer in self.writers.values():
            writer.close()
        return [self.relative(key) for key in sorted(self.writers)]


def _export_table(source: Source, spec: TableSpec, folder: Path, on_rows: Callable[[int], None],
                  pseudonyms: Pseudonyms, *, empty: bool) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    expr = _table_expr(source, spec)
    schema = pa.schema([pa.field(name, _arrow_type(kind))
                        for name, kind in expr.schema().items()])
    sink = _Sink(folder, spec, schema)
    try:
        for batch in ([] if empty else _batches(source, expr)):
            if batch.num_rows == 0:
                continue
            arrays = []
            for field in schema:
                column = batch.column(field.name)
                if field.name == "data":
                    column = pa.array(pseudonyms.payloads(column.to_pylist()), pa.string())
                elif field.name in spec.event_ids:
                    column = pa.array(pseudonyms.column(column.to_pylist()), pa.string())
                arrays.append(_column(column, field))
            sink.add(pa.RecordBatch.from_arrays(arrays, schema=schema))
            on_rows(batch.num_rows)
    finally:
        files = sink.close()
    if not files:  # an empty table is still a table: one file with no rows
        relative = (f"{spec.name}.parquet" if spec.partition is None
                    else f"{spec.name}/empty.parquet")
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(schema.empty_table(), str(folder / relative), compression="zstd")
        files.append(relative)
    return {
        "table": spec.table, "rows": sum(sink.rows.values()),
        "bytes": sum((folder / f).stat().st_size for f in files), "files": files,
        "doc": spec.doc,
        "partitioned_by": (f"{PARTITION} (UTC) of {spec.partition}" if spec.partition
                           else None),
        "columns": [{"name": f.name, "type": str(f.type)} for f in schema],
    }


@contextmanager
def _snapshot() -> Iterator[None]:
    """On PostgreSQL, one consistent read-only snapshot for the whole export (when not already
    inside a transaction, as tests are)."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _source_description() -> dict[str, Any]:
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if app in ("cases", "journey", "victims", "duties", "inspection") and (
                name > latest.get(app, "")):
            latest[app] = name
    settings = connection.settings_dict
    return {"vendor": connection.vendor, "database": Path(str(settings["NAME"])).name
            if connection.vendor == "sqlite" else str(settings["NAME"]),
            "host": settings.get("HOST") or "", "migrations": dict(sorted(latest.items()))}


def _code_editions(source: Source, exported_at: dt.datetime) -> dict[str, Any]:
    from victimjourney.code.editions import EDITIONS, edition_on
    from victimjourney.core.clock import LONDON

    in_force = edition_on(exported_at.astimezone(LONDON).date())
    d = source.table("duties_duty")
    counts = {row["edition"]: int(row["n"]) for row in
              d.group_by("edition").aggregate(n=ibis._.count()).to_pyarrow().to_pylist()}
    return {"in_force": in_force.id if in_force else None,
            "editions": {e.id: {"title": e.title, "in_force_from": e.in_force_from.isoformat(),
                                "duties": counts.get(e.id, 0)}
                         for e in sorted(EDITIONS.values(), key=lambda e: e.in_force_from)}}


def export_write(directory: str | Path, *, source: Source | None = None, metrics: bool = True,
                 audit: bool = True, replace: bool = False, quiet: bool = True,
                 dimensions: Sequence[str] | None = None) -> dict[str, Any]:
    """Write the analytics export into DIRECTORY (which must be empty or missing; with
    REPLACE, an earlier export there is replaced). It is written beside DIRECTORY first and
    moved into place whole, the manifest last. With METRICS, the metric table (every metric
    and breakdown, as of the export) is computed from the exported files in DuckDB and written
    too. Returns the manifest."""
    from victimjourney.audit.services import audit_record
    from victimjourney.core import clock
    from victimjourney.core.progress import progress_bar
    from victimjourney.journey.catalogue import SCHEMA_VERSION

    target = Path(directory)
    earlier = (target / "manifest.json").exists()
    if target.exists() and any(target.iterdir()) and not (replace and earlier):
        raise ExportError(f"{target} is not empty" + (
            " (--replace replaces an earlier export)" if earlier
            else ": it holds no earlier export (no manifest.json)"))
    work = target.parent / f".{target.name}.partial-{os.getpid()}"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    started = time.perf_counter()
    exported_at = clock.now()
    try:
        with _snapshot():
            src = source or source_django()
            counts = {spec.name: int(src.table(spec.table).count().to_pyarrow().as_py())
                      for spec in TABLE_SPECS}
            tables: dict[str, Any] = {}
            pseudonyms = Pseudonyms()
            with progress_bar(quiet=quiet) as bar:
                task = bar.add_task("export", total=sum(counts.values()))
                for spec in TABLE_SPECS:
                    bar.update(task, description=f"export {spec.name}")
                    tables[spec.name] = _export_table(
                        src, spec, work, lambda n: bar.advance(task, n), pseudonyms,
                        empty=counts[spec.name] == 0)
            manifest: dict[str, Any] = {
                "format": EXPORT_FORMAT, "version": EXPORT_VERSION,
                "exported_at": exported_at.isoformat(),
                "source": _source_description(),
                "event_feed_schema_version": SCHEMA_VERSION,
                "code": _code_editions(src, exported_at),
                "payload_fields": list(PAYLOAD_FIELDS),
                "not_exported": ("names, dates of birth, contact details, languages, free text "
                                 "(notes, reasons, summaries, bases), crime reference numbers, "
                                 "payload fields other than payload_fields; event ids are "
                                 "pseudonyms (a keyed hash under a key not kept)"),
                "tables": tables,
            }
        tables_seconds = time.perf_counter() - started
        if metrics:
            tables["metrics"] = _export_metrics(work, manifest, exported_at, dimensions)
        manifest["seconds"] = round(time.perf_counter() - started, 2)
        manifest["tables_seconds"] = round(tables_seconds, 2)
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
        if target.exists():
            shutil.rmtree(target)
        work.replace(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    if audit:
        rows = ", ".join(f"{name} {t['rows']}" for name, t in tables.items())
        audit_record(user=None, actor_name="export", action="export",
                     detail=f"analytics export (Parquet) to {target.resolve()}: {rows}")
    return manifest


def _export_metrics(folder: Path, manifest: dict[str, Any], as_of: dt.datetime,
                    dimensions: Sequence[str] | None) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from victimjourney.inspection.metrics import DIMENSIONS, metrics_compute, results_table

    source = _open(folder, manifest, backend="duckdb")
    results = metrics_compute(source, as_of=as_of,
                              dimensions=DIMENSIONS if dimensions is None else dimensions)
    rows = results_table(results)
    table = pa.Table.from_pylist(rows) if rows else pa.table({"metric": pa.array([], pa.string())})
    pq.write_table(table, str(folder / "metrics.parquet"), compression="zstd")
    return {"table": None, "rows": len(rows), "bytes": (folder / "metrics.parquet").stat().st_size,
            "files": ["metrics.parquet"], "as_of": as_of.isoformat(),
            "doc": "every metric overall and by each breakdown, as of the export, computed "
                   "from the exported tables (metrics.results_table)",
            "partitioned_by": None,
            "columns": [{"name": f.name, "type": str(f.type)} for f in table.schema]}


# -- reading ---------------------------------------------------------------------------------
def manifest_read(directory: str | Path) -> dict[str, Any]:
    path = Path(directory) / "manifest.json"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: not an export (victimjourney export)")
    manifest: dict[str, Any] = json.loads(path.read_text())
    if manifest.get("format") != EXPORT_FORMAT or manifest.get("version") != EXPORT_VERSION:
        raise ExportError(f"{path}: not a version {EXPORT_VERSION} analytics export")
    return manifest


def spark_local(threads: int = 1, *, small: bool = False) -> Any:
    """A local Spark session (for tests and a laptop; a cluster passes its own session).

    SMALL: for small data, where compiling each query to Java (whole-stage code generation)
    takes longer than running it: interpreted, without adaptive execution (a metric run over a
    few thousand events: 40 s instead of 125 s on a loaded two-core machine)."""
    from pyspark.sql import SparkSession

    builder = (SparkSession.builder.master(f"local[{threads}]").appName("victimjourney")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.shuffle.partitions", str(max(1, threads * 2)))
               .config("spark.ui.enabled", "false")
               # Local mode talks to itself only: on the loopback interface.
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.driver.host", "127.0.0.1"))
    if small:
        builder = (builder.config("spark.sql.shuffle.partitions", str(threads))
                   .config("spark.sql.codegen.wholeStage", "false")
                   .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
                   .config("spark.sql.adaptive.enabled", "false"))
    return builder.getOrCreate()


def _open(folder: Path, manifest: dict[str, Any], *, backend: str, spark: Any = None
          ) -> Source:
    tables = {t["table"]: [str((folder / f).resolve()) for f in t["files"]]
              for t in manifest["tables"].values() if t.get("table")}
    missing = set(TABLES) - set(tables)
    if missing:
        raise ExportError(f"{folder}: the export lacks {', '.join(sorted(missing))}")
    if backend == "duckdb":
        con = ibis.duckdb.connect()
        con.raw_sql("SET TimeZone = 'UTC'")
        for name, files in tables.items():
            con.read_parquet(files, table_name=name, hive_partitioning=False)
        return Source(con, "duckdb")
    if backend == "pyspark":
        session = spark if spark is not None else spark_local()
        for name, files in tables.items():
            frame = session.read.parquet(*files)
            if PARTITION in frame.columns:
                frame = frame.drop(PARTITION)
            frame.createOrReplaceTempView(name)
        return Source(ibis.pyspark.connect(session), "pyspark")
    raise ValueError(f"unknown backend {backend!r} (duckdb or pyspark)")


def export_open(directory: str | Path, *, backend: str = "duckdb", spark: Any = None
                ) -> Source:
    """The metrics' tables from the export in DIRECTORY, on DuckDB (in memory) or on Spark
    (the session SPARK, or a local one)."""
    folder = Path(directory)
    return _open(folder, manifest_read(folder), backend=backend, spark=spark)


def export_metrics(directory: str | Path, *, backend: str = "duckdb", spark: Any = None,
                   as_of: dt.datetime | None = None, period: Any = None,
                   dimensions: Sequence[str] | None = None,
                   metrics: Sequence[Any] | None = None) -> tuple[list[Any], float]:
    """The metrics computed from an export with BACKEND (duckdb or pyspark), as of AS_OF
    (default: the export's instant). Returns the results and the seconds they took (opening
    the files included, starting a Spark session not)."""
    from victimjourney.inspection.metrics import DIMENSIONS, metrics_compute

    folder = Path(directory)
    manifest = manifest_read(folder)
    instant = as_of or dt.datetime.fromisoformat(manifest["exported_at"])
    if backend == "pyspark" and spark is None:
        spark = spark_local()
    started = time.perf_counter()
    source = _open(folder, manifest, backend=backend, spark=spark)
    results = metrics_compute(source, as_of=instant, period=period, metrics=metrics,
                              dimensions=DIMENSIONS if dimensions is None else dimensions)
    return results, time.perf_counter() - started
