"""Reads of cases, permission-checked: a case a user may not see looks exactly like one that
does not exist (zulip's access_<thing> pattern)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from victimjourney.accounts.permissions import permitted, works_with
from victimjourney.cases.models import Case, CaseOrganisation
from victimjourney.core.errors import NotFound
from victimjourney.organisations.models import Organisation


def staff_of(user: Any):
    staff = getattr(user, "staff", None) if user and user.is_authenticated else None
    if staff is None:
        raise NotFound("no such case")
    return staff


def cases_visible(user: Any) -> QuerySet[Case]:
    staff = getattr(user, "staff", None) if user and user.is_authenticated else None
    if staff is None:
        return Case.objects.none()
    # The permission matrix (accounts.permissions): a role that reads the case summary of
    # cases its organisation has nothing to do with reads every case; one that reads those
    # its organisation is involved in, those (own cases are among them: the force records
    # the crime).
    if permitted(staff.role, "none", "case", "summary"):
        return Case.objects.all()
    if permitted(staff.role, "involved", "case", "summary"):
        return Case.objects.filter(organisations__organisation_id=staff.organisation_id)
    return Case.objects.none()


def access_case(user: Any, reference: str) -> Case:
    """The case, if USER may see it; otherwise NotFound, exactly as for a missing case."""
    case = cases_visible(user).select_related("force").filter(reference=reference).first()
    if case is None:
        raise NotFound("no such case")
    return case


def case_relationship(organisation: str, case: Case) -> str:
    """The relationship of ORGANISATION to CASE, as the permission matrix names it: `own`
    (the case's force), `involved` (it recorded an event on the case or owes a duty on it),
    `partner` (it works with the case's force: `accounts.permissions.works_with`) or `none`."""
    if case.force_id and case.force_id == organisation:
        return "own"
    if CaseOrganisation.objects.filter(case=case, organisation_id=organisation).exists():
        return "involved"
    if case.force_id:
        orgs = {o.code: o for o in Organisation.objects.filter(
            code__in=[organisation, case.force_id])}
        if organisation in orgs and case.force_id in orgs and works_with(
                orgs[organisation], orgs[case.force_id]):
            return "partner"
    return "none"
