"""Reads of the organisations reference data.

Every page names organisations, so `organisation_refs` keeps the records in memory for the
process: rebuilding ~560 of them from the table took about a third of a case page's time.
The copy is used while it is fresh (REFS_TTL seconds) and the table still holds as many
organisations, active and in all, as when it was read (one small aggregate per call, which
sees additions, removals and (de)activations by any process at once). A save or delete in this
process (the admin, `organisation_add`) and `reference_load` drop it at once; a rename made by
another process shows within REFS_TTL seconds.
"""

from __future__ import annotations

import threading
import time

from django.db.models import Count, Q

from victimjourney.organisations.models import Organisation
from victimjourney.organisations.reference import OrganisationRef

REFS_TTL = 60.0

_lock = threading.Lock()
_cached: tuple[tuple[int, int], float, dict[str, OrganisationRef]] | None = None


def _stamp() -> tuple[int, int]:
    found = Organisation.objects.aggregate(n=Count("code"), active=Count("code", filter=Q(
        active=True)))
    return int(found["n"]), int(found["active"])


def organisation_refs() -> dict[str, OrganisationRef]:
    """Every active organisation in the database, as the engine's reference records.
    The dict is shared: callers must not change it."""
    global _cached
    stamp = _stamp()
    cached = _cached
    if cached is not None and cached[0] == stamp and time.monotonic() - cached[1] < REFS_TTL:
        return cached[2]
    refs = _refs_read()
    with _lock:
        _cached = (stamp, time.monotonic(), refs)
    return refs


def refs_forget(**_: object) -> None:
    """Drop the in-memory copy (connected to Organisation's post_save and post_delete)."""
    global _cached
    with _lock:
        _cached = None


def _refs_read() -> dict[str, OrganisationRef]:
    return {
        code: OrganisationRef(
            code=code, kind=kind, name=name, force=force, cps_area=cps_area,
            probation_region=probation_region, country=country, population=population,
        )
        for code, kind, name, force, cps_area, probation_region, country, population in
        Organisation.objects.filter(active=True).order_by("kind", "name").values_list(
            "code", "kind", "name", "force", "cps_area", "probation_region", "country",
            "population")
    }
