"""victimjourney docs: regenerate the rule catalogue, organisation codes and feed schema."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from victimjourney.core.docs import generated_docs


class Command(BaseCommand):
    help = "Write the generated documentation into docs/."
    requires_system_checks: list[str] = []

    def handle(self, *args, **opts):
        for name, text in generated_docs().items():
            path = Path(settings.BASE_DIR) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {name}")
