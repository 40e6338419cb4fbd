"""victimjourney reference_load: create or refresh the shipped organisations (idempotent)."""

from django.core.management.base import BaseCommand

from victimjourney.organisations.services import reference_load


class Command(BaseCommand):
    help = "Load the shipped reference organisations (forces, CPS, WCUs, probation, courts...)."

    def handle(self, *args, **opts):
        created = reference_load()
        self.stdout.write(f"Reference data loaded: {created} organisations created.")
