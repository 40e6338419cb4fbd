"""victimjourney subject_access --case REF --victim KEY --out DIR: everything held about one
victim, third parties redacted, as subject-access.json and subject-access.pdf (audited)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from victimjourney.core.errors import NotFound
from victimjourney.privacy.access import subject_access_export


class Command(BaseCommand):
    help = "Export everything held about one victim (subject access), third parties redacted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--case", required=True, help="the crime reference number")
        parser.add_argument("--victim", required=True, help="the victim's key on the case, e.g. V1")
        parser.add_argument("--out", required=True, help="the folder to write the files to")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            paths = subject_access_export(reference=opts["case"], victim_key=opts["victim"],
                                          out=opts["out"])
        except NotFound as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"wrote {paths['json']} and {paths['pdf']}; read the free text "
                          f"before release (docs/PRIVACY.md)")
