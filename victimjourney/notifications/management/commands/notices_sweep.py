"""victimjourney notices_sweep: recover and re-enqueue deliveries, poll Notify, write evidence.

Run it every minute (cron or a systemd timer) beside `victimjourney db_worker`. Idempotent.
"""

from django.core.management.base import BaseCommand

from victimjourney.notifications.tasks import notices_sweep


class Command(BaseCommand):
    help = "Recover deliveries of crashed workers, re-enqueue lost tasks, ask GOV.UK Notify " \
           "about texts and letters with no receipt, and write pending evidence."

    def handle(self, *args, **opts):
        counts = notices_sweep()
        self.stdout.write(", ".join(f"{name}: {value}" for name, value in counts.items()))
