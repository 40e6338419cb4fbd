"""victimjourney sample: draw a reproducible stratified sample of case files, or import
inspectors' judgements in bulk.

    victimjourney sample --name "FRTI 2024" --seed 7 --per-force 20 --year 2024
    victimjourney sample --import-judgements judgements.csv
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from victimjourney.inspection.services import (
    JudgementImportError,
    judgements_import_csv,
    sample_draw,
)


class Command(BaseCommand):
    help = "Draw a seeded stratified sample of case files (per police force), or import " \
           "judgements from a CSV file (case, finding, outcome, subject, notes, inspector)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", default="sample")
        parser.add_argument("--seed", type=int)
        parser.add_argument("--per-force", type=int, default=20)
        parser.add_argument("--year", type=int)
        parser.add_argument("--finding", default="")
        parser.add_argument("--import-judgements", metavar="CSV")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["import_judgements"]:
            try:
                stored = judgements_import_csv(path=opts["import_judgements"])
            except JudgementImportError as exc:
                raise CommandError("nothing imported:\n" + "\n".join(
                    str(p) for p in exc.problems[:50])) from exc
            self.stdout.write(f"imported {stored} judgements")
            return
        if opts["seed"] is None:
            raise CommandError("--seed is required to draw a sample (it makes it repeatable)")
        sample = sample_draw(name=opts["name"], seed=opts["seed"],
                             per_stratum=opts["per_force"], year=opts["year"],
                             finding=opts["finding"], created_by="command line")
        files = sample.files.select_related("case").order_by("stratum", "position")
        self.stdout.write(f"sample {sample.pk}: {files.count()} files")
        for f in files:
            self.stdout.write(f"{f.stratum}\t{f.position}\t{f.case.reference}")
