"""Fast bulk writes: PostgreSQL COPY where it helps, Django's bulk_create elsewhere."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import orjson
from django.db import connection
from psycopg.types.json import Jsonb


def _dumps(value: Any) -> str:
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # integers beyond 64 bits: rare, and slower
        import json

        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


json_text = _dumps


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


JSON_TYPES = (114, 3802)  # json, jsonb


def _dumps_bytes(value: Any) -> bytes:
    try:
        return orjson.dumps(value)
    except TypeError:  # integers beyond 64 bits, keys that are not strings: rare, and slower
        import json

        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def column_types(cursor: Any, table: str) -> dict[str, int]:
    """The type (oid) of each column of TABLE, as the database has it now."""
    cursor.execute("SELECT attname, atttypid::int FROM pg_attribute WHERE attrelid = "
                   "%s::regclass AND attnum > 0 AND NOT attisdropped", [table])
    return dict(cursor.fetchall())


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]],
              json_columns: Sequence[str] = ()) -> int:
    """COPY rows into a PostgreSQL table; returns the count. A json or jsonb column takes a
    Python value (a dict, a list...), or one already adapted (`psycopg.types.json.Jsonb`).

    Binary COPY, with each column's type read from the catalogue first: psycopg adapts every
    value in C, and neither side renders or parses dates and numbers as text (a third of the
    client's time, and less of the server's, than text COPY for the duties' rows).
    JSON_COLUMNS is kept for callers that name them; the catalogue says which they are.
    Inside `copies_in_background` the rows are handed to the copying thread.
    """
    worker = _background.get()
    if worker is not None:
        queued = [tuple(row) for row in rows]
        worker.submit(table, columns, queued)
        return len(queued)
    with connection.cursor() as cursor:
        return _copy(cursor.cursor, table, columns, rows)


def _copy(cursor: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
          ) -> int:
    count = 0
    types = column_types(cursor, table)
    oids = [types[name] for name in columns]
    json_at = [i for i, oid in enumerate(oids) if oid in JSON_TYPES]
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
    with cursor.copy(sql) as copy:
        copy.set_types(oids)
        write = copy.write_row
        for row in rows:
            if json_at:
                row = list(row)
                for i in json_at:
                    if row[i] is not None and not isinstance(row[i], Jsonb):
                        row[i] = Jsonb(row[i], _dumps_bytes)
            write(row)
            count += 1
    return count


class _CopyThread:
    """Runs COPYs, in order, on the connection's own psycopg connection (so in the same
    transaction) while the thread that queued them goes on with Python work."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.jobs: queue.Queue = queue.Queue()
        self.error: BaseException | None = None
        self.abandoned = False
        self.thread = threading.Thread(target=self._run, name="bulk-copy", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            job = self.jobs.get()
            try:
                if job is None:
                    return
                if self.error is None and not self.abandoned:
                    with self.raw.cursor() as cursor:
                        _copy(cursor, *job)
            except BaseException as exc:  # handed to the queueing thread by wait()
                self.error = exc
            finally:
                self.jobs.task_done()

    def submit(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        self._raise()
        self.jobs.put((table, columns, rows))

    def wait(self) -> None:
        self.jobs.join()
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            self.abandoned = True
            raise error

    def close(self) -> None:
        self.jobs.put(None)
        self.thread.join()


_background: ContextVar[_CopyThread | None] = ContextVar("bulk_copies", default=None)


@contextmanager
def copies_in_background() -> Iterator[None]:
    """Within the block, `copy_rows` queues its rows for a second thread that COPYs them on
    this connection (PostgreSQL), so that the server stores one chunk of an import while
    Python parses and evaluates the next. Every other statement on the connection first waits
    for the queued COPYs (an execute wrapper), and so does leaving the block, so the order of
    writes and reads is the order of the code. Must sit inside the transaction it writes in.
    """
    if not is_postgres() or _background.get() is not None:
        yield
        return
    connection.ensure_connection()
    worker = _CopyThread(connection.connection)
    token = _background.set(worker)

    def wait_first(execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
        worker.wait()
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(wait_first):
            yield
        worker.wait()
    except BaseException:
        worker.abandoned = True  # the transaction is being abandoned: skip what is queued
        raise
    finally:
        _background.reset(token)
        worker.close()


def tables_analyze(tables: Sequence[str]) -> None:
    """ANALYZE TABLES (PostgreSQL; nothing elsewhere). Inside a transaction the statistics
    count its own uncommitted rows, so what runs next in it is planned from the tables as they
    now are: statistics taken when a table was empty (reltuples 0) make the planner expect one
    row of a table just filled with thousands, and nest loops over it (the seed report's
    metrics, right after their import, took over ten minutes instead of ten seconds)."""
    if not is_postgres() or not tables:
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


@contextmanager
def index_lookups() -> Iterator[None]:
    """Within the block, statements that look rows up by key are planned as index look-ups
    whatever the statistics say (PostgreSQL: no sequential scan where an index serves).

    A bulk import grows its tables inside one transaction, which neither ANALYZE nor
    autovacuum can see: planned from statistics taken when a table was small (a case's
    duties estimated at half the table), a look-up of one case's duties read the whole
    duties table, once per chunk (a quarter of a million-event import)."""
    if not is_postgres():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan')")
        (before,) = cursor.fetchone()
        cursor.execute("SET LOCAL enable_seqscan = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [before])


def lookup_sql(table: str, column: str, columns: Sequence[str], cast: str = "",
               where: str = "") -> str:
    """SELECT COLUMNS of TABLE's rows whose COLUMN equals one of the values given as the one
    JSON array parameter: a nested loop of index look-ups, one per value (a lateral join),
    rather than a join the planner may answer by reading the whole table."""
    # OFFSET 0 keeps the planner from flattening the lateral subquery into a plain join.
    return (f"SELECT t.* FROM jsonb_array_elements_text(%s::jsonb) AS k(v) "  # noqa: S608
            f"CROSS JOIN LATERAL (SELECT {', '.join(columns)} FROM {table} "
            f"WHERE {column} = k.v{cast}{where} OFFSET 0) AS t")


def json_param(values: Iterable[Any]) -> str:
    """Many values as one query parameter (a JSON array), for `jsonb_array_elements_text`:
    one string to send instead of an array that psycopg adapts element by element."""
    return _dumps(list(values))


def ids_allocate(table: str, count: int) -> list[int]:
    """COUNT fresh values of TABLE's `id` sequence (identity or serial), so that rows and the
    rows that point at them can be written by COPY without a round trip for RETURNING.
    Sequences never give a value twice, whatever other transactions do meanwhile."""
    if count <= 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                       "FROM generate_series(1, %s)", [table, count])
        return [row[0] for row in cursor.fetchall()]


def insert_returning(table: str, columns: Sequence[tuple[str, str]],
                     rows: Sequence[Sequence[Any]], returning: Sequence[str]) -> list[tuple]:
    """INSERT many rows in one statement (one array per column) and return RETURNING columns.

    COLUMNS are (name, PostgreSQL type); a jsonb column is sent as text and cast. Rows come
    back in no guaranteed order: return a natural key alongside the id.
    """
    if not rows:
        return []
    names = [name for name, _ in columns]
    arrays = [list(values) for values in zip(*rows, strict=True)]
    params = []
    for (_, pgtype), values in zip(columns, arrays, strict=True):
        if pgtype == "jsonb":
            params.append([None if v is None else _dumps(v) for v in values])
        else:
            params.append(values)
    unnest = ", ".join(f"%s::{'text' if t == 'jsonb' else t}[]" for _, t in columns)
    select = ", ".join(f"c{i}::jsonb" if t == "jsonb" else f"c{i}"
                       for i, (_, t) in enumerate(columns))
    alias = ", ".join(f"c{i}" for i in range(len(columns)))
    sql = (f"INSERT INTO {table} ({', '.join(names)}) SELECT {select} "  # noqa: S608
           f"FROM unnest({unnest}) AS u({alias}) RETURNING {', '.join(returning)}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())
