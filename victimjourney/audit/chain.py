"""The audit log's hash chain: the canonical form of an entry, its hash, and the walk that
verifies a run of entries. Pure: no database, no clock.

Each entry stores `prev_hash` (the hash of the entry before it in id order, or GENESIS for the
first entry ever written) and `hash` = SHA-256 of the canonical serialisation of its own fields
together with `prev_hash`. Changing any field of an entry changes its hash; deleting, inserting
or moving an entry breaks the link of the entry after it. A retention purge deletes the oldest
entries and appends a checkpoint entry that records the id and hash of the last one it deleted,
so the chain still verifies from the first entry kept.

What the chain cannot show on its own: the newest entries being deleted (the shorter chain is
still a valid chain), or the whole chain being recomputed by someone who can write to the
table. Both are caught by comparing with a head (id and hash) exported earlier to somewhere
else: `victimjourney audit_check --expect ID:HASH`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

# The previous hash of the first entry ever written: 64 zeros.
GENESIS = "0" * 64
# The action of the entry a retention purge appends.
CHECKPOINT_ACTION = "audit_retention_checkpoint"
_CHECKPOINT = re.compile(r"through id (\d+) with hash ([0-9a-f]{64})")
# The fields covered by the hash, in the order they are serialised. The id is not covered:
# order is carried by the links, so the hash can be computed before the row has an id.
FIELDS = ("at", "actor_id", "actor_name", "organisation", "role", "action", "case_reference",
          "victim_key", "detail")


def _instant(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("audit entries need an aware datetime")
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical(fields: dict[str, Any], prev_hash: str) -> bytes:
    """The bytes that are hashed: a JSON array of version 1, the previous hash and the fields in
    FIELDS order (the instant in UTC to the microsecond), compact, UTF-8."""
    values = [_instant(v) if k == "at" else v for k, v in ((k, fields[k]) for k in FIELDS)]
    return json.dumps([1, prev_hash, *values], ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def entry_hash(fields: dict[str, Any], prev_hash: str) -> str:
    return hashlib.sha256(canonical(fields, prev_hash)).hexdigest()


def checkpoint_detail(*, purged: int, through_id: int, through_hash: str,
                      before: dt.datetime) -> str:
    return (f"retention purge: {purged} entries older than {_instant(before)} deleted, "
            f"through id {through_id} with hash {through_hash}")


def checkpoint_anchor(detail: str) -> tuple[int, str] | None:
    """The (id, hash) of the last entry a checkpoint's purge deleted, read from its detail."""
    match = _CHECKPOINT.search(detail)
    return (int(match.group(1)), match.group(2)) if match else None


@dataclass(frozen=True)
class Problem:
    """The first place the chain does not verify."""

    id: int | None  # the entry where the walk stopped (None: the log as a whole)
    kind: str  # changed, deleted, inserted, reordered, truncated, anchor
    message: str


@dataclass(frozen=True)
class Result:
    checked: int
    first_id: int | None
    head_id: int | None
    head_hash: str | None
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(rows: Iterable[dict[str, Any]], *, anchors: dict[str, int],
           find: Callable[[str], int | None],
           expect: dict[int, str] | None = None,
           on_row: Callable[[], None] | None = None) -> Result:
    """Walk ROWS (dicts with id, prev_hash, hash and FIELDS, in id order) and return the first
    problem.

    ANCHORS: the hash of the last purged entry → its id, for every retention checkpoint in the
    log (the first entry kept may link to one of them instead of GENESIS). FIND: the id of the
    entry with a given hash, or None; used only to say what happened once a link is broken.
    EXPECT: id → hash exported earlier (heads); each must be met on the walk.
    """
    expect = dict(expect or {})
    checked = 0
    first_id: int | None = None
    prev_id: int | None = None
    prev_hash: str | None = None
    for row in rows:
        if on_row is not None:
            on_row()
        rid = row["id"]
        computed = entry_hash(row, row["prev_hash"])
        if computed != row["hash"]:
            return Result(checked, first_id, prev_id, prev_hash, Problem(
                rid, "changed", f"entry {rid} has been changed since it was written (or was "
                                f"inserted): its fields no longer match its hash"))
        if prev_hash is None:
            first_id = rid
            anchored = anchors.get(row["prev_hash"])
            if row["prev_hash"] != GENESIS and (anchored is None or anchored >= rid):
                return Result(checked, first_id, None, None, Problem(
                    rid, "deleted", f"entries before entry {rid} (the first in the log) have "
                                    f"been deleted: it links to neither the start of the chain "
                                    f"nor the last entry of a retention purge"))
        elif row["prev_hash"] != prev_hash:
            return Result(checked, first_id, prev_id, prev_hash,
                          _broken(rid, prev_id, row["prev_hash"], find))
        if rid in expect:
            wanted = expect.pop(rid)
            if wanted != row["hash"]:
                return Result(checked, first_id, prev_id, prev_hash, Problem(
                    rid, "anchor", f"entry {rid} has hash {row['hash']}, not the exported "
                                   f"{wanted}: the log was rewritten from here or earlier"))
        checked += 1
        prev_id, prev_hash = rid, row["hash"]
    if expect:
        missing = min(expect)
        kind = "truncated" if prev_id is None or missing > prev_id else "deleted"
        return Result(checked, first_id, prev_id, prev_hash, Problem(
            missing, kind, f"entry {missing} (exported with hash {expect[missing]}) is not in "
                           f"the log: entries have been deleted"
                           + (" from its end" if kind == "truncated" else "")))
    return Result(checked, first_id, prev_id, prev_hash, None)


def _broken(rid: int, prev_id: int | None, linked: str,
            find: Callable[[str], int | None]) -> Problem:
    """Entry RID is intact but does not link to entry PREV_ID: say why, as far as one can."""
    target = find(linked)
    if target is None:
        return Problem(rid, "deleted", f"the entry before entry {rid} has been deleted (or "
                                       f"rewritten): entry {rid} links to a hash that no entry "
                                       f"in the log has now (entry {prev_id} comes before it)")
    if target < (prev_id or 0):
        return Problem(rid, "inserted", f"entries after entry {target} and before entry {rid} "
                                        f"were inserted (entry {rid} links to entry {target}, "
                                        f"but entry {prev_id} comes before it)")
    return Problem(rid, "reordered", f"entries are out of order: entry {rid} links to entry "
                                     f"{target}, which comes after it")
