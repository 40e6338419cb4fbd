"""Staff roles, each tied to an organisation, and what each may see.

The role groups are data: `CAN_SEE_ALL_CASES` roles read every case (read only: they record
only where their organisation is involved); every other role sees the cases its organisation
is involved in. `SENSITIVE_FIELDS` names, per field, the roles that need it. The full
permission matrix (principal x relationship to the case x record kind x field set), built from
these groups and asked by every check, is `accounts/permissions.py` (table in
docs/SECURITY.md).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

ROLES = {
    "call_handler": gettext_noop("Call handler"),
    "investigating_officer": gettext_noop("Investigating officer"),
    "victim_care_officer": gettext_noop("Victim care officer"),
    "family_liaison_officer": gettext_noop("Family liaison officer"),
    "cps_lawyer": gettext_noop("CPS lawyer"),
    "witness_care_officer": gettext_noop("Witness Care officer"),
    "victim_liaison_officer": gettext_noop("Victim Liaison Officer"),
    "yot_officer": gettext_noop("Youth offending team officer"),
    "supervisor": gettext_noop("Supervisor"),
    "inspector": gettext_noop("Inspector"),
    "administrator": gettext_noop("Administrator"),
}

# Roles that read every case, across organisations (inspection, administration).
CAN_SEE_ALL_CASES = frozenset({"inspector", "administrator"})
# Roles that may record journey events (everyone who works a case, not inspectors).
CAN_RECORD = frozenset(ROLES) - {"inspector"}
# Roles with the team view of duties.
CAN_SUPERVISE = frozenset({"supervisor", "administrator"})

# Sensitive victim fields and the roles that need them (product.md: "addresses of domestic
# abuse victims never shown to anyone without need").
SENSITIVE_FIELDS: dict[str, frozenset[str]] = {
    "contact": frozenset({"investigating_officer", "victim_care_officer",
                          "family_liaison_officer", "witness_care_officer",
                          "victim_liaison_officer", "yot_officer", "supervisor",
                          "call_handler"}),
    # A domestic abuse victim's address and safe-contact details: only those who must
    # contact or protect them.
    "contact_domestic_abuse": frozenset({"investigating_officer", "victim_care_officer",
                                         "witness_care_officer", "victim_liaison_officer"}),
}


def may_see_field(role: str, field: str) -> bool:
    """Whether ROLE is in the list for FIELD, whatever the case: pages and the API ask
    `accounts.permissions.fields_visible`, which also weighs the relationship to the case."""
    return role in SENSITIVE_FIELDS.get(field, frozenset())
