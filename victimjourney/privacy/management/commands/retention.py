"""victimjourney retention: apply the retention schedules (docs/PRIVACY.md).

    victimjourney retention --dry-run                 # what is due now, changing nothing
    victimjourney retention --dry-run --as-of 2031-01-01 --json
    victimjourney retention                           # anonymise and delete what is due
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from victimjourney.core import clock
from victimjourney.core.progress import progress_bar
from victimjourney.privacy.services import RetentionFailed, retention_run, schedules_in_force

SHOWN_CASES = 20


def _as_of(text: str) -> dt.datetime:
    """A date (the start of that local day) or an instant with an offset."""
    try:
        if len(text) == 10:
            return clock.start_of_local_day(dt.date.fromisoformat(text))
        return clock.parse_instant(text)
    except ValueError as exc:
        raise CommandError(f"--as-of: {exc}") from None


class Command(BaseCommand):
    help = ("Anonymise or delete what is past its retention period; each case in one "
            "transaction. --dry-run lists what would happen and changes nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true",
                            help="list what is due (counts and case references); change nothing")
        parser.add_argument("--as-of", help="a date (YYYY-MM-DD) or an instant with offset "
                                            "(default: now; only a dry run may look ahead)")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--chunk", type=int, default=200, help="cases read at a time")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **opts: Any) -> None:
        as_of = _as_of(opts["as_of"]) if opts["as_of"] else None
        try:
            schedules = schedules_in_force()
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        try:
            with progress_bar(quiet=opts["quiet"] or opts["json"]) as progress:
                task = progress.add_task("Retention: cases", total=None)
                report = retention_run(
                    as_of=as_of, dry_run=opts["dry_run"], chunk_size=opts["chunk"],
                    schedules=schedules,
                    on_total=lambda n: progress.update(task, total=n),
                    on_progress=lambda n: progress.advance(task, n))
        except (ValueError, RetentionFailed) as exc:
            raise CommandError(str(exc)) from None
        if opts["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=1))
            return
        verb = "Would" if report.dry_run else "Did"
        self.stdout.write(f"Retention as of {report.as_of.isoformat()} "
                          f"({'dry run: nothing changed' if report.dry_run else 'applied'}); "
                          f"{report.cases_examined} cases examined.")
        for kind, kind_report in report.kinds.items():
            total = sum(kind_report.records.values())
            schedule = schedules[kind]
            self.stdout.write(f"{kind} ({schedule.action}, {schedule.period} after "
                              f"{schedule.trigger}): {verb.lower()} {schedule.action} "
                              f"{total} records")
            for label, n in kind_report.records.items():
                if n:
                    self.stdout.write(f"    {label}: {n}")
            if kind_report.cases:
                shown = ", ".join(kind_report.cases[:SHOWN_CASES])
                more = len(kind_report.cases) - SHOWN_CASES
                self.stdout.write(f"    cases ({len(kind_report.cases)}): {shown}"
                                  + (f" and {more} more" if more > 0 else ""))
