"""victimjourney sweep: mark overdue open duties as breached (idempotent)."""

from django.core.management.base import BaseCommand

from victimjourney.core.clock import parse_instant
from victimjourney.duties.services import duties_sweep


class Command(BaseCommand):
    help = ("Mark every open duty whose deadline has passed as breached: one UPDATE through "
            "the partial index of open duties by deadline, so it reads only what has fallen "
            "due. Safe to run repeatedly (from cron, say every few minutes).")

    def add_arguments(self, parser):
        parser.add_argument("--now", help="sweep as of this instant (ISO 8601 with offset)")

    def handle(self, *args, **opts):
        now = parse_instant(opts["now"]) if opts["now"] else None
        count = duties_sweep(now=now)
        self.stdout.write(f"{count} duties marked breached.")
