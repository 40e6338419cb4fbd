"""victimjourney apikey_list [ORG]: keys with their prefix, last use and revocation."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from victimjourney.api.models import ApiKey


def _when(value) -> str:
    return value.isoformat(timespec="minutes") if value else "-"


class Command(BaseCommand):
    help = "List API keys (never their tokens)."

    def add_arguments(self, parser):
        parser.add_argument("organisation", nargs="?", help="only this organisation's keys")

    def handle(self, *args, **opts):
        keys = ApiKey.objects.all()
        if opts["organisation"]:
            keys = keys.filter(organisation_id=opts["organisation"])
        for key in keys:
            self.stdout.write(f"{key.organisation_id}\t{key.name}\t{key.prefix}…\tcreated "
                              f"{_when(key.created_at)}\tlast used {_when(key.last_used_at)}"
                              f"\trevoked {_when(key.revoked_at)}")
