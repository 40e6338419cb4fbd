"""Writes to the organisations reference data."""

from __future__ import annotations

import re

from django.db import transaction

from victimjourney.core.errors import DomainError
from victimjourney.organisations.models import Organisation
from victimjourney.organisations.reference import KINDS, shipped_organisations
from victimjourney.organisations.selectors import refs_forget

EXTENSIBLE_KINDS = ("court", "yot", "prison")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_WALES = {"dyfed-powys", "gwent", "north-wales", "south-wales"}


def reference_load() -> int:
    """Create or refresh the shipped organisations; returns how many were created.

    Idempotent. Organisations an administrator added are left alone.
    """
    existing = set(Organisation.objects.values_list("code", flat=True))
    created = 0
    with transaction.atomic():
        for ref in shipped_organisations().values():
            fields = dict(kind=ref.kind, name=ref.name, force=ref.force, cps_area=ref.cps_area,
                          probation_region=ref.probation_region, country=ref.country,
                          population=ref.population, shipped=True)
            if ref.code in existing:
                Organisation.objects.filter(code=ref.code).update(**fields)
            else:
                Organisation.objects.create(code=ref.code, **fields)
                created += 1
    refs_forget()  # .update() sends no signal
    return created


def organisation_validate(*, code: str, name: str, force: str = "") -> tuple[str, str]:
    """Check a new court, youth offending team or prison; return its kind and country.

    Raises ValueError naming what is wrong.
    """
    kind, _, slug = code.partition(":")
    if kind not in EXTENSIBLE_KINDS:
        raise ValueError(
            f"organisation code {code!r}: only {', '.join(k + ':' for k in EXTENSIBLE_KINDS)} "
            "codes can be added; forces, CPS areas, Witness Care Units and probation regions "
            "are fixed reference data"
        )
    if not _SLUG.match(slug):
        raise ValueError(f"organisation code {code!r}: the part after '{kind}:' must be "
                         "lowercase letters, digits and single hyphens")
    if not name.strip():
        raise ValueError("an organisation needs a name")
    if force and not Organisation.objects.filter(code=f"police:{force}").exists():
        raise ValueError(f"unknown police force {force!r}")
    if Organisation.objects.filter(code=code).exists():
        raise ValueError(f"organisation {code!r} already exists")
    assert kind in KINDS
    return kind, "Wales" if force in _WALES else "England"


def organisation_add(*, code: str, name: str, force: str = "") -> Organisation:
    """Add a court, youth offending team or prison (the lists an administrator extends)."""
    try:
        kind, country = organisation_validate(code=code, name=name, force=force)
    except ValueError as exc:
        raise DomainError(str(exc)) from None
    return Organisation.objects.create(code=code, kind=kind, name=name.strip(), force=force,
                                       country=country)
