"""victimjourney import FILE.jsonl: store a journey event feed and its duties."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from victimjourney.core.errors import FeedErrors
from victimjourney.core.progress import count_lines, progress_bar
from victimjourney.duties.fileimport import BATCH_LINES, ResumeRefused, feed_import_file
from victimjourney.duties.services import feed_import

HELP = """Import a journey event feed (JSON Lines) and compute its duties.

The whole file is checked first, streaming, and nothing is applied if any line is invalid
(every invalid line is reported with its line number and field). It is then applied in
committed batches of --batch-lines lines; after each batch a checkpoint (the file's size and
SHA-256, the byte offset and number of the last line applied) is written in the batch's own
transaction. If the import is interrupted (a crash, a kill, a lost connection), run the same
command again with --resume: it goes on after the last committed batch, without checking the
file again. Importing a file again, with or without --resume, never stores an event or a duty
twice: an event already stored with the same id and content is skipped.

--keep-valid applies the valid lines and writes the rejected ones, with the reason, to
--rejects (no check pass; resumable too). --one-transaction applies the whole file in one
transaction instead (nothing is committed until the end; an interrupted import leaves
nothing, and starts again from the beginning)."""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--resume", action="store_true",
                            help="go on with the interrupted import of this file")
        parser.add_argument("--keep-valid", action="store_true",
                            help="keep the valid lines and write the rejected ones to --rejects")
        parser.add_argument("--rejects", help="file for rejected lines (with --keep-valid)")
        parser.add_argument("--batch-lines", type=int, default=BATCH_LINES,
                            help=f"lines per committed batch (default {BATCH_LINES:,})")
        parser.add_argument("--one-transaction", action="store_true",
                            help="apply the whole file in one transaction (not resumable)")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, **opts):
        path = opts["file"]
        if opts["keep_valid"] and not opts["rejects"]:
            raise CommandError("--keep-valid needs --rejects FILE to write the rejected lines to")
        if opts["batch_lines"] < 1:
            raise CommandError("--batch-lines must be at least 1")
        if opts["one_transaction"] and opts["resume"]:
            raise CommandError("--resume needs the batched import: leave out --one-transaction")
        try:
            total = count_lines(path)
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        try:
            if opts["one_transaction"]:
                result = self._one_transaction(path, total, opts)
            else:
                result = self._batched(path, total, opts)
        except FeedErrors as exc:
            raise CommandError(str(exc)) from None
        except ResumeRefused as exc:
            raise CommandError(str(exc)) from None
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text ({exc.reason}); nothing was applied") \
                from None
        self.stdout.write(
            f"Imported {path}: {result.lines} lines, {result.events_new} new events, "
            f"{result.events_repeated} already stored, {result.rejected} rejected; "
            f"{result.cases} new cases; {result.duties_written} duties created or changed."
        )

    def _batched(self, path, total, opts):
        with progress_bar(quiet=opts["quiet"]) as progress:
            checking = progress.add_task("Checking", total=total,
                                         visible=not opts["keep_valid"])
            importing = progress.add_task("Importing events", total=total)

            def checked(lines: int) -> None:
                if lines < 0:
                    progress.update(checking, description="Checked (by the run resumed)",
                                    completed=total)
                else:
                    progress.advance(checking, lines)

            result, _ = feed_import_file(
                path, resume=opts["resume"], keep_valid=opts["keep_valid"],
                rejects_path=opts["rejects"], batch_lines=opts["batch_lines"],
                on_check=checked, on_progress=lambda n: progress.advance(importing, n))
        return result

    def _one_transaction(self, path, total, opts):
        rejects = open(opts["rejects"], "w", encoding="utf-8") if opts["rejects"] else None  # noqa: SIM115
        try:
            with progress_bar(quiet=opts["quiet"]) as progress, open(
                    path, encoding="utf-8") as handle:
                task = progress.add_task("Importing events", total=total)
                return feed_import(
                    lines=handle, source=path, keep_valid=opts["keep_valid"], rejects=rejects,
                    on_progress=lambda n: progress.advance(task, n),
                )
        finally:
            if rejects:
                rejects.close()
