"""Writes to the journey log outside the import: the stored form of an event's digest, and
the one transaction in which stored events may be re-encrypted or their digests re-keyed
(`rotate_keys`).

Events are stored by the import (`duties.services.feed_import`, `duties.loading`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction

from victimjourney.core.bulk import is_postgres
from victimjourney.core.crypto import blind_index, blind_indexes, old_blind_indexes
from victimjourney.journey.feed import event_digest
from victimjourney.journey.models import Event


def stored_digest(digest: str) -> str:
    """What the log stores for an event's content digest (`feed.event_digest`): a keyed blind
    index, since a plain hash of an event whose only unknown is a phone number or an email
    address could be reversed by trying every value. Same content, same stored digest."""
    return blind_index(digest)


def stored_digest_matches(stored: str, digest: str) -> bool:
    """Whether a stored digest is that of content with DIGEST (`feed.event_digest`): under
    VJ_BLIND_INDEX_KEY, or, while a rotation is under way, under an old key still configured
    (`crypto.blind_indexes`)."""
    return stored == blind_index(digest) or stored in old_blind_indexes(digest)


SQLITE_APPEND_ONLY = """
CREATE TRIGGER journey_event_append_only BEFORE UPDATE ON journey_event
BEGIN
  SELECT RAISE(ABORT, 'journey events are append-only: record a correction.recorded event instead');
END;
"""


@contextmanager
def events_rekeyable() -> Iterator[None]:
    """A transaction in which stored events' data and digest may be rewritten, to re-encrypt
    their contact details under a new key (`victimjourney rotate_keys`); nothing else.

    PostgreSQL: the append-only trigger's `victimjourney.rekey` escape (migration 0004), which
    allows an UPDATE that changes only `data` and `digest`, never a DELETE. SQLite (the laptop
    demo) cannot read a session setting in a trigger: the trigger is dropped and re-created
    inside the transaction, so no other connection ever sees the log without it.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if is_postgres():
            cursor.execute("SET LOCAL victimjourney.rekey = 'on'")
            yield
            cursor.execute("SET LOCAL victimjourney.rekey = 'off'")
        else:
            cursor.execute("DROP TRIGGER journey_event_append_only")
            yield
            cursor.execute(SQLITE_APPEND_ONLY)


@dataclass
class DigestRekey:
    """What `event_digests_rekey` found: digests moved to VJ_BLIND_INDEX_KEY, already under
    it, and those under no configured key (their ids, in order)."""

    rekeyed: int = 0
    current: int = 0
    unmatched: list[str] = field(default_factory=list)


def event_digests_rekey(*, chunk: int = 1000, dry_run: bool = False,
                        on_rows: Callable[[int], None] | None = None) -> DigestRekey:
    """Move every stored event digest to VJ_BLIND_INDEX_KEY (`rotate_keys --blind-index`).

    The digest is recomputed from the stored event (`feed.event_digest` of its type, case,
    provider, instants, victim and decrypted data: what it was computed from on the way in), so
    a stored digest is rewritten only if it is that content's index under an old key
    (VJ_BLIND_INDEX_OLD_KEYS): a digest matching no configured key (an old key already
    removed, or a row altered) is reported, never overwritten. Chunks in id order, each its own
    transaction through `events_rekeyable`: interrupted, what was done is kept; run again, the
    digests already moved are counted as current and nothing is written for them."""
    result = DigestRekey()
    update = f"UPDATE {Event._meta.db_table} SET digest = %s WHERE id = %s"  # noqa: S608
    columns = ("id", "type", "case__reference", "provider_id", "occurred_at", "received_at",
               "victim_key", "data", "digest")
    last: str | None = None
    while True:
        rows = Event.objects.order_by("id")
        if last is not None:
            rows = rows.filter(id__gt=last)
        batch = list(rows.values_list(*columns)[:chunk])
        if not batch:
            return result
        moves = []
        for eid, type_, case, provider, occurred, received, victim, data, stored in batch:
            digest = event_digest(type=type_, case=case, provider=provider, occurred_at=occurred,
                                  received_at=received, victim=victim or None, data=data)
            current, *old = blind_indexes(digest)
            if stored == current:
                result.current += 1
            elif stored in old:
                moves.append((current, eid))
            else:
                result.unmatched.append(eid)
        if moves and not dry_run:
            with events_rekeyable(), connection.cursor() as cursor:
                cursor.executemany(update, moves)
        result.rekeyed += len(moves)
        last = batch[-1][0]
        if on_rows:
            on_rows(len(batch))
