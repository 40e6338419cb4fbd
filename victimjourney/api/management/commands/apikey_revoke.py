"""victimjourney apikey_revoke ORG --name NAME: the key stops working at once."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from victimjourney.api.services import api_key_revoke
from victimjourney.core.errors import DomainError


class Command(BaseCommand):
    help = "Revoke an organisation's API key by its name."

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="organisation code, e.g. police:kent")
        parser.add_argument("--name", required=True)

    def handle(self, *args, **opts):
        try:
            key = api_key_revoke(organisation=opts["organisation"], name=opts["name"])
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Revoked API key {key.name!r} ({key.prefix}…) of "
                          f"{key.organisation_id}.")
