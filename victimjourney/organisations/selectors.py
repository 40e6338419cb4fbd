"""Reads of the organisations reference data."""

from __future__ import annotations

from victimjourney.organisations.models import Organisation
from victimjourney.organisations.reference import OrganisationRef


def organisation_refs() -> dict[str, OrganisationRef]:
    """Every active organisation in the database, as the engine's reference records."""
    return {
        org.code: OrganisationRef(
            code=org.code, kind=org.kind, name=org.name, force=org.force,
            cps_area=org.cps_area, probation_region=org.probation_region,
            country=org.country, population=org.population,
        )
        for org in Organisation.objects.filter(active=True)
    }
