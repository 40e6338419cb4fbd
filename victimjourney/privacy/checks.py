"""A force's retention overrides are checked when the project starts: a wrong one fails loudly
rather than keeping data for the wrong period."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from victimjourney.privacy.schedules import schedules_load


@checks.register()
def retention_overrides_check(app_configs: Any = None, **kwargs: Any) -> list[checks.Error]:
    try:
        schedules_load(getattr(settings, "PRIVACY_RETENTION_OVERRIDES", None))
    except ValueError as exc:
        return [checks.Error(str(exc), id="privacy.E001",
                             hint="See docs/PRIVACY.md for the kinds and the period syntax.")]
    return []
