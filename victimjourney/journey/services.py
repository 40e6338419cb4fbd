"""Writes to the journey log outside the import: the stored form of an event's digest, and
the one transaction in which stored events may be re-encrypted (`rotate_keys`).

Events are stored by the import (`duties.services.feed_import`, `duties.loading`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from victimjourney.core.bulk import is_postgres
from victimjourney.core.crypto import blind_index


def stored_digest(digest: str) -> str:
    """What the log stores for an event's content digest (`feed.event_digest`): a keyed blind
    index, since a plain hash of an event whose only unknown is a phone number or an email
    address could be reversed by trying every value. Same content, same stored digest."""
    return blind_index(digest)


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
