"""Writes of staff accounts."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from victimjourney.accounts.models import StaffProfile
from victimjourney.accounts.roles import ROLES
from victimjourney.core.errors import DomainError
from victimjourney.organisations.models import Organisation


def staff_create(*, username: str, password: str, organisation: str, role: str,
                 first_name: str = "", last_name: str = "", email: str = ""):
    if role not in ROLES:
        raise DomainError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
    if not Organisation.objects.filter(code=organisation).exists():
        raise DomainError(f"unknown organisation code {organisation!r}")
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, email=email,
                                        first_name=first_name, last_name=last_name)
        if role == "administrator":
            user.is_staff = True
            user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        StaffProfile.objects.create(user=user, organisation_id=organisation, role=role)
    return user
