"""victimjourney rotate_keys [--dry-run]: re-encrypt every encrypted value under the newest key.

Key rotation: generate a key (`--generate-key`), put it first in VJ_FIELD_KEYS with the old
keys after it, restart, run this command, then remove the old keys. Idempotent and resumable:
each chunk is its own transaction and only values not yet under the newest key are read.
Journey events are rewritten through the append-only log's re-encryption escape
(`journey.services.events_rekeyable`).

`--blind-index` rotates VJ_BLIND_INDEX_KEY instead: put the new key in VJ_BLIND_INDEX_KEY and
the old one in VJ_BLIND_INDEX_OLD_KEYS (both recognised meanwhile), restart, run
`victimjourney rotate_keys --blind-index`, then remove VJ_BLIND_INDEX_OLD_KEYS. Event digests
are recomputed from the stored events and rewritten only where they are that content's index
under an old key (`journey.services.event_digests_rekey`); the linkage index is re-indexed
(`linkage.indexing.records_index_refresh`: a digest under an old key reads as a change).
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from rich.progress import TaskID

from victimjourney.core import clock, crypto
from victimjourney.core.crypto import FieldKeyError, SealedValueError
from victimjourney.core.progress import progress_bar
from victimjourney.core.rekey import column_reseal, column_stale_count, sealed_columns
from victimjourney.journey.models import Event
from victimjourney.journey.services import event_digests_rekey, events_rekeyable
from victimjourney.linkage.indexing import records_index_refresh


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
        parser.add_argument("--blind-index", action="store_true",
                            help="move the blind indexes (event digests, the linkage index) "
                                 "from VJ_BLIND_INDEX_OLD_KEYS to VJ_BLIND_INDEX_KEY")
        parser.add_argument("--json", action="store_true", help="print the counts as JSON")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, **opts):
        if opts["generate_key"]:
            self.stdout.write(crypto.generate_key())
            return
        if opts["chunk_size"] < 1:
            raise CommandError("--chunk-size must be 1 or more")
        if opts["blind_index"]:
            self._blind_index(opts)
            return
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

    def _blind_index(self, opts: dict) -> None:
        try:
            crypto.blind_index("probe")
            old_keys = len(crypto.old_blind_keys())
        except FieldKeyError as exc:
            raise CommandError(str(exc)) from None
        with progress_bar(quiet=opts["quiet"] or opts["json"]) as progress:
            verb = "Checking" if opts["dry_run"] else "Re-keying"
            task = progress.add_task(f"{verb} event digests", total=Event.objects.count())
            events = event_digests_rekey(chunk=opts["chunk_size"], dry_run=opts["dry_run"],
                                         on_rows=lambda n: progress.advance(task, n))
            progress.add_task("Re-indexing the linkage index", total=None)
            linkage = records_index_refresh(now=clock.now(), dry_run=opts["dry_run"])
        if opts["json"]:
            self.stdout.write(json.dumps({
                "dry_run": opts["dry_run"], "old_keys": old_keys,
                "events": {"rekeyed": events.rekeyed, "current": events.current,
                           "unmatched": events.unmatched},
                "linkage": {"reindexed": linkage.changed, "created": linkage.created,
                            "removed": linkage.removed}}, indent=1))
        else:
            would = "to be " if opts["dry_run"] else ""
            self.stdout.write(f"journey.Event.digest: {events.rekeyed} {would}re-keyed, "
                              f"{events.current} already under VJ_BLIND_INDEX_KEY")
            self.stdout.write(f"linkage index: {linkage.changed} records {would}re-indexed, "
                              f"{linkage.created} {would}added, {linkage.removed} {would}removed")
            if not old_keys:
                self.stdout.write("VJ_BLIND_INDEX_OLD_KEYS is empty: nothing could be moved; "
                                  "this run checked the digests against VJ_BLIND_INDEX_KEY.")
        if events.unmatched:
            first = ", ".join(repr(eid) for eid in events.unmatched[:10])
            raise CommandError(
                f"{len(events.unmatched)} event digests match neither VJ_BLIND_INDEX_KEY nor a "
                f"key of VJ_BLIND_INDEX_OLD_KEYS (first: {first}); they were left as stored. "
                "Put the key they were stored under in VJ_BLIND_INDEX_OLD_KEYS and run again; "
                "an event altered since it was stored stays reported here.")
