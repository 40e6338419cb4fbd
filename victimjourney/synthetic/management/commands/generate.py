"""victimjourney generate --scale 0.1 --seed 1 --out year.jsonl: a synthetic national year.

Writes the feed (JSON Lines, streamed) and its ground truth beside it (`<out>.truth.json`):
43 forces sized by their real crime volumes, real offence mixes and outcomes, victims with
realistic category rates, and each organisation's behaviour drawn from the seed
(docs/REAL-DATA.md). The same seed and scale give the same bytes.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from victimjourney.core.progress import progress_bar
from victimjourney.synthetic.calibration import NATIONAL_TOTAL
from victimjourney.synthetic.national import check_year, national_write, planned_recorded


class Command(BaseCommand):
    help = "Write a synthetic national year (feed and ground truth), deterministic for a seed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, required=True,
                            help="share of a national year (0.1: about 670,000 crimes)")
        parser.add_argument("--seed", type=int, required=True)
        parser.add_argument("--out", required=True, help="the feed file to write (.jsonl)")
        parser.add_argument("--year", type=int, default=2024,
                            help="the calendar year the crimes are reported in (default 2024)")
        parser.add_argument("--total", type=int, default=NATIONAL_TOTAL,
                            help="recorded crimes in a whole national year (default "
                                 f"{NATIONAL_TOTAL:,})")
        parser.add_argument("--truth", help="the ground-truth file (default <out>.truth.json)")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **opts: Any) -> None:
        scale = opts["scale"]
        if not 0 < scale <= 10:
            raise CommandError("--scale must be above 0 and at most 10")
        try:
            check_year(opts["year"])
        except ValueError as exc:
            raise CommandError(f"--year: {exc}") from None
        if opts["total"] < 1:
            raise CommandError("--total must be at least 1")
        truth = opts["truth"] or f"{opts['out']}.truth.json"
        try:
            with progress_bar(quiet=opts["quiet"]) as progress:
                task = progress.add_task("Generating crimes",
                                         total=planned_recorded(scale, opts["total"]))
                result = national_write(
                    opts["out"], scale=scale, seed=opts["seed"], year=opts["year"],
                    total=opts["total"], truth_path=truth,
                    on_recorded=lambda n: progress.advance(task, n))
        except OSError as exc:
            raise CommandError(f"cannot write {exc.filename}: {exc.strerror}") from None
        rate = result.events / result.seconds if result.seconds else 0
        self.stdout.write(
            f"Wrote {opts['out']}: {result.recorded} recorded crimes, {result.cases} cases, "
            f"{result.events} events in {result.seconds:.1f} s ({rate:,.0f} events/s); "
            f"ground truth in {truth}.")
