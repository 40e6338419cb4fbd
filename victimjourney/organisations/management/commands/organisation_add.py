"""victimjourney organisation_add CODE NAME [--force SLUG]: extend the courts, YOTs, prisons."""

from django.core.management.base import BaseCommand, CommandError

from victimjourney.core.errors import DomainError
from victimjourney.organisations.services import organisation_add


class Command(BaseCommand):
    help = "Add a court, youth offending team or prison (e.g. court:newport-crown-court)."

    def add_arguments(self, parser):
        parser.add_argument("code", help="court:<slug>, yot:<slug> or prison:<slug>")
        parser.add_argument("name")
        parser.add_argument("--force", default="", help="police force area slug, e.g. gwent")

    def handle(self, *args, **opts):
        try:
            org = organisation_add(code=opts["code"], name=opts["name"], force=opts["force"])
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Added {org.code}: {org.name}")
