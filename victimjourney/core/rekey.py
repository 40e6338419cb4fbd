"""Rewriting encrypted columns: every value not yet under the newest key of VJ_FIELD_KEYS is
decrypted and sealed again under it (`victimjourney rotate_keys`); a value written before
encryption was introduced is sealed for the first time.

Works on the stored text, in chunks of rows in primary-key order, one transaction per chunk:
an interrupted run keeps what it did, and running again finds only what is left (a value
already under the newest key is never selected, so a second run writes nothing).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Literal

from django.apps import apps
from django.db import connection, transaction

from victimjourney.core import crypto
from victimjourney.core.fields import EncryptedJSONField, EncryptedTextField, SealedPayloadField

Kind = Literal["json", "text", "payload"]


@dataclass(frozen=True)
class SealedColumn:
    label: str  # app_label.Model.field, as errors name it
    table: str
    pk: str
    column: str
    kind: Kind
    sensitive: frozenset[str] = frozenset()  # payload: the keys sealed


def sealed_columns() -> list[SealedColumn]:
    """Every encrypted column of every installed model."""
    out = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            kind: Kind | None = ("payload" if isinstance(f, SealedPayloadField) else
                                 "json" if isinstance(f, EncryptedJSONField) else
                                 "text" if isinstance(f, EncryptedTextField) else None)
            if kind is not None:
                out.append(SealedColumn(
                    label=f"{model._meta.label}.{f.name}", table=model._meta.db_table,
                    pk=model._meta.pk.column, column=f.column, kind=kind,
                    sensitive=getattr(f, "sensitive", frozenset())))
    return out


def _stale(col: SealedColumn, newest: str) -> tuple[str, list[Any]]:
    """SQL condition (and parameters) for rows whose value is not under the newest key."""
    current = f"{crypto.PREFIX}:{newest}:%"
    if col.kind != "payload":
        return f"{col.column} IS NOT NULL AND {col.column} NOT LIKE %s", [current]
    if connection.vendor == "postgresql":
        return (f"{col.column} ? %s AND ({col.column} ->> %s) NOT LIKE %s",
                [crypto.PAYLOAD_MARK, crypto.PAYLOAD_MARK, current])
    path = f"$.{crypto.PAYLOAD_MARK}"
    return (f"json_extract({col.column}, %s) IS NOT NULL "
            f"AND json_extract({col.column}, %s) NOT LIKE %s", [path, path, current])


def resealed(col: SealedColumn, value: Any, record: Any) -> str:
    """VALUE (as stored) sealed under the newest key. Raises SealedValueError naming the
    column and RECORD when it is under a key no longer configured."""
    if col.kind == "payload":
        data = json.loads(value) if isinstance(value, str) else value
        plain = crypto.unseal_payload(data, field=col.label, record=record)
        return crypto.dumps(crypto.seal_payload(plain, col.sensitive)).decode()
    legacy = crypto.key_id(value) is None
    if col.kind == "json":
        plain = json.loads(value) if legacy else crypto.unseal_json(
            value, field=col.label, record=record)
        return crypto.seal_json(plain)
    text = value if legacy else crypto.unseal(value, field=col.label, record=record).decode()
    return crypto.seal(text.encode())


def column_stale_count(col: SealedColumn) -> int:
    where, params = _stale(col, crypto.keyring().newest)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {col.table} WHERE {where}", params)  # noqa: S608
        return int(cursor.fetchone()[0])


def _chunks(col: SealedColumn, size: int) -> Iterator[list[tuple[Any, Any]]]:
    where, params = _stale(col, crypto.keyring().newest)
    last = None
    while True:
        after = "" if last is None else f" AND {col.pk} > %s"
        sql = (f"SELECT {col.pk}, {col.column} FROM {col.table} WHERE {where}{after} "  # noqa: S608
               f"ORDER BY {col.pk} LIMIT {int(size)}")
        with connection.cursor() as cursor:
            cursor.execute(sql, params if last is None else [*params, last])
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def column_reseal(col: SealedColumn, *, chunk: int = 1000, dry_run: bool = False,
                  escape: Callable[[], AbstractContextManager[Any]] | None = None,
                  on_rows: Callable[[int], None] | None = None) -> int:
    """Seal every stale value of COL under the newest key; returns how many. With DRY_RUN,
    decrypt them (so a value under a missing key is still reported) but write nothing.
    ESCAPE opens the transaction of each chunk where the table refuses plain updates."""
    cast = "%s::jsonb" if col.kind == "payload" and connection.vendor == "postgresql" else "%s"
    update = f"UPDATE {col.table} SET {col.column} = {cast} WHERE {col.pk} = %s"  # noqa: S608
    done = 0
    for rows in _chunks(col, chunk):
        values = [(resealed(col, value, pk), pk) for pk, value in rows]
        if not dry_run:
            with escape() if escape else transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(update, values)
        done += len(values)
        if on_rows:
            on_rows(len(values))
    return done


def column_has_values(col: SealedColumn) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {col.table} WHERE {col.column} IS NOT NULL "  # noqa: S608
                       "LIMIT 1")
        return cursor.fetchone() is not None


def column_unseal(col: SealedColumn, *, chunk: int = 1000) -> int:
    """Write COL back as plaintext (the reverse of the migrations that introduced encryption;
    whole values only: a payload column's data is unsealed by its own migration)."""
    if col.kind == "payload":
        raise ValueError("unseal payload columns in their own migration")
    done = 0
    last = None
    update = f"UPDATE {col.table} SET {col.column} = %s WHERE {col.pk} = %s"  # noqa: S608
    while True:
        after = "" if last is None else f" AND {col.pk} > %s"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {col.pk}, {col.column} FROM {col.table} "  # noqa: S608
                           f"WHERE {col.column} LIKE %s{after} ORDER BY {col.pk} "
                           f"LIMIT {int(chunk)}",
                           [f"{crypto.PREFIX}:%", *([] if last is None else [last])])
            rows = cursor.fetchall()
            if not rows:
                return done
            plain = [(crypto.unseal(v, field=col.label, record=pk).decode(), pk)
                     for pk, v in rows]
            cursor.executemany(update, plain)
        done += len(rows)
        last = rows[-1][0]
