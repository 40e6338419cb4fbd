"""victimjourney export --out DIR: the analytics export (Parquet, no personal data).

    victimjourney export --out /data/vj-2025-03-01
    victimjourney export --out DIR --replace         # replace an earlier export in DIR
    victimjourney export --out DIR --no-metrics      # the tables only

Then, over the files: `victimjourney metrics --parquet DIR [--spark]`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from victimjourney.inspection.export import ExportError, export_write


class Command(BaseCommand):
    help = ("Export cases, events, victims, categories, duties, judgements and the metric "
            "table to Parquet for analytics (no names, dates of birth, contact details or "
            "free text).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="the folder to write (empty or new)")
        parser.add_argument("--format", choices=("parquet",), default="parquet")
        parser.add_argument("--replace", action="store_true",
                            help="replace an earlier export in --out")
        parser.add_argument("--no-metrics", action="store_true",
                            help="leave out the metric table (computed from the export)")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            manifest = export_write(opts["out"], metrics=not opts["no_metrics"],
                                    replace=opts["replace"], quiet=opts["quiet"])
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        tables = manifest["tables"]
        rows = sum(t["rows"] for name, t in tables.items() if name != "metrics")
        size = sum(t["bytes"] for t in tables.values())
        for name, table in tables.items():
            mib = table["bytes"] / 2**20
            self.stdout.write(f"{name:<11} {table['rows']:>12,} rows {mib:>9.1f} MiB  "
                              f"{len(table['files'])} file(s)")
        seconds = manifest["tables_seconds"]
        with_metrics = ("" if opts["no_metrics"]
                        else f"; {manifest['seconds']} s with the metric table")
        self.stdout.write(f"{rows:,} rows of tables in {seconds} s "
                          f"({rows / seconds if seconds else 0:,.0f} rows/s), {size / 2**20:.1f} "
                          f"MiB in all{with_metrics}; {opts['out']}/manifest.json")
