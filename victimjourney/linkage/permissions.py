"""Who may use linkage, and for what: data, read by the pages (docs/LINKAGE.md).

Linkage joins up what different forces and agencies know about a person, so it is narrower
than case access. Every use is audited (the pages call `audit_record`).
"""

from __future__ import annotations

from victimjourney.accounts.roles import ROLES

CAPABILITIES: dict[str, frozenset[str]] = {
    # Look up, at first contact, whether this person has reported before.
    "lookup": frozenset({"call_handler", "investigating_officer", "victim_care_officer",
                         "family_liaison_officer", "witness_care_officer",
                         "victim_liaison_officer", "yot_officer", "supervisor",
                         "administrator"}),
    # See the date, force, offence and risk level of earlier reports on cases outside the
    # user's own access: those who must safeguard the victim at first contact. Others see
    # only how many there are.
    "see_elsewhere": frozenset({"call_handler", "investigating_officer",
                                "victim_care_officer", "supervisor", "administrator"}),
    # Confirm or reject candidate links (the review queue).
    "review": frozenset({"victim_care_officer", "supervisor", "administrator"}),
    # Confirm or decline a proposal of the persistently-targeted category.
    "categorise": frozenset({"investigating_officer", "victim_care_officer", "supervisor",
                             "administrator"}),
}

assert all(roles <= set(ROLES) for roles in CAPABILITIES.values()), "unknown role"


def may(role: str, capability: str) -> bool:
    return role in CAPABILITIES[capability]
