"""Where metrics read their data: Ibis over Django's database, or DuckDB or Spark over the
analytics export (Parquet, `inspection/export.py`).

A metric is one Ibis expression; `Source` supplies the few things SQL dialects spell
differently (reading a field of an event's JSON payload, the local time in England and Wales),
so that the same definition compiles for SQLite, PostgreSQL, DuckDB and Spark SQL:

- SQLite: Ibis on Django's own connection (it sees the same transaction, so tests and the web
  request read what they wrote). SQLite has no time zones: a Python function `vj_london`
  registered on the connection converts stored UTC text to local time.
- PostgreSQL: Ibis on Django's psycopg connection; `timezone('Europe/London', ...)`.
- DuckDB: an in-memory database over the Parquet files of an export.
- PySpark: a Spark session (local or a cluster) over the same files; temporary relations are
  cached temporary views.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import ibis
import ibis.expr.datatypes as dtypes
import ibis.expr.types as ir

from victimjourney.core.clock import LONDON

Dialect = Literal["sqlite", "postgres", "duckdb", "pyspark"]

# PostgreSQL settings for the session while metrics are computed (restored after):
# - work_mem: memory for the hash tables of a national year's joins and groupings (the
#   default 4 MB sends them to disk in batches);
# - enable_sort off: a metric groups by computed columns (outcome, period, force) whose
#   number of distinct values the planner cannot estimate, so it assumes one group per row
#   and sorts millions of rows on disk where hashing them takes a quarter of the time (the
#   duties of 300,000 cases: 11.8 s sorted, 2.9 s hashed). A sort still happens where
#   nothing else can do the job; a hash table that outgrows work_mem spills to disk;
# - jit off: compiling took longer than the queries it compiled (hundreds of milliseconds
#   for each of many statements that each run in well under a second).
POSTGRES_SETTINGS = {"work_mem": "128MB", "enable_sort": "off", "jit": "off"}

# The tables metrics read, by their Django table names.
TABLES = (
    "journey_event", "cases_case", "victims_victim", "victims_categoryrecord", "duties_duty",
    "inspection_judgement",
)


def _sqlite_type(kind: dtypes.DataType) -> str:
    if kind.is_string():
        return "TEXT"
    if kind.is_boolean():
        return "BOOLEAN"
    if kind.is_integer():
        return "INTEGER"
    if kind.is_floating() or kind.is_decimal():
        return "REAL"
    if kind.is_timestamp():
        return "TIMESTAMP"
    if kind.is_date():
        return "DATE"
    return "TEXT"


def _london_text(value: str | None) -> str | None:
    """SQLite function: stored UTC text ('2024-07-01 23:30:00[.ffffff]') to local text."""
    if value is None:
        return None
    instant = dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC).astimezone(LONDON)
    return instant.strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class Source:
    con: Any  # an Ibis backend
    dialect: Dialect
    _tables: dict[str, ir.Table] = field(default_factory=dict)
    _scratch: list[str] = field(default_factory=list)

    def table(self, name: str) -> ir.Table:
        if name not in self._tables:
            self._tables[name] = self.con.table(name)
        return self._tables[name]

    def materialize(self, expr: ir.Table) -> ir.Table:
        """Run EXPR once into a temporary table (dropped by `drop_scratch`)."""
        # Not Ibis's create_table: on SQLite it commits the connection's transaction, which is
        # Django's own.
        name = f"vj_scratch_{uuid.uuid4().hex[:12]}"
        if self.dialect == "sqlite":
            # Declared types: SQLite would give computed columns none.
            columns = ", ".join(f'"{column}" {_sqlite_type(kind)}'
                                for column, kind in expr.schema().items())
            self._execute(f'CREATE TEMPORARY TABLE "{name}" ({columns})')
            self._scratch.append(name)
            names = ", ".join(f'"{c}"' for c in expr.columns)
            self._execute(f'INSERT INTO temp."{name}" ({names}) {self.con.compile(expr)}')
        elif self.dialect == "pyspark":
            # A cached temporary view (Spark has no temporary tables); CACHE TABLE is eager.
            self._execute(f"CACHE TABLE `{name}` AS {self.con.compile(expr)}")
            self._scratch.append(name)
        else:
            self._execute(f'CREATE TEMPORARY TABLE "{name}" AS {self.con.compile(expr)}')
            self._scratch.append(name)
            if self.dialect == "postgres":
                # Temporary tables have no statistics until analysed: without them the
                # planner guesses one row and nests loops.
                self._execute(f'ANALYZE "{name}"')
        if self.dialect == "sqlite":
            return self.con.table(name, database="temp")  # type: ignore[no-any-return]
        return self.con.table(name)  # type: ignore[no-any-return]

    def materialize_all(self, exprs: Iterable[ir.Table]) -> ir.Table:
        """Run each of EXPRS (with the same columns) into one temporary table, in turn (a
        union of many parts would be one statement too deep for SQLite's parser; Spark's
        cached views take no inserts, so there it is one union)."""
        if self.dialect == "pyspark":
            parts = list(exprs)
            if not parts:
                raise ValueError("nothing to materialize")
            columns = parts[0].columns
            union = parts[0]
            for part in parts[1:]:
                union = union.union(part.select(*columns))
            return self.materialize(union)
        table: ir.Table | None = None
        for expr in exprs:
            if table is None:
                table = self.materialize(expr)
                name = self._scratch[-1]
                columns = table.columns
            else:
                select = self.con.compile(expr.select(*columns))
                names = ", ".join(f'"{c}"' for c in columns)
                self._execute(f'INSERT INTO "{name}" ({names}) {select}')
        if table is None:
            raise ValueError("nothing to materialize")
        return table

    def drop_scratch(self) -> None:
        while self._scratch:
            name = self._scratch.pop()
            if self.dialect == "pyspark":
                self._execute(f"UNCACHE TABLE IF EXISTS `{name}`")
                self._execute(f"DROP VIEW IF EXISTS `{name}`")
            else:
                self._execute(f'DROP TABLE IF EXISTS "{name}"')

    def _execute(self, statement: str) -> None:
        if self.dialect == "sqlite":
            self.con.con.execute(statement)
        elif self.dialect == "postgres":
            with self.con.con.cursor() as cursor:
                cursor.execute(statement)
        else:
            self.con.raw_sql(statement)

    @contextlib.contextmanager
    def scratch(self) -> Iterator[Source]:
        """Temporary tables dropped at the end; on PostgreSQL, `POSTGRES_SETTINGS` for the
        session meanwhile."""
        restore = self._tune()
        try:
            yield self
        finally:
            self.drop_scratch()
            restore()

    def _tune(self) -> Callable[[], None]:
        if self.dialect != "postgres":
            return lambda: None
        names = list(POSTGRES_SETTINGS)
        with self.con.con.cursor() as cursor:
            before = cursor.execute(
                "SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names).fetchone()
            for name, value in POSTGRES_SETTINGS.items():
                cursor.execute("SELECT set_config(%s, %s, false)", (name, value))

        def restore() -> None:
            with self.con.con.cursor() as cursor:
                for name, value in zip(names, before, strict=True):
                    cursor.execute("SELECT set_config(%s, %s, false)", (name, value))
        return restore

    # -- dialect helpers -------------------------------------------------------------------
    def json_text(self, column: ir.Value, key: str) -> ir.StringValue:
        """A top-level field of a JSON payload as text (booleans: 'true'/'false'; lists: their
        JSON text)."""
        if self.dialect == "sqlite":
            # Not json_extract: it gives SQL integers 1/0 for JSON booleans.
            return _sqlite_json_type_text(column, f"$.{key}")  # type: ignore[no-any-return]
        if self.dialect == "postgres":
            if column.type().is_string():
                # A temporary table's copy: Ibis hands jsonb over as text.
                column = column.cast(dtypes.JSON(binary=True))
            return _pg_json_text(column, key)  # type: ignore[no-any-return]
        if self.dialect == "pyspark":
            return _spark_json_text(column, f"$.{key}")  # type: ignore[no-any-return]
        return _duck_json_text(column.cast("string"), f"$.{key}")  # type: ignore[no-any-return]

    def json_flag(self, column: ir.Value, key: str) -> ir.BooleanValue:
        """A JSON boolean field is true."""
        return self.json_text(column, key).fill_null("").isin(("true", "1"))

    def json_int(self, column: ir.Value, key: str) -> ir.IntegerValue:
        text = self.json_text(column, key)
        return text.cast("float64").cast("int64")  # type: ignore[no-any-return]

    def local_stamp(self, column: ir.Value) -> ir.StringValue:
        """Local time in England and Wales as 'YYYY-MM-DD HH:MM:SS' text."""
        if self.dialect == "sqlite":
            return _sqlite_london(column)  # type: ignore[no-any-return]
        if self.dialect == "postgres":
            return _pg_to_char(_pg_timezone("Europe/London", column),  # type: ignore[no-any-return]
                               "YYYY-MM-DD HH24:MI:SS")
        if self.dialect == "pyspark":
            # The session's time zone is UTC (Ibis sets it): the stored instant, shifted.
            return _spark_date_format(  # type: ignore[no-any-return]
                _spark_from_utc(column, "Europe/London"), "yyyy-MM-dd HH:mm:ss")
        return _duck_strftime(_duck_timezone("Europe/London", column),  # type: ignore[no-any-return]
                              "%Y-%m-%d %H:%M:%S")

    def seconds(self, column: ir.Value) -> ir.IntegerValue:
        """Seconds since the epoch (for differences between instants)."""
        return column.epoch_seconds()  # type: ignore[attr-defined,no-any-return]

    def instant(self, value: dt.datetime, like: ir.Value) -> ir.Value:
        """A literal instant comparable with the timestamp column LIKE."""
        utc = value.astimezone(dt.UTC)
        kind = like.type()
        if isinstance(kind, dtypes.Timestamp) and kind.timezone is None:
            return ibis.literal(utc.replace(tzinfo=None))
        return ibis.literal(utc, type=dtypes.Timestamp(timezone="UTC"))

    def date_text(self, column: ir.Value) -> ir.StringValue:
        """A date column as 'YYYY-MM-DD' text."""
        if self.dialect == "postgres":
            return _pg_to_char(column, "YYYY-MM-DD")  # type: ignore[no-any-return]
        if self.dialect == "duckdb":
            return _duck_strftime(column, "%Y-%m-%d")  # type: ignore[no-any-return]
        if self.dialect == "pyspark":
            return _spark_date_format(column, "yyyy-MM-dd")  # type: ignore[no-any-return]
        return column.cast("string")  # type: ignore[return-value]


# Builtin functions of each database, called by name.
@ibis.udf.scalar.builtin(name="vj_json_text")
def _sqlite_json_type_text(data: str, path: str) -> str:  # type: ignore[empty-body]
    ...


@ibis.udf.scalar.builtin(name="vj_london")
def _sqlite_london(value: dt.datetime) -> str:  # type: ignore[empty-body]
    ...


@ibis.udf.scalar.builtin(name="jsonb_extract_path_text")
def _pg_json_text(data: dtypes.JSON, key: str) -> str:  # type: ignore[empty-body]
    ...


@ibis.udf.scalar.builtin(name="timezone")
def _pg_timezone(zone: str, value: dt.datetime) -> dt.datetime:  # type: ignore[empty-body]
    ...


@ibis.udf.scalar.builtin(name="to_char")
def _pg_to_char(value: dt.datetime, pattern: str) -> str:  # type: ignore[empty-body]
    ...


@ibis.udf.scalar.builtin(name="json_extract_string")
def _duck_json_text(data: str, path: str) -> str:  # type: ignore[empty-body]
    ...


@ibis.udf.scalar.builtin(name="timezone")
def _duck_timezone(zone: str, value: dt.datetime) -> dt.datetime:  # type: ignore[empty-body]
    ...


@ibis.udf.scalar.builtin(name="strftime")
def _duck_strftime(value: dt.datetime, pattern: str) -> str:  # type: ignore[empty-body]
    ...


@ibis.udf.scalar.builtin(name="get_json_object")
def _spark_json_text(data: str, path: str) -> str:  # type: ignore[empty-body]
    ...


@ibis.udf.scalar.builtin(name="from_utc_timestamp")
def _spark_from_utc(value: dt.datetime, zone: str) -> dt.datetime:  # type: ignore[empty-body]
    ...


@ibis.udf.scalar.builtin(name="date_format")
def _spark_date_format(value: dt.datetime, pattern: str) -> str:  # type: ignore[empty-body]
    ...


def _sqlite_json_text(data: str | None, path: str) -> str | None:
    """SQLite function: a JSON field as text, booleans spelled 'true'/'false' (as elsewhere)."""
    import json

    if data is None:
        return None
    value: Any = json.loads(data)
    for part in path.removeprefix("$.").split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))


class _Borrowed:
    """Django's database connection, lent to Ibis. Django owns the transaction: Ibis's SQLite
    backend commits after reading a table's schema, which would end Django's transaction (and
    a test's isolation), so commit and rollback are Django's alone."""

    def __init__(self, con: Any):
        self._con = con

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def source_django(alias: str = "default") -> Source:
    """Ibis on Django's connection to the database (SQLite or PostgreSQL)."""
    from django.db import connections

    connection = connections[alias]
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "sqlite":
        raw.create_function("vj_london", 1, _london_text, deterministic=True)
        raw.create_function("vj_json_text", 2, _sqlite_json_text, deterministic=True)
        backend = ibis.sqlite.from_connection(_Borrowed(raw))
        # Ibis turns on case-sensitive LIKE for its own connection; this one is Django's, whose
        # `iexact`/`icontains` rely on SQLite's default (staff matched by email, searches).
        raw.execute("PRAGMA case_sensitive_like = OFF")
        return Source(backend, "sqlite")
    if connection.vendor == "postgresql":
        return Source(ibis.postgres.from_connection(_Borrowed(raw)), "postgres")
    raise ValueError(f"metrics cannot run on {connection.vendor}")


def source_parquet(directory: str | Path, *, backend: str = "duckdb",
                   spark: Any = None) -> Source:
    """The metrics' tables from an analytics export (`inspection/export.py`): DuckDB in memory
    (the default) or Spark (BACKEND "pyspark", on the session SPARK, or a local one)."""
    from victimjourney.inspection.export import export_open

    return export_open(directory, backend=backend, spark=spark)


def tables_export(source: Source, directory: str | Path) -> dict[str, int]:
    """Write the analytics export of SOURCE's tables into DIRECTORY (no metric table).
    Returns the number of rows written per table (by its name in the database)."""
    from victimjourney.inspection.export import export_write

    manifest = export_write(directory, source=source, metrics=False)
    return {t["table"]: t["rows"] for t in manifest["tables"].values() if t.get("table")}
