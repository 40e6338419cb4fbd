"""victimjourney audit_check: verify the audit log's hash chain (victimjourney/audit/chain.py).

Exit code 0 when the chain verifies, 1 at the first changed, deleted, inserted or reordered
entry (named by id). Prints the head (newest id and hash) to export elsewhere; `--expect` checks
heads exported earlier, which also catches entries deleted from the end of the log.
"""

from __future__ import annotations

import json
import re

from django.core.management.base import BaseCommand, CommandError

from victimjourney.audit.chain import Result
from victimjourney.audit.selectors import audit_chain_check, audit_count
from victimjourney.core.progress import progress_bar

_EXPECT = re.compile(r"^(\d+):([0-9a-f]{64})$")


def _expect(value: str) -> tuple[int, str]:
    match = _EXPECT.match(value.strip().lower())
    if not match:
        raise CommandError(f"--expect takes ID:HASH (a 64-digit hex SHA-256), got {value!r}")
    return int(match.group(1)), match.group(2)


class Command(BaseCommand):
    help = ("Verify the audit log's hash chain in id order; report the first changed, deleted, "
            "inserted or reordered entry and exit 1.")

    def add_arguments(self, parser):
        parser.add_argument("--expect", action="append", default=[], metavar="ID:HASH",
                            help="a head exported earlier: entry ID must still have HASH "
                                 "(repeatable)")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument("--chunk-size", type=int, default=2000)
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, **opts):
        expect = dict(_expect(v) for v in opts["expect"])
        total = audit_count()
        with progress_bar(quiet=opts["quiet"] or opts["json"]) as progress:
            task = progress.add_task("Checking the audit chain", total=total)
            result = audit_chain_check(expect=expect, chunk_size=opts["chunk_size"],
                                       on_row=lambda: progress.advance(task))
        if opts["json"]:
            self.stdout.write(json.dumps(_as_dict(result), indent=1))
        elif result.ok:
            if result.head_id is None:
                self.stdout.write("The audit log is empty.")
            else:
                self.stdout.write(
                    f"Audit chain verified: {result.checked} entries, ids {result.first_id} "
                    f"to {result.head_id}.\nHead: {result.head_id}:{result.head_hash} (keep it "
                    f"elsewhere; check later with --expect {result.head_id}:{result.head_hash})")
        if result.problem is not None:
            raise CommandError(f"audit chain broken at entry {result.problem.id} "
                               f"({result.problem.kind}): {result.problem.message}; "
                               f"{result.checked} entries verified before it", returncode=1)


def _as_dict(result: Result) -> dict:
    problem = result.problem
    return {
        "ok": result.ok, "checked": result.checked, "first_id": result.first_id,
        "head": ({"id": result.head_id, "hash": result.head_hash}
                 if result.head_id is not None else None),
        "problem": ({"id": problem.id, "kind": problem.kind, "message": problem.message}
                    if problem else None),
    }
