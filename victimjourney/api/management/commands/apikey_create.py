"""victimjourney apikey_create ORG --name NAME: a new API key; the token is printed once."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from victimjourney.api.services import api_key_create
from victimjourney.core.errors import DomainError


class Command(BaseCommand):
    help = "Create an API key for an organisation and print its token (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="organisation code, e.g. police:kent")
        parser.add_argument("--name", required=True, help="what will call with it")

    def handle(self, *args, **opts):
        try:
            key, token = api_key_create(organisation=opts["organisation"], name=opts["name"])
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write(f"API key {key.name!r} for {key.organisation_id} created. The token "
                          "below is not stored and will not be shown again:")
        self.stdout.write(token)
