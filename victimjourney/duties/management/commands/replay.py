"""victimjourney replay FILE.jsonl --as-of INSTANT: every duty of a feed, without a database."""

from __future__ import annotations

import datetime as dt
import io
import json

from django.core.management.base import BaseCommand, CommandError

from victimjourney.core import clock
from victimjourney.core.errors import FeedErrors
from victimjourney.duties.replay import duty_json, replay
from victimjourney.organisations.reference import shipped_organisations


def parse_as_of(value: str | None) -> dt.datetime:
    """An instant with an offset, or a date meaning the end of that day in England and Wales."""
    if not value:
        return clock.now()
    try:
        if len(value) == 10:
            return clock.end_of_local_day(dt.date.fromisoformat(value))
        return clock.parse_instant(value)
    except ValueError as exc:
        raise CommandError(f"--as-of {value!r}: {exc}") from None


class Command(BaseCommand):
    help = ("Evaluate a journey event feed and print every duty (no database is touched; "
            "organisations come from the shipped reference data).")
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--as-of", help="instant (ISO 8601 with offset) or date; default now")
        parser.add_argument("--format", choices=("json", "table"), default="table")

    def handle(self, *args, **opts):
        as_of = parse_as_of(opts["as_of"])
        orgs = shipped_organisations()
        try:
            with open(opts["file"], encoding="utf-8") as handle:
                duties = replay(handle, as_of=as_of, orgs=orgs)
        except OSError as exc:
            raise CommandError(f"cannot read {opts['file']}: {exc.strerror}") from None
        except FeedErrors as exc:
            raise CommandError(str(exc)) from None
        if opts["format"] == "json":
            self.stdout.write(json.dumps([duty_json(d, orgs) for d in duties], indent=2,
                                         ensure_ascii=False))
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"Duties as of {as_of.isoformat()}")
        for column in ("case", "victim", "entitlement", "edition", "owed by", "due", "status",
                       "fulfilled by"):
            table.add_column(column)
        for d in duties:
            org = orgs.get(d.provider)
            table.add_row(d.case, d.victim, d.entitlement + (" *" if d.unverified else ""),
                          d.edition, org.name if org else d.provider,
                          d.due_date.isoformat() if d.due_date else d.deadline_text,
                          d.status, d.fulfilled_by or "")
        buffer = io.StringIO()
        Console(file=buffer, width=160).print(table)
        self.stdout.write(buffer.getvalue(), ending="")
        self.stdout.write("* part of the rule is UNVERIFIED against the Code's text")
