"""The linkage index: one `LinkRecord` per victim who is a person, and its blocking keys.

Victims are projections of the journey log, rebuilt by the importer; the index follows them.
`records_index_refresh` brings the whole index in step (the batch run calls it first);
`record_index` indexes one victim at once (first contact). A record is rewritten only when
the victim's name, date of birth or contact details changed (a digest says so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from django.db import transaction

from victimjourney.core.bulk import copy_rows, insert_returning, is_postgres
from victimjourney.core.crypto import blind_index, blind_indexes, seal
from victimjourney.linkage.models import LinkKey, LinkRecord
from victimjourney.linkage.normalise import LinkInput, Normalised, blocking_keys, normalise
from victimjourney.victims.models import Victim

FIELDS = ("first_name", "first_std", "fi", "surname", "surname_parts", "surname_sx", "dob",
          "birth_year", "postcode", "address", "house", "phone", "email")
SEALED = frozenset({"postcode", "address", "house", "phone", "email"})  # EncryptedTextField
LIST_FIELDS = frozenset({"first_std", "surname_parts"})
NOT_LINKED_KINDS = frozenset({"business"})  # linkage is of people
CHUNK = 20_000


@dataclass
class IndexResult:
    victims: int = 0
    created: int = 0
    changed: int = 0
    removed: int = 0


def digest_of(name: str, date_of_birth: dt.date | None, contact: dict | None) -> str:
    """Whether the victim's details changed since indexing: keyed (`blind_index`), as an
    unkeyed hash of a name and a phone number could be reversed by trying every number."""
    payload = orjson.dumps([name, date_of_birth.isoformat() if date_of_birth else "",
                            contact or {}], option=orjson.OPT_SORT_KEYS)
    return blind_index(payload.decode())[:32]


def stored_keys(n: Normalised) -> list[str]:
    """The record's blocking keys as stored in `LinkKey`: blind indexes."""
    return [blind_index(key) for key in blocking_keys(n)]


def lookup_keys(n: Normalised) -> list[str]:
    """The keys to look a record up by: `stored_keys`, and while a rotation of the blind-index
    key is under way, the same keys under the old keys (records not yet re-indexed)."""
    return [index for key in blocking_keys(n) for index in blind_indexes(key)]


def stored_fields(n: Normalised) -> dict[str, str]:
    """The normalised record as LinkRecord fields (lists space-separated)."""
    return {name: " ".join(getattr(n, name)) if name in LIST_FIELDS else getattr(n, name)
            for name in FIELDS}


def splink_row(record_id: int, case_id: int, values: Iterable[str]) -> dict[str, Any]:
    """A stored record as a Splink input row (`splinkmodel.SCHEMA`)."""
    row: dict[str, Any] = {"unique_id": record_id, "case_id": case_id}
    for name, value in zip(FIELDS, values, strict=True):
        if name in LIST_FIELDS:
            row[name] = value.split() or None
        else:
            row[name] = value or None
    return row


def splink_rows(queryset=None) -> Iterator[dict[str, Any]]:
    """Every indexed record (or those of QUERYSET) as Splink input rows."""
    records = LinkRecord.objects.all() if queryset is None else queryset
    for pk, case_id, *values in records.values_list("id", "case_id", *FIELDS).iterator(
            chunk_size=CHUNK):
        yield splink_row(pk, case_id, values)


def _victim_rows() -> Iterator[tuple]:
    yield from Victim.objects.order_by().values_list(
        "id", "case_id", "kind", "name", "date_of_birth", "contact").iterator(chunk_size=CHUNK)


def records_index_refresh(*, now: dt.datetime, dry_run: bool = False) -> IndexResult:
    """Bring the index in step with the victims: new victims indexed, changed ones
    re-indexed, those no longer linked (a business) removed. Deleted victims take their
    records with them (cascade). A record whose digest is under another blind-index key
    reads as changed, so this also moves the index to a new VJ_BLIND_INDEX_KEY. With
    DRY_RUN, count and write nothing."""
    result = IndexResult()
    existing = {victim_id: (pk, digest) for pk, victim_id, digest in
                LinkRecord.objects.values_list("id", "victim_id", "digest").iterator(
                    chunk_size=CHUNK)}
    fresh: list[tuple[int, int, str, Normalised]] = []
    changed: list[tuple[int, str, Normalised]] = []
    gone: list[int] = []
    for victim_id, case_id, kind, name, dob, contact in _victim_rows():
        result.victims += 1
        known = existing.get(victim_id)
        if kind in NOT_LINKED_KINDS:
            if known:
                gone.append(known[0])
            continue
        digest = digest_of(name, dob, contact)
        if known and known[1] == digest:
            continue
        n = normalise(LinkInput.from_victim(name=name, date_of_birth=dob, contact=contact))
        if known:
            changed.append((known[0], digest, n))
        else:
            fresh.append((victim_id, case_id, digest, n))
    result.created, result.changed, result.removed = len(fresh), len(changed), len(gone)
    if dry_run:
        return result
    with transaction.atomic():
        if gone:
            LinkRecord.objects.filter(pk__in=gone).delete()
        for start in range(0, len(fresh), CHUNK):
            _create(fresh[start:start + CHUNK], now)
        for start in range(0, len(changed), CHUNK):
            _rewrite(changed[start:start + CHUNK], now)
    return result


def record_index(victim: Victim, *, now: dt.datetime) -> LinkRecord | None:
    """Index one victim now (first contact); None for a victim linkage does not cover."""
    if victim.kind in NOT_LINKED_KINDS:
        return None
    digest = digest_of(victim.name, victim.date_of_birth, victim.contact)
    record = LinkRecord.objects.filter(victim=victim).first()
    if record is not None and record.digest == digest:
        return record
    n = normalise(LinkInput.from_victim(name=victim.name, date_of_birth=victim.date_of_birth,
                                        contact=victim.contact))
    with transaction.atomic():
        if record is None:
            _create([(victim.pk, victim.case_id, digest, n)], now)
        else:
            _rewrite([(record.pk, digest, n)], now)
    return LinkRecord.objects.get(victim=victim)


def _create(items: list[tuple[int, int, str, Normalised]], now: dt.datetime) -> None:
    if not items:
        return
    if is_postgres():
        columns = [("victim_id", "bigint"), ("case_id", "bigint"), ("digest", "text"),
                   ("indexed_at", "timestamptz"), *((name, "text") for name in FIELDS)]
        # COPY bypasses the fields: seal the contact details as EncryptedTextField would.
        rows = [(victim_id, case_id, digest, now,
                 *(seal(value.encode()) if name in SEALED else value
                   for name, value in stored_fields(n).items()))
                for victim_id, case_id, digest, n in items]
        ids = dict(insert_returning(LinkRecord._meta.db_table, columns, rows,
                                    returning=("victim_id", "id")))
    else:
        objs = [LinkRecord(victim_id=victim_id, case_id=case_id, digest=digest, indexed_at=now,
                           **stored_fields(n)) for victim_id, case_id, digest, n in items]
        LinkRecord.objects.bulk_create(objs, batch_size=2000)
        ids = {obj.victim_id: obj.pk for obj in objs}
    _keys_insert((ids[victim_id], n) for victim_id, _, _, n in items)


def _rewrite(items: list[tuple[int, str, Normalised]], now: dt.datetime) -> None:
    pks = [pk for pk, _, _ in items]
    LinkKey.objects.filter(record_id__in=pks).delete()
    objs = [LinkRecord(pk=pk, digest=digest, indexed_at=now, **stored_fields(n))
            for pk, digest, n in items]
    LinkRecord.objects.bulk_update(objs, ["digest", "indexed_at", *FIELDS], batch_size=1000)
    _keys_insert((pk, n) for pk, _, n in items)


def _keys_insert(records: Iterable[tuple[int, Normalised]]) -> None:
    rows = [(pk, key) for pk, n in records for key in stored_keys(n)]
    if is_postgres():
        copy_rows(LinkKey._meta.db_table, ("record_id", "key"), rows)
    else:
        LinkKey.objects.bulk_create([LinkKey(record_id=pk, key=key) for pk, key in rows],
                                    batch_size=2000)
