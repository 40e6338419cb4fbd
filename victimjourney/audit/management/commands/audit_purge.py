"""victimjourney audit_purge --before DATE: delete audit entries older than a date (retention),
leaving a checkpoint entry so that the chain still verifies."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from victimjourney.audit.services import audit_purge
from victimjourney.core import clock
from victimjourney.core.clock import local_date, start_of_local_day


class Command(BaseCommand):
    help = ("Delete the audit entries written before a date (local, Europe/London) and record "
            "a checkpoint entry in their place. The newest entries are never touched.")

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, metavar="YYYY-MM-DD")

    def handle(self, *args, **opts):
        try:
            day = dt.date.fromisoformat(opts["before"])
        except ValueError:
            raise CommandError(f"--before takes a date YYYY-MM-DD, got {opts['before']!r}") \
                from None
        if day > local_date(clock.now()):
            raise CommandError("--before cannot be in the future")
        checkpoint = audit_purge(before=start_of_local_day(day))
        if checkpoint is None:
            self.stdout.write(f"No audit entries before {day}.")
        else:
            self.stdout.write(f"Checkpoint entry {checkpoint.id}: {checkpoint.detail}")
