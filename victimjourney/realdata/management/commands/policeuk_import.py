"""victimjourney policeuk_import FILE.csv [FILE.csv ...] [--kind street|outcomes] [--force SLUG]

Import data.police.uk street and outcomes files: crimes become cases with `crime.reported` and
`crime.recorded`, outcomes the matching journey events (docs/REAL-DATA.md has the mapping).
Every file is checked first; one error anywhere and nothing is imported.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from victimjourney.core.progress import progress_bar
from victimjourney.organisations.reference import TERRITORIAL_FORCES
from victimjourney.realdata.policeuk import FileReport
from victimjourney.realdata.services import PoliceUkRefused, policeuk_import, report_lines


class Command(BaseCommand):
    help = ("Import data.police.uk street and outcomes CSV files as journey events "
            "(all or nothing).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE.csv")
        parser.add_argument("--kind", choices=("street", "outcomes"),
                            help="the files' layout (default: read from each header)")
        parser.add_argument("--force", help="the police.uk slug of the force for every row "
                                            "(e.g. thames-valley), when 'Reported by' is not "
                                            "a name the service knows")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **opts: Any) -> None:
        force = opts["force"]
        if force is not None and force not in (*TERRITORIAL_FORCES, "btp"):
            raise CommandError(f"--force: unknown force {force!r} (a data.police.uk slug such "
                               "as thames-valley)")
        with progress_bar(quiet=opts["quiet"]) as progress:
            def on_file(report: FileReport, lines: int):
                task = progress.add_task(f"Importing {report.kind}", total=lines)
                return lambda n: progress.advance(task, n)

            try:
                reports = policeuk_import(paths=opts["files"], kind=opts["kind"], force=force,
                                          on_file=on_file)
            except PoliceUkRefused as exc:
                raise CommandError(str(exc)) from None
        for report in reports:
            for line in report_lines(report):
                self.stdout.write(line)
