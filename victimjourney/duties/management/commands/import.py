"""victimjourney import FILE.jsonl: store a journey event feed and its duties."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from victimjourney.core.errors import FeedErrors
from victimjourney.core.progress import count_lines, progress_bar
from victimjourney.duties.services import feed_import


class Command(BaseCommand):
    help = "Import a journey event feed (JSON Lines) and compute its duties: whole or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--keep-valid", action="store_true",
                            help="keep the valid lines and write the rejected ones to --rejects")
        parser.add_argument("--rejects", help="file for rejected lines (with --keep-valid)")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, **opts):
        path = opts["file"]
        if opts["keep_valid"] and not opts["rejects"]:
            raise CommandError("--keep-valid needs --rejects FILE to write the rejected lines to")
        try:
            total = count_lines(path)
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        rejects = open(opts["rejects"], "w", encoding="utf-8") if opts["rejects"] else None  # noqa: SIM115
        try:
            with progress_bar(quiet=opts["quiet"]) as progress, open(
                    path, encoding="utf-8") as handle:
                task = progress.add_task("Importing events", total=total)
                result = feed_import(
                    lines=handle, source=path, keep_valid=opts["keep_valid"], rejects=rejects,
                    on_progress=lambda n: progress.advance(task, n),
                )
        except FeedErrors as exc:
            raise CommandError(str(exc)) from None
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text ({exc.reason}); nothing was applied") \
                from None
        finally:
            if rejects:
                rejects.close()
        self.stdout.write(
            f"Imported {path}: {result.lines} lines, {result.events_new} new events, "
            f"{result.events_repeated} already stored, {result.rejected} rejected; "
            f"{result.cases} new cases; {result.duties_written} duties created or changed."
        )
