"""Reads of the audit log: the chain check and the head to export."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction

from victimjourney.audit.chain import (
    CHECKPOINT_ACTION,
    FIELDS,
    Result,
    checkpoint_anchor,
    verify,
)
from victimjourney.audit.models import AuditEntry


def audit_head() -> tuple[int, str] | None:
    """The newest entry's id and hash: export it somewhere else (a log service, a ticket) and
    `audit_check --expect ID:HASH` later shows whether anything up to it was deleted or
    rewritten, including the end of the log."""
    row = AuditEntry.objects.order_by("-id").values_list("id", "hash").first()
    return (row[0], row[1]) if row else None


def audit_chain_check(*, expect: dict[int, str] | None = None, chunk_size: int = 2000,
                      on_row: Callable[[], None] | None = None) -> Result:
    """Walk the whole log in id order, streaming, and return the first problem (chain.verify).

    One snapshot: on PostgreSQL the walk runs in a REPEATABLE READ transaction, so entries
    appended meanwhile are neither half-seen nor reported (when called outside a transaction;
    inside one, the caller's isolation applies)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        anchors: dict[str, int] = {}
        checkpoints = AuditEntry.objects.filter(action=CHECKPOINT_ACTION)
        for detail in checkpoints.values_list("detail", flat=True):
            anchor = checkpoint_anchor(detail)
            if anchor is not None:
                anchors[anchor[1]] = anchor[0]

        def find(digest: str) -> int | None:
            return AuditEntry.objects.filter(hash=digest).values_list("id", flat=True).first()

        rows = (AuditEntry.objects.order_by("id").values("id", "prev_hash", "hash", *FIELDS)
                .iterator(chunk_size=chunk_size))
        return verify(rows, anchors=anchors, find=find, expect=expect, on_row=on_row)


def audit_count() -> int:
    return AuditEntry.objects.count()
