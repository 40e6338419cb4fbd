"""victimjourney rotate_keys [--dry-run]: re-encrypt every encrypted value under the newest key.

Key rotation: generate a key (`--generate-key`), put it first in VJ_FIELD_KEYS with the old
keys after it, restart, run this command, then remove the old keys. Idempotent and resumable:
each chunk is its own transaction and only values not yet under the newest key are read.
Journey events are rewritten through the append-only log's re-encryption escape
(`journey.services.events_rekeyable`).
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from rich.progress import TaskID

from victimjourney.core import crypto
from victimjourney.core.crypto import FieldKeyError, SealedValueError
from victimjourney.core.progress import progress_bar
from victimjourney.core.rekey import column_reseal, column_stale_count, sealed_columns
from victimjourney.journey.models import Event
from victimjourney.journey.services import events_rekeyable


class Command(BaseCommand):
    help = ("Re-encrypt every encrypted value (victims' contact details) under the newest key "
            "of VJ_FIELD_KEYS. Safe to run repeatedly.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="count (and test-decrypt) what would be re-encrypted; "
                                 "write nothing")
        parser.add_argument("--chunk-size", type=int, default=1000)
        parser.add_argument("--generate-key", action="store_true",
                            help="print a new key for VJ_FIELD_KEYS and exit")
        parser.add_argument("--json", action="store_true", help="print the counts as JSON")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, **opts):
        if opts["generate_key"]:
            self.stdout.write(crypto.generate_key())
            return
        if opts["chunk_size"] < 1:
            raise CommandError("--chunk-size must be 1 or more")
        try:
            newest = crypto.keyring().newest
            columns = sealed_columns()
            stale = {col.label: column_stale_count(col) for col in columns}
        except FieldKeyError as exc:
            raise CommandError(str(exc)) from None
        done: dict[str, int] = {}
        try:
            with progress_bar(quiet=opts["quiet"] or opts["json"]) as progress:
                for col in columns:
                    verb = "Checking" if opts["dry_run"] else "Re-encrypting"
                    task = progress.add_task(f"{verb} {col.label}", total=stale[col.label])

                    def advance(n: int, task: TaskID = task) -> None:
                        progress.advance(task, n)

                    done[col.label] = column_reseal(
                        col, chunk=opts["chunk_size"], dry_run=opts["dry_run"],
                        escape=events_rekeyable if col.table == Event._meta.db_table else None,
                        on_rows=advance)
        except SealedValueError as exc:
            raise CommandError(f"{exc}\nNothing more was re-encrypted; chunks already done are "
                               "kept (run again once the key is back).") from None
        if opts["json"]:
            self.stdout.write(json.dumps({"newest_key": newest, "dry_run": opts["dry_run"],
                                          "values": done}, indent=1))
            return
        what = "would be re-encrypted" if opts["dry_run"] else "re-encrypted"
        for label, count in done.items():
            self.stdout.write(f"{label}: {count} {what}")
        self.stdout.write(f"All values are {'to be ' if opts['dry_run'] else ''}under key "
                          f"{newest}.")
