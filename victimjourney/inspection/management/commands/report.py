"""victimjourney report --year YYYY --out DIR: the annual consolidated report, HTML and PDF."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from victimjourney.core import clock
from victimjourney.inspection.report import report_build, report_write
from victimjourney.inspection.source import source_django, source_parquet


class Command(BaseCommand):
    help = "Write the annual consolidated compliance report (HTML, PDF, CSV, Parquet)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", required=True, help="folder to write into")
        parser.add_argument("--as-of", help="ISO 8601 instant with offset (default: now)")
        parser.add_argument("--parquet", help="read the tables from this Parquet folder")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            as_of = clock.parse_instant(opts["as_of"]) if opts["as_of"] else clock.now()
        except ValueError as exc:
            raise CommandError(f"--as-of: {exc}") from exc
        source = source_parquet(opts["parquet"]) if opts["parquet"] else source_django()
        report = report_build(source, year=opts["year"], as_of=as_of)
        for kind, path in report_write(report, opts["out"]).items():
            self.stdout.write(f"{kind}: {path}")
